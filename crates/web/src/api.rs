//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json` (a snapshot of it is committed and checked by a test).
//!
//! Clients authenticate with `Authorization: Bearer sterk_…` (tokens made on the account
//! page, revocable there). The same authorization function decides as for the pages.
//! Validation errors answer 422 with one entry per field, each with a stable code and a
//! message in the language of `Accept-Language`.

use crate::AppState;
use crate::error::AppError;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sterk_domain::FieldErrors;
use sterk_domain::access::{self, Action, Actor, Resource};
use sterk_domain::client::{ContactChannel, Household, parse_language};
use sterk_domain::values::{BirthDate, Name, Refnis, parse_email, parse_phone, parse_text};
use sterk_i18n::Lang;
use sterk_store::{accounts, clients, orgs, reference, tokens};
use utoipa::{OpenApi, ToSchema};

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Sterk API", version = "1", description = "JSON API of Sterk, the platform for Sterk Sociaal Werk. Authenticate with a bearer token from your account page."),
    paths(me, list_clients, get_client, create_client, list_organisations, list_municipalities, rights_evaluate, rights_catalogue, create_screening, get_screening, screening_results),
    components(schemas(Me, ClientOut, ClientIn, ClientList, Created, OrgOut, MunicipalityOut, ApiError, FieldProblem, ScreeningIn, ScreeningCreated, ScreeningOut, ScreeningErrorOut, ScreeningResultOut)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// The API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/clients", get(list_clients).post(create_client))
        .route("/clients/{id}", get(get_client))
        .route("/organisations", get(list_organisations))
        .route("/municipalities", get(list_municipalities))
        .route("/rights", get(rights_catalogue))
        .route("/rights/evaluate", axum::routing::post(rights_evaluate))
        .route(
            "/screenings",
            axum::routing::post(create_screening).layer(axum::extract::DefaultBodyLimit::max(
                crate::screening::MAX_UPLOAD,
            )),
        )
        .route("/screenings/{id}", get(get_screening))
        .route("/screenings/{id}/results", get(screening_results))
        .fallback(crate::pages::ops::not_found)
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// The account behind a bearer token.
pub struct ApiUser {
    /// Who acts.
    pub actor: Actor,
    /// Language for messages.
    pub lang: Lang,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(AppError::Unauthorized)?;
        let account = tokens::account_for(&state.db, secret.trim())
            .await?
            .ok_or(AppError::Unauthorized)?;
        let row = accounts::get(&state.db, account).await?;
        let actor = row.actor().ok_or(AppError::Unauthorized)?;
        let lang = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or_default();
        Ok(ApiUser { actor, lang })
    }
}

impl ApiUser {
    fn authorize(&self, action: Action, resource: Resource) -> Result<(), AppError> {
        access::authorize(&self.actor, action, resource)
            .map_err(|_| AppError::Forbidden("error-forbidden"))
    }
    fn org(&self) -> Result<i64, AppError> {
        self.actor.org.ok_or(AppError::Forbidden("error-forbidden"))
    }
}

/// An error answer.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    /// Stable code, e.g. `not_found`, `validation`.
    pub error: String,
    /// Message in the requested language.
    pub message: String,
    /// For `validation`: the problems, one per field.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub fields: Vec<FieldProblem>,
}

/// One problem with one field.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field.
    pub field: String,
    /// Stable code.
    pub code: String,
    /// Message in the requested language.
    pub message: String,
}

fn validation(state: &AppState, lang: Lang, errs: FieldErrors) -> Response {
    let fields = errs
        .0
        .iter()
        .map(|e| FieldProblem {
            field: e.field.clone(),
            code: e.code.to_owned(),
            message: state
                .i18n
                .t(lang, &format!("error-{}", e.code.replace('_', "-"))),
        })
        .collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(ApiError {
            error: "validation".into(),
            message: state.i18n.t(lang, "form-has-errors"),
            fields,
        }),
    )
        .into_response()
}

/// Who the token belongs to.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Account id.
    pub account: i64,
    /// Role code.
    pub role: String,
    /// Organisation id, for member roles.
    pub org: Option<i64>,
    /// Platform id, for chairs.
    pub platform: Option<i64>,
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = ApiError)))]
pub async fn me(user: ApiUser) -> Json<Me> {
    Json(Me {
        account: user.actor.account,
        role: user.actor.role.code().into(),
        org: user.actor.org,
        platform: user.actor.platform,
    })
}

