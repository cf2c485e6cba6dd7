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
    reminders: Vec<sterk_store::rights::FollowupRow>,
    right_names: std::collections::BTreeMap<String, String>,
}

impl Start {
    fn right_name(&self, id: &str) -> String {
        self.right_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }
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
    // Reminders: open follow-ups of the organisation, the longest untouched first.
    let reminders = if ctx.can_in_own_org("clients") {
        sterk_store::rights::reminders(&state.db, &user.actor, 0, 10).await?
    } else {
        Vec::new()
    };
    let right_names = state
        .rights
        .model
        .rights
        .iter()
        .map(|r| (r.id.clone(), r.name.get(ctx.lang.code()).to_owned()))
        .collect();
    render(&Start {
        ctx,
        role,
        org_name,
        platform_name,
        reminders,
        right_names,
    })
}
