//! The model: inputs, parameters, definitions and rights, loaded from rule
//! files and compiled into one typed expression graph.

use std::collections::HashMap;

use time::Date;

use crate::diag::{Diagnostic, Severity};
use crate::expr::{self, BinOp, Expr, ExprKind};
use crate::yaml::{self, Kind, Node as Y, Pos};

/// A text in the three languages of the product.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Text {
    /// Dutch.
    pub nl: String,
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

impl Text {
    /// The text in `lang` (`nl`, `fr`, anything else gives English), falling
    /// back to another language when that one is empty.
    pub fn get(&self, lang: &str) -> &str {
        let first = match lang {
            "nl" => &self.nl,
            "fr" => &self.fr,
            _ => &self.en,
        };
        [first, &self.en, &self.nl, &self.fr]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", |s| s.as_str())
    }
}

/// The type of an input, parameter or expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// Yes or no (three-valued at run time: unknown is possible).
    Bool,
    /// A whole number (a count, an age, a number of months).
    Int,
    /// Money in cents.
    Money,
    /// A calendar date.
    Date,
    /// One of a fixed list of choices (index into the input's `choices`).
    Choice(u16),
    /// Used internally after an error so one mistake gives one diagnostic.
    #[doc(hidden)]
    Error,
}

/// An input the engine may ask about. Inputs are declared in `model.yaml` in
/// **ask order**: when several are missing, the earlier one is asked first.
#[derive(Clone, Debug)]
pub struct InputDef {
    /// Field name in household files, CSV columns and JSON.
    pub name: String,
    /// Type.
    pub ty: Ty,
    /// For choice inputs, the allowed values.
    pub choices: Vec<String>,
    /// The question to ask, in nl/fr/en.
    pub question: Text,
}

/// One dated value of a parameter.
#[derive(Clone, Debug)]
pub struct ParamValue {
    /// First day the value applies.
    pub from: Date,
    /// Last day the value applies (inclusive), if known.
    pub until: Option<Date>,
    /// The value in the parameter's unit (cents for money). `None` when the
    /// value for this period is known to exist but was not found.
    pub value: Option<i64>,
    /// Where the value was read.
    pub source: Option<String>,
    /// When it was read there.
    pub retrieved: Option<Date>,
    /// True when the value is not confirmed by a cited source.
    pub unverified: bool,
    /// Free-text remark (e.g. how a derived value was computed).
    pub note: Option<String>,
}

/// A dated parameter (an amount, a threshold, a limit).
#[derive(Clone, Debug)]
pub struct ParamDef {
    /// Name, qualified with the right's id for right-local ones (`leefloon.amount_alone`).
    pub name: String,
    /// Type.
    pub ty: Ty,
    /// Plain-language description.
    pub description: Text,
    /// Values sorted by `from`.
    pub values: Vec<ParamValue>,
}

impl ParamDef {
    /// The value entry applying on `date`, if any.
    pub fn at(&self, date: Date) -> Option<&ParamValue> {
        self.values
            .iter()
            .rev()
            .find(|v| v.from <= date && v.until.is_none_or(|u| date <= u))
    }
}

/// A legal reference or source.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LegalRef {
    /// Title of the text or page.
    pub title: String,
    /// Address.
    pub url: Option<String>,
}

/// How a right is granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Granting {
    /// Granted without an application (data matching).
    Automatic,
    /// Only on application.
    OnApplication,
    /// Some routes automatic, others on application.
    PartlyAutomatic,
}

/// One route of an `any_of` condition.
#[derive(Clone, Debug)]
pub struct Route {
    /// Id, also the reason code when this route makes the condition pass.
    pub id: String,
    /// Plain-language description.
    pub description: Text,
    pub(crate) node: u32,
    pub(crate) slot: u8,
    pub(crate) params: u128,
}

#[derive(Clone, Debug)]
pub(crate) enum CondKind {
    Test(u32),
    AnyOf(Vec<Route>),
    /// Passes from the given date on (a waiting period).
    FromDate(u32),
}

/// A condition of a right.
#[derive(Clone, Debug)]
pub struct Condition {
    /// Id.
    pub id: String,
    /// Plain-language description.
    pub description: Text,
    /// Reason code when the condition fails.
    pub fail_code: String,
    /// Reason code when the condition cannot be decided.
    pub unknown_code: String,
    pub(crate) kind: CondKind,
    pub(crate) fail_slot: u8,
    pub(crate) unknown_slot: u8,
    pub(crate) inputs: u128,
    pub(crate) params: u128,
}

impl Condition {
    /// The routes of an `any_of` condition (empty otherwise).
    pub fn routes(&self) -> &[Route] {
        match &self.kind {
            CondKind::AnyOf(r) => r,
            _ => &[],
        }
    }
    /// True for a waiting-period condition (`from_date`).
    pub fn is_waiting_period(&self) -> bool {
        matches!(self.kind, CondKind::FromDate(_))
    }
}

/// A circumstance that makes an otherwise eligible result only `likely`
/// (e.g. the OCMW's discretion, an application-only income route).
#[derive(Clone, Debug)]
pub struct Caveat {
    /// Id, also the reason code.
    pub id: String,
    /// Plain-language description.
    pub description: Text,
    pub(crate) node: u32,
    pub(crate) slot: u8,
    pub(crate) inputs: u128,
    pub(crate) params: u128,
}

/// A right, as compiled from its rule file.
#[derive(Clone, Debug)]
pub struct Right {
    /// Stable id (file name without extension).
    pub id: String,
    /// Name in nl/fr/en.
    pub name: Text,
    /// Plain-language description in nl/fr/en.
    pub description: Text,
    /// Who grants it.
    pub authority: String,
    /// Automatic or on application.
    pub granting: Granting,
    /// Legal references and source addresses.
    pub legal: Vec<LegalRef>,
    /// Conditions, all of which must pass.
    pub conditions: Vec<Condition>,
    /// Circumstances that make the result only likely.
    pub caveats: Vec<Caveat>,
    /// Unit of the amount: `month`, `year`, `once`, … (free text).
    pub amount_period: Option<String>,
    /// The file it came from.
    pub file: String,
    /// Reason codes by slot (the bit positions of [`crate::ReasonSet`]).
    pub reason_codes: Vec<String>,
    /// Parameters this right uses (indices into [`Model::params`]).
    pub params_used: Vec<u16>,
    pub(crate) already: Option<u32>,
    pub(crate) amount: Option<u32>,
    pub(crate) amount_params: u128,
}

/// Fixed reason slots present in every right.
pub(crate) const SLOT_ALREADY: u8 = 0;
pub(crate) const SLOT_UNVERIFIED: u8 = 1;
pub(crate) const SLOT_PARAM_UNKNOWN: u8 = 2;

/// A node of the compiled expression graph. Children always have smaller
/// indices, so evaluating nodes in index order is a valid schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    Const(Option<i64>),
    Input(u16),
    Param(u16),
    RefDate,
    Not(u32),
    And(u32, u32),
    Or(u32, u32),
    Cmp(CmpOp, u32, u32),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Div(u32, u32),
    Neg(u32),
    If(u32, u32, u32),
    Min(u32, u32),
    Max(u32, u32),
    AddMonths(u32, u32),
    MonthsBetween(u32, u32),
    YearsBetween(u32, u32),
}

