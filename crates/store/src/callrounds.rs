//! Call rounds (*belrondes*, issue 4 point 5): prioritised lists of households with probable
//! non-take-up, divided among the organisation's workers, and the outcome of each call.
//!
//! A round is made from a finished screening or from a filter over the organisation's
//! clients. Its entries keep a copy of what the call needs (the household's reference, the
//! rights it probably misses, the amounts), so deleting the screening later leaves the round
//! whole. An entry is `to_call` until an outcome closes it; "not reached" keeps it `to_call`
//! but hides it until `due_at`. "Reached" makes the household a client with a consent and a
//! follow-up of each right, in the transaction that records the outcome.

use crate::audit::{self, Entry};
use crate::clients::{ClientInput, EnrollWho, enroll_tx, org_of};
use crate::screening::Priority;
use crate::{Db, StoreError, Tx, now_ms};
use serde::Serialize;
use std::collections::HashSet;
use sterk_domain::access::Actor;
use time::Date;

const DAY_MS: i64 = 86_400_000;

/// A new round.
#[derive(Debug, Clone)]
pub struct NewRound<'a> {
    /// Its name.
    pub name: &'a str,
    /// The screening it comes from (for [`create_from_screening`]).
    pub job_id: Option<i64>,
    /// Most money or most rights first.
    pub priority: Priority,
    /// The client filter's minimum age (for [`create_from_clients`]).
    pub filter_min_age: Option<i64>,
    /// The client filter: only people living alone.
    pub filter_lives_alone: bool,
    /// Default delay before an unreached household comes back, in days.
    pub retry_days: i64,
    /// The accounts that call, in the order they take turns.
    pub workers: &'a [i64],
}

/// A household to put on a list (from a client filter).
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// Reference shown (the client id as text).
    pub household_ref: String,
    /// The client.
    pub client_id: Option<i64>,
    /// Rights probably missed, separated by `;`.
    pub rights_missed: String,
    /// How many.
    pub rights_count: i64,
    /// Monthly amounts missed.
    pub missed_monthly_cents: i64,
    /// Yearly amounts missed.
    pub missed_yearly_cents: i64,
}

impl NewEntry {
    fn money(&self) -> i64 {
        self.missed_monthly_cents
            .saturating_mul(12)
            .saturating_add(self.missed_yearly_cents)
    }
}

async fn check_workers(tx: &mut Tx, org: i64, workers: &[i64]) -> Result<(), StoreError> {
    if workers.is_empty() {
        return Err(StoreError::Refused("workers_required"));
    }
    for w in workers {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM accounts WHERE id = $1 AND org_id = $2 AND active = 1 AND role IN ('social_worker', 'org_admin', 'volunteer_coordinator')",
        )
        .bind(w)
        .bind(org)
        .fetch_optional(&mut **tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::Refused("worker_invalid"));
        }
    }
    Ok(())
}

