//! One timed run of the batch assignment and of shortlists on a generated instance (a quick
//! check; the criterion benchmark `benches/matching.rs` gives the statistics).
//!
//! `cargo run --release -p sterk-matching --example time_batch -- [requests] [volunteers] [seed]`

use std::time::Instant;
use sterk_matching::solver::solve;
use sterk_matching::synth::{Shape, instance};
use sterk_matching::{Scarcity, batch_graph, shortlist};

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(10_000) as usize;
    let m = args.get(1).copied().unwrap_or(25_000) as usize;
    let seed = args.get(2).copied().unwrap_or(2026);
    let (req, vol) = instance(seed, &Shape::flanders(n, m));
    let t = Instant::now();
    let g = batch_graph(&req, &vol);
    let t_graph = t.elapsed();
    let t2 = Instant::now();
    let sol = solve(&g);
    let t_solve = t2.elapsed();
    let assigned = sol
        .as_ref()
        .map_or(0, |s| s.assigned.iter().flatten().count());
    println!(
        "{n} requests x {m} volunteers: {} candidate pairs; graph {:.0} ms, exact solve {:.0} ms, total {:.0} ms; {assigned} assigned",
        g.edge_col.len(),
        t_graph.as_secs_f64() * 1e3,
        t_solve.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );
    let sc = Scarcity::compute(&req, &vol);
    let t3 = Instant::now();
    let k = 200.min(req.len());
    let mut eligible = 0;
    for r in &req[..k] {
        eligible += shortlist(r, &vol, &sc, 20).eligible;
    }
    println!(
        "shortlist (top 20 of {m} volunteers): {:.2} ms per request on average ({} eligible on average)",
        t3.elapsed().as_secs_f64() * 1e3 / k as f64,
        eligible / k.max(1)
    );
}
