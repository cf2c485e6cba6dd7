//! Signals and signal dossiers (issue 5).
//!
//! A signal holds no personal data: the web layer runs the personal-data check
//! (`sterk_signals::pii`) before [`register`] is called, and a testimony is only stored under
//! an active consent for anonymous use in signals, checked in the registering transaction.
//! Signals of other organisations are only read through the de-identified columns
//! ([`SignalRow`]); the testimony of a signal travels only inside a dossier.
//!
//! A dossier moves through the states of `sterk_signals::dossier`; every change writes a row
//! in the append-only `signal_dossier_events` (triggers refuse updates and deletes) and an
//! audit row, in the change's transaction. Figures are read from `signal_counts`, kept in
//! the registering transaction.

use crate::audit::{self, Entry};
use crate::clients::{client_in_org, org_of, require_consent};
use crate::{Db, StoreError, Tx, now_ms};
use serde::Serialize;
use sterk_domain::access::{Action, Actor, Resource, authorize};
use sterk_domain::client::ConsentPurpose;
use sterk_signals::dossier::{Criteria, DossierStatus, Facts};
use sterk_signals::form::NewSignal;
use time::Date;

/// The id of the Flemish platform in the reference data.
pub const FLEMISH_PLATFORM: i64 = 1;

/// Where a signal comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Typed in the form.
    Form,
    /// From a signal candidate of the rights module (a refused right).
    SignalCandidate(i64),
    /// From a help-request candidate of a call round.
    HelpCandidate(i64),
}

impl Source {
    fn code(self) -> &'static str {
        match self {
            Source::Form => "form",
            Source::SignalCandidate(_) => "signal_candidate",
            Source::HelpCandidate(_) => "help_candidate",
        }
    }
    fn id(self) -> Option<i64> {
        match self {
            Source::Form => None,
            Source::SignalCandidate(id) | Source::HelpCandidate(id) => Some(id),
        }
    }
}

/// The names of the organisation's clients, for the personal-data check. The names never
/// leave the handler. The read is audited (`signal.pii_names`) by the caller: with the
/// signal, in the registering transaction ([`register`] with [`PiiCheck::names_read`]), or
/// on its own with [`audit_client_names`] when nothing is saved. The check's result is
/// audited with the signal (`signal.pii_check`).
///
/// The list is kept in memory per organisation ([`ClientNamesCache`]): every registration
/// needs it, and an organisation's clients change far less often than its workers register
/// signals. A client created, renamed or erased through this process empties the cache at
/// once; a change made by another process is seen after at most [`CLIENT_NAMES_TTL`].
pub async fn client_names(
    db: &Db,
    actor: &Actor,
) -> Result<std::sync::Arc<Vec<String>>, StoreError> {
    let org = org_of(actor)?;
    let cache = db.client_names();
    let generation = cache.generation();
    if let Some(names) = cache.fresh(org, generation) {
        return Ok(names);
    }
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM clients WHERE org_id = $1 AND erased_at IS NULL")
            .bind(org)
            .fetch_all(db.reader())
            .await?;
    let names = std::sync::Arc::new(rows.into_iter().map(|(n,)| n).collect::<Vec<_>>());
    cache.store(org, generation, names.clone());
    Ok(names)
}

/// How long [`client_names`] keeps an organisation's client names (changes made by another
/// process, such as a second server on the same database, are seen after this).
pub const CLIENT_NAMES_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// The organisations' client names in memory ([`client_names`]). Each list carries the
/// generation it was read at; every change of a client through this process moves the
/// generation on, after its commit ([`ClientNamesCache::changed`]), so a list read before or
/// during that change is never served again. At most [`CLIENT_NAMES_ORGS`] organisations are
/// kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientNamesCache(std::sync::Arc<ClientNamesInner>);

#[derive(Debug, Default)]
pub(crate) struct ClientNamesInner {
    generation: std::sync::atomic::AtomicU64,
    lists: std::sync::Mutex<std::collections::HashMap<i64, CachedClientNames>>,
}

/// An organisation's client names: the generation and the moment they were read.
type CachedClientNames = (u64, std::time::Instant, std::sync::Arc<Vec<String>>);

/// At most this many organisations' lists are kept by [`ClientNamesCache`].
const CLIENT_NAMES_ORGS: usize = 4096;

impl ClientNamesCache {
    fn generation(&self) -> u64 {
        self.0.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    fn fresh(&self, org: i64, generation: u64) -> Option<std::sync::Arc<Vec<String>>> {
        let lists = self.0.lists.lock().unwrap_or_else(|e| e.into_inner());
        lists
            .get(&org)
            .filter(|(g, at, _)| *g == generation && at.elapsed() < CLIENT_NAMES_TTL)
            .map(|(_, _, names)| names.clone())
    }

    fn store(&self, org: i64, generation: u64, names: std::sync::Arc<Vec<String>>) {
        let mut lists = self.0.lists.lock().unwrap_or_else(|e| e.into_inner());
        if lists.len() >= CLIENT_NAMES_ORGS && !lists.contains_key(&org) {
            lists.clear();
        }
        lists.insert(org, (generation, std::time::Instant::now(), names));
    }

    /// A client was created, changed or erased (call after its commit): no list read before
    /// is served again.
    pub(crate) fn changed(&self) {
        self.0
            .generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.0
            .lists
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

fn names_entry(account: i64, org: i64) -> Entry<'static> {
    Entry {
        account: Some(account),
        org: Some(org),
        action: "signal.pii_names",
        entity: "organisation",
        entity_id: Some(org),
        detail: "",
    }
}

/// Audits a read of [`client_names`] on its own (`signal.pii_names`), for a check after which
/// no signal was saved.
pub async fn audit_client_names(db: &Db, actor: &Actor) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    audit::record_now(db, names_entry(actor.account, org)).await
}

/// A client who gave an active consent for anonymous use in signals (for the testimony's
/// consent field).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ConsentingClient {
    /// Client id.
    pub id: i64,
    /// Name or pseudonym (shown to the worker of the same organisation only).
    pub name: String,
}

/// The organisation's clients with an active `anonymous_signal` consent on `today`.
pub async fn consenting_clients(
    db: &Db,
    actor: &Actor,
    today: Date,
) -> Result<Vec<ConsentingClient>, StoreError> {
    let org = org_of(actor)?;
    let day = sterk_domain::values::format_date(today);
    let rows = sqlx::query_as(
        "SELECT DISTINCT c.id, c.name FROM clients c JOIN consents k ON k.client_id = c.id \
         WHERE c.org_id = $1 AND c.erased_at IS NULL AND k.purpose = 'anonymous_signal' AND k.given_on <= $2 \
         AND (k.expires_on IS NULL OR k.expires_on >= $2) AND (k.withdrawn_on IS NULL OR k.withdrawn_on > $2) ORDER BY c.name LIMIT 500",
    )
    .bind(org)
    .bind(day)
    .fetch_all(db.reader())
    .await?;
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "client.list",
            entity: "organisation",
            entity_id: Some(org),
            detail: "purpose=anonymous_signal",
        },
    )
    .await?;
    Ok(rows)
}

fn month_of(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}", t.year(), t.month() as u8)
}

/// A value bound in a [`Batch`].
enum Arg<'a> {
    Int(Option<i64>),
    Text(&'a str),
    OptText(Option<&'a str>),
}

/// Statements run in order in the caller's transaction. On SQLite they go to the writer
/// connection's thread in one call (`$n` numbers the parameters of the whole text, so each
/// statement's are shifted), one hand-off instead of one per statement; PostgreSQL takes
/// one statement with parameters per call, so there they run one by one. Each statement's
/// own text, numbered from `$1`, is the same on both backends.
#[derive(Default)]
struct Batch<'a> {
    statements: Vec<(String, Vec<Arg<'a>>)>,
}

/// `sql` with every `$n` raised by `by`.
fn shift_params(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

impl<'a> Batch<'a> {
    fn push(&mut self, sql: String, args: Vec<Arg<'a>>) {
        self.statements.push((sql, args));
    }

    fn bind<'q>(
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        args: &'q [Arg<'q>],
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for a in args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(*v),
                Arg::OptText(v) => q.bind(*v),
            };
        }
        q
    }

    /// The whole batch as one text, its parameters numbered through (for SQLite).
    fn one_text(&self) -> (String, Vec<&Arg<'a>>) {
        let mut sql = String::new();
        let mut args: Vec<&Arg<'a>> = Vec::new();
        for (text, a) in &self.statements {
            sql.push_str(&shift_params(text, args.len()));
            sql.push_str(";\n");
            args.extend(a.iter());
        }
        (sql, args)
    }

    async fn run(&self, tx: &mut Tx, backend: crate::Backend) -> Result<(), StoreError> {
        match backend {
            crate::Backend::Sqlite => {
                let (sql, args) = self.one_text();
                let mut q = sqlx::query(&sql);
                for a in args {
                    q = match a {
                        Arg::Int(v) => q.bind(*v),
                        Arg::Text(v) => q.bind(*v),
                        Arg::OptText(v) => q.bind(*v),
                    };
                }
                q.execute(&mut **tx).await?;
            }
            crate::Backend::Postgres => {
                for (text, a) in &self.statements {
                    Self::bind(sqlx::query(text), a).execute(&mut **tx).await?;
                }
            }
        }
        Ok(())
    }

    /// Runs the batch in one call on SQLite and returns the rows of two integers its
    /// statements return.
    async fn fetch_sqlite(
        &self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let (sql, args) = self.one_text();
        let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
        for a in args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(*v),
                Arg::OptText(v) => q.bind(*v),
            };
        }
        Ok(q.fetch_all(conn).await?)
    }
}

/// The new signal's region and id in the statements of a [`Batch`]: read back from its
/// `INSERT`, or looked up by the statements themselves when the `INSERT` is in the same call
/// (the region from the municipality, the id as the largest: the transaction holds
/// SQLite's one write lock, so no other signal comes after it).
#[derive(Clone, Copy)]
enum NewRow<'a> {
    Known { platform: i64, region: &'a str },
    InCall { refnis: &'a str },
}

const PLATFORM_OF: &str = "(SELECT platform_id FROM municipalities WHERE refnis = $";

/// The cells of the figures a signal counts in, besides `all` and its region and month: its
/// challenge, its right or life domain and each of its (distinct) target groups.
fn cells_of(s: &NewSignal) -> impl Iterator<Item = (&str, &str)> {
    [
        ("challenge", s.challenge),
        (s.subject.kind(), s.subject.code()),
    ]
    .into_iter()
    .chain(s.target_groups.iter().map(|g| ("target_group", *g)))
}

/// Adds to `batch` the statements that add one to the counts of the figures for a new
/// signal: for all organisations (`signal_counts`, per month and region) and for its own
/// organisation (`signal_org_counts`), one row per dimension and code in each (the target
/// groups are distinct). With [`NewRow::InCall`] an unknown municipality makes them fail
/// (no region: `NOT NULL`).
fn count<'a>(batch: &mut Batch<'a>, org: i64, s: &'a NewSignal, month: &'a str, new: NewRow<'a>) {
    let mut cells = vec![("all", "all")];
    cells.extend(cells_of(s));
    let mut rows = Vec::with_capacity(cells.len());
    let mut args = Vec::with_capacity(cells.len() * 4);
    for (d, c) in &cells {
        let k = args.len();
        let platform = match new {
            NewRow::Known { platform, .. } => {
                args.extend([
                    Arg::Text(d),
                    Arg::Text(c),
                    Arg::Text(month),
                    Arg::Int(Some(platform)),
                ]);
                format!("${}", k + 4)
            }
            NewRow::InCall { refnis } => {
                args.extend([
                    Arg::Text(d),
                    Arg::Text(c),
                    Arg::Text(month),
                    Arg::Text(refnis),
                ]);
                format!("{PLATFORM_OF}{})", k + 4)
            }
        };
        rows.push(format!(
            "(${}, ${}, ${}, {platform}, 1)",
            k + 1,
            k + 2,
            k + 3
        ));
    }
    batch.push(
        format!(
            "INSERT INTO signal_counts (dimension, code, month, platform_id, n) VALUES {} \
             ON CONFLICT (dimension, code, month, platform_id) DO UPDATE SET n = signal_counts.n + 1",
            rows.join(", ")
        ),
        args,
    );
    // The organisation's own: no "all", but the region and the month.
    cells.remove(0);
    cells.push(("month", month));
    let mut rows = Vec::with_capacity(cells.len() + 1);
    let mut args = Vec::with_capacity(cells.len() * 3 + 3);
    let k = 0;
    let region = match new {
        NewRow::Known { region, .. } => {
            args.extend([Arg::Int(Some(org)), Arg::Text("region"), Arg::Text(region)]);
            format!("${}", k + 3)
        }
        NewRow::InCall { refnis } => {
            args.extend([Arg::Int(Some(org)), Arg::Text("region"), Arg::Text(refnis)]);
            format!("CAST({PLATFORM_OF}{}) AS TEXT)", k + 3)
        }
    };
    rows.push(format!("(${}, ${}, {region}, 1)", k + 1, k + 2));
    for (d, c) in &cells {
        let k = args.len();
        args.extend([Arg::Int(Some(org)), Arg::Text(d), Arg::Text(c)]);
        rows.push(format!("(${}, ${}, ${}, 1)", k + 1, k + 2, k + 3));
    }
    batch.push(
        format!(
            "INSERT INTO signal_org_counts (org_id, dimension, code, n) VALUES {} \
             ON CONFLICT (org_id, dimension, code) DO UPDATE SET n = signal_org_counts.n + 1",
            rows.join(", ")
        ),
        args,
    );
}

