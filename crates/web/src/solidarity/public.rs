//! The public forms (no account): a help request and the volunteer sign-up, in Dutch, French,
//! English, Turkish and Arabic (right to left). No JavaScript; printable.
//!
//! Spam is kept out without any third-party service: a field people do not see (a honeypot;
//! filled in only by robots, whose posts are thanked and dropped), and a signed timestamp in
//! the form: a post that comes back sooner than [`MIN_FILL`] after the form was shown, or later
//! than [`MAX_AGE`], or with a forged stamp, is shown again with a message and the answers
//! kept. Nothing is stored from a form that is not sent.

use super::pages::{GridRow, grid, parse_grid, parse_languages};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::Fields;
use crate::pages::{render, render_status};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};
use sterk_domain::FieldErrors;
use sterk_domain::client::LANGUAGES;
use sterk_i18n::{I18n, PublicLang};
use sterk_store::orgs::{self, OrgName};
use sterk_store::solidarity::{self as store, KINDS, NewPublicRequest, SCREENINGS};
use sterk_store::{StoreError, now_ms, reference};

/// A form sent back sooner than this (ms) after it was shown is treated as automated.
pub const MIN_FILL: i64 = 3_000;
/// A form older than this (ms) must be shown again.
pub const MAX_AGE: i64 = 4 * 3_600_000;

fn key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut k = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut k);
        k
    })
}

fn sign(ms: i64) -> String {
    let mut h = Sha256::new();
    h.update(key());
    h.update(ms.to_string().as_bytes());
    h.update(key());
    let d = h.finalize();
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A fresh stamp for a form shown now.
pub fn stamp_now() -> String {
    stamp_at(now_ms())
}

/// A stamp for a form shown at `ms` (tests make old stamps with it).
pub fn stamp_at(ms: i64) -> String {
    format!("{ms}.{}", sign(ms))
}

/// Why a stamp is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StampProblem {
    /// Missing or forged.
    Invalid,
    /// Sent too fast.
    TooFast,
    /// Too old.
    Expired,
}

/// Checks a stamp at `now` (ms).
pub fn check_stamp(stamp: &str, now: i64) -> Result<(), StampProblem> {
    let (ms, sig) = stamp.split_once('.').ok_or(StampProblem::Invalid)?;
    let ms: i64 = ms.parse().map_err(|_| StampProblem::Invalid)?;
    let expected = sign(ms);
    let same = expected.len() == sig.len()
        && expected
            .bytes()
            .zip(sig.bytes())
            .fold(0u8, |a, (x, y)| a | (x ^ y))
            == 0;
    if !same {
        return Err(StampProblem::Invalid);
    }
    let age = now - ms;
    if age < MIN_FILL {
        return Err(StampProblem::TooFast);
    }
    if age > MAX_AGE {
        return Err(StampProblem::Expired);
    }
    Ok(())
}

/// What every public form page needs: the language, translations, the CSRF token.
pub struct Pub {
    /// The form's language.
    pub lang: PublicLang,
    i18n: Arc<I18n>,
    /// CSRF token.
    pub csrf: String,
    /// The current path (for the language links).
    pub path: String,
}

impl Pub {
    /// Translates.
    pub fn t(&self, key: &str) -> String {
        self.i18n.t_public(self.lang, key, &[])
    }
    /// Translates `prefix-code`.
    pub fn code(&self, prefix: &str, code: &str) -> String {
        self.t(&format!("{prefix}-{}", code.replace('_', "-")))
    }
    /// The five languages, for the links.
    pub fn languages(&self) -> [PublicLang; 5] {
        PublicLang::ALL
    }
    /// The error message for a field.
    pub fn err(&self, errs: &FieldErrors, field: &str) -> Option<String> {
        errs.for_field(field).map(|_| {
            self.t(&format!(
                "solidarity-public-error-{}",
                field.replace('_', "-")
            ))
        })
    }
}

/// `?lang=` of the public forms.
#[derive(serde::Deserialize, Default)]
pub struct LangQuery {
    /// nl, fr, en, tr or ar.
    #[serde(default)]
    pub lang: String,
}

async fn pub_ctx(state: &AppState, ctx: &Ctx, lang: &str, path: &str) -> Pub {
    let lang = PublicLang::parse(lang).unwrap_or(PublicLang::Ui(ctx.lang));
    Pub {
        lang,
        i18n: state.i18n.clone(),
        csrf: crate::csrf::token(&ctx.session).await,
        path: path.to_owned(),
    }
}

#[derive(Template)]
#[template(path = "solidarity/public_help.html")]
struct HelpPage {
    p: Pub,
    f: Fields,
    errs: FieldErrors,
    stamp: String,
    orgs: Vec<OrgName>,
    parts: Vec<String>,
    grid: Vec<GridRow>,
    notice: Option<String>,
}

impl HelpPage {
    fn checked(&self, key: &str, value: &str) -> bool {
        self.f.has(key, value)
    }
    fn kinds(&self) -> &'static [&'static str] {
        &KINDS
    }
    fn langs(&self) -> &'static [&'static str] {
        &LANGUAGES
    }
}

