//! Events and the Sociaalwerkconferentie (issue 7 point 6): events per platform, the
//! programme (sessions, speakers, practices showcased) and registration with a capacity and
//! a waiting list.
//!
//! **Never over capacity.** Every change of an event's registrations is one transaction that
//! starts by updating the event's row (a row lock on PostgreSQL; SQLite has one writer), and
//! a place is taken with a conditional update of the event's counters
//! (`registered_count < capacity`). A cancellation of someone with a place promotes the
//! person longest on the waiting list in the same transaction.

use crate::audit::{self, Entry};
use crate::{Db, StoreError, Tx, now_ms};
use sterk_domain::access::Actor;
use sterk_domain::event::{EventInput, Placement, RegistrationInput, SessionInput};

/// An event.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    /// Id.
    pub id: i64,
    /// `wswd`, `conference` or `other`.
    pub kind: String,
    /// The platform that organises it.
    pub platform_id: Option<i64>,
    /// That platform's code.
    pub platform_code: Option<String>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Date (ISO).
    pub held_on: String,
    /// Start time.
    pub starts_at: String,
    /// Place.
    pub location: String,
    /// Places (none: unlimited).
    pub capacity: Option<i64>,
    /// Places on the waiting list (none: unlimited).
    pub waitlist_capacity: Option<i64>,
    /// Places taken.
    pub registered_count: i64,
    /// People on the waiting list.
    pub waiting_count: i64,
    /// When the participants' names and e-mail addresses were erased (ms), after the event.
    pub registrations_erased_at: Option<i64>,
    /// How many registrations were erased (the counts above stay).
    pub erased_registrations: i64,
}

impl EventRow {
    /// Places left, when the event has a capacity.
    pub fn places_left(&self) -> Option<i64> {
        self.capacity.map(|c| (c - self.registered_count).max(0))
    }
    /// Whether a new registration would get a place or a place on the waiting list.
    pub fn open(&self) -> bool {
        sterk_domain::event::place(
            self.registered_count,
            self.capacity,
            self.waiting_count,
            self.waitlist_capacity,
        )
        .is_some()
    }
}

const SELECT: &str = "SELECT e.id, e.kind, e.platform_id, p.code AS platform_code, e.title, e.description, e.held_on, e.starts_at, \
    e.location, e.capacity, e.waitlist_capacity, e.registered_count, e.waiting_count, e.registrations_erased_at, \
    e.erased_registrations FROM events e LEFT JOIN platforms p ON p.id = e.platform_id";

/// A session of a programme with its speakers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SessionRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Start.
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Room.
    pub room: String,
    /// Speakers: (name, affiliation).
    pub speakers: Vec<(String, String)>,
}

/// A practice showcased at an event.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ShowcaseRow {
    /// The practice.
    pub practice_id: i64,
    /// Its title.
    pub title: String,
    /// Its organisation.
    pub org_name: String,
    /// The session it is shown in, if any.
    pub session_id: Option<i64>,
}

/// A registration.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RegistrationRow {
    /// Id.
    pub id: i64,
    /// The event.
    pub event_id: i64,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Organisation.
    pub organisation: String,
    /// `registered`, `waiting` or `cancelled`.
    pub status: String,
    /// The secret of the person's own link.
    pub token: String,
    /// When (ms).
    pub created_at: i64,
    /// When promoted from the waiting list (ms).
    pub promoted_at: Option<i64>,
}

