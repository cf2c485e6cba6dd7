//! Batch screening of households for rights they probably miss
//! (*onderbescherming*), on top of the rules engine `sterk-rules`.
//!
//! [`screen`] reads `households.csv` (and optionally `persons.csv`), or the
//! same as Parquet, evaluates every household with the columnar evaluator
//! and writes one result row per household (CSV or Parquet). The column
//! formats are documented in `docs/screening.md`.
//!
//! # Streaming and memory
//!
//! The input is read in blocks of [`ScreenOptions::block_households`]
//! households (16,384 by default) with their person rows. A reader thread
//! cuts the files into blocks; worker threads parse, join, evaluate and
//! format a block each; the calling thread writes the blocks in input order.
//! At most a few blocks are in flight, so memory does not grow with the
//! input size.
//!
//! **Both files must be sorted by `household_id`** (ids of digits only
//! compare as numbers, other ids byte by byte; see [`cmp_id`]). Persons are
//! joined to households by a merge. A household row whose id is not greater
//! than the previous one, and a person row whose id is not a household at
//! that point, are reported as [`RowError`]s.
//!
//! # Bad rows
//!
//! A row that cannot be read (bad quoting, wrong number of fields, a value
//! that does not fit the input's type, a bad role) is reported with its file,
//! line number and field, and the rest goes on. A bad household row gives no
//! result row. A bad person row makes the person-derived inputs of its
//! household unknown (so the result asks for them instead of being wrong).
//!
//! # Synthetic populations
//!
//! [`synth::generate`] writes a synthetic Flemish population in this format.

#![warn(missing_docs)]

mod csv;
mod input;
mod output;
mod source;
pub mod synth;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use sterk_rules::{BatchEvaluator, HouseholdColumns, Model, Ty};
use time::Date;

pub use input::{DERIVED_INPUTS, cmp_id};
pub use output::output_columns;

use crate::csv::{Fields, RecordReader, nth_field};
use crate::input::{Agg, Layout, cmp_keyed, num_key, parse_person, split_header};
use crate::output::{CsvParts, Period, RowResult, Sink, status_index};
use crate::source::{ParquetSource, Source};

/// File format of an input or output file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line (RFC 4180 quoting).
    Csv,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// The format of `path` by its extension (`.parquet`/`.pq`, else CSV),
    /// unless `forced`.
    pub fn of(path: &Path, forced: Option<Format>) -> Format {
        forced.unwrap_or_else(|| match path.extension().and_then(|e| e.to_str()) {
            Some("parquet" | "pq") => Format::Parquet,
            _ => Format::Csv,
        })
    }
}

/// What to screen and how.
#[derive(Clone, Debug)]
pub struct ScreenOptions {
    /// households.csv (or .parquet).
    pub households: PathBuf,
    /// persons.csv (or .parquet); without it, households.csv carries all inputs.
    pub persons: Option<PathBuf>,
    /// Result file; `None` writes nothing (with `parse_only`, or to measure).
    pub out: Option<PathBuf>,
    /// Format for all files, overriding the extensions.
    pub format: Option<Format>,
    /// Reference date.
    pub date: Date,
    /// Worker threads (0: one per available core).
    pub threads: usize,
    /// Households per block.
    pub block_households: usize,
    /// Read, parse and join only; no evaluation, no output.
    pub parse_only: bool,
}

impl ScreenOptions {
    /// Options with defaults for the given files.
    pub fn new(
        households: PathBuf,
        persons: Option<PathBuf>,
        out: Option<PathBuf>,
        date: Date,
    ) -> Self {
        ScreenOptions {
            households,
            persons,
            out,
            format: None,
            date,
            threads: 0,
            block_households: 16_384,
            parse_only: false,
        }
    }
}

