//! Solidarity (issue 6): help requests, volunteers, the shortlist and the batch assignment
//! with the worker in charge, the life of a match, network strength, and the public forms.
//!
//! The matching is done by the pure crate `sterk-matching` on the inputs that
//! `sterk_store::solidarity::engine_inputs` loads; this module shows its reasons and records
//! the worker's decisions. Every handler authorizes with `Action::ManageSolidarity` in the
//! worker's own organisation, except the public forms ([`public`]) and a volunteer's own pages
//! ([`own`], `Action::OwnVolunteering`).

pub mod own;
pub mod pages;
pub mod public;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The routes of the solidarity module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/solidarity", get(pages::home))
        .route("/solidarity/requests", post(pages::create_request))
        .route("/solidarity/requests/new", get(pages::new_request))
        .route("/solidarity/requests/{id}", get(pages::show_request))
        .route("/solidarity/requests/{id}/propose", post(pages::propose))
        .route(
            "/solidarity/batch",
            get(pages::batch_page).post(pages::batch_confirm),
        )
        .route("/solidarity/matches", get(pages::matches))
        .route("/solidarity/matches/{id}", post(pages::match_step))
        .route(
            "/solidarity/volunteers",
            get(pages::volunteers).post(pages::create_volunteer),
        )
        .route("/solidarity/volunteers/new", get(pages::new_volunteer))
        .route(
            "/solidarity/volunteers/{id}/status",
            post(pages::volunteer_status),
        )
        .route("/solidarity/public/{id}/take", post(pages::take_public))
        .route("/solidarity/fund", get(pages::fund).post(pages::fund_add))
        .route("/solidarity/network", get(pages::network))
        .route(
            "/solidarity/network/{client}/supporters",
            post(pages::add_supporter),
        )
        .route("/vrijwilliger", get(own::page).post(own::signup))
        .route("/vrijwilliger/status", post(own::status))
        .route("/vrijwilliger/koppelingen/{id}", post(own::answer))
        .route("/hulp", get(public::help_form).post(public::help_submit))
        .route(
            "/hulp/vrijwilliger",
            get(public::volunteer_form).post(public::volunteer_submit),
        )
        .route("/hulp/bedankt", get(public::thanks))
        .route(
            "/hulp/koppeling/{token}",
            get(public::match_page).post(public::match_answer),
        )
}
