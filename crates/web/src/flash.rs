//! One-time messages ("saved", "sent") for the page after a form post, carried in a cookie
//! instead of the session.
//!
//! In the session, a message cost two database writes: the session saved with the message
//! after the post, and saved again without it after the page showed it. The message is only
//! a translation key, no personal data, so a short-lived cookie carries it:
//! [`carry`] hands the request's message to [`crate::ctx::Ctx`] and sets or clears the
//! cookie on the response. A value that is not a known message key is ignored.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, Mutex};

/// The cookie's name.
pub const FLASH_COOKIE: &str = "sterk_flash";

/// How long a message waits for the next page (seconds).
const MAX_AGE: u32 = 300;

/// The flash state of one request, shared by [`carry`] and the request's `Ctx`.
#[derive(Clone, Default)]
pub struct FlashSlot(Arc<Mutex<SlotState>>);

#[derive(Default)]
struct SlotState {
    /// The message the request came with (a valid key).
    incoming: Option<String>,
    /// A page took the incoming message (so the cookie is cleared).
    taken: bool,
    /// The message for the next page.
    outgoing: Option<String>,
}

impl FlashSlot {
    /// Takes the message the request came with (the page shows it; the cookie is cleared).
    pub fn take(&self) -> Option<String> {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let m = s.incoming.take();
        if m.is_some() {
            s.taken = true;
        }
        m
    }

    /// Sets the message for the next page.
    pub fn set(&self, key: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).outgoing = Some(key.to_owned());
    }
}

/// Whether `key` may be a message key: a lowercase letter, then lowercase letters, digits and
/// dashes (the shape of every Fluent message id here). [`carry`] also checks that the key is a
/// known message, so a forged cookie shows nothing.
fn valid(key: &str) -> bool {
    key.len() <= 80
        && key.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The message in the request's cookies, if any and valid.
fn from_cookies(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == FLASH_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| valid(v))
}

/// Middleware: gives the request its [`FlashSlot`], then sets the cookie for a new message
/// or clears it once a page took the old one.
pub async fn carry(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let incoming = from_cookies(&req).filter(|k| state.i18n.has(sterk_i18n::Lang::Nl, k));
    let had_cookie = incoming.is_some();
    let slot = FlashSlot(Arc::new(Mutex::new(SlotState {
        incoming,
        ..Default::default()
    })));
    req.extensions_mut().insert(slot.clone());
    let mut res = next.run(req).await;
    let (taken, outgoing) = {
        let s = slot.0.lock().unwrap_or_else(|e| e.into_inner());
        (s.taken, s.outgoing.clone())
    };
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = match outgoing {
        Some(key) if valid(&key) => Some(format!(
            "{FLASH_COOKIE}={key}; Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Lax{secure}"
        )),
        _ if had_cookie && taken => Some(format!(
            "{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}"
        )),
        _ => None,
    };
    if let Some(c) = cookie
        && let Ok(v) = HeaderValue::from_str(&c)
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn only_message_keys_are_carried() {
        assert!(valid("flash-saved"));
        assert!(valid("flash-signal-saved2"));
        assert!(valid("solidarity-flash-fund"));
        for bad in [
            "",
            "-saved",
            "2saved",
            "flash-Saved",
            "flash-a b",
            "flash-<script>",
            "flash-a;b",
        ] {
            assert!(!valid(bad), "{bad}");
        }
        assert!(!valid(&"a".repeat(81)));
    }
}