/// A row that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// `households` or `persons`.
    pub file: &'static str,
    /// Line number (1 = the header; for Parquet, the row number + 1).
    pub line: u64,
    /// The field concerned, when one is.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(fd) => write!(
                f,
                "{}:{}: field `{fd}`: {}",
                self.file, self.line, self.message
            ),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// A failure that stops the screening (not a bad row).
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    /// A file cannot be opened or created.
    #[error("{0}: {1}")]
    Open(String, std::io::Error),
    /// Reading or writing failed.
    #[error("I/O error: {0}")]
    Io(std::io::Error),
    /// A header is unusable.
    #[error("{0}")]
    Header(String),
    /// A Parquet or Arrow error.
    #[error("parquet: {0}")]
    Parquet(String),
}

/// Counts after a screening.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Household rows read.
    pub households_read: u64,
    /// Households evaluated and written.
    pub households_screened: u64,
    /// Person rows read.
    pub persons_read: u64,
    /// Rows reported as errors.
    pub errors: u64,
    /// Households with at least one right eligible or likely.
    pub households_with_non_take_up: u64,
    /// Header warnings (ignored columns).
    pub warnings: Vec<String>,
}

/// Progress after each block.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Households read so far.
    pub households: u64,
    /// Households-file bytes (CSV) or rows (Parquet) read so far.
    pub done: u64,
    /// Households-file size in bytes (CSV) or rows (Parquet).
    pub total: u64,
}

struct Recs {
    data: Vec<u8>,
    ends: Vec<u32>,
    lines: Vec<u64>,
}

impl Recs {
    fn new() -> Self {
        Recs {
            data: Vec::new(),
            ends: Vec::new(),
            lines: Vec::new(),
        }
    }
    fn push(&mut self, rec: &[u8], line: u64) {
        self.data.extend_from_slice(rec);
        self.ends.push(self.data.len() as u32);
        self.lines.push(line);
    }
    fn get(&self, i: usize) -> &[u8] {
        let s = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.data[s..self.ends[i] as usize]
    }
    fn len(&self) -> usize {
        self.ends.len()
    }
    fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
        self.lines.clear();
    }
}

/// Buffers handed back for reuse: the record buffers of a block (from the
/// workers to the reader) and the result bytes (from the writer to the
/// workers). Without them each block allocated fresh multi-megabyte vectors
/// that grew by doubling (a copy at each step) and were faulted in page by
/// page. At most the blocks in flight are pooled, so memory stays bounded.
#[derive(Default)]
struct Pools {
    /// Household records and person records apart (their sizes differ).
    recs: [Mutex<Vec<Recs>>; 2],
    bytes: Mutex<Vec<Vec<u8>>>,
}

/// Index into [`Pools::recs`].
const HH: usize = 0;
const PERSONS: usize = 1;

impl Pools {
    fn take_recs(&self, which: usize) -> Recs {
        self.recs
            .get(which)
            .and_then(|m| m.lock().ok().and_then(|mut v| v.pop()))
            .unwrap_or_else(Recs::new)
    }
    fn put_recs(&self, which: usize, mut r: Recs) {
        r.clear();
        if let Some(Ok(mut v)) = self.recs.get(which).map(|m| m.lock()) {
            v.push(r);
        }
    }
    fn take_bytes(&self) -> Vec<u8> {
        self.bytes
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default()
    }
    fn put_bytes(&self, mut b: Vec<u8>) {
        b.clear();
        if let Ok(mut v) = self.bytes.lock() {
            v.push(b);
        }
    }
}

struct Block {
    seq: u64,
    hh: Recs,
    persons: Recs,
    prev_max: Option<Vec<u8>>,
    prev_person: Option<Vec<u8>>,
    done: u64,
}

struct OutBlock {
    seq: u64,
    households: u64,
    persons: u64,
    screened: u64,
    non_take_up: u64,
    sink: Sink,
    errors: Vec<RowError>,
    done: u64,
}

/// An opened input: its records, its header and its size (bytes or rows).
type Opened = (Box<dyn Source>, Vec<String>, u64);

