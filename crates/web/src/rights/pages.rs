//! Pages of the rights module: the rights check of a client (a questionnaire that asks what
//! the engine needs, in its order), stored checks, the printable summary, the follow-up of
//! each right, signal candidates, and the anonymous check for citizens.

use super::{EvalView, Labels, RightView, RightsEngine};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use sterk_domain::FieldErrors;
use sterk_domain::access::Action;
use sterk_domain::followup::{FollowupStatus, RefusalReason};
use sterk_domain::values::{BirthDate, Money, parse_date, parse_text};
use sterk_i18n::Lang;
use sterk_rules::Ty;
use sterk_store::StoreError;
use sterk_store::clients::{self, ClientRow};
use sterk_store::rights::{self, CheckInput, CheckRow, FollowupChange, FollowupEvent, FollowupRow};

fn today() -> time::Date {
    crate::ctx::today()
}

/// One question of the questionnaire, ready for the template.
pub struct QField {
    /// The input's name in the model.
    pub input: String,
    /// Form field name (`a_<input>`).
    pub name: String,
    /// The question in the user's language.
    pub label: String,
    /// `bool`, `int`, `money`, `date` or `choice`.
    pub kind: &'static str,
    /// For choices: (value, label).
    pub choices: Vec<(String, String)>,
    /// The value typed (kept on errors).
    pub value: String,
    /// The translated error, if any.
    pub error: Option<String>,
}

/// Builds the fields for `inputs` from the submitted (or prefilled) form.
fn fields_for(
    ctx: &Ctx,
    engine: &RightsEngine,
    lb: &Labels,
    names: &[String],
    f: &Fields,
    errs: &FieldErrors,
) -> Vec<QField> {
    names
        .iter()
        .filter_map(|n| engine.model.input(n))
        .map(|(idx, input)| {
            let name = format!("a_{}", input.name);
            let kind = match input.ty {
                Ty::Bool => "bool",
                Ty::Int => "int",
                Ty::Money => "money",
                Ty::Date => "date",
                _ => "choice",
            };
            let choices = lb.choices.get(idx).cloned().unwrap_or_default();
            QField {
                input: input.name.clone(),
                label: lb.questions.get(idx).cloned().unwrap_or_default(),
                kind,
                choices,
                value: f.get(&name).to_owned(),
                error: errs.msg(ctx, &name),
                name,
            }
        })
        .collect()
}

/// The state of a questionnaire after one step.
struct Step {
    view: Option<EvalView>,
    /// The engine's JSON of the evaluation, when asked for (a finished check stores it).
    json: Option<String>,
    facts: BTreeMap<String, serde_json::Value>,
    errs: FieldErrors,
    answered: Vec<String>,
    next: Option<String>,
    skipped: Vec<String>,
}

fn step(engine: &RightsEngine, f: &Fields, date: time::Date, with_json: bool) -> Step {
    let (facts, mut errs) = engine.parse_answers(f);
    let mut skipped: Vec<String> = f
        .get("skipped")
        .split(',')
        .filter(|s| !s.is_empty() && engine.model.input(s).is_some())
        .map(str::to_owned)
        .collect();
    if f.get("action") == "skip" {
        let current = f.get("current");
        if engine.model.input(current).is_some() && !skipped.iter().any(|s| s == current) {
            skipped.push(current.to_owned());
        }
    }
    let (view, json) = match engine.evaluate(&facts, date) {
        Ok(e) => (
            Some(EvalView::from_evaluation(&e)),
            with_json.then(|| engine.result_json(&e)),
        ),
        Err(_) => {
            errs.push("answers", "answers_invalid");
            (None, None)
        }
    };
    // Answered fields and fields with errors stay on the form, in ask order.
    let answered = engine
        .model
        .inputs
        .iter()
        .filter(|i| {
            facts.contains_key(&i.name) || errs.for_field(&format!("a_{}", i.name)).is_some()
        })
        .map(|i| i.name.clone())
        .collect();
    let next = view.as_ref().and_then(|v| {
        v.next_questions
            .iter()
            .find(|q| !skipped.contains(&q.input))
            .map(|q| q.input.clone())
    });
    Step {
        view,
        json,
        facts,
        errs,
        answered,
        next,
        skipped,
    }
}

