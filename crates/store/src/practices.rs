//! The good-practice database (*praktijkendatabank*, issue 7 point 5).
//!
//! An organisation submits a practice; it lands in the review list of the regional platform
//! of the organisation's municipality. The chair publishes it or sends it back with a
//! comment (a conditional update on `status = 'submitted'`, so two reviewers never both
//! decide). Every change and every decision is one transaction with its audit row and a row
//! in `practice_reviews` (the history). Practices hold no client data.

use crate::audit::{self, Entry};
use crate::{Db, StoreError, now_ms};
use sterk_domain::access::Actor;
use sterk_domain::practice::{PracticeInput, PracticeStatus, Review};

/// A practice with its organisation and region.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PracticeRow {
    /// Id.
    pub id: i64,
    /// The submitting organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// The regional platform (region).
    pub platform_id: i64,
    /// The platform's code (`oost-vlaanderen`).
    pub platform_code: String,
    /// `submitted`, `published` or `sent_back`.
    pub status: String,
    /// `nl` or `fr`.
    pub language: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Krachtlijnen, comma-separated codes.
    pub krachtlijnen: String,
    /// Challenges, comma-separated theme codes.
    pub challenges: String,
    /// Target groups, comma-separated codes.
    pub target_groups: String,
    /// Working ingredients.
    pub ingredients: String,
    /// Conditions.
    pub conditions: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact e-mail.
    pub contact_email: String,
    /// The reviewer's latest comment.
    pub review_comment: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
    /// Published (ms), if published.
    pub published_at: Option<i64>,
}

impl PracticeRow {
    /// The parsed status.
    pub fn status(&self) -> Option<PracticeStatus> {
        PracticeStatus::parse(&self.status)
    }
    /// The practice's fields as a form input (to fill the edit form).
    pub fn input(&self) -> PracticeInput {
        use sterk_domain::practice::split_codes;
        PracticeInput {
            title: self.title.clone(),
            language: self.language.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            krachtlijnen: split_codes(&self.krachtlijnen),
            challenges: split_codes(&self.challenges),
            target_groups: split_codes(&self.target_groups),
            ingredients: self.ingredients.clone(),
            conditions: self.conditions.clone(),
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
        }
    }
}

const SELECT: &str = "SELECT p.id, p.org_id, o.name AS org_name, p.platform_id, pl.code AS platform_code, p.status, p.language, \
    p.title, p.summary, p.description, p.krachtlijnen, p.challenges, p.target_groups, p.ingredients, p.conditions, \
    p.contact_name, p.contact_email, p.review_comment, p.created_at, p.updated_at, p.published_at \
    FROM practices p JOIN organisations o ON o.id = p.org_id JOIN platforms pl ON pl.id = p.platform_id";

/// A typed link from a practice to another part of the platform module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// An initiative of the action plan.
    Initiative,
    /// A signal dossier.
    SignalDossier,
}

impl LinkKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            LinkKind::Initiative => "initiative",
            LinkKind::SignalDossier => "signal_dossier",
        }
    }
    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<LinkKind> {
        match code {
            "initiative" => Some(LinkKind::Initiative),
            "signal_dossier" => Some(LinkKind::SignalDossier),
            _ => None,
        }
    }
}

/// One link of a practice.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LinkRow {
    /// `initiative` or `signal_dossier`.
    pub kind: String,
    /// The id in the target table.
    pub target_id: i64,
}

/// One entry of a practice's review history.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReviewRow {
    /// `submitted`, `published` or `sent_back`.
    pub decision: String,
    /// Comment.
    pub comment: String,
    /// Who.
    pub account_name: String,
    /// When (ms).
    pub at: i64,
}

fn join(v: &[String]) -> String {
    v.join(",")
}

