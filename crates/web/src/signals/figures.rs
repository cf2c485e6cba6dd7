//! Figures of signals: by challenge, right, life domain, target group, region and month.
//! Figures of all organisations hide cells under 5 with the shared small-cell rules
//! (`sterk_domain::figures`, complementary suppression where a total can be known); the
//! figures of one's own organisation are exact. Each chart is an SVG from the shared
//! `crate::charts` with the same data as the table next to it; the CSV export holds the same
//! (hidden) cells.

use super::{Names, scope};
use crate::AppState;
use crate::charts::{self, BarChart, Series};
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::render;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use sterk_domain::access::Action;
use sterk_domain::figures::{self, Audience, Cell};
use sterk_i18n::Lang;
use sterk_store::reference;
use sterk_store::signals::{self, CountRow};

/// One row of a figure's table.
#[derive(Debug)]
pub struct Row {
    /// The label.
    pub label: String,
    /// The count, or `None` when hidden.
    pub value: Option<i64>,
}

/// One figure: a dimension with its chart (SVG markup from [`crate::charts`]) and the same
/// data as a table.
#[derive(Debug)]
pub struct Figure {
    /// Stable id (for headings).
    pub id: String,
    /// Heading.
    pub title: String,
    /// The chart.
    pub svg: String,
    /// The rows of the table.
    pub rows: Vec<Row>,
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

/// The cells of one dimension as `audience` may see them. Challenge, region and month split
/// the signals into disjoint groups whose total can be known, so they get complementary
/// suppression; a signal can name several target groups, and a right or a life domain, so
/// those cells are hidden one by one.
pub fn cells(dimension: &str, counts: &[i64], audience: Audience) -> Vec<Cell> {
    if matches!(dimension, "challenge" | "region" | "month") {
        figures::suppress_with_total(counts, audience).0
    } else {
        counts
            .iter()
            .map(|n| figures::count(*n, audience))
            .collect()
    }
}

/// Builds the figures from counts.
pub fn build(
    ctx: &Ctx,
    names: &Names,
    rows: &[CountRow],
    audience: Audience,
    prefix: &str,
) -> Vec<Figure> {
    DIMENSIONS
        .iter()
        .filter_map(|dim| {
            let found: Vec<&CountRow> = rows.iter().filter(|r| r.dimension == *dim).collect();
            if found.is_empty() {
                return None;
            }
            let counts: Vec<i64> = found.iter().map(|r| r.n).collect();
            let cells = cells(dim, &counts, audience);
            let labels: Vec<String> = found.iter().map(|r| label(names, dim, &r.code)).collect();
            let id = format!("{prefix}{}", dim.replace('_', "-"));
            let title = ctx.code("signals-by", dim);
            let svg = charts::bar_chart(&BarChart {
                id: format!("{id}-chart"),
                title: title.clone(),
                desc: ctx.t("figures-chart-desc"),
                labels: labels.clone(),
                series: vec![Series {
                    name: ctx.t("signals-signals"),
                    values: cells.clone(),
                }],
                hidden_mark: ctx.t("figures-hidden-mark"),
                money: false,
            });
            Some(Figure {
                id,
                title,
                svg,
                rows: labels
                    .into_iter()
                    .zip(cells)
                    .map(|(label, c)| Row {
                        label,
                        value: c.value(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The built figures of all organisations per language and region, with the version of the
/// counts they were built from ([`signals::figures_version`]); at most one entry per language
/// and region.
#[derive(Debug, Default)]
pub struct FiguresMemo(Mutex<HashMap<(Lang, Option<i64>), Versioned>>);

/// Built figures with the version of the counts they were built from.
type Versioned = (i64, Arc<Vec<Figure>>);

impl FiguresMemo {
    fn get(&self, lang: Lang, region: Option<i64>, version: i64) -> Option<Arc<Vec<Figure>>> {
        let memo = self.0.lock().unwrap_or_else(|e| e.into_inner());
        memo.get(&(lang, region))
            .filter(|(v, _)| *v == version)
            .map(|(_, f)| f.clone())
    }

    fn put(&self, lang: Lang, region: Option<i64>, version: i64, figures: Arc<Vec<Figure>>) {
        let mut memo = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // Unless newer figures are kept already.
        if memo
            .get(&(lang, region))
            .is_none_or(|(kept, _)| *kept <= version)
        {
            memo.insert((lang, region), (version, figures));
        }
    }
}

#[derive(Template)]
#[template(path = "signals/figures.html")]
struct FiguresPage {
    ctx: Ctx,
    all: Arc<Vec<Figure>>,
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
    // The figures of all organisations are the same for every visitor in a language until
    // the next registration: built once per version (charts are most of a view's work).
    let version = signals::figures_version(&state.db).await?;
    let all = match state.figures_memo.get(ctx.lang, region, version) {
        Some(all) => all,
        None => {
            let rows = signals::figures(&state.db, region).await?;
            let all = Arc::new(build(&ctx, &names, &rows, Audience::Outside, "all-"));
            state
                .figures_memo
                .put(ctx.lang, region, version, all.clone());
            all
        }
    };
    let own = if user.actor.org.is_some() && ctx.can(Action::RegisterSignal, scope(&ctx)) {
        let rows = signals::own_figures(&state.db, &user.actor).await?;
        build(&ctx, &names, &rows, Audience::Own, "own-")
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
        for dim in DIMENSIONS {
            let found: Vec<&CountRow> = rows.iter().filter(|r| r.dimension == dim).collect();
            let counts: Vec<i64> = found.iter().map(|r| r.n).collect();
            for (r, c) in found.iter().zip(cells(dim, &counts, Audience::Outside)) {
                let n = c.value().map_or_else(|| "<5".to_owned(), |n| n.to_string());
                w.write_record([
                    r.dimension.as_str(),
                    r.code.as_str(),
                    &label(&names, &r.dimension, &r.code),
                    &n,
                ])?;
            }
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
