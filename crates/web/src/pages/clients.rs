//! Client records: list, create, view, change, consents, referral, export, erasure.
//!
//! Every handler checks the action with `authorize` against the actor's own organisation,
//! and the store only ever finds clients of that organisation.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sterk_domain::FieldErrors;
use sterk_domain::access::Action;
use sterk_domain::client::{
    ConsentMethod, ConsentPurpose, ContactChannel, Household, LANGUAGES, parse_language,
};
use sterk_domain::values::{
    BirthDate, Name, Refnis, parse_date, parse_email, parse_phone, parse_text,
};
use sterk_store::StoreError;
use sterk_store::clients::{
    self, ClientInput, ClientRow, ClientSummary, ConsentInput, ConsentRow, ReferralRow,
};
use sterk_store::orgs;
use sterk_store::reference::{self, MunicipalityRow};

const PAGE: i64 = 50;

fn today() -> time::Date {
    crate::ctx::today()
}

/// Parses a client form. Every field is checked; all problems are returned together.
pub fn parse_client(f: &Fields, today: time::Date) -> Result<ClientInput, FieldErrors> {
    let mut errs = FieldErrors::new();
    let name = errs.check("name", Name::parse(f.get("name")));
    let birth = if f.get("birth").trim().is_empty() {
        None
    } else {
        errs.check("birth", BirthDate::parse(f.get("birth"), today))
    };
    let refnis = if f.get("refnis").trim().is_empty() {
        None
    } else {
        errs.check("refnis", Refnis::parse(f.get("refnis")))
    };
    let mut languages = Vec::new();
    for l in f.all("languages") {
        if let Some(code) = errs.check("languages", parse_language(l)) {
            languages.push(code);
        }
    }
    let mut channels = Vec::new();
    for c in f.all("channels") {
        if let Some(ch) = errs.check("channels", ContactChannel::parse(c)) {
            channels.push(ch);
        }
    }
    let phone = if f.get("phone").trim().is_empty() {
        None
    } else {
        errs.check("phone", parse_phone(f.get("phone")))
    };
    let email = if f.get("email").trim().is_empty() {
        None
    } else {
        errs.check("email", parse_email(f.get("email")))
    };
    let address = errs
        .check("address", parse_text(f.get("address"), 300, false))
        .filter(|s| !s.is_empty());
    if channels.contains(&ContactChannel::Phone)
        && phone.is_none()
        && errs.for_field("phone").is_none()
    {
        errs.push("phone", "phone_needed_for_channel");
    }
    if channels.contains(&ContactChannel::Email)
        && email.is_none()
        && errs.for_field("email").is_none()
    {
        errs.push("email", "email_needed_for_channel");
    }
    let household = match Household::parse(f.get("adults"), f.get("children")) {
        Ok(mut h) => {
            h.lives_alone = f.has("lives_alone", "1") && h.adults == 1 && h.children == 0;
            Some(h)
        }
        Err((field, code)) => {
            errs.push(field, code);
            None
        }
    };
    let notes = errs.check("notes", parse_text(f.get("notes"), 4000, false));
    match (name, household, notes) {
        (Some(name), Some(household), Some(notes)) if errs.is_empty() => Ok(ClientInput {
            name,
            birth,
            refnis,
            languages,
            channels,
            phone,
            email,
            address,
            household,
            notes,
        }),
        _ => Err(errs),
    }
}

/// Query parameters of the page.
#[derive(serde::Deserialize)]
pub struct ListQuery {
    /// Parameter.
    #[serde(default)]
    pub q: String,
    /// Parameter.
    #[serde(default)]
    pub page: Option<i64>,
}

#[derive(Template)]
#[template(path = "clients/list.html")]
struct ListPage {
    ctx: Ctx,
    q: String,
    rows: Vec<ClientSummary>,
    total: i64,
    page: i64,
    pages: i64,
}

/// `GET /clients`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ListClients)?;
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let search: String = q.q.chars().take(100).collect();
    let (rows, total) =
        clients::list(&state.db, &user.actor, &search, (page - 1) * PAGE, PAGE).await?;
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    render(&ListPage {
        ctx,
        q: search,
        rows,
        total,
        page,
        pages,
    })
}

#[derive(Template)]
#[template(path = "clients/form.html")]
struct FormPage {
    ctx: Ctx,
    action: String,
    title: String,
    f: Fields,
    errs: FieldErrors,
    municipalities: Vec<MunicipalityRow>,
    languages: [&'static str; 14],
    channels: [ContactChannel; 4],
}

impl FormPage {
    fn checked(&self, key: &str, value: &str) -> bool {
        self.f.has(key, value)
    }
}

fn fields_from_row(c: &ClientRow) -> Fields {
    let mut v: Vec<(String, String)> = vec![
        ("name".into(), c.name.clone()),
        ("birth".into(), c.birth.clone().unwrap_or_default()),
        ("refnis".into(), c.refnis.clone().unwrap_or_default()),
        ("phone".into(), c.phone.clone().unwrap_or_default()),
        ("email".into(), c.email.clone().unwrap_or_default()),
        ("address".into(), c.address.clone().unwrap_or_default()),
        ("adults".into(), c.adults.to_string()),
        ("children".into(), c.children.to_string()),
        ("notes".into(), c.notes.clone()),
    ];
    if c.lives_alone == 1 {
        v.push(("lives_alone".into(), "1".into()));
    }
    v.extend(
        c.languages
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|l| ("languages".to_owned(), l.to_owned())),
    );
    v.extend(
        c.channels
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|l| ("channels".to_owned(), l.to_owned())),
    );
    Fields(v)
}