fn open_source(path: &Path, fmt: Format) -> Result<Opened, ScreenError> {
    match fmt {
        Format::Csv => {
            let f =
                File::open(path).map_err(|e| ScreenError::Open(path.display().to_string(), e))?;
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            let mut r = RecordReader::new(f);
            let header = match r.peek().map_err(ScreenError::Io)? {
                Some((h, _)) => split_header(h),
                None => {
                    return Err(ScreenError::Header(format!(
                        "{}: empty file (a header line is needed)",
                        path.display()
                    )));
                }
            };
            r.advance();
            Ok((Box::new(r), header, size))
        }
        Format::Parquet => {
            let (s, names) = ParquetSource::open(path)?;
            let rows = File::open(path)
                .ok()
                .and_then(|f| parquet::file::reader::SerializedFileReader::new(f).ok())
                .map(|r| {
                    use parquet::file::reader::FileReader;
                    r.metadata().file_metadata().num_rows() as u64
                })
                .unwrap_or(0);
            Ok((Box::new(s), names, rows))
        }
    }
}

/// The reader thread: cuts both files into blocks.
fn read_blocks(
    mut hh: Box<dyn Source>,
    mut persons: Option<Box<dyn Source>>,
    layout: &Layout,
    block: usize,
    tx: SyncSender<Block>,
    pools: &Pools,
    tokens: SyncSender<()>,
) -> Result<(), ScreenError> {
    let mut scratch = Fields::default();
    let mut max: Option<Vec<u8>> = None;
    // `num_key(max)`: ids of digits compare as numbers without `cmp_id`'s scans.
    let mut max_key: Option<u64> = None;
    let mut last_person: Option<Vec<u8>> = None;
    let p_id = layout.persons.as_ref().map_or(0, |p| p.id);
    for seq in 0.. {
        let prev_max = max.clone();
        let prev_person = last_person.clone();
        let mut b = pools.take_recs(HH);
        let mut hh_eof = false;
        while b.len() < block {
            match hh.peek()? {
                None => {
                    hh_eof = true;
                    break;
                }
                Some((rec, line)) => {
                    let id = nth_field(rec, layout.hh_id, &mut scratch);
                    let key = num_key(id);
                    if !id.is_empty()
                        && max
                            .as_deref()
                            .is_none_or(|m| cmp_keyed(id, key, m, max_key).is_gt())
                    {
                        // Reuses the buffer: no allocation per record.
                        set_buf(&mut max, id);
                        max_key = key;
                    }
                    b.push(rec, line);
                }
            }
            hh.advance();
        }
        let mut p = pools.take_recs(PERSONS);
        if let Some(ps) = persons.as_mut() {
            loop {
                match ps.peek()? {
                    None => break,
                    Some((rec, line)) => {
                        let id = nth_field(rec, p_id, &mut scratch);
                        if !hh_eof
                            && max
                                .as_deref()
                                .is_none_or(|m| cmp_keyed(id, num_key(id), m, max_key).is_gt())
                        {
                            break;
                        }
                        p.push(rec, line);
                    }
                }
                ps.advance();
            }
            // The id of the last person kept (read once per block, not
            // copied for every person row).
            if let Some(last) = p.len().checked_sub(1) {
                set_buf(&mut last_person, nth_field(p.get(last), p_id, &mut scratch));
            }
        }
        if b.len() == 0 && p.len() == 0 {
            pools.put_recs(HH, b);
            pools.put_recs(PERSONS, p);
            break;
        }
        // One token per block in flight (the writer takes it back once the
        // block is written): memory stays bounded even when a worker stalls
        // and later blocks wait in the reorder buffer.
        if tokens.send(()).is_err() {
            break;
        }
        let blk = Block {
            seq,
            hh: b,
            persons: p,
            prev_max,
            prev_person,
            done: hh.consumed(),
        };
        if tx.send(blk).is_err() || hh_eof {
            break;
        }
    }
    Ok(())
}

