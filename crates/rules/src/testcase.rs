//! The YAML test format (in the spirit of OpenFisca's) and its runner.
//!
//! A test file holds a list of cases:
//! ```yaml
//! - name: single, no income, lives alone
//!   date: 2025-03-01
//!   household: { applicant_age: 45, lives_alone: true, monthly_income: 0 }
//!   expect:
//!     leefloon: { status: eligible, amount: 131420, reasons: [...], missing: [...], eligible_from: 2026-01-01 }
//! - name: a malformed household is refused with the field named
//!   date: 2025-03-01
//!   household: { applicant_age: old }
//!   expect_error: applicant_age
//! ```
//! Only what is written is checked: `reasons` must all be present (others may
//! be too); `missing` must match exactly and in order; `amount` is in cents
//! (`null` means no amount); `eligible_from` is a date or `null`.

use serde_json::{Map, Value};
use time::Date;

use crate::Household;
use crate::eval::Status;
use crate::expr::parse_date_literal;
use crate::model::{Model, SourceFile};
use crate::yaml::{self, Kind, Node};

/// One failed test case.
#[derive(Clone, Debug)]
pub struct TestFailure {
    /// File.
    pub file: String,
    /// Line of the case.
    pub line: u32,
    /// Case name.
    pub name: String,
    /// What differed.
    pub message: String,
}

/// Result of running test files.
#[derive(Clone, Debug, Default)]
pub struct TestReport {
    /// Number of cases that passed.
    pub passed: usize,
    /// Failed cases (and unreadable files or cases, which count as failures).
    pub failures: Vec<TestFailure>,
}

/// Converts a YAML node into JSON, reading plain scalars as YAML 1.2 core
/// schema values (null, booleans, integers, floats) and quoted ones as text.
pub(crate) fn to_json(n: &Node) -> Value {
    match &n.kind {
        Kind::Scalar(s, plain) => {
            if !plain {
                return Value::String(s.clone());
            }
            match s.as_str() {
                "" | "~" | "null" => Value::Null,
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => {
                    if let Ok(i) = s.replace('_', "").parse::<i64>() {
                        Value::from(i)
                    } else if let Some(f) = s.parse::<f64>().ok().filter(|f| f.is_finite()) {
                        Value::from(f)
                    } else {
                        Value::String(s.clone())
                    }
                }
            }
        }
        Kind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Kind::Map(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                m.insert(k.as_str().unwrap_or("").to_string(), to_json(v));
            }
            Value::Object(m)
        }
    }
}

/// Reads a household from YAML or JSON text (JSON is YAML). Errors are plain messages.
pub fn parse_household(text: &str) -> Result<Household, String> {
    let (root, errs) = yaml::parse(text);
    if let Some((p, m)) = errs.first() {
        return Err(format!("line {}, column {}: {m}", p.line, p.col));
    }
    let Some(root) = root else {
        return Err("the file is empty".into());
    };
    match to_json(&root) {
        Value::Object(m) => Ok(Household {
            facts: m.into_iter().collect(),
        }),
        _ => Err("a household is a mapping from field names to values".into()),
    }
}