/// Submits a new practice for `actor`'s organisation. Its region is the regional platform
/// of the organisation's municipality. Returns the id.
pub async fn submit(db: &Db, actor: &Actor, p: &PracticeInput) -> Result<i64, StoreError> {
    let org = actor.org.ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let platform: Option<(i64,)> = sqlx::query_as(
        "SELECT m.platform_id FROM organisations o JOIN municipalities m ON m.refnis = o.refnis WHERE o.id = $1",
    )
    .bind(org)
    .fetch_optional(&mut *tx)
    .await?;
    let (platform,) = platform.ok_or(StoreError::NotFound)?;
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO practices (org_id, platform_id, status, language, title, summary, description, krachtlijnen, challenges, \
         target_groups, ingredients, conditions, contact_name, contact_email, submitted_by, created_at, updated_at) \
         VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
    )
    .bind(org)
    .bind(platform)
    .bind(&p.language)
    .bind(&p.title)
    .bind(&p.summary)
    .bind(&p.description)
    .bind(join(&p.krachtlijnen))
    .bind(join(&p.challenges))
    .bind(join(&p.target_groups))
    .bind(&p.ingredients)
    .bind(&p.conditions)
    .bind(&p.contact_name)
    .bind(&p.contact_email)
    .bind(actor.account)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    history(&mut tx, id, "submitted", "", actor.account, now).await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "practice.submit",
            entity: "practice",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn history(
    tx: &mut crate::Tx,
    practice: i64,
    decision: &str,
    comment: &str,
    account: i64,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO practice_reviews (practice_id, decision, comment, account_id, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(practice)
    .bind(decision)
    .bind(comment)
    .bind(account)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Changes a practice of `actor`'s organisation; it goes back to review (a published
/// practice leaves the public view until it is published again).
pub async fn update(db: &Db, actor: &Actor, id: i64, p: &PracticeInput) -> Result<(), StoreError> {
    let org = actor.org.ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE practices SET status = 'submitted', language = $1, title = $2, summary = $3, description = $4, krachtlijnen = $5, \
         challenges = $6, target_groups = $7, ingredients = $8, conditions = $9, contact_name = $10, contact_email = $11, \
         updated_at = $12, published_at = NULL WHERE id = $13 AND org_id = $14",
    )
    .bind(&p.language)
    .bind(&p.title)
    .bind(&p.summary)
    .bind(&p.description)
    .bind(join(&p.krachtlijnen))
    .bind(join(&p.challenges))
    .bind(join(&p.target_groups))
    .bind(&p.ingredients)
    .bind(&p.conditions)
    .bind(&p.contact_name)
    .bind(&p.contact_email)
    .bind(now)
    .bind(id)
    .bind(org)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    history(&mut tx, id, "submitted", "", actor.account, now).await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "practice.update",
            entity: "practice",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a review decision on a submitted practice. The caller has checked that the
/// actor may review practices of the practice's platform. Refuses (`not_submitted`) when the
/// practice is no longer waiting for review, e.g. because another reviewer decided first.
pub async fn review(db: &Db, actor: &Actor, id: i64, decision: &Review) -> Result<(), StoreError> {
    let (status, comment) = match decision {
        Review::Publish => (PracticeStatus::Published, ""),
        Review::SendBack(c) => (PracticeStatus::SentBack, c.as_str()),
    };
    let mut tx = db.begin().await?;
    let now = now_ms();
    let published_at = (status == PracticeStatus::Published).then_some(now);
    let done = sqlx::query(
        "UPDATE practices SET status = $1, review_comment = $2, reviewed_by = $3, reviewed_at = $4, published_at = $5 \
         WHERE id = $6 AND status = 'submitted'",
    )
    .bind(status.code())
    .bind(comment)
    .bind(actor.account)
    .bind(now)
    .bind(published_at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Refused("not_submitted"));
    }
    history(&mut tx, id, status.code(), comment, actor.account, now).await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: None,
            action: "practice.review",
            entity: "practice",
            entity_id: Some(id),
            detail: status.code(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One practice (any status; the caller decides who may see it).
pub async fn get(db: &Db, id: i64) -> Result<PracticeRow, StoreError> {
    sqlx::query_as(&format!("{SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)
}

/// The practices of one organisation, newest first.
pub async fn for_org(db: &Db, org: i64) -> Result<Vec<PracticeRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE p.org_id = $1 ORDER BY p.updated_at DESC, p.id DESC"
    ))
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// Practices waiting for review, in one platform or (for the coordinator) in all, oldest
/// first.
pub async fn to_review(db: &Db, platform: Option<i64>) -> Result<Vec<PracticeRow>, StoreError> {
    Ok(match platform {
        Some(platform) => {
            sqlx::query_as(&format!(
                "{SELECT} WHERE p.status = 'submitted' AND p.platform_id = $1 ORDER BY p.updated_at, p.id"
            ))
            .bind(platform)
            .fetch_all(db.reader())
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "{SELECT} WHERE p.status = 'submitted' ORDER BY p.updated_at, p.id"
            ))
            .fetch_all(db.reader())
            .await?
        }
    })
}

/// All published practices (for the search index and the public list), by id.
pub async fn published(db: &Db) -> Result<Vec<PracticeRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE p.status = 'published' ORDER BY p.id"
    ))
    .fetch_all(db.reader())
    .await?)
}

