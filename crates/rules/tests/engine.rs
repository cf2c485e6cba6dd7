#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Integration tests: the repository's rule files and YAML cases, the
//! never-panicking parser, and batch == single on random households.

use std::path::Path;

use proptest::prelude::*;
use sterk_rules::{HouseholdColumns, Model, Prepared, Severity, SourceFile, Ty, load_sources};
use time::macros::date;

fn repo_rules() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

fn model() -> Model {
    let (m, d) = Model::load(&repo_rules());
    let errors: Vec<_> = d.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    m.unwrap()
}

#[test]
fn repository_rules_have_no_errors_and_builtin_matches() {
    let m = model();
    assert!(m.rights.len() >= 14);
    let (b, d) = Model::builtin();
    assert!(d.iter().all(|d| d.severity != Severity::Error), "{d:#?}");
    assert_eq!(b.unwrap().rights.len(), m.rights.len());
}

#[test]
fn yaml_test_cases_pass() {
    let m = model();
    let report = sterk_rules::run_test_dir(&m, &repo_rules().join("tests")).unwrap();
    for f in &report.failures {
        eprintln!("FAIL {}:{} {}\n  {}", f.file, f.line, f.name, f.message);
    }
    assert!(report.passed >= 80, "only {} cases", report.passed);
    assert!(report.failures.is_empty());
}

fn diag_codes(files: &[(&str, &str)]) -> Vec<(String, u32, u32, &'static str)> {
    let src: Vec<SourceFile<'_>> = files
        .iter()
        .map(|(n, t)| SourceFile { name: n, text: t })
        .collect();
    let (_, d) = load_sources(&src);
    d.into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.file, d.line, d.col, d.code))
        .collect()
}

const MODEL: &str = "inputs:\n  - {name: age, type: int}\n  - {name: income, type: money}\n";

#[test]
fn diagnostics_have_positions() {
    let right = "id: r\nname: R\ngranting: automatic\nlegal: [{title: t, url: u}]\nparameters:\n  lim:\n    values:\n      - {from: 2024-01-01, value: 100, source: s, retrieved: 2024-01-01}\n      - {from: 2024-01-01, value: 200, source: s, retrieved: 2024-01-01}\n      - {from: 2025-01-01, value: 300}\ndefinitions:\n  a: b + 1\n  b: a + 1\nconditions:\n  - id: c1\n    test: agee >= 18\n  - id: c2\n    test: income + 1\n";
    let d = diag_codes(&[("model.yaml", MODEL), ("r.yaml", right)]);
    let codes: Vec<&str> = d.iter().map(|x| x.3).collect();
    for want in [
        "overlapping_dates",
        "missing_source",
        "cycle",
        "unknown_variable",
        "type_mismatch",
    ] {
        assert!(codes.contains(&want), "{want} missing in {d:?}");
    }
    let unknown = d.iter().find(|x| x.3 == "unknown_variable").unwrap();
    assert_eq!((unknown.1, unknown.2), (16, 11));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn parser_never_panics_on_random_text(s in "\\PC{0,300}") {
        let _ = load_sources(&[SourceFile { name: "model.yaml", text: MODEL }, SourceFile { name: "r.yaml", text: &s }]);
        let _ = sterk_rules::parse_household(&s);
    }

    #[test]
    fn parser_never_panics_on_random_expressions(e in "[a-z_ ()<>=!+*/'0-9.-]{0,80}") {
        let right = format!("id: r\nname: R\ngranting: automatic\nconditions:\n  - id: c\n    test: \"{}\"\n", e.replace('"', ""));
        let _ = load_sources(&[SourceFile { name: "model.yaml", text: MODEL }, SourceFile { name: "r.yaml", text: &right }]);
    }

    #[test]
    fn parser_never_panics_on_mutated_rule_files(idx in 0usize..10_000, byte in any::<u8>(), cut in 0usize..10_000) {
        let text = std::fs::read_to_string(repo_rules().join("rights/vlaamse_huurpremie.yaml")).unwrap();
        let mut bytes = text.into_bytes();
        let i = idx % bytes.len();
        bytes[i] = byte;
        bytes.truncate(cut % bytes.len() + 1);
        let s = String::from_utf8_lossy(&bytes);
        let _ = load_sources(&[SourceFile { name: "model.yaml", text: MODEL }, SourceFile { name: "r.yaml", text: &s }]);
    }
}

