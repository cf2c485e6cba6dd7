//! Form input: every field arrives as text and is parsed by the domain's parsers.
//!
//! [`Fields`] accepts any `application/x-www-form-urlencoded` body (repeated keys for
//! checkboxes included), so a malformed form never ends in an opaque rejection: each field
//! is parsed on its own and every problem is reported on its field, in the user's language,
//! while the values typed are kept in the form.

use crate::error::AppError;
use axum::extract::{FromRequest, Request};
use sterk_domain::FieldErrors;

/// The fields of a submitted form.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Fields(v)),
            Err(_) => Err(AppError::BadRequest("error-bad-form")),
        }
    }
}

impl Fields {
    /// The first value of `key`, or "".
    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// All values of `key` (checkboxes).
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// Whether a checkbox `key` with `value` was ticked.
    pub fn has(&self, key: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == key && v == value)
    }
}

/// Translated error for a field, for templates: `{% if let Some(e) = errs.msg(ctx, "name") %}`.
pub trait ErrorsExt {
    /// The translated message for `field`, if it has an error.
    fn msg(&self, ctx: &crate::ctx::Ctx, field: &str) -> Option<String>;
    /// `aria-invalid` value for `field`.
    fn invalid(&self, field: &str) -> &'static str;
}

impl ErrorsExt for FieldErrors {
    fn msg(&self, ctx: &crate::ctx::Ctx, field: &str) -> Option<String> {
        self.for_field(field)
            .map(|code| ctx.t(&format!("error-{}", code.replace('_', "-"))))
    }
    fn invalid(&self, field: &str) -> &'static str {
        if self.for_field(field).is_some() {
            "true"
        } else {
            "false"
        }
    }
}
