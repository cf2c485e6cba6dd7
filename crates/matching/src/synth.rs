//! A deterministic generator of realistic instances (for benchmarks, property tests and the
//! SciPy check): Flemish-like geography (provinces, arrondissements, municipalities, postal
//! codes), languages, skills, screenings, availability grids, areas, loads and supporters.

use crate::model::{AVAILABILITY_BITS, Area, Place, Request, Urgency, Volunteer};

/// A small deterministic PRNG (xorshift64*), so instances are reproducible without dependencies.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (`n > 0`; 0 when `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    /// True with probability `pct` percent.
    pub fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

/// Sizes of a generated instance.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub requests: usize,
    pub volunteers: usize,
    pub provinces: u32,
    pub arrondissements_per_province: u32,
    pub municipalities_per_arrondissement: u32,
}

impl Shape {
    /// Flanders-like: 5 provinces × 4 arrondissements × 15 municipalities = 300 municipalities.
    pub fn flanders(requests: usize, volunteers: usize) -> Shape {
        Shape {
            requests,
            volunteers,
            provinces: 5,
            arrondissements_per_province: 4,
            municipalities_per_arrondissement: 15,
        }
    }
}

fn place(rng: &mut Rng, s: &Shape) -> Place {
    let p = 1 + rng.below(u64::from(s.provinces)) as u32;
    let a = 10 * p + 1 + rng.below(u64::from(s.arrondissements_per_province)) as u32;
    let m = 1 + rng.below(u64::from(s.municipalities_per_arrondissement)) as u32;
    let refnis = a * 1000 + m;
    let postcode = (1000 + (refnis % 9000) + rng.below(2) as u32) as u16;
    Place {
        postcode,
        refnis,
        province: p * 10000,
    }
}

/// Language bits used by the generator: 0 nl, 1 fr, 2 en, 3 tr, 4 ar, 5 pl, 6 ru, 7 ro.
fn languages(rng: &mut Rng, volunteer: bool) -> u64 {
    let mut l = 0u64;
    if rng.pct(if volunteer { 92 } else { 78 }) {
        l |= 1;
    }
    for (bit, p) in [(1, 25), (2, 40), (3, 6), (4, 6), (5, 3), (6, 3), (7, 3)] {
        let p = if volunteer { p } else { p / 2 };
        if rng.pct(p) {
            l |= 1 << bit;
        }
    }
    if l == 0 { 1 } else { l }
}

fn grid(rng: &mut Rng, cells: u32) -> u32 {
    let mut g = 0u32;
    for _ in 0..cells {
        g |= 1 << rng.below(u64::from(AVAILABILITY_BITS));
    }
    g
}

/// Nine kinds of help = nine skills (bits 0..9); bit 7 is child care, which needs screening bit 0
/// (certificate of good conduct, model 2).
pub const KINDS: u32 = 9;
const CHILD_CARE: u32 = 7;

/// Generate an instance.
pub fn instance(seed: u64, s: &Shape) -> (Vec<Request>, Vec<Volunteer>) {
    let mut rng = Rng::new(seed);
    let mut volunteers = Vec::with_capacity(s.volunteers);
    for i in 0..s.volunteers {
        let home = place(&mut rng, s);
        let area = if rng.pct(30) {
            let mut list = vec![home.refnis];
            for _ in 0..rng.below(3) {
                let other = home.arrondissement() * 1000
                    + 1
                    + rng.below(u64::from(s.municipalities_per_arrondissement)) as u32;
                list.push(other);
            }
            Area::Municipalities(list)
        } else {
            let km = [3u16, 5, 10, 15, 20, 35][rng.below(6) as usize];
            Area::Radius { km }
        };
        let mut skills = 0u64;
        for _ in 0..2 + rng.below(4) {
            skills |= 1 << rng.below(u64::from(KINDS));
        }
        let screening = u64::from(rng.pct(20));
        let capacity = 1 + rng.below(3) as u32;
        let load = rng.below(u64::from(capacity) + 1) as u32;
        volunteers.push(Volunteer {
            id: i as i64 + 1,
            home,
            area,
            languages: languages(&mut rng, true),
            skills,
            screening,
            availability: grid(&mut rng, 8),
            load: if rng.pct(60) { 0 } else { load },
            capacity: if rng.pct(5) { 0 } else { capacity },
        });
    }
    let mut requests = Vec::with_capacity(s.requests);
    for i in 0..s.requests {
        let kind = rng.below(u64::from(KINDS)) as u32;
        let known = if rng.pct(10) && !volunteers.is_empty() {
            vec![1 + rng.below(volunteers.len() as u64) as i64]
        } else {
            vec![]
        };
        let blocked = if rng.pct(5) && !volunteers.is_empty() {
            vec![1 + rng.below(volunteers.len() as u64) as i64]
        } else {
            vec![]
        };
        requests.push(Request {
            id: i as i64 + 1,
            place: place(&mut rng, s),
            languages: languages(&mut rng, false),
            skills: 1 << kind,
            screening: u64::from(kind == CHILD_CARE),
            availability: grid(&mut rng, 9),
            urgency: [
                Urgency::Normal,
                Urgency::Normal,
                Urgency::Soon,
                Urgency::Urgent,
            ][rng.below(4) as usize],
            supporters: rng.below(7) as u32,
            known_volunteers: known,
            blocked_volunteers: blocked,
        });
    }
    (requests, volunteers)
}