async fn insert_round(
    tx: &mut Tx,
    actor: &Actor,
    org: i64,
    source: &str,
    round: &NewRound<'_>,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO call_rounds (org_id, name, source, job_id, priority, filter_min_age, filter_lives_alone, retry_days, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(org)
    .bind(round.name)
    .bind(source)
    .bind(round.job_id)
    .bind(round.priority.code())
    .bind(round.filter_min_age)
    .bind(i64::from(round.filter_lives_alone))
    .bind(round.retry_days)
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

async fn insert_entries(
    tx: &mut Tx,
    org: i64,
    round: i64,
    workers: &[i64],
    entries: &[NewEntry],
) -> Result<(), StoreError> {
    let now = now_ms();
    for (i, e) in entries.iter().enumerate() {
        // Round-robin: the first household to the first worker, the second to the second…
        let worker = workers[i % workers.len()];
        sqlx::query(
            "INSERT INTO call_entries (round_id, org_id, position, assigned_to, household_ref, client_id, rights_missed, rights_count, missed_monthly_cents, missed_yearly_cents, status, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'to_call', $11)",
        )
        .bind(round)
        .bind(org)
        .bind(i as i64 + 1)
        .bind(worker)
        .bind(&e.household_ref)
        .bind(e.client_id)
        .bind(&e.rights_missed)
        .bind(e.rights_count)
        .bind(e.missed_monthly_cents)
        .bind(e.missed_yearly_cents)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn audit_round(
    tx: &mut Tx,
    actor: &Actor,
    org: i64,
    id: i64,
    n: usize,
) -> Result<(), StoreError> {
    let detail = format!("entries={n}");
    audit::record(
        tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "call_round.create",
            entity: "call_round",
            entity_id: Some(id),
            detail: &detail,
        },
    )
    .await
}

/// Makes a round of every household of a finished screening with probable non-take-up, in
/// the chosen priority, divided round-robin among `workers`. Returns the round's id and the
/// number of households.
pub async fn create_from_screening(
    db: &Db,
    actor: &Actor,
    round: &NewRound<'_>,
) -> Result<(i64, usize), StoreError> {
    let org = org_of(actor)?;
    let job = round.job_id.ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let status: Option<(String,)> =
        sqlx::query_as("SELECT status FROM screening_jobs WHERE id = $1 AND org_id = $2")
            .bind(job)
            .bind(org)
            .fetch_optional(&mut *tx)
            .await?;
    if status.ok_or(StoreError::NotFound)?.0 != "done" {
        return Err(StoreError::Refused("screening_not_done"));
    }
    check_workers(&mut tx, org, round.workers).await?;
    let rows = crate::screening::load_results(&mut tx, job, org, None, round.priority).await?;
    if rows.is_empty() {
        return Err(StoreError::Refused("call_list_empty"));
    }
    let entries: Vec<NewEntry> = rows
        .into_iter()
        .map(|r| NewEntry {
            household_ref: r.household_ref,
            client_id: r.client_id,
            rights_missed: r.rights_missed,
            rights_count: r.rights_count,
            missed_monthly_cents: r.missed_monthly_cents,
            missed_yearly_cents: r.missed_yearly_cents,
        })
        .collect();
    let id = insert_round(&mut tx, actor, org, "screening", round).await?;
    insert_entries(&mut tx, org, id, round.workers, &entries).await?;
    audit_round(&mut tx, actor, org, id, entries.len()).await?;
    tx.commit().await?;
    Ok((id, entries.len()))
}

/// Makes a round of the given clients (found by a filter and evaluated by the caller),
/// sorted in the chosen priority and divided round-robin among `workers`. Every client must
/// be of the actor's organisation.
pub async fn create_from_clients(
    db: &Db,
    actor: &Actor,
    round: &NewRound<'_>,
    mut entries: Vec<NewEntry>,
) -> Result<(i64, usize), StoreError> {
    let org = org_of(actor)?;
    if entries.is_empty() {
        return Err(StoreError::Refused("call_list_empty"));
    }
    match round.priority {
        Priority::Money => entries.sort_by(|a, b| {
            b.money()
                .cmp(&a.money())
                .then(b.rights_count.cmp(&a.rights_count))
        }),
        Priority::Rights => entries.sort_by(|a, b| {
            b.rights_count
                .cmp(&a.rights_count)
                .then(b.money().cmp(&a.money()))
        }),
    }
    let mut tx = db.begin().await?;
    check_workers(&mut tx, org, round.workers).await?;
    let own: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM clients WHERE org_id = $1 AND erased_at IS NULL")
            .bind(org)
            .fetch_all(&mut *tx)
            .await?;
    let own: HashSet<i64> = own.into_iter().map(|(id,)| id).collect();
    if entries
        .iter()
        .any(|e| e.client_id.is_none_or(|c| !own.contains(&c)))
    {
        return Err(StoreError::NotFound);
    }
    let id = insert_round(&mut tx, actor, org, "clients", round).await?;
    insert_entries(&mut tx, org, id, round.workers, &entries).await?;
    audit_round(&mut tx, actor, org, id, entries.len()).await?;
    tx.commit().await?;
    Ok((id, entries.len()))
}

/// A round as listed.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RoundRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `screening` or `clients`.
    pub source: String,
    /// The screening.
    pub job_id: Option<i64>,
    /// `money` or `rights`.
    pub priority: String,
    /// Filter: minimum age.
    pub filter_min_age: Option<i64>,
    /// Filter: living alone.
    pub filter_lives_alone: i64,
    /// Default delay for unreached households (days).
    pub retry_days: i64,
    /// Who made it.
    pub created_by_name: Option<String>,
    /// When (ms).
    pub created_at: i64,
    /// Households on the list.
    pub total: i64,
    /// Still to call (now or later).
    pub open: i64,
    /// To call now.
    pub due: i64,
}

fn select_round() -> String {
    "SELECT r.id, r.name, r.source, r.job_id, r.priority, r.filter_min_age, r.filter_lives_alone, r.retry_days, a.display_name AS created_by_name, r.created_at, \
     (SELECT COUNT(*) FROM call_entries e WHERE e.round_id = r.id) AS total, \
     (SELECT COUNT(*) FROM call_entries e WHERE e.round_id = r.id AND e.status = 'to_call') AS open, \
     (SELECT COUNT(*) FROM call_entries e WHERE e.round_id = r.id AND e.status = 'to_call' AND e.due_at <= $1) AS due \
     FROM call_rounds r LEFT JOIN accounts a ON a.id = r.created_by".to_owned()
}

/// The organisation's rounds, newest first.
pub async fn list_rounds(db: &Db, actor: &Actor) -> Result<Vec<RoundRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(&format!(
        "{} WHERE r.org_id = $2 ORDER BY r.id DESC LIMIT 200",
        select_round()
    ))
    .bind(now_ms())
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// One round of the actor's organisation.
pub async fn get_round(db: &Db, actor: &Actor, id: i64) -> Result<RoundRow, StoreError> {
    let org = org_of(actor)?;
    sqlx::query_as(&format!(
        "{} WHERE r.org_id = $2 AND r.id = $3",
        select_round()
    ))
    .bind(now_ms())
    .bind(org)
    .bind(id)
    .fetch_optional(db.reader())
    .await?
    .ok_or(StoreError::NotFound)
}

/// A household on a call list.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct EntryRow {
    /// Id.
    pub id: i64,
    /// The round.
    pub round_id: i64,
    /// Place in the priority order (1 = first).
    pub position: i64,
    /// Who calls.
    pub assigned_to: i64,
    /// Their name.
    pub assigned_name: Option<String>,
    /// The household's reference (id in the file, or the client id).
    pub household_ref: String,
    /// The client, once known.
    pub client_id: Option<i64>,
    /// The client's name.
    pub client_name: Option<String>,
    /// The client's phone.
    pub phone: Option<String>,
    /// The client's municipality.
    pub refnis: Option<String>,
    /// Rights probably missed, separated by `;`.
    pub rights_missed: String,
    /// How many.
    pub rights_count: i64,
    /// Monthly amounts missed.
    pub missed_monthly_cents: i64,
    /// Yearly amounts missed.
    pub missed_yearly_cents: i64,
    /// `to_call` or the outcome that closed it.
    pub status: String,
    /// Calls so far.
    pub attempts: i64,
    /// Hidden until (ms), for unreached households.
    pub due_at: i64,
    /// Last note.
    pub note: String,
    /// Last change (ms).
    pub updated_at: i64,
}