fn check_case(model: &Model, case: &Node) -> Result<(), String> {
    let date = case
        .get("date")
        .and_then(|n| n.as_str())
        .and_then(parse_date_literal)
        .ok_or("the case needs `date: YYYY-MM-DD`")?;
    let household = match case.get("household").map(to_json) {
        Some(Value::Object(m)) => Household {
            facts: m.into_iter().collect(),
        },
        Some(Value::Null) | None => Household::default(),
        Some(_) => return Err("`household` must be a mapping".into()),
    };
    if let Some(field) = case.get("expect_error").and_then(|n| n.as_str()) {
        return match model.prepare(&household) {
            Err(e) if e.field == field => Ok(()),
            Err(e) => Err(format!("expected an error on `{field}`, got: {e}")),
            Ok(_) => Err(format!(
                "expected an error on `{field}`, the household was accepted"
            )),
        };
    }
    let ev = model
        .evaluate(&household, date)
        .map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    for (rid, exp) in case.get("expect").map(|n| n.entries()).unwrap_or(&[]) {
        let rid = rid.as_str().unwrap_or("");
        let Some(res) = ev.rights.iter().find(|r| r.right.id == rid) else {
            problems.push(format!("no right `{rid}` in the model"));
            continue;
        };
        let o = &res.outcome;
        let reasons = res.reasons();
        let ctx = |what: &str| {
            format!(
                "{rid}: {what} (got status {}, amount {:?}, reasons {:?}, missing {:?}, eligible_from {:?})",
                o.status.code(),
                o.amount.map(|m| m.0),
                reasons,
                res.missing(model),
                o.eligible_from.map(date_display)
            )
        };
        if let Some(s) = exp.get("status").and_then(|n| n.as_str()) {
            match Status::from_code(s) {
                Some(st) if st == o.status => {}
                Some(_) => problems.push(ctx(&format!("expected status {s}"))),
                None => problems.push(format!("{rid}: unknown status `{s}`")),
            }
        }
        if let Some(a) = exp.get("amount") {
            let want = if a.is_null() {
                None
            } else {
                a.as_str()
                    .and_then(|s| s.replace('_', "").parse::<i64>().ok())
            };
            if want.is_none() && !a.is_null() {
                problems.push(format!("{rid}: `amount` must be whole cents or null"));
            } else if want != o.amount.map(|m| m.0) {
                problems.push(ctx(&format!("expected amount {want:?}")));
            }
        }
        if let Some(list) = exp.get("reasons") {
            for r in list.items() {
                let r = r.as_str().unwrap_or("");
                if !reasons.contains(&r) {
                    problems.push(ctx(&format!("expected reason `{r}`")));
                }
            }
        }
        if let Some(list) = exp.get("missing") {
            let want: Vec<&str> = list.items().iter().filter_map(|n| n.as_str()).collect();
            if want != res.missing(model) {
                problems.push(ctx(&format!("expected missing {want:?}")));
            }
        }
        if let Some(d) = exp.get("eligible_from") {
            let want = if d.is_null() {
                None
            } else {
                d.as_str().and_then(parse_date_literal)
            };
            if want != o.eligible_from {
                problems.push(ctx(&format!(
                    "expected eligible_from {:?}",
                    want.map(date_display)
                )));
            }
        }
        if let Some(u) = exp.get("unverified").and_then(|n| n.as_str())
            && (u == "true") != o.unverified
        {
            problems.push(ctx(&format!("expected unverified {u}")));
        }
    }
    if let Some(list) = case.get("next_questions") {
        let want: Vec<&str> = list.items().iter().filter_map(|n| n.as_str()).collect();
        let got: Vec<&str> = ev
            .next_questions
            .iter()
            .filter_map(|i| model.inputs.get(i))
            .map(|d| d.name.as_str())
            .collect();
        if want != got {
            problems.push(format!("expected next questions {want:?}, got {got:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

fn date_display(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Runs test files against a model.
pub fn run_tests(model: &Model, files: &[SourceFile<'_>]) -> TestReport {
    let mut report = TestReport::default();
    for f in files {
        let (root, errs) = yaml::parse(f.text);
        for (p, m) in errs {
            report.failures.push(TestFailure {
                file: f.name.into(),
                line: p.line,
                name: "(file)".into(),
                message: m,
            });
        }
        let Some(root) = root else { continue };
        let cases = match &root.kind {
            Kind::Seq(items) => items.as_slice(),
            Kind::Map(_) => root.get("cases").map(|n| n.items()).unwrap_or(&[]),
            Kind::Scalar(..) => &[],
        };
        for case in cases {
            let name = case
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("(unnamed)")
                .to_string();
            match check_case(model, case) {
                Ok(()) => report.passed += 1,
                Err(message) => report.failures.push(TestFailure {
                    file: f.name.into(),
                    line: case.pos.line,
                    name,
                    message,
                }),
            }
        }
    }
    report
}

/// Runs every `*.yaml` file in `dir` (sorted by name).
pub fn run_test_dir(model: &Model, dir: &std::path::Path) -> std::io::Result<TestReport> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    paths.sort();
    let mut texts = Vec::new();
    for p in &paths {
        texts.push((p.display().to_string(), std::fs::read_to_string(p)?));
    }
    let files: Vec<SourceFile<'_>> = texts
        .iter()
        .map(|(n, t)| SourceFile { name: n, text: t })
        .collect();
    Ok(run_tests(model, &files))
}