/// Published practices by id (the search's hits), in the order of `ids`.
pub async fn published_by_ids(db: &Db, ids: &[i64]) -> Result<Vec<PracticeRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // The status is checked here, not in SQL: with `p.status = 'published'` in the WHERE
    // clause SQLite (without statistics) walks the `practices_status` index over every
    // published practice and tests each id against the list (30 ms with 100,000 practices)
    // instead of looking the ids up by primary key (0.3 ms).
    let rows: Vec<PracticeRow> = sqlx::query_as(&format!("{SELECT} WHERE p.id IN ({list})"))
        .fetch_all(db.reader())
        .await?;
    Ok(ids
        .iter()
        .filter_map(|id| {
            rows.iter()
                .find(|r| r.id == *id && r.status == "published")
                .cloned()
        })
        .collect())
}

/// The review history of a practice, oldest first.
pub async fn reviews(db: &Db, id: i64) -> Result<Vec<ReviewRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT r.decision, r.comment, a.display_name AS account_name, r.at FROM practice_reviews r \
         JOIN accounts a ON a.id = r.account_id WHERE r.practice_id = $1 ORDER BY r.id",
    )
    .bind(id)
    .fetch_all(db.reader())
    .await?)
}

/// Links a practice to an initiative or a signal dossier (idempotent). The target must
/// exist (`initiative_unknown`, `dossier_unknown`); the audit row names only the kind.
pub async fn add_link(
    db: &Db,
    actor: &Actor,
    id: i64,
    kind: LinkKind,
    target: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let (sql, refusal) = match kind {
        LinkKind::Initiative => (
            "SELECT id FROM plan_initiatives WHERE id = $1",
            "initiative_unknown",
        ),
        LinkKind::SignalDossier => (
            "SELECT id FROM signal_dossiers WHERE id = $1",
            "dossier_unknown",
        ),
    };
    let found: Option<(i64,)> = sqlx::query_as(sql)
        .bind(target)
        .fetch_optional(&mut *tx)
        .await?;
    if found.is_none() {
        return Err(StoreError::Refused(refusal));
    }
    let exists: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM practice_links WHERE practice_id = $1 AND kind = $2 AND target_id = $3",
    )
    .bind(id)
    .bind(kind.code())
    .bind(target)
    .fetch_optional(&mut *tx)
    .await?;
    if exists.is_none() {
        sqlx::query(
            "INSERT INTO practice_links (practice_id, kind, target_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(kind.code())
        .bind(target)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry {
                account: Some(actor.account),
                org: actor.org,
                action: "practice.link",
                entity: "practice",
                entity_id: Some(id),
                detail: kind.code(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Removes a link of a practice (nothing happens when there is none).
pub async fn remove_link(
    db: &Db,
    actor: &Actor,
    id: i64,
    kind: LinkKind,
    target: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let gone = sqlx::query(
        "DELETE FROM practice_links WHERE practice_id = $1 AND kind = $2 AND target_id = $3",
    )
    .bind(id)
    .bind(kind.code())
    .bind(target)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if gone > 0 {
        audit::record(
            &mut tx,
            Entry {
                account: Some(actor.account),
                org: actor.org,
                action: "practice.unlink",
                entity: "practice",
                entity_id: Some(id),
                detail: kind.code(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The links of a practice.
pub async fn links(db: &Db, id: i64) -> Result<Vec<LinkRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT kind, target_id FROM practice_links WHERE practice_id = $1 ORDER BY kind, target_id",
    )
    .bind(id)
    .fetch_all(db.reader())
    .await?)
}

/// A linked item as a page lists it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Linked {
    /// Id of the linked item.
    pub id: i64,
    /// A short reference: an initiative's code, a dossier's or a practice's status.
    pub code: String,
    /// Its text or title.
    pub title: String,
    /// The platform it belongs to (a dossier's or a practice's; 0 for initiatives).
    pub platform_id: i64,
}

/// The initiatives a practice is linked to, by code.
pub async fn linked_initiatives(db: &Db, id: i64) -> Result<Vec<Linked>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.code, i.text AS title, CAST(0 AS BIGINT) AS platform_id FROM practice_links l \
         JOIN plan_initiatives i ON i.id = l.target_id \
         WHERE l.practice_id = $1 AND l.kind = 'initiative' ORDER BY i.code",
    )
    .bind(id)
    .fetch_all(db.reader())
    .await?)
}

/// The signal dossiers a practice is linked to (code: the dossier's status).
pub async fn linked_dossiers(db: &Db, id: i64) -> Result<Vec<Linked>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.status AS code, d.title, d.platform_id FROM practice_links l \
         JOIN signal_dossiers d ON d.id = l.target_id \
         WHERE l.practice_id = $1 AND l.kind = 'signal_dossier' ORDER BY d.id",
    )
    .bind(id)
    .fetch_all(db.reader())
    .await?)
}

