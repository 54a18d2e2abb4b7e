//! The `regulint` binary.
use std::io::Write;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let loaded = regulint::document::load(&path, &bytes, Default::default()).unwrap();
    let view = regulint::inspect::view(&loaded);
    std::io::stdout()
        .write_all(regulint::inspect::render_tree(&view).as_bytes())
        .unwrap();
}