/// Sub-chunk size for the columnar evaluator.
const SUB: usize = 1024;

struct Worker<'m> {
    model: &'m Model,
    layout: &'m Layout,
    periods: Vec<Period>,
    parts: CsvParts,
    ev: BatchEvaluator<'m>,
    cols: HouseholdColumns,
    res_status: Vec<sterk_rules::Status>,
    ids: Vec<u8>,
    id_ends: Vec<u32>,
    status: Vec<u8>,
    amount: Vec<Option<i64>>,
    parse_only: bool,
}

impl<'m> Worker<'m> {
    fn flush(&mut self, sink: &mut Sink) -> u64 {
        let n = self.id_ends.len();
        if n == 0 {
            return 0;
        }
        let mut ntu = 0;
        // The columns were grown for a whole sub-chunk; keep the rows filled.
        self.cols.truncate(n);
        if !self.parse_only {
            self.ev
                .evaluate_compact(&self.cols, &mut self.res_status, &mut self.amount);
            let nr = self.model.rights.len();
            self.status.clear();
            self.status
                .extend(self.res_status.iter().map(|&s| status_index(s)));
            let mut s = 0;
            for i in 0..n {
                let e = self.id_ends[i] as usize;
                let rr = RowResult {
                    id: &self.ids[s..e],
                    status: &self.status[i * nr..(i + 1) * nr],
                    amount: &self.amount[i * nr..(i + 1) * nr],
                };
                if sink.push(self.model, &self.parts, &self.periods, &rr) {
                    ntu += 1;
                }
                s = e;
            }
        }
        self.ids.clear();
        self.id_ends.clear();
        ntu
    }