/// Hashable copy of [`Cmp`].
pub(crate) type CmpOp = u8;
pub(crate) const CMP_EQ: u8 = 0;
pub(crate) const CMP_NE: u8 = 1;
pub(crate) const CMP_LT: u8 = 2;
pub(crate) const CMP_LE: u8 = 3;
pub(crate) const CMP_GT: u8 = 4;
pub(crate) const CMP_GE: u8 = 5;

/// The whole model: inputs in ask order, parameters, rights.
#[derive(Clone, Debug)]
pub struct Model {
    /// Inputs in ask order.
    pub inputs: Vec<InputDef>,
    /// All parameters (global and right-local).
    pub params: Vec<ParamDef>,
    /// Rights in display order.
    pub rights: Vec<Right>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) input_index: HashMap<String, u16>,
}

impl Model {
    /// The input with this name.
    pub fn input(&self, name: &str) -> Option<(usize, &InputDef)> {
        let i = *self.input_index.get(name)? as usize;
        self.inputs.get(i).map(|d| (i, d))
    }
    /// The right with this id.
    pub fn right(&self, id: &str) -> Option<&Right> {
        self.rights.iter().find(|r| r.id == id)
    }
    /// The number of nodes of the compiled graph (a size measure for benchmarks).
    pub fn graph_size(&self) -> usize {
        self.nodes.len()
    }
}

// ---------------------------------------------------------------------------
// Loading

/// One rule file handed to the loader: its name (for diagnostics) and text.
pub struct SourceFile<'a> {
    /// Path or name as it should appear in diagnostics, e.g. `rules/rights/leefloon.yaml`.
    pub name: &'a str,
    /// Contents.
    pub text: &'a str,
}

struct Diags {
    list: Vec<Diagnostic>,
}

impl Diags {
    fn push(&mut self, file: &str, pos: Pos, sev: Severity, code: &'static str, msg: String) {
        self.list.push(Diagnostic {
            file: file.to_string(),
            line: pos.line,
            col: pos.col,
            severity: sev,
            code,
            message: msg,
        });
    }
    fn err(&mut self, file: &str, pos: Pos, code: &'static str, msg: String) {
        self.push(file, pos, Severity::Error, code, msg);
    }
    fn warn(&mut self, file: &str, pos: Pos, code: &'static str, msg: String) {
        self.push(file, pos, Severity::Warning, code, msg);
    }
}

/// An expression as written, with where it was written.
#[derive(Clone)]
struct SrcExpr {
    file: usize,
    pos: Pos,
    plain: bool,
    text: String,
}

struct RawDef {
    expr: SrcExpr,
}

struct RawCond {
    id: String,
    pos: Pos,
    description: Text,
    fail_code: Option<String>,
    kind: RawCondKind,
}

enum RawCondKind {
    Test(SrcExpr),
    AnyOf(Vec<(String, Text, SrcExpr)>),
    FromDate(SrcExpr),
    Broken,
}

struct RawRight {
    file: usize,
    id: String,
    name: Text,
    description: Text,
    authority: String,
    granting: Granting,
    legal: Vec<LegalRef>,
    params: Vec<(String, usize)>,
    defs: Vec<(String, RawDef)>,
    already: Option<SrcExpr>,
    conditions: Vec<RawCond>,
    caveats: Vec<(String, Pos, Text, SrcExpr)>,
    amount: Option<SrcExpr>,
    amount_period: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum DefState {
    Todo,
    InProgress,
    Done(Ty, u32),
}

struct Compiler<'a> {
    files: &'a [String],
    d: Diags,
    nodes: Vec<Node>,
    node_map: HashMap<Node, u32>,
    inputs: Vec<InputDef>,
    input_index: HashMap<String, u16>,
    params: Vec<ParamDef>,
    global_params: HashMap<String, usize>,
    global_defs: Vec<(String, RawDef)>,
    global_def_state: Vec<DefState>,
    right_defs_state: Vec<DefState>,
}

fn text_of(node: Option<&Y>, file: &str, d: &mut Diags, what: &str, pos: Pos) -> Text {
    let mut t = Text::default();
    match node {
        None => {}
        Some(n) => match &n.kind {
            Kind::Scalar(s, _) => t.en = s.clone(),
            Kind::Map(_) => {
                for (k, v) in n.entries() {
                    let val = v.as_str().unwrap_or("").to_string();
                    match k.as_str() {
                        Some("nl") => t.nl = val,
                        Some("fr") => t.fr = val,
                        Some("en") => t.en = val,
                        _ => d.warn(
                            file,
                            k.pos,
                            "unknown_key",
                            format!("{what}: only nl, fr and en are read here"),
                        ),
                    }
                }
            }
            Kind::Seq(_) => d.err(
                file,
                n.pos,
                "wrong_shape",
                format!("{what} must be a text or a mapping nl/fr/en"),
            ),
        },
    }
    if t.nl.is_empty() && t.fr.is_empty() && t.en.is_empty() && node.is_some() {
        d.warn(file, pos, "missing_text", format!("{what} is empty"));
    }
    t
}

fn scalar_expr(file: usize, n: &Y) -> Option<SrcExpr> {
    match &n.kind {
        Kind::Scalar(s, plain) => Some(SrcExpr {
            file,
            pos: n.pos,
            plain: *plain,
            text: s.clone(),
        }),
        _ => None,
    }
}

fn parse_ty(s: &str) -> Option<Ty> {
    match s {
        "bool" => Some(Ty::Bool),
        "int" => Some(Ty::Int),
        "money" => Some(Ty::Money),
        "date" => Some(Ty::Date),
        _ => None,
    }
}

fn ty_name(t: Ty, inputs: &[InputDef]) -> String {
    match t {
        Ty::Bool => "yes/no".into(),
        Ty::Int => "whole number".into(),
        Ty::Money => "money".into(),
        Ty::Date => "date".into(),
        Ty::Choice(i) => {
            let name = inputs
                .iter()
                .find(|d| d.ty == Ty::Choice(i))
                .map_or("?", |d| d.name.as_str());
            format!("choice of `{name}`")
        }
        Ty::Error => "error".into(),
    }
}

fn jd(d: Date) -> i64 {
    i64::from(d.to_julian_day())
}

const KNOWN_RIGHT_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "authority",
    "granting",
    "legal",
    "parameters",
    "definitions",
    "already_receives",
    "conditions",
    "caveats",
    "amount",
    "amount_period",
];

impl<'a> Compiler<'a> {
    fn fname(&self, f: usize) -> &str {
        self.files.get(f).map_or("?", |s| s.as_str())
    }

    fn intern(&mut self, n: Node) -> u32 {
        if let Some(&i) = self.node_map.get(&n) {
            return i;
        }
        let i = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(n);
        self.node_map.insert(n, i);
        i
    }

