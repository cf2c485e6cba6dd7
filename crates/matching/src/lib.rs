//! The matching engine of the solidarity module (issue 6, *verbindend werken*).
//!
//! Pure code: no IO, no SQL, no HTTP, no dependencies. The caller (store/web) turns stored help
//! requests and volunteers into [`Request`]s and [`Volunteer`]s with codes mapped to bit masks,
//! and gets back:
//!
//! - [`shortlist`]: for one request, the volunteers that pass every hard filter, ranked by a score
//!   whose parts are kept as reasons ([`Score`]), plus how many volunteers each filter excluded;
//! - [`batch`]: an **exact** optimal assignment of all open requests at once (not greedy): a
//!   min-cost flow solved by successive shortest paths with node potentials on the sparse graph of
//!   pairs that pass the hard filters, every request having an "unassigned" option, volunteers
//!   having a capacity with a rising load penalty per extra request. The objective is
//!   lexicographic: first serve as many requests of people with **no** active supporter as
//!   possible, then with one, two, three, four or more; only then the total score.
//!
//! Distance: the Belgian reference data in Sterk has municipalities (REFNIS), postal codes,
//! arrondissements (the first two digits of the REFNIS code) and provinces, but no coordinates.
//! Distance is therefore *estimated* from administrative proximity ([`distance_km`]); a radius
//! given by a volunteer is compared with that estimate.

mod batch;
mod model;
mod score;
mod shortlist;
pub mod solver;
pub mod synth;

pub use batch::{
    Batch, BatchPair, LEVELS, Level, batch, batch_graph, candidate_graph, level_of, level_weights,
};
pub use model::{
    AVAILABILITY_BITS, Area, DAYS, PARTS, Place, Request, Urgency, Volunteer, slot_bit,
};
pub use score::{
    CONTINUITY_POINTS, Filter, LOAD_STEP, MAX_SCARCE_POINTS, SCORE_BOUND, Scarcity, Score,
    check_filters, covers, distance_km, load_penalty, score_pair,
};
pub use shortlist::{Candidate, Shortlist, shortlist};
