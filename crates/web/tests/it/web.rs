//! Black-box tests of the web interface and the API: a real server on a loopback port, a
//! fresh database each, the demo data set.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::TestApp;
use sterk_store::demo::DEMO_ACCOUNTS;

const ROLES: [&str; 8] = [
    "anonymous",
    "social_worker",
    "org_admin",
    "volunteer_coordinator",
    "volunteer",
    "regional_chair",
    "platform_coordinator",
    "admin",
];

fn email(role: &str) -> Option<&'static str> {
    DEMO_ACCOUNTS
        .iter()
        .find(|a| a.role.code() == role)
        .map(|a| a.email)
}

/// Expected status of GET `path` for `role`: 200 allowed, 403 forbidden, 404 not found,
/// 303 redirected (to the login page for anonymous visitors).
fn expected_get(path: &str, role: &str) -> u16 {
    let anon = role == "anonymous";
    let client_worker = matches!(
        role,
        "social_worker" | "org_admin" | "volunteer_coordinator"
    );
    let member = client_worker || role == "volunteer";
    let gent = matches!(role, "social_worker" | "org_admin");
    match path {
        "/" | "/platforms" | "/platforms/antwerpen" | "/platforms/vlaanderen" | "/healthz" => 200,
        // A published practice and an initiative with their links (issue 7): public.
        "/practices/1" | "/actieplan/initiatieven/1" => 200,
        "/login" => {
            if anon {
                200
            } else {
                303
            }
        }
        "/does-not-exist" | "/platforms/nowhere" => 404,
        _ if anon => 303,
        "/clients" | "/clients/new" | "/referrals" => {
            if client_worker {
                200
            } else {
                403
            }
        }
        "/clients/1" | "/clients/1/edit" => {
            if gent {
                200
            } else if client_worker {
                404
            } else {
                403
            }
        }
        "/clients/1/erase" | "/clients/1/export" => {
            if role == "org_admin" {
                200
            } else {
                403
            }
        }
        "/org" => {
            if member {
                200
            } else {
                403
            }
        }
        "/org/accounts/new" | "/org/audit" => {
            if role == "org_admin" {
                200
            } else {
                403
            }
        }
        "/admin/audit" | "/organisations/new" => {
            if role == "admin" {
                200
            } else {
                403
            }
        }
        "/vrijwilliger" => {
            if role == "volunteer" {
                200
            } else {
                403
            }
        }
        "/organisations" | "/organisations/1" | "/account" => 200,
        other => panic!("no expectation for {other}"),
    }
}

const PAGES: [&str; 25] = [
    "/",
    "/practices/1",
    "/actieplan/initiatieven/1",
    "/login",
    "/clients",
    "/clients/new",
    "/clients/1",
    "/clients/1/edit",
    "/clients/1/erase",
    "/clients/1/export",
    "/referrals",
    "/org",
    "/org/accounts/new",
    "/org/audit",
    "/admin/audit",
    "/organisations",
    "/organisations/1",
    "/organisations/new",
    "/platforms",
    "/platforms/antwerpen",
    "/platforms/vlaanderen",
    "/platforms/nowhere",
    "/account",
    "/vrijwilliger",
    "/does-not-exist",
];

#[tokio::test]
async fn every_page_against_every_role() {
    page_matrix(TestApp::start().await).await;
}

#[tokio::test]
async fn every_page_against_every_role_on_postgres() {
    page_matrix(TestApp::start_postgres("pagematrix").await).await;
}

