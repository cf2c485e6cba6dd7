//! Pages of proactive screening: the list with the upload form, a job's progress, errors and
//! results, and deleting a screening.

use super::{FileProblem, check_files, households_path, new_key, remove_upload, sniff};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use sterk_batch::Format;
use sterk_domain::access::{Action, Resource};
use sterk_domain::values::Money;
use sterk_store::StoreError;
use sterk_store::screening::{self as store, ErrorRow, JobRow, NewJob, Priority, ResultRow};

/// Names of the rights in the user's language, by id.
pub fn right_names(state: &AppState, lang: sterk_i18n::Lang) -> BTreeMap<String, String> {
    state
        .rights
        .model
        .rights
        .iter()
        .map(|r| (r.id.clone(), r.name.get(lang.code()).to_owned()))
        .collect()
}

/// Formatting helpers for the screening and call-round templates.
pub struct Show {
    /// Names of the rights.
    pub names: BTreeMap<String, String>,
}

impl Show {
    /// The names of `;`-separated right ids.
    pub fn rights(&self, ids: &str) -> String {
        ids.split(';')
            .filter(|s| !s.is_empty())
            .map(|id| self.names.get(id).cloned().unwrap_or_else(|| id.to_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// One right's name.
    pub fn right(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }
    /// An amount in euro.
    pub fn money(&self, cents: impl std::borrow::Borrow<i64>) -> String {
        Money(*cents.borrow()).to_string()
    }
}

/// A file uploaded for a screening, checked and kept in its folder.
#[derive(Debug)]
pub struct Uploaded {
    /// The folder's key.
    pub key: String,
    /// Format of the households file.
    pub format: Format,
    /// Whether a persons file came with it.
    pub has_persons: bool,
    /// The households file's name (for the list).
    pub label: String,
}

fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    base.chars().filter(|c| !c.is_control()).take(100).collect()
}

/// Receives the multipart fields `households` (required) and `persons` (optional) into a new
/// upload folder and checks them; on any problem the folder is removed and nothing stays.
pub async fn receive(state: &AppState, mut mp: Multipart) -> Result<Uploaded, FileProblem> {
    use tokio::io::AsyncWriteExt;
    let key = new_key();
    let dir = state.screening.upload_dir(&key);
    let fail = |p: FileProblem| {
        remove_upload(state, &key);
        p
    };
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|_| FileProblem::new("households", "screening_file_unreadable"))?;
    let mut names: BTreeMap<&'static str, String> = BTreeMap::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Err(fail(FileProblem::new(
                    "households",
                    "screening_upload_broken",
                )));
            }
        };
        let which: &'static str = match field.name() {
            Some("households") => "households",
            Some("persons") => "persons",
            _ => continue,
        };
        let file_name = field.file_name().unwrap_or("").to_owned();
        let path = dir.join(format!("{which}.upload"));
        let mut out = tokio::fs::File::create(&path)
            .await
            .map_err(|_| fail(FileProblem::new(which, "screening_file_unreadable")))?;
        let mut field = field;
        let mut size = 0usize;
        loop {
            match field.chunk().await {
                Ok(Some(bytes)) => {
                    size += bytes.len();
                    out.write_all(&bytes)
                        .await
                        .map_err(|_| fail(FileProblem::new(which, "screening_file_unreadable")))?;
                }
                Ok(None) => break,
                Err(_) => return Err(fail(FileProblem::new(which, "screening_upload_broken"))),
            }
        }
        out.flush()
            .await
            .map_err(|_| fail(FileProblem::new(which, "screening_file_unreadable")))?;
        if size == 0 && file_name.is_empty() {
            // A file input left empty.
            let _ = tokio::fs::remove_file(&path).await;
            continue;
        }
        names.insert(which, file_name);
    }
    let Some(hh_name) = names.get("households").cloned() else {
        return Err(fail(FileProblem::new(
            "households",
            "screening_file_missing",
        )));
    };
    let model_state = state.clone();
    let dir2 = dir.clone();
    let persons_name = names.get("persons").cloned();
    let checked = tokio::task::spawn_blocking(move || -> Result<(Format, bool), FileProblem> {
        let hh_up = dir2.join("households.upload");
        let format = sniff("households", &hh_up, &hh_name)?;
        let hh = households_path(
            &dir2,
            if format == Format::Parquet {
                "parquet"
            } else {
                "csv"
            },
        );
        std::fs::rename(&hh_up, &hh)
            .map_err(|_| FileProblem::new("households", "screening_file_unreadable"))?;
        let persons = match &persons_name {
            Some(name) => {
                let up = dir2.join("persons.upload");
                let pf = sniff("persons", &up, name)?;
                let p = dir2.join(if pf == Format::Parquet {
                    "persons.parquet"
                } else {
                    "persons.csv"
                });
                std::fs::rename(&up, &p)
                    .map_err(|_| FileProblem::new("persons", "screening_file_unreadable"))?;
                Some(p)
            }
            None => None,
        };
        check_files(&model_state.rights.model, &hh, persons.as_deref())?;
        Ok((format, persons.is_some()))
    })
    .await
    .map_err(|_| FileProblem::new("households", "screening_file_unreadable"));
    match checked {
        Ok(Ok((format, has_persons))) => Ok(Uploaded {
            key,
            format,
            has_persons,
            label: clean_name(names.get("households").map_or("", String::as_str)),
        }),
        Ok(Err(p)) | Err(p) => Err(fail(p)),
    }
}

