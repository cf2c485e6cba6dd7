//! The good-practice database (*praktijkendatabank*, issue 7 point 5): what a practice is,
//! how a submitted form is parsed, and the review's life cycle.
//!
//! A practice is submitted by an organisation, reviewed by the chair of its regional
//! platform and then published (public) or sent back with a comment. A practice that was
//! sent back can be changed and submitted again; a published practice can be changed by its
//! organisation, which sends it back to review.

use crate::FieldErrors;
use crate::reference::{KRACHTLIJNEN, THEMES};
use crate::values::{parse_email, parse_text};

/// Target groups a practice can name (codes; names in the Fluent files as
/// `practices-target-<code>`). The list follows the groups the seeds name.
pub const TARGET_GROUPS: [&str; 10] = [
    "kinderen-jongeren",
    "gezinnen",
    "ouderen",
    "mensen-in-armoede",
    "nieuwkomers",
    "dak-en-thuislozen",
    "psychisch-kwetsbaren",
    "mensen-met-beperking",
    "buurtbewoners",
    "sociaal-werkers",
];

/// The languages a practice can be written in (for the stemming of the search).
pub const LANGUAGES: [&str; 2] = ["nl", "fr"];

/// The challenges a practice can name: the eight societal challenges of the action plan
/// (themes 4.1–4.8, codes of [`THEMES`]).
pub fn challenges() -> impl Iterator<Item = &'static str> {
    THEMES.iter().take(8).map(|(_, code)| *code)
}

/// Where a practice stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PracticeStatus {
    /// Waiting for the regional chair's review.
    Submitted,
    /// Public.
    Published,
    /// Sent back to the organisation with a comment.
    SentBack,
}

impl PracticeStatus {
    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            PracticeStatus::Submitted => "submitted",
            PracticeStatus::Published => "published",
            PracticeStatus::SentBack => "sent_back",
        }
    }
    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<PracticeStatus> {
        match code {
            "submitted" => Some(PracticeStatus::Submitted),
            "published" => Some(PracticeStatus::Published),
            "sent_back" => Some(PracticeStatus::SentBack),
            _ => None,
        }
    }
    /// Whether a reviewer may decide on a practice in this state.
    pub fn can_review(self) -> bool {
        self == PracticeStatus::Submitted
    }
}

/// A reviewer's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Publish the practice.
    Publish,
    /// Send it back with a comment (required).
    SendBack(String),
}

/// Parses a review form: `decision` is `publish` or `send_back`; a comment is required
/// when sending back.
pub fn parse_review(decision: &str, comment: &str) -> Result<Review, FieldErrors> {
    let mut errs = FieldErrors::new();
    match decision.trim() {
        "publish" => {
            let _ = errs.check("comment", parse_text(comment, 2000, false));
            errs.into_result(|| Review::Publish)
        }
        "send_back" => {
            let c = errs.check("comment", parse_text(comment, 2000, true));
            match c {
                Some(c) if errs.is_empty() => Ok(Review::SendBack(c)),
                _ => Err(errs),
            }
        }
        _ => {
            errs.push("decision", "choice_invalid");
            Err(errs)
        }
    }
}

/// A parsed practice, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PracticeInput {
    /// Title.
    pub title: String,
    /// Language it is written in (`nl` or `fr`).
    pub language: String,
    /// Short summary (one paragraph).
    pub summary: String,
    /// The description.
    pub description: String,
    /// Krachtlijnen (codes, at least one).
    pub krachtlijnen: Vec<String>,
    /// Challenges (theme codes 4.1–4.8).
    pub challenges: Vec<String>,
    /// Target groups (codes of [`TARGET_GROUPS`]).
    pub target_groups: Vec<String>,
    /// Working ingredients (*werkzame factoren*).
    pub ingredients: String,
    /// Conditions (*randvoorwaarden*).
    pub conditions: String,
    /// Contact person's name.
    pub contact_name: String,
    /// Contact e-mail address.
    pub contact_email: String,
}

/// Field limits.
const TITLE_MAX: usize = 200;
const SUMMARY_MAX: usize = 600;
const LONG_MAX: usize = 10_000;

fn codes(
    errs: &mut FieldErrors,
    field: &str,
    values: &[&str],
    allowed: &[&str],
    required: bool,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if !allowed.contains(&v) {
            errs.push(field, "choice_invalid");
            return out;
        }
        if !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    }
    if required && out.is_empty() {
        errs.push(field, "choose_at_least_one");
    }
    out
}