async fn help_page(
    state: &AppState,
    p: Pub,
    f: Fields,
    errs: FieldErrors,
    notice: Option<&str>,
) -> Result<HelpPage, AppError> {
    let orgs = orgs::names(&state.db).await?.as_ref().clone();
    let (parts, grid) = grid(&|k| p.t(k), parse_grid(&f));
    let notice = notice.map(|k| p.t(k));
    Ok(HelpPage {
        p,
        f,
        errs,
        stamp: stamp_now(),
        orgs,
        parts,
        grid,
        notice,
    })
}

/// `GET /hulp[?lang=]`: the public help-request form.
pub async fn help_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LangQuery>,
) -> Result<Response, AppError> {
    let p = pub_ctx(&state, &ctx, &q.lang, "/hulp").await;
    let f = Fields(vec![("lang".into(), p.lang.code().into())]);
    render(&help_page(&state, p, f, FieldErrors::new(), None).await?)
}

async fn place(
    state: &AppState,
    f: &Fields,
    errs: &mut FieldErrors,
) -> Result<(String, String), AppError> {
    let postcode = f.get("postcode").trim().to_owned();
    if postcode.len() == 4 && postcode.chars().all(|c| c.is_ascii_digit()) {
        let munis = reference::municipalities_for_postcode(&state.db, &postcode).await?;
        if let Some(m) = munis.first() {
            return Ok((m.refnis.clone(), postcode));
        }
    }
    errs.push("postcode", "postcode_invalid");
    Ok((String::new(), postcode))
}

fn stamp_notice(f: &Fields) -> Option<&'static str> {
    match check_stamp(f.get("stamp"), now_ms()) {
        Ok(()) => None,
        Err(StampProblem::TooFast) => Some("solidarity-public-too-fast"),
        Err(_) => Some("solidarity-public-expired"),
    }
}

/// `POST /hulp`: stores a submitted help request for the chosen organisation.
pub async fn help_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let p = pub_ctx(&state, &ctx, f.get("lang"), "/hulp").await;
    let lang = p.lang.code();
    if !f.get("website").is_empty() {
        // The honeypot: only robots fill it in. Thank them and store nothing.
        return Ok(Redirect::to(&format!("/hulp/bedankt?lang={lang}")).into_response());
    }
    let mut errs = FieldErrors::new();
    let org = f.get("org").parse::<i64>().ok();
    if org.is_none() {
        errs.push("org", "required");
    }
    let (refnis, postcode) = place(&state, &f, &mut errs).await?;
    let opt = |k: &str| Some(f.get(k).trim().to_owned()).filter(|s| !s.is_empty());
    let r = NewPublicRequest {
        name: f.get("name").trim().to_owned(),
        phone: opt("phone"),
        email: opt("email"),
        kind: f.get("kind").to_owned(),
        refnis,
        postcode,
        languages: parse_languages(&f),
        availability: parse_grid(&f),
        needs: f.get("needs").trim().to_owned(),
        lang: lang.to_owned(),
    };
    if r.phone.as_ref().is_some_and(|x| x.chars().count() > 40) {
        errs.push("phone", "too_long");
    }
    if r.email
        .as_ref()
        .is_some_and(|e| !e.contains('@') || e.len() > 200)
    {
        errs.push("email", "email_invalid");
    }
    if let Err((field, code)) = store::validate_public(&r)
        && errs.for_field(field).is_none()
    {
        errs.push(field, code);
    }
    let notice = stamp_notice(&f);
    if !errs.is_empty() || notice.is_some() {
        let notice = notice.or(Some("solidarity-public-fix"));
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &help_page(&state, p, f, errs, notice).await?,
        );
    }
    match store::create_public_request(&state.db, org.unwrap_or(0), &r).await {
        Ok(_) => Ok(Redirect::to(&format!("/hulp/bedankt?lang={lang}")).into_response()),
        Err(StoreError::Refused(code)) => {
            let field = if code == "solidarity-org-required" {
                "org"
            } else {
                "postcode"
            };
            errs.push(field, code);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &help_page(&state, p, f, errs, Some("solidarity-public-fix")).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "solidarity/public_volunteer.html")]
struct VolunteerPage {
    p: Pub,
    f: Fields,
    errs: FieldErrors,
    stamp: String,
    orgs: Vec<OrgName>,
    parts: Vec<String>,
    grid: Vec<GridRow>,
    notice: Option<String>,
}

impl VolunteerPage {
    fn checked(&self, key: &str, value: &str) -> bool {
        self.f.has(key, value)
    }
    fn kinds(&self) -> &'static [&'static str] {
        &KINDS
    }
    fn langs(&self) -> &'static [&'static str] {
        &LANGUAGES
    }
    fn screenings(&self) -> &'static [&'static str] {
        &SCREENINGS
    }
}

