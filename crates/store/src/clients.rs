//! Client records and the consent ledger.
//!
//! **Architecture Invariant:** a client record is only ever read or changed through these
//! functions, which take the acting [`Actor`] and only find clients of the actor's own
//! organisation; a client of another organisation is "not found". Every read and change is
//! audited, and a change's audit row is written in the change's transaction.

use crate::audit::{self, Entry};
use crate::{Db, StoreError, Tx, now_ms};
use serde::Serialize;
use sterk_domain::access::Actor;
use sterk_domain::client::{Consent, ConsentMethod, ConsentPurpose, ContactChannel, Household};
use sterk_domain::values::{BirthDate, Name, Refnis, format_date};
use time::Date;

/// A parsed client record, as a form or the API delivers it.
#[derive(Debug, Clone)]
pub struct ClientInput {
    /// Name or pseudonym.
    pub name: Name,
    /// Birth date or year.
    pub birth: Option<BirthDate>,
    /// Municipality.
    pub refnis: Option<Refnis>,
    /// Languages spoken (codes).
    pub languages: Vec<&'static str>,
    /// How to reach the person.
    pub channels: Vec<ContactChannel>,
    /// Phone number, if given.
    pub phone: Option<String>,
    /// E-mail, if given.
    pub email: Option<String>,
    /// Address (street and number) for visits and letters, if given.
    pub address: Option<String>,
    /// Household composition.
    pub household: Household,
    /// Working notes (kept within the organisation).
    pub notes: String,
}

/// A client record as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ClientRow {
    /// Id.
    pub id: i64,
    /// Recording organisation.
    pub org_id: i64,
    /// Name or pseudonym.
    pub name: String,
    /// Birth date (`YYYY-MM-DD`) or year (`YYYY`).
    pub birth: Option<String>,
    /// Municipality REFNIS code.
    pub refnis: Option<String>,
    /// Municipality name (Dutch).
    pub municipality_nl: Option<String>,
    /// Municipality name (French).
    pub municipality_fr: Option<String>,
    /// Comma-separated language codes.
    pub languages: String,
    /// Comma-separated contact channel codes.
    pub channels: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Adults in the household.
    pub adults: i64,
    /// Children in the household.
    pub children: i64,
    /// 1 when the person lives alone.
    pub lives_alone: i64,
    /// Notes.
    pub notes: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
    /// Erased (ms), when the personal data were erased.
    pub erased_at: Option<i64>,
}

/// A line of the client list.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ClientSummary {
    /// Id.
    pub id: i64,
    /// Name or pseudonym.
    pub name: String,
    /// Birth.
    pub birth: Option<String>,
    /// Municipality (Dutch name).
    pub municipality_nl: Option<String>,
    /// Last changed (ms).
    pub updated_at: i64,
}

/// A row of the client list's statement: the summary and the total of the filtered list.
#[derive(sqlx::FromRow)]
struct SummaryWithTotal {
    id: i64,
    name: String,
    birth: Option<String>,
    municipality_nl: Option<String>,
    updated_at: i64,
    total: i64,
}

/// A consent as the ledger shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ConsentRow {
    /// Id.
    pub id: i64,
    /// Client.
    pub client_id: i64,
    /// Purpose code.
    pub purpose: String,
    /// Recipient organisation (referrals).
    pub recipient_org_id: Option<i64>,
    /// Recipient's name.
    pub recipient_name: Option<String>,
    /// How given.
    pub method: String,
    /// Given on.
    pub given_on: String,
    /// Expires on.
    pub expires_on: Option<String>,
    /// Withdrawn on.
    pub withdrawn_on: Option<String>,
    /// Note.
    pub note: String,
    /// Recorded by (account id).
    pub recorded_by: i64,
    /// Recorder's name.
    pub recorded_by_name: Option<String>,
    /// Recorded at (ms).
    pub recorded_at: i64,
}

