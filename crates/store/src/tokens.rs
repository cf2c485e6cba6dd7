//! API tokens: revocable bearer tokens for JSON API clients.
//!
//! The token is shown once at creation; only its SHA-256 is stored, so a leaked database
//! does not leak usable tokens. SHA-256 (not argon2) is right here: tokens are 256 random
//! bits, not guessable passwords, and each API call must look one up quickly.

use crate::audit::{self, Entry};
use crate::{Db, StoreError, now_ms};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of every token, so they are recognisable in secret scanners.
pub const PREFIX: &str = "sterk_";

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A token as the token page lists it (without the secret).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// The name its owner gave it.
    pub name: String,
    /// Created, ms since the epoch.
    pub created_at: i64,
    /// Last used.
    pub last_used_at: Option<i64>,
    /// Revoked.
    pub revoked_at: Option<i64>,
}

/// Creates a token for `account`; returns the secret (shown once).
pub async fn create(
    db: &Db,
    account: i64,
    org: Option<i64>,
    name: &str,
) -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!(
        "{PREFIX}{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as("INSERT INTO api_tokens (account_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(account)
        .bind(name)
        .bind(digest(&secret))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(account),
            org,
            action: "token.create",
            entity: "api_token",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// The account a valid, unrevoked token belongs to.
pub async fn account_for(db: &Db, secret: &str) -> Result<Option<i64>, StoreError> {
    if !secret.starts_with(PREFIX) || secret.len() > 200 {
        return Ok(None);
    }
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.account_id FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.active = 1",
    )
    .bind(digest(secret))
    .fetch_optional(db.reader())
    .await?;
    Ok(row.map(|r| r.1))
}

/// The tokens of an account.
pub async fn list(db: &Db, account: i64) -> Result<Vec<TokenRow>, StoreError> {
    Ok(sqlx::query_as("SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY id DESC")
        .bind(account)
        .fetch_all(db.reader())
        .await?)
}

/// Revokes one of the account's tokens; audited.
pub async fn revoke(db: &Db, account: i64, org: Option<i64>, token: i64) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(token)
        .bind(account)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Entry {
            account: Some(account),
            org,
            action: "token.revoke",
            entity: "api_token",
            entity_id: Some(token),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
