//! Accounts, passwords (argon2) and login attempts (for rate limiting).

use crate::audit::{self, Entry};
use crate::{Db, StoreError, now_ms};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use sterk_domain::access::{Actor, Role};

/// An account as the application uses it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AccountRow {
    /// Id.
    pub id: i64,
    /// Login e-mail (lower case).
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// Organisation, for member roles.
    pub org_id: Option<i64>,
    /// Platform, for chairs.
    pub platform_id: Option<i64>,
    /// Preferred interface language.
    pub language: String,
    /// 1 when active.
    pub active: i64,
    /// 1 when the password must be changed at next login (after a reset).
    pub must_change_password: i64,
    /// Password hash (PHC string); never shown.
    #[serde(skip)]
    pub password_hash: String,
}

impl AccountRow {
    /// The actor this account acts as, if its role code is known.
    pub fn actor(&self) -> Option<Actor> {
        let role = Role::parse(&self.role).ok()?;
        Some(Actor {
            account: self.id,
            role,
            org: self.org_id,
            platform: self.platform_id,
        })
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation (member roles).
    pub org_id: Option<i64>,
    /// Platform (chairs).
    pub platform_id: Option<i64>,
    /// Initial password.
    pub password: String,
    /// Whether the password must be changed at first login.
    pub must_change_password: bool,
}

const SELECT: &str = "SELECT id, email, display_name, role, org_id, platform_id, language, active, must_change_password, password_hash FROM accounts";

/// Minimum password length.
pub const MIN_PASSWORD: usize = 10;

/// Hashes a password with argon2id (on a blocking thread: it takes tens of milliseconds).
pub async fn hash_password(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|_| StoreError::Refused("hash_failed"))?
    .map_err(|_| StoreError::Refused("hash_failed"))
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// Checks a new password's length; returns the error code.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_PASSWORD {
        Err("password_too_short")
    } else if password.len() > 1024 {
        Err("too_long")
    } else {
        Ok(())
    }
}

/// Creates an account; audited under the account's organisation.
pub async fn create(db: &Db, actor: Option<i64>, new: NewAccount) -> Result<i64, StoreError> {
    let hash = prepare(&new).await?;
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, &new, hash).await?;
    tx.commit().await?;
    Ok(id)
}

/// Checks a new account and hashes its password (slow: done before any transaction opens).
pub async fn prepare(new: &NewAccount) -> Result<String, StoreError> {
    check_password(&new.password).map_err(StoreError::Refused)?;
    if new.role.is_member_role() && new.org_id.is_none() {
        return Err(StoreError::Refused("org_required"));
    }
    if new.role == Role::RegionalChair && new.platform_id.is_none() {
        return Err(StoreError::Refused("platform_required"));
    }
    hash_password(new.password.clone()).await
}

/// Inserts a prepared account in `tx` (with its audit row).
pub async fn insert(
    tx: &mut crate::Tx,
    actor: Option<i64>,
    new: &NewAccount,
    hash: String,
) -> Result<i64, StoreError> {
    let result: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO accounts (email, display_name, role, org_id, platform_id, password_hash, must_change_password, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new.email.trim().to_lowercase())
    .bind(new.display_name.trim())
    .bind(new.role.code())
    .bind(new.org_id)
    .bind(new.platform_id)
    .bind(hash)
    .bind(i64::from(new.must_change_password))
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await;
    let (id,) = match result {
        Ok(r) => r,
        Err(e) if StoreError::is_unique_violation(&e) => {
            return Err(StoreError::Duplicate("email"));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        tx,
        Entry {
            account: actor,
            org: new.org_id,
            action: "account.create",
            entity: "account",
            entity_id: Some(id),
            detail: new.role.code(),
        },
    )
    .await?;
    Ok(id)
}

/// One account by id.
pub async fn get(db: &Db, id: i64) -> Result<AccountRow, StoreError> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)
}

/// One account by e-mail.
pub async fn by_email(db: &Db, email: &str) -> Result<Option<AccountRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE email = $1"))
        .bind(email.trim().to_lowercase())
        .fetch_optional(db.reader())
        .await?)
}

