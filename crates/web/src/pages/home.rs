//! The home page: a public introduction, or the signed-in person's start page.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::render;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use sterk_store::{orgs, reference};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    ctx: Ctx,
}

#[derive(Template)]
#[template(path = "start.html")]
struct Start {
    ctx: Ctx,
    role: String,
    org_name: Option<String>,
    platform_name: Option<String>,
}

/// `GET /`.
pub async fn start(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let Some(user) = ctx.user.clone() else {
        return render(&Home { ctx });
    };
    let org_name = match user.actor.org {
        Some(id) => Some(orgs::get(&state.db, id).await?.name),
        None => None,
    };
    let platform_name = match user.actor.platform {
        Some(id) => reference::platforms(&state.db)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .map(|p| match ctx.lang {
                sterk_i18n::Lang::Fr => p.name_fr,
                sterk_i18n::Lang::En => p.name_en,
                sterk_i18n::Lang::Nl => p.name_nl,
            }),
        None => None,
    };
    let role = ctx.code("role", user.actor.role.code());
    render(&Start {
        ctx,
        role,
        org_name,
        platform_name,
    })
}
