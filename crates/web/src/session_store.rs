//! A tower-sessions store on Sterk's own database, so several instances behind a load
//! balancer share sessions.
//!
//! The session layer saves a session after every request that touched it (its expiry moves
//! on with each request). A save that would write the same data and move the expiry by less
//! than [`RESAVE_MS`] (or a tenth of the lifetime, if shorter) is skipped: a page view then
//! costs no write transaction of its own, only its audit row. The stored expiry lags the
//! real one by at most that much, which only shortens an idle session by as long.

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use sterk_store::accounts::AccountRow;
use sterk_store::{Db, now_ms, sessions};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

/// The largest lag of the stored expiry behind the real one.
pub const RESAVE_MS: i64 = 60_000;

/// How many sessions [`Known`] remembers before it starts over (it is only a cache).
const KNOWN_MAX: usize = 10_000;

/// What the database holds, as this instance last read or wrote it: data and expiry (ms).
type Known = Arc<Mutex<HashMap<Id, (Data, i64)>>>;

/// A session's data.
type Data = HashMap<String, serde_json::Value>;

/// Sessions in the `sessions` table.
///
/// Loading a session also reads the account it is signed in to, in the same statement (the
/// `account_id` column beside the data). The account row is handed to the request that
/// loaded the session ([`DbSessionStore::take_account`]), so that a page view reads the
/// database once for its session and account instead of twice.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    known: Known,
    /// The account read by the latest load of each session, until a request takes it.
    accounts: Arc<Mutex<HashMap<Id, AccountRow>>>,
}

impl DbSessionStore {
    /// A store on `db`.
    pub fn new(db: Db) -> Self {
        DbSessionStore {
            db,
            known: Known::default(),
            accounts: Arc::default(),
        }
    }

    /// The account `account_id` as the latest load of session `id` read it, if that load
    /// found it; the entry is taken, so each load's row serves at most one request. Every
    /// load replaces or removes the entry, so a row taken after a request's own load of the
    /// session is never older than that load. `None`: read the account on its own.
    pub fn take_account(&self, id: &Id, account_id: i64) -> Option<AccountRow> {
        self.accounts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
            .filter(|a| a.id == account_id)
    }

    fn loaded_account(&self, id: Id, account: Option<AccountRow>) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        match account {
            Some(a) => {
                if accounts.len() >= KNOWN_MAX {
                    accounts.clear();
                }
                accounts.insert(id, a);
            }
            None => {
                accounts.remove(&id);
            }
        }
    }

    fn remember(&self, id: Id, data: Data, expires: i64) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if known.len() >= KNOWN_MAX {
            known.clear();
        }
        known.insert(id, (data, expires));
    }

    fn forget(&self, id: &Id) {
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        self.accounts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// Whether the database already holds `data` for `id` with an expiry close enough to
    /// `expires` that writing would change nothing that matters.
    fn unchanged(&self, id: &Id, data: &Data, expires: i64) -> bool {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        let Some((stored, stored_expires)) = known.get(id) else {
            return false;
        };
        let slack = RESAVE_MS.min((expires - now_ms()) / 10);
        stored == data && *stored_expires <= expires && expires - *stored_expires < slack
    }
}

fn backend(e: sterk_store::StoreError) -> Error {
    Error::Backend(e.to_string())
}

/// The account a session's data names (the web layer's [`crate::ctx::ACCOUNT_KEY`]).
fn account_of(data: &Data) -> Option<i64> {
    data.get(crate::ctx::ACCOUNT_KEY)
        .and_then(serde_json::Value::as_i64)
}

fn expires_ms(record: &Record) -> i64 {
    (record.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let expires = expires_ms(record);
        // A collision of 128-bit random ids is practically impossible; draw again if it happens.
        while !sessions::create(
            &self.db,
            &record.id.to_string(),
            &data,
            expires,
            account_of(&record.data),
        )
        .await
        .map_err(backend)?
        {
            record.id = Id::default();
        }
        self.remember(record.id, record.data.clone(), expires);
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let expires = expires_ms(record);
        if self.unchanged(&record.id, &record.data, expires) {
            return Ok(());
        }
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        sessions::save(
            &self.db,
            &record.id.to_string(),
            &data,
            expires,
            account_of(&record.data),
        )
        .await
        .map_err(backend)?;
        self.remember(record.id, record.data.clone(), expires);
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some((text, expires, account)) = sessions::load_with_account(&self.db, &id.to_string())
            .await
            .map_err(backend)?
        else {
            self.forget(id);
            return Ok(None);
        };
        let data: Data = serde_json::from_str(&text).map_err(|e| Error::Decode(e.to_string()))?;
        self.loaded_account(*id, account);
        self.remember(*id, data.clone(), expires);
        // The expiry is renewed by the session layer on every request (on inactivity).
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(8),
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.forget(id);
        sessions::delete(&self.db, &id.to_string())
            .await
            .map_err(backend)
    }
}