    fn process(&mut self, b: Block, mut sink: Sink, pools: &Pools) -> OutBlock {
        let l = self.layout;
        let mut errors = Vec::new();
        let mut hf = Fields::default();
        let mut pf = Fields::default();
        let mut max: Option<Vec<u8>> = b.prev_max.clone();
        let mut max_key = max.as_deref().and_then(num_key);
        let mut prev_p: Option<Vec<u8>> = b.prev_person.clone();
        let mut pi = 0;
        let np = b.persons.len();
        let ncols = l.hh_names.len();
        let (mut screened, mut ntu) = (0u64, 0u64);
        let pl = l.persons.as_ref();
        // `prev_p` is the id of this person row when set (copied only when
        // needed: for an orphan person row, which is rare).
        let mut prev_at: Option<usize> = None;
        let mut scratch = Fields::default();
        let settle =
            |prev_at: &mut Option<usize>, prev_p: &mut Option<Vec<u8>>, scratch: &mut Fields| {
                if let (Some(i), Some(pl)) = (prev_at.take(), pl) {
                    set_buf(prev_p, nth_field(b.persons.get(i), pl.id, scratch));
                }
            };
        // A person's id that is not the current household.
        let orphan = |errors: &mut Vec<RowError>, line: u64, pid: &[u8], prev: Option<&[u8]>| {
            let msg = if prev.is_some_and(|p| cmp_id(pid, p).is_lt()) {
                format!(
                    "household id `{}` is out of order (persons must be sorted by household_id)",
                    String::from_utf8_lossy(pid)
                )
            } else {
                format!(
                    "household id `{}` is not in the households file (or that household row was rejected or out of order)",
                    String::from_utf8_lossy(pid)
                )
            };
            errors.push(RowError {
                file: "persons",
                line,
                field: Some("household_id".into()),
                message: msg,
            });
        };
        for h in 0..b.hh.len() {
            let rec = b.hh.get(h);
            let line = b.hh.lines[h];
            if !hf.split(rec) {
                errors.push(RowError {
                    file: "households",
                    line,
                    field: None,
                    message: "malformed quoting".into(),
                });
                continue;
            }
            if hf.len() != ncols {
                errors.push(RowError {
                    file: "households",
                    line,
                    field: None,
                    message: format!("expected {ncols} fields, found {}", hf.len()),
                });
                continue;
            }
            let id = hf.get(rec, l.hh_id);
            if id.is_empty() {
                errors.push(RowError {
                    file: "households",
                    line,
                    field: Some("household_id".into()),
                    message: "empty household id".into(),
                });
                continue;
            }
            let hkey = num_key(id);
            if let Some(m) = max.as_deref()
                && !cmp_keyed(id, hkey, m, max_key).is_gt()
            {
                errors.push(RowError {
                    file: "households",
                    line,
                    field: Some("household_id".into()),
                    message: format!(
                        "household id `{}` is {} (the file must be sorted by household_id)",
                        String::from_utf8_lossy(id),
                        if cmp_id(id, m).is_eq() {
                            "a duplicate".to_string()
                        } else {
                            format!("out of order: after `{}`", String::from_utf8_lossy(m))
                        }
                    ),
                });
                continue;
            }
            set_buf(&mut max, id);
            max_key = hkey;
            // Join the person rows of this household.
            let mut agg = Agg::default();
            if let Some(pl) = pl {
                while pi < np {
                    let prec = b.persons.get(pi);
                    let pline = b.persons.lines[pi];
                    if !pf.split(prec) {
                        errors.push(RowError {
                            file: "persons",
                            line: pline,
                            field: None,
                            message: "malformed quoting".into(),
                        });
                        pi += 1;
                        continue;
                    }
                    let pid = pf.get(prec, pl.id);
                    match cmp_keyed(pid, num_key(pid), id, hkey) {
                        std::cmp::Ordering::Greater => break,
                        std::cmp::Ordering::Less => {
                            settle(&mut prev_at, &mut prev_p, &mut scratch);
                            orphan(&mut errors, pline, pid, prev_p.as_deref());
                            if prev_p.as_deref().is_none_or(|p| cmp_id(pid, p).is_ge()) {
                                set_buf(&mut prev_p, pid);
                            }
                        }
                        std::cmp::Ordering::Equal => {
                            prev_at = Some(pi);
                            if pf.len() != pl.ncols {
                                agg.bad = true;
                                errors.push(RowError {
                                    file: "persons",
                                    line: pline,
                                    field: None,
                                    message: format!(
                                        "expected {} fields, found {}",
                                        pl.ncols,
                                        pf.len()
                                    ),
                                });
                            } else {
                                match parse_person(&pf, prec, pl) {
                                    Ok(p) => {
                                        if let Err(m) = agg.add(&p, l.ref_year) {
                                            agg.bad = true;
                                            errors.push(RowError {
                                                file: "persons",
                                                line: pline,
                                                field: Some("role".into()),
                                                message: m,
                                            });
                                        }
                                    }
                                    Err((field, message)) => {
                                        agg.bad = true;
                                        errors.push(RowError {
                                            file: "persons",
                                            line: pline,
                                            field: Some(field.into()),
                                            message,
                                        });
                                    }
                                }
                            }
                        }
                    }
                    pi += 1;
                }
            }
            // Parse the household's cells straight into their columns (grown
            // once per sub-chunk, every cell unknown until set); a bad cell
            // makes the household's row unknown again.
            let rows = self.id_ends.len();
            if rows == 0 {
                self.cols.reset(SUB);
            }
            let mut bad = false;
            for p in &l.hh_cells {
                match p.parse(self.model, hf.get(rec, p.col)) {
                    Ok(v) => {
                        if v.is_some() {
                            self.cols.set(p.input, rows, v);
                        }
                    }
                    Err(message) => {
                        bad = true;
                        errors.push(RowError {
                            file: "households",
                            line,
                            field: l.hh_names.get(p.col).cloned(),
                            message,
                        });
                    }
                }
            }
            if bad {
                self.cols.clear_row(rows);
                continue;
            }
            if pl.is_some() {
                agg.set_into(&l.derived, &mut self.cols, rows);
            }
            // The inputs fed by neither file stay unknown.
            self.ids.extend_from_slice(id);
            self.id_ends.push(self.ids.len() as u32);
            screened += 1;
            if self.id_ends.len() == SUB {
                ntu += self.flush(&mut sink);
            }
        }
        while pi < np {
            let prec = b.persons.get(pi);
            let pline = b.persons.lines[pi];
            let pid = pl.map_or(&[][..], |pl| nth_field(prec, pl.id, &mut pf));
            settle(&mut prev_at, &mut prev_p, &mut scratch);
            orphan(&mut errors, pline, pid, prev_p.as_deref());
            pi += 1;
        }
        ntu += self.flush(&mut sink);
        let households = b.hh.len() as u64;
        pools.put_recs(HH, b.hh);
        pools.put_recs(PERSONS, b.persons);
        OutBlock {
            seq: b.seq,
            households,
            persons: np as u64,
            screened,
            non_take_up: ntu,
            sink,
            errors,
            done: b.done,
        }
    }
}

