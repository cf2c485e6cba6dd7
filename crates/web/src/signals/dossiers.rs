//! Pages of signal dossiers: the list (with the chair's and the coordinator's bundling
//! lists), one dossier with every action its reader may take, and the public page.

use super::{Names, scope};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, Resource};
use sterk_domain::values::{parse_date, parse_text};
use sterk_signals::dossier::{Criteria, DossierStatus};
use sterk_store::StoreError;
use sterk_store::reference;
use sterk_store::signals::{
    self, CommentRow, CosignerRow, DossierFilter, DossierRow, EventRow, FLEMISH_PLATFORM,
    NewDossier, ResponseRow, SignalRow,
};

#[derive(Template)]
#[template(path = "signals/dossiers.html")]
struct ListPage {
    ctx: Ctx,
    names: Names,
    dossiers: Vec<DossierRow>,
    region_signals: Vec<SignalRow>,
    forwarded: Vec<DossierRow>,
    errs: FieldErrors,
    f: Fields,
    bundle_platform: Option<i64>,
}

impl ListPage {
    fn picked(&self, key: &str, id: impl std::borrow::Borrow<i64>) -> bool {
        self.f.has(key, &id.borrow().to_string())
    }
}

async fn list_page(
    state: &AppState,
    ctx: Ctx,
    errs: FieldErrors,
    f: Fields,
) -> Result<ListPage, AppError> {
    let user = ctx.authorize(Action::ViewDossiers, scope(&ctx))?.clone();
    let platforms = reference::platforms(&state.db).await?;
    let mut region_signals = Vec::new();
    let mut forwarded = Vec::new();
    let mut bundle_platform = None;
    if user.actor.org.is_none()
        && let Some(p) = user.actor.platform
        && ctx.can(Action::BundleSignals, Resource::Platform(p))
    {
        bundle_platform = Some(p);
        if p == FLEMISH_PLATFORM {
            forwarded = signals::dossiers(&state.db, DossierFilter::Forwarded)
                .await?
                .into_iter()
                .filter(|d| d.parent_id.is_none())
                .collect();
        } else {
            region_signals = signals::open_in_region(&state.db, p, 200).await?;
        }
    }
    let dossiers = signals::dossiers(&state.db, DossierFilter::All).await?;
    Ok(ListPage {
        names: Names::new(state, &ctx, &platforms),
        ctx,
        dossiers,
        region_signals,
        forwarded,
        errs,
        f,
        bundle_platform,
    })
}

/// `GET /dossiers`: every dossier; a chair also sees the signals of their region that are
/// in no dossier yet, and the platform coordinator the forwarded regional dossiers.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(&list_page(&state, ctx, FieldErrors::new(), Fields::default()).await?)
}

fn ids(f: &Fields, key: &str) -> Vec<i64> {
    f.all(key).iter().filter_map(|v| v.parse().ok()).collect()
}

/// `POST /dossiers`: bundle signals (a worker from their own signal's page, a chair from
/// the region list) or forwarded dossiers (the platform coordinator) into a new dossier with
/// the signed-in person as trekker.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let platform = match (user.actor.org, user.actor.platform) {
        (Some(org), _) => {
            ctx.authorize(Action::BundleSignals, Resource::Org(org))?;
            sterk_store::orgs::get(&state.db, org).await?.platform_id
        }
        (None, Some(p)) => {
            ctx.authorize(Action::BundleSignals, Resource::Platform(p))?;
            p
        }
        _ => return Err(AppError::Forbidden("error-forbidden")),
    };
    let mut errs = FieldErrors::new();
    let title = errs.check("title", parse_text(f.get("title"), 200, true));
    let summary = errs
        .check("summary", parse_text(f.get("summary"), 2000, false))
        .unwrap_or_default();
    // Title and summary go to the public page once reported: no personal data there either.
    for (field, text) in [("title", f.get("title")), ("summary", f.get("summary"))] {
        if !sterk_signals::pii::scan(text, &sterk_signals::pii::NameList::default()).is_empty()
            && errs.for_field(field).is_none()
        {
            errs.push(field, "personal_data");
        }
    }
    let signal_ids = ids(&f, "signal");
    let dossier_ids = if platform == FLEMISH_PLATFORM {
        ids(&f, "dossier")
    } else {
        Vec::new()
    };
    if signal_ids.is_empty() && dossier_ids.is_empty() {
        errs.push("signal", "choose_one");
    }
    // A worker bundles their own signal with suggestions: their own must be among them.
    if let Some(org) = user.actor.org {
        let own = signals::own_signals(&state.db, &user.actor).await?;
        if !signal_ids
            .iter()
            .any(|id| own.iter().any(|s| s.id == *id && s.org_id == org))
        {
            errs.push("signal", "own_signal_required");
        }
    }
    let back = f.get("back").to_owned();
    if let (Some(title), true) = (title, errs.is_empty()) {
        match signals::create_dossier(
            &state.db,
            &user.actor,
            &NewDossier {
                title: &title,
                summary: &summary,
                platform,
                signals: &signal_ids,
                dossiers: &dossier_ids,
            },
        )
        .await
        {
            Ok(id) => {
                ctx.flash("flash-dossier-created").await;
                return Ok(Redirect::to(&format!("/dossiers/{id}")).into_response());
            }
            Err(StoreError::Refused(code)) => errs.push("signal", code),
            Err(e) => return Err(e.into()),
        }
    }
    if back.starts_with("/signals/") {
        ctx.flash(&format!(
            "error-{}",
            errs.0
                .first()
                .map(|e| e.code)
                .unwrap_or("required")
                .replace('_', "-")
        ))
        .await;
        return Ok(Redirect::to(&back).into_response());
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &list_page(&state, ctx, errs, f).await?,
    )
}

