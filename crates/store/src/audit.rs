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

/// Writes several audit rows on `conn` in one statement (pass the transaction of the change).
pub async fn record_all(conn: &mut AnyConnection, entries: &[Entry<'_>]) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let at = now_ms();
    let sql = insert_sql(entries.len());
    let mut q = sqlx::query(&sql);
    for e in entries {
        q = q
            .bind(at)
            .bind(e.account)
            .bind(e.org)
            .bind(e.action)
            .bind(e.entity)
            .bind(e.entity_id)
            .bind(e.detail);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Writes one audit row on its own (for audited reads): a single statement, committed when
/// it returns. Rows written at the same moment by concurrent requests are grouped into one
/// multi-row `INSERT` by the audit writer ([`Queue`]): one statement and one commit for all of
/// them (group commit). Each caller still returns only after its own row is committed, so
/// a read is never shown without its audit row.
pub async fn record_now(db: &Db, entry: Entry<'_>) -> Result<(), StoreError> {
    db.audit_queue().record(db, entry).await
}

/// An audit row owned by the queue.
#[derive(Debug)]
struct Owned {
    at: i64,
    account: Option<i64>,
    org: Option<i64>,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    detail: String,
}

type Ack = tokio::sync::oneshot::Sender<Result<(), String>>;

/// At most this many rows go into one statement (7 values each).
const GROUP_MAX: usize = 128;

/// The audit writer: a task that takes audited reads' rows from a channel and writes all the
/// rows waiting at that moment in one statement, then answers each caller.
#[derive(Debug, Clone)]
pub struct Queue {
    tx: tokio::sync::mpsc::Sender<(Owned, Ack)>,
}

impl Queue {
    /// Starts the writer task on the current tokio runtime, writing through `pool`.
    pub(crate) fn start(pool: sqlx::AnyPool) -> Queue {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(Owned, Ack)>(4 * GROUP_MAX);
        tokio::spawn(async move {
            let mut batch: Vec<(Owned, Ack)> = Vec::with_capacity(GROUP_MAX);
            // What waits at one moment, at least one: none when the channel is closed.
            while rx.recv_many(&mut batch, GROUP_MAX).await > 0 {
                let result = insert_group(&pool, &batch).await.map_err(|e| e.to_string());
                for (_, ack) in batch.drain(..) {
                    // The caller may have gone away (its request was cancelled): nothing to do.
                    let _ = ack.send(result.clone());
                }
            }
        });
        Queue { tx }
    }

    async fn record(&self, db: &Db, entry: Entry<'_>) -> Result<(), StoreError> {
        let row = Owned {
            at: now_ms(),
            account: entry.account,
            org: entry.org,
            action: entry.action.to_owned(),
            entity: entry.entity.to_owned(),
            entity_id: entry.entity_id,
            detail: entry.detail.to_owned(),
        };
        let (ack, answer) = tokio::sync::oneshot::channel();
        if self.tx.send((row, ack)).await.is_err() {
            // The writer task is gone (its runtime stopped): write directly.
            insert(&entry).execute(db.writer()).await?;
            return Ok(());
        }
        match answer.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(msg)) => Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "audit write failed: {msg}"
            )))),
            Err(_) => {
                insert(&entry).execute(db.writer()).await?;
                Ok(())
            }
        }
    }
}

/// `INSERT INTO audit_log … VALUES` with `n` rows of placeholders (7 per row).
pub(crate) fn insert_sql(n: usize) -> String {
    let mut sql = String::with_capacity(120 + n * 40);
    sql.push_str(
        "INSERT INTO audit_log (at, account_id, org_id, action, entity, entity_id, detail) VALUES ",
    );
    for i in 0..n {
        let b = i * 7;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7
        ));
    }
    sql
}

async fn insert_group(pool: &sqlx::AnyPool, rows: &[(Owned, Ack)]) -> Result<(), sqlx::Error> {
    let sql = insert_sql(rows.len());
    let mut q = sqlx::query(&sql);
    for (r, _) in rows {
        q = q
            .bind(r.at)
            .bind(r.account)
            .bind(r.org)
            .bind(r.action.as_str())
            .bind(r.entity.as_str())
            .bind(r.entity_id)
            .bind(r.detail.as_str());
    }
    q.execute(pool).await?;
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
