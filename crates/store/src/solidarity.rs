//! Solidarity (issue 6): help requests, volunteers, matching with the worker in charge,
//! network strength and the solidarity fund.
//!
//! The matching itself is pure code in `sterk-matching`; this module turns stored rows into
//! the engine's inputs ([`engine_inputs`]) and records what the worker decides. The exact
//! address of a person is never in this module's tables: it stays on the client record and is
//! shared with a volunteer only once a match is confirmed, and a match can only be proposed
//! when the client has an active consent to share with a volunteer
//! ([`ConsentPurpose::ShareWithVolunteer`]) — checked in the transaction that writes it.

use crate::audit::{self, Entry};
use crate::clients::{client_in_org, org_of, require_consent};
use crate::{Db, StoreError, Tx, now_ms};
use serde::Serialize;
use std::collections::HashMap;
use sterk_domain::access::Actor;
use sterk_domain::client::{ConsentPurpose, LANGUAGES};
use sterk_matching as m;

/// Kinds of help (codes; `solidarity-kind-<code>` in the Fluent files). Each kind is also a
/// skill a volunteer can offer.
pub const KINDS: [&str; 9] = [
    "groceries",
    "transport",
    "company",
    "odd_jobs",
    "paperwork",
    "language",
    "meals",
    "child_care",
    "other",
];

/// Screenings a task may need (codes): the certificate of good conduct (model 2) for work with
/// minors.
pub const SCREENINGS: [&str; 1] = ["good_conduct"];

/// Urgency codes.
pub const URGENCIES: [&str; 3] = ["normal", "soon", "urgent"];

/// How often (codes).
pub const FREQUENCIES: [&str; 2] = ["once", "regular"];

/// Active supporters below this number flag a client as having a weak network.
pub const NETWORK_MIN: i64 = 4;

fn mask(list: &str, codes: &[&str]) -> u64 {
    list.split(',')
        .filter_map(|c| codes.iter().position(|k| *k == c.trim()))
        .fold(0u64, |acc, b| acc | (1 << b))
}

/// The screenings a kind of help needs.
pub fn screening_for(kind: &str) -> &'static str {
    if kind == "child_care" {
        "good_conduct"
    } else {
        ""
    }
}

/// A new help request, entered by a worker for a client.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    /// The client (of the actor's organisation).
    pub client_id: i64,
    /// One of [`KINDS`].
    pub kind: String,
    /// One of [`FREQUENCIES`].
    pub frequency: String,
    /// Municipality (REFNIS).
    pub refnis: String,
    /// Postal code (must belong to the municipality).
    pub postcode: String,
    /// Language codes from `LANGUAGES`.
    pub languages: Vec<String>,
    /// Availability grid bits.
    pub availability: i64,
    /// One of [`URGENCIES`].
    pub urgency: String,
    /// Special needs (free text, stays in the organisation).
    pub needs: String,
}

/// Checks a request; the first bad field and its message code.
pub fn validate_request(r: &NewRequest) -> Result<(), (&'static str, &'static str)> {
    if !KINDS.contains(&r.kind.as_str()) {
        return Err(("kind", "choice_invalid"));
    }
    if !FREQUENCIES.contains(&r.frequency.as_str()) {
        return Err(("frequency", "choice_invalid"));
    }
    if !URGENCIES.contains(&r.urgency.as_str()) {
        return Err(("urgency", "choice_invalid"));
    }
    if r.languages.is_empty() || r.languages.iter().any(|l| !LANGUAGES.contains(&l.as_str())) {
        return Err(("languages", "solidarity-languages-required"));
    }
    if r.availability <= 0 || r.availability >= (1 << m::AVAILABILITY_BITS) {
        return Err(("availability", "solidarity-availability-required"));
    }
    if r.needs.chars().count() > 2000 {
        return Err(("needs", "too_long"));
    }
    Ok(())
}

async fn check_place(tx: &mut Tx, refnis: &str, postcode: &str) -> Result<(), StoreError> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT postcode FROM postal_codes WHERE refnis = $1 AND postcode = $2")
            .bind(refnis)
            .bind(postcode)
            .fetch_optional(&mut **tx)
            .await?;
    if found.is_none() {
        return Err(StoreError::Refused("solidarity-postcode-mismatch"));
    }
    Ok(())
}

/// Records a help request for a client of the actor's organisation; audited.
pub async fn create_request(db: &Db, actor: &Actor, r: &NewRequest) -> Result<i64, StoreError> {
    create_request_from(db, actor, r, None).await
}

