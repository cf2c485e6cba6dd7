//! Reports: the yearly progress report of a regional platform (assembled from its data,
//! edited by the chair, submitted to the stuurgroep) and the evaluation reports of the
//! action plan (interim 2022, final 2024), as printable HTML and as tagged PDF.

use super::{pct, theme_name};
use crate::AppState;
use crate::ctx::{Ctx, today};
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, FLEMISH_PLATFORM, Resource};
use sterk_domain::values::parse_text;
use sterk_pdf::{Block, Document};
use sterk_store::StoreError;
use sterk_store::platform::{self, PlanView, ReportRow, YearData};
use sterk_store::reference::{self, PlatformRow};

/// The first year of the plan.
pub const FIRST_YEAR: i64 = 2020;

async fn regional_platform(state: &AppState, code: &str) -> Result<PlatformRow, AppError> {
    reference::platforms(&state.db)
        .await?
        .into_iter()
        .find(|p| p.code == code && p.kind == "regional")
        .ok_or(AppError::NotFound)
}

fn check_year(year: i64) -> Result<i64, AppError> {
    let max = i64::from(today().year());
    if (FIRST_YEAR..=max).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::NotFound)
    }
}

/// A PDF response.
pub(crate) fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Renders a document to PDF off the async threads.
pub async fn to_pdf(doc: Document) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || sterk_pdf::render(&doc))
        .await
        .map_err(|_| AppError::Internal("pdf_join"))?
        .map_err(|e| {
            tracing::error!(error.detail = %e, "pdf rendering failed");
            AppError::Internal("pdf")
        })
}

// ---------------------------------------------------------------------------------------
// Yearly reports

#[derive(Template)]
#[template(path = "platform/reports.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<(PlatformRow, String)>,
    years: Vec<i64>,
    submitted: Vec<(i64, i64)>,
    evaluations: bool,
}

impl ListPage {
    fn is_submitted(&self, platform: &i64, year: &i64) -> bool {
        self.submitted.contains(&(*platform, *year))
    }
}

/// `GET /jaarverslagen`: the reports the signed-in person may read.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    let rows: Vec<(PlatformRow, String)> = reference::platforms(&state.db)
        .await?
        .into_iter()
        .filter(|p| p.kind == "regional")
        .filter(|p| ctx.can(Action::ViewPlatform, Resource::Platform(p.id)))
        .map(|p| {
            let n = super::platform_name(&ctx, &p);
            (p, n)
        })
        .collect();
    if rows.is_empty() {
        return Err(AppError::Forbidden("error-forbidden"));
    }
    let years = (FIRST_YEAR..=i64::from(today().year())).rev().collect();
    let submitted = platform::submitted_reports(&state.db)
        .await?
        .into_iter()
        .map(|(p, y, _)| (p, y))
        .collect();
    let evaluations = ctx.can(Action::ViewPlatform, Resource::Platform(FLEMISH_PLATFORM));
    render(&ListPage {
        ctx,
        rows,
        years,
        submitted,
        evaluations,
    })
}

#[derive(Template)]
#[template(path = "platform/yearly.html")]
struct YearlyPage {
    ctx: Ctx,
    p: PlatformRow,
    name: String,
    report: ReportRow,
    data: YearData,
    can_edit: bool,
    errs: FieldErrors,
}

impl YearlyPage {
    fn attendees(&self, n: &i64) -> String {
        self.ctx.tn("bodies-attendees-count", "count", *n)
    }
    fn submitted_on(&self) -> String {
        self.report
            .submitted_at
            .map(|at| self.ctx.datetime(at))
            .unwrap_or_default()
    }
}

/// The data of a report: frozen at submission, else assembled now.
async fn report_and_data(
    state: &AppState,
    platform_id: i64,
    year: i64,
) -> Result<(ReportRow, YearData), AppError> {
    let report = platform::report(&state.db, platform_id, year).await?;
    let data = if report.status == "submitted" {
        serde_json::from_str(&report.snapshot).unwrap_or_default()
    } else {
        platform::year_data(&state.db, platform_id, year).await?
    };
    Ok((report, data))
}

