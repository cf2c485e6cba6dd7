//! The inputs of the engine. Codes (languages, skills, screenings) are bits in a `u64` mask;
//! the caller keeps the mapping.

/// Days of the week in the availability grid (Monday first).
pub const DAYS: usize = 7;
/// Parts of a day in the availability grid: morning, afternoon, evening.
pub const PARTS: usize = 3;
/// The availability grid has `DAYS * PARTS` bits.
pub const AVAILABILITY_BITS: u32 = (DAYS * PARTS) as u32;

/// The bit of one cell of the availability grid (`day` 0 = Monday, `part` 0 = morning).
/// Out-of-range cells give 0 (no bit).
pub fn slot_bit(day: usize, part: usize) -> u32 {
    if day < DAYS && part < PARTS {
        1 << (day * PARTS + part)
    } else {
        0
    }
}

/// Where someone lives or where help is needed, as far as the reference data knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Place {
    /// Belgian postal code (1000–9999); 0 when unknown.
    pub postcode: u16,
    /// REFNIS code of the municipality (five digits, e.g. 24062 Leuven).
    pub refnis: u32,
    /// REFNIS code of the province (e.g. 20001 Vlaams-Brabant); 0 for the Brussels region.
    pub province: u32,
}

impl Place {
    /// The arrondissement: the first two digits of the REFNIS code.
    pub fn arrondissement(&self) -> u32 {
        self.refnis / 1000
    }
}

/// Where a volunteer is willing to help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    /// Only in these municipalities (REFNIS codes).
    Municipalities(Vec<u32>),
    /// Within this many kilometres from home (estimated, see [`crate::distance_km`]).
    Radius { km: u16 },
}

/// How urgent a help request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Urgency {
    #[default]
    Normal,
    Soon,
    Urgent,
}

impl Urgency {
    /// Points added to every pair of this request in the batch (decides which requests are
    /// served when volunteers are scarce, within one priority level).
    pub fn bonus(self) -> i64 {
        match self {
            Urgency::Normal => 0,
            Urgency::Soon => 30,
            Urgency::Urgent => 60,
        }
    }
}

/// An open help request, as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    pub id: i64,
    pub place: Place,
    /// Languages the person speaks (any one in common with the volunteer is enough).
    pub languages: u64,
    /// Skills the task needs (the volunteer must have all of them).
    pub skills: u64,
    /// Screenings the task needs, e.g. a certificate of good conduct for work with minors (all).
    pub screening: u64,
    /// When help is possible (grid bits, see [`slot_bit`]); at least one cell in common needed.
    pub availability: u32,
    pub urgency: Urgency,
    /// Active supporters the person already has (informal and through Sterk).
    pub supporters: u32,
    /// Volunteers the person already knows (earlier or running matches): continuity.
    pub known_volunteers: Vec<i64>,
    /// Volunteers that must never be proposed for this request again.
    pub blocked_volunteers: Vec<i64>,
}

/// A volunteer, as the engine sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volunteer {
    pub id: i64,
    pub home: Place,
    pub area: Area,
    pub languages: u64,
    pub skills: u64,
    pub screening: u64,
    pub availability: u32,
    /// Running matches now.
    pub load: u32,
    /// How many requests at most at the same time (running + new); 0 = paused.
    pub capacity: u32,
}

impl Volunteer {
    /// Free places: capacity minus current load.
    pub fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.load)
    }
}