    fn load_params(&mut self, file: usize, node: &Y, prefix: &str) -> Vec<(String, usize)> {
        let fname = self.fname(file).to_string();
        let mut out = Vec::new();
        if !matches!(node.kind, Kind::Map(_)) {
            self.d.err(
                &fname,
                node.pos,
                "wrong_shape",
                "`parameters` must be a mapping from names to parameters".into(),
            );
            return out;
        }
        for (k, v) in node.entries() {
            let Some(name) = k.as_str() else { continue };
            let ty = match v.get("type").and_then(|t| t.as_str()) {
                Some(t) => match parse_ty(t) {
                    Some(ty) => ty,
                    None => {
                        self.d.err(
                            &fname,
                            v.get("type").map_or(k.pos, |n| n.pos),
                            "unknown_type",
                            format!("parameter `{name}`: type must be money, int, date or bool"),
                        );
                        Ty::Error
                    }
                },
                None => Ty::Money,
            };
            let description = text_of(
                v.get("description"),
                &fname,
                &mut self.d,
                "description",
                k.pos,
            );
            let mut values: Vec<(Pos, ParamValue)> = Vec::new();
            let Some(vals) = v.get("values") else {
                self.d.err(
                    &fname,
                    k.pos,
                    "missing_values",
                    format!("parameter `{name}` has no `values`"),
                );
                continue;
            };
            for item in vals.items() {
                let p = item.pos;
                let from = match item.get("from").and_then(|n| n.as_str()) {
                    Some(s) => match expr::parse_date_literal(s) {
                        Some(d) => d,
                        None => {
                            self.d.err(
                                &fname,
                                item.get("from").map_or(p, |n| n.pos),
                                "bad_date",
                                format!("`{s}` is not a date YYYY-MM-DD"),
                            );
                            continue;
                        }
                    },
                    None => {
                        self.d.err(&fname, p, "missing_from", format!("parameter `{name}`: every value needs `from` (the date it applies from)"));
                        continue;
                    }
                };
                let until = match item.get("until").and_then(|n| n.as_str()) {
                    Some(s) => match expr::parse_date_literal(s) {
                        Some(d) => Some(d),
                        None => {
                            self.d.err(
                                &fname,
                                item.get("until").map_or(p, |n| n.pos),
                                "bad_date",
                                format!("`{s}` is not a date YYYY-MM-DD"),
                            );
                            None
                        }
                    },
                    None => None,
                };
                let unverified = item
                    .get("unverified")
                    .and_then(|n| n.as_str())
                    .is_some_and(|s| s == "true");
                let value = match item.get("value") {
                    None => {
                        self.d.err(&fname, p, "missing_value", format!("parameter `{name}`: a value entry needs `value` (write `value: unknown` when not found)"));
                        None
                    }
                    Some(n) if n.as_str() == Some("unknown") || n.is_null() => None,
                    Some(n) => {
                        let s = n.as_str().unwrap_or("");
                        let parsed = match ty {
                            Ty::Money | Ty::Int => s.replace('_', "").parse::<i64>().ok(),
                            Ty::Date => expr::parse_date_literal(s).map(jd),
                            Ty::Bool => match s {
                                "true" => Some(1),
                                "false" => Some(0),
                                _ => None,
                            },
                            _ => None,
                        };
                        if parsed.is_none() && ty != Ty::Error {
                            let hint = if ty == Ty::Money {
                                " (money is written in whole cents, e.g. 131420 for €1,314.20)"
                            } else {
                                ""
                            };
                            self.d.err(
                                &fname,
                                n.pos,
                                "type_mismatch",
                                format!(
                                    "parameter `{name}`: `{s}` is not a {}{hint}",
                                    ty_name(ty, &self.inputs)
                                ),
                            );
                        }
                        parsed
                    }
                };
                let source = item
                    .get("source")
                    .and_then(|n| n.as_str())
                    .map(str::to_string);
                let retrieved = item
                    .get("retrieved")
                    .and_then(|n| n.as_str())
                    .and_then(expr::parse_date_literal);
                if source.is_none() && !unverified {
                    self.d.err(&fname, p, "missing_source", format!("parameter `{name}` from {from}: a value needs a `source` address, or `unverified: true`"));
                }
                if source.is_some() && retrieved.is_none() {
                    self.d.warn(&fname, p, "missing_retrieved", format!("parameter `{name}` from {from}: say when the source was read (`retrieved: YYYY-MM-DD`)"));
                }
                if let Some(u) = until
                    && u < from
                {
                    self.d.err(
                        &fname,
                        p,
                        "bad_range",
                        format!("parameter `{name}`: `until` {u} is before `from` {from}"),
                    );
                }
                let note = item
                    .get("note")
                    .and_then(|n| n.as_str())
                    .map(str::to_string);
                values.push((
                    p,
                    ParamValue {
                        from,
                        until,
                        value,
                        source,
                        retrieved,
                        unverified,
                        note,
                    },
                ));
            }
            values.sort_by_key(|(_, v)| v.from);
            for w in values.windows(2) {
                let (a, b) = (&w[0].1, &w[1].1);
                if a.from == b.from || a.until.is_some_and(|u| u >= b.from) {
                    self.d.err(
                        &fname,
                        w[1].0,
                        "overlapping_dates",
                        format!(
                            "parameter `{name}`: the value from {} overlaps the value from {}",
                            b.from, a.from
                        ),
                    );
                }
            }
            let full = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            };
            let idx = self.params.len();
            self.params.push(ParamDef {
                name: full,
                ty,
                description,
                values: values.into_iter().map(|(_, v)| v).collect(),
            });
            out.push((name.to_string(), idx));
        }
        out
    }

    fn load_defs(&mut self, file: usize, node: &Y) -> Vec<(String, RawDef)> {
        let fname = self.fname(file).to_string();
        let mut out = Vec::new();
        for (k, v) in node.entries() {
            let Some(name) = k.as_str() else { continue };
            let e = match &v.kind {
                Kind::Scalar(..) => scalar_expr(file, v),
                Kind::Map(_) => v.get("expr").and_then(|n| scalar_expr(file, n)),
                Kind::Seq(_) => None,
            };
            match e {
                Some(expr) => out.push((name.to_string(), RawDef { expr })),
                None => self.d.err(
                    &fname,
                    v.pos,
                    "wrong_shape",
                    format!("definition `{name}` must be an expression"),
                ),
            }
        }
        out
    }

    fn load_model_file(&mut self, file: usize, root: &Y) -> Vec<String> {
        let fname = self.fname(file).to_string();
        let mut order = Vec::new();
        for (k, v) in root.entries() {
            match k.as_str() {
                Some("inputs") => {
                    for item in v.items() {
                        let Some(name) = item.get("name").and_then(|n| n.as_str()) else {
                            self.d.err(
                                &fname,
                                item.pos,
                                "missing_name",
                                "an input needs a `name`".into(),
                            );
                            continue;
                        };
                        let tnode = item.get("type");
                        let (ty, choices) = match tnode.map(|n| &n.kind) {
                            Some(Kind::Scalar(s, _)) => match parse_ty(s) {
                                Some(t) => (t, Vec::new()),
                                None => {
                                    self.d.err(&fname, tnode.map_or(item.pos, |n| n.pos), "unknown_type", format!("input `{name}`: type must be bool, int, money, date or a list of choices"));
                                    (Ty::Error, Vec::new())
                                }
                            },
                            Some(Kind::Seq(items)) => {
                                let ch: Vec<String> = items
                                    .iter()
                                    .filter_map(|n| n.as_str().map(str::to_string))
                                    .collect();
                                (
                                    Ty::Choice(
                                        u16::try_from(self.inputs.len()).unwrap_or(u16::MAX),
                                    ),
                                    ch,
                                )
                            }
                            _ => {
                                self.d.err(
                                    &fname,
                                    item.pos,
                                    "unknown_type",
                                    format!("input `{name}` needs a `type`"),
                                );
                                (Ty::Error, Vec::new())
                            }
                        };
                        if self.input_index.contains_key(name) {
                            self.d.err(
                                &fname,
                                item.pos,
                                "duplicate",
                                format!("input `{name}` is declared twice"),
                            );
                            continue;
                        }
                        if self.inputs.len() >= 128 {
                            self.d.err(
                                &fname,
                                item.pos,
                                "too_many_inputs",
                                "at most 128 inputs are supported".into(),
                            );
                            continue;
                        }
                        let question = text_of(
                            item.get("question"),
                            &fname,
                            &mut self.d,
                            "question",
                            item.pos,
                        );
                        self.input_index.insert(
                            name.to_string(),
                            u16::try_from(self.inputs.len()).unwrap_or(u16::MAX),
                        );
                        self.inputs.push(InputDef {
                            name: name.to_string(),
                            ty,
                            choices,
                            question,
                        });
                    }
                }
                Some("parameters") => {
                    for (n, i) in self.load_params(file, v, "") {
                        self.global_params.insert(n, i);
                    }
                }
                Some("definitions") => {
                    let defs = self.load_defs(file, v);
                    self.global_defs.extend(defs);
                }
                Some("rights_order") => {
                    order = v
                        .items()
                        .iter()
                        .filter_map(|n| n.as_str().map(str::to_string))
                        .collect();
                }
                Some(other) => self.d.warn(
                    &fname,
                    k.pos,
                    "unknown_key",
                    format!("`{other}` is not read in model.yaml"),
                ),
                None => {}
            }
        }
        self.global_def_state = vec![DefState::Todo; self.global_defs.len()];
        order
    }

    fn load_right_file(&mut self, file: usize, root: &Y) -> Option<RawRight> {
        let fname = self.fname(file).to_string();
        if !matches!(root.kind, Kind::Map(_)) {
            self.d.err(
                &fname,
                root.pos,
                "wrong_shape",
                "a right file is a mapping (id:, name:, conditions:, …)".into(),
            );
            return None;
        }
        for (k, _) in root.entries() {
            if let Some(key) = k.as_str()
                && !KNOWN_RIGHT_KEYS.contains(&key)
            {
                self.d.warn(
                    &fname,
                    k.pos,
                    "unknown_key",
                    format!("`{key}` is not read in a right file"),
                );
            }
        }
        let Some(id) = root.get("id").and_then(|n| n.as_str()).map(str::to_string) else {
            self.d.err(
                &fname,
                root.pos,
                "missing_id",
                "a right needs an `id`".into(),
            );
            return None;
        };
        let name = text_of(root.get("name"), &fname, &mut self.d, "name", root.pos);
        if root.get("name").is_none() {
            self.d.err(
                &fname,
                root.pos,
                "missing_name",
                "a right needs a `name` in nl, fr and en".into(),
            );
        }
        let description = text_of(
            root.get("description"),
            &fname,
            &mut self.d,
            "description",
            root.pos,
        );
        let authority = root
            .get("authority")
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string();
        let granting = match root.get("granting").and_then(|n| n.as_str()) {
            Some("automatic") => Granting::Automatic,
            Some("on_application") => Granting::OnApplication,
            Some("partly_automatic") => Granting::PartlyAutomatic,
            other => {
                self.d.err(&fname, root.get("granting").map_or(root.pos, |n| n.pos), "bad_granting", format!("`granting` must be automatic, on_application or partly_automatic (found {other:?})"));
                Granting::OnApplication
            }
        };
        let mut legal = Vec::new();
        for item in root.get("legal").map(|n| n.items()).unwrap_or(&[]) {
            let title = item
                .get("title")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string();
            let url = item.get("url").and_then(|n| n.as_str()).map(str::to_string);
            if url.is_none() {
                self.d.warn(
                    &fname,
                    item.pos,
                    "missing_source",
                    format!("legal reference `{title}` has no `url`"),
                );
            }
            legal.push(LegalRef { title, url });
        }
        if legal.is_empty() {
            self.d.warn(
                &fname,
                root.pos,
                "missing_source",
                "a right should cite at least one legal reference or source (`legal:`)".into(),
            );
        }
        let params = root
            .get("parameters")
            .map(|n| self.load_params(file, n, &id))
            .unwrap_or_default();
        let defs = root
            .get("definitions")
            .map(|n| self.load_defs(file, n))
            .unwrap_or_default();
        let already = root
            .get("already_receives")
            .and_then(|n| scalar_expr(file, n));
        let mut conditions = Vec::new();
        for item in root.get("conditions").map(|n| n.items()).unwrap_or(&[]) {
            let Some(cid) = item.get("id").and_then(|n| n.as_str()) else {
                self.d.err(
                    &fname,
                    item.pos,
                    "missing_id",
                    "a condition needs an `id`".into(),
                );
                continue;
            };
            let description = text_of(
                item.get("description"),
                &fname,
                &mut self.d,
                "description",
                item.pos,
            );
            let fail_code = item
                .get("fail_reason")
                .and_then(|n| n.as_str())
                .map(str::to_string);
            let kind = if let Some(t) = item.get("test") {
                scalar_expr(file, t).map_or(RawCondKind::Broken, RawCondKind::Test)
            } else if let Some(t) = item.get("from_date") {
                scalar_expr(file, t).map_or(RawCondKind::Broken, RawCondKind::FromDate)
            } else if let Some(list) = item.get("any_of") {
                let mut routes = Vec::new();
                for r in list.items() {
                    let rid = r
                        .get("id")
                        .and_then(|n| n.as_str())
                        .unwrap_or("")
                        .to_string();
                    if rid.is_empty() {
                        self.d
                            .err(&fname, r.pos, "missing_id", "a route needs an `id`".into());
                    }
                    let rdesc = text_of(
                        r.get("description"),
                        &fname,
                        &mut self.d,
                        "description",
                        r.pos,
                    );
                    match r.get("test").and_then(|n| scalar_expr(file, n)) {
                        Some(e) => routes.push((rid, rdesc, e)),
                        None => self.d.err(
                            &fname,
                            r.pos,
                            "missing_test",
                            "a route needs a `test`".into(),
                        ),
                    }
                }
                RawCondKind::AnyOf(routes)
            } else {
                self.d.err(
                    &fname,
                    item.pos,
                    "missing_test",
                    format!("condition `{cid}` needs `test`, `any_of` or `from_date`"),
                );
                RawCondKind::Broken
            };
            conditions.push(RawCond {
                id: cid.to_string(),
                pos: item.pos,
                description,
                fail_code,
                kind,
            });
        }
        let mut caveats = Vec::new();
        for item in root.get("caveats").map(|n| n.items()).unwrap_or(&[]) {
            let cid = item
                .get("id")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string();
            let description = text_of(
                item.get("description"),
                &fname,
                &mut self.d,
                "description",
                item.pos,
            );
            match item.get("when").and_then(|n| scalar_expr(file, n)) {
                Some(e) if !cid.is_empty() => caveats.push((cid, item.pos, description, e)),
                _ => self.d.err(
                    &fname,
                    item.pos,
                    "missing_test",
                    "a caveat needs an `id` and a `when` expression".into(),
                ),
            }
        }
        let amount = root.get("amount").and_then(|n| scalar_expr(file, n));
        let amount_period = root
            .get("amount_period")
            .and_then(|n| n.as_str())
            .map(str::to_string);
        Some(RawRight {
            file,
            id,
            name,
            description,
            authority,
            granting,
            legal,
            params,
            defs,
            already,
            conditions,
            caveats,
            amount,
            amount_period,
        })
    }

    // -- expression compilation ------------------------------------------

    fn expr_pos(&self, e: &SrcExpr, off: usize) -> Pos {
        let before = e.text.get(..off).unwrap_or(&e.text);
        let nl = before.matches('\n').count();
        if nl == 0 && !e.text.contains('\n') {
            let cols = before.chars().count();
            Pos {
                line: e.pos.line,
                col: e.pos.col + u32::try_from(cols).unwrap_or(0) + u32::from(!e.plain),
            }
        } else {
            // Block scalars: the text starts on the next line; columns are
            // relative to the text, which is good enough to find the spot.
            let last = before.rsplit('\n').next().unwrap_or("");
            Pos {
                line: e.pos.line + u32::try_from(nl).unwrap_or(0) + u32::from(!e.plain),
                col: u32::try_from(last.chars().count()).unwrap_or(0) + 1,
            }
        }
    }

    fn compile_src(
        &mut self,
        e: &SrcExpr,
        right: Option<&RawRight>,
        right_state_base: usize,
    ) -> (Ty, u32) {
        let (ast, errs) = expr::parse(&e.text);
        let fname = self.fname(e.file).to_string();
        for (off, msg) in errs {
            let p = self.expr_pos(e, off);
            self.d.err(&fname, p, "syntax", msg);
        }
        self.compile(&ast, e, right, right_state_base)
    }

    fn err_at(&mut self, e: &SrcExpr, off: usize, code: &'static str, msg: String) -> (Ty, u32) {
        let p = self.expr_pos(e, off);
        let f = self.fname(e.file).to_string();
        self.d.err(&f, p, code, msg);
        let n = self.intern(Node::Const(None));
        (Ty::Error, n)
    }

    fn resolve(
        &mut self,
        name: &str,
        e: &SrcExpr,
        off: usize,
        right: Option<&RawRight>,
        base: usize,
    ) -> (Ty, u32) {
        if name == "reference_date" {
            let n = self.intern(Node::RefDate);
            return (Ty::Date, n);
        }
        if let Some(r) = right {
            if let Some(i) = r.defs.iter().position(|(n, _)| n == name) {
                return self.compile_def(
                    DefRef::Right(base + i),
                    &r.defs[i].1.expr.clone(),
                    name,
                    e,
                    off,
                    right,
                    base,
                );
            }
            if let Some(&(_, p)) = r.params.iter().find(|(n, _)| n == name) {
                return self.param_node(p);
            }
        }
        if let Some(i) = self.global_defs.iter().position(|(n, _)| n == name) {
            let expr = self.global_defs[i].1.expr.clone();
            return self.compile_def(DefRef::Global(i), &expr, name, e, off, None, 0);
        }
        if let Some(&p) = self.global_params.get(name) {
            return self.param_node(p);
        }
        if let Some(&i) = self.input_index.get(name) {
            let ty = self.inputs[i as usize].ty;
            let n = self.intern(Node::Input(i));
            return (ty, n);
        }
        self.err_at(
            e,
            off,
            "unknown_variable",
            format!("unknown name `{name}` (not an input, parameter or definition)"),
        )
    }

    fn param_node(&mut self, p: usize) -> (Ty, u32) {
        let ty = self.params[p].ty;
        let n = self.intern(Node::Param(u16::try_from(p).unwrap_or(u16::MAX)));
        (ty, n)
    }

    #[allow(clippy::too_many_arguments)]
    fn compile_def(
        &mut self,
        which: DefRef,
        expr: &SrcExpr,
        name: &str,
        user: &SrcExpr,
        off: usize,
        right: Option<&RawRight>,
        base: usize,
    ) -> (Ty, u32) {
        let state = match which {
            DefRef::Global(i) => self.global_def_state[i],
            DefRef::Right(i) => self.right_defs_state[i],
        };
        match state {
            DefState::Done(t, n) => (t, n),
            DefState::InProgress => self.err_at(
                user,
                off,
                "cycle",
                format!("`{name}` is defined in terms of itself (a cycle of definitions)"),
            ),
            DefState::Todo => {
                self.set_def(which, DefState::InProgress);
                let (t, n) = self.compile_src(expr, right, base);
                self.set_def(which, DefState::Done(t, n));
                (t, n)
            }
        }
    }

    fn set_def(&mut self, which: DefRef, s: DefState) {
        match which {
            DefRef::Global(i) => self.global_def_state[i] = s,
            DefRef::Right(i) => self.right_defs_state[i] = s,
        }
    }

    fn compile(
        &mut self,
        ast: &Expr,
        e: &SrcExpr,
        right: Option<&RawRight>,
        base: usize,
    ) -> (Ty, u32) {
        match &ast.kind {
            ExprKind::Error => {
                let n = self.intern(Node::Const(None));
                (Ty::Error, n)
            }
            ExprKind::Bool(b) => (Ty::Bool, self.intern(Node::Const(Some(i64::from(*b))))),
            ExprKind::Int(i) => (Ty::Int, self.intern(Node::Const(Some(*i)))),
            ExprKind::Money(c) => (Ty::Money, self.intern(Node::Const(Some(*c)))),
            ExprKind::Date(d) => (Ty::Date, self.intern(Node::Const(Some(jd(*d))))),
            ExprKind::Text(s) => self.err_at(
                e,
                ast.off,
                "type_mismatch",
                format!(
                    "text '{s}' can only be compared with a choice input (e.g. region == '{s}')"
                ),
            ),
            ExprKind::Var(name) => self.resolve(name, e, ast.off, right, base),
            ExprKind::Neg(x) => {
                let (t, n) = self.compile(x, e, right, base);
                match t {
                    Ty::Int | Ty::Money => (t, self.intern(Node::Neg(n))),
                    Ty::Error => (t, n),
                    _ => self.err_at(
                        e,
                        ast.off,
                        "type_mismatch",
                        format!("cannot negate a {}", ty_name(t, &self.inputs)),
                    ),
                }
            }
            ExprKind::Not(x) => {
                let (t, n) = self.compile(x, e, right, base);
                match t {
                    Ty::Bool => (t, self.intern(Node::Not(n))),
                    Ty::Error => (t, n),
                    _ => self.err_at(
                        e,
                        ast.off,
                        "type_mismatch",
                        format!("`not` needs yes/no, found {}", ty_name(t, &self.inputs)),
                    ),
                }
            }
            ExprKind::If(c, a, b) => {
                let (tc, nc) = self.compile(c, e, right, base);
                let (ta, na) = self.compile(a, e, right, base);
                let (tb, nb) = self.compile(b, e, right, base);
                if tc != Ty::Bool && tc != Ty::Error {
                    return self.err_at(
                        e,
                        c.off,
                        "type_mismatch",
                        format!(
                            "`if` needs a yes/no condition, found {}",
                            ty_name(tc, &self.inputs)
                        ),
                    );
                }
                if ta == Ty::Error || tb == Ty::Error || tc == Ty::Error {
                    return (
                        if ta == Ty::Error { tb } else { ta },
                        self.intern(Node::Const(None)),
                    );
                }
                if ta != tb {
                    return self.err_at(
                        e,
                        b.off,
                        "type_mismatch",
                        format!(
                            "both branches of `if` must have the same type ({} vs {})",
                            ty_name(ta, &self.inputs),
                            ty_name(tb, &self.inputs)
                        ),
                    );
                }
                (ta, self.intern(Node::If(nc, na, nb)))
            }
            ExprKind::Binary(op, l, r) => self.compile_bin(*op, l, r, ast.off, e, right, base),
            ExprKind::Call(name, args) => self.compile_call(name, args, ast.off, e, right, base),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn compile_bin(
        &mut self,
        op: BinOp,
        l: &Expr,
        r: &Expr,
        off: usize,
        e: &SrcExpr,
        right: Option<&RawRight>,
        base: usize,
    ) -> (Ty, u32) {
        // A text literal compared with a choice input becomes the choice's index.
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            let (lit, other) = match (&l.kind, &r.kind) {
                (ExprKind::Text(s), _) => (Some(s), r),
                (_, ExprKind::Text(s)) => (Some(s), l),
                _ => (None, l),
            };
            if let Some(s) = lit {
                let (t, n) = self.compile(other, e, right, base);
                let Ty::Choice(ci) = t else {
                    if t == Ty::Error {
                        return (Ty::Bool, n);
                    }
                    return self.err_at(
                        e,
                        off,
                        "type_mismatch",
                        format!(
                            "'{s}' can only be compared with a choice input, not with a {}",
                            ty_name(t, &self.inputs)
                        ),
                    );
                };
                let Some(idx) = self
                    .inputs
                    .get(ci as usize)
                    .and_then(|d| d.choices.iter().position(|c| c == s))
                else {
                    let allowed = self
                        .inputs
                        .get(ci as usize)
                        .map(|d| d.choices.join(", "))
                        .unwrap_or_default();
                    return self.err_at(
                        e,
                        off,
                        "unknown_choice",
                        format!("'{s}' is not one of the choices ({allowed})"),
                    );
                };
                let c = self.intern(Node::Const(Some(i64::try_from(idx).unwrap_or(0))));
                let cmp = if op == BinOp::Eq { CMP_EQ } else { CMP_NE };
                return (Ty::Bool, self.intern(Node::Cmp(cmp, n, c)));
            }
        }
        let (tl, nl) = self.compile(l, e, right, base);
        let (tr, nr) = self.compile(r, e, right, base);
        let result_if_error = match op {
            BinOp::Or
            | BinOp::And
            | BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge => Ty::Bool,
            _ => {
                if tl == Ty::Error {
                    tr
                } else {
                    tl
                }
            }
        };
        if tl == Ty::Error || tr == Ty::Error {
            return (result_if_error, self.intern(Node::Const(None)));
        }
        let mismatch = |s: &mut Self| {
            let msg = format!(
                "`{}` cannot combine {} and {}",
                op.symbol(),
                ty_name(tl, &s.inputs),
                ty_name(tr, &s.inputs)
            );
            s.err_at(e, off, "type_mismatch", msg)
        };
        match op {
            BinOp::Or | BinOp::And => {
                if tl != Ty::Bool || tr != Ty::Bool {
                    return mismatch(self);
                }
                let n = if op == BinOp::And {
                    Node::And(nl, nr)
                } else {
                    Node::Or(nl, nr)
                };
                (Ty::Bool, self.intern(n))
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordered = matches!(tl, Ty::Int | Ty::Money | Ty::Date);
                if tl != tr || (!ordered && !matches!(op, BinOp::Eq | BinOp::Ne)) {
                    return mismatch(self);
                }
                let c = match op {
                    BinOp::Eq => CMP_EQ,
                    BinOp::Ne => CMP_NE,
                    BinOp::Lt => CMP_LT,
                    BinOp::Le => CMP_LE,
                    BinOp::Gt => CMP_GT,
                    _ => CMP_GE,
                };
                (Ty::Bool, self.intern(Node::Cmp(c, nl, nr)))
            }
            BinOp::Add | BinOp::Sub => {
                if tl != tr || !matches!(tl, Ty::Int | Ty::Money) {
                    return mismatch(self);
                }
                let n = if op == BinOp::Add {
                    Node::Add(nl, nr)
                } else {
                    Node::Sub(nl, nr)
                };
                (tl, self.intern(n))
            }
            BinOp::Mul => match (tl, tr) {
                (Ty::Int, Ty::Int) => (Ty::Int, self.intern(Node::Mul(nl, nr))),
                (Ty::Money, Ty::Int) | (Ty::Int, Ty::Money) => {
                    (Ty::Money, self.intern(Node::Mul(nl, nr)))
                }
                _ => mismatch(self),
            },
            BinOp::Div => match (tl, tr) {
                (Ty::Int, Ty::Int) | (Ty::Money, Ty::Int) => (tl, self.intern(Node::Div(nl, nr))),
                _ => mismatch(self),
            },
        }
    }

    fn compile_call(
        &mut self,
        name: &str,
        args: &[Expr],
        off: usize,
        e: &SrcExpr,
        right: Option<&RawRight>,
        base: usize,
    ) -> (Ty, u32) {
        let compiled: Vec<(Ty, u32)> = args
            .iter()
            .map(|a| self.compile(a, e, right, base))
            .collect();
        if compiled.iter().any(|(t, _)| *t == Ty::Error) {
            let t = match name {
                "add_months" | "add_years" => Ty::Date,
                "months_between" | "years_between" => Ty::Int,
                _ => compiled
                    .iter()
                    .map(|c| c.0)
                    .find(|t| *t != Ty::Error)
                    .unwrap_or(Ty::Error),
            };
            return (t, self.intern(Node::Const(None)));
        }
        let arity = |s: &mut Self, n: usize| -> bool {
            if compiled.len() != n {
                let p = s.expr_pos(e, off);
                let f = s.fname(e.file).to_string();
                s.d.err(
                    &f,
                    p,
                    "wrong_arguments",
                    format!("`{name}` takes {n} arguments, found {}", compiled.len()),
                );
                false
            } else {
                true
            }
        };
        match name {
            "min" | "max" => {
                if compiled.len() < 2 {
                    return self.err_at(e, off, "wrong_arguments", format!("`{name}` needs at least two values"));
                }
                let t = compiled[0].0;
                if !matches!(t, Ty::Int | Ty::Money | Ty::Date) || compiled.iter().any(|c| c.0 != t) {
                    return self.err_at(e, off, "type_mismatch", format!("`{name}` needs values of one type: numbers, money or dates"));
                }
                let mut acc = compiled[0].1;
                for c in &compiled[1..] {
                    acc = self.intern(if name == "min" { Node::Min(acc, c.1) } else { Node::Max(acc, c.1) });
                }
                (t, acc)
            }
            "add_months" | "add_years" => {
                if !arity(self, 2) {
                    return (Ty::Date, self.intern(Node::Const(None)));
                }
                if compiled[0].0 != Ty::Date || compiled[1].0 != Ty::Int {
                    return self.err_at(e, off, "type_mismatch", format!("`{name}(date, number)`"));
                }
                let mut months = compiled[1].1;
                if name == "add_years" {
                    let twelve = self.intern(Node::Const(Some(12)));
                    months = self.intern(Node::Mul(months, twelve));
                }
                (Ty::Date, self.intern(Node::AddMonths(compiled[0].1, months)))
            }
            "months_between" | "years_between" => {
                if !arity(self, 2) {
                    return (Ty::Int, self.intern(Node::Const(None)));
                }
                if compiled[0].0 != Ty::Date || compiled[1].0 != Ty::Date {
                    return self.err_at(e, off, "type_mismatch", format!("`{name}(from_date, to_date)`"));
                }
                let n = if name == "years_between" {
                    self.intern(Node::YearsBetween(compiled[0].1, compiled[1].1))
                } else {
                    self.intern(Node::MonthsBetween(compiled[0].1, compiled[1].1))
                };
                (Ty::Int, n)
            }
            _ => self.err_at(e, off, "unknown_function", format!("unknown function `{name}` (known: min, max, add_months, add_years, months_between, years_between)")),
        }
    }
}

