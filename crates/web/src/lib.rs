//! # sterk-web: the web interface and the JSON API
//!
//! [`app`] builds the axum router for an [`AppState`]. Pages are rendered on the server
//! with askama templates (`templates/`) and work without JavaScript; htmx, served from
//! `/static`, only enhances them. The JSON API lives under `/api/v1` ([`api`]), with its
//! OpenAPI document at `/api/v1/openapi.json`.
//!
//! Cross-cutting layers, outermost first: metrics and request tracing, security headers
//! ([`security`]), sessions stored in the database ([`session_store`]), CSRF checks on every
//! state-changing request ([`csrf`]). Every page handler takes a [`ctx::Ctx`]: the
//! language, the signed-in account and the CSRF token. Every decision whether someone may do
//! something goes through `sterk_domain::access::authorize` (see [`ctx::Ctx::authorize`]).
//!
//! Errors: handlers return [`error::AppError`], converted in one place into a translated
//! page (or JSON under `/api`). Messages of people are never logged.
#![warn(missing_docs)]

pub mod api;
pub mod charts;
pub mod csrf;
pub mod ctx;
pub mod diversity;
pub mod error;
pub mod events;
pub mod flash;
pub mod forms;
pub mod pages;
pub mod platform;
pub mod practices;
pub mod rights;
pub mod screening;
pub mod security;
pub mod session_store;
pub mod signals;
pub mod solidarity;

use axum::Router;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;
use sterk_i18n::I18n;
use sterk_store::Db;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (browsers treat http://127.0.0.1 and localhost as secure
    /// contexts, so this stays on even for local use).
    pub secure_cookies: bool,
    /// Session lifetime without activity, in minutes.
    pub session_minutes: i64,
    /// Behind a reverse proxy: take the client's address from the last `X-Forwarded-For`
    /// entry (added by the proxy), so login rate limits count per person, not per proxy.
    pub trust_forwarded_for: bool,
    /// The folder for uploads of screenings; `None`: `STERK_DATA_DIR`, else `./data`.
    pub data_dir: Option<std::path::PathBuf>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: true,
            session_minutes: 8 * 60,
            trust_forwarded_for: false,
            data_dir: None,
        }
    }
}

/// Everything a handler needs; cheap to clone (one reference count: axum clones the state
/// for every extractor and middleware of every request, and a clone of each part was 5 % of
/// a registration's CPU).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of the [`AppState`].
pub struct Shared {
    /// The database.
    pub db: Db,
    /// Translations.
    pub i18n: Arc<I18n>,
    /// Settings.
    pub config: Arc<WebConfig>,
    /// The Prometheus recorder's handle, when metrics are on.
    pub metrics: Option<PrometheusHandle>,
    /// The rules engine with the built-in Belgian and Flemish model.
    pub rights: Arc<rights::RightsEngine>,
    /// Screening jobs and their data folder (`data_dir` of the configuration).
    pub screening: Arc<screening::Jobs>,
    /// The search index of the good-practice database (in memory, filled from the database).
    pub practices: Arc<practices::Search>,
    /// The session store (sessions in the database; it hands each request the account its
    /// session load read).
    pub sessions: session_store::DbSessionStore,
    /// The built figures of all organisations' signals, per language and region.
    pub figures_memo: Arc<signals::figures::FiguresMemo>,
}

impl AppState {
    /// A state for `db`. Fails when the built-in rule files do not load (the test suite and
    /// `sterk rules check` make sure they do).
    pub fn new(
        db: Db,
        config: WebConfig,
        metrics: Option<PrometheusHandle>,
    ) -> Result<AppState, String> {
        let (i18n, problems) = I18n::load();
        for p in problems {
            tracing::error!(i18n.lang = p.lang, i18n.problem = %p.message, "translation file has a problem");
        }
        let engine = rights::RightsEngine::builtin()
            .map_err(|p| format!("the built-in rule files do not load:\n{p}"))?;
        let jobs = match &config.data_dir {
            Some(dir) => screening::Jobs::new(dir.clone()),
            None => screening::Jobs::from_env(),
        };
        Ok(AppState(Arc::new(Shared {
            sessions: session_store::DbSessionStore::new(db.clone()),
            figures_memo: Default::default(),
            db,
            i18n: Arc::new(i18n),
            config: Arc::new(config),
            metrics,
            rights: Arc::new(engine),
            screening: Arc::new(jobs),
            practices: Arc::new(practices::Search::new()?),
        })))
    }
}

/// Installs the global Prometheus recorder (once per process) and returns its handle.
pub fn install_metrics() -> Option<PrometheusHandle> {
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .ok()
}

/// The application: pages, API, static files and all layers. Also starts, once per state,
/// the runner of screening jobs, which (re)starts queued and interrupted screenings
/// ([`screening::start_background`]), and the building of the practice search index and of
/// the open signals' index for bundling suggestions.
pub fn app(state: AppState) -> Router {
    screening::start_background(&state);
    practices::start_background(&state);
    sterk_store::signals::warm_suggestions(&state.db);
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name("sterk_session")
        .with_secure(state.config.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            state.config.session_minutes,
        )));
    Router::new()
        .merge(pages::routes())
        .merge(platform::routes())
        .merge(diversity::routes())
        .merge(solidarity::routes())
        .merge(practices::routes())
        .merge(events::routes())
        .merge(signals::routes())
        .nest("/api/v1", api::routes())
        .route("/healthz", get(pages::ops::healthz))
        .route("/metrics", get(pages::ops::metrics))
        .route("/static/{file}", get(security::static_file))
        .fallback(pages::ops::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::render,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            flash::carry,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(security::observe))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(state)
}
