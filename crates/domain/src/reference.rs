//! Reference lists of the seed documents: the five krachtlijnen and the themes of the
//! Action Plan Sterk Sociaal Werk 2020–2024 (seed `003`).
//!
//! The codes are stable identifiers; the names live in the database (loaded by migrations,
//! in Dutch, French and English) and in the Fluent files.

/// The five krachtlijnen ("lines of strength"), the DNA of strong social work.
pub const KRACHTLIJNEN: [&str; 5] = [
    "nabijheid",
    "politiserend",
    "procesmatig",
    "generalistisch",
    "verbindend",
];

/// The eleven themes of the action plan: the eight societal challenges (sections 4.1–4.8)
/// and the three further themes (4.9 spreading the krachtlijnen, 4.10 public support, 4.11
/// social, technical and methodical innovation). Section numbers are those of the seed.
pub const THEMES: [(&str, &str); 11] = [
    ("4.1", "vermaatschappelijking"),
    ("4.2", "digitalisering"),
    ("4.3", "diversiteit"),
    ("4.4", "duurzaamheid"),
    ("4.5", "vertrouwen"),
    ("4.6", "samenwerking"),
    ("4.7", "hybridisering"),
    ("4.8", "onderbescherming"),
    ("4.9", "krachtlijnen"),
    ("4.10", "draagvlak"),
    ("4.11", "innovatie"),
];
