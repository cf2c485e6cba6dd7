//! The rule-file loader never panics: any text as a right next to the real model.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sterk_rules::{SourceFile, load_sources};

const MODEL: &str = include_str!("../../rules/model.yaml");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let files = [SourceFile { name: "rules/model.yaml", text: MODEL }, SourceFile { name: "rules/rights/fuzz.yaml", text: &text }];
    let _ = load_sources(&files);
    // And as the model file itself.
    let _ = load_sources(&[SourceFile { name: "rules/model.yaml", text: &text }]);
});
