//! The rights module in the platform: the client's rights check, follow-up, the anonymous
//! check and the API. Black-box, on a real port, with the built-in Belgian model.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::TestApp;

fn today() -> String {
    sterk_domain::values::format_date(time::OffsetDateTime::now_utc().date())
}

#[tokio::test]
async fn the_anonymous_check_stores_nothing_and_is_light() {
    let app = TestApp::start().await;
    let mut c = app.client();
    let page = c.get("/rechten").await;
    assert_eq!(page.status, 200);
    assert!(
        page.headers.get("set-cookie").is_none(),
        "no session for an anonymous visitor"
    );
    let q = "/rechten?a_region=flanders&a_applicant_age=45&a_partner=no&a_dependent_children=0&a_other_adults=0&a_receives_leefloon=no&a_monthly_net_income=0";
    let page = c.get(q).await;
    assert_eq!(page.status, 200);
    assert!(page.headers.get("set-cookie").is_none(), "nothing stored");
    assert!(page.body.contains("Leefloon"), "results are shown");
    assert!(page.body.contains("Volgende vraag"));
    // Page weight: the page, its style sheet and its scripts stay under 100 KB.
    let css = c.get("/static/app.css").await.body.len();
    let js =
        c.get("/static/htmx.min.js").await.body.len() + c.get("/static/app.js").await.body.len();
    let total = page.body.len() + css + js;
    assert!(total < 100 * 1024, "page weight {total} bytes");
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    // A bad answer is named on its field and the other answers are kept.
    let bad = c
        .get("/rechten?a_region=flanders&a_applicant_age=abc&a_monthly_net_income=12,50")
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Vul een geheel getal in") && bad.body.contains("value=\"12,50\""));
    // In French through the language link.
    let fr = c.get("/lang/fr?next=/rechten").await;
    let cookie = fr
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("sterk_lang=fr"));
    let res = c
        .http
        .get(app.url(q))
        .header("cookie", "sterk_lang=fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(res.contains("lang=\"fr-BE\"") && res.contains("Question suivante"));
}

#[tokio::test]
async fn a_worker_checks_rights_follows_one_up_until_refused_and_makes_a_signal_candidate() {
    let app = TestApp::start_postgres("rightsflow").await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    // A client without a rights-check consent.
    let created = w
        .post(
            "/clients/new",
            &[
                ("name", "Mevrouw X"),
                ("birth", "1944"),
                ("refnis", "44021"),
                ("adults", "1"),
                ("children", "0"),
                ("lives_alone", "1"),
            ],
        )
        .await;
    let client = created.location.unwrap();
    let page = w.get(&format!("{client}/rights/new")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("geen geldige toestemming"));
    assert!(
        page.body.contains("name=\"a_applicant_age\"") && page.body.contains("value=\"82\"")
            || page.body.contains("value=\"81\""),
        "age prefilled from the record"
    );
    let answers = [
        ("a_region", "flanders"),
        ("a_applicant_age", "82"),
        ("a_partner", "no"),
        ("a_dependent_children", "0"),
        ("a_other_adults", "0"),
        ("a_monthly_pension", "1.200,00"),
        ("action", "next"),
    ];
    let refused = w.post(&format!("{client}/rights/check"), &answers).await;
    assert_eq!(refused.status, 422, "no consent, not stored");
    let (checks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM rights_checks")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(checks, 0);
    assert_eq!(
        w.post(
            &format!("{client}/consents"),
            &[
                ("purpose", "rights_check"),
                ("method", "oral"),
                ("given_on", &today())
            ]
        )
        .await
        .status,
        303
    );
    let step = w.post(&format!("{client}/rights/check"), &answers).await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(
        step.body.contains("name=\"check_id\""),
        "the draft is stored"
    );
    assert!(step.body.contains("Volgende vraag"));
    let mut finish: Vec<(&str, &str)> = answers[..6].to_vec();
    finish.push(("action", "finish"));
    let start = step.body.find("name=\"check_id\" value=\"").unwrap() + 23;
    let check_id = step.body[start..start + step.body[start..].find('"').unwrap()].to_owned();
    // A draft is stored without its result and evaluated again when shown; a change of the
    // rules since it was saved is said.
    let (result,): (String,) = sqlx::query_as("SELECT result FROM rights_checks")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(result, "", "a draft keeps no result");
    let draft = w.get(&format!("{client}/rights/{check_id}")).await;
    assert_eq!(draft.status, 200);
    assert!(draft.body.contains("opnieuw berekend"), "{}", draft.body);
    assert!(draft.body.contains("Inkomensgarantie") || draft.body.contains("IGO"));
    assert!(!draft.body.contains("regels zijn veranderd"));
    sqlx::query("UPDATE rights_checks SET rules_version = 'older'")
        .execute(app.db.reader())
        .await
        .unwrap();
    let changed = w.get(&format!("{client}/rights/{check_id}")).await;
    assert!(changed.body.contains("regels zijn veranderd"));
    finish.push(("check_id", &check_id));
    let done = w.post(&format!("{client}/rights/check"), &finish).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let (result,): (String,) = sqlx::query_as("SELECT result FROM rights_checks")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert!(
        result.starts_with("{\"next_questions\":"),
        "a finished check stores the engine's JSON"
    );
    let stored_path = done.location.unwrap();
    let stored = w.get(&stored_path).await;
    assert!(
        stored.body.contains("IGO") || stored.body.contains("Inkomensgarantie"),
        "IGO is found for a pensioner of 82"
    );
    assert!(stored.body.contains("Versie van de regels"));
    // The printable summary in French.
    let print = w.get(&format!("{stored_path}/print?lang=fr")).await;
    assert_eq!(print.status, 200);
    assert!(print.body.contains("lang=\"fr-BE\"") && print.body.contains("Vos droits"));
    // Follow up IGO: to do → (granted refused) → applied → refused → signal candidate.
    assert_eq!(
        w.post(
            &format!("{client}/followups"),
            &[("right_id", "igo"), ("check_id", &check_id)]
        )
        .await
        .status,
        303
    );
    let (fid,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM right_followups")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let jump = w
        .post(
            &format!("{client}/followups/{fid}"),
            &[("to", "granted"), ("on", &today())],
        )
        .await;
    assert_eq!(jump.status, 422);
    assert!(jump.body.contains("Deze stap kan niet"));
    let applied = w
        .post(
            &format!("{client}/followups/{fid}"),
            &[
                ("to", "applied"),
                ("on", &today()),
                ("applied_where", "Federale Pensioendienst"),
            ],
        )
        .await;
    assert_eq!(applied.status, 303);
    let no_reason = w
        .post(
            &format!("{client}/followups/{fid}"),
            &[("to", "refused"), ("on", &today())],
        )
        .await;
    assert_eq!(no_reason.status, 422, "a refusal needs its reason");
    assert_eq!(
        w.post(
            &format!("{client}/followups/{fid}"),
            &[
                ("to", "refused"),
                ("on", &today()),
                ("refusal_code", "conditions_not_met"),
                ("refusal_reason", "Woning telt mee")
            ]
        )
        .await
        .status,
        303
    );
    let (status, reason, code): (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT status, refusal_reason, refusal_code FROM right_followups WHERE id = $1",
    )
    .bind(fid)
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_deref(), code.as_deref()),
        (
            "refused",
            Some("Woning telt mee"),
            Some("conditions_not_met")
        )
    );
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM right_followup_events WHERE followup_id = $1")
            .bind(fid)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!(events, 3, "todo, applied, refused");
    assert_eq!(
        w.post(
            &format!("{client}/followups/{fid}/signal"),
            &[(
                "barrier",
                "De eigen woning telt mee in de berekening, ook als ze niet verkocht kan worden."
            )]
        )
        .await
        .status,
        303
    );
    let (right, refnis, barrier): (Option<String>, Option<String>, String) =
        sqlx::query_as("SELECT right_id, refnis, barrier FROM signal_candidates ORDER BY id DESC")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!(
        (right.as_deref(), refnis.as_deref()),
        (Some("igo"), Some("44021"))
    );
    assert!(!barrier.contains("Mevrouw"));
    // The start page reminds of open follow-ups; this one is closed (refused), so add one.
    w.post(
        &format!("{client}/followups"),
        &[
            ("right_id", "verhoogde_tegemoetkoming"),
            ("check_id", &check_id),
        ],
    )
    .await;
    let home = w.get("/").await;
    assert!(home.body.contains("Open opvolgingen") && home.body.contains("Mevrouw X"));
    // Another organisation sees none of it.
    let mut other = app.login("coordinator@buurtwerk-leuven.demo").await;
    assert_eq!(other.get(&stored_path).await.status, 404);
}

