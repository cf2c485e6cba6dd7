//! The platform module (issue 7): the Action Plan 2020–2024 with its progress (public
//! read-only view, updates by chairs and the coordinator), the bodies of the platforms with
//! members and meetings, the yearly progress reports of the regional platforms and the
//! evaluation reports, as printable HTML and tagged PDF (`sterk-pdf`).

pub mod bodies;
pub mod plan;
pub mod reports;

use crate::AppState;
use crate::ctx::Ctx;
use axum::Router;
use axum::routing::{get, post};
use sterk_i18n::Lang;
use sterk_store::platform::ThemeView;

/// The module's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actieplan", get(plan::overview))
        .route("/actieplan/instellingen", post(plan::settings))
        .route("/actieplan/acties", post(plan::add_action))
        .route("/actieplan/acties/{id}", post(plan::update_action))
        .route(
            "/actieplan/acties/{id}/initiatieven",
            post(plan::add_initiative),
        )
        .route("/actieplan/thema/{section}", get(plan::theme))
        .route(
            "/actieplan/initiatieven/{id}",
            get(plan::initiative).post(plan::update_initiative),
        )
        .route(
            "/actieplan/initiatieven/{id}/mijlpalen",
            post(plan::add_milestone),
        )
        .route(
            "/actieplan/initiatieven/{id}/mijlpalen/{mid}",
            post(plan::milestone_reached),
        )
        .route("/organen", get(bodies::list))
        .route("/organen/{code}", get(bodies::show))
        .route("/organen/{code}/leden", post(bodies::add_member))
        .route("/organen/{code}/vergaderingen", post(bodies::add_meeting))
        .route("/vergaderingen/{id}", get(bodies::meeting))
        .route("/jaarverslagen", get(reports::list))
        .route(
            "/jaarverslagen/{code}/{year}",
            get(reports::yearly).post(reports::save_yearly),
        )
        .route(
            "/jaarverslagen/{code}/{year}/indienen",
            post(reports::submit_yearly),
        )
        .route("/jaarverslagen/{code}/{year}/pdf", get(reports::yearly_pdf))
        .route("/evaluatie/{year}", get(reports::evaluation))
        .route("/evaluatie/{year}/pdf", get(reports::evaluation_pdf))
}

/// A progress for people: "40 %", or a dash when nothing counts yet.
pub fn pct(p: &Option<f64>) -> String {
    match sterk_domain::plan::percent(*p) {
        Some(v) => format!("{v} %"),
        None => "–".into(),
    }
}

/// A progress for a `<progress>` element (0 when unknown).
pub fn pct_value(p: &Option<f64>) -> u8 {
    sterk_domain::plan::percent(*p).unwrap_or(0)
}

/// The theme's short name in the interface language.
pub fn theme_name(lang: Lang, t: &ThemeView) -> String {
    match lang {
        Lang::Fr => t.name_fr.clone(),
        Lang::En => t.name_en.clone(),
        Lang::Nl => t.name_nl.clone(),
    }
}

/// A platform's name in the interface language.
pub fn platform_name(ctx: &Ctx, p: &sterk_store::reference::PlatformRow) -> String {
    p.name_in(ctx.lang.code()).to_owned()
}
