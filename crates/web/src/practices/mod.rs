//! The good-practice database (*praktijkendatabank*, issue 7 point 5) and the public page
//! of the five krachtlijnen (point 9).
//!
//! Organisations submit practices (`/practices/new`), the chair of the regional platform
//! reviews them (`/practices/review`), and published practices are public: the search page
//! `/practices` (full text in Dutch and French with stemming, facets with counts; a plain
//! GET form, so it works without JavaScript) and the practice page with similar practices.
//!
//! The search index ([`Search`]) lives in memory: it is filled from the database on first
//! use (and warmed when the application starts), and every publish, change or new review
//! brings the practice's entry in line with the database right after the transaction.

pub mod pages;

use crate::AppState;
use crate::error::AppError;
use axum::Router;
use axum::routing::{get, post};
use sterk_domain::practice::split_codes;
use sterk_i18n::Lang;
use sterk_search::{PracticeDoc, PracticeIndex};
use sterk_store::Db;
use sterk_store::practices::{self, PracticeRow};
use sterk_store::reference::{KRACHTLIJNEN, PLATFORMS, THEMES};

/// The search index of published practices and whether it was filled from the database.
pub struct Search {
    index: PracticeIndex,
    loaded: tokio::sync::OnceCell<()>,
}

impl Search {
    /// An empty, not yet loaded index.
    pub fn new() -> Result<Search, String> {
        Ok(Search {
            index: PracticeIndex::new().map_err(|e| e.to_string())?,
            loaded: tokio::sync::OnceCell::new(),
        })
    }

    /// The index, filled from the database's published practices on first use.
    pub async fn ready(&self, db: &Db) -> Result<&PracticeIndex, AppError> {
        self.loaded
            .get_or_try_init(|| async {
                let rows = practices::published(db).await?;
                let docs: Vec<PracticeDoc> = rows.iter().map(doc).collect();
                self.index.replace_all(&docs).map_err(|e| {
                    tracing::error!(error.detail = %e, "practices: search index could not be built");
                    AppError::Internal("search_index")
                })?;
                tracing::info!(
                    practices = docs.len(),
                    segments = self.index.segments(),
                    "practices: search index built"
                );
                Ok::<(), AppError>(())
            })
            .await?;
        Ok(&self.index)
    }

    /// Brings practice `id`'s entry in line with the database: indexed when published,
    /// absent otherwise.
    pub async fn sync(&self, db: &Db, id: i64) -> Result<(), AppError> {
        let index = self.ready(db).await?;
        let row = practices::get(db, id).await?;
        let result = if row.status == "published" {
            index.upsert(&doc(&row))
        } else {
            index.remove(id)
        };
        result.map_err(|e| {
            tracing::error!(error.detail = %e, "practices: search index could not be updated");
            AppError::Internal("search_index")
        })
    }
}

/// Fills the search index in the background when the application starts, so the first
/// visitor of the search page does not wait for it.
pub fn start_background(state: &AppState) {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let state = state.clone();
    handle.spawn(async move {
        if let Err(e) = state.practices.ready(&state.db).await {
            tracing::warn!(error.detail = %e, "practices: search index not warmed");
        }
    });
}

/// What the index needs of a practice.
pub fn doc(p: &PracticeRow) -> PracticeDoc {
    PracticeDoc {
        id: p.id,
        language: p.language.clone(),
        title: p.title.clone(),
        body: [
            p.summary.as_str(),
            &p.description,
            &p.ingredients,
            &p.conditions,
            &p.org_name,
        ]
        .join("\n"),
        krachtlijnen: split_codes(&p.krachtlijnen),
        challenges: split_codes(&p.challenges),
        region: p.platform_code.clone(),
        target_groups: split_codes(&p.target_groups),
    }
}

/// Names of the codes a practice carries, in the page's language.
#[derive(Clone, Copy)]
pub struct Names {
    /// The language.
    pub lang: Lang,
}

impl Names {
    fn pick<'a>(&self, nl: &'a str, fr: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Nl => nl,
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
    /// A krachtlijn's name.
    pub fn krachtlijn(&self, code: &str) -> String {
        KRACHTLIJNEN
            .iter()
            .find(|k| k.0 == code)
            .map(|k| self.pick(k.1, k.2, k.3).to_owned())
            .unwrap_or_else(|| code.to_owned())
    }
    /// A challenge's (theme's) name.
    pub fn challenge(&self, code: &str) -> String {
        THEMES
            .iter()
            .find(|t| t.0 == code)
            .map(|t| self.pick(t.4, t.5, t.6).to_owned())
            .unwrap_or_else(|| code.to_owned())
    }
    /// A region's (regional platform's) name.
    pub fn region(&self, code: &str) -> String {
        PLATFORMS
            .iter()
            .find(|p| p.1 == code)
            .map(|p| self.pick(p.3, p.4, p.5).to_owned())
            .unwrap_or_else(|| code.to_owned())
    }
    /// The name of a value of a facet dimension (`krachtlijn`, `challenge`, `region`;
    /// target groups are translated by the page).
    pub fn of(&self, dimension: &str, code: &str) -> String {
        match dimension {
            "krachtlijn" => self.krachtlijn(code),
            "challenge" => self.challenge(code),
            "region" => self.region(code),
            _ => code.to_owned(),
        }
    }
}

/// The routes of the practices module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/practices", get(pages::search))
        .route("/practices/new", get(pages::new_form).post(pages::create))
        .route("/practices/mine", get(pages::mine))
        .route("/practices/review", get(pages::review_list))
        .route("/practices/{id}", get(pages::show))
        .route(
            "/practices/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/practices/{id}/review", post(pages::review))
        .route("/practices/{id}/links", post(pages::link))
        .route("/krachtlijnen", get(pages::krachtlijnen))
}