/// Adds the audit rows `entries` to `batch`, in one statement; with [`NewRow::InCall`], the
/// rows about a signal name the new one.
fn audit_rows<'a>(batch: &mut Batch<'a>, entries: &[Entry<'a>], new: NewRow<'a>) {
    let at = now_ms();
    let mut rows = Vec::with_capacity(entries.len());
    let mut args = Vec::with_capacity(entries.len() * 7);
    for e in entries {
        let k = args.len();
        let in_call = matches!(new, NewRow::InCall { .. }) && e.entity == "signal";
        args.extend([
            Arg::Int(Some(at)),
            Arg::Int(e.account),
            Arg::Int(e.org),
            Arg::Text(e.action),
            Arg::Text(e.entity),
        ]);
        let entity_id = if in_call {
            "(SELECT MAX(id) FROM signals)".to_owned()
        } else {
            args.push(Arg::Int(e.entity_id));
            format!("${}", args.len())
        };
        args.push(Arg::Text(e.detail));
        rows.push(format!(
            "(${}, ${}, ${}, ${}, ${}, {entity_id}, ${})",
            k + 1,
            k + 2,
            k + 3,
            k + 4,
            k + 5,
            args.len()
        ));
    }
    batch.push(
        format!(
            "INSERT INTO audit_log (at, account_id, org_id, action, entity, entity_id, detail) VALUES {}",
            rows.join(", ")
        ),
        args,
    );
}

/// The result of the personal-data check of a signal about to be saved, for the audit log
/// (codes only, never the text): the texts were clean, or the worker confirmed that what
/// was found is not personal data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PiiCheck {
    /// The findings the worker confirmed, as `field:kind` codes (`what:phone`); empty when
    /// nothing was found.
    pub confirmed: Vec<String>,
    /// The check read the organisation's client names ([`client_names`]): [`register`]
    /// audits that read with the signal (`signal.pii_names`).
    pub names_read: bool,
}

impl PiiCheck {
    /// The audit row's detail: `result=clean`, or `result=confirmed findings=what:phone,…`.
    pub fn detail(&self) -> String {
        if self.confirmed.is_empty() {
            "result=clean".to_owned()
        } else {
            format!("result=confirmed findings={}", self.confirmed.join(","))
        }
    }
}

/// A writer connection while a call with its own `BEGIN` and `COMMIT` runs on it: when the
/// call's future is dropped half-way (its runtime is shutting down) or its transaction could
/// not be rolled back (`.1` still `true`), the connection is closed instead of going back to
/// the pool, which rolls back whatever of the call ran; otherwise the next user of the writer
/// would find an open transaction.
struct Unfinished(sqlx::pool::PoolConnection<sqlx::Any>, bool);

impl Drop for Unfinished {
    fn drop(&mut self) {
        if self.1 {
            self.0.close_on_drop();
        }
    }
}

/// A signal about to be saved, with everything its statements need, owned (so it can wait
/// in the [`SignalWriter`]'s queue).
pub(crate) struct Prepared {
    account: i64,
    org: i64,
    s: NewSignal,
    source: Source,
    now: i64,
    month: String,
    refnis: String,
    terms: String,
    target_groups: String,
    evidence: String,
    /// The creation's audit detail (codes and ids only).
    detail: String,
    /// The personal-data check's audit detail.
    pii_detail: String,
    names_read: bool,
}

impl Prepared {
    fn new(actor: &Actor, org: i64, s: &NewSignal, source: Source, pii: &PiiCheck) -> Prepared {
        let now = now_ms();
        Prepared {
            account: actor.account,
            org,
            s: s.clone(),
            source,
            now,
            month: month_of(now),
            refnis: s.refnis.to_string(),
            terms: sterk_signals::similarity::terms(&s.what),
            target_groups: s.target_groups.join(","),
            evidence: s.evidence.join(","),
            detail: match s.testimony_client {
                Some(c) => format!("source={} testimony_client={c}", source.code()),
                None => format!("source={}", source.code()),
            },
            pii_detail: pii.detail(),
            names_read: pii.names_read,
        }
    }

    /// The signal as the suggestions' index holds it, once saved as `id` in region `platform`.
    fn open(&self, id: i64, platform: i64) -> sterk_signals::candidates::Open<'_> {
        sterk_signals::candidates::Open {
            id,
            org: self.org,
            terms: &self.terms,
            subject: self.s.subject.code(),
            challenge: self.s.challenge,
            region: platform,
        }
    }

    /// A signal the [`SignalWriter`] may save: typed in the form, without a testimony whose
    /// consent must be checked (nothing to check or mark but the signal itself).
    fn plain(&self) -> bool {
        self.source == Source::Form && self.s.testimony_client.is_none()
    }

    /// The audit rows: the names' read, the creation, the check's result.
    fn entries(&self, id: Option<i64>) -> Vec<Entry<'_>> {
        let mut entries = Vec::with_capacity(3);
        if self.names_read {
            entries.push(names_entry(self.account, self.org));
        }
        for (action, detail) in [
            ("signal.create", self.detail.as_str()),
            ("signal.pii_check", self.pii_detail.as_str()),
        ] {
            entries.push(Entry {
                account: Some(self.account),
                org: Some(self.org),
                action,
                entity: "signal",
                entity_id: id,
                detail,
            });
        }
        entries
    }

    /// The insert, returning the id and the region; the region comes from the municipality
    /// in the same statement, and the challenge must be a theme (none: unknown refnis or
    /// challenge, no row). These references are checked here, not by foreign keys, on
    /// PostgreSQL (migration 0016).
    fn insert(&self) -> (String, Vec<Arg<'_>>) {
        let s = &self.s;
        (
            "INSERT INTO signals (org_id, what, terms, subject_kind, subject, challenge, target_groups, refnis, platform_id, people, since, evidence, testimony, source, source_id, month, created_by, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, m.refnis, m.platform_id, $9, $10, $11, $12, $13, $14, $15, $16, $17 FROM municipalities m JOIN themes t ON t.code = $6 WHERE m.refnis = $8 \
             RETURNING id, platform_id".to_owned(),
            vec![
                Arg::Int(Some(self.org)),
                Arg::Text(&s.what),
                Arg::Text(&self.terms),
                Arg::Text(s.subject.kind()),
                Arg::Text(s.subject.code()),
                Arg::Text(s.challenge),
                Arg::Text(&self.target_groups),
                Arg::Text(&self.refnis),
                Arg::Int(Some(s.people)),
                Arg::Text(&s.since),
                Arg::Text(&self.evidence),
                Arg::OptText(s.testimony.as_deref()),
                Arg::Text(self.source.code()),
                Arg::Int(self.source.id()),
                Arg::Text(&self.month),
                Arg::Int(Some(self.account)),
                Arg::Int(Some(self.now)),
            ],
        )
    }

    /// Inserts the signal in `tx`: its id and region, none for an unknown municipality.
    async fn insert_row(&self, tx: &mut Tx) -> Result<Option<(i64, i64)>, StoreError> {
        let (sql, args) = self.insert();
        Ok(Batch::bind(sqlx::query(&sql), &args)
            .try_map(|r: sqlx::any::AnyRow| {
                use sqlx::Row;
                Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?))
            })
            .fetch_optional(&mut **tx)
            .await?)
    }

    /// Saves the signal in `tx`: the insert, the counts of the figures and the audit rows.
    /// Returns its id and region; an unknown municipality is refused.
    async fn save(&self, tx: &mut Tx, backend: crate::Backend) -> Result<(i64, i64), StoreError> {
        let (id, platform) = self
            .insert_row(tx)
            .await?
            .ok_or(StoreError::Refused("refnis_unknown"))?;
        // The counts and the audit rows: one call to the writer on SQLite.
        let region = platform.to_string();
        let new = NewRow::Known {
            platform,
            region: &region,
        };
        let mut batch = Batch::default();
        count(&mut batch, self.org, &self.s, &self.month, new);
        audit_rows(&mut batch, &self.entries(Some(id)), new);
        batch.run(tx, backend).await?;
        Ok((id, platform))
    }
}

/// At most this many signals go into one transaction of the [`SignalWriter`].
const SIGNAL_GROUP_MAX: usize = 64;

/// What the [`SignalWriter`] did with one signal.
enum Grouped {
    /// Committed, with its id and region.
    Saved(i64, i64),
    /// Not saved (its transaction was rolled back): the caller saves it on its own, which
    /// names the problem.
    NotSaved,
    /// Unknown whether it was committed: not saved a second time.
    Failed(String),
}

type SignalAck = tokio::sync::oneshot::Sender<Grouped>;

/// The signal writer: a task that takes the plain signals ([`Prepared::plain`]) of all
/// requests waiting at one moment and saves them, each with its counts and audit rows, in
/// one transaction, then answers each request. With 64 workers registering at once, they
/// otherwise queue one by one for the one writer connection (SQLite) or for the rows of the
/// figures' counts that every signal of a month and region adds to (PostgreSQL), each with
/// its own `BEGIN`, `COMMIT` and hand-offs. A request is answered only after its transaction
/// is committed, so a signal is never reported saved without being stored, counted and
/// audited. If a group fails, each of its signals is tried again in a transaction of its
/// own, so one bad signal cannot fail the others.
#[derive(Debug, Clone)]
pub(crate) struct SignalWriter {
    tx: tokio::sync::mpsc::Sender<(std::sync::Arc<Prepared>, SignalAck)>,
}

impl SignalWriter {
    /// Starts the writer task on the current tokio runtime, writing through `pool`.
    /// Each saved signal is added to the bundling suggestions' index (`suggest`) here, in
    /// the order of their ids, before its request is answered: added by the requests
    /// themselves, they would come in any order, and each that comes after a higher id costs
    /// a pass over the whole index.
    pub(crate) fn start(
        pool: sqlx::AnyPool,
        backend: crate::Backend,
        suggest: Suggest,
    ) -> SignalWriter {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(std::sync::Arc<Prepared>, SignalAck)>(
            4 * SIGNAL_GROUP_MAX,
        );
        tokio::spawn(async move {
            let mut group: Vec<(std::sync::Arc<Prepared>, SignalAck)> =
                Vec::with_capacity(SIGNAL_GROUP_MAX);
            // What waits at one moment, at least one: none when the channel is closed.
            while rx.recv_many(&mut group, SIGNAL_GROUP_MAX).await > 0 {
                let jobs: Vec<&Prepared> = group.iter().map(|(p, _)| p.as_ref()).collect();
                let outcomes = match save_group(&pool, backend, &jobs).await {
                    Ok(saved) => saved
                        .into_iter()
                        .map(|(id, platform)| Grouped::Saved(id, platform))
                        .collect(),
                    Err(GroupError::RolledBack) if jobs.len() > 1 => {
                        let mut outcomes = Vec::with_capacity(jobs.len());
                        for job in &jobs {
                            outcomes.push(match save_group(&pool, backend, &[job]).await {
                                Ok(one) => match one.first() {
                                    Some((id, platform)) => Grouped::Saved(*id, *platform),
                                    None => Grouped::NotSaved,
                                },
                                Err(GroupError::RolledBack) => Grouped::NotSaved,
                                Err(GroupError::Unknown(e)) => Grouped::Failed(e),
                            });
                        }
                        outcomes
                    }
                    Err(GroupError::RolledBack) => vec![Grouped::NotSaved],
                    Err(GroupError::Unknown(e)) => {
                        jobs.iter().map(|_| Grouped::Failed(e.clone())).collect()
                    }
                };
                for ((job, _), outcome) in group.iter().zip(&outcomes) {
                    if let Grouped::Saved(id, platform) = outcome {
                        suggest.inserted(&job.open(*id, *platform));
                    }
                }
                for ((_, ack), outcome) in group.drain(..).zip(outcomes) {
                    // The caller may have gone away (its request was cancelled): the signal
                    // is saved all the same, like any committed change.
                    let _ = ack.send(outcome);
                }
            }
        });
        SignalWriter { tx }
    }

    /// Saves `job` in a group; `Ok(None)` when it was not saved and the caller should save
    /// it on its own.
    async fn save(&self, job: std::sync::Arc<Prepared>) -> Result<Option<(i64, i64)>, StoreError> {
        let (ack, answer) = tokio::sync::oneshot::channel();
        if self.tx.send((job, ack)).await.is_err() {
            // The writer task is gone (its runtime stopped): the caller saves it.
            return Ok(None);
        }
        match answer.await {
            Ok(Grouped::Saved(id, platform)) => Ok(Some((id, platform))),
            Ok(Grouped::NotSaved) => Ok(None),
            Ok(Grouped::Failed(msg)) => Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "signal write failed: {msg}"
            )))),
            // The writer stopped while holding the signal (its runtime is shutting down):
            // whether it was committed is unknown, so it is not saved a second time.
            Err(_) => Err(StoreError::Database(sqlx::Error::Protocol(
                "the signal writer stopped".to_owned(),
            ))),
        }
    }
}

/// Why a group of signals was not saved.
enum GroupError {
    /// Nothing of the group was saved.
    RolledBack,
    /// Unknown whether it was committed (the message holds no personal data).
    Unknown(String),
}

