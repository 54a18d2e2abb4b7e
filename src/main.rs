//! The `regulint` binary: parse the command line, run it, exit with its status.

use clap::Parser as _;
use std::process::ExitCode;

/// mimalloc instead of the system allocator (as ruff does): reading and checking a report
/// makes many small, short-lived allocations, and with glibc's allocator a fifth of a batch's
/// instructions were in `malloc` and `free`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    regulint::panics::install_hook();
    let args = regulint::cli::Args::parse();
    regulint::cli::run(args).into()
}
