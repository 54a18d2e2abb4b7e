//! The rule packs: the built-in ones embedded from `rules/`, or rule files named by the user,
//! compiled once and chosen per report by its year.

use crate::dsl::compile;
use crate::dsl::error::RuleError;
use crate::dsl::program::{Pack, RuleFiles};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Entry files of the built-in packs (relative to `rules/`), newest format first.
pub const BUILTIN_PACKS: &[&str] = &["gov-2021/pack.rules", "gov-2019/pack.rules"];

/// Rule files that could not be compiled, with the files to render the errors against.
#[derive(Debug)]
pub struct PackErrors {
    /// Every error.
    pub errors: Vec<RuleError>,
    /// The rule files.
    pub files: RuleFiles,
}

/// Reads an embedded rule file; `dir/*.rules` lists a folder.
fn embedded(path: &str) -> Result<String, String> {
    let path = path.strip_prefix(compile::BUILTIN_PREFIX).unwrap_or(path);
    embedded_text(path).ok_or_else(|| "no such built-in rule file".to_owned())
}

fn embedded_text(path: &str) -> Option<String> {
    if let Some(dir) = path.strip_suffix("*.rules") {
        let mut names: Vec<&str> = EMBEDDED_RULES
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| p.starts_with(dir) && !p[dir.len()..].contains('/'))
            .collect();
        names.sort_unstable();
        return Some(glob_file(dir, &names));
    }
    EMBEDDED_RULES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| (*text).to_owned())
}

/// A synthetic file importing every file of a folder, so `import "common/*.rules"` works the
/// same for embedded and on-disk packs.
fn glob_file(dir: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("import \"{}\"\n", &n[dir.len()..]))
        .collect()
}

fn on_disk(path: &str) -> Result<String, String> {
    if let Some(builtin) = path.strip_prefix(compile::BUILTIN_PREFIX) {
        return embedded(builtin);
    }
    if let Some(dir) = path.strip_suffix("*.rules") {
        let folder = if dir.is_empty() {
            Path::new(".")
        } else {
            Path::new(dir)
        };
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .map_err(|e| format!("cannot list the folder: {e}"))?
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "rules"))
            .map(|e| format!("{dir}{}", e.file_name().to_string_lossy()))
            .collect();
        names.sort();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        return Ok(glob_file(dir, &refs));
    }
    read_rule_file(Path::new(path))
}

/// Rule files larger than this are not read: the built-in packs together are under 200 KB.
pub const MAX_RULE_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A rule file's text, if it is a regular file within [`MAX_RULE_FILE_BYTES`]: an import of
/// `/dev/zero` or a FIFO must not hang or exhaust memory. Else why not.
fn read_rule_file(path: &Path) -> Result<String, String> {
    use std::io::Read as _;
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        kind => kind.to_string(),
    })?;
    if !metadata.is_file() {
        return Err("not a regular file (a folder, device, FIFO or socket)".to_owned());
    }
    let too_large = || {
        format!(
            "larger than {} MiB, the limit for a rule file",
            MAX_RULE_FILE_BYTES >> 20
        )
    };
    if metadata.len() > MAX_RULE_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(|e| e.kind().to_string())?
        .take(MAX_RULE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.kind().to_string())?;
    if bytes.len() as u64 > MAX_RULE_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

/// Compiles the built-in packs.
///
/// # Errors
/// When a built-in pack does not compile (a bug, caught by the test suite).
pub fn builtin() -> Result<Vec<Pack>, PackErrors> {
    let compile_one = |entry: &&str| {
        compile::compile(entry, &embedded).map_err(|(errors, files)| PackErrors { errors, files })
    };
    // One thread per pack: compiling them is most of `regulint lint one-file.txt`, and a
    // pre-commit run waits for it.
    std::thread::scope(|scope| {
        let handles: Vec<_> = BUILTIN_PACKS
            .iter()
            .map(|entry| scope.spawn(move || compile_one(entry)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Compiles a pack from a rule file on disk.
///
/// # Errors
/// Every error in the file and its imports.
pub fn from_file(path: &str) -> Result<Pack, PackErrors> {
    compile::compile(path, &on_disk).map_err(|(errors, files)| PackErrors { errors, files })
}

/// Compiles a pack from rule text (tests, `check-rules` on stdin).
///
/// # Errors
/// Every error in the text.
pub fn from_text(name: &str, text: &str) -> Result<Pack, PackErrors> {
    let load = |path: &str| {
        if path == name {
            Ok(text.to_owned())
        } else {
            on_disk(path)
        }
    };
    compile::compile(name, &load).map_err(|(errors, files)| PackErrors { errors, files })
}

/// The pack called `name`; a bare year (`2021`) names the built-in `gov-2021`.
#[must_use]
pub fn by_name<'a>(packs: &'a [Pack], name: &str) -> Option<&'a Pack> {
    packs
        .iter()
        .find(|p| p.name == name)
        .or_else(|| packs.iter().find(|p| p.name == format!("gov-{name}")))
}

/// The pack for a report year: the one whose years include it; reports before 2019 get the
/// 2019 pack (the oldest format regulint knows), undated reports the newest.
#[must_use]
pub fn choose(packs: &[Pack], year: Option<i32>) -> Option<&Pack> {
    match year {
        Some(y) => packs.iter().find(|p| p.applies_to(y)).or_else(|| {
            packs
                .iter()
                .min_by_key(|p| p.years.0)
                .filter(|p| y < p.years.0)
        }),
        None => packs.iter().max_by_key(|p| p.years.0),
    }
}