/// A client record.
#[derive(Serialize, ToSchema)]
pub struct ClientOut {
    /// Id.
    pub id: i64,
    /// Name or pseudonym.
    pub name: String,
    /// Birth date or year.
    pub birth: Option<String>,
    /// Municipality REFNIS code.
    pub refnis: Option<String>,
    /// Language codes.
    pub languages: Vec<String>,
    /// Contact channels.
    pub channels: Vec<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Adults in the household.
    pub adults: i64,
    /// Children in the household.
    pub children: i64,
    /// Lives alone.
    pub lives_alone: bool,
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl From<clients::ClientRow> for ClientOut {
    fn from(c: clients::ClientRow) -> Self {
        ClientOut {
            id: c.id,
            name: c.name,
            birth: c.birth,
            refnis: c.refnis,
            languages: split(&c.languages),
            channels: split(&c.channels),
            phone: c.phone,
            email: c.email,
            adults: c.adults,
            children: c.children,
            lives_alone: c.lives_alone == 1,
        }
    }
}

/// A page of clients.
#[derive(Serialize, ToSchema)]
pub struct ClientList {
    /// Total matching.
    pub total: i64,
    /// This page: id and name.
    pub items: Vec<ClientListItem>,
}

/// A line of the client list.
#[derive(Serialize, ToSchema)]
pub struct ClientListItem {
    /// Id.
    pub id: i64,
    /// Name or pseudonym.
    pub name: String,
}

/// Paging and search.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Part of the name.
    #[serde(default)]
    pub q: String,
    /// Offset.
    #[serde(default)]
    pub offset: i64,
    /// Page size (1–500, default 50).
    pub limit: Option<i64>,
}

/// The organisation's clients.
#[utoipa::path(get, path = "/api/v1/clients", params(ListParams), responses((status = 200, body = ClientList), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_clients(
    State(state): State<AppState>,
    user: ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<ClientList>, AppError> {
    user.authorize(Action::ListClients, Resource::Org(user.org()?))?;
    let limit = p.limit.unwrap_or(50).clamp(1, 500);
    let q: String = p.q.chars().take(100).collect();
    let (rows, total) = clients::list(&state.db, &user.actor, &q, p.offset.max(0), limit).await?;
    Ok(Json(ClientList {
        total,
        items: rows
            .into_iter()
            .map(|r| ClientListItem {
                id: r.id,
                name: r.name,
            })
            .collect(),
    }))
}

/// One client (the read is audited).
#[utoipa::path(get, path = "/api/v1/clients/{id}", params(("id" = i64, Path, description = "Client id")), responses((status = 200, body = ClientOut), (status = 404, body = ApiError)))]
pub async fn get_client(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ClientOut>, AppError> {
    user.authorize(Action::ViewClient, Resource::Org(user.org()?))?;
    Ok(Json(clients::get(&state.db, &user.actor, id).await?.into()))
}

/// A new client record.
#[derive(Deserialize, ToSchema)]
pub struct ClientIn {
    /// Name or pseudonym (required).
    pub name: String,
    /// Birth date `YYYY-MM-DD` or year `YYYY`.
    #[serde(default)]
    pub birth: Option<String>,
    /// Municipality REFNIS code.
    #[serde(default)]
    pub refnis: Option<String>,
    /// Language codes.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Contact channels: phone, visit, letter, email.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Adults (default 1).
    #[serde(default)]
    pub adults: Option<i64>,
    /// Children (default 0).
    #[serde(default)]
    pub children: Option<i64>,
    /// Lives alone.
    #[serde(default)]
    pub lives_alone: bool,
}

/// The id of what was created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    /// Id.
    pub id: i64,
}

