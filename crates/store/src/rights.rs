//! Rights checks of clients, the follow-up of each right, and signal candidates.
//!
//! A stored check keeps the answers, the reference date, the version of the rules and the
//! full result, so it can be shown again exactly as it was, whatever the rules say later.
//! Running a check for a client needs an active consent for the purpose `rights_check`,
//! checked in the transaction that stores it.

use crate::audit::{self, Entry};
use crate::clients::ClientRow;
use crate::{Db, StoreError, Tx, now_ms};
use serde::Serialize;
use sterk_domain::access::Actor;
use sterk_domain::client::ConsentPurpose;
use sterk_domain::followup::{FollowupStatus, RefusalReason};
use sterk_domain::values::format_date;
use time::Date;

use crate::clients::{client_in_org, org_of};

/// A check to store.
#[derive(Debug, Clone)]
pub struct CheckInput<'a> {
    /// The reference date of the evaluation.
    pub reference_date: Date,
    /// The version (digest) of the rules used.
    pub rules_version: &'a str,
    /// The answers, as the household JSON of the engine.
    pub answers: &'a str,
    /// The evaluation as JSON (the engine's JSON contract); empty for a draft, which is
    /// evaluated again from its answers when shown.
    pub result: &'a str,
    /// Whether the worker finished the check.
    pub finished: bool,
    /// How many rights the evaluation found eligible or likely (for take-up figures).
    pub rights_found: i64,
}

/// Stores a new check (`check = None`) or updates a draft of the same client; needs the
/// `rights_check` consent on `today`. Returns the check's id and the client's record (the page
/// of the step shows it; the check's audit row records the read).
///
/// The client's record and the consent are read first, side by side on the read pool, so the
/// write transaction (one writer on SQLite, which every step of every worker waits for) holds
/// only the write and its audit row. The write itself re-checks that the client is still a
/// live client of the organisation, so a check is never stored for an erased record.
pub async fn save_check(
    db: &Db,
    actor: &Actor,
    client: i64,
    check: Option<i64>,
    input: &CheckInput<'_>,
    today: Date,
) -> Result<(i64, ClientRow), StoreError> {
    let org = org_of(actor)?;
    let now = now_ms();
    let (row, ()) = tokio::try_join!(
        crate::clients::get_live(db.reader(), client, org),
        crate::clients::require_consent_on(
            db.reader(),
            client,
            ConsentPurpose::RightsCheck,
            None,
            today
        ),
    )?;
    const LIVE: &str =
        "EXISTS (SELECT 1 FROM clients WHERE id = $8 AND org_id = $9 AND erased_at IS NULL)";
    let mut tx = db.begin().await?;
    let id = match check {
        Some(id) => {
            let n = sqlx::query(&format!(
                "UPDATE rights_checks SET reference_date = $1, rules_version = $2, answers = $3, result = $4, finished = $5, updated_at = $6, rights_found = $10 \
                 WHERE id = $7 AND client_id = $8 AND org_id = $9 AND finished = 0 AND {LIVE}"
            ))
            .bind(format_date(input.reference_date))
            .bind(input.rules_version)
            .bind(input.answers)
            .bind(input.result)
            .bind(i64::from(input.finished))
            .bind(now)
            .bind(id)
            .bind(client)
            .bind(org)
            .bind(input.rights_found)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Refused("check_finished"));
            }
            id
        }
        None => {
            let inserted: Option<(i64,)> = sqlx::query_as(&format!(
                "INSERT INTO rights_checks (org_id, client_id, reference_date, rules_version, answers, result, finished, created_by, created_at, updated_at, rights_found) \
                 SELECT $9, $8, $1, $2, $3, $4, $5, $6, $7, $7, $10 WHERE {LIVE} RETURNING id"
            ))
            .bind(format_date(input.reference_date))
            .bind(input.rules_version)
            .bind(input.answers)
            .bind(input.result)
            .bind(i64::from(input.finished))
            .bind(actor.account)
            .bind(now)
            .bind(client)
            .bind(org)
            .bind(input.rights_found)
            .fetch_optional(&mut *tx)
            .await?;
            inserted.ok_or(StoreError::NotFound)?.0
        }
    };
    let action = if input.finished {
        "rights_check.finish"
    } else {
        "rights_check.save"
    };
    let detail = format!("check={id}");
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action,
            entity: "client",
            entity_id: Some(client),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, row))
}

