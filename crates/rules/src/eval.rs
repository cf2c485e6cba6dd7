//! Evaluation: the three-valued operations, the per-right decision, the
//! one-household evaluator with explanation and the columnar batch evaluator.
//!
//! Both evaluators call the same scalar operations and the same `decide`
//! function, which is why their results are identical; the batch evaluator
//! only changes the loop order (node by node over a chunk of households).

use serde_json::{Value, json};
use time::Date;

use crate::household::{HouseholdError, Prepared};
use crate::model::{
    CMP_EQ, CMP_GE, CMP_GT, CMP_LE, CMP_LT, CondKind, Model, Node, ParamDef, ParamValue, Right,
    SLOT_ALREADY, SLOT_PARAM_UNKNOWN, SLOT_UNVERIFIED,
};
use crate::{Household, Money};

/// One three-valued value: `None` is unknown.
pub(crate) type Cell = Option<i64>;

/// The status of one right for one household.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// All conditions pass.
    Eligible,
    /// Conditions pass, but a caveat applies (discretion, application-only
    /// route, unverified or unknown parameter).
    Likely,
    /// A condition fails (see `eligible_from` for a waiting period).
    NotEligible,
    /// Conditions cannot be decided: inputs are missing (see `missing`).
    NeedsInfo,
    /// The household already receives it.
    AlreadyReceives,
}

impl Status {
    /// The snake_case code (`eligible`, `likely`, …).
    pub fn code(self) -> &'static str {
        match self {
            Status::Eligible => "eligible",
            Status::Likely => "likely",
            Status::NotEligible => "not_eligible",
            Status::NeedsInfo => "needs_info",
            Status::AlreadyReceives => "already_receives",
        }
    }
    /// Parses a snake_case code.
    pub fn from_code(s: &str) -> Option<Status> {
        Some(match s {
            "eligible" => Status::Eligible,
            "likely" => Status::Likely,
            "not_eligible" => Status::NotEligible,
            "needs_info" => Status::NeedsInfo,
            "already_receives" => Status::AlreadyReceives,
            _ => return None,
        })
    }
}

/// A set of reason codes of one right, as bits over [`Right::reason_codes`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReasonSet(pub u64);

/// A set of inputs, as bits over [`Model::inputs`] (bit order = ask order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct InputSet(pub u128);

impl InputSet {
    /// Input indices in ask order.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        (0..128usize).filter(move |i| self.0 & (1u128 << i) != 0)
    }
}

/// The compact result for one right and one household: what both evaluators
/// produce, and what the batch screening writes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// Status.
    pub status: Status,
    /// The amount (per [`Right::amount_period`]) when eligible or likely and computable.
    pub amount: Option<Money>,
    /// A known future date from which the household becomes eligible (waiting period).
    pub eligible_from: Option<Date>,
    /// Reason codes.
    pub reasons: ReasonSet,
    /// Missing inputs to ask (for `needs_info`, and for `likely` because of an unknown caveat).
    pub missing: InputSet,
    /// True when this result relies on a parameter that is unverified or has no
    /// value on the reference date (the passing conditions and the amount for a
    /// positive result, the failing conditions for `not_eligible`).
    pub unverified: bool,
}

impl Right {
    /// The reason codes of a set, in slot order.
    pub fn reasons(&self, set: ReasonSet) -> impl Iterator<Item = &str> {
        self.reason_codes
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i < 64 && set.0 & (1u64 << i) != 0)
            .map(|(_, s)| s.as_str())
    }
}

// ---------------------------------------------------------------------------
// Scalar operations (shared by both evaluators)

#[inline(always)]
fn k_and(a: Cell, b: Cell) -> Cell {
    match (a, b) {
        (Some(0), _) | (_, Some(0)) => Some(0),
        (Some(_), Some(_)) => Some(1),
        _ => None,
    }
}

#[inline(always)]
fn k_or(a: Cell, b: Cell) -> Cell {
    match (a, b) {
        (Some(x), _) | (_, Some(x)) if x != 0 => Some(1),
        (Some(_), Some(_)) => Some(0),
        _ => None,
    }
}

#[inline(always)]
fn cmp(op: u8, a: Cell, b: Cell) -> Cell {
    let (a, b) = (a?, b?);
    Some(i64::from(match op {
        CMP_EQ => a == b,
        CMP_LT => a < b,
        CMP_LE => a <= b,
        CMP_GT => a > b,
        CMP_GE => a >= b,
        _ => a != b,
    }))
}

#[inline(always)]
fn if_(c: Cell, a: Cell, b: Cell) -> Cell {
    match c {
        Some(0) => b,
        Some(_) => a,
        // Unknown condition: the result is still known when both branches agree.
        None if a == b => a,
        None => None,
    }
}

fn date_of(jd: i64) -> Option<Date> {
    Date::from_julian_day(i32::try_from(jd).ok()?).ok()
}

/// Adds months; the day is clamped to the end of the month (31 Jan + 1 month = 28/29 Feb).
fn add_months(d: Cell, n: Cell) -> Cell {
    let d = date_of(d?)?;
    let n = n?;
    let total = i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1 + n;
    let y = i32::try_from(total.div_euclid(12)).ok()?;
    let m = time::Month::try_from(u8::try_from(total.rem_euclid(12) + 1).ok()?).ok()?;
    let last = time::util::days_in_month(m, y);
    let out = Date::from_calendar_date(y, m, d.day().min(last)).ok()?;
    Some(i64::from(out.to_julian_day()))
}

/// Whole months from `a` to `b` (negative when `b` is before `a`).
fn months_between(a: Cell, b: Cell) -> Cell {
    let (a, b) = (a?, b?);
    if b < a {
        return months_between(Some(b), Some(a)).map(|m| -m);
    }
    let (da, db) = (date_of(a)?, date_of(b)?);
    let mut m = (i64::from(db.year()) - i64::from(da.year())) * 12
        + i64::from(u8::from(db.month()))
        - i64::from(u8::from(da.month()));
    if add_months(Some(a), Some(m))? > b {
        m -= 1;
    }
    Some(m)
}

