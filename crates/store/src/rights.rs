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
/// The client's record is read first, on the read pool. The write goes through the check
/// writer ([`CheckWriter`]): the check and its audit row are committed together, in one
/// transaction that may hold the checks of other requests of the same moment (group commit).
/// The write's own statement checks that the client is a live client of the organisation
/// and that the consent holds on `today`, so a check is never stored for an erased record or
/// after a withdrawal committed before it; a refused write says why (`NotFound`, or
/// `Refused("consent_missing_rights_check")` / `Refused("check_finished")`).
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
    let row = crate::clients::get_live(db.reader(), client, org).await?;
    let job = CheckJob {
        org,
        account: actor.account,
        client,
        check,
        reference_date: format_date(input.reference_date),
        rules_version: input.rules_version.to_owned(),
        answers: input.answers.to_owned(),
        result: input.result.to_owned(),
        finished: input.finished,
        rights_found: input.rights_found,
        today: format_date(today),
        now,
    };
    let id = db.check_writer().write(db, job).await?;
    Ok((id, row))
}

/// One check to write, owned by the check writer.
#[derive(Debug)]
pub(crate) struct CheckJob {
    org: i64,
    account: i64,
    client: i64,
    check: Option<i64>,
    reference_date: String,
    rules_version: String,
    answers: String,
    result: String,
    finished: bool,
    rights_found: i64,
    /// The day the consent must hold (ISO).
    today: String,
    now: i64,
}

/// What became of one check write.
#[derive(Debug, Clone)]
enum Written {
    /// Stored with this id (and its audit row).
    Saved(i64),
    /// The client (or the draft) is not there, or not a live client of the organisation.
    NotFound,
    /// Refused with a stable code (a finished check, a consent withdrawn meanwhile).
    Refused(&'static str),
    /// The database failed (the message holds no personal data).
    Failed(String),
}

type CheckAck = tokio::sync::oneshot::Sender<Written>;

/// At most this many checks go into one transaction.
const CHECK_GROUP_MAX: usize = 64;

/// The check writer: a task that takes the checks of all requests waiting at one moment and
/// writes them, each with its audit row, in one transaction (one `BEGIN` and one `COMMIT` for
/// the group, the audit rows in one statement), then answers each request. A request is
/// answered only after its transaction is committed, so a check is never reported saved
/// without being stored and audited. If the group's transaction fails, each check is written
/// again in a transaction of its own, so one bad write cannot fail the others.
#[derive(Debug, Clone)]
pub(crate) struct CheckWriter {
    tx: tokio::sync::mpsc::Sender<(CheckJob, CheckAck)>,
}

impl CheckWriter {
    /// Starts the writer task on the current tokio runtime, writing through `pool`.
    pub(crate) fn start(pool: sqlx::AnyPool) -> CheckWriter {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(CheckJob, CheckAck)>(4 * CHECK_GROUP_MAX);
        tokio::spawn(async move {
            let mut batch: Vec<(CheckJob, CheckAck)> = Vec::with_capacity(CHECK_GROUP_MAX);
            // What waits at one moment, at least one: none when the channel is closed.
            while rx.recv_many(&mut batch, CHECK_GROUP_MAX).await > 0 {
                let jobs: Vec<&CheckJob> = batch.iter().map(|(j, _)| j).collect();
                let outcomes = match write_group(&pool, &jobs).await {
                    Ok(outcomes) => outcomes,
                    Err(e) if jobs.len() == 1 => vec![Written::Failed(e.to_string())],
                    Err(_) => {
                        let mut outcomes = Vec::with_capacity(jobs.len());
                        for job in &jobs {
                            outcomes.push(match write_group(&pool, &[job]).await {
                                Ok(mut one) => one.pop().unwrap_or(Written::NotFound),
                                Err(e) => Written::Failed(e.to_string()),
                            });
                        }
                        outcomes
                    }
                };
                for ((_, ack), outcome) in batch.drain(..).zip(outcomes) {
                    // The caller may have gone away (its request was cancelled): the check
                    // is stored and audited all the same, like any committed change.
                    let _ = ack.send(outcome);
                }
            }
        });
        CheckWriter { tx }
    }

