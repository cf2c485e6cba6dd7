//! The installation administrator's pages: accounts of the platforms (regional chairs, the
//! platform coordinator) and other administrators.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::{ErrorsExt, Fields};
use crate::pages::org::temporary_password;
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sterk_domain::FieldErrors;
use sterk_domain::access::{Action, Resource, Role};
use sterk_domain::values::{Name, parse_email};
use sterk_store::StoreError;
use sterk_store::accounts::{self, AccountRow, NewAccount};
use sterk_store::reference::{self, PlatformRow};

/// Roles the administrator gives here; member roles are given by organisations.
const PLATFORM_ROLES: [Role; 3] = [Role::RegionalChair, Role::PlatformCoordinator, Role::Admin];

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    ctx: Ctx,
    accounts: Vec<AccountRow>,
    platforms: Vec<PlatformRow>,
    roles: [Role; 3],
    f: Fields,
    errs: FieldErrors,
    created: Option<(String, String)>,
}

impl AccountsPage {
    fn platform_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.platforms.iter().find(|p| p.id == id))
            .map(|p| self.ctx.code("platform", &p.code))
            .unwrap_or_default()
    }
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
    created: Option<(String, String)>,
) -> Result<AccountsPage, AppError> {
    let accounts = accounts::list_all(&state.db)
        .await?
        .into_iter()
        .filter(|a| !Role::parse(&a.role).is_ok_and(Role::is_member_role))
        .collect();
    let platforms = reference::platforms(&state.db).await?;
    Ok(AccountsPage {
        ctx,
        accounts,
        platforms,
        roles: PLATFORM_ROLES,
        f,
        errs,
        created,
    })
}

/// `GET /admin/accounts`.
pub async fn accounts(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.authorize(Action::CreateOrganisation, Resource::Installation)?;
    render(&page(&state, ctx, Fields::default(), FieldErrors::new(), None).await?)
}

/// `POST /admin/accounts`: a chair (of one regional platform), a platform coordinator or an
/// administrator, with a temporary password shown once.
pub async fn create_account(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let user = ctx
        .authorize(Action::CreateOrganisation, Resource::Installation)?
        .clone();
    let mut errs = FieldErrors::new();
    let email = errs.check("email", parse_email(f.get("email")));
    let name = errs.check("display_name", Name::parse(f.get("display_name")));
    let role = errs.check(
        "role",
        Role::parse(f.get("role")).and_then(|r| {
            if PLATFORM_ROLES.contains(&r) {
                Ok(r)
            } else {
                Err("choice_invalid")
            }
        }),
    );
    let platforms = reference::platforms(&state.db).await?;
    let platform = match role {
        Some(Role::RegionalChair) => {
            let p = f.get("platform").parse::<i64>().ok().filter(|id| {
                platforms
                    .iter()
                    .any(|p| p.id == *id && p.kind == "regional")
            });
            if p.is_none() {
                errs.push("platform", "platform_required");
            }
            p
        }
        Some(Role::PlatformCoordinator) => {
            platforms.iter().find(|p| p.kind == "flemish").map(|p| p.id)
        }
        _ => None,
    };
    if let (Some(email), Some(name), Some(role), true) = (email, name, role, errs.is_empty()) {
        let password = temporary_password();
        let new = NewAccount {
            email: email.clone(),
            display_name: name.as_str().to_owned(),
            role,
            org_id: None,
            platform_id: platform,
            password: password.clone(),
            must_change_password: true,
        };
        match accounts::create(&state.db, Some(user.account.id), new).await {
            Ok(_) => {
                return render(
                    &page(
                        &state,
                        ctx,
                        Fields::default(),
                        FieldErrors::new(),
                        Some((email, password)),
                    )
                    .await?,
                );
            }
            Err(StoreError::Duplicate(_)) => errs.push("email", "email_taken"),
            Err(e) => return Err(e.into()),
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &page(&state, ctx, f, errs, None).await?,
    )
}
