//! The life of a *signaaldossier*: an explicit state machine after the Ghent process
//! (beleidssignalen.be), and the four criteria a reviewer signs before it is reported.
//!
//! `gemeld → verzameld → gebundeld → geanalyseerd → gerapporteerd → beslist → actie →
//! teruggekoppeld`, and `afgewezen` (with a reason) from any state before the report.
//! `teruggekoppeld` and `afgewezen` are final. Some steps need something first: an analysis
//! before `geanalyseerd`, the four criteria signed before `gerapporteerd`, a policy response
//! before `beslist`. An impossible change is refused with a stable code.

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DossierStatus {
    /// Reported: the dossier exists.
    Gemeld,
    /// Collected: signals are being gathered.
    Verzameld,
    /// Bundled: the signals belong together.
    Gebundeld,
    /// Analysed: the analysis is written.
    Geanalyseerd,
    /// Reported to policy makers (after review).
    Gerapporteerd,
    /// Policy makers decided.
    Beslist,
    /// Action is taken.
    Actie,
    /// Fed back to everyone who contributed.
    Teruggekoppeld,
    /// Rejected, with a reason.
    Afgewezen,
}

impl DossierStatus {
    /// All states in process order.
    pub const ALL: [DossierStatus; 9] = [
        Self::Gemeld,
        Self::Verzameld,
        Self::Gebundeld,
        Self::Geanalyseerd,
        Self::Gerapporteerd,
        Self::Beslist,
        Self::Actie,
        Self::Teruggekoppeld,
        Self::Afgewezen,
    ];

    /// Stable code (`dossier-status-<code>` in the Fluent files).
    pub fn code(self) -> &'static str {
        match self {
            Self::Gemeld => "gemeld",
            Self::Verzameld => "verzameld",
            Self::Gebundeld => "gebundeld",
            Self::Geanalyseerd => "geanalyseerd",
            Self::Gerapporteerd => "gerapporteerd",
            Self::Beslist => "beslist",
            Self::Actie => "actie",
            Self::Teruggekoppeld => "teruggekoppeld",
            Self::Afgewezen => "afgewezen",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or("choice_invalid")
    }

    /// The states reachable from this one.
    pub fn next(self) -> &'static [DossierStatus] {
        use DossierStatus::*;
        match self {
            Gemeld => &[Verzameld, Afgewezen],
            Verzameld => &[Gebundeld, Afgewezen],
            Gebundeld => &[Geanalyseerd, Afgewezen],
            Geanalyseerd => &[Gerapporteerd, Afgewezen],
            Gerapporteerd => &[Beslist],
            Beslist => &[Actie, Teruggekoppeld],
            Actie => &[Teruggekoppeld],
            Teruggekoppeld | Afgewezen => &[],
        }
    }

    /// Whether the dossier has been reported (and is shown on the public page).
    pub fn is_reported(self) -> bool {
        matches!(
            self,
            Self::Gerapporteerd | Self::Beslist | Self::Actie | Self::Teruggekoppeld
        )
    }

    /// Whether signals may still be added.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Gemeld | Self::Verzameld | Self::Gebundeld)
    }

    /// Checks a change of state against what the dossier holds; the error code says why an
    /// impossible change is refused.
    pub fn transition(self, to: DossierStatus, facts: &Facts<'_>) -> Result<Self, &'static str> {
        if self == DossierStatus::Teruggekoppeld || self == DossierStatus::Afgewezen {
            return Err("dossier_closed");
        }
        if !self.next().contains(&to) {
            return Err("transition_impossible");
        }
        match to {
            Self::Afgewezen if facts.reason.is_none_or(|r| r.trim().is_empty()) => {
                Err("rejection_reason_required")
            }
            Self::Gebundeld if facts.signals < 1 => Err("dossier_without_signals"),
            Self::Geanalyseerd if facts.analysis.trim().is_empty() => Err("analysis_missing"),
            Self::Gerapporteerd if !facts.criteria.all() || !facts.reviewed => {
                Err("criteria_not_signed")
            }
            Self::Beslist | Self::Teruggekoppeld if facts.responses < 1 => Err("response_missing"),
            _ => Ok(to),
        }
    }
}

