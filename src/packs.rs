//! The rule packs: the built-in ones embedded from `rules/`, or rule files named by the user,
//! compiled once and chosen per report by its year.

use crate::dsl::compile;
use crate::dsl::error::RuleError;
use crate::dsl::program::{Pack, RuleFiles};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// A built-in pack as choosing it needs it: known without compiling the pack, so
/// `regulint lint report.txt` compiles only the pack the report's year needs.
/// `tests/packs.rs` checks this table against the compiled packs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltinPack {
    /// The entry file, relative to `rules/`.
    pub entry: &'static str,
    /// The name its `pack` declaration gives.
    pub name: &'static str,
    /// The years its `pack` declaration gives.
    pub years: (i32, Option<i32>),
}

/// The built-in packs, newest format first.
pub const BUILTIN: &[BuiltinPack] = &[
    BuiltinPack {
        entry: "gov-2021/pack.rules",
        name: "gov-2021",
        years: (2021, None),
    },
    BuiltinPack {
        entry: "gov-2019/pack.rules",
        name: "gov-2019",
        years: (2019, Some(2020)),
    },
];

/// What choosing a pack by name or year reads: a compiled [`Pack`] or a [`BuiltinPack`].
pub trait PackKey {
    /// The pack's name.
    fn name(&self) -> &str;
    /// The first and last (if any) report year the pack is for.
    fn years(&self) -> (i32, Option<i32>);
    /// Whether the pack applies to reports of `year`.
    fn applies_to(&self, year: i32) -> bool {
        let (first, last) = self.years();
        year >= first && last.is_none_or(|last| year <= last)
    }
}

impl PackKey for Pack {
    fn name(&self) -> &str {
        &self.name
    }
    fn years(&self) -> (i32, Option<i32>) {
        self.years
    }
}

impl PackKey for BuiltinPack {
    fn name(&self) -> &str {
        self.name
    }
    fn years(&self) -> (i32, Option<i32>) {
        self.years
    }
}

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

/// Compiles one built-in pack (see [`crate::lint::builtin_pack`] for the process's copy).
/// Its patterns are built on first use: every one is known to build (a test builds them).
///
/// # Errors
/// When the pack does not compile (a bug, caught by the test suite).
pub fn compile_builtin(pack: &BuiltinPack) -> Result<Pack, PackErrors> {
    compile::compile_trusted(pack.entry, &embedded)
        .map_err(|(errors, files)| PackErrors { errors, files })
}

/// Prepares the built-in rule files every pack imports (`common/`), in path order: parsed
/// into the process's parse cache, their patterns made ([`compile::prepare_trusted`]).
pub fn parse_shared_files() {
    for (path, text) in EMBEDDED_RULES {
        if path.starts_with("common/") {
            compile::prepare_trusted(text);
        }
    }
}

/// Prepares a built-in pack's own rule files (those of its entry file's folder), in path
/// order, as [`parse_shared_files`] does.
pub fn parse_own_files(pack: &BuiltinPack) {
    let folder = pack.entry.rsplit_once('/').map_or("", |(dir, _)| dir);
    for (path, text) in EMBEDDED_RULES {
        if path.rsplit_once('/').is_some_and(|(dir, _)| dir == folder) {
            compile::prepare_trusted(text);
        }
    }
}

/// Compiles every built-in pack, one thread per pack.
///
/// # Errors
/// When a built-in pack does not compile (a bug, caught by the test suite).
pub fn builtin() -> Result<Vec<Pack>, PackErrors> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = BUILTIN
            .iter()
            .map(|pack| scope.spawn(move || compile_builtin(pack)))
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
pub fn by_name<'a, P: PackKey>(packs: &'a [P], name: &str) -> Option<&'a P> {
    packs
        .iter()
        .find(|p| p.name() == name)
        .or_else(|| packs.iter().find(|p| p.name() == format!("gov-{name}")))
}

/// The pack for a report year: the one whose years include it; reports before 2019 get the
/// 2019 pack (the oldest format regulint knows), undated reports the newest.
#[must_use]
pub fn choose<P: PackKey>(packs: &[P], year: Option<i32>) -> Option<&P> {
    match year {
        Some(y) => packs.iter().find(|p| p.applies_to(y)).or_else(|| {
            packs
                .iter()
                .min_by_key(|p| p.years().0)
                .filter(|p| y < p.years().0)
        }),
        None => packs.iter().max_by_key(|p| p.years().0),
    }
}