#[derive(Clone, Copy)]
enum DefRef {
    Global(usize),
    Right(usize),
}

/// Loads a model from rule files given as text. `model.yaml` (inputs,
/// shared parameters and definitions) is recognised by its file name; every
/// other file is a right. Never panics; returns the model when one could be
/// built (even with errors, from what was understood) and all diagnostics.
pub fn load_sources(files: &[SourceFile<'_>]) -> (Option<Model>, Vec<Diagnostic>) {
    let names: Vec<String> = files.iter().map(|f| f.name.to_string()).collect();
    let mut c = Compiler {
        files: &names,
        d: Diags { list: Vec::new() },
        nodes: Vec::new(),
        node_map: HashMap::new(),
        inputs: Vec::new(),
        input_index: HashMap::new(),
        params: Vec::new(),
        global_params: HashMap::new(),
        global_defs: Vec::new(),
        global_def_state: Vec::new(),
        right_defs_state: Vec::new(),
    };
    let mut trees = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let (root, errs) = yaml::parse(f.text);
        for (p, m) in errs {
            c.d.err(f.name, p, "syntax", m);
        }
        trees.push((i, root));
    }
    let is_model = |i: usize| names[i].rsplit(['/', '\\']).next() == Some("model.yaml");
    let mut order = Vec::new();
    let mut found_model = false;
    for (i, root) in &trees {
        if is_model(*i) {
            found_model = true;
            if let Some(r) = root {
                order = c.load_model_file(*i, r);
            }
        }
    }
    if !found_model {
        c.d.err(
            "model.yaml",
            Pos::default(),
            "missing_file",
            "no model.yaml (inputs in ask order) among the rule files".into(),
        );
    }
    let mut raws = Vec::new();
    for (i, root) in &trees {
        if is_model(*i) {
            continue;
        }
        if let Some(r) = root
            && let Some(raw) = c.load_right_file(*i, r)
        {
            if raws.iter().any(|x: &RawRight| x.id == raw.id) {
                let f = names[*i].clone();
                c.d.err(
                    &f,
                    r.pos,
                    "duplicate",
                    format!("right `{}` is defined twice", raw.id),
                );
                continue;
            }
            raws.push(raw);
        }
    }
    // Global definitions are compiled even when no right uses them, so their
    // errors are reported.
    for i in 0..c.global_defs.len() {
        let expr = c.global_defs[i].1.expr.clone();
        let name = c.global_defs[i].0.clone();
        c.compile_def(DefRef::Global(i), &expr, &name, &expr, 0, None, 0);
    }
    let mut rights = Vec::new();
    for raw in &raws {
        if let Some(r) = compile_right(&mut c, raw) {
            rights.push(r);
        }
    }
    rights.sort_by_key(|r| {
        let pos = order.iter().position(|o| *o == r.id).unwrap_or(usize::MAX);
        (pos, r.id.clone())
    });
    for o in &order {
        if !rights.iter().any(|r| &r.id == o) {
            c.d.warn(
                "model.yaml",
                Pos::default(),
                "unknown_right",
                format!("rights_order names `{o}`, which has no rule file"),
            );
        }
    }
    let input_bits = input_bits(&c.nodes);
    let param_bits = param_bits(&c.nodes);
    if c.params.len() > 128 {
        c.d.err(
            "model.yaml",
            Pos::default(),
            "too_many_parameters",
            "at most 128 parameters are supported".into(),
        );
    }
    for r in &mut rights {
        for cond in &mut r.conditions {
            cond.inputs = match &cond.kind {
                CondKind::Test(n) | CondKind::FromDate(n) => input_bits[*n as usize],
                CondKind::AnyOf(routes) => routes
                    .iter()
                    .fold(0, |a, ro| a | input_bits[ro.node as usize]),
            };
            cond.params = match &mut cond.kind {
                CondKind::Test(n) | CondKind::FromDate(n) => param_bits[*n as usize],
                CondKind::AnyOf(routes) => {
                    for ro in routes.iter_mut() {
                        ro.params = param_bits[ro.node as usize];
                    }
                    routes.iter().fold(0, |a, ro| a | ro.params)
                }
            };
        }
        for cv in &mut r.caveats {
            cv.inputs = input_bits[cv.node as usize];
            cv.params = param_bits[cv.node as usize];
        }
        r.amount_params = r.amount.map_or(0, |n| param_bits[n as usize]);
        r.params_used = params_used(&c.nodes, r);
    }
    let mut diags = c.d.list;
    diags.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    let model = Model {
        inputs: c.inputs,
        params: c.params,
        rights,
        nodes: c.nodes,
        input_index: c.input_index,
    };
    (Some(model), diags)
}

