//! The action plan's pages: the public overview with every progress rolled up, a theme with
//! its initiatives and timeline, an initiative with its milestones and history, and the
//! forms of chairs and the coordinator.

use super::{pct, pct_value, theme_name};
use crate::AppState;
use crate::ctx::{Ctx, today};
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, FLEMISH_PLATFORM, Resource};
use sterk_domain::plan::{RollupMethod, Status, parse_progress, parse_weight};
use sterk_domain::values::{format_date, parse_date, parse_text};
use sterk_store::StoreError;
use sterk_store::platform::{
    self, ActionView, HistoryRow, InitiativeDetail, PlanView, ProgressUpdate, ThemeView,
};
use sterk_store::reference;

/// Values typed in a form, kept when it comes back with errors.
#[derive(Debug, Clone, Default)]
pub struct Typed(pub HashMap<String, String>);

impl Typed {
    /// From a posted form.
    pub fn from_fields(f: &Fields) -> Self {
        Typed(f.0.iter().cloned().collect())
    }
    /// The value of a field ("" when absent).
    pub fn v(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }
    /// Whether `k` holds `value` (for `selected`).
    pub fn is(&self, k: &str, value: impl AsRef<str>) -> bool {
        self.v(k) == value.as_ref()
    }
}

async fn platform_names(state: &AppState, ctx: &Ctx) -> Result<HashMap<i64, String>, AppError> {
    Ok(reference::platforms(&state.db)
        .await?
        .iter()
        .map(|p| (p.id, super::platform_name(ctx, p)))
        .collect())
}

#[derive(Template)]
#[template(path = "platform/overview.html")]
struct OverviewPage {
    ctx: Ctx,
    plan: PlanView,
    can_settings: bool,
    spearheads: Vec<(i64, String)>,
}

impl OverviewPage {
    fn pct(&self, p: &Option<f64>) -> String {
        pct(p)
    }
    fn value(&self, p: &Option<f64>) -> u8 {
        pct_value(p)
    }
    fn name(&self, t: &ThemeView) -> String {
        theme_name(self.ctx.lang, t)
    }
    fn is_method(&self, m: &str) -> bool {
        self.plan.method.code() == m
    }
    fn initiatives(&self, t: &ThemeView) -> usize {
        t.actions.iter().map(|a| a.initiatives.len()).sum()
    }
}

/// `GET /actieplan`: the whole plan with its progress rolled up (public).
pub async fn overview(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let plan = platform::plan(&state.db).await?;
    let mut spearheads: Vec<(i64, String)> = plan
        .themes
        .iter()
        .filter(|t| t.spearhead > 0)
        .map(|t| (t.spearhead, t.section.clone()))
        .collect();
    spearheads.sort();
    let can_settings = ctx.can(Action::ManagePlatform, Resource::Platform(FLEMISH_PLATFORM));
    render(&OverviewPage {
        ctx,
        plan,
        can_settings,
        spearheads,
    })
}

/// `POST /actieplan/instellingen`: the roll-up method (platform coordinator).
pub async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx
        .authorize(Action::ManagePlatform, Resource::Platform(FLEMISH_PLATFORM))?
        .clone();
    let method =
        RollupMethod::parse(f.get("rollup")).ok_or(AppError::BadRequest("error-choice-invalid"))?;
    platform::set_rollup_method(&state.db, &user.actor, method).await?;
    ctx.flash("flash-saved").await;
    Ok(Redirect::to("/actieplan").into_response())
}

#[derive(Template)]
#[template(path = "platform/theme.html")]
struct ThemePage {
    ctx: Ctx,
    theme: ThemeView,
    timeline: Vec<HistoryRow>,
    platforms: HashMap<i64, String>,
    can_add: bool,
    errs: FieldErrors,
    typed: Typed,
}

impl ThemePage {
    fn pct(&self, p: &Option<f64>) -> String {
        pct(p)
    }
    fn value(&self, p: &Option<f64>) -> u8 {
        pct_value(p)
    }
    fn name(&self) -> String {
        theme_name(self.ctx.lang, &self.theme)
    }
    fn platform(&self, id: &Option<i64>) -> String {
        id.and_then(|i| self.platforms.get(&i).cloned())
            .unwrap_or_default()
    }
    fn can_trekker(&self, a: &ActionView) -> bool {
        let owner = a.platform_id.unwrap_or(FLEMISH_PLATFORM);
        self.ctx
            .can(Action::ManagePlatform, Resource::Platform(owner))
    }
}

async fn theme_page(
    state: &AppState,
    ctx: Ctx,
    section: &str,
    errs: FieldErrors,
    typed: Typed,
) -> Result<ThemePage, AppError> {
    let plan = platform::plan(&state.db).await?;
    let theme = plan
        .themes
        .into_iter()
        .find(|t| t.section == section)
        .ok_or(AppError::NotFound)?;
    let timeline = platform::timeline(&state.db, section).await?;
    let platforms = platform_names(state, &ctx).await?;
    let can_add = own_regional_platform(&ctx).is_some();
    Ok(ThemePage {
        ctx,
        theme,
        timeline,
        platforms,
        can_add,
        errs,
        typed,
    })
}

