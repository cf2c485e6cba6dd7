//! The signed-in person's own account: password and API tokens.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, Resource};
use sterk_domain::values::parse_text;
use sterk_store::accounts::{self, LoginOutcome};
use sterk_store::tokens::{self, TokenRow};

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    ctx: Ctx,
    tokens: Vec<TokenRow>,
    errs: FieldErrors,
    new_token: Option<String>,
    must_change: bool,
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    errs: FieldErrors,
    new_token: Option<String>,
) -> Result<AccountPage, AppError> {
    let user = ctx
        .authorize(Action::ManageOwnTokens, Resource::OwnAccount)?
        .clone();
    let tokens = tokens::list(&state.db, user.account.id).await?;
    Ok(AccountPage {
        must_change: user.account.must_change_password == 1,
        ctx,
        tokens,
        errs,
        new_token,
    })
}

/// `GET /account`.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(&page(&state, ctx, FieldErrors::new(), None).await?)
}

/// `POST /account/password`: needs the current password.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let mut errs = FieldErrors::new();
    if let Err(code) = accounts::check_password(f.get("new_password")) {
        errs.push("new_password", code);
    } else if f.get("new_password") != f.get("repeat_password") {
        errs.push("repeat_password", "password_mismatch");
    }
    if errs.is_empty() {
        match accounts::login(
            &state.db,
            &user.account.email,
            f.get("current_password"),
            "account-page",
        )
        .await?
        {
            LoginOutcome::Ok(_) => {
                accounts::set_password(
                    &state.db,
                    user.account.id,
                    user.account.id,
                    f.get("new_password"),
                    false,
                )
                .await?;
                ctx.flash("flash-password-changed").await;
                return Ok(Redirect::to("/account").into_response());
            }
            LoginOutcome::Invalid => errs.push("current_password", "password_wrong"),
            LoginOutcome::RateLimited => errs.push("current_password", "rate_limited"),
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &page(&state, ctx, errs, None).await?,
    )
}

/// `POST /account/tokens`: a new API token, shown once.
pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx
        .authorize(Action::ManageOwnTokens, Resource::OwnAccount)?
        .clone();
    let mut errs = FieldErrors::new();
    let name = errs.check("token_name", parse_text(f.get("token_name"), 100, true));
    match name {
        Some(name) if errs.is_empty() => {
            let secret = tokens::create(&state.db, user.account.id, user.actor.org, &name).await?;
            render(&page(&state, ctx, errs, Some(secret)).await?)
        }
        _ => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, ctx, errs, None).await?,
        ),
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = ctx
        .authorize(Action::ManageOwnTokens, Resource::OwnAccount)?
        .clone();
    tokens::revoke(&state.db, user.account.id, user.actor.org, id).await?;
    ctx.flash("flash-token-revoked").await;
    Ok(Redirect::to("/account").into_response())
}