pub(crate) fn children(n: &Node) -> [Option<u32>; 3] {
    match *n {
        Node::Const(_) | Node::Input(_) | Node::Param(_) | Node::RefDate => [None; 3],
        Node::Not(a) | Node::Neg(a) => [Some(a), None, None],
        Node::And(a, b)
        | Node::Or(a, b)
        | Node::Cmp(_, a, b)
        | Node::Add(a, b)
        | Node::Sub(a, b)
        | Node::Mul(a, b)
        | Node::Div(a, b)
        | Node::Min(a, b)
        | Node::Max(a, b)
        | Node::AddMonths(a, b)
        | Node::MonthsBetween(a, b)
        | Node::YearsBetween(a, b) => [Some(a), Some(b), None],
        Node::If(a, b, c) => [Some(a), Some(b), Some(c)],
    }
}

fn input_bits(nodes: &[Node]) -> Vec<u128> {
    let mut bits = vec![0u128; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        let mut b = 0u128;
        if let Node::Input(s) = n {
            b |= 1u128 << (u32::from(*s) & 127);
        }
        for c in children(n).into_iter().flatten() {
            b |= bits.get(c as usize).copied().unwrap_or(0);
        }
        bits[i] = b;
    }
    bits
}

fn param_bits(nodes: &[Node]) -> Vec<u128> {
    let mut bits = vec![0u128; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        let mut b = 0u128;
        if let Node::Param(p) = n {
            b |= 1u128 << (u32::from(*p) & 127);
        }
        for c in children(n).into_iter().flatten() {
            b |= bits.get(c as usize).copied().unwrap_or(0);
        }
        bits[i] = b;
    }
    bits
}

