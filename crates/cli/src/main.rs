//! The `sterk` binary.
fn main() {}
