//! Take-up figures (`GET /rights/figures`): checks, rights found, applications, grants,
//! refusals with their reasons and money granted, per month and per right, for the own
//! organisation (exact), a regional platform or all organisations (small cells hidden).
//!
//! The same figures come as charts, as tables and as CSV (`format=csv`); the CSV carries
//! the same hidden cells as the page, written `<5`.

use crate::AppState;
use crate::charts::{self, BarChart, Series};
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::render;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use sterk_domain::access::{Action, Resource, Role};
use sterk_domain::figures::{Audience, Cell, suppress_column};
use sterk_domain::values::Money;
use sterk_store::reference;
use sterk_store::takeup::{self, Scope, Takeup};

/// The query string of the page.
#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    /// `org`, `platform` or `all`.
    #[serde(default)]
    pub scope: String,
    /// The platform's code, for `scope=platform`.
    #[serde(default)]
    pub platform: String,
    /// First month, `YYYY-MM`.
    #[serde(default)]
    pub from: String,
    /// Last month, `YYYY-MM`.
    #[serde(default)]
    pub to: String,
    /// `csv` for a download.
    #[serde(default)]
    pub format: String,
}

/// One row of a table, its cells as shown.
pub struct Line {
    /// The label (a month, a right's name, a reason).
    pub label: String,
    /// The cells, in column order.
    pub cells: Vec<Cell>,
}

/// A table: header keys, rows, totals; columns whose values are money say so.
pub struct Table {
    /// Translation keys of the columns after the label.
    pub columns: Vec<&'static str>,
    /// Which columns hold cents.
    pub money: Vec<bool>,
    /// The rows.
    pub rows: Vec<Line>,
    /// The totals (one per column), when a total row is shown.
    pub totals: Option<Vec<Cell>>,
}

#[derive(Template)]
#[template(path = "rights/figures.html")]
struct FiguresPage {
    ctx: Ctx,
    scopes: Vec<(String, String)>,
    chosen: String,
    from: String,
    to: String,
    error: Option<&'static str>,
    outside: bool,
    organisations: Cell,
    months: Table,
    rights: Table,
    reasons: Table,
    chart_decisions: String,
    chart_money: String,
    csv_href: String,
}

impl FiguresPage {
    fn show(&self, c: &&Cell, money: &&bool) -> String {
        show_cell(&self.ctx, **c, **money)
    }
    fn orgs(&self) -> String {
        show_cell(&self.ctx, self.organisations, false)
    }
}

fn show_cell(ctx: &Ctx, c: Cell, money: bool) -> String {
    match c {
        Cell::Hidden => ctx.t("figures-hidden-mark"),
        Cell::Value(v) if money => Money(v).to_string(),
        Cell::Value(v) => charts::axis_value(v, false),
    }
}