#[inline(always)]
fn node_value(
    node: &Node,
    get: impl Fn(u32) -> Cell,
    input: impl Fn(u16) -> Cell,
    ctx: &DateCtx,
) -> Cell {
    match *node {
        Node::Const(c) => c,
        Node::Input(i) => input(i),
        Node::Param(p) => ctx.params.get(p as usize).copied().flatten(),
        Node::RefDate => Some(ctx.date_jd),
        Node::Not(a) => get(a).map(|x| i64::from(x == 0)),
        Node::And(a, b) => k_and(get(a), get(b)),
        Node::Or(a, b) => k_or(get(a), get(b)),
        Node::Cmp(op, a, b) => cmp(op, get(a), get(b)),
        Node::Add(a, b) => get(a)?.checked_add(get(b)?),
        Node::Sub(a, b) => get(a)?.checked_sub(get(b)?),
        Node::Mul(a, b) => get(a)?.checked_mul(get(b)?),
        Node::Div(a, b) => crate::money::div_round(get(a)?, get(b)?),
        Node::Neg(a) => get(a)?.checked_neg(),
        Node::If(c, a, b) => if_(get(c), get(a), get(b)),
        Node::Min(a, b) => Some(get(a)?.min(get(b)?)),
        Node::Max(a, b) => Some(get(a)?.max(get(b)?)),
        Node::AddMonths(a, b) => add_months(get(a), get(b)),
        Node::MonthsBetween(a, b) => months_between(get(a), get(b)),
        Node::YearsBetween(a, b) => months_between(get(a), get(b)).map(|m| m / 12),
    }
}

/// Everything that depends only on the reference date: parameter values and
/// which rights use an unverified or unknown parameter.
#[derive(Clone, Debug)]
pub struct DateCtx {
    date: Date,
    date_jd: i64,
    params: Vec<Cell>,
    /// Bit per parameter whose value on this date is missing, unknown or unverified.
    unverified: u128,
}

impl Model {
    /// Resolves every parameter on `date`. Reuse it to evaluate many
    /// households on the same date.
    pub fn date_ctx(&self, date: Date) -> DateCtx {
        let entries: Vec<Option<&ParamValue>> = self.params.iter().map(|p| p.at(date)).collect();
        let params = entries.iter().map(|e| e.and_then(|v| v.value)).collect();
        let mut unverified = 0u128;
        for (i, e) in entries.iter().enumerate() {
            let bad = match e {
                None => true,
                Some(v) => v.unverified || v.value.is_none(),
            };
            if bad {
                unverified |= 1u128 << (i & 127);
            }
        }
        DateCtx {
            date,
            date_jd: i64::from(date.to_julian_day()),
            params,
            unverified,
        }
    }
}

/// The per-right decision from condition values. Shared by both evaluators.
/// The missing inputs that make node `root` unknown: walks down from it
/// through unknown children only (and only the taken branch of an `if` whose
/// condition is known), so inputs that cannot change the result are not asked.
fn blame(nodes: &[Node], root: u32, val: &impl Fn(u32) -> Cell) -> u128 {
    let mut out = 0u128;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if val(n).is_some() {
            continue;
        }
        let Some(node) = nodes.get(n as usize) else {
            continue;
        };
        match *node {
            Node::Input(i) => out |= 1u128 << (u32::from(i) & 127),
            Node::If(c, a, b) => match val(c) {
                Some(0) => stack.push(b),
                Some(_) => stack.push(a),
                None => stack.extend([c, a, b]),
            },
            _ => stack.extend(crate::model::children(node).into_iter().flatten()),
        }
    }
    out
}

// Per-row state of [`decide_chunk`].
const D_DONE: u8 = 1;
const D_UNK: u8 = 2;
const D_UNK_INPUT: u8 = 4;
const D_WAIT: u8 = 8;
const D_UNVERIFIED: u8 = 16;
const D_CAVEAT: u8 = 32;

