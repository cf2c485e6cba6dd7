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
//!   bundling suggestions;
//! - [`candidates`]: the open signals in memory, so suggestions rank without reading the
//!   candidates from the database (the same candidates and scores as the query).
//!
//! **Architecture Invariant:** no IO, no async, no SQL, no HTTP; nothing panics on any input
//! (property tests feed random text to the checks and the parsers).
#![warn(missing_docs)]

pub mod candidates;
pub mod dossier;
pub mod form;
pub mod pii;
pub mod similarity;
