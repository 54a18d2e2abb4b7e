//! The roster reader (`--roster`): any bytes, as CSV or as TOML (the first byte picks), read
//! into a roster and its problems, never a panic; every problem names the roster file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regulint::collection::roster::Roster;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let (roster, problems) = Roster::from_bytes("fuzz-roster", bytes, pick % 2 == 1);
    for problem in &problems {
        assert_eq!(problem.file.as_deref(), Some("fuzz-roster"));
    }
    assert_eq!(roster.path, "fuzz-roster");
});