/// Status and amount only, for the rows `0..len` of a chunk of the batch
/// evaluator: exactly `decide(..).status` and `.amount` of each row, without
/// reasons, missing inputs or allocation (the screening path). Works
/// condition by condition over the rows (columnar), with the per-row state
/// in `flags`; `blamed` (node by row) is 1 when some missing input makes the
/// node unknown (the walk of [`blame`], precomputed per node by
/// [`BatchEvaluator::run_chunk`]).
#[allow(clippy::too_many_arguments)]
fn decide_chunk(
    r: &Right,
    vals: &[i64],
    known: &[u8],
    blamed: &[u8],
    ctx: &DateCtx,
    len: usize,
    flags: &mut [u8; CHUNK],
    res: &mut [(Status, Option<i64>); CHUNK],
) {
    let col = |n: u32| {
        let s = n as usize * CHUNK;
        (
            vals.get(s..s + len).unwrap_or(&[]),
            known.get(s..s + len).unwrap_or(&[]),
            blamed.get(s..s + len).unwrap_or(&[]),
        )
    };
    let unv = |params: u128| {
        if params & ctx.unverified != 0 {
            D_UNVERIFIED
        } else {
            0
        }
    };
    let flags = &mut flags[..len.min(CHUNK)];
    let res = &mut res[..len.min(CHUNK)];
    flags.fill(0);
    if let Some(a) = r.already {
        let (v, k, _) = col(a);
        for (((f, o), &x), &p) in flags.iter_mut().zip(res.iter_mut()).zip(v).zip(k) {
            if p != 0 && x != 0 {
                *f = D_DONE;
                *o = (Status::AlreadyReceives, None);
            }
        }
    }
    for c in &r.conditions {
        match &c.kind {
            CondKind::Test(n) => {
                let pass = unv(c.params);
                let (v, k, b) = col(*n);
                for ((((f, o), &x), &p), &bl) in
                    flags.iter_mut().zip(res.iter_mut()).zip(v).zip(k).zip(b)
                {
                    if *f & D_DONE != 0 {
                        continue;
                    }
                    if p == 0 {
                        *f |= D_UNK | if bl != 0 { D_UNK_INPUT } else { 0 };
                    } else if x != 0 {
                        *f |= pass;
                    } else {
                        *f = D_DONE;
                        *o = (Status::NotEligible, None);
                    }
                }
            }
            CondKind::FromDate(n) => {
                let pass = unv(c.params);
                let (v, k, b) = col(*n);
                for (((f, &x), &p), &bl) in flags.iter_mut().zip(v).zip(k).zip(b) {
                    if *f & D_DONE != 0 {
                        continue;
                    }
                    if p == 0 {
                        *f |= D_UNK | if bl != 0 { D_UNK_INPUT } else { 0 };
                    } else if ctx.date_jd >= x {
                        *f |= pass;
                    } else {
                        *f |= D_WAIT;
                    }
                }
            }
            CondKind::AnyOf(routes) => {
                for (i, (f, o)) in flags.iter_mut().zip(res.iter_mut()).enumerate() {
                    if *f & D_DONE != 0 {
                        continue;
                    }
                    let mut any_unknown = false;
                    let mut passed = false;
                    for ro in routes {
                        let k = ro.node as usize * CHUNK + i;
                        if known.get(k).is_some_and(|&p| p != 0) {
                            if vals.get(k).is_some_and(|&x| x != 0) {
                                // The first route with this slot is the one `decide` credits.
                                *f |= unv(routes
                                    .iter()
                                    .find(|r2| r2.slot == ro.slot)
                                    .map_or(0, |r2| r2.params));
                                passed = true;
                                break;
                            }
                        } else {
                            any_unknown = true;
                        }
                    }
                    if passed {
                    } else if any_unknown {
                        *f |= D_UNK;
                        if routes.iter().any(|ro| {
                            blamed
                                .get(ro.node as usize * CHUNK + i)
                                .is_some_and(|&b| b != 0)
                        }) {
                            *f |= D_UNK_INPUT;
                        }
                    } else {
                        *f = D_DONE;
                        *o = (Status::NotEligible, None);
                    }
                }
            }
        }
    }
    // Caveats and the amount matter only for rows that passed every condition.
    for c in &r.caveats {
        let hit = D_CAVEAT | unv(c.params);
        let (v, k, _) = col(c.node);
        for ((f, &x), &p) in flags.iter_mut().zip(v).zip(k) {
            if p == 0 {
                *f |= D_CAVEAT;
            } else if x != 0 {
                *f |= hit;
            }
        }
    }
    let amount_unv = if r.amount.is_some() {
        unv(r.amount_params)
    } else {
        0
    };
    let (av, ak, _) = match r.amount {
        Some(a) => col(a),
        None => (&[][..], &[][..], &[][..]),
    };
    for (i, (f, o)) in flags.iter_mut().zip(res.iter_mut()).enumerate() {
        let f = *f;
        if f & D_DONE != 0 {
            continue;
        }
        let amount = match (ak.get(i), av.get(i)) {
            (Some(&p), Some(&x)) if p != 0 => Some(x),
            _ => None,
        };
        *o = if f & D_UNK != 0 {
            if f & D_UNK_INPUT != 0 {
                (Status::NeedsInfo, None)
            } else if f & D_WAIT != 0 {
                (Status::NotEligible, None)
            } else {
                (Status::Likely, amount)
            }
        } else if f & D_WAIT != 0 {
            (Status::NotEligible, None)
        } else if f & (D_CAVEAT | D_UNVERIFIED) != 0 || amount_unv != 0 {
            (Status::Likely, amount)
        } else {
            (Status::Eligible, amount)
        };
    }
}

fn decide(r: &Right, nodes: &[Node], val: impl Fn(u32) -> Cell, ctx: &DateCtx) -> Outcome {
    let mut out = Outcome {
        status: Status::NotEligible,
        amount: None,
        eligible_from: None,
        reasons: ReasonSet(0),
        missing: InputSet(0),
        unverified: false,
    };
    // Parameters the result relies on (positive side and failing side).
    let (mut relied, mut relied_fail) = (0u128, 0u128);
    if let Some(a) = r.already
        && matches!(val(a), Some(x) if x != 0)
    {
        out.status = Status::AlreadyReceives;
        out.reasons.0 = 1 << SLOT_ALREADY;
        return out;
    }
    let bit = |s: u8| 1u64 << (s & 63);
    let (mut fail, mut unk_reasons, mut pass, mut wait_reasons) = (0u64, 0u64, 0u64, 0u64);
    let mut unk_inputs = 0u128;
    let mut wait: Option<i64> = None;
    for c in &r.conditions {
        let v = match &c.kind {
            CondKind::Test(n) => val(*n).map(|x| x != 0),
            CondKind::AnyOf(routes) => {
                let mut any_unknown = false;
                let mut passed = None;
                for ro in routes {
                    match val(ro.node) {
                        Some(x) if x != 0 => {
                            passed = Some(ro.slot);
                            break;
                        }
                        Some(_) => {}
                        None => any_unknown = true,
                    }
                }
                match passed {
                    Some(s) => {
                        pass |= bit(s);
                        relied |= routes
                            .iter()
                            .find(|ro| ro.slot == s)
                            .map_or(0, |ro| ro.params);
                        Some(true)
                    }
                    None if any_unknown => None,
                    None => Some(false),
                }
            }
            CondKind::FromDate(n) => match val(*n) {
                Some(d) if ctx.date_jd >= d => {
                    relied |= c.params;
                    Some(true)
                }
                Some(d) => {
                    relied_fail |= c.params;
                    wait = Some(wait.map_or(d, |w| w.max(d)));
                    wait_reasons |= bit(c.fail_slot);
                    continue;
                }
                None => None,
            },
        };
        match v {
            Some(true) => {
                if let CondKind::Test(_) = c.kind {
                    relied |= c.params;
                }
            }
            Some(false) => {
                fail |= bit(c.fail_slot);
                relied_fail |= c.params;
            }
            None => {
                unk_reasons |= bit(c.unknown_slot);
                unk_inputs |= match &c.kind {
                    CondKind::Test(n) | CondKind::FromDate(n) => blame(nodes, *n, &val),
                    CondKind::AnyOf(routes) => routes
                        .iter()
                        .fold(0, |a, ro| a | blame(nodes, ro.node, &val)),
                };
            }
        }
    }
    if fail != 0 {
        out.reasons.0 = fail;
        out.unverified = relied_fail & ctx.unverified != 0;
        return out;
    }
    out.eligible_from = wait.and_then(date_of);
    if unk_reasons != 0 {
        let missing = unk_inputs;
        out.missing.0 = missing;
        out.unverified = (relied | relied_fail) & ctx.unverified != 0;
        if missing != 0 {
            out.status = Status::NeedsInfo;
            out.reasons.0 = unk_reasons | wait_reasons;
            return out;
        }
        // Nothing to ask: the unknown comes from a parameter not found.
        out.unverified = true;
        out.reasons.0 = unk_reasons | wait_reasons | bit(SLOT_PARAM_UNKNOWN);
        if wait.is_some() {
            return out;
        }
        out.status = Status::Likely;
        out.amount = r.amount.and_then(&val).map(Money);
        return out;
    }
    if wait.is_some() {
        out.reasons.0 = wait_reasons;
        out.unverified = relied_fail & ctx.unverified != 0;
        return out;
    }
    let mut cav = 0u64;
    let mut cav_inputs = 0u128;
    for c in &r.caveats {
        match val(c.node) {
            Some(0) => {}
            Some(_) => {
                cav |= bit(c.slot);
                relied |= c.params;
            }
            None => {
                cav |= bit(c.slot);
                cav_inputs |= blame(nodes, c.node, &val);
            }
        }
    }
    out.missing.0 = cav_inputs;
    out.amount = r.amount.and_then(val).map(Money);
    if r.amount.is_some() {
        // An amount that cannot be computed because a figure is missing also
        // makes the result rely on unverified figures.
        relied |= r.amount_params;
    }
    out.unverified = relied & ctx.unverified != 0;
    if out.unverified {
        cav |= bit(SLOT_UNVERIFIED);
    }
    out.status = if cav != 0 {
        Status::Likely
    } else {
        Status::Eligible
    };
    out.reasons.0 = pass | cav;
    out
}