/// The whole group on PostgreSQL as one statement: the signals, their counts and their
/// audit rows. Its text is the same for every group (the rows come as JSON, one parameter
/// per table), so each connection prepares it once; and one statement outside a
/// transaction block commits on its own, so the group costs one round trip instead of a
/// `BEGIN`, five statements and a `COMMIT`, each a wake-up of the writer and of the
/// server's backend. The statement fails as a whole, leaving nothing, when a signal's
/// municipality or challenge does not exist (checked here by joins, not by foreign keys, on
/// PostgreSQL: migration 0016) (the last line divides by zero when fewer signals were
/// inserted than sent): an error from the database means nothing was saved.
///
/// Each signal's id is drawn from the table's sequence in the group's order (`ids`); its
/// region comes from its municipality (`ins`). The counts add, per cell, how many of the
/// group's signals fall in it (the same cells as [`count`]: `all`, challenge, right or life
/// domain and target groups for all organisations, per month and region; these and the
/// region and the month for the organisation's own); the audit rows about a signal name
/// its new id.
const GROUP_SQL: &str = "WITH v AS (\
SELECT * FROM json_to_recordset($1::json) AS v (ord int, org_id bigint, what text, terms text, subject_kind text, subject text, challenge text, target_groups text, refnis text, people bigint, since text, evidence text, testimony text, source text, source_id bigint, month text, created_by bigint, created_at bigint)), \
ids AS (SELECT o.ord, nextval(pg_get_serial_sequence('signals', 'id')) AS id FROM (SELECT ord FROM v ORDER BY ord) AS o), \
ins AS (INSERT INTO signals (id, org_id, what, terms, subject_kind, subject, challenge, target_groups, refnis, platform_id, people, since, evidence, testimony, source, source_id, month, created_by, created_at) \
SELECT ids.id, v.org_id, v.what, v.terms, v.subject_kind, v.subject, v.challenge, v.target_groups, m.refnis, m.platform_id, v.people, v.since, v.evidence, v.testimony, v.source, v.source_id, v.month, v.created_by, v.created_at \
FROM v JOIN ids ON ids.ord = v.ord JOIN municipalities m ON m.refnis = v.refnis JOIN themes t ON t.code = v.challenge ORDER BY ids.id RETURNING id, platform_id), \
new AS (SELECT v.ord, v.org_id, v.month, ins.id, ins.platform_id FROM v JOIN ids ON ids.ord = v.ord JOIN ins ON ins.id = ids.id), \
cells AS (SELECT new.ord, new.org_id, new.month, new.platform_id, c.dimension, c.code FROM json_to_recordset($2::json) AS c (ord int, dimension text, code text) JOIN new ON new.ord = c.ord), \
counted AS (INSERT INTO signal_counts (dimension, code, month, platform_id, n) \
SELECT dimension, code, month, platform_id, COUNT(*) FROM (SELECT 'all' AS dimension, 'all' AS code, month, platform_id FROM new UNION ALL SELECT dimension, code, month, platform_id FROM cells) AS a \
GROUP BY dimension, code, month, platform_id ORDER BY dimension, code, month, platform_id \
ON CONFLICT (dimension, code, month, platform_id) DO UPDATE SET n = signal_counts.n + EXCLUDED.n), \
own AS (INSERT INTO signal_org_counts (org_id, dimension, code, n) \
SELECT org_id, dimension, code, COUNT(*) FROM (SELECT org_id, dimension, code FROM cells UNION ALL SELECT org_id, 'region', CAST(platform_id AS TEXT) FROM new UNION ALL SELECT org_id, 'month', month FROM new) AS o \
GROUP BY org_id, dimension, code ORDER BY org_id, dimension, code \
ON CONFLICT (org_id, dimension, code) DO UPDATE SET n = signal_org_counts.n + EXCLUDED.n), \
audited AS (INSERT INTO audit_log (at, account_id, org_id, action, entity, entity_id, detail) \
SELECT $3, a.account_id, a.org_id, a.action, a.entity, COALESCE(a.entity_id, new.id), a.detail FROM json_to_recordset($4::json) AS a (ord int, k int, account_id bigint, org_id bigint, action text, entity text, entity_id bigint, detail text) \
JOIN new ON new.ord = a.ord ORDER BY a.ord, a.k) \
SELECT new.id, new.platform_id, (SELECT CASE WHEN COUNT(*) = $5 THEN 0 ELSE 1 / (COUNT(*) - COUNT(*)) END FROM ins) AS complete FROM new ORDER BY new.ord";

/// A signal of a group as [`GROUP_SQL`] reads it.
#[derive(Serialize)]
struct GroupRow<'a> {
    ord: usize,
    org_id: i64,
    what: &'a str,
    terms: &'a str,
    subject_kind: &'a str,
    subject: &'a str,
    challenge: &'a str,
    target_groups: &'a str,
    refnis: &'a str,
    people: i64,
    since: &'a str,
    evidence: &'a str,
    testimony: Option<&'a str>,
    source: &'a str,
    source_id: Option<i64>,
    month: &'a str,
    created_by: i64,
    created_at: i64,
}

/// A count cell of a signal of a group (besides `all`, its region and its month).
#[derive(Serialize)]
struct GroupCell<'a> {
    ord: usize,
    dimension: &'a str,
    code: &'a str,
}

/// An audit row of a signal of a group; no `entity_id` names the new signal.
#[derive(Serialize)]
struct GroupAudit<'a> {
    ord: usize,
    k: usize,
    account_id: Option<i64>,
    org_id: Option<i64>,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<i64>,
    detail: &'a str,
}

/// Saves `jobs` on PostgreSQL with [`GROUP_SQL`], committed when it returns. Returns their
/// ids and regions in the order of `jobs`.
async fn save_group_postgres(
    pool: &sqlx::AnyPool,
    jobs: &[&Prepared],
) -> Result<Vec<(i64, i64)>, GroupError> {
    let mut rows = Vec::with_capacity(jobs.len());
    let mut cells = Vec::with_capacity(jobs.len() * 4);
    let mut audits = Vec::with_capacity(jobs.len() * 3);
    for (ord, job) in jobs.iter().enumerate() {
        let s = &job.s;
        rows.push(GroupRow {
            ord,
            org_id: job.org,
            what: &s.what,
            terms: &job.terms,
            subject_kind: s.subject.kind(),
            subject: s.subject.code(),
            challenge: s.challenge,
            target_groups: &job.target_groups,
            refnis: &job.refnis,
            people: s.people,
            since: &s.since,
            evidence: &job.evidence,
            testimony: s.testimony.as_deref(),
            source: job.source.code(),
            source_id: job.source.id(),
            month: &job.month,
            created_by: job.account,
            created_at: job.now,
        });
        cells.extend(cells_of(s).map(|(dimension, code)| GroupCell {
            ord,
            dimension,
            code,
        }));
        audits.extend(
            job.entries(None)
                .into_iter()
                .enumerate()
                .map(|(k, e)| GroupAudit {
                    ord,
                    k,
                    account_id: e.account,
                    org_id: e.org,
                    action: e.action,
                    entity: e.entity,
                    entity_id: e.entity_id,
                    detail: e.detail,
                }),
        );
    }
    let (Ok(rows), Ok(cells), Ok(audits)) = (
        serde_json::to_string(&rows),
        serde_json::to_string(&cells),
        serde_json::to_string(&audits),
    ) else {
        return Err(GroupError::RolledBack);
    };
    let saved: Vec<(i64, i64, i32)> = sqlx::query_as(GROUP_SQL)
        .bind(rows)
        .bind(cells)
        .bind(now_ms())
        .bind(audits)
        .bind(jobs.len() as i64)
        .fetch_all(pool)
        .await
        .map_err(|e| match e {
            // The server refused the statement, or it was never sent: nothing is saved.
            sqlx::Error::Database(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Encode(_) => GroupError::RolledBack,
            // Lost on the way (the answer may not have come back after the commit).
            e => GroupError::Unknown(e.to_string()),
        })?;
    if saved.is_empty() {
        // No signal's municipality exists: nothing was inserted, so nothing was counted or
        // audited either (those rows join the inserted signals).
        return Err(GroupError::RolledBack);
    }
    if saved.len() != jobs.len() {
        // Cannot happen (the statement fails when some signals are missing), but if it did,
        // the caller must not think the missing ones saved.
        return Err(GroupError::Unknown(
            "signals missing from a group".to_owned(),
        ));
    }
    Ok(saved
        .into_iter()
        .map(|(id, platform, _)| (id, platform))
        .collect())
}

/// Saves `jobs` in one transaction and returns their ids and regions, in order. On SQLite
/// each signal is one call to the writer connection's thread (each statement a hand-off
/// otherwise): its insert, counts and audit rows in one text, in which the counts and the
/// audit rows look up the new signal's region and id themselves ([`NewRow::InCall`]). One
/// text for the whole group would be faster to hand off but new to SQLite's statement cache
/// at every size of group, and preparing it costs more than the hand-offs (measured: 2.5 CPU
/// ms per signal instead of 0.9). When a statement fails (an unknown municipality leaves the
/// counts without a region), the transaction is rolled back.
async fn save_group(
    pool: &sqlx::AnyPool,
    backend: crate::Backend,
    jobs: &[&Prepared],
) -> Result<Vec<(i64, i64)>, GroupError> {
    // Before the commit, a failure leaves nothing saved.
    fn failed<E>(_: E) -> GroupError {
        GroupError::RolledBack
    }
    match backend {
        crate::Backend::Sqlite => {
            let conn = pool.acquire().await.map_err(failed)?;
            let mut conn = Unfinished(conn, true);
            let mut saved = Vec::with_capacity(jobs.len());
            let mut ok = sqlx::query("BEGIN").execute(&mut *conn.0).await.is_ok();
            for job in jobs {
                if !ok {
                    break;
                }
                // The same text for every signal with as many target groups (a prepared
                // statement from the connection's cache).
                let new = NewRow::InCall {
                    refnis: &job.refnis,
                };
                let mut batch = Batch::default();
                batch.statements.push(job.insert());
                count(&mut batch, job.org, &job.s, &job.month, new);
                audit_rows(&mut batch, &job.entries(None), new);
                match batch.fetch_sqlite(&mut conn.0).await.as_deref() {
                    Ok([row]) => saved.push(*row),
                    // No row (cannot happen: the counts need the inserted signal's region)
                    // or a failed statement: the group is rolled back.
                    _ => ok = false,
                }
            }
            if ok && sqlx::query("COMMIT").execute(&mut *conn.0).await.is_ok() {
                conn.1 = false;
                return Ok(saved);
            }
            // A connection whose transaction cannot be rolled back is not reused (closing it
            // rolls the transaction back).
            if sqlx::query("ROLLBACK").execute(&mut *conn.0).await.is_ok() {
                conn.1 = false;
            }
            Err(GroupError::RolledBack)
        }
        crate::Backend::Postgres => save_group_postgres(pool, jobs).await,
    }
}

/// Registers a signal of the actor's organisation, in one transaction: the municipality's
/// region, the testimony's consent (`anonymous_signal`, on `today`), the source candidate
/// (marked used; a used one is refused), the signal, the counts of the figures and the
/// audit rows: the read of the client names for the personal-data check (when
/// [`PiiCheck::names_read`]), the creation and the result of that check (`pii`, which the
/// caller ran), so a signal is never saved without its check on record and a failed
/// registration leaves none of them (the caller then audits the names' read on its own,
/// [`audit_client_names`]). A plain signal goes through the [`SignalWriter`], which saves the
/// signals of concurrent requests in one transaction.
pub async fn register(
    db: &Db,
    actor: &Actor,
    s: &NewSignal,
    source: Source,
    today: Date,
    pii: &PiiCheck,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    let job = std::sync::Arc::new(Prepared::new(actor, org, s, source, pii));
    // Saved by the writer, which adds it to the suggestions' index.
    if job.plain()
        && let Some((id, _)) = db.signal_writer().save(job.clone()).await?
    {
        return Ok(id);
    }
    let mut tx = db.begin().await?;
    let (id, platform) = job.save(&mut tx, db.backend()).await?;
    if let Some(client) = s.testimony_client {
        client_in_org(&mut tx, client, org).await?;
        require_consent(
            &mut tx,
            client,
            ConsentPurpose::AnonymousSignal,
            None,
            today,
        )
        .await?;
    }
    let table = match source {
        Source::Form => None,
        Source::SignalCandidate(_) => Some("signal_candidates"),
        Source::HelpCandidate(_) => Some("help_request_candidates"),
    };
    if let (Some(table), Some(cid)) = (table, source.id()) {
        let n = sqlx::query(&format!(
            "UPDATE {table} SET status = 'signal' WHERE id = $1 AND org_id = $2 AND status = 'candidate'"
        ))
        .bind(cid)
        .bind(org)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused("candidate_used"));
        }
    }
    tx.commit().await?;
    db.suggest().inserted(&job.open(id, platform));
    Ok(id)
}

/// A signal as lists and dossiers show it: de-identified fields only (the testimony is
/// filled in only where it may be shown).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SignalRow {
    /// Id.
    pub id: i64,
    /// The contributing organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// What goes wrong.
    pub what: String,
    /// Stemmed terms.
    pub terms: String,
    /// `right` or `life`.
    pub subject_kind: String,
    /// The right's id or the life domain's code.
    pub subject: String,
    /// Challenge code.
    pub challenge: String,
    /// Target groups, comma-separated codes.
    pub target_groups: String,
    /// Municipality.
    pub refnis: String,
    /// Its Dutch name.
    pub municipality_nl: String,
    /// Its French name.
    pub municipality_fr: String,
    /// Region (platform id).
    pub platform_id: i64,
    /// People touched.
    pub people: i64,
    /// Since (`YYYY-MM`).
    pub since: String,
    /// Kinds of evidence, comma-separated.
    pub evidence: String,
    /// The testimony, where it may be shown.
    pub testimony: Option<String>,
    /// Source code.
    pub source: String,
    /// Its dossier.
    pub dossier_id: Option<i64>,
    /// Registered (ms).
    pub created_at: i64,
}

impl SignalRow {
    /// The target groups' codes.
    pub fn groups(&self) -> Vec<&str> {
        self.target_groups
            .split(',')
            .filter(|s| !s.is_empty())
            .collect()
    }
    /// The kinds of evidence.
    pub fn evidence_kinds(&self) -> Vec<&str> {
        self.evidence.split(',').filter(|s| !s.is_empty()).collect()
    }
}

