//! The organisation's own pages: profile, accounts, audit trail.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rand::Rng;
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, Resource, Role};
use sterk_domain::values::{Name, parse_email};
use sterk_store::StoreError;
use sterk_store::accounts::{self, AccountRow, NewAccount};
use sterk_store::audit::{self, AuditRow};
use sterk_store::orgs::{self, OrgRow};

/// A readable temporary password: 4 groups of 4 letters and digits without look-alikes.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[derive(Template)]
#[template(path = "org/overview.html")]
struct Overview {
    ctx: Ctx,
    org: OrgRow,
    accounts: Vec<AccountRow>,
    manage: bool,
    new_password: Option<(String, String)>,
}

/// `GET /org`.
pub async fn overview(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let org_id = ctx.own_org()?;
    ctx.authorize(Action::ViewOrganisation, Resource::Org(org_id))?;
    let manage = ctx.can(Action::ManageAccounts, Resource::Org(org_id));
    let org = orgs::get(&state.db, org_id).await?;
    let accounts = if manage {
        accounts::list_for_org(&state.db, org_id).await?
    } else {
        Vec::new()
    };
    render(&Overview {
        ctx,
        org,
        accounts,
        manage,
        new_password: None,
    })
}

#[derive(Template)]
#[template(path = "org/account_form.html")]
struct AccountForm {
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
    roles: Vec<Role>,
}

/// `GET /org/accounts/new`.
pub async fn new_account_form(ctx: Ctx) -> Result<Response, AppError> {
    ctx.authorize_own(Action::ManageAccounts)?;
    let roles = Role::ALL
        .into_iter()
        .filter(|r| r.is_member_role())
        .collect();
    render(&AccountForm {
        ctx,
        f: Fields::default(),
        errs: FieldErrors::new(),
        roles,
    })
}

/// `POST /org/accounts/new`: creates a member account with a temporary password that is
/// shown once (no mail server is needed); it must be changed at first sign-in.
pub async fn create_account(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let org_id = ctx.own_org()?;
    let user = ctx
        .authorize(Action::ManageAccounts, Resource::Org(org_id))?
        .clone();
    let mut errs = FieldErrors::new();
    let email = errs.check("email", parse_email(f.get("email")));
    let name = errs.check("display_name", Name::parse(f.get("display_name")));
    let role = errs.check(
        "role",
        Role::parse(f.get("role")).and_then(|r| {
            if r.is_member_role() {
                Ok(r)
            } else {
                Err("choice_invalid")
            }
        }),
    );
    if let (Some(email), Some(name), Some(role)) = (email, name, role) {
        let password = temporary_password();
        let new = NewAccount {
            email: email.clone(),
            display_name: name.as_str().to_owned(),
            role,
            org_id: Some(org_id),
            platform_id: None,
            password: password.clone(),
            must_change_password: true,
        };
        match accounts::create(&state.db, Some(user.account.id), new).await {
            Ok(_) => {
                let org = orgs::get(&state.db, org_id).await?;
                let accounts = accounts::list_for_org(&state.db, org_id).await?;
                return render(&Overview {
                    ctx,
                    org,
                    accounts,
                    manage: true,
                    new_password: Some((email, password)),
                });
            }
            Err(StoreError::Duplicate(_)) => errs.push("email", "email_taken"),
            Err(e) => return Err(e.into()),
        }
    }
    let roles = Role::ALL
        .into_iter()
        .filter(|r| r.is_member_role())
        .collect();
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &AccountForm {
            ctx,
            f,
            errs,
            roles,
        },
    )
}

async fn member_of(state: &AppState, org: i64, account: i64) -> Result<AccountRow, AppError> {
    let a = accounts::get(&state.db, account).await?;
    if a.org_id != Some(org) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

/// `POST /org/accounts/{id}/reset`: a new temporary password, shown once.
pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let org_id = ctx.own_org()?;
    let user = ctx
        .authorize(Action::ManageAccounts, Resource::Org(org_id))?
        .clone();
    let target = member_of(&state, org_id, id).await?;
    let password = temporary_password();
    accounts::set_password(&state.db, user.account.id, id, &password, true).await?;
    let org = orgs::get(&state.db, org_id).await?;
    let accounts = accounts::list_for_org(&state.db, org_id).await?;
    render(&Overview {
        ctx,
        org,
        accounts,
        manage: true,
        new_password: Some((target.email, password)),
    })
}

/// `POST /org/accounts/{id}/active`: deactivates or reactivates an account.
pub async fn set_active(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    f: Fields,
) -> Result<Response, AppError> {
    let org_id = ctx.own_org()?;
    let user = ctx
        .authorize(Action::ManageAccounts, Resource::Org(org_id))?
        .clone();
    member_of(&state, org_id, id).await?;
    if id == user.account.id {
        return Err(AppError::BadRequest("error-cannot-deactivate-self"));
    }
    accounts::set_active(&state.db, user.account.id, id, f.get("active") == "1").await?;
    ctx.flash("flash-saved").await;
    Ok(Redirect::to("/org").into_response())
}

/// Query parameters of the page.
#[derive(serde::Deserialize)]
pub struct AuditQuery {
    /// Parameter.
    pub before: Option<i64>,
}

#[derive(Template)]
#[template(path = "org/audit.html")]
struct AuditPage {
    ctx: Ctx,
    rows: Vec<AuditRow>,
    next: Option<i64>,
    base: &'static str,
}

const AUDIT_PAGE: i64 = 100;

/// `GET /org/audit`: the organisation's audit trail, newest first.
pub async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let org_id = ctx.own_org()?;
    ctx.authorize(Action::ViewAudit, Resource::Org(org_id))?;
    let rows = audit::page(&state.db, Some(org_id), q.before, AUDIT_PAGE).await?;
    let next = (rows.len() as i64 == AUDIT_PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    render(&AuditPage {
        ctx,
        rows,
        next,
        base: "/org/audit",
    })
}

/// `GET /admin/audit`: the installation's audit trail (administrator).
pub async fn admin_audit(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    ctx.authorize(Action::ViewAudit, Resource::Installation)?;
    let rows = audit::page(&state.db, None, q.before, AUDIT_PAGE).await?;
    let next = (rows.len() as i64 == AUDIT_PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    render(&AuditPage {
        ctx,
        rows,
        next,
        base: "/admin/audit",
    })
}
