//! Pages of signals: the overview of the organisation's signals and candidates, the form
//! with the personal-data check, one signal with bundling suggestions, and the inbox.

use super::{Names, scope};
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
use sterk_domain::access::{Action, Resource};
use sterk_signals::form::{self, EVIDENCE, LIFE_DOMAINS, RawSignal, TARGET_GROUPS};
use sterk_signals::pii::{self, Finding, NameList};
use sterk_store::StoreError;
use sterk_store::reference::{self, MunicipalityRow};
use sterk_store::signals::{
    self, CandidateRow, DossierFilter, DossierRow, EventRow, ResponseRow, SignalRow, Source,
    Suggestion,
};

#[derive(Template)]
#[template(path = "signals/overview.html")]
struct Overview {
    ctx: Ctx,
    names: Names,
    signals: Vec<SignalRow>,
    candidates: Vec<CandidateRow>,
}

/// `GET /signals`: the organisation's signals and the candidates waiting to become one.
pub async fn overview(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::RegisterSignal)?;
    let signals = signals::own_signals(&state.db, &user.actor).await?;
    let candidates = signals::candidates(&state.db, &user.actor).await?;
    let platforms = reference::platforms(&state.db).await?;
    render(&Overview {
        names: Names::new(&state, &ctx, &platforms),
        ctx,
        signals,
        candidates,
    })
}

/// A personal-data warning on one field, for the template.
pub struct Warning {
    /// The text before, the suspicious part and the rest: (plain, marked) pieces.
    pub pieces: Vec<(String, bool)>,
    /// What each finding looks like, translated.
    pub kinds: Vec<String>,
    /// Whether the worker may confirm (no national number, no e-mail).
    pub can_confirm: bool,
    /// The fingerprint to confirm.
    pub fingerprint: String,
}

fn warning(ctx: &Ctx, text: &str, found: &[Finding]) -> Warning {
    let mut pieces = Vec::new();
    let mut at = 0;
    for f in found {
        if let (Some(before), Some(hit)) = (text.get(at..f.start), text.get(f.start..f.end)) {
            pieces.push((before.to_owned(), false));
            pieces.push((hit.to_owned(), true));
            at = f.end;
        }
    }
    pieces.push((text.get(at..).unwrap_or("").to_owned(), false));
    let mut kinds: Vec<String> = found
        .iter()
        .map(|f| ctx.code("pii", f.kind.code()))
        .collect();
    kinds.dedup();
    Warning {
        pieces,
        kinds,
        can_confirm: found.iter().all(|f| f.kind.can_confirm()),
        fingerprint: pii::fingerprint(text, found),
    }
}

#[derive(Template)]
#[template(path = "signals/form.html")]
struct FormPage {
    ctx: Ctx,
    names: Names,
    f: Fields,
    errs: FieldErrors,
    municipalities: Vec<MunicipalityRow>,
    clients: Vec<signals::ConsentingClient>,
    from: String,
    candidate: Option<CandidateRow>,
    warn_what: Option<Warning>,
    warn_testimony: Option<Warning>,
}

impl FormPage {
    fn sel(&self, key: &str, value: &str) -> bool {
        self.f.get(key) == value
    }
    fn checked(&self, key: &str, value: &str) -> bool {
        self.f.has(key, value)
    }
    fn challenges(&self) -> Vec<&'static str> {
        form::challenges().collect()
    }
    fn life_domains(&self) -> [&'static str; 10] {
        LIFE_DOMAINS
    }
    fn target_groups(&self) -> [&'static str; 10] {
        TARGET_GROUPS
    }
    fn evidence_kinds(&self) -> [&'static str; 3] {
        EVIDENCE
    }
}

