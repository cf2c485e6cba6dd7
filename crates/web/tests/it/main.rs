//! The integration tests of the web crate, in one test binary: one link of the whole
//! server instead of one per file (each file is a module below).

mod common;
mod diversity;
mod events;
mod figures;
mod platform;
mod practices;
mod rights;
mod screening;
mod signals;
mod solidarity;
mod web;
