//! The Action Plan Sterk Sociaal Werk 2020–2024 as data: the status of an initiative, its
//! default progress, and the roll-up of progress from initiatives to actions to themes.
//!
//! Pure code: no IO. The store keeps the plan and its history; the web shows it.
//!
//! **Roll-up.** Each initiative has a progress (0–100) and a weight (0–1000, default 1).
//! An action's progress is the roll-up of its initiatives, a theme's the roll-up of its
//! actions (with the actions' weights), and the plan's the roll-up of its themes. Two methods
//! exist, chosen by the platform coordinator: [`RollupMethod::Weighted`] (weights count) and
//! [`RollupMethod::Average`] (every item counts once). Dropped initiatives and items with
//! weight 0 do not count; a group with nothing that counts has no progress (`None`), and
//! such a group is left out of the level above, so "nothing known" is never shown as 0 %.

use serde::{Deserialize, Serialize};

/// Where an initiative stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started.
    NotStarted,
    /// Being prepared (partners found, planning made).
    Preparing,
    /// Under way.
    Underway,
    /// Most of the work done.
    Advanced,
    /// Done.
    Done,
    /// Dropped: no longer pursued; left out of the roll-up.
    Dropped,
}

impl Status {
    /// Every status, in the order forms list them.
    pub const ALL: [Status; 6] = [
        Status::NotStarted,
        Status::Preparing,
        Status::Underway,
        Status::Advanced,
        Status::Done,
        Status::Dropped,
    ];

    /// The stable code stored in the database and used in forms.
    pub fn code(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::Preparing => "preparing",
            Status::Underway => "underway",
            Status::Advanced => "advanced",
            Status::Done => "done",
            Status::Dropped => "dropped",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The progress this status stands for when none is given.
    pub fn default_progress(self) -> u8 {
        match self {
            Status::NotStarted | Status::Dropped => 0,
            Status::Preparing => 10,
            Status::Underway => 40,
            Status::Advanced => 75,
            Status::Done => 100,
        }
    }

    /// Whether an initiative with this status counts in the roll-up.
    pub fn counts(self) -> bool {
        self != Status::Dropped
    }

    /// The range of progress that fits this status (a "done" initiative is at 100 %, a
    /// "not started" one at 0 %, the others in between).
    pub fn allowed(self) -> std::ops::RangeInclusive<u8> {
        match self {
            Status::NotStarted => 0..=0,
            Status::Done => 100..=100,
            Status::Dropped => 0..=100,
            _ => 1..=99,
        }
    }
}

/// How progress rolls up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RollupMethod {
    /// Weighted mean: an item of weight 3 counts three times as much as one of weight 1.
    #[default]
    Weighted,
    /// Plain mean: every counted item counts once, whatever its weight.
    Average,
}

impl RollupMethod {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RollupMethod::Weighted => "weighted",
            RollupMethod::Average => "average",
        }
    }
    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<RollupMethod> {
        match code {
            "weighted" => Some(RollupMethod::Weighted),
            "average" => Some(RollupMethod::Average),
            _ => None,
        }
    }
}

/// The highest weight a form accepts.
pub const MAX_WEIGHT: u32 = 1000;

/// One item of a roll-up: a progress (0–100, or unknown), a weight and whether it counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    /// Progress in percent, `None` when unknown (a group without counted items).
    pub progress: Option<f64>,
    /// Weight (0 = does not count).
    pub weight: u32,
    /// Whether it counts at all (false for dropped initiatives).
    pub counts: bool,
}

/// Rolls parts up into one progress, or `None` when no part counts.
/// The result always lies between the smallest and the largest counted progress.
pub fn rollup(parts: &[Part], method: RollupMethod) -> Option<f64> {
    let mut sum = 0.0;
    let mut total = 0.0;
    for p in parts {
        let Some(progress) = p.progress else { continue };
        if !p.counts || p.weight == 0 || !progress.is_finite() {
            continue;
        }
        let w = match method {
            RollupMethod::Weighted => f64::from(p.weight.min(MAX_WEIGHT)),
            RollupMethod::Average => 1.0,
        };
        sum += progress.clamp(0.0, 100.0) * w;
        total += w;
    }
    (total > 0.0).then(|| (sum / total).clamp(0.0, 100.0))
}

/// A whole progress for display: rounded to a whole percent.
pub fn percent(progress: Option<f64>) -> Option<u8> {
    progress.map(|p| p.round().clamp(0.0, 100.0) as u8)
}

/// Parses a progress typed in a form ("40", "40 %", "40%"): 0–100.
pub fn parse_progress(text: &str) -> Result<u8, &'static str> {
    let t = text.trim().trim_end_matches('%').trim();
    t.parse::<u8>()
        .ok()
        .filter(|v| *v <= 100)
        .ok_or("progress_invalid")
}

