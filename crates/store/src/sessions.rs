//! Server-side session records (the web layer's session store keeps them here, so every
//! instance behind a load balancer sees the same sessions).

use crate::accounts::AccountRow;
use crate::{Db, StoreError, now_ms};
use sqlx::{FromRow, Row};

/// Loads a session's data if it has not expired.
pub async fn load(db: &Db, id: &str) -> Result<Option<String>, StoreError> {
    Ok(load_with_expiry(db, id).await?.map(|r| r.0))
}

/// Loads a session's data and its stored expiry (ms) if it has not expired.
pub async fn load_with_expiry(db: &Db, id: &str) -> Result<Option<(String, i64)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now_ms())
            .fetch_optional(db.reader())
            .await?,
    )
}

/// A session's data, its stored expiry (ms) and the account it is signed in to (when the
/// session names one and the account still exists), in one statement.
pub async fn load_with_account(
    db: &Db,
    id: &str,
) -> Result<Option<(String, i64, Option<AccountRow>)>, StoreError> {
    let row = sqlx::query(
        "SELECT s.data AS session_data, s.expires_at AS session_expires_at, \
         a.id, a.email, a.display_name, a.role, a.org_id, a.platform_id, a.language, a.active, a.must_change_password, a.password_hash \
         FROM sessions s LEFT JOIN accounts a ON a.id = s.account_id WHERE s.id = $1 AND s.expires_at > $2",
    )
    .bind(id)
    .bind(now_ms())
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let data: String = row.try_get("session_data")?;
    let expires: i64 = row.try_get("session_expires_at")?;
    let account = match row.try_get::<Option<i64>, _>("id")? {
        Some(_) => Some(AccountRow::from_row(&row)?),
        None => None,
    };
    Ok(Some((data, expires, account)))
}

/// Creates a session; returns false when the id is taken (the caller draws a new one).
pub async fn create(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
    account: Option<i64>,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let result = sqlx::query(
        "INSERT INTO sessions (id, data, expires_at, account_id) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(data)
    .bind(expires_at)
    .bind(account)
    .execute(&mut *tx)
    .await;
    match result {
        Ok(_) => {
            tx.commit().await?;
            Ok(true)
        }
        Err(e) if StoreError::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Saves (inserts or replaces) a session.
pub async fn save(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
    account: Option<i64>,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO sessions (id, data, expires_at, account_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, account_id = excluded.account_id",
    )
    .bind(id)
    .bind(data)
    .bind(expires_at)
    .bind(account)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a session.
pub async fn delete(db: &Db, id: &str) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes expired sessions; returns how many.
pub async fn delete_expired(db: &Db) -> Result<u64, StoreError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(n)
}
