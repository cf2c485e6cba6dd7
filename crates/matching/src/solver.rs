//! An exact solver for the capacitated assignment problem with an "unassigned" option per row,
//! on a sparse graph: a min-cost flow solved by successive shortest paths (Dijkstra with node
//! potentials and early exit, as in the shortest-augmenting-path method of Jonker–Volgenant).
//!
//! Network: source → row *i* (one unit each) → column *j* along a candidate edge (cost
//! `-(row_weight[i] + w_ij)`) → sink, or row *i* → sink directly ("unassigned", cost 0).
//! Column *j* → sink has `capacity[j]` parallel arcs; the *u*-th unit costs `slot_cost(j, u)`
//! (non-decreasing in *u*, so the cheapest arcs are used first). Rows are added one at a time;
//! after each, the flow is a min-cost flow for the rows added so far (the residual graph has no
//! negative cycle and the shortest augmenting path keeps it so). Because every row can always go
//! unassigned, the final flow is an optimal assignment of all rows.
//!
//! Weights are `i128`, so lexicographic objectives can be encoded with large row weights.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A sparse bipartite graph: rows (requests) × columns (volunteers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    pub rows: usize,
    pub cols: usize,
    /// CSR: the edges of row `i` are `row_start[i]..row_start[i + 1]`.
    pub row_start: Vec<usize>,
    pub edge_col: Vec<u32>,
    /// Pair weight (higher is better).
    pub edge_w: Vec<i64>,
    /// Weight added to every edge of the row (priority level, urgency).
    pub row_weight: Vec<i128>,
    /// Units per column (0 = no edge usable).
    pub capacity: Vec<u32>,
    /// Cost of the first unit of each column (a load penalty, ≥ 0 is usual).
    pub slot_base: Vec<i64>,
    /// Extra cost per further unit of a column (≥ 0).
    pub slot_step: i64,
    /// Cap on the cost of one unit.
    pub slot_cap: i64,
}

impl Graph {
    /// The cost of the `u`-th unit (0-based) of column `j`.
    pub fn slot_cost(&self, j: usize, u: u32) -> i64 {
        self.slot_base[j]
            .saturating_add(self.slot_step.saturating_mul(i64::from(u)))
            .min(self.slot_cap)
    }

    /// Build from per-row edge lists.
    pub fn from_rows(
        rows: Vec<Vec<(u32, i64)>>,
        row_weight: Vec<i128>,
        capacity: Vec<u32>,
        slot_base: Vec<i64>,
        slot_step: i64,
        slot_cap: i64,
    ) -> Graph {
        let mut row_start = Vec::with_capacity(rows.len() + 1);
        let total = rows.iter().map(Vec::len).sum();
        let mut edge_col = Vec::with_capacity(total);
        let mut edge_w = Vec::with_capacity(total);
        row_start.push(0);
        for r in &rows {
            for &(c, w) in r {
                edge_col.push(c);
                edge_w.push(w);
            }
            row_start.push(edge_col.len());
        }
        Graph {
            rows: rows.len(),
            cols: capacity.len(),
            row_start,
            edge_col,
            edge_w,
            row_weight,
            capacity,
            slot_base,
            slot_step,
            slot_cap,
        }
    }

    /// Whether the graph is consistent (lengths, column indices in range).
    pub fn is_valid(&self) -> bool {
        self.row_start.len() == self.rows + 1
            && self.row_weight.len() == self.rows
            && self.capacity.len() == self.cols
            && self.slot_base.len() == self.cols
            && self.edge_col.len() == self.edge_w.len()
            && self.row_start.first() == Some(&0)
            && self.row_start.last() == Some(&self.edge_col.len())
            && self.row_start.windows(2).all(|w| w[0] <= w[1])
            && self.edge_col.iter().all(|&c| (c as usize) < self.cols)
            && self.slot_step >= 0
    }
}

/// The result: per row, the column it is assigned to (or `None`), and the objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    pub assigned: Vec<Option<u32>>,
    /// Σ (row weight + edge weight) over assigned rows − Σ slot costs.
    pub objective: i128,
}