/// Answers a client record already holds: age, region, household.
fn prefill(c: &ClientRow, db_region: Option<&str>) -> Fields {
    let mut v = Vec::new();
    if let Some(b) = c.birth.as_deref().and_then(BirthDate::from_storage) {
        v.push(("a_applicant_age".to_owned(), b.age_on(today()).to_string()));
    }
    if let Some(r) = db_region {
        v.push(("a_region".to_owned(), r.to_owned()));
    }
    if c.adults >= 1 {
        v.push(("a_dependent_children".to_owned(), c.children.to_string()));
        if c.adults == 1 {
            v.push(("a_partner".to_owned(), "no".to_owned()));
            v.push(("a_other_adults".to_owned(), "0".to_owned()));
        }
    }
    Fields(v)
}

fn region_of(refnis: Option<&str>) -> Option<&'static str> {
    // REFNIS codes of the Brussels-Capital Region start with 21.
    refnis.map(|r| {
        if r.starts_with("21") {
            "brussels"
        } else {
            "flanders"
        }
    })
}

/// Shared parts of the result views.
pub struct Results {
    /// Grouped rights.
    pub groups: Vec<(&'static str, Vec<RightView>)>,
    /// Reference date.
    pub reference_date: String,
}

fn results(view: EvalView) -> Results {
    let mut groups: Vec<(&'static str, Vec<RightView>)> = super::STATUS_ORDER
        .iter()
        .map(|s| (*s, Vec::new()))
        .collect();
    for r in view.rights {
        if let Some((_, list)) = groups.iter_mut().find(|(s, _)| *s == r.status) {
            list.push(r);
        }
    }
    groups.retain(|(_, v)| !v.is_empty());
    Results {
        groups,
        reference_date: view.reference_date,
    }
}

/// Helpers the result template calls.
pub struct Fmt<'a> {
    ctx: Ctx,
    engine: &'a RightsEngine,
    i18n: &'a sterk_i18n::I18n,
    /// The labels in the page's language.
    pub lb: &'a Labels,
}

impl<'a> Fmt<'a> {
    /// The helpers for a page in `ctx`'s language.
    pub fn new(ctx: Ctx, state: &'a AppState) -> Fmt<'a> {
        Fmt {
            lb: state.rights.labels(&state.i18n, ctx.lang),
            engine: &state.rights,
            i18n: &state.i18n,
            ctx,
        }
    }
}

impl Fmt<'_> {
    /// A text in the user's language.
    pub fn text<'t>(&self, t: &'t super::Text3) -> &'t str {
        t.get(self.ctx.lang.code())
    }
    /// An amount with its period.
    pub fn amount(&self, r: &RightView) -> String {
        match r.amount_cents {
            Some(c) => {
                let period = match (self.lb.right(&r.id), r.amount_period.as_deref()) {
                    (Some(l), Some(p))
                        if self
                            .engine
                            .model
                            .right(&r.id)
                            .is_some_and(|m| m.amount_period.as_deref() == Some(p)) =>
                    {
                        l.period.clone()
                    }
                    (_, Some(p)) => super::period_label(self.i18n, self.ctx.lang, p),
                    (_, None) => String::new(),
                };
                format!("{} {period}", Money(c))
            }
            None => String::new(),
        }
    }
    /// A parameter's value as people read it.
    pub fn param_value(&self, p: &super::ParamView) -> String {
        match p.value.as_ref().and_then(serde_json::Value::as_i64) {
            Some(v) if self.engine.param_is_money(&p.name) => Money(v).to_string(),
            Some(v) => v.to_string(),
            None => self.lb.value_unknown.clone(),
        }
    }
    /// Where to go next for a right.
    pub fn where_next(&self, r: &RightView) -> String {
        match self.engine.model.right(&r.id) {
            Some(m)
                if m.authority == r.authority && super::granting_code(m.granting) == r.granting =>
            {
                self.lb
                    .right(&r.id)
                    .map(|l| l.where_next.clone())
                    .unwrap_or_default()
            }
            _ => super::where_next_label(self.i18n, self.ctx.lang, &r.granting, &r.authority),
        }
    }
}

#[derive(Template)]
#[template(path = "rights/check.html")]
struct CheckPage<'a> {
    ctx: Ctx,
    fmt: Fmt<'a>,
    client: ClientRow,
    check_id: Option<i64>,
    has_consent: bool,
    answered: Vec<QField>,
    next: Vec<QField>,
    skipped: String,
    results: Option<Results>,
    errs: FieldErrors,
    rules_version: String,
}

