//! Pages of the good-practice database: search (public), a practice (public once
//! published), the submit and edit form, the organisation's own practices, the review list
//! and decision, and the public page of the krachtlijnen.

use super::Names;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, Resource, Role};
use sterk_domain::practice::{
    self, PracticeInput, PracticeStatus, TARGET_GROUPS, parse_practice, parse_review, split_codes,
};
use sterk_domain::reference::KRACHTLIJNEN;
use sterk_search::{DIMENSIONS, Filters};
use sterk_store::StoreError;
use sterk_store::practices::{self as store, PracticeRow, ReviewRow};

/// Results per page of the search.
const PAGE_SIZE: usize = 20;

/// The query string of the search page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchQuery {
    /// Words.
    #[serde(default)]
    pub q: String,
    /// Krachtlijn filter.
    #[serde(default)]
    pub krachtlijn: String,
    /// Challenge filter.
    #[serde(default)]
    pub challenge: String,
    /// Region filter.
    #[serde(default)]
    pub region: String,
    /// Target group filter.
    #[serde(default)]
    pub target: String,
    /// Page number (from 1).
    #[serde(default)]
    pub page: String,
}

impl SearchQuery {
    fn value(&self, dimension: &str) -> &str {
        match dimension {
            "krachtlijn" => &self.krachtlijn,
            "challenge" => &self.challenge,
            "region" => &self.region,
            "target" => &self.target,
            _ => "",
        }
    }
    fn filters(&self) -> Filters {
        let some = |s: &str| {
            let s = s.trim();
            (!s.is_empty() && s.len() <= 60).then(|| s.to_owned())
        };
        Filters {
            krachtlijn: some(&self.krachtlijn),
            challenge: some(&self.challenge),
            region: some(&self.region),
            target: some(&self.target),
        }
    }
    /// The search URL with `dimension` set to `value` ("" removes it), back on page 1.
    fn href(&self, dimension: &str, value: &str) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        if !self.q.trim().is_empty() {
            parts.push(("q".into(), self.q.trim().to_owned()));
        }
        for d in DIMENSIONS {
            let v = if d == dimension { value } else { self.value(d) };
            if !v.trim().is_empty() {
                parts.push((d.to_owned(), v.trim().to_owned()));
            }
        }
        query_string(&parts)
    }
}

fn query_string(parts: &[(String, String)]) -> String {
    if parts.is_empty() {
        return "/practices".into();
    }
    let qs = parts
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("/practices?{qs}")
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One value of a facet, ready for the page.
pub struct FacetLink {
    /// Name shown.
    pub label: String,
    /// How many matches have it.
    pub count: u64,
    /// Link that sets (or, when chosen, removes) the filter.
    pub href: String,
    /// Whether this value is the chosen filter.
    pub chosen: bool,
}

/// One dimension of facets.
pub struct FacetGroup {
    /// Dimension code.
    pub dimension: &'static str,
    /// Heading.
    pub title: String,
    /// Values with counts.
    pub values: Vec<FacetLink>,
}

/// One practice in a list.
pub struct Card {
    /// The practice.
    pub p: PracticeRow,
    /// Its krachtlijnen's names.
    pub krachtlijnen: Vec<String>,
    /// Its region's name.
    pub region: String,
}

fn card(n: Names, p: PracticeRow) -> Card {
    Card {
        krachtlijnen: split_codes(&p.krachtlijnen)
            .iter()
            .map(|k| n.krachtlijn(k))
            .collect(),
        region: n.region(&p.platform_code),
        p,
    }
}

#[derive(Template)]
#[template(path = "practices/search.html")]
struct SearchPage {
    ctx: Ctx,
    q: String,
    total: usize,
    cards: Vec<Card>,
    facets: Vec<FacetGroup>,
    chosen: Vec<(String, String)>,
    hidden: Vec<(&'static str, String)>,
    prev: Option<String>,
    next: Option<String>,
    page: usize,
    pages: usize,
    can_submit: bool,
}

/// `GET /practices`: search the published practices (public).
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let n = Names { lang: ctx.lang };
    let page: usize = query.page.trim().parse().unwrap_or(1).clamp(1, 10_000);
    let q: String = query.q.chars().take(200).collect();
    let index = state.practices.ready(&state.db).await?;
    let result = index
        .search(&q, &query.filters(), (page - 1) * PAGE_SIZE, PAGE_SIZE)
        .map_err(|e| {
            tracing::error!(error.detail = %e, "practices: search failed");
            AppError::Internal("search")
        })?;
    let rows = store::published_by_ids(&state.db, &result.ids).await?;
    let cards = rows.into_iter().map(|p| card(n, p)).collect();
    let facets = DIMENSIONS
        .iter()
        .zip(result.facets.iter())
        .map(|(d, values)| FacetGroup {
            dimension: d,
            title: ctx.t(&format!("practices-facet-{d}")),
            values: values
                .iter()
                .map(|(code, count)| {
                    let chosen = query.value(d) == code;
                    FacetLink {
                        label: label(&ctx, n, d, code),
                        count: *count,
                        href: query.href(d, if chosen { "" } else { code }),
                        chosen,
                    }
                })
                .collect(),
        })
        .collect();
    let chosen = DIMENSIONS
        .iter()
        .filter(|d| !query.value(d).trim().is_empty())
        .map(|d| {
            (
                format!(
                    "{}: {}",
                    ctx.t(&format!("practices-facet-{d}")),
                    label(&ctx, n, d, query.value(d).trim())
                ),
                query.href(d, ""),
            )
        })
        .collect();
    let hidden = DIMENSIONS
        .iter()
        .filter(|d| !query.value(d).trim().is_empty())
        .map(|d| (*d, query.value(d).trim().to_owned()))
        .collect();
    let pages = result.total.div_ceil(PAGE_SIZE).max(1);
    let page_href = |p: usize| {
        let base = query.href("", "");
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}page={p}")
    };
    let prev = (page > 1).then(|| page_href(page - 1));
    let next = (page < pages).then(|| page_href(page + 1));
    let can_submit = ctx
        .user
        .as_ref()
        .and_then(|u| u.actor.org)
        .is_some_and(|o| ctx.can(Action::SubmitPractice, Resource::Org(o)));
    render(&SearchPage {
        q,
        total: result.total,
        cards,
        facets,
        chosen,
        hidden,
        prev,
        next,
        page,
        pages,
        can_submit,
        ctx,
    })
}