impl ConsentRow {
    /// The domain view of this row (for the rules in [`Consent`]).
    pub fn to_consent(&self) -> Option<Consent> {
        let parse = |s: &str| sterk_domain::values::parse_date(s).ok();
        Some(Consent {
            purpose: ConsentPurpose::parse(&self.purpose).ok()?,
            recipient_org: self.recipient_org_id,
            given_on: parse(&self.given_on)?,
            expires_on: self.expires_on.as_deref().and_then(parse),
            withdrawn_on: self.withdrawn_on.as_deref().and_then(parse),
        })
    }
}

/// A parsed new consent.
#[derive(Debug, Clone)]
pub struct ConsentInput {
    /// Purpose.
    pub purpose: ConsentPurpose,
    /// Recipient organisation, required for referrals.
    pub recipient_org: Option<i64>,
    /// How given.
    pub method: ConsentMethod,
    /// Given on.
    pub given_on: Date,
    /// Expires on.
    pub expires_on: Option<Date>,
    /// Note (no personal data needed).
    pub note: String,
}

const SELECT_CLIENT: &str = "SELECT c.id, c.org_id, c.name, c.birth, c.refnis, m.name_nl AS municipality_nl, m.name_fr AS municipality_fr, \
    c.languages, c.channels, c.phone, c.email, c.address, c.adults, c.children, c.lives_alone, c.notes, c.created_at, c.updated_at, c.erased_at \
    FROM clients c LEFT JOIN municipalities m ON m.refnis = c.refnis";

/// The actor's organisation; accounts without one find no client data ("not found").
pub(crate) fn org_of(actor: &Actor) -> Result<i64, StoreError> {
    actor.org.ok_or(StoreError::NotFound)
}

fn join<T: Copy>(items: &[T], code: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| code(*i)).collect::<Vec<_>>().join(",")
}

/// Records a new client for the actor's organisation; audited.
pub async fn create(db: &Db, actor: &Actor, input: &ClientInput) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let id = insert_tx(&mut tx, actor, org, input).await?;
    tx.commit().await?;
    db.clients_changed();
    Ok(id)
}

/// Inserts a client record and its audit row in the caller's transaction.
pub(crate) async fn insert_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: i64,
    input: &ClientInput,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO clients (org_id, name, birth, refnis, languages, channels, phone, email, address, adults, children, lives_alone, notes, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
    )
    .bind(org)
    .bind(input.name.as_str())
    .bind(input.birth.map(|b| b.to_storage()))
    .bind(input.refnis.map(|r| r.to_string()))
    .bind(input.languages.join(","))
    .bind(join(&input.channels, ContactChannel::code))
    .bind(input.phone.as_deref())
    .bind(input.email.as_deref())
    .bind(input.address.as_deref())
    .bind(i64::from(input.household.adults))
    .bind(i64::from(input.household.children))
    .bind(i64::from(input.household.lives_alone))
    .bind(&input.notes)
    .bind(actor.account)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "client.create",
            entity: "client",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    Ok(id)
}

/// Changes a client record; audited.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &ClientInput,
) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE clients SET name = $1, birth = $2, refnis = $3, languages = $4, channels = $5, phone = $6, email = $7, address = $8, \
         adults = $9, children = $10, lives_alone = $11, notes = $12, updated_at = $13 WHERE id = $14 AND org_id = $15 AND erased_at IS NULL",
    )
    .bind(input.name.as_str())
    .bind(input.birth.map(|b| b.to_storage()))
    .bind(input.refnis.map(|r| r.to_string()))
    .bind(input.languages.join(","))
    .bind(join(&input.channels, ContactChannel::code))
    .bind(input.phone.as_deref())
    .bind(input.email.as_deref())
    .bind(input.address.as_deref())
    .bind(i64::from(input.household.adults))
    .bind(i64::from(input.household.children))
    .bind(i64::from(input.household.lives_alone))
    .bind(&input.notes)
    .bind(now_ms())
    .bind(id)
    .bind(org)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "client.update",
            entity: "client",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    db.clients_changed();
    Ok(())
}