async fn form_page(
    state: &AppState,
    ctx: Ctx,
    action: String,
    title_key: &str,
    f: Fields,
    errs: FieldErrors,
) -> Result<FormPage, AppError> {
    let municipalities = reference::municipalities(&state.db).await?;
    let title = ctx.t(title_key);
    Ok(FormPage {
        ctx,
        action,
        title,
        f,
        errs,
        municipalities,
        languages: LANGUAGES,
        channels: ContactChannel::ALL,
    })
}

/// `GET /clients/new`.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.authorize_own(Action::CreateClient)?;
    let f = Fields(vec![
        ("adults".into(), "1".into()),
        ("children".into(), "0".into()),
        ("languages".into(), "nl".into()),
    ]);
    render(
        &form_page(
            &state,
            ctx,
            "/clients/new".into(),
            "clients-new",
            f,
            FieldErrors::new(),
        )
        .await?,
    )
}

/// `POST /clients/new`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::CreateClient)?;
    match parse_client(&f, today()) {
        Ok(input) => match clients::create(&state.db, &user.actor, &input).await {
            Ok(id) => {
                ctx.flash("flash-client-created").await;
                Ok(Redirect::to(&format!("/clients/{id}")).into_response())
            }
            Err(StoreError::Database(e))
                if e.as_database_error()
                    .is_some_and(|d| d.is_foreign_key_violation()) =>
            {
                let mut errs = FieldErrors::new();
                errs.push("refnis", "choice_invalid");
                render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &form_page(&state, ctx, "/clients/new".into(), "clients-new", f, errs).await?,
                )
            }
            Err(e) => Err(e.into()),
        },
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, ctx, "/clients/new".into(), "clients-new", f, errs).await?,
        ),
    }
}

#[derive(Template)]
#[template(path = "clients/show.html")]
struct ShowPage {
    ctx: Ctx,
    c: ClientRow,
    consents: Vec<ConsentRow>,
    orgs: Vec<orgs::OrgName>,
    purposes: [ConsentPurpose; 4],
    methods: [ConsentMethod; 2],
    today: String,
    errs: FieldErrors,
    f: Fields,
}

impl ShowPage {
    fn list(&self, csv: &str, prefix: &str) -> String {
        csv.split(',')
            .filter(|s| !s.is_empty())
            .map(|s| self.ctx.code(prefix, s))
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn active(&self, c: &ConsentRow) -> bool {
        c.to_consent().is_some_and(|k| k.is_active(today()))
    }
    fn municipality(&self) -> String {
        match self.ctx.lang {
            sterk_i18n::Lang::Fr => self.c.municipality_fr.clone(),
            _ => self.c.municipality_nl.clone(),
        }
        .unwrap_or_default()
    }
}

async fn show_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    errs: FieldErrors,
    f: Fields,
) -> Result<ShowPage, AppError> {
    let user = ctx.require_user()?.clone();
    let c = clients::get(&state.db, &user.actor, id).await?;
    let consents = clients::consents(&state.db, &user.actor, id).await?;
    let orgs = orgs::names(&state.db)
        .await?
        .iter()
        .filter(|o| Some(o.id) != user.actor.org)
        .cloned()
        .collect();
    Ok(ShowPage {
        ctx,
        c,
        consents,
        orgs,
        purposes: ConsentPurpose::ALL,
        methods: ConsentMethod::ALL,
        today: sterk_domain::values::format_date(today()),
        errs,
        f,
    })
}

/// `GET /clients/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.authorize_own(Action::ViewClient)?;
    render(&show_page(&state, ctx, id, FieldErrors::new(), Fields::default()).await?)
}

/// `GET /clients/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::UpdateClient)?;
    let c = clients::get(&state.db, &user.actor, id).await?;
    if c.erased_at.is_some() {
        return Err(AppError::NotFound);
    }
    render(
        &form_page(
            &state,
            ctx,
            format!("/clients/{id}/edit"),
            "clients-edit",
            fields_from_row(&c),
            FieldErrors::new(),
        )
        .await?,
    )
}

/// `POST /clients/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::UpdateClient)?;
    clients::ensure_visible(&state.db, &user.actor, id).await?;
    match parse_client(&f, today()) {
        Ok(input) => {
            clients::update(&state.db, &user.actor, id, &input).await?;
            ctx.flash("flash-saved").await;
            Ok(Redirect::to(&format!("/clients/{id}")).into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(
                &state,
                ctx,
                format!("/clients/{id}/edit"),
                "clients-edit",
                f,
                errs,
            )
            .await?,
        ),
    }
}