/// What a dossier holds, as far as the state machine needs to know.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    /// Number of signals in it (its own and those of bundled dossiers).
    pub signals: i64,
    /// The analysis text.
    pub analysis: &'a str,
    /// The four criteria as checked.
    pub criteria: Criteria,
    /// Whether a reviewer signed the criteria.
    pub reviewed: bool,
    /// Number of policy responses recorded.
    pub responses: i64,
    /// The reason, for a rejection.
    pub reason: Option<&'a str>,
}

/// The four criteria of a good policy signal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Criteria {
    /// Clear (*helder*): what, who, where, since when.
    pub clear: bool,
    /// Neutral (*neutraal*): facts, no blame of persons.
    pub neutral: bool,
    /// Recognised (*herkend*): people with lived experience recognise it.
    pub recognised: bool,
    /// Shared (*gedeeld*): more than one organisation sees it.
    pub shared: bool,
}

impl Criteria {
    /// The criteria's codes (`criterion-<code>`).
    pub const CODES: [&'static str; 4] = ["clear", "neutral", "recognised", "shared"];

    /// Whether all four hold.
    pub fn all(self) -> bool {
        self.clear && self.neutral && self.recognised && self.shared
    }

    /// The value of a criterion by code.
    pub fn get(self, code: &str) -> bool {
        match code {
            "clear" => self.clear,
            "neutral" => self.neutral,
            "recognised" => self.recognised,
            "shared" => self.shared,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DossierStatus::*;
    use super::*;

    fn ready() -> Facts<'static> {
        Facts {
            signals: 3,
            analysis: "Analyse",
            criteria: Criteria {
                clear: true,
                neutral: true,
                recognised: true,
                shared: true,
            },
            reviewed: true,
            responses: 1,
            reason: None,
        }
    }

    #[test]
    fn the_happy_path_goes_step_by_step() {
        let f = ready();
        let mut s = Gemeld;
        for to in [
            Verzameld,
            Gebundeld,
            Geanalyseerd,
            Gerapporteerd,
            Beslist,
            Actie,
            Teruggekoppeld,
        ] {
            s = s.transition(to, &f).unwrap();
        }
        assert_eq!(s, Teruggekoppeld);
        assert_eq!(s.transition(Actie, &f), Err("dossier_closed"));
    }

    #[test]
    fn impossible_changes_are_refused_with_a_reason() {
        let f = ready();
        assert_eq!(
            Gemeld.transition(Gerapporteerd, &f),
            Err("transition_impossible")
        );
        assert_eq!(
            Gerapporteerd.transition(Afgewezen, &f),
            Err("transition_impossible")
        );
        for s in DossierStatus::ALL {
            assert!(s.transition(s, &f).is_err(), "{s:?} to itself");
        }
        let unsigned = Facts {
            reviewed: false,
            ..ready()
        };
        assert_eq!(
            Geanalyseerd.transition(Gerapporteerd, &unsigned),
            Err("criteria_not_signed")
        );
        let not_shared = Facts {
            criteria: Criteria {
                shared: false,
                ..ready().criteria
            },
            ..ready()
        };
        assert_eq!(
            Geanalyseerd.transition(Gerapporteerd, &not_shared),
            Err("criteria_not_signed")
        );
        let empty = Facts {
            analysis: "  ",
            ..ready()
        };
        assert_eq!(
            Gebundeld.transition(Geanalyseerd, &empty),
            Err("analysis_missing")
        );
        let no_response = Facts {
            responses: 0,
            ..ready()
        };
        assert_eq!(
            Gerapporteerd.transition(Beslist, &no_response),
            Err("response_missing")
        );
        assert_eq!(
            Verzameld.transition(Afgewezen, &ready()),
            Err("rejection_reason_required")
        );
        let with_reason = Facts {
            reason: Some("Geen structureel probleem"),
            ..ready()
        };
        assert_eq!(Verzameld.transition(Afgewezen, &with_reason), Ok(Afgewezen));
        assert_eq!(
            Afgewezen.transition(Verzameld, &with_reason),
            Err("dossier_closed")
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in DossierStatus::ALL {
            assert_eq!(DossierStatus::parse(s.code()), Ok(s));
        }
        assert!(DossierStatus::parse("x").is_err());
    }
}
