//! The page context: language, signed-in account, CSRF token, flash message.

use crate::AppState;
use crate::error::AppError;
use crate::flash::FlashSlot;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use std::sync::Arc;
use sterk_domain::access::{self, Action, Actor, Resource};
use sterk_i18n::{I18n, Lang};
use sterk_store::accounts::{self, AccountRow};
use tower_sessions::Session;

/// Session key of the signed-in account's id.
pub const ACCOUNT_KEY: &str = "account_id";
/// Session key of the chosen language.
pub const LANG_KEY: &str = "lang";
/// Cookie that remembers the language of visitors who are not signed in.
pub const LANG_COOKIE: &str = "sterk_lang";
/// Session key of a one-time message shown on the next page.
pub const FLASH_KEY: &str = "flash";

/// The signed-in account.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The account row.
    pub account: AccountRow,
    /// Who it acts as.
    pub actor: Actor,
}

/// Everything a page needs besides its own data.
#[derive(Clone)]
pub struct Ctx {
    /// Interface language.
    pub lang: Lang,
    /// The signed-in account, if any.
    pub user: Option<CurrentUser>,
    /// The session's CSRF token (for hidden `_csrf` fields).
    pub csrf: String,
    /// The current path (for the language switch and the navigation).
    pub path: String,
    /// A one-time message from the previous request (translation key).
    pub flash: Option<String>,
    /// The session.
    pub session: Session,
    /// Where a message for the next page goes ([`crate::flash`]).
    flash_slot: Option<FlashSlot>,
    i18n: Arc<I18n>,
}

