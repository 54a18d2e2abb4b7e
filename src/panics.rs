//! Panics that regulint expects and handles: a third-party parser (the PDF crate) may panic on
//! hostile input, and the reader turns that into the file's error. The default panic hook
//! would still print the panic's message to standard error before that, so the binary
//! installs [`install_hook`], which stays quiet while an [`Expected`] guard is alive on the
//! panicking thread and otherwise behaves like the default hook.

use std::cell::Cell;

thread_local! {
    static EXPECTED: Cell<usize> = const { Cell::new(0) };
}

/// While alive, panics on this thread are expected and handled by the caller: not printed.
#[derive(Debug)]
pub struct Expected(());

impl Expected {
    /// Marks panics on this thread as expected until the guard is dropped.
    #[must_use]
    pub fn begin() -> Self {
        EXPECTED.with(|n| n.set(n.get() + 1));
        Self(())
    }
}

impl Drop for Expected {
    fn drop(&mut self) {
        EXPECTED.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

/// Installs a panic hook that is silent for expected panics and the default otherwise.
pub fn install_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if EXPECTED.with(Cell::get) == 0 {
            default(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_counts_and_resets() {
        assert_eq!(EXPECTED.with(Cell::get), 0);
        {
            let _outer = Expected::begin();
            let _inner = Expected::begin();
            assert_eq!(EXPECTED.with(Cell::get), 2);
        }
        assert_eq!(EXPECTED.with(Cell::get), 0);
    }
}