/// Opens a client record of the actor's organisation; the read is audited.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<ClientRow, StoreError> {
    let org = org_of(actor)?;
    let row: ClientRow = sqlx::query_as(&format!(
        "{SELECT_CLIENT} WHERE c.id = $1 AND c.org_id = $2"
    ))
    .bind(id)
    .bind(org)
    .fetch_optional(db.reader())
    .await?
    .ok_or(StoreError::NotFound)?;
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "client.view",
            entity: "client",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    Ok(row)
}

/// Whether a client of the actor's organisation with this id exists (not erased); no read of
/// personal data, so not audited. Handlers call it before validating a form about a client,
/// so that a foreign id is "not found" rather than a validation answer.
pub async fn ensure_visible(db: &Db, actor: &Actor, id: i64) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM clients WHERE id = $1 AND org_id = $2 AND erased_at IS NULL",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(db.reader())
    .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// One page of the organisation's clients, by name, optionally filtered on a name prefix or
/// fragment; the read is audited (one row per page, naming the page).
pub async fn list(
    db: &Db,
    actor: &Actor,
    search: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ClientSummary>, i64), StoreError> {
    let org = org_of(actor)?;
    let needle = search.trim().to_lowercase().replace(['%', '_'], "");
    // Without a search the name filter is left out, so the index on live clients by
    // organisation and name answers both the page and the count.
    let filter = if needle.is_empty() {
        ""
    } else {
        " AND LOWER(c.name) LIKE $2"
    };
    let (limit_at, offset_at) = if needle.is_empty() {
        ("$2", "$3")
    } else {
        ("$3", "$4")
    };
    let pattern = format!("%{needle}%");
    // The page and the total in one statement: the count is an uncorrelated scalar subquery,
    // which both SQLite and PostgreSQL evaluate once per statement. One statement is one
    // hand-off to the database worker instead of two. Only an empty page (past the end, or no
    // match) needs the count on its own.
    let count_sql = format!(
        "SELECT COUNT(*) FROM clients c WHERE c.org_id = $1 AND c.erased_at IS NULL{filter}"
    );
    let list_sql = format!(
        "SELECT c.id, c.name, c.birth, m.name_nl AS municipality_nl, c.updated_at, ({count_sql}) AS total \
         FROM clients c LEFT JOIN municipalities m ON m.refnis = c.refnis \
         WHERE c.org_id = $1 AND c.erased_at IS NULL{filter} ORDER BY c.name, c.id LIMIT {limit_at} OFFSET {offset_at}"
    );
    let mut list = sqlx::query_as::<_, SummaryWithTotal>(&list_sql).bind(org);
    if !needle.is_empty() {
        list = list.bind(&pattern);
    }
    let detail = format!("offset={offset}");
    // The read and its audit row go side by side; the page is returned only when both are done.
    let (rows, ()) = tokio::try_join!(
        async {
            list.bind(limit)
                .bind(offset)
                .fetch_all(db.reader())
                .await
                .map_err(StoreError::from)
        },
        audit::record_now(
            db,
            Entry {
                account: Some(actor.account),
                org: Some(org),
                action: "client.list",
                entity: "client",
                entity_id: None,
                detail: &detail,
            },
        )
    )?;
    let total = match rows.first() {
        Some(first) => first.total,
        None => {
            let mut count = sqlx::query_as::<_, (i64,)>(&count_sql).bind(org);
            if !needle.is_empty() {
                count = count.bind(&pattern);
            }
            count.fetch_one(db.reader()).await?.0
        }
    };
    let rows = rows
        .into_iter()
        .map(|r| ClientSummary {
            id: r.id,
            name: r.name,
            birth: r.birth,
            municipality_nl: r.municipality_nl,
            updated_at: r.updated_at,
        })
        .collect();
    Ok((rows, total))
}

