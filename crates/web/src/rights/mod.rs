//! The rights module in the platform (issue 4): the engine behind the pages, answers from
//! forms, and views of an evaluation.
//!
//! A page shows an evaluation through [`EvalView`], built straight from the engine's structs
//! ([`EvalView::from_evaluation`]) while a check is being answered, or read back from the
//! engine's JSON contract for a finished check, so a stored check renders exactly as it was
//! computed, whatever the rules say later. The stored JSON is written once by the model's
//! [`sterk_rules::JsonWriter`]. Labels that do not depend on the household (statuses,
//! choices, periods, where to go) are translated once per language ([`Labels`]).

pub mod figures;
pub mod pages;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use sterk_domain::FieldErrors;
use sterk_domain::values::{Money, parse_date};
use sterk_i18n::{I18n, Lang};
use sterk_rules::{Evaluation, Household, Model, Ty};

use crate::forms::Fields;

/// The rules model and its version.
pub struct RightsEngine {
    /// The model (the repository's rule files, embedded in the binary).
    pub model: Model,
    /// A digest of every right, input and dated parameter value: the "version of the rules"
    /// stored with each check.
    pub version: String,
    /// The model's JSON writer (the fixed parts of an evaluation's JSON, rendered once).
    pub json: sterk_rules::JsonWriter,
    /// The labels of the rights pages, translated once per language (nl, fr, en).
    labels: [OnceLock<Labels>; 3],
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
        let json = sterk_rules::JsonWriter::new(&model);
        Ok(RightsEngine {
            model,
            version,
            json,
            labels: Default::default(),
        })
    }

    /// The labels of the rights pages in `lang`, translated on first use and kept (the rules
    /// and the translations do not change while the server runs).
    pub fn labels(&self, i18n: &I18n, lang: Lang) -> &Labels {
        let slot = match lang {
            Lang::Nl => &self.labels[0],
            Lang::Fr => &self.labels[1],
            Lang::En => &self.labels[2],
        };
        slot.get_or_init(|| Labels::new(&self.model, i18n, lang))
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

    /// Evaluates answers on `date`.
    pub fn evaluate(
        &self,
        facts: &BTreeMap<String, serde_json::Value>,
        date: time::Date,
    ) -> Result<Evaluation<'_>, String> {
        let household = Household {
            facts: facts.clone(),
        };
        self.model
            .evaluate(&household, date)
            .map_err(|e| format!("{}: {}", e.field, e.message))
    }

    /// The engine's JSON of an evaluation (the API contract), written in one pass by the
    /// model's [`sterk_rules::JsonWriter`]: what a finished check stores.
    pub fn result_json(&self, e: &Evaluation<'_>) -> String {
        let mut out = Vec::with_capacity(64 * 1024);
        self.json.write(e, &mut out);
        String::from_utf8(out).unwrap_or_default()
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
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
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

impl From<&sterk_rules::Text> for Text3 {
    fn from(t: &sterk_rules::Text) -> Text3 {
        Text3 {
            nl: t.nl.clone(),
            fr: t.fr.clone(),
            en: t.en.clone(),
        }
    }
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
#[derive(Debug, Clone, PartialEq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QuestionView {
    /// The input's name.
    pub input: String,
    /// The question.
    pub question: Text3,
}

/// The result for one right.
#[derive(Debug, Clone, PartialEq, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RouteView {
    /// Id.
    pub id: String,
    /// What it says.
    pub description: Text3,
    /// Outcome.
    pub outcome: String,
}

/// A caveat.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CaveatView {
    /// Id.
    pub id: String,
    /// What it says.
    pub description: Text3,
    /// `pass` (applies), `fail`, `unknown`.
    pub applies: String,
}

/// A parameter value used.
#[derive(Debug, Clone, PartialEq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Deserialize)]
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

fn iso(d: time::Date) -> String {
    sterk_domain::values::format_date(d)
}

pub(crate) fn granting_code(g: sterk_rules::Granting) -> &'static str {
    match g {
        sterk_rules::Granting::Automatic => "automatic",
        sterk_rules::Granting::OnApplication => "on_application",
        sterk_rules::Granting::PartlyAutomatic => "partly_automatic",
    }
}

fn param_view(u: &sterk_rules::ParamUse<'_>) -> ParamView {
    let p = u.param;
    match u.value {
        Some(v) => ParamView {
            name: p.name.clone(),
            description: (&p.description).into(),
            value: v.value.map(|x| match p.ty {
                Ty::Date => i32::try_from(x)
                    .ok()
                    .and_then(|jd| time::Date::from_julian_day(jd).ok())
                    .map_or(serde_json::Value::Null, |d| {
                        serde_json::Value::String(iso(d))
                    }),
                Ty::Bool => serde_json::Value::Bool(x != 0),
                _ => x.into(),
            }),
            from: Some(iso(v.from)),
            source: v.source.clone(),
            retrieved: v.retrieved.map(iso),
            unverified: v.unverified || v.value.is_none(),
        },
        None => ParamView {
            name: p.name.clone(),
            description: (&p.description).into(),
            value: None,
            from: None,
            source: None,
            retrieved: None,
            unverified: true,
        },
    }
}

