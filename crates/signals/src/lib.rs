//! # sterk-signals: the pure core of the signals module (issue 5)
//!
//! A *signaal* is a structural problem seen on the work floor, registered without personal
//! data; similar signals of several organisations are bundled into a *signaaldossier* that
//! travels up to the policy table. This crate holds the rules that need no IO:
//!
//! - [`pii`]: the personal-data check of free text (names of the organisation's clients,
//!   national numbers with their checksum, phone numbers, e-mail addresses, street
//!   addresses), with positions, so the form can show the worker what to remove;
//! - [`form`]: the codes of the form (life domains, target groups, kinds of evidence) and the
//!   parser of a new signal;
//! - [`dossier`]: the dossier's explicit state machine and the four criteria;
//! - [`similarity`]: stemmed Dutch and French tokens and TF-IDF cosine similarity, for
//!   bundling suggestions.
//!
//! **Architecture Invariant:** no IO, no async, no SQL, no HTTP; nothing panics on any input
//! (property tests feed random text to the checks and the parsers).
#![warn(missing_docs)]

pub mod dossier;
pub mod form;
pub mod pii;
pub mod similarity;

/// Figures shown outside the contributing organisation hide cells under this many signals.
pub const MIN_CELL: i64 = 5;

/// The value of a cell as shown outside the contributing organisation: `None` (hidden) under
/// [`MIN_CELL`]; zero is never shown as a cell at all.
pub fn shown(n: i64) -> Option<i64> {
    (n >= MIN_CELL).then_some(n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn small_cells_are_hidden() {
        assert_eq!(super::shown(4), None);
        assert_eq!(super::shown(1), None);
        assert_eq!(super::shown(5), Some(5));
    }
}