// ---------------------------------------------------------------------------
// One household, with explanation

/// Pass, fail or unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    /// The condition holds.
    Pass,
    /// It does not.
    Fail,
    /// It cannot be decided.
    Unknown,
}

impl Tri {
    fn of(c: Cell) -> Tri {
        match c {
            None => Tri::Unknown,
            Some(0) => Tri::Fail,
            Some(_) => Tri::Pass,
        }
    }
    /// `pass`, `fail` or `unknown`.
    pub fn code(self) -> &'static str {
        match self {
            Tri::Pass => "pass",
            Tri::Fail => "fail",
            Tri::Unknown => "unknown",
        }
    }
}

/// How one condition came out.
#[derive(Clone, Debug)]
pub struct ConditionTrace {
    /// Pass, fail or unknown (on the reference date).
    pub outcome: Tri,
    /// For `any_of`, each route.
    pub routes: Vec<Tri>,
    /// For a waiting period, the date from which it passes.
    pub from_date: Option<Date>,
}

/// A parameter used by a right and the value that applied.
#[derive(Clone, Debug)]
pub struct ParamUse<'m> {
    /// The parameter.
    pub param: &'m ParamDef,
    /// The dated value applying on the reference date (`None`: no value for that date).
    pub value: Option<&'m ParamValue>,
}

/// The result for one right, with its explanation.
#[derive(Clone, Debug)]
pub struct RightResult<'m> {
    /// The right.
    pub right: &'m Right,
    /// Status, amount, reasons, missing inputs.
    pub outcome: Outcome,
    /// Per condition, in the rule file's order.
    pub conditions: Vec<ConditionTrace>,
    /// Per caveat: whether it applies.
    pub caveats: Vec<Tri>,
    /// Parameters used, with the values applying on the reference date.
    pub parameters: Vec<ParamUse<'m>>,
}

/// The evaluation of one household on one date.
#[derive(Clone, Debug)]
pub struct Evaluation<'m> {
    /// The model evaluated.
    pub model: &'m Model,
    /// Reference date.
    pub reference_date: Date,
    /// One result per right, in the model's order.
    pub rights: Vec<RightResult<'m>>,
    /// Missing inputs over all rights, in ask order: the first is the next question.
    pub next_questions: InputSet,
}

impl Model {
    /// Evaluates one household on `date`. Fails only when the household
    /// does not fit the model (the error names the field).
    pub fn evaluate(&self, h: &Household, date: Date) -> Result<Evaluation<'_>, HouseholdError> {
        let p = self.prepare(h)?;
        Ok(self.evaluate_prepared(&p, &self.date_ctx(date)))
    }

    /// Evaluates a prepared household with a precomputed date context.
    pub fn evaluate_prepared(&self, p: &Prepared, ctx: &DateCtx) -> Evaluation<'_> {
        let mut vals: Vec<Cell> = Vec::with_capacity(self.nodes.len());
        let input = |i: u16| p.values.get(i as usize).copied().flatten();
        for n in &self.nodes {
            let v = node_value(n, |c| vals.get(c as usize).copied().flatten(), input, ctx);
            vals.push(v);
        }
        let val = |n: u32| vals.get(n as usize).copied().flatten();
        let mut rights = Vec::with_capacity(self.rights.len());
        let mut next = 0u128;
        for r in &self.rights {
            let outcome = decide(r, &self.nodes, val, ctx);
            if matches!(outcome.status, Status::NeedsInfo | Status::Likely) {
                next |= outcome.missing.0;
            }
            let conditions = r
                .conditions
                .iter()
                .map(|c| match &c.kind {
                    CondKind::Test(n) => ConditionTrace {
                        outcome: Tri::of(val(*n)),
                        routes: Vec::new(),
                        from_date: None,
                    },
                    CondKind::AnyOf(routes) => {
                        let rs: Vec<Tri> = routes.iter().map(|ro| Tri::of(val(ro.node))).collect();
                        let o = if rs.contains(&Tri::Pass) {
                            Tri::Pass
                        } else if rs.contains(&Tri::Unknown) {
                            Tri::Unknown
                        } else {
                            Tri::Fail
                        };
                        ConditionTrace {
                            outcome: o,
                            routes: rs,
                            from_date: None,
                        }
                    }
                    CondKind::FromDate(n) => {
                        let d = val(*n);
                        ConditionTrace {
                            outcome: Tri::of(d.map(|d| i64::from(ctx.date_jd >= d))),
                            routes: Vec::new(),
                            from_date: d.and_then(date_of),
                        }
                    }
                })
                .collect();
            let caveats = r.caveats.iter().map(|c| Tri::of(val(c.node))).collect();
            let parameters = r
                .params_used
                .iter()
                .filter_map(|&i| self.params.get(i as usize))
                .map(|param| ParamUse {
                    param,
                    value: param.at(ctx.date),
                })
                .collect();
            rights.push(RightResult {
                right: r,
                outcome,
                conditions,
                caveats,
                parameters,
            });
        }
        Evaluation {
            model: self,
            reference_date: ctx.date,
            rights,
            next_questions: InputSet(next),
        }
    }
}

