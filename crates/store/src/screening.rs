//! Proactive screening (issue 4, point 4): background jobs that screen a population for
//! rights it probably misses, their row errors and their results.
//!
//! A job is created `queued` with the key of its upload folder (the web layer keeps the
//! files). A runner *claims* it (`running`, its own runner id, a heartbeat), reports progress
//! and the first row errors, and finally imports the results **in the transaction that marks
//! the job `done`**, so an interrupted run never leaves results behind. A job whose runner
//! stopped (no heartbeat for a while, e.g. after a crash or a restart of the server) can be
//! claimed again and starts over from its upload.
//!
//! Every function that an organisation's member calls takes the acting [`Actor`] and only
//! finds jobs of the actor's organisation; reads of results and creations are audited. The
//! runner's functions take no actor: they act for the system (audit rows without account).

use crate::audit::{self, Entry};
use crate::clients::org_of;
use crate::{Db, StoreError, Tx, now_ms};
use serde::Serialize;
use sterk_domain::access::Actor;
use sterk_domain::values::{BirthDate, format_date};
use time::Date;

/// At most this many row errors are stored per job (the count goes on).
pub const MAX_STORED_ERRORS: usize = 1000;

/// A new job.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// `file` or `clients`.
    pub source: &'a str,
    /// Name of the upload folder (random, not guessable).
    pub upload_key: &'a str,
    /// `csv` or `parquet`.
    pub households_format: &'a str,
    /// Whether a persons file was uploaded.
    pub has_persons: bool,
    /// The name of the uploaded file (or empty).
    pub label: &'a str,
    /// Reference date of the screening.
    pub reference_date: Date,
    /// The version of the rules.
    pub rules_version: &'a str,
}

/// A job as shown.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct JobRow {
    /// Id.
    pub id: i64,
    /// Organisation.
    pub org_id: i64,
    /// `file` or `clients`.
    pub source: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Upload folder name.
    #[serde(skip)]
    pub upload_key: String,
    /// `csv` or `parquet`.
    pub households_format: String,
    /// 1 when a persons file came with it.
    pub has_persons: i64,
    /// File name given.
    pub label: String,
    /// Reference date.
    pub reference_date: String,
    /// Rules version.
    pub rules_version: String,
    /// Percent done (0-100).
    pub progress: i64,
    /// Household rows read.
    pub households_read: i64,
    /// Households screened.
    pub households_screened: i64,
    /// Person rows read.
    pub persons_read: i64,
    /// Rows with errors.
    pub error_count: i64,
    /// Households with probable non-take-up.
    pub households_non_take_up: i64,
    /// Sum of the monthly amounts missed.
    pub missed_monthly_cents: i64,
    /// Sum of the yearly amounts missed.
    pub missed_yearly_cents: i64,
    /// Why it failed (a stable code).
    pub failure: Option<String>,
    /// How many times a runner started it.
    pub attempts: i64,
    /// Who created it.
    pub created_by_name: Option<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Last start (ms).
    pub started_at: Option<i64>,
    /// Finished (ms).
    pub finished_at: Option<i64>,
}

impl JobRow {
    /// Whether the job is still to finish.
    pub fn is_active(&self) -> bool {
        self.status == "queued" || self.status == "running"
    }
}

const SELECT_JOB: &str = "SELECT j.id, j.org_id, j.source, j.status, j.upload_key, j.households_format, j.has_persons, j.label, j.reference_date, j.rules_version, \
    j.progress, j.households_read, j.households_screened, j.persons_read, j.error_count, j.households_non_take_up, j.missed_monthly_cents, j.missed_yearly_cents, \
    j.failure, j.attempts, a.display_name AS created_by_name, j.created_at, j.started_at, j.finished_at FROM screening_jobs j LEFT JOIN accounts a ON a.id = j.created_by";

