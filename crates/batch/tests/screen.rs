#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Screening tests: results equal the one-household evaluator, bad rows are
//! reported with line numbers, Parquet round trip, out-of-order ids.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use sterk_batch::{Format, RowError, ScreenOptions, Summary, screen, synth};
use sterk_rules::{Household, Model, Ty};
use time::macros::date;

const D: time::Date = date!(2025 - 03 - 01);

fn model() -> Model {
    Model::builtin().0.unwrap()
}

fn run(m: &Model, opts: &ScreenOptions) -> (Summary, Vec<RowError>) {
    let mut errs = Vec::new();
    let s = screen(m, opts, &mut |e| errs.push(e.clone()), &mut |_| {}).unwrap();
    (s, errs)
}

fn read_csv(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(p).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

/// The household as `sterk rights eval` would get it: household cells plus
/// the person facts aggregated independently here.
fn expected_households(m: &Model, dir: &Path) -> BTreeMap<String, Household> {
    let (hh, hrows) = read_csv(&dir.join("households.csv"));
    let (_, prows) = read_csv(&dir.join("persons.csv"));
    let mut out = BTreeMap::new();
    for r in &hrows {
        let mut facts = BTreeMap::new();
        for (name, v) in hh.iter().zip(r) {
            if name == "household_id" || v.is_empty() {
                continue;
            }
            let ty = m.input(name).unwrap().1.ty;
            let val = match ty {
                Ty::Int | Ty::Money => Value::from(v.parse::<i64>().unwrap()),
                Ty::Bool => Value::from(v == "true"),
                _ => Value::from(v.clone()),
            };
            facts.insert(name.clone(), val);
        }
        out.insert(r[0].clone(), Household { facts });
    }
    let year = i64::from(D.year());
    let mut by_hh: BTreeMap<String, Vec<&Vec<String>>> = BTreeMap::new();
    for p in &prows {
        by_hh.entry(p[0].clone()).or_default().push(p);
    }
    for (id, ps) in by_hh {
        let h = out.get_mut(&id).unwrap();
        let f = &mut h.facts;
        let role = |r: &str| ps.iter().filter(|p| p[1] == r).count() as i64;
        let app = ps.iter().find(|p| p[1] == "applicant").unwrap();
        f.insert(
            "applicant_age".into(),
            Value::from(app[2].parse::<i64>().unwrap()),
        );
        f.insert("partner".into(), Value::from(role("partner") > 0));
        f.insert("dependent_children".into(), Value::from(role("child")));
        f.insert("other_adults".into(), Value::from(role("other")));
        let school = ps.iter().filter(|p| p[3] == "school").count() as i64;
        f.insert("children_in_school".into(), Value::from(school));
        f.insert(
            "higher_education_student".into(),
            Value::from(ps.iter().any(|p| p[3] == "higher")),
        );
        let ages: Vec<i64> = ps
            .iter()
            .filter(|p| p[1] == "child")
            .map(|p| p[2].parse().unwrap())
            .collect();
        let post = if ages.iter().any(|&a| a <= year - 2020) {
            Value::from(true)
        } else if ages.iter().any(|&a| a == year - 2019) {
            Value::Null
        } else {
            Value::from(false)
        };
        f.insert("post2019_child".into(), post);
    }
    out
}

#[test]
fn screen_equals_single_household_evaluation() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    synth::generate(dir.path(), 3000, 7, D, 0.05).unwrap();
    let mut opts = ScreenOptions::new(
        dir.path().join("households.csv"),
        Some(dir.path().join("persons.csv")),
        Some(dir.path().join("out.csv")),
        D,
    );
    opts.block_households = 700; // several blocks, uneven
    opts.threads = 2;
    let (s, errs) = run(&m, &opts);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(s.households_read, 3000);
    assert_eq!(s.households_screened, 3000);
    let (header, rows) = read_csv(&dir.path().join("out.csv"));
    assert_eq!(header, sterk_batch::output_columns(&m));
    assert_eq!(rows.len(), 3000);
    let expected = expected_households(&m, dir.path());
    let mut ntu = 0;
    let mut statuses = BTreeMap::new();
    for row in &rows {
        let h = &expected[&row[0]];
        let ev = m.evaluate(h, D).unwrap();
        let mut missed = 0;
        for (ri, r) in ev.rights.iter().enumerate() {
            assert_eq!(
                row[1 + 2 * ri],
                r.outcome.status.code(),
                "household {} {}",
                row[0],
                r.right.id
            );
            let amount = r
                .outcome
                .amount
                .map(|a| a.cents().to_string())
                .unwrap_or_default();
            assert_eq!(
                row[2 + 2 * ri],
                amount,
                "household {} {}",
                row[0],
                r.right.id
            );
            *statuses.entry(r.outcome.status.code()).or_insert(0) += 1;
            if matches!(
                r.outcome.status,
                sterk_rules::Status::Eligible | sterk_rules::Status::Likely
            ) {
                missed += 1;
            }
        }
        let n = header.len();
        assert_eq!(row[n - 3], missed.to_string());
        if missed > 0 {
            ntu += 1;
        }
    }
    assert_eq!(s.households_with_non_take_up, ntu);
    // The synthetic population exercises every status.
    assert_eq!(statuses.len(), 5, "{statuses:?}");
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn bad_rows_are_reported_and_the_rest_goes_on() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    let hh = write(
        dir.path(),
        "h.csv",
        "household_id,region,annual_taxable_income,housing\n\
         1,flanders,1000000,private_tenant\n\
         2,flanders,lots,owner\n\
         3,\"flanders\",\"1,5\",owner\n\
         4,flanders,2000000\n\
         5,\"brussels\",500000,social_tenant\n",
    );
    let ps = write(
        dir.path(),
        "p.csv",
        "household_id,role,age,education\n\
         1,applicant,40,none\n\
         1,child,7,school\n\
         5,applicant,30,none\n\
         5,grandma,70,none\n",
    );
    let out = dir.path().join("o.csv");
    let opts = ScreenOptions::new(hh, Some(ps), Some(out.clone()), D);
    let (s, errs) = run(&m, &opts);
    let got: Vec<(&str, u64, Option<&str>)> = errs
        .iter()
        .map(|e| (e.file, e.line, e.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("households", 3, Some("annual_taxable_income")),
            ("households", 4, Some("annual_taxable_income")),
            ("households", 5, None),
            ("persons", 5, Some("role")),
        ],
        "{errs:#?}"
    );
    assert_eq!(s.errors, 4);
    let (_, rows) = read_csv(&out);
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["1", "5"]);
    // Household 5 has a bad person row: its person inputs are unknown.
    let leefloon = &rows[1][1];
    assert_eq!(leefloon, "needs_info");
}