fn set_buf(b: &mut Option<Vec<u8>>, v: &[u8]) {
    match b {
        Some(x) => {
            x.clear();
            x.extend_from_slice(v);
        }
        None => *b = Some(v.to_vec()),
    }
}

enum Writer {
    Csv(BufWriter<File>),
    Parquet(Box<parquet::arrow::ArrowWriter<File>>),
    None,
}

/// Opens the files of `opts` and reads their headers only, as [`screen`] would: an
/// unusable file (missing, not Parquet, without `household_id`, a persons file without
/// `role`, …) is refused here, before any row is read. Returns the header warnings.
pub fn check_header(model: &Model, opts: &ScreenOptions) -> Result<Vec<String>, ScreenError> {
    let hfmt = Format::of(&opts.households, opts.format);
    let (_, hh_header, _) = open_source(&opts.households, hfmt)?;
    let p_header = match &opts.persons {
        Some(p) => Some(open_source(p, Format::of(p, opts.format))?.1),
        None => None,
    };
    let mut warnings = Vec::new();
    Layout::new(
        model,
        &hh_header,
        p_header.as_deref(),
        i64::from(opts.date.year()),
        &mut warnings,
    )?;
    Ok(warnings)
}

/// Screens the households in `opts`: see the crate documentation.
/// Each bad row is passed to `on_error` (in input order) and counted;
/// `progress` is called after each block.
pub fn screen(
    model: &Model,
    opts: &ScreenOptions,
    on_error: &mut dyn FnMut(&RowError),
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary, ScreenError> {
    let hfmt = Format::of(&opts.households, opts.format);
    let (hh, hh_header, total) = open_source(&opts.households, hfmt)?;
    let (persons, p_header) = match &opts.persons {
        Some(p) => {
            let (s, h, _) = open_source(p, Format::of(p, opts.format))?;
            (Some(s), Some(h))
        }
        None => (None, None),
    };
    let mut summary = Summary::default();
    let layout = Layout::new(
        model,
        &hh_header,
        p_header.as_deref(),
        i64::from(opts.date.year()),
        &mut summary.warnings,
    )?;
    let out_fmt = opts.out.as_ref().map(|o| Format::of(o, opts.format));
    let schema = output::schema(model);
    let mut writer = match (&opts.out, out_fmt) {
        (Some(p), Some(Format::Csv)) if !opts.parse_only => {
            let f = File::create(p).map_err(|e| ScreenError::Open(p.display().to_string(), e))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            w.write_all(output_columns(model).join(",").as_bytes())
                .and_then(|_| w.write_all(b"\n"))
                .map_err(ScreenError::Io)?;
            Writer::Csv(w)
        }
        (Some(p), Some(Format::Parquet)) if !opts.parse_only => {
            let f = File::create(p).map_err(|e| ScreenError::Open(p.display().to_string(), e))?;
            let props = parquet::file::properties::WriterProperties::builder()
                .set_compression(parquet::basic::Compression::SNAPPY)
                .build();
            Writer::Parquet(Box::new(
                parquet::arrow::ArrowWriter::try_new(f, schema.clone(), Some(props))
                    .map_err(|e| ScreenError::Parquet(e.to_string()))?,
            ))
        }
        _ => Writer::None,
    };
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.threads
    };
    let block = opts.block_households.max(1);
    let (tx_in, rx_in) = sync_channel::<Block>(threads);
    let rx_in: Arc<Mutex<Receiver<Block>>> = Arc::new(Mutex::new(rx_in));
    let (tx_out, rx_out) = sync_channel::<OutBlock>(threads);
    let layout_ref = &layout;
    let sink_kind = match writer {
        Writer::Csv(_) => 0,
        Writer::Parquet(_) => 1,
        Writer::None => 2,
    };
    let pools = Pools::default();
    let pools = &pools;
    // Blocks in flight at most: the input queue, one per worker, the output
    // queue and a few waiting for their turn in the reorder buffer.
    let (tok_tx, tok_rx) = sync_channel::<()>(3 * threads + 2);
    let result = std::thread::scope(|s| -> Result<(), ScreenError> {
        let reader =
            s.spawn(move || read_blocks(hh, persons, layout_ref, block, tx_in, pools, tok_tx));
        for _ in 0..threads {
            let rx = Arc::clone(&rx_in);
            let tx = tx_out.clone();
            s.spawn(move || {
                let mut w = Worker {
                    model,
                    layout: layout_ref,
                    periods: output::periods(model),
                    parts: CsvParts::new(model),
                    ev: model.batch_evaluator(opts.date),
                    cols: HouseholdColumns::new(model),
                    res_status: Vec::new(),
                    ids: Vec::new(),
                    id_ends: Vec::new(),
                    status: Vec::new(),
                    amount: Vec::new(),
                    parse_only: opts.parse_only,
                };
                loop {
                    let b = match rx.lock() {
                        Ok(g) => g.recv(),
                        Err(_) => return,
                    };
                    let Ok(b) = b else { return };
                    let sink = match sink_kind {
                        0 => Sink::Csv(pools.take_bytes()),
                        1 => Sink::arrow(model.rights.len()),
                        _ => Sink::None,
                    };
                    if tx.send(w.process(b, sink, pools)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx_out);
        let mut pending: BTreeMap<u64, OutBlock> = BTreeMap::new();
        let mut next = 0u64;
        let mut write_err = None;
        for ob in rx_out.iter() {
            pending.insert(ob.seq, ob);
            while let Some(mut ob) = pending.remove(&next) {
                next += 1;
                summary.households_read += ob.households;
                summary.persons_read += ob.persons;
                summary.households_screened += ob.screened;
                summary.households_with_non_take_up += ob.non_take_up;
                summary.errors += ob.errors.len() as u64;
                for e in &ob.errors {
                    on_error(e);
                }
                let r = match (&mut writer, &mut ob.sink) {
                    (Writer::Csv(w), Sink::Csv(bytes)) => {
                        w.write_all(bytes).map_err(ScreenError::Io)
                    }
                    (Writer::Parquet(w), Sink::Arrow(a)) => {
                        match Sink::finish_arrow(a, schema.clone()) {
                            Some(batch) => w
                                .write(&batch)
                                .map_err(|e| ScreenError::Parquet(e.to_string())),
                            None => Err(ScreenError::Parquet("cannot build a record batch".into())),
                        }
                    }
                    _ => Ok(()),
                };
                if let Sink::Csv(bytes) = std::mem::replace(&mut ob.sink, Sink::None) {
                    pools.put_bytes(bytes);
                }
                // The block is written: the reader may start another one.
                let _ = tok_rx.try_recv();
                if let Err(e) = r {
                    write_err = Some(e);
                    break;
                }
                progress(Progress {
                    households: summary.households_read,
                    done: ob.done,
                    total,
                });
            }
            if write_err.is_some() {
                break;
            }
        }
        drop(rx_out);
        // A reader waiting for a token stops once the tokens are gone.
        drop(tok_rx);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(ScreenError::Header("the reader thread panicked".into())));
        if let Some(e) = write_err {
            return Err(e);
        }
        read
    });
    result?;
    match writer {
        Writer::Csv(mut w) => w.flush().map_err(ScreenError::Io)?,
        Writer::Parquet(w) => {
            w.close().map_err(|e| ScreenError::Parquet(e.to_string()))?;
        }
        Writer::None => {}
    }
    Ok(summary)
}

/// Writes errors as CSV (`file,line,field,message`).
pub fn write_errors_csv(w: &mut dyn Write, errors: &[RowError]) -> std::io::Result<()> {
    for e in errors {
        write_error_csv(w, e)?;
    }
    Ok(())
}

/// The header line of an errors file.
pub const ERRORS_HEADER: &str = "file,line,field,message\n";

/// Writes one error as a CSV line.
pub fn write_error_csv(w: &mut dyn Write, e: &RowError) -> std::io::Result<()> {
    let mut line = Vec::new();
    line.extend_from_slice(e.file.as_bytes());
    line.push(b',');
    line.extend_from_slice(e.line.to_string().as_bytes());
    line.push(b',');
    csv::write_field(&mut line, e.field.as_deref().unwrap_or("").as_bytes());
    line.push(b',');
    csv::write_field(&mut line, e.message.as_bytes());
    line.push(b'\n');
    w.write_all(&line)
}

/// Converts a CSV file to Parquet (all columns as text; empty cells null).
/// Used for tests and demos of the Parquet input.
pub fn csv_to_parquet(csv_path: &Path, parquet_path: &Path) -> Result<u64, ScreenError> {
    use arrow_array::builder::StringBuilder;
    let (mut src, header, _) = open_source(csv_path, Format::Csv)?;
    let schema = Arc::new(arrow_schema::Schema::new(
        header
            .iter()
            .map(|h| arrow_schema::Field::new(h, arrow_schema::DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let f = File::create(parquet_path)
        .map_err(|e| ScreenError::Open(parquet_path.display().to_string(), e))?;
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .build();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, schema.clone(), Some(props))
        .map_err(|e| ScreenError::Parquet(e.to_string()))?;
    let mut fields = Fields::default();
    let mut n = 0u64;
    let mut builders: Vec<StringBuilder> = header.iter().map(|_| StringBuilder::new()).collect();
    let mut in_batch = 0;
    loop {
        let done = match src.peek()? {
            None => true,
            Some((rec, _)) => {
                fields.split(rec);
                for (i, b) in builders.iter_mut().enumerate() {
                    let v = fields.get(rec, i);
                    if v.is_empty() {
                        b.append_null();
                    } else {
                        b.append_value(String::from_utf8_lossy(v));
                    }
                }
                n += 1;
                in_batch += 1;
                false
            }
        };
        src.advance();
        if in_batch == 65_536 || (done && in_batch > 0) {
            let cols: Vec<arrow_array::ArrayRef> = builders
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as arrow_array::ArrayRef)
                .collect();
            let batch = arrow_array::RecordBatch::try_new(schema.clone(), cols)
                .map_err(|e| ScreenError::Parquet(e.to_string()))?;
            w.write(&batch)
                .map_err(|e| ScreenError::Parquet(e.to_string()))?;
            in_batch = 0;
        }
        if done {
            break;
        }
    }
    w.close().map_err(|e| ScreenError::Parquet(e.to_string()))?;
    Ok(n)
}

/// The type of each model input (for documentation and the synthesiser).
pub fn input_types(model: &Model) -> Vec<(&str, Ty)> {
    model
        .inputs
        .iter()
        .map(|d| (d.name.as_str(), d.ty))
        .collect()
}