    /// Writes `job` and returns the check's id once it is committed.
    async fn write(&self, db: &Db, job: CheckJob) -> Result<i64, StoreError> {
        let (ack, answer) = tokio::sync::oneshot::channel();
        let outcome = match self.tx.send((job, ack)).await {
            Ok(()) => answer.await.unwrap_or_else(|_| {
                // The writer stopped while holding the check (its runtime is shutting down):
                // whether it was committed is unknown, so it is not written a second time.
                Written::Failed("the check writer stopped".to_owned())
            }),
            // The writer task is gone (its runtime stopped): write on this task.
            Err(tokio::sync::mpsc::error::SendError((job, _))) => {
                match write_group(db.writer(), &[&job]).await {
                    Ok(mut one) => one.pop().unwrap_or(Written::NotFound),
                    Err(e) => Written::Failed(e.to_string()),
                }
            }
        };
        match outcome {
            Written::Saved(id) => Ok(id),
            Written::NotFound => Err(StoreError::NotFound),
            Written::Refused(code) => Err(StoreError::Refused(code)),
            Written::Failed(msg) => Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "check write failed: {msg}"
            )))),
        }
    }
}

/// The client is a live client of the organisation ($8 client, $9 organisation).
const LIVE: &str =
    "EXISTS (SELECT 1 FROM clients WHERE id = $8 AND org_id = $9 AND erased_at IS NULL)";
/// The client's consent for a rights check holds on the day $11 (ISO dates compare as text;
/// the same rule as `Consent::allows`).
const CONSENTED: &str = "EXISTS (SELECT 1 FROM consents WHERE client_id = $8 AND purpose = $12 AND given_on <= $11 \
     AND (expires_on IS NULL OR $11 <= expires_on) AND (withdrawn_on IS NULL OR $11 < withdrawn_on))";

