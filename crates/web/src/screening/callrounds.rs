//! Pages of call rounds (*belrondes*): making a round from a screening or from a filter over
//! the organisation's clients, the list to call, the call page with a short script per
//! right and the outcome, and the printable lists for workers who call from paper.

use super::pages::{Show, right_names};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use crate::rights::EvalView;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sterk_domain::FieldErrors;
use sterk_domain::access::{self, Action, Actor, Resource};
use sterk_domain::client::{ContactChannel, Household};
use sterk_domain::values::{BirthDate, Name, Refnis, parse_phone, parse_text};
use sterk_store::callrounds::{
    self as store, EntryRow, EntryView, NewEntry, NewRound, OUTCOMES, Outcome, OutcomeRow, RoundRow,
};
use sterk_store::clients::ClientInput;
use sterk_store::screening::{self as screening, JobRow, Priority};
use sterk_store::{StoreError, accounts, reference};

/// An account that may call (a member who works with clients).
pub struct Worker {
    /// Account id.
    pub id: i64,
    /// Name.
    pub name: String,
}

async fn workers(state: &AppState, org: i64) -> Result<Vec<Worker>, AppError> {
    Ok(accounts::list_for_org(&state.db, org)
        .await?
        .into_iter()
        .filter(|a| a.active == 1)
        .filter(|a| {
            a.actor().is_some_and(|act| {
                access::authorize(&act, Action::ListClients, Resource::Org(org)).is_ok()
            })
        })
        .map(|a| Worker {
            id: a.id,
            name: a.display_name,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "callrounds/list.html")]
struct ListPage {
    ctx: Ctx,
    rounds: Vec<RoundRow>,
    can_create: bool,
}

/// `GET /callrounds`: the organisation's call rounds.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (org, user) = ctx.authorize_own(Action::ListClients)?;
    let rounds = store::list_rounds(&state.db, &user.actor).await?;
    render(&ListPage {
        can_create: ctx.can(Action::CreateClient, Resource::Org(org)),
        ctx,
        rounds,
    })
}

#[derive(Template)]
#[template(path = "callrounds/new.html")]
struct NewPage {
    ctx: Ctx,
    job: Option<JobRow>,
    workers: Vec<Worker>,
    f: Fields,
    errs: FieldErrors,
}

impl NewPage {
    fn checked(&self, key: &str, value: &str) -> bool {
        self.f.has(key, value)
    }
    fn worker_checked(&self, id: &i64) -> bool {
        // All workers are proposed when the form is new.
        self.f.0.is_empty() || self.f.has("workers", &id.to_string())
    }
}

/// `?job=` of the new-round form.
#[derive(serde::Deserialize)]
pub struct NewQuery {
    /// The screening to make the round from.
    pub job: Option<i64>,
}

async fn new_page(
    state: &AppState,
    ctx: Ctx,
    job: Option<i64>,
    f: Fields,
    errs: FieldErrors,
) -> Result<NewPage, AppError> {
    let (org, user) = ctx.authorize_own(Action::CreateClient)?;
    let job = match job {
        Some(id) => Some(screening::get_job(&state.db, &user.actor, id).await?),
        None => None,
    };
    Ok(NewPage {
        workers: workers(state, org).await?,
        ctx,
        job,
        f,
        errs,
    })
}

/// `GET /callrounds/new[?job=ID]`: the form to make a round.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let mut f = Fields::default();
    if q.job.is_none() {
        f.0.push(("min_age".into(), "80".into()));
        f.0.push(("lives_alone".into(), "1".into()));
        f.0.push(("include_unknown".into(), "1".into()));
    }
    f.0.push(("priority".into(), "money".into()));
    f.0.push(("retry_days".into(), "3".into()));
    let mut page = new_page(&state, ctx, q.job, Fields::default(), FieldErrors::new()).await?;
    // Defaults, with every worker ticked.
    page.f = f;
    for w in &page.workers {
        page.f.0.push(("workers".into(), w.id.to_string()));
    }
    render(&page)
}

fn int_field(
    errs: &mut FieldErrors,
    f: &Fields,
    key: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    let raw = f.get(key).trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        Ok(n) if n < *range.start() => {
            errs.push(key, "number_too_small");
            None
        }
        Ok(_) => {
            errs.push(key, "number_out_of_range");
            None
        }
        Err(_) => {
            errs.push(key, "number_invalid");
            None
        }
    }
}