async fn yearly_page(
    state: &AppState,
    ctx: Ctx,
    code: &str,
    year: i64,
    errs: FieldErrors,
    typed: Option<&Fields>,
) -> Result<YearlyPage, AppError> {
    let year = check_year(year)?;
    let p = regional_platform(state, code).await?;
    ctx.authorize(Action::ViewPlatform, Resource::Platform(p.id))?;
    let (mut report, data) = report_and_data(state, p.id, year).await?;
    if let Some(f) = typed {
        report.summary = f.get("summary").to_owned();
        report.themes_text = f.get("themes_text").to_owned();
        report.next_steps = f.get("next_steps").to_owned();
    }
    let can_edit =
        report.status == "draft" && ctx.can(Action::ManagePlatform, Resource::Platform(p.id));
    let name = super::platform_name(&ctx, &p);
    Ok(YearlyPage {
        ctx,
        p,
        name,
        report,
        data,
        can_edit,
        errs,
    })
}

/// `GET /jaarverslagen/{code}/{year}`: the yearly report (printable), with the chair's form.
pub async fn yearly(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, year)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    render(&yearly_page(&state, ctx, &code, year, FieldErrors::new(), None).await?)
}

/// `POST /jaarverslagen/{code}/{year}`: the chair saves the texts.
pub async fn save_yearly(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, year)): Path<(String, i64)>,
    f: Fields,
) -> Result<Response, AppError> {
    let year = check_year(year)?;
    let p = regional_platform(&state, &code).await?;
    let user = ctx
        .authorize(Action::ManagePlatform, Resource::Platform(p.id))?
        .clone();
    let mut errs = FieldErrors::new();
    let summary = errs.check("summary", parse_text(f.get("summary"), 20000, false));
    let themes = errs.check(
        "themes_text",
        parse_text(f.get("themes_text"), 20000, false),
    );
    let next = errs.check("next_steps", parse_text(f.get("next_steps"), 20000, false));
    if let (Some(summary), Some(themes), Some(next)) = (summary, themes, next) {
        match platform::save_report(&state.db, &user.actor, p.id, year, &summary, &themes, &next)
            .await
        {
            Ok(()) => {
                ctx.flash("flash-saved").await;
                return Ok(Redirect::to(&format!("/jaarverslagen/{code}/{year}")).into_response());
            }
            Err(StoreError::Refused(c)) => errs.push("summary", c),
            Err(e) => return Err(e.into()),
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &yearly_page(&state, ctx, &code, year, errs, Some(&f)).await?,
    )
}

/// `POST /jaarverslagen/{code}/{year}/indienen`: submits the report to the stuurgroep,
/// freezing the figures assembled from the data.
pub async fn submit_yearly(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, year)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let year = check_year(year)?;
    let p = regional_platform(&state, &code).await?;
    let user = ctx
        .authorize(Action::ManagePlatform, Resource::Platform(p.id))?
        .clone();
    let data = platform::year_data(&state.db, p.id, year).await?;
    let snapshot = serde_json::to_string(&data).map_err(|_| AppError::Internal("snapshot"))?;
    match platform::submit_report(&state.db, &user.actor, p.id, year, &snapshot).await {
        Ok(()) => {
            ctx.flash("flash-report-submitted").await;
            Ok(Redirect::to(&format!("/jaarverslagen/{code}/{year}")).into_response())
        }
        Err(StoreError::Refused(c)) => {
            let mut errs = FieldErrors::new();
            errs.push("summary", c);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &yearly_page(&state, ctx, &code, year, errs, None).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The yearly report as a document (for the PDF).
pub fn yearly_document(
    ctx: &Ctx,
    name: &str,
    year: i64,
    report: &ReportRow,
    data: &YearData,
) -> Document {
    let mut doc = Document::new(
        format!("{} {year}: {name}", ctx.t("report-yearly-title")),
        ctx.lang.code(),
    );
    doc.subtitle = Some(format!(
        "{}: {}",
        ctx.t("report-status"),
        ctx.code("report-status", &report.status)
    ));
    let text_or_dash = |s: &str| {
        if s.trim().is_empty() {
            "–".to_owned()
        } else {
            s.to_owned()
        }
    };
    doc.push(Block::heading(1, ctx.t("report-summary")));
    doc.push(Block::paragraph(text_or_dash(&report.summary)));
    doc.push(Block::heading(1, ctx.t("report-actions-undertaken")));
    if data.updates.is_empty() {
        doc.push(Block::paragraph(ctx.t("report-none")));
    } else {
        doc.push(Block::Table {
            caption: Some(ctx.t("report-actions-undertaken")),
            header: vec![
                ctx.t("date"),
                ctx.t("plan-initiative"),
                ctx.t("plan-status"),
                ctx.t("plan-progress"),
                ctx.t("plan-account"),
            ],
            rows: data
                .updates
                .iter()
                .map(|(code, date, status, progress, account)| {
                    vec![
                        date.clone(),
                        code.clone(),
                        ctx.code("plan-status", status),
                        format!("{progress} %"),
                        account.clone(),
                    ]
                })
                .collect(),
        });
    }
    doc.push(Block::heading(1, ctx.t("report-own-actions")));
    if data.own_actions.is_empty() {
        doc.push(Block::paragraph(ctx.t("report-none")));
    } else {
        doc.push(Block::Bars {
            caption: ctx.t("report-own-actions"),
            bars: data
                .own_actions
                .iter()
                .map(|(code, title, p)| {
                    (
                        format!("{code}: {title}"),
                        p.map(|v| v as f64).unwrap_or(0.0),
                    )
                })
                .collect(),
        });
    }
    doc.push(Block::heading(1, ctx.t("report-themes")));
    doc.push(Block::list(data.themes.clone()));
    doc.push(Block::paragraph(text_or_dash(&report.themes_text)));
    doc.push(Block::heading(1, ctx.t("report-meetings")));
    if data.meetings.is_empty() {
        doc.push(Block::paragraph(ctx.t("report-none")));
    } else {
        doc.push(Block::list(
            data.meetings
                .iter()
                .map(|(d, t, n)| format!("{d}: {t} ({n})"))
                .collect(),
        ));
    }
    doc.push(Block::heading(1, ctx.t("report-practices")));
    doc.push(Block::paragraph(if data.practices.is_empty() {
        ctx.t("report-practices-later")
    } else {
        data.practices.join("; ")
    }));
    doc.push(Block::heading(1, ctx.t("report-signals")));
    doc.push(Block::paragraph(if data.signals.is_empty() {
        ctx.t("report-signals-later")
    } else {
        data.signals.join("; ")
    }));
    doc.push(Block::heading(1, ctx.t("report-next-steps")));
    doc.push(Block::paragraph(text_or_dash(&report.next_steps)));
    doc
}

/// `GET /jaarverslagen/{code}/{year}/pdf`: the yearly report as a tagged PDF.
pub async fn yearly_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, year)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let year = check_year(year)?;
    let p = regional_platform(&state, &code).await?;
    ctx.authorize(Action::ViewPlatform, Resource::Platform(p.id))?;
    let (report, data) = report_and_data(&state, p.id, year).await?;
    let name = super::platform_name(&ctx, &p);
    let doc = yearly_document(&ctx, &name, year, &report, &data);
    let bytes = to_pdf(doc).await?;
    Ok(pdf_response(bytes, &format!("jaarverslag-{code}-{year}")))
}

// ---------------------------------------------------------------------------------------
// Evaluation reports

/// One regional platform in an evaluation: name, report status, summary, meetings, own actions.
pub struct RegionSummary {
    /// Platform name.
    pub name: String,
    /// Status of the yearly report of the evaluation year (`none`, `draft`, `submitted`).
    pub status: String,
    /// The chair's summary.
    pub summary: String,
    /// Meetings in the year.
    pub meetings: usize,
    /// Progress updates in the year.
    pub updates: usize,
    /// Own actions.
    pub own_actions: usize,
}

#[derive(Template)]
#[template(path = "platform/evaluation.html")]
struct EvaluationPage {
    ctx: Ctx,
    year: i64,
    kind: &'static str,
    plan: PlanView,
    regions: Vec<RegionSummary>,
}

impl EvaluationPage {
    fn as_of(&self) -> String {
        self.ctx
            .t1("evaluation-as-of", "date", format!("{}-12-31", self.year))
    }
    fn pct(&self, p: &Option<f64>) -> String {
        pct(p)
    }
    fn name(&self, t: &sterk_store::platform::ThemeView) -> String {
        theme_name(self.ctx.lang, t)
    }
}

fn evaluation_kind(year: i64) -> Result<&'static str, AppError> {
    match year {
        2022 => Ok("interim"),
        2024 => Ok("final"),
        _ => Err(AppError::NotFound),
    }
}

