//! A dossier as a policy document (*beleidssignaal*): a printable HTML page and the same as a
//! tagged PDF (`sterk-pdf`), for the people who work on the dossier
//! (`/dossiers/{id}/document`) and, once the dossier is reported to policy makers, for
//! everyone (`/signalen/{id}`, no account needed).
//!
//! Both are built from one [`DossierDoc`]: the title, the summary, the numbers and figures
//! counted in the database (so a dossier of 10,000 signals is never loaded whole; its
//! signals are listed only up to [`LIST_MAX`]), with cells under 5 hidden as in every figure
//! that leaves the contributing organisations. The internal document lists the de-identified
//! signals and testimonies; the public one shows neither, nor any person's name (no trekker,
//! no reviewer): only organisations, numbers, analysis, proposals and responses.

use super::figures::{Figure, build};
use super::{Names, scope};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::render;
use crate::platform::reports::{pdf_response, to_pdf};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use sterk_domain::access::Action;
use sterk_domain::figures::{self, Audience, Cell};
use sterk_pdf::{Block, Document};
use sterk_store::reference;
use sterk_store::signals::{self, CosignerRow, DossierRow, DossierTotals, ResponseRow, SignalRow};

/// A dossier with more signals than this lists none of them: its figures count them all.
pub const LIST_MAX: i64 = 200;
/// At most this many testimonies are quoted.
pub const TESTIMONIES_MAX: i64 = 20;

/// Everything the document shows.
pub struct DossierDoc {
    /// The dossier.
    pub d: DossierRow,
    /// The public version (no signals, no testimonies, no names of people).
    pub public: bool,
    /// Numbers counted in the database.
    pub totals: DossierTotals,
    /// The figures, cells under 5 hidden.
    pub figures: Vec<Figure>,
    /// The signals, when there are at most [`LIST_MAX`] (internal document only).
    pub signals: Vec<SignalRow>,
    /// Testimonies (internal document only).
    pub testimonies: Vec<String>,
    /// Co-signing organisations.
    pub cosigners: Vec<CosignerRow>,
    /// Policy responses.
    pub responses: Vec<ResponseRow>,
    /// Regional dossiers bundled into it (a Flemish dossier).
    pub children: Vec<DossierRow>,
    /// The date of printing (`YYYY-MM-DD`).
    pub printed: String,
}

impl DossierDoc {
    /// The number of signals, hidden under 5.
    pub fn signals_cell(&self) -> Cell {
        figures::count(self.totals.signals, Audience::Outside)
    }
    /// The number of people touched, hidden under 5.
    pub fn people_cell(&self) -> Cell {
        figures::count(self.totals.people, Audience::Outside)
    }
    /// Whether the signals are too many to list (the internal document).
    pub fn too_many(&self) -> bool {
        !self.public && self.totals.signals > LIST_MAX
    }
    /// Where the PDF is.
    pub fn pdf_href(&self) -> String {
        if self.public {
            format!("/signalen/{}/pdf", self.d.id)
        } else {
            format!("/dossiers/{}/document/pdf", self.d.id)
        }
    }
}

/// Whether everyone may read the dossier: it was reported to policy makers.
pub fn is_public(d: &DossierRow) -> bool {
    d.state().is_reported()
}

/// Gathers the document of dossier `id`.
pub async fn gather(
    state: &AppState,
    ctx: &Ctx,
    names: &Names,
    d: DossierRow,
    public: bool,
) -> Result<DossierDoc, AppError> {
    let id = d.id;
    let totals = signals::dossier_totals(&state.db, id).await?;
    let rows = signals::dossier_figures(&state.db, id).await?;
    let figures = build(ctx, names, &rows, Audience::Outside, "doc-");
    let (list, testimonies) = if public {
        (Vec::new(), Vec::new())
    } else {
        let list = if totals.signals <= LIST_MAX {
            signals::dossier_signals_limited(&state.db, id, LIST_MAX).await?
        } else {
            Vec::new()
        };
        (
            list,
            signals::dossier_testimonies(&state.db, id, TESTIMONIES_MAX).await?,
        )
    };
    Ok(DossierDoc {
        totals,
        figures,
        signals: list,
        testimonies,
        cosigners: signals::cosigners(&state.db, id).await?,
        responses: signals::responses(&state.db, id).await?,
        children: signals::children(&state.db, id).await?,
        printed: sterk_domain::values::format_date(crate::ctx::today()),
        public,
        d,
    })
}