/// Parses a submitted practice form. `get` returns one field's text ("" when absent), `all`
/// every value of a repeated field (checkboxes). Every problem is reported on its field.
pub fn parse_practice<'a>(
    get: impl Fn(&str) -> &'a str,
    all: impl Fn(&str) -> Vec<&'a str>,
) -> Result<PracticeInput, FieldErrors> {
    let mut errs = FieldErrors::new();
    let title = errs.check("title", parse_text(get("title"), TITLE_MAX, true));
    let language = match get("language").trim() {
        "" => "nl".to_owned(),
        l if LANGUAGES.contains(&l) => l.to_owned(),
        _ => {
            errs.push("language", "choice_invalid");
            String::new()
        }
    };
    let summary = errs.check("summary", parse_text(get("summary"), SUMMARY_MAX, true));
    let description = errs.check(
        "description",
        parse_text(get("description"), LONG_MAX, true),
    );
    let krachtlijnen = codes(
        &mut errs,
        "krachtlijnen",
        &all("krachtlijnen"),
        &KRACHTLIJNEN,
        true,
    );
    let allowed_challenges: Vec<&str> = challenges().collect();
    let challenges = codes(
        &mut errs,
        "challenges",
        &all("challenges"),
        &allowed_challenges,
        false,
    );
    let target_groups = codes(
        &mut errs,
        "target_groups",
        &all("target_groups"),
        &TARGET_GROUPS,
        true,
    );
    let ingredients = errs.check(
        "ingredients",
        parse_text(get("ingredients"), LONG_MAX, true),
    );
    let conditions = errs.check("conditions", parse_text(get("conditions"), LONG_MAX, false));
    let contact_name = errs.check(
        "contact_name",
        parse_text(get("contact_name"), TITLE_MAX, true),
    );
    let contact_email = errs.check("contact_email", parse_email(get("contact_email")));
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(PracticeInput {
        title: title.unwrap_or_default(),
        language,
        summary: summary.unwrap_or_default(),
        description: description.unwrap_or_default(),
        krachtlijnen,
        challenges,
        target_groups,
        ingredients: ingredients.unwrap_or_default(),
        conditions: conditions.unwrap_or_default(),
        contact_name: contact_name.unwrap_or_default(),
        contact_email: contact_email.unwrap_or_default(),
    })
}

/// Splits a stored list (`a,b,c`) into codes.
pub fn split_codes(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &'static [(&'static str, &'static str)]) -> Result<PracticeInput, FieldErrors> {
        parse_practice(
            |k| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| *v)
                    .unwrap_or("")
            },
            |k| {
                pairs
                    .iter()
                    .filter(|(n, _)| *n == k)
                    .map(|(_, v)| *v)
                    .collect()
            },
        )
    }

    #[test]
    fn a_complete_practice_parses() {
        let p = form(&[
            ("title", " Buurtpensioen "),
            ("summary", "Buren zorgen voor elkaar."),
            ("description", "Lang verhaal."),
            ("krachtlijnen", "nabijheid"),
            ("krachtlijnen", "verbindend"),
            ("krachtlijnen", "nabijheid"),
            ("challenges", "vermaatschappelijking"),
            ("target_groups", "ouderen"),
            ("ingredients", "Tijd, vertrouwen."),
            ("contact_name", "An Peeters"),
            ("contact_email", "an@voorbeeld.be"),
        ])
        .unwrap();
        assert_eq!(p.title, "Buurtpensioen");
        assert_eq!(p.language, "nl");
        assert_eq!(p.krachtlijnen, vec!["nabijheid", "verbindend"]);
        assert_eq!(p.challenges, vec!["vermaatschappelijking"]);
    }

    #[test]
    fn missing_fields_are_each_named() {
        let e = form(&[("title", "Iets"), ("challenges", "krachtlijnen")]).unwrap_err();
        assert_eq!(e.for_field("title"), None);
        assert_eq!(e.for_field("summary"), Some("required"));
        assert_eq!(e.for_field("description"), Some("required"));
        assert_eq!(e.for_field("krachtlijnen"), Some("choose_at_least_one"));
        assert_eq!(e.for_field("target_groups"), Some("choose_at_least_one"));
        // 4.9 is a theme but not a challenge.
        assert_eq!(e.for_field("challenges"), Some("choice_invalid"));
        assert_eq!(e.for_field("contact_email"), Some("required"));
    }

    #[test]
    fn review_needs_a_comment_to_send_back() {
        assert_eq!(parse_review("publish", ""), Ok(Review::Publish));
        assert_eq!(
            parse_review("send_back", "  ")
                .unwrap_err()
                .for_field("comment"),
            Some("required")
        );
        assert_eq!(
            parse_review("send_back", "Graag contact toevoegen"),
            Ok(Review::SendBack("Graag contact toevoegen".into()))
        );
        assert!(parse_review("delete", "").is_err());
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            PracticeStatus::Submitted,
            PracticeStatus::Published,
            PracticeStatus::SentBack,
        ] {
            assert_eq!(PracticeStatus::parse(s.code()), Some(s));
        }
        assert!(PracticeStatus::Submitted.can_review());
        assert!(!PracticeStatus::Published.can_review());
    }
}
