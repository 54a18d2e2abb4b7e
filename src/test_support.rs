//! Helpers shared by unit tests: every short string over an alphabet (to hold a fast path to
//! the code it replaced), and the texts of the corpus reports.

use std::path::PathBuf;

/// Calls `visit` with every string of 0 to `max_len` characters drawn from `alphabet`, and
/// returns how many it visited. One buffer, odometer order: a million strings cost no
/// million allocations.
pub(crate) fn each_string(alphabet: &[char], max_len: usize, mut visit: impl FnMut(&str)) -> usize {
    let mut text = String::new();
    let mut visited = 0;
    for len in 0..=max_len {
        let mut digits = vec![0usize; len];
        loop {
            text.clear();
            text.extend(digits.iter().map(|&d| alphabet[d]));
            visit(&text);
            visited += 1;
            // The next string of this length, or the end of them.
            let Some(i) = digits.iter().position(|&d| d + 1 < alphabet.len()) else {
                break;
            };
            digits[i] += 1;
            digits[..i].fill(0);
        }
    }
    visited
}

/// The shared corpus: `$REGULINT_CORPUS`, else `../shared/corpus` beside the checkout.
pub(crate) fn corpus_dir() -> PathBuf {
    std::env::var_os("REGULINT_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
        PathBuf::from,
    )
}

/// The texts of the corpus's `seed/` and `real/` reports that are UTF-8 (not the PDF).
pub(crate) fn corpus_texts() -> Vec<String> {
    corpus_files()
        .into_iter()
        .filter_map(|(_, bytes)| String::from_utf8(bytes).ok())
        .collect()
}

/// The name and bytes of every file of the corpus's `seed/` and `real/` folders.
pub(crate) fn corpus_files() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for folder in ["seed", "real"] {
        let entries = std::fs::read_dir(corpus_dir().join(folder)).expect("the shared corpus");
        for entry in entries.flatten() {
            if let Ok(bytes) = std::fs::read(entry.path()) {
                files.push((entry.path().display().to_string(), bytes));
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_once() {
        let mut seen = std::collections::HashSet::new();
        let visited = each_string(&['a', '甲', ' '], 3, |s| {
            assert!(seen.insert(s.to_owned()), "{s:?} twice");
        });
        assert_eq!(visited, 1 + 3 + 9 + 27);
        assert!(seen.contains("") && seen.contains("甲 a") && seen.contains("   "));
    }
}
