//! The rule language: any text parses and compiles into a pack or located errors, never a
//! panic or a hang (nesting and size limits are enforced while parsing).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        // Imports resolve to nothing: the target exercises the language, not the file system.
        let load = |path: &str| {
            (path == "fuzz.rules")
                .then(|| text.to_owned())
                .ok_or_else(|| "not found".to_owned())
        };
        if let Err((errors, _)) = regulint::dsl::compile::compile("fuzz.rules", &load) {
            assert!(!errors.is_empty());
        }
    }
});