/// Writes `jobs`, each with its audit row, in one transaction; a job that is refused writes
/// nothing (and no audit row).
async fn write_group(pool: &sqlx::AnyPool, jobs: &[&CheckJob]) -> Result<Vec<Written>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        outcomes.push(write_check(&mut tx, job).await?);
    }
    let details: Vec<(usize, String)> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| match o {
            Written::Saved(id) => Some((i, format!("check={id}"))),
            _ => None,
        })
        .collect();
    let entries: Vec<Entry<'_>> = details
        .iter()
        .map(|(i, detail)| {
            let job = jobs[*i];
            Entry {
                account: Some(job.account),
                org: Some(job.org),
                action: if job.finished {
                    "rights_check.finish"
                } else {
                    "rights_check.save"
                },
                entity: "client",
                entity_id: Some(job.client),
                detail,
            }
        })
        .collect();
    audit::record_all(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// One check in the group's transaction: an insert, or the update of a draft.
async fn write_check(tx: &mut Tx, job: &CheckJob) -> Result<Written, StoreError> {
    let purpose = ConsentPurpose::RightsCheck.code();
    match job.check {
        Some(id) => {
            let n = sqlx::query(&format!(
                "UPDATE rights_checks SET reference_date = $1, rules_version = $2, answers = $3, result = $4, finished = $5, updated_at = $6, rights_found = $10 \
                 WHERE id = $7 AND client_id = $8 AND org_id = $9 AND finished = 0 AND {LIVE} AND {CONSENTED}"
            ))
            .bind(job.reference_date.as_str())
            .bind(job.rules_version.as_str())
            .bind(job.answers.as_str())
            .bind(job.result.as_str())
            .bind(i64::from(job.finished))
            .bind(job.now)
            .bind(id)
            .bind(job.client)
            .bind(job.org)
            .bind(job.rights_found)
            .bind(job.today.as_str())
            .bind(purpose)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if n == 1 {
                return Ok(Written::Saved(id));
            }
            refusal(tx, job, Some(id)).await
        }
        None => {
            let inserted: Option<(i64,)> = sqlx::query_as(&format!(
                "INSERT INTO rights_checks (org_id, client_id, reference_date, rules_version, answers, result, finished, created_by, created_at, updated_at, rights_found) \
                 SELECT $9, $8, $1, $2, $3, $4, $5, $6, $7, $7, $10 WHERE {LIVE} AND {CONSENTED} RETURNING id"
            ))
            .bind(job.reference_date.as_str())
            .bind(job.rules_version.as_str())
            .bind(job.answers.as_str())
            .bind(job.result.as_str())
            .bind(i64::from(job.finished))
            .bind(job.account)
            .bind(job.now)
            .bind(job.client)
            .bind(job.org)
            .bind(job.rights_found)
            .bind(job.today.as_str())
            .bind(purpose)
            .fetch_optional(&mut **tx)
            .await?;
            match inserted {
                Some((id,)) => Ok(Written::Saved(id)),
                None => refusal(tx, job, None).await,
            }
        }
    }
}

/// Why a check was not written (read in the same transaction): the client is gone (or not
/// of the organisation), the draft is not there, the draft is finished, or the consent no
/// longer holds.
async fn refusal(tx: &mut Tx, job: &CheckJob, check: Option<i64>) -> Result<Written, StoreError> {
    let live: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM clients WHERE id = $1 AND org_id = $2 AND erased_at IS NULL",
    )
    .bind(job.client)
    .bind(job.org)
    .fetch_optional(&mut **tx)
    .await?;
    if live.is_none() {
        return Ok(Written::NotFound);
    }
    if let Some(id) = check {
        let draft: Option<(i64,)> = sqlx::query_as(
            "SELECT finished FROM rights_checks WHERE id = $1 AND client_id = $2 AND org_id = $3",
        )
        .bind(id)
        .bind(job.client)
        .bind(job.org)
        .fetch_optional(&mut **tx)
        .await?;
        match draft {
            None => return Ok(Written::NotFound),
            Some((finished,)) if finished != 0 => return Ok(Written::Refused("check_finished")),
            Some(_) => {}
        }
    }
    Ok(Written::Refused("consent_missing_rights_check"))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::accounts::{self, NewAccount};
    use crate::clients::{ClientInput, ConsentInput};
    use crate::orgs::{self, NewOrg};
    use sterk_domain::access::Role;
    use sterk_domain::client::{ConsentMethod, ContactChannel, Household};
    use sterk_domain::org::OrgKind;
    use sterk_domain::values::{Name, Refnis};
    use time::macros::date;

    async fn setup(db: &Db, body: u64, email: &str) -> (Actor, i64) {
        let org = orgs::create(
            db,
            None,
            &NewOrg {
                name: Name::parse(&format!("OCMW {body}")).unwrap(),
                kbo: Some(crate::demo::kbo_from_body(body)),
                kind: OrgKind::Ocmw,
                refnis: Refnis::parse("44021").unwrap(),
            },
        )
        .await
        .unwrap();
        let account = accounts::create(
            db,
            None,
            NewAccount {
                email: email.into(),
                display_name: "W".into(),
                role: Role::SocialWorker,
                org_id: Some(org),
                platform_id: None,
                password: "correct horse battery".into(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
        let actor = Actor {
            account,
            role: Role::SocialWorker,
            org: Some(org),
            platform: None,
        };
        let client = crate::clients::create(
            db,
            &actor,
            &ClientInput {
                name: Name::parse("Amina").unwrap(),
                birth: None,
                refnis: Some(Refnis::parse("44021").unwrap()),
                languages: vec!["nl"],
                channels: vec![ContactChannel::Phone],
                phone: None,
                email: None,
                address: None,
                household: Household {
                    adults: 1,
                    children: 0,
                    lives_alone: true,
                },
                notes: String::new(),
            },
        )
        .await
        .unwrap();
        (actor, client)
    }

    async fn consent(db: &Db, actor: &Actor, client: i64) -> i64 {
        crate::clients::record_consent(
            db,
            actor,
            client,
            &ConsentInput {
                purpose: ConsentPurpose::RightsCheck,
                recipient_org: None,
                method: ConsentMethod::Oral,
                given_on: date!(2026 - 01 - 01),
                expires_on: None,
                note: String::new(),
            },
        )
        .await
        .unwrap()
    }

    fn job(actor: &Actor, client: i64, check: Option<i64>, finished: bool) -> CheckJob {
        CheckJob {
            org: actor.org.unwrap(),
            account: actor.account,
            client,
            check,
            reference_date: "2026-03-01".into(),
            rules_version: "v".into(),
            answers: "{}".into(),
            result: String::new(),
            finished,
            rights_found: 0,
            today: "2026-03-01".into(),
            now: now_ms(),
        }
    }

    async fn count(db: &Db, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.reader()).await.unwrap();
        n
    }

    /// The write re-checks what the reads before it saw: a client erased, a consent
    /// withdrawn or a draft finished between the reads and the write stores nothing and
    /// answers with the right reason (an erased client is "not found", not "finished").
    #[tokio::test]
    async fn the_write_refuses_what_changed_after_the_reads() {
        for t in crate::testing::all("checkrace").await.unwrap() {
            let db = &t.db;
            let (w, client) = setup(db, 20_716_501, "a@x.be").await;
            let (other, _) = setup(db, 41_093_422, "b@x.be").await;
            let c = consent(db, &w, client).await;
            let writer = db.check_writer();
            let draft = writer
                .write(db, job(&w, client, None, false))
                .await
                .unwrap();
            assert_eq!(
                writer
                    .write(db, job(&w, client, Some(draft), false))
                    .await
                    .unwrap(),
                draft
            );
            // Another organisation's draft, or a draft of nobody: not found.
            assert!(matches!(
                writer
                    .write(db, job(&other, client, Some(draft), false))
                    .await,
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                writer
                    .write(db, job(&w, client, Some(draft + 99), false))
                    .await,
                Err(StoreError::NotFound)
            ));
            let done = writer.write(db, job(&w, client, None, true)).await.unwrap();
            assert!(matches!(
                writer.write(db, job(&w, client, Some(done), false)).await,
                Err(StoreError::Refused("check_finished"))
            ));
            crate::clients::withdraw_consent(db, &w, client, c, date!(2026 - 02 - 01))
                .await
                .unwrap();
            for check in [None, Some(draft)] {
                let r = writer.write(db, job(&w, client, check, false)).await;
                assert!(
                    matches!(r, Err(StoreError::Refused("consent_missing_rights_check"))),
                    "{}: {r:?}",
                    t.name
                );
            }
            consent(db, &w, client).await;
            crate::clients::erase(db, &w, client).await.unwrap();
            for check in [None, Some(draft)] {
                let r = writer.write(db, job(&w, client, check, false)).await;
                assert!(matches!(r, Err(StoreError::NotFound)), "{}: {r:?}", t.name);
            }
            assert_eq!(count(db, "SELECT COUNT(*) FROM rights_checks").await, 2);
            assert_eq!(
                count(
                    db,
                    "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'rights_check.%'"
                )
                .await,
                3,
                "{}: one audit row per stored write, none for a refused one",
                t.name
            );
        }
    }

    /// The write's consent condition (SQL) is the domain's rule (`Consent::allows`): given
    /// on or before the day, not expired before it, not withdrawn on or before it.
    #[tokio::test]
    async fn the_consent_rule_of_the_write_is_the_domain_rule() {
        use sterk_domain::client::Consent;
        for t in crate::testing::all("checkconsent").await.unwrap() {
            let db = &t.db;
            let (w, client) = setup(db, 20_716_501, "a@x.be").await;
            let d = |s: &str| sterk_domain::values::parse_date(s).unwrap();
            let cases = [
                ("2026-03-01", None, None),
                ("2026-03-02", None, None),
                ("2026-01-01", Some("2026-03-01"), None),
                ("2026-01-01", Some("2026-02-28"), None),
                ("2026-01-01", None, Some("2026-03-01")),
                ("2026-01-01", None, Some("2026-03-02")),
                ("2026-01-01", Some("2026-12-31"), Some("2026-02-01")),
            ];
            for (given, expires, withdrawn) in cases {
                sqlx::query("DELETE FROM consents")
                    .execute(db.writer())
                    .await
                    .unwrap();
                sqlx::query(
                    "INSERT INTO consents (client_id, org_id, purpose, recipient_org_id, method, given_on, expires_on, withdrawn_on, note, recorded_by, recorded_at) \
                     VALUES ($1, $2, 'rights_check', NULL, 'oral', $3, $4, $5, '', $6, 0)",
                )
                .bind(client)
                .bind(w.org.unwrap())
                .bind(given)
                .bind(expires)
                .bind(withdrawn)
                .bind(w.account)
                .execute(db.writer())
                .await
                .unwrap();
                let allows = Consent {
                    purpose: ConsentPurpose::RightsCheck,
                    recipient_org: None,
                    given_on: d(given),
                    expires_on: expires.map(d),
                    withdrawn_on: withdrawn.map(d),
                }
                .allows(ConsentPurpose::RightsCheck, None, d("2026-03-01"));
                let r = db
                    .check_writer()
                    .write(db, job(&w, client, None, false))
                    .await;
                assert_eq!(
                    r.is_ok(),
                    allows,
                    "{}: {given} {expires:?} {withdrawn:?}: {r:?}",
                    t.name
                );
                if !allows {
                    assert!(matches!(
                        r,
                        Err(StoreError::Refused("consent_missing_rights_check"))
                    ));
                }
            }
        }
    }

    /// Checks written at the same moment share a transaction, and each is stored with its
    /// own audit row; a refused check in the group does not fail the others.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_written_together_are_each_stored_and_audited() {
        for t in crate::testing::all("checkgroup").await.unwrap() {
            let db = t.db.clone();
            let (w, client) = setup(&db, 20_716_501, "a@x.be").await;
            let (_, without) = setup(&db, 41_093_422, "b@x.be").await;
            consent(&db, &w, client).await;
            let mut tasks = Vec::new();
            for i in 0..200_i64 {
                let db = db.clone();
                // Every tenth asks for a client of another organisation.
                let target = if i % 10 == 0 { without } else { client };
                let j = job(&w, target, None, false);
                tasks.push(tokio::spawn(async move {
                    let r = db.check_writer().write(&db, j).await;
                    (i, r)
                }));
            }
            let mut ids = std::collections::BTreeSet::new();
            for task in tasks {
                let (i, r) = task.await.unwrap();
                if i % 10 == 0 {
                    assert!(matches!(r, Err(StoreError::NotFound)), "{}: {r:?}", t.name);
                } else {
                    let id = r.unwrap();
                    assert!(ids.insert(id));
                    // Committed, with its audit row, before the caller got the id.
                    let (n,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM audit_log WHERE action = 'rights_check.save' AND detail = $1",
                    )
                    .bind(format!("check={id}"))
                    .fetch_one(db.reader())
                    .await
                    .unwrap();
                    assert_eq!(n, 1, "{}", t.name);
                }
            }
            assert_eq!(ids.len(), 180);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM rights_checks").await, 180);
        }
    }
}
