//! The list of organisations, their public profiles, and creating one (administrator).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::org::temporary_password;
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, Resource, Role};
use sterk_domain::org::OrgKind;
use sterk_domain::values::{KboNumber, Name, Refnis, parse_email};
use sterk_store::StoreError;
use sterk_store::accounts::NewAccount;
use sterk_store::orgs::{self, NewOrg, OrgRow};
use sterk_store::reference::{self, MunicipalityRow};

#[derive(Template)]
#[template(path = "organisations/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<OrgRow>,
}

/// `GET /organisations` (signed-in users).
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    let rows = orgs::list(&state.db, None).await?;
    render(&ListPage { ctx, rows })
}

#[derive(Template)]
#[template(path = "organisations/show.html")]
struct ShowPage {
    ctx: Ctx,
    org: OrgRow,
}

/// `GET /organisations/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.authorize(Action::ViewOrganisation, Resource::Org(id))?;
    let org = orgs::get(&state.db, id).await?;
    render(&ShowPage { ctx, org })
}

#[derive(Template)]
#[template(path = "organisations/form.html")]
struct FormPage {
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
    kinds: [OrgKind; 10],
    municipalities: Vec<MunicipalityRow>,
    created: Option<(String, String, String)>,
}

/// `GET /organisations/new` (administrator).
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.authorize(Action::CreateOrganisation, Resource::Installation)?;
    let municipalities = reference::municipalities(&state.db).await?;
    render(&FormPage {
        ctx,
        f: Fields::default(),
        errs: FieldErrors::new(),
        kinds: OrgKind::ALL,
        municipalities,
        created: None,
    })
}

/// Parses the organisation form.
pub fn parse_org(f: &Fields) -> Result<NewOrg, FieldErrors> {
    let mut errs = FieldErrors::new();
    let name = errs.check("name", Name::parse(f.get("name")));
    let kbo = if f.get("kbo").trim().is_empty() {
        None
    } else {
        errs.check("kbo", KboNumber::parse(f.get("kbo")))
    };
    let kind = errs.check("kind", OrgKind::parse(f.get("kind")));
    let refnis = errs.check("refnis", Refnis::parse(f.get("refnis")));
    match (name, kind, refnis) {
        (Some(name), Some(kind), Some(refnis)) if errs.is_empty() => Ok(NewOrg {
            name,
            kbo,
            kind,
            refnis,
        }),
        _ => Err(errs),
    }
}

/// `POST /organisations/new`: creates the organisation and its first administrator in one
/// go; the temporary password is shown once.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx
        .authorize(Action::CreateOrganisation, Resource::Installation)?
        .clone();
    let municipalities = reference::municipalities(&state.db).await?;
    let mut errs = match parse_org(&f) {
        Ok(_) => FieldErrors::new(),
        Err(e) => e,
    };
    let admin_email = errs.check("admin_email", parse_email(f.get("admin_email")));
    let admin_name = errs.check("admin_name", Name::parse(f.get("admin_name")));
    if let (Ok(org), Some(email), Some(name)) = (parse_org(&f), admin_email, admin_name)
        && errs.is_empty()
    {
        let password = temporary_password();
        let admin = NewAccount {
            email: email.clone(),
            display_name: name.as_str().to_owned(),
            role: Role::OrgAdmin,
            org_id: None,
            platform_id: None,
            password: password.clone(),
            must_change_password: true,
        };
        // The organisation and its first administrator: one transaction, both or neither.
        match orgs::create_with_admin(&state.db, Some(user.account.id), &org, admin).await {
            Ok(_) => {
                let created = Some((org.name.as_str().to_owned(), email, password));
                return render(&FormPage {
                    ctx,
                    f: Fields::default(),
                    errs: FieldErrors::new(),
                    kinds: OrgKind::ALL,
                    municipalities,
                    created,
                });
            }
            Err(StoreError::Duplicate("email")) => errs.push("admin_email", "email_taken"),
            Err(StoreError::Duplicate(_)) => errs.push("kbo", "kbo_taken"),
            Err(StoreError::Refused(code)) => errs.push("refnis", code),
            Err(e) => return Err(e.into()),
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            ctx,
            f,
            errs,
            kinds: OrgKind::ALL,
            municipalities,
            created: None,
        },
    )
}
