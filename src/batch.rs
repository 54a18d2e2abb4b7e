//! Linting many files: find them, lint them in parallel, hand the reports back in a stable
//! order (sorted by path) as soon as each one's turn comes.
//!
//! Memory is bounded by the files in flight, not by the batch: workers may run at most
//! [`WINDOW_PER_JOB`] × jobs files ahead of the next report to hand back, and a report is
//! dropped as soon as the caller has rendered it.

use crate::diagnostic::FileReport;
use globset::GlobSet;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

/// Extensions of files linted when a folder is walked. Files named explicitly are linted
/// whatever their extension.
pub const REPORT_EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "html", "htm", "shtml", "docx", "json", "pdf",
];

/// How many finished-or-running files each worker may be ahead of the output.
pub const WINDOW_PER_JOB: usize = 4;

/// At most this many worker threads per core, whatever `--jobs` asks for.
pub const MAX_JOBS_PER_CORE: usize = 4;

/// Batches at least this long get a progress bar (when stderr is a terminal).
pub const PROGRESS_THRESHOLD: usize = 64;

/// One thing to lint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
    /// Something found while walking that could not be listed (e.g. a folder without
    /// permission); reported as an unreadable file.
    Broken(PathBuf, String),
}

impl Input {
    /// The name shown for the input.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Self::Stdin => "<stdin>".to_owned(),
            Self::File(path) | Self::Broken(path, _) => display(path),
        }
    }

    fn sort_key(&self) -> (u8, &Path) {
        match self {
            Self::Stdin => (0, Path::new("")),
            Self::File(path) | Self::Broken(path, _) => (1, path),
        }
    }
}

/// A path as shown to users: as given, without a leading `./`, and lossless: bytes that are
/// not UTF-8 are written `\xNN` and control characters `\u{NN}`, so two different names never
/// print alike and a name cannot forge output lines or drive the terminal.
#[must_use]
pub fn display(path: &Path) -> String {
    let text = escape_path(path);
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => text,
    }
}

/// The path's bytes as text, escaping what is not printable UTF-8 (see [`display`]).
fn escape_path(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt as _;
        path.as_os_str().as_bytes()
    };
    #[cfg(not(unix))]
    let owned = path.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = owned.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            crate::escape::push_visible(&mut out, c);
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

/// Paths to leave out (the `exclude` globs of `regulint.toml`).
#[derive(Clone, Debug)]
pub struct Exclude {
    root: PathBuf,
    globs: GlobSet,
    cwd: PathBuf,
}

impl Exclude {
    /// Globs are matched against paths relative to `root` (the configuration's folder), and
    /// against file and folder names.
    #[must_use]
    pub fn new(root: PathBuf, globs: GlobSet) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        Self { root, globs, cwd }
    }

    /// Whether `path` is excluded.
    #[must_use]
    pub fn matches(&self, path: &Path) -> bool {
        if path
            .file_name()
            .is_some_and(|name| self.globs.is_match(name))
        {
            return true;
        }
        let absolute = normalize(&self.cwd.join(path));
        absolute
            .strip_prefix(&self.root)
            .is_ok_and(|relative| self.globs.is_match(relative))
    }
}

/// What [`collect`] found.
#[derive(Debug, Default)]
pub struct Collected {
    /// The inputs, sorted by path, without duplicates.
    pub inputs: Vec<Input>,
    /// Paths named on the command line that do not exist.
    pub missing: Vec<(PathBuf, io::Error)>,
    /// Report files a folder walk passed over, and why (named in the summary).
    pub skipped: Vec<Skipped>,
    /// Files named explicitly that the configuration's `exclude` covers: they are linted
    /// (naming a file is asking for it), and the caller says so.
    pub named_but_excluded: Vec<PathBuf>,
}

/// A file with a report extension that a folder walk did not lint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Skipped {
    /// The file, as shown to users.
    pub path: String,
    /// Why it was skipped, in words (`hidden`, `symbolic link`, `ignored by …`, …).
    pub reason: String,
}

/// How folders are walked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Walk {
    /// Do not respect `.gitignore`, `.ignore` and git's exclude files (`--no-ignore`).
    pub no_ignore: bool,
    /// Walk hidden files and folders too (`--hidden`).
    pub hidden: bool,
}

