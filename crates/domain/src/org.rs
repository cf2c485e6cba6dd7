//! Organisations: their kinds.

use serde::{Deserialize, Serialize};

/// What kind of organisation does social work (or supports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// OCMW or another public social service.
    Ocmw,
    /// Centrum Algemeen Welzijnswerk.
    Caw,
    /// Buurtwerk or samenlevingsopbouw.
    Buurtwerk,
    /// Youth work.
    Jeugdwerk,
    /// An association where people in poverty speak (armoedevereniging).
    Armoedevereniging,
    /// A health insurer (mutualiteit).
    Mutualiteit,
    /// A citizens' initiative.
    Burgerinitiatief,
    /// A self-organisation (zelforganisatie), e.g. of people with a migration background.
    Zelforganisatie,
    /// A university college (hogeschool) with a social-work programme.
    Hogeschool,
    /// Anything else.
    Other,
}

impl OrgKind {
    /// All kinds, in the order forms show them.
    pub const ALL: [OrgKind; 10] = [
        OrgKind::Ocmw,
        OrgKind::Caw,
        OrgKind::Buurtwerk,
        OrgKind::Jeugdwerk,
        OrgKind::Armoedevereniging,
        OrgKind::Mutualiteit,
        OrgKind::Burgerinitiatief,
        OrgKind::Zelforganisatie,
        OrgKind::Hogeschool,
        OrgKind::Other,
    ];

    /// The stable code stored in the database and used as translation key `org-kind-<code>`.
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Ocmw => "ocmw",
            OrgKind::Caw => "caw",
            OrgKind::Buurtwerk => "buurtwerk",
            OrgKind::Jeugdwerk => "jeugdwerk",
            OrgKind::Armoedevereniging => "armoedevereniging",
            OrgKind::Mutualiteit => "mutualiteit",
            OrgKind::Burgerinitiatief => "burgerinitiatief",
            OrgKind::Zelforganisatie => "zelforganisatie",
            OrgKind::Hogeschool => "hogeschool",
            OrgKind::Other => "other",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Result<OrgKind, &'static str> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.code() == code.trim())
            .ok_or(if code.trim().is_empty() {
                "required"
            } else {
                "choice_invalid"
            })
    }
}
