//! The platform module (issue 7) through the web: the public action plan, progress updates
//! by a regional chair, meetings, the yearly report and the evaluation, as HTML and PDF.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::TestApp;
use sterk_store::platform;

const CHAIR: &str = "voorzitter@platform-oost-vlaanderen.demo";
const COORDINATOR: &str = "coordinator@vlaams-platform.demo";

fn today() -> String {
    sterk_domain::values::format_date(time::OffsetDateTime::now_utc().date())
}

fn this_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

#[tokio::test]
async fn the_plan_is_public_and_shows_every_theme_with_its_progress() {
    let app = TestApp::start().await;
    let mut c = app.client();
    let page = c.get("/actieplan").await;
    assert_eq!(page.status, 200);
    for section in ["4.1", "4.10", "4.11"] {
        assert!(
            page.body
                .contains(&format!("href=\"/actieplan/thema/{section}\"")),
            "{section}"
        );
    }
    assert!(page.body.contains("Innovatie"));
    assert!(page.body.contains("De vier speerpunten"));
    // The seed's words.
    assert!(
        page.body
            .contains("We zetten in op het versterken van basiswerkingen vanuit de krachtlijnen")
    );
    // No settings form for the public.
    assert!(!page.body.contains("/actieplan/instellingen"));
    let theme = c.get("/actieplan/thema/4.8").await;
    assert_eq!(theme.status, 200);
    assert!(
        theme
            .body
            .contains("We introduceren de app ‘Mybenefit’ in de regionale platformen.")
    );
    assert!(theme.body.contains("Tijdlijn"));
    assert_eq!(c.get("/actieplan/thema/9.9").await.status, 404);
    // In French.
    let res = c
        .http
        .get(app.url("/actieplan"))
        .header("cookie", "sterk_lang=fr")
        .send()
        .await
        .unwrap();
    let fr = res.text().await.unwrap();
    assert!(fr.contains("Plan d’action Sterk Sociaal Werk 2020–2024"));
    assert!(
        fr.contains("lang=\"nl\""),
        "the seed's Dutch words are marked as Dutch"
    );
}

async fn theme_progress(app: &TestApp, section: &str) -> Option<f64> {
    platform::plan(&app.db)
        .await
        .unwrap()
        .themes
        .into_iter()
        .find(|t| t.section == section)
        .unwrap()
        .progress
}

