//! The built-in packs: the table that chooses them without compiling them
//! (`packs::BUILTIN`) agrees with the compiled packs, and every one compiles.

use regulint::packs::{self, BUILTIN};

#[test]
fn every_built_in_pack_compiles_with_the_name_and_years_of_its_table_entry() {
    let compiled = packs::builtin().unwrap_or_else(|e| panic!("{:?}", e.errors));
    assert_eq!(compiled.len(), BUILTIN.len());
    for (entry, pack) in BUILTIN.iter().zip(&compiled) {
        assert_eq!(entry.name, pack.name, "{}", entry.entry);
        assert_eq!(entry.years, pack.years, "{}", entry.entry);
    }
}

#[test]
fn the_table_lists_every_pack_under_rules() {
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut on_disk: Vec<String> = std::fs::read_dir(&rules)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("pack.rules").is_file())
        .map(|e| format!("{}/pack.rules", e.file_name().to_string_lossy()))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = BUILTIN.iter().map(|p| p.entry.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn the_table_is_newest_first_and_its_years_do_not_overlap() {
    for pair in BUILTIN.windows(2) {
        let (newer, older) = (&pair[0], &pair[1]);
        assert!(newer.years.0 > older.years.0, "{newer:?} {older:?}");
        assert!(
            older.years.1.is_some_and(|last| last < newer.years.0),
            "{newer:?} {older:?}"
        );
    }
}

#[test]
fn choosing_from_the_table_is_choosing_from_the_compiled_packs() {
    let compiled = regulint::lint::builtin_packs();
    for year in [
        None,
        Some(2010),
        Some(2019),
        Some(2020),
        Some(2021),
        Some(2025),
    ] {
        assert_eq!(
            packs::choose(BUILTIN, year).map(|p| p.name),
            packs::choose(&compiled, year).map(|p| p.name.as_str()),
            "{year:?}"
        );
    }
    for name in ["gov-2021", "2019", "gov-2030", "2021"] {
        assert_eq!(
            packs::by_name(BUILTIN, name).map(|p| p.name),
            packs::by_name(&compiled, name).map(|p| p.name.as_str()),
            "{name}"
        );
    }
}
