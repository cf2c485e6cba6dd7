//! Benchmarks: the exact batch assignment of 10,000 requests × 25,000 volunteers, and the
//! shortlist for one request among 25,000 volunteers.
//! `cargo bench -p sterk-matching --bench matching`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use sterk_matching::synth::{Shape, instance};
use sterk_matching::{Scarcity, batch, candidate_graph, shortlist};

fn bench(c: &mut Criterion) {
    let (requests, volunteers) = instance(2026, &Shape::flanders(10_000, 25_000));
    let sc = Scarcity::compute(&requests, &volunteers);
    let b = batch(&requests, &volunteers);
    eprintln!(
        "batch 10k x 25k: {} candidate edges, {} pairs, {} unassigned, per level {:?}, score {}",
        b.edges,
        b.pairs.len(),
        b.unassigned.len(),
        b.per_level,
        b.score
    );
    let mut g = c.benchmark_group("matching");
    g.sample_size(10);
    g.bench_function(
        "batch 10k requests x 25k volunteers (filters + graph + exact solve)",
        |bch| bch.iter(|| std::hint::black_box(batch(&requests, &volunteers).pairs.len())),
    );
    g.bench_function("candidate graph only (10k x 25k)", |bch| {
        bch.iter(|| std::hint::black_box(candidate_graph(&requests, &volunteers, &sc).len()))
    });
    g.finish();
    c.bench_function(
        "shortlist: one request among 25k volunteers (top 20)",
        |bch| {
            let mut k = 0usize;
            bch.iter(|| {
                k = (k + 1) % requests.len();
                std::hint::black_box(shortlist(&requests[k], &volunteers, &sc, 20).eligible)
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