async fn page_matrix(app: TestApp) {
    let mut failures = Vec::new();
    for role in ROLES {
        let mut c = match email(role) {
            Some(e) => app.login(e).await,
            None => app.client(),
        };
        for path in PAGES {
            let page = c.get(path).await;
            let want = expected_get(path, role);
            if page.status != want {
                failures.push(format!(
                    "{role} GET {path}: {} (wanted {want})",
                    page.status
                ));
            }
            if want == 303 && role == "anonymous" && path != "/login" {
                assert!(
                    page.location
                        .as_deref()
                        .unwrap_or("")
                        .starts_with("/login?next="),
                    "{path}"
                );
            }
            if want == 403 || want == 404 {
                assert!(
                    page.body.contains("<h1>"),
                    "{role} {path}: error pages are translated pages"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "route matrix:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_state_changing_route_against_every_role() {
    let app = TestApp::start().await;
    // Empty forms: allowed roles get a validation answer (422), or a redirect; others 403.
    let routes: [(&str, &[&str]); 13] = [
        ("/admin/accounts", &["admin"]),
        ("/vrijwilliger", &["volunteer"]),
        // Links of OCMW Gent's published practice (Oost-Vlaanderen): its organisation and
        // the reviewers of its region (issue 7).
        (
            "/practices/1/links",
            &[
                "social_worker",
                "org_admin",
                "regional_chair",
                "platform_coordinator",
            ],
        ),
        // A meeting of the Oost-Vlaanderen platform, with practices and dossiers discussed.
        (
            "/organen/oost-vlaanderen/vergaderingen",
            &["regional_chair", "platform_coordinator"],
        ),
        (
            "/clients/new",
            &["social_worker", "org_admin", "volunteer_coordinator"],
        ),
        ("/clients/1/edit", &["social_worker", "org_admin"]),
        ("/clients/1/consents", &["social_worker", "org_admin"]),
        ("/clients/1/refer", &["social_worker", "org_admin"]),
        ("/clients/1/erase", &["org_admin"]),
        ("/org/accounts/new", &["org_admin"]),
        ("/organisations/new", &["admin"]),
        (
            "/account/tokens",
            &[
                "social_worker",
                "org_admin",
                "volunteer_coordinator",
                "volunteer",
                "regional_chair",
                "platform_coordinator",
                "admin",
            ],
        ),
        (
            "/account/password",
            &[
                "social_worker",
                "org_admin",
                "volunteer_coordinator",
                "volunteer",
                "regional_chair",
                "platform_coordinator",
                "admin",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for role in ROLES.into_iter().skip(1) {
        let mut c = app.login(email(role).unwrap()).await;
        for (path, allowed) in routes {
            let page = c.post(path, &[]).await;
            let ok = allowed.contains(&role);
            let fine = if ok {
                page.status == 422
            } else {
                page.status == 403 || (page.status == 404 && path.starts_with("/clients/1"))
            };
            if !fine {
                failures.push(format!("{role} POST {path}: {}", page.status));
            }
        }
    }
    let mut anon = app.client();
    assert_eq!(
        anon.post("/clients/new", &[("name", "X")]).await.status,
        303,
        "anonymous: to the login page"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn csrf_token_is_required_on_every_form_post() {
    let app = TestApp::start().await;
    let mut c = app.login(email("social_worker").unwrap()).await;
    let page = c
        .post_without_csrf("/clients/new", &[("name", "Zonder token"), ("adults", "1")])
        .await;
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("formulier is verlopen"),
        "translated CSRF message"
    );
    let page = c
        .post_without_csrf(
            "/clients/new",
            &[("name", "Vals"), ("adults", "1"), ("_csrf", "0000")],
        )
        .await;
    assert_eq!(page.status, 403);
    let (_, total) = count_clients(&app).await;
    assert_eq!(total, 4, "nothing saved");
    let page = c
        .post("/clients/new", &[("name", "Met token"), ("adults", "1")])
        .await;
    assert_eq!(page.status, 303);
    // A cross-site Origin is refused even with the token.
    let token = c.csrf.clone().unwrap();
    let res = c
        .http
        .post(app.url("/clients/new"))
        .header(
            "cookie",
            format!("sterk_session={}", c.cookie.clone().unwrap()),
        )
        .header("origin", "https://evil.example")
        .form(&[("name", "X"), ("adults", "1"), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

async fn count_clients(app: &TestApp) -> (i64, i64) {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM clients")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    (0, n)
}

#[tokio::test]
async fn login_renews_the_session_and_logout_ends_it() {
    let app = TestApp::start().await;
    let mut c = app.client();
    c.get("/login").await;
    let before = c.cookie.clone().unwrap();
    let wrong = c
        .post(
            "/login",
            &[
                ("email", "werker@ocmw-gent.demo"),
                ("password", "fout wachtwoord"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("klopt niet"));
    let ok = c
        .post(
            "/login",
            &[
                ("email", "werker@ocmw-gent.demo"),
                ("password", sterk_store::demo::DEMO_PASSWORD),
                ("next", "/clients"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert_eq!(ok.location.as_deref(), Some("/clients"));
    let after = c.cookie.clone().unwrap();
    assert_ne!(before, after, "session id renewed at login");
    let set_cookie = ok
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    for attr in ["HttpOnly", "Secure", "SameSite=Lax"] {
        assert!(set_cookie.contains(attr), "{attr} in {set_cookie}");
    }
    assert_eq!(c.get("/clients").await.status, 200);
    // The old session id is worthless now.
    let mut stolen = app.client();
    stolen.cookie = Some(before);
    assert_eq!(stolen.get("/clients").await.status, 303);
    c.post("/logout", &[]).await;
    let mut replay = app.client();
    replay.cookie = Some(after);
    assert_eq!(
        replay.get("/clients").await.status,
        303,
        "a logged-out session cannot be replayed"
    );
    // Open redirects are refused.
    let mut d = app.client();
    d.get("/login").await;
    let p = d
        .post(
            "/login",
            &[
                ("email", "werker@ocmw-gent.demo"),
                ("password", sterk_store::demo::DEMO_PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/"));
}

#[tokio::test]
async fn logins_are_rate_limited() {
    let app = TestApp::start().await;
    let mut c = app.client();
    c.get("/login").await;
    for _ in 0..5 {
        assert_eq!(
            c.post(
                "/login",
                &[
                    ("email", "beheer@ocmw-gent.demo"),
                    ("password", "nee nee nee"),
                    ("next", "/")
                ]
            )
            .await
            .status,
            422
        );
    }
    let p = c
        .post(
            "/login",
            &[
                ("email", "beheer@ocmw-gent.demo"),
                ("password", sterk_store::demo::DEMO_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(p.status, 429);
    assert!(p.body.contains("Te veel"));
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::start().await;
    let mut c = app.client();
    for path in ["/", "/login", "/does-not-exist", "/static/app.css"] {
        let p = c.get(path).await;
        let csp = p
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(p.headers.get("x-frame-options").unwrap(), "DENY");
        assert_eq!(p.headers.get("x-content-type-options").unwrap(), "nosniff");
    }
    let home = c.get("/").await;
    assert!(
        !home.body.contains("<script>") && !home.body.contains(" style="),
        "no inline script or style"
    );
}

#[tokio::test]
async fn a_client_form_with_errors_names_the_fields_keeps_the_values_and_saves_nothing() {
    let app = TestApp::start().await;
    let mut c = app.login(email("social_worker").unwrap()).await;
    let page = c
        .post(
            "/clients/new",
            &[
                ("name", "Mevrouw Janssens"),
                ("birth", "31/02/1950"),
                ("adults", "0"),
                ("phone", "abc"),
                ("channels", "phone"),
                ("languages", "klingon"),
                ("notes", "typed text kept"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    for message in [
        "geboortejaar",
        "te klein",
        "telefoonnummer",
        "Kies een van de mogelijkheden",
    ] {
        assert!(page.body.contains(message), "message {message:?} missing");
    }
    assert!(
        page.body.contains("value=\"Mevrouw Janssens\"") && page.body.contains("typed text kept"),
        "values kept"
    );
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert_eq!(count_clients(&app).await.1, 4);
}

#[tokio::test]
async fn a_worker_records_a_client_consents_and_a_referral() {
    let app = TestApp::start_postgres("webflow").await;
    let mut c = app.login(email("social_worker").unwrap()).await;
    let page = c
        .post(
            "/clients/new",
            &[
                ("name", "Meneer Peeters"),
                ("birth", "1941"),
                ("refnis", "44021"),
                ("languages", "nl"),
                ("languages", "fr"),
                ("channels", "phone"),
                ("phone", "0470 12 34 56"),
                ("adults", "1"),
                ("children", "0"),
                ("lives_alone", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let client_path = page.location.unwrap();
    let show = c.get(&client_path).await;
    assert!(
        show.body.contains("Meneer Peeters")
            && show.body.contains("Gent")
            && show.body.contains("Woont alleen")
    );
    let refer_path = format!("{client_path}/refer");
    let refused = c
        .post(
            &refer_path,
            &[("to_org", "2"), ("referral_note", "schuldhulp")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("geen geldige toestemming"),
        "the missing consent is named"
    );
    let today = sterk_domain::values::format_date(time::OffsetDateTime::now_utc().date());
    let consent = c
        .post(
            &format!("{client_path}/consents"),
            &[
                ("purpose", "referral"),
                ("recipient_org", "2"),
                ("method", "oral"),
                ("given_on", &today),
            ],
        )
        .await;
    assert_eq!(consent.status, 303);
    assert_eq!(
        c.post(
            &refer_path,
            &[("to_org", "2"), ("referral_note", "schuldhulp")]
        )
        .await
        .status,
        303
    );
    // The audit trail of the organisation shows it, for the organisation's administrator.
    let mut admin = app.login(email("org_admin").unwrap()).await;
    let audit = admin.get("/org/audit").await;
    for action in [
        "Cliënt geregistreerd",
        "Cliënt bekeken",
        "Toestemming geregistreerd",
        "Doorverwezen",
    ] {
        assert!(audit.body.contains(action), "{action}");
    }
    let export = admin.get(&format!("{client_path}/export")).await;
    assert!(export.body.contains("\"Meneer Peeters\"") && export.body.contains("\"referral\""));
}

#[tokio::test]
async fn a_one_time_message_is_shown_once_and_forged_ones_are_ignored() {
    let app = TestApp::start().await;
    let mut c = app.login(email("social_worker").unwrap()).await;
    let page = c
        .post(
            "/clients/new",
            &[
                ("name", "Mevrouw Flash"),
                ("birth", "1950"),
                ("refnis", "44021"),
                ("languages", "nl"),
                ("channels", "visit"),
                ("adults", "1"),
                ("children", "0"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(c.flash.as_deref(), Some("flash-client-created"));
    let path = page.location.unwrap();
    let shown = c.get(&path).await;
    assert!(
        shown.body.contains("class=\"flash\""),
        "the message is shown on the next page"
    );
    assert!(c.flash.is_none(), "and its cookie is cleared");
    let again = c.get(&path).await;
    assert!(!again.body.contains("class=\"flash\""), "only once");
    // A cookie that is not a message key shows nothing (and does not echo its value).
    for forged in [
        "flash-nope-not-a-key",
        "<script>alert(1)</script>",
        "account_id",
    ] {
        c.flash = Some(forged.to_owned());
        let page = c.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("class=\"flash\""), "{forged}");
        assert!(!page.body.contains("alert(1)"), "{forged}");
    }
    // Modules name their messages in their own namespace; those are carried too.
    c.flash = Some("solidarity-flash-fund".to_owned());
    let module = c.get(&path).await;
    assert!(
        module.body.contains("class=\"flash\""),
        "a module's message is shown"
    );
}

#[tokio::test]
async fn a_deactivated_account_is_signed_out_at_its_next_request() {
    // The account comes with the session's load (one statement); a change to the account
    // must still count at once.
    let app = TestApp::start().await;
    let mut c = app.login(email("social_worker").unwrap()).await;
    assert_eq!(c.get("/clients").await.status, 200);
    sqlx::query("UPDATE accounts SET active = 0 WHERE email = $1")
        .bind(email("social_worker").unwrap())
        .execute(app.db.reader())
        .await
        .unwrap();
    let page = c.get("/clients").await;
    assert_ne!(page.status, 200, "{}", page.body);
}

#[tokio::test]
async fn languages_switch_and_are_remembered() {
    let app = TestApp::start().await;
    let mut c = app.client();
    assert!(c.get("/").await.body.contains("lang=\"nl-BE\""));
    let p = c
        .post("/lang", &[("lang", "fr"), ("next", "/platforms")])
        .await;
    assert_eq!(p.location.as_deref(), Some("/platforms"));
    assert!(c.get("/platforms").await.body.contains("lang=\"fr-BE\""));
    let mut en = app.client();
    en.lang = Some("en-GB,en;q=0.9".into());
    assert!(en.get("/").await.body.contains("lang=\"en\""));
}

#[tokio::test]
async fn the_api_needs_a_token_and_validates_every_field() {
    let app = TestApp::start().await;
    let http = reqwest::Client::new();
    let res = http.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    // A token made on the account page.
    let mut c = app.login(email("social_worker").unwrap()).await;
    let page = c.post("/account/tokens", &[("token_name", "script")]).await;
    let start = page.body.find("sterk_").unwrap();
    let token = page.body[start..start + 70].to_owned();
    let auth = format!("Bearer {token}");
    let me: serde_json::Value = http
        .get(app.url("/api/v1/me"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "social_worker");
    let bad = http
        .post(app.url("/api/v1/clients"))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let invalid = http
        .post(app.url("/api/v1/clients"))
        .header("authorization", &auth)
        .header("accept-language", "fr")
        .json(&serde_json::json!({"name": "", "birth": "2999", "refnis": "99999", "adults": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status().as_u16(), 422);
    let body: serde_json::Value = invalid.json().await.unwrap();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "birth", "adults"]);
    let created = http
        .post(app.url("/api/v1/clients"))
        .header("authorization", &auth)
        .json(&serde_json::json!({"name": "Via API", "refnis": "44021"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let id = created.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let got: serde_json::Value = http
        .get(app.url(&format!("/api/v1/clients/{id}")))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["name"], "Via API");
    // Another organisation's worker cannot see it.
    let mut other = app.login(email("volunteer_coordinator").unwrap()).await;
    let p = other.post("/account/tokens", &[("token_name", "x")]).await;
    let s = p.body.find("sterk_").unwrap();
    let other_auth = format!("Bearer {}", &p.body[s..s + 70]);
    assert_eq!(
        http.get(app.url(&format!("/api/v1/clients/{id}")))
            .header("authorization", &other_auth)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    // Revoked tokens stop working at once.
    let tokens = c.get("/account").await;
    let at = tokens.body.find("/account/tokens/").unwrap();
    let rest = &tokens.body[at + 16..];
    let tid = &rest[..rest.find('/').unwrap()];
    c.post(&format!("/account/tokens/{tid}/revoke"), &[]).await;
    assert_eq!(
        http.get(app.url("/api/v1/me"))
            .header("authorization", &auth)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
}

#[tokio::test]
async fn the_openapi_document_is_committed() {
    let app = TestApp::start().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn hostile_input_never_makes_the_server_fail() {
    let app = TestApp::start().await;
    let mut c = app.login(email("org_admin").unwrap()).await;
    let nasty = [
        "",
        "\u{0}",
        "'; DROP TABLE clients; --",
        "<script>alert(1)</script>",
        &"x".repeat(100_000),
        "%%%",
        "\u{202e}gnp.exe",
        "-1",
        "99999999999999999999999",
    ];
    for v in nasty {
        for path in [
            "/clients/new",
            "/clients/1/consents",
            "/clients/1/refer",
            "/org/accounts/new",
            "/account/password",
            "/account/tokens",
            "/lang",
            "/clients/1/erase",
        ] {
            let fields = [
                ("name", v),
                ("birth", v),
                ("refnis", v),
                ("adults", v),
                ("children", v),
                ("phone", v),
                ("email", v),
                ("purpose", v),
                ("given_on", v),
                ("to_org", v),
                ("lang", v),
                ("role", v),
                ("display_name", v),
                ("token_name", v),
                ("confirm", v),
                ("new_password", v),
            ];
            let p = c.post(path, &fields).await;
            assert!(
                p.status < 500,
                "{path} with {:?}: {}",
                &v[..v.len().min(20)],
                p.status
            );
            assert!(!p.body.contains("<script>alert(1)</script>"), "escaped");
        }
        let v: String = v
            .chars()
            .take(500)
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_string()
                } else {
                    format!("%{:02X}", c as u32 % 256)
                }
            })
            .collect();
        for path in [
            format!("/clients/{v}"),
            format!("/clients?q={v}&page={v}"),
            format!("/org/audit?before={v}"),
        ] {
            let p = c.get(&path).await;
            assert!(p.status < 500, "{path}: {}", p.status);
        }
    }
    assert_eq!(count_clients(&app).await.1, 4, "nothing half-saved");
}

#[tokio::test]
async fn an_org_admin_creates_an_account_and_the_new_person_signs_in() {
    let app = TestApp::start().await;
    let mut admin = app.login(email("org_admin").unwrap()).await;
    let p = admin
        .post(
            "/org/accounts/new",
            &[
                ("display_name", "Nieuwe Collega"),
                ("email", "nieuw@ocmw-gent.demo"),
                ("role", "social_worker"),
            ],
        )
        .await;
    assert_eq!(p.status, 200);
    let start = p.body.find("<code>").unwrap() + 6;
    let password = p.body[start..start + 19].to_owned();
    let dup = admin
        .post(
            "/org/accounts/new",
            &[
                ("display_name", "Dubbel"),
                ("email", "nieuw@ocmw-gent.demo"),
                ("role", "social_worker"),
            ],
        )
        .await;
    assert_eq!(dup.status, 422);
    let escalate = admin
        .post(
            "/org/accounts/new",
            &[
                ("display_name", "Baas"),
                ("email", "baas@x.be"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(
        escalate.status, 422,
        "an organisation cannot make installation administrators"
    );
    let mut newbie = app.client();
    newbie.sign_in("nieuw@ocmw-gent.demo", &password).await;
    assert!(
        newbie
            .get("/account")
            .await
            .body
            .contains("tijdelijk wachtwoord")
    );
    let first = newbie.get("/clients").await;
    assert_eq!(
        (first.status, first.location.as_deref()),
        (303, Some("/account")),
        "a temporary password is changed first"
    );
    let changed = newbie
        .post(
            "/account/password",
            &[
                ("current_password", &password),
                ("new_password", "mijn eigen wachtwoord"),
                ("repeat_password", "mijn eigen wachtwoord"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);
    assert_eq!(newbie.get("/clients").await.status, 200);
}

#[tokio::test]
async fn health_and_static_files() {
    let app = TestApp::start().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.body, "ok");
    let css = c.get("/static/app.css").await;
    assert_eq!(css.status, 200);
    assert!(css.body.contains("@media print"));
    assert_eq!(c.get("/static/htmx.min.js").await.status, 200);
    assert_eq!(c.get("/static/nothing.js").await.status, 404);
}

#[tokio::test]
async fn the_administrator_appoints_a_regional_chair() {
    let app = TestApp::start().await;
    let mut admin = app.login(email("admin").unwrap()).await;
    let missing = admin
        .post(
            "/admin/accounts",
            &[
                ("display_name", "Voorzitter"),
                ("email", "vz@hogent.be"),
                ("role", "regional_chair"),
            ],
        )
        .await;
    assert_eq!(missing.status, 422, "a chair needs a platform");
    let member = admin
        .post(
            "/admin/accounts",
            &[
                ("display_name", "X"),
                ("email", "x@hogent.be"),
                ("role", "social_worker"),
            ],
        )
        .await;
    assert_eq!(
        member.status, 422,
        "member roles are given by organisations"
    );
    let ok = admin
        .post(
            "/admin/accounts",
            &[
                ("display_name", "Voorzitter Limburg"),
                ("email", "vz@pxl.be"),
                ("role", "regional_chair"),
                ("platform", "3"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("vz@pxl.be") && ok.body.contains("<code>"));
    let row = sterk_store::accounts::by_email(&app.db, "vz@pxl.be")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.role.as_str(), row.platform_id, row.org_id),
        ("regional_chair", Some(3), None)
    );
}