fn params_used(nodes: &[Node], r: &Right) -> Vec<u16> {
    let mut roots: Vec<u32> = Vec::new();
    for c in &r.conditions {
        match &c.kind {
            CondKind::Test(n) | CondKind::FromDate(n) => roots.push(*n),
            CondKind::AnyOf(rs) => roots.extend(rs.iter().map(|r| r.node)),
        }
    }
    roots.extend(r.caveats.iter().map(|c| c.node));
    roots.extend(r.amount);
    roots.extend(r.already);
    let mut seen = vec![false; nodes.len()];
    let mut out = Vec::new();
    while let Some(n) = roots.pop() {
        let Some(s) = seen.get_mut(n as usize) else {
            continue;
        };
        if *s {
            continue;
        }
        *s = true;
        if let Some(Node::Param(p)) = nodes.get(n as usize) {
            out.push(*p);
        }
        if let Some(node) = nodes.get(n as usize) {
            roots.extend(children(node).into_iter().flatten());
        }
    }
    out.sort_unstable();
    out
}

fn compile_right(c: &mut Compiler<'_>, raw: &RawRight) -> Option<Right> {
    let fname = c.fname(raw.file).to_string();
    let base = c.right_defs_state.len();
    c.right_defs_state
        .extend(std::iter::repeat_n(DefState::Todo, raw.defs.len()));
    let mut codes: Vec<String> = vec![
        "already_receives".into(),
        "unverified_parameter".into(),
        "parameter_unknown".into(),
    ];
    let slot = |codes: &mut Vec<String>, code: &str| -> u8 {
        if let Some(i) = codes.iter().position(|c| c == code) {
            return u8::try_from(i).unwrap_or(63);
        }
        codes.push(code.to_string());
        u8::try_from(codes.len() - 1).unwrap_or(63)
    };
    let expect_bool = |c: &mut Compiler<'_>, e: &SrcExpr, t: Ty, what: &str| {
        if t != Ty::Bool && t != Ty::Error {
            let p = c.expr_pos(e, 0);
            let msg = format!("{what} must be yes/no, found {}", ty_name(t, &c.inputs));
            c.d.err(&fname, p, "type_mismatch", msg);
        }
    };
    // Right-local definitions are compiled first so their errors are reported
    // even when unused.
    for (i, (name, def)) in raw.defs.iter().enumerate() {
        let e = def.expr.clone();
        c.compile_def(DefRef::Right(base + i), &e, name, &e, 0, Some(raw), base);
    }
    let already = raw.already.as_ref().map(|e| {
        let (t, n) = c.compile_src(e, Some(raw), base);
        expect_bool(c, e, t, "already_receives");
        n
    });
    let mut conditions = Vec::new();
    for rc in &raw.conditions {
        let fail_code = rc.fail_code.clone().unwrap_or_else(|| rc.id.clone());
        let unknown_code = format!("{}_unknown", rc.id);
        let fail_slot = slot(&mut codes, &fail_code);
        let unknown_slot = slot(&mut codes, &unknown_code);
        let kind = match &rc.kind {
            RawCondKind::Test(e) => {
                let (t, n) = c.compile_src(e, Some(raw), base);
                expect_bool(c, e, t, "a condition's test");
                CondKind::Test(n)
            }
            RawCondKind::FromDate(e) => {
                let (t, n) = c.compile_src(e, Some(raw), base);
                if t != Ty::Date && t != Ty::Error {
                    let p = c.expr_pos(e, 0);
                    c.d.err(
                        &fname,
                        p,
                        "type_mismatch",
                        "`from_date` must be a date".into(),
                    );
                }
                CondKind::FromDate(n)
            }
            RawCondKind::AnyOf(routes) => {
                let mut out = Vec::new();
                for (id, desc, e) in routes {
                    let (t, n) = c.compile_src(e, Some(raw), base);
                    expect_bool(c, e, t, "a route's test");
                    let s = slot(&mut codes, id);
                    out.push(Route {
                        id: id.clone(),
                        description: desc.clone(),
                        node: n,
                        slot: s,
                        params: 0,
                    });
                }
                CondKind::AnyOf(out)
            }
            RawCondKind::Broken => CondKind::Test(c.intern(Node::Const(None))),
        };
        if conditions.iter().any(|x: &Condition| x.id == rc.id) {
            c.d.err(
                &fname,
                rc.pos,
                "duplicate",
                format!("condition `{}` appears twice", rc.id),
            );
        }
        conditions.push(Condition {
            id: rc.id.clone(),
            description: rc.description.clone(),
            fail_code,
            unknown_code,
            kind,
            fail_slot,
            unknown_slot,
            inputs: 0,
            params: 0,
        });
    }
    let mut caveats = Vec::new();
    for (id, _pos, desc, e) in &raw.caveats {
        let (t, n) = c.compile_src(e, Some(raw), base);
        expect_bool(c, e, t, "a caveat's `when`");
        let s = slot(&mut codes, id);
        caveats.push(Caveat {
            id: id.clone(),
            description: desc.clone(),
            node: n,
            slot: s,
            inputs: 0,
            params: 0,
        });
    }
    let amount = raw.amount.as_ref().map(|e| {
        let (t, n) = c.compile_src(e, Some(raw), base);
        if t != Ty::Money && t != Ty::Error {
            let p = c.expr_pos(e, 0);
            c.d.err(
                &fname,
                p,
                "type_mismatch",
                format!("`amount` must be money, found {}", ty_name(t, &c.inputs)),
            );
        }
        n
    });
    if codes.len() > 64 || conditions.len() + caveats.len() > 64 {
        c.d.err(
            &fname,
            Pos::default(),
            "too_many_conditions",
            "a right may have at most 64 reason codes and 64 conditions and caveats".into(),
        );
        return None;
    }
    Some(Right {
        id: raw.id.clone(),
        name: raw.name.clone(),
        description: raw.description.clone(),
        authority: raw.authority.clone(),
        granting: raw.granting,
        legal: raw.legal.clone(),
        conditions,
        caveats,
        amount_period: raw.amount_period.clone(),
        file: fname.clone(),
        reason_codes: codes,
        params_used: Vec::new(),
        already,
        amount,
        amount_params: 0,
    })
}
