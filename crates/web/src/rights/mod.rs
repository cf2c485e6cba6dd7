//! The rights module in the platform (issue 4): the engine behind the pages, answers from
//! forms, and views of an evaluation.
//!
//! An evaluation is stored and shown from the engine's JSON contract ([`EvalView`]), so a
//! stored check renders exactly as it was computed, whatever the rules say later.

pub mod figures;
pub mod pages;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use sterk_domain::FieldErrors;
use sterk_domain::values::{Money, parse_date};
use sterk_rules::{Household, Model, Ty};

use crate::forms::Fields;

/// The rules model and its version.
pub struct RightsEngine {
    /// The model (the repository's rule files, embedded in the binary).
    pub model: Model,
    /// A digest of every right, input and dated parameter value: the "version of the rules"
    /// stored with each check.
    pub version: String,
}

impl std::fmt::Debug for RightsEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RightsEngine")
            .field("version", &self.version)
            .finish()
    }
}

impl RightsEngine {
    /// Loads the built-in rules; errors name the rule files' problems.
    pub fn builtin() -> Result<RightsEngine, String> {
        let (model, diags) = Model::builtin();
        let model = model.ok_or_else(|| {
            diags
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        let mut h = Sha256::new();
        for input in &model.inputs {
            h.update(input.name.as_bytes());
            h.update(b"\0");
        }
        for right in &model.rights {
            h.update(right.id.as_bytes());
            h.update(b"\0");
            for c in &right.conditions {
                h.update(format!("{c:?}").as_bytes());
            }
        }
        for p in &model.params {
            h.update(p.name.as_bytes());
            for v in &p.values {
                h.update(
                    format!(
                        "{}|{:?}|{:?}|{:?}|{}",
                        v.from, v.until, v.value, v.source, v.unverified
                    )
                    .as_bytes(),
                );
            }
        }
        let digest = h.finalize();
        let version = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        Ok(RightsEngine { model, version })
    }

    /// Reads the answers of a questionnaire form (`a_<input>` fields; an empty field is
    /// unknown). Every problem is reported on its field; the good answers are kept.
    pub fn parse_answers(&self, f: &Fields) -> (BTreeMap<String, serde_json::Value>, FieldErrors) {
        let mut facts = BTreeMap::new();
        let mut errs = FieldErrors::new();
        for input in &self.model.inputs {
            let key = format!("a_{}", input.name);
            let raw = f.get(&key).trim();
            if raw.is_empty() || raw == "unknown" {
                continue;
            }
            let value = match input.ty {
                Ty::Bool => match raw {
                    "yes" | "true" => Ok(serde_json::Value::Bool(true)),
                    "no" | "false" => Ok(serde_json::Value::Bool(false)),
                    _ => Err("choice_invalid"),
                },
                Ty::Int => match raw.parse::<i64>() {
                    Ok(n) if (0..=200).contains(&n) => Ok(n.into()),
                    Ok(_) => Err("number_out_of_range"),
                    Err(_) => Err("number_invalid"),
                },
                Ty::Money => match Money::parse(raw) {
                    Ok(m) if m.cents() >= 0 && m.cents() <= 10_000_000_000 => Ok(m.cents().into()),
                    Ok(_) => Err("money_out_of_range"),
                    Err(code) => Err(code),
                },
                Ty::Date => parse_date(raw)
                    .map(|d| serde_json::Value::String(sterk_domain::values::format_date(d))),
                Ty::Choice(_) => {
                    if input.choices.iter().any(|c| c == raw) {
                        Ok(serde_json::Value::String(raw.to_owned()))
                    } else {
                        Err("choice_invalid")
                    }
                }
                Ty::Error => Err("choice_invalid"),
            };
            match value {
                Ok(v) => {
                    facts.insert(input.name.clone(), v);
                }
                Err(code) => errs.push(key, code),
            }
        }
        (facts, errs)
    }

    /// Evaluates answers on `date` and returns the engine's JSON.
    pub fn evaluate(
        &self,
        facts: &BTreeMap<String, serde_json::Value>,
        date: time::Date,
    ) -> Result<serde_json::Value, String> {
        let household = Household {
            facts: facts.clone(),
        };
        let evaluation = self
            .model
            .evaluate(&household, date)
            .map_err(|e| format!("{}: {}", e.field, e.message))?;
        serde_json::to_value(&evaluation).map_err(|e| e.to_string())
    }

    /// The type of a parameter, by name (for showing its value).
    pub fn param_is_money(&self, name: &str) -> bool {
        self.model
            .params
            .iter()
            .any(|p| p.name == name && p.ty == Ty::Money)
    }
}

/// A text in three languages, as the engine's JSON has it.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct Text3 {
    /// Dutch.
    #[serde(default)]
    pub nl: String,
    /// French.
    #[serde(default)]
    pub fr: String,
    /// English.
    #[serde(default)]
    pub en: String,
}

impl Text3 {
    /// The text in `lang`, falling back to another language when empty.
    pub fn get(&self, lang: &str) -> &str {
        let first = match lang {
            "nl" => &self.nl,
            "fr" => &self.fr,
            _ => &self.en,
        };
        [first, &self.nl, &self.en, &self.fr]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", |s| s.as_str())
    }
}

/// An evaluation, read back from its JSON.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalView {
    /// Reference date.
    pub reference_date: String,
    /// Per right.
    pub rights: Vec<RightView>,
    /// The next questions, first first.
    #[serde(default)]
    pub next_questions: Vec<QuestionView>,
}