/// Accounts of an organisation.
pub async fn list_for_org(db: &Db, org: i64) -> Result<Vec<AccountRow>, StoreError> {
    Ok(
        sqlx::query_as(&format!("{SELECT} WHERE org_id = $1 ORDER BY display_name"))
            .bind(org)
            .fetch_all(db.reader())
            .await?,
    )
}

/// All accounts (administrator).
pub async fn list_all(db: &Db) -> Result<Vec<AccountRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{SELECT} ORDER BY display_name"))
        .fetch_all(db.reader())
        .await?)
}

/// Failures allowed per account in [`WINDOW_MS`] before logins are refused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failures allowed per client address in [`WINDOW_MS`].
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// The rate-limiting window: 15 minutes.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// The outcome of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    /// The password is right and the account active.
    Ok(Box<AccountRow>),
    /// Wrong e-mail or password (one answer for both, so accounts cannot be probed).
    Invalid,
    /// Too many failures recently for this account or this address.
    RateLimited,
}

/// Checks a login and records the attempt. Counts are kept in the database so several
/// instances behind a load balancer share them.
pub async fn login(
    db: &Db,
    email: &str,
    password: &str,
    address: &str,
) -> Result<LoginOutcome, StoreError> {
    let email = email.trim().to_lowercase();
    let since = now_ms() - WINDOW_MS;
    let (by_account,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND at > $2 AND success = 0",
    )
    .bind(&email)
    .bind(since)
    .fetch_one(db.reader())
    .await?;
    let (by_address,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM login_attempts WHERE address = $1 AND at > $2 AND success = 0",
    )
    .bind(address)
    .bind(since)
    .fetch_one(db.reader())
    .await?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        return Ok(LoginOutcome::RateLimited);
    }
    let account = by_email(db, &email).await?;
    let ok = match &account {
        Some(a) if a.active == 1 => {
            verify_password(password.to_owned(), a.password_hash.clone()).await
        }
        _ => {
            // Spend the same time on unknown accounts so timing does not reveal them.
            let _ = hash_password(password.to_owned()).await;
            false
        }
    };
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO login_attempts (email, address, at, success) VALUES ($1, $2, $3, $4)")
        .bind(&email)
        .bind(address)
        .bind(now_ms())
        .bind(i64::from(ok))
        .execute(&mut *tx)
        .await?;
    if let (true, Some(a)) = (ok, &account) {
        audit::record(
            &mut tx,
            Entry {
                account: Some(a.id),
                org: a.org_id,
                action: "account.login",
                entity: "account",
                entity_id: Some(a.id),
                detail: "",
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(match (ok, account) {
        (true, Some(a)) => LoginOutcome::Ok(Box::new(a)),
        _ => LoginOutcome::Invalid,
    })
}

/// Sets a new password (reset by an administrator, or changed by the owner); audited.
pub async fn set_password(
    db: &Db,
    actor: i64,
    account: i64,
    password: &str,
    must_change: bool,
) -> Result<(), StoreError> {
    check_password(password).map_err(StoreError::Refused)?;
    let target = get(db, account).await?;
    let hash = hash_password(password.to_owned()).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE accounts SET password_hash = $1, must_change_password = $2 WHERE id = $3")
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(account)
        .execute(&mut *tx)
        .await?;
    let action = if actor == account {
        "account.password_change"
    } else {
        "account.password_reset"
    };
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor),
            org: target.org_id,
            action,
            entity: "account",
            entity_id: Some(account),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Activates or deactivates an account; audited.
pub async fn set_active(db: &Db, actor: i64, account: i64, active: bool) -> Result<(), StoreError> {
    let target = get(db, account).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE accounts SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(account)
        .execute(&mut *tx)
        .await?;
    let action = if active {
        "account.activate"
    } else {
        "account.deactivate"
    };
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor),
            org: target.org_id,
            action,
            entity: "account",
            entity_id: Some(account),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Remembers the interface language an account chose.
pub async fn set_language(db: &Db, account: i64, language: &str) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE accounts SET language = $1 WHERE id = $2")
        .bind(language)
        .bind(account)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
