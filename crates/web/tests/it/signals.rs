//! The signals module: registration with the personal-data check, signals from candidates,
//! bundling suggestions, a dossier's whole life (review, co-signers, validation, forwarding,
//! Flemish bundling, policy response, inbox, public page), figures with hidden small cells,
//! and who may do what. Black-box, on a real port, with the demo data; the lifecycle runs on
//! PostgreSQL too when `STERK_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::{Client, TestApp};

const WORKER: &str = "werker@ocmw-gent.demo";
const CHAIR: &str = "voorzitter@platform-oost-vlaanderen.demo";
const COORDINATOR: &str = "coordinator@vlaams-platform.demo";
const KEETING: &str = "beheer@de-keeting.demo";

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    n
}

fn signal_form(what: &str) -> Vec<(&str, &str)> {
    vec![
        ("what", what),
        ("subject", "right:vlaamse_huurpremie"),
        ("challenge", "onderbescherming"),
        ("target_group", "elderly"),
        ("target_group", "low_income"),
        ("refnis", "44021"),
        ("people", "12"),
        ("since", "2025-03"),
        ("evidence", "cases"),
    ]
}

fn attr_after<'a>(body: &'a str, marker: &str) -> &'a str {
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in page"))
        + marker.len();
    let rest = &body[start..];
    &rest[..rest.find('"').unwrap()]
}

