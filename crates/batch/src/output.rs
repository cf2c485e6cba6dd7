//! Result rows: CSV bytes or Arrow record batches.

use std::sync::Arc;

use arrow_array::builder::{Int32Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use sterk_rules::{Model, Status};

/// The result columns, in order.
pub fn output_columns(model: &Model) -> Vec<String> {
    let mut v = vec!["household_id".to_string()];
    for r in &model.rights {
        v.push(format!("{}_status", r.id));
        v.push(format!("{}_amount", r.id));
    }
    for c in [
        "non_take_up",
        "rights_missed",
        "missed_monthly_cents",
        "missed_yearly_cents",
    ] {
        v.push(c.to_string());
    }
    v
}

pub(crate) fn schema(model: &Model) -> SchemaRef {
    let mut f = vec![Field::new("household_id", DataType::Utf8, false)];
    for r in &model.rights {
        f.push(Field::new(
            format!("{}_status", r.id),
            DataType::Utf8,
            false,
        ));
        f.push(Field::new(
            format!("{}_amount", r.id),
            DataType::Int64,
            true,
        ));
    }
    f.push(Field::new("non_take_up", DataType::Utf8, false));
    f.push(Field::new("rights_missed", DataType::Int32, false));
    f.push(Field::new("missed_monthly_cents", DataType::Int64, false));
    f.push(Field::new("missed_yearly_cents", DataType::Int64, false));
    Arc::new(Schema::new(f))
}

/// Amount period of each right, for the missed totals.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Period {
    Month,
    Year,
    Other,
}

pub(crate) fn periods(model: &Model) -> Vec<Period> {
    model
        .rights
        .iter()
        .map(|r| match r.amount_period.as_deref() {
            Some("month") => Period::Month,
            Some("year") => Period::Year,
            _ => Period::Other,
        })
        .collect()
}

/// Status codes as bytes (index = `status as u8` in the compact form).
pub(crate) const STATUS_CODES: [&[u8]; 5] = [
    b"eligible",
    b"likely",
    b"not_eligible",
    b"needs_info",
    b"already_receives",
];

pub(crate) fn status_index(s: Status) -> u8 {
    match s {
        Status::Eligible => 0,
        Status::Likely => 1,
        Status::NotEligible => 2,
        Status::NeedsInfo => 3,
        Status::AlreadyReceives => 4,
    }
}

/// A short byte string kept in a fixed-size array, so that appending it is
/// one fixed-size copy (no `memcpy` call for a few bytes).
#[derive(Clone)]
pub(crate) enum Piece {
    Short([u8; 48], usize),
    Long(Vec<u8>),
}

impl Piece {
    fn new(b: &[u8]) -> Piece {
        let mut a = [0u8; 48];
        match a.get_mut(..b.len()) {
            Some(dst) => {
                dst.copy_from_slice(b);
                Piece::Short(a, b.len())
            }
            None => Piece::Long(b.to_vec()),
        }
    }

    /// Appends the piece.
    #[inline(always)]
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Piece::Short(a, n) => {
                let at = out.len();
                out.extend_from_slice(a);
                out.truncate(at + n);
            }
            Piece::Long(v) => out.extend_from_slice(v),
        }
    }
}

/// The fixed parts of a CSV result row.
pub(crate) struct CsvParts {
    /// `,status,` by status index.
    status: Vec<Piece>,
    /// `right_id` (the first in the non-take-up list) and `;right_id`, by right.
    right: Vec<[Piece; 2]>,
}

impl CsvParts {
    pub(crate) fn new(model: &Model) -> Self {
        CsvParts {
            status: STATUS_CODES
                .iter()
                .map(|c| Piece::new(&[b",", *c, b","].concat()))
                .collect(),
            right: model
                .rights
                .iter()
                .map(|r| {
                    [
                        Piece::new(r.id.as_bytes()),
                        Piece::new(&[b";", r.id.as_bytes()].concat()),
                    ]
                })
                .collect(),
        }
    }
}

/// Appends `v` in decimal (as `itoa` would), without a `memcpy` call.
#[inline]
fn put_int(out: &mut Vec<u8>, v: i64) {
    let mut u = v.unsigned_abs();
    let digits = u.checked_ilog10().map_or(1, |l| l as usize + 1);
    let neg = usize::from(v < 0);
    let n = digits + neg;
    let mut a = [b'-'; 24];
    let mut k = n;
    while k > neg {
        k -= 1;
        if let Some(d) = a.get_mut(k) {
            *d = b'0' + (u % 10) as u8;
        }
        u /= 10;
    }
    let at = out.len();
    out.extend_from_slice(&a);
    out.truncate(at + n);
}

/// One household's results, as the sink sees them.
pub(crate) struct RowResult<'a> {
    pub id: &'a [u8],
    /// Status index per right.
    pub status: &'a [u8],
    /// Amount per right (`None` when not computable or not applicable).
    pub amount: &'a [Option<i64>],
}

/// Accumulates result rows in one output format.
pub(crate) enum Sink {
    Csv(Vec<u8>),
    Arrow(Box<ArrowSink>),
    None,
}