/// The clients that pass the filter, each with the rights they probably miss.
fn evaluate_clients(
    state: &AppState,
    rows: &[screening::PopulationRow],
    min_age: Option<i64>,
    include_unknown: bool,
) -> Vec<NewEntry> {
    let today = crate::ctx::today();
    rows.iter()
        .filter(|r| min_age.is_none_or(|m| r.age_on(today).is_some_and(|a| a >= m)))
        .filter_map(|r| {
            let facts = super::client_facts(r, today);
            let view = EvalView::from_evaluation(&state.rights.evaluate(&facts, today).ok()?);
            let missed: Vec<_> = view
                .rights
                .iter()
                .filter(|x| x.status == "eligible" || x.status == "likely")
                .collect();
            if missed.is_empty() && !include_unknown {
                return None;
            }
            let sum = |period: &str| {
                missed
                    .iter()
                    .filter(|x| x.amount_period.as_deref() == Some(period))
                    .filter_map(|x| x.amount_cents)
                    .sum::<i64>()
            };
            Some(NewEntry {
                household_ref: r.id.to_string(),
                client_id: Some(r.id),
                rights_missed: missed
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                rights_count: missed.len() as i64,
                missed_monthly_cents: sum("month"),
                missed_yearly_cents: sum("year"),
            })
        })
        .collect()
}

/// `POST /callrounds`: makes a round from a screening (`job`) or from the client filter;
/// every problem is named on its field and nothing is stored then.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::CreateClient)?;
    let job: Option<i64> = f.get("job").parse().ok();
    let mut errs = FieldErrors::new();
    let name = errs.check("name", parse_text(f.get("name"), 200, true));
    let priority = errs.check("priority", Priority::parse(f.get("priority")));
    let retry_days = int_field(&mut errs, &f, "retry_days", 0..=90).unwrap_or(3);
    let mut worker_ids = Vec::new();
    for w in f.all("workers") {
        match w.parse::<i64>() {
            Ok(id) => worker_ids.push(id),
            Err(_) => errs.push("workers", "choice_invalid"),
        }
    }
    if worker_ids.is_empty() && errs.for_field("workers").is_none() {
        errs.push("workers", "workers_required");
    }
    let min_age = if job.is_none() {
        int_field(&mut errs, &f, "min_age", 0..=130)
    } else {
        None
    };
    let lives_alone = job.is_none() && f.has("lives_alone", "1");
    let include_unknown = job.is_none() && f.has("include_unknown", "1");
    let (Some(name), Some(priority), true) = (name, priority, errs.is_empty()) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&state, ctx, job, f, errs).await?,
        );
    };
    let round = NewRound {
        name: &name,
        job_id: job,
        priority,
        filter_min_age: min_age,
        filter_lives_alone: lives_alone,
        retry_days,
        workers: &worker_ids,
    };
    let made = match job {
        Some(_) => store::create_from_screening(&state.db, &user.actor, &round).await,
        None => {
            let rows = screening::client_population(&state.db, &user.actor, lives_alone).await?;
            let st = state.clone();
            let entries = tokio::task::spawn_blocking(move || {
                evaluate_clients(&st, &rows, min_age, include_unknown)
            })
            .await
            .map_err(|_| AppError::Internal("evaluate clients"))?;
            store::create_from_clients(&state.db, &user.actor, &round, entries).await
        }
    };
    match made {
        Ok((id, _)) => {
            ctx.flash("flash-callround-created").await;
            Ok(Redirect::to(&format!("/callrounds/{id}")).into_response())
        }
        Err(StoreError::Refused(code)) => {
            let field = match code {
                "workers_required" | "worker_invalid" => "workers",
                _ => "list",
            };
            errs.push(field, code);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(&state, ctx, job, f, errs).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "callrounds/round.html")]
struct RoundPage {
    ctx: Ctx,
    show: Show,
    round: RoundRow,
    rows: Vec<EntryRow>,
    view: String,
    mine: bool,
}

/// `?view=&mine=` of a round's page.
#[derive(serde::Deserialize)]
pub struct RoundQuery {
    /// `due` (default), `later`, `closed` or `all`.
    #[serde(default)]
    pub view: String,
    /// `1`: only my households; `0`: everyone's (default: mine).
    #[serde(default)]
    pub mine: Option<String>,
}