impl FileProblem {
    /// The message for people, in `lang`.
    pub fn message(&self, state: &AppState, lang: sterk_i18n::Lang) -> String {
        let text = state
            .i18n
            .t(lang, &format!("error-{}", self.code.replace('_', "-")));
        match &self.detail {
            Some(d) => format!("{text} ({d})"),
            None => text,
        }
    }
}

/// Creates the job of a checked upload and starts it.
pub async fn create_from_upload(
    state: &AppState,
    actor: &sterk_domain::access::Actor,
    up: &Uploaded,
) -> Result<i64, AppError> {
    let job = NewJob {
        source: "file",
        upload_key: &up.key,
        households_format: if up.format == Format::Parquet {
            "parquet"
        } else {
            "csv"
        },
        has_persons: up.has_persons,
        label: &up.label,
        reference_date: crate::ctx::today(),
        rules_version: &state.rights.version,
    };
    let id = match store::create_job(&state.db, actor, &job).await {
        Ok(id) => id,
        Err(e) => {
            remove_upload(state, &up.key);
            return Err(e.into());
        }
    };
    super::start(state, id).await?;
    Ok(id)
}

/// Writes the organisation's clients as a population and starts a job on it. `None` when
/// the organisation has no clients.
pub async fn create_from_clients(
    state: &AppState,
    actor: &sterk_domain::access::Actor,
) -> Result<Option<i64>, AppError> {
    let rows = store::client_population(&state.db, actor, false).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let key = new_key();
    let dir = state.screening.upload_dir(&key);
    let today = crate::ctx::today();
    let st = state.clone();
    let path = households_path(&dir, "csv");
    let written = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        super::write_population(&st.rights.model, &rows, today, &path)
    })
    .await;
    if !matches!(written, Ok(Ok(()))) {
        remove_upload(state, &key);
        return Err(AppError::Internal("population file"));
    }
    let job = NewJob {
        source: "clients",
        upload_key: &key,
        households_format: "csv",
        has_persons: false,
        label: "",
        reference_date: today,
        rules_version: &state.rights.version,
    };
    let id = match store::create_job(&state.db, actor, &job).await {
        Ok(id) => id,
        Err(e) => {
            remove_upload(state, &key);
            return Err(e.into());
        }
    };
    super::start(state, id).await?;
    Ok(Some(id))
}

#[derive(Template)]
#[template(path = "screening/list.html")]
struct ListPage {
    ctx: Ctx,
    jobs: Vec<JobRow>,
    problem: Option<(String, String)>,
    can_create: bool,
}

async fn list_page(
    state: &AppState,
    ctx: Ctx,
    problem: Option<&FileProblem>,
) -> Result<ListPage, AppError> {
    let (org, user) = ctx.authorize_own(Action::ListClients)?;
    let jobs = store::list_jobs(&state.db, &user.actor).await?;
    Ok(ListPage {
        can_create: ctx.can(Action::CreateClient, Resource::Org(org)),
        problem: problem.map(|p| (p.field.to_owned(), p.message(state, ctx.lang))),
        ctx,
        jobs,
    })
}

/// `GET /screenings`: the organisation's screenings and the forms to start one.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(&list_page(&state, ctx, None).await?)
}