fn label(ctx: &Ctx, n: Names, dimension: &str, code: &str) -> String {
    if dimension == "target" {
        target_name(ctx, code)
    } else {
        n.of(dimension, code)
    }
}

fn target_name(ctx: &Ctx, code: &str) -> String {
    if TARGET_GROUPS.contains(&code) {
        ctx.t(&format!("practices-target-{code}"))
    } else {
        code.to_owned()
    }
}

#[derive(Template)]
#[template(path = "practices/show.html")]
struct ShowPage {
    ctx: Ctx,
    p: PracticeRow,
    n: Names,
    krachtlijnen: Vec<String>,
    challenges: Vec<String>,
    targets: Vec<String>,
    similar: Vec<Card>,
    history: Vec<ReviewRow>,
    /// The organisation may change it.
    can_edit: bool,
    /// The signed-in user may decide on it now.
    can_review: bool,
    f: Fields,
    errs: FieldErrors,
    /// Linked initiatives of the action plan (public).
    initiatives: Vec<store::Linked>,
    /// Linked signal dossiers the reader may see (all for those who read dossiers, the
    /// public (reported) ones for others).
    dossiers: Vec<store::Linked>,
    /// The reader may open dossiers.
    dossier_reader: bool,
    /// The reader may add and remove links (the organisation and its reviewers).
    can_link: bool,
    /// Initiatives to link: id, code.
    initiative_choices: Vec<(i64, String)>,
    /// Dossiers to link: id, title.
    dossier_choices: Vec<(i64, String)>,
    /// Meetings that discussed the practice and that the reader may open: id, date, title.
    meetings: Vec<(i64, String, String)>,
}

/// Whether the signed-in person may link practice `p` to initiatives and dossiers: the
/// organisation that shares it and the reviewers of its region.
fn may_link(ctx: &Ctx, p: &PracticeRow) -> bool {
    ctx.can(Action::SubmitPractice, Resource::Org(p.org_id))
        || ctx.can(Action::ReviewPractice, Resource::Platform(p.platform_id))
}

/// Whether the signed-in person reads signal dossiers.
fn dossier_reader(ctx: &Ctx) -> bool {
    ctx.can(Action::ViewDossiers, crate::signals::scope(ctx))
}

/// Statuses of a dossier that make it public (`/signalen`).
const PUBLIC_DOSSIER: [&str; 4] = ["gerapporteerd", "beslist", "actie", "teruggekoppeld"];

impl ShowPage {
    fn status_label(&self) -> String {
        self.ctx.code("practices-status", &self.p.status)
    }
}

