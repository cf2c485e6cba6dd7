//! Batch assignment of all open requests: the sparse candidate graph from the hard filters and
//! the lexicographic objective (priority for people without a network), solved exactly.

use std::collections::HashMap;

use crate::model::{Area, Place, Request, Volunteer};
use crate::score::{LOAD_STEP, SCORE_BOUND, Scarcity, covers, load_penalty, pair_points_of};
use crate::solver::{Graph, solve};

/// Priority level of a request: its active supporters, 4 and more counting as 4. Level 0 (no
/// supporter at all) comes first.
pub type Level = u8;

/// Number of priority levels (0, 1, 2, 3, 4+).
pub const LEVELS: usize = 5;

/// The priority level of a request.
pub fn level_of(r: &Request) -> Level {
    r.supporters.min(LEVELS as u32 - 1) as Level
}

/// One proposed pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPair {
    /// Index into the request slice.
    pub request: usize,
    /// Index into the volunteer slice.
    pub volunteer: usize,
    /// The pair score (distance, continuity, scarce skills; without load and urgency).
    pub pair_points: i64,
}

/// The proposal for a whole batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub pairs: Vec<BatchPair>,
    /// Requests without a proposal (no volunteer passes the filters, or all are taken by
    /// requests with higher priority).
    pub unassigned: Vec<usize>,
    /// Per level: (requests, assigned).
    pub per_level: [(usize, usize); LEVELS],
    /// The score part of the objective: Σ pair points + urgency − load penalties.
    pub score: i64,
    /// Edges in the candidate graph (pairs that passed the hard filters).
    pub edges: usize,
}

/// A volunteer as a bucket holds them: everything the filters and the pair score need,
/// inline, so building the graph streams through memory instead of chasing pointers.
#[derive(Clone, Copy)]
struct Cand {
    idx: u32,
    availability: u32,
    languages: u64,
    skills: u64,
    screening: u64,
    id: i64,
    home: Place,
    /// The bucket is wider than the volunteer's area (a radius under 3 km): check it.
    check_area: bool,
}

/// Volunteers grouped by how far their area reaches, so that each request only looks at the
/// volunteers who could possibly cover it. Each radius volunteer sits in exactly one bucket; a
/// volunteer with a municipality list sits in the bucket of each listed municipality. The
/// buckets are exact (every volunteer in a bucket covers every place the bucket stands for,
/// given the estimated distances of [`crate::distance_km`]) except for radii under 3 km,
/// which are marked for a check.
struct Buckets {
    refnis: HashMap<u32, Vec<Cand>>,
    arr: HashMap<u32, Vec<Cand>>,
    province: HashMap<u32, Vec<Cand>>,
    global: Vec<Cand>,
}

impl Buckets {
    fn new(volunteers: &[Volunteer]) -> Buckets {
        let mut b = Buckets {
            refnis: HashMap::new(),
            arr: HashMap::new(),
            province: HashMap::new(),
            global: Vec::new(),
        };
        for (i, v) in volunteers.iter().enumerate() {
            if v.free() == 0 {
                continue;
            }
            let mut c = Cand {
                idx: i as u32,
                availability: v.availability,
                languages: v.languages,
                skills: v.skills,
                screening: v.screening,
                id: v.id,
                home: v.home,
                check_area: false,
            };
            match &v.area {
                Area::Municipalities(list) => {
                    let mut list = list.clone();
                    list.sort_unstable();
                    list.dedup();
                    for r in list {
                        b.refnis.entry(r).or_default().push(c);
                    }
                }
                Area::Radius { km } => {
                    let km = (*km).max(1);
                    if km >= 70 {
                        b.global.push(c);
                    } else if km >= 35 && v.home.province != 0 {
                        b.province.entry(v.home.province).or_default().push(c);
                    } else if km >= 15 {
                        b.arr.entry(v.home.arrondissement()).or_default().push(c);
                    } else {
                        c.check_area = km < 3;
                        b.refnis.entry(v.home.refnis).or_default().push(c);
                    }
                }
            }
        }
        b
    }

    fn candidates<'a>(&'a self, r: &Request) -> impl Iterator<Item = &'a Cand> + 'a {
        let p = r.place;
        let empty: &[Cand] = &[];
        let a = self.refnis.get(&p.refnis).map_or(empty, Vec::as_slice);
        let b = self
            .arr
            .get(&p.arrondissement())
            .map_or(empty, Vec::as_slice);
        let c = if p.province != 0 {
            self.province.get(&p.province).map_or(empty, Vec::as_slice)
        } else {
            empty
        };
        a.iter().chain(b).chain(c).chain(&self.global)
    }
}

