//! Proactive screening as background jobs, and call rounds (issue 4, points 4 and 5).
//!
//! A screening screens a population file (the format of `sterk rights screen`: see
//! `docs/screening.md`) or the organisation's own clients with `sterk_batch::screen`, on a
//! blocking thread. The files live in the data folder (`STERK_DATA_DIR`, default `./data`)
//! under `uploads/<key>/`, where `<key>` is random, until the screening is deleted.
//!
//! **Restart.** A running job writes a heartbeat (with its progress, at most every half
//! second, and at least every [`HEARTBEAT`]). [`resume`] claims every job that is queued, or
//! running without a heartbeat for [`STALE`] (its server stopped), and starts it over from
//! its upload; the runner of [`start_background`] calls it at start-up and every
//! [`SWEEP`]. Results are written in the transaction that marks the job `done`
//! (`sterk_store::screening::Import`), so an interrupted run leaves no results, and a claim
//! in the database makes sure two servers never both finish the same job.

pub mod callrounds;
pub mod pages;

use crate::AppState;
use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sterk_batch::{Format, Progress, RowError, ScreenError, ScreenOptions};
use sterk_rules::{Model, Ty};
use sterk_store::screening::{self as store, JobRow, NewError, NewResult, PopulationRow, Totals};
use sterk_store::{StoreError, now_ms};
use tokio::sync::{Semaphore, mpsc};

/// How often a running job shows it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// A running job without a sign of life for this long is taken over.
pub const STALE: Duration = Duration::from_secs(30);
/// How often the background runner looks for jobs to (re)start.
pub const SWEEP: Duration = Duration::from_secs(10);
/// Progress is written at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// The screening jobs of this server.
#[derive(Debug)]
pub struct Jobs {
    /// The data folder (uploads under `uploads/`).
    pub data_dir: PathBuf,
    /// This server's runner id (random per start).
    runner: String,
    /// Jobs this server runs now.
    running: Mutex<HashSet<i64>>,
    /// At most this many screenings at once on this server.
    permits: Arc<Semaphore>,
    /// Whether the background runner was started.
    started: AtomicBool,
}

impl Jobs {
    /// Jobs with uploads under `data_dir`.
    pub fn new(data_dir: PathBuf) -> Jobs {
        let mut bytes = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        Jobs {
            data_dir,
            runner: bytes.iter().map(|b| format!("{b:02x}")).collect(),
            running: Mutex::new(HashSet::new()),
            permits: Arc::new(Semaphore::new(1)),
            started: AtomicBool::new(false),
        }
    }

    /// The data folder from `STERK_DATA_DIR`, else `./data`.
    pub fn from_env() -> Jobs {
        Jobs::new(
            std::env::var_os("STERK_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("data")),
        )
    }

    /// The folder of an upload.
    pub fn upload_dir(&self, key: &str) -> PathBuf {
        self.data_dir.join("uploads").join(key)
    }

    fn take(&self, id: i64) -> bool {
        self.running
            .lock()
            .map(|mut s| s.insert(id))
            .unwrap_or(false)
    }

    fn release(&self, id: i64) {
        if let Ok(mut s) = self.running.lock() {
            s.remove(&id);
        }
    }
}

/// A new random upload key (also the folder name).
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Starts the background runner once per [`Jobs`]: a first [`resume`] at once, then one
/// every [`SWEEP`]. Does nothing outside a tokio runtime.
pub fn start_background(state: &AppState) {
    if state.screening.started.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        state.screening.started.store(false, Ordering::SeqCst);
        return;
    };
    let state = state.clone();
    handle.spawn(async move {
        let mut tick = tokio::time::interval(SWEEP);
        loop {
            tick.tick().await;
            if let Err(e) = resume(&state).await {
                tracing::warn!(error.detail = %e, "screening: could not look for jobs to resume");
            }
        }
    });
}