async fn show_page(
    state: &AppState,
    ctx: Ctx,
    p: PracticeRow,
    f: Fields,
    errs: FieldErrors,
) -> Result<ShowPage, AppError> {
    let n = Names { lang: ctx.lang };
    let published = p.status() == Some(PracticeStatus::Published);
    let can_edit = ctx.can(Action::SubmitPractice, Resource::Org(p.org_id));
    let reviewer = ctx.can(Action::ReviewPractice, Resource::Platform(p.platform_id));
    if !published && !can_edit && !reviewer {
        // Unpublished practices are for their organisation and their reviewers only.
        return Err(AppError::NotFound);
    }
    let can_review = reviewer && p.status().is_some_and(PracticeStatus::can_review);
    let similar = if published {
        let ids = state
            .practices
            .ready(&state.db)
            .await?
            .similar(p.id, 3)
            .unwrap_or_default();
        store::published_by_ids(&state.db, &ids)
            .await?
            .into_iter()
            .map(|s| card(n, s))
            .collect()
    } else {
        Vec::new()
    };
    let history = if can_edit || reviewer {
        store::reviews(&state.db, p.id).await?
    } else {
        Vec::new()
    };
    let initiatives = store::linked_initiatives(&state.db, p.id).await?;
    let reader = dossier_reader(&ctx);
    let dossiers = store::linked_dossiers(&state.db, p.id)
        .await?
        .into_iter()
        .filter(|d| reader || PUBLIC_DOSSIER.contains(&d.code.as_str()))
        .collect();
    let can_link = may_link(&ctx, &p);
    let (initiative_choices, dossier_choices) = if can_link {
        let plan = sterk_store::platform::plan(&state.db).await?;
        let inits = plan
            .themes
            .into_iter()
            .flat_map(|t| t.actions)
            .flat_map(|a| a.initiatives)
            .map(|i| (i.id, i.code))
            .collect();
        let ds = if reader {
            sterk_store::signals::dossiers(&state.db, sterk_store::signals::DossierFilter::All)
                .await?
                .into_iter()
                .map(|d| (d.id, d.title))
                .collect()
        } else {
            Vec::new()
        };
        (inits, ds)
    } else {
        (Vec::new(), Vec::new())
    };
    let bodies = sterk_store::platform::bodies(&state.db).await?;
    let meetings = sterk_store::platform::meetings_discussing(
        &state.db,
        sterk_store::platform::LinkKind::Practice,
        p.id,
    )
    .await?
    .into_iter()
    .filter(|(_, body, _, _)| {
        bodies
            .iter()
            .find(|b| b.id == *body)
            .is_some_and(|b| crate::platform::bodies::can_view(&ctx, b.platform_id))
    })
    .map(|(m, _, on, title)| (m, on, title))
    .collect();
    Ok(ShowPage {
        meetings,
        initiatives,
        dossiers,
        dossier_reader: reader,
        can_link,
        initiative_choices,
        dossier_choices,
        krachtlijnen: split_codes(&p.krachtlijnen)
            .iter()
            .map(|k| n.krachtlijn(k))
            .collect(),
        challenges: split_codes(&p.challenges)
            .iter()
            .map(|c| n.challenge(c))
            .collect(),
        targets: split_codes(&p.target_groups)
            .iter()
            .map(|t| target_name(&ctx, t))
            .collect(),
        similar,
        history,
        can_edit,
        can_review,
        n,
        p,
        f,
        errs,
        ctx,
    })
}

/// `GET /practices/{id}`: a practice (public when published).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = store::get(&state.db, id).await?;
    render(&show_page(&state, ctx, p, Fields::default(), FieldErrors::new()).await?)
}

#[derive(Template)]
#[template(path = "practices/form.html")]
struct FormPage {
    ctx: Ctx,
    title: String,
    action: String,
    f: Fields,
    errs: FieldErrors,
    n: Names,
    comment: String,
}

impl FormPage {
    fn checked(&self, name: &str, value: &str) -> bool {
        self.f.has(name, value)
    }
    fn krachtlijnen(&self) -> Vec<(&'static str, String)> {
        KRACHTLIJNEN
            .iter()
            .map(|k| (*k, self.n.krachtlijn(k)))
            .collect()
    }
    fn challenges(&self) -> Vec<(&'static str, String)> {
        practice::challenges()
            .map(|c| (c, self.n.challenge(c)))
            .collect()
    }
    fn targets(&self) -> Vec<(&'static str, String)> {
        TARGET_GROUPS
            .iter()
            .map(|t| (*t, self.ctx.t(&format!("practices-target-{t}"))))
            .collect()
    }
}

