//! Rules-as-code engine for Belgian and Flemish social rights.
//!
//! A pure library: the only IO is [`Model::load`], which reads rule files
//! from a directory. Rule files are YAML written for policy experts (see
//! `docs/rules-guide.md`); each right has dated, sourced parameters,
//! conditions, caveats and an amount formula in a small typed expression
//! language with three-valued logic (a missing input is *unknown*, never zero;
//! `false and unknown = false`).
//!
//! # Public API (stable; the batch screening and the web API build on it)
//!
//! * [`Model::load`]`(dir) -> (Option<Model>, Vec<Diagnostic>)` reads
//!   `dir/model.yaml` and `dir/rights/*.yaml`; [`Model::builtin`] loads the
//!   repository's rule files embedded at build time (works from any cwd);
//!   [`load_sources`] does the same from texts. The loader never panics and
//!   never stops at the first error: [`Diagnostic`]s carry file, line, column,
//!   a stable `code` and a message.
//! * [`Household`]: serde-deserializable flat object (see below);
//!   [`parse_household`] reads one from YAML or JSON text.
//!   [`Model::prepare`] checks it and gives a [`Prepared`] row, or a
//!   [`HouseholdError`] naming the field.
//! * [`Model::evaluate`]`(&Household, Date) -> Result<Evaluation, HouseholdError>`:
//!   per right a [`RightResult`] with an [`Outcome`] (status
//!   `eligible | likely | not_eligible | needs_info | already_receives`,
//!   amount in cents, reason codes, missing inputs in ask order,
//!   `eligible_from`, `unverified`) and an explanation (each condition
//!   pass/fail/unknown, parameters used with value, dates, source and the
//!   unverified flag, legal references). [`Evaluation::to_json`] gives the
//!   JSON contract below. [`Model::date_ctx`] + [`Model::evaluate_prepared`]
//!   avoid re-resolving parameters when many households share a date.
//! * Batch: [`HouseholdColumns`] (values and known flags per input, filled
//!   with [`Model::parse_text`] from CSV cells or from [`Prepared`] rows),
//!   [`Model::batch_evaluator`]`(date)` → [`BatchEvaluator::evaluate_into`]
//!   (reusable buffers, for streaming chunks in bounded memory) or
//!   [`Model::evaluate_batch`]; [`BatchEvaluator::evaluate_compact`] gives
//!   only each right's status and amount (the screening path of
//!   `sterk-batch`, several times cheaper; same values, checked by the
//!   property test). [`BatchResult::outcomes`]`[right][row]` holds
//!   exactly the [`Outcome`] the one-household evaluator gives (a property
//!   test checks this). Reason codes: [`Right::reasons`]; missing inputs:
//!   [`InputSet::iter`] over [`Model::inputs`].
//! * Tests: [`run_tests`] / [`run_test_dir`] run the YAML test format.
//!
//! # Household format
//!
//! A flat mapping from input names to values; the inputs, their types and
//! their questions are declared in `rules/model.yaml` **in ask order**.
//! A field that is absent or `null` is unknown. Values: yes/no `true|false`;
//! whole numbers as integers; money as integer cents (`131420`) or a text
//! with a euro sign (`"€1314.20"`); dates `"YYYY-MM-DD"`; choices as one of
//! the declared texts. `note`/`comment` keys are ignored. An unknown field or
//! a wrong value is refused with a message naming the field.
//!
//! ```yaml
//! region: flanders
//! applicant_age: 45
//! lives_alone: true
//! monthly_net_income: 0
//! ```
//!
//! # JSON output shape
//!
//! ```json
//! { "reference_date": "2025-03-01",
//!   "rights": [ { "id": "leefloon", "name": {"nl":"…","fr":"…","en":"…"},
//!       "authority": "OCMW", "granting": "on_application",
//!       "status": "eligible", "amount_cents": 131420, "amount_period": "month",
//!       "eligible_from": null, "reasons": ["category_2"], "missing_inputs": [],
//!       "unverified": false,
//!       "explanation": {
//!         "conditions": [ {"id":"age","description":{…},"outcome":"pass",
//!                          "routes":[{"id":"…","description":{…},"outcome":"pass"}],
//!                          "from_date":"2026-01-01"} ],
//!         "caveats": [ {"id":"…","description":{…},"applies":"fail"} ],
//!         "parameters": [ {"name":"leefloon.amount_alone","description":{…},
//!                          "value":131420,"from":"2025-02-01","until":null,
//!                          "source":"https://…","retrieved":"2026-11-23",
//!                          "unverified":false,"note":null} ],
//!         "legal": [ {"title":"…","url":"https://…"} ] } } ],
//!   "next_questions": [ {"input":"monthly_net_income","question":{…}} ] }
//! ```
//! (`routes` only on `any_of` conditions, `from_date` only on waiting periods.)
//!
//! # Decision per right
//!
//! `already_receives` if that expression is true; else `not_eligible` if a
//! condition fails; else, if a waiting period (`from_date`) is not over,
//! `not_eligible` with `eligible_from`; else `needs_info` if a condition is
//! unknown and an input it reads is missing (the missing inputs in ask
//! order), or `likely` with `parameter_unknown` when only a parameter is
//! missing; else `likely` if a caveat applies (or is unknown) or a parameter
//! used is unverified (`unverified_parameter`); else `eligible`.