/// Creates an event of `platform`.
pub async fn create(
    db: &Db,
    actor: &Actor,
    platform: i64,
    e: &EventInput,
) -> Result<i64, StoreError> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, Some(actor.account), platform, e).await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: None,
            action: "event.create",
            entity: "event",
            entity_id: Some(id),
            detail: &e.kind,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert(
    tx: &mut Tx,
    account: Option<i64>,
    platform: i64,
    e: &EventInput,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO events (kind, platform_id, title, description, held_on, starts_at, location, capacity, waitlist_capacity, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(&e.kind)
    .bind(platform)
    .bind(&e.title)
    .bind(&e.description)
    .bind(&e.held_on)
    .bind(&e.starts_at)
    .bind(&e.location)
    .bind(e.capacity)
    .bind(e.waitlist)
    .bind(account)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// All events, soonest first.
pub async fn list(db: &Db) -> Result<Vec<EventRow>, StoreError> {
    Ok(
        sqlx::query_as(&format!("{SELECT} ORDER BY e.held_on, e.starts_at, e.id"))
            .fetch_all(db.reader())
            .await?,
    )
}

/// One event.
pub async fn get(db: &Db, id: i64) -> Result<EventRow, StoreError> {
    sqlx::query_as(&format!("{SELECT} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)
}

/// Adds a session (with its speakers) to an event's programme.
pub async fn add_session(
    db: &Db,
    actor: &Actor,
    event: i64,
    s: &SessionInput,
) -> Result<i64, StoreError> {
    let mut tx = db.begin().await?;
    let id = insert_session(&mut tx, event, s).await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: None,
            action: "event.session.add",
            entity: "event",
            entity_id: Some(event),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_session(tx: &mut Tx, event: i64, s: &SessionInput) -> Result<i64, StoreError> {
    let (position,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM event_sessions WHERE event_id = $1",
    )
    .bind(event)
    .fetch_one(&mut **tx)
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO event_sessions (event_id, position, title, description, starts_at, ends_at, room) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(event)
    .bind(position)
    .bind(&s.title)
    .bind(&s.description)
    .bind(&s.starts_at)
    .bind(&s.ends_at)
    .bind(&s.room)
    .fetch_one(&mut **tx)
    .await?;
    for (name, affiliation) in &s.speakers {
        sqlx::query(
            "INSERT INTO event_speakers (session_id, name, affiliation) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(name)
        .bind(affiliation)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// The programme of an event, by start time.
pub async fn sessions(db: &Db, event: i64) -> Result<Vec<SessionRow>, StoreError> {
    let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, title, description, starts_at, ends_at, room FROM event_sessions WHERE event_id = $1 ORDER BY starts_at, position",
    )
    .bind(event)
    .fetch_all(db.reader())
    .await?;
    let speakers: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT s.session_id, s.name, s.affiliation FROM event_speakers s JOIN event_sessions e ON e.id = s.session_id \
         WHERE e.event_id = $1 ORDER BY s.id",
    )
    .bind(event)
    .fetch_all(db.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, title, description, starts_at, ends_at, room)| SessionRow {
                speakers: speakers
                    .iter()
                    .filter(|s| s.0 == id)
                    .map(|s| (s.1.clone(), s.2.clone()))
                    .collect(),
                id,
                title,
                description,
                starts_at,
                ends_at,
                room,
            },
        )
        .collect())
}

/// Shows a published practice at an event (optionally in one of its sessions); idempotent.
pub async fn showcase(
    db: &Db,
    actor: &Actor,
    event: i64,
    practice: i64,
    session: Option<i64>,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let published: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM practices WHERE id = $1 AND status = 'published'")
            .bind(practice)
            .fetch_optional(&mut *tx)
            .await?;
    if published.is_none() {
        return Err(StoreError::Refused("practice_not_published"));
    }
    if let Some(s) = session {
        let ok: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM event_sessions WHERE id = $1 AND event_id = $2")
                .bind(s)
                .bind(event)
                .fetch_optional(&mut *tx)
                .await?;
        if ok.is_none() {
            return Err(StoreError::Refused("choice_invalid"));
        }
    }
    sqlx::query("DELETE FROM event_practices WHERE event_id = $1 AND practice_id = $2")
        .bind(event)
        .bind(practice)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO event_practices (event_id, practice_id, session_id) VALUES ($1, $2, $3)",
    )
    .bind(event)
    .bind(practice)
    .bind(session)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: None,
            action: "event.showcase",
            entity: "event",
            entity_id: Some(event),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The practices showcased at an event (published ones only).
pub async fn showcased(db: &Db, event: i64) -> Result<Vec<ShowcaseRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT p.id AS practice_id, p.title, o.name AS org_name, ep.session_id FROM event_practices ep \
         JOIN practices p ON p.id = ep.practice_id JOIN organisations o ON o.id = p.org_id \
         WHERE ep.event_id = $1 AND p.status = 'published' ORDER BY p.title",
    )
    .bind(event)
    .fetch_all(db.reader())
    .await?)
}

/// Locks the event's row for the rest of the transaction (PostgreSQL row lock; on SQLite the
/// one writer already serialises) and checks that it exists.
async fn lock_event(tx: &mut Tx, event: i64) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE events SET registered_count = registered_count WHERE id = $1")
        .bind(event)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn new_token() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::thread_rng().r#gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Registers someone: a place while places are left, else the waiting list while it has
/// room. Refuses `full` when both are full and `already_registered` when the e-mail address
/// already holds a place or a waiting-list place. Returns the registration's token and
/// placement.
pub async fn register(
    db: &Db,
    event: i64,
    r: &RegistrationInput,
) -> Result<(String, Placement), StoreError> {
    let mut tx = db.begin().await?;
    lock_event(&mut tx, event).await?;
    let existing: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM event_registrations WHERE event_id = $1 AND email = $2 AND status <> 'cancelled'",
    )
    .bind(event)
    .bind(&r.email)
    .fetch_optional(&mut *tx)
    .await?;
    if existing.is_some() {
        return Err(StoreError::Refused("already_registered"));
    }
    let placed = sqlx::query(
        "UPDATE events SET registered_count = registered_count + 1 WHERE id = $1 AND (capacity IS NULL OR registered_count < capacity)",
    )
    .bind(event)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    let placement = if placed {
        Placement::Registered
    } else {
        let waiting = sqlx::query(
            "UPDATE events SET waiting_count = waiting_count + 1 WHERE id = $1 AND (waitlist_capacity IS NULL OR waiting_count < waitlist_capacity)",
        )
        .bind(event)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !waiting {
            return Err(StoreError::Refused("full"));
        }
        Placement::Waiting
    };
    let token = new_token();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO event_registrations (event_id, name, email, organisation, status, token, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(event)
    .bind(&r.name)
    .bind(&r.email)
    .bind(&r.organisation)
    .bind(placement.code())
    .bind(&token)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: None,
            org: None,
            action: "event.register",
            entity: "event_registration",
            entity_id: Some(id),
            detail: placement.code(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((token, placement))
}

/// Data minimisation: erases the registrations (names, e-mail addresses, organisations and
/// personal links) of every event held more than `after_days` days before `today` (with 0,
/// from the day after the event). The event keeps its anonymous counts (places taken,
/// waiting list) and how many registrations were erased and when. One transaction per
/// event, audited with the count only. Returns the number of registrations erased.
pub async fn erase_past_registrations(
    db: &Db,
    today: time::Date,
    after_days: u32,
) -> Result<u64, StoreError> {
    let cutoff = today
        .checked_sub(time::Duration::days(i64::from(after_days)))
        .ok_or(StoreError::Refused("date_invalid"))?;
    let cutoff = sterk_domain::values::format_date(cutoff);
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT e.id FROM events e WHERE e.held_on < $1 \
         AND EXISTS (SELECT 1 FROM event_registrations r WHERE r.event_id = e.id) ORDER BY e.id",
    )
    .bind(&cutoff)
    .fetch_all(db.reader())
    .await?;
    let mut erased = 0;
    for (event,) in due {
        let mut tx = db.begin().await?;
        lock_event(&mut tx, event).await?;
        let n = sqlx::query("DELETE FROM event_registrations WHERE event_id = $1")
            .bind(event)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "UPDATE events SET registrations_erased_at = $1, erased_registrations = erased_registrations + $2 WHERE id = $3",
        )
        .bind(now_ms())
        .bind(i64::try_from(n).unwrap_or(i64::MAX))
        .bind(event)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry {
                account: None,
                org: None,
                action: "event.registrations_erased",
                entity: "event",
                entity_id: Some(event),
                detail: &n.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        erased += n;
    }
    if erased > 0 {
        tracing::info!(
            registrations = erased,
            "event registrations erased after the event"
        );
    }
    Ok(erased)
}

/// A registration by its token.
pub async fn registration(db: &Db, token: &str) -> Result<RegistrationRow, StoreError> {
    sqlx::query_as(
        "SELECT id, event_id, name, email, organisation, status, token, created_at, promoted_at FROM event_registrations WHERE token = $1",
    )
    .bind(token)
    .fetch_optional(db.reader())
    .await?
    .ok_or(StoreError::NotFound)
}

/// Cancels a registration. When it held a place, the person longest on the waiting list
/// gets it, in the same transaction. Returns the id of the promoted registration, if any.
/// Cancelling twice changes nothing.
pub async fn cancel(db: &Db, token: &str) -> Result<Option<i64>, StoreError> {
    let mut tx = db.begin().await?;
    let reg: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, event_id FROM event_registrations WHERE token = $1")
            .bind(token)
            .fetch_optional(&mut *tx)
            .await?;
    let (id, event) = reg.ok_or(StoreError::NotFound)?;
    lock_event(&mut tx, event).await?;
    // Read the status after the lock: another cancellation may have changed it.
    let (status,): (String,) =
        sqlx::query_as("SELECT status FROM event_registrations WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let now = now_ms();
    let mut promoted = None;
    match status.as_str() {
        "registered" => {
            let next: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM event_registrations WHERE event_id = $1 AND status = 'waiting' ORDER BY id LIMIT 1",
            )
            .bind(event)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((next,)) = next {
                sqlx::query(
                    "UPDATE event_registrations SET status = 'registered', promoted_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(next)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE events SET waiting_count = waiting_count - 1 WHERE id = $1")
                    .bind(event)
                    .execute(&mut *tx)
                    .await?;
                promoted = Some(next);
            } else {
                sqlx::query(
                    "UPDATE events SET registered_count = registered_count - 1 WHERE id = $1",
                )
                .bind(event)
                .execute(&mut *tx)
                .await?;
            }
        }
        "waiting" => {
            sqlx::query("UPDATE events SET waiting_count = waiting_count - 1 WHERE id = $1")
                .bind(event)
                .execute(&mut *tx)
                .await?;
        }
        _ => return Ok(None),
    }
    sqlx::query(
        "UPDATE event_registrations SET status = 'cancelled', cancelled_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: None,
            org: None,
            action: "event.cancel",
            entity: "event_registration",
            entity_id: Some(id),
            detail: if promoted.is_some() { "promoted" } else { "" },
        },
    )
    .await?;
    tx.commit().await?;
    Ok(promoted)
}