pub(crate) fn date_str(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn param_value_json(p: &ParamDef, v: Option<i64>) -> Value {
    match (p.ty, v) {
        (_, None) => Value::Null,
        (crate::model::Ty::Date, Some(jd)) => {
            date_of(jd).map_or(Value::Null, |d| json!(date_str(d)))
        }
        (crate::model::Ty::Bool, Some(b)) => json!(b != 0),
        (_, Some(x)) => json!(x),
    }
}

/// The JSON of a parameter with the value entry that applied (`None`: none for the date).
pub(crate) fn param_use_json(param: &ParamDef, value: Option<&ParamValue>) -> Value {
    match value {
        Some(v) => json!({
            "name": param.name,
            "description": param.description,
            "value": param_value_json(param, v.value),
            "from": date_str(v.from),
            "until": v.until.map(date_str),
            "source": v.source,
            "retrieved": v.retrieved.map(date_str),
            "unverified": v.unverified || v.value.is_none(),
            "note": v.note,
        }),
        None => json!({
            "name": param.name,
            "description": param.description,
            "value": Value::Null,
            "from": Value::Null,
            "until": Value::Null,
            "source": Value::Null,
            "retrieved": Value::Null,
            "unverified": true,
            "note": "no value for the reference date",
        }),
    }
}

impl<'m> RightResult<'m> {
    /// Reason codes, in slot order.
    pub fn reasons(&self) -> Vec<&'m str> {
        self.right.reasons(self.outcome.reasons).collect()
    }
    /// Names of missing inputs in ask order.
    pub fn missing<'a>(&self, model: &'a Model) -> Vec<&'a str> {
        self.outcome
            .missing
            .iter()
            .filter_map(|i| model.inputs.get(i))
            .map(|d| d.name.as_str())
            .collect()
    }

    /// The JSON form of this result (see the crate documentation for the shape).
    pub fn to_json(&self, model: &Model) -> Value {
        let r = self.right;
        let o = &self.outcome;
        let conditions: Vec<Value> = r
            .conditions
            .iter()
            .zip(&self.conditions)
            .map(|(c, t)| {
                let mut v = json!({
                    "id": c.id,
                    "description": c.description,
                    "outcome": t.outcome.code(),
                });
                if !t.routes.is_empty() {
                    v["routes"] = c
                        .routes()
                        .iter()
                        .zip(&t.routes)
                        .map(|(ro, tr)| json!({"id": ro.id, "description": ro.description, "outcome": tr.code()}))
                        .collect();
                }
                if let Some(d) = t.from_date {
                    v["from_date"] = json!(date_str(d));
                }
                v
            })
            .collect();
        let caveats: Vec<Value> = r
            .caveats
            .iter()
            .zip(&self.caveats)
            .map(|(c, t)| json!({"id": c.id, "description": c.description, "applies": t.code()}))
            .collect();
        let parameters: Vec<Value> = self
            .parameters
            .iter()
            .map(|u| param_use_json(u.param, u.value))
            .collect();
        json!({
            "id": r.id,
            "name": r.name,
            "authority": r.authority,
            "granting": r.granting,
            "status": o.status.code(),
            "amount_cents": o.amount.map(Money::cents),
            "amount_period": r.amount_period,
            "eligible_from": o.eligible_from.map(date_str),
            "reasons": self.reasons(),
            "missing_inputs": self.missing(model),
            "unverified": o.unverified,
            "explanation": {
                "conditions": conditions,
                "caveats": caveats,
                "parameters": parameters,
                "legal": r.legal,
            },
        })
    }
}

impl Evaluation<'_> {
    /// The public JSON form (the API contract; see the crate documentation).
    pub fn to_json(&self) -> Value {
        let rights: Vec<Value> = self.rights.iter().map(|r| r.to_json(self.model)).collect();
        let next: Vec<Value> = self
            .next_questions
            .iter()
            .filter_map(|i| self.model.inputs.get(i))
            .map(|d| json!({"input": d.name, "question": d.question}))
            .collect();
        json!({
            "reference_date": date_str(self.reference_date),
            "rights": rights,
            "next_questions": next,
        })
    }
}

impl serde::Serialize for Evaluation<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

// ---------------------------------------------------------------------------
// Columnar batch evaluation

/// Households in columns: one column per model input, one cell per household.
/// Fill it from CSV/Parquet with [`Model::parse_text`] and [`Self::push_cell`]
/// (or [`Self::grow`] and [`Self::set`]), or from prepared rows.
///
/// Each column holds values and known flags apart (the form of the
/// evaluator's node columns): 9 bytes a cell instead of the 16 of an
/// `Option<i64>`, and an input node's column is two plain copies.
/// Columns compare equal when their cells do (the value of an unknown cell
/// counts for nothing).
#[derive(Clone, Debug, Default)]
pub struct HouseholdColumns {
    cols: Vec<InputColumn>,
}

/// One input's cells: `vals[row]` counts only where `known[row]` is 1.
#[derive(Clone, Debug, Default)]
struct InputColumn {
    vals: Vec<i64>,
    known: Vec<u8>,
}

