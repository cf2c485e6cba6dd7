//! Signing in and out, and the language switch.

use crate::AppState;
use crate::ctx::{ACCOUNT_KEY, ClientAddr, Ctx, LANG_KEY};
use crate::error::AppError;
use crate::forms::Fields;
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sterk_i18n::Lang;
use sterk_store::accounts::{self, LoginOutcome};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    email: String,
    next: String,
    error: Option<String>,
}

/// Only local paths are followed after signing in (no open redirects).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Query parameters of the page.
#[derive(serde::Deserialize)]
pub struct NextQuery {
    /// Parameter.
    #[serde(default)]
    pub next: String,
}

/// `GET /login`.
pub async fn login_form(mut ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    // The login form is the one anonymous form that changes state: it needs a token.
    ctx.csrf = crate::csrf::token(&ctx.session).await;
    render(&LoginPage {
        ctx,
        email: String::new(),
        next: safe_next(&q.next),
        error: None,
    })
}

/// `POST /login`: checks the password, renews the session id, remembers the language.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ctx: Ctx,
    form: Fields,
) -> Result<Response, AppError> {
    let email = form.get("email").trim().to_owned();
    let next = safe_next(form.get("next"));
    if email.is_empty() || form.get("password").is_empty() {
        let error = Some(ctx.t("login-missing"));
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &LoginPage {
                ctx,
                email,
                next,
                error,
            },
        );
    }
    match accounts::login(&state.db, &email, form.get("password"), &address).await? {
        LoginOutcome::Ok(account) => {
            // A new session id at login prevents session fixation.
            ctx.session
                .cycle_id()
                .await
                .map_err(|_| AppError::Internal("session"))?;
            ctx.session
                .insert(ACCOUNT_KEY, account.id)
                .await
                .map_err(|_| AppError::Internal("session"))?;
            let lang = ctx
                .session
                .get::<String>(LANG_KEY)
                .await
                .ok()
                .flatten()
                .unwrap_or(account.language.clone());
            let _ = ctx.session.insert(LANG_KEY, lang).await;
            tracing::info!(account.id = account.id, "signed in");
            Ok(Redirect::to(&next).into_response())
        }
        LoginOutcome::Invalid => {
            let error = Some(ctx.t("login-invalid"));
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &LoginPage {
                    ctx,
                    email,
                    next,
                    error,
                },
            )
        }
        LoginOutcome::RateLimited => {
            let error = Some(ctx.t("login-rate-limited"));
            render_status(
                StatusCode::TOO_MANY_REQUESTS,
                &LoginPage {
                    ctx,
                    email,
                    next,
                    error,
                },
            )
        }
    }
}

/// `POST /logout`: ends the session everywhere (it is deleted from the database).
pub async fn logout(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang.code();
    ctx.session
        .flush()
        .await
        .map_err(|_| AppError::Internal("session"))?;
    let _ = ctx.session.insert(LANG_KEY, lang).await;
    ctx.flash("flash-logged-out").await;
    Ok(Redirect::to("/").into_response())
}

/// `POST /lang`: remembers the language in the session and on the account.
pub async fn set_language(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Fields,
) -> Result<Response, AppError> {
    let lang = Lang::parse(form.get("lang")).ok_or(AppError::BadRequest("error-choice-invalid"))?;
    ctx.session
        .insert(LANG_KEY, lang.code())
        .await
        .map_err(|_| AppError::Internal("session"))?;
    if let Some(u) = &ctx.user {
        accounts::set_language(&state.db, u.account.id, lang.code()).await?;
    }
    Ok((
        [lang_cookie(&state, lang)],
        Redirect::to(&safe_next(form.get("next"))),
    )
        .into_response())
}

fn lang_cookie(state: &AppState, lang: Lang) -> (axum::http::HeaderName, String) {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    (
        axum::http::header::SET_COOKIE,
        format!(
            "{}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}",
            crate::ctx::LANG_COOKIE,
            lang.code()
        ),
    )
}

/// `GET /lang/{code}`: the language switch of visitors who are not signed in. It only sets a
/// preference cookie (nothing is stored on the server), so it needs no CSRF token.
pub async fn language_link(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    Ok((
        [lang_cookie(&state, lang)],
        Redirect::to(&safe_next(&q.next)),
    )
        .into_response())
}