/// A stored check.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CheckRow {
    /// Id.
    pub id: i64,
    /// Client.
    pub client_id: i64,
    /// Reference date.
    pub reference_date: String,
    /// Rules version.
    pub rules_version: String,
    /// Answers (household JSON).
    pub answers: String,
    /// Result (evaluation JSON).
    pub result: String,
    /// 1 when finished.
    pub finished: i64,
    /// Who ran it.
    pub created_by_name: Option<String>,
    /// When (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
}

const SELECT_CHECK: &str = "SELECT k.id, k.client_id, k.reference_date, k.rules_version, k.answers, k.result, k.finished, a.display_name AS created_by_name, k.created_at, k.updated_at \
    FROM rights_checks k LEFT JOIN accounts a ON a.id = k.created_by";

/// One check of a client of the actor's organisation; the read is audited.
pub async fn get_check(
    db: &Db,
    actor: &Actor,
    client: i64,
    id: i64,
) -> Result<CheckRow, StoreError> {
    let org = org_of(actor)?;
    let row: CheckRow = sqlx::query_as(&format!(
        "{SELECT_CHECK} WHERE k.id = $1 AND k.client_id = $2 AND k.org_id = $3"
    ))
    .bind(id)
    .bind(client)
    .bind(org)
    .fetch_optional(db.reader())
    .await?
    .ok_or(StoreError::NotFound)?;
    let detail = format!("check={id}");
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "rights_check.view",
            entity: "client",
            entity_id: Some(client),
            detail: &detail,
        },
    )
    .await?;
    Ok(row)
}

/// The checks of a client, newest first (without their answers and results).
pub async fn list_checks(db: &Db, actor: &Actor, client: i64) -> Result<Vec<CheckRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(&format!(
        "{SELECT_CHECK} WHERE k.client_id = $1 AND k.org_id = $2 ORDER BY k.id DESC"
    ))
    .bind(client)
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// A follow-up of one right.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct FollowupRow {
    /// Id.
    pub id: i64,
    /// Client.
    pub client_id: i64,
    /// Client's name (for reminders within the organisation).
    pub client_name: String,
    /// The check it came from.
    pub check_id: Option<i64>,
    /// The right's id in the rules.
    pub right_id: String,
    /// Status code.
    pub status: String,
    /// Applied on.
    pub applied_on: Option<String>,
    /// Applied where.
    pub applied_where: Option<String>,
    /// Granted or refused on.
    pub decided_on: Option<String>,
    /// Amount granted (cents, per the right's period).
    pub amount_cents: Option<i64>,
    /// Why refused, in the worker's words (stays inside the organisation).
    pub refusal_reason: Option<String>,
    /// Why refused, as a code of [`RefusalReason`] (counted in figures).
    pub refusal_code: Option<String>,
    /// Note.
    pub note: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
}

impl FollowupRow {
    /// The status, parsed.
    pub fn state(&self) -> FollowupStatus {
        FollowupStatus::parse(&self.status).unwrap_or(FollowupStatus::Todo)
    }
}

const SELECT_FOLLOWUP: &str = "SELECT f.id, f.client_id, c.name AS client_name, f.check_id, f.right_id, f.status, f.applied_on, f.applied_where, f.decided_on, \
    f.amount_cents, f.refusal_reason, f.refusal_code, f.note, f.created_at, f.updated_at FROM right_followups f JOIN clients c ON c.id = f.client_id";

