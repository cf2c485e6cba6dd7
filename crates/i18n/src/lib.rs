//! sterk-i18n (placeholder, filled in by its issue).
