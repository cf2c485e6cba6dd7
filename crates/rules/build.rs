//! Embeds the repository's rule files (`rules/model.yaml`, `rules/rights/*.yaml`)
//! into the library, so `Model::builtin()` works from any working directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules = manifest.join("../../rules");
    println!("cargo::rerun-if-changed={}", rules.display());
    println!("cargo::rerun-if-changed={}", rules.join("rights").display());
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let model = rules.join("model.yaml");
    if model.exists() {
        files.push(("rules/model.yaml".into(), model));
    }
    if let Ok(rd) = std::fs::read_dir(rules.join("rights")) {
        let mut v: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        v.sort();
        for p in v {
            let name = format!(
                "rules/rights/{}",
                p.file_name().and_then(|n| n.to_str()).unwrap_or("?")
            );
            files.push((name, p));
        }
    }
    let mut out = String::from(
        "/// The rule files embedded at build time: (name, contents).\npub(crate) static BUILTIN: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        println!("cargo::rerun-if-changed={}", path.display());
        let abs = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("builtin_rules.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo::warning=cannot write {}: {e}", dest.display());
    }
}
