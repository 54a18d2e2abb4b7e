//! Layered packs: a local pack on top of a built-in one (`import builtin`, `disable`,
//! `override`, namespaced codes), imports confined to the pack's folder, and `check-rules`
//! on a folder of packs.

mod common;

use regulint::lint::{LintOptions, lint_bytes};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// A 2023 report whose built-in findings include T305-free warnings and errors.
const REPORT: &str = "real/shuyang-fgj-2023.html";

fn findings(pack: regulint::dsl::program::Pack) -> Vec<(String, String)> {
    let bytes = std::fs::read(common::corpus().join(REPORT)).unwrap();
    let options = LintOptions {
        pack: Some(pack.name.clone()),
        packs: Some(Arc::new(vec![pack])),
        ..LintOptions::default()
    };
    let report = lint_bytes(REPORT, &bytes, &options);
    assert!(report.error.is_none(), "{:?}", report.error);
    report
        .findings
        .iter()
        .map(|f| (f.code.clone(), format!("{:?}", f.severity)))
        .collect()
}

fn builtin_findings() -> Vec<(String, String)> {
    let bytes = std::fs::read(common::corpus().join(REPORT)).unwrap();
    let report = lint_bytes(REPORT, &bytes, &LintOptions::default());
    report
        .findings
        .iter()
        .map(|f| (f.code.clone(), format!("{:?}", f.severity)))
        .collect()
}

fn compile_in(dir: &Path, files: &[(&str, &str)]) -> Result<regulint::dsl::program::Pack, String> {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    regulint::packs::from_file(dir.join(files[0].0).to_str().unwrap()).map_err(|e| {
        e.errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[test]
fn a_local_pack_builds_on_the_builtin_one() {
    let national = builtin_findings();
    assert!(!national.is_empty());
    // The two most frequent national codes on this report: one disabled, one overridden.
    let mut codes: Vec<&str> = national.iter().map(|(c, _)| c.as_str()).collect();
    codes.dedup();
    let (disabled, overridden) = (codes[0], codes[codes.len() - 1]);
    assert_ne!(disabled, overridden);
    let dir = tempfile::tempdir().unwrap();
    let pack = compile_in(
        dir.path(),
        &[(
            "pack.rules",
            &format!(
                "pack local {{ years 2021.. }}\nimport builtin \"gov-2021\"\ndisable {disabled}\noverride {overridden} {{ severity info help \"本地说明\" }}\n\
                 rule zj/L101 local-rule {{\n    severity warning\n    expect false\n    message \"本地规则\"\n}}\n"
            ),
        )],
    )
    .unwrap();
    assert!(pack.rule("zj/L101").is_some());
    assert_eq!(
        pack.rule(overridden).unwrap().help.as_deref(),
        Some("本地说明")
    );
    let local = findings(pack);
    // The national findings, less the disabled rule, the overridden one as info, plus ours.
    let mut expected: Vec<(String, String)> = national
        .iter()
        .filter(|(c, _)| c != disabled)
        .map(|(c, s)| {
            if c == overridden {
                (c.clone(), "Info".to_owned())
            } else {
                (c.clone(), s.clone())
            }
        })
        .collect();
    expected.push(("zj/L101".to_owned(), "Warning".to_owned()));
    let sorted = |mut v: Vec<(String, String)>| {
        v.sort();
        v
    };
    assert_eq!(sorted(local), sorted(expected));
}

#[test]
fn layering_mistakes_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let error = compile_in(
        dir.path(),
        &[(
            "pack.rules",
            "pack local { years 2021.. }\nimport builtin \"gov-2021\"\ndisable T350\noverride T999 { severity info }\n",
        )],
    )
    .unwrap_err();
    assert!(error.contains("unknown rule `T350`"), "{error}");
    assert!(error.contains("unknown rule `T999`"), "{error}");
    let error = compile_in(
        dir.path(),
        &[(
            "pack.rules",
            "pack local { years 2021.. }\nimport builtin \"gov-2099\"\n",
        )],
    )
    .unwrap_err();
    assert!(error.contains("no such built-in rule file"), "{error}");
}

#[test]
fn imports_stay_inside_the_packs_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("outside.rules"), "fn one() = 1\n").unwrap();
    for import in ["../outside.rules", "/etc/passwd", "sub/../../outside.rules"] {
        let error = compile_in(
            &d.join("pack"),
            &[(
                "pack.rules",
                &format!("pack local {{ years 2021.. }}\nimport \"{import}\"\n"),
            )],
        )
        .unwrap_err();
        assert!(
            error.contains("is outside the pack's folder"),
            "{import}: {error}"
        );
    }
    // `root ".."` widens the folder to the parent, and no further.
    let pack = compile_in(
        &d.join("pack"),
        &[(
            "pack.rules",
            "pack local { years 2021.. root \"..\" }\nimport \"../outside.rules\"\nrule L001 uses-one {\n    severity info\n    expect one() == 1\n    message \"x\"\n}\n",
        )],
    );
    assert!(pack.is_ok(), "{:?}", pack.err());
    // A subfolder's files may import each other and climb back to the pack's folder.
    let pack = compile_in(
        &d.join("pack2"),
        &[
            (
                "pack.rules",
                "pack local { years 2021.. }\nimport \"lib/a.rules\"\n",
            ),
            ("lib/a.rules", "import \"../shared.rules\"\n"),
            ("shared.rules", "fn two() = 2\n"),
        ],
    );
    assert!(pack.is_ok(), "{:?}", pack.err());
}

