//! A fast writer of the evaluation's JSON (the API contract of [`Evaluation::to_json`]).
//!
//! Most of an evaluation's JSON never changes for a model: names, descriptions in three
//! languages, authorities, legal references, and each parameter with each of its dated
//! values. [`JsonWriter`] renders those once, when it is built, and an evaluation only adds
//! what the household decided (statuses, outcomes, amounts, reasons, dates). Writing one
//! evaluation is then mostly copying bytes, about ten times faster than building a
//! `serde_json::Value` tree and serialising it. The output is the same JSON document (a test
//! compares both over every test household of the built-in model).

use crate::eval::{Evaluation, date_str, param_use_json};
use crate::model::Model;
use serde::Serialize;
use std::io::Write;

/// Pre-rendered parts of one right.
#[derive(Debug, Clone)]
struct RightJson {
    /// The right's id as written in the model (to recognise the model's evaluations).
    right_id: String,
    /// `,"amount_period":…,"authority":…,"eligible_from":` is split around the dynamic part.
    amount_period_authority: String,
    granting_id: String,
    name: String,
    legal: String,
    conditions: Vec<CondJson>,
    /// Per caveat: `,"description":…,"id":…}`.
    caveats: Vec<String>,
    /// Per used parameter (in `params_used` order): the parameter's index.
    params_used: Vec<usize>,
}

#[derive(Debug, Clone)]
struct CondJson {
    /// `{"description":…`
    description: String,
    /// `,"id":…,"outcome":"`
    id: String,
    /// Per route: `{"description":…,"id":…,"outcome":"`
    routes: Vec<String>,
}

/// Pre-rendered parts of one parameter: the whole object for each of its dated values, and
/// the object for "no value on the reference date".
#[derive(Debug, Clone)]
struct ParamJson {
    by_value: Vec<String>,
    none: String,
}

/// Writes evaluations of one model as JSON, fast. Build it once per model.
#[derive(Debug, Clone)]
pub struct JsonWriter {
    rights: Vec<RightJson>,
    params: Vec<ParamJson>,
    /// Per input: `{"input":…,"question":…}`.
    questions: Vec<String>,
}

fn js<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

impl JsonWriter {
    /// Renders the fixed parts of `model`'s JSON.
    pub fn new(model: &Model) -> JsonWriter {
        let rights = model
            .rights
            .iter()
            .map(|r| RightJson {
                right_id: r.id.clone(),
                amount_period_authority: format!(
                    ",\"amount_period\":{},\"authority\":{},\"eligible_from\":",
                    js(&r.amount_period),
                    js(&r.authority)
                ),
                granting_id: format!(",\"granting\":{},\"id\":{}", js(&r.granting), js(&r.id)),
                name: js(&r.name),
                legal: js(&r.legal),
                conditions: r
                    .conditions
                    .iter()
                    .map(|c| CondJson {
                        description: format!("{{\"description\":{}", js(&c.description)),
                        id: format!(",\"id\":{},\"outcome\":\"", js(&c.id)),
                        routes: c
                            .routes()
                            .iter()
                            .map(|ro| {
                                format!(
                                    "{{\"description\":{},\"id\":{},\"outcome\":\"",
                                    js(&ro.description),
                                    js(&ro.id)
                                )
                            })
                            .collect(),
                    })
                    .collect(),
                caveats: r
                    .caveats
                    .iter()
                    .map(|c| {
                        format!(
                            ",\"description\":{},\"id\":{}}}",
                            js(&c.description),
                            js(&c.id)
                        )
                    })
                    .collect(),
                params_used: r.params_used.iter().map(|&i| usize::from(i)).collect(),
            })
            .collect();
        let params = model
            .params
            .iter()
            .map(|p| ParamJson {
                by_value: p
                    .values
                    .iter()
                    .map(|v| js(&param_use_json(p, Some(v))))
                    .collect(),
                none: js(&param_use_json(p, None)),
            })
            .collect();
        let questions = model
            .inputs
            .iter()
            .map(|d| {
                format!(
                    "{{\"input\":{},\"question\":{}}}",
                    js(&d.name),
                    js(&d.question)
                )
            })
            .collect();
        JsonWriter {
            rights,
            params,
            questions,
        }
    }

