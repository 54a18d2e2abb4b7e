//! Reading benchmark over the shared corpus (filled in below).
fn main() {}