#[test]
fn check_rules_checks_every_pack_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("good")).unwrap();
    std::fs::create_dir_all(d.join("bad")).unwrap();
    std::fs::write(
        d.join("good/pack.rules"),
        "pack good { years 2021.. }\nimport builtin \"gov-2021\"\nimport \"more.rules\"\n",
    )
    .unwrap();
    // Not an entry file: checked through the pack that imports it.
    std::fs::write(d.join("good/more.rules"), "fn x() = 1\n").unwrap();
    std::fs::write(
        d.join("bad/pack.rules"),
        "pack bad { years 2021.. }\nrule B001 bad {\n    severity info\n    expect 表四.start\n    message \"x\"\n}\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_regulint"))
        .args(["check-rules", d.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("good/pack.rules: ok (pack good"),
        "{stdout}"
    );
    assert!(stderr.contains("bad/pack.rules: 1 error"), "{stderr}");
    assert!(!stdout.contains("more.rules") && !stderr.contains("more.rules"));
}

#[test]
fn check_rules_on_an_imported_file_checks_it_in_its_pack() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("pack/lib")).unwrap();
    std::fs::write(
        d.join("pack/pack.rules"),
        "pack local { years 2021.. }\nimport builtin \"gov-2021\"\nimport \"lib/mine.rules\"\n",
    )
    .unwrap();
    // Uses the pack's table 3: alone it would not compile; in its pack it does, but for a
    // type error.
    std::fs::write(
        d.join("pack/lib/mine.rules"),
        "rule zj/L001 mine {\n    severity info\n    expect 表三[新收, 总计] + \"件\" > 0\n    message \"x\"\n}\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_regulint"))
        .args(["check-rules", "pack/lib/mine.rules"])
        .current_dir(d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the right side of `+` is a string"),
        "{stderr}"
    );
    assert!(stderr.contains("1 error (in the pack of"), "{stderr}");
    assert!(!stderr.contains("declares no `pack`"), "{stderr}");
}

/// `extend table`: a provincial row joins the national table 3, so national rules that loop
/// over its rows check it too (here: T306 names it as missing from a report without it).
#[test]
fn a_table_can_be_extended() {
    let dir = tempfile::tempdir().unwrap();
    let pack = compile_in(
        dir.path(),
        &[(
            "pack.rules",
            "pack local { years 2021.. }\nimport builtin \"gov-2021\"\nextend table 表三 {\n    rows {\n        group 省级补充 {\n            网上申请 = \"其中：网上申请\"\n        }\n    }\n}\n\
             rule zj/E001 online-share {\n    severity info\n    expect sum(表三[省级补充, 总计]) <= 表三[新收, 总计]\n    message \"x\"\n}\n",
        )],
    )
    .unwrap();
    let table = pack.tables.iter().find(|t| t.name == "表三").unwrap();
    assert_eq!(table.rows.last().unwrap().name, "网上申请");
    let bytes = std::fs::read(common::corpus().join("real/shuyang-county-gov-2025.txt")).unwrap();
    let options = LintOptions {
        pack: Some("local".to_owned()),
        packs: Some(Arc::new(vec![pack])),
        ..LintOptions::default()
    };
    let report = lint_bytes("shuyang.txt", &bytes, &options);
    let t306: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == "T306")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(t306, ["表三缺少以下行：网上申请"]);
    let errors = compile_in(
        dir.path(),
        &[(
            "pack.rules",
            "pack local { years 2021.. }\nimport builtin \"gov-2021\"\nextend table 表九 { rows { a = \"a\" } }\nextend table 表三 { rows { 新收 = \"新收\" } }\n",
        )],
    )
    .unwrap_err();
    assert!(errors.contains("unknown table `表九`"), "{errors}");
    assert!(
        errors.contains("`新收` is already declared in table `表三`"),
        "{errors}"
    );
}

/// `--select zj/` selects a local pack's namespaced rules; a malformed namespace is refused.
#[test]
fn namespaced_codes_can_be_selected() {
    assert!(regulint::config::check_code("zj/").is_ok());
    assert!(regulint::config::check_code("zj/L101").is_ok());
    assert!(regulint::config::check_code("T3").is_ok());
    assert!(regulint::config::check_code("ZJ/L101").is_err());
    assert!(regulint::config::check_code("zj").is_err());
    assert!(regulint::config::check_code("/L101").is_err());
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/provincial-pack/pack.rules");
    let report = common::corpus().join("real/shanghai-stcsm-2024.md");
    let output = Command::new(env!("CARGO_BIN_EXE_regulint"))
        .args(["lint", "--format", "json", "--select", "zj/", "--rules"])
        .arg(&pack)
        .arg(&report)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["zj/L105"]);
}