impl HouseholdColumns {
    /// Empty columns for `model`.
    pub fn new(model: &Model) -> Self {
        HouseholdColumns {
            cols: vec![InputColumn::default(); model.inputs.len()],
        }
    }
    /// Number of households.
    pub fn len(&self) -> usize {
        self.cols.first().map_or(0, |c| c.known.len())
    }
    /// True when there are no households.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Number of columns (the model's inputs).
    pub fn n_columns(&self) -> usize {
        self.cols.len()
    }
    /// Appends one cell to the column of `input` (ignored when there is no
    /// such column). The caller keeps all columns the same length.
    #[inline]
    pub fn push_cell(&mut self, input: usize, v: Option<i64>) {
        if let Some(c) = self.cols.get_mut(input) {
            c.vals.push(v.unwrap_or(0));
            c.known.push(u8::from(v.is_some()));
        }
    }
    /// Makes every column `rows` long; new cells are unknown (for [`Self::set`]).
    pub fn grow(&mut self, rows: usize) {
        for c in &mut self.cols {
            c.vals.resize(rows, 0);
            c.known.resize(rows, 0);
        }
    }
    /// Makes every column `rows` long with every cell unknown, for filling
    /// with [`Self::set`]. Cheaper than [`Self::clear`] and [`Self::grow`]:
    /// where a column was long enough only its known flags are written (the
    /// value of an unknown cell counts for nothing and is left as it was).
    pub fn reset(&mut self, rows: usize) {
        for c in &mut self.cols {
            let keep = c.known.len().min(rows);
            c.known.truncate(keep);
            c.known.fill(0);
            c.known.resize(rows, 0);
            c.vals.truncate(keep);
            c.vals.resize(rows, 0);
        }
    }
    /// Sets the cell of `input` for household `row` (ignored when out of range).
    #[inline]
    pub fn set(&mut self, input: usize, row: usize, v: Option<i64>) {
        if let Some(c) = self.cols.get_mut(input)
            && let (Some(x), Some(k)) = (c.vals.get_mut(row), c.known.get_mut(row))
        {
            *x = v.unwrap_or(0);
            *k = u8::from(v.is_some());
        }
    }
    /// Makes every cell of household `row` unknown.
    pub fn clear_row(&mut self, row: usize) {
        for i in 0..self.cols.len() {
            self.set(i, row, None);
        }
    }
    /// The cell of `input` for household `row` (`None`: unknown, or out of range).
    #[inline]
    pub fn get(&self, input: usize, row: usize) -> Option<i64> {
        let c = self.cols.get(input)?;
        match c.known.get(row) {
            Some(&k) if k != 0 => c.vals.get(row).copied(),
            _ => None,
        }
    }
    /// The values and known flags of `input` for rows `start..start + len`.
    fn slices(&self, input: usize, start: usize, len: usize) -> Option<(&[i64], &[u8])> {
        let c = self.cols.get(input)?;
        Some((
            c.vals.get(start..start + len)?,
            c.known.get(start..start + len)?,
        ))
    }
    /// Appends a prepared household.
    pub fn push(&mut self, p: &Prepared) {
        for i in 0..self.cols.len() {
            self.push_cell(i, p.values.get(i).copied().flatten());
        }
    }
    /// Keeps the first `rows` households.
    pub fn truncate(&mut self, rows: usize) {
        for c in &mut self.cols {
            c.vals.truncate(rows);
            c.known.truncate(rows);
        }
    }
    /// Removes all households, keeping the allocations.
    pub fn clear(&mut self) {
        self.truncate(0);
    }
    /// Builds columns from prepared households.
    pub fn from_prepared(model: &Model, rows: &[Prepared]) -> Self {
        let mut c = Self::new(model);
        for r in rows {
            c.push(r);
        }
        c
    }
}

impl PartialEq for HouseholdColumns {
    fn eq(&self, other: &Self) -> bool {
        let n = self.len();
        n == other.len()
            && self.cols.len() == other.cols.len()
            && (0..self.cols.len()).all(|i| (0..n).all(|r| self.get(i, r) == other.get(i, r)))
    }
}

impl Eq for HouseholdColumns {}

/// Results of a batch: `outcomes[right][row]`, rights in the model's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchResult {
    /// One vector per right, one outcome per household.
    pub outcomes: Vec<Vec<Outcome>>,
}

const CHUNK: usize = 256;

/// A reusable columnar evaluator for one model and one reference date.
/// Keeps its scratch buffers between calls, so streaming chunk after chunk
/// allocates nothing per household.
pub struct BatchEvaluator<'m> {
    model: &'m Model,
    ctx: DateCtx,
    /// Node values per node and row (`node * CHUNK + row`); a value counts
    /// only where `known` is 1 (the split form of [`Cell`]: 9 bytes a cell
    /// instead of 16, and loops the compiler can vectorise).
    vals: Vec<i64>,
    /// 1 where the value in `vals` is known, 0 where it is unknown.
    known: Vec<u8>,
    /// Nodes whose value is the same for every household (constants,
    /// parameters, the date and operations on them only).
    uniform: Vec<bool>,
    /// True once the uniform nodes' columns hold their values (they are
    /// never overwritten, so later chunks skip them).
    uniform_filled: bool,
    /// Per node and row (`node * CHUNK + row`), 1 when a missing input makes
    /// the node unknown. Only filled for the compact path; uniform nodes have
    /// no input below them, so theirs stay 0.
    blamed: Vec<u8>,
}

impl<'m> BatchEvaluator<'m> {
    /// The date context in use.
    pub fn date_ctx(&self) -> &DateCtx {
        &self.ctx
    }

    /// Evaluates all households in `cols`, appending to `out` (which is
    /// cleared first). Gives exactly the outcomes of [`Model::evaluate`].
    pub fn evaluate_into(&mut self, cols: &HouseholdColumns, out: &mut BatchResult) {
        let m = self.model;
        let n_rows = cols.len();
        out.outcomes.resize_with(m.rights.len(), Vec::new);
        for o in &mut out.outcomes {
            o.clear();
            o.reserve(n_rows);
        }
        self.size_buffers();
        let mut start = 0;
        while start < n_rows {
            let len = CHUNK.min(n_rows - start);
            self.run_chunk(cols, start, len, false);
            let (vals, known) = (&self.vals, &self.known);
            for (ri, r) in m.rights.iter().enumerate() {
                for i in 0..len {
                    let val = |n: u32| cell(vals, known, n as usize * CHUNK + i);
                    let o = decide(r, &m.nodes, val, &self.ctx);
                    out.outcomes[ri].push(o);
                }
            }
            start += len;
        }
    }

