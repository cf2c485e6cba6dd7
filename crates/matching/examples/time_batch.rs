//! One timed run of the batch assignment and of shortlists on a generated instance (a quick
//! check; the criterion benchmark `benches/matching.rs` gives the statistics).
//!
//! `cargo run --release -p sterk-matching --example time_batch -- [requests] [volunteers] [seed]`

use std::io::Write;
use std::time::Instant;
use sterk_matching::solver::solve;
use sterk_matching::synth::{Shape, instance};
use sterk_matching::{Scarcity, batch_graph, shortlist};

/// CPU time of this process so far (user + system), in ms, from /proc (Linux); 0 elsewhere.
/// On a shared machine the wall clock says more about the neighbours than about the code.
/// Prints a line; a closed pipe (`| head`) ends the output quietly instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
    let ticks: f64 = f.get(11).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    ticks * 10.0 // USER_HZ is 100 on Linux
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(10_000) as usize;
    let m = args.get(1).copied().unwrap_or(25_000) as usize;
    let seed = args.get(2).copied().unwrap_or(2026);
    let (req, vol) = instance(seed, &Shape::flanders(n, m));
    let c0 = cpu_ms();
    let t = Instant::now();
    let g = batch_graph(&req, &vol);
    let t_graph = t.elapsed();
    let c1 = cpu_ms();
    let t2 = Instant::now();
    let sol = solve(&g);
    let t_solve = t2.elapsed();
    let c2 = cpu_ms();
    let assigned = sol
        .as_ref()
        .map_or(0, |s| s.assigned.iter().flatten().count());
    out!(
        "{n} requests x {m} volunteers: {} candidate pairs; graph {:.0} ms, exact solve {:.0} ms, total {:.0} ms; {assigned} assigned",
        g.edge_col.len(),
        t_graph.as_secs_f64() * 1e3,
        t_solve.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );
    out!(
        "CPU time (user + sys, all threads): graph {:.0} ms, exact solve {:.0} ms, total {:.0} ms",
        c1 - c0,
        c2 - c1,
        c2 - c0
    );
    let sc = Scarcity::compute(&req, &vol);
    let c3 = cpu_ms();
    let t3 = Instant::now();
    let k = 200.min(req.len());
    let mut eligible = 0;
    for r in &req[..k] {
        eligible += shortlist(r, &vol, &sc, 20).eligible;
    }
    out!(
        "shortlist (top 20 of {m} volunteers): {:.2} ms wall, {:.2} ms CPU per request on average ({} eligible on average)",
        t3.elapsed().as_secs_f64() * 1e3 / k as f64,
        (cpu_ms() - c3) / k as f64,
        eligible / k.max(1)
    );
}
