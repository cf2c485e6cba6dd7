//! Benchmarks: one household with explanation, and columnar batch evaluation.
//! `cargo bench -p sterk-rules --bench evaluate`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sterk_rules::{BatchResult, HouseholdColumns, Model, Prepared, parse_household};
use time::macros::date;

const PERSONA2: &str = r#"{"region": "flanders", "applicant_age": 35, "partner": false, "dependent_children": 2,
 "other_adults": 0, "annual_taxable_income": 2200000, "monthly_net_income": 183333, "legal_residence": true,
 "residence_status": "belgian", "waiting_list_since": "2020-01-01", "on_waiting_list": true, "monthly_rent": 62000,
 "housing": "private_tenant", "owns_dwelling": false, "rents_from_relative": false, "disability_recognised": false,
 "receives_leefloon": false, "receives_igo": false, "receives_disability_allowance": false, "receives_zorgbudget": false,
 "unemployed_or_unfit_3_months": false, "receives_vt": false, "post2019_child": true}"#;

fn bench(c: &mut Criterion) {
    let (m, _) = Model::builtin();
    let m = m.unwrap();
    let h = parse_household(PERSONA2).unwrap();
    let d = date!(2025 - 03 - 01);
    c.bench_function("single household with explanation (evaluate)", |b| {
        b.iter(|| {
            let ev = m.evaluate(std::hint::black_box(&h), d).unwrap();
            std::hint::black_box(ev.rights.len())
        })
    });
    c.bench_function("single household with explanation, as JSON", |b| {
        b.iter(|| std::hint::black_box(m.evaluate(&h, d).unwrap().to_json().to_string().len()))
    });
    let writer = sterk_rules::JsonWriter::new(&m);
    c.bench_function(
        "single household with explanation, as JSON (fast writer)",
        |b| {
            let mut out = Vec::with_capacity(64 * 1024);
            b.iter(|| {
                out.clear();
                writer.write(&m.evaluate(std::hint::black_box(&h), d).unwrap(), &mut out);
                std::hint::black_box(out.len())
            })
        },
    );
    // Columnar: 64k households, varied incomes, some unknown cells.
    let p = m.prepare(&h).unwrap();
    let inc = m.input("annual_taxable_income").unwrap().0;
    let rent = m.input("monthly_rent").unwrap().0;
    let n = 65_536;
    let rows: Vec<Prepared> = (0..n)
        .map(|i| {
            let mut q = p.clone();
            q.values[inc] = if i % 17 == 0 {
                None
            } else {
                Some((i as i64 * 7919) % 8_000_000)
            };
            q.values[rent] = Some(40_000 + (i as i64 % 50_000));
            q
        })
        .collect();
    let cols = HouseholdColumns::from_prepared(&m, &rows);
    let mut ev = m.batch_evaluator(d);
    let mut out = BatchResult::default();
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("columnar 64k households", |b| {
        b.iter(|| {
            ev.evaluate_into(&cols, &mut out);
            std::hint::black_box(out.outcomes.len())
        })
    });
    let (mut status, mut amount) = (Vec::new(), Vec::new());
    g.bench_function(
        "columnar 64k households, status and amount only (screening)",
        |b| {
            b.iter(|| {
                ev.evaluate_compact(&cols, &mut status, &mut amount);
                std::hint::black_box(status.len())
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
