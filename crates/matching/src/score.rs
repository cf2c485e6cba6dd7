//! Hard filters and the explained score of one request–volunteer pair.

use crate::model::{Area, Place, Request, Volunteer};

/// Every part of a score, and every load penalty, stays within `±SCORE_BOUND / 2`, so that one
/// assignment changes the score part of the objective by less than `SCORE_BOUND`.
pub const SCORE_BOUND: i64 = 4_000;

/// Estimated distance in kilometres between two places, from administrative proximity only
/// (the reference data has no coordinates): same municipality and postal code 1 km, same
/// municipality 3 km, same arrondissement 15 km, same province 35 km, otherwise 70 km.
pub fn distance_km(a: &Place, b: &Place) -> u16 {
    if a.refnis == b.refnis {
        if a.postcode == b.postcode { 1 } else { 3 }
    } else if a.arrondissement() == b.arrondissement() {
        15
    } else if a.province == b.province && a.province != 0 {
        35
    } else {
        70
    }
}

/// The hard filter a pair failed (the first one, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Filter {
    /// The volunteer is paused or has no free place.
    NoCapacity,
    /// The request is outside the volunteer's municipalities or radius.
    Area,
    /// No language in common.
    Language,
    /// The volunteer lacks a skill the task needs.
    Skills,
    /// The volunteer lacks a screening the task needs (e.g. certificate of good conduct).
    Screening,
    /// No cell of the weekly availability grid in common.
    Availability,
    /// The pair must not be proposed again.
    Blocked,
}

impl Filter {
    pub const ALL: [Filter; 7] = [
        Filter::NoCapacity,
        Filter::Area,
        Filter::Language,
        Filter::Skills,
        Filter::Screening,
        Filter::Availability,
        Filter::Blocked,
    ];

    /// A stable code (used for translation keys).
    pub fn code(self) -> &'static str {
        match self {
            Filter::NoCapacity => "capacity",
            Filter::Area => "area",
            Filter::Language => "language",
            Filter::Skills => "skills",
            Filter::Screening => "screening",
            Filter::Availability => "availability",
            Filter::Blocked => "blocked",
        }
    }
}

/// Whether the volunteer's area covers the request's place.
pub fn covers(v: &Volunteer, at: &Place) -> bool {
    match &v.area {
        Area::Municipalities(list) => list.contains(&at.refnis),
        Area::Radius { km } => distance_km(&v.home, at) <= (*km).max(1),
    }
}

/// The hard filters, in a fixed order; `Ok(())` when the pair may be proposed.
pub fn check_filters(r: &Request, v: &Volunteer) -> Result<(), Filter> {
    if v.free() == 0 {
        return Err(Filter::NoCapacity);
    }
    if !covers(v, &r.place) {
        return Err(Filter::Area);
    }
    bits_pass(r, v)?;
    if r.blocked_volunteers.contains(&v.id) {
        return Err(Filter::Blocked);
    }
    Ok(())
}

/// The bit-mask filters (language, skills, screening, availability).
pub(crate) fn bits_pass(r: &Request, v: &Volunteer) -> Result<(), Filter> {
    if r.languages & v.languages == 0 {
        return Err(Filter::Language);
    }
    if r.skills & !v.skills != 0 {
        return Err(Filter::Skills);
    }
    if r.screening & !v.screening != 0 {
        return Err(Filter::Screening);
    }
    if r.availability & v.availability == 0 {
        return Err(Filter::Availability);
    }
    Ok(())
}

/// How scarce each skill is: open requests that need it per volunteer that has it. Volunteers
/// with a scarce skill the request does not need get a small penalty, to keep them free for the
/// requests that do need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scarcity {
    /// Per skill bit: penalty points (0..=MAX_SCARCE_POINTS) for using a volunteer with this
    /// skill on a request that does not need it.
    pub points: [i64; 64],
}

impl Default for Scarcity {
    fn default() -> Self {
        Scarcity { points: [0; 64] }
    }
}

/// At most this many penalty points per unneeded scarce skill.
pub const MAX_SCARCE_POINTS: i64 = 40;