/// Turns a help-request candidate (a call-round outcome "needs help") into a help request, in
/// one step and one transaction; the candidate is marked `converted`.
pub async fn create_request_from(
    db: &Db,
    actor: &Actor,
    r: &NewRequest,
    candidate: Option<i64>,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    validate_request(r).map_err(|(_, code)| StoreError::Refused(code))?;
    let mut tx = db.begin().await?;
    client_in_org(&mut tx, r.client_id, org).await?;
    check_place(&mut tx, &r.refnis, &r.postcode).await?;
    if let Some(c) = candidate {
        let done = sqlx::query(
            "UPDATE help_request_candidates SET status = 'converted' WHERE id = $1 AND org_id = $2 AND status = 'candidate'",
        )
        .bind(c)
        .bind(org)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO help_requests (org_id, client_id, kind, frequency, refnis, postcode, languages, availability, urgency, needs, source, candidate_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(org)
    .bind(r.client_id)
    .bind(&r.kind)
    .bind(&r.frequency)
    .bind(&r.refnis)
    .bind(&r.postcode)
    .bind(r.languages.join(","))
    .bind(r.availability)
    .bind(&r.urgency)
    .bind(&r.needs)
    .bind(if candidate.is_some() { "call_round" } else { "worker" })
    .bind(candidate)
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "help_request.create",
            entity: "help_request",
            entity_id: Some(id),
            detail: &format!("client={} kind={}", r.client_id, r.kind),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A help request as the lists show it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RequestRow {
    /// Id.
    pub id: i64,
    /// Client.
    pub client_id: i64,
    /// Client's name (stays in the organisation).
    pub client_name: String,
    /// Kind code.
    pub kind: String,
    /// Frequency code.
    pub frequency: String,
    /// Municipality.
    pub refnis: String,
    /// Its Dutch name.
    pub municipality: String,
    /// Postal code.
    pub postcode: String,
    /// Language codes, comma-separated.
    pub languages: String,
    /// Availability grid.
    pub availability: i64,
    /// Urgency code.
    pub urgency: String,
    /// Special needs.
    pub needs: String,
    /// Where it came from.
    pub source: String,
    /// open, proposed, matched, closed.
    pub status: String,
    /// Created (ms).
    pub created_at: i64,
}

const SELECT_REQUEST: &str = "SELECT h.id, h.client_id, c.name AS client_name, h.kind, h.frequency, h.refnis, m.name_nl AS municipality, \
    h.postcode, h.languages, h.availability, h.urgency, h.needs, h.source, h.status, h.created_at \
    FROM help_requests h JOIN clients c ON c.id = h.client_id JOIN municipalities m ON m.refnis = h.refnis";

/// The organisation's help requests (newest first); audited as a read of client data.
pub async fn requests(db: &Db, actor: &Actor) -> Result<Vec<RequestRow>, StoreError> {
    let org = org_of(actor)?;
    let rows = sqlx::query_as(&format!(
        "{SELECT_REQUEST} WHERE h.org_id = $1 ORDER BY h.id DESC LIMIT 500"
    ))
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "help_request.list",
            entity: "help_request",
            entity_id: None,
            detail: "",
        },
    )
    .await?;
    Ok(rows)
}

/// One help request of the actor's organisation; audited.
pub async fn request(db: &Db, actor: &Actor, id: i64) -> Result<RequestRow, StoreError> {
    let org = org_of(actor)?;
    let row: RequestRow = sqlx::query_as(&format!(
        "{SELECT_REQUEST} WHERE h.id = $1 AND h.org_id = $2"
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
            action: "help_request.view",
            entity: "help_request",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    Ok(row)
}

/// A new volunteer (from a worker, or from the public form).
#[derive(Debug, Clone, Default)]
pub struct NewVolunteer {
    /// Name.
    pub name: String,
    /// E-mail (optional).
    pub email: Option<String>,
    /// Phone (optional).
    pub phone: Option<String>,
    /// Home municipality.
    pub refnis: String,
    /// Home postal code.
    pub postcode: String,
    /// Municipalities where they help (empty: use the radius).
    pub municipalities: Vec<String>,
    /// Radius in km (used when no municipalities are given).
    pub radius_km: Option<i64>,
    /// Language codes.
    pub languages: Vec<String>,
    /// Skills: kind codes.
    pub skills: Vec<String>,
    /// Screenings they hold.
    pub screening: Vec<String>,
    /// Availability grid bits.
    pub availability: i64,
    /// Requests at the same time (1–5).
    pub capacity: i64,
    /// They have read the note on the Flemish volunteer insurance.
    pub insurance_noted: bool,
}

/// Checks a volunteer; the first bad field and its message code.
pub fn validate_volunteer(v: &NewVolunteer) -> Result<(), (&'static str, &'static str)> {
    let name = v.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(("name", "required"));
    }
    if v.languages.is_empty() || v.languages.iter().any(|l| !LANGUAGES.contains(&l.as_str())) {
        return Err(("languages", "solidarity-languages-required"));
    }
    if v.skills.is_empty() || v.skills.iter().any(|s| !KINDS.contains(&s.as_str())) {
        return Err(("skills", "solidarity-skills-required"));
    }
    if v.screening
        .iter()
        .any(|s| !SCREENINGS.contains(&s.as_str()))
    {
        return Err(("screening", "choice_invalid"));
    }
    if v.availability <= 0 || v.availability >= (1 << m::AVAILABILITY_BITS) {
        return Err(("availability", "solidarity-availability-required"));
    }
    if v.municipalities.is_empty() && !matches!(v.radius_km, Some(1..=100)) {
        return Err(("radius_km", "solidarity-area-required"));
    }
    if !(1..=5).contains(&v.capacity) {
        return Err(("capacity", "solidarity-capacity-range"));
    }
    if !v.insurance_noted {
        return Err(("insurance_noted", "solidarity-insurance-required"));
    }
    Ok(())
}

/// Registers a volunteer with an organisation (`source` = `worker` or `public`); audited.
pub async fn create_volunteer(
    db: &Db,
    org: i64,
    account: Option<i64>,
    source: &str,
    v: &NewVolunteer,
) -> Result<i64, StoreError> {
    insert_volunteer(db, org, account, None, source, v).await
}

/// A volunteer with an account signs up themselves, with the organisation of their account;
/// the volunteer row is linked to the account (one active profile per account). Audited.
pub async fn create_own_volunteer(
    db: &Db,
    actor: &Actor,
    v: &NewVolunteer,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    insert_volunteer(
        db,
        org,
        Some(actor.account),
        Some(actor.account),
        "account",
        v,
    )
    .await
}

async fn insert_volunteer(
    db: &Db,
    org: i64,
    account: Option<i64>,
    linked: Option<i64>,
    source: &str,
    v: &NewVolunteer,
) -> Result<i64, StoreError> {
    validate_volunteer(v).map_err(|(_, code)| StoreError::Refused(code))?;
    let mut tx = db.begin().await?;
    if let Some(acc) = linked {
        let existing: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM volunteers WHERE account_id = $1 AND status <> 'left'")
                .bind(acc)
                .fetch_optional(&mut *tx)
                .await?;
        if existing.is_some() {
            return Err(StoreError::Refused("solidarity-own-exists"));
        }
    }
    check_place(&mut tx, &v.refnis, &v.postcode).await?;
    for r in &v.municipalities {
        let found: Option<(String,)> =
            sqlx::query_as("SELECT refnis FROM municipalities WHERE refnis = $1")
                .bind(r)
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::Refused("refnis_unknown"));
        }
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO volunteers (org_id, account_id, name, email, phone, refnis, postcode, municipalities, radius_km, languages, skills, screening, availability, capacity, insurance_noted, source, created_at) \
         VALUES ($1, $16, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15) RETURNING id",
    )
    .bind(org)
    .bind(v.name.trim())
    .bind(v.email.as_deref())
    .bind(v.phone.as_deref())
    .bind(&v.refnis)
    .bind(&v.postcode)
    .bind(v.municipalities.join(","))
    .bind(if v.municipalities.is_empty() { v.radius_km } else { None })
    .bind(v.languages.join(","))
    .bind(v.skills.join(","))
    .bind(v.screening.join(","))
    .bind(v.availability)
    .bind(v.capacity)
    .bind(source)
    .bind(now_ms())
    .bind(linked)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account,
            org: Some(org),
            action: "volunteer.create",
            entity: "volunteer",
            entity_id: Some(id),
            detail: source,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A volunteer as the lists show them.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct VolunteerRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Home municipality.
    pub refnis: String,
    /// Its Dutch name.
    pub municipality: String,
    /// Postal code.
    pub postcode: String,
    /// Municipalities where they help.
    pub municipalities: String,
    /// Radius.
    pub radius_km: Option<i64>,
    /// Languages.
    pub languages: String,
    /// Skills.
    pub skills: String,
    /// Screenings.
    pub screening: String,
    /// Availability grid.
    pub availability: i64,
    /// Capacity.
    pub capacity: i64,
    /// active, paused, left.
    pub status: String,
    /// Where they signed up.
    pub source: String,
    /// Running and confirmed matches now.
    pub load: i64,
}

const SELECT_VOLUNTEER: &str = "SELECT v.id, v.name, v.refnis, mu.name_nl AS municipality, v.postcode, v.municipalities, v.radius_km, v.languages, \
    v.skills, v.screening, v.availability, v.capacity, v.status, v.source, \
    (SELECT COUNT(*) FROM matches x WHERE x.volunteer_id = v.id AND x.status IN ('proposed', 'confirmed', 'running')) AS load \
    FROM volunteers v JOIN municipalities mu ON mu.refnis = v.refnis";