impl EntryRow {
    /// The rights missed, as ids.
    pub fn rights(&self) -> Vec<&str> {
        self.rights_missed
            .split(';')
            .filter(|s| !s.is_empty())
            .collect()
    }
    /// Whether it is to be called now.
    pub fn is_due(&self) -> bool {
        self.status == "to_call" && self.due_at <= now_ms()
    }
}

const SELECT_ENTRY: &str = "SELECT e.id, e.round_id, e.position, e.assigned_to, a.display_name AS assigned_name, e.household_ref, e.client_id, \
    c.name AS client_name, c.phone, c.refnis, e.rights_missed, e.rights_count, e.missed_monthly_cents, e.missed_yearly_cents, e.status, e.attempts, e.due_at, \
    e.note, e.updated_at FROM call_entries e LEFT JOIN accounts a ON a.id = e.assigned_to LEFT JOIN clients c ON c.id = e.client_id AND c.org_id = e.org_id AND c.erased_at IS NULL";

/// Which entries of a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryView {
    /// To call now (not reached households whose delay is over included).
    Due,
    /// Not reached, coming back later.
    Later,
    /// Closed by an outcome.
    Closed,
    /// All.
    All,
}

impl EntryView {
    /// Parses a code (`due`, `later`, `closed`, `all`); unknown is `due`.
    pub fn parse(s: &str) -> EntryView {
        match s {
            "later" => EntryView::Later,
            "closed" => EntryView::Closed,
            "all" => EntryView::All,
            _ => EntryView::Due,
        }
    }
    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            EntryView::Due => "due",
            EntryView::Later => "later",
            EntryView::Closed => "closed",
            EntryView::All => "all",
        }
    }
}

