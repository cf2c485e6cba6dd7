//! sterk-batch (placeholder, filled in by its issue).