/// Checks, inside `tx`, that a live (not erased) client `id` belongs to `org`.
/// A client of `org` (not erased), read inside `tx`. The caller audits the read in the same
/// transaction.
/// A live (not erased) client of `org`, read on `ex` (a transaction or a pool); not audited
/// here: the caller records the read in the audit row of what it does with it.
pub(crate) async fn get_live<'e, E>(ex: E, id: i64, org: i64) -> Result<ClientRow, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<ClientRow> = sqlx::query_as(&format!(
        "{SELECT_CLIENT} WHERE c.id = $1 AND c.org_id = $2 AND c.erased_at IS NULL"
    ))
    .bind(id)
    .bind(org)
    .fetch_optional(ex)
    .await?;
    row.ok_or(StoreError::NotFound)
}

pub(crate) async fn client_in_org(tx: &mut Tx, id: i64, org: i64) -> Result<(), StoreError> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM clients WHERE id = $1 AND org_id = $2 AND erased_at IS NULL",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(&mut **tx)
    .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// Records a consent in the ledger; audited.
pub async fn record_consent(
    db: &Db,
    actor: &Actor,
    client: i64,
    input: &ConsentInput,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    if input.purpose == ConsentPurpose::Referral && input.recipient_org.is_none() {
        return Err(StoreError::Refused("recipient_required"));
    }
    if input.expires_on.is_some_and(|e| e < input.given_on) {
        return Err(StoreError::Refused("expiry_before_given"));
    }
    let mut tx = db.begin().await?;
    client_in_org(&mut tx, client, org).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO consents (client_id, org_id, purpose, recipient_org_id, method, given_on, expires_on, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(client)
    .bind(org)
    .bind(input.purpose.code())
    .bind(if input.purpose == ConsentPurpose::Referral { input.recipient_org } else { None })
    .bind(input.method.code())
    .bind(format_date(input.given_on))
    .bind(input.expires_on.map(format_date))
    .bind(&input.note)
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "consent.record",
            entity: "client",
            entity_id: Some(client),
            detail: input.purpose.code(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What becomes of a household that was reached in a call round: a new client record, or a
/// client the organisation already has.
#[derive(Debug, Clone, Copy)]
pub enum EnrollWho<'a> {
    /// A new client record.
    New(&'a ClientInput),
    /// An existing client of the actor's organisation.
    Existing(i64),
}

/// In one transaction: the client record (new or existing), an oral consent for a rights
/// check given `today`, and a follow-up (`todo`) of each right in `rights`, with their
/// audit rows. Returns the client's id.
pub async fn enroll(
    db: &Db,
    actor: &Actor,
    who: EnrollWho<'_>,
    rights: &[&str],
    today: Date,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let id = enroll_tx(&mut tx, actor, org, who, rights, today).await?;
    tx.commit().await?;
    db.clients_changed();
    Ok(id)
}

/// [`enroll`] in the caller's transaction.
pub(crate) async fn enroll_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: i64,
    who: EnrollWho<'_>,
    rights: &[&str],
    today: Date,
) -> Result<i64, StoreError> {
    let client = match who {
        EnrollWho::New(input) => insert_tx(tx, actor, org, input).await?,
        EnrollWho::Existing(id) => {
            client_in_org(tx, id, org).await?;
            id
        }
    };
    sqlx::query(
        "INSERT INTO consents (client_id, org_id, purpose, recipient_org_id, method, given_on, expires_on, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, NULL, $4, $5, NULL, '', $6, $7)",
    )
    .bind(client)
    .bind(org)
    .bind(ConsentPurpose::RightsCheck.code())
    .bind(ConsentMethod::Oral.code())
    .bind(format_date(today))
    .bind(actor.account)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "consent.record",
            entity: "client",
            entity_id: Some(client),
            detail: ConsentPurpose::RightsCheck.code(),
        },
    )
    .await?;
    for right in rights {
        crate::rights::insert_followup_tx(tx, actor, org, client, None, right).await?;
    }
    Ok(client)
}