/// Creates a queued job for the actor's organisation; audited.
pub async fn create_job(db: &Db, actor: &Actor, job: &NewJob<'_>) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO screening_jobs (org_id, source, status, upload_key, households_format, has_persons, label, reference_date, rules_version, created_by, created_at) \
         VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(org)
    .bind(job.source)
    .bind(job.upload_key)
    .bind(job.households_format)
    .bind(i64::from(job.has_persons))
    .bind(job.label)
    .bind(format_date(job.reference_date))
    .bind(job.rules_version)
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "screening.create",
            entity: "screening",
            entity_id: Some(id),
            detail: job.source,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The organisation's jobs, newest first.
pub async fn list_jobs(db: &Db, actor: &Actor) -> Result<Vec<JobRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(&format!(
        "{SELECT_JOB} WHERE j.org_id = $1 ORDER BY j.id DESC LIMIT 200"
    ))
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// One job of the actor's organisation (its counts hold no personal data: not audited).
pub async fn get_job(db: &Db, actor: &Actor, id: i64) -> Result<JobRow, StoreError> {
    let org = org_of(actor)?;
    sqlx::query_as(&format!("{SELECT_JOB} WHERE j.id = $1 AND j.org_id = $2"))
        .bind(id)
        .bind(org)
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)
}

/// A row that could not be read.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ErrorRow {
    /// `households` or `persons`.
    pub file: String,
    /// Line number (1 = header).
    pub line: i64,
    /// Field concerned.
    pub field: Option<String>,
    /// What is wrong (the screening engine's words).
    pub message: String,
}

/// The stored row errors of a job, in file order.
pub async fn job_errors(
    db: &Db,
    actor: &Actor,
    id: i64,
    limit: i64,
) -> Result<Vec<ErrorRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(
        "SELECT e.file, e.line, e.field, e.message FROM screening_errors e JOIN screening_jobs j ON j.id = e.job_id \
         WHERE e.job_id = $1 AND j.org_id = $2 ORDER BY e.id LIMIT $3",
    )
    .bind(id)
    .bind(org)
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}

/// A household with probable non-take-up.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ResultRow {
    /// Id.
    pub id: i64,
    /// The household's id in the file (the client id for a screening of clients).
    pub household_ref: String,
    /// The client, for a screening of clients.
    pub client_id: Option<i64>,
    /// The rights probably missed, separated by `;`.
    pub rights_missed: String,
    /// How many.
    pub rights_count: i64,
    /// Monthly amounts missed (cents).
    pub missed_monthly_cents: i64,
    /// Yearly amounts missed (cents).
    pub missed_yearly_cents: i64,
}

impl ResultRow {
    /// The rights missed, as ids.
    pub fn rights(&self) -> Vec<&str> {
        self.rights_missed
            .split(';')
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// How to order results and call lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Most money missed first (a year's worth: monthly × 12 + yearly).
    Money,
    /// Most rights missed first.
    Rights,
}

impl Priority {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Priority::Money => "money",
            Priority::Rights => "rights",
        }
    }
    /// Parses a code.
    pub fn parse(s: &str) -> Result<Priority, &'static str> {
        match s {
            "money" => Ok(Priority::Money),
            "rights" => Ok(Priority::Rights),
            _ => Err("choice_invalid"),
        }
    }
}

