//! The `regulint` binary.
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let report = regulint::lint::lint_bytes(&path, &bytes, &Default::default());
    let mut out = StandardStream::stdout(ColorChoice::Auto);
    regulint::render::human::write_file(&mut out, &report).unwrap();
}