/// Withdraws a consent with effect from `on` (today: at once); audited.
pub async fn withdraw_consent(
    db: &Db,
    actor: &Actor,
    client: i64,
    consent: i64,
    on: Date,
) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    client_in_org(&mut tx, client, org).await?;
    let n = sqlx::query("UPDATE consents SET withdrawn_on = $1, withdrawn_by = $2, withdrawn_at = $3 WHERE id = $4 AND client_id = $5 AND withdrawn_on IS NULL")
        .bind(format_date(on))
        .bind(actor.account)
        .bind(now_ms())
        .bind(consent)
        .bind(client)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "consent.withdraw",
            entity: "client",
            entity_id: Some(client),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The consent ledger of a client, newest first.
pub async fn consents(db: &Db, actor: &Actor, client: i64) -> Result<Vec<ConsentRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(
        "SELECT k.id, k.client_id, k.purpose, k.recipient_org_id, o.name AS recipient_name, k.method, k.given_on, k.expires_on, k.withdrawn_on, k.note, \
         k.recorded_by, a.display_name AS recorded_by_name, k.recorded_at \
         FROM consents k LEFT JOIN organisations o ON o.id = k.recipient_org_id LEFT JOIN accounts a ON a.id = k.recorded_by \
         WHERE k.client_id = $1 AND k.org_id = $2 ORDER BY k.id DESC",
    )
    .bind(client)
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// Checks, inside the sharing's own transaction, that an active consent allows `purpose`
/// (towards `recipient`, for referrals) today. Every sharing calls this before it writes, so
/// a withdrawal committed before the sharing's transaction stops it.
pub async fn require_consent(
    tx: &mut Tx,
    client: i64,
    purpose: ConsentPurpose,
    recipient: Option<i64>,
    today: Date,
) -> Result<(), StoreError> {
    require_consent_on(&mut **tx, client, purpose, recipient, today).await
}

/// [`require_consent`] on any executor (a transaction or a pool).
pub(crate) async fn require_consent_on<'e, E>(
    ex: E,
    client: i64,
    purpose: ConsentPurpose,
    recipient: Option<i64>,
    today: Date,
) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<ConsentRow> = sqlx::query_as(
        "SELECT k.id, k.client_id, k.purpose, k.recipient_org_id, NULL AS recipient_name, k.method, k.given_on, k.expires_on, k.withdrawn_on, k.note, \
         k.recorded_by, NULL AS recorded_by_name, k.recorded_at FROM consents k WHERE k.client_id = $1 AND k.purpose = $2",
    )
    .bind(client)
    .bind(purpose.code())
    .fetch_all(ex)
    .await?;
    if rows
        .iter()
        .filter_map(ConsentRow::to_consent)
        .any(|c| c.allows(purpose, recipient, today))
    {
        Ok(())
    } else {
        Err(StoreError::Refused(match purpose {
            ConsentPurpose::RightsCheck => "consent_missing_rights_check",
            ConsentPurpose::ShareWithVolunteer => "consent_missing_share_with_volunteer",
            ConsentPurpose::Referral => "consent_missing_referral",
            ConsentPurpose::AnonymousSignal => "consent_missing_anonymous_signal",
        }))
    }
}

/// A referral: the client's minimal record shared with a named organisation.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ReferralRow {
    /// Id.
    pub id: i64,
    /// The referring organisation's name.
    pub from_org_name: String,
    /// The receiving organisation's name.
    pub to_org_name: String,
    /// Name or pseudonym of the person (shared under the referral consent).
    pub client_name: String,
    /// Phone, when shared.
    pub phone: Option<String>,
    /// Why the person is referred.
    pub note: String,
    /// When (ms).
    pub created_at: i64,
}