/// The consent for a rights check among a client's consents, today.
async fn has_rights_consent(state: &AppState, ctx: &Ctx, client: i64) -> Result<bool, AppError> {
    let user = ctx.require_user()?;
    let consents = clients::consents(&state.db, &user.actor, client).await?;
    Ok(consents.iter().filter_map(|k| k.to_consent()).any(|k| {
        k.allows(
            sterk_domain::client::ConsentPurpose::RightsCheck,
            None,
            today(),
        )
    }))
}

/// The page of one questionnaire step (`s` already evaluated).
fn check_page<'a>(
    state: &'a AppState,
    ctx: Ctx,
    client: ClientRow,
    check_id: Option<i64>,
    has_consent: bool,
    f: &Fields,
    s: &mut Step,
) -> CheckPage<'a> {
    let engine = &state.rights;
    let lb = engine.labels(&state.i18n, ctx.lang);
    let answered = fields_for(&ctx, engine, lb, &s.answered, f, &s.errs);
    let next = fields_for(
        &ctx,
        engine,
        lb,
        &s.next.iter().cloned().collect::<Vec<_>>(),
        f,
        &s.errs,
    );
    let results = s.view.take().map(results);
    CheckPage {
        fmt: Fmt::new(ctx.clone(), state),
        ctx,
        client,
        check_id,
        has_consent,
        answered,
        next,
        skipped: s.skipped.join(","),
        results,
        errs: s.errs.clone(),
        rules_version: engine.version.clone(),
    }
}

/// `GET /clients/{id}/rights/new`: a new check, prefilled from the record.
pub async fn new_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ViewClient)?;
    let client = clients::get(&state.db, &user.actor, id).await?;
    let f = prefill(&client, region_of(client.refnis.as_deref()));
    let has_consent = has_rights_consent(&state, &ctx, id).await?;
    let mut s = step(&state.rights, &f, today(), false);
    let page = check_page(&state, ctx.clone(), client, None, has_consent, &f, &mut s);
    render(&page)
}

/// `POST /clients/{id}/rights/check`: one step of the questionnaire; stores the draft (the
/// answers, the date and the rules' version) or the finished check (with its result).
///
/// A step without problems costs one read (the client's record, for the page) and one write
/// through the check writer, which checks the consent and stores the check with its audit row
/// ([`rights::save_check`]).
pub async fn post_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::UpdateClient)?;
    let check_id = f.get("check_id").parse::<i64>().ok();
    let finish = f.get("action") == "finish";
    let mut s = step(&state.rights, &f, today(), finish);
    if !s.errs.is_empty() {
        let client = clients::get(&state.db, &user.actor, id).await?;
        let has_consent = has_rights_consent(&state, &ctx, id).await?;
        let page = check_page(
            &state,
            ctx.clone(),
            client,
            check_id,
            has_consent,
            &f,
            &mut s,
        );
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let answers = serde_json::to_string(&s.facts).map_err(|_| AppError::Internal("json"))?;
    let rights_found = s.view.as_ref().map_or(0, EvalView::rights_found);
    let input = CheckInput {
        reference_date: today(),
        rules_version: &state.rights.version,
        answers: &answers,
        result: s.json.as_deref().unwrap_or_default(),
        finished: finish,
        rights_found,
    };
    match rights::save_check(&state.db, &user.actor, id, check_id, &input, today()).await {
        Ok((saved, _)) if finish => {
            ctx.flash("flash-check-saved").await;
            let to = format!("/clients/{id}/rights/{saved}");
            // htmx follows a redirect inside the swap; ask it to load the page instead, so
            // the address and the history are right.
            if headers.contains_key("hx-request") {
                return Ok(([("hx-redirect", to)], axum::http::StatusCode::OK).into_response());
            }
            Ok(Redirect::to(&to).into_response())
        }
        Ok((saved, client)) => {
            let page = check_page(&state, ctx.clone(), client, Some(saved), true, &f, &mut s);
            render(&page)
        }
        Err(StoreError::Refused(code)) => {
            let client = clients::get(&state.db, &user.actor, id).await?;
            let has_consent = has_rights_consent(&state, &ctx, id).await?;
            s.errs.push("consent", code);
            let page = check_page(
                &state,
                ctx.clone(),
                client,
                check_id,
                has_consent,
                &f,
                &mut s,
            );
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "rights/stored.html")]
struct StoredPage<'a> {
    ctx: Ctx,
    fmt: Fmt<'a>,
    client: ClientRow,
    check: CheckRow,
    results: Option<Results>,
    answers: Vec<(String, String)>,
    /// A draft evaluated again under rules that changed since it was saved.
    rules_changed: bool,
}