    /// Status and amount only, for screening: `status[row * n_rights + right]`
    /// and `amount[..]` (cents) are exactly the `status` and `amount` of
    /// [`Model::evaluate`]'s outcomes, computed without building [`Outcome`]s.
    pub fn evaluate_compact(
        &mut self,
        cols: &HouseholdColumns,
        status: &mut Vec<Status>,
        amount: &mut Vec<Option<i64>>,
    ) {
        let m = self.model;
        let n_rows = cols.len();
        let nr = m.rights.len();
        status.clear();
        amount.clear();
        status.resize(n_rows * nr, Status::NotEligible);
        amount.resize(n_rows * nr, None);
        self.size_buffers();
        if self.blamed.len() != m.nodes.len() * CHUNK {
            self.blamed.clear();
            self.blamed.resize(m.nodes.len() * CHUNK, 0);
        }
        let mut flags = [0u8; CHUNK];
        let mut res = [(Status::NotEligible, None); CHUNK];
        let mut start = 0;
        while start < n_rows {
            let len = CHUNK.min(n_rows - start);
            self.run_chunk(cols, start, len, true);
            let (vals, known, blamed) = (&self.vals, &self.known, &self.blamed);
            for (ri, r) in m.rights.iter().enumerate() {
                decide_chunk(r, vals, known, blamed, &self.ctx, len, &mut flags, &mut res);
                for (i, &(s, a)) in res.iter().take(len).enumerate() {
                    let k = (start + i) * nr + ri;
                    if let (Some(sl), Some(al)) = (status.get_mut(k), amount.get_mut(k)) {
                        *sl = s;
                        *al = a;
                    }
                }
            }
            start += len;
        }
    }

    /// Sizes the node buffers for the model (once).
    fn size_buffers(&mut self) {
        let n = self.model.nodes.len() * CHUNK;
        if self.vals.len() != n || self.known.len() != n {
            self.vals.clear();
            self.vals.resize(n, 0);
            self.known.clear();
            self.known.resize(n, 0);
            self.uniform_filled = false;
        }
    }