fn parse_from(from: &str) -> Option<(&'static str, i64)> {
    let (kind, id) = from.split_once(':')?;
    let kind = match kind {
        "signal_candidate" => "signal_candidate",
        "help_candidate" => "help_candidate",
        _ => return None,
    };
    Some((kind, id.parse().ok()?))
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: Ctx,
    f: Fields,
    errs: FieldErrors,
    candidate: Option<CandidateRow>,
    warn_what: Option<Warning>,
    warn_testimony: Option<Warning>,
) -> Result<FormPage, AppError> {
    let user = ctx.require_user()?.clone();
    let platforms = reference::platforms(&state.db).await?;
    let municipalities = reference::municipalities(&state.db).await?;
    let clients = signals::consenting_clients(&state.db, &user.actor, crate::ctx::today()).await?;
    Ok(FormPage {
        names: Names::new(state, &ctx, &platforms),
        from: candidate
            .as_ref()
            .map(|c| format!("{}:{}", c.kind, c.id))
            .unwrap_or_default(),
        ctx,
        f,
        errs,
        municipalities,
        clients,
        candidate,
        warn_what,
        warn_testimony,
    })
}

/// `GET /signals/new[?from=signal_candidate:ID|help_candidate:ID]`: the form, prefilled from
/// a candidate of the rights module or a call round.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (org, user) = ctx.authorize_own(Action::RegisterSignal)?;
    let q = Fields(q);
    let mut f = Fields::default();
    let mut candidate = None;
    if let Some((kind, id)) = parse_from(q.get("from")) {
        let c = signals::candidate(&state.db, &user.actor, kind, id).await?;
        f.0.push(("what".into(), c.text.clone()));
        if let Some(r) = &c.right_id {
            f.0.push(("subject".into(), format!("right:{r}")));
            f.0.push(("challenge".into(), "onderbescherming".into()));
        }
        if let Some(n) = &c.refnis {
            f.0.push(("refnis".into(), n.clone()));
        }
        f.0.push(("evidence".into(), "cases".into()));
        f.0.push(("people".into(), "1".into()));
        candidate = Some(c);
    }
    if f.get("refnis").is_empty() {
        let o = sterk_store::orgs::get(&state.db, org).await?;
        f.0.push(("refnis".into(), o.refnis));
    }
    let today = crate::ctx::today();
    f.0.push((
        "since".into(),
        format!("{:04}-{:02}", today.year(), today.month() as u8),
    ));
    render(&form_page(&state, ctx, f, FieldErrors::new(), candidate, None, None).await?)
}

