//! The bodies of the platforms (kerngroep, stuurgroep, klankbordgroep, the six regional
//! platforms): their members (public) and their meetings (for the platforms' people).

use super::plan::Typed;
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
use sterk_domain::values::{format_date, parse_date, parse_text};
use sterk_store::StoreError;
use sterk_store::platform::{
    self, BodyRow, LinkKind, MeetingDetail, MeetingRow, MemberRow, NewMeeting, NewMember,
};
use sterk_store::reference;

/// Whether the signed-in person may read a platform's meetings: the platform's own people,
/// and for the Flemish platform's bodies also the regional chairs (who sit on the stuurgroep).
pub fn can_view(ctx: &Ctx, platform_id: i64) -> bool {
    ctx.can(Action::ViewPlatform, Resource::Platform(platform_id))
        || (platform_id == FLEMISH_PLATFORM
            && ctx.can(
                Action::UpdatePlanProgress,
                Resource::Platform(FLEMISH_PLATFORM),
            ))
}

fn can_manage(ctx: &Ctx, platform_id: i64) -> bool {
    ctx.can(Action::ManagePlatform, Resource::Platform(platform_id))
}

async fn body_names(state: &AppState, ctx: &Ctx) -> Result<HashMap<i64, String>, AppError> {
    Ok(reference::platforms(&state.db)
        .await?
        .iter()
        .map(|p| (p.id, super::platform_name(ctx, p)))
        .collect())
}

fn body_title(ctx: &Ctx, b: &BodyRow, platforms: &HashMap<i64, String>) -> String {
    if b.kind == "regional" {
        platforms.get(&b.platform_id).cloned().unwrap_or_default()
    } else {
        ctx.code("body", &b.kind)
    }
}

#[derive(Template)]
#[template(path = "platform/bodies.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<(BodyRow, String)>,
}

/// `GET /organen`: the bodies (public).
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let names = body_names(&state, &ctx).await?;
    let rows = platform::bodies(&state.db)
        .await?
        .into_iter()
        .map(|b| {
            let t = body_title(&ctx, &b, &names);
            (b, t)
        })
        .collect();
    render(&ListPage { ctx, rows })
}

#[derive(Template)]
#[template(path = "platform/body.html")]
struct BodyPage {
    ctx: Ctx,
    title: String,
    body: BodyRow,
    members: Vec<MemberRow>,
    meetings: Vec<MeetingRow>,
    view: bool,
    manage: bool,
    actions: Vec<(i64, String, String)>,
    /// Published practices a meeting may have discussed (the region's; all for the Flemish
    /// bodies): the newest 200.
    practices: Vec<sterk_store::practices::Linked>,
    /// The platform's signal dossiers, for those who read them.
    dossiers: Vec<(i64, String)>,
    errs: FieldErrors,
    typed: Typed,
    f: crate::forms::Fields,
}

impl BodyPage {
    fn picked(&self, key: &str, id: &i64) -> bool {
        self.f.has(key, &id.to_string())
    }
}

/// Whether the signed-in person may link the platform's signal dossiers to a meeting.
fn reads_dossiers(ctx: &Ctx, platform_id: i64) -> bool {
    ctx.can(Action::ViewDossiers, Resource::Platform(platform_id))
}

async fn body_page(
    state: &AppState,
    ctx: Ctx,
    code: &str,
    errs: FieldErrors,
    typed: Typed,
    f: Fields,
) -> Result<BodyPage, AppError> {
    let body = platform::body(&state.db, code).await?;
    let names = body_names(state, &ctx).await?;
    let title = body_title(&ctx, &body, &names);
    let members = platform::members(&state.db, body.id).await?;
    let view = can_view(&ctx, body.platform_id);
    let manage = can_manage(&ctx, body.platform_id);
    let meetings = if view {
        platform::meetings(&state.db, body.id).await?
    } else {
        Vec::new()
    };
    let actions = if manage {
        platform::plan(&state.db)
            .await?
            .themes
            .into_iter()
            .flat_map(|t| t.actions)
            .map(|a| (a.id, a.code, a.title))
            .collect()
    } else {
        Vec::new()
    };
    let practices = if manage {
        let region = (body.platform_id != FLEMISH_PLATFORM).then_some(body.platform_id);
        sterk_store::practices::published_choices(&state.db, region, 200).await?
    } else {
        Vec::new()
    };
    let dossiers = if manage && reads_dossiers(&ctx, body.platform_id) {
        sterk_store::signals::dossiers(
            &state.db,
            sterk_store::signals::DossierFilter::Platform(body.platform_id),
        )
        .await?
        .into_iter()
        .map(|d| (d.id, d.title))
        .collect()
    } else {
        Vec::new()
    };
    Ok(BodyPage {
        practices,
        dossiers,
        f,
        ctx,
        title,
        body,
        members,
        meetings,
        view,
        manage,
        actions,
        errs,
        typed,
    })
}