/// Starts following up a right for a client (or returns the open follow-up of that right).
pub async fn start_followup(
    db: &Db,
    actor: &Actor,
    client: i64,
    check: Option<i64>,
    right_id: &str,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    client_in_org(&mut tx, client, org).await?;
    let id = insert_followup_tx(&mut tx, actor, org, client, check, right_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Starts following up a right in the caller's transaction (the client is known to be of
/// `org`), or returns the open follow-up of that right; audited.
pub(crate) async fn insert_followup_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: i64,
    client: i64,
    check: Option<i64>,
    right_id: &str,
) -> Result<i64, StoreError> {
    let open: Option<(i64,)> = sqlx::query_as("SELECT id FROM right_followups WHERE client_id = $1 AND right_id = $2 AND status IN ('todo', 'applied', 'refused')")
        .bind(client)
        .bind(right_id)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some((id,)) = open {
        return Ok(id);
    }
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO right_followups (org_id, client_id, check_id, right_id, status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, 'todo', $5, $6, $6) RETURNING id",
    )
    .bind(org)
    .bind(client)
    .bind(check)
    .bind(right_id)
    .bind(actor.account)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO right_followup_events (followup_id, at, account_id, from_status, to_status, detail) VALUES ($1, $2, $3, NULL, 'todo', $4)")
        .bind(id)
        .bind(now)
        .bind(actor.account)
        .bind(right_id)
        .execute(&mut **tx)
        .await?;
    let detail = format!("right={right_id}");
    audit::record(
        tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "followup.start",
            entity: "client",
            entity_id: Some(client),
            detail: &detail,
        },
    )
    .await?;
    Ok(id)
}

/// A change of a follow-up's state, with what goes with it.
#[derive(Debug, Clone)]
pub struct FollowupChange {
    /// The new state.
    pub to: FollowupStatus,
    /// The day it happened (applied, granted or refused on).
    pub on: Option<Date>,
    /// Where the application went (for `applied`).
    pub applied_where: Option<String>,
    /// Amount granted (for `granted`).
    pub amount_cents: Option<i64>,
    /// Why refused, in the worker's words (for `refused`; optional).
    pub refusal_reason: Option<String>,
    /// Why refused, as a code (required for `refused`).
    pub refusal_code: Option<RefusalReason>,
    /// A note.
    pub note: String,
}

