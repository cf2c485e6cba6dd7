//! The audit log: append-only, written in the transaction of the change it records.
//!
//! Rows name who (account), which organisation, what (a stable action code such as
//! `client.view`), on which entity and id, and a detail that never holds personal data
//! (codes and ids only). Reads of client data are audited too.

use crate::{Db, StoreError, now_ms};
use sqlx::AnyConnection;

/// One audit row to write.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The acting account, if any (none for system jobs and anonymous pages).
    pub account: Option<i64>,
    /// The organisation whose data is concerned.
    pub org: Option<i64>,
    /// Stable action code, e.g. `client.view`, `consent.withdraw`.
    pub action: &'a str,
    /// The kind of entity, e.g. `client`.
    pub entity: &'a str,
    /// Its id.
    pub entity_id: Option<i64>,
    /// Codes and ids only; never names, addresses or free text typed by people.
    pub detail: &'a str,
}

const INSERT: &str = "INSERT INTO audit_log (at, account_id, org_id, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";

fn insert<'q>(entry: &Entry<'q>) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(INSERT)
        .bind(now_ms())
        .bind(entry.account)
        .bind(entry.org)
        .bind(entry.action)
        .bind(entry.entity)
        .bind(entry.entity_id)
        .bind(entry.detail)
}

/// Writes one audit row on `conn` (pass the transaction of the change).
pub async fn record(conn: &mut AnyConnection, entry: Entry<'_>) -> Result<(), StoreError> {
    insert(&entry).execute(conn).await?;
    Ok(())
}

/// Writes one audit row on its own (for audited reads): a single statement, committed when
/// it returns (autocommit), so one round trip instead of BEGIN, INSERT and COMMIT.
pub async fn record_now(db: &Db, entry: Entry<'_>) -> Result<(), StoreError> {
    insert(&entry).execute(db.writer()).await?;
    Ok(())
}

/// An audit row as the audit page shows it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    /// Id (increasing).
    pub id: i64,
    /// When, in ms since the epoch.
    pub at: i64,
    /// The acting account.
    pub account_id: Option<i64>,
    /// Its display name (if the account still exists).
    pub account_name: Option<String>,
    /// Action code.
    pub action: String,
    /// Entity kind.
    pub entity: String,
    /// Entity id.
    pub entity_id: Option<i64>,
    /// Detail (codes only).
    pub detail: String,
}

/// One page of an organisation's audit trail, newest first, before id `before` (keyset
/// pagination, so deep pages stay fast on a million rows). `org = None` reads the whole
/// installation's trail (for the administrator).
pub async fn page(
    db: &Db,
    org: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let before = before.unwrap_or(i64::MAX);
    let rows = match org {
        Some(org) => {
            sqlx::query_as(
                "SELECT a.id, a.at, a.account_id, c.display_name AS account_name, a.action, a.entity, a.entity_id, a.detail \
                 FROM audit_log a LEFT JOIN accounts c ON c.id = a.account_id \
                 WHERE a.org_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3",
            )
            .bind(org)
            .bind(before)
            .bind(limit)
            .fetch_all(db.reader())
            .await?
        }
        None => {
            sqlx::query_as(
                "SELECT a.id, a.at, a.account_id, c.display_name AS account_name, a.action, a.entity, a.entity_id, a.detail \
                 FROM audit_log a LEFT JOIN accounts c ON c.id = a.account_id \
                 WHERE a.id < $1 ORDER BY a.id DESC LIMIT $2",
            )
            .bind(before)
            .bind(limit)
            .fetch_all(db.reader())
            .await?
        }
    };
    Ok(rows)
}

/// Audit rows about one entity, oldest first (for a client's export).
pub async fn for_entity(db: &Db, entity: &str, id: i64) -> Result<Vec<AuditRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.at, a.account_id, c.display_name AS account_name, a.action, a.entity, a.entity_id, a.detail \
         FROM audit_log a LEFT JOIN accounts c ON c.id = a.account_id WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id",
    )
    .bind(entity)
    .bind(id)
    .fetch_all(db.reader())
    .await?)
}