/// Parses the consent form.
pub fn parse_consent(f: &Fields) -> Result<ConsentInput, FieldErrors> {
    let mut errs = FieldErrors::new();
    let purpose = errs.check("purpose", ConsentPurpose::parse(f.get("purpose")));
    let method = errs.check("method", ConsentMethod::parse(f.get("method")));
    let given_on = errs.check("given_on", parse_date(f.get("given_on")));
    let expires_on = if f.get("expires_on").trim().is_empty() {
        None
    } else {
        errs.check("expires_on", parse_date(f.get("expires_on")))
    };
    let recipient_org = if purpose == Some(ConsentPurpose::Referral) {
        match f.get("recipient_org").trim().parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errs.push("recipient_org", "recipient_required");
                None
            }
        }
    } else {
        None
    };
    if let (Some(g), Some(e)) = (given_on, expires_on)
        && e < g
    {
        errs.push("expires_on", "expiry_before_given");
    }
    if given_on.is_some_and(|g| g > today()) {
        errs.push("given_on", "date_in_future");
    }
    let note = errs.check("note", parse_text(f.get("note"), 500, false));
    match (purpose, method, given_on, note) {
        (Some(purpose), Some(method), Some(given_on), Some(note)) if errs.is_empty() => {
            Ok(ConsentInput {
                purpose,
                recipient_org,
                method,
                given_on,
                expires_on,
                note,
            })
        }
        _ => Err(errs),
    }
}

/// `POST /clients/{id}/consents`.
pub async fn add_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageConsent)?;
    clients::ensure_visible(&state.db, &user.actor, id).await?;
    match parse_consent(&f) {
        Ok(input) => {
            clients::record_consent(&state.db, &user.actor, id, &input).await?;
            ctx.flash("flash-consent-recorded").await;
            Ok(Redirect::to(&format!("/clients/{id}#consents")).into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &show_page(&state, ctx, id, errs, f).await?,
        ),
    }
}

/// `POST /clients/{id}/consents/{consent}/withdraw`: takes effect today, at once.
pub async fn withdraw_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, consent)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ManageConsent)?;
    clients::withdraw_consent(&state.db, &user.actor, id, consent, today()).await?;
    ctx.flash("flash-consent-withdrawn").await;
    Ok(Redirect::to(&format!("/clients/{id}#consents")).into_response())
}

/// `POST /clients/{id}/refer`: shares the minimal record with a named organisation, only
/// under a referral consent for that organisation (checked in the sharing's transaction).
pub async fn refer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::UpdateClient)?;
    clients::ensure_visible(&state.db, &user.actor, id).await?;
    let mut errs = FieldErrors::new();
    let to_org = f.get("to_org").trim().parse::<i64>().ok();
    if to_org.is_none() {
        errs.push("to_org", "required");
    }
    let note = errs.check(
        "referral_note",
        parse_text(f.get("referral_note"), 1000, true),
    );
    if let (Some(to_org), Some(note)) = (to_org, note) {
        match clients::refer(&state.db, &user.actor, id, to_org, &note, today()).await {
            Ok(_) => {
                ctx.flash("flash-referred").await;
                return Ok(Redirect::to(&format!("/clients/{id}")).into_response());
            }
            Err(StoreError::Refused(code)) => errs.push("to_org", code),
            Err(e) => return Err(e.into()),
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &show_page(&state, ctx, id, errs, f).await?,
    )
}

#[derive(Template)]
#[template(path = "clients/referrals.html")]
struct ReferralsPage {
    ctx: Ctx,
    rows: Vec<ReferralRow>,
}

/// `GET /referrals`: what other organisations referred to us.
pub async fn referrals(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ListClients)?;
    let rows = clients::referrals_received(&state.db, &user.actor).await?;
    render(&ReferralsPage { ctx, rows })
}

/// `GET /clients/{id}/export`: everything Sterk holds about the person, as JSON.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::ExportClient)?;
    let value = clients::export(&state.db, &user.actor, id).await?;
    let body = serde_json::to_string_pretty(&value).map_err(|_| AppError::Internal("json"))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"sterk-client-{id}.json\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "clients/erase.html")]
struct ErasePage {
    ctx: Ctx,
    c: ClientRow,
    error: bool,
}

/// `GET /clients/{id}/erase`: asks to confirm.
pub async fn erase_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::EraseClient)?;
    let c = clients::get(&state.db, &user.actor, id).await?;
    render(&ErasePage {
        ctx,
        c,
        error: false,
    })
}

/// `POST /clients/{id}/erase`: erases the personal data once the name is typed again.
pub async fn erase(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::EraseClient)?;
    let c = clients::get(&state.db, &user.actor, id).await?;
    if f.get("confirm").trim() != c.name {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ErasePage {
                ctx,
                c,
                error: true,
            },
        );
    }
    clients::erase(&state.db, &user.actor, id).await?;
    ctx.flash("flash-erased").await;
    Ok(Redirect::to("/clients").into_response())
}