const SELECT: &str = "SELECT s.id, s.org_id, o.name AS org_name, s.what, s.terms, s.subject_kind, s.subject, s.challenge, s.target_groups, s.refnis, \
    m.name_nl AS municipality_nl, m.name_fr AS municipality_fr, s.platform_id, s.people, s.since, s.evidence, TESTIMONY AS testimony, s.source, s.dossier_id, s.created_at \
    FROM signals s JOIN organisations o ON o.id = s.org_id JOIN municipalities m ON m.refnis = s.refnis";

fn select(with_testimony: bool) -> String {
    SELECT.replace(
        "TESTIMONY",
        if with_testimony {
            "s.testimony"
        } else {
            "NULL"
        },
    )
}

/// The organisation's own signals, newest first.
pub async fn own_signals(db: &Db, actor: &Actor) -> Result<Vec<SignalRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(&format!(
        "{} WHERE s.org_id = $1 ORDER BY s.id DESC LIMIT 200",
        select(true)
    ))
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// One signal: the testimony is shown to its own organisation, and to others once the
/// signal is in a dossier (the purpose of the consent). A signal of another organisation
/// that is in no dossier is only visible through [`suggestions`].
pub async fn get_signal(db: &Db, actor: &Actor, id: i64) -> Result<SignalRow, StoreError> {
    let row: SignalRow = sqlx::query_as(&format!("{} WHERE s.id = $1", select(true)))
        .bind(id)
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    if actor.org == Some(row.org_id) || row.dossier_id.is_some() {
        Ok(row)
    } else {
        Err(StoreError::NotFound)
    }
}

/// A bundling suggestion.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// The similar signal (without testimony).
    pub signal: SignalRow,
    /// Score in percent.
    pub score: i64,
    /// Text similarity in percent.
    pub text: i64,
    /// Same right or life domain.
    pub same_subject: bool,
    /// Same challenge.
    pub same_challenge: bool,
    /// Same region.
    pub same_region: bool,
}

/// How many of the newest open signals of other organisations are candidates per key (the
/// same right or life domain, the same challenge, the same region).
const PER_KEY: usize = 700;

/// The lowest score of a suggestion.
const MIN_SCORE: f64 = 0.25;

/// Signals of other organisations, not yet in a dossier, that look like `signal`: the 700
/// newest with the same right or life domain, the 700 newest with the same challenge and the
/// 700 newest in the same region, ranked by text similarity (stemmed Dutch and French) and
/// those three; at most `limit`, 25 % or more, equal scores newest first.
///
/// The candidates come from the open signals in memory ([`Suggest`]): a request reads from
/// the database only whether something changed (one row), what changed, and the rows of the
/// suggestions it shows (which must still be in no dossier). Until the index is built (in the
/// background, at start or on the first request) the same candidates are read with SQL.
pub async fn suggestions(
    db: &Db,
    signal: &SignalRow,
    limit: usize,
) -> Result<Vec<Suggestion>, StoreError> {
    use sterk_signals::similarity::Doc;
    let suggest = db.suggest();
    if !suggest.is_live() {
        suggest.start_building(db);
        return suggestions_by_query(db, signal, limit).await;
    }
    suggest.catch_up(db).await?;
    let q = Doc {
        terms: &signal.terms,
        subject: &signal.subject,
        challenge: &signal.challenge,
        region: signal.platform_id,
    };
    // A suggestion bundled on another instance since the last catch-up is dropped here and
    // closed in the index; the ranking is then done again (rarely more than once).
    for _ in 0..4 {
        let picked = suggest.rank(signal.org_id, &q, limit);
        if picked.is_empty() {
            return Ok(Vec::new());
        }
        let marks = (1..=picked.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "{} WHERE s.id IN ({marks}) AND s.dossier_id IS NULL",
            select(false)
        );
        let mut query = sqlx::query_as::<_, SignalRow>(&sql);
        for p in &picked {
            query = query.bind(p.id);
        }
        let rows = query.fetch_all(db.reader()).await?;
        let gone: Vec<i64> = picked
            .iter()
            .map(|p| p.id)
            .filter(|id| !rows.iter().any(|r| r.id == *id))
            .collect();
        if gone.is_empty() {
            let mut rows: Vec<Option<SignalRow>> = rows.into_iter().map(Some).collect();
            return Ok(picked
                .iter()
                .filter_map(|p| {
                    let row = rows
                        .iter_mut()
                        .find(|r| r.as_ref().is_some_and(|r| r.id == p.id))?
                        .take()?;
                    Some(suggestion(row, &p.score))
                })
                .collect());
        }
        suggest.close(&gone);
    }
    suggestions_by_query(db, signal, limit).await
}

/// [`suggestions`] read from the database: the candidates' rows, then [`rank_rows`] (while
/// the index is being built, and to check it against).
pub async fn suggestions_by_query(
    db: &Db,
    signal: &SignalRow,
    limit: usize,
) -> Result<Vec<Suggestion>, StoreError> {
    let sql = format!(
        "{} WHERE s.id IN (SELECT id FROM (\
           SELECT id FROM signals WHERE subject = $1 AND dossier_id IS NULL AND org_id <> $4 ORDER BY id DESC LIMIT {PER_KEY}) a \
           UNION SELECT id FROM (SELECT id FROM signals WHERE challenge = $2 AND dossier_id IS NULL AND org_id <> $4 ORDER BY id DESC LIMIT {PER_KEY}) b \
           UNION SELECT id FROM (SELECT id FROM signals WHERE platform_id = $3 AND dossier_id IS NULL AND org_id <> $4 ORDER BY id DESC LIMIT {PER_KEY}) c) \
         ORDER BY s.id DESC",
        select(false)
    );
    let rows: Vec<SignalRow> = sqlx::query_as(&sql)
        .bind(&signal.subject)
        .bind(&signal.challenge)
        .bind(signal.platform_id)
        .bind(signal.org_id)
        .fetch_all(db.reader())
        .await?;
    Ok(rank_rows(signal, rows, limit))
}

fn suggestion(row: SignalRow, s: &sterk_signals::similarity::Score) -> Suggestion {
    Suggestion {
        signal: row,
        score: (s.total * 100.0).round() as i64,
        text: (s.text * 100.0).round() as i64,
        same_subject: s.same_subject,
        same_challenge: s.same_challenge,
        same_region: s.same_region,
    }
}

/// The open signals in memory ([`sterk_signals::candidates::CandidateIndex`]), one per
/// [`Db`], for [`suggestions`]. Built from the database in the background (at start, or on
/// the first request that needs it), then kept in line: a signal registered or bundled here
/// is added or closed after its transaction commits, and before ranking, a request catches
/// up with what other instances (or other writers) did: signals with a higher id than seen
/// (and, on PostgreSQL, ids skipped for a while, since a lower id can commit after a higher
/// one), and the dossiers created or given signals since the last event seen.
#[derive(Debug, Clone, Default)]
pub struct Suggest {
    inner: std::sync::Arc<SuggestInner>,
}

#[derive(Debug, Default)]
struct SuggestInner {
    live: std::sync::RwLock<Option<Live>>,
    building: std::sync::atomic::AtomicBool,
}

#[derive(Debug)]
struct Live {
    index: sterk_signals::candidates::CandidateIndex,
    /// Every signal up to this id was read (or is in a hole).
    signals_seen: i64,
    /// Ids under `signals_seen` not seen yet, with when they were missed; dropped after
    /// [`HOLE_TTL`] (a rolled-back registration leaves a gap forever).
    holes: Vec<(i64, std::time::Instant)>,
    /// Every dossier event up to this id was read.
    events_seen: i64,
}

/// How long a gap in the signals' ids is looked for.
const HOLE_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// Rows per read while the index is built.
const BUILD_CHUNK: i64 = 20_000;

type OpenRow = (i64, i64, String, String, String, i64, Option<i64>);

impl Suggest {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Option<Live>> {
        self.inner.live.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Option<Live>> {
        self.inner.live.write().unwrap_or_else(|e| e.into_inner())
    }

    fn is_live(&self) -> bool {
        self.read().is_some()
    }

    /// Starts building the index in the background, unless it is built or being built.
    fn start_building(&self, db: &Db) {
        use std::sync::atomic::Ordering;
        if self.is_live() || self.inner.building.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.inner.building.store(false, Ordering::Release);
            return;
        };
        let db = db.clone();
        handle.spawn(async move {
            let started = std::time::Instant::now();
            match build(&db).await {
                Ok(live) => {
                    let open = live.index.open_len();
                    *db.suggest().write() = Some(live);
                    tracing::info!(
                        signals.open = open,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "signals: suggestion index built"
                    );
                }
                Err(e) => {
                    tracing::warn!(error.detail = %e, "signals: suggestion index not built");
                    db.suggest().inner.building.store(false, Ordering::Release);
                }
            }
        });
    }

    fn rank(
        &self,
        org: i64,
        q: &sterk_signals::similarity::Doc<'_>,
        limit: usize,
    ) -> Vec<sterk_signals::candidates::Suggested> {
        self.read()
            .as_ref()
            .map(|l| l.index.suggest(org, q, PER_KEY, MIN_SCORE, limit))
            .unwrap_or_default()
    }

    /// After a registration committed.
    fn inserted(&self, s: &sterk_signals::candidates::Open<'_>) {
        if let Some(l) = self.write().as_mut() {
            l.index.insert(s);
        }
    }

    /// After signals were bundled (committed), or found bundled.
    fn close(&self, ids: &[i64]) {
        if let Some(l) = self.write().as_mut() {
            for id in ids {
                l.index.close(*id);
            }
        }
    }

    /// Reads what changed in the database since the last look and applies it.
    async fn catch_up(&self, db: &Db) -> Result<(), StoreError> {
        let (signals_seen, events_seen, holes) = match self.read().as_ref() {
            Some(l) => (
                l.signals_seen,
                l.events_seen,
                l.holes.iter().map(|(id, _)| *id).collect::<Vec<i64>>(),
            ),
            None => return Ok(()),
        };
        let (max_signal, max_event): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE((SELECT MAX(id) FROM signals), 0), COALESCE((SELECT MAX(id) FROM signal_dossier_events), 0)",
        )
        .fetch_one(db.reader())
        .await?;
        let mut rows: Vec<OpenRow> = Vec::new();
        if max_signal > signals_seen || !holes.is_empty() {
            let marks = (0..holes.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = if holes.is_empty() {
                "SELECT id, org_id, terms, subject, challenge, platform_id, dossier_id FROM signals WHERE id > $1 ORDER BY id".to_owned()
            } else {
                format!(
                    "SELECT id, org_id, terms, subject, challenge, platform_id, dossier_id FROM signals WHERE id > $1 OR id IN ({marks}) ORDER BY id"
                )
            };
            let mut q = sqlx::query_as::<_, OpenRow>(&sql).bind(signals_seen);
            for h in &holes {
                q = q.bind(*h);
            }
            rows = q.fetch_all(db.reader()).await?;
        }
        let mut bundled: Vec<i64> = Vec::new();
        let mut last_event = events_seen;
        if max_event > events_seen {
            let events: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT id, dossier_id FROM signal_dossier_events WHERE id > $1 AND kind IN ('created', 'signals_added') ORDER BY id",
            )
            .bind(events_seen)
            .fetch_all(db.reader())
            .await?;
            last_event = max_event;
            let mut dossiers: Vec<i64> = events.iter().map(|(_, d)| *d).collect();
            dossiers.sort_unstable();
            dossiers.dedup();
            for d in dossiers {
                let ids: Vec<(i64,)> =
                    sqlx::query_as("SELECT id FROM signals WHERE dossier_id = $1")
                        .bind(d)
                        .fetch_all(db.reader())
                        .await?;
                bundled.extend(ids.into_iter().map(|(id,)| id));
            }
        }
        if rows.is_empty() && bundled.is_empty() && last_event == events_seen && holes.is_empty() {
            return Ok(());
        }
        let mut guard = self.write();
        let Some(live) = guard.as_mut() else {
            return Ok(());
        };
        let now = std::time::Instant::now();
        for (id, org, terms, subject, challenge, region, dossier) in &rows {
            live.holes.retain(|(h, _)| h != id);
            if *id > live.signals_seen {
                // Ids skipped between what was seen and this one may still commit.
                let gap = *id - live.signals_seen - 1;
                if (1..=1000).contains(&gap) && live.signals_seen > 0 {
                    live.holes
                        .extend((live.signals_seen + 1..*id).map(|h| (h, now)));
                }
                live.signals_seen = *id;
            }
            if dossier.is_none() {
                live.index.insert(&sterk_signals::candidates::Open {
                    id: *id,
                    org: *org,
                    terms,
                    subject,
                    challenge,
                    region: *region,
                });
            } else {
                live.index.close(*id);
            }
        }
        live.holes
            .retain(|(_, at)| now.duration_since(*at) < HOLE_TTL);
        live.holes.truncate(1000);
        for id in bundled {
            live.index.close(id);
        }
        live.events_seen = live.events_seen.max(last_event);
        Ok(())
    }
}