/// Objective of a given assignment (for checks); `None` when it breaks a capacity or uses a
/// pair that is not an edge.
pub fn objective_of(g: &Graph, assigned: &[Option<u32>]) -> Option<i128> {
    let mut used = vec![0u32; g.cols];
    let mut total: i128 = 0;
    for (i, a) in assigned.iter().enumerate() {
        if let Some(j) = *a {
            let j = j as usize;
            let range = g.row_start[i]..g.row_start[i + 1];
            let w = range
                .clone()
                .find(|&e| g.edge_col[e] as usize == j)
                .map(|e| g.edge_w[e])?;
            if used[j] >= g.capacity[j] {
                return None;
            }
            total += g.row_weight[i] + i128::from(w) - i128::from(g.slot_cost(j, used[j]));
            used[j] += 1;
        }
    }
    Some(total)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pred {
    None,
    /// Reached from a row along a forward edge with this cost.
    Row(u32, i128),
    /// Reached from a column along the reverse of an assigned edge.
    Col(u32),
}

/// Solve exactly. Returns `None` only for an inconsistent graph.
pub fn solve(g: &Graph) -> Option<Solution> {
    if !g.is_valid() {
        return None;
    }
    let (n, m) = (g.rows, g.cols);
    // Nodes: rows 0..n, columns n..n+m, sink n+m.
    let sink = n + m;
    let node_count = n + m + 1;
    let cost = |i: usize, e: usize| -> i128 { -(g.row_weight[i] + i128::from(g.edge_w[e])) };

    // Initial potentials, as in the Hungarian method for rectangular problems: columns and the
    // sink 0 (so a column with a free place keeps the highest potential), each row its best
    // edge weight (so every reduced cost is ≥ 0). The sink must also sit at or below every
    // first slot cost.
    let mut pi = vec![0i128; node_count];
    for (i, p) in pi.iter_mut().enumerate().take(n) {
        let best = (g.row_start[i]..g.row_start[i + 1])
            .map(|e| -cost(i, e))
            .max()
            .unwrap_or(0);
        *p = best.max(0);
    }
    let mut pi_sink = 0i128;
    for j in 0..m {
        if g.capacity[j] > 0 {
            pi_sink = pi_sink.min(i128::from(g.slot_cost(j, 0)));
        }
    }
    pi[sink] = pi_sink;

    // State: the column of each row (u32::MAX = unassigned) and the cost of that edge; the rows
    // of each column.
    const NONE: u32 = u32::MAX;
    let mut row_col = vec![NONE; n];
    let mut row_cost = vec![0i128; n];
    let mut col_rows: Vec<Vec<u32>> = vec![Vec::new(); m];

    let mut dist = vec![0i128; node_count];
    let mut seen = vec![0u32; node_count]; // epoch when labelled
    let mut done = vec![0u32; node_count]; // epoch when settled
    let mut pred = vec![Pred::None; node_count];
    let mut settled: Vec<usize> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(i128, u32)>> = BinaryHeap::new();

    // Heaviest rows first: fewer reroutings later.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| Reverse(g.row_weight[i]));

    for (round, &k) in order.iter().enumerate() {
        if g.row_start[k] == g.row_start[k + 1] {
            continue; // no candidate: stays unassigned, nothing changes
        }
        let epoch = round as u32 + 1;
        heap.clear();
        settled.clear();
        dist[k] = 0;
        seen[k] = epoch;
        pred[k] = Pred::None;
        heap.push(Reverse((0, k as u32)));
        let mut reached_sink = false;
        while let Some(Reverse((d, x))) = heap.pop() {
            let x = x as usize;
            if done[x] == epoch || d > dist[x] {
                continue;
            }
            done[x] = epoch;
            settled.push(x);
            if x == sink {
                reached_sink = true;
                break;
            }
            let mut relax = |y: usize, nd: i128, p: Pred, heap: &mut BinaryHeap<_>| {
                if done[y] != epoch && (seen[y] != epoch || nd < dist[y]) {
                    seen[y] = epoch;
                    dist[y] = nd;
                    pred[y] = p;
                    heap.push(Reverse((nd, y as u32)));
                }
            };
            if x < n {
                let i = x;
                for e in g.row_start[i]..g.row_start[i + 1] {
                    let c = g.edge_col[e];
                    if c == row_col[i] {
                        continue;
                    }
                    let y = n + c as usize;
                    let ce = cost(i, e);
                    relax(
                        y,
                        d + ce + pi[x] - pi[y],
                        Pred::Row(i as u32, ce),
                        &mut heap,
                    );
                }
                // Unassigned option (the source row is not on it; an assigned row may leave).
                relax(
                    sink,
                    d + pi[x] - pi[sink],
                    Pred::Row(i as u32, 0),
                    &mut heap,
                );
            } else {
                let j = x - n;
                for &r in &col_rows[j] {
                    let y = r as usize;
                    relax(
                        y,
                        d - row_cost[y] + pi[x] - pi[y],
                        Pred::Col(j as u32),
                        &mut heap,
                    );
                }
                let used = col_rows[j].len() as u32;
                if used < g.capacity[j] {
                    let sc = i128::from(g.slot_cost(j, used));
                    relax(
                        sink,
                        d + sc + pi[x] - pi[sink],
                        Pred::Col(j as u32),
                        &mut heap,
                    );
                }
            }
        }
        if !reached_sink {
            return None; // cannot happen: the unassigned option always reaches the sink
        }
        let dt = dist[sink];
        for &x in &settled {
            pi[x] += dist[x] - dt;
        }
        // Augment along the predecessors, from the sink back to row k.
        let mut y = sink;
        let mut steps = 0usize;
        loop {
            steps += 1;
            if steps > 2 * node_count + 2 {
                return None;
            }
            match pred[y] {
                Pred::None => break,
                Pred::Row(i, ce) => {
                    let i = i as usize;
                    if y == sink {
                        row_col[i] = NONE;
                        row_cost[i] = 0;
                    } else {
                        let j = (y - n) as u32;
                        row_col[i] = j;
                        row_cost[i] = ce;
                        col_rows[j as usize].push(i as u32);
                    }
                    y = i;
                }
                Pred::Col(j) => {
                    let ju = j as usize;
                    if y != sink {
                        // Row y leaves column j (it was reassigned one step later on the path).
                        if let Some(pos) = col_rows[ju].iter().position(|&r| r as usize == y) {
                            col_rows[ju].swap_remove(pos);
                        }
                    }
                    y = n + ju;
                }
            }
        }
    }
    let assigned: Vec<Option<u32>> = row_col
        .iter()
        .map(|&c| if c == NONE { None } else { Some(c) })
        .collect();
    let objective = objective_of(g, &assigned)?;
    Some(Solution {
        assigned,
        objective,
    })
}