/// The published practices linked to an initiative or a dossier (the other direction;
/// code: the practice's language), by title.
pub async fn published_linked_to(
    db: &Db,
    kind: LinkKind,
    target: i64,
) -> Result<Vec<Linked>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.language AS code, p.title, p.platform_id FROM practice_links l \
         JOIN practices p ON p.id = l.practice_id \
         WHERE l.kind = $1 AND l.target_id = $2 AND p.status = 'published' ORDER BY p.title, p.id",
    )
    .bind(kind.code())
    .bind(target)
    .fetch_all(db.reader())
    .await?)
}

/// Published practices to choose from (a meeting's form): those of one regional platform,
/// or of all when `platform` is `None`; newest first, at most `limit`.
pub async fn published_choices(
    db: &Db,
    platform: Option<i64>,
    limit: i64,
) -> Result<Vec<Linked>, StoreError> {
    let cond = if platform.is_some() {
        "AND p.platform_id = $2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT p.id, p.language AS code, p.title, p.platform_id FROM practices p \
         WHERE p.status = 'published' {cond} ORDER BY p.published_at DESC, p.id DESC LIMIT $1"
    );
    let mut q = sqlx::query_as(&sql).bind(limit);
    if let Some(p) = platform {
        q = q.bind(p);
    }
    Ok(q.fetch_all(db.reader()).await?)
}

/// One demo practice: organisation name, language, title, summary, description,
/// krachtlijnen, challenges, target groups, ingredients, conditions, contact, published.
type DemoPractice = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    &'static str,
    (&'static str, &'static str),
    bool,
);

