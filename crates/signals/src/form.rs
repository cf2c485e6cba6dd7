//! The signal form: its codes and the parser of a new signal.
//!
//! A signal names what goes wrong, a right (of the rules model) or a life domain, one of the
//! eight societal challenges of the action plan, target groups, a municipality (and so a
//! region), how many people it touches and since when, the kinds of evidence and an optional
//! de-identified testimony (only with the person's consent for anonymous use in signals).

use sterk_domain::FieldErrors;
use sterk_domain::reference::THEMES;
use sterk_domain::values::{Refnis, parse_text};
use time::Date;

/// Life domains, for signals that are not about one right.
pub const LIFE_DOMAINS: [&str; 10] = [
    "income",
    "housing",
    "health",
    "education",
    "work",
    "care",
    "mobility",
    "digital",
    "justice",
    "leisure",
];

/// Target groups a signal can name.
pub const TARGET_GROUPS: [&str; 10] = [
    "children",
    "youth",
    "elderly",
    "single_parents",
    "disability",
    "newcomers",
    "homeless",
    "low_income",
    "students",
    "carers",
];

/// Kinds of evidence.
pub const EVIDENCE: [&str; 3] = ["cases", "testimony", "figures"];

/// The eight societal challenges (sections 4.1–4.8 of the action plan).
pub fn challenges() -> impl Iterator<Item = &'static str> {
    THEMES.iter().take(8).map(|(_, code)| *code)
}

/// What a signal is about: a right of the rules model, or a life domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A right (its id in the rules model).
    Right(String),
    /// A life domain from [`LIFE_DOMAINS`].
    Life(&'static str),
}

impl Subject {
    /// `right` or `life`.
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::Right(_) => "right",
            Subject::Life(_) => "life",
        }
    }
    /// The right's id or the life domain's code.
    pub fn code(&self) -> &str {
        match self {
            Subject::Right(id) => id,
            Subject::Life(c) => c,
        }
    }
    /// Parses the form value `right:<id>` or `life:<code>`; `is_right` says whether an id
    /// names a right of the model.
    pub fn parse(value: &str, is_right: &dyn Fn(&str) -> bool) -> Result<Subject, &'static str> {
        let v = value.trim();
        if v.is_empty() {
            return Err("required");
        }
        match v.split_once(':') {
            Some(("right", id)) if is_right(id) => Ok(Subject::Right(id.to_owned())),
            Some(("life", code)) => LIFE_DOMAINS
                .into_iter()
                .find(|c| *c == code)
                .map(Subject::Life)
                .ok_or("choice_invalid"),
            _ => Err("choice_invalid"),
        }
    }
    /// The form value.
    pub fn value(&self) -> String {
        format!("{}:{}", self.kind(), self.code())
    }
}

/// A signal as the form gives it, before the personal-data check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignal {
    /// What goes wrong (required, at most 2,000 characters).
    pub what: String,
    /// A right or a life domain.
    pub subject: Subject,
    /// One of the eight challenges.
    pub challenge: &'static str,
    /// Target groups (at least one).
    pub target_groups: Vec<&'static str>,
    /// The municipality.
    pub refnis: Refnis,
    /// How many people it touches (1–1,000,000).
    pub people: i64,
    /// Since when, as `YYYY-MM`.
    pub since: String,
    /// Kinds of evidence (at least one).
    pub evidence: Vec<&'static str>,
    /// A de-identified testimony, if any.
    pub testimony: Option<String>,
    /// The client whose consent covers the testimony (required with a testimony).
    pub testimony_client: Option<i64>,
}

/// The raw fields of the form.
#[derive(Debug, Clone, Default)]
pub struct RawSignal<'a> {
    /// `what`
    pub what: &'a str,
    /// `subject` (`right:<id>` or `life:<code>`)
    pub subject: &'a str,
    /// `challenge`
    pub challenge: &'a str,
    /// `target_group` (repeated)
    pub target_groups: Vec<&'a str>,
    /// `refnis`
    pub refnis: &'a str,
    /// `people`
    pub people: &'a str,
    /// `since` (`YYYY-MM` or `YYYY-MM-DD`)
    pub since: &'a str,
    /// `evidence` (repeated)
    pub evidence: Vec<&'a str>,
    /// `testimony`
    pub testimony: &'a str,
    /// `testimony_client` (a client id)
    pub testimony_client: &'a str,
}

fn pick(list: &[&'static str], v: &str) -> Option<&'static str> {
    list.iter().copied().find(|c| *c == v.trim())
}

/// Parses `YYYY-MM` (or a full date) no later than `today`'s month.
pub fn parse_month(v: &str, today: Date) -> Result<String, &'static str> {
    let v = v.trim();
    if v.is_empty() {
        return Err("required");
    }
    let b = v.as_bytes();
    let shape = (b.len() == 7 || b.len() == 10)
        && b.get(4) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || ((i == 4 || i == 7) && *c == b'-'));
    if !shape {
        return Err("month_invalid");
    }
    let year: i32 = v[..4].parse().map_err(|_| "month_invalid")?;
    let month: u8 = v[5..7].parse().map_err(|_| "month_invalid")?;
    if !(1..=12).contains(&month) || year < 1950 {
        return Err("month_invalid");
    }
    if (year, month) > (today.year(), today.month() as u8) {
        return Err("date_in_future");
    }
    Ok(format!("{year:04}-{month:02}"))
}