/// The entries of a round in priority order, optionally only those of one worker; the read
/// (names and phones of clients) is audited.
pub async fn entries(
    db: &Db,
    actor: &Actor,
    round: i64,
    view: EntryView,
    assigned: Option<i64>,
) -> Result<Vec<EntryRow>, StoreError> {
    let org = org_of(actor)?;
    get_round(db, actor, round).await?;
    let cond = match view {
        EntryView::Due => "AND e.status = 'to_call' AND e.due_at <= $3",
        EntryView::Later => "AND e.status = 'to_call' AND e.due_at > $3",
        EntryView::Closed => "AND e.status <> 'to_call' AND $3 >= 0",
        EntryView::All => "AND $3 >= 0",
    };
    let rows = sqlx::query_as(&format!(
        "{SELECT_ENTRY} WHERE e.round_id = $1 AND e.org_id = $2 {cond} AND ($4 = 0 OR e.assigned_to = $4) ORDER BY e.position"
    ))
    .bind(round)
    .bind(org)
    .bind(now_ms())
    .bind(assigned.unwrap_or(0))
    .fetch_all(db.reader())
    .await?;
    let detail = format!("view={}", view.code());
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "call_round.view",
            entity: "call_round",
            entity_id: Some(round),
            detail: &detail,
        },
    )
    .await?;
    Ok(rows)
}

/// One entry of a round of the actor's organisation; the read is audited.
pub async fn get_entry(
    db: &Db,
    actor: &Actor,
    round: i64,
    id: i64,
) -> Result<EntryRow, StoreError> {
    let org = org_of(actor)?;
    let row: EntryRow = sqlx::query_as(&format!(
        "{SELECT_ENTRY} WHERE e.id = $1 AND e.round_id = $2 AND e.org_id = $3"
    ))
    .bind(id)
    .bind(round)
    .bind(org)
    .fetch_optional(db.reader())
    .await?
    .ok_or(StoreError::NotFound)?;
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "call_entry.view",
            entity: "call_entry",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    Ok(row)
}

/// One call's outcome.
#[derive(Debug, Clone)]
pub enum Outcome<'a> {
    /// Reached: becomes a client (`new_client` for a household that is not one yet) with a
    /// consent and a follow-up of each right.
    Reached {
        /// The new client record, for a household from a file.
        new_client: Option<&'a ClientInput>,
    },
    /// Not reached: comes back after `retry_days`.
    NotReached {
        /// Days before the household is to be called again.
        retry_days: i64,
    },
    /// Wrong number.
    WrongNumber,
    /// Does not want to be contacted.
    NoContact,
    /// Has already started an application.
    ApplicationStarted,
    /// Needs a visit.
    NeedsVisit,
    /// Needs practical help: a help-request candidate.
    NeedsHelp {
        /// What help (no personal data needed).
        need: &'a str,
    },
    /// A structural problem: a signal candidate.
    StructuralProblem {
        /// The right concerned.
        right_id: Option<&'a str>,
        /// The barrier, without personal data.
        barrier: &'a str,
    },
}

impl Outcome<'_> {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Reached { .. } => "reached",
            Outcome::NotReached { .. } => "not_reached",
            Outcome::WrongNumber => "wrong_number",
            Outcome::NoContact => "no_contact",
            Outcome::ApplicationStarted => "application_started",
            Outcome::NeedsVisit => "needs_visit",
            Outcome::NeedsHelp { .. } => "needs_help",
            Outcome::StructuralProblem { .. } => "structural_problem",
        }
    }
}

/// Every outcome code, in the order the call page offers them.
pub const OUTCOMES: [&str; 8] = [
    "reached",
    "not_reached",
    "wrong_number",
    "no_contact",
    "application_started",
    "needs_visit",
    "needs_help",
    "structural_problem",
];

/// What recording an outcome made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The client (new or existing) of a reached household.
    pub client_id: Option<i64>,
    /// The signal candidate of a structural problem.
    pub signal_candidate: Option<i64>,
    /// The help-request candidate.
    pub help_request: Option<i64>,
}