#[derive(Template)]
#[template(path = "signals/dossier.html")]
struct DossierPage {
    ctx: Ctx,
    names: Names,
    d: DossierRow,
    signals: Vec<SignalRow>,
    children: Vec<DossierRow>,
    cosigners: Vec<CosignerRow>,
    comments: Vec<CommentRow>,
    responses: Vec<ResponseRow>,
    history: Vec<EventRow>,
    errs: FieldErrors,
    failed: &'static str,
    f: Fields,
    can_manage: bool,
    can_review: bool,
    can_cosign: bool,
    can_comment: bool,
    can_validate: bool,
    can_forward: bool,
    can_respond: bool,
    today: String,
    people: i64,
    orgs: i64,
    /// Published practices linked to this dossier.
    practices: Vec<sterk_store::practices::Linked>,
    /// Meetings that discussed it and that the reader may open: id, date, title.
    meetings: Vec<(i64, String, String)>,
}

impl DossierPage {
    fn criterion(&self, code: &str) -> bool {
        self.d.criteria().get(code)
    }
    fn codes(&self) -> [&'static str; 4] {
        Criteria::CODES
    }
    fn is_failed(&self, form: &str) -> bool {
        self.failed == form
    }
}

/// What the signed-in person may do with `d`.
fn may(ctx: &Ctx, action: Action, d: &DossierRow) -> bool {
    let by_org = d
        .trekker_org_id
        .is_some_and(|o| ctx.can(action, Resource::Org(o)));
    by_org || ctx.can(action, Resource::Platform(d.platform_id))
}

async fn dossier_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    errs: FieldErrors,
    failed: &'static str,
    f: Fields,
) -> Result<DossierPage, AppError> {
    ctx.authorize(Action::ViewDossiers, scope(&ctx))?;
    let d = signals::get_dossier(&state.db, id).await?;
    let signals = signals::dossier_signals(&state.db, id).await?;
    let platforms = reference::platforms(&state.db).await?;
    let user = ctx.require_user()?;
    let validator = match user.actor.org {
        Some(org) => sterk_store::orgs::get(&state.db, org).await?.kind == "armoedevereniging",
        None => false,
    };
    let mut orgs: Vec<i64> = signals.iter().map(|s| s.org_id).collect();
    orgs.sort_unstable();
    orgs.dedup();
    let state_ = d.state();
    let practices = sterk_store::practices::published_linked_to(
        &state.db,
        sterk_store::practices::LinkKind::SignalDossier,
        id,
    )
    .await?;
    let bodies = sterk_store::platform::bodies(&state.db).await?;
    let meetings = sterk_store::platform::meetings_discussing(
        &state.db,
        sterk_store::platform::LinkKind::SignalDossier,
        id,
    )
    .await?
    .into_iter()
    .filter(|(_, body, _, _)| {
        bodies
            .iter()
            .find(|b| b.id == *body)
            .is_some_and(|b| crate::platform::bodies::can_view(&ctx, b.platform_id))
    })
    .map(|(m, _, on, title)| (m, on, title))
    .collect();
    Ok(DossierPage {
        practices,
        meetings,
        names: Names::new(state, &ctx, &platforms),
        can_manage: may(&ctx, Action::ManageDossier, &d) && !state_.next().is_empty(),
        can_review: ctx.can(Action::ReviewDossier, Resource::Platform(d.platform_id))
            && !state_.is_reported()
            && state_ != DossierStatus::Afgewezen
            && d.trekker_account_id != user.actor.account,
        can_cosign: ctx.can(Action::CosignDossier, scope(&ctx))
            && state_ != DossierStatus::Afgewezen,
        can_comment: ctx.can(Action::CommentDossier, scope(&ctx)),
        can_validate: validator,
        can_forward: ctx.can(Action::ForwardDossier, Resource::Platform(d.platform_id))
            && !d.is_flemish()
            && d.forwarded_at.is_none()
            && state_ != DossierStatus::Afgewezen,
        can_respond: ctx.can(Action::RecordResponse, Resource::Platform(d.platform_id))
            && state_.is_reported(),
        children: signals::children(&state.db, id).await?,
        cosigners: signals::cosigners(&state.db, id).await?,
        comments: signals::comments(&state.db, id).await?,
        responses: signals::responses(&state.db, id).await?,
        history: signals::history(&state.db, id).await?,
        people: signals.iter().map(|s| s.people).sum(),
        orgs: orgs.len() as i64,
        signals,
        d,
        ctx,
        errs,
        failed,
        f,
        today: sterk_domain::values::format_date(crate::ctx::today()),
    })
}