/// The demo practices, after examples in the seed texts (the Ghent solidarity fund,
/// door-to-door information in many languages, "Verspreid solidariteit, geen virus", warm
/// meals and masks in Molenbeek, an association where people in poverty speak, street
/// work). The last one waits for the Oost-Vlaanderen chair's review.
const DEMO: [DemoPractice; 7] = [
    (
        "OCMW Gent",
        "nl",
        "Solidariteitsfonds: noodhulp die tot aan de beleidstafel reikt",
        "Middenveldorganisaties en burgerinitiatieven richtten samen een solidariteitsfonds op voor wie buiten de sociale bescherming valt, en brengen wat ze zien tot bij het stadsbestuur.",
        "Tijdens de coronacrisis zagen vrijwilligers en sociaal werkers grote noden bij daklozen, mensen op de vlucht en Oost-Europese arbeidsmigranten: mensen die geen of nauwelijks sociale rechten hebben. Met de ingezamelde middelen kwam er voedselhulp, tweedehandskleding, verzorgingsproducten en speelgoed. Het fonds bleef niet bij noodhulp: het zette politieke druk op de stad, die intussen middelen vrijmaakt om de werking te versterken. De ervaringen uit de materiële hulp gaan zo naar de beleidstafel.",
        &["politiserend", "verbindend", "nabijheid"],
        &["onderbescherming", "hybridisering"],
        &["dak-en-thuislozen", "nieuwkomers", "mensen-in-armoede"],
        "Een mix van vrijwilligersinitiatieven en professionele sociaal werkers die als vrijwilliger meedraaien; korte lijnen naar wie de noden als eerste ziet; de ervaringen systematisch bundelen als signaal.",
        "Een partner die het fonds beheert, afspraken over wie hulp krijgt, en een vaste plek op de agenda van het lokaal bestuur.",
        ("Sara Peeters", "solidariteitsfonds@ocmw-gent.demo"),
        true,
    ),
    (
        "OCMW Gent",
        "nl",
        "Van deur tot deur: informatie in vele talen, ook als audio",
        "Straathoekwerkers en buurtwerkers brachten de coronamaatregelen op straat en aan de deur, in verschillende talen en met audio-opnames voor wie weinig leest.",
        "Flyers en affiches alleen bereiken niet iedereen. In de buurten van Gent gingen sociaal werkers daarom van deur tot deur om informatie te geven in de talen die bewoners spreken. Voor mensen die weinig leesvaardig zijn, maakten ze audio-opnames. Zo ontstonden netwerken tussen diensten en informele solidariteit in de wijk.",
        &["nabijheid", "generalistisch"],
        &["digitalisering", "diversiteit"],
        &["nieuwkomers", "buurtbewoners"],
        "Vertrouwde gezichten in de buurt; sleutelfiguren uit de gemeenschappen die mee vertalen; niet enkel op schrift maar ook mondeling en met geluid.",
        "Tijd om op straat te zijn, een netwerk van vertalers, eenvoudige opnameapparatuur.",
        ("Sara Peeters", "buurten@ocmw-gent.demo"),
        true,
    ),
    (
        "Buurtwerk Leuven",
        "nl",
        "Verspreid solidariteit, geen virus",
        "Een online platform waar burgers en professionals elkaar inspireren om kwetsbare groepen te ondersteunen.",
        "Naar het voorbeeld van het platform dat Riso Vlaams-Brabant opzette, verzamelt het buurtwerk initiatieven van burgers en organisaties: wie kan helpen, wie heeft hulp nodig, en welke praktijken werken. Sociaal werkers zorgen dat de spontane burgersolidariteit ook mensen in een kwetsbare positie bereikt, en niet alleen wie al goed omringd is.",
        &["verbindend"],
        &["digitalisering", "samenwerking"],
        &["sociaal-werkers", "buurtbewoners"],
        "Een laagdrempelige website; sociaal werkers die vragen en aanbod actief aan elkaar koppelen; aandacht voor wie niet online is.",
        "Iemand die het platform bijhoudt en de contacten opvolgt.",
        ("Fatima El Amrani", "solidariteit@buurtwerk-leuven.demo"),
        true,
    ),
    (
        "Samenlevingsopbouw Brussel",
        "fr",
        "Repas chauds et masques cousus dans le quartier",
        "Une initiative citoyenne de Molenbeek coud des masques et cuisine des repas chauds pour les familles, en lien avec les habitants du quartier.",
        "Pendant la crise, des bénévoles du quartier ont cousu des masques et préparé des repas chauds pour les familles en difficulté. Les associations locales traduisent les informations sur les mesures et gardent le contact avec leurs membres. Le travail social soutient ces initiatives et relie les familles aux services dont elles ont besoin.",
        &["nabijheid", "verbindend"],
        &["vermaatschappelijking", "diversiteit"],
        &["gezinnen", "nieuwkomers"],
        "Des personnes de confiance issues des communautés ; réagir vite ; relier l'aide informelle aux services.",
        "Une cuisine, des bénévoles, un peu de moyens pour le matériel.",
        ("Nadia Benali", "quartier@samenlevingsopbouw-brussel.demo"),
        true,
    ),
    (
        "Armoedevereniging De Keeting",
        "nl",
        "Waar armen het woord nemen: dialoog met het lokaal bestuur",
        "Mensen in armoede bereiden samen een dialoog met het lokaal bestuur voor en brengen hun ervaringen met drempels tot bij de beleidsmakers.",
        "In de vereniging komen mensen in armoede samen om ervaringen te delen over drempels bij huisvesting, energie en het OCMW. Samen met een opbouwwerker zetten ze die ervaringen om in voorstellen. Twee keer per jaar is er een dialoogmoment met het lokaal bestuur; de afspraken worden samen opgevolgd.",
        &["politiserend", "procesmatig"],
        &["onderbescherming", "vertrouwen"],
        &["mensen-in-armoede"],
        "Ervaringskennis staat centraal; de groep bepaalt de agenda; tijd nemen om vertrouwen op te bouwen voor het gesprek met het beleid.",
        "Een opbouwwerker, een ontmoetingsruimte, een lokaal bestuur dat wil luisteren.",
        ("Els Vermeulen", "dialoog@dekeeting.demo"),
        true,
    ),
    (
        "CAW Antwerpen",
        "nl",
        "Straathoekwerk: een vertrouwde stem aan de telefoon",
        "Straathoekwerkers bleven tijdens de lockdown bellen met wie ze kennen: dat ene telefoontje van iemand die je vertrouwt en je op weg helpt.",
        "Straathoekwerkers hebben jarenlang geïnvesteerd in een vertrouwensband met mensen op straat. Toen ontmoetingen niet konden, belden ze hun contacten op, brachten ze materiële hulp of een warme maaltijd, en signaleerden ze drempels naar hun professioneel netwerk.",
        &["nabijheid", "generalistisch"],
        &["vertrouwen", "vermaatschappelijking"],
        &["dak-en-thuislozen", "psychisch-kwetsbaren"],
        "Een bestaande vertrouwensband; bereikbaarheid; doorverwijzen met de persoon erbij.",
        "Werktelefoons, ruimte in de planning voor aanklampend werk.",
        ("Tom Wouters", "straathoekwerk@caw-antwerpen.demo"),
        true,
    ),
    (
        "OCMW Gent",
        "nl",
        "Buurtgerichte zorg: ouderen ontmoeten elkaar in hun buurt",
        "In drie buurten van Gent brengen buurtwerkers en het OCMW ouderen die alleen wonen samen, met buren die een handje toesteken.",
        "Veel ouderen wonen alleen en zien weinig mensen. Buurtwerkers gaan langs, nodigen uit voor een wekelijkse koffie in het buurthuis en zoeken buren die willen helpen met boodschappen of een wandeling. Vragen over premies en rechten worden meteen opgenomen door de maatschappelijk werker.",
        &["nabijheid", "verbindend"],
        &["vermaatschappelijking"],
        &["ouderen", "buurtbewoners"],
        "Huisbezoeken; een vaste plek en vast moment in de buurt; buren als schakel; rechten meteen verkennen.",
        "Een buurthuis, een buurtwerker per buurt, samenwerking met het OCMW.",
        ("Sara Peeters", "buurtzorg@ocmw-gent.demo"),
        false,
    ),
];

