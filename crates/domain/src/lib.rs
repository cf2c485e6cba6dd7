//! sterk-domain (placeholder, filled in by its issue).
