//! Events and the Sociaalwerkconferentie (issue 7 point 6): public list and event pages
//! with the programme, speakers and practices showcased; public registration with a
//! capacity and a waiting list, and a personal link to see or cancel one's registration;
//! for the chair and the coordinator: new events, sessions, showcased practices and the
//! list of registrations.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use crate::practices::Names;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, Resource, Role};
use sterk_domain::event::{self, Placement};
use sterk_store::StoreError;
use sterk_store::events::{self as store, EventRow, RegistrationRow, SessionRow, ShowcaseRow};
use sterk_store::practices::{self, PracticeRow};

/// The routes of the events module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(list))
        .route("/events/new", get(new_form).post(create))
        .route("/events/{id}", get(show))
        .route("/events/{id}/register", post(register))
        .route("/events/{id}/sessions", post(add_session))
        .route("/events/{id}/showcase", post(showcase))
        .route("/events/{id}/registrations", get(registrations))
        .route("/events/{id}/r/{token}", get(registration))
        .route("/events/{id}/r/{token}/cancel", post(cancel))
}

fn platform_of(e: &EventRow) -> i64 {
    e.platform_id.unwrap_or(1)
}

/// An event in a list.
pub struct EventLine {
    /// The event.
    pub e: EventRow,
    /// Its region's name.
    pub region: String,
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    ctx: Ctx,
    conferences: Vec<EventLine>,
    regional: Vec<EventLine>,
    can_create: bool,
}

/// The platform whose events the signed-in user may manage, if any.
fn managed_platform(ctx: &Ctx) -> Option<i64> {
    let p = ctx.user.as_ref()?.actor.platform?;
    ctx.can(Action::ManageEvents, Resource::Platform(p))
        .then_some(p)
}

/// `GET /events`: upcoming and past events (public).
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let n = Names { lang: ctx.lang };
    let (conferences, regional): (Vec<EventLine>, Vec<EventLine>) = store::list(&state.db)
        .await?
        .into_iter()
        .map(|e| EventLine {
            region: e
                .platform_code
                .as_deref()
                .map(|c| n.region(c))
                .unwrap_or_default(),
            e,
        })
        .partition(|l| l.e.kind == "conference");
    let can_create = managed_platform(&ctx).is_some();
    render(&ListPage {
        ctx,
        conferences,
        regional,
        can_create,
    })
}

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowPage {
    ctx: Ctx,
    e: EventRow,
    region: String,
    sessions: Vec<SessionRow>,
    showcased: Vec<ShowcaseRow>,
    can_manage: bool,
    practices: Vec<PracticeRow>,
    f: Fields,
    errs: FieldErrors,
    /// A refusal of the registration (translation key).
    refused: Option<&'static str>,
}

impl ShowPage {
    fn places(&self) -> String {
        match self.e.places_left() {
            Some(0) => format!(
                "{} · {}",
                self.ctx.tn("events-places-left", "count", 0),
                self.ctx
                    .tn("events-waiting-count", "count", self.e.waiting_count)
            ),
            Some(left) => self.ctx.tn("events-places-left", "count", left),
            None => self.ctx.t("events-places-unlimited"),
        }
    }
    fn in_session(&self, session: impl std::borrow::Borrow<i64>) -> Vec<&ShowcaseRow> {
        let session = *session.borrow();
        self.showcased
            .iter()
            .filter(|s| s.session_id == Some(session))
            .collect()
    }
}

async fn show_page(
    state: &AppState,
    mut ctx: Ctx,
    e: EventRow,
    f: Fields,
    errs: FieldErrors,
    refused: Option<&'static str>,
) -> Result<ShowPage, AppError> {
    // The registration form is for anyone: give visitors a form token.
    if ctx.csrf.is_empty() {
        ctx.csrf = crate::csrf::token(&ctx.session).await;
    }
    let n = Names { lang: ctx.lang };
    let can_manage = ctx.can(Action::ManageEvents, Resource::Platform(platform_of(&e)));
    let practices = if can_manage {
        practices::published(&state.db).await?
    } else {
        Vec::new()
    };
    Ok(ShowPage {
        region: e
            .platform_code
            .as_deref()
            .map(|c| n.region(c))
            .unwrap_or_default(),
        sessions: store::sessions(&state.db, e.id).await?,
        showcased: store::showcased(&state.db, e.id).await?,
        can_manage,
        practices,
        e,
        f,
        errs,
        refused,
        ctx,
    })
}

/// `GET /events/{id}`: an event with its programme and the registration form (public).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let e = store::get(&state.db, id).await?;
    render(&show_page(&state, ctx, e, Fields::default(), FieldErrors::new(), None).await?)
}

/// `POST /events/{id}/register`: a place, a place on the waiting list, or "full".
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let e = store::get(&state.db, id).await?;
    let input =
        match event::parse_registration(f.get("name"), f.get("email"), f.get("organisation")) {
            Ok(i) => i,
            Err(errs) => {
                let page = show_page(&state, ctx, e, f, errs, None).await?;
                return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
        };
    match store::register(&state.db, id, &input).await {
        Ok((token, _)) => Ok(Redirect::to(&format!("/events/{id}/r/{token}")).into_response()),
        Err(StoreError::Refused(code)) => {
            let key = if code == "full" {
                "events-full"
            } else {
                "events-already-registered"
            };
            let page = show_page(&state, ctx, e, f, FieldErrors::new(), Some(key)).await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "events/registration.html")]
struct RegistrationPage {
    ctx: Ctx,
    e: EventRow,
    r: RegistrationRow,
    position: usize,
}

async fn own_registration(
    state: &AppState,
    id: i64,
    token: &str,
) -> Result<(EventRow, RegistrationRow), AppError> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let r = store::registration(&state.db, token).await?;
    if r.event_id != id {
        return Err(AppError::NotFound);
    }
    Ok((store::get(&state.db, id).await?, r))
}