/// The signed-in person's own regional platform, when they may manage it.
fn own_regional_platform(ctx: &Ctx) -> Option<i64> {
    let p = ctx.user.as_ref()?.actor.platform?;
    (p != FLEMISH_PLATFORM && ctx.can(Action::ManagePlatform, Resource::Platform(p))).then_some(p)
}

/// `GET /actieplan/thema/{section}`: a theme, its actions, initiatives and timeline (public).
pub async fn theme(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(section): Path<String>,
) -> Result<Response, AppError> {
    render(&theme_page(&state, ctx, &section, FieldErrors::new(), Typed::default()).await?)
}

/// `POST /actieplan/acties`: a regional platform adds its own action under a theme.
pub async fn add_action(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let platform_id = own_regional_platform(&ctx).ok_or(AppError::Forbidden("error-forbidden"))?;
    let user = ctx
        .authorize(Action::ManagePlatform, Resource::Platform(platform_id))?
        .clone();
    let section = f.get("section").to_owned();
    let mut errs = FieldErrors::new();
    let title = errs.check("title", parse_text(f.get("title"), 300, true));
    let trekker = errs.check("trekker", parse_text(f.get("trekker"), 200, false));
    let first = errs.check("initiative", parse_text(f.get("initiative"), 1000, false));
    if let (true, Some(title), Some(trekker), Some(first)) =
        (errs.is_empty(), title, trekker, first)
    {
        match platform::add_regional_action(
            &state.db,
            &user.actor,
            platform_id,
            &section,
            &title,
            &trekker,
            &first,
        )
        .await
        {
            Ok(_) => {
                ctx.flash("flash-plan-action-added").await;
                return Ok(
                    Redirect::to(&format!("/actieplan/thema/{section}#regional")).into_response(),
                );
            }
            Err(StoreError::Refused(code)) => errs.push("title", code),
            Err(e) => return Err(e.into()),
        }
    }
    let typed = Typed::from_fields(&f);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &theme_page(&state, ctx, &section, errs, typed).await?,
    )
}

/// `POST /actieplan/acties/{id}`: the trekker and weight of an action (the coordinator for
/// the plan's actions, the chair for the platform's own).
pub async fn update_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let owner = platform::action_owner(&state.db, id).await?;
    let user = ctx
        .authorize(Action::ManagePlatform, Resource::Platform(owner))?
        .clone();
    let trekker = parse_text(f.get("trekker"), 200, false)
        .map_err(|_| AppError::BadRequest("error-too-long"))?;
    let weight = if f.get("weight").trim().is_empty() {
        1
    } else {
        parse_weight(f.get("weight")).map_err(|_| AppError::BadRequest("error-weight-invalid"))?
    };
    platform::set_action(&state.db, &user.actor, id, &trekker, weight).await?;
    let section = f.get("section");
    ctx.flash("flash-saved").await;
    Ok(Redirect::to(&format!("/actieplan/thema/{section}#action-{id}")).into_response())
}

/// `POST /actieplan/acties/{id}/initiatieven`: a regional platform adds an initiative.
pub async fn add_initiative(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let platform_id = own_regional_platform(&ctx).ok_or(AppError::Forbidden("error-forbidden"))?;
    let user = ctx
        .authorize(Action::ManagePlatform, Resource::Platform(platform_id))?
        .clone();
    let section = f.get("section").to_owned();
    let text = match parse_text(f.get("text"), 1000, true) {
        Ok(t) => t,
        Err(code) => {
            let mut errs = FieldErrors::new();
            errs.push(format!("text-{id}"), code);
            let typed = Typed::from_fields(&f);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &theme_page(&state, ctx, &section, errs, typed).await?,
            );
        }
    };
    let new =
        platform::add_regional_initiative(&state.db, &user.actor, platform_id, id, &text).await?;
    ctx.flash("flash-plan-initiative-added").await;
    Ok(Redirect::to(&format!("/actieplan/initiatieven/{new}")).into_response())
}

#[derive(Template)]
#[template(path = "platform/initiative.html")]
struct InitiativePage {
    ctx: Ctx,
    d: InitiativeDetail,
    can_edit: bool,
    errs: FieldErrors,
    typed: Typed,
    statuses: Vec<&'static str>,
    platforms: HashMap<i64, String>,
    /// Published practices linked to this initiative.
    practices: Vec<sterk_store::practices::Linked>,
}

impl InitiativePage {
    fn platform(&self, id: &Option<i64>) -> String {
        id.and_then(|i| self.platforms.get(&i).cloned())
            .unwrap_or_default()
    }
    fn pct(&self, p: &i64) -> String {
        format!("{p} %")
    }
}