/// Reads the open signals into a new index. Each read packs a chunk of signals into one
/// text (`string_agg`, on both backends), fields split by U+001F and signals by U+001E, which
/// neither codes nor stemmed terms (letters and digits) contain: a million rows one by one
/// cost seconds of driver overhead, fifty texts do not.
async fn build(db: &Db) -> Result<Live, StoreError> {
    const FIELD: char = '\u{1f}';
    const RECORD: char = '\u{1e}';
    let (events_seen,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM signal_dossier_events")
            .fetch_one(db.reader())
            .await?;
    let (max_signal,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM signals")
        .fetch_one(db.reader())
        .await?;
    let mut index = sterk_signals::candidates::CandidateIndex::new();
    let mut after = 0i64;
    loop {
        let (rows, last, packed): (i64, Option<i64>, Option<String>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(id), string_agg(CAST(id AS TEXT) || $3 || CAST(org_id AS TEXT) || $3 || CAST(platform_id AS TEXT) || $3 || subject || $3 || challenge || $3 || terms, $4 ORDER BY id) \
             FROM (SELECT id, org_id, platform_id, subject, challenge, terms FROM signals WHERE dossier_id IS NULL AND id > $1 ORDER BY id LIMIT $2) c",
        )
        .bind(after)
        .bind(BUILD_CHUNK)
        .bind(FIELD.to_string())
        .bind(RECORD.to_string())
        .fetch_one(db.reader())
        .await?;
        let (Some(last), Some(packed)) = (last, packed) else {
            break;
        };
        for record in packed.split(RECORD) {
            let mut f = record.splitn(6, FIELD);
            let mut num = || f.next().and_then(|v| v.parse::<i64>().ok());
            let (Some(id), Some(org), Some(region)) = (num(), num(), num()) else {
                continue;
            };
            let (Some(subject), Some(challenge), Some(terms)) = (f.next(), f.next(), f.next())
            else {
                continue;
            };
            index.insert(&sterk_signals::candidates::Open {
                id,
                org,
                terms,
                subject,
                challenge,
                region,
            });
        }
        if rows < BUILD_CHUNK {
            break;
        }
        after = last;
    }
    // Signals registered while reading are found by the first catch-up (`id > signals_seen`);
    // bundled ones by the events after `events_seen`.
    Ok(Live {
        index,
        signals_seen: max_signal,
        holes: Vec::new(),
        events_seen,
    })
}

/// Starts building the suggestions' index in the background (the server calls it at start, so
/// the first signal page does not wait for it and later ones need not read the candidates).
pub fn warm_suggestions(db: &Db) {
    db.suggest().start_building(db);
}

/// Builds the suggestions' index now if it is not built yet, and returns how many open
/// signals it holds.
pub async fn ready_suggestions(db: &Db) -> Result<usize, StoreError> {
    if let Some(l) = db.suggest().read().as_ref() {
        return Ok(l.index.open_len());
    }
    let live = build(db).await?;
    let open = live.index.open_len();
    *db.suggest().write() = Some(live);
    Ok(open)
}

/// Ranks `rows` against `signal` (pure; also used for a chair's region list).
pub fn rank_rows(signal: &SignalRow, rows: Vec<SignalRow>, limit: usize) -> Vec<Suggestion> {
    use sterk_signals::similarity::{Doc, rank};
    let q = Doc {
        terms: &signal.terms,
        subject: &signal.subject,
        challenge: &signal.challenge,
        region: signal.platform_id,
    };
    let docs: Vec<Doc<'_>> = rows
        .iter()
        .map(|r| Doc {
            terms: &r.terms,
            subject: &r.subject,
            challenge: &r.challenge,
            region: r.platform_id,
        })
        .collect();
    let ranked = rank(&q, &docs, MIN_SCORE, limit);
    let mut slots: Vec<Option<SignalRow>> = rows.into_iter().map(Some).collect();
    ranked
        .into_iter()
        .filter_map(|s| {
            slots
                .get_mut(s.index)
                .and_then(Option::take)
                .map(|row| suggestion(row, &s))
        })
        .collect()
}

/// Signals of a region not yet in a dossier, newest first (for the chair's bundling list).
pub async fn open_in_region(
    db: &Db,
    platform: i64,
    limit: i64,
) -> Result<Vec<SignalRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE s.platform_id = $1 AND s.dossier_id IS NULL ORDER BY s.id DESC LIMIT $2",
        select(false)
    ))
    .bind(platform)
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}

/// A dossier.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct DossierRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Short description.
    pub summary: String,
    /// Status code.
    pub status: String,
    /// Reason of a rejection.
    pub rejection_reason: Option<String>,
    /// The platform it belongs to (a region, or the Flemish platform).
    pub platform_id: i64,
    /// The platform's Dutch name.
    pub platform_nl: String,
    /// Its French name.
    pub platform_fr: String,
    /// The trekker.
    pub trekker_account_id: i64,
    /// The trekker's name.
    pub trekker_name: String,
    /// The trekker's organisation, if any.
    pub trekker_org_id: Option<i64>,
    /// The Flemish dossier it was bundled into.
    pub parent_id: Option<i64>,
    /// When it was forwarded to the Flemish platform (ms).
    pub forwarded_at: Option<i64>,
    /// Analysis.
    pub analysis: String,
    /// Proposals.
    pub proposals: String,
    /// Criterion: clear.
    pub criteria_clear: i64,
    /// Criterion: neutral.
    pub criteria_neutral: i64,
    /// Criterion: recognised.
    pub criteria_recognised: i64,
    /// Criterion: shared.
    pub criteria_shared: i64,
    /// Reviewer.
    pub reviewed_by: Option<i64>,
    /// Reviewer's name.
    pub reviewer_name: Option<String>,
    /// When reviewed (ms).
    pub reviewed_at: Option<i64>,
    /// Created (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Number of signals (its own and those of bundled dossiers).
    pub signal_count: i64,
}

impl DossierRow {
    /// The state.
    pub fn state(&self) -> DossierStatus {
        DossierStatus::parse(&self.status).unwrap_or(DossierStatus::Gemeld)
    }
    /// The four criteria.
    pub fn criteria(&self) -> Criteria {
        Criteria {
            clear: self.criteria_clear == 1,
            neutral: self.criteria_neutral == 1,
            recognised: self.criteria_recognised == 1,
            shared: self.criteria_shared == 1,
        }
    }
    /// Whether it is a dossier of the Flemish platform.
    pub fn is_flemish(&self) -> bool {
        self.platform_id == FLEMISH_PLATFORM
    }
}

const DOSSIER: &str = "SELECT d.id, d.title, d.summary, d.status, d.rejection_reason, d.platform_id, p.name_nl AS platform_nl, p.name_fr AS platform_fr, \
    d.trekker_account_id, t.display_name AS trekker_name, d.trekker_org_id, d.parent_id, d.forwarded_at, d.analysis, d.proposals, \
    d.criteria_clear, d.criteria_neutral, d.criteria_recognised, d.criteria_shared, d.reviewed_by, r.display_name AS reviewer_name, d.reviewed_at, \
    d.created_at, d.updated_at, \
    (SELECT COUNT(*) FROM signals s WHERE s.dossier_id = d.id OR s.dossier_id IN (SELECT c.id FROM signal_dossiers c WHERE c.parent_id = d.id)) AS signal_count \
    FROM signal_dossiers d JOIN platforms p ON p.id = d.platform_id JOIN accounts t ON t.id = d.trekker_account_id LEFT JOIN accounts r ON r.id = d.reviewed_by";

/// One dossier.
pub async fn get_dossier(db: &Db, id: i64) -> Result<DossierRow, StoreError> {
    sqlx::query_as(&format!("{DOSSIER} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)
}

/// Which dossiers a list shows.
#[derive(Debug, Clone, Copy)]
pub enum DossierFilter {
    /// All of them, newest first.
    All,
    /// Those of one platform.
    Platform(i64),
    /// Regional dossiers forwarded to the Flemish platform.
    Forwarded,
    /// Reported ones (the public page).
    Reported,
}

/// Dossiers, newest change first (at most 500).
pub async fn dossiers(db: &Db, filter: DossierFilter) -> Result<Vec<DossierRow>, StoreError> {
    let (cond, arg) = match filter {
        DossierFilter::All => ("1 = 1", 0),
        DossierFilter::Platform(p) => ("d.platform_id = $1", p),
        DossierFilter::Forwarded => (
            "d.forwarded_at IS NOT NULL AND d.platform_id <> $1",
            FLEMISH_PLATFORM,
        ),
        DossierFilter::Reported => (
            "d.status IN ('gerapporteerd', 'beslist', 'actie', 'teruggekoppeld')",
            0,
        ),
    };
    let sql = format!("{DOSSIER} WHERE {cond} ORDER BY d.updated_at DESC, d.id DESC LIMIT 500");
    let mut q = sqlx::query_as(&sql);
    if sql.contains("$1") {
        q = q.bind(arg);
    }
    Ok(q.fetch_all(db.reader()).await?)
}

/// The dossiers bundled into a Flemish dossier.
pub async fn children(db: &Db, id: i64) -> Result<Vec<DossierRow>, StoreError> {
    Ok(
        sqlx::query_as(&format!("{DOSSIER} WHERE d.parent_id = $1 ORDER BY d.id"))
            .bind(id)
            .fetch_all(db.reader())
            .await?,
    )
}

/// The signals of a dossier (its own and those of bundled dossiers), with testimonies.
pub async fn dossier_signals(db: &Db, id: i64) -> Result<Vec<SignalRow>, StoreError> {
    dossier_signals_limited(db, id, 1000).await
}

/// The signals of a dossier: those of the dossier itself and of the regional dossiers bundled
/// into it (`$1` is the dossier's id).
const IN_DOSSIER: &str = "(s.dossier_id = $1 OR s.dossier_id IN (SELECT c.id FROM signal_dossiers c WHERE c.parent_id = $1))";

/// At most `limit` signals of a dossier, oldest first, with testimonies.
pub async fn dossier_signals_limited(
    db: &Db,
    id: i64,
    limit: i64,
) -> Result<Vec<SignalRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE {IN_DOSSIER} ORDER BY s.id LIMIT $2",
        select(true)
    ))
    .bind(id)
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}

/// What a dossier's document says in numbers, counted in the database over its signals (its
/// own and those of bundled dossiers), so a dossier of 10,000 signals is never loaded whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DossierTotals {
    /// Signals.
    pub signals: i64,
    /// People touched, added up over the signals.
    pub people: i64,
    /// Contributing organisations.
    pub orgs: i64,
    /// Regions (regional platforms) of the signals.
    pub regions: i64,
    /// Municipalities of the signals.
    pub municipalities: i64,
    /// Signals with a testimony.
    pub testimonies: i64,
}

/// The totals of a dossier.
pub async fn dossier_totals(db: &Db, id: i64) -> Result<DossierTotals, StoreError> {
    let (signals, people, orgs, regions, municipalities, testimonies): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(&format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(s.people), 0) AS BIGINT), COUNT(DISTINCT s.org_id), COUNT(DISTINCT s.platform_id), \
             COUNT(DISTINCT s.refnis), COUNT(s.testimony) FROM signals s WHERE {IN_DOSSIER}"
        ))
        .bind(id)
        .fetch_one(db.reader())
        .await?;
    Ok(DossierTotals {
        signals,
        people,
        orgs,
        regions,
        municipalities,
        testimonies,
    })
}

/// The figures of a dossier's signals, per challenge, right, life domain, target group,
/// region and month, grouped in the database. The caller hides cells under 5 (a document
/// leaves the contributing organisations).
pub async fn dossier_figures(db: &Db, id: i64) -> Result<Vec<CountRow>, StoreError> {
    let mut out: Vec<CountRow> = Vec::new();
    for sql in [
        "SELECT 'challenge' AS dimension, s.challenge AS code, COUNT(*) AS n FROM signals s WHERE IN_DOSSIER GROUP BY s.challenge ORDER BY s.challenge",
        "SELECT s.subject_kind AS dimension, s.subject AS code, COUNT(*) AS n FROM signals s WHERE IN_DOSSIER GROUP BY s.subject_kind, s.subject ORDER BY s.subject",
        "SELECT 'region' AS dimension, CAST(s.platform_id AS TEXT) AS code, COUNT(*) AS n FROM signals s WHERE IN_DOSSIER GROUP BY s.platform_id ORDER BY s.platform_id",
        "SELECT 'month' AS dimension, s.month AS code, COUNT(*) AS n FROM signals s WHERE IN_DOSSIER GROUP BY s.month ORDER BY s.month",
    ] {
        out.extend(
            sqlx::query_as::<_, CountRow>(&sql.replace("IN_DOSSIER", IN_DOSSIER))
                .bind(id)
                .fetch_all(db.reader())
                .await?,
        );
    }
    // Target groups are a list per signal: count the distinct lists, then split them.
    let lists: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT s.target_groups, COUNT(*) FROM signals s WHERE {IN_DOSSIER} GROUP BY s.target_groups"
    ))
    .bind(id)
    .fetch_all(db.reader())
    .await?;
    let mut groups: std::collections::BTreeMap<String, i64> = Default::default();
    for (list, n) in lists {
        for g in list.split(',').filter(|g| !g.is_empty()) {
            *groups.entry(g.to_owned()).or_insert(0) += n;
        }
    }
    out.extend(groups.into_iter().map(|(code, n)| CountRow {
        dimension: "target_group".to_owned(),
        code,
        n,
    }));
    Ok(out)
}

/// At most `limit` testimonies of a dossier's signals (de-identified, given under a consent
/// for anonymous use in signals), oldest first.
pub async fn dossier_testimonies(db: &Db, id: i64, limit: i64) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT s.testimony FROM signals s WHERE {IN_DOSSIER} AND s.testimony IS NOT NULL ORDER BY s.id LIMIT $2"
    ))
    .bind(id)
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