/// The organisation's volunteers (not those who left).
pub async fn volunteers(db: &Db, actor: &Actor) -> Result<Vec<VolunteerRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(&format!(
        "{SELECT_VOLUNTEER} WHERE v.org_id = $1 AND v.status <> 'left' ORDER BY v.name"
    ))
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// Pause (`paused`) or resume (`active`) a volunteer; audited.
pub async fn set_volunteer_status(
    db: &Db,
    actor: &Actor,
    id: i64,
    status: &str,
) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    if !matches!(status, "active" | "paused") {
        return Err(StoreError::Refused("choice_invalid"));
    }
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE volunteers SET status = $1 WHERE id = $2 AND org_id = $3 AND status <> 'left'",
    )
    .bind(status)
    .bind(id)
    .bind(org)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "volunteer.status",
            entity: "volunteer",
            entity_id: Some(id),
            detail: status,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A volunteer leaves: their personal data is deleted (name, contact, home, skills, grid);
/// what remains is the bare row that earlier matches point to (who helped whom is part of the
/// organisation's records), marked `left`. Open proposals are withdrawn.
pub async fn leave(db: &Db, actor: &Actor, id: i64) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE volunteers SET name = '', account_id = NULL, email = NULL, phone = NULL, municipalities = '', radius_km = NULL, languages = '', skills = '', screening = '', \
         availability = 0, status = 'left', left_at = $1 WHERE id = $2 AND org_id = $3 AND status <> 'left'",
    )
    .bind(now_ms())
    .bind(id)
    .bind(org)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("UPDATE matches SET status = 'stopped', stop_reason = 'volunteer_left', updated_at = $1 WHERE volunteer_id = $2 AND status IN ('proposed', 'confirmed', 'running')")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "volunteer.leave",
            entity: "volunteer",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Active supporters of each client of the organisation: informal supporters plus distinct
/// volunteers with a confirmed or running match.
async fn supporter_counts(db: &Db, org: i64) -> Result<HashMap<i64, i64>, StoreError> {
    let informal: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT client_id, COUNT(*) FROM supporters WHERE org_id = $1 AND active = 1 GROUP BY client_id",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    let through: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT h.client_id, COUNT(DISTINCT x.volunteer_id) FROM matches x JOIN help_requests h ON h.id = x.request_id \
         WHERE x.org_id = $1 AND x.status IN ('confirmed', 'running') GROUP BY h.client_id",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    let mut out = HashMap::new();
    for (c, n) in informal.into_iter().chain(through) {
        *out.entry(c).or_insert(0) += n;
    }
    Ok(out)
}

/// The engine's view of the organisation's open requests and available volunteers.
pub struct EngineInput {
    /// Open requests (stored rows) …
    pub request_rows: Vec<RequestRow>,
    /// … and the same as engine inputs.
    pub requests: Vec<m::Request>,
    /// Available volunteers …
    pub volunteer_rows: Vec<VolunteerRow>,
    /// … and the same as engine inputs.
    pub volunteers: Vec<m::Volunteer>,
}

fn refnis_num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

/// Loads open requests (or only `only`) and active volunteers as engine inputs.
pub async fn engine_inputs(
    db: &Db,
    actor: &Actor,
    only: Option<i64>,
) -> Result<EngineInput, StoreError> {
    let org = org_of(actor)?;
    let provinces: Vec<(String, String)> =
        sqlx::query_as("SELECT refnis, province_id FROM municipalities")
            .fetch_all(db.reader())
            .await?;
    let provinces: HashMap<String, u32> = provinces
        .into_iter()
        .map(|(r, p)| (r, p.parse().unwrap_or(0)))
        .collect();
    let place = |refnis: &str, postcode: &str| m::Place {
        postcode: postcode.parse().unwrap_or(0),
        refnis: refnis_num(refnis),
        province: provinces.get(refnis).copied().unwrap_or(0),
    };
    let request_rows: Vec<RequestRow> = match only {
        Some(id) => {
            sqlx::query_as(&format!(
                "{SELECT_REQUEST} WHERE h.org_id = $1 AND h.id = $2"
            ))
            .bind(org)
            .bind(id)
            .fetch_all(db.reader())
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "{SELECT_REQUEST} WHERE h.org_id = $1 AND h.status = 'open' ORDER BY h.id"
            ))
            .bind(org)
            .fetch_all(db.reader())
            .await?
        }
    };
    let volunteer_rows: Vec<VolunteerRow> = sqlx::query_as(&format!(
        "{SELECT_VOLUNTEER} WHERE v.org_id = $1 AND v.status = 'active' ORDER BY v.id"
    ))
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    let supporters = supporter_counts(db, org).await?;
    // Volunteers each client knows (earlier or running matches) and pairs never to propose.
    let known: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT DISTINCT h.client_id, x.volunteer_id FROM matches x JOIN help_requests h ON h.id = x.request_id \
         WHERE x.org_id = $1 AND x.status IN ('confirmed', 'running', 'finished')",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    let blocks: Vec<(i64, i64)> =
        sqlx::query_as("SELECT client_id, volunteer_id FROM match_blocks WHERE org_id = $1")
            .bind(org)
            .fetch_all(db.reader())
            .await?;
    let declined: Vec<(i64, i64)> =
        sqlx::query_as("SELECT request_id, volunteer_id FROM matches WHERE org_id = $1 AND status IN ('declined', 'proposed')")
            .bind(org)
            .fetch_all(db.reader())
            .await?;
    let mut known_by: HashMap<i64, Vec<i64>> = HashMap::new();
    for (c, v) in known {
        known_by.entry(c).or_default().push(v);
    }
    let mut blocked_by_client: HashMap<i64, Vec<i64>> = HashMap::new();
    for (c, v) in blocks {
        blocked_by_client.entry(c).or_default().push(v);
    }
    let mut blocked_by_request: HashMap<i64, Vec<i64>> = HashMap::new();
    for (r, v) in declined {
        blocked_by_request.entry(r).or_default().push(v);
    }
    let requests = request_rows
        .iter()
        .map(|r| {
            let mut blocked = blocked_by_client
                .get(&r.client_id)
                .cloned()
                .unwrap_or_default();
            blocked.extend(blocked_by_request.get(&r.id).cloned().unwrap_or_default());
            m::Request {
                id: r.id,
                place: place(&r.refnis, &r.postcode),
                languages: mask(&r.languages, &LANGUAGES),
                skills: mask(&r.kind, &KINDS),
                screening: mask(screening_for(&r.kind), &SCREENINGS),
                availability: u32::try_from(r.availability).unwrap_or(0),
                urgency: match r.urgency.as_str() {
                    "urgent" => m::Urgency::Urgent,
                    "soon" => m::Urgency::Soon,
                    _ => m::Urgency::Normal,
                },
                supporters: u32::try_from(supporters.get(&r.client_id).copied().unwrap_or(0))
                    .unwrap_or(0),
                known_volunteers: known_by.get(&r.client_id).cloned().unwrap_or_default(),
                blocked_volunteers: blocked,
            }
        })
        .collect();
    let volunteers = volunteer_rows
        .iter()
        .map(|v| m::Volunteer {
            id: v.id,
            home: place(&v.refnis, &v.postcode),
            area: if v.municipalities.is_empty() {
                m::Area::Radius {
                    km: u16::try_from(v.radius_km.unwrap_or(3)).unwrap_or(3),
                }
            } else {
                m::Area::Municipalities(v.municipalities.split(',').map(refnis_num).collect())
            },
            languages: mask(&v.languages, &LANGUAGES),
            skills: mask(&v.skills, &KINDS),
            screening: mask(&v.screening, &SCREENINGS),
            availability: u32::try_from(v.availability).unwrap_or(0),
            load: u32::try_from(v.load).unwrap_or(0),
            capacity: u32::try_from(v.capacity).unwrap_or(0),
        })
        .collect();
    Ok(EngineInput {
        request_rows,
        requests,
        volunteer_rows,
        volunteers,
    })
}