/// Expands `paths` (files, folders, `-`) into the inputs to lint. Folders are walked like
/// ripgrep does: `.gitignore`, `.ignore` and hidden files are respected (unless `walk` says
/// otherwise), and only files with a [`REPORT_EXTENSIONS`] extension are taken. Every report
/// file the walk passes over is listed in [`Collected::skipped`] with its reason, so nothing
/// is dropped without a word. A path named explicitly that is neither a regular file nor a
/// folder (a FIFO, a device) is refused: reading it could block forever.
#[must_use]
pub fn collect(paths: &[PathBuf], exclude: Option<&Exclude>, walk: Walk) -> Collected {
    let mut collected = Collected::default();
    let excluded = |path: &Path| exclude.is_some_and(|e| e.matches(path));
    for path in paths {
        if path.as_os_str() == "-" {
            collected.inputs.push(Input::Stdin);
            continue;
        }
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) => {
                collected.missing.push((path.clone(), error));
                continue;
            }
        };
        if !metadata.is_dir() {
            if !metadata.is_file() {
                collected.inputs.push(single(path));
            } else {
                if excluded(path) {
                    collected.named_but_excluded.push(path.clone());
                }
                collected.inputs.push(Input::File(path.clone()));
            }
            continue;
        }
        let taken_before = collected.inputs.len();
        let excluder = exclude.cloned();
        let walker = ignore::WalkBuilder::new(path)
            .standard_filters(!walk.no_ignore)
            .hidden(!walk.hidden)
            .filter_entry(move |entry| {
                entry.depth() == 0 || !excluder.as_ref().is_some_and(|e| e.matches(entry.path()))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && has_report_extension(entry.path()) {
                        collected.inputs.push(Input::File(entry.into_path()));
                    }
                }
                Err(error) => {
                    let at = error_path(&error).unwrap_or_else(|| path.clone());
                    collected.inputs.push(Input::Broken(at, error.to_string()));
                }
            }
        }
        let taken: std::collections::HashSet<PathBuf> = collected.inputs[taken_before..]
            .iter()
            .filter_map(|input| match input {
                Input::File(path) => Some(path.clone()),
                _ => None,
            })
            .collect();
        collected
            .skipped
            .extend(passed_over(path, &taken, exclude, walk));
    }
    collected
        .inputs
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    collected
        .inputs
        .dedup_by(|a, b| a.sort_key() == b.sort_key());
    collected.skipped.sort();
    collected.skipped.dedup();
    collected
}

/// The report files under `root` that the filtered walk did not take, each with the reason.
/// A second, unfiltered walk finds them; the reason is then worked out per file. `.git`
/// folders are never entered, and `exclude`d paths are what the user asked for, not skips.
fn passed_over(
    root: &Path,
    taken: &std::collections::HashSet<PathBuf>,
    exclude: Option<&Exclude>,
    walk: Walk,
) -> Vec<Skipped> {
    let exclude = exclude.cloned();
    let unfiltered = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .filter_entry(move |entry| {
            entry.depth() == 0
                || (entry.file_name() != ".git"
                    && !exclude.as_ref().is_some_and(|e| e.matches(entry.path())))
        })
        .build();
    let mut skipped = Vec::new();
    for entry in unfiltered.flatten() {
        if entry.depth() == 0 || !has_report_extension(entry.path()) {
            continue;
        }
        let path = entry.path();
        if taken.contains(path) {
            continue;
        }
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        let reason = if file_type.is_symlink() {
            "symbolic link (not followed; name the file to lint it)".to_owned()
        } else if !file_type.is_file() {
            format!("not a regular file ({})", file_kind(&file_type))
        } else if !walk.hidden && is_hidden_below(root, path) {
            "hidden (use --hidden)".to_owned()
        } else {
            match ignored_by(root, path) {
                Some(by) => format!("ignored by {by} (use --no-ignore)"),
                None => "ignored by an ignore file (use --no-ignore)".to_owned(),
            }
        };
        skipped.push(Skipped {
            path: display(path),
            reason,
        });
    }
    skipped
}

/// Whether a component of `path` below `root` starts with a dot.
fn is_hidden_below(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .any(|c| matches!(c, Component::Normal(name) if name.to_string_lossy().starts_with('.')))
}

/// The ignore file (and pattern) that ignores `path`: `.ignore`, `.gitignore` and
/// `.git/info/exclude` files in the folders from `path` up to the file system root, nearest
/// first, as git and ripgrep read them.
fn ignored_by(root: &Path, path: &Path) -> Option<String> {
    let absolute = std::path::absolute(path).ok()?;
    let start = std::path::absolute(root).ok()?;
    let mut dir = absolute.parent();
    while let Some(folder) = dir {
        for name in [".ignore", ".gitignore", ".git/info/exclude"] {
            let file = folder.join(name);
            if !file.is_file() {
                continue;
            }
            let mut builder = ignore::gitignore::GitignoreBuilder::new(folder);
            if builder.add(&file).is_some() {
                continue;
            }
            let Ok(matcher) = builder.build() else {
                continue;
            };
            if let ignore::Match::Ignore(glob) =
                matcher.matched_path_or_any_parents(&absolute, false)
            {
                let shown = match file.strip_prefix(&start) {
                    Ok(inside) => display(&root.join(inside)),
                    Err(_) => display(&file),
                };
                return Some(format!("{shown} (pattern `{}`)", glob.original()));
            }
        }
        dir = folder.parent();
    }
    None
}

