//! The worker's pages of the solidarity module.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sterk_domain::FieldErrors;
use sterk_domain::access::Action;
use sterk_domain::client::LANGUAGES;
use sterk_matching as engine;
use sterk_store::callrounds::{self, HelpCandidateRow};
use sterk_store::clients::{self, ClientSummary};
use sterk_store::solidarity::{
    self as store, FREQUENCIES, KINDS, MatchRow, NetworkRow, NewRequest, NewVolunteer, RequestRow,
    SCREENINGS, STOP_REASONS, Step, URGENCIES, VolunteerRow,
};
use sterk_store::{StoreError, reference};

/// One cell of the weekly availability grid in a form.
pub struct GridCell {
    /// Bit number (day * 3 + part).
    pub bit: u32,
    /// Accessible name, e.g. "Monday, morning".
    pub label: String,
    /// Ticked.
    pub checked: bool,
}

/// One day of the grid.
pub struct GridRow {
    /// The day's name.
    pub day: String,
    /// Morning, afternoon, evening.
    pub cells: Vec<GridCell>,
}

const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const PART_KEYS: [&str; 3] = ["morning", "afternoon", "evening"];

/// The grid for a form, ticked from `mask`.
pub fn grid(t: &dyn Fn(&str) -> String, mask: i64) -> (Vec<String>, Vec<GridRow>) {
    let parts: Vec<String> = PART_KEYS
        .iter()
        .map(|p| t(&format!("solidarity-part-{p}")))
        .collect();
    let rows = DAY_KEYS
        .iter()
        .enumerate()
        .map(|(d, key)| {
            let day = t(&format!("solidarity-day-{key}"));
            let cells = (0..3)
                .map(|p| {
                    let bit = (d * 3 + p) as u32;
                    GridCell {
                        bit,
                        label: format!("{day}, {}", parts[p]),
                        checked: mask >> bit & 1 == 1,
                    }
                })
                .collect();
            GridRow { day, cells }
        })
        .collect();
    (parts, rows)
}

/// The grid as a short text ("Mon morning, Tue evening").
pub fn grid_text(t: &dyn Fn(&str) -> String, mask: i64) -> String {
    let mut out = Vec::new();
    for (d, key) in DAY_KEYS.iter().enumerate() {
        for (p, part) in PART_KEYS.iter().enumerate() {
            if mask >> (d * 3 + p) & 1 == 1 {
                out.push(format!(
                    "{} {}",
                    t(&format!("solidarity-day-{key}")),
                    t(&format!("solidarity-part-{part}"))
                ));
            }
        }
    }
    out.join(", ")
}

/// The availability bits ticked in a form (field `slot`).
pub fn parse_grid(f: &Fields) -> i64 {
    f.all("slot")
        .iter()
        .filter_map(|s| s.parse::<u32>().ok())
        .filter(|b| *b < engine::AVAILABILITY_BITS)
        .fold(0i64, |acc, b| acc | (1 << b))
}

/// The language codes ticked (field `languages`), only known codes.
pub fn parse_languages(f: &Fields) -> Vec<String> {
    f.all("languages")
        .into_iter()
        .filter(|l| LANGUAGES.contains(l))
        .map(str::to_owned)
        .collect()
}

/// Translated names of comma-separated codes.
pub fn names(ctx: &Ctx, prefix: &str, list: &str) -> String {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|c| ctx.code(prefix, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Maps a store refusal to the field it concerns.
pub(crate) fn refusal_field(code: &str) -> &'static str {
    match code {
        "solidarity-postcode-mismatch" | "refnis_unknown" => "postcode",
        "solidarity-languages-required" => "languages",
        "solidarity-availability-required" => "availability",
        "solidarity-skills-required" => "skills",
        "solidarity-area-required" => "radius_km",
        "solidarity-capacity-range" => "capacity",
        "solidarity-insurance-required" => "insurance_noted",
        _ => "form",
    }
}

// ---------------------------------------------------------------- home

#[derive(Template)]
#[template(path = "solidarity/home.html")]
struct HomePage {
    ctx: Ctx,
    requests: Vec<RequestRow>,
    candidates: Vec<HelpCandidateRow>,
    public: Vec<store::PublicRequestRow>,
}

/// `GET /solidarity`: help requests, candidates from call rounds, and the ways in.
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let requests = store::requests(&state.db, &user.actor).await?;
    let candidates = callrounds::help_candidates(&state.db, &user.actor)
        .await?
        .into_iter()
        .filter(|c| c.status == "candidate" && c.client_id.is_some())
        .collect();
    let public = store::public_requests(&state.db, &user.actor).await?;
    render(&HomePage {
        ctx,
        requests,
        candidates,
        public,
    })
}