/// One question to ask.
#[derive(Debug, Clone, Deserialize)]
pub struct QuestionView {
    /// The input's name.
    pub input: String,
    /// The question.
    pub question: Text3,
}

/// The result for one right.
#[derive(Debug, Clone, Deserialize)]
pub struct RightView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Text3,
    /// Who grants it.
    #[serde(default)]
    pub authority: String,
    /// `automatic`, `on_application`, `partly_automatic`.
    #[serde(default)]
    pub granting: String,
    /// Status code.
    pub status: String,
    /// Amount in cents.
    #[serde(default)]
    pub amount_cents: Option<i64>,
    /// Period of the amount.
    #[serde(default)]
    pub amount_period: Option<String>,
    /// Eligible from this date.
    #[serde(default)]
    pub eligible_from: Option<String>,
    /// Reason codes.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Missing inputs.
    #[serde(default)]
    pub missing_inputs: Vec<String>,
    /// Relies on an unverified figure.
    #[serde(default)]
    pub unverified: bool,
    /// The explanation.
    #[serde(default)]
    pub explanation: ExplanationView,
}

/// Why a result is what it is.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExplanationView {
    /// Conditions.
    #[serde(default)]
    pub conditions: Vec<ConditionView>,
    /// Caveats.
    #[serde(default)]
    pub caveats: Vec<CaveatView>,
    /// Parameters used.
    #[serde(default)]
    pub parameters: Vec<ParamView>,
    /// Legal references.
    #[serde(default)]
    pub legal: Vec<LegalView>,
}

/// A condition and its outcome.
#[derive(Debug, Clone, Deserialize)]
pub struct ConditionView {
    /// Id.
    pub id: String,
    /// What it says.
    pub description: Text3,
    /// `pass`, `fail`, `unknown`.
    pub outcome: String,
    /// Routes of an `any_of` condition.
    #[serde(default)]
    pub routes: Vec<RouteView>,
    /// End of a waiting period.
    #[serde(default)]
    pub from_date: Option<String>,
}

/// A route of an `any_of` condition.
#[derive(Debug, Clone, Deserialize)]
pub struct RouteView {
    /// Id.
    pub id: String,
    /// What it says.
    pub description: Text3,
    /// Outcome.
    pub outcome: String,
}

/// A caveat.
#[derive(Debug, Clone, Deserialize)]
pub struct CaveatView {
    /// Id.
    pub id: String,
    /// What it says.
    pub description: Text3,
    /// `pass` (applies), `fail`, `unknown`.
    pub applies: String,
}

/// A parameter value used.
#[derive(Debug, Clone, Deserialize)]
pub struct ParamView {
    /// Name.
    pub name: String,
    /// What it is.
    pub description: Text3,
    /// The value (cents for money).
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    /// Applies from.
    #[serde(default)]
    pub from: Option<String>,
    /// Source address.
    #[serde(default)]
    pub source: Option<String>,
    /// Retrieved on.
    #[serde(default)]
    pub retrieved: Option<String>,
    /// Not confirmed by a source.
    #[serde(default)]
    pub unverified: bool,
}

/// A legal reference.
#[derive(Debug, Clone, Deserialize)]
pub struct LegalView {
    /// Title.
    pub title: String,
    /// Address.
    #[serde(default)]
    pub url: Option<String>,
}

/// The display order of statuses.
pub const STATUS_ORDER: [&str; 5] = [
    "eligible",
    "likely",
    "already_receives",
    "needs_info",
    "not_eligible",
];

/// Rights grouped by status, in [`STATUS_ORDER`].
pub fn grouped(view: &EvalView) -> Vec<(&'static str, Vec<&RightView>)> {
    STATUS_ORDER
        .iter()
        .map(|s| {
            (
                *s,
                view.rights
                    .iter()
                    .filter(|r| r.status == *s)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}