async fn event(
    tx: &mut Tx,
    actor: &Actor,
    dossier: i64,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    detail: &str,
) -> Result<(), StoreError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO signal_dossier_events (dossier_id, at, account_id, kind, from_status, to_status, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(dossier)
    .bind(now)
    .bind(actor.account)
    .bind(kind)
    .bind(from)
    .bind(to)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE signal_dossiers SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(dossier)
        .execute(&mut **tx)
        .await?;
    let action = format!("dossier.{kind}");
    audit::record(
        tx,
        Entry {
            account: Some(actor.account),
            org: actor.org,
            action: &action,
            entity: "signal_dossier",
            entity_id: Some(dossier),
            detail: to.unwrap_or(""),
        },
    )
    .await?;
    Ok(())
}

/// Whether `actor` may bundle into, or out of, the scope of platform `platform`, asked of the
/// one authorization function: a member for their own organisation (the web layer checks
/// that their own signal is among those bundled), a regional chair only in their own region,
/// the platform coordinator in every region. Anything outside is *not found*, so a chair of
/// another region learns nothing of it.
fn may_bundle(actor: &Actor, platform: i64) -> Result<(), StoreError> {
    let scope = match actor.org {
        Some(org) => Resource::Org(org),
        None => Resource::Platform(platform),
    };
    authorize(actor, Action::BundleSignals, scope).map_err(|_| StoreError::NotFound)
}

/// Bundles `signals` into `dossier`, in the caller's transaction: each must be in no dossier
/// yet and, for a platform role, of a region the actor may bundle ([`may_bundle`]).
async fn attach(
    tx: &mut Tx,
    actor: &Actor,
    dossier: i64,
    signals: &[i64],
) -> Result<(), StoreError> {
    for s in signals {
        let row: Option<(i64,)> = sqlx::query_as("SELECT platform_id FROM signals WHERE id = $1")
            .bind(s)
            .fetch_optional(&mut **tx)
            .await?;
        let (platform,) = row.ok_or(StoreError::NotFound)?;
        may_bundle(actor, platform)?;
        let n =
            sqlx::query("UPDATE signals SET dossier_id = $1 WHERE id = $2 AND dossier_id IS NULL")
                .bind(dossier)
                .bind(s)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused("signal_already_bundled"));
        }
    }
    Ok(())
}

/// A new dossier.
#[derive(Debug, Clone)]
pub struct NewDossier<'a> {
    /// Title.
    pub title: &'a str,
    /// Short description.
    pub summary: &'a str,
    /// The platform it belongs to.
    pub platform: i64,
    /// Signals to bundle (none yet in a dossier).
    pub signals: &'a [i64],
    /// Regional dossiers to bundle (for a Flemish dossier: forwarded, not yet bundled).
    pub dossiers: &'a [i64],
}

/// Creates a dossier with the actor as trekker, bundling signals (and, on the Flemish
/// platform, forwarded regional dossiers), in one transaction.
pub async fn create_dossier(db: &Db, actor: &Actor, d: &NewDossier<'_>) -> Result<i64, StoreError> {
    if d.signals.is_empty() && d.dossiers.is_empty() {
        return Err(StoreError::Refused("dossier_without_signals"));
    }
    may_bundle(actor, d.platform)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO signal_dossiers (title, summary, status, platform_id, trekker_account_id, trekker_org_id, created_by, created_at, updated_at) \
         VALUES ($1, $2, 'gemeld', $3, $4, $5, $4, $6, $6) RETURNING id",
    )
    .bind(d.title)
    .bind(d.summary)
    .bind(d.platform)
    .bind(actor.account)
    .bind(actor.org)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    attach(&mut tx, actor, id, d.signals).await?;
    for child in d.dossiers {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT platform_id FROM signal_dossiers WHERE id = $1")
                .bind(child)
                .fetch_optional(&mut *tx)
                .await?;
        may_bundle(actor, row.ok_or(StoreError::NotFound)?.0)?;
        let n = sqlx::query(
            "UPDATE signal_dossiers SET parent_id = $1 WHERE id = $2 AND parent_id IS NULL AND forwarded_at IS NOT NULL AND id <> $1",
        )
        .bind(id)
        .bind(child)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused("dossier_not_forwarded"));
        }
        event(&mut tx, actor, *child, "bundled_upward", None, None, "").await?;
    }
    event(&mut tx, actor, id, "created", None, Some("gemeld"), "").await?;
    tx.commit().await?;
    db.suggest().close(d.signals);
    Ok(id)
}

/// Adds signals to an open dossier.
pub async fn add_signals(
    db: &Db,
    actor: &Actor,
    dossier: i64,
    signals: &[i64],
) -> Result<(), StoreError> {
    let d = get_dossier(db, dossier).await?;
    may_bundle(actor, d.platform_id)?;
    if !d.state().is_open() {
        return Err(StoreError::Refused("dossier_not_open"));
    }
    let mut tx = db.begin().await?;
    attach(&mut tx, actor, dossier, signals).await?;
    event(&mut tx, actor, dossier, "signals_added", None, None, "").await?;
    tx.commit().await?;
    db.suggest().close(signals);
    Ok(())
}

async fn facts_counts(tx: &mut Tx, id: i64) -> Result<(i64, i64), StoreError> {
    let (signals,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM signals s WHERE s.dossier_id = $1 OR s.dossier_id IN (SELECT c.id FROM signal_dossiers c WHERE c.parent_id = $1)",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let (responses,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM signal_responses WHERE dossier_id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    Ok((signals, responses))
}

/// Moves a dossier to `to`; the state machine decides (`sterk_signals::dossier`), and a
/// concurrent change is refused (`dossier_changed`) instead of overwritten.
pub async fn transition(
    db: &Db,
    actor: &Actor,
    id: i64,
    to: DossierStatus,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    let d = get_dossier(db, id).await?;
    let mut tx = db.begin().await?;
    let (signals, responses) = facts_counts(&mut tx, id).await?;
    let from = d.state();
    let facts = Facts {
        signals,
        analysis: &d.analysis,
        criteria: d.criteria(),
        reviewed: d.reviewed_by.is_some(),
        responses,
        reason,
    };
    from.transition(to, &facts).map_err(StoreError::Refused)?;
    let n = sqlx::query(
        "UPDATE signal_dossiers SET status = $1, rejection_reason = COALESCE($2, rejection_reason) WHERE id = $3 AND status = $4",
    )
    .bind(to.code())
    .bind(reason.filter(|_| to == DossierStatus::Afgewezen))
    .bind(id)
    .bind(from.code())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused("dossier_changed"));
    }
    event(
        &mut tx,
        actor,
        id,
        "status",
        Some(from.code()),
        Some(to.code()),
        reason.unwrap_or(""),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the analysis and the proposals (not after the report).
pub async fn save_analysis(
    db: &Db,
    actor: &Actor,
    id: i64,
    analysis: &str,
    proposals: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE signal_dossiers SET analysis = $1, proposals = $2 WHERE id = $3 AND status IN ('gemeld', 'verzameld', 'gebundeld', 'geanalyseerd')",
    )
    .bind(analysis)
    .bind(proposals)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused("dossier_reported"));
    }
    event(&mut tx, actor, id, "analysis", None, None, "").await?;
    tx.commit().await?;
    Ok(())
}

/// Records the reviewer's check of the four criteria and their signature. The trekker
/// cannot review their own dossier; a reported dossier is not reviewed again.
pub async fn review(db: &Db, actor: &Actor, id: i64, c: Criteria) -> Result<(), StoreError> {
    let d = get_dossier(db, id).await?;
    if d.trekker_account_id == actor.account {
        return Err(StoreError::Refused("reviewer_is_trekker"));
    }
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE signal_dossiers SET criteria_clear = $1, criteria_neutral = $2, criteria_recognised = $3, criteria_shared = $4, reviewed_by = $5, reviewed_at = $6 \
         WHERE id = $7 AND status IN ('gemeld', 'verzameld', 'gebundeld', 'geanalyseerd')",
    )
    .bind(i64::from(c.clear))
    .bind(i64::from(c.neutral))
    .bind(i64::from(c.recognised))
    .bind(i64::from(c.shared))
    .bind(actor.account)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused("dossier_reported"));
    }
    let detail = Criteria::CODES
        .iter()
        .filter(|k| c.get(k))
        .copied()
        .collect::<Vec<_>>()
        .join(",");
    event(&mut tx, actor, id, "review", None, None, &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Co-signs a dossier in the name of the actor's organisation (once per organisation).
pub async fn cosign(db: &Db, actor: &Actor, id: i64) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    get_dossier(db, id).await?;
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "INSERT INTO signal_cosigners (dossier_id, org_id, account_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT (dossier_id, org_id) DO NOTHING",
    )
    .bind(id)
    .bind(org)
    .bind(actor.account)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused("already_cosigned"));
    }
    event(&mut tx, actor, id, "cosigned", None, None, "").await?;
    tx.commit().await?;
    Ok(())
}

/// A co-signing organisation.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CosignerRow {
    /// Organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Its kind.
    pub org_kind: String,
    /// When (ms).
    pub at: i64,
}

/// The co-signers of a dossier.
pub async fn cosigners(db: &Db, id: i64) -> Result<Vec<CosignerRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT c.org_id, o.name AS org_name, o.kind AS org_kind, c.at FROM signal_cosigners c JOIN organisations o ON o.id = c.org_id WHERE c.dossier_id = $1 ORDER BY c.at",
    )
    .bind(id)
    .fetch_all(db.reader())
    .await?)
}

/// Adds a comment, or a validation: only an association where people in poverty speak
/// (organisation kind `armoedevereniging`) can validate, and it is recorded as such.
pub async fn comment(
    db: &Db,
    actor: &Actor,
    id: i64,
    validation: bool,
    body: &str,
) -> Result<(), StoreError> {
    get_dossier(db, id).await?;
    let mut tx = db.begin().await?;
    if validation {
        let kind: Option<(String,)> =
            sqlx::query_as("SELECT kind FROM organisations WHERE id = $1")
                .bind(actor.org)
                .fetch_optional(&mut *tx)
                .await?;
        if kind.is_none_or(|(k,)| k != "armoedevereniging") {
            return Err(StoreError::Refused("validation_needs_armoedevereniging"));
        }
    }
    let kind = if validation { "validation" } else { "comment" };
    sqlx::query(
        "INSERT INTO signal_comments (dossier_id, org_id, account_id, kind, body, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(actor.org)
    .bind(actor.account)
    .bind(kind)
    .bind(body)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    event(&mut tx, actor, id, kind, None, None, "").await?;
    tx.commit().await?;
    Ok(())
}

/// A comment or validation.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CommentRow {
    /// Id.
    pub id: i64,
    /// `comment` or `validation`.
    pub kind: String,
    /// The text.
    pub body: String,
    /// The organisation's name, if any.
    pub org_name: Option<String>,
    /// Its kind (`armoedevereniging`, …).
    pub org_kind: Option<String>,
    /// Who.
    pub account_name: String,
    /// When (ms).
    pub at: i64,
}

/// Comments and validations of a dossier, oldest first.
pub async fn comments(db: &Db, id: i64) -> Result<Vec<CommentRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.kind, c.body, o.name AS org_name, o.kind AS org_kind, a.display_name AS account_name, c.at FROM signal_comments c \
         LEFT JOIN organisations o ON o.id = c.org_id JOIN accounts a ON a.id = c.account_id WHERE c.dossier_id = $1 ORDER BY c.id",
    )
    .bind(id)
    .fetch_all(db.reader())
    .await?)
}

/// Forwards a regional dossier to the Flemish platform (once; not a rejected one).
pub async fn forward(db: &Db, actor: &Actor, id: i64) -> Result<(), StoreError> {
    let d = get_dossier(db, id).await?;
    if d.is_flemish() {
        return Err(StoreError::Refused("dossier_already_flemish"));
    }
    if d.state() == DossierStatus::Afgewezen {
        return Err(StoreError::Refused("dossier_closed"));
    }
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE signal_dossiers SET forwarded_at = $1 WHERE id = $2 AND forwarded_at IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused("dossier_already_forwarded"));
    }
    event(&mut tx, actor, id, "forwarded", None, None, "").await?;
    tx.commit().await?;
    Ok(())
}

/// A policy response.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ResponseRow {
    /// Id.
    pub id: i64,
    /// The dossier.
    pub dossier_id: i64,
    /// The dossier's title.
    pub dossier_title: String,
    /// Who responded (a minister, a city council, an agency).
    pub responder: String,
    /// When it was decided (`YYYY-MM-DD`).
    pub decided_on: String,
    /// What was decided.
    pub decision: String,
    /// When it was recorded (ms).
    pub recorded_at: i64,
}

/// Records a policy response on a reported dossier.
pub async fn record_response(
    db: &Db,
    actor: &Actor,
    id: i64,
    responder: &str,
    decided_on: Date,
    decision: &str,
) -> Result<i64, StoreError> {
    let d = get_dossier(db, id).await?;
    if !d.state().is_reported() {
        return Err(StoreError::Refused("dossier_not_reported"));
    }
    let mut tx = db.begin().await?;
    let (rid,): (i64,) = sqlx::query_as(
        "INSERT INTO signal_responses (dossier_id, responder, decided_on, decision, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(responder)
    .bind(sterk_domain::values::format_date(decided_on))
    .bind(decision)
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    event(&mut tx, actor, id, "response", None, None, "").await?;
    tx.commit().await?;
    Ok(rid)
}

const RESPONSES: &str = "SELECT r.id, r.dossier_id, d.title AS dossier_title, r.responder, r.decided_on, r.decision, r.recorded_at FROM signal_responses r JOIN signal_dossiers d ON d.id = r.dossier_id";

/// The responses on a dossier, oldest first.
pub async fn responses(db: &Db, id: i64) -> Result<Vec<ResponseRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{RESPONSES} WHERE r.dossier_id = $1 ORDER BY r.id"
    ))
    .bind(id)
    .fetch_all(db.reader())
    .await?)
}