/// Proposes a volunteer for a request. Refused without the client's consent to share with a
/// volunteer (`consent_missing_share_with_volunteer`), and for blocked pairs; audited.
pub async fn propose(
    db: &Db,
    actor: &Actor,
    request_id: i64,
    volunteer_id: i64,
    score: i64,
    reasons: &str,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let id = propose_tx(
        &mut tx,
        actor,
        org,
        request_id,
        volunteer_id,
        score,
        reasons,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn propose_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: i64,
    request_id: i64,
    volunteer_id: i64,
    score: i64,
    reasons: &str,
) -> Result<i64, StoreError> {
    let req: Option<(i64, String)> =
        sqlx::query_as("SELECT client_id, status FROM help_requests WHERE id = $1 AND org_id = $2")
            .bind(request_id)
            .bind(org)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((client, status)) = req else {
        return Err(StoreError::NotFound);
    };
    if status != "open" {
        return Err(StoreError::Refused("solidarity-request-not-open"));
    }
    let vol: Option<(String,)> =
        sqlx::query_as("SELECT status FROM volunteers WHERE id = $1 AND org_id = $2")
            .bind(volunteer_id)
            .bind(org)
            .fetch_optional(&mut **tx)
            .await?;
    if vol.map(|(s,)| s).as_deref() != Some("active") {
        return Err(StoreError::Refused("solidarity-volunteer-unavailable"));
    }
    let blocked: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM match_blocks WHERE client_id = $1 AND volunteer_id = $2")
            .bind(client)
            .bind(volunteer_id)
            .fetch_optional(&mut **tx)
            .await?;
    if blocked.is_some() {
        return Err(StoreError::Refused("solidarity-pair-blocked"));
    }
    let today = time::OffsetDateTime::now_utc().date();
    require_consent(tx, client, ConsentPurpose::ShareWithVolunteer, None, today).await?;
    let now = now_ms();
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO matches (org_id, request_id, volunteer_id, status, score, reasons, token, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 'proposed', $4, $5, $8, $6, $7, $7) RETURNING id",
    )
    .bind(org)
    .bind(request_id)
    .bind(volunteer_id)
    .bind(score)
    .bind(reasons)
    .bind(actor.account)
    .bind(now)
    .bind(&token)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE help_requests SET status = 'proposed' WHERE id = $1")
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "match.propose",
            entity: "match",
            entity_id: Some(id),
            detail: &format!("request={request_id} volunteer={volunteer_id}"),
        },
    )
    .await?;
    Ok(id)
}

/// The outcome of confirming a batch proposal.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BatchOutcome {
    /// Matches proposed.
    pub proposed: Vec<i64>,
    /// Requests skipped, with the message code (e.g. the missing consent).
    pub skipped: Vec<(i64, &'static str)>,
}