/// `GET /callrounds/{id}`: the households to call now (mine by default), in priority order.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<RoundQuery>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ListClients)?;
    let round = store::get_round(&state.db, &user.actor, id).await?;
    let view = EntryView::parse(&q.view);
    let mine = q.mine.as_deref() != Some("0");
    let rows = store::entries(
        &state.db,
        &user.actor,
        id,
        view,
        mine.then_some(user.actor.account),
    )
    .await?;
    render(&RoundPage {
        show: Show {
            names: right_names(&state, ctx.lang),
        },
        ctx,
        round,
        rows,
        view: view.code().to_owned(),
        mine,
    })
}

#[derive(Template)]
#[template(path = "callrounds/entry.html")]
struct EntryPage {
    ctx: Ctx,
    show: Show,
    round: RoundRow,
    entry: EntryRow,
    history: Vec<OutcomeRow>,
    outcomes: Vec<&'static str>,
    municipalities: Vec<reference::MunicipalityRow>,
    f: Fields,
    errs: FieldErrors,
}

impl EntryPage {
    fn script(&self, right: &str) -> String {
        self.ctx.t(&format!("callround-script-{right}"))
    }
    fn chosen(&self, outcome: &str) -> bool {
        self.f.get("outcome") == outcome
    }
    fn right_chosen(&self, right: &str) -> bool {
        self.f.get("right_id") == right
    }
}

async fn entry_page(
    state: &AppState,
    ctx: Ctx,
    round: i64,
    entry: i64,
    f: Fields,
    errs: FieldErrors,
) -> Result<EntryPage, AppError> {
    let user = ctx.require_user()?.clone();
    let r = store::get_round(&state.db, &user.actor, round).await?;
    let e = store::get_entry(&state.db, &user.actor, round, entry).await?;
    let history = store::outcomes(&state.db, &user.actor, entry).await?;
    let municipalities = if e.client_id.is_none() {
        reference::municipalities(&state.db).await?
    } else {
        Vec::new()
    };
    let mut f = f;
    if f.get("retry_days").is_empty() {
        f.0.push(("retry_days".into(), r.retry_days.to_string()));
    }
    Ok(EntryPage {
        show: Show {
            names: right_names(state, ctx.lang),
        },
        ctx,
        round: r,
        entry: e,
        history,
        outcomes: OUTCOMES.to_vec(),
        municipalities,
        f,
        errs,
    })
}

/// `GET /callrounds/{id}/entries/{entry}`: the call page.
pub async fn entry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, entry)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    ctx.authorize_own(Action::ListClients)?;
    render(
        &entry_page(
            &state,
            ctx,
            id,
            entry,
            Fields::default(),
            FieldErrors::new(),
        )
        .await?,
    )
}