/// `POST /solidarity/public/{id}/take`: a worker takes on a request from the public form: a
/// client record is made, and the help-request form opens with its answers.
pub async fn take_public(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let (client, row) = match store::take_on(&state.db, &user.actor, id).await {
        Ok(done) => done,
        Err(StoreError::Refused(_)) => {
            return Err(AppError::BadRequest("error-solidarity-name-invalid"));
        }
        Err(e) => return Err(e.into()),
    };
    let mut q = format!(
        "/solidarity/requests/new?client={client}&kind={}&postcode={}&grid={}",
        row.kind, row.postcode, row.availability
    );
    for l in row.languages.split(',').filter(|l| !l.is_empty()) {
        q.push_str(&format!("&lang={l}"));
    }
    ctx.flash("solidarity-flash-taken-on").await;
    Ok(Redirect::to(&q).into_response())
}

// ---------------------------------------------------------------- requests

#[derive(Template)]
#[template(path = "solidarity/request_new.html")]
struct RequestForm {
    ctx: Ctx,
    clients: Vec<ClientSummary>,
    f: Fields,
    errs: FieldErrors,
    parts: Vec<String>,
    grid: Vec<GridRow>,
}

impl RequestForm {
    fn checked(&self, key: &str, value: &str) -> bool {
        self.f.has(key, value)
    }
}

/// `?client=&candidate=` of the new-request form.
#[derive(serde::Deserialize, Default)]
pub struct NewRequestQuery {
    /// The client.
    pub client: Option<i64>,
    /// The call-round candidate to turn into a request.
    pub candidate: Option<i64>,
    /// Prefill: kind.
    pub kind: Option<String>,
    /// Prefill: postal code.
    pub postcode: Option<String>,
    /// Prefill: availability grid.
    pub grid: Option<i64>,
}

async fn request_form(
    state: &AppState,
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
) -> Result<RequestForm, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let (clients, _) = clients::list(&state.db, &user.actor, "", 0, 1000).await?;
    let mask = parse_grid(&f);
    let (parts, grid) = grid(&|k| ctx.t(k), mask);
    Ok(RequestForm {
        ctx,
        clients,
        f,
        errs,
        parts,
        grid,
    })
}

/// `GET /solidarity/requests/new`: the form (for a client, or from a call-round candidate).
pub async fn new_request(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewRequestQuery>,
    Query(all): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut f = Fields::default();
    if let Some(k) = q.kind {
        f.0.push(("kind".into(), k));
    }
    if let Some(pc) = q.postcode {
        f.0.push(("postcode".into(), pc));
    }
    for b in 0..engine::AVAILABILITY_BITS {
        if q.grid.is_some_and(|g| g >> b & 1 == 1) {
            f.0.push(("slot".into(), b.to_string()));
        }
    }
    let langs: Vec<String> = all
        .into_iter()
        .filter(|(k, _)| k == "lang")
        .map(|(_, v)| v)
        .collect();
    if let Some(c) = q.client {
        f.0.push(("client".into(), c.to_string()));
    }
    if let Some(c) = q.candidate {
        f.0.push(("candidate".into(), c.to_string()));
    }
    f.0.push(("frequency".into(), "once".into()));
    f.0.push(("urgency".into(), "normal".into()));
    if langs.is_empty() {
        f.0.push(("languages".into(), "nl".into()));
    }
    for l in langs {
        f.0.push(("languages".into(), l));
    }
    render(&request_form(&state, ctx, f, FieldErrors::new()).await?)
}

