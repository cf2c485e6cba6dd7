//! Temporary helper: prints diagnostics for a rules directory.
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "rules".into());
    let (m, d) = sterk_rules::Model::load(std::path::Path::new(&dir));
    for x in &d {
        println!("{x}");
    }
    if let Some(m) = m {
        println!(
            "{} rights, {} inputs, {} params, {} nodes",
            m.rights.len(),
            m.inputs.len(),
            m.params.len(),
            m.graph_size()
        );
    }
}
