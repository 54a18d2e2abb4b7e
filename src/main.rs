//! The `regulint` binary: parse the command line, run it, exit with its status.

use clap::Parser as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    regulint::panics::install_hook();
    let args = regulint::cli::Args::parse();
    regulint::cli::run(args).into()
}