pub(crate) struct ArrowSink {
    id: StringBuilder,
    status: Vec<StringBuilder>,
    amount: Vec<Int64Builder>,
    ntu: StringBuilder,
    missed: Int32Builder,
    monthly: Int64Builder,
    yearly: Int64Builder,
}

impl Sink {
    pub(crate) fn arrow(n_rights: usize) -> Self {
        Sink::Arrow(Box::new(ArrowSink {
            id: StringBuilder::new(),
            status: (0..n_rights).map(|_| StringBuilder::new()).collect(),
            amount: (0..n_rights).map(|_| Int64Builder::new()).collect(),
            ntu: StringBuilder::new(),
            missed: Int32Builder::new(),
            monthly: Int64Builder::new(),
            yearly: Int64Builder::new(),
        }))
    }

    /// Appends one row; returns true when some right is missed (non take-up).
    #[inline]
    pub(crate) fn push(
        &mut self,
        model: &Model,
        parts: &CsvParts,
        periods: &[Period],
        r: &RowResult<'_>,
    ) -> bool {
        let (mut missed, mut monthly, mut yearly) = (0i32, 0i64, 0i64);
        for (ri, (&s, a)) in r.status.iter().zip(r.amount).enumerate() {
            if s <= 1 {
                missed += 1;
                match (periods.get(ri), a) {
                    (Some(Period::Month), Some(x)) => monthly += x,
                    (Some(Period::Year), Some(x)) => yearly += x,
                    _ => {}
                }
            }
        }
        match self {
            Sink::Csv(out) => {
                crate::csv::write_field(out, r.id);
                for (&s, a) in r.status.iter().zip(r.amount) {
                    match parts.status.get(usize::from(s)) {
                        Some(p) => p.put(out),
                        None => out.extend_from_slice(b",,"),
                    }
                    if let Some(x) = a {
                        put_int(out, *x);
                    }
                }
                out.push(b',');
                let mut first = true;
                for (ri, &s) in r.status.iter().enumerate() {
                    if s <= 1 {
                        if let Some([a, b]) = parts.right.get(ri) {
                            if first { a } else { b }.put(out);
                        }
                        first = false;
                    }
                }
                out.push(b',');
                put_int(out, i64::from(missed));
                out.push(b',');
                put_int(out, monthly);
                out.push(b',');
                put_int(out, yearly);
                out.push(b'\n');
            }
            Sink::Arrow(a) => {
                a.id.append_value(String::from_utf8_lossy(r.id));
                for (ri, (&s, amt)) in r.status.iter().zip(r.amount).enumerate() {
                    if let Some(b) = a.status.get_mut(ri) {
                        b.append_value(
                            std::str::from_utf8(STATUS_CODES[usize::from(s.min(4))]).unwrap_or(""),
                        );
                    }
                    if let Some(b) = a.amount.get_mut(ri) {
                        b.append_option(*amt);
                    }
                }
                let ids: Vec<&str> = r
                    .status
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| **s <= 1)
                    .filter_map(|(ri, _)| model.rights.get(ri).map(|r| r.id.as_str()))
                    .collect();
                a.ntu.append_value(ids.join(";"));
                a.missed.append_value(missed);
                a.monthly.append_value(monthly);
                a.yearly.append_value(yearly);
            }
            Sink::None => {}
        }
        missed > 0
    }

    pub(crate) fn finish_arrow(a: &mut ArrowSink, schema: SchemaRef) -> Option<RecordBatch> {
        let mut cols: Vec<ArrayRef> = vec![Arc::new(a.id.finish())];
        for (s, m) in a.status.iter_mut().zip(a.amount.iter_mut()) {
            cols.push(Arc::new(s.finish()));
            cols.push(Arc::new(m.finish()));
        }
        cols.push(Arc::new(a.ntu.finish()));
        cols.push(Arc::new(a.missed.finish()));
        cols.push(Arc::new(a.monthly.finish()));
        cols.push(Arc::new(a.yearly.finish()));
        RecordBatch::try_new(schema, cols).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_int_writes_like_itoa() {
        let mut out = b"x".to_vec();
        let mut want = b"x".to_vec();
        let mut ib = itoa::Buffer::new();
        let mut vals = vec![0, 1, -1, 9, 10, -10, 99, 100, 418_513, i64::MAX, i64::MIN];
        vals.extend((0..19).map(|p| 10i64.pow(p)));
        vals.extend((0..19).map(|p| 10i64.pow(p) - 1));
        vals.extend((0..19).map(|p| -(10i64.pow(p))));
        for v in vals {
            put_int(&mut out, v);
            out.push(b',');
            want.extend_from_slice(ib.format(v).as_bytes());
            want.push(b',');
        }
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&want)
        );
    }

    #[test]
    fn pieces_short_and_long() {
        let mut out = Vec::new();
        Piece::new(b",likely,").put(&mut out);
        let long = vec![b'a'; 100];
        Piece::new(&long).put(&mut out);
        Piece::new(b"").put(&mut out);
        let mut want = b",likely,".to_vec();
        want.extend_from_slice(&long);
        assert_eq!(out, want);
    }
}