#[tokio::test]
async fn the_evaluate_api_gives_the_cli_json_and_names_bad_fields() {
    let app = TestApp::start().await;
    let http = reqwest::Client::new();
    let res = http
        .post(app.url("/api/v1/rights/evaluate?date=2026-11-23"))
        .json(&serde_json::json!({"region": "flanders", "applicant_age": 45, "partner": false, "dependent_children": 0, "other_adults": 0, "monthly_net_income": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["reference_date"], "2026-11-23");
    let rights = body["rights"].as_array().unwrap();
    assert!(rights.len() >= 13);
    assert!(
        rights
            .iter()
            .all(|r| r["status"].is_string() && r["explanation"]["conditions"].is_array())
    );
    let bad = http
        .post(app.url("/api/v1/rights/evaluate"))
        .json(&serde_json::json!({"applicant_age": "old", "nonsense": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert!(body["fields"][0]["field"].is_string());
    let date = http
        .post(app.url("/api/v1/rights/evaluate?date=2026-02-30"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(date.status().as_u16(), 422);
    let catalogue: serde_json::Value = http
        .get(app.url("/api/v1/rights"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let leefloon = catalogue["rights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "leefloon")
        .unwrap();
    assert!(leefloon["parameters"][0]["values"][0]["source"].is_string());
    assert!(catalogue["inputs"].as_array().unwrap().len() >= 30);
}

#[tokio::test]
async fn finishing_a_check_with_htmx_sends_the_browser_to_the_stored_check() {
    let app = TestApp::start().await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    let client = w
        .post(
            "/clients/new",
            &[
                ("name", "Meneer Y"),
                ("birth", "1950"),
                ("refnis", "44021"),
                ("adults", "1"),
            ],
        )
        .await
        .location
        .unwrap();
    w.post(
        &format!("{client}/consents"),
        &[
            ("purpose", "rights_check"),
            ("method", "oral"),
            ("given_on", &today()),
        ],
    )
    .await;
    let token = w.csrf.clone().unwrap();
    let res = w
        .http
        .post(app.url(&format!("{client}/rights/check")))
        .header(
            "cookie",
            format!("sterk_session={}", w.cookie.clone().unwrap()),
        )
        .header("hx-request", "true")
        .header("x-csrf-token", token)
        .form(&[("a_region", "flanders"), ("action", "finish")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let to = res
        .headers()
        .get("hx-redirect")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(to.starts_with(&format!("{client}/rights/")), "{to}");
}
