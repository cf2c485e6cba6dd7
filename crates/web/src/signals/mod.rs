//! The signals module (issue 5): register a signal in a minute (from the form, a refused
//! right or a help-request candidate) with the personal-data check before saving; bundling
//! suggestions across organisations; dossiers through their states with review, co-signers,
//! comments and validations, forwarding to the Flemish platform and policy responses; the
//! contributor's inbox; the public page; figures with small cells hidden, SVG charts and CSV.

pub mod document;
pub mod dossiers;
pub mod figures;
pub mod pages;

use crate::AppState;
use crate::ctx::Ctx;
use axum::Router;
use axum::routing::{get, post};
use std::collections::BTreeMap;
use sterk_domain::access::Resource;
use sterk_i18n::Lang;
use sterk_store::reference::PlatformRow;
use sterk_store::signals::SignalRow;

/// The routes of the module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signals", get(pages::overview))
        .route("/signals/new", get(pages::new_form).post(pages::create))
        .route("/signals/{id}", get(pages::show))
        .route("/signals/inbox", get(pages::inbox))
        .route("/signals/figures", get(figures::page))
        .route("/signals/figures.csv", get(figures::csv))
        .route("/dossiers", get(dossiers::list).post(dossiers::create))
        .route("/dossiers/{id}", get(dossiers::show))
        .route("/dossiers/{id}/signals", post(dossiers::add_signals))
        .route("/dossiers/{id}/status", post(dossiers::change_status))
        .route("/dossiers/{id}/analysis", post(dossiers::analysis))
        .route("/dossiers/{id}/review", post(dossiers::review))
        .route("/dossiers/{id}/cosign", post(dossiers::cosign))
        .route("/dossiers/{id}/comments", post(dossiers::comment))
        .route("/dossiers/{id}/forward", post(dossiers::forward))
        .route("/dossiers/{id}/responses", post(dossiers::response))
        .route("/dossiers/{id}/document", get(document::show))
        .route("/dossiers/{id}/document/pdf", get(document::show_pdf))
        .route("/signalen", get(dossiers::public))
        .route("/signalen/{id}", get(document::public_show))
        .route("/signalen/{id}/pdf", get(document::public_pdf))
}

/// The scope in which the signed-in person acts on signals: their organisation, or the
/// platform they chair or coordinate.
pub fn scope(ctx: &Ctx) -> Resource {
    match ctx.user.as_ref().map(|u| (u.actor.org, u.actor.platform)) {
        Some((Some(org), _)) => Resource::Org(org),
        Some((None, Some(p))) => Resource::Platform(p),
        _ => Resource::Installation,
    }
}

/// Names of codes in the user's language, for templates.
#[derive(Clone)]
pub struct Names {
    ctx: Ctx,
    rights: BTreeMap<String, String>,
    platforms: BTreeMap<i64, String>,
}

impl Names {
    /// Names for `ctx`'s language.
    pub fn new(state: &AppState, ctx: &Ctx, platforms: &[PlatformRow]) -> Names {
        let lang = ctx.lang;
        Names {
            ctx: ctx.clone(),
            rights: state
                .rights
                .model
                .rights
                .iter()
                .map(|r| (r.id.clone(), r.name.get(lang.code()).to_owned()))
                .collect(),
            platforms: platforms
                .iter()
                .map(|p| (p.id, p.name_in(lang.code()).to_owned()))
                .collect(),
        }
    }

    /// A right's or life domain's name.
    pub fn subject(&self, kind: &str, code: &str) -> String {
        if kind == "right" {
            self.rights
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.to_owned())
        } else {
            self.ctx.code("life-domain", code)
        }
    }
    /// A challenge's name.
    pub fn challenge(&self, code: &str) -> String {
        self.ctx.code("challenge", code)
    }
    /// A target group's name.
    pub fn group(&self, code: &str) -> String {
        self.ctx.code("target-group", code)
    }
    /// The names of a signal's target groups, joined.
    pub fn groups(&self, s: &SignalRow) -> String {
        s.groups()
            .iter()
            .map(|g| self.group(g))
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// The kinds of evidence of a signal, joined.
    pub fn evidence(&self, s: &SignalRow) -> String {
        s.evidence_kinds()
            .iter()
            .map(|g| self.ctx.code("evidence", g))
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// A region's (platform's) name.
    pub fn region(&self, id: impl std::borrow::Borrow<i64>) -> String {
        self.platforms.get(id.borrow()).cloned().unwrap_or_default()
    }
    /// A municipality's name in the user's language.
    pub fn municipality(&self, s: &SignalRow) -> String {
        if self.ctx.lang == Lang::Fr {
            s.municipality_fr.clone()
        } else {
            s.municipality_nl.clone()
        }
    }
    /// A dossier status's name.
    pub fn status(&self, code: &str) -> String {
        self.ctx.code("dossier-status", code)
    }
    /// The rights of the model, sorted by name (for the form).
    pub fn rights(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .rights
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v
    }
}
