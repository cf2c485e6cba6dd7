//! CSRF protection for every state-changing request of the interface.
//!
//! Synchronizer token: each session holds a random token ([`token`]); every form carries it
//! in the hidden field `_csrf`, htmx sends it in the `X-CSRF-Token` header, and multipart
//! uploads carry it in the query string. A POST, PUT, PATCH or DELETE without the right
//! token is refused with 403 before any handler runs. The JSON API under `/api/` is exempt:
//! it authenticates with bearer tokens, which a browser never sends on its own.
//! A request whose `Origin` names another site is refused as well.

use crate::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use tower_sessions::Session;

/// The session key of the token.
const KEY: &str = "csrf";
/// Largest form body inspected for the token.
const MAX_FORM: usize = 2 * 1024 * 1024;

/// The session's token if it has one (anonymous visitors get none until they open a form
/// that needs it, so browsing public pages stores nothing).
pub async fn existing(session: &Session) -> Option<String> {
    session.get::<String>(KEY).await.ok().flatten()
}

/// The session's token, created on first use.
pub async fn token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(KEY).await {
        return t;
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let t: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let _ = session.insert(KEY, &t).await;
    t
}

/// Compares without leaking the position of the first difference through timing.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn from_query(req: &Request) -> Option<String> {
    req.uri()
        .query()
        .and_then(|q| form_urlencoded_get(q, "_csrf"))
}

fn form_urlencoded_get(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| v.to_owned())
    })
}

/// The middleware.
pub async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let changing = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if !changing || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let refuse = |req: &Request| crate::error::forbidden_page(&state, req, "error-csrf");
    if let (Some(origin), Some(host)) = (
        req.headers().get(header::ORIGIN),
        req.headers().get(header::HOST),
    ) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin != "null" && origin_host != host {
            return refuse(&req).into_response();
        }
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return refuse(&req).into_response();
    };
    let expected = match session.get::<String>(KEY).await {
        Ok(Some(t)) => t,
        _ => return refuse(&req).into_response(),
    };
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let query_token = from_query(&req);
    if header_token.as_deref().is_some_and(|t| same(t, &expected))
        || query_token.as_deref().is_some_and(|t| same(t, &expected))
    {
        return next.run(req).await;
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse(&req).into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        let req = Request::from_parts(parts, Body::empty());
        return crate::error::forbidden_page(&state, &req, "error-too-large").into_response();
    };
    let body_text = String::from_utf8_lossy(&bytes);
    let ok = form_urlencoded_get(&body_text, "_csrf").is_some_and(|t| same(&t, &expected));
    let req = Request::from_parts(parts, Body::from(bytes));
    if ok {
        next.run(req).await
    } else {
        refuse(&req).into_response()
    }
}
