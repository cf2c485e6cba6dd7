//! Input layouts (which column feeds which model input), cell parsing and
//! the aggregation of person rows into household inputs.

use std::cmp::Ordering;

use sterk_rules::{HouseholdColumns, Model, Ty};

use crate::ScreenError;

/// Where a households.csv column goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    Id,
    Input(usize, Ty),
    Ignore,
}

/// The inputs computed from persons.csv (indices into the model's inputs).
#[derive(Clone, Debug, Default)]
pub(crate) struct Derived {
    pub applicant_age: Option<usize>,
    pub partner: Option<usize>,
    pub dependent_children: Option<usize>,
    pub other_adults: Option<usize>,
    pub children_in_school: Option<usize>,
    pub higher_education_student: Option<usize>,
    pub post2019_child: Option<usize>,
}

/// The names of the person-derived inputs.
pub const DERIVED_INPUTS: [&str; 7] = [
    "applicant_age",
    "partner",
    "dependent_children",
    "other_adults",
    "children_in_school",
    "higher_education_student",
    "post2019_child",
];

impl Derived {
    /// The input index of each derived input, in [`DERIVED_INPUTS`] order.
    pub(crate) fn indices(&self) -> [Option<usize>; 7] {
        [
            self.applicant_age,
            self.partner,
            self.dependent_children,
            self.other_adults,
            self.children_in_school,
            self.higher_education_student,
            self.post2019_child,
        ]
    }

    fn new(model: &Model) -> Self {
        let f = |n: &str| model.input(n).map(|(i, _)| i);
        Derived {
            applicant_age: f("applicant_age"),
            partner: f("partner"),
            dependent_children: f("dependent_children"),
            other_adults: f("other_adults"),
            children_in_school: f("children_in_school"),
            higher_education_student: f("higher_education_student"),
            post2019_child: f("post2019_child"),
        }
    }
}

/// The column layout of both files.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    pub hh_names: Vec<String>,
    /// The columns that feed model inputs, with their parsers, in column order.
    pub hh_cells: Vec<CellPlan>,
    pub hh_id: usize,
    pub persons: Option<PersonLayout>,
    pub derived: Derived,
    /// Reference year (for post2019_child from ages).
    pub ref_year: i64,
}

/// persons.csv columns.
#[derive(Clone, Debug)]
pub(crate) struct PersonLayout {
    pub ncols: usize,
    pub id: usize,
    pub role: usize,
    pub age: Option<usize>,
    pub education: Option<usize>,
}