/// Confirms a batch proposal: one proposed match per (request, volunteer) pair, all in one
/// transaction; pairs refused (consent missing, no longer open) are reported, the others kept.
pub async fn confirm_batch(
    db: &Db,
    actor: &Actor,
    pairs: &[(i64, i64, i64)],
) -> Result<BatchOutcome, StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let mut out = BatchOutcome::default();
    for &(req, vol, score) in pairs {
        // A savepoint per pair, so a refused pair leaves nothing half-written.
        sqlx::query("SAVEPOINT pair").execute(&mut *tx).await?;
        match propose_tx(&mut tx, actor, org, req, vol, score, "batch").await {
            Ok(id) => {
                sqlx::query("RELEASE SAVEPOINT pair")
                    .execute(&mut *tx)
                    .await?;
                out.proposed.push(id);
            }
            Err(StoreError::Refused(code)) => {
                sqlx::query("ROLLBACK TO SAVEPOINT pair")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("RELEASE SAVEPOINT pair")
                    .execute(&mut *tx)
                    .await?;
                out.skipped.push((req, code));
            }
            Err(StoreError::NotFound) => {
                sqlx::query("ROLLBACK TO SAVEPOINT pair")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("RELEASE SAVEPOINT pair")
                    .execute(&mut *tx)
                    .await?;
                out.skipped.push((req, "not_found"));
            }
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// A match as the pages show it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct MatchRow {
    /// Id.
    pub id: i64,
    /// The request.
    pub request_id: i64,
    /// Its kind.
    pub kind: String,
    /// The client.
    pub client_id: i64,
    /// Client's name.
    pub client_name: String,
    /// The volunteer.
    pub volunteer_id: i64,
    /// Volunteer's name.
    pub volunteer_name: String,
    /// proposed, confirmed, running, finished, declined, stopped.
    pub status: String,
    /// Score when proposed.
    pub score: i64,
    /// Why it stopped.
    pub stop_reason: Option<String>,
    /// Feedback of the person helped.
    pub feedback_client: String,
    /// Feedback of the volunteer.
    pub feedback_volunteer: String,
    /// The volunteer's answer link token.
    pub token: String,
}

/// The organisation's matches, newest first.
pub async fn matches(db: &Db, actor: &Actor) -> Result<Vec<MatchRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(
        "SELECT x.id, x.request_id, h.kind, h.client_id, c.name AS client_name, x.volunteer_id, v.name AS volunteer_name, x.status, x.score, \
         x.stop_reason, x.feedback_client, x.feedback_volunteer, x.token FROM matches x JOIN help_requests h ON h.id = x.request_id \
         JOIN clients c ON c.id = h.client_id JOIN volunteers v ON v.id = x.volunteer_id WHERE x.org_id = $1 ORDER BY x.id DESC LIMIT 500",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// A step in a match's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The volunteer accepts: proposed → confirmed (the address may now be shared; the consent
    /// is checked again).
    Accept,
    /// The volunteer declines: proposed → declined; the request is open again and this
    /// volunteer is not proposed for it again.
    Decline,
    /// The help starts: confirmed → running.
    Start,
    /// The help is done: running → finished.
    Finish,
    /// The match stops early, with a reason: proposed/confirmed/running → stopped.
    Stop,
    /// As [`Step::Stop`], and the pair is never proposed again.
    StopAndBlock,
}

impl Step {
    /// Parses a form code.
    pub fn parse(code: &str) -> Option<Step> {
        Some(match code {
            "accept" => Step::Accept,
            "decline" => Step::Decline,
            "start" => Step::Start,
            "finish" => Step::Finish,
            "stop" => Step::Stop,
            "stop_block" => Step::StopAndBlock,
            _ => return None,
        })
    }
}

/// Stop reasons (codes).
pub const STOP_REASONS: [&str; 5] = [
    "no_click",
    "needs_changed",
    "volunteer_unavailable",
    "person_moved",
    "other",
];

/// Moves a match one step; feedback (from the person, from the volunteer) can be added with
/// any step. Audited; the request's status follows.
pub async fn step(
    db: &Db,
    actor: &Actor,
    id: i64,
    step: Step,
    stop_reason: Option<&str>,
    feedback_client: &str,
    feedback_volunteer: &str,
) -> Result<(), StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let row: Option<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT x.status, x.request_id, h.client_id, x.volunteer_id FROM matches x JOIN help_requests h ON h.id = x.request_id WHERE x.id = $1 AND x.org_id = $2",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, request, client, volunteer)) = row else {
        return Err(StoreError::NotFound);
    };
    let (from, to, request_status): (&[&str], &str, &str) = match step {
        Step::Accept => (&["proposed"], "confirmed", "matched"),
        Step::Decline => (&["proposed"], "declined", "open"),
        Step::Start => (&["confirmed"], "running", "matched"),
        Step::Finish => (&["running"], "finished", "closed"),
        Step::Stop | Step::StopAndBlock => {
            (&["proposed", "confirmed", "running"], "stopped", "open")
        }
    };
    if !from.contains(&status.as_str()) {
        return Err(StoreError::Refused("solidarity-step-invalid"));
    }
    let reason = match step {
        Step::Stop | Step::StopAndBlock => match stop_reason {
            Some(r) if STOP_REASONS.contains(&r) => Some(r),
            _ => return Err(StoreError::Refused("solidarity-stop-reason-required")),
        },
        _ => None,
    };
    if step == Step::Accept {
        let today = time::OffsetDateTime::now_utc().date();
        require_consent(
            &mut tx,
            client,
            ConsentPurpose::ShareWithVolunteer,
            None,
            today,
        )
        .await?;
    }
    sqlx::query(
        "UPDATE matches SET status = $1, stop_reason = COALESCE($2, stop_reason), \
         feedback_client = CASE WHEN $3 = '' THEN feedback_client ELSE $3 END, \
         feedback_volunteer = CASE WHEN $4 = '' THEN feedback_volunteer ELSE $4 END, updated_at = $5 WHERE id = $6",
    )
    .bind(to)
    .bind(reason)
    .bind(feedback_client.trim())
    .bind(feedback_volunteer.trim())
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE help_requests SET status = $1 WHERE id = $2")
        .bind(request_status)
        .bind(request)
        .execute(&mut *tx)
        .await?;
    if step == Step::StopAndBlock {
        sqlx::query(
            "INSERT INTO match_blocks (org_id, client_id, volunteer_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(org)
        .bind(client)
        .bind(volunteer)
        .bind(actor.account)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "match.step",
            entity: "match",
            entity_id: Some(id),
            detail: to,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an informal supporter (family, neighbour, friend, other) to a client; audited.
pub async fn add_supporter(
    db: &Db,
    actor: &Actor,
    client: i64,
    relation: &str,
    label: &str,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    if !matches!(relation, "family" | "neighbour" | "friend" | "other") {
        return Err(StoreError::Refused("choice_invalid"));
    }
    let mut tx = db.begin().await?;
    client_in_org(&mut tx, client, org).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO supporters (org_id, client_id, relation, label, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org)
    .bind(client)
    .bind(relation)
    .bind(label.trim())
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "supporter.add",
            entity: "client",
            entity_id: Some(client),
            detail: relation,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A client's network strength.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkRow {
    /// Client.
    pub client_id: i64,
    /// Name.
    pub name: String,
    /// Municipality (Dutch name), if known.
    pub municipality: String,
    /// Active supporters (informal + volunteers through Sterk).
    pub supporters: i64,
    /// Fewer than [`NETWORK_MIN`].
    pub weak: bool,
}

/// Network strength of every client of the organisation (weakest first), and per municipality
/// the number of clients with a weak network. Audited as a read of client data.
pub async fn network(
    db: &Db,
    actor: &Actor,
) -> Result<(Vec<NetworkRow>, Vec<(String, i64)>), StoreError> {
    let org = org_of(actor)?;
    let clients: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT c.id, c.name, m.name_nl FROM clients c LEFT JOIN municipalities m ON m.refnis = c.refnis WHERE c.org_id = $1 AND c.erased_at IS NULL",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    let counts = supporter_counts(db, org).await?;
    let mut rows: Vec<NetworkRow> = clients
        .into_iter()
        .map(|(id, name, muni)| {
            let n = counts.get(&id).copied().unwrap_or(0);
            NetworkRow {
                client_id: id,
                name,
                municipality: muni.unwrap_or_default(),
                supporters: n,
                weak: n < NETWORK_MIN,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.supporters.cmp(&b.supporters).then(a.name.cmp(&b.name)));
    let mut per: HashMap<String, i64> = HashMap::new();
    for r in rows.iter().filter(|r| r.weak) {
        *per.entry(r.municipality.clone()).or_insert(0) += 1;
    }
    let mut per: Vec<(String, i64)> = per.into_iter().collect();
    per.sort();
    audit::record_now(
        db,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "network.view",
            entity: "client",
            entity_id: None,
            detail: "",
        },
    )
    .await?;
    Ok((rows, per))
}

/// Counts to show outside the organisation: cells under 5 are hidden (`None`).
pub fn hide_small(per: &[(String, i64)]) -> Vec<(String, Option<i64>)> {
    per.iter()
        .map(|(k, n)| (k.clone(), if *n < 5 { None } else { Some(*n) }))
        .collect()
}

/// A help request from the public form.
#[derive(Debug, Clone, Default)]
pub struct NewPublicRequest {
    /// Name (or first name).
    pub name: String,
    /// Phone (phone or e-mail needed).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// One of [`KINDS`].
    pub kind: String,
    /// Municipality.
    pub refnis: String,
    /// Postal code.
    pub postcode: String,
    /// Languages.
    pub languages: Vec<String>,
    /// Availability grid.
    pub availability: i64,
    /// What is needed, in their words.
    pub needs: String,
    /// The form's language.
    pub lang: String,
}

/// Checks a public request; the first bad field and its code.
pub fn validate_public(r: &NewPublicRequest) -> Result<(), (&'static str, &'static str)> {
    let n = r.name.trim().chars().count();
    if n == 0 || n > 200 {
        return Err(("name", "required"));
    }
    if r.phone.is_none() && r.email.is_none() {
        return Err(("phone", "solidarity-contact-required"));
    }
    if !KINDS.contains(&r.kind.as_str()) {
        return Err(("kind", "choice_invalid"));
    }
    if r.languages.is_empty() || r.languages.iter().any(|l| !LANGUAGES.contains(&l.as_str())) {
        return Err(("languages", "solidarity-languages-required"));
    }
    if r.availability <= 0 || r.availability >= (1 << m::AVAILABILITY_BITS) {
        return Err(("availability", "solidarity-availability-required"));
    }
    if r.needs.chars().count() > 2000 {
        return Err(("needs", "too_long"));
    }
    Ok(())
}

/// Stores a submitted public help request for an organisation; audited without the actor.
pub async fn create_public_request(
    db: &Db,
    org: i64,
    r: &NewPublicRequest,
) -> Result<i64, StoreError> {
    validate_public(r).map_err(|(_, code)| StoreError::Refused(code))?;
    let mut tx = db.begin().await?;
    let o: Option<(i64,)> = sqlx::query_as("SELECT id FROM organisations WHERE id = $1")
        .bind(org)
        .fetch_optional(&mut *tx)
        .await?;
    if o.is_none() {
        return Err(StoreError::Refused("solidarity-org-required"));
    }
    check_place(&mut tx, &r.refnis, &r.postcode).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO public_help_requests (org_id, name, phone, email, kind, refnis, postcode, languages, availability, needs, lang, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(org)
    .bind(r.name.trim())
    .bind(r.phone.as_deref())
    .bind(r.email.as_deref())
    .bind(&r.kind)
    .bind(&r.refnis)
    .bind(&r.postcode)
    .bind(r.languages.join(","))
    .bind(r.availability)
    .bind(r.needs.trim())
    .bind(&r.lang)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: None,
            org: Some(org),
            action: "public_help_request.create",
            entity: "public_help_request",
            entity_id: Some(id),
            detail: &r.lang,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A public request as the worker sees it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PublicRequestRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Kind.
    pub kind: String,
    /// Municipality.
    pub refnis: String,
    /// Postal code.
    pub postcode: String,
    /// Languages.
    pub languages: String,
    /// Grid.
    pub availability: i64,
    /// Their words.
    pub needs: String,
    /// Form language.
    pub lang: String,
    /// When (ms).
    pub created_at: i64,
}

/// New public requests of the organisation.
pub async fn public_requests(db: &Db, actor: &Actor) -> Result<Vec<PublicRequestRow>, StoreError> {
    let org = org_of(actor)?;
    Ok(sqlx::query_as(
        "SELECT id, name, phone, email, kind, refnis, postcode, languages, availability, needs, lang, created_at \
         FROM public_help_requests WHERE org_id = $1 AND status = 'new' ORDER BY id",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// A worker takes on a public request: a client record is made from it (name, municipality,
/// languages, contact) and the public row is marked `taken`, in one transaction. Returns the
/// client id and the row (to prefill the help-request form).
pub async fn take_on(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(i64, PublicRequestRow), StoreError> {
    let org = org_of(actor)?;
    let mut tx = db.begin().await?;
    let row: PublicRequestRow = sqlx::query_as(
        "SELECT id, name, phone, email, kind, refnis, postcode, languages, availability, needs, lang, created_at \
         FROM public_help_requests WHERE id = $1 AND org_id = $2 AND status = 'new'",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    use sterk_domain::client::{ContactChannel, Household};
    let mut channels = Vec::new();
    if row.phone.is_some() {
        channels.push(ContactChannel::Phone);
    }
    if row.email.is_some() {
        channels.push(ContactChannel::Email);
    }
    let input = crate::clients::ClientInput {
        name: sterk_domain::values::Name::parse(&row.name)
            .map_err(|_| StoreError::Refused("solidarity-name-invalid"))?,
        birth: None,
        refnis: sterk_domain::values::Refnis::parse(&row.refnis).ok(),
        languages: row
            .languages
            .split(',')
            .filter_map(|l| sterk_domain::client::parse_language(l).ok())
            .collect(),
        channels,
        phone: row.phone.clone(),
        email: row.email.clone(),
        address: None,
        household: Household {
            adults: 1,
            children: 0,
            lives_alone: false,
        },
        notes: String::new(),
    };
    // Through the clients module, so the record and its audit row are made as everywhere.
    let client = crate::clients::insert_tx(&mut tx, actor, org, &input).await?;
    sqlx::query("UPDATE public_help_requests SET status = 'taken', client_id = $1 WHERE id = $2")
        .bind(client)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "client.create",
            entity: "client",
            entity_id: Some(client),
            detail: "public_help_request",
        },
    )
    .await?;
    tx.commit().await?;
    db.clients_changed();
    Ok((client, row))
}

/// Demo data (called by `demo::load`): in OCMW Gent, consents to share with a volunteer for
/// three of the four demo clients (not Amina B., to show the refusal), informal supporters,
/// four volunteers, four help requests, one running match, and one request from the public form.
pub async fn demo(db: &Db, worker: &Actor) -> Result<(), StoreError> {
    let org = org_of(worker)?;
    let clients: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM clients WHERE org_id = $1 ORDER BY id")
            .bind(org)
            .fetch_all(db.reader())
            .await?;
    let id_of = |n: &str| {
        clients
            .iter()
            .find(|(_, name)| name == n)
            .map(|(id, _)| *id)
    };
    let today = time::OffsetDateTime::now_utc().date();
    let (Some(x), Some(amina), Some(dirk), Some(fam)) = (
        id_of("Mevrouw X."),
        id_of("Amina B."),
        id_of("Dirk V."),
        id_of("Familie K."),
    ) else {
        return Ok(());
    };
    for c in [x, dirk, fam] {
        crate::clients::record_consent(
            db,
            worker,
            c,
            &crate::clients::ConsentInput {
                purpose: ConsentPurpose::ShareWithVolunteer,
                recipient_org: None,
                method: sterk_domain::client::ConsentMethod::Oral,
                given_on: today,
                expires_on: None,
                note: String::new(),
            },
        )
        .await?;
    }
    for rel in ["family", "family", "neighbour", "friend", "family"] {
        add_supporter(db, worker, fam, rel, "").await?;
    }
    add_supporter(db, worker, amina, "neighbour", "").await?;
    let all_week = (1i64 << m::AVAILABILITY_BITS) - 1;
    let weekdays = (0..15).fold(0i64, |a, b| a | (1 << b));
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let volunteers = [
        (
            "Ayşe Y.",
            "9000",
            s(&["tr", "nl"]),
            s(&["groceries", "company", "language"]),
            s(&[]),
            Some(10),
            2,
        ),
        (
            "Pieter D.",
            "9000",
            s(&["nl", "en"]),
            s(&["transport", "odd_jobs", "paperwork", "groceries"]),
            s(&[]),
            Some(15),
            2,
        ),
        (
            "Nadia R.",
            "9000",
            s(&["ar", "fr", "nl"]),
            s(&["company", "paperwork", "language", "child_care"]),
            s(&["good_conduct"]),
            Some(10),
            1,
        ),
        (
            "Tom V.",
            "9000",
            s(&["nl"]),
            s(&["groceries", "meals"]),
            s(&[]),
            None,
            1,
        ),
    ];
    let mut vol_ids = Vec::new();
    for (name, pc, languages, skills, screening, radius, capacity) in volunteers {
        let v = NewVolunteer {
            name: name.into(),
            email: None,
            phone: None,
            refnis: "44021".into(),
            postcode: pc.into(),
            municipalities: if radius.is_none() {
                vec!["44021".into()]
            } else {
                vec![]
            },
            radius_km: radius,
            languages,
            skills,
            screening,
            availability: all_week,
            capacity,
            insurance_noted: true,
        };
        vol_ids.push(create_volunteer(db, org, Some(worker.account), "worker", &v).await?);
    }
    let req = |client: i64, kind: &str, langs: &[&str], urgency: &str| NewRequest {
        client_id: client,
        kind: kind.into(),
        frequency: "regular".into(),
        refnis: "44021".into(),
        postcode: "9000".into(),
        languages: s(langs),
        availability: weekdays,
        urgency: urgency.into(),
        needs: String::new(),
    };
    let dirk_req = create_request(db, worker, &req(dirk, "paperwork", &["nl"], "normal")).await?;
    let x_req = create_request(db, worker, &req(x, "groceries", &["nl"], "soon")).await?;
    create_request(db, worker, &req(fam, "language", &["tr", "nl"], "normal")).await?;
    create_request(
        db,
        worker,
        &req(amina, "child_care", &["ar", "fr"], "urgent"),
    )
    .await?;
    let m = propose(db, worker, dirk_req, vol_ids[1], 99, "demo").await?;
    step(db, worker, m, Step::Accept, None, "", "").await?;
    step(db, worker, m, Step::Start, None, "", "").await?;
    let month_ago = today - time::Duration::days(30);
    add_gift(db, worker, 50_000, Some("Parochie Sint-Jan"), month_ago).await?;
    add_gift(db, worker, 7_500, None, today).await?;
    add_aid(db, worker, x_req, "food", 3_500, today).await?;
    create_public_request(
        db,
        org,
        &NewPublicRequest {
            name: "Mehmet".into(),
            phone: Some("+32 470 00 00 00".into()),
            email: None,
            kind: "transport".into(),
            refnis: "44021".into(),
            postcode: "9000".into(),
            languages: s(&["tr"]),
            availability: weekdays,
            needs: "Naar het ziekenhuis op dinsdag.".into(),
            lang: "tr".into(),
        },
    )
    .await?;
    Ok(())
}

/// Kinds of material aid from the fund (codes).
pub const AID_KINDS: [&str; 6] = ["food", "clothes", "hygiene", "toys", "money", "other"];

/// Records a gift received by the solidarity fund (`amount_cents` > 0, optional donor);
/// audited.
pub async fn add_gift(
    db: &Db,
    actor: &Actor,
    amount_cents: i64,
    donor: Option<&str>,
    on: time::Date,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    if amount_cents <= 0 {
        return Err(StoreError::Refused("solidarity-amount-positive"));
    }
    insert_fund(db, actor, org, "gift", amount_cents, donor, None, None, on).await
}

/// Records material aid handed out for a help request of the organisation; audited. The
/// balance may not go below zero.
pub async fn add_aid(
    db: &Db,
    actor: &Actor,
    request_id: i64,
    aid_kind: &str,
    amount_cents: i64,
    on: time::Date,
) -> Result<i64, StoreError> {
    let org = org_of(actor)?;
    if amount_cents <= 0 {
        return Err(StoreError::Refused("solidarity-amount-positive"));
    }
    if !AID_KINDS.contains(&aid_kind) {
        return Err(StoreError::Refused("choice_invalid"));
    }
    insert_fund(
        db,
        actor,
        org,
        "aid",
        -amount_cents,
        None,
        Some(aid_kind),
        Some(request_id),
        on,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn insert_fund(
    db: &Db,
    actor: &Actor,
    org: i64,
    kind: &str,
    amount: i64,
    donor: Option<&str>,
    aid_kind: Option<&str>,
    request: Option<i64>,
    on: time::Date,
) -> Result<i64, StoreError> {
    let mut tx = db.begin().await?;
    if let Some(r) = request {
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM help_requests WHERE id = $1 AND org_id = $2")
                .bind(r)
                .bind(org)
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::Refused("solidarity-request-unknown"));
        }
        let (balance,): (i64,) =
            sqlx::query_as("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM fund_entries WHERE org_id = $1")
                .bind(org)
                .fetch_one(&mut *tx)
                .await?;
        if balance + amount < 0 {
            return Err(StoreError::Refused("solidarity-fund-short"));
        }
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO fund_entries (org_id, kind, amount_cents, donor, aid_kind, request_id, on_date, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(org)
    .bind(kind)
    .bind(amount)
    .bind(donor.map(str::trim).filter(|d| !d.is_empty()))
    .bind(aid_kind)
    .bind(request)
    .bind(sterk_domain::values::format_date(on))
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "fund.add",
            entity: "fund_entry",
            entity_id: Some(id),
            detail: kind,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One entry of the fund.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct FundRow {
    /// Id.
    pub id: i64,
    /// gift or aid.
    pub kind: String,
    /// Cents: gifts positive, aid negative.
    pub amount_cents: i64,
    /// Donor (gifts).
    pub donor: Option<String>,
    /// Aid kind.
    pub aid_kind: Option<String>,
    /// The help request (aid).
    pub request_id: Option<i64>,
    /// Date.
    pub on_date: String,
}

/// One month of the fund.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FundMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Gifts received (cents).
    pub gifts: i64,
    /// Aid handed out (cents, positive).
    pub aid: i64,
    /// Number of aid entries.
    pub aid_count: i64,
    /// Balance at the end of the month.
    pub balance: i64,
}

/// The fund: entries (newest first, at most 200), the balance, and a report per month.
pub async fn fund(
    db: &Db,
    actor: &Actor,
) -> Result<(Vec<FundRow>, i64, Vec<FundMonth>), StoreError> {
    let org = org_of(actor)?;
    let mut rows: Vec<FundRow> = sqlx::query_as(
        "SELECT id, kind, amount_cents, donor, aid_kind, request_id, on_date FROM fund_entries WHERE org_id = $1 ORDER BY on_date, id",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    let mut months: Vec<FundMonth> = Vec::new();
    let mut balance = 0i64;
    for r in &rows {
        balance += r.amount_cents;
        let month = r.on_date.get(..7).unwrap_or("").to_owned();
        if months.last().map(|m| m.month.as_str()) != Some(month.as_str()) {
            months.push(FundMonth {
                month,
                gifts: 0,
                aid: 0,
                aid_count: 0,
                balance: 0,
            });
        }
        if let Some(m) = months.last_mut() {
            if r.amount_cents >= 0 {
                m.gifts += r.amount_cents;
            } else {
                m.aid -= r.amount_cents;
                m.aid_count += 1;
            }
            m.balance = balance;
        }
    }
    rows.reverse();
    rows.truncate(200);
    Ok((rows, balance, months))
}

/// What a volunteer sees through their answer link: the task, never the person's name; the
/// exact address only once they accepted and while the consent to share with a volunteer holds.
#[derive(Debug, Clone, Serialize)]
pub struct VolunteerView {
    /// The match.
    pub id: i64,
    /// proposed, confirmed, running, …
    pub status: String,
    /// Kind of help.
    pub kind: String,
    /// Frequency.
    pub frequency: String,
    /// Municipality (Dutch name) and postcode.
    pub municipality: String,
    /// Postal code.
    pub postcode: String,
    /// Availability grid.
    pub availability: i64,
    /// The address, when it may be shared.
    pub address: Option<String>,
    /// The client's phone, when it may be shared.
    pub phone: Option<String>,
}

/// The columns `view_tx` reads.
type ViewRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
);

async fn view_tx(tx: &mut Tx, token: &str) -> Result<(VolunteerView, i64, i64, i64), StoreError> {
    let row: Option<ViewRow> = sqlx::query_as(
        "SELECT x.id, x.status, h.kind, h.frequency, m.name_nl, h.postcode, h.availability, h.client_id, x.org_id, x.request_id, c.address, c.phone \
         FROM matches x JOIN help_requests h ON h.id = x.request_id JOIN municipalities m ON m.refnis = h.refnis JOIN clients c ON c.id = h.client_id \
         WHERE x.token = $1",
    )
    .bind(token)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((
        id,
        status,
        kind,
        frequency,
        municipality,
        postcode,
        availability,
        client,
        org,
        request,
        address,
        phone,
    )) = row
    else {
        return Err(StoreError::NotFound);
    };
    let today = time::OffsetDateTime::now_utc().date();
    let shared = matches!(status.as_str(), "confirmed" | "running")
        && require_consent(tx, client, ConsentPurpose::ShareWithVolunteer, None, today)
            .await
            .is_ok();
    let (address, phone) = if shared {
        (address, phone)
    } else {
        (None, None)
    };
    Ok((
        VolunteerView {
            id,
            status,
            kind,
            frequency,
            municipality,
            postcode,
            availability,
            address,
            phone,
        },
        client,
        org,
        request,
    ))
}

/// The volunteer's view of a match through its link; a view of the shared address is audited.
pub async fn volunteer_view(db: &Db, token: &str) -> Result<VolunteerView, StoreError> {
    if token.len() != 32 {
        return Err(StoreError::NotFound);
    }
    let mut tx = db.begin().await?;
    let (view, client, org, _) = view_tx(&mut tx, token).await?;
    if view.address.is_some() || view.phone.is_some() {
        audit::record(
            &mut tx,
            Entry {
                account: None,
                org: Some(org),
                action: "client.share_with_volunteer",
                entity: "client",
                entity_id: Some(client),
                detail: &format!("match={}", view.id),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(view)
}

/// The volunteer answers through their link: accept (needs the consent to share with a
/// volunteer, checked in this transaction) or decline. Only a proposed match can be answered.
pub async fn volunteer_answer(db: &Db, token: &str, accept: bool) -> Result<(), StoreError> {
    if token.len() != 32 {
        return Err(StoreError::NotFound);
    }
    let mut tx = db.begin().await?;
    answer_tx(&mut tx, token, accept, None).await?;
    tx.commit().await?;
    Ok(())
}

async fn answer_tx(
    tx: &mut Tx,
    token: &str,
    accept: bool,
    account: Option<i64>,
) -> Result<(), StoreError> {
    let (view, client, org, request) = view_tx(tx, token).await?;
    if view.status != "proposed" {
        return Err(StoreError::Refused("solidarity-step-invalid"));
    }
    if accept {
        let today = time::OffsetDateTime::now_utc().date();
        require_consent(tx, client, ConsentPurpose::ShareWithVolunteer, None, today).await?;
    }
    let (to, request_status) = if accept {
        ("confirmed", "matched")
    } else {
        ("declined", "open")
    };
    sqlx::query("UPDATE matches SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(to)
        .bind(now_ms())
        .bind(view.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE help_requests SET status = $1 WHERE id = $2")
        .bind(request_status)
        .bind(request)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        Entry {
            account,
            org: Some(org),
            action: "match.volunteer_answer",
            entity: "match",
            entity_id: Some(view.id),
            detail: to,
        },
    )
    .await?;
    Ok(())
}

// ------------------------------------------------------------ a volunteer's own account

/// The volunteer profile linked to the actor's account, if they signed up (and did not leave).
pub async fn own_volunteer(db: &Db, actor: &Actor) -> Result<Option<VolunteerRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_VOLUNTEER} WHERE v.account_id = $1 AND v.status <> 'left'"
    ))
    .bind(actor.account)
    .fetch_optional(db.reader())
    .await?)
}

async fn own_volunteer_id(db: &Db, actor: &Actor) -> Result<i64, StoreError> {
    own_volunteer(db, actor)
        .await?
        .map(|v| v.id)
        .ok_or(StoreError::NotFound)
}

/// The volunteer pauses (`paused`) or resumes (`active`) their own volunteering; audited.
pub async fn own_status(db: &Db, actor: &Actor, status: &str) -> Result<(), StoreError> {
    let id = own_volunteer_id(db, actor).await?;
    set_volunteer_status(db, actor, id, status).await
}

/// The volunteer leaves: their personal data is deleted as in [`leave`]; audited.
pub async fn own_leave(db: &Db, actor: &Actor) -> Result<(), StoreError> {
    let id = own_volunteer_id(db, actor).await?;
    leave(db, actor, id).await
}

/// The matches proposed to the volunteer with an account, newest first, as the volunteer may
/// see them (the task, never the person's name; the address only after accepting and while the
/// consent holds). Showing a shared address is audited, in the name of the account.
pub async fn own_matches(db: &Db, actor: &Actor) -> Result<Vec<VolunteerView>, StoreError> {
    let Some(me) = own_volunteer(db, actor).await? else {
        return Ok(Vec::new());
    };
    let tokens: Vec<(String,)> = sqlx::query_as(
        "SELECT token FROM matches WHERE volunteer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200",
    )
    .bind(me.id)
    .fetch_all(db.reader())
    .await?;
    let mut tx = db.begin().await?;
    let mut out = Vec::with_capacity(tokens.len());
    for (token,) in tokens {
        let (view, client, org, _) = view_tx(&mut tx, &token).await?;
        if view.address.is_some() || view.phone.is_some() {
            audit::record(
                &mut tx,
                Entry {
                    account: Some(actor.account),
                    org: Some(org),
                    action: "client.share_with_volunteer",
                    entity: "client",
                    entity_id: Some(client),
                    detail: &format!("match={}", view.id),
                },
            )
            .await?;
        }
        out.push(view);
    }
    tx.commit().await?;
    Ok(out)
}

/// The volunteer with an account accepts or declines a match proposed to them (the same
/// rules as [`volunteer_answer`]; a match of another volunteer is not found).
pub async fn own_answer(
    db: &Db,
    actor: &Actor,
    match_id: i64,
    accept: bool,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let token: Option<(String,)> = sqlx::query_as(
        "SELECT x.token FROM matches x JOIN volunteers v ON v.id = x.volunteer_id \
         WHERE x.id = $1 AND v.account_id = $2 AND v.status <> 'left'",
    )
    .bind(match_id)
    .bind(actor.account)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((token,)) = token else {
        return Err(StoreError::NotFound);
    };
    answer_tx(&mut tx, &token, accept, Some(actor.account)).await?;
    tx.commit().await?;
    Ok(())
}