/// The responses on every reported dossier (for the public page), newest first.
pub async fn public_responses(db: &Db) -> Result<Vec<ResponseRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{RESPONSES} WHERE d.status IN ('gerapporteerd', 'beslist', 'actie', 'teruggekoppeld') ORDER BY r.id DESC LIMIT 500"
    ))
    .fetch_all(db.reader())
    .await?)
}

const MINE: &str = "SELECT s.dossier_id FROM signals s WHERE s.created_by = $1 AND s.dossier_id IS NOT NULL \
    UNION SELECT c.parent_id FROM signals s JOIN signal_dossiers c ON c.id = s.dossier_id WHERE s.created_by = $1 AND c.parent_id IS NOT NULL";

/// The inbox of a contributor: policy responses on every dossier (or Flemish dossier) that
/// holds a signal the account registered, newest first.
pub async fn inbox(db: &Db, actor: &Actor) -> Result<Vec<ResponseRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{RESPONSES} WHERE r.dossier_id IN ({MINE}) ORDER BY r.id DESC LIMIT 200"
    ))
    .bind(actor.account)
    .fetch_all(db.reader())
    .await?)
}

/// One entry of a dossier's history.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct EventRow {
    /// Id.
    pub id: i64,
    /// The dossier.
    pub dossier_id: i64,
    /// The dossier's title.
    pub dossier_title: String,
    /// When (ms).
    pub at: i64,
    /// Who.
    pub account_name: Option<String>,
    /// What kind of change (`created`, `status`, `review`, `cosigned`, …).
    pub kind: String,
    /// State before.
    pub from_status: Option<String>,
    /// State after.
    pub to_status: Option<String>,
    /// Detail (a reason, the criteria checked).
    pub detail: String,
}

const EVENTS: &str = "SELECT e.id, e.dossier_id, d.title AS dossier_title, e.at, a.display_name AS account_name, e.kind, e.from_status, e.to_status, e.detail \
    FROM signal_dossier_events e JOIN signal_dossiers d ON d.id = e.dossier_id LEFT JOIN accounts a ON a.id = e.account_id";

/// The history of a dossier, oldest first.
pub async fn history(db: &Db, id: i64) -> Result<Vec<EventRow>, StoreError> {
    Ok(
        sqlx::query_as(&format!("{EVENTS} WHERE e.dossier_id = $1 ORDER BY e.id"))
            .bind(id)
            .fetch_all(db.reader())
            .await?,
    )
}

/// Changes of state of the contributor's dossiers, newest first (the inbox's second part).
pub async fn inbox_events(db: &Db, actor: &Actor) -> Result<Vec<EventRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{EVENTS} WHERE e.kind IN ('status', 'forwarded', 'bundled_upward') AND e.dossier_id IN ({MINE}) ORDER BY e.id DESC LIMIT 100"
    ))
    .bind(actor.account)
    .fetch_all(db.reader())
    .await?)
}

/// A candidate (from the rights module or a call round) the organisation can turn into a
/// signal.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CandidateRow {
    /// `signal_candidate` or `help_candidate`.
    pub kind: String,
    /// Id.
    pub id: i64,
    /// The right concerned (signal candidates).
    pub right_id: Option<String>,
    /// The barrier or the need, in the worker's words.
    pub text: String,
    /// Municipality.
    pub refnis: Option<String>,
    /// When (ms).
    pub created_at: i64,
}

/// Open candidates of the actor's organisation, newest first. Help-request candidates do
/// not name the person here (their client id stays in the call round).
pub async fn candidates(db: &Db, actor: &Actor) -> Result<Vec<CandidateRow>, StoreError> {
    let org = org_of(actor)?;
    let mut rows: Vec<CandidateRow> = sqlx::query_as(
        "SELECT 'signal_candidate' AS kind, id, right_id, barrier AS text, refnis, created_at FROM signal_candidates WHERE org_id = $1 AND status = 'candidate' ORDER BY id DESC LIMIT 100",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    let help: Vec<CandidateRow> = sqlx::query_as(
        "SELECT 'help_candidate' AS kind, h.id, NULL AS right_id, h.need AS text, c.refnis, h.created_at FROM help_request_candidates h \
         LEFT JOIN clients c ON c.id = h.client_id WHERE h.org_id = $1 AND h.status = 'candidate' ORDER BY h.id DESC LIMIT 100",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    rows.extend(help);
    Ok(rows)
}

/// One candidate of the organisation, still open.
pub async fn candidate(
    db: &Db,
    actor: &Actor,
    kind: &str,
    id: i64,
) -> Result<CandidateRow, StoreError> {
    candidates(db, actor)
        .await?
        .into_iter()
        .find(|c| c.kind == kind && c.id == id)
        .ok_or(StoreError::NotFound)
}

/// One cell of the figures.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct CountRow {
    /// Dimension (`all`, `challenge`, `right`, `life`, `target_group`, `region`, `month`).
    pub dimension: String,
    /// Code within it.
    pub code: String,
    /// Signals.
    pub n: i64,
}

/// Figures of all organisations (optionally of one region), from the counts: per
/// challenge, right, life domain and target group, and per region and month of all signals.
/// The caller hides cells under 5 (they are shown outside the contributing organisation).
///
/// The answer is [`figures_by_query`]'s, computed once per state of `signal_counts` and kept
/// in memory ([`FiguresCache`]): a view reads only the sum of the `all` cells (a few hundred
/// rows) to see whether the counts changed, here or on another instance.
pub async fn figures(db: &Db, platform: Option<i64>) -> Result<Vec<CountRow>, StoreError> {
    let total = figures_version(db).await?;
    let cache = db.figures_cache();
    let snapshot = match cache.get(total) {
        Some(s) => s,
        None => {
            let fresh = std::sync::Arc::new(FiguresSnapshot::read(db).await?);
            cache.put(fresh.clone());
            fresh
        }
    };
    Ok(snapshot.of(platform))
}

/// The version of the figures of all organisations: the sum of the `all` cells of the
/// counts, which every registration raises (counts only grow), so figures built from the same
/// version are the same figures.
pub async fn figures_version(db: &Db) -> Result<i64, StoreError> {
    let (total,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM signal_counts WHERE dimension = 'all'",
    )
    .fetch_one(db.reader())
    .await?;
    Ok(total)
}

/// The figures of all signals in memory, by the state of `signal_counts` they were computed
/// from (see [`figures`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct FiguresCache(
    std::sync::Arc<std::sync::RwLock<Option<std::sync::Arc<FiguresSnapshot>>>>,
);

impl FiguresCache {
    /// The figures computed from counts whose `all` cells add up to `total`, if those are
    /// the ones kept. Every change of `signal_counts` adds to its `all` cells (a
    /// registration adds one to one of them, and counts only grow), so an equal sum means
    /// unchanged counts.
    fn get(&self, total: i64) -> Option<std::sync::Arc<FiguresSnapshot>> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|s| s.total == total)
            .cloned()
    }

    /// Keeps `s`, unless newer figures are kept already.
    fn put(&self, s: std::sync::Arc<FiguresSnapshot>) {
        let mut kept = self.0.write().unwrap_or_else(|e| e.into_inner());
        if kept.as_ref().is_none_or(|k| k.total <= s.total) {
            *kept = Some(s);
        }
    }
}

/// The figures of all organisations and of each region, as [`figures_by_query`] gives them.
#[derive(Debug)]
pub(crate) struct FiguresSnapshot {
    /// The sum of the `all` cells the figures were computed from.
    total: i64,
    /// All regions together.
    all: Vec<CountRow>,
    /// Per region (platform id); a region without signals is not in it.
    regions: std::collections::BTreeMap<i64, Vec<CountRow>>,
}

impl FiguresSnapshot {
    /// Reads the counts summed per region in one statement (so one state of the table) and
    /// adds them up in memory.
    async fn read(db: &Db) -> Result<FiguresSnapshot, StoreError> {
        use std::collections::BTreeMap;
        // part 0: per dimension, code and region; part 1: the `all` cells per month and region.
        let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT CAST(0 AS BIGINT), dimension, code, platform_id, CAST(SUM(n) AS BIGINT) FROM signal_counts GROUP BY dimension, code, platform_id \
             UNION ALL \
             SELECT CAST(1 AS BIGINT), 'month', month, platform_id, CAST(SUM(n) AS BIGINT) FROM signal_counts WHERE dimension = 'all' GROUP BY month, platform_id",
        )
        .fetch_all(db.reader())
        .await?;
        type Cells = BTreeMap<(String, String), i64>;
        // (dimension, code) -> n, for all regions and per region; months and regions apart so
        // each comes after the dimensions, as the queries order them.
        let mut all: Cells = BTreeMap::new();
        let mut all_months: BTreeMap<String, i64> = BTreeMap::new();
        let mut all_regions: BTreeMap<i64, i64> = BTreeMap::new();
        let mut per: BTreeMap<i64, (Cells, BTreeMap<String, i64>)> = BTreeMap::new();
        let mut total = 0i64;
        for (part, dimension, code, platform, n) in rows {
            let (cells, months) = per.entry(platform).or_default();
            if part == 1 {
                *all_months.entry(code.clone()).or_default() += n;
                *months.entry(code).or_default() += n;
                continue;
            }
            if dimension == "all" {
                total += n;
                *all_regions.entry(platform).or_default() += n;
            }
            *all.entry((dimension.clone(), code.clone())).or_default() += n;
            *cells.entry((dimension, code)).or_default() += n;
        }
        let rows_of = |cells: Cells, regions: Vec<(i64, i64)>, months: BTreeMap<String, i64>| {
            let mut out: Vec<CountRow> = cells
                .into_iter()
                .filter(|((d, _), _)| d != "all")
                .map(|((dimension, code), n)| CountRow { dimension, code, n })
                .collect();
            out.extend(regions.into_iter().map(|(p, n)| CountRow {
                dimension: "region".to_owned(),
                code: p.to_string(),
                n,
            }));
            out.extend(months.into_iter().map(|(code, n)| CountRow {
                dimension: "month".to_owned(),
                code,
                n,
            }));
            out
        };
        let regions = per
            .into_iter()
            .map(|(p, (cells, months))| {
                let region: Vec<(i64, i64)> =
                    all_regions.get(&p).map(|n| (p, *n)).into_iter().collect();
                (p, rows_of(cells, region, months))
            })
            .collect();
        Ok(FiguresSnapshot {
            total,
            all: rows_of(all, all_regions.into_iter().collect(), all_months),
            regions,
        })
    }

    fn of(&self, platform: Option<i64>) -> Vec<CountRow> {
        match platform {
            None => self.all.clone(),
            Some(p) => self.regions.get(&p).cloned().unwrap_or_default(),
        }
    }
}

/// [`figures`] straight from the database, grouping the counts on every call (the reference
/// the kept figures are tested against).
pub async fn figures_by_query(db: &Db, platform: Option<i64>) -> Result<Vec<CountRow>, StoreError> {
    let (cond, bind) = match platform {
        Some(p) => ("WHERE platform_id = $1", Some(p)),
        None => ("", None),
    };
    let mut out = Vec::new();
    for sql in [
        format!(
            "SELECT dimension, code, CAST(SUM(n) AS BIGINT) AS n FROM signal_counts {cond} GROUP BY dimension, code ORDER BY dimension, code"
        ),
        format!(
            "SELECT 'region' AS dimension, CAST(platform_id AS TEXT) AS code, CAST(SUM(n) AS BIGINT) AS n FROM signal_counts {} dimension = 'all' GROUP BY platform_id ORDER BY platform_id",
            if cond.is_empty() {
                "WHERE"
            } else {
                "WHERE platform_id = $1 AND"
            }
        ),
        format!(
            "SELECT 'month' AS dimension, month AS code, CAST(SUM(n) AS BIGINT) AS n FROM signal_counts {} dimension = 'all' GROUP BY month ORDER BY month",
            if cond.is_empty() {
                "WHERE"
            } else {
                "WHERE platform_id = $1 AND"
            }
        ),
    ] {
        let mut q = sqlx::query_as::<_, CountRow>(&sql);
        if let Some(p) = bind {
            q = q.bind(p);
        }
        out.extend(
            q.fetch_all(db.reader())
                .await?
                .into_iter()
                .filter(|r| r.dimension != "all"),
        );
    }
    Ok(out)
}

