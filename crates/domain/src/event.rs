//! Events and the Sociaalwerkconferentie (issue 7 point 6): World Social Work Day events per
//! region, the conference with its programme, and registration with a capacity and a
//! waiting list.
//!
//! The rule of registration: a place while places are left; otherwise a place on the waiting
//! list while it has room; otherwise refused. When someone with a place cancels, the person
//! longest on the waiting list gets the place. The store applies this rule in one
//! transaction with a conditional update, so concurrent registrations never go over capacity.

use crate::FieldErrors;
use crate::values::{parse_date, parse_email, parse_text};

/// The kinds of events.
pub const KINDS: [&str; 3] = ["wswd", "conference", "other"];

/// What a registration got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A place.
    Registered,
    /// A place on the waiting list.
    Waiting,
}

impl Placement {
    /// The stored status code.
    pub fn code(self) -> &'static str {
        match self {
            Placement::Registered => "registered",
            Placement::Waiting => "waiting",
        }
    }
}

/// Decides where a new registration goes, given the counts (pure form of the store's
/// conditional updates). `None` capacity means unlimited.
pub fn place(
    registered: i64,
    capacity: Option<i64>,
    waiting: i64,
    waitlist: Option<i64>,
) -> Option<Placement> {
    if capacity.is_none_or(|c| registered < c) {
        Some(Placement::Registered)
    } else if waitlist.is_none_or(|w| waiting < w) {
        Some(Placement::Waiting)
    } else {
        None
    }
}

/// A parsed registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationInput {
    /// Name.
    pub name: String,
    /// E-mail address (lower-cased).
    pub email: String,
    /// Organisation (optional).
    pub organisation: String,
}

/// Parses the registration form.
pub fn parse_registration(
    name: &str,
    email: &str,
    organisation: &str,
) -> Result<RegistrationInput, FieldErrors> {
    let mut errs = FieldErrors::new();
    let name = errs.check("name", parse_text(name, 200, true));
    let email = errs.check("email", parse_email(email));
    let organisation = errs.check("organisation", parse_text(organisation, 200, false));
    match (name, email, organisation) {
        (Some(name), Some(email), Some(organisation)) if errs.is_empty() => Ok(RegistrationInput {
            name,
            email: email.to_lowercase(),
            organisation,
        }),
        _ => Err(errs),
    }
}

/// A parsed new event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    /// `wswd`, `conference` or `other`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Date (ISO).
    pub held_on: String,
    /// Start time (`HH:MM`, may be empty).
    pub starts_at: String,
    /// Place.
    pub location: String,
    /// Places (none: unlimited).
    pub capacity: Option<i64>,
    /// Places on the waiting list (none: unlimited; 0: no waiting list).
    pub waitlist: Option<i64>,
}

fn parse_count(errs: &mut FieldErrors, field: &str, s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=100_000).contains(&n) => Some(n),
        Ok(_) => {
            errs.push(field, "count_too_large");
            None
        }
        Err(_) => {
            errs.push(field, "number_invalid");
            None
        }
    }
}

/// Parses a time of day `HH:MM` (empty allowed).
pub fn parse_time(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let (h, m) = s.split_once([':', '.', 'u', 'h']).ok_or("time_invalid")?;
    let h: u8 = h.trim().parse().map_err(|_| "time_invalid")?;
    let m: u8 = if m.trim().is_empty() {
        0
    } else {
        m.trim().parse().map_err(|_| "time_invalid")?
    };
    if h > 23 || m > 59 {
        return Err("time_invalid");
    }
    Ok(format!("{h:02}:{m:02}"))
}

/// Parses the new-event form. `kinds` are the kinds this person may create.
pub fn parse_event(
    get: impl Fn(&str) -> String,
    kinds: &[&str],
) -> Result<EventInput, FieldErrors> {
    let mut errs = FieldErrors::new();
    let kind = get("kind");
    if !kinds.contains(&kind.as_str()) {
        errs.push("kind", "choice_invalid");
    }
    let title = errs.check("title", parse_text(&get("title"), 200, true));
    let description = errs.check("description", parse_text(&get("description"), 5000, false));
    let held_on = errs.check("held_on", parse_date(&get("held_on")));
    let starts_at = errs.check("starts_at", parse_time(&get("starts_at")));
    let location = errs.check("location", parse_text(&get("location"), 300, false));
    let capacity = parse_count(&mut errs, "capacity", &get("capacity"));
    let waitlist = parse_count(&mut errs, "waitlist", &get("waitlist"));
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(EventInput {
        kind,
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        held_on: held_on.map(crate::values::format_date).unwrap_or_default(),
        starts_at: starts_at.unwrap_or_default(),
        location: location.unwrap_or_default(),
        capacity,
        waitlist,
    })
}

