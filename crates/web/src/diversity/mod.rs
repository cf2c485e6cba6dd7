//! The diversity self-assessment (issue 7 point 8): the questionnaire in four domains,
//! the organisation's results over time, and the anonymous comparison with organisations
//! of the same kind (none shown under five).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sterk_domain::FieldErrors;
use sterk_domain::access::Action;
use sterk_domain::diversity::{self, DOMAINS, MAX_ANSWER, QUESTIONS};
use sterk_store::diversity::{self as store, AssessmentRow};

/// The routes of the diversity module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/diversity", get(overview))
        .route("/diversity/new", get(new_form).post(create))
}

#[derive(Template)]
#[template(path = "diversity/overview.html")]
struct OverviewPage {
    ctx: Ctx,
    history: Vec<AssessmentRow>,
    group: usize,
    comparison: Option<[i64; 4]>,
}

impl OverviewPage {
    fn domains(&self) -> Vec<(usize, String)> {
        DOMAINS
            .iter()
            .enumerate()
            .map(|(i, d)| (i, self.ctx.code("diversity-domain", d)))
            .collect()
    }
    fn score(&self, a: &AssessmentRow, d: &usize) -> i64 {
        a.scores().get(*d).copied().unwrap_or(0)
    }
    fn compared(&self, d: &usize) -> String {
        self.comparison
            .and_then(|c| c.get(*d).copied())
            .map(|v| v.to_string())
            .unwrap_or_default()
    }
    fn min_group(&self) -> usize {
        diversity::MIN_GROUP
    }
}

/// `GET /diversity`: results over time and the comparison.
pub async fn overview(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (org, _) = ctx.authorize_own(Action::ManageDiversity)?;
    let history = store::history(&state.db, org).await?;
    let (group, comparison) = store::comparison(&state.db, org).await?;
    render(&OverviewPage {
        ctx,
        history,
        group,
        comparison,
    })
}

/// One domain of the questionnaire.
pub struct DomainBlock {
    /// Domain code.
    pub code: &'static str,
    /// Statements: (field name, code).
    pub questions: Vec<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "diversity/form.html")]
struct FormPage {
    ctx: Ctx,
    blocks: Vec<DomainBlock>,
    f: Fields,
    errs: FieldErrors,
}

impl FormPage {
    fn scale(&self) -> Vec<String> {
        (0..=MAX_ANSWER).map(|v| v.to_string()).collect()
    }
}

fn blocks() -> Vec<DomainBlock> {
    DOMAINS
        .iter()
        .enumerate()
        .map(|(i, code)| DomainBlock {
            code,
            questions: QUESTIONS
                .iter()
                .filter(|(d, _)| *d == i)
                .map(|(_, q)| (format!("q-{q}"), *q))
                .collect(),
        })
        .collect()
}

/// `GET /diversity/new`: the questionnaire.
pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    ctx.authorize_own(Action::ManageDiversity)?;
    render(&FormPage {
        ctx,
        blocks: blocks(),
        f: Fields::default(),
        errs: FieldErrors::new(),
    })
}

/// `POST /diversity/new`: saves a completed questionnaire (dated today).
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageDiversity)?;
    match diversity::parse_answers(|k| f.get(k)) {
        Ok(answers) => {
            let today = sterk_domain::values::format_date(crate::ctx::today());
            store::save(&state.db, &user.actor, &today, &answers).await?;
            ctx.flash("diversity-saved").await;
            Ok(Redirect::to("/diversity").into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                ctx,
                blocks: blocks(),
                f,
                errs,
            },
        ),
    }
}