/// The view of a stored check. A finished check is read from its stored result, exactly as it
/// was computed. A draft is stored without its result: it is evaluated again from its
/// answers on its date, and the flag says whether the rules changed since it was saved.
fn stored_view(engine: &RightsEngine, check: &CheckRow) -> (Option<EvalView>, bool) {
    if !check.result.is_empty() {
        return (serde_json::from_str(&check.result).ok(), false);
    }
    let facts: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&check.answers).unwrap_or_default();
    let date = parse_date(&check.reference_date).unwrap_or_else(|_| today());
    let view = engine
        .evaluate(&facts, date)
        .ok()
        .map(|e| EvalView::from_evaluation(&e));
    (view, check.rules_version != engine.version)
}

fn answers_list(ctx: &Ctx, engine: &RightsEngine, answers: &str) -> Vec<(String, String)> {
    let facts: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(answers).unwrap_or_default();
    engine
        .model
        .inputs
        .iter()
        .filter_map(|i| {
            let v = facts.get(&i.name)?;
            let shown = match (i.ty, v) {
                (Ty::Bool, serde_json::Value::Bool(b)) => ctx.t(if *b { "yes" } else { "no" }),
                (Ty::Money, serde_json::Value::Number(n)) => {
                    n.as_i64().map(|c| Money(c).to_string()).unwrap_or_default()
                }
                (Ty::Choice(_), serde_json::Value::String(s)) => ctx.t(&format!(
                    "rights-choice-{}-{}",
                    i.name.replace('_', "-"),
                    s.replace('_', "-")
                )),
                (_, serde_json::Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            Some((i.question.get(ctx.lang.code()).to_owned(), shown))
        })
        .collect()
}

/// `GET /clients/{id}/rights/{check}`: a stored check, exactly as it was computed.
pub async fn show_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, check)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ViewClient)?;
    let client = clients::get(&state.db, &user.actor, id).await?;
    let check = rights::get_check(&state.db, &user.actor, id, check).await?;
    let (view, rules_changed) = stored_view(&state.rights, &check);
    let answers = answers_list(&ctx, &state.rights, &check.answers);
    render(&StoredPage {
        fmt: Fmt::new(ctx.clone(), &state),
        ctx: ctx.clone(),
        client,
        results: view.map(results),
        check,
        answers,
        rules_changed,
    })
}

#[derive(Template)]
#[template(path = "rights/print.html")]
struct PrintPage<'a> {
    lang: &'static str,
    t: &'a sterk_i18n::I18n,
    l: Lang,
    fmt: Fmt<'a>,
    client_name: String,
    date: String,
    found: Vec<RightView>,
    pending: Vec<RightView>,
}

impl PrintPage<'_> {
    fn tr(&self, key: &str) -> String {
        self.t.t(self.l, key)
    }
}

#[derive(serde::Deserialize)]
/// `?lang=` of the printable summary.
pub struct PrintQuery {
    /// The client's language (nl, fr, en); default: the client's first language Sterk speaks.
    #[serde(default)]
    pub lang: String,
}

/// `GET /clients/{id}/rights/{check}/print`: one page for the client, in their language.
pub async fn print_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, check)): Path<(i64, i64)>,
    Query(q): Query<PrintQuery>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ViewClient)?;
    let client = clients::get(&state.db, &user.actor, id).await?;
    let check = rights::get_check(&state.db, &user.actor, id, check).await?;
    let view = stored_view(&state.rights, &check)
        .0
        .ok_or(AppError::Internal("stored result"))?;
    let lang = Lang::parse(&q.lang)
        .or_else(|| client.languages.split(',').find_map(Lang::parse))
        .unwrap_or_default();
    let mut print_ctx = ctx.clone();
    print_ctx.lang = lang;
    let date = view.reference_date;
    let (found, rest): (Vec<RightView>, Vec<RightView>) = view
        .rights
        .into_iter()
        .partition(|r| r.status == "eligible" || r.status == "likely");
    let pending = rest
        .into_iter()
        .filter(|r| r.status == "needs_info")
        .collect();
    let page = PrintPage {
        lang: lang.tag(),
        t: &state.i18n,
        l: lang,
        fmt: Fmt::new(print_ctx, &state),
        client_name: client.name,
        date,
        found,
        pending,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "rights/followups.html")]
