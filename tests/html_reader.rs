//! The HTML reader on real published reports.

use regulint::document::{Loaded, ReadOptions, load};

fn load_real(name: &str) -> Loaded {
    let path = format!(
        "{}/../../shared/corpus/real/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    load(&path, &bytes, ReadOptions::default()).expect("readable")
}

#[test]
#[ignore = "prints the model for a person to look at"]
fn print_models() {
    for name in ["shanghai-gov-office-2019.html", "shuyang-fgj-2023.html"] {
        let loaded = load_real(name);
        println!(
            "{}",
            regulint::inspect::render_tree(&regulint::inspect::view(&loaded))
        );
    }
}

#[test]
#[ignore = "prints the paragraphs for a person to look at"]
fn print_paragraphs() {
    for name in ["shanghai-gov-office-2019.html", "shuyang-fgj-2023.html"] {
        let loaded = load_real(name);
        for block in &loaded.document.blocks {
            if let regulint::document::Block::Paragraph { text, span, .. } = block {
                println!("[{span:?}] {}", text.text);
            }
        }
    }
}