/// `POST /solidarity/requests`: records a help request; problems are named on their fields
/// and nothing is stored then.
pub async fn create_request(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let mut errs = FieldErrors::new();
    let client_id = f.get("client").parse::<i64>().ok();
    if client_id.is_none() {
        errs.push("client", "required");
    }
    let kind = f.get("kind").trim().to_owned();
    if !KINDS.contains(&kind.as_str()) {
        errs.push("kind", "choice_invalid");
    }
    let postcode = f.get("postcode").trim().to_owned();
    let mut refnis = String::new();
    if postcode.len() != 4 || !postcode.chars().all(|c| c.is_ascii_digit()) {
        errs.push("postcode", "postcode_invalid");
    } else {
        let munis = reference::municipalities_for_postcode(&state.db, &postcode).await?;
        match munis.as_slice() {
            [] => errs.push("postcode", "postcode_invalid"),
            [one] => refnis = one.refnis.clone(),
            many => {
                let chosen = f.get("refnis");
                match many.iter().find(|m| m.refnis == chosen) {
                    Some(m) => refnis = m.refnis.clone(),
                    None => refnis = many[0].refnis.clone(),
                }
            }
        }
    }
    let input = NewRequest {
        client_id: client_id.unwrap_or(0),
        kind,
        frequency: f.get("frequency").to_owned(),
        refnis,
        postcode,
        languages: parse_languages(&f),
        availability: parse_grid(&f),
        urgency: f.get("urgency").to_owned(),
        needs: f.get("needs").trim().to_owned(),
    };
    if errs.is_empty()
        && let Err((field, code)) = store::validate_request(&input)
    {
        errs.push(field, code);
    }
    if !errs.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &request_form(&state, ctx, f, errs).await?,
        );
    }
    let candidate = f.get("candidate").parse::<i64>().ok();
    match store::create_request_from(&state.db, &user.actor, &input, candidate).await {
        Ok(id) => {
            ctx.flash("solidarity-flash-request-created").await;
            Ok(Redirect::to(&format!("/solidarity/requests/{id}")).into_response())
        }
        Err(StoreError::Refused(code)) => {
            errs.push(refusal_field(code), code);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &request_form(&state, ctx, f, errs).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// One line of a shortlist or batch proposal, with its reasons translated.
pub struct ShortRow {
    /// Volunteer id.
    pub volunteer_id: i64,
    /// Name.
    pub name: String,
    /// Total score.
    pub total: i64,
    /// The reasons, one per line.
    pub reasons: Vec<String>,
}

fn reasons(state: &AppState, ctx: &Ctx, s: &engine::Score) -> Vec<String> {
    let mut out = vec![state.i18n.t_args(
        ctx.lang,
        "solidarity-reason-distance",
        &[
            ("km", i64::from(s.distance_km).into()),
            ("points", s.distance_points.into()),
        ],
    )];
    if s.continuity_points > 0 {
        out.push(state.i18n.t_args(
            ctx.lang,
            "solidarity-reason-continuity",
            &[("points", s.continuity_points.into())],
        ));
    }
    if s.load > 0 {
        out.push(state.i18n.t_args(
            ctx.lang,
            "solidarity-reason-load",
            &[
                ("count", i64::from(s.load).into()),
                ("points", s.load_points.into()),
            ],
        ));
    }
    if s.scarce_points < 0 {
        let skills: Vec<String> = KINDS
            .iter()
            .enumerate()
            .filter(|(b, _)| s.scarce_skills >> b & 1 == 1)
            .map(|(_, k)| ctx.code("solidarity-kind", k))
            .collect();
        out.push(state.i18n.t_args(
            ctx.lang,
            "solidarity-reason-scarce",
            &[
                ("skills", skills.join(", ").into()),
                ("points", s.scarce_points.into()),
            ],
        ));
    }
    out
}

#[derive(Template)]
#[template(path = "solidarity/request.html")]
struct RequestPage {
    ctx: Ctx,
    r: RequestRow,
    availability: String,
    supporters: u32,
    shortlist: Vec<ShortRow>,
    eligible: usize,
    excluded: Vec<(String, usize)>,
    matches: Vec<MatchRow>,
    error: Option<String>,
}

async fn request_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    error: Option<&'static str>,
) -> Result<RequestPage, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let r = store::request(&state.db, &user.actor, id).await?;
    let input = store::engine_inputs(&state.db, &user.actor, Some(id)).await?;
    let all = store::engine_inputs(&state.db, &user.actor, None).await?;
    let sc = engine::Scarcity::compute(&all.requests, &input.volunteers);
    let (shortlist, eligible, excluded, supporters) = match input.requests.first() {
        Some(req) => {
            let s = engine::shortlist(req, &input.volunteers, &sc, 10);
            let rows = s
                .candidates
                .iter()
                .map(|c| ShortRow {
                    volunteer_id: input.volunteer_rows[c.volunteer].id,
                    name: input.volunteer_rows[c.volunteer].name.clone(),
                    total: c.score.total,
                    reasons: reasons(state, &ctx, &c.score),
                })
                .collect();
            let excluded = s
                .excluded
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(f, n)| (ctx.code("solidarity-filter", f.code()), *n))
                .collect();
            (rows, s.eligible, excluded, req.supporters)
        }
        None => (vec![], 0, vec![], 0),
    };
    let matches = store::matches(&state.db, &user.actor)
        .await?
        .into_iter()
        .filter(|m| m.request_id == id)
        .collect();
    let availability = grid_text(&|k| ctx.t(k), r.availability);
    let error = error.map(|code| ctx.t(&format!("error-{}", code.replace('_', "-"))));
    Ok(RequestPage {
        ctx,
        r,
        availability,
        supporters,
        shortlist,
        eligible,
        excluded,
        matches,
        error,
    })
}

