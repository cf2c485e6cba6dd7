//! Household files (YAML or JSON) never make the engine panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use sterk_rules::{Model, parse_household};

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::builtin().0.unwrap_or_else(|| panic!("built-in rules must load")))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(h) = parse_household(&text) {
        let _ = model().evaluate(&h, time::macros::date!(2026 - 01 - 01));
    }
});