    /// Evaluates node by node over one chunk. Each arm is a tight loop over
    /// the same operation as the scalar one the one-household evaluator uses,
    /// on values and known-flags held apart (`known = 0`: unknown).
    /// With `with_blame`, also fills `blamed` for the chunk's rows (node by
    /// node, children first, the same rule as [`blame`]).
    fn run_chunk(&mut self, cols: &HouseholdColumns, start: usize, len: usize, with_blame: bool) {
        let ctx = &self.ctx;
        let skip_uniform = self.uniform_filled;
        for (k, node) in self.model.nodes.iter().enumerate() {
            let uniform = self.uniform.get(k).copied().unwrap_or(false);
            if uniform && skip_uniform {
                continue;
            }
            let (vbefore, vrest) = self.vals.split_at_mut(k * CHUNK);
            let (kbefore, krest) = self.known.split_at_mut(k * CHUNK);
            // Uniform nodes fill the whole column once, so any chunk length can reuse it.
            let n = if uniform { CHUNK } else { len };
            let (Some(ov), Some(ok)) = (vrest.get_mut(..n), krest.get_mut(..n)) else {
                continue;
            };
            let vcol = |c: u32| -> &[i64] {
                let s = c as usize * CHUNK;
                vbefore.get(s..s + n).unwrap_or(&[])
            };
            let kcol = |c: u32| -> &[u8] {
                let s = c as usize * CHUNK;
                kbefore.get(s..s + n).unwrap_or(&[])
            };
            // A binary operation: `$f(x, y) -> (value, defined)`; the result is
            // known when both operands are and the operation is defined.
            macro_rules! bin {
                ($a:expr, $b:expr, $f:expr) => {{
                    let (va, vb, ka, kb) = (vcol($a), vcol($b), kcol($a), kcol($b));
                    for ((((o, ko), (&x, &y)), &p), &q) in ov
                        .iter_mut()
                        .zip(ok.iter_mut())
                        .zip(va.iter().zip(vb))
                        .zip(ka)
                        .zip(kb)
                    {
                        let (v, d): (i64, bool) = $f(x, y);
                        *o = v;
                        *ko = p & q & u8::from(d);
                    }
                }};
            }
            let fill = |ov: &mut [i64], ok: &mut [u8], c: Cell| {
                ov.fill(c.unwrap_or(0));
                ok.fill(u8::from(c.is_some()));
            };
            match *node {
                Node::Const(c) => fill(ov, ok, c),
                Node::Param(p) => fill(ov, ok, ctx.params.get(p as usize).copied().flatten()),
                Node::RefDate => fill(ov, ok, Some(ctx.date_jd)),
                Node::Input(i) => match cols.slices(i as usize, start, len) {
                    Some((sv, sk)) if sv.len() == ov.len() && sk.len() == ok.len() => {
                        ov.copy_from_slice(sv);
                        ok.copy_from_slice(sk);
                    }
                    _ => fill(ov, ok, None),
                },
                Node::And(a, b) => {
                    // Kleene: false when either side is known false.
                    let (va, vb, ka, kb) = (vcol(a), vcol(b), kcol(a), kcol(b));
                    for ((((o, ko), (&x, &y)), &p), &q) in ov
                        .iter_mut()
                        .zip(ok.iter_mut())
                        .zip(va.iter().zip(vb))
                        .zip(ka)
                        .zip(kb)
                    {
                        let f = (p & u8::from(x == 0)) | (q & u8::from(y == 0));
                        *o = i64::from(f == 0);
                        *ko = f | (p & q);
                    }
                }
                Node::Or(a, b) => {
                    // Kleene: true when either side is known true.
                    let (va, vb, ka, kb) = (vcol(a), vcol(b), kcol(a), kcol(b));
                    for ((((o, ko), (&x, &y)), &p), &q) in ov
                        .iter_mut()
                        .zip(ok.iter_mut())
                        .zip(va.iter().zip(vb))
                        .zip(ka)
                        .zip(kb)
                    {
                        let t = (p & u8::from(x != 0)) | (q & u8::from(y != 0));
                        *o = i64::from(t);
                        *ko = t | (p & q);
                    }
                }
                Node::Cmp(op, a, b) => match op {
                    CMP_EQ => bin!(a, b, |x: i64, y: i64| (i64::from(x == y), true)),
                    CMP_LT => bin!(a, b, |x: i64, y: i64| (i64::from(x < y), true)),
                    CMP_LE => bin!(a, b, |x: i64, y: i64| (i64::from(x <= y), true)),
                    CMP_GT => bin!(a, b, |x: i64, y: i64| (i64::from(x > y), true)),
                    CMP_GE => bin!(a, b, |x: i64, y: i64| (i64::from(x >= y), true)),
                    _ => bin!(a, b, |x: i64, y: i64| (i64::from(x != y), true)),
                },
                Node::Add(a, b) => bin!(a, b, |x: i64, y: i64| {
                    let (v, o) = x.overflowing_add(y);
                    (v, !o)
                }),
                Node::Sub(a, b) => bin!(a, b, |x: i64, y: i64| {
                    let (v, o) = x.overflowing_sub(y);
                    (v, !o)
                }),
                Node::Mul(a, b) => bin!(a, b, |x: i64, y: i64| {
                    let (v, o) = x.overflowing_mul(y);
                    (v, !o)
                }),
                Node::Div(a, b) => {
                    bin!(a, b, |x: i64, y: i64| match crate::money::div_round(x, y) {
                        Some(v) => (v, true),
                        None => (0, false),
                    })
                }
                Node::Min(a, b) => bin!(a, b, |x: i64, y: i64| (x.min(y), true)),
                Node::Max(a, b) => bin!(a, b, |x: i64, y: i64| (x.max(y), true)),
                Node::Not(a) => {
                    for (((o, ko), &x), &p) in
                        ov.iter_mut().zip(ok.iter_mut()).zip(vcol(a)).zip(kcol(a))
                    {
                        *o = i64::from(x == 0);
                        *ko = p;
                    }
                }
                Node::Neg(a) => {
                    for (((o, ko), &x), &p) in
                        ov.iter_mut().zip(ok.iter_mut()).zip(vcol(a)).zip(kcol(a))
                    {
                        let (v, of) = x.overflowing_neg();
                        *o = v;
                        *ko = p & u8::from(!of);
                    }
                }
                Node::If(c, a, b) => {
                    let (vc, va, vb) = (vcol(c), vcol(a), vcol(b));
                    let (kc, ka, kb) = (kcol(c), kcol(a), kcol(b));
                    for (((o, ko), (&x, &pc)), ((&y, &pa), (&z, &pb))) in ov
                        .iter_mut()
                        .zip(ok.iter_mut())
                        .zip(vc.iter().zip(kc))
                        .zip(va.iter().zip(ka).zip(vb.iter().zip(kb)))
                    {
                        // Unknown condition: still known when both branches agree.
                        let (v, kk) = if pc == 0 {
                            (y, pa & pb & u8::from(y == z))
                        } else if x != 0 {
                            (y, pa)
                        } else {
                            (z, pb)
                        };
                        *o = v;
                        *ko = kk;
                    }
                }
                _ => {
                    // Rarer nodes (date arithmetic): the generic per-row path, same semantics.
                    for (i, (o, ko)) in ov.iter_mut().zip(ok.iter_mut()).enumerate() {
                        let get = |c: u32| cell(vbefore, kbefore, c as usize * CHUNK + i);
                        let input = |c: u16| cols.get(c as usize, start + i);
                        let v = node_value(node, get, input, ctx);
                        *o = v.unwrap_or(0);
                        *ko = u8::from(v.is_some());
                    }
                }
            }
            if with_blame && !uniform {
                let known = &krest[..len];
                let (bbefore, brest) = self.blamed.split_at_mut(k * CHUNK);
                let bout = &mut brest[..len];
                let bcol = |c: u32| -> &[u8] {
                    let s = c as usize * CHUNK;
                    bbefore.get(s..s + len).unwrap_or(&[])
                };
                match *node {
                    Node::Input(_) => {
                        for (b, &p) in bout.iter_mut().zip(known) {
                            *b = p ^ 1;
                        }
                    }
                    Node::If(c, a, b) => {
                        let (vc, kc, bc, ba, bb) = (vcol(c), kcol(c), bcol(c), bcol(a), bcol(b));
                        for (i, (o, &p)) in bout.iter_mut().zip(known).enumerate() {
                            let g = |s: &[u8]| s.get(i).copied().unwrap_or(0);
                            *o = if p != 0 {
                                0
                            } else if g(kc) == 0 {
                                g(bc) | g(ba) | g(bb)
                            } else if vc.get(i).copied().unwrap_or(0) != 0 {
                                g(ba)
                            } else {
                                g(bb)
                            };
                        }
                    }
                    _ => {
                        bout.fill(0);
                        for ch in crate::model::children(node).into_iter().flatten() {
                            for (o, &x) in bout.iter_mut().zip(bcol(ch)) {
                                *o |= x;
                            }
                        }
                        for (o, &p) in bout.iter_mut().zip(known) {
                            *o &= p ^ 1;
                        }
                    }
                }
            }
        }
        self.uniform_filled = true;
    }
}

/// The cell `k` of the split node buffers, as a [`Cell`].
#[inline(always)]
fn cell(vals: &[i64], known: &[u8], k: usize) -> Cell {
    if known.get(k).is_some_and(|&p| p != 0) {
        vals.get(k).copied()
    } else {
        None
    }
}

impl Model {
    /// A reusable batch evaluator for `date`.
    pub fn batch_evaluator(&self, date: Date) -> BatchEvaluator<'_> {
        let mut uniform: Vec<bool> = Vec::with_capacity(self.nodes.len());
        for n in &self.nodes {
            let u = match n {
                Node::Const(_) | Node::Param(_) | Node::RefDate => true,
                Node::Input(_) => false,
                other => crate::model::children(other)
                    .into_iter()
                    .flatten()
                    .all(|c| uniform.get(c as usize).copied().unwrap_or(false)),
            };
            uniform.push(u);
        }
        BatchEvaluator {
            model: self,
            ctx: self.date_ctx(date),
            vals: Vec::new(),
            known: Vec::new(),
            uniform,
            uniform_filled: false,
            blamed: Vec::new(),
        }
    }

    /// Evaluates households in columns on `date`. Same outcomes as
    /// [`Model::evaluate`] for each household.
    pub fn evaluate_batch(&self, cols: &HouseholdColumns, date: Date) -> BatchResult {
        let mut out = BatchResult::default();
        self.batch_evaluator(date).evaluate_into(cols, &mut out);
        out
    }
}