fn fields_of(p: &PracticeInput) -> Fields {
    let mut v = vec![
        ("title".to_owned(), p.title.clone()),
        ("language".to_owned(), p.language.clone()),
        ("summary".to_owned(), p.summary.clone()),
        ("description".to_owned(), p.description.clone()),
        ("ingredients".to_owned(), p.ingredients.clone()),
        ("conditions".to_owned(), p.conditions.clone()),
        ("contact_name".to_owned(), p.contact_name.clone()),
        ("contact_email".to_owned(), p.contact_email.clone()),
    ];
    for (name, list) in [
        ("krachtlijnen", &p.krachtlijnen),
        ("challenges", &p.challenges),
        ("target_groups", &p.target_groups),
    ] {
        v.extend(list.iter().map(|c| (name.to_owned(), c.clone())));
    }
    Fields(v)
}

fn parse(f: &Fields) -> Result<PracticeInput, FieldErrors> {
    parse_practice(|k| f.get(k), |k| f.all(k))
}

/// `GET /practices/new`: the submit form.
pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    ctx.authorize_own(Action::SubmitPractice)?;
    let n = Names { lang: ctx.lang };
    render(&FormPage {
        title: ctx.t("practices-new-title"),
        action: "/practices/new".into(),
        f: Fields(vec![("language".into(), ctx.lang.code().to_owned())]),
        errs: FieldErrors::new(),
        n,
        comment: String::new(),
        ctx,
    })
}

/// `POST /practices/new`: submits a practice for review; on errors the form comes back
/// with everything typed and each problem named.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::SubmitPractice)?;
    match parse(&f) {
        Ok(input) => {
            let id = store::submit(&state.db, &user.actor, &input).await?;
            ctx.flash("practices-submitted").await;
            Ok(Redirect::to(&format!("/practices/{id}")).into_response())
        }
        Err(errs) => {
            let n = Names { lang: ctx.lang };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    title: ctx.t("practices-new-title"),
                    action: "/practices/new".into(),
                    f,
                    errs,
                    n,
                    comment: String::new(),
                    ctx,
                },
            )
        }
    }
}

async fn own_practice(state: &AppState, ctx: &Ctx, id: i64) -> Result<PracticeRow, AppError> {
    let p = store::get(&state.db, id).await?;
    ctx.authorize(Action::SubmitPractice, Resource::Org(p.org_id))?;
    Ok(p)
}

/// `GET /practices/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = own_practice(&state, &ctx, id).await?;
    let n = Names { lang: ctx.lang };
    render(&FormPage {
        title: ctx.t("practices-edit-title"),
        action: format!("/practices/{id}/edit"),
        f: fields_of(&p.input()),
        errs: FieldErrors::new(),
        n,
        comment: p.review_comment.clone(),
        ctx,
    })
}

/// `POST /practices/{id}/edit`: changes a practice; it goes back to review.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let p = own_practice(&state, &ctx, id).await?;
    let user = ctx.require_user()?.clone();
    match parse(&f) {
        Ok(input) => {
            store::update(&state.db, &user.actor, id, &input).await?;
            state.practices.sync(&state.db, id).await?;
            ctx.flash("practices-resubmitted").await;
            Ok(Redirect::to(&format!("/practices/{id}")).into_response())
        }
        Err(errs) => {
            let n = Names { lang: ctx.lang };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    title: ctx.t("practices-edit-title"),
                    action: format!("/practices/{id}/edit"),
                    f,
                    errs,
                    n,
                    comment: p.review_comment,
                    ctx,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "practices/list.html")]
struct ListPage {
    ctx: Ctx,
    title: String,
    intro: String,
    rows: Vec<Card>,
    show_org: bool,
}

impl ListPage {
    fn status_label(&self, code: &str) -> String {
        self.ctx.code("practices-status", code)
    }
}

/// `GET /practices/mine`: the organisation's practices and where each stands.
pub async fn mine(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (org, _) = ctx.authorize_own(Action::SubmitPractice)?;
    let n = Names { lang: ctx.lang };
    let rows = store::for_org(&state.db, org)
        .await?
        .into_iter()
        .map(|p| card(n, p))
        .collect();
    render(&ListPage {
        title: ctx.t("practices-mine-title"),
        intro: ctx.t("practices-mine-intro"),
        rows,
        show_org: false,
        ctx,
    })
}