/// `GET /events/{id}/r/{token}`: one's own registration (the link is the key).
pub async fn registration(
    State(state): State<AppState>,
    mut ctx: Ctx,
    Path((id, token)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let (e, r) = own_registration(&state, id, &token).await?;
    if ctx.csrf.is_empty() {
        ctx.csrf = crate::csrf::token(&ctx.session).await;
    }
    let position = if r.status == "waiting" {
        store::registrations(&state.db, id)
            .await?
            .iter()
            .filter(|x| x.status == "waiting")
            .position(|x| x.id == r.id)
            .map_or(0, |p| p + 1)
    } else {
        0
    };
    let mut res = render(&RegistrationPage {
        ctx,
        e,
        r,
        position,
    })?;
    // The link is a secret: keep it out of other sites' referrer headers and caches.
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// `POST /events/{id}/r/{token}/cancel`: cancels; the first on the waiting list moves up.
pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, token)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    own_registration(&state, id, &token).await?;
    store::cancel(&state.db, &token).await?;
    ctx.flash("events-cancelled").await;
    Ok(Redirect::to(&format!("/events/{id}/r/{token}")).into_response())
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
    kinds: Vec<&'static str>,
}

fn kinds_for(ctx: &Ctx) -> Vec<&'static str> {
    match ctx.user.as_ref().map(|u| u.actor.role) {
        Some(Role::PlatformCoordinator) => event::KINDS.to_vec(),
        _ => vec!["wswd", "other"],
    }
}

/// `GET /events/new`.
pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    let platform = managed_platform(&ctx).ok_or(AppError::Forbidden("error-forbidden"))?;
    ctx.authorize(Action::ManageEvents, Resource::Platform(platform))?;
    let kinds = kinds_for(&ctx);
    render(&FormPage {
        ctx,
        f: Fields::default(),
        errs: FieldErrors::new(),
        kinds,
    })
}

/// `POST /events/new`: an event of the user's platform.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let platform = managed_platform(&ctx).ok_or(AppError::Forbidden("error-forbidden"))?;
    let user = ctx
        .authorize(Action::ManageEvents, Resource::Platform(platform))?
        .clone();
    let kinds = kinds_for(&ctx);
    match event::parse_event(|k| f.get(k).to_owned(), &kinds) {
        Ok(input) => {
            let id = store::create(&state.db, &user.actor, platform, &input).await?;
            ctx.flash("events-created").await;
            Ok(Redirect::to(&format!("/events/{id}")).into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                ctx,
                f,
                errs,
                kinds,
            },
        ),
    }
}

async fn managed_event(state: &AppState, ctx: &Ctx, id: i64) -> Result<EventRow, AppError> {
    let e = store::get(&state.db, id).await?;
    ctx.authorize(Action::ManageEvents, Resource::Platform(platform_of(&e)))?;
    Ok(e)
}

/// `POST /events/{id}/sessions`: adds a session to the programme.
pub async fn add_session(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let e = managed_event(&state, &ctx, id).await?;
    let user = ctx.require_user()?.clone();
    match event::parse_session(
        f.get("s_title"),
        f.get("s_description"),
        f.get("s_starts_at"),
        f.get("s_ends_at"),
        f.get("s_room"),
        f.get("s_speakers"),
    ) {
        Ok(s) => {
            store::add_session(&state.db, &user.actor, id, &s).await?;
            ctx.flash("events-session-added").await;
            Ok(Redirect::to(&format!("/events/{id}#programme")).into_response())
        }
        Err(errs) => {
            let page = show_page(&state, ctx, e, f, errs, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `POST /events/{id}/showcase`: shows a published practice at the event.
pub async fn showcase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let e = managed_event(&state, &ctx, id).await?;
    let user = ctx.require_user()?.clone();
    let practice = f.get("practice").trim().parse::<i64>().ok();
    let session = f.get("session").trim().parse::<i64>().ok();
    let result = match practice {
        Some(p) => store::showcase(&state.db, &user.actor, id, p, session).await,
        None => Err(StoreError::Refused("choice_invalid")),
    };
    match result {
        Ok(()) => {
            ctx.flash("events-showcase-saved").await;
            Ok(Redirect::to(&format!("/events/{id}#practices")).into_response())
        }
        Err(StoreError::Refused(_)) => {
            let mut errs = FieldErrors::new();
            errs.push("practice", "choice_invalid");
            let page = show_page(&state, ctx, e, f, errs, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "events/registrations.html")]
struct RegistrationsPage {
    ctx: Ctx,
    e: EventRow,
    rows: Vec<RegistrationRow>,
}

/// `GET /events/{id}/registrations`: who has a place and who waits (organisers; printable).
pub async fn registrations(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let e = managed_event(&state, &ctx, id).await?;
    let rows = store::registrations(&state.db, id).await?;
    render(&RegistrationsPage { ctx, e, rows })
}

impl RegistrationPage {
    fn placement(&self) -> Option<Placement> {
        match self.r.status.as_str() {
            "registered" => Some(Placement::Registered),
            "waiting" => Some(Placement::Waiting),
            _ => None,
        }
    }
}