async fn initiative_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    errs: FieldErrors,
    typed: Option<Typed>,
) -> Result<InitiativePage, AppError> {
    let d = platform::initiative(&state.db, id).await?;
    let owner = d.initiative.platform_id.unwrap_or(FLEMISH_PLATFORM);
    let can_edit = ctx.can(Action::UpdatePlanProgress, Resource::Platform(owner));
    let typed = typed.unwrap_or_else(|| {
        let i = &d.initiative;
        Typed(
            [
                ("status", i.status.clone()),
                ("progress", i.progress.to_string()),
                ("weight", i.weight.to_string()),
                ("account", i.account.clone()),
                ("on", format_date(today())),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        )
    });
    let platforms = platform_names(state, &ctx).await?;
    let practices = sterk_store::practices::published_linked_to(
        &state.db,
        sterk_store::practices::LinkKind::Initiative,
        id,
    )
    .await?;
    Ok(InitiativePage {
        practices,
        ctx,
        d,
        can_edit,
        errs,
        typed,
        statuses: Status::ALL.iter().map(|s| s.code()).collect(),
        platforms,
    })
}

/// `GET /actieplan/initiatieven/{id}`: an initiative, its milestones and history (public);
/// with the update form for those who may record progress.
pub async fn initiative(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(&initiative_page(&state, ctx, id, FieldErrors::new(), None).await?)
}

/// Parses the progress form.
pub fn parse_update(f: &Fields) -> Result<ProgressUpdate, FieldErrors> {
    let mut errs = FieldErrors::new();
    let status = errs.check(
        "status",
        Status::parse(f.get("status")).ok_or("choice_invalid"),
    );
    let progress = if f.get("progress").trim().is_empty() {
        None
    } else {
        errs.check("progress", parse_progress(f.get("progress")))
    };
    let weight = if f.get("weight").trim().is_empty() {
        Some(1)
    } else {
        errs.check("weight", parse_weight(f.get("weight")))
    };
    let account = errs.check("account", parse_text(f.get("account"), 2000, false));
    let on = errs.check("on", parse_date(f.get("on")));
    if on.is_some_and(|d| d > today()) {
        errs.push("on", "date_in_future");
    }
    if let (Some(s), Some(p)) = (status, progress)
        && !s.allowed().contains(&p)
    {
        errs.push("progress", "progress_out_of_range");
    }
    let version = f.get("version").parse::<i64>().unwrap_or(-1);
    match (errs.is_empty(), status, weight, account, on) {
        (true, Some(status), Some(weight), Some(account), Some(on)) => Ok(ProgressUpdate {
            status,
            progress,
            weight,
            account,
            version,
            on_date: format_date(on),
        }),
        _ => Err(errs),
    }
}

/// `POST /actieplan/initiatieven/{id}`: records progress (one transaction with its history).
pub async fn update_initiative(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let owner = platform::initiative_owner(&state.db, id).await?;
    let user = ctx
        .authorize(Action::UpdatePlanProgress, Resource::Platform(owner))?
        .clone();
    let errs = match parse_update(&f) {
        Ok(u) => match platform::update_progress(&state.db, &user.actor, id, &u).await {
            Ok(()) => {
                ctx.flash("flash-plan-progress-saved").await;
                return Ok(Redirect::to(&format!("/actieplan/initiatieven/{id}")).into_response());
            }
            Err(StoreError::Refused(code)) => {
                let mut errs = FieldErrors::new();
                errs.push("status", code);
                errs
            }
            Err(e) => return Err(e.into()),
        },
        Err(errs) => errs,
    };
    let typed = Typed::from_fields(&f);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &initiative_page(&state, ctx, id, errs, Some(typed)).await?,
    )
}

/// `POST /actieplan/initiatieven/{id}/mijlpalen`: a dated milestone.
pub async fn add_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let owner = platform::initiative_owner(&state.db, id).await?;
    let user = ctx
        .authorize(Action::UpdatePlanProgress, Resource::Platform(owner))?
        .clone();
    let mut errs = FieldErrors::new();
    let due = errs.check("due_on", parse_date(f.get("due_on")));
    let label = errs.check("label", parse_text(f.get("label"), 300, true));
    if let (Some(due), Some(label)) = (due, label) {
        platform::add_milestone(&state.db, &user.actor, id, &format_date(due), &label).await?;
        ctx.flash("flash-saved").await;
        return Ok(
            Redirect::to(&format!("/actieplan/initiatieven/{id}#milestones")).into_response(),
        );
    }
    let mut page = initiative_page(&state, ctx, id, errs, None).await?;
    page.typed.0.insert("due_on".into(), f.get("due_on").into());
    page.typed.0.insert("label".into(), f.get("label").into());
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `POST /actieplan/initiatieven/{id}/mijlpalen/{mid}`: reached or open again.
pub async fn milestone_reached(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i64, i64)>,
    f: Fields,
) -> Result<Response, AppError> {
    let owner = platform::initiative_owner(&state.db, id).await?;
    let user = ctx
        .authorize(Action::UpdatePlanProgress, Resource::Platform(owner))?
        .clone();
    platform::set_milestone_reached(&state.db, &user.actor, id, mid, f.get("reached") == "1")
        .await?;
    ctx.flash("flash-saved").await;
    Ok(Redirect::to(&format!("/actieplan/initiatieven/{id}#milestones")).into_response())
}