/// A file type in words, for messages.
fn file_kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

fn has_report_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| REPORT_EXTENSIONS.iter().any(|r| r.eq_ignore_ascii_case(e)))
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// Removes `.` and resolves `..` without touching the file system.
#[must_use]
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// One explicitly named path as an input: `-` is standard input; anything but a regular file
/// (a folder, a FIFO, a device such as `/dev/zero`) is refused before it is opened.
#[must_use]
pub fn single(path: &Path) -> Input {
    if path.as_os_str() == "-" {
        return Input::Stdin;
    }
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => Input::File(path.to_owned()),
        Ok(metadata) if metadata.is_dir() => {
            Input::Broken(path.to_owned(), "is a folder, not a file".to_owned())
        }
        Ok(metadata) => Input::Broken(
            path.to_owned(),
            format!(
                "not a regular file ({}); to read a stream, pass `-` and redirect it to standard input",
                file_kind(&metadata.file_type())
            ),
        ),
        Err(error) => Input::Broken(path.to_owned(), error.to_string()),
    }
}

/// Reads one input's bytes.
///
/// # Errors
/// When the file (or stdin) cannot be read.
pub fn read(input: &Input) -> io::Result<Vec<u8>> {
    // Read at most one byte past the limit: a 200 MB file is refused without being loaded.
    let limit = crate::document::MAX_INPUT_BYTES as u64 + 1;
    let too_large = |size: u64| {
        io::Error::other(format!(
            "the file is {size} bytes or more; regulint reads reports up to {} bytes",
            crate::document::MAX_INPUT_BYTES
        ))
    };
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            io::stdin().lock().take(limit).read_to_end(&mut bytes)?;
            if bytes.len() as u64 >= limit {
                return Err(too_large(limit));
            }
            Ok(bytes)
        }
        Input::File(path) => {
            let size = std::fs::metadata(path)?.len();
            if size >= limit {
                return Err(too_large(size));
            }
            let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            std::fs::File::open(path)?
                .take(limit)
                .read_to_end(&mut bytes)?;
            if bytes.len() as u64 >= limit {
                return Err(too_large(limit));
            }
            Ok(bytes)
        }
        Input::Broken(_, error) => Err(io::Error::other(error.clone())),
    }
}

/// How to run a batch.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Show a progress bar on stderr if it is a terminal and the batch is long.
    pub progress: bool,
}

/// The threads to read or lint `inputs` files on, for `-j requested` (0: one per core).
/// Linting is CPU-bound: threads beyond a few per core only add switching and window memory
/// (`-j 2000` made a 5 s batch take 50 s), so more are not started.
#[must_use]
pub fn thread_count(requested: usize, inputs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let jobs = if requested == 0 { cores } else { requested };
    jobs.min(inputs).min(MAX_JOBS_PER_CORE * cores).max(1)
}

