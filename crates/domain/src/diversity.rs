//! The diversity self-assessment (issue 7 point 8; seed 003 section 4.3, action 1): an
//! organisation checks where it stands on culture-sensitive work in the four domains the
//! VIVO tool names — employees, offer, target group and the identity of the organisation.
//!
//! The statements are Sterk's own (the seed names the domains, not the tool's questions).
//! Each is answered on a scale of 0 (not at all) to 3 (fully); a domain's score is its
//! answers' share of the maximum, 0–100. An organisation sees its own results over time
//! and, anonymously, the average of organisations of the same kind — only when at least
//! [`MIN_GROUP`] of them took part, so no single organisation can be read from it.

use crate::FieldErrors;

/// The four domains, in the order of the seed.
pub const DOMAINS: [&str; 4] = ["employees", "offer", "target_group", "identity"];

/// The statements: (domain index, code). Texts are `diversity-q-<code>` in the Fluent files.
pub const QUESTIONS: [(usize, &str); 12] = [
    (0, "staff-reflects"),
    (0, "recruitment"),
    (0, "training"),
    (1, "accessible-language"),
    (1, "adapted-offer"),
    (1, "interpreters"),
    (2, "knows-population"),
    (2, "reaches-groups"),
    (2, "participation"),
    (3, "mission"),
    (3, "policy-plan"),
    (3, "leadership"),
];

/// The highest answer.
pub const MAX_ANSWER: u8 = 3;

/// The smallest comparison group that may be shown.
pub const MIN_GROUP: usize = 5;

/// Answers to every statement, in the order of [`QUESTIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answers(pub [u8; 12]);

/// Parses the questionnaire (`q-<code>` fields, 0–3); every statement must be answered.
pub fn parse_answers<'a>(get: impl Fn(&str) -> &'a str) -> Result<Answers, FieldErrors> {
    let mut errs = FieldErrors::new();
    let mut out = [0u8; 12];
    for (i, (_, code)) in QUESTIONS.iter().enumerate() {
        let field = format!("q-{code}");
        match get(&field).trim() {
            "" => errs.push(field, "required"),
            v => match v.parse::<u8>() {
                Ok(n) if n <= MAX_ANSWER => out[i] = n,
                _ => errs.push(field, "choice_invalid"),
            },
        }
    }
    errs.into_result(|| Answers(out))
}

impl Answers {
    /// Scores per domain, 0–100, in the order of [`DOMAINS`].
    pub fn scores(&self) -> [i64; 4] {
        let mut sum = [0i64; 4];
        let mut max = [0i64; 4];
        for (i, (d, _)) in QUESTIONS.iter().enumerate() {
            sum[*d] += i64::from(self.0[i]);
            max[*d] += i64::from(MAX_ANSWER);
        }
        let mut out = [0i64; 4];
        for d in 0..4 {
            if max[d] > 0 {
                // Rounded half up.
                out[d] = (sum[d] * 200 + max[d]) / (2 * max[d]);
            }
        }
        out
    }

    /// The answers as stored: `code=value` pairs separated by commas.
    pub fn to_storage(&self) -> String {
        QUESTIONS
            .iter()
            .zip(self.0)
            .map(|((_, c), v)| format!("{c}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The anonymous comparison: the average scores of the group (each organisation's latest
/// assessment), or `None` when the group has fewer than [`MIN_GROUP`] organisations.
pub fn comparison(group: &[[i64; 4]]) -> Option<[i64; 4]> {
    if group.len() < MIN_GROUP {
        return None;
    }
    let n = i64::try_from(group.len()).ok()?;
    let mut out = [0i64; 4];
    for d in 0..4 {
        let total: i64 = group.iter().map(|s| s[d]).sum();
        out[d] = (total * 2 + n) / (2 * n);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_shares_of_the_maximum_per_domain() {
        let a = Answers([3, 3, 3, 0, 0, 0, 1, 2, 3, 1, 1, 1]);
        assert_eq!(a.scores(), [100, 0, 67, 33]);
        assert!(a.to_storage().starts_with("staff-reflects=3,recruitment=3"));
    }

    #[test]
    fn every_statement_must_be_answered_within_the_scale() {
        let e = parse_answers(|k| match k {
            "q-staff-reflects" => "2",
            "q-recruitment" => "7",
            _ => "",
        })
        .unwrap_err();
        assert_eq!(e.for_field("q-staff-reflects"), None);
        assert_eq!(e.for_field("q-recruitment"), Some("choice_invalid"));
        assert_eq!(e.for_field("q-leadership"), Some("required"));
        assert_eq!(parse_answers(|_| "3").unwrap().scores(), [100; 4]);
    }

    #[test]
    fn no_comparison_under_five_organisations() {
        let four = [[50, 50, 50, 50]; 4];
        assert_eq!(comparison(&four), None);
        let five = [
            [40, 60, 0, 100],
            [60, 60, 0, 100],
            [50, 60, 0, 100],
            [50, 60, 1, 100],
            [50, 61, 1, 100],
        ];
        assert_eq!(comparison(&five), Some([50, 60, 0, 100]));
    }
}