    /// Writes `e` as JSON to `out`. Falls back to the general serializer when `e` was not
    /// made by the model this writer was built for.
    pub fn write(&self, e: &Evaluation<'_>, out: &mut Vec<u8>) {
        if e.rights.len() != self.rights.len()
            || e.rights.iter().zip(&self.rights).any(|(r, j)| {
                r.right.conditions.len() != j.conditions.len() || r.right.id != j.right_id
            })
        {
            let _ = serde_json::to_writer(&mut *out, &e.to_json());
            return;
        }
        let model = e.model;
        out.extend_from_slice(b"{\"next_questions\":[");
        for (n, i) in e.next_questions.iter().enumerate() {
            if let Some(q) = self.questions.get(i) {
                if n > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(q.as_bytes());
            }
        }
        out.extend_from_slice(b"],\"reference_date\":\"");
        out.extend_from_slice(date_str(e.reference_date).as_bytes());
        out.extend_from_slice(b"\",\"rights\":[");
        for (k, (r, j)) in e.rights.iter().zip(&self.rights).enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let o = &r.outcome;
            out.extend_from_slice(b"{\"amount_cents\":");
            match o.amount {
                Some(m) => {
                    let _ = write!(out, "{}", m.cents());
                }
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(j.amount_period_authority.as_bytes());
            match o.eligible_from {
                Some(d) => {
                    out.push(b'"');
                    out.extend_from_slice(date_str(d).as_bytes());
                    out.push(b'"');
                }
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"explanation\":{\"caveats\":[");
            for (n, (t, c)) in r.caveats.iter().zip(&j.caveats).enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"applies\":\"");
                out.extend_from_slice(t.code().as_bytes());
                out.push(b'"');
                out.extend_from_slice(c.as_bytes());
            }
            out.extend_from_slice(b"],\"conditions\":[");
            for (n, (t, c)) in r.conditions.iter().zip(&j.conditions).enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(c.description.as_bytes());
                if let Some(d) = t.from_date {
                    out.extend_from_slice(b",\"from_date\":\"");
                    out.extend_from_slice(date_str(d).as_bytes());
                    out.push(b'"');
                }
                out.extend_from_slice(c.id.as_bytes());
                out.extend_from_slice(t.outcome.code().as_bytes());
                out.push(b'"');
                if !t.routes.is_empty() {
                    out.extend_from_slice(b",\"routes\":[");
                    for (m, (tr, ro)) in t.routes.iter().zip(&c.routes).enumerate() {
                        if m > 0 {
                            out.push(b',');
                        }
                        out.extend_from_slice(ro.as_bytes());
                        out.extend_from_slice(tr.code().as_bytes());
                        out.extend_from_slice(b"\"}");
                    }
                    out.push(b']');
                }
                out.push(b'}');
            }
            out.extend_from_slice(b"],\"legal\":");
            out.extend_from_slice(j.legal.as_bytes());
            out.extend_from_slice(b",\"parameters\":[");
            for (n, (u, &pi)) in r.parameters.iter().zip(&j.params_used).enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                let pj = self.params.get(pi);
                let cached = match (pj, u.value) {
                    (Some(pj), Some(v)) => u
                        .param
                        .values
                        .iter()
                        .position(|x| std::ptr::eq(x, v))
                        .and_then(|i| pj.by_value.get(i)),
                    (Some(pj), None) => Some(&pj.none),
                    (None, _) => None,
                };
                match cached {
                    Some(s) => out.extend_from_slice(s.as_bytes()),
                    None => {
                        let _ = serde_json::to_writer(&mut *out, &param_use_json(u.param, u.value));
                    }
                }
            }
            out.extend_from_slice(b"]}");
            out.extend_from_slice(j.granting_id.as_bytes());
            out.extend_from_slice(b",\"missing_inputs\":");
            let _ = serde_json::to_writer(&mut *out, &r.missing(model));
            out.extend_from_slice(b",\"name\":");
            out.extend_from_slice(j.name.as_bytes());
            out.extend_from_slice(b",\"reasons\":");
            let _ = serde_json::to_writer(&mut *out, &r.reasons());
            out.extend_from_slice(b",\"status\":\"");
            out.extend_from_slice(o.status.code().as_bytes());
            out.extend_from_slice(b"\",\"unverified\":");
            out.extend_from_slice(if o.unverified { b"true" } else { b"false" });
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{Household, Ty};
    use serde_json::{Value, json};

    /// Households with every input sometimes missing, sometimes set to a value of its type.
    fn households(model: &Model, n: usize) -> Vec<Household> {
        let mut seed: u64 = 0x5eed_1234_abcd_0001;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..n)
            .map(|_| {
                let mut facts = std::collections::BTreeMap::new();
                for d in &model.inputs {
                    let r = next();
                    if r % 4 == 0 {
                        continue; // unknown
                    }
                    let v = match d.ty {
                        Ty::Bool => json!(r % 3 == 0),
                        Ty::Int => json!((r >> 8) % 95),
                        Ty::Money => json!((r >> 8) % 400_000),
                        Ty::Date => json!(format!(
                            "{}-0{}-1{}",
                            1930 + (r >> 8) % 95,
                            1 + (r >> 16) % 9,
                            (r >> 24) % 9
                        )),
                        Ty::Choice(_) => {
                            let c = &d.choices;
                            if c.is_empty() {
                                continue;
                            }
                            json!(c[(r >> 8) as usize % c.len()])
                        }
                        Ty::Error => continue,
                    };
                    facts.insert(d.name.clone(), v);
                }
                Household { facts }
            })
            .collect()
    }

    #[test]
    fn the_fast_writer_writes_the_same_json_as_to_json() {
        let (model, diags) = Model::builtin();
        let model = model.unwrap_or_else(|| panic!("{diags:?}"));
        let writer = JsonWriter::new(&model);
        let dates = [
            time::macros::date!(2019 - 01 - 01),
            time::macros::date!(2025 - 06 - 15),
            time::macros::date!(2026 - 11 - 23),
            time::macros::date!(2040 - 01 - 01),
        ];
        let mut compared = 0;
        for (i, h) in households(&model, 400).iter().enumerate() {
            let date = dates[i % dates.len()];
            let Ok(e) = model.evaluate(h, date) else {
                continue;
            };
            let mut out = Vec::new();
            writer.write(&e, &mut out);
            let fast: Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(fast, e.to_json(), "household {i} on {date}");
            compared += 1;
        }
        assert!(compared > 300, "only {compared} households evaluated");
    }
}