/// Changes a follow-up's state; impossible changes are refused with `transition_impossible`.
/// The change and its history row are one transaction; audited.
pub async fn change_followup(
    db: &Db,
    actor: &Actor,
    client: i64,
    id: i64,
    change: &FollowupChange,
) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let current: Option<(String,)> = sqlx::query_as(
        "SELECT status FROM right_followups WHERE id = $1 AND client_id = $2 AND org_id = $3",
    )
    .bind(id)
    .bind(client)
    .bind(org)
    .fetch_optional(&mut *tx)
    .await?;
    let from = FollowupStatus::parse(&current.ok_or(StoreError::NotFound)?.0)
        .map_err(StoreError::Refused)?;
    let to = from.transition(change.to).map_err(StoreError::Refused)?;
    let now = now_ms();
    let on = change.on.map(format_date);
    sqlx::query("UPDATE right_followups SET status = $1, note = $2, updated_at = $3 WHERE id = $4")
        .bind(to.code())
        .bind(&change.note)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    match to {
        FollowupStatus::Applied => {
            sqlx::query(
                "UPDATE right_followups SET applied_on = $1, applied_where = $2 WHERE id = $3",
            )
            .bind(&on)
            .bind(&change.applied_where)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        FollowupStatus::Granted => {
            sqlx::query(
                "UPDATE right_followups SET decided_on = $1, amount_cents = $2 WHERE id = $3",
            )
            .bind(&on)
            .bind(change.amount_cents)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        FollowupStatus::Refused => {
            sqlx::query(
                "UPDATE right_followups SET decided_on = $1, refusal_reason = $2, refusal_code = $4 WHERE id = $3",
            )
            .bind(&on)
            .bind(&change.refusal_reason)
            .bind(id)
            .bind(change.refusal_code.map(RefusalReason::code))
            .execute(&mut *tx)
            .await?;
        }
        FollowupStatus::Withdrawn | FollowupStatus::Todo => {
            sqlx::query("UPDATE right_followups SET decided_on = $1 WHERE id = $2")
                .bind(&on)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    sqlx::query("INSERT INTO right_followup_events (followup_id, at, account_id, from_status, to_status, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(now)
        .bind(actor.account)
        .bind(from.code())
        .bind(to.code())
        .bind(change.on.map(format_date).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    let detail = format!("followup={id} {}->{}", from.code(), to.code());
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "followup.change",
            entity: "client",
            entity_id: Some(client),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The follow-ups of a client.
pub async fn followups(
    db: &Db,
    actor: &Actor,
    client: i64,
) -> Result<Vec<FollowupRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(&format!(
        "{SELECT_FOLLOWUP} WHERE f.client_id = $1 AND f.org_id = $2 ORDER BY f.id"
    ))
    .bind(client)
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// Open follow-ups of the organisation that have not moved for `idle_days` days, oldest
/// first: the reminders on a worker's start page.
pub async fn reminders(
    db: &Db,
    actor: &Actor,
    idle_days: i64,
    limit: i64,
) -> Result<Vec<FollowupRow>, StoreError> {
    let org = org_of(actor)?;
    let before = now_ms() - idle_days * 86_400_000;
    Ok(sqlx::query_as(&format!(
        "{SELECT_FOLLOWUP} WHERE f.org_id = $1 AND f.status IN ('todo', 'applied') AND f.updated_at <= $2 AND c.erased_at IS NULL ORDER BY f.updated_at LIMIT $3"
    ))
    .bind(org)
    .bind(before)
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}

/// One entry of a follow-up's history.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct FollowupEvent {
    /// The follow-up.
    pub followup_id: i64,
    /// When (ms).
    pub at: i64,
    /// Who.
    pub account_name: Option<String>,
    /// From state.
    pub from_status: Option<String>,
    /// To state.
    pub to_status: String,
}

/// The history of a client's follow-ups, oldest first.
pub async fn followup_history(
    db: &Db,
    actor: &Actor,
    client: i64,
) -> Result<Vec<FollowupEvent>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(
        "SELECT e.followup_id, e.at, a.display_name AS account_name, e.from_status, e.to_status FROM right_followup_events e \
         JOIN right_followups f ON f.id = e.followup_id LEFT JOIN accounts a ON a.id = e.account_id WHERE f.client_id = $1 AND f.org_id = $2 ORDER BY e.id",
    )
    .bind(client)
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// Stores a de-identified signal candidate: the right, the barrier and the municipality,
/// never the person.
pub async fn create_signal_candidate(
    db: &Db,
    actor: &Actor,
    source: &str,
    right_id: Option<&str>,
    barrier: &str,
    refnis: Option<&str>,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let id =
        insert_signal_candidate_tx(&mut tx, actor, org, source, right_id, barrier, refnis).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create_signal_candidate`] in the caller's transaction.
pub(crate) async fn insert_signal_candidate_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: i64,
    source: &str,
    right_id: Option<&str>,
    barrier: &str,
    refnis: Option<&str>,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO signal_candidates (org_id, source, right_id, barrier, refnis, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(org)
    .bind(source)
    .bind(right_id)
    .bind(barrier)
    .bind(refnis)
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "signal_candidate.create",
            entity: "signal_candidate",
            entity_id: Some(id),
            detail: source,
        },
    )
    .await?;
    Ok(id)
}

/// A signal candidate as listed.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CandidateRow {
    /// Id.
    pub id: i64,
    /// Where it came from (`refused_right`, `call_round`, …).
    pub source: String,
    /// The right concerned.
    pub right_id: Option<String>,
    /// The barrier, in the worker's words (checked for personal data by the signals module).
    pub barrier: String,
    /// Municipality.
    pub refnis: Option<String>,
    /// Status.
    pub status: String,
    /// When (ms).
    pub created_at: i64,
}

/// The organisation's signal candidates, newest first.
pub async fn signal_candidates(db: &Db, actor: &Actor) -> Result<Vec<CandidateRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as("SELECT id, source, right_id, barrier, refnis, status, created_at FROM signal_candidates WHERE org_id = $1 ORDER BY id DESC LIMIT 500")
        .bind(org)
        .fetch_all(db.reader())
        .await?)
}