fn row_edges(r: &Request, volunteers: &[Volunteer], b: &Buckets, sc: &Scarcity) -> Vec<(u32, i64)> {
    let mut out = Vec::new();
    for c in b.candidates(r) {
        // The bit filters first, on the inline copy (cheap, contiguous).
        if r.languages & c.languages == 0
            || r.skills & !c.skills != 0
            || r.screening & !c.screening != 0
            || r.availability & c.availability == 0
        {
            continue;
        }
        if c.check_area && !covers(&volunteers[c.idx as usize], &r.place) {
            continue;
        }
        if !r.blocked_volunteers.is_empty() && r.blocked_volunteers.contains(&c.id) {
            continue;
        }
        let (_, d, k, _, s) = pair_points_of(r, c.id, &c.home, c.skills, sc);
        out.push((c.idx, d + k + s));
    }
    out
}

/// The sparse candidate graph: per request, every volunteer that passes the hard filters, with
/// the pair points as weight. Built on all available cores.
pub fn candidate_graph(
    requests: &[Request],
    volunteers: &[Volunteer],
    sc: &Scarcity,
) -> Vec<Vec<(u32, i64)>> {
    let b = Buckets::new(volunteers);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    if threads == 1 || requests.len() < 256 {
        return requests
            .iter()
            .map(|r| row_edges(r, volunteers, &b, sc))
            .collect();
    }
    let chunk = requests.len().div_ceil(threads);
    let b = &b;
    std::thread::scope(|s| {
        let handles: Vec<_> = requests
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|r| row_edges(r, volunteers, b, sc))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut rows = Vec::with_capacity(requests.len());
        for h in handles {
            match h.join() {
                Ok(part) => rows.extend(part),
                // A worker cannot panic on valid input; fall back to one thread if it did.
                Err(_) => {
                    return requests
                        .iter()
                        .map(|r| row_edges(r, volunteers, b, sc))
                        .collect();
                }
            }
        }
        rows
    })
}

/// Row weights for the lexicographic objective: first the number of served requests at level 0,
/// then level 1, …, then level 4+, then the score. `W_4 = R + 1` where `R` bounds the score part
/// of any assignment, and `W_l = (n_{l+1} + 1) · W_{l+1}`, so that one more served request at a
/// level outweighs everything at the levels below and the whole score.
pub fn level_weights(requests: &[Request]) -> [i128; LEVELS] {
    let mut counts = [0i128; LEVELS];
    for r in requests {
        counts[level_of(r) as usize] += 1;
    }
    let n = requests.len() as i128;
    let mut w = [0i128; LEVELS];
    w[LEVELS - 1] = 2 * n * i128::from(SCORE_BOUND) + 1;
    for l in (0..LEVELS - 1).rev() {
        w[l] = (counts[l + 1] + 1) * w[l + 1];
    }
    w
}

/// The graph the solver sees for a batch (exposed for checks against other solvers).
pub fn batch_graph(requests: &[Request], volunteers: &[Volunteer]) -> Graph {
    let sc = Scarcity::compute(requests, volunteers);
    let rows = candidate_graph(requests, volunteers, &sc);
    let w = level_weights(requests);
    let row_weight = requests
        .iter()
        .map(|r| w[level_of(r) as usize] + i128::from(r.urgency.bonus()))
        .collect();
    let capacity = volunteers.iter().map(Volunteer::free).collect();
    let slot_base = volunteers.iter().map(|v| load_penalty(v.load)).collect();
    Graph::from_rows(
        rows,
        row_weight,
        capacity,
        slot_base,
        LOAD_STEP,
        SCORE_BOUND / 4,
    )
}

/// Propose an optimal assignment for all requests at once.
pub fn batch(requests: &[Request], volunteers: &[Volunteer]) -> Batch {
    let g = batch_graph(requests, volunteers);
    let edges = g.edge_col.len();
    let mut per_level = [(0usize, 0usize); LEVELS];
    for r in requests {
        per_level[level_of(r) as usize].0 += 1;
    }
    let Some(sol) = solve(&g) else {
        // Unreachable for graphs built here; propose nothing rather than panic.
        return Batch {
            pairs: vec![],
            unassigned: (0..requests.len()).collect(),
            per_level,
            score: 0,
            edges,
        };
    };
    let mut pairs = Vec::new();
    let mut unassigned = Vec::new();
    let mut score: i64 = 0;
    let mut used = vec![0u32; volunteers.len()];
    for (i, a) in sol.assigned.iter().enumerate() {
        match a {
            Some(j) => {
                let j = *j as usize;
                let e = (g.row_start[i]..g.row_start[i + 1]).find(|&e| g.edge_col[e] as usize == j);
                let w = e.map_or(0, |e| g.edge_w[e]);
                score += w + requests[i].urgency.bonus() - g.slot_cost(j, used[j]);
                used[j] += 1;
                per_level[level_of(&requests[i]) as usize].1 += 1;
                pairs.push(BatchPair {
                    request: i,
                    volunteer: j,
                    pair_points: w,
                });
            }
            None => unassigned.push(i),
        }
    }
    Batch {
        pairs,
        unassigned,
        per_level,
        score,
        edges,
    }
}