fn parse_client_in(c: &ClientIn) -> Result<clients::ClientInput, FieldErrors> {
    let mut errs = FieldErrors::new();
    let today = crate::ctx::today();
    let name = errs.check("name", Name::parse(&c.name));
    let birth = c
        .birth
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|b| errs.check("birth", BirthDate::parse(b, today)));
    let refnis = c
        .refnis
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|r| errs.check("refnis", Refnis::parse(r)));
    let languages = c
        .languages
        .iter()
        .filter_map(|l| errs.check("languages", parse_language(l)))
        .collect();
    let channels = c
        .channels
        .iter()
        .filter_map(|l| errs.check("channels", ContactChannel::parse(l)))
        .collect();
    let phone = c
        .phone
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|p| errs.check("phone", parse_phone(p)));
    let email = c
        .email
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|p| errs.check("email", parse_email(p)));
    let household = match Household::parse(
        &c.adults.unwrap_or(1).to_string(),
        &c.children.unwrap_or(0).to_string(),
    ) {
        Ok(mut h) => {
            h.lives_alone = c.lives_alone && h.adults == 1 && h.children == 0;
            Some(h)
        }
        Err((field, code)) => {
            errs.push(field, code);
            None
        }
    };
    let notes = errs.check("notes", parse_text("", 10, false));
    match (name, household, notes) {
        (Some(name), Some(household), Some(notes)) if errs.is_empty() => Ok(clients::ClientInput {
            name,
            birth,
            refnis,
            languages,
            channels,
            phone,
            email,
            address: None,
            household,
            notes,
        }),
        _ => Err(errs),
    }
}

/// Records a client for the token owner's organisation.
#[utoipa::path(post, path = "/api/v1/clients", request_body = ClientIn, responses((status = 201, body = Created), (status = 422, body = ApiError), (status = 403, body = ApiError)))]
pub async fn create_client(
    State(state): State<AppState>,
    user: ApiUser,
    body: Result<Json<ClientIn>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    user.authorize(Action::CreateClient, Resource::Org(user.org()?))?;
    let Json(body) = match body {
        Ok(b) => b,
        Err(e) => {
            let msg = state.i18n.t(user.lang, "error-bad-json");
            return Ok((
                StatusCode::BAD_REQUEST,
                Json(ApiError {
                    error: "bad_json".into(),
                    message: format!("{msg} ({})", e.body_text()),
                    fields: Vec::new(),
                }),
            )
                .into_response());
        }
    };
    match parse_client_in(&body) {
        Ok(input) => {
            if let Some(r) = &input.refnis
                && reference::municipality(&state.db, &r.to_string())
                    .await?
                    .is_none()
            {
                let mut errs = FieldErrors::new();
                errs.push("refnis", "choice_invalid");
                return Ok(validation(&state, user.lang, errs));
            }
            let id = clients::create(&state.db, &user.actor, &input).await?;
            Ok((StatusCode::CREATED, Json(Created { id })).into_response())
        }
        Err(errs) => Ok(validation(&state, user.lang, errs)),
    }
}

/// An organisation.
#[derive(Serialize, ToSchema)]
pub struct OrgOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// KBO number.
    pub kbo: Option<String>,
    /// Kind code.
    pub kind: String,
    /// Municipality REFNIS code.
    pub refnis: String,
    /// Regional platform code.
    pub platform: String,
}

/// All organisations.
#[utoipa::path(get, path = "/api/v1/organisations", responses((status = 200, body = [OrgOut])))]
pub async fn list_organisations(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Vec<OrgOut>>, AppError> {
    let rows = orgs::list(&state.db, None).await?;
    Ok(Json(
        rows.into_iter()
            .map(|o| OrgOut {
                id: o.id,
                name: o.name,
                kbo: o.kbo,
                kind: o.kind,
                refnis: o.refnis,
                platform: o.platform_code,
            })
            .collect(),
    ))
}

/// A municipality.
#[derive(Serialize, ToSchema)]
pub struct MunicipalityOut {
    /// REFNIS code.
    pub refnis: String,
    /// Dutch name.
    pub name_nl: String,
    /// French name.
    pub name_fr: String,
    /// Regional platform id.
    pub platform_id: i64,
}

/// All municipalities of Flanders and Brussels (Statbel, CC BY 4.0).
#[utoipa::path(get, path = "/api/v1/municipalities", responses((status = 200, body = [MunicipalityOut])))]
pub async fn list_municipalities(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Vec<MunicipalityOut>>, AppError> {
    let rows = reference::municipalities(&state.db).await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| MunicipalityOut {
                refnis: m.refnis,
                name_nl: m.name_nl,
                name_fr: m.name_fr,
                platform_id: m.platform_id,
            })
            .collect(),
    ))
}

/// The reference date of an evaluation.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct EvaluateParams {
    /// `YYYY-MM-DD`; default today.
    pub date: Option<String>,
}