#[derive(Template)]
#[template(path = "signals/document.html")]
struct DocumentPage {
    ctx: Ctx,
    names: Names,
    doc: DossierDoc,
}

impl DocumentPage {
    fn cell(&self, c: Cell) -> String {
        cell_text(&self.ctx, c)
    }
    fn people(&self, n: impl std::borrow::Borrow<i64>) -> String {
        cell_text(&self.ctx, figures::count(*n.borrow(), Audience::Outside))
    }
    fn subtitle(&self) -> String {
        subtitle(&self.ctx, &self.names, &self.doc)
    }
}

fn cell_text(ctx: &Ctx, c: Cell) -> String {
    c.value()
        .map_or_else(|| ctx.t("signals-hidden-cell"), |v| v.to_string())
}

/// The internal document's dossier, for those who may see dossiers.
async fn internal(state: &AppState, ctx: &Ctx, id: i64) -> Result<DossierRow, AppError> {
    ctx.authorize(Action::ViewDossiers, scope(ctx))?;
    Ok(signals::get_dossier(&state.db, id).await?)
}

/// A reported dossier, for everyone; any other is not found.
async fn public(state: &AppState, id: i64) -> Result<DossierRow, AppError> {
    let d = signals::get_dossier(&state.db, id).await?;
    if is_public(&d) {
        Ok(d)
    } else {
        Err(AppError::NotFound)
    }
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    d: DossierRow,
    public: bool,
) -> Result<Response, AppError> {
    let platforms = reference::platforms(&state.db).await?;
    let names = Names::new(state, &ctx, &platforms);
    let doc = gather(state, &ctx, &names, d, public).await?;
    render(&DocumentPage { ctx, names, doc })
}

async fn pdf(
    state: &AppState,
    ctx: Ctx,
    d: DossierRow,
    public: bool,
) -> Result<Response, AppError> {
    let platforms = reference::platforms(&state.db).await?;
    let names = Names::new(state, &ctx, &platforms);
    let doc = gather(state, &ctx, &names, d, public).await?;
    let name = format!("beleidssignaal-{}", doc.d.id);
    let bytes = to_pdf(pdf_document(&ctx, &names, &doc)).await?;
    Ok(pdf_response(bytes, &name))
}

/// `GET /dossiers/{id}/document`: the dossier as a printable policy document.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let d = internal(&state, &ctx, id).await?;
    page(&state, ctx, d, false).await
}

/// `GET /dossiers/{id}/document/pdf`: the same as a tagged PDF.
pub async fn show_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let d = internal(&state, &ctx, id).await?;
    pdf(&state, ctx, d, false).await
}

/// `GET /signalen/{id}`: a reported dossier for everyone, without personal data.
pub async fn public_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let d = public(&state, id).await?;
    page(&state, ctx, d, true).await
}

/// `GET /signalen/{id}/pdf`: the public document as a tagged PDF.
pub async fn public_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let d = public(&state, id).await?;
    pdf(&state, ctx, d, true).await
}

/// The line under the title: kind, region, status and the date of printing.
pub fn subtitle(ctx: &Ctx, names: &Names, doc: &DossierDoc) -> String {
    format!(
        "{} · {} · {} · {}",
        ctx.t("signals-document-kind"),
        names.region(doc.d.platform_id),
        names.status(&doc.d.status),
        ctx.t1("signals-document-printed", "date", &doc.printed)
    )
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "–".to_owned()
    } else {
        text.to_owned()
    }
}