/// `GET /practices/review`: practices waiting for the chair's review (all regions for the
/// platform coordinator).
pub async fn review_list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let platform = user
        .actor
        .platform
        .ok_or(AppError::Forbidden("error-forbidden"))?;
    let user = ctx.authorize(Action::ReviewPractice, Resource::Platform(platform))?;
    let scope = if user.actor.role == Role::PlatformCoordinator {
        None
    } else {
        Some(platform)
    };
    let n = Names { lang: ctx.lang };
    let rows = store::to_review(&state.db, scope)
        .await?
        .into_iter()
        .map(|p| card(n, p))
        .collect();
    render(&ListPage {
        title: ctx.t("practices-review-title"),
        intro: ctx.t("practices-review-intro"),
        rows,
        show_org: true,
        ctx,
    })
}

/// `POST /practices/{id}/review`: publish, or send back with a comment.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let p = store::get(&state.db, id).await?;
    let user = ctx
        .authorize(Action::ReviewPractice, Resource::Platform(p.platform_id))?
        .clone();
    let decision = match parse_review(f.get("decision"), f.get("comment")) {
        Ok(d) => d,
        Err(errs) => {
            let page = show_page(&state, ctx, p, f, errs).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    match store::review(&state.db, &user.actor, id, &decision).await {
        Ok(()) => {}
        Err(StoreError::Refused(_)) => {
            ctx.flash("practices-already-reviewed").await;
            return Ok(Redirect::to(&format!("/practices/{id}")).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    state.practices.sync(&state.db, id).await?;
    ctx.flash(match decision {
        practice::Review::Publish => "practices-published",
        practice::Review::SendBack(_) => "practices-sent-back",
    })
    .await;
    Ok(Redirect::to("/practices/review").into_response())
}

/// One krachtlijn on the public page.
pub struct Krachtlijn {
    /// Code.
    pub code: &'static str,
    /// Name.
    pub name: String,
    /// Published practices that carry it.
    pub count: u64,
}

#[derive(Template)]
#[template(path = "practices/krachtlijnen.html")]
struct KrachtlijnenPage {
    ctx: Ctx,
    lines: Vec<Krachtlijn>,
}

/// `GET /krachtlijnen`: the five krachtlijnen explained (public).
pub async fn krachtlijnen(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let n = Names { lang: ctx.lang };
    let counts = state
        .practices
        .ready(&state.db)
        .await?
        .search("", &Filters::default(), 0, 1)
        .map(|r| r.facets[0].clone())
        .unwrap_or_default();
    let lines = KRACHTLIJNEN
        .iter()
        .map(|k| Krachtlijn {
            code: k,
            name: n.krachtlijn(k),
            count: counts
                .iter()
                .find(|(c, _)| c == k)
                .map(|(_, n)| *n)
                .unwrap_or(0),
        })
        .collect();
    render(&KrachtlijnenPage { ctx, lines })
}

/// `POST /practices/{id}/links`: links the practice to an initiative (`kind=initiative`) or
/// a signal dossier (`kind=signal_dossier`), or removes that link (`remove=1`). For the
/// organisation and the reviewers of its region; a dossier only for those who read dossiers.
pub async fn link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let p = store::get(&state.db, id).await?;
    if !may_link(&ctx, &p) {
        // An unpublished practice of someone else is not found, as on its page.
        return Err(if p.status() == Some(PracticeStatus::Published) {
            AppError::Forbidden("error-forbidden")
        } else {
            AppError::NotFound
        });
    }
    let kind = store::LinkKind::parse(f.get("kind"));
    if kind == Some(store::LinkKind::SignalDossier) && !dossier_reader(&ctx) {
        return Err(AppError::Forbidden("error-forbidden"));
    }
    let field = match kind {
        Some(store::LinkKind::SignalDossier) => "dossier",
        _ => "initiative",
    };
    let mut errs = FieldErrors::new();
    match (kind, f.get("target").trim().parse::<i64>()) {
        (None, _) | (_, Err(_)) => errs.push(field, "choice_invalid"),
        (Some(kind), Ok(target)) if f.get("remove") == "1" => {
            store::remove_link(&state.db, &user.actor, id, kind, target).await?;
            ctx.flash("flash-saved").await;
            return Ok(Redirect::to(&format!("/practices/{id}#links")).into_response());
        }
        (Some(kind), Ok(target)) => {
            match store::add_link(&state.db, &user.actor, id, kind, target).await {
                Ok(()) => {
                    ctx.flash("flash-saved").await;
                    return Ok(Redirect::to(&format!("/practices/{id}#links")).into_response());
                }
                Err(StoreError::Refused(code)) => errs.push(field, code),
                Err(e) => return Err(e.into()),
            }
        }
    }
    let page = show_page(&state, ctx, p, Fields::default(), errs).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