impl EvalView {
    /// The view of an evaluation, built straight from the engine's structs: the same as
    /// reading back the engine's JSON of `e` (a test compares both), without building or
    /// parsing any JSON.
    pub fn from_evaluation(e: &Evaluation<'_>) -> EvalView {
        let model = e.model;
        let rights = e
            .rights
            .iter()
            .map(|r| {
                let right = r.right;
                let o = &r.outcome;
                let conditions = right
                    .conditions
                    .iter()
                    .zip(&r.conditions)
                    .map(|(c, t)| ConditionView {
                        id: c.id.clone(),
                        description: (&c.description).into(),
                        outcome: t.outcome.code().to_owned(),
                        routes: c
                            .routes()
                            .iter()
                            .zip(&t.routes)
                            .map(|(ro, tr)| RouteView {
                                id: ro.id.clone(),
                                description: (&ro.description).into(),
                                outcome: tr.code().to_owned(),
                            })
                            .collect(),
                        from_date: t.from_date.map(iso),
                    })
                    .collect();
                let caveats = right
                    .caveats
                    .iter()
                    .zip(&r.caveats)
                    .map(|(c, t)| CaveatView {
                        id: c.id.clone(),
                        description: (&c.description).into(),
                        applies: t.code().to_owned(),
                    })
                    .collect();
                RightView {
                    id: right.id.clone(),
                    name: (&right.name).into(),
                    authority: right.authority.clone(),
                    granting: granting_code(right.granting).to_owned(),
                    status: o.status.code().to_owned(),
                    amount_cents: o.amount.map(sterk_rules::Money::cents),
                    amount_period: right.amount_period.clone(),
                    eligible_from: o.eligible_from.map(iso),
                    reasons: r.reasons().into_iter().map(str::to_owned).collect(),
                    missing_inputs: r.missing(model).into_iter().map(str::to_owned).collect(),
                    unverified: o.unverified,
                    explanation: ExplanationView {
                        conditions,
                        caveats,
                        parameters: r.parameters.iter().map(param_view).collect(),
                        legal: right
                            .legal
                            .iter()
                            .map(|l| LegalView {
                                title: l.title.clone(),
                                url: l.url.clone(),
                            })
                            .collect(),
                    },
                }
            })
            .collect();
        let next_questions = e
            .next_questions
            .iter()
            .filter_map(|i| model.inputs.get(i))
            .map(|d| QuestionView {
                input: d.name.clone(),
                question: (&d.question).into(),
            })
            .collect();
        EvalView {
            reference_date: iso(e.reference_date),
            rights,
            next_questions,
        }
    }

    /// How many rights were found eligible or likely (for the take-up figures).
    pub fn rights_found(&self) -> i64 {
        self.rights
            .iter()
            .filter(|r| r.status == "eligible" || r.status == "likely")
            .count() as i64
    }
}

/// Per right: the labels that depend only on the model and the language.
#[derive(Debug, Clone, Default)]
pub struct RightLabels {
    /// The period of its amount (`per maand`), empty without one.
    pub period: String,
    /// Where to go next (`Aanvragen bij OCMW`).
    pub where_next: String,
}

/// The labels of the rights pages in one language, translated once ([`RightsEngine::labels`]).
#[derive(Debug, Clone, Default)]
pub struct Labels {
    statuses: HashMap<&'static str, String>,
    outcomes: HashMap<&'static str, String>,
    rights: HashMap<String, RightLabels>,
    /// Per model input (in the model's order): its choices as (value, label).
    pub choices: Vec<Vec<(String, String)>>,
    /// Per model input: its question.
    pub questions: Vec<String>,
    /// `rights-why`.
    pub why: String,
    /// `rights-caveat`.
    pub caveat: String,
    /// `rights-parameters`.
    pub parameters: String,
    /// `rights-parameter`.
    pub parameter: String,
    /// `rights-value`.
    pub value: String,
    /// `rights-since`.
    pub since: String,
    /// `rights-source`.
    pub source: String,
    /// `rights-legal`.
    pub legal: String,
    /// `rights-unverified`.
    pub unverified: String,
    /// `rights-unverified-short`.
    pub unverified_short: String,
    /// `rights-value-unknown`.
    pub value_unknown: String,
    /// `rights-start-followup`.
    pub start_followup: String,
    /// `rights-dont-know`.
    pub dont_know: String,
    /// `rights-money-hint`.
    pub money_hint: String,
    /// `yes`.
    pub yes: String,
    /// `no`.
    pub no: String,
}