/// Parses the form; every problem is reported on its field.
pub fn parse(
    raw: &RawSignal<'_>,
    is_right: &dyn Fn(&str) -> bool,
    today: Date,
) -> Result<NewSignal, FieldErrors> {
    let mut errs = FieldErrors::new();
    let what = errs.check("what", parse_text(raw.what, 2000, true));
    let subject = errs.check("subject", Subject::parse(raw.subject, is_right));
    let challenge = errs.check(
        "challenge",
        if raw.challenge.trim().is_empty() {
            Err("required")
        } else {
            challenges()
                .find(|c| *c == raw.challenge.trim())
                .ok_or("choice_invalid")
        },
    );
    let mut groups = Vec::new();
    for g in &raw.target_groups {
        match pick(&TARGET_GROUPS, g) {
            Some(c) if !groups.contains(&c) => groups.push(c),
            Some(_) => {}
            None => errs.push("target_group", "choice_invalid"),
        }
    }
    if groups.is_empty() && errs.for_field("target_group").is_none() {
        errs.push("target_group", "choose_one");
    }
    let refnis = errs.check("refnis", Refnis::parse(raw.refnis));
    let people = errs.check(
        "people",
        match raw.people.trim() {
            "" => Err("required"),
            p => match p.parse::<i64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
                Ok(_) => Err("number_out_of_range"),
                Err(_) => Err("number_invalid"),
            },
        },
    );
    let since = errs.check("since", parse_month(raw.since, today));
    let mut evidence = Vec::new();
    for e in &raw.evidence {
        match pick(&EVIDENCE, e) {
            Some(c) if !evidence.contains(&c) => evidence.push(c),
            Some(_) => {}
            None => errs.push("evidence", "choice_invalid"),
        }
    }
    if evidence.is_empty() && errs.for_field("evidence").is_none() {
        errs.push("evidence", "choose_one");
    }
    let testimony = errs
        .check("testimony", parse_text(raw.testimony, 4000, false))
        .filter(|t| !t.is_empty());
    let mut testimony_client = None;
    if testimony.is_some() {
        match raw.testimony_client.trim().parse::<i64>() {
            Ok(id) if id > 0 => testimony_client = Some(id),
            _ => errs.push("testimony_client", "testimony_consent_required"),
        }
    }
    match (what, subject, challenge, refnis, people, since) {
        (Some(what), Some(subject), Some(challenge), Some(refnis), Some(people), Some(since))
            if errs.is_empty() =>
        {
            Ok(NewSignal {
                what,
                subject,
                challenge,
                target_groups: groups,
                refnis,
                people,
                since,
                evidence,
                testimony,
                testimony_client,
            })
        }
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn good() -> RawSignal<'static> {
        RawSignal {
            what: "De huurpremie vraagt een attest dat niemand krijgt.",
            subject: "right:vlaamse_huurpremie",
            challenge: "onderbescherming",
            target_groups: vec!["elderly", "low_income"],
            refnis: "44021",
            people: "12",
            since: "2025-03",
            evidence: vec!["cases"],
            testimony: "",
            testimony_client: "",
        }
    }

    fn is_right(id: &str) -> bool {
        id == "vlaamse_huurpremie"
    }

    #[test]
    fn a_complete_form_parses() {
        let s = parse(&good(), &is_right, date!(2026 - 01 - 10)).unwrap();
        assert_eq!(s.subject, Subject::Right("vlaamse_huurpremie".into()));
        assert_eq!(s.challenge, "onderbescherming");
        assert_eq!(s.target_groups, vec!["elderly", "low_income"]);
        assert_eq!(s.since, "2025-03");
        assert_eq!(s.people, 12);
    }

    #[test]
    fn every_problem_is_named_on_its_field() {
        let raw = RawSignal {
            what: "",
            subject: "right:unknown",
            challenge: "krachtlijnen",
            target_groups: vec![],
            refnis: "12",
            people: "0",
            since: "2099-01",
            evidence: vec!["rumour"],
            testimony: "Zij vertelde…",
            testimony_client: "",
        };
        let errs = parse(&raw, &is_right, date!(2026 - 01 - 10)).unwrap_err();
        for (field, code) in [
            ("what", "required"),
            ("subject", "choice_invalid"),
            ("challenge", "choice_invalid"),
            ("target_group", "choose_one"),
            ("refnis", "refnis_invalid"),
            ("people", "number_out_of_range"),
            ("since", "date_in_future"),
            ("evidence", "choice_invalid"),
            ("testimony_client", "testimony_consent_required"),
        ] {
            assert_eq!(errs.for_field(field), Some(code), "{field}");
        }
    }

    #[test]
    fn only_the_eight_challenges_count() {
        assert_eq!(challenges().count(), 8);
        assert!(challenges().all(|c| c != "krachtlijnen" && c != "draagvlak"));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(a in "\\PC{0,40}", b in "\\PC{0,20}", c in "\\PC{0,12}") {
            let raw = RawSignal {
                what: &a, subject: &b, challenge: &c, target_groups: vec![&b],
                refnis: &c, people: &c, since: &c, evidence: vec![&a], testimony: &a, testimony_client: &c,
            };
            let _ = parse(&raw, &is_right, date!(2026 - 01 - 10));
            let _ = parse_month(&a, date!(2026 - 01 - 10));
        }
    }
}
