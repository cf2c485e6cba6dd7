//! Household input: the raw, serde-readable form and the checked, typed form.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::expr::parse_date_literal;
use crate::model::{Model, Ty};

/// A household as written in a file or sent to the API: a flat object from
/// input names (declared in `rules/model.yaml`) to values. A missing field or
/// `null` means *unknown*, never zero.
///
/// Value formats: yes/no as `true`/`false`; whole numbers as integers; money
/// as **integer cents** (`131420`) or as a text with a euro sign (`"€1314.20"`);
/// dates as `"YYYY-MM-DD"`; choices as one of the declared texts. The keys
/// `note` and `comment` are ignored, so test files can explain a household.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Household {
    /// Field name to value.
    pub facts: BTreeMap<String, Value>,
}

/// A problem with a household: which field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdError {
    /// The field concerned.
    pub field: String,
    /// What is wrong, in plain language.
    pub message: String,
}

impl std::fmt::Display for HouseholdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for HouseholdError {}

/// A household checked against the model: one optional value per input, in
/// the model's input order (dates as Julian day numbers, money in cents,
/// choices as their index). Build it with [`Model::prepare`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Prepared {
    /// One cell per input of the model.
    pub values: Vec<Option<i64>>,
}

fn parse_money_text(s: &str) -> Option<i64> {
    let t = s.trim();
    let t = t.strip_prefix('€')?.trim().replace([',', '_', ' '], "");
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t),
    };
    let (e, c) = match t.split_once('.') {
        Some((e, c)) if c.len() == 2 => (e.to_string(), c.to_string()),
        Some(_) => return None,
        None => (t.clone(), "00".to_string()),
    };
    if e.is_empty()
        || !e.bytes().all(|b| b.is_ascii_digit())
        || !c.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let v = e
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(c.parse::<i64>().ok()?)?;
    Some(if neg { -v } else { v })
}

impl Model {
    /// Converts one JSON/YAML value for input `index` into its cell.
    /// `Ok(None)` means unknown (`null`).
    pub fn parse_value(&self, index: usize, v: &Value) -> Result<Option<i64>, String> {
        let Some(def) = self.inputs.get(index) else {
            return Err("no such input".into());
        };
        if v.is_null() {
            return Ok(None);
        }
        let r = match def.ty {
            Ty::Bool => v.as_bool().map(i64::from).or_else(|| match v.as_str() {
                Some("true" | "yes") => Some(1),
                Some("false" | "no") => Some(0),
                _ => None,
            }),
            Ty::Int => v.as_i64(),
            Ty::Money => v.as_i64().or_else(|| v.as_str().and_then(parse_money_text)),
            Ty::Date => v
                .as_str()
                .and_then(parse_date_literal)
                .map(|d| i64::from(d.to_julian_day())),
            Ty::Choice(_) => v
                .as_str()
                .and_then(|s| def.choices.iter().position(|c| c == s))
                .and_then(|i| i64::try_from(i).ok()),
            Ty::Error => None,
        };
        r.map(Some)
            .ok_or_else(|| self.expected(index, &v.to_string()))
    }

    /// Converts one text cell (e.g. from CSV) for input `index`. An empty
    /// text means unknown. Accepts `true/false/yes/no/1/0` for yes/no.
    pub fn parse_text(&self, index: usize, s: &str) -> Result<Option<i64>, String> {
        let Some(def) = self.inputs.get(index) else {
            return Err("no such input".into());
        };
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let r = match def.ty {
            Ty::Bool => match s {
                "true" | "yes" | "1" => Some(1),
                "false" | "no" | "0" => Some(0),
                _ => None,
            },
            Ty::Int => s.parse().ok(),
            Ty::Money => s.parse().ok().or_else(|| parse_money_text(s)),
            Ty::Date => parse_date_literal(s).map(|d| i64::from(d.to_julian_day())),
            Ty::Choice(_) => def
                .choices
                .iter()
                .position(|c| c == s)
                .and_then(|i| i64::try_from(i).ok()),
            Ty::Error => None,
        };
        r.map(Some).ok_or_else(|| self.expected(index, s))
    }

    fn expected(&self, index: usize, found: &str) -> String {
        let Some(def) = self.inputs.get(index) else {
            return String::new();
        };
        let what = match def.ty {
            Ty::Bool => "true or false".to_string(),
            Ty::Int => "a whole number".to_string(),
            Ty::Money => {
                "money in integer cents (131420) or a euro text (\"€1314.20\")".to_string()
            }
            Ty::Date => "a date YYYY-MM-DD".to_string(),
            Ty::Choice(_) => format!("one of: {}", def.choices.join(", ")),
            Ty::Error => "nothing (the input's declaration is broken)".to_string(),
        };
        format!("expected {what}, found {found}")
    }

    /// Checks a household against the model's inputs. Errors name the field.
    pub fn prepare(&self, h: &Household) -> Result<Prepared, HouseholdError> {
        let mut values = vec![None; self.inputs.len()];
        for (k, v) in &h.facts {
            if k == "note" || k == "comment" {
                continue;
            }
            let Some((i, _)) = self.input(k) else {
                let hint = self
                    .inputs
                    .iter()
                    .map(|d| d.name.as_str())
                    .find(|n| n.starts_with(k.get(..4).unwrap_or(k)))
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                return Err(HouseholdError {
                    field: k.clone(),
                    message: format!(
                        "unknown field{hint}; the fields are the inputs in rules/model.yaml"
                    ),
                });
            };
            values[i] = self.parse_value(i, v).map_err(|message| HouseholdError {
                field: k.clone(),
                message,
            })?;
        }
        Ok(Prepared { values })
    }
}
