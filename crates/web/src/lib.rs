//! sterk-web (placeholder, filled in by its issue).
