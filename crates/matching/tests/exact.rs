//! The exact solver against a brute-force enumeration on small instances, and the engine's
//! filters, scores and priorities on hand-made cases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sterk_matching::solver::{Graph, objective_of, solve};
use sterk_matching::synth::{Shape, instance};
use sterk_matching::*;

/// Best objective over every assignment (each row to one of its edges or nowhere).
fn brute(g: &Graph) -> i128 {
    fn go(g: &Graph, i: usize, cur: &mut Vec<Option<u32>>, best: &mut i128) {
        if i == g.rows {
            if let Some(v) = objective_of(g, cur) {
                *best = (*best).max(v);
            }
            return;
        }
        cur.push(None);
        go(g, i + 1, cur, best);
        cur.pop();
        for e in g.row_start[i]..g.row_start[i + 1] {
            cur.push(Some(g.edge_col[e]));
            go(g, i + 1, cur, best);
            cur.pop();
        }
    }
    let mut best = i128::MIN;
    go(g, 0, &mut Vec::new(), &mut best);
    best
}

fn graph_strategy() -> impl Strategy<Value = Graph> {
    (1usize..6, 1usize..5).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(
                prop::collection::btree_map(0..m as u32, -50i64..200, 0..=m),
                n,
            ),
            prop::collection::vec(0i128..3, n),
            prop::collection::vec(0u32..3, m),
            prop::collection::vec(0i64..40, m),
            0i64..30,
        )
            .prop_map(move |(rows, lv, cap, base, step)| {
                let rows = rows.into_iter().map(|r| r.into_iter().collect()).collect();
                // Lexicographic-style row weights: a few levels far apart.
                let w = lv.into_iter().map(|l| l * 100_000).collect();
                Graph::from_rows(rows, w, cap, base, step, 60)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn solver_matches_brute_force(g in graph_strategy()) {
        let sol = solve(&g).expect("valid graph");
        // The solution is feasible and its objective is what it claims.
        prop_assert_eq!(objective_of(&g, &sol.assigned), Some(sol.objective));
        prop_assert_eq!(sol.objective, brute(&g));
    }

    #[test]
    fn batch_is_optimal_on_small_generated_instances(seed in 0u64..10_000) {
        let shape = Shape {
            requests: 6,
            volunteers: 5,
            provinces: 1,
            arrondissements_per_province: 1,
            municipalities_per_arrondissement: 2,
        };
        let (req, vol) = instance(seed, &shape);
        let g = batch_graph(&req, &vol);
        let sol = solve(&g).expect("valid graph");
        prop_assert_eq!(sol.objective, brute(&g));
        // Every proposed pair passes the hard filters.
        let b = batch(&req, &vol);
        for p in &b.pairs {
            prop_assert!(check_filters(&req[p.request], &vol[p.volunteer]).is_ok());
        }
    }
}

fn place(refnis: u32, postcode: u16) -> Place {
    Place {
        postcode,
        refnis,
        province: 20001,
    }
}

fn vol(id: i64, refnis: u32) -> Volunteer {
    Volunteer {
        id,
        home: place(refnis, 3000),
        area: Area::Radius { km: 15 },
        languages: 1,
        skills: 0b1,
        screening: 0,
        availability: slot_bit(0, 0),
        load: 0,
        capacity: 1,
    }
}

fn req(id: i64, supporters: u32) -> Request {
    Request {
        id,
        place: place(24062, 3000),
        languages: 1,
        skills: 0b1,
        availability: slot_bit(0, 0) | slot_bit(1, 1),
        supporters,
        ..Request::default()
    }
}

#[test]
fn the_person_without_a_network_gets_the_only_volunteer() {
    // One volunteer, two requests: the score prefers the well-connected person (continuity),
    // but the priority goes to the person with no supporters.
    let v = vec![vol(1, 24062)];
    let mut rich = req(1, 6);
    rich.known_volunteers = vec![1];
    let poor = req(2, 0);
    let b = batch(&[rich, poor], &v);
    assert_eq!(b.pairs.len(), 1);
    assert_eq!(b.pairs[0].request, 1);
    assert_eq!(b.unassigned, vec![0]);
    assert_eq!(b.per_level[0], (1, 1));
}

#[test]
fn exact_beats_greedy() {
    // Greedy (best pair first) would give volunteer A to request 1 and leave request 2 alone;
    // the exact assignment serves both.
    let mut a = vol(1, 24062); // near both
    a.area = Area::Radius { km: 35 };
    let mut b = vol(2, 24062); // covers only request 1's municipality
    b.area = Area::Municipalities(vec![24062]);
    let r1 = req(1, 2);
    let mut r2 = req(2, 2);
    r2.place = place(24001, 3200); // same arrondissement 24, other municipality
    let out = batch(&[r1, r2], &[a, b]);
    assert_eq!(out.pairs.len(), 2, "{out:?}");
}

#[test]
fn filters_explain_exclusions() {
    let r = Request {
        screening: 1,
        ..req(1, 0)
    };
    let mut no_lang = vol(1, 24062);
    no_lang.languages = 2;
    let mut paused = vol(2, 24062);
    paused.capacity = 0;
    let mut far = vol(3, 11002);
    far.home.province = 10000;
    let no_screening = vol(4, 24062);
    let mut ok = vol(5, 24062);
    ok.screening = 1;
    let mut busy = vol(6, 24062);
    busy.availability = slot_bit(6, 2);
    busy.screening = 1;
    let vs = vec![no_lang, paused, far, no_screening, ok, busy];
    assert_eq!(check_filters(&r, &vs[0]), Err(Filter::Language));
    assert_eq!(check_filters(&r, &vs[1]), Err(Filter::NoCapacity));
    assert_eq!(check_filters(&r, &vs[2]), Err(Filter::Area));
    assert_eq!(check_filters(&r, &vs[3]), Err(Filter::Screening));
    assert_eq!(check_filters(&r, &vs[5]), Err(Filter::Availability));
    let s = shortlist(&r, &vs, &Scarcity::default(), 10);
    assert_eq!(s.eligible, 1);
    assert_eq!(s.candidates[0].volunteer, 4);
    let blocked = Request {
        blocked_volunteers: vec![5],
        ..r
    };
    assert_eq!(check_filters(&blocked, &vs[4]), Err(Filter::Blocked));
}

#[test]
fn score_reasons_add_up_and_rank() {
    let r = Request {
        known_volunteers: vec![2],
        ..req(1, 0)
    };
    let near = vol(1, 24062);
    let known = Volunteer {
        home: place(24001, 3200),
        ..vol(2, 24001)
    };
    let busy = Volunteer {
        load: 2,
        capacity: 3,
        ..vol(3, 24062)
    };
    let s = shortlist(&r, &[near.clone(), known, busy], &Scarcity::default(), 10);
    let ids: Vec<usize> = s.candidates.iter().map(|c| c.volunteer).collect();
    // known: 85 + 80 = 165; near: 99; busy: 99 - 50 = 49.
    assert_eq!(ids, vec![1, 0, 2]);
    let c = s.candidates[0].score;
    assert_eq!(c.continuity_points, CONTINUITY_POINTS);
    assert_eq!(c.distance_km, 15);
    assert_eq!(s.candidates[2].score.load_points, -50);
    for c in &s.candidates {
        let sc = c.score;
        assert_eq!(
            sc.total,
            sc.distance_points + sc.continuity_points + sc.load_points + sc.scarce_points
        );
    }
    assert_eq!(distance_km(&near.home, &r.place), 1);
}

#[test]
fn scarce_skills_are_kept_free() {
    // Skill 1 (driving) is scarce: two requests need it, one volunteer of two has it.
    let mut driver = vol(1, 24062);
    driver.skills = 0b11;
    let walker = vol(2, 24062);
    let shopping = req(1, 3);
    let ride = Request {
        skills: 0b10,
        ..req(2, 3)
    };
    let ride2 = Request {
        skills: 0b10,
        ..req(3, 3)
    };
    let vols = vec![driver, walker];
    let sc = Scarcity::compute(&[shopping.clone(), ride, ride2], &vols);
    assert!(sc.points[1] > 0);
    let s = shortlist(&shopping, &vols, &sc, 10);
    assert_eq!(
        s.candidates[0].volunteer, 1,
        "the walker first, the driver kept free"
    );
    assert_eq!(s.candidates[1].score.scarce_skills, 0b10);
}

#[test]
fn capacity_is_respected_and_used() {
    let v = vec![Volunteer {
        capacity: 2,
        ..vol(1, 24062)
    }];
    let b = batch(&[req(1, 0), req(2, 0), req(3, 0)], &v);
    assert_eq!(b.pairs.len(), 2);
    assert_eq!(b.unassigned.len(), 1);
}

#[test]
fn medium_instance_is_feasible_and_consistent() {
    let (r, v) = instance(7, &Shape::flanders(400, 900));
    let b = batch(&r, &v);
    let mut used = vec![0u32; v.len()];
    for p in &b.pairs {
        used[p.volunteer] += 1;
        assert!(check_filters(&r[p.request], &v[p.volunteer]).is_ok());
    }
    for (j, u) in used.iter().enumerate() {
        assert!(*u <= v[j].free());
    }
    assert_eq!(b.pairs.len() + b.unassigned.len(), r.len());
}

#[test]
fn the_candidate_graph_is_exactly_the_pairs_that_pass_the_filters() {
    let (r, mut v) = instance(11, &Shape::flanders(300, 1500));
    // Every kind of area: tiny, tier edges, far, and municipality lists.
    let radii = [1u16, 2, 3, 14, 15, 34, 35, 69, 70, 100];
    for (i, vol) in v.iter_mut().enumerate() {
        if i % 3 == 0 {
            vol.area = Area::Radius {
                km: radii[i % radii.len()],
            };
        }
    }
    let sc = Scarcity::compute(&r, &v);
    let g = candidate_graph(&r, &v, &sc);
    for (i, req) in r.iter().enumerate() {
        let mut got: Vec<u32> = g[i].iter().map(|e| e.0).collect();
        got.sort_unstable();
        let want: Vec<u32> = (0..v.len() as u32)
            .filter(|&j| check_filters(req, &v[j as usize]).is_ok())
            .collect();
        assert_eq!(got, want, "request {i}");
        for &(j, w) in &g[i] {
            let s = score_pair(req, &v[j as usize], &sc);
            assert_eq!(w, s.total - s.load_points, "edge weight = pair points");
        }
    }
}