async fn volunteer_page(
    state: &AppState,
    p: Pub,
    f: Fields,
    errs: FieldErrors,
    notice: Option<&str>,
) -> Result<VolunteerPage, AppError> {
    let orgs = orgs::names(&state.db).await?.as_ref().clone();
    let (parts, grid) = grid(&|k| p.t(k), parse_grid(&f));
    let notice = notice.map(|k| p.t(k));
    Ok(VolunteerPage {
        p,
        f,
        errs,
        stamp: stamp_now(),
        orgs,
        parts,
        grid,
        notice,
    })
}

/// `GET /hulp/vrijwilliger[?lang=]`: the public volunteer sign-up.
pub async fn volunteer_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LangQuery>,
) -> Result<Response, AppError> {
    let p = pub_ctx(&state, &ctx, &q.lang, "/hulp/vrijwilliger").await;
    let f = Fields(vec![
        ("lang".into(), p.lang.code().into()),
        ("capacity".into(), "1".into()),
        ("radius_km".into(), "5".into()),
    ]);
    render(&volunteer_page(&state, p, f, FieldErrors::new(), None).await?)
}

/// `POST /hulp/vrijwilliger`: registers the volunteer with the chosen organisation.
pub async fn volunteer_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    f: Fields,
) -> Result<Response, AppError> {
    let p = pub_ctx(&state, &ctx, f.get("lang"), "/hulp/vrijwilliger").await;
    let lang = p.lang.code();
    if !f.get("website").is_empty() {
        return Ok(Redirect::to(&format!("/hulp/bedankt?lang={lang}&v=1")).into_response());
    }
    let mut errs = FieldErrors::new();
    let org = f.get("org").parse::<i64>().ok();
    if org.is_none() {
        errs.push("org", "required");
    }
    let v = super::pages::parse_volunteer(&state, &f, &mut errs).await?;
    if v.email.is_none() && v.phone.is_none() && errs.for_field("phone").is_none() {
        errs.push("phone", "solidarity-contact-required");
    }
    let notice = stamp_notice(&f);
    if !errs.is_empty() || notice.is_some() {
        let notice = notice.or(Some("solidarity-public-fix"));
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &volunteer_page(&state, p, f, errs, notice).await?,
        );
    }
    let org = org.unwrap_or(0);
    if orgs::get(&state.db, org).await.is_err() {
        errs.push("org", "required");
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &volunteer_page(&state, p, f, errs, Some("solidarity-public-fix")).await?,
        );
    }
    match store::create_volunteer(&state.db, org, None, "public", &v).await {
        Ok(_) => Ok(Redirect::to(&format!("/hulp/bedankt?lang={lang}&v=1")).into_response()),
        Err(StoreError::Refused(code)) => {
            errs.push(
                if code.contains("postcode") {
                    "postcode"
                } else {
                    "form"
                },
                code,
            );
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &volunteer_page(&state, p, f, errs, Some("solidarity-public-fix")).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "solidarity/public_thanks.html")]
struct ThanksPage {
    p: Pub,
    volunteer: bool,
}

/// `?lang=&v=` of the thank-you page.
#[derive(serde::Deserialize, Default)]
pub struct ThanksQuery {
    /// Language.
    #[serde(default)]
    pub lang: String,
    /// `1` after the volunteer sign-up.
    #[serde(default)]
    pub v: String,
}

/// `GET /hulp/bedankt`: what happens next.
pub async fn thanks(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ThanksQuery>,
) -> Result<Response, AppError> {
    let p = pub_ctx(&state, &ctx, &q.lang, "/hulp/bedankt").await;
    render(&ThanksPage {
        p,
        volunteer: q.v == "1",
    })
}

#[derive(Template)]
#[template(path = "solidarity/public_match.html")]
struct MatchPage {
    p: Pub,
    v: store::VolunteerView,
    when: String,
    token: String,
}

/// `GET /hulp/koppeling/{token}[?lang=]`: the volunteer sees the task (never the person's
/// name) and answers; after accepting, the address if the person consented.
pub async fn match_page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Path(token): axum::extract::Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, AppError> {
    let p = pub_ctx(&state, &ctx, &q.lang, &format!("/hulp/koppeling/{token}")).await;
    let v = store::volunteer_view(&state.db, &token).await?;
    let when = super::pages::grid_text(&|k| p.t(k), v.availability);
    render(&MatchPage { p, v, when, token })
}

/// `POST /hulp/koppeling/{token}`: accept or decline.
pub async fn match_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Path(token): axum::extract::Path<String>,
    f: Fields,
) -> Result<Response, AppError> {
    let p = pub_ctx(&state, &ctx, f.get("lang"), "/hulp").await;
    let accept = match f.get("answer") {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    match store::volunteer_answer(&state.db, &token, accept).await {
        Ok(()) | Err(StoreError::Refused("solidarity-step-invalid")) => {}
        Err(StoreError::Refused(_)) => {
            return Err(AppError::BadRequest(
                "error-consent-missing-share-with-volunteer",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/hulp/koppeling/{token}?lang={}", p.lang.code())).into_response())
}