/// A translation key part from free text: `year (cap on co-payments)` → `year-cap-on-co-payments`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The label of `period` (`month` → `per maand`).
pub(crate) fn period_label(i18n: &I18n, lang: Lang, period: &str) -> String {
    i18n.t(lang, &format!("rights-period-{}", slug(period)))
}

/// Where to go next for a right granted in this way by this authority.
pub(crate) fn where_next_label(i18n: &I18n, lang: Lang, granting: &str, authority: &str) -> String {
    let how = i18n.t(
        lang,
        &format!("rights-granting-{}", granting.replace('_', "-")),
    );
    format!("{how} {authority}")
}

impl Labels {
    fn new(model: &Model, i18n: &I18n, lang: Lang) -> Labels {
        let t = |k: &str| i18n.t(lang, k);
        let code =
            |prefix: &str, c: &str| i18n.t(lang, &format!("{prefix}-{}", c.replace('_', "-")));
        Labels {
            statuses: STATUS_ORDER
                .iter()
                .map(|s| (*s, code("rights-status", s)))
                .collect(),
            outcomes: ["pass", "fail", "unknown"]
                .into_iter()
                .map(|o| (o, code("rights-outcome", o)))
                .collect(),
            rights: model
                .rights
                .iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        RightLabels {
                            period: r
                                .amount_period
                                .as_deref()
                                .map(|p| period_label(i18n, lang, p))
                                .unwrap_or_default(),
                            where_next: where_next_label(
                                i18n,
                                lang,
                                granting_code(r.granting),
                                &r.authority,
                            ),
                        },
                    )
                })
                .collect(),
            choices: model
                .inputs
                .iter()
                .map(|input| {
                    input
                        .choices
                        .iter()
                        .map(|c| {
                            (
                                c.clone(),
                                t(&format!(
                                    "rights-choice-{}-{}",
                                    input.name.replace('_', "-"),
                                    c.replace('_', "-")
                                )),
                            )
                        })
                        .collect()
                })
                .collect(),
            questions: model
                .inputs
                .iter()
                .map(|i| i.question.get(lang.code()).to_owned())
                .collect(),
            why: t("rights-why"),
            caveat: t("rights-caveat"),
            parameters: t("rights-parameters"),
            parameter: t("rights-parameter"),
            value: t("rights-value"),
            since: t("rights-since"),
            source: t("rights-source"),
            legal: t("rights-legal"),
            unverified: t("rights-unverified"),
            unverified_short: t("rights-unverified-short"),
            value_unknown: t("rights-value-unknown"),
            start_followup: t("rights-start-followup"),
            dont_know: t("rights-dont-know"),
            money_hint: t("rights-money-hint"),
            yes: t("yes"),
            no: t("no"),
        }
    }

    /// The name of a status code.
    pub fn status<'a>(&'a self, code: &'a str) -> &'a str {
        self.statuses.get(code).map_or(code, String::as_str)
    }

    /// The mark of a condition's outcome.
    pub fn outcome<'a>(&'a self, code: &'a str) -> &'a str {
        self.outcomes.get(code).map_or(code, String::as_str)
    }

    /// The labels of a right of the current model (`None` for a right a stored check knows
    /// and the rules no longer have).
    pub fn right(&self, id: &str) -> Option<&RightLabels> {
        self.rights.get(id)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The view built from the engine's structs is the view read back from the stored JSON,
    /// so a check reads the same while it is answered and once stored.
    #[test]
    fn the_view_from_the_structs_is_the_view_from_the_json() {
        let engine = RightsEngine::builtin().unwrap();
        let households = [
            r#"{"region":"flanders","applicant_age":82,"partner":false,"dependent_children":0,"other_adults":0,"monthly_pension":90000}"#,
            r#"{"region":"flanders","applicant_age":34,"partner":false,"dependent_children":2,"other_adults":0,"monthly_net_income":145000,"annual_taxable_income":1740000,"monthly_rent":72000,"legal_residence":true}"#,
            r#"{"region":"brussels"}"#,
            r#"{}"#,
        ];
        let dates = [
            time::macros::date!(2025 - 03 - 01),
            time::macros::date!(2026 - 12 - 04),
            time::macros::date!(2019 - 01 - 01),
        ];
        for h in households {
            let facts: BTreeMap<String, serde_json::Value> = serde_json::from_str(h).unwrap();
            for d in dates {
                let e = engine.evaluate(&facts, d).unwrap();
                let from_json: EvalView = serde_json::from_str(&engine.result_json(&e)).unwrap();
                assert_eq!(EvalView::from_evaluation(&e), from_json, "{h} on {d}");
            }
        }
    }
}