/// `POST /signals/new`: parse, check for personal data, save. A warning keeps the text and
/// saves nothing until the worker removed the data or confirmed it is none.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let (_, user) = ctx.authorize_own(Action::RegisterSignal)?;
    let today = crate::ctx::today();
    let candidate = match parse_from(f.get("from")) {
        Some((kind, id)) => Some(signals::candidate(&state.db, &user.actor, kind, id).await?),
        None => None,
    };
    let raw = RawSignal {
        what: f.get("what"),
        subject: f.get("subject"),
        challenge: f.get("challenge"),
        target_groups: f.all("target_group"),
        refnis: f.get("refnis"),
        people: f.get("people"),
        since: f.get("since"),
        evidence: f.all("evidence"),
        testimony: f.get("testimony"),
        testimony_client: f.get("testimony_client"),
    };
    let rights = &state.rights;
    let is_right = |id: &str| rights.model.right(id).is_some();
    let parsed = form::parse(&raw, &is_right, today);
    // The personal-data check runs on every submit, also when other fields have errors, so
    // the worker sees everything at once.
    let names = signals::client_names(&state.db, &user.actor).await?;
    let list = NameList::new(names.iter().map(String::as_str));
    let mut errs = match &parsed {
        Ok(_) => FieldErrors::new(),
        Err(e) => e.clone(),
    };
    // The read of the names is audited with the signal when it is saved, else on its own.
    let mut check = signals::PiiCheck {
        names_read: true,
        ..Default::default()
    };
    let mut warn = |field: &str, text: &str, errs: &mut FieldErrors| {
        let found = pii::scan(text, &list);
        if pii::cleared(text, &found, f.get(&format!("pii_ok_{field}"))) {
            check
                .confirmed
                .extend(found.iter().map(|x| format!("{field}:{}", x.kind.code())));
            None
        } else {
            errs.push(field, "personal_data");
            Some(warning(&ctx, text, &found))
        }
    };
    let warn_what = warn("what", raw.what.trim(), &mut errs);
    let warn_testimony = warn("testimony", raw.testimony.trim(), &mut errs);
    let result = match parsed {
        Ok(s) if errs.is_empty() => {
            let source = match &candidate {
                Some(c) if c.kind == "signal_candidate" => Source::SignalCandidate(c.id),
                Some(c) => Source::HelpCandidate(c.id),
                None => Source::Form,
            };
            match signals::register(&state.db, &user.actor, &s, source, today, &check).await {
                Ok(id) => Ok(id),
                Err(StoreError::Refused(code)) => {
                    let field = match code {
                        "refnis_unknown" => "refnis",
                        "candidate_used" => "what",
                        _ => "testimony_client",
                    };
                    errs.push(
                        field,
                        if code == "refnis_unknown" {
                            "municipality_unknown"
                        } else {
                            code
                        },
                    );
                    Err(errs)
                }
                Err(StoreError::NotFound) => {
                    errs.push("testimony_client", "testimony_consent_required");
                    Err(errs)
                }
                Err(e) => {
                    // Nothing was saved: the names' read is audited on its own (a failure
                    // to do so does not hide the first error).
                    let _ = signals::audit_client_names(&state.db, &user.actor).await;
                    return Err(e.into());
                }
            }
        }
        _ => Err(errs),
    };
    if result.is_err() {
        signals::audit_client_names(&state.db, &user.actor).await?;
    }
    match result {
        Ok(id) => {
            ctx.flash("flash-signal-saved").await;
            Ok(Redirect::to(&format!("/signals/{id}")).into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, ctx, f, errs, candidate, warn_what, warn_testimony).await?,
        ),
    }
}

#[derive(Template)]
#[template(path = "signals/show.html")]
struct ShowPage {
    ctx: Ctx,
    names: Names,
    s: SignalRow,
    suggestions: Vec<Suggestion>,
    open_dossiers: Vec<DossierRow>,
    can_bundle: bool,
}

/// `GET /signals/{id}`: one signal; for its own organisation, similar signals of other
/// organisations to bundle with it.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = ctx.authorize(Action::ViewDossiers, scope(&ctx))?.clone();
    let s = signals::get_signal(&state.db, &user.actor, id).await?;
    let own = user.actor.org == Some(s.org_id);
    let can_bundle = own && ctx.can(Action::BundleSignals, scope(&ctx));
    let (suggestions, open_dossiers) = if can_bundle && s.dossier_id.is_none() {
        let sugg = signals::suggestions(&state.db, &s, 10).await?;
        let open = signals::dossiers(&state.db, DossierFilter::Platform(s.platform_id))
            .await?
            .into_iter()
            .filter(|d| d.state().is_open())
            .collect();
        (sugg, open)
    } else {
        (Vec::new(), Vec::new())
    };
    let platforms = reference::platforms(&state.db).await?;
    render(&ShowPage {
        names: Names::new(&state, &ctx, &platforms),
        ctx,
        s,
        suggestions,
        open_dossiers,
        can_bundle,
    })
}

#[derive(Template)]
#[template(path = "signals/inbox.html")]
struct InboxPage {
    ctx: Ctx,
    names: Names,
    responses: Vec<ResponseRow>,
    events: Vec<EventRow>,
}

/// `GET /signals/inbox`: policy responses and changes of the dossiers that hold a signal
/// the signed-in person registered.
pub async fn inbox(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    if matches!(scope(&ctx), Resource::Installation) {
        return Err(AppError::Forbidden("error-forbidden"));
    }
    let responses = signals::inbox(&state.db, &user.actor).await?;
    let events = signals::inbox_events(&state.db, &user.actor).await?;
    let platforms = reference::platforms(&state.db).await?;
    render(&InboxPage {
        names: Names::new(&state, &ctx, &platforms),
        ctx,
        responses,
        events,
    })
}