#[test]
fn out_of_order_and_unknown_ids_are_reported() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    let hh = write(
        dir.path(),
        "h.csv",
        "household_id,region\n1,flanders\n2,flanders\n9,flanders\n3,flanders\n10,flanders\n10,flanders\n",
    );
    let ps = write(
        dir.path(),
        "p.csv",
        "household_id,role\n1,applicant\n2,applicant\n4,applicant\n9,applicant\n3,applicant\n10,applicant\n11,applicant\n",
    );
    let out = dir.path().join("o.csv");
    let mut opts = ScreenOptions::new(hh, Some(ps), Some(out.clone()), D);
    opts.block_households = 2;
    let (s, errs) = run(&m, &opts);
    let got: Vec<(&str, u64)> = errs.iter().map(|e| (e.file, e.line)).collect();
    assert_eq!(
        got,
        vec![
            ("persons", 4),    // 4: no such household
            ("persons", 6),    // 3 after 9: out of order (found while joining household 9)
            ("households", 5), // 3 after 9
            ("households", 7), // 10 twice
            ("persons", 8),    // 11: no such household
        ],
        "{errs:#?}"
    );
    assert!(
        errs[0].message.contains("not in the households file"),
        "{}",
        errs[0].message
    );
    assert!(
        errs[1].message.contains("out of order"),
        "{}",
        errs[1].message
    );
    assert!(
        errs[2].message.contains("out of order"),
        "{}",
        errs[2].message
    );
    assert!(errs[3].message.contains("duplicate"), "{}", errs[3].message);
    assert_eq!(s.households_screened, 4);
    let (_, rows) = read_csv(&out);
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["1", "2", "9", "10"]);
}

