//! Figures of signals: by challenge, right, life domain, target group, region and month.
//! Figures of all organisations hide cells under 5 (`sterk_signals::shown`); the figures of
//! one's own organisation are shown in full. Each chart is an SVG with the same data as the
//! table next to it; the CSV export holds the same (hidden) cells.

use super::{Names, scope};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::render;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sterk_domain::access::Action;
use sterk_store::reference;
use sterk_store::signals::{self, CountRow};

/// One bar of a chart and one row of its table.
pub struct Bar {
    /// The label.
    pub label: String,
    /// The count, or `None` when hidden (under 5).
    pub value: Option<i64>,
    /// Bar length in the chart's units (0–300).
    pub width: i64,
    /// Vertical position in the chart.
    pub y: i64,
}

/// One figure: a dimension with its bars.
pub struct Figure {
    /// Stable id (for headings and the chart's label).
    pub id: String,
    /// Heading.
    pub title: String,
    /// Bars.
    pub bars: Vec<Bar>,
    /// SVG height.
    pub height: i64,
}

const DIMENSIONS: [&str; 6] = [
    "challenge",
    "right",
    "life",
    "target_group",
    "region",
    "month",
];

fn label(names: &Names, dimension: &str, code: &str) -> String {
    match dimension {
        "challenge" => names.challenge(code),
        "right" | "life" => names.subject(dimension, code),
        "target_group" => names.group(code),
        "region" => names.region(code.parse::<i64>().unwrap_or_default()),
        _ => code.to_owned(),
    }
}

/// Builds the figures from counts; `suppress` hides cells under 5.
pub fn build(
    ctx: &Ctx,
    names: &Names,
    rows: &[CountRow],
    suppress: bool,
    prefix: &str,
) -> Vec<Figure> {
    DIMENSIONS
        .iter()
        .filter_map(|dim| {
            let cells: Vec<&CountRow> = rows.iter().filter(|r| r.dimension == *dim).collect();
            if cells.is_empty() {
                return None;
            }
            let values: Vec<Option<i64>> = cells
                .iter()
                .map(|r| {
                    if suppress {
                        sterk_signals::shown(r.n)
                    } else {
                        Some(r.n)
                    }
                })
                .collect();
            let max = values.iter().flatten().copied().max().unwrap_or(1).max(1);
            let bars: Vec<Bar> = cells
                .iter()
                .zip(values)
                .enumerate()
                .map(|(i, (r, v))| Bar {
                    label: label(names, dim, &r.code),
                    width: v.map(|n| n * 300 / max).unwrap_or(0),
                    value: v,
                    y: i as i64 * 24,
                })
                .collect();
            Some(Figure {
                id: format!("{prefix}{}", dim.replace('_', "-")),
                title: ctx.code("signals-by", dim),
                height: bars.len() as i64 * 24 + 4,
                bars,
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "signals/figures.html")]
struct FiguresPage {
    ctx: Ctx,
    all: Vec<Figure>,
    own: Vec<Figure>,
    region: Option<i64>,
    regions: Vec<(i64, String)>,
}

impl FiguresPage {
    fn is_region(&self, id: &i64) -> bool {
        self.region == Some(*id)
    }
}

fn region_of(q: &[(String, String)]) -> Option<i64> {
    q.iter()
        .find(|(k, _)| k == "region")
        .and_then(|(_, v)| v.parse().ok())
        .filter(|p| *p > 1)
}

/// `GET /signals/figures[?region=ID]`.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = ctx.authorize(Action::ViewDossiers, scope(&ctx))?.clone();
    let region = region_of(&q);
    let platforms = reference::platforms(&state.db).await?;
    let names = Names::new(&state, &ctx, &platforms);
    let rows = signals::figures(&state.db, region).await?;
    let all = build(&ctx, &names, &rows, true, "all-");
    let own = if user.actor.org.is_some() && ctx.can(Action::RegisterSignal, scope(&ctx)) {
        let rows = signals::own_figures(&state.db, &user.actor).await?;
        build(&ctx, &names, &rows, false, "own-")
    } else {
        Vec::new()
    };
    let regions = platforms
        .iter()
        .filter(|p| p.kind == "regional")
        .map(|p| (p.id, names.region(p.id)))
        .collect();
    render(&FiguresPage {
        ctx,
        all,
        own,
        region,
        regions,
    })
}

/// `GET /signals/figures.csv[?region=ID]`: the figures of all organisations, small cells
/// hidden (`<5`).
pub async fn csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.authorize(Action::ViewDossiers, scope(&ctx))?;
    let platforms = reference::platforms(&state.db).await?;
    let names = Names::new(&state, &ctx, &platforms);
    let rows = signals::figures(&state.db, region_of(&q)).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut out = || -> Result<Vec<u8>, csv::Error> {
        w.write_record(["dimension", "code", "name", "signals"])?;
        for r in &rows {
            let n = sterk_signals::shown(r.n).map_or_else(|| "<5".to_owned(), |n| n.to_string());
            w.write_record([
                r.dimension.as_str(),
                r.code.as_str(),
                &label(&names, &r.dimension, &r.code),
                &n,
            ])?;
        }
        w.flush()?;
        Ok(w.get_ref().clone())
    };
    let body = out().map_err(|_| AppError::Internal("csv"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"signalen-cijfers.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
