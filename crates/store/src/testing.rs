//! Test support: fresh databases on every backend the environment offers.
//!
//! SQLite always; PostgreSQL when `STERK_TEST_POSTGRES_URL` names a server where the user
//! may create databases (each test gets a database of its own, dropped by the next run).
//! When `STERK_REQUIRE_POSTGRES=1` (CI), a missing PostgreSQL fails the tests instead of
//! skipping that backend.

use crate::{Db, StoreError};
use sqlx::Executor;

/// A fresh database for one test; keeps its temporary folder alive.
pub struct TestDb {
    /// The database, migrated and with reference data.
    pub db: Db,
    /// The URL it was opened with.
    pub url: String,
    /// Backend name for messages.
    pub name: &'static str,
    _dir: Option<tempfile::TempDir>,
}

/// The URL of a fresh, empty SQLite file in a new temporary folder.
pub fn sqlite_url() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary folder: {e}"));
    let url = format!("sqlite://{}/sterk.db", dir.path().display());
    (url, dir)
}

/// Creates a new, empty PostgreSQL database and returns its URL, if PostgreSQL is configured.
pub async fn postgres_url(label: &str) -> Option<String> {
    let Ok(base) = std::env::var("STERK_TEST_POSTGRES_URL") else {
        if std::env::var("STERK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("STERK_REQUIRE_POSTGRES=1 but STERK_TEST_POSTGRES_URL is not set");
        }
        return None;
    };
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL server: {e}"));
    let suffix: u64 = rand::random();
    let name = format!(
        "sterk_t_{}_{suffix:x}",
        label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(20)
            .collect::<String>()
            .to_lowercase()
    );
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("create database: {e}"));
    let (prefix, _) = base.rsplit_once('/').unwrap_or((&base, ""));
    Some(format!("{prefix}/{name}"))
}

/// Fresh, migrated databases on every configured backend.
pub async fn all(label: &str) -> Result<Vec<TestDb>, StoreError> {
    let mut out = Vec::new();
    let (url, dir) = sqlite_url();
    out.push(TestDb {
        db: Db::open(&url).await?,
        url,
        name: "sqlite",
        _dir: Some(dir),
    });
    if let Some(url) = postgres_url(label).await {
        out.push(TestDb {
            db: Db::open(&url).await?,
            url,
            name: "postgres",
            _dir: None,
        });
    }
    Ok(out)
}