pub(crate) fn split_header(h: &[u8]) -> Vec<String> {
    let mut f = crate::csv::Fields::default();
    f.split(h);
    (0..f.len())
        .map(|i| {
            String::from_utf8_lossy(f.get(h, i))
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect()
}

impl Layout {
    pub(crate) fn new(
        model: &Model,
        hh_header: &[String],
        p_header: Option<&[String]>,
        ref_year: i64,
        warnings: &mut Vec<String>,
    ) -> Result<Layout, ScreenError> {
        let derived = Derived::new(model);
        let mut hh_id = None;
        let mut targets = Vec::with_capacity(hh_header.len());
        let mut seen = std::collections::HashSet::new();
        for name in hh_header {
            if !seen.insert(name.as_str()) {
                return Err(ScreenError::Header(format!(
                    "households: column `{name}` appears twice"
                )));
            }
            if name == "household_id" {
                hh_id = Some(targets.len());
                targets.push(Target::Id);
            } else if let Some((i, def)) = model.input(name) {
                if p_header.is_some() && DERIVED_INPUTS.contains(&name.as_str()) {
                    return Err(ScreenError::Header(format!(
                        "households: column `{name}` is computed from the persons file; remove it, or screen without --persons"
                    )));
                }
                targets.push(Target::Input(i, def.ty));
            } else {
                warnings.push(format!(
                    "households: column `{name}` is not a model input and is ignored"
                ));
                targets.push(Target::Ignore);
            }
        }
        let hh_id = hh_id.ok_or_else(|| {
            ScreenError::Header("households: the column `household_id` is missing".into())
        })?;
        let persons = match p_header {
            None => None,
            Some(h) => {
                let pos = |n: &str| h.iter().position(|c| c == n);
                for c in h {
                    if !matches!(
                        c.as_str(),
                        "household_id" | "role" | "age" | "education" | "person_id"
                    ) {
                        warnings.push(format!("persons: column `{c}` is ignored"));
                    }
                }
                Some(PersonLayout {
                    ncols: h.len(),
                    id: pos("household_id").ok_or_else(|| {
                        ScreenError::Header("persons: the column `household_id` is missing".into())
                    })?,
                    role: pos("role").ok_or_else(|| {
                        ScreenError::Header("persons: the column `role` is missing".into())
                    })?,
                    age: pos("age"),
                    education: pos("education"),
                })
            }
        };
        let hh_cells = targets
            .iter()
            .enumerate()
            .filter_map(|(col, t)| match *t {
                Target::Input(input, ty) => Some(CellPlan {
                    col,
                    input,
                    kind: CellKind::new(model, input, ty),
                }),
                _ => None,
            })
            .collect();
        Ok(Layout {
            hh_names: hh_header.to_vec(),
            hh_cells,
            hh_id,
            persons,
            derived,
            ref_year,
        })
    }
}

/// How a households column is parsed into a model input.
#[derive(Clone, Debug)]
pub(crate) struct CellPlan {
    /// Column in households.csv.
    pub col: usize,
    /// Model input.
    pub input: usize,
    pub kind: CellKind,
}

/// The fast parser of a cell, chosen once per column (the engine's own
/// [`Model::parse_text`] is the fallback, for its results and messages).
#[derive(Clone, Debug)]
pub(crate) enum CellKind {
    Int,
    Bool,
    Date,
    Choice(Vec<Box<[u8]>>),
    Other,
}

impl CellKind {
    fn new(model: &Model, input: usize, ty: Ty) -> Self {
        match ty {
            Ty::Int | Ty::Money => CellKind::Int,
            Ty::Bool => CellKind::Bool,
            Ty::Date => CellKind::Date,
            Ty::Choice(_) => CellKind::Choice(
                model
                    .inputs
                    .get(input)
                    .map(|d| d.choices.iter().map(|c| c.as_bytes().into()).collect())
                    .unwrap_or_default(),
            ),
            _ => CellKind::Other,
        }
    }
}

impl CellPlan {
    /// Parses one cell: the fast path for the canonical forms, else the
    /// engine's own [`Model::parse_text`] (same results, and its message).
    #[inline]
    pub(crate) fn parse(&self, model: &Model, s: &[u8]) -> Result<Option<i64>, String> {
        if s.is_empty() {
            return Ok(None);
        }
        let fast = match &self.kind {
            CellKind::Bool => match s {
                b"false" => Some(0),
                b"true" => Some(1),
                b"0" | b"no" => Some(0),
                b"1" | b"yes" => Some(1),
                _ => None,
            },
            CellKind::Int => parse_int(s),
            CellKind::Choice(c) => c.iter().position(|x| **x == *s).map(|p| p as i64),
            CellKind::Date => parse_date(s),
            CellKind::Other => None,
        };
        match fast {
            Some(v) => Ok(Some(v)),
            None => parse_slow(model, self.input, s),
        }
    }
}

#[inline]
fn parse_date(s: &[u8]) -> Option<i64> {
    if s.len() == 10 && s[4] == b'-' && s[7] == b'-' {
        match (
            parse_int(&s[0..4]),
            parse_int(&s[5..7]),
            parse_int(&s[8..10]),
        ) {
            (Some(y), Some(m), Some(d)) if s[0] != b'-' && s[5] != b'-' && s[8] != b'-' => {
                julian(y as i32, m as u8, d as u8)
            }
            _ => None,
        }
    } else {
        None
    }
}

#[cold]
fn parse_slow(model: &Model, i: usize, s: &[u8]) -> Result<Option<i64>, String> {
    match std::str::from_utf8(s) {
        Ok(t) => model.parse_text(i, t),
        Err(_) => Err("not valid UTF-8".into()),
    }
}

/// A fast key for the common case: an id of at most 18 digits without a
/// leading zero compares like its number.
#[inline]
pub(crate) fn num_key(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 18 || (s[0] == b'0' && s.len() > 1) {
        return None;
    }
    let mut v = 0u64;
    for &c in s {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// [`cmp_id`] with precomputed [`num_key`]s.
#[inline]
pub(crate) fn cmp_keyed(a: &[u8], ka: Option<u64>, b: &[u8], kb: Option<u64>) -> Ordering {
    match (ka, kb) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => cmp_id(a, b),
    }
}

/// Household id order: ids made of digits only compare as numbers, other
/// ids byte by byte.
pub fn cmp_id(a: &[u8], b: &[u8]) -> Ordering {
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if digits(a) && digits(b) {
        let strip = |s: &[u8]| -> usize { s.iter().take_while(|&&c| c == b'0').count() };
        let (ta, tb) = (&a[strip(a)..], &b[strip(b)..]);
        ta.len()
            .cmp(&tb.len())
            .then_with(|| ta.cmp(tb))
            .then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

#[inline]
fn parse_int(s: &[u8]) -> Option<i64> {
    let (neg, d) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if d.is_empty() || d.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in d {
        let x = c.wrapping_sub(b'0');
        if x > 9 {
            return None;
        }
        v = v * 10 + i64::from(x);
    }
    Some(if neg { -v } else { v })
}

fn julian(y: i32, m: u8, d: u8) -> Option<i64> {
    let month = time::Month::try_from(m).ok()?;
    time::Date::from_calendar_date(y, month, d)
        .ok()
        .map(|d| i64::from(d.to_julian_day()))
}

/// Person roles.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    Applicant,
    Partner,
    Child,
    Other,
}

/// Aggregated person facts of one household.
#[derive(Clone, Debug, Default)]
pub(crate) struct Agg {
    pub rows: u32,
    pub bad: bool,
    pub applicant: u32,
    pub applicant_age: Option<i64>,
    pub partner: u32,
    pub children: i64,
    pub others: i64,
    pub school: i64,
    pub edu_unknown: bool,
    pub higher: bool,
    /// post2019_child: some child certainly born after 2018 / some child undecidable.
    pub young: bool,
    pub child_unknown: bool,
}

/// One parsed person row.
pub(crate) struct Person {
    pub role: Role,
    pub age: Option<i64>,
    /// None unknown, Some(0) none, 1 school, 2 higher.
    pub education: Option<u8>,
}

pub(crate) fn parse_person(
    f: &crate::csv::Fields,
    rec: &[u8],
    l: &PersonLayout,
) -> Result<Person, (&'static str, String)> {
    let role = match f.get(rec, l.role) {
        b"applicant" => Role::Applicant,
        b"partner" => Role::Partner,
        b"child" => Role::Child,
        b"other" => Role::Other,
        x => {
            return Err((
                "role",
                format!(
                    "expected applicant, partner, child or other, found `{}`",
                    String::from_utf8_lossy(x)
                ),
            ));
        }
    };
    let age = match l.age.map(|c| f.get(rec, c)) {
        None | Some(b"") => None,
        Some(s) => match parse_int(s) {
            Some(a) if (0..=130).contains(&a) => Some(a),
            _ => {
                return Err((
                    "age",
                    format!(
                        "expected a whole number of years (0-130), found `{}`",
                        String::from_utf8_lossy(s)
                    ),
                ));
            }
        },
    };
    let education = match l.education.map(|c| f.get(rec, c)) {
        None | Some(b"") => None,
        Some(b"none") => Some(0),
        Some(b"school") => Some(1),
        Some(b"higher") => Some(2),
        Some(s) => {
            return Err((
                "education",
                format!(
                    "expected none, school or higher, found `{}`",
                    String::from_utf8_lossy(s)
                ),
            ));
        }
    };
    Ok(Person {
        role,
        age,
        education,
    })
}

impl Agg {
    pub(crate) fn add(&mut self, p: &Person, ref_year: i64) -> Result<(), String> {
        self.rows += 1;
        match p.role {
            Role::Applicant => {
                self.applicant += 1;
                if self.applicant > 1 {
                    return Err("a second applicant in the same household".into());
                }
                self.applicant_age = p.age;
            }
            Role::Partner => {
                self.partner += 1;
                if self.partner > 1 {
                    return Err("a second partner in the same household".into());
                }
            }
            Role::Child => {
                self.children += 1;
                // Born after 2018 for sure when age <= ref_year - 2020; for
                // sure not when age >= ref_year - 2018; undecidable between.
                match p.age {
                    Some(a) if a <= ref_year - 2020 => self.young = true,
                    Some(a) if a >= ref_year - 2018 => {}
                    _ => self.child_unknown = true,
                }
            }
            Role::Other => self.others += 1,
        }
        match p.education {
            None => self.edu_unknown = true,
            Some(1) => self.school += 1,
            Some(2) => self.higher = true,
            Some(_) => {}
        }
        Ok(())
    }

    /// The value of each derived input, in [`Derived::indices`] order.
    fn values(&self) -> [Option<i64>; 7] {
        if self.bad || self.rows == 0 {
            return [None; 7];
        }
        [
            if self.applicant == 1 {
                self.applicant_age
            } else {
                None
            },
            Some(i64::from(self.partner > 0)),
            Some(self.children),
            Some(self.others),
            if self.edu_unknown {
                None
            } else {
                Some(self.school)
            },
            if self.higher {
                Some(1)
            } else if self.edu_unknown {
                None
            } else {
                Some(0)
            },
            if self.young {
                Some(1)
            } else if self.child_unknown {
                None
            } else {
                Some(0)
            },
        ]
    }

    /// Sets the derived inputs of household `row` (whose cells are unknown
    /// until set) in their columns (one column per model input).
    pub(crate) fn set_into(&self, d: &Derived, columns: &mut HouseholdColumns, row: usize) {
        for (i, v) in d.indices().into_iter().zip(self.values()) {
            if let (Some(i), Some(_)) = (i, v) {
                columns.set(i, row, v);
            }
        }
    }
}