/// `GET /dossiers/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(&dossier_page(&state, ctx, id, FieldErrors::new(), "", Fields::default()).await?)
}

/// Redirects to the dossier after a change, or shows it again with the refusal on `form`.
#[allow(clippy::too_many_arguments)]
async fn after(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    form: &'static str,
    field: &'static str,
    result: Result<(), StoreError>,
    f: Fields,
    flash: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => {
            ctx.flash(flash).await;
            Ok(Redirect::to(&format!("/dossiers/{id}#{form}")).into_response())
        }
        Err(StoreError::Refused(code)) => {
            let mut errs = FieldErrors::new();
            errs.push(field, code);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &dossier_page(state, ctx, id, errs, form, f).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn load(state: &AppState, id: i64) -> Result<DossierRow, AppError> {
    Ok(signals::get_dossier(&state.db, id).await?)
}

fn require(ctx: &Ctx, action: Action, d: &DossierRow) -> Result<(), AppError> {
    if may(ctx, action, d) {
        Ok(())
    } else {
        ctx.require_user()?;
        Err(AppError::Forbidden("error-forbidden"))
    }
}

/// `POST /dossiers/{id}/signals`: add the worker's signal (and suggestions) to an open
/// dossier of its region.
pub async fn add_signals(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::BundleSignals)?;
    let own = signals::own_signals(&state.db, &user.actor).await?;
    let picked = ids(&f, "signal");
    if !picked.iter().any(|p| own.iter().any(|s| s.id == *p)) {
        return Err(AppError::BadRequest("error-own-signal-required"));
    }
    let result = signals::add_signals(&state.db, &user.actor, id, &picked).await;
    after(
        &state,
        ctx,
        id,
        "signals",
        "signal",
        result,
        f,
        "flash-saved",
    )
    .await
}

/// `POST /dossiers/{id}/status`: the next step; an impossible one is refused with a clear
/// message and nothing changes.
pub async fn change_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let d = load(&state, id).await?;
    require(&ctx, Action::ManageDossier, &d)?;
    let user = ctx.require_user()?.clone();
    let to = DossierStatus::parse(f.get("to"));
    let reason = parse_text(f.get("reason"), 1000, false);
    let result = match (to, reason) {
        (Err(code), _) | (_, Err(code)) => Err(StoreError::Refused(code)),
        (Ok(to), Ok(reason)) => {
            let reason = Some(reason.as_str()).filter(|r| !r.is_empty());
            signals::transition(&state.db, &user.actor, id, to, reason).await
        }
    };
    after(&state, ctx, id, "status", "to", result, f, "flash-saved").await
}

/// `POST /dossiers/{id}/analysis`: the analysis and the proposals.
pub async fn analysis(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let d = load(&state, id).await?;
    require(&ctx, Action::ManageDossier, &d)?;
    let user = ctx.require_user()?.clone();
    let mut errs = FieldErrors::new();
    let a = errs.check("analysis", parse_text(f.get("analysis"), 20_000, false));
    let p = errs.check("proposals", parse_text(f.get("proposals"), 20_000, false));
    // The analysis and the proposals reach the public page once reported: no personal data.
    let personal =
        |t: &str| !sterk_signals::pii::scan(t, &sterk_signals::pii::NameList::default()).is_empty();
    let result = match (a, p) {
        (Some(a), Some(p)) if personal(&a) || personal(&p) => {
            Err(StoreError::Refused("personal_data"))
        }
        (Some(a), Some(p)) => signals::save_analysis(&state.db, &user.actor, id, &a, &p).await,
        _ => Err(StoreError::Refused("too_long")),
    };
    after(
        &state,
        ctx,
        id,
        "analysis",
        "analysis",
        result,
        f,
        "flash-saved",
    )
    .await
}