/// The figures of the actor's own organisation (not suppressed: they stay inside it), from
/// its counts (`signal_org_counts`, kept in the registering transaction): per challenge,
/// right, life domain, region, month and target group, each ordered by code (regions by
/// their number).
pub async fn own_figures(db: &Db, actor: &Actor) -> Result<Vec<CountRow>, StoreError> {
    let org = org_of(actor)?;
    let mut out: Vec<CountRow> = sqlx::query_as(
        "SELECT dimension, code, n FROM signal_org_counts WHERE org_id = $1 ORDER BY dimension, code",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    out.sort_by(|a, b| {
        a.dimension.cmp(&b.dimension).then_with(|| {
            if a.dimension == "region" {
                let n = |c: &str| c.parse::<i64>().unwrap_or(i64::MAX);
                n(&a.code).cmp(&n(&b.code))
            } else {
                a.code.cmp(&b.code)
            }
        })
    });
    Ok(out)
}

/// Demo accounts of the signals module: a social worker in each other demo organisation
/// (the organisation administrator of the armoedevereniging validates and co-signs).
pub const DEMO_SIGNAL_ACCOUNTS: [(&str, &str, &str); 4] = [
    ("werker@caw-antwerpen.demo", "CAW Antwerpen", "Ines Wouters"),
    (
        "werker@buurtwerk-leuven.demo",
        "Buurtwerk Leuven",
        "Tom Jacobs",
    ),
    (
        "beheer@de-keeting.demo",
        "Armoedevereniging De Keeting",
        "Rita Goossens",
    ),
    (
        "werker@sob-brussel.demo",
        "Samenlevingsopbouw Brussel",
        "Yasmina Benali",
    ),
];

/// The demo set of the signals module (called by `demo::load`): a handful of signals of
/// five organisations, Dutch and French, one dossier under way, one candidate from a refused
/// right, and an anonymous-signal consent for the testimony.
pub async fn demo(db: &Db, password: &str) -> Result<(), StoreError> {
    use sterk_domain::access::Role;
    use sterk_domain::values::Refnis;
    use sterk_signals::form::Subject;
    let find = |sql: &'static str, arg: &'static str| async move {
        let row: Option<(i64,)> = sqlx::query_as(sql)
            .bind(arg)
            .fetch_optional(db.reader())
            .await?;
        row.map(|(id,)| id).ok_or(StoreError::NotFound)
    };
    let gent_worker = find(
        "SELECT id FROM accounts WHERE email = $1",
        "werker@ocmw-gent.demo",
    )
    .await?;
    let gent = find("SELECT id FROM organisations WHERE name = $1", "OCMW Gent").await?;
    let mut actors = vec![Actor {
        account: gent_worker,
        role: Role::SocialWorker,
        org: Some(gent),
        platform: None,
    }];
    for (email, org_name, display) in DEMO_SIGNAL_ACCOUNTS {
        let org = find("SELECT id FROM organisations WHERE name = $1", org_name).await?;
        let role = if email.starts_with("beheer") {
            Role::OrgAdmin
        } else {
            Role::SocialWorker
        };
        let account = crate::accounts::create(
            db,
            None,
            crate::accounts::NewAccount {
                email: email.to_owned(),
                display_name: display.to_owned(),
                role,
                org_id: Some(org),
                platform_id: None,
                password: password.to_owned(),
                must_change_password: false,
            },
        )
        .await?;
        actors.push(Actor {
            account,
            role,
            org: Some(org),
            platform: None,
        });
    }
    let today = time::OffsetDateTime::now_utc().date();
    // The testimony of Mevrouw X. is used with her consent for anonymous use in signals.
    let client = find("SELECT id FROM clients WHERE name = $1", "Mevrouw X.").await?;
    crate::clients::record_consent(
        db,
        &actors[0],
        client,
        &crate::clients::ConsentInput {
            purpose: ConsentPurpose::AnonymousSignal,
            recipient_org: None,
            method: sterk_domain::client::ConsentMethod::Oral,
            given_on: today,
            expires_on: None,
            note: String::new(),
        },
    )
    .await?;
    type Spec<'a> = (
        usize,
        &'a str,
        Subject,
        &'a str,
        &'a [&'a str],
        &'a str,
        i64,
        Option<&'a str>,
    );
    let specs: [Spec<'_>; 7] = [
        (
            0,
            "Ouderen vragen de huurpremie niet aan: het formulier is alleen online en de brief van Wonen in Vlaanderen is te moeilijk.",
            Subject::Right("vlaamse_huurpremie".into()),
            "onderbescherming",
            &["elderly", "low_income"],
            "44021",
            14,
            Some("Ik kreeg een brief, maar ik begreep niet dat ik iets moest doen. Niemand belde."),
        ),
        (
            0,
            "Afspraken bij het OCMW kunnen enkel nog via een website; wie geen computer heeft, wacht weken.",
            Subject::Life("digital"),
            "digitalisering",
            &["elderly", "newcomers"],
            "44021",
            30,
            None,
        ),
        (
            1,
            "Huurders met een laag inkomen kennen de huurpremie niet; het formulier online is te moeilijk voor ouderen.",
            Subject::Right("vlaamse_huurpremie".into()),
            "onderbescherming",
            &["elderly"],
            "11002",
            9,
            None,
        ),
        (
            2,
            "Gezinnen in de wijk krijgen de schooltoeslag niet omdat gegevens ontbreken bij de uitbetaler.",
            Subject::Right("schooltoeslag".into()),
            "onderbescherming",
            &["children", "single_parents"],
            "24062",
            6,
            None,
        ),
        (
            3,
            "Mensen in armoede haken af bij de huurpremie: de brief is te moeilijk en het formulier enkel online.",
            Subject::Right("vlaamse_huurpremie".into()),
            "onderbescherming",
            &["low_income"],
            "71072",
            11,
            None,
        ),
        (
            4,
            "Les personnes âgées ne demandent pas la prime au loyer : le formulaire n'existe qu'en ligne et la lettre est trop difficile.",
            Subject::Right("vlaamse_huurpremie".into()),
            "onderbescherming",
            &["elderly"],
            "21004",
            7,
            None,
        ),
        (
            4,
            "Les rendez-vous au CPAS se prennent uniquement en ligne ; les personnes sans ordinateur attendent des semaines.",
            Subject::Life("digital"),
            "digitalisering",
            &["elderly", "newcomers"],
            "21004",
            20,
            None,
        ),
    ];
    let mut ids = Vec::new();
    for (who, what, subject, challenge, groups, nis, people, testimony) in specs {
        let s = NewSignal {
            what: what.to_owned(),
            subject,
            challenge: sterk_signals::form::challenges()
                .find(|c| *c == challenge)
                .unwrap_or("onderbescherming"),
            target_groups: groups
                .iter()
                .filter_map(|g| {
                    sterk_signals::form::TARGET_GROUPS
                        .iter()
                        .copied()
                        .find(|t| t == g)
                })
                .collect(),
            refnis: Refnis::parse(nis).map_err(StoreError::Refused)?,
            people,
            since: "2025-09".to_owned(),
            evidence: if testimony.is_some() {
                vec!["cases", "testimony"]
            } else {
                vec!["cases"]
            },
            testimony: testimony.map(str::to_owned),
            testimony_client: testimony.map(|_| client),
        };
        ids.push(
            register(
                db,
                &actors[who],
                &s,
                Source::Form,
                today,
                &PiiCheck::default(),
            )
            .await?,
        );
    }
    // One dossier under way in Oost-Vlaanderen: the Gent worker bundled their signal about
    // the rent premium with those of Antwerp, Limburg and Brussels; the analysis is written.
    let dossier = create_dossier(
        db,
        &actors[0],
        &NewDossier {
            title: "De huurpremie bereikt ouderen en mensen in armoede niet",
            summary: "Wie recht heeft op de Vlaamse huurpremie vraagt ze vaak niet aan: de brief is moeilijk en het formulier kan alleen online.",
            platform: 4,
            signals: &[ids[0], ids[2], ids[4], ids[5]],
            dossiers: &[],
        },
    )
    .await?;
    for to in [DossierStatus::Verzameld, DossierStatus::Gebundeld] {
        transition(db, &actors[0], dossier, to, None).await?;
    }
    save_analysis(
        db,
        &actors[0],
        dossier,
        "In drie regio's zien organisaties hetzelfde: de huurpremie wordt niet automatisch toegekend, de brief is moeilijk en de aanvraag kan alleen online.",
        "Ken de huurpremie automatisch toe aan wie lang op een sociale woning wacht. Stuur een brief in eenvoudige taal.",
    )
    .await?;
    comment(
        db,
        &actors[3],
        dossier,
        true,
        "Onze leden herkennen dit: wie geen computer heeft, vraagt niets aan.",
    )
    .await?;
    // A candidate from a refused right, waiting to become a signal.
    crate::rights::create_signal_candidate(
        db,
        &actors[0],
        "refused_right",
        Some("vlaamse_huurpremie"),
        "Aanvraag geweigerd omdat een attest van de huisbaas ontbreekt dat die niet wil geven.",
        Some("44021"),
    )
    .await?;
    Ok(())
}

/// Adds `n` signals spread over the first `orgs` organisations (ids 1..=orgs, as
/// `demo::seed_bench` makes them) to a benchmark database, with their counts, in large
/// transactions. Texts are varied Dutch and French sentences, so suggestions have real work.
pub async fn seed_bench(db: &Db, orgs: usize, n: usize) -> Result<(), StoreError> {
    use std::collections::HashMap;
    let munis: Vec<(String, i64)> =
        sqlx::query_as("SELECT refnis, platform_id FROM municipalities ORDER BY refnis")
            .fetch_all(db.reader())
            .await?;
    if munis.is_empty() || orgs == 0 {
        return Ok(());
    }
    let subjects_nl = [
        "De huurpremie wordt niet aangevraagd",
        "Afspraken bij het OCMW kunnen enkel online",
        "De schooltoeslag komt niet aan",
        "Wachtlijsten voor sociale woningen worden langer",
        "Het sociaal tarief voor energie wordt niet toegekend",
        "Ouderen vinden de weg naar de mutualiteit niet",
        "Jongeren verliezen hun studietoelage",
        "De verhoogde tegemoetkoming wordt niet automatisch toegekend",
    ];
    let subjects_fr = [
        "La prime au loyer n'est pas demandée",
        "Les rendez-vous au CPAS se prennent uniquement en ligne",
        "Les listes d'attente pour un logement social s'allongent",
        "Le tarif social de l'énergie n'est pas accordé",
    ];
    let causes = [
        "omdat het formulier te moeilijk is",
        "omdat de brief niet begrijpelijk is",
        "want niemand belt de mensen op",
        "omdat een attest ontbreekt",
        "omdat er geen loket meer is",
    ];
    let rights = [
        "vlaamse_huurpremie",
        "schooltoeslag",
        "sociaal_tarief_energie",
        "verhoogde_tegemoetkoming",
        "studietoelage_hoger_onderwijs",
    ];
    let challenges: Vec<&str> = sterk_signals::form::challenges().collect();
    let groups = sterk_signals::form::TARGET_GROUPS;
    let life = sterk_signals::form::LIFE_DOMAINS;
    let now = now_ms();
    let mut counts: HashMap<(String, String, String, i64), i64> = HashMap::new();
    let mut org_counts: HashMap<(usize, String, String), i64> = HashMap::new();
    let chunk = 1000;
    let mut done = 0;
    while done < n {
        let k = chunk.min(n - done);
        let mut tx = db.begin().await?;
        let mut sql = String::from(
            "INSERT INTO signals (org_id, what, terms, subject_kind, subject, challenge, target_groups, refnis, platform_id, people, since, evidence, source, month, created_by, created_at) VALUES ",
        );
        for j in 0..k {
            let i = done + j;
            let org = i % orgs + 1;
            let (refnis, platform) = &munis[(org * 7) % munis.len()];
            let what = if i % 5 == 4 {
                format!("{} ({}).", subjects_fr[i % subjects_fr.len()], i % 97)
            } else {
                format!(
                    "{} {} ({}).",
                    subjects_nl[i % subjects_nl.len()],
                    causes[(i / 3) % causes.len()],
                    i % 89
                )
            };
            let terms = sterk_signals::similarity::terms(&what);
            let (kind, subject) = if i % 3 == 0 {
                ("life", life[i % life.len()])
            } else {
                ("right", rights[i % rights.len()])
            };
            let challenge = challenges[i % challenges.len()];
            let g1 = groups[i % groups.len()];
            let g2 = groups[(i / 10) % groups.len()];
            let tg = if g1 == g2 {
                g1.to_owned()
            } else {
                format!("{g1},{g2}")
            };
            let month = format!("{:04}-{:02}", 2024 + (i / 12) % 3, i % 12 + 1);
            if j > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({org}, '{}', '{}', '{kind}', '{subject}', '{challenge}', '{tg}', '{refnis}', {platform}, {}, '2024-01', 'cases', 'form', '{month}', {org}, {})",
                what.replace('\'', "''"),
                terms.replace('\'', "''"),
                i % 40 + 1,
                now - (n - i) as i64 * 1000,
            ));
            let mut add = |d: &str, c: &str| {
                *counts
                    .entry((d.to_owned(), c.to_owned(), month.clone(), *platform))
                    .or_insert(0) += 1;
            };
            add("all", "all");
            add("challenge", challenge);
            add(kind, subject);
            for g in tg.split(',') {
                add("target_group", g);
            }
            let mut own = |d: &str, c: &str| {
                *org_counts
                    .entry((org, d.to_owned(), c.to_owned()))
                    .or_insert(0) += 1;
            };
            own("challenge", challenge);
            own(kind, subject);
            own("region", &platform.to_string());
            own("month", &month);
            for g in tg.split(',') {
                own("target_group", g);
            }
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
        tx.commit().await?;
        done += k;
    }
    let mut tx = db.begin().await?;
    for ((d, c, m, p), v) in counts {
        sqlx::query(
            "INSERT INTO signal_counts (dimension, code, month, platform_id, n) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (dimension, code, month, platform_id) DO UPDATE SET n = signal_counts.n + $5",
        )
        .bind(d)
        .bind(c)
        .bind(m)
        .bind(p)
        .bind(v)
        .execute(&mut *tx)
        .await?;
    }
    for ((o, d, c), v) in org_counts {
        sqlx::query(
            "INSERT INTO signal_org_counts (org_id, dimension, code, n) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, dimension, code) DO UPDATE SET n = signal_org_counts.n + $4",
        )
        .bind(o as i64)
        .bind(d)
        .bind(c)
        .bind(v)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::shift_params;

    #[test]
    fn parameters_are_shifted_for_a_batch() {
        assert_eq!(
            shift_params("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $10)", 7),
            "INSERT INTO t (a, b) VALUES ($8, $9), ($10, $17)"
        );
        assert_eq!(shift_params("SELECT 1", 3), "SELECT 1");
        assert_eq!(shift_params("SELECT $1", 0), "SELECT $1");
    }
}
