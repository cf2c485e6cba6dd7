//! The Flemish platform and the six regional platforms (public).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::render;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use sterk_store::orgs::{self, OrgRow};
use sterk_store::reference::{self, MunicipalityRow, PlatformRow};

/// A platform with its counts.
pub struct PlatformLine {
    /// The platform.
    pub p: PlatformRow,
    /// Municipalities it covers.
    pub municipalities: usize,
}

#[derive(Template)]
#[template(path = "platforms/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<PlatformLine>,
}

fn name(ctx: &Ctx, p: &PlatformRow) -> String {
    p.name_in(ctx.lang.code()).to_owned()
}

/// `GET /platforms`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let municipalities = reference::municipalities(&state.db).await?;
    let rows = reference::platforms(&state.db)
        .await?
        .into_iter()
        .map(|p| PlatformLine {
            municipalities: municipalities
                .iter()
                .filter(|m| m.platform_id == p.id)
                .count(),
            p,
        })
        .collect();
    render(&ListPage { ctx, rows })
}

#[derive(Template)]
#[template(path = "platforms/show.html")]
struct ShowPage {
    ctx: Ctx,
    title: String,
    p: PlatformRow,
    municipalities: Vec<MunicipalityRow>,
    orgs: Vec<OrgRow>,
}

/// `GET /platforms/{code}`: the municipalities and organisations of a platform.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let p = reference::platforms(&state.db)
        .await?
        .into_iter()
        .find(|p| p.code == code)
        .ok_or(AppError::NotFound)?;
    let municipalities: Vec<MunicipalityRow> = if p.kind == "flemish" {
        Vec::new()
    } else {
        reference::municipalities(&state.db)
            .await?
            .into_iter()
            .filter(|m| m.platform_id == p.id)
            .collect()
    };
    // Organisation names are public (they are listed in the KBO anyway); only signed-in
    // users see the list, to keep the public page light.
    let orgs = if ctx.user.is_some() && p.kind == "regional" {
        orgs::list(&state.db, Some(p.id)).await?
    } else {
        Vec::new()
    };
    let title = name(&ctx, &p);
    render(&ShowPage {
        ctx,
        title,
        p,
        municipalities,
        orgs,
    })
}

impl ListPage {
    fn name(&self, p: &PlatformRow) -> String {
        name(&self.ctx, p)
    }
}