struct FollowupsPage {
    ctx: Ctx,
    client: ClientRow,
    rows: Vec<FollowupRow>,
    history: Vec<FollowupEvent>,
    names: BTreeMap<String, String>,
    checks: Vec<CheckRow>,
    errs: FieldErrors,
    failed: Option<i64>,
    today: String,
}

impl FollowupsPage {
    fn failed_on(&self, id: impl std::borrow::Borrow<i64>) -> bool {
        self.failed == Some(*id.borrow())
    }
    fn right_name(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }
    fn money(&self, cents: &Option<i64>) -> String {
        cents.map(|c| Money(c).to_string()).unwrap_or_default()
    }
    fn refusal_codes(&self) -> impl Iterator<Item = &'static str> {
        RefusalReason::ALL.into_iter().map(RefusalReason::code)
    }
}

pub(crate) fn right_names(engine: &RightsEngine, lang: Lang) -> BTreeMap<String, String> {
    engine
        .model
        .rights
        .iter()
        .map(|r| (r.id.clone(), r.name.get(lang.code()).to_owned()))
        .collect()
}

async fn followups_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    errs: FieldErrors,
    failed: Option<i64>,
) -> Result<FollowupsPage, AppError> {
    let user = ctx.require_user()?.clone();
    let client = clients::get(&state.db, &user.actor, id).await?;
    let rows = rights::followups(&state.db, &user.actor, id).await?;
    let history = rights::followup_history(&state.db, &user.actor, id).await?;
    let checks = rights::list_checks(&state.db, &user.actor, id).await?;
    Ok(FollowupsPage {
        names: right_names(&state.rights, ctx.lang),
        ctx,
        client,
        rows,
        history,
        checks,
        errs,
        failed,
        today: sterk_domain::values::format_date(today()),
    })
}

/// `GET /clients/{id}/rights`: the client's checks and follow-ups.
pub async fn followups(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.authorize_own(Action::ViewClient)?;
    render(&followups_page(&state, ctx, id, FieldErrors::new(), None).await?)
}

/// `POST /clients/{id}/followups`: start following up a right found in a check.
pub async fn start_followup(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::UpdateClient)?;
    let right = f.get("right_id");
    if state.rights.model.right(right).is_none() {
        return Err(AppError::BadRequest("error-choice-invalid"));
    }
    rights::start_followup(
        &state.db,
        &user.actor,
        id,
        f.get("check_id").parse().ok(),
        right,
    )
    .await?;
    ctx.flash("flash-followup-started").await;
    Ok(Redirect::to(&format!("/clients/{id}/rights#followups")).into_response())
}

/// Parses a follow-up change form.
pub fn parse_change(f: &Fields) -> Result<FollowupChange, FieldErrors> {
    let mut errs = FieldErrors::new();
    let to = errs.check("to", FollowupStatus::parse(f.get("to")));
    let on = if f.get("on").trim().is_empty() {
        None
    } else {
        errs.check("on", parse_date(f.get("on")))
    };
    if on.is_some_and(|d| d > today()) {
        errs.push("on", "date_in_future");
    }
    let note = errs
        .check("note", parse_text(f.get("note"), 1000, false))
        .unwrap_or_default();
    let mut change = FollowupChange {
        to: to.unwrap_or(FollowupStatus::Todo),
        on,
        applied_where: None,
        amount_cents: None,
        refusal_reason: None,
        refusal_code: None,
        note,
    };
    match to {
        Some(FollowupStatus::Applied) => {
            change.applied_where = errs.check(
                "applied_where",
                parse_text(f.get("applied_where"), 200, true),
            );
            if on.is_none() && errs.for_field("on").is_none() {
                errs.push("on", "required");
            }
        }
        Some(FollowupStatus::Granted) => {
            if on.is_none() && errs.for_field("on").is_none() {
                errs.push("on", "required");
            }
            if !f.get("amount").trim().is_empty() {
                change.amount_cents = errs.check(
                    "amount",
                    Money::parse(f.get("amount"))
                        .map(Money::cents)
                        .and_then(|c| {
                            if c < 0 {
                                Err("money_out_of_range")
                            } else {
                                Ok(c)
                            }
                        }),
                );
            }
        }
        Some(FollowupStatus::Refused) => {
            if on.is_none() && errs.for_field("on").is_none() {
                errs.push("on", "required");
            }
            change.refusal_code = errs.check(
                "refusal_code",
                if f.get("refusal_code").trim().is_empty() {
                    Err("required")
                } else {
                    RefusalReason::parse(f.get("refusal_code"))
                },
            );
            change.refusal_reason = errs
                .check(
                    "refusal_reason",
                    parse_text(f.get("refusal_reason"), 1000, false),
                )
                .filter(|s| !s.is_empty());
        }
        _ => {}
    }
    if errs.is_empty() {
        Ok(change)
    } else {
        Err(errs)
    }
}