async fn evaluation_data(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<(PlanView, Vec<RegionSummary>), AppError> {
    let plan = platform::plan_as_of(&state.db, &format!("{year}-12-31")).await?;
    let mut regions = Vec::new();
    for p in reference::platforms(&state.db)
        .await?
        .into_iter()
        .filter(|p| p.kind == "regional")
    {
        let report = platform::report(&state.db, p.id, year).await?;
        let data = platform::year_data(&state.db, p.id, year).await?;
        regions.push(RegionSummary {
            name: super::platform_name(ctx, &p),
            status: if report.id == 0 {
                "none".into()
            } else {
                report.status.clone()
            },
            summary: report.summary,
            meetings: data.meetings.len(),
            updates: data.updates.len(),
            own_actions: data.own_actions.len(),
        });
    }
    Ok((plan, regions))
}

/// `GET /evaluatie/{year}`: the interim (2022) or final (2024) evaluation, generated from
/// the data (platform coordinator).
pub async fn evaluation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> Result<Response, AppError> {
    let kind = evaluation_kind(year)?;
    ctx.authorize(Action::ViewPlatform, Resource::Platform(FLEMISH_PLATFORM))?;
    let (plan, regions) = evaluation_data(&state, &ctx, year).await?;
    render(&EvaluationPage {
        ctx,
        year,
        kind,
        plan,
        regions,
    })
}

/// The evaluation as a document (for the PDF).
pub fn evaluation_document(
    ctx: &Ctx,
    year: i64,
    kind: &str,
    plan: &PlanView,
    regions: &[RegionSummary],
) -> Document {
    let mut doc = Document::new(
        format!("{} {year}", ctx.code("evaluation-title", kind)),
        ctx.lang.code(),
    );
    doc.subtitle = Some(ctx.t1("evaluation-as-of", "date", format!("{year}-12-31")));
    doc.push(Block::paragraph(ctx.code("evaluation-intro", kind)));
    doc.push(Block::heading(1, ctx.t("evaluation-progress-per-theme")));
    doc.push(Block::paragraph(format!(
        "{}: {}",
        ctx.t("plan-overall"),
        pct(&plan.progress)
    )));
    doc.push(Block::Bars {
        caption: ctx.t("evaluation-progress-per-theme"),
        bars: plan
            .themes
            .iter()
            .map(|t| {
                (
                    format!("{} {}", t.section, theme_name(ctx.lang, t)),
                    t.progress.unwrap_or(0.0),
                )
            })
            .collect(),
    });
    doc.push(Block::heading(1, ctx.t("evaluation-progress-per-action")));
    for t in &plan.themes {
        doc.push(Block::heading(
            2,
            format!(
                "{} {}: {}",
                t.section,
                theme_name(ctx.lang, t),
                pct(&t.progress)
            ),
        ));
        doc.push(Block::Table {
            caption: None,
            header: vec![
                ctx.t("plan-action"),
                ctx.t("plan-progress"),
                ctx.t("evaluation-done-of"),
            ],
            rows: t
                .actions
                .iter()
                .map(|a| {
                    let done = a.initiatives.iter().filter(|i| i.status == "done").count();
                    vec![
                        format!("{}: {}", a.code, a.title),
                        pct(&a.progress),
                        format!("{done}/{}", a.initiatives.len()),
                    ]
                })
                .collect(),
        });
    }
    doc.push(Block::heading(1, ctx.t("evaluation-regions")));
    doc.push(Block::Table {
        caption: Some(ctx.t("evaluation-regions")),
        header: vec![
            ctx.t("evaluation-region"),
            ctx.t("report-status"),
            ctx.t("report-meetings"),
            ctx.t("evaluation-updates"),
            ctx.t("report-own-actions"),
        ],
        rows: regions
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    ctx.code("report-status", &r.status),
                    r.meetings.to_string(),
                    r.updates.to_string(),
                    r.own_actions.to_string(),
                ]
            })
            .collect(),
    });
    for r in regions.iter().filter(|r| !r.summary.trim().is_empty()) {
        doc.push(Block::heading(2, r.name.clone()));
        doc.push(Block::paragraph(r.summary.clone()));
    }
    doc.push(Block::heading(1, ctx.t("report-practices")));
    doc.push(Block::paragraph(ctx.t("report-practices-later")));
    doc.push(Block::heading(1, ctx.t("evaluation-signals")));
    doc.push(Block::paragraph(ctx.t("report-signals-later")));
    doc
}

/// `GET /evaluatie/{year}/pdf`: the evaluation as a tagged PDF.
pub async fn evaluation_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> Result<Response, AppError> {
    let kind = evaluation_kind(year)?;
    ctx.authorize(Action::ViewPlatform, Resource::Platform(FLEMISH_PLATFORM))?;
    let (plan, regions) = evaluation_data(&state, &ctx, year).await?;
    let doc = evaluation_document(&ctx, year, kind, &plan, &regions);
    let bytes = to_pdf(doc).await?;
    Ok(pdf_response(bytes, &format!("evaluatie-{year}")))
}