/// `POST /screenings/upload?_csrf=…` (multipart): checks the files and starts a screening;
/// a file of the wrong kind is refused with a message naming the problem, and nothing is
/// stored.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::CreateClient)?;
    let received = match mp {
        Ok(mp) => receive(&state, mp).await,
        Err(_) => Err(FileProblem::new("households", "screening_upload_broken")),
    };
    match received {
        Ok(up) => {
            let id = create_from_upload(&state, &user.actor, &up).await?;
            ctx.flash("flash-screening-started").await;
            Ok(Redirect::to(&format!("/screenings/{id}")).into_response())
        }
        Err(p) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list_page(&state, ctx, Some(&p)).await?,
        ),
    }
}

/// `POST /screenings/clients`: screens the organisation's own clients.
pub async fn from_clients(
    State(state): State<AppState>,
    ctx: Ctx,
    _f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::CreateClient)?;
    match create_from_clients(&state, &user.actor).await? {
        Some(id) => {
            ctx.flash("flash-screening-started").await;
            Ok(Redirect::to(&format!("/screenings/{id}")).into_response())
        }
        None => {
            let p = FileProblem::new("source", "screening_no_clients");
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &list_page(&state, ctx, Some(&p)).await?,
            )
        }
    }
}

#[derive(Template)]
#[template(path = "screening/job.html")]
struct JobPage {
    ctx: Ctx,
    show: Show,
    job: JobRow,
    errors: Vec<ErrorRow>,
    top: Vec<ResultRow>,
    can_create: bool,
}

/// `GET /screenings/{id}`: progress (the page refreshes itself while the job runs), counts,
/// the rows with errors and the first results.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (org, user) = ctx.authorize_own(Action::ListClients)?;
    let job = store::get_job(&state.db, &user.actor, id).await?;
    let errors = store::job_errors(&state.db, &user.actor, id, 200).await?;
    let top = if job.status == "done" {
        store::results(&state.db, &user.actor, id, Priority::Money, None, 0, 10)
            .await?
            .0
    } else {
        Vec::new()
    };
    render(&JobPage {
        show: Show {
            names: right_names(&state, ctx.lang),
        },
        can_create: ctx.can(Action::CreateClient, Resource::Org(org)),
        ctx,
        job,
        errors,
        top,
    })
}

/// `?priority=&page=` of the results page.
#[derive(serde::Deserialize)]
pub struct ResultsQuery {
    /// `money` (default) or `rights`.
    #[serde(default)]
    pub priority: String,
    /// Page, from 1.
    #[serde(default)]
    pub page: Option<i64>,
    /// Only the households missing this right (a right's id; empty: all).
    #[serde(default)]
    pub right: String,
}

#[derive(Template)]
#[template(path = "screening/results.html")]
struct ResultsPage {
    ctx: Ctx,
    show: Show,
    job: JobRow,
    rows: Vec<ResultRow>,
    priority: String,
    /// The right filtered on (empty: all).
    right: String,
    /// The rights to filter on: (id, name).
    rights: Vec<(String, String)>,
    /// How many households the filter keeps.
    total: i64,
    page: i64,
    pages: i64,
    offset: i64,
}

const PAGE: i64 = 100;

/// `GET /screenings/{id}/results`: the households with probable non-take-up, prioritised.
pub async fn results(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ListClients)?;
    let job = store::get_job(&state.db, &user.actor, id).await?;
    let priority = Priority::parse(&q.priority).unwrap_or(Priority::Money);
    // Only a right of the model is a filter; anything else shows every household.
    let right = state
        .rights
        .model
        .right(q.right.trim())
        .map(|r| r.id.clone())
        .unwrap_or_default();
    let page = q.page.unwrap_or(1).max(1);
    let offset = (page - 1).saturating_mul(PAGE);
    let (rows, total) = store::results(
        &state.db,
        &user.actor,
        id,
        priority,
        Some(right.as_str()).filter(|r| !r.is_empty()),
        offset,
        PAGE,
    )
    .await?;
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    let page = page.min(pages);
    let names = right_names(&state, ctx.lang);
    let rights = state
        .rights
        .model
        .rights
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                names.get(&r.id).cloned().unwrap_or_else(|| r.id.clone()),
            )
        })
        .collect();
    render(&ResultsPage {
        show: Show { names },
        ctx,
        job,
        rows,
        priority: priority.code().to_owned(),
        right,
        rights,
        total,
        page,
        pages,
        offset,
    })
}

/// `POST /screenings/{id}/delete`: deletes the screening, its results and its files (call
/// rounds made from it keep their lists).
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::CreateClient)?;
    match store::delete_job(&state.db, &user.actor, id).await {
        Ok(key) => {
            remove_upload(&state, &key);
            ctx.flash("flash-screening-deleted").await;
            Ok(Redirect::to("/screenings").into_response())
        }
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}
