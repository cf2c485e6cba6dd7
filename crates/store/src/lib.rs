//! # sterk-store: Sterk's storage, on SQLite or PostgreSQL through the same code
//!
//! [`Db`] opens either backend from a URL (`sqlite://…` or `postgres://…`), applies the
//! migrations of that backend (`migrations/sqlite`, `migrations/postgres`, kept
//! column-for-column equal) and loads the reference data ([`reference`]). The repositories
//! ([`orgs`], [`accounts`], [`clients`], [`audit`], [`sessions`], [`tokens`]) are written once
//! against sqlx's `Any` driver with portable SQL (`$1` placeholders work on both).
//!
//! **Architecture Invariant:** every change that writes several rows is one transaction, and
//! the audit row of a change is written in that same transaction ([`audit::record`]).
//!
//! **Architecture Invariant:** on SQLite all writes go through one connection (the writer
//! pool holds exactly one), so writers queue in the process instead of failing with
//! `SQLITE_BUSY`; readers use a pool of their own. On PostgreSQL both are the same pool.
#![warn(missing_docs)]

pub mod accounts;
pub mod audit;
pub mod callrounds;
pub mod clients;
mod db;
pub mod demo;
pub mod diversity;
pub mod events;
pub mod orgs;
pub mod platform;
pub mod practices;
pub mod reference;
pub mod rights;
pub mod screening;
pub mod sessions;
pub mod signals;
pub mod solidarity;
pub mod takeup;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;

pub use db::{Backend, Db, StoreError, Tx, now_ms};
