//! The command-line interface: [`args`] declares it, one module per subcommand runs it, and
//! [`run`] maps the outcome to an [`ExitStatus`].

pub mod args;
mod inspect;
mod lint;
mod rules;
mod skip;

pub use args::{Args, Command};

use std::io;
use std::process::ExitCode;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the failing severity (exit 0).
    Success,
    /// Findings at or above the failing severity, or unreadable files (exit 1).
    Failure,
    /// The tool could not do its job: bad arguments, no input, bad configuration (exit 2).
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => Self::SUCCESS,
            ExitStatus::Failure => Self::from(1),
            ExitStatus::Error => Self::from(2),
        }
    }
}

/// Runs a parsed command line.
#[must_use]
pub fn run(args: Args) -> ExitStatus {
    let result = match args.command {
        Command::Lint(args) => lint::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Rules(args) => rules::list(&args),
        Command::Explain(args) => rules::explain(&args),
        Command::CheckRules(args) => rules::check(&args),
        Command::Test(args) => rules::test(&args),
        Command::Fmt(args) => rules::fmt(&args),
    };
    match result {
        Ok(status) => status,
        // The reader went away (`regulint lint | head`): not an error, as in ripgrep.
        Err(error) if is_broken_pipe(&error) => ExitStatus::Success,
        Err(error) => {
            eprintln!("regulint: error: {error:#}");
            ExitStatus::Error
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