impl Scarcity {
    /// From all open requests and available volunteers: `points = 40 × min(1, demand / supply)`,
    /// and only for skills where demand is at least half the supply.
    pub fn compute(requests: &[Request], volunteers: &[Volunteer]) -> Scarcity {
        let mut demand = [0u64; 64];
        let mut supply = [0u64; 64];
        for r in requests {
            for (b, d) in demand.iter_mut().enumerate() {
                *d += (r.skills >> b) & 1;
            }
        }
        for v in volunteers.iter().filter(|v| v.free() > 0) {
            for (b, s) in supply.iter_mut().enumerate() {
                *s += (v.skills >> b) & 1;
            }
        }
        let mut points = [0i64; 64];
        for b in 0..64 {
            if demand[b] > 0 && supply[b] > 0 && demand[b] * 2 >= supply[b] {
                let ratio_pts = (MAX_SCARCE_POINTS as u64 * demand[b]) / supply[b];
                points[b] = (ratio_pts as i64).min(MAX_SCARCE_POINTS);
            }
        }
        Scarcity { points }
    }
}

/// The score of a pair that passed the filters, with its reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    /// Estimated distance (see [`distance_km`]).
    pub distance_km: u16,
    /// `100 - distance_km`.
    pub distance_points: i64,
    /// The person already knows this volunteer: +80.
    pub continuity_points: i64,
    /// Running matches of the volunteer now.
    pub load: u32,
    /// `-25` per running match (see [`load_penalty`]).
    pub load_points: i64,
    /// Skills of the volunteer that are scarce and not needed here.
    pub scarce_skills: u64,
    /// The penalty for those skills (≤ 0).
    pub scarce_points: i64,
    /// The sum of the points.
    pub total: i64,
}

/// Points for continuity with a volunteer the person already knows.
pub const CONTINUITY_POINTS: i64 = 80;
/// Penalty per running match of the volunteer.
pub const LOAD_STEP: i64 = 25;

/// The load penalty (a positive number of points to subtract) of a volunteer who already has
/// `load` running matches. Non-decreasing in `load`, bounded by `SCORE_BOUND / 4`.
pub fn load_penalty(load: u32) -> i64 {
    (LOAD_STEP * i64::from(load)).min(SCORE_BOUND / 4)
}

/// The pair part of the score (distance, continuity, scarce skills), without the load.
pub(crate) fn pair_points(r: &Request, v: &Volunteer, sc: &Scarcity) -> (u16, i64, i64, u64, i64) {
    pair_points_of(r, v.id, &v.home, v.skills, sc)
}

/// [`pair_points`] from the volunteer's id, home and skills only (the batch keeps these
/// inline in its buckets).
pub(crate) fn pair_points_of(
    r: &Request,
    v_id: i64,
    home: &Place,
    v_skills: u64,
    sc: &Scarcity,
) -> (u16, i64, i64, u64, i64) {
    let km = distance_km(home, &r.place);
    let distance_points = 100 - i64::from(km);
    let continuity_points = if r.known_volunteers.contains(&v_id) {
        CONTINUITY_POINTS
    } else {
        0
    };
    let unneeded = v_skills & !r.skills;
    let mut scarce_skills = 0u64;
    let mut scarce_points = 0i64;
    let mut bits = unneeded;
    while bits != 0 {
        let b = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let p = sc.points[b];
        if p > 0 {
            scarce_skills |= 1 << b;
            scarce_points -= p;
        }
    }
    let scarce_points = scarce_points.max(-(SCORE_BOUND / 4));
    (
        km,
        distance_points,
        continuity_points,
        scarce_skills,
        scarce_points,
    )
}

/// The explained score of a pair (call after [`check_filters`] passed).
pub fn score_pair(r: &Request, v: &Volunteer, sc: &Scarcity) -> Score {
    let (km, distance_points, continuity_points, scarce_skills, scarce_points) =
        pair_points(r, v, sc);
    let load_points = -load_penalty(v.load);
    Score {
        distance_km: km,
        distance_points,
        continuity_points,
        load: v.load,
        load_points,
        scarce_skills,
        scarce_points,
        total: distance_points + continuity_points + load_points + scarce_points,
    }
}