/// The registrations of an event that are not cancelled: places first, then the waiting
/// list in order.
pub async fn registrations(db: &Db, event: i64) -> Result<Vec<RegistrationRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, event_id, name, email, organisation, status, token, created_at, promoted_at FROM event_registrations \
         WHERE event_id = $1 AND status <> 'cancelled' ORDER BY CASE WHEN status = 'registered' THEN 0 ELSE 1 END, id",
    )
    .bind(event)
    .fetch_all(db.reader())
    .await?)
}

/// Demo events: World Social Work Day in Oost-Vlaanderen and the Sociaalwerkconferentie
/// with its programme and two practices showcased (called by [`crate::demo::load`]).
pub async fn demo(db: &Db) -> Result<(), StoreError> {
    let year = time::OffsetDateTime::now_utc().year();
    let mut tx = db.begin().await?;
    let wswd = EventInput {
        kind: "wswd".into(),
        title: "World Social Work Day: sociaal werk maakt het verschil".into(),
        description: "Op World Social Work Day zet het regionaal platform Oost-Vlaanderen sociaalwerkpraktijken uit de regio in de kijker: een markt van praktijken, gesprekken met bewoners en beleidsmakers.".into(),
        held_on: format!("{}-03-17", year + 1),
        starts_at: "13:30".into(),
        location: "Gent, De Centrale".into(),
        capacity: Some(120),
        waitlist: Some(30),
    };
    insert(&mut tx, None, 4, &wswd).await?;
    let conf = EventInput {
        kind: "conference".into(),
        title: format!("Sociaalwerkconferentie {}", year + 1),
        description: "De Sociaalwerkconferentie brengt sociaal werkers, organisaties, onderzoekers en beleidsmakers samen rond de vijf krachtlijnen van sterk sociaal werk en de stand van het actieplan.".into(),
        held_on: format!("{}-11-20", year + 1),
        starts_at: "09:00".into(),
        location: "Brussel, Square".into(),
        capacity: Some(1000),
        waitlist: Some(400),
    };
    let conf_id = insert(&mut tx, None, 1, &conf).await?;
    let sessions = [
        SessionInput {
            title: "Opening: sterk sociaal werk als mensenrechtenberoep".into(),
            description: "Waar staan we met het actieplan, en wat vraagt de praktijk?".into(),
            starts_at: "09:30".into(),
            ends_at: "10:30".into(),
            room: "Plenaire zaal".into(),
            speakers: vec![
                (
                    "Koen Maes".into(),
                    "Vlaams Platform Sterk Sociaal Werk".into(),
                ),
                (
                    "Prof. An Claes".into(),
                    "Regionaal platform Oost-Vlaanderen".into(),
                ),
            ],
        },
        SessionInput {
            title: "Nabijheid in de buurt: praktijken uit de regio's".into(),
            description:
                "Praktijken van nabijheid en verbindend werken, voorgesteld door wie ze doet."
                    .into(),
            starts_at: "11:00".into(),
            ends_at: "12:30".into(),
            room: "Zaal 1".into(),
            speakers: vec![("Sara Peeters".into(), "OCMW Gent".into())],
        },
        SessionInput {
            title: "Politiserend werken: van signaal tot beleid".into(),
            description: "Hoe ervaringen uit de praktijk de beleidstafel bereiken.".into(),
            starts_at: "11:00".into(),
            ends_at: "12:30".into(),
            room: "Zaal 2".into(),
            speakers: vec![(
                "Els Vermeulen".into(),
                "Armoedevereniging De Keeting".into(),
            )],
        },
    ];
    let mut session_ids = Vec::new();
    for s in &sessions {
        session_ids.push(insert_session(&mut tx, conf_id, s).await?);
    }
    for (title, session) in [
        ("Van deur tot deur%", session_ids.get(1)),
        ("Solidariteitsfonds%", session_ids.get(2)),
    ] {
        let p: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM practices WHERE title LIKE $1 AND status = 'published'")
                .bind(title)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((p,)) = p {
            sqlx::query(
                "INSERT INTO event_practices (event_id, practice_id, session_id) VALUES ($1, $2, $3)",
            )
            .bind(conf_id)
            .bind(p)
            .bind(session.copied())
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