/// Evaluates one household against every right: status, amount, reasons, explanation and the
/// next questions (the same JSON as `sterk rights eval --json`). Nothing is stored; no token
/// is needed. The household is a flat object of the inputs listed by `GET /api/v1/rights`;
/// a missing input is unknown, never zero.
#[utoipa::path(post, path = "/api/v1/rights/evaluate", params(EvaluateParams), request_body(content = Object, description = "Household: input name → value"),
    responses((status = 200, description = "Evaluation", body = Object), (status = 422, body = ApiError)), security(()))]
pub async fn rights_evaluate(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(p): Query<EvaluateParams>,
    body: axum::body::Bytes,
) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default();
    let problem = |field: &str, code: &str, message: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ApiError {
                error: "validation".into(),
                message: state.i18n.t(lang, "form-has-errors"),
                fields: vec![FieldProblem {
                    field: field.into(),
                    code: code.into(),
                    message,
                }],
            }),
        )
            .into_response()
    };
    let date = match p.date.as_deref().map(sterk_domain::values::parse_date) {
        None => crate::ctx::today(),
        Some(Ok(d)) => d,
        Some(Err(code)) => {
            return problem(
                "date",
                code,
                state
                    .i18n
                    .t(lang, &format!("error-{}", code.replace('_', "-"))),
            );
        }
    };
    let household: sterk_rules::Household = match serde_json::from_slice(&body) {
        Ok(h) => h,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(ApiError {
                    error: "bad_json".into(),
                    message: format!("{} ({e})", state.i18n.t(lang, "error-bad-json")),
                    fields: Vec::new(),
                }),
            )
                .into_response();
        }
    };
    match state.rights.model.evaluate(&household, date) {
        Ok(evaluation) => {
            let mut out = Vec::with_capacity(64 * 1024);
            state.rights.json.write(&evaluation, &mut out);
            (
                [(
                    header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static("application/json"),
                )],
                out,
            )
                .into_response()
        }
        Err(e) => problem(&e.field, "invalid", e.message),
    }
}