/// The language for a request: the session's choice, else the browser's, else Dutch.
pub async fn language(session: Option<&Session>, headers: &axum::http::HeaderMap) -> Lang {
    if let Some(s) = session
        && let Ok(Some(code)) = s.get::<String>(LANG_KEY).await
        && let Some(l) = Lang::parse(&code)
    {
        return l;
    }
    if let Some(l) = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(&format!("{LANG_COOKIE}="))
                .and_then(Lang::parse)
        })
    {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or(AppError::Internal("session layer missing"))?;
        let mut user = None;
        if let Ok(Some(id)) = session.get::<i64>(ACCOUNT_KEY).await {
            // The account as the session's load read it (same statement), else on its own.
            let account = match session
                .id()
                .and_then(|sid| state.sessions.take_account(&sid, id))
            {
                Some(a) => Ok(a),
                None => accounts::get(&state.db, id).await,
            };
            match account {
                Ok(account) if account.active == 1 => {
                    if let Some(actor) = account.actor() {
                        user = Some(CurrentUser { account, actor });
                    }
                }
                Ok(_) | Err(sterk_store::StoreError::NotFound) => {
                    // Deactivated or removed: the session ends here.
                    let _ = session.flush().await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        // A temporary password is changed before anything else is done.
        let path = parts.uri.path();
        if user
            .as_ref()
            .is_some_and(|u| u.account.must_change_password == 1)
            && !matches!(path, "/account" | "/account/password" | "/logout" | "/lang")
        {
            return Err(AppError::Redirect("/account"));
        }
        let lang = language(Some(&session), &parts.headers).await;
        // Only signed-in people get a token (and so a stored session) on every page; anonymous
        // visitors of public pages leave nothing behind. The login page makes one for itself.
        let csrf = if user.is_some() {
            crate::csrf::token(&session).await
        } else {
            crate::csrf::existing(&session).await.unwrap_or_default()
        };
        // The one-time message comes in a cookie ([`crate::flash`]); one left in the session
        // by an earlier version is shown too (removed only when there is one: a removal marks
        // the session as changed, and an unchanged session is not written back).
        let flash_slot = parts.extensions.get::<FlashSlot>().cloned();
        let mut flash = flash_slot.as_ref().and_then(FlashSlot::take);
        if let Some(f) = session.get::<String>(FLASH_KEY).await.ok().flatten() {
            let _ = session.remove::<String>(FLASH_KEY).await;
            flash = flash.or(Some(f));
        }
        Ok(Ctx {
            lang,
            user,
            csrf,
            path: parts.uri.path().to_owned(),
            flash,
            flash_slot,
            session,
            i18n: state.i18n.clone(),
        })
    }
}

impl Ctx {
    /// Translates `key`.
    pub fn t(&self, key: &str) -> String {
        self.i18n.t(self.lang, key)
    }

    /// Translates `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.i18n
            .t_args(self.lang, key, &[(name, value.to_string().into())])
    }

    /// Translates `key` with a number argument (for plurals).
    pub fn tn(&self, key: &str, name: &str, value: impl std::borrow::Borrow<i64>) -> String {
        self.i18n
            .t_args(self.lang, key, &[(name, (*value.borrow()).into())])
    }

    /// Translates `prefix-code` (for codes such as roles and kinds).
    pub fn code(&self, prefix: &str, code: impl AsRef<str>) -> String {
        self.t(&format!("{prefix}-{}", code.as_ref().replace('_', "-")))
    }

    /// The signed-in user, or "sign in first".
    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }

    /// The signed-in user's organisation; 403 for accounts that belong to none.
    pub fn own_org(&self) -> Result<i64, AppError> {
        self.require_user()?
            .actor
            .org
            .ok_or(AppError::Forbidden("error-forbidden"))
    }

    /// Checks `action` on the signed-in user's own organisation with the one authorization
    /// function; returns the organisation and the user.
    pub fn authorize_own(&self, action: Action) -> Result<(i64, CurrentUser), AppError> {
        let org = self.own_org()?;
        let user = self.authorize(action, Resource::Org(org))?.clone();
        Ok((org, user))
    }

    /// Checks an action with the one authorization function.
    pub fn authorize(&self, action: Action, resource: Resource) -> Result<&CurrentUser, AppError> {
        let user = self.require_user()?;
        access::authorize(&user.actor, action, resource)
            .map_err(|_| AppError::Forbidden("error-forbidden"))?;
        Ok(user)
    }

    /// Whether the signed-in user may see aggregated figures (for the navigation).
    pub fn can_view_figures(&self) -> bool {
        self.can(Action::ViewFigures, Resource::Installation)
    }

    /// Whether the signed-in user may do `action` on `resource` (for showing links).
    pub fn can(&self, action: Action, resource: Resource) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| access::authorize(&u.actor, action, resource).is_ok())
    }

    /// Whether the signed-in user may do `action` in their own organisation.
    pub fn can_in_own_org(&self, action: &str) -> bool {
        let Some(u) = &self.user else { return false };
        let Some(org) = u.actor.org else { return false };
        let action = match action {
            "clients" => Action::ListClients,
            "audit" => Action::ViewAudit,
            "accounts" => Action::ManageAccounts,
            "erase" => Action::EraseClient,
            "export" => Action::ExportClient,
            "signals" => Action::RegisterSignal,
            _ => return false,
        };
        access::authorize(&u.actor, action, Resource::Org(org)).is_ok()
    }

    /// Whether the signed-in user is a volunteer with an account (for the navigation).
    pub fn is_volunteer(&self) -> bool {
        self.can(Action::OwnVolunteering, Resource::OwnAccount)
    }

    /// Whether the signed-in user is the installation's administrator.
    pub fn is_admin(&self) -> bool {
        self.can(Action::CreateOrganisation, Resource::Installation)
    }

    /// Whether `account` is the signed-in account.
    pub fn is_me(&self, account: impl std::borrow::Borrow<i64>) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.account.id == *account.borrow())
    }

    /// The user's display name.
    pub fn user_name(&self) -> String {
        self.user
            .as_ref()
            .map(|u| u.account.display_name.clone())
            .unwrap_or_default()
    }

    /// A timestamp (ms) as a local date and time (Brussels time, fixed at UTC+1 outside
    /// summer; shown with the date in ISO order so it reads the same in every language).
    pub fn datetime(&self, ms: impl std::borrow::Borrow<i64>) -> String {
        let Ok(t) =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(*ms.borrow()) * 1_000_000)
        else {
            return String::new();
        };
        let t = t.to_offset(brussels_offset(t));
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute()
        )
    }

    /// `aria-current="page"` when `prefix` is the current section.
    pub fn current(&self, prefix: &str) -> &'static str {
        if (prefix == "/" && self.path == "/") || (prefix != "/" && self.path.starts_with(prefix)) {
            "page"
        } else {
            "false"
        }
    }

    /// All interface languages (for the switch).
    pub fn languages(&self) -> [Lang; 3] {
        sterk_i18n::LANGUAGES
    }

    /// Sets a one-time message for the next page.
    pub async fn flash(&self, key: &str) {
        match &self.flash_slot {
            Some(slot) => slot.set(key),
            // Outside the application's middleware (no slot): the session carries it.
            None => {
                let _ = self.session.insert(FLASH_KEY, key).await;
            }
        }
    }
}

/// Today's date in Brussels (consents, checks and follow-ups are dated in local time, so a
/// consent given at 00:30 is not "in the future").
pub fn today() -> time::Date {
    let now = time::OffsetDateTime::now_utc();
    now.to_offset(brussels_offset(now)).date()
}

/// Central European time: UTC+2 from the last Sunday of March to the last Sunday of
/// October (at 01:00 UTC), UTC+1 otherwise.
fn brussels_offset(t: time::OffsetDateTime) -> time::UtcOffset {
    let year = t.year();
    let last_sunday = |month: time::Month| {
        let mut d = time::Date::from_calendar_date(year, month, 31).unwrap_or(time::Date::MIN);
        while d.weekday() != time::Weekday::Sunday {
            d = d.previous_day().unwrap_or(d);
        }
        d.with_hms(1, 0, 0).map(|p| p.assume_utc()).unwrap_or(t)
    };
    let summer = t >= last_sunday(time::Month::March) && t < last_sunday(time::Month::October);
    time::UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

/// The client's address as the server saw it (for rate limiting; never logged).
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for
            && let Some(last) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| v.parse::<std::net::IpAddr>().is_ok())
        {
            return Ok(ClientAddr(last.to_owned()));
        }
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned());
        Ok(ClientAddr(ip))
    }
}