#[test]
fn parquet_round_trip() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    synth::generate(dir.path(), 500, 3, D, 0.02).unwrap();
    for n in ["households", "persons"] {
        sterk_batch::csv_to_parquet(
            &dir.path().join(format!("{n}.csv")),
            &dir.path().join(format!("{n}.parquet")),
        )
        .unwrap();
    }
    let csv_out = dir.path().join("out.csv");
    let pq_out = dir.path().join("out.parquet");
    let opts = ScreenOptions::new(
        dir.path().join("households.csv"),
        Some(dir.path().join("persons.csv")),
        Some(csv_out.clone()),
        D,
    );
    run(&m, &opts);
    let opts = ScreenOptions::new(
        dir.path().join("households.parquet"),
        Some(dir.path().join("persons.parquet")),
        Some(pq_out.clone()),
        D,
    );
    let (s, errs) = run(&m, &opts);
    assert!(errs.is_empty());
    assert_eq!(s.households_screened, 500);
    // Parquet back to CSV text and compare with the CSV result.
    let back = dir.path().join("back.csv");
    let mut o2 = ScreenOptions::new(pq_out, None, None, D);
    o2.format = Some(Format::Parquet);
    let file = std::fs::File::open(&o2.households).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut text = String::new();
    for b in reader {
        let b = b.unwrap();
        let cols: Vec<_> = b
            .columns()
            .iter()
            .map(|c| arrow_cast::cast(c, &arrow_schema::DataType::Utf8).unwrap())
            .collect();
        for r in 0..b.num_rows() {
            let cells: Vec<String> = cols
                .iter()
                .map(|c| {
                    use arrow_array::Array;
                    let s = arrow_array::cast::AsArray::as_string::<i32>(c.as_ref());
                    if s.is_valid(r) {
                        s.value(r).to_string()
                    } else {
                        String::new()
                    }
                })
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
    }
    std::fs::write(&back, &text).unwrap();
    let csv_text = std::fs::read_to_string(&csv_out).unwrap();
    let body: String = csv_text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    assert_eq!(text, body);
}

#[test]
fn synth_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    synth::generate(a.path(), 300, 42, D, 0.02).unwrap();
    synth::generate(b.path(), 300, 42, D, 0.02).unwrap();
    for f in ["households.csv", "persons.csv"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap()
        );
    }
}

/// A household with a bad cell between good ones leaves no trace in the
/// columns: the households around it get the same results as without it
/// (cells are parsed straight into the evaluator's columns and taken back
/// out on an error), also with quoted fields, CRLF line ends and a
/// household without persons.
#[test]
fn a_bad_cell_leaves_the_other_households_unchanged() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    let header =
        "household_id,region,annual_taxable_income,monthly_rent,housing,receives_leefloon\r\n";
    let good1 = "1,flanders,1000000,60000,private_tenant,false\r\n";
    let bad = "2,flanders,500000,lots,private_tenant,true\r\n";
    let good3 = "3,\"brussels\",\"200000\",45000,social_tenant,\r\n";
    let good4 = "4,wallonia,,,owner,false\r\n";
    let persons = "household_id,role,age,education\n\
         1,applicant,40,none\n\
         1,child,7,school\n\
         3,applicant,30,\"none\"\n\
         3,partner,31,none\n";
    let with_bad = write(
        dir.path(),
        "a.csv",
        &format!("{header}{good1}{bad}{good3}{good4}"),
    );
    let without = write(
        dir.path(),
        "b.csv",
        &format!("{header}{good1}{good3}{good4}"),
    );
    let ps = write(dir.path(), "p.csv", persons);
    let mut outs = Vec::new();
    for (name, hh) in [("a.out", with_bad), ("b.out", without)] {
        let out = dir.path().join(name);
        let opts = ScreenOptions::new(hh, Some(ps.clone()), Some(out.clone()), D);
        let (s, errs) = run(&m, &opts);
        assert_eq!(s.households_screened, 3, "{errs:#?}");
        outs.push(std::fs::read_to_string(out).unwrap());
    }
    assert_eq!(outs[0], outs[1]);
    let (_, rows) = read_csv(&dir.path().join("a.out"));
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["1", "3", "4"]);
}

fn screen_to_string(m: &Model, opts: &ScreenOptions) -> (Summary, Vec<RowError>, String) {
    let (s, errs) = run(m, opts);
    let out = std::fs::read_to_string(opts.out.as_ref().unwrap()).unwrap();
    (s, errs, out)
}