/// `GET /organen/{code}`: members (public), meetings (platform people), forms (managers).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let mut typed = Typed::default();
    typed.0.insert("held_on".into(), format_date(today()));
    render(
        &body_page(
            &state,
            ctx,
            &code,
            FieldErrors::new(),
            typed,
            Fields::default(),
        )
        .await?,
    )
}

/// `POST /organen/{code}/leden`: adds a member (a new chair or vice-chair replaces the
/// former one, who stays a member).
pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    f: Fields,
) -> Result<Response, AppError> {
    let body = platform::body(&state.db, &code).await?;
    let user = ctx
        .authorize(Action::ManagePlatform, Resource::Platform(body.platform_id))?
        .clone();
    let mut errs = FieldErrors::new();
    let person = errs.check("person", parse_text(f.get("person"), 200, false));
    let organisation = errs.check(
        "organisation",
        parse_text(f.get("organisation"), 200, false),
    );
    let role = f.get("role");
    if !matches!(role, "chair" | "vice_chair" | "member") {
        errs.push("role", "choice_invalid");
    }
    if let (true, Some(person), Some(organisation)) = (errs.is_empty(), person, organisation) {
        if person.is_empty() && organisation.is_empty() {
            errs.push("person", "member_empty");
        } else {
            platform::add_member(
                &state.db,
                &user.actor,
                body.id,
                &NewMember {
                    role: role.to_owned(),
                    person,
                    organisation,
                },
            )
            .await?;
            ctx.flash("flash-saved").await;
            return Ok(Redirect::to(&format!("/organen/{code}#members")).into_response());
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &body_page(&state, ctx, &code, errs, Typed::from_fields(&f), f).await?,
    )
}

/// `POST /organen/{code}/vergaderingen`: records a meeting with the actions it discussed.
pub async fn add_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    f: Fields,
) -> Result<Response, AppError> {
    let body = platform::body(&state.db, &code).await?;
    let user = ctx
        .authorize(Action::ManagePlatform, Resource::Platform(body.platform_id))?
        .clone();
    let mut errs = FieldErrors::new();
    let held_on = errs.check("held_on", parse_date(f.get("held_on")));
    let title = errs.check("title", parse_text(f.get("title"), 200, true));
    let agenda = errs.check("agenda", parse_text(f.get("agenda"), 5000, false));
    let minutes = errs.check("minutes", parse_text(f.get("minutes"), 20000, false));
    let attendees = if f.get("attendees").trim().is_empty() {
        Some(0)
    } else {
        errs.check(
            "attendees",
            f.get("attendees")
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=100_000).contains(n))
                .ok_or("number_invalid"),
        )
    };
    let mut links: Vec<(LinkKind, i64)> = Vec::new();
    for (name, kind) in [
        ("action", LinkKind::Action),
        ("practice", LinkKind::Practice),
        ("dossier", LinkKind::SignalDossier),
    ] {
        for v in f.all(name) {
            match v.trim().parse::<i64>() {
                Ok(id) => links.push((kind, id)),
                Err(_) => errs.push(name, "choice_invalid"),
            }
        }
    }
    if links.iter().any(|(k, _)| *k == LinkKind::SignalDossier)
        && !reads_dossiers(&ctx, body.platform_id)
    {
        return Err(AppError::Forbidden("error-forbidden"));
    }
    if let (true, Some(held_on), Some(title), Some(agenda), Some(minutes), Some(attendees)) =
        (errs.is_empty(), held_on, title, agenda, minutes, attendees)
    {
        let m = NewMeeting {
            held_on: format_date(held_on),
            title,
            agenda,
            minutes,
            attendees,
            links,
        };
        match platform::add_meeting(&state.db, &user.actor, body.id, &m).await {
            Ok(id) => {
                ctx.flash("flash-meeting-saved").await;
                return Ok(Redirect::to(&format!("/vergaderingen/{id}")).into_response());
            }
            Err(StoreError::Refused(code)) => errs.push(
                match code {
                    "practice_unknown" => "practice",
                    "dossier_unknown" => "dossier",
                    _ => "action",
                },
                code,
            ),
            Err(e) => return Err(e.into()),
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &body_page(&state, ctx, &code, errs, Typed::from_fields(&f), f).await?,
    )
}

#[derive(Template)]
#[template(path = "platform/meeting.html")]
struct MeetingPage {
    ctx: Ctx,
    body_title: String,
    body: BodyRow,
    d: MeetingDetail,
    dossier_reader: bool,
}

/// `GET /vergaderingen/{id}`: a meeting (printable).
pub async fn meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let d = platform::meeting(&state.db, id).await?;
    let body = platform::bodies(&state.db)
        .await?
        .into_iter()
        .find(|b| b.id == d.meeting.body_id)
        .ok_or(AppError::NotFound)?;
    if !can_view(&ctx, body.platform_id) {
        return Err(AppError::Forbidden("error-forbidden"));
    }
    let names = body_names(&state, &ctx).await?;
    let body_title = body_title(&ctx, &body, &names);
    let dossier_reader = ctx.can(Action::ViewDossiers, crate::signals::scope(&ctx));
    render(&MeetingPage {
        dossier_reader,
        ctx,
        body_title,
        body,
        d,
    })
}