#![warn(missing_docs)]

mod diag;
mod eval;
mod expr;
mod household;
mod json;
mod model;
mod money;
mod testcase;
mod yaml;

use std::path::Path;

pub use diag::{Diagnostic, Severity};
pub use eval::{
    BatchEvaluator, BatchResult, ConditionTrace, DateCtx, Evaluation, HouseholdColumns, InputSet,
    Outcome, ParamUse, ReasonSet, RightResult, Status, Tri,
};
pub use household::{Household, HouseholdError, Prepared};
pub use json::JsonWriter;
pub use model::{
    Caveat, Condition, Granting, InputDef, LegalRef, Model, ParamDef, ParamValue, Right, Route,
    SourceFile, Text, Ty, load_sources,
};
pub use money::Money;
pub use testcase::{TestFailure, TestReport, parse_household, run_test_dir, run_tests};
pub use yaml::Pos;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

impl Model {
    /// Loads `dir/model.yaml` and every `dir/rights/*.yaml` (sorted by name).
    /// Unreadable files become diagnostics; never panics.
    pub fn load(dir: &Path) -> (Option<Model>, Vec<Diagnostic>) {
        let mut texts: Vec<(String, String)> = Vec::new();
        let mut diags = Vec::new();
        let mut read = |p: &Path, diags: &mut Vec<Diagnostic>| match std::fs::read_to_string(p) {
            Ok(t) => texts.push((p.display().to_string(), t)),
            Err(e) => diags.push(Diagnostic {
                file: p.display().to_string(),
                line: 0,
                col: 0,
                severity: Severity::Error,
                code: "io",
                message: format!("cannot read: {e}"),
            }),
        };
        read(&dir.join("model.yaml"), &mut diags);
        match std::fs::read_dir(dir.join("rights")) {
            Ok(rd) => {
                let mut paths: Vec<_> = rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                    .collect();
                paths.sort();
                for p in paths {
                    read(&p, &mut diags);
                }
            }
            Err(e) => diags.push(Diagnostic {
                file: dir.join("rights").display().to_string(),
                line: 0,
                col: 0,
                severity: Severity::Error,
                code: "io",
                message: format!("cannot read the rights directory: {e}"),
            }),
        }
        let files: Vec<SourceFile<'_>> = texts
            .iter()
            .map(|(n, t)| SourceFile { name: n, text: t })
            .collect();
        let (model, mut d) = load_sources(&files);
        diags.append(&mut d);
        (model, diags)
    }

    /// The repository's rule files, embedded at build time.
    pub fn builtin() -> (Option<Model>, Vec<Diagnostic>) {
        let files: Vec<SourceFile<'_>> = builtin::BUILTIN
            .iter()
            .map(|(n, t)| SourceFile { name: n, text: t })
            .collect();
        load_sources(&files)
    }
}