/// Rows per compressed block of results.
pub const BLOCK_ROWS: usize = 4096;

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Encodes a block of results (length-prefixed strings, little-endian integers) and
/// compresses it with lz4.
fn encode_block(rows: &[NewResult]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(rows.len() * 48);
    for r in rows {
        put_str(&mut raw, &r.household_ref);
        raw.extend_from_slice(&r.client_id.unwrap_or(i64::MIN).to_le_bytes());
        put_str(&mut raw, &r.rights_missed);
        raw.extend_from_slice(&r.rights_count.to_le_bytes());
        raw.extend_from_slice(&r.missed_monthly_cents.to_le_bytes());
        raw.extend_from_slice(&r.missed_yearly_cents.to_le_bytes());
    }
    lz4_flex::compress_prepend_size(&raw)
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<String> {
        let n = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

/// Decodes a block written by [`encode_block`]; the rows get ids from the block's place in
/// the job (`seq * BLOCK_ROWS + n + 1`). `None` for a damaged block (never a panic).
fn decode_block(seq: i64, data: &[u8]) -> Option<Vec<ResultRow>> {
    // A block never holds more than BLOCK_ROWS rows of a few hundred bytes.
    if data.len() >= 4 {
        let size = u32::from_le_bytes(data[..4].try_into().ok()?) as usize;
        if size > BLOCK_ROWS * 4096 {
            return None;
        }
    }
    let raw = lz4_flex::decompress_size_prepended(data).ok()?;
    let mut c = Cursor(&raw);
    let mut rows = Vec::new();
    while !c.0.is_empty() {
        let household_ref = c.str()?;
        let client = c.i64()?;
        let rights_missed = c.str()?;
        rows.push(ResultRow {
            id: seq
                .saturating_mul(BLOCK_ROWS as i64)
                .saturating_add(rows.len() as i64 + 1),
            household_ref,
            client_id: (client != i64::MIN).then_some(client),
            rights_missed,
            rights_count: c.i64()?,
            missed_monthly_cents: c.i64()?,
            missed_yearly_cents: c.i64()?,
        });
    }
    Some(rows)
}

/// Every result of job `job` (of `org`), optionally only the households missing `right`, in
/// the order of `priority`: decoded from the job's blocks (and the rows of a job screened
/// before blocks existed).
pub(crate) async fn load_results(
    conn: &mut sqlx::AnyConnection,
    job: i64,
    org: i64,
    right: Option<&str>,
    priority: Priority,
) -> Result<Vec<ResultRow>, StoreError> {
    let mut rows: Vec<ResultRow> = sqlx::query_as(
        "SELECT r.id, r.household_ref, r.client_id, r.rights_missed, r.rights_count, r.missed_monthly_cents, r.missed_yearly_cents \
         FROM screening_results r WHERE r.job_id = $1 AND r.org_id = $2",
    )
    .bind(job)
    .bind(org)
    .fetch_all(&mut *conn)
    .await?;
    let pattern = right.map(|r| format!("%;{r};%"));
    let blocks: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT seq, data FROM screening_blocks WHERE job_id = $1 AND org_id = $2 AND ($3 = '' OR rights LIKE $3) ORDER BY seq",
    )
    .bind(job)
    .bind(org)
    .bind(pattern.as_deref().unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    for (seq, data) in blocks {
        rows.extend(decode_block(seq, &data).ok_or(StoreError::Refused("results_damaged"))?);
    }
    if let Some(r) = right {
        rows.retain(|x| x.rights().contains(&r));
    }
    let money = |x: &ResultRow| {
        x.missed_monthly_cents
            .saturating_mul(12)
            .saturating_add(x.missed_yearly_cents)
    };
    match priority {
        Priority::Money => rows.sort_by(|a, b| {
            money(b)
                .cmp(&money(a))
                .then(b.rights_count.cmp(&a.rights_count))
                .then(a.id.cmp(&b.id))
        }),
        Priority::Rights => rows.sort_by(|a, b| {
            b.rights_count
                .cmp(&a.rights_count)
                .then(money(b).cmp(&money(a)))
                .then(a.id.cmp(&b.id))
        }),
    }
    Ok(rows)
}

/// One page of a job's results, prioritised, optionally only the households missing
/// `right`, with the number of results (after the filter); the read is audited.
pub async fn results(
    db: &Db,
    actor: &Actor,
    id: i64,
    priority: Priority,
    right: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ResultRow>, i64), StoreError> {
    let org = org_of(actor)?;
    get_job(db, actor, id).await?;
    let mut conn = db.reader().acquire().await?;
    let all = load_results(&mut conn, id, org, right, priority).await?;
    let total = all.len() as i64;
    let rows: Vec<ResultRow> = all
        .into_iter()
        .skip(usize::try_from(offset.max(0)).unwrap_or(0))
        .take(usize::try_from(limit.max(0)).unwrap_or(0))
        .collect();
    drop(conn);
    let detail = format!("offset={offset}");
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "screening.results_view",
            entity: "screening",
            entity_id: Some(id),
            detail: &detail,
        },
    )
    .await?;
    Ok((rows, total))
}

/// Deletes a job with its errors and results (call rounds made from it keep their lists);
/// returns the upload key so the caller removes the files. Audited.
pub async fn delete_job(db: &Db, actor: &Actor, id: i64) -> Result<String, StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let found: Option<(String,)> =
        sqlx::query_as("SELECT upload_key FROM screening_jobs WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org)
            .fetch_optional(&mut *tx)
            .await?;
    let (key,) = found.ok_or(StoreError::NotFound)?;
    for sql in [
        "DELETE FROM screening_results WHERE job_id = $1",
        "DELETE FROM screening_blocks WHERE job_id = $1",
        "DELETE FROM screening_errors WHERE job_id = $1",
        "UPDATE call_rounds SET job_id = NULL WHERE job_id = $1",
        "DELETE FROM screening_jobs WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "screening.delete",
            entity: "screening",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(key)
}

/// Every upload key still in use (to clean up folders without a job).
pub async fn upload_keys(db: &Db) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT upload_key FROM screening_jobs")
        .fetch_all(db.reader())
        .await?;
    Ok(rows.into_iter().map(|(k,)| k).collect())
}