/// `POST /clients/{id}/followups/{fid}`: a change of state (impossible changes are refused
/// with a clear message; nothing is half-saved).
pub async fn change_followup(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i64, i64)>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::UpdateClient)?;
    clients::ensure_visible(&state.db, &user.actor, id).await?;
    match parse_change(&f) {
        Ok(change) => match rights::change_followup(&state.db, &user.actor, id, fid, &change).await
        {
            Ok(()) => {
                ctx.flash("flash-saved").await;
                Ok(Redirect::to(&format!("/clients/{id}/rights#followup-{fid}")).into_response())
            }
            Err(StoreError::Refused(code)) => {
                let mut errs = FieldErrors::new();
                errs.push("to", code);
                render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &followups_page(&state, ctx, id, errs, Some(fid)).await?,
                )
            }
            Err(e) => Err(e.into()),
        },
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &followups_page(&state, ctx, id, errs, Some(fid)).await?,
        ),
    }
}

/// `POST /clients/{id}/followups/{fid}/signal`: from a refused or blocked right, a
/// de-identified signal candidate naming the right and the barrier.
pub async fn signal_candidate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i64, i64)>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::UpdateClient)?;
    let rows = rights::followups(&state.db, &user.actor, id).await?;
    let row = rows
        .into_iter()
        .find(|r| r.id == fid)
        .ok_or(AppError::NotFound)?;
    let mut errs = FieldErrors::new();
    match parse_text(f.get("barrier"), 1000, true) {
        Ok(barrier) => {
            let client = clients::get(&state.db, &user.actor, id).await?;
            rights::create_signal_candidate(
                &state.db,
                &user.actor,
                "refused_right",
                Some(&row.right_id),
                &barrier,
                client.refnis.as_deref(),
            )
            .await?;
            ctx.flash("flash-signal-candidate").await;
            Ok(Redirect::to(&format!("/clients/{id}/rights#followup-{fid}")).into_response())
        }
        Err(code) => {
            errs.push("barrier", code);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &followups_page(&state, ctx, id, errs, Some(fid)).await?,
            )
        }
    }
}

#[derive(Template)]
#[template(path = "rights/public.html")]
struct PublicPage<'a> {
    ctx: Ctx,
    fmt: Fmt<'a>,
    answered: Vec<QField>,
    next: Vec<QField>,
    skipped: String,
    results: Option<Results>,
    asked: bool,
}

/// `GET /rechten`: the anonymous rights check. Nothing is stored: the answers travel in the
/// address of the page (a GET form), so the result can be printed or bookmarked.
pub async fn public_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = Fields(q);
    let asked = !f.0.is_empty();
    let engine = &state.rights;
    let s = step(engine, &f, today(), false);
    let lb = engine.labels(&state.i18n, ctx.lang);
    let answered = fields_for(&ctx, engine, lb, &s.answered, &f, &s.errs);
    let next = fields_for(
        &ctx,
        engine,
        lb,
        &s.next.iter().cloned().collect::<Vec<_>>(),
        &f,
        &s.errs,
    );
    let status = if s.errs.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PublicPage {
        fmt: Fmt::new(ctx.clone(), &state),
        ctx: ctx.clone(),
        answered,
        next,
        skipped: s.skipped.join(","),
        results: s.view.map(results),
        asked,
    };
    render_status(status, &page)
}
