//! The pages of the interface, grouped by domain.

pub mod account;
pub mod admin;
pub mod auth;
pub mod clients;
pub mod home;
pub mod ops;
pub mod org;
pub mod organisations;
pub mod platforms;

use crate::AppState;
use crate::error::AppError;
use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

/// Renders a template as a full page.
pub fn render(t: &impl Template) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a template with a status (e.g. 422 for a form with errors).
pub fn render_status(
    status: axum::http::StatusCode,
    t: &impl Template,
) -> Result<Response, AppError> {
    Ok((status, Html(t.render()?)).into_response())
}

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::start))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/lang", post(auth::set_language))
        .route("/lang/{code}", get(auth::language_link))
        .route("/clients", get(clients::list))
        .route("/clients/new", get(clients::new_form).post(clients::create))
        .route("/clients/{id}", get(clients::show))
        .route(
            "/clients/{id}/edit",
            get(clients::edit_form).post(clients::update),
        )
        .route("/clients/{id}/consents", post(clients::add_consent))
        .route(
            "/clients/{id}/consents/{consent}/withdraw",
            post(clients::withdraw_consent),
        )
        .route("/clients/{id}/refer", post(clients::refer))
        .route("/clients/{id}/export", get(clients::export))
        .route(
            "/clients/{id}/erase",
            get(clients::erase_confirm).post(clients::erase),
        )
        .route("/referrals", get(clients::referrals))
        .route("/clients/{id}/rights", get(crate::rights::pages::followups))
        .route("/rights/figures", get(crate::rights::figures::page))
        .route(
            "/clients/{id}/rights/new",
            get(crate::rights::pages::new_check),
        )
        .route(
            "/clients/{id}/rights/check",
            post(crate::rights::pages::post_check),
        )
        .route(
            "/clients/{id}/rights/{check}",
            get(crate::rights::pages::show_check),
        )
        .route(
            "/clients/{id}/rights/{check}/print",
            get(crate::rights::pages::print_check),
        )
        .route(
            "/clients/{id}/followups",
            post(crate::rights::pages::start_followup),
        )
        .route(
            "/clients/{id}/followups/{fid}",
            post(crate::rights::pages::change_followup),
        )
        .route(
            "/clients/{id}/followups/{fid}/signal",
            post(crate::rights::pages::signal_candidate),
        )
        .route("/rechten", get(crate::rights::pages::public_check))
        .route("/screenings", get(crate::screening::pages::list))
        .route(
            "/screenings/upload",
            post(crate::screening::pages::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::screening::MAX_UPLOAD,
            )),
        )
        .route(
            "/screenings/clients",
            post(crate::screening::pages::from_clients),
        )
        .route("/screenings/{id}", get(crate::screening::pages::show))
        .route(
            "/screenings/{id}/results",
            get(crate::screening::pages::results),
        )
        .route(
            "/screenings/{id}/delete",
            post(crate::screening::pages::delete),
        )
        .route(
            "/callrounds",
            get(crate::screening::callrounds::list).post(crate::screening::callrounds::create),
        )
        .route(
            "/callrounds/new",
            get(crate::screening::callrounds::new_form),
        )
        .route("/callrounds/{id}", get(crate::screening::callrounds::show))
        .route(
            "/callrounds/{id}/print",
            get(crate::screening::callrounds::print),
        )
        .route(
            "/callrounds/{id}/entries/{entry}",
            get(crate::screening::callrounds::entry).post(crate::screening::callrounds::outcome),
        )
        .route("/org", get(org::overview))
        .route(
            "/org/accounts/new",
            get(org::new_account_form).post(org::create_account),
        )
        .route("/org/accounts/{id}/reset", post(org::reset_password))
        .route("/org/accounts/{id}/active", post(org::set_active))
        .route("/org/audit", get(org::audit))
        .route("/admin/audit", get(org::admin_audit))
        .route(
            "/admin/accounts",
            get(admin::accounts).post(admin::create_account),
        )
        .route("/organisations", get(organisations::list))
        .route(
            "/organisations/new",
            get(organisations::new_form).post(organisations::create),
        )
        .route("/organisations/{id}", get(organisations::show))
        .route("/platforms", get(platforms::list))
        .route("/platforms/{code}", get(platforms::show))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
}
