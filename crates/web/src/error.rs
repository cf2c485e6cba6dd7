//! The error policy of the web layer.
//!
//! Handlers return [`AppError`]. Its `IntoResponse` only marks the response with the error
//! (status and a translation key); the [`render`] middleware, which knows the request's
//! language, turns the mark into a translated page, or into JSON under `/api/`. So there is
//! exactly one place where errors become what people see. Errors are logged once, here,
//! and only with codes, never with personal data.

use crate::AppState;
use crate::ctx::language;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sterk_store::StoreError;
use tower_sessions::Session;

/// What went wrong in a handler.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in.
    #[error("unauthorized")]
    Unauthorized,
    /// Signed in but not allowed (translation key of the reason).
    #[error("forbidden")]
    Forbidden(&'static str),
    /// Nothing here (or nothing the user may see).
    #[error("not found")]
    NotFound,
    /// The request itself is wrong (translation key).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Too many attempts.
    #[error("too many requests")]
    TooMany,
    /// Our fault (a code for the log).
    #[error("internal: {0}")]
    Internal(&'static str),
    /// The database failed.
    #[error("store: {0}")]
    Store(StoreError),
    /// Go elsewhere first (e.g. a temporary password must be changed).
    #[error("redirect")]
    Redirect(&'static str),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            other => AppError::Store(other),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(_: askama::Error) -> Self {
        AppError::Internal("template")
    }
}

/// The mark an error leaves on its response, read by [`render`].
#[derive(Debug, Clone, Copy)]
pub struct ErrorMark {
    /// Translation key of the message.
    pub key: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Redirect(to) = self {
            return Redirect::to(to).into_response();
        }
        let (status, key) = match &self {
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "error-unauthorized"),
            AppError::Forbidden(k) => (StatusCode::FORBIDDEN, *k),
            AppError::NotFound => (StatusCode::NOT_FOUND, "error-not-found"),
            AppError::BadRequest(k) => (StatusCode::BAD_REQUEST, *k),
            AppError::TooMany => (StatusCode::TOO_MANY_REQUESTS, "error-too-many"),
            AppError::Internal(code) => {
                tracing::error!(error.code = code, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
            AppError::Redirect(_) => (StatusCode::SEE_OTHER, "error-internal"),
            AppError::Store(e) => {
                tracing::error!(error.kind = "store", error.detail = %e, "storage error");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorMark { key });
        res
    }
}

/// Shorthand used by middleware that refuses a request.
pub fn forbidden_page(_state: &AppState, _req: &Request, key: &'static str) -> AppError {
    AppError::Forbidden(key)
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage<'a> {
    lang: &'a str,
    title: String,
    message: String,
    home: String,
    login: Option<String>,
    skip: String,
}

/// Turns marked error responses into translated pages (or JSON under `/api/`).
pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let headers = req.headers().clone();
    let path = req.uri().path().to_owned();
    let session = req.extensions().get::<Session>().cloned();
    let res = next.run(req).await;
    let Some(mark) = res.extensions().get::<ErrorMark>().copied() else {
        return res;
    };
    let status = res.status();
    let lang = language(session.as_ref(), &headers).await;
    let t = |k: &str| state.i18n.t(lang, k);
    if is_api {
        let code = mark
            .key
            .strip_prefix("error-")
            .unwrap_or(mark.key)
            .replace('-', "_");
        return (
            status,
            axum::Json(serde_json::json!({ "error": code, "message": t(mark.key) })),
        )
            .into_response();
    }
    if status == StatusCode::UNAUTHORIZED && !path.starts_with("/login") {
        let target = format!("/login?next={}", urlencode(&path));
        return Redirect::to(&target).into_response();
    }
    let page = ErrorPage {
        lang: lang.tag(),
        title: t(&format!("error-title-{}", status.as_u16())),
        message: t(mark.key),
        home: t("error-home"),
        login: (status == StatusCode::FORBIDDEN).then(|| t("nav-login")),
        skip: t("skip-to-content"),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