/// Parses a weight typed in a form: a whole number 0–[`MAX_WEIGHT`].
pub fn parse_weight(text: &str) -> Result<u32, &'static str> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|v| *v <= MAX_WEIGHT)
        .ok_or("weight_invalid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn part(progress: f64, weight: u32) -> Part {
        Part {
            progress: Some(progress),
            weight,
            counts: true,
        }
    }

    #[test]
    fn weighted_and_average() {
        let parts = [part(100.0, 3), part(0.0, 1)];
        assert_eq!(rollup(&parts, RollupMethod::Weighted), Some(75.0));
        assert_eq!(rollup(&parts, RollupMethod::Average), Some(50.0));
    }

    #[test]
    fn dropped_zero_weight_and_unknown_do_not_count() {
        let parts = [
            part(80.0, 1),
            Part {
                progress: Some(0.0),
                weight: 1,
                counts: false,
            },
            part(0.0, 0),
            Part {
                progress: None,
                weight: 5,
                counts: true,
            },
        ];
        assert_eq!(rollup(&parts, RollupMethod::Weighted), Some(80.0));
        assert_eq!(rollup(&parts, RollupMethod::Average), Some(80.0));
        assert_eq!(rollup(&[], RollupMethod::Average), None);
        assert_eq!(rollup(&[part(10.0, 0)], RollupMethod::Weighted), None);
    }

    #[test]
    fn statuses_round_trip_and_defaults_fit() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
            assert!(s.allowed().contains(&s.default_progress()), "{s:?}");
        }
        assert_eq!(Status::parse("nope"), None);
    }

    #[test]
    fn parses_progress_and_weight() {
        assert_eq!(parse_progress(" 40 %"), Ok(40));
        assert!(parse_progress("101").is_err());
        assert!(parse_progress("-1").is_err());
        assert!(parse_progress("").is_err());
        assert_eq!(parse_weight("3"), Ok(3));
        assert!(parse_weight("1001").is_err());
    }

    fn parts() -> impl Strategy<Value = Vec<(f64, u32, bool)>> {
        proptest::collection::vec((0.0f64..=100.0, 0u32..=20, any::<bool>()), 0..12)
    }

    fn to_parts(v: &[(f64, u32, bool)]) -> Vec<Part> {
        v.iter()
            .map(|&(p, w, c)| Part {
                progress: Some(p),
                weight: w,
                counts: c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn result_lies_between_min_and_max(v in parts(), weighted in any::<bool>()) {
            let method = if weighted { RollupMethod::Weighted } else { RollupMethod::Average };
            let ps = to_parts(&v);
            let counted: Vec<f64> = v.iter().filter(|(_, w, c)| *c && *w > 0).map(|(p, _, _)| *p).collect();
            match rollup(&ps, method) {
                None => prop_assert!(counted.is_empty()),
                Some(r) => {
                    let min = counted.iter().cloned().fold(f64::INFINITY, f64::min);
                    let max = counted.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    prop_assert!(r >= min - 1e-9 && r <= max + 1e-9, "{r} not in {min}..{max}");
                }
            }
        }

        #[test]
        fn order_does_not_matter(v in parts(), weighted in any::<bool>()) {
            let method = if weighted { RollupMethod::Weighted } else { RollupMethod::Average };
            let a = rollup(&to_parts(&v), method);
            let mut r = v.clone();
            r.reverse();
            let b = rollup(&to_parts(&r), method);
            match (a, b) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-9),
                (a, b) => prop_assert_eq!(a, b),
            }
        }

        #[test]
        fn equal_weights_make_both_methods_agree(v in proptest::collection::vec(0.0f64..=100.0, 1..12), w in 1u32..=50) {
            let ps: Vec<Part> = v.iter().map(|&p| part(p, w)).collect();
            let a = rollup(&ps, RollupMethod::Weighted).unwrap_or(-1.0);
            let b = rollup(&ps, RollupMethod::Average).unwrap_or(-2.0);
            prop_assert!((a - b).abs() < 1e-9);
        }

        #[test]
        fn more_progress_never_lowers_the_rollup(v in parts(), i in any::<prop::sample::Index>(), extra in 0.0f64..=100.0, weighted in any::<bool>()) {
            prop_assume!(!v.is_empty());
            let method = if weighted { RollupMethod::Weighted } else { RollupMethod::Average };
            let before = rollup(&to_parts(&v), method);
            let mut w = v.clone();
            let k = i.index(w.len());
            w[k].0 = (w[k].0 + extra).min(100.0);
            let after = rollup(&to_parts(&w), method);
            if let (Some(b), Some(a)) = (before, after) {
                prop_assert!(a >= b - 1e-9);
            }
        }

        #[test]
        fn never_panics_on_any_float(v in proptest::collection::vec((any::<f64>(), any::<u32>(), any::<bool>()), 0..8)) {
            let r = rollup(&to_parts(&v), RollupMethod::Weighted);
            if let Some(r) = r { prop_assert!((0.0..=100.0).contains(&r)); }
        }
    }
}
