//! The `regulint` binary: parse the command line, run it, exit with its status.

use clap::Parser as _;
use std::process::ExitCode;

/// mimalloc instead of the system allocator (as ruff does): reading and checking a report
/// makes many small, short-lived allocations, and with glibc's allocator a fifth of a batch's
/// instructions were in `malloc` and `free`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t`.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory stays with the allocator until the process ends. A batch frees and allocates
/// all the time; handing freed pages back to the system (mimalloc's default, after a second)
/// only to fault them in again, zeroed by the kernel, cost a tenth of the wall time of a
/// collection run (docs/performance.md). Peak memory is unchanged; it is just not given back
/// early.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: a plain setter of a global option, called before any other thread exists (the
    // function is documented as not thread safe).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

fn main() -> ExitCode {
    keep_freed_memory();
    regulint::panics::install_hook();
    let args = regulint::cli::Args::parse();
    regulint::cli::run(args).into()
}

#[cfg(test)]
mod tests {
    /// The option number is mimalloc v3's purge delay: its default, 1,000 ms, is the only
    /// option default of 1,000. Another version's numbering would set another option silently.
    #[test]
    #[allow(unsafe_code)]
    fn the_option_set_is_the_purge_delay() {
        // SAFETY: a plain getter of a global option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        let overridden = std::env::var_os("MIMALLOC_PURGE_DELAY").is_some();
        assert!(overridden || delay == 1000, "option 15 is {delay}");
    }
}