/// The document as a `sterk-pdf` model, in the same order as the HTML page.
pub fn pdf_document(ctx: &Ctx, names: &Names, doc: &DossierDoc) -> Document {
    let d = &doc.d;
    let mut out = Document::new(d.title.clone(), ctx.lang.code());
    out.subtitle = Some(subtitle(ctx, names, doc));
    out.push(Block::heading(1, ctx.t("signals-document-summary")));
    out.push(Block::paragraph(or_dash(&d.summary)));
    out.push(Block::heading(1, ctx.t("signals-document-facts")));
    out.push(Block::Table {
        caption: None,
        header: vec![ctx.t("signals-category"), ctx.t("signals-document-number")],
        rows: vec![
            vec![ctx.t("signals-signals"), cell_text(ctx, doc.signals_cell())],
            vec![
                ctx.t("signals-document-people"),
                cell_text(ctx, doc.people_cell()),
            ],
            vec![ctx.t("signals-document-orgs"), doc.totals.orgs.to_string()],
            vec![
                ctx.t("signals-document-regions"),
                doc.totals.regions.to_string(),
            ],
            vec![
                ctx.t("signals-document-municipalities"),
                doc.totals.municipalities.to_string(),
            ],
        ],
    });
    out.push(Block::heading(1, ctx.t("signals-document-figures")));
    out.push(Block::paragraph(ctx.t("signals-document-figures-hint")));
    for fig in &doc.figures {
        out.push(Block::Table {
            caption: Some(fig.title.clone()),
            header: vec![ctx.t("signals-category"), ctx.t("signals-signals")],
            rows: fig
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.label.clone(),
                        r.value
                            .map_or_else(|| ctx.t("signals-hidden-cell"), |v| v.to_string()),
                    ]
                })
                .collect(),
        });
    }
    if !doc.children.is_empty() {
        out.push(Block::heading(1, ctx.t("signals-children")));
        out.push(Block::list(
            doc.children
                .iter()
                .map(|c| format!("{} ({})", c.title, names.region(c.platform_id)))
                .collect(),
        ));
    }
    if !doc.public {
        out.push(Block::heading(1, ctx.t("signals-signals")));
        out.push(Block::paragraph(ctx.t("signals-document-signals-hint")));
        if doc.too_many() {
            out.push(Block::paragraph(ctx.tn(
                "signals-document-too-many",
                "count",
                doc.totals.signals,
            )));
        } else {
            out.push(Block::Table {
                caption: None,
                header: vec![
                    ctx.t("signals-field-what"),
                    ctx.t("signals-field-subject"),
                    ctx.t("field-municipality"),
                    ctx.t("signals-field-people"),
                    ctx.t("signals-field-since"),
                ],
                rows: doc
                    .signals
                    .iter()
                    .map(|s| {
                        vec![
                            s.what.clone(),
                            names.subject(&s.subject_kind, &s.subject),
                            names.municipality(s),
                            cell_text(ctx, figures::count(s.people, Audience::Outside)),
                            s.since.clone(),
                        ]
                    })
                    .collect(),
            });
        }
        if !doc.testimonies.is_empty() {
            out.push(Block::heading(1, ctx.t("signals-document-testimonies")));
            out.push(Block::paragraph(ctx.t("signals-document-testimonies-hint")));
            out.push(Block::list(
                doc.testimonies.iter().map(|t| format!("“{t}”")).collect(),
            ));
        }
    }
    out.push(Block::heading(1, ctx.t("signals-analysis")));
    out.push(Block::paragraph(if d.analysis.trim().is_empty() {
        ctx.t("signals-analysis-none")
    } else {
        d.analysis.clone()
    }));
    out.push(Block::heading(1, ctx.t("signals-proposals")));
    out.push(Block::paragraph(or_dash(&d.proposals)));
    if d.reviewed_by.is_some() {
        out.push(Block::paragraph(ctx.t("signals-document-review")));
    }
    out.push(Block::heading(1, ctx.t("signals-cosigners")));
    if doc.cosigners.is_empty() {
        out.push(Block::paragraph(ctx.t("signals-no-cosigners")));
    } else {
        out.push(Block::list(
            doc.cosigners
                .iter()
                .map(|c| format!("{} ({})", c.org_name, ctx.code("org-kind", &c.org_kind)))
                .collect(),
        ));
    }
    out.push(Block::heading(1, ctx.t("signals-responses")));
    if doc.responses.is_empty() {
        out.push(Block::paragraph(ctx.t("signals-no-response-yet")));
    } else {
        out.push(Block::list(
            doc.responses
                .iter()
                .map(|r| format!("{}, {}: {}", r.responder, r.decided_on, r.decision))
                .collect(),
        ));
    }
    if doc.public {
        out.push(Block::paragraph(ctx.t("signals-document-public-note")));
    }
    out
}
