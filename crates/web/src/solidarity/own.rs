//! A volunteer's own pages (`/vrijwilliger`), for volunteers with an account (role
//! `volunteer`): sign up with the organisation of the account, see the matches proposed to
//! them and accept or decline them, see the address once they accepted (if the person
//! consented; audited), pause, resume, or leave (their personal data is deleted).
//!
//! Volunteers without an account do the same through the public form and the link of each
//! match ([`super::public`]). Every handler authorizes with `Action::OwnVolunteering` on the
//! actor's own account; a volunteer never sees another volunteer's matches (the store looks
//! them up by account).

use super::pages::{grid_text, parse_volunteer, refusal_field, volunteer_form_at};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, Resource};
use sterk_store::StoreError;
use sterk_store::solidarity::{self as store, VolunteerRow, VolunteerView};

/// One match as the volunteer's page lists it.
pub struct OwnMatch {
    /// What the store lets the volunteer see.
    pub v: VolunteerView,
    /// When the help is wanted, in words.
    pub when: String,
}

#[derive(Template)]
#[template(path = "solidarity/own.html")]
struct OwnPage {
    ctx: Ctx,
    me: VolunteerRow,
    when: String,
    open: Vec<OwnMatch>,
    current: Vec<OwnMatch>,
    past: Vec<OwnMatch>,
    error: Option<&'static str>,
}

fn own_form(ctx: Ctx, f: Fields, errs: FieldErrors) -> super::pages::VolunteerForm {
    volunteer_form_at(
        ctx,
        f,
        errs,
        "/vrijwilliger",
        "solidarity-own-signup",
        Some("solidarity-own-signup-intro"),
    )
}

async fn own_page(
    state: &AppState,
    ctx: Ctx,
    me: VolunteerRow,
    error: Option<&'static str>,
) -> Result<OwnPage, AppError> {
    let user = ctx.authorize(Action::OwnVolunteering, Resource::OwnAccount)?;
    let all = store::own_matches(&state.db, &user.actor).await?;
    let t = |k: &str| ctx.t(k);
    let (mut open, mut current, mut past) = (Vec::new(), Vec::new(), Vec::new());
    for v in all {
        let when = grid_text(&t, v.availability);
        let m = OwnMatch { v, when };
        match m.v.status.as_str() {
            "proposed" => open.push(m),
            "confirmed" | "running" => current.push(m),
            _ => past.push(m),
        }
    }
    let when = grid_text(&t, me.availability);
    Ok(OwnPage {
        ctx,
        me,
        when,
        open,
        current,
        past,
        error,
    })
}

/// `GET /vrijwilliger`: the volunteer's own page, or the sign-up form when they have no
/// volunteer profile yet.
pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.authorize(Action::OwnVolunteering, Resource::OwnAccount)?;
    match store::own_volunteer(&state.db, &user.actor).await? {
        Some(me) => render(&own_page(&state, ctx, me, None).await?),
        None => {
            let f = Fields(vec![
                ("capacity".into(), "1".into()),
                ("radius_km".into(), "5".into()),
            ]);
            render(&own_form(ctx, f, FieldErrors::new()))
        }
    }
}

/// `POST /vrijwilliger`: the volunteer signs up with the organisation of their account.
pub async fn signup(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx
        .authorize(Action::OwnVolunteering, Resource::OwnAccount)?
        .clone();
    let mut errs = FieldErrors::new();
    let v = parse_volunteer(&state, &f, &mut errs).await?;
    if !errs.is_empty() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &own_form(ctx, f, errs));
    }
    match store::create_own_volunteer(&state.db, &user.actor, &v).await {
        Ok(_) => {
            ctx.flash("solidarity-own-flash-signed-up").await;
            Ok(Redirect::to("/vrijwilliger").into_response())
        }
        Err(StoreError::Refused("solidarity-own-exists")) => {
            Ok(Redirect::to("/vrijwilliger").into_response())
        }
        Err(StoreError::Refused(code)) => {
            errs.push(refusal_field(code), code);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &own_form(ctx, f, errs))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /vrijwilliger/status`: pause, resume, or leave (`status=left`, only with
/// `confirm=1`: their personal data is deleted and open proposals are withdrawn).
pub async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx
        .authorize(Action::OwnVolunteering, Resource::OwnAccount)?
        .clone();
    let Some(me) = store::own_volunteer(&state.db, &user.actor).await? else {
        return Ok(Redirect::to("/vrijwilliger").into_response());
    };
    match f.get("status") {
        "left" if f.get("confirm") == "1" => {
            store::own_leave(&state.db, &user.actor).await?;
            ctx.flash("solidarity-own-flash-left").await;
        }
        "left" => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &own_page(
                    &state,
                    ctx,
                    me,
                    Some("solidarity-own-leave-confirm-missing"),
                )
                .await?,
            );
        }
        s @ ("active" | "paused") => {
            store::own_status(&state.db, &user.actor, s).await?;
            ctx.flash("solidarity-flash-volunteer-status").await;
        }
        _ => return Err(AppError::BadRequest("error-bad-form")),
    }
    Ok(Redirect::to("/vrijwilliger").into_response())
}

/// `POST /vrijwilliger/koppelingen/{id}`: accept or decline a match proposed to the volunteer.
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx
        .authorize(Action::OwnVolunteering, Resource::OwnAccount)?
        .clone();
    let accept = match f.get("answer") {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    match store::own_answer(&state.db, &user.actor, id, accept).await {
        Ok(()) => {
            ctx.flash(if accept {
                "solidarity-own-flash-accepted"
            } else {
                "solidarity-own-flash-declined"
            })
            .await;
            Ok(Redirect::to("/vrijwilliger").into_response())
        }
        Err(StoreError::Refused(code)) => {
            let Some(me) = store::own_volunteer(&state.db, &user.actor).await? else {
                return Err(StoreError::NotFound.into());
            };
            let code = if code == "solidarity-step-invalid" {
                "error-solidarity-step-invalid"
            } else {
                "error-consent-missing-share-with-volunteer"
            };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &own_page(&state, ctx, me, Some(code)).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}