/// Takes every job that is queued, or running on a server that stopped (no heartbeat for
/// [`STALE`]), and starts it over. Safe to call at any time and from several servers: a job
/// is claimed in the database (atomically) only when this server has a free slot, so a job
/// waiting here stays `queued` and another server may take it. Returns how many jobs were
/// taken in hand.
pub async fn resume(state: &AppState) -> Result<usize, StoreError> {
    let stale_before = now_ms() - STALE.as_millis() as i64;
    let mut started = 0;
    for id in store::claimable(&state.db, stale_before).await? {
        if state.screening.take(id) {
            spawn(state.clone(), id);
            started += 1;
        }
    }
    Ok(started)
}

/// Starts a freshly created job (as soon as this server has a free slot).
pub async fn start(state: &AppState, id: i64) -> Result<(), StoreError> {
    if state.screening.take(id) {
        spawn(state.clone(), id);
    }
    Ok(())
}

fn spawn(state: AppState, id: i64) {
    tokio::spawn(async move {
        let permit = state.screening.permits.clone().acquire_owned().await;
        let stale_before = now_ms() - STALE.as_millis() as i64;
        match store::claim(&state.db, id, &state.screening.runner, stale_before).await {
            Ok(Some(job)) => {
                tracing::info!(
                    screening.job = id,
                    screening.attempt = job.attempts,
                    "screening: job started"
                );
                if let Err(e) = run(&state, &job).await {
                    tracing::error!(screening.job = id, error.detail = %e, "screening: job stopped by a storage error");
                }
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(screening.job = id, error.detail = %e, "screening: could not claim a job");
            }
        }
        drop(permit);
        state.screening.release(id);
    });
}

enum Msg {
    Progress {
        percent: i64,
        households: i64,
        errors: i64,
        new_errors: Vec<NewError>,
    },
}

fn to_new_error(e: &RowError) -> NewError {
    NewError {
        file: e.file.to_owned(),
        line: e.line as i64,
        field: e.field.clone(),
        message: e.message.chars().take(500).collect(),
    }
}

/// The file of the households in an upload folder.
pub fn households_path(dir: &Path, format: &str) -> PathBuf {
    dir.join(if format == "parquet" {
        "households.parquet"
    } else {
        "households.csv"
    })
}

/// The file of the persons in an upload folder (`None` when there is none).
pub fn persons_path(dir: &Path) -> Option<PathBuf> {
    ["persons.csv", "persons.parquet"]
        .into_iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists())
}

fn options(dir: &Path, job: &JobRow) -> ScreenOptions {
    let date = sterk_domain::values::parse_date(&job.reference_date)
        .unwrap_or_else(|_| crate::ctx::today());
    let mut opts = ScreenOptions::new(
        households_path(dir, &job.households_format),
        if job.has_persons == 1 {
            persons_path(dir)
        } else {
            None
        },
        Some(dir.join("results.csv")),
        date,
    );
    // Leave a core to the web server.
    opts.threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .max(1);
    opts
}

