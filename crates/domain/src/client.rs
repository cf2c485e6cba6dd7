//! The minimal client record and the rules of the consent ledger.
//!
//! Sterk records as little as a social worker needs: a name or pseudonym, a birth date or
//! year, a municipality, languages, how to reach the person, and the household. Every use
//! of these data beyond the recording organisation needs an active [`Consent`] for that
//! [`ConsentPurpose`].

use serde::{Deserialize, Serialize};
use time::Date;

/// Why data may be used or shared. Each sharing names exactly one purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    /// Run a rights check with the person's data.
    RightsCheck,
    /// Share what a volunteer needs (e.g. the address) after a match.
    ShareWithVolunteer,
    /// Refer the person to a named organisation.
    Referral,
    /// Use a de-identified testimony or case in a policy signal.
    AnonymousSignal,
}

impl ConsentPurpose {
    /// All purposes.
    pub const ALL: [ConsentPurpose; 4] = [
        ConsentPurpose::RightsCheck,
        ConsentPurpose::ShareWithVolunteer,
        ConsentPurpose::Referral,
        ConsentPurpose::AnonymousSignal,
    ];
    /// Stable code (`consent-purpose-<code>` in the Fluent files).
    pub fn code(self) -> &'static str {
        match self {
            ConsentPurpose::RightsCheck => "rights_check",
            ConsentPurpose::ShareWithVolunteer => "share_with_volunteer",
            ConsentPurpose::Referral => "referral",
            ConsentPurpose::AnonymousSignal => "anonymous_signal",
        }
    }
    /// Parses a code.
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == code.trim())
            .ok_or("choice_invalid")
    }
}

/// How a consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// Said to the worker (phone, visit).
    Oral,
    /// Signed on paper or by e-mail.
    Written,
}

impl ConsentMethod {
    /// All methods.
    pub const ALL: [ConsentMethod; 2] = [ConsentMethod::Oral, ConsentMethod::Written];
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ConsentMethod::Oral => "oral",
            ConsentMethod::Written => "written",
        }
    }
    /// Parses a code.
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == code.trim())
            .ok_or("choice_invalid")
    }
}

/// One entry of the consent ledger, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// What the consent allows.
    pub purpose: ConsentPurpose,
    /// For [`ConsentPurpose::Referral`]: the organisation the person may be referred to.
    pub recipient_org: Option<i64>,
    /// The day it was given.
    pub given_on: Date,
    /// The last day it holds, if limited.
    pub expires_on: Option<Date>,
    /// The day it was withdrawn, if it was.
    pub withdrawn_on: Option<Date>,
}

impl Consent {
    /// Whether this consent allows `purpose` (towards `recipient_org`, for referrals) on `day`.
    /// A withdrawal takes effect on the day it is recorded.
    pub fn allows(&self, purpose: ConsentPurpose, recipient_org: Option<i64>, day: Date) -> bool {
        self.purpose == purpose
            && (purpose != ConsentPurpose::Referral || self.recipient_org == recipient_org)
            && self.is_active(day)
    }

    /// Whether the consent holds on `day`.
    pub fn is_active(&self, day: Date) -> bool {
        self.given_on <= day
            && self.expires_on.is_none_or(|e| day <= e)
            && self.withdrawn_on.is_none_or(|w| day < w)
    }
}

/// How a person can be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    /// By phone.
    Phone,
    /// By a home visit.
    Visit,
    /// By letter.
    Letter,
    /// By e-mail.
    Email,
}

impl ContactChannel {
    /// All channels.
    pub const ALL: [ContactChannel; 4] = [
        ContactChannel::Phone,
        ContactChannel::Visit,
        ContactChannel::Letter,
        ContactChannel::Email,
    ];
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ContactChannel::Phone => "phone",
            ContactChannel::Visit => "visit",
            ContactChannel::Letter => "letter",
            ContactChannel::Email => "email",
        }
    }
    /// Parses a code.
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == code.trim())
            .ok_or("choice_invalid")
    }
}

/// Languages a person speaks, as ISO 639-1 codes; the list Sterk offers in forms.
pub const LANGUAGES: [&str; 14] = [
    "nl", "fr", "en", "de", "ar", "tr", "ber", "ro", "pl", "bg", "es", "it", "ru", "uk",
];

/// Parses a language code from [`LANGUAGES`].
pub fn parse_language(code: &str) -> Result<&'static str, &'static str> {
    LANGUAGES
        .into_iter()
        .find(|l| *l == code.trim())
        .ok_or("choice_invalid")
}

/// Household composition: the counts the rights engine and the worker need, nothing more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    /// Adults in the household, the client included.
    pub adults: u8,
    /// Children (under 18) in the household.
    pub children: u8,
    /// Whether the client lives alone.
    pub lives_alone: bool,
}

impl Household {
    /// Parses the counts from a form; at least one adult, at most 20 people.
    pub fn parse(adults: &str, children: &str) -> Result<Household, (&'static str, &'static str)> {
        let a: u8 = adults
            .trim()
            .parse()
            .map_err(|_| ("adults", "number_invalid"))?;
        let c: u8 = if children.trim().is_empty() {
            0
        } else {
            children
                .trim()
                .parse()
                .map_err(|_| ("children", "number_invalid"))?
        };
        if a == 0 {
            return Err(("adults", "number_too_small"));
        }
        if u16::from(a) + u16::from(c) > 20 {
            return Err(("children", "number_too_large"));
        }
        Ok(Household {
            adults: a,
            children: c,
            lives_alone: a == 1 && c == 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_withdrawal_takes_effect_at_once() {
        let c = Consent {
            purpose: ConsentPurpose::ShareWithVolunteer,
            recipient_org: None,
            given_on: date!(2026 - 01 - 01),
            expires_on: Some(date!(2026 - 12 - 31)),
            withdrawn_on: Some(date!(2026 - 06 - 01)),
        };
        assert!(c.allows(
            ConsentPurpose::ShareWithVolunteer,
            None,
            date!(2026 - 05 - 31)
        ));
        assert!(!c.allows(
            ConsentPurpose::ShareWithVolunteer,
            None,
            date!(2026 - 06 - 01)
        ));
        assert!(!c.allows(ConsentPurpose::RightsCheck, None, date!(2026 - 05 - 31)));
    }

    #[test]
    fn referral_consent_names_the_recipient() {
        let c = Consent {
            purpose: ConsentPurpose::Referral,
            recipient_org: Some(7),
            given_on: date!(2026 - 01 - 01),
            expires_on: None,
            withdrawn_on: None,
        };
        assert!(c.allows(ConsentPurpose::Referral, Some(7), date!(2026 - 02 - 01)));
        assert!(!c.allows(ConsentPurpose::Referral, Some(8), date!(2026 - 02 - 01)));
        assert!(!c.allows(ConsentPurpose::Referral, Some(7), date!(2025 - 12 - 31)));
    }
}