// ----- The runner's side -----

/// Jobs a runner may take: queued ones, and running ones whose runner gave no sign of life
/// since `stale_before` (ms), oldest first.
pub async fn claimable(db: &Db, stale_before: i64) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM screening_jobs WHERE status = 'queued' OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $1)) ORDER BY id",
    )
    .bind(stale_before)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Claims a job for `runner` when it is queued or its runner is gone (see [`claimable`]):
/// the job starts over, its earlier row errors are dropped. `None` when someone else has it.
pub async fn claim(
    db: &Db,
    id: i64,
    runner: &str,
    stale_before: i64,
) -> Result<Option<JobRow>, StoreError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE screening_jobs SET status = 'running', runner = $1, heartbeat_at = $2, started_at = $2, attempts = attempts + 1, progress = 0, \
         households_read = 0, households_screened = 0, persons_read = 0, error_count = 0, households_non_take_up = 0, missed_monthly_cents = 0, missed_yearly_cents = 0, failure = NULL \
         WHERE id = $3 AND (status = 'queued' OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $4)))",
    )
    .bind(runner)
    .bind(now)
    .bind(id)
    .bind(stale_before)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(None);
    }
    sqlx::query("DELETE FROM screening_errors WHERE job_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Never any: results are only written with `done`. Kept as a guard.
    for sql in [
        "DELETE FROM screening_results WHERE job_id = $1",
        "DELETE FROM screening_blocks WHERE job_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    let job: JobRow = sqlx::query_as(&format!("{SELECT_JOB} WHERE j.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let detail = format!("attempt={}", job.attempts);
    audit::record(
        &mut tx,
        Entry {
            account: None,
            org: Some(job.org_id),
            action: "screening.start",
            entity: "screening",
            entity_id: Some(id),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(job))
}

/// A row error to store.
#[derive(Debug, Clone)]
pub struct NewError {
    /// `households` or `persons`.
    pub file: String,
    /// Line.
    pub line: i64,
    /// Field.
    pub field: Option<String>,
    /// Message.
    pub message: String,
}

async fn insert_errors(tx: &mut Tx, id: i64, errors: &[NewError]) -> Result<(), StoreError> {
    for e in errors {
        sqlx::query(
            "INSERT INTO screening_errors (job_id, file, line, field, message) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&e.file)
        .bind(e.line)
        .bind(&e.field)
        .bind(&e.message)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Progress of a running job: percent, households read, the error count so far and new row
/// errors to store. Returns `false` when the job is no longer this runner's (deleted, or
/// claimed by another runner): the runner then stops.
pub async fn progress(
    db: &Db,
    id: i64,
    runner: &str,
    percent: i64,
    households_read: i64,
    error_count: i64,
    new_errors: &[NewError],
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE screening_jobs SET progress = $1, households_read = $2, error_count = $3, heartbeat_at = $4 WHERE id = $5 AND runner = $6 AND status = 'running'",
    )
    .bind(percent.clamp(0, 100))
    .bind(households_read)
    .bind(error_count)
    .bind(now_ms())
    .bind(id)
    .bind(runner)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(false);
    }
    insert_errors(&mut tx, id, new_errors).await?;
    tx.commit().await?;
    Ok(true)
}

/// A sign of life of the runner (between progress reports); `false` when the job is gone.
pub async fn heartbeat(db: &Db, id: i64, runner: &str) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query("UPDATE screening_jobs SET heartbeat_at = $1 WHERE id = $2 AND runner = $3 AND status = 'running'")
        .bind(now_ms())
        .bind(id)
        .bind(runner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(n > 0)
}

/// Marks a job failed with a stable code (a fatal problem, not a bad row).
pub async fn fail(db: &Db, id: i64, runner: &str, code: &str) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let org: Option<(i64,)> = sqlx::query_as(
        "UPDATE screening_jobs SET status = 'failed', failure = $1, finished_at = $2 WHERE id = $3 AND runner = $4 AND status = 'running' RETURNING org_id",
    )
    .bind(code)
    .bind(now_ms())
    .bind(id)
    .bind(runner)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((org,)) = org {
        audit::record(
            &mut tx,
            Entry {
                account: None,
                org: Some(org),
                action: "screening.fail",
                entity: "screening",
                entity_id: Some(id),
                detail: code,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A result row to import.
#[derive(Debug, Clone)]
pub struct NewResult {
    /// Household id in the file.
    pub household_ref: String,
    /// The client, for a screening of clients.
    pub client_id: Option<i64>,
    /// Rights missed, separated by `;`.
    pub rights_missed: String,
    /// How many.
    pub rights_count: i64,
    /// Monthly amounts missed.
    pub missed_monthly_cents: i64,
    /// Yearly amounts missed.
    pub missed_yearly_cents: i64,
}

/// The final counts of a job.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Household rows read.
    pub households_read: i64,
    /// Households screened.
    pub households_screened: i64,
    /// Person rows read.
    pub persons_read: i64,
    /// Rows with errors.
    pub error_count: i64,
}

/// The import of a job's results: one transaction, committed together with `done`. The
/// results are written in lz4-compressed blocks of [`BLOCK_ROWS`] households
/// (`screening_blocks`), in the order they come.
pub struct Import {
    tx: Tx,
    id: i64,
    org: i64,
    runner: String,
    households: i64,
    monthly: i64,
    yearly: i64,
    batch: Vec<NewResult>,
    seq: i64,
}

impl Import {
    /// Starts the import of job `id` (of organisation `org`) for `runner`.
    pub async fn begin(db: &Db, id: i64, org: i64, runner: &str) -> Result<Import, StoreError> {
        Ok(Import {
            tx: db.begin().await?,
            id,
            org,
            runner: runner.to_owned(),
            households: 0,
            monthly: 0,
            yearly: 0,
            batch: Vec::with_capacity(BLOCK_ROWS),
            seq: 0,
        })
    }

    /// Adds one result.
    pub async fn push(&mut self, row: NewResult) -> Result<(), StoreError> {
        self.households += 1;
        self.monthly = self.monthly.saturating_add(row.missed_monthly_cents);
        self.yearly = self.yearly.saturating_add(row.missed_yearly_cents);
        self.batch.push(row);
        if self.batch.len() >= BLOCK_ROWS {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let mut rights: Vec<&str> = self
            .batch
            .iter()
            .flat_map(|r| r.rights_missed.split(';'))
            .filter(|r| !r.is_empty())
            .collect();
        rights.sort_unstable();
        rights.dedup();
        let rights = format!(";{};", rights.join(";"));
        let data = encode_block(&self.batch);
        sqlx::query(
            "INSERT INTO screening_blocks (job_id, org_id, seq, row_count, rights, data) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.id)
        .bind(self.org)
        .bind(self.seq)
        .bind(self.batch.len() as i64)
        .bind(rights)
        .bind(data)
        .execute(&mut *self.tx)
        .await?;
        self.seq += 1;
        self.batch.clear();
        Ok(())
    }

    /// Marks the job `done` with its counts and the last row errors, and commits everything.
    /// Returns `false` (and writes nothing) when the job is no longer this runner's.
    pub async fn finish(
        mut self,
        totals: &Totals,
        last_errors: &[NewError],
    ) -> Result<bool, StoreError> {
        self.flush().await?;
        let n = sqlx::query(
            "UPDATE screening_jobs SET status = 'done', progress = 100, households_read = $1, households_screened = $2, persons_read = $3, error_count = $4, \
             households_non_take_up = $5, missed_monthly_cents = $6, missed_yearly_cents = $7, finished_at = $8, heartbeat_at = $8 \
             WHERE id = $9 AND runner = $10 AND status = 'running'",
        )
        .bind(totals.households_read)
        .bind(totals.households_screened)
        .bind(totals.persons_read)
        .bind(totals.error_count)
        .bind(self.households)
        .bind(self.monthly)
        .bind(self.yearly)
        .bind(now_ms())
        .bind(self.id)
        .bind(&self.runner)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if n == 0 {
            self.tx.rollback().await?;
            return Ok(false);
        }
        insert_errors(&mut self.tx, self.id, last_errors).await?;
        let detail = format!(
            "households={} non_take_up={}",
            totals.households_screened, self.households
        );
        audit::record(
            &mut self.tx,
            Entry {
                account: None,
                org: Some(self.org),
                action: "screening.done",
                entity: "screening",
                entity_id: Some(self.id),
                detail: &detail,
            },
        )
        .await?;
        self.tx.commit().await?;
        Ok(true)
    }
}

// ----- The organisation's clients as a population -----

/// What a screening (or a call round's filter) needs of a client.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PopulationRow {
    /// Client id (the household id of the screening).
    pub id: i64,
    /// Birth date or year.
    pub birth: Option<String>,
    /// Municipality.
    pub refnis: Option<String>,
    /// Adults.
    pub adults: i64,
    /// Children.
    pub children: i64,
    /// 1 when living alone.
    pub lives_alone: i64,
    /// The answers of the client's latest rights check (the engine's household JSON).
    pub answers: Option<String>,
}

impl PopulationRow {
    /// Age on `date`, when the birth is known.
    pub fn age_on(&self, date: Date) -> Option<i64> {
        self.birth
            .as_deref()
            .and_then(BirthDate::from_storage)
            .map(|b| i64::from(b.age_on(date)))
    }
}

/// The organisation's clients (not erased), by id, with their latest rights-check answers;
/// optionally only those living alone. Audited as one read.
pub async fn client_population(
    db: &Db,
    actor: &Actor,
    only_living_alone: bool,
) -> Result<Vec<PopulationRow>, StoreError> {
    let org = org_of(actor)?;
    let rows = sqlx::query_as(
        "SELECT c.id, c.birth, c.refnis, c.adults, c.children, c.lives_alone, \
         (SELECT k.answers FROM rights_checks k WHERE k.client_id = c.id AND k.org_id = c.org_id ORDER BY k.id DESC LIMIT 1) AS answers \
         FROM clients c WHERE c.org_id = $1 AND c.erased_at IS NULL AND ($2 = 0 OR c.lives_alone = 1) ORDER BY c.id",
    )
    .bind(org)
    .bind(i64::from(only_living_alone))
    .fetch_all(db.reader())
    .await?;
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "client.population",
            entity: "client",
            entity_id: None,
            detail: if only_living_alone { "lives_alone" } else { "" },
        },
    )
    .await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_block_reads_back_what_was_written_and_damage_is_no_panic() {
        let rows: Vec<NewResult> = (0..3000)
            .map(|i| NewResult {
                household_ref: format!("h,\"{i}\"\n"),
                client_id: (i % 2 == 0).then_some(i),
                rights_missed: if i % 3 == 0 {
                    "igo;mvv".into()
                } else {
                    "igo".into()
                },
                rights_count: 1 + i64::from(i % 3 == 0),
                missed_monthly_cents: i * 100,
                missed_yearly_cents: -i,
            })
            .collect();
        let data = encode_block(&rows);
        assert!(data.len() < 3000 * 20, "compressed: {} bytes", data.len());
        let back = decode_block(2, &data).unwrap();
        assert_eq!(back.len(), rows.len());
        for (a, b) in rows.iter().zip(&back) {
            assert_eq!(a.household_ref, b.household_ref);
            assert_eq!(a.client_id, b.client_id);
            assert_eq!(a.rights_missed, b.rights_missed);
            assert_eq!(a.rights_count, b.rights_count);
            assert_eq!(a.missed_monthly_cents, b.missed_monthly_cents);
            assert_eq!(a.missed_yearly_cents, b.missed_yearly_cents);
        }
        assert_eq!(back[0].id, 2 * BLOCK_ROWS as i64 + 1);
        for cut in [0, 1, 3, 4, 10, data.len() / 2, data.len() - 1] {
            let _ = decode_block(0, &data[..cut]);
        }
        let mut bad = data.clone();
        for b in bad.iter_mut().skip(4).step_by(7) {
            *b ^= 0x5a;
        }
        let _ = decode_block(0, &bad);
        assert!(decode_block(0, &[0xff, 0xff, 0xff, 0x7f, 1, 2, 3]).is_none());
    }
}
