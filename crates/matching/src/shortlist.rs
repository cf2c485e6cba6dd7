//! The ranked shortlist for one request.

use crate::model::{Request, Volunteer};
use crate::score::{Filter, Scarcity, Score, check_filters, score_pair};

/// One volunteer on the shortlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Index into the volunteer slice given to [`shortlist`].
    pub volunteer: usize,
    pub score: Score,
}

/// The shortlist for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortlist {
    /// Best first; ties broken by fewer running matches, then by volunteer id.
    pub candidates: Vec<Candidate>,
    /// How many volunteers passed every filter (the shortlist may be cut to `limit`).
    pub eligible: usize,
    /// Per filter (in [`Filter::ALL`] order): how many volunteers it excluded first.
    pub excluded: [(Filter, usize); 7],
}

/// Rank every volunteer that passes the hard filters for `r`; keep the best `limit`.
pub fn shortlist(r: &Request, volunteers: &[Volunteer], sc: &Scarcity, limit: usize) -> Shortlist {
    let mut excluded = Filter::ALL.map(|f| (f, 0usize));
    let mut all: Vec<Candidate> = Vec::new();
    for (i, v) in volunteers.iter().enumerate() {
        match check_filters(r, v) {
            Ok(()) => all.push(Candidate {
                volunteer: i,
                score: score_pair(r, v, sc),
            }),
            Err(f) => {
                if let Some(e) = excluded.iter_mut().find(|(g, _)| *g == f) {
                    e.1 += 1;
                }
            }
        }
    }
    let eligible = all.len();
    let key = |c: &Candidate| {
        (
            std::cmp::Reverse(c.score.total),
            c.score.load,
            volunteers[c.volunteer].id,
        )
    };
    if all.len() > limit {
        all.select_nth_unstable_by_key(limit, key);
        all.truncate(limit);
    }
    all.sort_unstable_by_key(key);
    Shortlist {
        candidates: all,
        eligible,
        excluded,
    }
}
