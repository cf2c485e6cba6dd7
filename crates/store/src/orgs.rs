//! Organisations.

use crate::audit::{self, Entry};
use crate::{Db, StoreError, now_ms};
use sterk_domain::org::OrgKind;
use sterk_domain::values::{KboNumber, Name, Refnis};

/// A parsed new organisation.
#[derive(Debug, Clone)]
pub struct NewOrg {
    /// Name.
    pub name: Name,
    /// KBO number, when it has one (citizens' initiatives often have none).
    pub kbo: Option<KboNumber>,
    /// Kind.
    pub kind: OrgKind,
    /// Municipality (so regional platform).
    pub refnis: Refnis,
}

/// An organisation with its municipality and platform.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct OrgRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// KBO number (ten digits), if any.
    pub kbo: Option<String>,
    /// Kind code.
    pub kind: String,
    /// Municipality REFNIS code.
    pub refnis: String,
    /// Municipality (Dutch name).
    pub municipality_nl: String,
    /// Municipality (French name).
    pub municipality_fr: String,
    /// Regional platform id.
    pub platform_id: i64,
    /// Regional platform code.
    pub platform_code: String,
}

const SELECT: &str = "SELECT o.id, o.name, o.kbo, o.kind, o.refnis, m.name_nl AS municipality_nl, m.name_fr AS municipality_fr, \
    m.platform_id, p.code AS platform_code FROM organisations o JOIN municipalities m ON m.refnis = o.refnis JOIN platforms p ON p.id = m.platform_id";

/// Creates an organisation; audited. Refuses an unknown municipality or a duplicate KBO.
pub async fn create(db: &Db, actor: Option<i64>, org: &NewOrg) -> Result<i64, StoreError> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, org).await?;
    tx.commit().await?;
    db.org_names.clear();
    Ok(id)
}

/// Creates an organisation and its first administrator in one transaction: either both
/// exist afterwards or neither. `admin.org_id` is filled in here.
pub async fn create_with_admin(
    db: &Db,
    actor: Option<i64>,
    org: &NewOrg,
    mut admin: crate::accounts::NewAccount,
) -> Result<(i64, i64), StoreError> {
    admin.org_id = Some(0);
    let hash = crate::accounts::prepare(&admin).await?;
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, org).await?;
    admin.org_id = Some(id);
    let account = crate::accounts::insert(&mut tx, actor, &admin, hash).await?;
    tx.commit().await?;
    db.org_names.clear();
    Ok((id, account))
}

async fn insert(tx: &mut crate::Tx, actor: Option<i64>, org: &NewOrg) -> Result<i64, StoreError> {
    let known: Option<(String,)> =
        sqlx::query_as("SELECT refnis FROM municipalities WHERE refnis = $1")
            .bind(org.refnis.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    if known.is_none() {
        return Err(StoreError::Refused("municipality_unknown"));
    }
    let result: Result<(i64,), sqlx::Error> =
        sqlx::query_as("INSERT INTO organisations (name, kbo, kind, refnis, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(org.name.as_str())
            .bind(org.kbo.map(|k| k.digits()))
            .bind(org.kind.code())
            .bind(org.refnis.to_string())
            .bind(now_ms())
            .fetch_one(&mut **tx)
            .await;
    let (id,) = match result {
        Ok(row) => row,
        Err(e) if StoreError::is_unique_violation(&e) => return Err(StoreError::Duplicate("kbo")),
        Err(e) => return Err(e.into()),
    };
    audit::record(
        tx,
        Entry {
            account: actor,
            org: Some(id),
            action: "organisation.create",
            entity: "organisation",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    Ok(id)
}

/// One organisation.
pub async fn get(db: &Db, id: i64) -> Result<OrgRow, StoreError> {
    sqlx::query_as(&format!("{SELECT} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)
}

/// All organisations by name (optionally of one platform).
pub async fn list(db: &Db, platform: Option<i64>) -> Result<Vec<OrgRow>, StoreError> {
    Ok(match platform {
        Some(p) => {
            sqlx::query_as(&format!(
                "{SELECT} WHERE m.platform_id = $1 ORDER BY o.name"
            ))
            .bind(p)
            .fetch_all(db.reader())
            .await?
        }
        None => {
            sqlx::query_as(&format!("{SELECT} ORDER BY o.name"))
                .fetch_all(db.reader())
                .await?
        }
    })
}

/// An organisation's id and name, for pick lists.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct OrgName {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// How long [`names`] answers from memory before it reads the table again. Organisations
/// created through this process are seen at once (the cache is cleared); one created by
/// another process sharing the database (a second instance, `sterk` on the command line)
/// appears in pick lists after at most this long.
const NAMES_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// When the cached list was read, and the list.
type CachedNames = Option<(std::time::Instant, std::sync::Arc<Vec<OrgName>>)>;

/// The cached answer of [`names`].
#[derive(Debug, Clone, Default)]
pub(crate) struct NamesCache(std::sync::Arc<std::sync::Mutex<CachedNames>>);

impl NamesCache {
    fn fresh(&self) -> Option<std::sync::Arc<Vec<OrgName>>> {
        let guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < NAMES_TTL)
            .map(|(_, names)| names.clone())
    }

    fn store(&self, names: std::sync::Arc<Vec<OrgName>>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((std::time::Instant::now(), names));
    }

    pub(crate) fn clear(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Every organisation's id and name, by name (for pick lists such as the referral drop-down
/// on every client page). Organisations are never renamed or deleted, so the list is kept in
/// memory for [`NAMES_TTL`] instead of being read (200+ rows) on every page view.
pub async fn names(db: &Db) -> Result<std::sync::Arc<Vec<OrgName>>, StoreError> {
    if let Some(names) = db.org_names.fresh() {
        return Ok(names);
    }
    let names: Vec<OrgName> = sqlx::query_as("SELECT id, name FROM organisations ORDER BY name")
        .fetch_all(db.reader())
        .await?;
    let names = std::sync::Arc::new(names);
    db.org_names.store(names.clone());
    Ok(names)
}