fn version_of(body: &str) -> String {
    let at = body.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
    body[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_chair_updates_two_initiatives_and_the_theme_moves() {
    let app = TestApp::start().await;
    let before = theme_progress(&app, "4.6").await;
    let mut chair = app.login(CHAIR).await;
    let a = platform::initiative_id(&app.db, "4.6-A1-I1").await.unwrap();
    let b = platform::initiative_id(&app.db, "4.6-A1-I2").await.unwrap();

    let page = chair.get(&format!("/actieplan/initiatieven/{a}")).await;
    assert_eq!(page.status, 200);
    let v = version_of(&page.body);
    // Bad input: named on its field, the rest kept, nothing saved.
    let bad = chair
        .post(
            &format!("/actieplan/initiatieven/{a}"),
            &[
                ("status", "underway"),
                ("progress", "140"),
                ("weight", "2"),
                ("on", &today()),
                ("account", "Rondetafel gepland"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Geef een geheel getal van 0 tot 100."));
    assert!(bad.body.contains("Rondetafel gepland"));
    assert_eq!(theme_progress(&app, "4.6").await, before);

    let ok = chair
        .post(
            &format!("/actieplan/initiatieven/{a}"),
            &[
                ("status", "done"),
                ("progress", ""),
                ("weight", "1"),
                ("on", &today()),
                ("account", "Evidentie verzameld"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    // The same (now stale) form again is refused.
    let stale = chair
        .post(
            &format!("/actieplan/initiatieven/{a}"),
            &[("status", "underway"), ("on", &today()), ("version", &v)],
        )
        .await;
    assert_eq!(stale.status, 422);
    assert!(stale.body.contains("intussen bijgewerkt"));

    let page = chair.get(&format!("/actieplan/initiatieven/{b}")).await;
    let vb = version_of(&page.body);
    let ok = chair
        .post(
            &format!("/actieplan/initiatieven/{b}"),
            &[
                ("status", "underway"),
                ("progress", "50"),
                ("weight", "1"),
                ("on", &today()),
                ("account", "Overleg met VIVEL loopt"),
                ("version", &vb),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    let after = theme_progress(&app, "4.6").await.unwrap();
    assert!(after > before.unwrap_or(0.0), "{before:?} → {after}");
    // The public timeline shows both changes.
    let theme = app.client().get("/actieplan/thema/4.6").await;
    assert!(
        theme.body.contains("Evidentie verzameld")
            && theme.body.contains("Overleg met VIVEL loopt")
    );

    // A social worker may read but not update.
    let mut worker = app.login("werker@ocmw-gent.demo").await;
    let page = worker.get(&format!("/actieplan/initiatieven/{b}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("name=\"version\""));
    let refused = worker
        .post(
            &format!("/actieplan/initiatieven/{b}"),
            &[("status", "done"), ("on", &today()), ("version", "2")],
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn a_chair_records_a_meeting_and_submits_the_yearly_report_as_pdf() {
    let app = TestApp::start().await;
    let mut chair = app.login(CHAIR).await;
    let page = chair.get("/organen/oost-vlaanderen").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Prof. An Claes"));
    let action = platform::plan(&app.db)
        .await
        .unwrap()
        .themes
        .into_iter()
        .flat_map(|t| t.actions)
        .find(|a| a.code == "4.3-A2")
        .unwrap()
        .id
        .to_string();
    // Missing title: kept values, message, nothing saved.
    let bad = chair
        .post(
            "/organen/oost-vlaanderen/vergaderingen",
            &[
                ("held_on", &today()),
                ("title", ""),
                ("agenda", "1. Polarisering"),
                ("attendees", "17"),
                ("action", &action),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("1. Polarisering"));
    let ok = chair
        .post(
            "/organen/oost-vlaanderen/vergaderingen",
            &[
                ("held_on", &today()),
                ("title", "Platform over polarisering"),
                ("agenda", "1. Polarisering"),
                ("minutes", "Goede praktijken verzameld."),
                ("attendees", "17"),
                ("action", &action),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    let meeting = chair.get(ok.location.as_deref().unwrap()).await;
    assert!(meeting.body.contains("Platform over polarisering") && meeting.body.contains("4.3-A2"));
    // Another chair's platform: no forms, no meetings; posting is refused.
    let other = chair.get("/organen/limburg").await;
    assert!(!other.body.contains("/organen/limburg/vergaderingen"));
    assert_eq!(
        chair
            .post("/organen/limburg/vergaderingen", &[("title", "x")])
            .await
            .status,
        403
    );

    let year = this_year().to_string();
    let path = format!("/jaarverslagen/oost-vlaanderen/{year}");
    let page = chair.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Platform over polarisering"));
    let saved = chair
        .post(
            &path,
            &[
                ("summary", "Een druk jaar rond polarisering."),
                ("themes_text", "Diversiteit"),
                ("next_steps", "Verder met het lerend netwerk."),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let submitted = chair.post(&format!("{path}/indienen"), &[]).await;
    assert_eq!(submitted.status, 303);
    let page = chair.get(&path).await;
    assert!(page.body.contains("ingediend bij de stuurgroep"));
    assert!(!page.body.contains("/indienen\""), "no second submission");
    let pdf = chair.get(&format!("{path}/pdf")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(
        pdf.headers.get("content-type").unwrap().to_str().unwrap(),
        "application/pdf"
    );
    assert!(pdf.body.starts_with("%PDF-"));
    // Another platform's report is not the chair's to read.
    assert_eq!(
        chair
            .get(&format!("/jaarverslagen/limburg/{year}"))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn the_coordinator_generates_the_evaluations() {
    let app = TestApp::start_postgres("web_platform_eval").await;
    let mut coordinator = app.login(COORDINATOR).await;
    let page = coordinator.get("/evaluatie/2024").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Eindevaluatie"));
    assert!(page.body.contains("Regionaal platform Oost-Vlaanderen"));
    // The demo's 2020 changes count in 2022; the 2024 ones only in 2024.
    let interim = coordinator.get("/evaluatie/2022").await;
    assert_eq!(interim.status, 200);
    assert!(interim.body.contains("Tussentijdse evaluatie"));
    assert_eq!(coordinator.get("/evaluatie/2023").await.status, 404);
    let pdf = coordinator.get("/evaluatie/2024/pdf").await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with("%PDF-"));
    // The settings form is the coordinator's.
    let plan = coordinator.get("/actieplan").await;
    assert!(plan.body.contains("/actieplan/instellingen"));
    let set = coordinator
        .post("/actieplan/instellingen", &[("rollup", "average")])
        .await;
    assert_eq!(set.status, 303);
    assert_eq!(
        platform::rollup_method(&app.db).await.unwrap(),
        sterk_domain::plan::RollupMethod::Average
    );
    // A chair may not.
    let mut chair = app.login(CHAIR).await;
    assert_eq!(chair.get("/evaluatie/2024").await.status, 403);
    assert_eq!(
        chair
            .post("/actieplan/instellingen", &[("rollup", "weighted")])
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn interim_and_final_evaluations_read_the_plan_as_it_stood() {
    let app = TestApp::start().await;
    let p2022 = platform::plan_as_of(&app.db, "2022-12-31").await.unwrap();
    let p2024 = platform::plan_as_of(&app.db, "2024-12-31").await.unwrap();
    let get = |p: &platform::PlanView, s: &str| {
        p.themes
            .iter()
            .find(|t| t.section == s)
            .unwrap()
            .progress
            .unwrap()
    };
    // Demo: 4.8-A2-I1 was updated in 2024 only.
    assert_eq!(get(&p2022, "4.8"), 0.0);
    assert!(get(&p2024, "4.8") > 0.0);
    // 4.9-A1-I1 was done in 2020: it counts in both.
    assert!(get(&p2022, "4.9") > 0.0);
    assert_eq!(get(&p2022, "4.9"), get(&p2024, "4.9"));
}