/// The catalogue: every right with its names, description, authority, legal references and
/// dated, sourced parameters; the inputs with their types and questions; the rules' version.
#[utoipa::path(get, path = "/api/v1/rights", responses((status = 200, description = "Catalogue", body = Object)), security(()))]
pub async fn rights_catalogue(State(state): State<AppState>) -> Json<serde_json::Value> {
    let m = &state.rights.model;
    let text = |t: &sterk_rules::Text| serde_json::json!({"nl": t.nl, "fr": t.fr, "en": t.en});
    let ty = |t: sterk_rules::Ty| match t {
        sterk_rules::Ty::Bool => "bool",
        sterk_rules::Ty::Int => "int",
        sterk_rules::Ty::Money => "money_cents",
        sterk_rules::Ty::Date => "date",
        _ => "choice",
    };
    let params = |ids: &[u16]| -> Vec<serde_json::Value> {
        ids.iter()
            .filter_map(|i| m.params.get(usize::from(*i)))
            .map(|p| {
                serde_json::json!({
                    "name": p.name, "type": ty(p.ty), "description": text(&p.description),
                    "values": p.values.iter().map(|v| serde_json::json!({
                        "from": sterk_domain::values::format_date(v.from), "until": v.until.map(sterk_domain::values::format_date),
                        "value": v.value, "source": v.source, "retrieved": v.retrieved.map(sterk_domain::values::format_date), "unverified": v.unverified,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    };
    Json(serde_json::json!({
        "rules_version": state.rights.version,
        "inputs": m.inputs.iter().map(|i| serde_json::json!({"name": i.name, "type": ty(i.ty), "choices": i.choices, "question": text(&i.question)})).collect::<Vec<_>>(),
        "rights": m.rights.iter().map(|r| serde_json::json!({
            "id": r.id, "name": text(&r.name), "description": text(&r.description), "authority": r.authority,
            "granting": match r.granting { sterk_rules::Granting::Automatic => "automatic", sterk_rules::Granting::OnApplication => "on_application", sterk_rules::Granting::PartlyAutomatic => "partly_automatic" },
            "amount_period": r.amount_period,
            "legal": r.legal.iter().map(|l| serde_json::json!({"title": l.title, "url": l.url})).collect::<Vec<_>>(),
            "parameters": params(&r.params_used),
        })).collect::<Vec<_>>(),
    }))
}

/// Which population to screen, as JSON (a file is sent as `multipart/form-data` instead).
#[derive(Deserialize, ToSchema)]
pub struct ScreeningIn {
    /// `clients`: the organisation's own clients.
    pub source: String,
}

/// A screening that was accepted and started.
#[derive(Serialize, ToSchema)]
pub struct ScreeningCreated {
    /// Id.
    pub id: i64,
    /// `queued` or `running`.
    pub status: String,
}

/// A row that could not be read.
#[derive(Serialize, ToSchema)]
pub struct ScreeningErrorOut {
    /// `households` or `persons`.
    pub file: String,
    /// Line number (1 = the header; for Parquet, the row number + 1).
    pub line: i64,
    /// The column concerned.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// A screening job: status, progress, counts and the first row errors.
#[derive(Serialize, ToSchema)]
pub struct ScreeningOut {
    /// Id.
    pub id: i64,
    /// `file` or `clients`.
    pub source: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Percent done.
    pub progress: i64,
    /// Reference date of the evaluation.
    pub reference_date: String,
    /// Version of the rules.
    pub rules_version: String,
    /// Household rows read.
    pub households_read: i64,
    /// Households screened.
    pub households_screened: i64,
    /// Person rows read.
    pub persons_read: i64,
    /// Rows with errors (all of them; `errors` lists the first 1,000).
    pub error_count: i64,
    /// Households with probable non-take-up.
    pub households_non_take_up: i64,
    /// Sum of the monthly amounts missed, in cents.
    pub missed_monthly_cents: i64,
    /// Sum of the yearly amounts missed, in cents.
    pub missed_yearly_cents: i64,
    /// Why the job failed (a code), if it did.
    pub failure: Option<String>,
    /// The first rows that could not be read.
    pub errors: Vec<ScreeningErrorOut>,
}

/// A household with probable non-take-up.
#[derive(Serialize, ToSchema)]
pub struct ScreeningResultOut {
    /// The household's id in the file (the client id for a screening of clients).
    pub household_id: String,
    /// The client, for a screening of clients.
    pub client_id: Option<i64>,
    /// The rights probably missed (ids of `GET /api/v1/rights`).
    pub rights_missed: Vec<String>,
    /// How many.
    pub rights_count: i64,
    /// Monthly amounts missed, in cents.
    pub missed_monthly_cents: i64,
    /// Yearly amounts missed, in cents.
    pub missed_yearly_cents: i64,
}

/// Starts a screening: either `multipart/form-data` with the files `households` (required)
/// and `persons` (optional), in the format of `sterk rights screen` (CSV or Parquet), or JSON
/// `{"source": "clients"}` for the organisation's own clients. A file of the wrong kind is
/// refused with 422 before the job starts, and nothing is stored.
#[utoipa::path(post, path = "/api/v1/screenings",
    request_body(content = ScreeningIn, description = "JSON `{\"source\": \"clients\"}`, or multipart/form-data with the files `households` and `persons`"),
    responses((status = 202, body = ScreeningCreated), (status = 422, body = ApiError), (status = 403, body = ApiError)))]
pub async fn create_screening(
    State(state): State<AppState>,
    user: ApiUser,
    req: axum::extract::Request,
) -> Result<Response, AppError> {
    use axum::extract::FromRequest;
    user.authorize(Action::CreateClient, Resource::Org(user.org()?))?;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let problem = |field: &str, code: &str, message: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ApiError {
                error: "validation".into(),
                message: state.i18n.t(user.lang, "form-has-errors"),
                fields: vec![FieldProblem {
                    field: field.into(),
                    code: code.into(),
                    message,
                }],
            }),
        )
            .into_response()
    };
    let id = if is_multipart {
        let mp = axum::extract::Multipart::from_request(req, &state)
            .await
            .map_err(|_| AppError::BadRequest("error-bad-form"))?;
        match crate::screening::pages::receive(&state, mp).await {
            Ok(up) => crate::screening::pages::create_from_upload(&state, &user.actor, &up).await?,
            Err(p) => return Ok(problem(p.field, p.code, p.message(&state, user.lang))),
        }
    } else {
        let bytes = axum::body::to_bytes(req.into_body(), 64 * 1024)
            .await
            .map_err(|_| AppError::BadRequest("error-bad-json"))?;
        let body: ScreeningIn = match serde_json::from_slice(&bytes) {
            Ok(b) => b,
            Err(e) => {
                return Ok((
                    StatusCode::BAD_REQUEST,
                    Json(ApiError {
                        error: "bad_json".into(),
                        message: format!("{} ({e})", state.i18n.t(user.lang, "error-bad-json")),
                        fields: Vec::new(),
                    }),
                )
                    .into_response());
            }
        };
        if body.source != "clients" {
            return Ok(problem(
                "source",
                "choice_invalid",
                state.i18n.t(user.lang, "error-choice-invalid"),
            ));
        }
        match crate::screening::pages::create_from_clients(&state, &user.actor).await? {
            Some(id) => id,
            None => {
                return Ok(problem(
                    "source",
                    "screening_no_clients",
                    state.i18n.t(user.lang, "error-screening-no-clients"),
                ));
            }
        }
    };
    let job = sterk_store::screening::get_job(&state.db, &user.actor, id).await?;
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, format!("/api/v1/screenings/{id}"))],
        Json(ScreeningCreated {
            id,
            status: job.status,
        }),
    )
        .into_response())
}