fn random_cell(ty: Ty, choices: usize, r: u64) -> Option<i64> {
    // One in three cells unknown; values clustered around thresholds.
    if r.is_multiple_of(3) {
        return None;
    }
    let x = (r / 3) as i64;
    Some(match ty {
        Ty::Bool => x % 2,
        Ty::Int => x % 80,
        Ty::Money => {
            [0, 87613, 131420, 2563067, 2585000, 3452691, 6000000][(x % 7) as usize] + (x / 7) % 3
                - 1
        }
        Ty::Date => i64::from(date!(2018 - 01 - 01).to_julian_day()) + x % 3000,
        Ty::Choice(_) => x % choices.max(1) as i64,
        Ty::Error => 0,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn batch_equals_single(seeds in proptest::collection::vec(proptest::collection::vec(any::<u64>(), 40), 1..300), day in 0i32..3000) {
        let m = model();
        let d = date!(2022 - 01 - 01).saturating_add(time::Duration::days(i64::from(day)));
        let rows: Vec<Prepared> = seeds
            .iter()
            .map(|s| Prepared {
                values: m.inputs.iter().enumerate().map(|(i, def)| random_cell(def.ty, def.choices.len(), s[i % s.len()])).collect(),
            })
            .collect();
        let cols = HouseholdColumns::from_prepared(&m, &rows);
        let batch = m.evaluate_batch(&cols, d);
        let ctx = m.date_ctx(d);
        let (mut status, mut amount) = (Vec::new(), Vec::new());
        m.batch_evaluator(d).evaluate_compact(&cols, &mut status, &mut amount);
        let nr = m.rights.len();
        for (row, p) in rows.iter().enumerate() {
            let ev = m.evaluate_prepared(p, &ctx);
            for (ri, r) in ev.rights.iter().enumerate() {
                prop_assert_eq!(&r.outcome, &batch.outcomes[ri][row]);
                // The screening path: status and amount only.
                prop_assert_eq!(r.outcome.status, status[row * nr + ri]);
                prop_assert_eq!(r.outcome.amount.map(|a| a.cents()), amount[row * nr + ri]);
            }
        }
    }
}

#[test]
fn household_columns_cells_round_trip() {
    let m = model();
    let n = m.inputs.len();
    let rows: Vec<Prepared> = (0..5u64)
        .map(|s| Prepared {
            values: (0..n)
                .map(|i| match (s + i as u64) % 3 {
                    0 => None,
                    1 => Some(0),
                    _ => Some(i64::MIN + s as i64 + i as i64),
                })
                .collect(),
        })
        .collect();
    let mut cols = HouseholdColumns::from_prepared(&m, &rows);
    assert_eq!(cols.len(), 5);
    assert_eq!(cols.n_columns(), n);
    for (row, p) in rows.iter().enumerate() {
        for i in 0..n {
            assert_eq!(cols.get(i, row), p.values[i], "input {i}, row {row}");
        }
    }
    // A household pushed in part and taken back leaves the others as they were.
    cols.push_cell(0, Some(7));
    cols.push_cell(1, None);
    cols.truncate(5);
    assert_eq!(cols, HouseholdColumns::from_prepared(&m, &rows));
    assert_eq!(cols.get(0, 5), None);
    assert_eq!(cols.get(n, 0), None);
    cols.push_cell(n, Some(1)); // no such column: ignored
    assert_eq!(cols.len(), 5);
    // Filled in place: grown with unknown cells, then set.
    let mut g = HouseholdColumns::new(&m);
    g.grow(6);
    for (row, p) in rows.iter().enumerate() {
        for (i, v) in p.values.iter().enumerate() {
            if v.is_some() {
                g.set(i, row, *v);
            }
        }
    }
    g.set(0, 5, Some(3));
    g.set(1, 5, Some(-3));
    g.clear_row(5);
    assert_eq!(g.get(0, 5), None);
    g.set(0, 6, Some(1)); // no such row: ignored
    g.truncate(5);
    assert_eq!(g, cols);
    // Reset for refilling: every cell unknown, whatever it held.
    g.reset(3);
    assert_eq!(g.len(), 3);
    let unknown: Vec<Prepared> = (0..3)
        .map(|_| Prepared {
            values: vec![None; n],
        })
        .collect();
    assert_eq!(g, HouseholdColumns::from_prepared(&m, &unknown));
    g.reset(7);
    assert_eq!(g.len(), 7);
    assert!((0..n).all(|i| (0..7).all(|r| g.get(i, r).is_none())));
    cols.clear();
    assert!(cols.is_empty());
}
