//! The integration tests of the storage crate, in one test binary (each file is a module).

mod platform;
mod signals;
mod solidarity;
mod storage;