/// Runs a claimed job to its end: `done` with results, or `failed` with a code.
async fn run(state: &AppState, job: &JobRow) -> Result<(), StoreError> {
    let db = &state.db;
    let runner = state.screening.runner.clone();
    let dir = state.screening.upload_dir(&job.upload_key);
    let opts = options(&dir, job);
    let engine = state.rights.clone();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let work = tokio::task::spawn_blocking(move || {
        let model: &Model = &engine.model;
        // Both callbacks run on this thread; they share the pending errors and the count.
        let pending = std::cell::RefCell::new(Vec::<NewError>::new());
        let count = std::cell::Cell::new(0i64);
        let mut on_error = |e: &RowError| {
            count.set(count.get() + 1);
            if count.get() <= store::MAX_STORED_ERRORS as i64 {
                pending.borrow_mut().push(to_new_error(e));
            }
        };
        let mut last = Instant::now();
        let mut last_pct = -1;
        let mut on_progress = |p: Progress| {
            let pct = (p.done.min(p.total) * 100)
                .checked_div(p.total)
                .map_or(0, |v| v as i64);
            if last.elapsed() >= PROGRESS_EVERY && (pct != last_pct || !pending.borrow().is_empty())
            {
                last = Instant::now();
                last_pct = pct;
                let _ = tx.send(Msg::Progress {
                    // 100 is only shown once the results are in.
                    percent: pct.min(99),
                    households: p.households as i64,
                    errors: count.get(),
                    new_errors: std::mem::take(&mut *pending.borrow_mut()),
                });
            }
        };
        let result = sterk_batch::screen(model, &opts, &mut on_error, &mut on_progress);
        let rest = pending.take();
        (result, rest, count.get(), opts)
    });
    let mut beat = tokio::time::interval(HEARTBEAT);
    beat.tick().await;
    let mut ours = true;
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(Msg::Progress { percent, households, errors, new_errors }) => {
                    if ours {
                        ours = store::progress(db, job.id, &runner, percent, households, errors, &new_errors).await?;
                    }
                }
                None => break,
            },
            _ = beat.tick() => {
                if ours {
                    ours = store::heartbeat(db, job.id, &runner).await?;
                }
            }
        }
    }
    let (result, rest, errors, opts) = match work.await {
        Ok(r) => r,
        Err(_) => {
            store::fail(db, job.id, &runner, "internal").await?;
            return Ok(());
        }
    };
    if !ours {
        return Ok(());
    }
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            store::fail(db, job.id, &runner, failure_code(&e)).await?;
            return Ok(());
        }
    };
    // Import the results: read the result file on a blocking thread, in chunks, into one
    // transaction that also marks the job done. A heartbeat keeps the claim meanwhile.
    let (ctx, mut crx) = mpsc::channel::<Result<Vec<NewResult>, String>>(4);
    let results_file = opts.out.clone().unwrap_or_default();
    let clients = job.source == "clients";
    let reader = tokio::task::spawn_blocking(move || read_results(&results_file, clients, &ctx));
    let mut import = store::Import::begin(db, job.id, job.org_id, &runner).await?;
    let mut broken = false;
    while let Some(chunk) = crx.recv().await {
        match chunk {
            Ok(rows) => {
                for r in rows {
                    import.push(r).await?;
                }
            }
            Err(_) => broken = true,
        }
    }
    let _ = reader.await;
    if broken {
        drop(import);
        store::fail(db, job.id, &runner, "results_unreadable").await?;
        return Ok(());
    }
    let totals = Totals {
        households_read: summary.households_read as i64,
        households_screened: summary.households_screened as i64,
        persons_read: summary.persons_read as i64,
        error_count: errors.max(summary.errors as i64),
    };
    if import.finish(&totals, &rest).await? {
        tracing::info!(
            screening.job = job.id,
            screening.households = summary.households_screened,
            screening.errors = summary.errors,
            "screening: job done"
        );
    }
    Ok(())
}

fn failure_code(e: &ScreenError) -> &'static str {
    match e {
        ScreenError::Open(..) => "upload_missing",
        ScreenError::Io(_) => "io",
        ScreenError::Header(_) => "header",
        ScreenError::Parquet(_) => "parquet",
    }
}