/// A parsed session of a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInput {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Start (`HH:MM`).
    pub starts_at: String,
    /// End (`HH:MM`).
    pub ends_at: String,
    /// Room.
    pub room: String,
    /// Speakers: (name, affiliation).
    pub speakers: Vec<(String, String)>,
}

/// Parses a session form; speakers are one per line, `Name, affiliation`.
pub fn parse_session(
    title: &str,
    description: &str,
    starts_at: &str,
    ends_at: &str,
    room: &str,
    speakers: &str,
) -> Result<SessionInput, FieldErrors> {
    let mut errs = FieldErrors::new();
    let title = errs.check("s_title", parse_text(title, 200, true));
    let description = errs.check("s_description", parse_text(description, 5000, false));
    let starts_at = errs.check("s_starts_at", parse_time(starts_at));
    let ends_at = errs.check("s_ends_at", parse_time(ends_at));
    let room = errs.check("s_room", parse_text(room, 200, false));
    let speakers = errs
        .check("s_speakers", parse_text(speakers, 5000, false))
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| match l.split_once(',') {
                    Some((n, a)) => (n.trim().to_owned(), a.trim().to_owned()),
                    None => (l.to_owned(), String::new()),
                })
                .collect::<Vec<_>>()
        });
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(SessionInput {
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        starts_at: starts_at.unwrap_or_default(),
        ends_at: ends_at.unwrap_or_default(),
        room: room.unwrap_or_default(),
        speakers: speakers.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_then_waiting_list_then_full() {
        assert_eq!(place(0, Some(2), 0, Some(1)), Some(Placement::Registered));
        assert_eq!(place(2, Some(2), 0, Some(1)), Some(Placement::Waiting));
        assert_eq!(place(2, Some(2), 1, Some(1)), None);
        assert_eq!(place(2, Some(2), 0, Some(0)), None);
        assert_eq!(place(1000, None, 0, Some(0)), Some(Placement::Registered));
        assert_eq!(place(5, Some(5), 400, None), Some(Placement::Waiting));
    }

    #[test]
    fn registration_and_times_parse() {
        let r = parse_registration(" An ", "An@Voorbeeld.be", "").unwrap();
        assert_eq!(r.email, "an@voorbeeld.be");
        let e = parse_registration("", "x", "").unwrap_err();
        assert_eq!(e.for_field("name"), Some("required"));
        assert_eq!(e.for_field("email"), Some("email_invalid"));
        assert_eq!(parse_time("9:30"), Ok("09:30".into()));
        assert_eq!(parse_time("14u"), Ok("14:00".into()));
        assert_eq!(parse_time("25:00"), Err("time_invalid"));
    }

    #[test]
    fn sessions_read_speakers_per_line() {
        let s = parse_session(
            "Opening",
            "",
            "09:00",
            "10:00",
            "Zaal A",
            "An Claes, UGent\nJan\n",
        )
        .unwrap();
        assert_eq!(
            s.speakers,
            vec![
                ("An Claes".into(), "UGent".into()),
                ("Jan".into(), String::new())
            ]
        );
        assert!(parse_session("", "", "x", "", "", "").is_err());
    }

    #[test]
    fn events_parse_with_kind_rules() {
        let f = |k: &str| match k {
            "kind" => "conference".to_owned(),
            "title" => "Sociaalwerkconferentie".to_owned(),
            "held_on" => "2026-11-20".to_owned(),
            "capacity" => "1000".to_owned(),
            "waitlist" => "400".to_owned(),
            _ => String::new(),
        };
        let e = parse_event(f, &KINDS).unwrap();
        assert_eq!(e.capacity, Some(1000));
        assert_eq!(e.waitlist, Some(400));
        assert_eq!(
            parse_event(f, &["wswd"]).unwrap_err().for_field("kind"),
            Some("choice_invalid")
        );
    }
}
