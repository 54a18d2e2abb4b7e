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

/// No transparent huge pages for this process. mimalloc asks for them on its arenas, and each
/// first touch of a 2 MiB page makes the kernel find and zero one: reading last year's 2,000
/// reports spent 0.5 s of system time against 0.2 s with 4 KiB pages, and took longer in wall
/// time (docs/performance.md). mimalloc's own switch (`allow_thp`) is read when it starts, which
/// is before `main`; the process-wide flag applies to every page touched from now on.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // An old kernel without the flag: the pages stay as they were, which is only slower.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

fn main() -> ExitCode {
    keep_freed_memory();
    small_pages_only();
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

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_turned_off() {
        super::small_pages_only();
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            Some(true)
        );
    }
}