/// Reads the result file of a screening and sends the households with probable non-take-up
/// in chunks. The last four columns are `non_take_up`, `rights_missed`,
/// `missed_monthly_cents` and `missed_yearly_cents` (docs/screening.md).
fn read_results(path: &Path, clients: bool, out: &mpsc::Sender<Result<Vec<NewResult>, String>>) {
    let mut rdr = match csv::ReaderBuilder::new().has_headers(true).from_path(path) {
        Ok(r) => r,
        Err(e) => {
            let _ = out.blocking_send(Err(e.to_string()));
            return;
        }
    };
    let mut chunk = Vec::with_capacity(1000);
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let n = rec.len();
                if n < 5 {
                    let _ = out.blocking_send(Err("short row".into()));
                    return;
                }
                let count: i64 = rec[n - 3].parse().unwrap_or(0);
                if count == 0 {
                    continue;
                }
                let id = rec[0].to_owned();
                chunk.push(NewResult {
                    client_id: if clients { id.parse().ok() } else { None },
                    household_ref: id,
                    rights_missed: rec[n - 4].to_owned(),
                    rights_count: count,
                    missed_monthly_cents: rec[n - 2].parse().unwrap_or(0),
                    missed_yearly_cents: rec[n - 1].parse().unwrap_or(0),
                });
                if chunk.len() == 1000
                    && out
                        .blocking_send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(1000))))
                        .is_err()
                {
                    return;
                }
            }
            Err(e) => {
                let _ = out.blocking_send(Err(e.to_string()));
                return;
            }
        }
    }
    if !chunk.is_empty() {
        let _ = out.blocking_send(Ok(chunk));
    }
}

// ----- Checking an upload before a job starts -----

/// Why an uploaded file cannot be screened (a translation key `error-screening-<code>`),
/// with a technical detail when it helps (a column name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// Which upload: `households` or `persons`.
    pub field: &'static str,
    /// Stable code.
    pub code: &'static str,
    /// The engine's words, when they name a column.
    pub detail: Option<String>,
}

impl FileProblem {
    /// A problem without detail.
    pub fn new(field: &'static str, code: &'static str) -> FileProblem {
        FileProblem {
            field,
            code,
            detail: None,
        }
    }
}

/// What an uploaded file is, by its first bytes (and its name when they do not tell).
pub fn sniff(field: &'static str, path: &Path, name: &str) -> Result<Format, FileProblem> {
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .and_then(|f| f.take(8192).read_to_end(&mut head))
        .map_err(|_| FileProblem::new(field, "screening_file_unreadable"))?;
    if head.is_empty() {
        return Err(FileProblem::new(field, "screening_file_empty"));
    }
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if head.starts_with(b"PAR1") {
        return Ok(Format::Parquet);
    }
    if matches!(ext.as_str(), "parquet" | "pq") {
        return Err(FileProblem::new(field, "screening_parquet_broken"));
    }
    if head.starts_with(b"PK\x03\x04")
        || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || matches!(ext.as_str(), "xlsx" | "xls" | "ods")
    {
        return Err(FileProblem::new(field, "screening_file_spreadsheet"));
    }
    if head.contains(&0) || head.starts_with(b"%PDF") {
        return Err(FileProblem::new(field, "screening_file_binary"));
    }
    if let Err(e) = std::str::from_utf8(&head) {
        // A character cut at the end of the sample is fine.
        if e.error_len().is_some() {
            return Err(FileProblem::new(field, "screening_file_encoding"));
        }
    }
    let first = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let first = String::from_utf8_lossy(first);
    if !first.contains(',') && first.contains(';') && first.contains("household_id") {
        return Err(FileProblem::new(field, "screening_file_semicolons"));
    }
    Ok(Format::Csv)
}

/// Checks the headers of the files in `dir` with the screening engine: nothing is read
/// beyond the first line (or the Parquet footer).
pub fn check_files(
    model: &Model,
    households: &Path,
    persons: Option<&Path>,
) -> Result<(), FileProblem> {
    let opts = ScreenOptions::new(
        households.to_path_buf(),
        persons.map(Path::to_path_buf),
        None,
        crate::ctx::today(),
    );
    match sterk_batch::check_header(model, &opts) {
        Ok(_) => Ok(()),
        Err(e) => Err(header_problem(&e)),
    }
}

