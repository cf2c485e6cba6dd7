//! The follow-up of one right for one person, until it is granted.
//!
//! `todo → applied → granted | refused`, and `withdrawn` from any open state. A refusal can be
//! followed by a new application (appeal or a new request), so `refused → applied` is
//! allowed; `granted` and `withdrawn` are final.

use serde::{Deserialize, Serialize};

/// Where a right stands for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowupStatus {
    /// Found likely or eligible; nothing done yet.
    Todo,
    /// Applied for (date and where).
    Applied,
    /// Granted (date and amount).
    Granted,
    /// Refused (date and reason).
    Refused,
    /// Stopped (the person does not want it, moved, …).
    Withdrawn,
}

impl FollowupStatus {
    /// All states in lifecycle order.
    pub const ALL: [FollowupStatus; 5] = [
        Self::Todo,
        Self::Applied,
        Self::Granted,
        Self::Refused,
        Self::Withdrawn,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Todo => "todo",
            Self::Applied => "applied",
            Self::Granted => "granted",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or("choice_invalid")
    }

    /// Whether the follow-up is still open (shown in reminders).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Todo | Self::Applied)
    }

    /// The states reachable from this one.
    pub fn next(self) -> &'static [FollowupStatus] {
        match self {
            Self::Todo => &[Self::Applied, Self::Withdrawn],
            Self::Applied => &[Self::Granted, Self::Refused, Self::Withdrawn],
            Self::Refused => &[Self::Applied, Self::Withdrawn],
            Self::Granted | Self::Withdrawn => &[],
        }
    }

    /// Checks a change of state; the error code names an impossible change.
    pub fn transition(self, to: FollowupStatus) -> Result<FollowupStatus, &'static str> {
        if self.next().contains(&to) {
            Ok(to)
        } else {
            Err("transition_impossible")
        }
    }
}

/// Why a right was refused, as a code from a fixed list.
///
/// The code is what figures count across organisations; the worker's own words about the
/// refusal stay inside the organisation (they may name the person's situation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// Income or assets above the limit.
    IncomeTooHigh,
    /// Another condition is not met (age, household, residence, status).
    ConditionsNotMet,
    /// Documents or proof missing or not delivered in time.
    DocumentsMissing,
    /// The application came too late.
    TooLate,
    /// The service refused without a clear reason, or made a mistake.
    AdministrativeError,
    /// The person already receives a benefit that excludes this one.
    ExcludedByOtherBenefit,
    /// Another reason.
    Other,
}

impl RefusalReason {
    /// All reasons in the order the form lists them.
    pub const ALL: [RefusalReason; 7] = [
        Self::IncomeTooHigh,
        Self::ConditionsNotMet,
        Self::DocumentsMissing,
        Self::TooLate,
        Self::AdministrativeError,
        Self::ExcludedByOtherBenefit,
        Self::Other,
    ];

    /// Stable code (stored; translation key `refusal-<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Self::IncomeTooHigh => "income_too_high",
            Self::ConditionsNotMet => "conditions_not_met",
            Self::DocumentsMissing => "documents_missing",
            Self::TooLate => "too_late",
            Self::AdministrativeError => "administrative_error",
            Self::ExcludedByOtherBenefit => "excluded_by_other_benefit",
            Self::Other => "other",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or("choice_invalid")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn refusal_codes_round_trip() {
        for r in RefusalReason::ALL {
            assert_eq!(RefusalReason::parse(r.code()), Ok(r));
        }
        assert!(RefusalReason::parse("because").is_err());
    }

    use super::FollowupStatus::*;
    use super::RefusalReason;

    #[test]
    fn only_listed_changes_are_possible() {
        assert_eq!(Todo.transition(Applied), Ok(Applied));
        assert_eq!(Applied.transition(Granted), Ok(Granted));
        assert_eq!(Refused.transition(Applied), Ok(Applied));
        assert!(Todo.transition(Granted).is_err(), "apply first");
        assert!(Granted.transition(Refused).is_err(), "granted is final");
        assert!(Withdrawn.transition(Applied).is_err(), "withdrawn is final");
        for s in super::FollowupStatus::ALL {
            assert!(s.transition(s).is_err(), "{s:?} to itself");
        }
    }
}