/// `GET /solidarity/requests/{id}`: the request, its ranked shortlist with reasons, and what
/// the filters excluded.
pub async fn show_request(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(&request_page(&state, ctx, id, None).await?)
}

/// `POST /solidarity/requests/{id}/propose`: proposes one volunteer from the shortlist;
/// refused without the consent to share with a volunteer (the message names it).
pub async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let volunteer = f
        .get("volunteer")
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("error-bad-form"))?;
    let score = f.get("score").parse::<i64>().unwrap_or(0);
    match store::propose(&state.db, &user.actor, id, volunteer, score, "shortlist").await {
        Ok(_) => {
            ctx.flash("solidarity-flash-proposed").await;
            Ok(Redirect::to(&format!("/solidarity/requests/{id}")).into_response())
        }
        Err(StoreError::Refused(code)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &request_page(&state, ctx, id, Some(code)).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- batch

/// One proposed pair of the batch.
pub struct BatchRow {
    /// Request id.
    pub request_id: i64,
    /// Client name.
    pub client: String,
    /// Kind code.
    pub kind: String,
    /// Municipality.
    pub municipality: String,
    /// Active supporters of the person.
    pub supporters: u32,
    /// The volunteer and the reasons.
    pub choice: ShortRow,
}

#[derive(Template)]
#[template(path = "solidarity/batch.html")]
struct BatchPage {
    ctx: Ctx,
    rows: Vec<BatchRow>,
    unassigned: Vec<(i64, String, String, u32)>,
    pairs: String,
    candidate_pairs: usize,
    open: usize,
    volunteers: usize,
}

/// `GET /solidarity/batch`: an optimal proposal for all open requests at once, people with the
/// fewest supporters first; nothing is stored until the coordinator confirms.
pub async fn batch_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let input = store::engine_inputs(&state.db, &user.actor, None).await?;
    let (requests, volunteers) = (input.requests.clone(), input.volunteers.clone());
    let b = tokio::task::spawn_blocking(move || engine::batch(&requests, &volunteers))
        .await
        .map_err(|_| AppError::Internal("batch"))?;
    let sc = engine::Scarcity::compute(&input.requests, &input.volunteers);
    let mut rows = Vec::new();
    for p in &b.pairs {
        let r = &input.request_rows[p.request];
        let v = &input.volunteer_rows[p.volunteer];
        let score = engine::score_pair(
            &input.requests[p.request],
            &input.volunteers[p.volunteer],
            &sc,
        );
        rows.push(BatchRow {
            request_id: r.id,
            client: r.client_name.clone(),
            kind: r.kind.clone(),
            municipality: r.municipality.clone(),
            supporters: input.requests[p.request].supporters,
            choice: ShortRow {
                volunteer_id: v.id,
                name: v.name.clone(),
                total: score.total,
                reasons: reasons(&state, &ctx, &score),
            },
        });
    }
    rows.sort_by_key(|r| (r.supporters, r.request_id));
    let unassigned = b
        .unassigned
        .iter()
        .map(|&i| {
            let r = &input.request_rows[i];
            (
                r.id,
                r.client_name.clone(),
                r.kind.clone(),
                input.requests[i].supporters,
            )
        })
        .collect();
    let pairs = rows
        .iter()
        .map(|r| {
            format!(
                "{}:{}:{}",
                r.request_id, r.choice.volunteer_id, r.choice.total
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    render(&BatchPage {
        ctx,
        rows,
        unassigned,
        pairs,
        candidate_pairs: b.edges,
        open: input.request_rows.len(),
        volunteers: input.volunteer_rows.len(),
    })
}

/// `POST /solidarity/batch`: the coordinator confirms the proposal: one proposed match per
/// pair, in one transaction; pairs that cannot be proposed (e.g. a missing consent) are named.
pub async fn batch_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let mut pairs = Vec::new();
    for p in f.get("pairs").split(',').filter(|s| !s.is_empty()) {
        let parts: Vec<i64> = p.split(':').filter_map(|x| x.parse().ok()).collect();
        match parts.as_slice() {
            [r, v, s] => pairs.push((*r, *v, *s)),
            _ => return Err(AppError::BadRequest("error-bad-form")),
        }
    }
    let out = store::confirm_batch(&state.db, &user.actor, &pairs).await?;
    let skipped = out
        .skipped
        .iter()
        .map(|(r, code)| format!("{r}-{code}"))
        .collect::<Vec<_>>()
        .join(",");
    Ok(Redirect::to(&format!(
        "/solidarity/matches?proposed={}&skipped={skipped}",
        out.proposed.len()
    ))
    .into_response())
}

// ---------------------------------------------------------------- matches

#[derive(Template)]
#[template(path = "solidarity/matches.html")]
struct MatchesPage {
    ctx: Ctx,
    rows: Vec<MatchRow>,
    proposed: Option<i64>,
    skipped: Vec<(String, String)>,
    stop_reasons: Vec<(&'static str, String)>,
    error: Option<String>,
}

/// `?proposed=&skipped=` after a batch confirmation.
#[derive(serde::Deserialize, Default)]
pub struct MatchesQuery {
    /// How many matches were proposed.
    pub proposed: Option<i64>,
    /// `request-code` pairs that were refused.
    #[serde(default)]
    pub skipped: String,
}

async fn matches_page(
    state: &AppState,
    ctx: Ctx,
    q: MatchesQuery,
    error: Option<&str>,
) -> Result<MatchesPage, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let rows = store::matches(&state.db, &user.actor).await?;
    let skipped = q
        .skipped
        .split(',')
        .filter_map(|s| s.split_once('-'))
        .map(|(r, code)| {
            (
                r.to_owned(),
                ctx.t(&format!("error-{}", code.replace('_', "-"))),
            )
        })
        .collect();
    let stop_reasons = STOP_REASONS
        .iter()
        .map(|r| (*r, ctx.code("solidarity-stop", r)))
        .collect();
    let error = error.map(|code| ctx.t(&format!("error-{}", code.replace('_', "-"))));
    Ok(MatchesPage {
        ctx,
        rows,
        proposed: q.proposed,
        skipped,
        stop_reasons,
        error,
    })
}

/// `GET /solidarity/matches`: every match and the next step each can take.
pub async fn matches(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MatchesQuery>,
) -> Result<Response, AppError> {
    render(&matches_page(&state, ctx, q, None).await?)
}

/// `POST /solidarity/matches/{id}`: the volunteer accepts or declines, the help starts or ends,
/// or the match stops with a reason; feedback from both sides may come with any step.
pub async fn match_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let step = Step::parse(f.get("step")).ok_or(AppError::BadRequest("error-bad-form"))?;
    let reason = Some(f.get("stop_reason")).filter(|r| !r.is_empty());
    let (fc, fv) = (f.get("feedback_client"), f.get("feedback_volunteer"));
    if fc.chars().count() > 2000 || fv.chars().count() > 2000 {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &matches_page(&state, ctx, MatchesQuery::default(), Some("too_long")).await?,
        );
    }
    match store::step(&state.db, &user.actor, id, step, reason, fc, fv).await {
        Ok(()) => {
            ctx.flash("solidarity-flash-step").await;
            Ok(Redirect::to("/solidarity/matches").into_response())
        }
        Err(StoreError::Refused(code)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &matches_page(&state, ctx, MatchesQuery::default(), Some(code)).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- volunteers

#[derive(Template)]
#[template(path = "solidarity/volunteers.html")]
struct VolunteersPage {
    ctx: Ctx,
    rows: Vec<VolunteerRow>,
}

/// `GET /solidarity/volunteers`: the organisation's volunteers.
pub async fn volunteers(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let rows = store::volunteers(&state.db, &user.actor).await?;
    render(&VolunteersPage { ctx, rows })
}

/// The volunteer form, shared by the worker's page and the public sign-up.
pub struct VolunteerFields {
    /// The parsed input.
    pub input: NewVolunteer,
}

/// Parses the volunteer form; errors on their fields.
pub async fn parse_volunteer(
    state: &AppState,
    f: &Fields,
    errs: &mut FieldErrors,
) -> Result<NewVolunteer, AppError> {
    let postcode = f.get("postcode").trim().to_owned();
    let mut refnis = String::new();
    if postcode.len() != 4 || !postcode.chars().all(|c| c.is_ascii_digit()) {
        errs.push("postcode", "postcode_invalid");
    } else {
        let munis = reference::municipalities_for_postcode(&state.db, &postcode).await?;
        match munis.first() {
            Some(m) => refnis = m.refnis.clone(),
            None => errs.push("postcode", "postcode_invalid"),
        }
    }
    let radius = f.get("radius_km").trim();
    let radius_km = if radius.is_empty() {
        None
    } else {
        match radius.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errs.push("radius_km", "number_invalid");
                None
            }
        }
    };
    // Where they help: a list of postcodes (each becomes its municipalities), else the radius.
    let mut municipalities: Vec<String> = Vec::new();
    for pc in f
        .get("areas")
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let found = if pc.len() == 4 && pc.chars().all(|c| c.is_ascii_digit()) {
            reference::municipalities_for_postcode(&state.db, pc).await?
        } else {
            Vec::new()
        };
        if found.is_empty() {
            errs.push("areas", "postcode_invalid");
            break;
        }
        for m in found {
            if !municipalities.contains(&m.refnis) {
                municipalities.push(m.refnis);
            }
        }
    }
    let capacity = f.get("capacity").trim().parse::<i64>().unwrap_or(1);
    let email = Some(f.get("email").trim().to_owned()).filter(|e| !e.is_empty());
    if let Some(e) = &email
        && (!e.contains('@') || e.len() > 200)
    {
        errs.push("email", "email_invalid");
    }
    let phone = Some(f.get("phone").trim().to_owned()).filter(|p| !p.is_empty());
    if phone.as_ref().is_some_and(|p| p.len() > 40) {
        errs.push("phone", "too_long");
    }
    let v = NewVolunteer {
        name: f.get("name").trim().to_owned(),
        email,
        phone,
        refnis,
        postcode,
        radius_km: if municipalities.is_empty() {
            radius_km
        } else {
            None
        },
        municipalities,
        languages: parse_languages(f),
        skills: f
            .all("skills")
            .into_iter()
            .filter(|s| KINDS.contains(s))
            .map(str::to_owned)
            .collect(),
        screening: f
            .all("screening")
            .into_iter()
            .filter(|s| SCREENINGS.contains(s))
            .map(str::to_owned)
            .collect(),
        availability: parse_grid(f),
        capacity,
        insurance_noted: f.has("insurance_noted", "1"),
    };
    if let Err((field, code)) = store::validate_volunteer(&v)
        && errs.for_field(field).is_none()
    {
        errs.push(field, code);
    }
    Ok(v)
}

#[derive(Template)]
#[template(path = "solidarity/volunteer_new.html")]
pub(crate) struct VolunteerForm {
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
    parts: Vec<String>,
    grid: Vec<GridRow>,
    /// Where the form posts to.
    action: &'static str,
    /// Its title (a Fluent key).
    title: &'static str,
    /// A note above the form (a Fluent key), if any.
    intro: Option<&'static str>,
}

impl VolunteerForm {
    fn checked(&self, key: &str, value: &str) -> bool {
        self.f.has(key, value)
    }
}

fn volunteer_form(ctx: Ctx, f: Fields, errs: FieldErrors) -> VolunteerForm {
    volunteer_form_at(
        ctx,
        f,
        errs,
        "/solidarity/volunteers",
        "solidarity-new-volunteer",
        None,
    )
}

/// The volunteer form posting to `action`, under the title `title` (shared with the
/// volunteer's own sign-up, [`super::own`]).
pub(crate) fn volunteer_form_at(
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
    action: &'static str,
    title: &'static str,
    intro: Option<&'static str>,
) -> VolunteerForm {
    let (parts, grid) = grid(&|k| ctx.t(k), parse_grid(&f));
    VolunteerForm {
        ctx,
        f,
        errs,
        parts,
        grid,
        action,
        title,
        intro,
    }
}

/// `GET /solidarity/volunteers/new`: a worker registers a volunteer.
pub async fn new_volunteer(ctx: Ctx) -> Result<Response, AppError> {
    ctx.authorize_own(Action::ManageSolidarity)?;
    let f = Fields(vec![
        ("capacity".into(), "1".into()),
        ("radius_km".into(), "5".into()),
    ]);
    render(&volunteer_form(ctx, f, FieldErrors::new()))
}

/// `POST /solidarity/volunteers`: registers a volunteer with the worker's organisation.
pub async fn create_volunteer(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (org, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let mut errs = FieldErrors::new();
    let v = parse_volunteer(&state, &f, &mut errs).await?;
    if !errs.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &volunteer_form(ctx, f, errs),
        );
    }
    match store::create_volunteer(&state.db, org, Some(user.actor.account), "worker", &v).await {
        Ok(_) => {
            ctx.flash("solidarity-flash-volunteer-created").await;
            Ok(Redirect::to("/solidarity/volunteers").into_response())
        }
        Err(StoreError::Refused(code)) => {
            errs.push(refusal_field(code), code);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &volunteer_form(ctx, f, errs),
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /solidarity/volunteers/{id}/status`: pause, resume, or leave (data deleted).
pub async fn volunteer_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    match f.get("status") {
        "left" => store::leave(&state.db, &user.actor, id).await?,
        s @ ("active" | "paused") => {
            store::set_volunteer_status(&state.db, &user.actor, id, s).await?
        }
        _ => return Err(AppError::BadRequest("error-bad-form")),
    }
    ctx.flash("solidarity-flash-volunteer-status").await;
    Ok(Redirect::to("/solidarity/volunteers").into_response())
}

// ---------------------------------------------------------------- network

#[derive(Template)]
#[template(path = "solidarity/network.html")]
struct NetworkPage {
    ctx: Ctx,
    rows: Vec<NetworkRow>,
    per: Vec<(String, i64)>,
    weak: usize,
}

/// `GET /solidarity/network`: supporters per client, clients with fewer than four flagged, and
/// the count per municipality (inside the organisation, so small cells are shown).
pub async fn network(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let (rows, per) = store::network(&state.db, &user.actor).await?;
    let weak = rows.iter().filter(|r| r.weak).count();
    render(&NetworkPage {
        ctx,
        rows,
        per,
        weak,
    })
}

/// `POST /solidarity/network/{client}/supporters`: adds an informal supporter.
pub async fn add_supporter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(client): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let label = f.get("label");
    if label.chars().count() > 200 {
        return Err(AppError::BadRequest("error-bad-form"));
    }
    match store::add_supporter(&state.db, &user.actor, client, f.get("relation"), label).await {
        Ok(_) => {}
        Err(StoreError::Refused(_)) => return Err(AppError::BadRequest("error-bad-form")),
        Err(e) => return Err(e.into()),
    }
    ctx.flash("solidarity-flash-supporter").await;
    Ok(Redirect::to("/solidarity/network").into_response())
}

/// Codes for templates.
pub fn kinds() -> &'static [&'static str] {
    &KINDS
}
/// Codes for templates.
pub fn urgencies() -> &'static [&'static str] {
    &URGENCIES
}
/// Codes for templates.
pub fn frequencies() -> &'static [&'static str] {
    &FREQUENCIES
}
/// Codes for templates.
pub fn languages() -> &'static [&'static str] {
    &LANGUAGES
}

// ---------------------------------------------------------------- fund

#[derive(Template)]
#[template(path = "solidarity/fund.html")]
struct FundPage {
    ctx: Ctx,
    rows: Vec<store::FundRow>,
    balance: String,
    months: Vec<(String, String, String, i64, String)>,
    requests: Vec<RequestRow>,
    f: Fields,
    errs: FieldErrors,
}

impl FundPage {
    fn money(&self, cents: &i64) -> String {
        sterk_domain::values::Money(*cents).to_string()
    }
    fn aid_kinds(&self) -> &'static [&'static str] {
        &store::AID_KINDS
    }
}

async fn fund_page(
    state: &AppState,
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
) -> Result<FundPage, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let (rows, balance, months) = store::fund(&state.db, &user.actor).await?;
    let m = |c: i64| sterk_domain::values::Money(c).to_string();
    let months = months
        .into_iter()
        .rev()
        .map(|x| (x.month, m(x.gifts), m(x.aid), x.aid_count, m(x.balance)))
        .collect();
    let requests = store::requests(&state.db, &user.actor).await?;
    Ok(FundPage {
        ctx,
        rows,
        balance: m(balance),
        months,
        requests,
        f,
        errs,
    })
}

/// `GET /solidarity/fund`: the solidarity fund: balance, a report per month, gifts and aid.
pub async fn fund(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let f = Fields(vec![(
        "on_date".into(),
        sterk_domain::values::format_date(crate::ctx::today()),
    )]);
    render(&fund_page(&state, ctx, f, FieldErrors::new()).await?)
}

/// `POST /solidarity/fund`: a gift received (`kind=gift`) or aid handed out for a help
/// request (`kind=aid`); problems named on their fields, nothing half-saved.
pub async fn fund_add(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageSolidarity)?;
    let mut errs = FieldErrors::new();
    let amount = errs.check(
        "amount",
        sterk_domain::values::Money::parse(f.get("amount")),
    );
    if amount.is_some_and(|a| a.0 <= 0) {
        errs.push("amount", "solidarity-amount-positive");
    }
    let on = errs.check(
        "on_date",
        sterk_domain::values::parse_date(f.get("on_date")),
    );
    let kind = f.get("kind");
    let request = f.get("request").parse::<i64>().ok();
    if kind == "aid" && request.is_none() {
        errs.push("request", "required");
    }
    if f.get("donor").chars().count() > 200 {
        errs.push("donor", "too_long");
    }
    let (Some(amount), Some(on), true) = (amount, on, errs.is_empty()) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &fund_page(&state, ctx, f, errs).await?,
        );
    };
    let done = match kind {
        "gift" => store::add_gift(&state.db, &user.actor, amount.0, Some(f.get("donor")), on).await,
        "aid" => {
            store::add_aid(
                &state.db,
                &user.actor,
                request.unwrap_or(0),
                f.get("aid_kind"),
                amount.0,
                on,
            )
            .await
        }
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    match done {
        Ok(_) => {
            ctx.flash("solidarity-flash-fund").await;
            Ok(Redirect::to("/solidarity/fund").into_response())
        }
        Err(StoreError::Refused(code)) => {
            errs.push(
                if code == "choice_invalid" {
                    "aid_kind"
                } else {
                    "amount"
                },
                code,
            );
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &fund_page(&state, ctx, f, errs).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}
