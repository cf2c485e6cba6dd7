//! Opening the database, migrations, and the error type of the store.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// A transaction on either backend.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which database engine is behind a [`Db`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL 15 or newer.
    Postgres,
}

/// What can go wrong in the store. Messages never contain personal data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; the field is named.
    #[error("duplicate value for {0}")]
    Duplicate(&'static str),
    /// A rule of the domain refused the change (stable code, translated at the edge).
    #[error("refused: {0}")]
    Refused(&'static str),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether the database error is a unique-constraint violation.
    pub fn is_unique_violation(err: &sqlx::Error) -> bool {
        match err {
            sqlx::Error::Database(db) => {
                db.is_unique_violation() || db.message().contains("UNIQUE constraint failed")
            }
            _ => false,
        }
    }
}

/// The database: a pool for reads and a pool for writes.
#[derive(Clone, Debug)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
    audit: crate::audit::Queue,
    checks: crate::rights::CheckWriter,
    signals: crate::signals::SignalWriter,
    /// Organisation names for pick lists (see [`crate::orgs::names`]).
    pub(crate) org_names: crate::orgs::NamesCache,
    suggest: crate::signals::Suggest,
    figures: crate::signals::FiguresCache,
    client_names: crate::signals::ClientNamesCache,
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects to `url` without migrating. `sqlite://path` (the file is created when
    /// missing, its folder too) or `postgres://user:pass@host/db`.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = AnyConnectOptions::from_str(url)?;
            let suggest = crate::signals::Suggest::default();
            // No ping before each acquire (sqlx's default): it is one more round trip for
            // every statement taken from the pool. A connection the server has closed fails
            // its next statement with an error instead of being replaced beforehand.
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db {
                read: pool.clone(),
                audit: crate::audit::Queue::start(pool.clone()),
                checks: crate::rights::CheckWriter::start(pool.clone()),
                signals: crate::signals::SignalWriter::start(
                    pool.clone(),
                    Backend::Postgres,
                    suggest.clone(),
                ),
                write: pool,
                backend: Backend::Postgres,
                org_names: Default::default(),
                suggest,
                figures: Default::default(),
                client_names: Default::default(),
            })
        } else if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or(rest);
            let parent = std::path::Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty());
            if let (false, Some(parent)) = (path == ":memory:", parent) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
            let full = if url.contains('?') {
                url.to_owned()
            } else {
                format!("{url}?mode=rwc")
            };
            let opts = AnyConnectOptions::from_str(&full)?;
            // Pragmas on every connection: WAL for concurrent readers, foreign keys on,
            // and a busy timeout so a reader never fails while a checkpoint runs.
            // synchronous=NORMAL in WAL mode is durable against a crash of the process
            // (SIGKILL); only an operating-system crash may lose the last commits.
            // mmap_size: a reader's page cache is dropped whenever another connection has
            // committed (every audited read commits), so without memory mapping each read
            // transaction copies its pages in again with pread; mapped pages are shared and
            // not copied (docs/benchmarks.md, "Kernel (issue 2)").
            // No ping before each acquire (sqlx's default): an embedded file's connection
            // does not go stale, and on SQLite every ping is a round trip to the
            // connection's thread, one more for every read and every write.
            let setup = |pool: AnyPoolOptions| {
                pool.test_before_acquire(false).after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 1073741824;")
                            .await?;
                        Ok(())
                    })
                })
            };
            let suggest = crate::signals::Suggest::default();
            let write = setup(AnyPoolOptions::new().max_connections(1).min_connections(1))
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await?;
            let read = setup(AnyPoolOptions::new().max_connections(8))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db {
                read,
                audit: crate::audit::Queue::start(write.clone()),
                checks: crate::rights::CheckWriter::start(write.clone()),
                signals: crate::signals::SignalWriter::start(
                    write.clone(),
                    Backend::Sqlite,
                    suggest.clone(),
                ),
                write,
                backend: Backend::Sqlite,
                org_names: Default::default(),
                suggest,
                figures: Default::default(),
                client_names: Default::default(),
            })
        } else {
            Err(StoreError::Refused("database_url_unsupported"))
        }
    }

    /// Connects, applies pending migrations and loads reference data.
    pub async fn open(url: &str) -> Result<Db, StoreError> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Applies the pending migrations of this backend, then the reference data.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATOR.run(&self.write).await?,
            Backend::Postgres => POSTGRES_MIGRATOR.run(&self.write).await?,
        }
        crate::reference::load(self).await?;
        crate::platform::load_reference(self).await?;
        Ok(())
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// The pool for writes (one connection on SQLite), for single statements that commit
    /// on their own; several statements go through [`Db::begin`].
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.write
    }

    /// The audit writer that groups audited reads' rows ([`crate::audit::record_now`]).
    pub(crate) fn audit_queue(&self) -> &crate::audit::Queue {
        &self.audit
    }

    /// The writer that groups the rights checks of concurrent requests into one transaction
    /// ([`crate::rights::save_check`]).
    pub(crate) fn check_writer(&self) -> &crate::rights::CheckWriter {
        &self.checks
    }

    /// The writer that groups the plain signals of concurrent requests into one transaction
    /// ([`crate::signals::register`]).
    pub(crate) fn signal_writer(&self) -> &crate::signals::SignalWriter {
        &self.signals
    }

    /// The open signals in memory, for bundling suggestions ([`crate::signals::suggestions`]).
    pub(crate) fn suggest(&self) -> &crate::signals::Suggest {
        &self.suggest
    }

    /// The organisations' client names in memory ([`crate::signals::client_names`]).
    pub(crate) fn client_names(&self) -> &crate::signals::ClientNamesCache {
        &self.client_names
    }

    /// A client was created, changed or erased: called after the commit, so the personal-data
    /// check of signals reads the names again.
    pub(crate) fn clients_changed(&self) {
        self.client_names.changed();
    }

    /// The figures of all signals in memory ([`crate::signals::figures`]).
    pub(crate) fn figures_cache(&self) -> &crate::signals::FiguresCache {
        &self.figures
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(self.write.begin().await?)
    }

    /// Closes both pools, waiting for running statements.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.read).await.is_ok()
    }
}