fn header_problem(e: &ScreenError) -> FileProblem {
    let text = e.to_string();
    let field = if text.starts_with("persons") || text.contains("persons.") {
        "persons"
    } else {
        "households"
    };
    let code = match e {
        ScreenError::Parquet(_) => "screening_parquet_broken",
        ScreenError::Open(..) | ScreenError::Io(_) => "screening_file_unreadable",
        ScreenError::Header(_) if text.contains("`household_id` is missing") => {
            if field == "persons" {
                "screening_persons_no_household_id"
            } else {
                "screening_no_household_id"
            }
        }
        ScreenError::Header(_) if text.contains("`role` is missing") => "screening_persons_no_role",
        ScreenError::Header(_) if text.contains("empty file") => "screening_file_empty",
        ScreenError::Header(_) if text.contains("appears twice") => "screening_column_twice",
        ScreenError::Header(_) if text.contains("computed from the persons file") => {
            "screening_column_derived"
        }
        ScreenError::Header(_) => "screening_header",
    };
    FileProblem {
        field,
        code,
        detail: match e {
            ScreenError::Header(_) => Some(text),
            _ => None,
        },
    }
}

// ----- The organisation's clients as a population -----

/// The region of a municipality: REFNIS codes of the Brussels-Capital Region start with 21.
pub fn region_of(refnis: &str) -> &'static str {
    if refnis.starts_with("21") {
        "brussels"
    } else {
        "flanders"
    }
}

/// The engine's answers for a client: the latest rights check's answers, completed (and for
/// the age, corrected) with what the record holds: region from the municipality, age from
/// the birth, partner, children and other adults from the household.
pub fn client_facts(row: &PopulationRow, date: time::Date) -> BTreeMap<String, serde_json::Value> {
    let mut facts: BTreeMap<String, serde_json::Value> = row
        .answers
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or_default();
    if let Some(age) = row.age_on(date) {
        facts.insert("applicant_age".into(), age.into());
    }
    if let Some(r) = &row.refnis {
        facts
            .entry("region".into())
            .or_insert_with(|| region_of(r).into());
    }
    facts
        .entry("dependent_children".into())
        .or_insert_with(|| row.children.into());
    if row.adults == 1 || row.lives_alone == 1 {
        facts
            .entry("partner".into())
            .or_insert(serde_json::Value::Bool(false));
        facts
            .entry("other_adults".into())
            .or_insert_with(|| 0.into());
    }
    facts
}

fn csv_field(out: &mut String, v: &str) {
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// Writes the organisation's clients as a `households.csv` (sorted by id, one column per
/// model input; an unknown answer is an empty cell).
pub fn write_population(
    model: &Model,
    rows: &[PopulationRow],
    date: time::Date,
    path: &Path,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut line = String::from("household_id");
    for i in &model.inputs {
        line.push(',');
        line.push_str(&i.name);
    }
    line.push('\n');
    w.write_all(line.as_bytes())?;
    for r in rows {
        let facts = client_facts(r, date);
        line.clear();
        line.push_str(&r.id.to_string());
        for i in &model.inputs {
            line.push(',');
            match (i.ty, facts.get(&i.name)) {
                (_, None | Some(serde_json::Value::Null)) => {}
                (Ty::Bool, Some(serde_json::Value::Bool(b))) => {
                    line.push_str(if *b { "true" } else { "false" })
                }
                (_, Some(serde_json::Value::String(s))) => csv_field(&mut line, s),
                (_, Some(serde_json::Value::Number(n))) => line.push_str(&n.to_string()),
                (_, Some(_)) => {}
            }
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
    }
    w.flush()
}

/// Removes an upload folder (after its job was deleted, or when a file was refused).
pub fn remove_upload(state: &AppState, key: &str) {
    let dir = state.screening.upload_dir(key);
    if dir.exists()
        && let Err(e) = std::fs::remove_dir_all(&dir)
    {
        tracing::warn!(error.detail = %e, "screening: could not remove an upload folder");
    }
}

/// The largest upload accepted (households and persons files together).
pub const MAX_UPLOAD: usize = 2 * 1024 * 1024 * 1024;