/// Records the outcome of a call, with everything it brings, in one transaction; audited.
/// An entry that an outcome already closed is refused with `call_closed`.
pub async fn record_outcome(
    db: &Db,
    actor: &Actor,
    round: i64,
    entry: i64,
    outcome: &Outcome<'_>,
    note: &str,
    today: Date,
) -> Result<Recorded, StoreError> {
    let org = org_of(actor)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let found: Option<(String, Option<i64>, String)> = sqlx::query_as(
        "SELECT status, client_id, rights_missed FROM call_entries WHERE id = $1 AND round_id = $2 AND org_id = $3",
    )
    .bind(entry)
    .bind(round)
    .bind(org)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, client, rights) = found.ok_or(StoreError::NotFound)?;
    if status != "to_call" {
        return Err(StoreError::Refused("call_closed"));
    }
    let mut done = Recorded {
        client_id: client,
        ..Recorded::default()
    };
    let mut due_at = 0;
    let mut new_status = outcome.code();
    match outcome {
        Outcome::Reached { new_client } => {
            let who = match (client, new_client) {
                (Some(id), _) => EnrollWho::Existing(id),
                (None, Some(input)) => EnrollWho::New(input),
                (None, None) => return Err(StoreError::Refused("client_required")),
            };
            let rights: Vec<&str> = rights.split(';').filter(|s| !s.is_empty()).collect();
            done.client_id = Some(enroll_tx(&mut tx, actor, org, who, &rights, today).await?);
        }
        Outcome::NotReached { retry_days } => {
            new_status = "to_call";
            due_at = now.saturating_add((*retry_days).clamp(0, 365) * DAY_MS);
        }
        Outcome::NeedsHelp { need } => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO help_request_candidates (org_id, source, call_entry_id, client_id, need, created_by, created_at) VALUES ($1, 'call_round', $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(org)
            .bind(entry)
            .bind(client)
            .bind(*need)
            .bind(actor.account)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                Entry {
                    account: Some(actor.account),
                    org: Some(org),
                    action: "help_request_candidate.create",
                    entity: "help_request_candidate",
                    entity_id: Some(id),
                    detail: "call_round",
                },
            )
            .await?;
            done.help_request = Some(id);
        }
        Outcome::StructuralProblem { right_id, barrier } => {
            let refnis: Option<(Option<String>,)> = match client {
                Some(c) => {
                    sqlx::query_as("SELECT refnis FROM clients WHERE id = $1 AND org_id = $2")
                        .bind(c)
                        .bind(org)
                        .fetch_optional(&mut *tx)
                        .await?
                }
                None => None,
            };
            let refnis = refnis.and_then(|(r,)| r);
            done.signal_candidate = Some(
                crate::rights::insert_signal_candidate_tx(
                    &mut tx,
                    actor,
                    org,
                    "call_round",
                    *right_id,
                    barrier,
                    refnis.as_deref(),
                )
                .await?,
            );
        }
        Outcome::WrongNumber
        | Outcome::NoContact
        | Outcome::ApplicationStarted
        | Outcome::NeedsVisit => {}
    }
    sqlx::query(
        "UPDATE call_entries SET status = $1, client_id = $2, attempts = attempts + 1, due_at = $3, note = $4, updated_by = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(new_status)
    .bind(done.client_id)
    .bind(due_at)
    .bind(note)
    .bind(actor.account)
    .bind(now)
    .bind(entry)
    .execute(&mut *tx)
    .await?;
    let detail = match (&done.client_id, &done.signal_candidate, &done.help_request) {
        (_, Some(s), _) => format!("signal_candidate={s}"),
        (_, _, Some(h)) => format!("help_request_candidate={h}"),
        (Some(c), _, _) if matches!(outcome, Outcome::Reached { .. }) => format!("client={c}"),
        _ => String::new(),
    };
    sqlx::query("INSERT INTO call_outcomes (entry_id, at, account_id, outcome, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(entry)
        .bind(now)
        .bind(actor.account)
        .bind(outcome.code())
        .bind(&detail)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "call.outcome",
            entity: "call_entry",
            entity_id: Some(entry),
            detail: outcome.code(),
        },
    )
    .await?;
    tx.commit().await?;
    db.clients_changed();
    Ok(done)
}

/// One call's outcome as the history shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct OutcomeRow {
    /// When (ms).
    pub at: i64,
    /// Who.
    pub account_name: Option<String>,
    /// Outcome code.
    pub outcome: String,
}

/// The outcomes of an entry, oldest first.
pub async fn outcomes(db: &Db, actor: &Actor, entry: i64) -> Result<Vec<OutcomeRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(
        "SELECT o.at, a.display_name AS account_name, o.outcome FROM call_outcomes o JOIN call_entries e ON e.id = o.entry_id \
         LEFT JOIN accounts a ON a.id = o.account_id WHERE o.entry_id = $1 AND e.org_id = $2 ORDER BY o.id",
    )
    .bind(entry)
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// A help-request candidate as listed.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct HelpCandidateRow {
    /// Id.
    pub id: i64,
    /// Where it came from.
    pub source: String,
    /// The call.
    pub call_entry_id: Option<i64>,
    /// The client, when known.
    pub client_id: Option<i64>,
    /// The help needed.
    pub need: String,
    /// Status.
    pub status: String,
    /// When (ms).
    pub created_at: i64,
}

/// The organisation's help-request candidates, newest first.
pub async fn help_candidates(db: &Db, actor: &Actor) -> Result<Vec<HelpCandidateRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(
        "SELECT id, source, call_entry_id, client_id, need, status, created_at FROM help_request_candidates WHERE org_id = $1 ORDER BY id DESC LIMIT 500",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}