/// Parses `YYYY-MM`.
fn parse_month(s: &str) -> Option<(i32, u8)> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    ((2000..=2100).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

fn month_code((y, m): (i32, u8)) -> String {
    format!("{y:04}-{m:02}")
}

fn months_back((y, m): (i32, u8), n: i32) -> (i32, u8) {
    let total = y * 12 + i32::from(m) - 1 - n;
    (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8)
}

/// Reads one measure (value, people) from a row.
type Measure<R> = fn(&R) -> (i64, i64);

/// Builds the shown tables from raw figures for an audience.
fn tables(
    t: &Takeup,
    audience: Audience,
    names: &BTreeMap<String, String>,
    ctx: &Ctx,
) -> (Table, Table, Table) {
    // Months: each column suppressed on its own people.
    let cols: [Measure<takeup::MonthRow>; 6] = [
        |r| r.checks,
        |r| r.found,
        |r| r.applied,
        |r| r.granted,
        |r| r.refused,
        |r| r.granted_cents,
    ];
    let mut columns_cells = Vec::new();
    let mut totals = Vec::new();
    for col in cols {
        let values: Vec<i64> = t.months.iter().map(|r| col(r).0).collect();
        let people: Vec<i64> = t.months.iter().map(|r| col(r).1).collect();
        let (cells, total) = suppress_column(&values, &people, col(&t.total).1, audience);
        columns_cells.push(cells);
        totals.push(total);
    }
    let months = Table {
        columns: vec![
            "figures-checks",
            "figures-found",
            "figures-applied",
            "figures-granted",
            "figures-refused",
            "figures-granted-money",
        ],
        money: vec![false, false, false, false, false, true],
        rows: t
            .months
            .iter()
            .enumerate()
            .map(|(i, r)| Line {
                label: r.month.clone(),
                cells: columns_cells.iter().map(|c| c[i]).collect(),
            })
            .collect(),
        totals: Some(totals),
    };

    let rcols: [Measure<takeup::RightRow>; 5] = [
        |r| r.followed,
        |r| r.applied,
        |r| r.granted,
        |r| r.refused,
        |r| r.granted_cents,
    ];
    // The distinct people of each column over the whole period.
    let rtotal_people = [
        t.followed_total.1,
        t.total.applied.1,
        t.total.granted.1,
        t.total.refused.1,
        t.total.granted_cents.1,
    ];
    let mut rcells = Vec::new();
    let mut rtotals = Vec::new();
    for (col, total_people) in rcols.into_iter().zip(rtotal_people) {
        let values: Vec<i64> = t.rights.iter().map(|r| col(r).0).collect();
        let people: Vec<i64> = t.rights.iter().map(|r| col(r).1).collect();
        let (cells, total) = suppress_column(&values, &people, total_people, audience);
        rcells.push(cells);
        rtotals.push(total);
    }
    let rights = Table {
        columns: vec![
            "figures-followed",
            "figures-applied",
            "figures-granted",
            "figures-refused",
            "figures-granted-money",
        ],
        money: vec![false, false, false, false, true],
        rows: t
            .rights
            .iter()
            .enumerate()
            .map(|(i, r)| Line {
                label: names
                    .get(&r.right_id)
                    .cloned()
                    .unwrap_or_else(|| r.right_id.clone()),
                cells: rcells.iter().map(|c| c[i]).collect(),
            })
            .collect(),
        totals: Some(rtotals),
    };

    let values: Vec<i64> = t.reasons.iter().map(|r| r.refused.0).collect();
    let people: Vec<i64> = t.reasons.iter().map(|r| r.refused.1).collect();
    let (cells, total) = suppress_column(&values, &people, t.total.refused.1, audience);
    let reasons = Table {
        columns: vec!["figures-refused"],
        money: vec![false],
        rows: t
            .reasons
            .iter()
            .zip(cells)
            .map(|(r, c)| Line {
                label: ctx.code("refusal", &r.code),
                cells: vec![c],
            })
            .collect(),
        totals: Some(vec![total]),
    };
    (months, rights, reasons)
}

fn csv_of(ctx: &Ctx, tables: &[(&str, &Table)]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let bad = |_| AppError::Internal("csv");
    w.write_record(["table", "label", "measure", "value"])
        .map_err(bad)?;
    for (name, t) in tables {
        let mut write = |label: &str, cells: &[Cell]| -> Result<(), AppError> {
            for ((col, money), c) in t.columns.iter().zip(&t.money).zip(cells) {
                let measure = col.trim_start_matches("figures-");
                let value = match c {
                    Cell::Hidden => "<5".to_owned(),
                    Cell::Value(v) if *money => format!("{}.{:02}", v / 100, (v % 100).abs()),
                    Cell::Value(v) => v.to_string(),
                };
                w.write_record([*name, label, measure, value.as_str()])
                    .map_err(bad)?;
            }
            Ok(())
        };
        for row in &t.rows {
            write(&row.label, &row.cells)?;
        }
        if let Some(tot) = &t.totals {
            write(&ctx.t("figures-total"), tot)?;
        }
    }
    w.into_inner().map_err(|_| AppError::Internal("csv"))
}

/// `GET /rights/figures`.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<FiguresQuery>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let platforms = reference::platforms(&state.db).await?;
    let own_org = user.actor.org;
    let member_of_org = own_org.is_some_and(|o| ctx.can(Action::ViewFigures, Resource::Org(o)));

    // The scopes this person may choose, and the default.
    let mut scopes: Vec<(String, String)> = Vec::new();
    if member_of_org {
        scopes.push(("org".into(), ctx.t("figures-scope-org")));
    }
    for p in platforms.iter().filter(|p| p.kind == "regional") {
        if ctx.can(Action::ViewFigures, Resource::Platform(p.id)) {
            scopes.push((
                format!("platform:{}", p.code),
                p.name_in(ctx.lang.code()).to_owned(),
            ));
        }
    }
    if ctx.can(Action::ViewFigures, Resource::Installation) {
        scopes.push(("all".into(), ctx.t("figures-scope-all")));
    }
    if scopes.is_empty() {
        return Err(AppError::Forbidden("error-forbidden"));
    }
    let default_scope = if member_of_org {
        "org".to_owned()
    } else if user.actor.role == Role::RegionalChair
        && let Some(p) = platforms
            .iter()
            .find(|p| Some(p.id) == user.actor.platform && p.kind == "regional")
    {
        format!("platform:{}", p.code)
    } else {
        "all".to_owned()
    };
    let chosen = match q.scope.as_str() {
        "" => default_scope,
        "platform" => format!("platform:{}", q.platform),
        s => s.to_owned(),
    };
    let (scope, audience) = if chosen == "org" {
        let org = own_org.ok_or(AppError::Forbidden("error-forbidden"))?;
        ctx.authorize(Action::ViewFigures, Resource::Org(org))?;
        (Scope::Org(org), Audience::Own)
    } else if let Some(code) = chosen.strip_prefix("platform:") {
        let p = platforms
            .iter()
            .find(|p| p.code == code && p.kind == "regional")
            .ok_or(AppError::NotFound)?;
        ctx.authorize(Action::ViewFigures, Resource::Platform(p.id))?;
        (Scope::Platform(p.id), Audience::Outside)
    } else if chosen == "all" {
        ctx.authorize(Action::ViewFigures, Resource::Installation)?;
        (Scope::All, Audience::Outside)
    } else {
        return Err(AppError::BadRequest("error-choice-invalid"));
    };

    // The period: the last twelve months unless chosen; at most ten years.
    let today = crate::ctx::today();
    let this_month = (today.year(), u8::from(today.month()));
    let mut error = None;
    let to = if q.to.trim().is_empty() {
        this_month
    } else {
        parse_month(&q.to).unwrap_or_else(|| {
            error = Some("figures-error-month");
            this_month
        })
    };
    let from = if q.from.trim().is_empty() {
        months_back(to, 11)
    } else {
        parse_month(&q.from).unwrap_or_else(|| {
            error = Some("figures-error-month");
            months_back(to, 11)
        })
    };
    let (from, to) = if from > to {
        error = Some("figures-error-order");
        (months_back(to, 11), to)
    } else if months_back(to, 119) > from {
        error = Some("figures-error-long");
        (months_back(to, 119), to)
    } else {
        (from, to)
    };

    let raw = takeup::takeup(&state.db, scope, from, to).await?;
    let names = super::pages::right_names(&state.rights, ctx.lang);
    let (months, rights, reasons) = tables(&raw, audience, &names, &ctx);

    if q.format == "csv" {
        let body = csv_of(
            &ctx,
            &[
                ("months", &months),
                ("rights", &rights),
                ("reasons", &reasons),
            ],
        )?;
        let name = format!(
            "sterk-rights-figures-{}-{}-{}.csv",
            chosen.replace(':', "-"),
            month_code(from),
            month_code(to)
        );
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            body,
        )
            .into_response());
    }

    let labels: Vec<String> = months.rows.iter().map(|r| r.label.clone()).collect();
    let col = |i: usize| -> Vec<Cell> { months.rows.iter().map(|r| r.cells[i]).collect() };
    let chart_decisions = charts::bar_chart(&BarChart {
        id: "chart-decisions".into(),
        title: ctx.t("figures-chart-decisions"),
        desc: ctx.t("figures-chart-desc"),
        labels: labels.clone(),
        series: vec![
            Series {
                name: ctx.t("figures-applied"),
                values: col(2),
            },
            Series {
                name: ctx.t("figures-granted"),
                values: col(3),
            },
        ],
        hidden_mark: ctx.t("figures-hidden-mark"),
        money: false,
    });
    let chart_money = charts::bar_chart(&BarChart {
        id: "chart-money".into(),
        title: ctx.t("figures-chart-money"),
        desc: ctx.t("figures-chart-desc"),
        labels,
        series: vec![Series {
            name: ctx.t("figures-granted-money"),
            values: col(5),
        }],
        hidden_mark: ctx.t("figures-hidden-mark"),
        money: true,
    });
    let (scope_q, platform_q) = match chosen.split_once(':') {
        Some((s, p)) => (s.to_owned(), p.to_owned()),
        None => (chosen.clone(), String::new()),
    };
    let csv_href = format!(
        "/rights/figures?scope={scope_q}&platform={platform_q}&from={}&to={}&format=csv",
        month_code(from),
        month_code(to)
    );
    // The number of contributing organisations is itself a count: hidden outside when one
    // or two organisations could be recognised (fewer than five).
    let organisations = sterk_domain::figures::count(raw.organisations, audience);
    render(&FiguresPage {
        ctx,
        scopes,
        chosen,
        from: month_code(from),
        to: month_code(to),
        error,
        outside: audience == Audience::Outside,
        organisations,
        months,
        rights,
        reasons,
        chart_decisions,
        chart_money,
        csv_href,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_count_back() {
        assert_eq!(parse_month("2026-03"), Some((2026, 3)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("26-03"), None);
        assert_eq!(parse_month("2026-3"), None);
        assert_eq!(parse_month(""), None);
        assert_eq!(months_back((2026, 3), 11), (2025, 4));
        assert_eq!(months_back((2026, 1), 1), (2025, 12));
        assert_eq!(months_back((2026, 12), 0), (2026, 12));
    }
}
