//! Print a generated batch instance as the solver sees it, with the solver's answer, as JSON on
//! standard output, for `scripts/check-assignment.py` (which solves the same instance with
//! SciPy's `linear_sum_assignment` and compares the objectives).
//!
//! `cargo run -p sterk-matching --example check_instance -- <seed> <requests> <volunteers>`

use sterk_matching::batch_graph;
use sterk_matching::solver::solve;
use sterk_matching::synth::{Shape, instance};

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let seed = args.first().copied().unwrap_or(1);
    let n = args.get(1).copied().unwrap_or(8) as usize;
    let m = args.get(2).copied().unwrap_or(10) as usize;
    let shape = Shape {
        requests: n,
        volunteers: m,
        provinces: 1,
        arrondissements_per_province: 2,
        municipalities_per_arrondissement: 3,
    };
    let (req, vol) = instance(seed, &shape);
    let g = batch_graph(&req, &vol);
    let Some(sol) = solve(&g) else {
        eprintln!("invalid graph");
        std::process::exit(1);
    };
    let mut out = String::from("{");
    out += &format!("\"rows\":{},\"cols\":{},", g.rows, g.cols);
    let list = |v: Vec<String>| format!("[{}]", v.join(","));
    out += &format!(
        "\"row_weight\":{},",
        list(g.row_weight.iter().map(|w| format!("\"{w}\"")).collect())
    );
    out += &format!(
        "\"capacity\":{},",
        list(g.capacity.iter().map(|c| c.to_string()).collect())
    );
    let slots = (0..g.cols)
        .map(|j| {
            list(
                (0..g.capacity[j])
                    .map(|u| g.slot_cost(j, u).to_string())
                    .collect(),
            )
        })
        .collect();
    out += &format!("\"slot_cost\":{},", list(slots));
    let mut edges = Vec::new();
    for i in 0..g.rows {
        for e in g.row_start[i]..g.row_start[i + 1] {
            edges.push(format!("[{},{},{}]", i, g.edge_col[e], g.edge_w[e]));
        }
    }
    out += &format!("\"edges\":{},", list(edges));
    out += &format!("\"objective\":\"{}\"}}", sol.objective);
    println!("{out}");
}