/// Loads the demo practices (called by [`crate::demo::load`]); publishes all but the last,
/// which waits for review. Does nothing when the demo organisations are missing.
pub async fn demo(db: &Db) -> Result<(), StoreError> {
    let accounts: Vec<(i64, String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT id, email, org_id, platform_id FROM accounts")
            .fetch_all(db.reader())
            .await?;
    let Some(coordinator) = accounts
        .iter()
        .find(|a| a.1 == "coordinator@vlaams-platform.demo")
    else {
        return Ok(());
    };
    for (
        org_name,
        lang,
        title,
        summary,
        description,
        k,
        c,
        t,
        ingredients,
        conditions,
        contact,
        publish,
    ) in DEMO
    {
        let org: Option<(i64,)> = sqlx::query_as("SELECT id FROM organisations WHERE name = $1")
            .bind(org_name)
            .fetch_optional(db.reader())
            .await?;
        let Some((org,)) = org else { continue };
        // A member of the organisation submits it when it has one, else the coordinator on
        // its behalf.
        let account = accounts
            .iter()
            .find(|a| a.2 == Some(org))
            .map_or(coordinator.0, |a| a.0);
        let actor = Actor {
            account,
            role: sterk_domain::access::Role::SocialWorker,
            org: Some(org),
            platform: None,
        };
        let codes = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let input = PracticeInput {
            title: title.to_owned(),
            language: lang.to_owned(),
            summary: summary.to_owned(),
            description: description.to_owned(),
            krachtlijnen: codes(k),
            challenges: codes(c),
            target_groups: codes(t),
            ingredients: ingredients.to_owned(),
            conditions: conditions.to_owned(),
            contact_name: contact.0.to_owned(),
            contact_email: contact.1.to_owned(),
        };
        let id = submit(db, &actor, &input).await?;
        if publish {
            let reviewer = Actor {
                account: coordinator.0,
                role: sterk_domain::access::Role::PlatformCoordinator,
                org: None,
                platform: coordinator.3,
            };
            review(db, &reviewer, id, &Review::Publish).await?;
        }
    }
    Ok(())
}