fn id_from(location: &Option<String>, prefix: &str) -> i64 {
    location
        .as_deref()
        .unwrap()
        .strip_prefix(prefix)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn personal_data_is_caught_before_saving_and_the_text_is_kept() {
    let app = TestApp::start_postgres("signals_pii").await;
    let mut c = app.login(WORKER).await;
    assert_eq!(c.get("/signals/new").await.status, 200);
    let before = count(&app, "SELECT COUNT(*) FROM signals").await;

    // A national number with a valid checksum and a client's name: refused, text kept.
    let what = "Amina (85.07.30-033.28) kreeg de huurpremie niet: het formulier is te moeilijk.";
    let page = c.post("/signals/new", &signal_form(what)).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("rijksregisternummer"), "{}", page.body);
    assert!(page.body.contains("naam van een cliënt"));
    assert!(page.body.contains("<mark>85.07.30-033.28</mark>"));
    assert!(
        page.body.contains("Haal dit weg voor je bewaart"),
        "no confirmation possible"
    );
    assert!(!page.body.contains("name=\"pii_ok_what\""));
    assert!(
        page.body
            .contains("kreeg de huurpremie niet: het formulier is te moeilijk.")
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM signals").await,
        before,
        "nothing saved"
    );

    // A phone number and a street address can be false alarms: a confirmation of exactly
    // these findings lets it through; a different text needs a new look.
    let what = "Bellen naar 0470 12 34 56 of langsgaan in de Kerkstraat 12 helpt niet.";
    let page = c.post("/signals/new", &signal_form(what)).await;
    assert_eq!(page.status, 422);
    let fp = attr_after(&page.body, "name=\"pii_ok_what\" value=\"").to_owned();
    let mut form =
        signal_form("Bellen naar 0470 12 34 57 of langsgaan in de Kerkstraat 12 helpt niet.");
    form.push(("pii_ok_what", &fp));
    assert_eq!(
        c.post("/signals/new", &form).await.status,
        422,
        "other text, other findings"
    );
    let mut form = signal_form(what);
    form.push(("pii_ok_what", &fp));
    let page = c.post("/signals/new", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);

    // A clean text is saved at once; the figures' counts follow in the same transaction.
    let page = c
        .post(
            "/signals/new",
            &signal_form("Ouderen vragen de huurpremie niet aan."),
        )
        .await;
    assert_eq!(page.status, 303);
    let id = id_from(&page.location, "/signals/");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM signals").await,
        before + 2
    );
    let all: i64 = count(
        &app,
        "SELECT CAST(SUM(n) AS BIGINT) FROM signal_counts WHERE dimension = 'all'",
    )
    .await;
    assert_eq!(all, before + 2);
    let page = c.get(&format!("/signals/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ouderen vragen de huurpremie niet aan."));

    // Every other problem is named on its field, and the answers are kept.
    let page = c
        .post(
            "/signals/new",
            &[
                ("what", "Wachtlijsten"),
                ("people", "nul"),
                ("since", "2099-01"),
                ("refnis", "44021"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    for msg in [
        "Dit veld is verplicht",
        "Kies er minstens één",
        "Vul een geheel getal in",
        "Deze datum ligt in de toekomst",
    ] {
        assert!(page.body.contains(msg), "{msg}");
    }
    assert!(page.body.contains(">Wachtlijsten</textarea>"));
}

#[tokio::test]
async fn a_testimony_needs_the_anonymous_signal_consent() {
    let app = TestApp::start().await;
    let mut c = app.login(WORKER).await;
    let page = c.get("/signals/new").await;
    // Only Mevrouw X. gave the consent in the demo set.
    assert!(page.body.contains(">Mevrouw X.</option>"));
    assert!(!page.body.contains(">Amina B.</option>"));
    let mut form = signal_form("De huurpremie komt niet aan bij wie ze nodig heeft.");
    form.push(("testimony", "Ik wist niet dat ik iets moest doen."));
    let page = c.post("/signals/new", &form).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("toestemming voor anoniem gebruik in signalen")
    );
    let (amina,): (i64,) = sqlx::query_as("SELECT id FROM clients WHERE name = 'Amina B.'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let amina = amina.to_string();
    let mut with_amina = form.clone();
    with_amina.push(("testimony_client", &amina));
    let page = c.post("/signals/new", &with_amina).await;
    assert_eq!(page.status, 422, "no consent for Amina");
    let (x,): (i64,) = sqlx::query_as("SELECT id FROM clients WHERE name = 'Mevrouw X.'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let x = x.to_string();
    form.push(("testimony_client", &x));
    let page = c.post("/signals/new", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let (stored, audit): (String, i64) = sqlx::query_as(
        "SELECT s.testimony, (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'signal.create' AND a.entity_id = s.id) FROM signals s ORDER BY s.id DESC LIMIT 1",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert_eq!(stored, "Ik wist niet dat ik iets moest doen.");
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn a_refused_right_becomes_a_signal_once() {
    let app = TestApp::start().await;
    let mut c = app.login(WORKER).await;
    let overview = c.get("/signals").await;
    assert_eq!(overview.status, 200);
    let link = attr_after(&overview.body, "href=\"/signals/new?from=").to_owned();
    assert!(link.starts_with("signal_candidate:"));
    let page = c.get(&format!("/signals/new?from={link}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("attest van de huisbaas"), "prefilled");
    assert!(
        page.body
            .contains("value=\"right:vlaamse_huurpremie\" selected")
    );
    let mut form = signal_form("Een attest van de huisbaas ontbreekt en die wil het niet geven.");
    form.push(("from", &link));
    let page = c.post("/signals/new", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM signal_candidates WHERE status = 'signal'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM signals WHERE source = 'signal_candidate'"
        )
        .await,
        1
    );
    // Used once: a second time is not found (it is no longer an open candidate).
    assert_eq!(c.post("/signals/new", &form).await.status, 404);
}

async fn dossier_of_title(app: &TestApp, title: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM signal_dossiers WHERE title = $1")
        .bind(title)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    id
}

async fn status_of(app: &TestApp, id: i64) -> String {
    let (s,): (String,) = sqlx::query_as("SELECT status FROM signal_dossiers WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    s
}

async fn step(c: &mut Client, id: i64, to: &str) -> crate::common::Page {
    c.post(&format!("/dossiers/{id}/status"), &[("to", to)])
        .await
}

#[tokio::test]
async fn a_dossier_from_bundling_to_feedback() {
    let app = TestApp::start_postgres("signals_life").await;
    let mut worker = app.login(WORKER).await;

    // Bundling suggestions: the Gent signal about digital-only appointments finds the
    // French signal of Brussels (stemmed text, same life domain and challenge).
    let (own,): (i64,) =
        sqlx::query_as("SELECT id FROM signals WHERE what LIKE 'Afspraken bij het OCMW%'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let (brussels,): (i64,) =
        sqlx::query_as("SELECT id FROM signals WHERE what LIKE 'Les rendez-vous%'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let page = worker.get(&format!("/signals/{own}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!("value=\"{brussels}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Samenlevingsopbouw Brussel"));
    // Only de-identified fields cross: the other organisation's signal shows no testimony,
    // and a signal of another organisation in no dossier cannot be opened.
    assert_eq!(
        worker.get(&format!("/signals/{brussels}")).await.status,
        404
    );

    let page = worker
        .post(
            "/dossiers",
            &[
                ("title", "Afspraken alleen online"),
                ("signal", &own.to_string()),
                ("signal", &brussels.to_string()),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let id = dossier_of_title(&app, "Afspraken alleen online").await;
    assert_eq!(
        worker.get(&format!("/signals/{brussels}")).await.status,
        200,
        "now in a dossier"
    );

    // Impossible changes are refused with a clear message and nothing changes.
    let page = step(&mut worker, id, "gerapporteerd").await;
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("Deze stap kan niet vanuit de huidige stand")
    );
    assert_eq!(status_of(&app, id).await, "gemeld");
    assert_eq!(step(&mut worker, id, "verzameld").await.status, 303);
    assert_eq!(step(&mut worker, id, "gebundeld").await.status, 303);
    let page = step(&mut worker, id, "geanalyseerd").await;
    assert!(page.body.contains("Schrijf eerst de analyse"));
    // The analysis goes public once reported: personal data is refused there too.
    let page = worker
        .post(
            &format!("/dossiers/{id}/analysis"),
            &[
                ("analysis", "Mail naar jan@example.org."),
                ("proposals", ""),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("persoonsgegevens"), "{}", page.body);
    let page = worker
        .post(
            &format!("/dossiers/{id}/analysis"),
            &[
                ("analysis", "Digitale drempels in Gent en Brussel."),
                ("proposals", "Houd een loket open."),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(step(&mut worker, id, "geanalyseerd").await.status, 303);
    let page = step(&mut worker, id, "gerapporteerd").await;
    assert!(
        page.body.contains("vier criteria nakeek en ondertekende"),
        "{}",
        page.body
    );

    // Review: the worker (trekker) may not; the chair of the region signs.
    assert_eq!(
        worker
            .post(&format!("/dossiers/{id}/review"), &[("sign", "yes")])
            .await
            .status,
        403
    );
    let mut chair = app.login(CHAIR).await;
    let page = chair
        .post(
            &format!("/dossiers/{id}/review"),
            &[
                ("criterion", "clear"),
                ("criterion", "neutral"),
                ("criterion", "recognised"),
                ("criterion", "shared"),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "not signed");
    let page = chair
        .post(
            &format!("/dossiers/{id}/review"),
            &[
                ("criterion", "clear"),
                ("criterion", "neutral"),
                ("criterion", "recognised"),
                ("criterion", "shared"),
                ("sign", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    // Co-signing and validation by an armoedevereniging, recorded as such.
    let mut keeting = app.login(KEETING).await;
    assert_eq!(
        keeting
            .post(&format!("/dossiers/{id}/cosign"), &[])
            .await
            .status,
        303
    );
    assert_eq!(
        keeting
            .post(&format!("/dossiers/{id}/cosign"), &[])
            .await
            .status,
        422
    );
    let page = keeting
        .post(
            &format!("/dossiers/{id}/comments"),
            &[("kind", "validation"), ("body", "Herkend door onze leden.")],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = worker
        .post(
            &format!("/dossiers/{id}/comments"),
            &[("kind", "validation"), ("body", "Ik valideer.")],
        )
        .await;
    assert_eq!(page.status, 422, "only an armoedevereniging validates");
    assert_eq!(
        worker
            .post(&format!("/dossiers/{id}/cosign"), &[])
            .await
            .status,
        403,
        "org admin only"
    );

    assert_eq!(step(&mut worker, id, "gerapporteerd").await.status, 303);
    let page = worker.get(&format!("/dossiers/{id}")).await;
    assert!(page.body.contains("Validatie door"));
    assert!(page.body.contains("Armoedevereniging De Keeting"));

    // Upward: the chair forwards; the coordinator bundles across regions.
    assert_eq!(
        worker
            .post(&format!("/dossiers/{id}/forward"), &[])
            .await
            .status,
        403
    );
    assert_eq!(
        chair
            .post(&format!("/dossiers/{id}/forward"), &[])
            .await
            .status,
        303
    );
    assert_eq!(
        chair
            .post(&format!("/dossiers/{id}/forward"), &[])
            .await
            .status,
        422
    );
    let mut coord = app.login(COORDINATOR).await;
    let list = coord.get("/dossiers").await;
    assert!(
        list.body
            .contains(&format!("name=\"dossier\" value=\"{id}\""))
    );
    let page = coord
        .post(
            "/dossiers",
            &[
                ("title", "Digitale drempels in Vlaanderen en Brussel"),
                ("dossier", &id.to_string()),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let flemish = dossier_of_title(&app, "Digitale drempels in Vlaanderen en Brussel").await;
    let page = coord.get(&format!("/dossiers/{flemish}")).await;
    assert!(
        page.body.contains("Afspraken bij het OCMW"),
        "signals of the bundled dossier"
    );

    // Feedback: a response on the reported regional dossier reaches the contributors.
    let page = coord
        .post(
            &format!("/dossiers/{id}/responses"),
            &[
                ("responder", "Schepen van Sociale Zaken"),
                ("decided_on", "2026-01-15"),
                ("decision", "Het loket blijft elke voormiddag open."),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let inbox = worker.get("/signals/inbox").await;
    assert!(
        inbox
            .body
            .contains("Het loket blijft elke voormiddag open.")
    );
    let mut brussels_worker = app.login("werker@sob-brussel.demo").await;
    assert!(
        brussels_worker
            .get("/signals/inbox")
            .await
            .body
            .contains("Schepen van Sociale Zaken")
    );
    assert_eq!(step(&mut worker, id, "beslist").await.status, 303);

    // The public page: reported dossiers with their responses, no signals' texts.
    let public = app.client().get("/signalen").await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Afspraken alleen online"));
    assert!(
        public
            .body
            .contains("Het loket blijft elke voormiddag open.")
    );
    assert!(!public.body.contains("Afspraken bij het OCMW kunnen"));
    assert!(public.body.contains(&format!("href=\"/signalen/{id}\"")));
    assert!(
        public.body.contains("minder dan 5 signalen"),
        "small counts hidden"
    );

    // The reported dossier's public page and PDF: no account, no personal data (no signal's
    // text, no testimony, no trekker or reviewer), cells under 5 hidden; nl, fr and en.
    let mut anon = app.client();
    let page = anon.get(&format!("/signalen/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Afspraken alleen online"));
    assert!(page.body.contains("Digitale drempels in Gent en Brussel."));
    assert!(page.body.contains("Het loket blijft elke voormiddag open."));
    assert!(
        page.body.contains("Armoedevereniging De Keeting"),
        "co-signer"
    );
    assert!(
        page.body
            .contains("<dd id=\"doc-signals\">minder dan 5</dd>")
    );
    for private in [
        "Afspraken bij het OCMW kunnen",
        "Les rendez-vous au CPAS",
        "Sara Peeters",
        "Prof. An Claes",
        "Herkend door onze leden",
    ] {
        assert!(!page.body.contains(private), "{private} on the public page");
    }
    let pdf = anon.get(&format!("/signalen/{id}/pdf")).await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with("%PDF-"));
    assert!(pdf.body.contains("/StructTreeRoot"));
    anon.lang = Some("fr".into());
    let fr = anon.get(&format!("/signalen/{id}")).await;
    assert!(fr.body.contains("Signal politique"));
    assert!(fr.body.contains("moins de 5"));
    anon.lang = Some("en".into());
    let en = anon.get(&format!("/signalen/{id}")).await;
    assert!(en.body.contains("Policy signal"));
    assert!(en.body.contains("fewer than 5"));

    // The history is complete and append-only.
    let events = count(
        &app,
        &format!("SELECT COUNT(*) FROM signal_dossier_events WHERE dossier_id = {id}"),
    )
    .await;
    assert!(events >= 12, "{events}");
    let refused = sqlx::query("UPDATE signal_dossier_events SET detail = 'x'")
        .execute(app.db.reader())
        .await;
    assert!(refused.is_err(), "history is append-only");
    let refused = sqlx::query("DELETE FROM signal_dossier_events")
        .execute(app.db.reader())
        .await;
    assert!(refused.is_err(), "history is append-only");
}

#[tokio::test]
async fn a_rejection_needs_a_reason() {
    let app = TestApp::start().await;
    let mut worker = app.login(WORKER).await;
    let id = dossier_of_title(
        &app,
        "De huurpremie bereikt ouderen en mensen in armoede niet",
    )
    .await;
    let page = step(&mut worker, id, "afgewezen").await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Geef een reden"));
    let page = worker
        .post(
            &format!("/dossiers/{id}/status"),
            &[("to", "afgewezen"), ("reason", "Geen structureel probleem")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(status_of(&app, id).await, "afgewezen");
    let page = step(&mut worker, id, "verzameld").await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("afgesloten"),
        "a closed dossier stays closed"
    );
}

#[tokio::test]
async fn the_chair_bundles_the_signals_of_the_region() {
    let app = TestApp::start().await;
    let mut chair = app.login(CHAIR).await;
    let page = chair.get("/dossiers").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Signalen zonder dossier in"));
    let sig = attr_after(&page.body, "name=\"signal\" value=\"").to_owned();
    let page = chair.post("/dossiers", &[("signal", &sig)]).await;
    assert_eq!(page.status, 422, "a title is required");
    assert!(page.body.contains("checked"), "the choice is kept");
    // The title and summary reach the public page: personal data is refused there too.
    let page = chair
        .post(
            "/dossiers",
            &[
                ("signal", &sig),
                ("title", "Regio"),
                ("summary", "Bel 0470 12 34 56"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("persoonsgegevens"));
    let page = chair
        .post(
            "/dossiers",
            &[("signal", &sig), ("title", "Regio Oost-Vlaanderen")],
        )
        .await;
    assert_eq!(page.status, 303);
    // A signal is in one dossier only.
    let page = chair
        .post("/dossiers", &[("signal", &sig), ("title", "Nog eens")])
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("zit al in een dossier"));
}

#[tokio::test]
async fn figures_hide_small_cells_outside_the_organisation() {
    let app = TestApp::start().await;
    let mut worker = app.login(WORKER).await;
    let page = worker.get("/signals/figures").await;
    assert_eq!(page.status, 200);
    // Seven demo signals: 5 name older people (shown); per challenge 5 and 2, so the 2 is
    // hidden and, since the total is known, the 5 too (complementary suppression).
    assert!(page.body.contains("<td>5</td>"), "{}", page.body);
    assert!(page.body.contains("minder dan 5"));
    assert!(page.body.contains("<svg"));
    assert!(page.body.contains("Je eigen organisatie"));
    let csv = worker.get("/signals/figures.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with("dimension,code,name,signals"));
    assert!(
        csv.body.contains("target_group,elderly,Ouderen,5"),
        "{}",
        csv.body
    );
    assert!(
        csv.body
            .contains("challenge,onderbescherming,Onderbescherming,<5")
    );
    assert!(
        csv.body
            .contains("challenge,digitalisering,Digitalisering,<5")
    );
    assert!(!csv.body.contains(",2\n"));
    // By region: the Oost-Vlaanderen count is hidden in the figures of all organisations.
    assert!(csv.body.contains("region,4,"));
}

#[tokio::test]
async fn figures_count_a_new_signal_at_once() {
    let app = TestApp::start().await;
    let mut worker = app.login(WORKER).await;
    // Seen once (so kept in memory), then a signal naming older people is registered: the
    // next view counts it.
    let page = worker.get("/signals/figures").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<td>6</td>"), "{}", page.body);
    let csv = worker.get("/signals/figures.csv").await;
    assert!(
        csv.body.contains("target_group,elderly,Ouderen,5"),
        "{}",
        csv.body
    );
    let page = worker
        .post(
            "/signals/new",
            &signal_form("Ouderen vragen de huurpremie niet aan."),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let csv = worker.get("/signals/figures.csv").await;
    assert!(
        csv.body.contains("target_group,elderly,Ouderen,6"),
        "{}",
        csv.body
    );
    let page = worker.get("/signals/figures").await;
    assert!(page.body.contains("<td>6</td>"), "{}", page.body);
}

#[tokio::test]
async fn who_may_do_what() {
    let app = TestApp::start().await;
    let id = dossier_of_title(
        &app,
        "De huurpremie bereikt ouderen en mensen in armoede niet",
    )
    .await;
    let document = format!("/dossiers/{id}/document");
    let document_pdf = format!("/dossiers/{id}/document/pdf");
    let mut anon = app.client();
    assert_eq!(anon.get("/signalen").await.status, 200);
    // A dossier under way has no public page.
    assert_eq!(anon.get(&format!("/signalen/{id}")).await.status, 404);
    assert_eq!(anon.get(&format!("/signalen/{id}/pdf")).await.status, 404);
    for path in [
        "/signals",
        "/signals/new",
        "/dossiers",
        "/signals/figures",
        "/signals/inbox",
        &document,
        &document_pdf,
    ] {
        let page = anon.get(path).await;
        assert!(matches!(page.status, 303 | 401), "{path}: {}", page.status);
    }
    let mut volunteer = app.login("vrijwilliger@buurtwerk-leuven.demo").await;
    for path in [
        "/signals",
        "/signals/new",
        "/dossiers",
        "/signals/figures",
        &document,
        &document_pdf,
    ] {
        assert_eq!(volunteer.get(path).await.status, 403, "{path}");
    }
    let mut chair = app.login(CHAIR).await;
    assert_eq!(chair.get("/signals/new").await.status, 403);
    assert_eq!(chair.get("/dossiers").await.status, 200);
    assert_eq!(chair.get(&document).await.status, 200);
    let mut coordinator = app.login(COORDINATOR).await;
    assert_eq!(coordinator.get(&document).await.status, 200);
    let mut admin = app.login("admin@sterk.demo").await;
    assert_eq!(admin.get("/dossiers").await.status, 403);
    assert_eq!(admin.get(&document).await.status, 403);
    let mut keeting = app.login(KEETING).await;
    assert_eq!(keeting.get(&document).await.status, 200);
    let mut worker = app.login(WORKER).await;
    assert_eq!(
        worker
            .post(&format!("/dossiers/{id}/responses"), &[("responder", "x")])
            .await
            .status,
        403
    );
    // Hostile input never breaks the form.
    let junk = "\u{0}<script>alert(1)</script>'; DROP TABLE signals; --".repeat(200);
    let page = worker
        .post(
            "/signals/new",
            &[
                ("what", &junk),
                ("people", "99999999999999999999"),
                ("since", "ééé"),
                ("target_group", "x"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(!page.body.contains("<script>alert"));
}

#[tokio::test]
async fn the_dossier_as_a_policy_document() {
    let app = TestApp::start().await;
    let id = dossier_of_title(
        &app,
        "De huurpremie bereikt ouderen en mensen in armoede niet",
    )
    .await;
    let mut worker = app.login(WORKER).await;
    let page = worker.get(&format!("/dossiers/{id}")).await;
    assert!(page.body.contains(&format!("/dossiers/{id}/document")));
    let doc = worker.get(&format!("/dossiers/{id}/document")).await;
    assert_eq!(doc.status, 200, "{}", doc.body);
    assert!(doc.body.contains("Beleidssignaal"));
    assert!(doc.body.contains("Samenvatting"));
    // Four signals of four organisations: the number of signals is a cell under 5, hidden;
    // the people they touch (41) are shown.
    assert!(
        doc.body
            .contains("<dd id=\"doc-signals\">minder dan 5</dd>"),
        "{}",
        doc.body
    );
    assert!(doc.body.contains("<dd id=\"doc-people\">41</dd>"));
    assert!(doc.body.contains("<dd id=\"doc-orgs\">4</dd>"));
    assert!(doc.body.contains("<svg"), "figures with charts");
    assert!(doc.body.contains("Per regio"));
    // The de-identified signals and the testimony, inside the dossier's document.
    assert!(doc.body.contains("Les personnes âgées ne demandent pas"));
    assert!(doc.body.contains("Ik kreeg een brief"));
    assert!(doc.body.contains("Ken de huurpremie automatisch toe"));
    let pdf = worker.get(&format!("/dossiers/{id}/document/pdf")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(
        pdf.headers.get("content-type").unwrap().to_str().unwrap(),
        "application/pdf"
    );
    assert!(pdf.body.starts_with("%PDF-"));
    assert!(pdf.body.contains("/StructTreeRoot"), "a tagged PDF");
    // In French and English too.
    worker
        .post("/lang", &[("lang", "fr"), ("next", "/signals")])
        .await;
    let fr = worker.get(&format!("/dossiers/{id}/document")).await;
    assert!(fr.body.contains("Signal politique"), "{}", fr.body);
    assert!(fr.body.contains("moins de 5"));
    worker
        .post("/lang", &[("lang", "en"), ("next", "/signals")])
        .await;
    assert!(
        worker
            .get(&format!("/dossiers/{id}/document/pdf"))
            .await
            .body
            .starts_with("%PDF-")
    );

    // Not yet reported: no public page, and no document without an account.
    let mut anon = app.client();
    assert_eq!(anon.get(&format!("/signalen/{id}")).await.status, 404);
    assert_eq!(anon.get(&format!("/signalen/{id}/pdf")).await.status, 404);
    let page = anon.get(&format!("/dossiers/{id}/document")).await;
    assert!(matches!(page.status, 303 | 401), "{}", page.status);
    let page = anon.get(&format!("/dossiers/{id}/document/pdf")).await;
    assert!(matches!(page.status, 303 | 401), "{}", page.status);
    let mut volunteer = app.login("vrijwilliger@buurtwerk-leuven.demo").await;
    assert_eq!(
        volunteer
            .get(&format!("/dossiers/{id}/document"))
            .await
            .status,
        403
    );
    assert_eq!(anon.get("/signalen/999999").await.status, 404);
    assert_eq!(anon.get("/signalen/abc").await.status, 400);
}

/// Puts `n` more signals into the dossier `id` (the benchmark generator's texts).
async fn fill_dossier(app: &TestApp, id: i64, n: usize) {
    sterk_store::signals::seed_bench(&app.db, 5, n)
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("UPDATE signals SET dossier_id = $1 WHERE dossier_id IS NULL")
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_document_of_ten_thousand_signals_still_renders() {
    for app in [
        TestApp::start().await,
        TestApp::start_postgres("signals_doc_10k").await,
    ] {
        let id = dossier_of_title(
            &app,
            "De huurpremie bereikt ouderen en mensen in armoede niet",
        )
        .await;
        fill_dossier(&app, id, 10_000).await;
        let mut worker = app.login(WORKER).await;
        let started = std::time::Instant::now();
        let doc = worker.get(&format!("/dossiers/{id}/document")).await;
        let html = started.elapsed();
        assert_eq!(doc.status, 200);
        assert!(
            doc.body.contains("signalen: te veel om op te sommen"),
            "aggregated, not listed: {}",
            doc.body
        );
        assert!(!doc.body.contains("Jongeren verliezen hun studietoelage"));
        let started = std::time::Instant::now();
        let pdf = worker.get(&format!("/dossiers/{id}/document/pdf")).await;
        let took = started.elapsed();
        assert_eq!(pdf.status, 200);
        assert!(pdf.body.starts_with("%PDF-"));
        assert!(pdf.body.contains("/StructTreeRoot"));
        eprintln!(
            "dossier of 10,004 signals (debug build): HTML {} ms, PDF {} ms, {} bytes",
            html.as_millis(),
            took.as_millis(),
            pdf.body.len()
        );
        assert!(
            took < std::time::Duration::from_secs(30),
            "the PDF took {took:?}"
        );
    }
}

#[tokio::test]
async fn a_chair_bundles_only_the_signals_of_their_own_region() {
    let app = TestApp::start_postgres("signals_chair_region").await;
    // A chair of the Antwerp regional platform.
    let (antwerp,): (i64,) = sqlx::query_as("SELECT id FROM platforms WHERE code = 'antwerpen'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    sterk_store::accounts::create(
        &app.db,
        None,
        sterk_store::accounts::NewAccount {
            email: "voorzitter@platform-antwerpen.test".into(),
            display_name: "Voorzitter Antwerpen".into(),
            role: sterk_domain::access::Role::RegionalChair,
            org_id: None,
            platform_id: Some(antwerp),
            password: sterk_store::demo::DEMO_PASSWORD.into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let mut other = app.login("voorzitter@platform-antwerpen.test").await;
    // A signal of Oost-Vlaanderen (Gent) in no dossier yet.
    let (gent,): (i64,) =
        sqlx::query_as("SELECT id FROM signals WHERE what LIKE 'Afspraken bij het OCMW%'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let dossiers = "SELECT COUNT(*) FROM signal_dossiers";
    let dossier_audit = "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'dossier.%'";
    let (d0, a0) = (
        count(&app, dossiers).await,
        count(&app, dossier_audit).await,
    );
    let page = other
        .post(
            "/dossiers",
            &[("signal", &gent.to_string()), ("title", "Niet van ons")],
        )
        .await;
    assert_eq!(page.status, 404, "{}", page.body);
    // Mixed with a signal of their own region: refused whole.
    let mut caw = app.login("werker@caw-antwerpen.demo").await;
    let mut form =
        signal_form("Huurders in Antwerpen wachten maanden op een antwoord van het loket.");
    form.retain(|(k, _)| *k != "refnis");
    form.push(("refnis", "11002"));
    let page = caw.post("/signals/new", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let own = id_from(&page.location, "/signals/");
    let page = other
        .post(
            "/dossiers",
            &[
                ("signal", &own.to_string()),
                ("signal", &gent.to_string()),
                ("title", "Gemengd"),
            ],
        )
        .await;
    assert_eq!(page.status, 404, "{}", page.body);
    assert_eq!(count(&app, dossiers).await, d0, "no dossier was made");
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM signals WHERE dossier_id IS NOT NULL AND id IN ({gent}, {own})")
        )
        .await,
        0,
        "no signal was bundled"
    );
    // Nor can they act on the Oost-Vlaanderen dossier.
    let id = dossier_of_title(
        &app,
        "De huurpremie bereikt ouderen en mensen in armoede niet",
    )
    .await;
    let before = status_of(&app, id).await;
    assert_eq!(step(&mut other, id, "geanalyseerd").await.status, 403);
    assert_eq!(
        other
            .post(&format!("/dossiers/{id}/review"), &[("sign", "yes")])
            .await
            .status,
        403
    );
    assert_eq!(
        other
            .post(&format!("/dossiers/{id}/forward"), &[])
            .await
            .status,
        403
    );
    assert_eq!(status_of(&app, id).await, before);
    assert_eq!(
        count(&app, dossier_audit).await,
        a0,
        "no change was audited"
    );
    // The chair of the signal's own region may.
    let mut chair = app.login(CHAIR).await;
    let page = chair
        .post(
            "/dossiers",
            &[("signal", &gent.to_string()), ("title", "Wel van ons")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
}

#[tokio::test]
async fn the_personal_data_check_is_audited_with_the_signal() {
    let app = TestApp::start_postgres("signals_pii_audit").await;
    let mut c = app.login(WORKER).await;
    let signals = "SELECT COUNT(*) FROM signals";
    let rows = "SELECT COUNT(*) FROM audit_log WHERE entity = 'signal'";
    // Every submit reads the organisation's client names for the check: one audit row each,
    // with the signal when it is saved, on its own when it is not.
    let names = "SELECT COUNT(*) FROM audit_log WHERE action = 'signal.pii_names'";
    let (s0, a0, n0) = (
        count(&app, signals).await,
        count(&app, rows).await,
        count(&app, names).await,
    );

    // A registration that fails inside its transaction (a testimony of a client without the
    // consent for anonymous use): neither the signal nor any audit row of it remains.
    let (amina,): (i64,) = sqlx::query_as("SELECT id FROM clients WHERE name = 'Amina B.'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let amina = amina.to_string();
    let mut form = signal_form("De huurpremie komt niet aan bij wie ze nodig heeft.");
    form.push(("testimony", "Ik wist niet dat ik iets moest doen."));
    form.push(("testimony_client", &amina));
    let page = c.post("/signals/new", &form).await;
    assert_eq!(page.status, 422);
    assert_eq!(count(&app, signals).await, s0, "no signal");
    assert_eq!(count(&app, rows).await, a0, "no audit row");
    assert_eq!(
        count(&app, names).await,
        n0 + 1,
        "the names' read is audited"
    );

    // A clean text: the check's result is on record with the signal.
    let page = c
        .post(
            "/signals/new",
            &signal_form("Ouderen vragen de huurpremie niet aan."),
        )
        .await;
    assert_eq!(page.status, 303);
    let clean = id_from(&page.location, "/signals/");
    // A false alarm the worker confirmed: the confirmed kinds are on record (codes only).
    let what = "Bellen naar 0470 12 34 56 of langsgaan in de Kerkstraat 12 helpt niet.";
    let page = c.post("/signals/new", &signal_form(what)).await;
    let fp = attr_after(&page.body, "name=\"pii_ok_what\" value=\"").to_owned();
    let mut form = signal_form(what);
    form.push(("pii_ok_what", &fp));
    let page = c.post("/signals/new", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let confirmed = id_from(&page.location, "/signals/");
    let detail = |id: i64| {
        let db = app.db.clone();
        async move {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT a.detail, (SELECT COUNT(*) FROM audit_log b WHERE b.action = 'signal.create' AND b.entity_id = a.entity_id) \
                 FROM audit_log a WHERE a.action = 'signal.pii_check' AND a.entity = 'signal' AND a.entity_id = $1",
            )
            .bind(id)
            .fetch_all(db.reader())
            .await
            .unwrap();
            rows
        }
    };
    assert_eq!(detail(clean).await, vec![("result=clean".to_owned(), 1)]);
    let d = detail(confirmed).await;
    assert_eq!(d.len(), 1);
    assert!(d[0].0.starts_with("result=confirmed findings="), "{d:?}");
    assert!(d[0].0.contains("what:phone") && d[0].0.contains("what:address"));
    assert!(!d[0].0.contains("0470"), "codes only, never the text");
    assert_eq!(count(&app, signals).await, s0 + 2);
    assert_eq!(count(&app, names).await, n0 + 4, "four submits, four reads");
}
