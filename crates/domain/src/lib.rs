//! # sterk-domain: the pure core of Sterk
//!
//! This crate holds the values and rules every module of Sterk shares. It does no IO,
//! knows nothing of HTTP or SQL, and cannot fail except by returning a value.
//!
//! - [`values`]: parsed values. "Parse, don't validate": a [`values::Money`], a
//!   [`values::KboNumber`], a [`values::Postcode`], a [`values::Refnis`] or a
//!   [`values::BirthDate`] can only exist when it is valid. Parsers never panic and return a
//!   [`FieldError`] with a stable `snake_case` code that the web layer translates.
//! - [`access`]: roles, actors and [`access::authorize`], the one function that decides
//!   whether an actor may do an action on a resource (deny by default).
//! - [`client`]: the minimal client record, contact channels, household composition and the
//!   consent ledger's rules ([`client::Consent::is_active`]).
//! - [`org`]: organisation kinds.
//! - [`followup`]: the lifecycle of the follow-up of one right for one person.
//! - [`diversity`]: the diversity self-assessment (four domains, scores, anonymous comparison).
//! - [`event`]: events, the conference and the rule of registration with a waiting list.
//! - [`practice`]: the good-practice database's form and review.
//! - [`reference`]: the five krachtlijnen and the themes of the action plan.
//! - [`figures`]: small-cell suppression for figures shown outside an organisation.
//! - [`plan`]: statuses of the action plan's initiatives and the progress roll-up.
#![warn(missing_docs)]

pub mod access;
pub mod client;
pub mod diversity;
pub mod error;
pub mod event;
pub mod figures;
pub mod followup;
pub mod org;
pub mod plan;
pub mod practice;
pub mod reference;
pub mod values;

pub use error::{FieldError, FieldErrors};