/// `POST /dossiers/{id}/review`: the reviewer checks the four criteria and signs.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let d = load(&state, id).await?;
    let user = ctx
        .authorize(Action::ReviewDossier, Resource::Platform(d.platform_id))?
        .clone();
    let c = Criteria {
        clear: f.has("criterion", "clear"),
        neutral: f.has("criterion", "neutral"),
        recognised: f.has("criterion", "recognised"),
        shared: f.has("criterion", "shared"),
    };
    let result = if f.get("sign") == "yes" {
        signals::review(&state.db, &user.actor, id, c).await
    } else {
        Err(StoreError::Refused("signature_required"))
    };
    after(
        &state,
        ctx,
        id,
        "review",
        "sign",
        result,
        f,
        "flash-review-signed",
    )
    .await
}

/// `POST /dossiers/{id}/cosign`: co-sign in the name of one's organisation.
pub async fn cosign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::CosignDossier)?;
    let result = signals::cosign(&state.db, &user.actor, id).await;
    after(
        &state,
        ctx,
        id,
        "cosigners",
        "cosign",
        result,
        Fields::default(),
        "flash-cosigned",
    )
    .await
}

/// `POST /dossiers/{id}/comments`: a comment, or a validation by an armoedevereniging.
pub async fn comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx.authorize(Action::CommentDossier, scope(&ctx))?.clone();
    let result = match parse_text(f.get("body"), 4000, true) {
        Ok(body) => {
            signals::comment(
                &state.db,
                &user.actor,
                id,
                f.get("kind") == "validation",
                &body,
            )
            .await
        }
        Err(code) => Err(StoreError::Refused(code)),
    };
    after(
        &state,
        ctx,
        id,
        "comments",
        "body",
        result,
        f,
        "flash-saved",
    )
    .await
}

/// `POST /dossiers/{id}/forward`: the regional chair forwards the dossier to the Flemish
/// platform.
pub async fn forward(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let d = load(&state, id).await?;
    let user = ctx
        .authorize(Action::ForwardDossier, Resource::Platform(d.platform_id))?
        .clone();
    let result = signals::forward(&state.db, &user.actor, id).await;
    after(
        &state,
        ctx,
        id,
        "forward",
        "forward",
        result,
        Fields::default(),
        "flash-forwarded",
    )
    .await
}

/// `POST /dossiers/{id}/responses`: a policy response (who, when, what was decided); it
/// reaches the inbox of every contributor.
pub async fn response(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let d = load(&state, id).await?;
    let user = ctx
        .authorize(Action::RecordResponse, Resource::Platform(d.platform_id))?
        .clone();
    let mut errs = FieldErrors::new();
    let responder = errs.check("responder", parse_text(f.get("responder"), 200, true));
    let on = errs.check("decided_on", parse_date(f.get("decided_on")));
    if on.is_some_and(|d| d > crate::ctx::today()) {
        errs.push("decided_on", "date_in_future");
    }
    let decision = errs.check("decision", parse_text(f.get("decision"), 4000, true));
    if let (Some(r), Some(on), Some(dec), true) = (responder, on, decision, errs.is_empty()) {
        let result = signals::record_response(&state.db, &user.actor, id, &r, on, &dec)
            .await
            .map(|_| ());
        return after(
            &state,
            ctx,
            id,
            "responses",
            "decision",
            result,
            f,
            "flash-response-recorded",
        )
        .await;
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &dossier_page(&state, ctx, id, errs, "responses", f).await?,
    )
}

#[derive(Template)]
#[template(path = "signals/public.html")]
struct PublicPage {
    ctx: Ctx,
    names: Names,
    dossiers: Vec<DossierRow>,
    responses: Vec<ResponseRow>,
}

impl PublicPage {
    fn responses_of(&self, id: impl std::borrow::Borrow<i64>) -> Vec<&ResponseRow> {
        self.responses
            .iter()
            .filter(|r| r.dossier_id == *id.borrow())
            .collect()
    }
}

/// `GET /signalen`: the public page of reported dossiers, their status and the policy
/// responses; no personal data, no signals' texts, no testimonies.
pub async fn public(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let dossiers = signals::dossiers(&state.db, DossierFilter::Reported).await?;
    let responses = signals::public_responses(&state.db).await?;
    let platforms = reference::platforms(&state.db).await?;
    render(&PublicPage {
        names: Names::new(&state, &ctx, &platforms),
        ctx,
        dossiers,
        responses,
    })
}