/// Lints `inputs` on `run.jobs` threads with `lint`, and calls `emit` with each report in the
/// order of `inputs`, as soon as it and every report before it are done. A panic while linting
/// one file becomes that file's error. Stops early (and returns the error) when `emit` fails.
///
/// # Errors
/// The first error `emit` returns, or a failure to start the threads.
pub fn lint_in_order<L, E>(inputs: &[Input], run: Run, lint: L, mut emit: E) -> io::Result<()>
where
    L: Fn(&Input) -> FileReport + Sync,
    E: FnMut(FileReport) -> io::Result<()>,
{
    let jobs = thread_count(run.jobs, inputs.len());
    let window = jobs * WINDOW_PER_JOB;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("regulint-lint-{i}"))
        .build()
        .map_err(io::Error::other)?;
    let bar = progress_bar(inputs.len(), run.progress);
    let stdout_is_terminal = io::stdout().is_terminal();
    let next = AtomicUsize::new(0);
    let gate = Gate::default();
    let (sender, receiver) = mpsc::channel::<(usize, FileReport)>();

    pool.in_place_scope(|scope| {
        for _ in 0..jobs {
            let sender = sender.clone();
            let (next, gate, lint) = (&next, &gate, &lint);
            scope.spawn(move |_| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= inputs.len() || !gate.wait_for_turn(i, window) {
                        break;
                    }
                    let input = &inputs[i];
                    let report =
                        catch_unwind(AssertUnwindSafe(|| lint(input))).unwrap_or_else(|panic| {
                            let what = panic
                                .downcast_ref::<&str>()
                                .map(ToString::to_string)
                                .or_else(|| panic.downcast_ref::<String>().cloned())
                                .unwrap_or_default();
                            FileReport::unreadable(
                                input.name(),
                                format!("internal error: regulint panicked: {what}"),
                            )
                        });
                    if sender.send((i, report)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);

        // The reorder buffer: reports that finished before their turn.
        let mut pending: BTreeMap<usize, FileReport> = BTreeMap::new();
        let mut expected = 0;
        let result = (|| {
            for (i, report) in &receiver {
                pending.insert(i, report);
                while let Some(report) = pending.remove(&expected) {
                    match &bar {
                        // Output to the same terminal must not tear through the bar.
                        Some(bar) if stdout_is_terminal => {
                            bar.suspend(|| emit(report))?;
                            bar.inc(1);
                        }
                        Some(bar) => {
                            emit(report)?;
                            bar.inc(1);
                        }
                        None => emit(report)?,
                    }
                    expected += 1;
                    gate.advance(expected);
                }
            }
            Ok(())
        })();
        if result.is_err() {
            gate.stop();
        }
        drop(receiver);
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        result
    })
}

fn progress_bar(len: usize, wanted: bool) -> Option<ProgressBar> {
    if !wanted || len < PROGRESS_THRESHOLD || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}/{eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// Holds workers back so that none runs more than the window ahead of the output.
#[derive(Debug, Default)]
struct Gate {
    emitted: Mutex<usize>,
    turn: Condvar,
    stopped: AtomicBool,
}

impl Gate {
    /// Waits until input `i` is within `window` of the output. False when the batch stopped.
    fn wait_for_turn(&self, i: usize, window: usize) -> bool {
        let mut emitted = self.emitted.lock().unwrap_or_else(|e| e.into_inner());
        while i >= *emitted + window && !self.stopped.load(Ordering::Relaxed) {
            emitted = self.turn.wait(emitted).unwrap_or_else(|e| e.into_inner());
        }
        !self.stopped.load(Ordering::Relaxed)
    }

    fn advance(&self, emitted: usize) {
        *self.emitted.lock().unwrap_or_else(|e| e.into_inner()) = emitted;
        self.turn.notify_all();
    }

    fn stop(&self) {
        let _guard = self.emitted.lock().unwrap_or_else(|e| e.into_inner());
        self.stopped.store(true, Ordering::Relaxed);
        self.turn.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(n: usize) -> Vec<Input> {
        (0..n)
            .map(|i| Input::File(PathBuf::from(format!("{i:05}"))))
            .collect()
    }

    #[test]
    fn reports_come_back_in_order_and_within_the_window() {
        let inputs = inputs(500);
        let running = AtomicUsize::new(0);
        let emitted = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let run = Run {
            jobs: 4,
            progress: false,
        };
        lint_in_order(
            &inputs,
            run,
            |input| {
                let Input::File(path) = input else {
                    unreachable!()
                };
                let i: usize = path.to_str().unwrap().parse().unwrap();
                // Nothing starts more than the window ahead of what was handed back.
                assert!(i < emitted.load(Ordering::SeqCst) + 4 * WINDOW_PER_JOB);
                running.fetch_add(1, Ordering::SeqCst);
                // Uneven work, so that files finish out of order.
                std::thread::sleep(std::time::Duration::from_micros(
                    ((i * 7919) % 13) as u64 * 50,
                ));
                FileReport::unreadable(input.name(), "test")
            },
            |report| {
                seen.push(report.path);
                emitted.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        )
        .unwrap();
        let expected: Vec<String> = inputs.iter().map(Input::name).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn an_emit_error_stops_the_batch() {
        let inputs = inputs(1000);
        let linted = AtomicUsize::new(0);
        let run = Run {
            jobs: 2,
            progress: false,
        };
        let mut count = 0;
        let result = lint_in_order(
            &inputs,
            run,
            |input| {
                linted.fetch_add(1, Ordering::SeqCst);
                FileReport::unreadable(input.name(), "test")
            },
            |_| {
                count += 1;
                if count == 3 {
                    Err(io::Error::from(io::ErrorKind::BrokenPipe))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        assert!(linted.load(Ordering::SeqCst) < 100);
    }

    #[test]
    fn a_panic_becomes_the_files_error() {
        let inputs = inputs(3);
        let mut errors = Vec::new();
        let run = Run {
            jobs: 2,
            progress: false,
        };
        lint_in_order(
            &inputs,
            run,
            |input| {
                assert!(input.name() != "00001", "boom");
                FileReport::unreadable(input.name(), "fine")
            },
            |report| {
                errors.push(report.error.unwrap());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(errors[0], "fine");
        assert!(errors[1].contains("panicked: boom"), "{}", errors[1]);
    }
}