/// What the outcome form says, parsed.
enum Parsed {
    Reached(Option<ClientInput>),
    NotReached(i64),
    Simple(&'static str),
    NeedsHelp(String),
    Structural(Option<String>, String),
}

fn parse_outcome(
    f: &Fields,
    entry: &EntryRow,
    round: &RoundRow,
    errs: &mut FieldErrors,
) -> Option<Parsed> {
    let outcome = f.get("outcome");
    let Some(code) = OUTCOMES.iter().find(|o| **o == outcome) else {
        errs.push("outcome", "choice_invalid");
        return None;
    };
    match *code {
        "reached" if entry.client_id.is_none() => {
            let today = crate::ctx::today();
            let name = errs.check("name", Name::parse(f.get("name")));
            let phone = if f.get("phone").trim().is_empty() {
                None
            } else {
                errs.check("phone", parse_phone(f.get("phone")))
            };
            let birth = if f.get("birth").trim().is_empty() {
                None
            } else {
                errs.check("birth", BirthDate::parse(f.get("birth"), today))
            };
            let refnis = if f.get("refnis").trim().is_empty() {
                None
            } else {
                errs.check("refnis", Refnis::parse(f.get("refnis")))
            };
            let household = Household::parse("1", "0").ok()?;
            Some(Parsed::Reached(name.map(|name| ClientInput {
                name,
                birth,
                refnis,
                languages: Vec::new(),
                channels: if phone.is_some() {
                    vec![ContactChannel::Phone]
                } else {
                    Vec::new()
                },
                phone,
                email: None,
                address: None,
                household,
                notes: String::new(),
            })))
        }
        "reached" => Some(Parsed::Reached(None)),
        "not_reached" => Some(Parsed::NotReached(
            int_field(errs, f, "retry_days", 0..=365).unwrap_or(round.retry_days),
        )),
        "needs_help" => errs
            .check("need", parse_text(f.get("need"), 1000, true))
            .map(Parsed::NeedsHelp),
        "structural_problem" => {
            let right = f.get("right_id");
            let right = if right.is_empty() {
                None
            } else if entry.rights().contains(&right) {
                Some(right.to_owned())
            } else {
                errs.push("right_id", "choice_invalid");
                None
            };
            errs.check("barrier", parse_text(f.get("barrier"), 1000, true))
                .map(|b| Parsed::Structural(right, b))
        }
        other => Some(Parsed::Simple(other)),
    }
}

/// `POST /callrounds/{id}/entries/{entry}`: records the outcome of a call, with what it
/// brings (a client with consent and follow-ups, a signal or help-request candidate), in one
/// transaction; nothing is half-saved on a problem.
pub async fn outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, entry)): Path<(i64, i64)>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::CreateClient)?;
    let round = store::get_round(&state.db, &user.actor, id).await?;
    let e = store::get_entry(&state.db, &user.actor, id, entry).await?;
    let mut errs = FieldErrors::new();
    let note = errs
        .check("note", parse_text(f.get("note"), 1000, false))
        .unwrap_or_default();
    let parsed = parse_outcome(&f, &e, &round, &mut errs);
    if let Some(Parsed::Reached(Some(input))) = &parsed
        && let Some(r) = &input.refnis
        && reference::municipality(&state.db, &r.to_string())
            .await?
            .is_none()
    {
        errs.push("refnis", "municipality_unknown");
    }
    let (Some(parsed), true) = (parsed, errs.is_empty()) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &entry_page(&state, ctx, id, entry, f, errs).await?,
        );
    };
    let o = match &parsed {
        Parsed::Reached(input) => Outcome::Reached {
            new_client: input.as_ref(),
        },
        Parsed::NotReached(days) => Outcome::NotReached { retry_days: *days },
        Parsed::NeedsHelp(need) => Outcome::NeedsHelp { need },
        Parsed::Structural(right, barrier) => Outcome::StructuralProblem {
            right_id: right.as_deref(),
            barrier,
        },
        Parsed::Simple("wrong_number") => Outcome::WrongNumber,
        Parsed::Simple("no_contact") => Outcome::NoContact,
        Parsed::Simple("application_started") => Outcome::ApplicationStarted,
        Parsed::Simple(_) => Outcome::NeedsVisit,
    };
    match store::record_outcome(
        &state.db,
        &user.actor,
        id,
        entry,
        &o,
        &note,
        crate::ctx::today(),
    )
    .await
    {
        Ok(done) => {
            if let (Outcome::Reached { .. }, Some(client)) = (&o, done.client_id) {
                ctx.flash("flash-call-reached").await;
                return Ok(Redirect::to(&format!("/clients/{client}/rights")).into_response());
            }
            ctx.flash("flash-call-recorded").await;
            Ok(Redirect::to(&format!("/callrounds/{id}")).into_response())
        }
        Err(StoreError::Refused(code)) => {
            let mut errs = FieldErrors::new();
            errs.push("outcome", code);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &entry_page(&state, ctx, id, entry, f, errs).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// One worker's part of a printed list.
pub struct PrintPart {
    /// The worker's name.
    pub worker: String,
    /// Their households, in priority order.
    pub rows: Vec<EntryRow>,
}

#[derive(Template)]
#[template(path = "callrounds/print.html")]
struct PrintPage {
    ctx: Ctx,
    show: Show,
    round: RoundRow,
    parts: Vec<PrintPart>,
    outcomes: Vec<&'static str>,
}

/// `GET /callrounds/{id}/print`: a page per worker with the households still to call (due
/// now), phone numbers when known, the rights to mention and empty boxes for the outcome.
pub async fn print(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ListClients)?;
    let round = store::get_round(&state.db, &user.actor, id).await?;
    let rows = store::entries(&state.db, &user.actor, id, EntryView::Due, None).await?;
    let mut parts: Vec<PrintPart> = Vec::new();
    for r in rows {
        let name = r.assigned_name.clone().unwrap_or_default();
        match parts.iter_mut().find(|p| p.worker == name) {
            Some(p) => p.rows.push(r),
            None => parts.push(PrintPart {
                worker: name,
                rows: vec![r],
            }),
        }
    }
    render(&PrintPage {
        show: Show {
            names: right_names(&state, ctx.lang),
        },
        ctx,
        round,
        parts,
        outcomes: OUTCOMES.to_vec(),
    })
}

/// Whether an actor may see call rounds (for links).
pub fn visible(actor: &Actor) -> bool {
    actor
        .org
        .is_some_and(|o| access::authorize(actor, Action::ListClients, Resource::Org(o)).is_ok())
}