/// The reader hands whole read buffers to the workers (records are ranges
/// into them) and carries the bytes read ahead into the next block. Results
/// must not depend on where blocks and read buffers (1 MiB) end: a
/// population of several MiB is screened with several block sizes, and
/// again with CRLF line ends and quoted cells (the slow path).
#[test]
fn block_and_buffer_boundaries_do_not_change_results() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    synth::generate(dir.path(), 20_000, 3, D, 0.05).unwrap();
    let hh = dir.path().join("households.csv");
    let ps = dir.path().join("persons.csv");
    assert!(std::fs::metadata(&hh).unwrap().len() > 3 << 20);
    let mut base = None;
    for (block, threads) in [(16_384, 2), (4096, 2), (1000, 3), (333, 1)] {
        let mut opts = ScreenOptions::new(
            hh.clone(),
            Some(ps.clone()),
            Some(dir.path().join(format!("out-{block}.csv"))),
            D,
        );
        opts.block_households = block;
        opts.threads = threads;
        let (s, errs, out) = screen_to_string(&m, &opts);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(s.households_screened, 20_000);
        match &base {
            None => base = Some((s, out)),
            Some((s0, o0)) => {
                assert_eq!(&s, s0, "block {block}");
                assert!(&out == o0, "block {block}: different output");
            }
        }
    }
    let (s0, o0) = base.unwrap();
    // The same population with CRLF line ends and quoted cells.
    let crlf = |text: String, quote: &dyn Fn(&str) -> String| -> String {
        let mut t = String::new();
        for (i, l) in text.lines().enumerate() {
            t.push_str(&if i == 0 { l.to_string() } else { quote(l) });
            t.push_str("\r\n");
        }
        t
    };
    let hh_q = crlf(std::fs::read_to_string(&hh).unwrap(), &|l: &str| {
        l.replacen(",flanders,", ",\"flanders\",", 1)
    });
    let ps_q = crlf(std::fs::read_to_string(&ps).unwrap(), &|l: &str| {
        l.replacen(",child,", ",\"child\",", 1)
    });
    assert!(hh_q.contains("\"flanders\"") && ps_q.contains("\"child\""));
    let hh2 = write(dir.path(), "hq.csv", &hh_q);
    let ps2 = write(dir.path(), "pq.csv", &ps_q);
    for block in [16_384, 777] {
        let mut opts = ScreenOptions::new(
            hh2.clone(),
            Some(ps2.clone()),
            Some(dir.path().join(format!("outq-{block}.csv"))),
            D,
        );
        opts.block_households = block;
        opts.threads = 2;
        let (s, errs, out) = screen_to_string(&m, &opts);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(s, s0, "quoted, block {block}");
        assert!(out == o0, "quoted, block {block}: different output");
    }
}

/// Quoted fields with line breaks, CRLF, a household without persons, bad
/// rows and the persons of a household next to a block end: the same
/// results and the same errors (with physical line numbers) whatever the
/// block size.
#[test]
fn records_are_found_the_same_way_for_every_block_size() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    let hh = write(
        dir.path(),
        "h.csv",
        "household_id,note,region,monthly_rent,housing\r\n\
         1,\"two\r\nlines\",flanders,60000,private_tenant\r\n\
         2,plain,brussels,lots,owner\r\n\
         3,\"a \"\"quoted\"\"\nnote, with a comma\",\"wallonia\",,owner\r\n\
         4,,flanders,45000,social_tenant\r\n\
         5,\"open,flanders,1,owner\r\n\
         6,x,flanders,1,owner\r\n",
    );
    let ps = write(
        dir.path(),
        "p.csv",
        "household_id,role,age,education\n\
         1,applicant,40,none\n\
         1,partner,38,\"none\"\n\
         1,child,7,school\n\
         1,child,9,school\n\
         3,applicant,71,\"no\nne\"\n\
         3,partner,70,none\n\
         4,applicant,30,none\n\
         4,child,1,none\n\
         7,applicant,30,none\n",
    );
    let mut base = None;
    for block in [16_384, 1, 2, 3] {
        let mut opts = ScreenOptions::new(
            hh.clone(),
            Some(ps.clone()),
            Some(dir.path().join(format!("o{block}.csv"))),
            D,
        );
        opts.block_households = block;
        let (s, errs, out) = screen_to_string(&m, &opts);
        match &base {
            None => {
                let got: Vec<(&str, u64, Option<&str>)> = errs
                    .iter()
                    .map(|e| (e.file, e.line, e.field.as_deref()))
                    .collect();
                assert_eq!(
                    got,
                    vec![
                        ("households", 4, Some("monthly_rent")),
                        ("persons", 6, Some("education")),
                        ("households", 8, None),
                        ("persons", 11, Some("household_id")),
                    ],
                    "{errs:#?}"
                );
                let (_, rows) = read_csv(&dir.path().join(format!("o{block}.csv")));
                let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
                assert_eq!(ids, ["1", "3", "4"]);
                base = Some((s, errs, out));
            }
            Some((s0, e0, o0)) => {
                assert_eq!(&s, s0, "block {block}");
                assert_eq!(&errs, e0, "block {block}");
                assert_eq!(&out, o0, "block {block}");
            }
        }
    }
}