/// A screening's status, progress, counts and first row errors.
#[utoipa::path(get, path = "/api/v1/screenings/{id}", params(("id" = i64, Path, description = "Screening id")),
    responses((status = 200, body = ScreeningOut), (status = 404, body = ApiError)))]
pub async fn get_screening(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ScreeningOut>, AppError> {
    user.authorize(Action::ListClients, Resource::Org(user.org()?))?;
    let j = sterk_store::screening::get_job(&state.db, &user.actor, id).await?;
    let errors = sterk_store::screening::job_errors(
        &state.db,
        &user.actor,
        id,
        sterk_store::screening::MAX_STORED_ERRORS as i64,
    )
    .await?;
    Ok(Json(ScreeningOut {
        id: j.id,
        source: j.source,
        status: j.status,
        progress: j.progress,
        reference_date: j.reference_date,
        rules_version: j.rules_version,
        households_read: j.households_read,
        households_screened: j.households_screened,
        persons_read: j.persons_read,
        error_count: j.error_count,
        households_non_take_up: j.households_non_take_up,
        missed_monthly_cents: j.missed_monthly_cents,
        missed_yearly_cents: j.missed_yearly_cents,
        failure: j.failure,
        errors: errors
            .into_iter()
            .map(|e| ScreeningErrorOut {
                file: e.file,
                line: e.line,
                field: e.field,
                message: e.message,
            })
            .collect(),
    }))
}

/// Order and page of a screening's results.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ResultParams {
    /// `money` (most money missed first, the default) or `rights` (most rights first).
    #[serde(default)]
    pub priority: String,
    /// Offset.
    #[serde(default)]
    pub offset: i64,
    /// Page size (1–10,000, default 1,000).
    pub limit: Option<i64>,
}

/// The households of a finished screening with probable non-take-up, prioritised (the read
/// is audited). Empty while the screening runs.
#[utoipa::path(get, path = "/api/v1/screenings/{id}/results", params(("id" = i64, Path, description = "Screening id"), ResultParams),
    responses((status = 200, body = [ScreeningResultOut]), (status = 404, body = ApiError)))]
pub async fn screening_results(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Query(p): Query<ResultParams>,
) -> Result<Json<Vec<ScreeningResultOut>>, AppError> {
    user.authorize(Action::ListClients, Resource::Org(user.org()?))?;
    let priority = sterk_store::screening::Priority::parse(&p.priority)
        .unwrap_or(sterk_store::screening::Priority::Money);
    let (rows, _) = sterk_store::screening::results(
        &state.db,
        &user.actor,
        id,
        priority,
        None,
        p.offset.max(0),
        p.limit.unwrap_or(1000).clamp(1, 10_000),
    )
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ScreeningResultOut {
                rights_missed: r.rights().into_iter().map(str::to_owned).collect(),
                household_id: r.household_ref,
                client_id: r.client_id,
                rights_count: r.rights_count,
                missed_monthly_cents: r.missed_monthly_cents,
                missed_yearly_cents: r.missed_yearly_cents,
            })
            .collect(),
    ))
}
