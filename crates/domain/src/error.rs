//! Validation errors that name a field.
//!
//! Error policy: domain code never formats messages for people. It returns a stable
//! `snake_case` code (for example `kbo_checksum`) and the name of the field; the web layer
//! looks the code up in the user's language (`error-<code>` in the Fluent files).

use serde::Serialize;

/// One problem with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct FieldError {
    /// The field's name as the form or the API calls it (for example `kbo`).
    pub field: String,
    /// A stable `snake_case` code; translated at the edge as `error-<code>`.
    pub code: &'static str,
}

impl FieldError {
    /// A new error for `field` with `code`.
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
        }
    }
}

/// All problems found in one input, in the order of its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds one error.
    pub fn push(&mut self, field: impl Into<String>, code: &'static str) {
        self.0.push(FieldError::new(field, code));
    }
    /// Runs `result` and records its error under `field`, returning the value if it parsed.
    pub fn check<T>(&mut self, field: &str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(code) => {
                self.push(field, code);
                None
            }
        }
    }
    /// Whether no error was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The first error code for `field`, if any.
    pub fn for_field(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.code)
    }
    /// `Ok(value)` when empty, otherwise the errors.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}