/// Refers a client to another organisation, sharing name, phone and a note. The referral
/// consent for that organisation is checked in the same transaction; audited on both sides.
pub async fn refer(
    db: &Db,
    actor: &Actor,
    client: i64,
    to_org: i64,
    note: &str,
    today: Date,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    if to_org == org {
        return Err(StoreError::Refused("referral_same_org"));
    }
    let mut tx = db.begin().await?;
    client_in_org(&mut tx, client, org).await?;
    require_consent(
        &mut tx,
        client,
        ConsentPurpose::Referral,
        Some(to_org),
        today,
    )
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO referrals (client_id, from_org_id, to_org_id, client_name, phone, note, created_by, created_at) \
         SELECT c.id, c.org_id, $1, c.name, c.phone, $2, $3, $4 FROM clients c WHERE c.id = $5 RETURNING id",
    )
    .bind(to_org)
    .bind(note)
    .bind(actor.account)
    .bind(now_ms())
    .bind(client)
    .fetch_one(&mut *tx)
    .await?;
    let detail = format!("to_org={to_org}");
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "client.refer",
            entity: "client",
            entity_id: Some(client),
            detail: &detail,
        },
    )
    .await?;
    let detail = format!("from_org={org}");
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(to_org),
            action: "referral.receive",
            entity: "referral",
            entity_id: Some(id),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Referrals received by the actor's organisation; the read is audited.
pub async fn referrals_received(db: &Db, actor: &Actor) -> Result<Vec<ReferralRow>, StoreError> {
    let org = org_of(actor)?;
    let rows = sqlx::query_as(
        "SELECT r.id, f.name AS from_org_name, t.name AS to_org_name, r.client_name, r.phone, r.note, r.created_at FROM referrals r \
         JOIN organisations f ON f.id = r.from_org_id JOIN organisations t ON t.id = r.to_org_id WHERE r.to_org_id = $1 AND r.erased_at IS NULL ORDER BY r.id DESC LIMIT 200",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "referral.list",
            entity: "referral",
            entity_id: None,
            detail: "",
        },
    )
    .await?;
    Ok(rows)
}

/// Everything Sterk holds about a client, as JSON (subject access); audited.
pub async fn export(db: &Db, actor: &Actor, id: i64) -> Result<serde_json::Value, StoreError> {
    let client = get(db, actor, id).await?;
    let consents = consents(db, actor, id).await?;
    let referrals: Vec<ReferralRow> = sqlx::query_as(
        "SELECT r.id, f.name AS from_org_name, t.name AS to_org_name, r.client_name, r.phone, r.note, r.created_at FROM referrals r \
         JOIN organisations f ON f.id = r.from_org_id JOIN organisations t ON t.id = r.to_org_id WHERE r.client_id = $1 ORDER BY r.id",
    )
    .bind(id)
    .fetch_all(db.reader())
    .await?;
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: actor.org,
            action: "client.export",
            entity: "client",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    let trail = audit::for_entity(db, "client", id).await?;
    Ok(serde_json::json!({
        "format": "sterk-client-export/1",
        "exported_at_ms": now_ms(),
        "client": client,
        "consents": consents,
        "referrals": referrals,
        "audit": trail,
    }))
}

/// Erases a client's personal data: the record keeps only its id, organisation and dates;
/// consents and shared referral copies are deleted or blanked. The erasure is audited in the
/// same transaction.
pub async fn erase(db: &Db, actor: &Actor, id: i64) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    client_in_org(&mut tx, id, org).await?;
    sqlx::query(
        "UPDATE clients SET name = '', birth = NULL, refnis = NULL, languages = '', channels = '', phone = NULL, email = NULL, address = NULL, \
         adults = 0, children = 0, lives_alone = 0, notes = '', erased_at = $1, updated_at = $1 WHERE id = $2",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM consents WHERE client_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE referrals SET client_name = '', phone = NULL, note = '', erased_at = $1 WHERE client_id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "client.erase",
            entity: "client",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    db.clients_changed();
    Ok(())
}
