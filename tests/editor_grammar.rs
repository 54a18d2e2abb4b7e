//! The editor grammar in `editors/` stays in step with the language: valid JSON, and every
//! keyword of `grammar/rules.pest` highlighted.

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_textmate_grammar_names_every_keyword() {
    let grammar: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/editors/regulint-rules.tmLanguage.json")).unwrap(),
    )
    .expect("valid JSON");
    assert_eq!(grammar["scopeName"], "source.regulint-rules");
    let repository = &grammar["repository"];
    let highlighted = [
        repository["keyword"]["match"].as_str().unwrap(),
        repository["severity"]["match"].as_str().unwrap(),
        repository["constant"]["match"].as_str().unwrap(),
        repository["operator"]["match"].as_str().unwrap(),
    ]
    .join(" ");
    // The `keyword` rule of the pest grammar: its quoted words.
    let pest = std::fs::read_to_string(format!("{ROOT}/grammar/rules.pest")).unwrap();
    let start = pest.find("keyword = @{").unwrap();
    let end = start + pest[start..].find("~ !ident_char").unwrap();
    let keywords: Vec<&str> = pest[start..end].split('"').skip(1).step_by(2).collect();
    assert!(keywords.len() > 30, "{keywords:?}");
    for keyword in keywords {
        assert!(
            highlighted.contains(&format!("|{keyword}|"))
                || highlighted.contains(&format!("({keyword}|"))
                || highlighted.contains(&format!("|{keyword})")),
            "`{keyword}` is not highlighted"
        );
    }
    // Every pattern included at the top is defined.
    for pattern in grammar["patterns"].as_array().unwrap() {
        let name = pattern["include"].as_str().unwrap().trim_start_matches('#');
        assert!(repository.get(name).is_some(), "#{name} is not defined");
    }
}
