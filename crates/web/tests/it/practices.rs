//! The good-practice database: submit, review, publish, search (stemmed, facets, similar),
//! the public pages, and the storage rules on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::TestApp;
use sterk_domain::access::{Actor, Role};
use sterk_domain::practice::{PracticeInput, Review};
use sterk_store::{StoreError, demo, practices, testing};

fn full_form(title: &str) -> Vec<(&str, &str)> {
    vec![
        ("title", title),
        ("language", "nl"),
        (
            "summary",
            "Jongeren en buurtbewoners bouwen samen een moestuin op een braakliggend terrein.",
        ),
        (
            "description",
            "Elke woensdag werken jongeren uit de wijken samen met buren in de moestuin.",
        ),
        ("krachtlijnen", "verbindend"),
        ("krachtlijnen", "procesmatig"),
        ("challenges", "duurzaamheid"),
        ("target_groups", "kinderen-jongeren"),
        ("ingredients", "Samen beslissen wat er geplant wordt."),
        ("conditions", ""),
        ("contact_name", "Sara Peeters"),
        ("contact_email", "moestuin@ocmw-gent.demo"),
    ]
}

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_public_database_searches_with_stemming_and_facets() {
    let app = TestApp::start().await;
    let mut c = app.client();
    let all = c.get("/practices").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("6 praktijken"), "{}", all.body);
    // The practice waiting for review is not public.
    assert!(!all.body.contains("Buurtgerichte zorg"));
    // Facet counts: two practices carry "politiserend".
    assert!(
        all.body.contains("Politiserend werken</a> (2)"),
        "{}",
        all.body
    );
    let filtered = c.get("/practices?krachtlijn=politiserend").await;
    assert!(filtered.body.contains("2 praktijken"));
    assert!(filtered.body.contains("Solidariteitsfonds") && filtered.body.contains("De Keeting"));
    assert!(!filtered.body.contains("Straathoekwerk: een"));
    // Stemming: the door-to-door practice speaks of "talen"; the singular finds it.
    let taal = c.get("/practices?q=taal").await;
    assert!(taal.body.contains("Van deur tot deur"), "{}", taal.body);
    // French: "familles" and "famille" both find the Molenbeek practice.
    let fr = c.get("/practices?q=famille").await;
    assert!(fr.body.contains("Repas chauds"), "{}", fr.body);
    // Words and a facet together; nonsense finds nothing but does not fail.
    let none = c.get("/practices?q=%22((%3A&region=limburg").await;
    assert_eq!(none.status, 200);
    // A practice page shows similar practices and no review form.
    let id: (i64,) = sqlx::query_as("SELECT id FROM practices WHERE title LIKE 'Straathoekwerk%'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let page = c.get(&format!("/practices/{}", id.0)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Gelijkaardige praktijken"));
    assert!(!page.body.contains("name=\"decision\""));
    // The krachtlijnen page, in French too.
    let k = c.get("/krachtlijnen").await;
    assert!(
        k.body.contains("Politiserend werken")
            && k.body.contains("2 praktijken met deze krachtlijn")
    );
    c.lang = Some("fr".into());
    let k = c.get("/krachtlijnen").await;
    assert!(k.body.contains("Travail politisant"), "{}", k.body);
    assert!(
        k.headers.get("set-cookie").is_none(),
        "public pages leave no session"
    );
}

#[tokio::test]
async fn a_practice_is_submitted_sent_back_changed_and_published_after_review() {
    let app = TestApp::start_postgres("practiceflow").await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    // Missing fields: everything typed is kept, each missing field is named, nothing stored.
    let before: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM practices")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let bad = w
        .post(
            "/practices/new",
            &[
                ("title", "Moestuin in de wijk"),
                ("summary", "Een tuin met buren."),
                ("krachtlijnen", "verbindend"),
                ("contact_email", "geen-adres"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("value=\"Moestuin in de wijk\""));
    assert!(bad.body.contains("Een tuin met buren.</textarea>"));
    assert!(
        bad.body.contains("Beschrijving: Dit veld is verplicht."),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("Doelgroep: Kies er minstens één."));
    assert!(bad.body.contains("Vul een geldig e-mailadres in"));
    assert!(
        bad.body
            .contains("value=\"verbindend\" id=\"krachtlijnen-verbindend\" checked")
    );
    let after: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM practices")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(before, after);

    let ok = w
        .post("/practices/new", &full_form("Moestuin in de wijk"))
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let id = id_from(ok.location.as_deref().unwrap());
    let own = w.get(&format!("/practices/{id}")).await;
    assert!(own.body.contains("Ingediend, wacht op nalezing"));
    // Not public yet.
    let mut anon = app.client();
    assert_eq!(anon.get(&format!("/practices/{id}")).await.status, 404);
    assert!(
        !anon
            .get("/practices?q=moestuin")
            .await
            .body
            .contains("Moestuin in de wijk")
    );

    // The chair of Oost-Vlaanderen reviews; a send-back needs a comment.
    let mut chair = app.login("voorzitter@platform-oost-vlaanderen.demo").await;
    let list = chair.get("/practices/review").await;
    assert!(list.body.contains("Moestuin in de wijk"));
    let no_comment = chair
        .post(
            &format!("/practices/{id}/review"),
            &[("decision", "send_back"), ("comment", " ")],
        )
        .await;
    assert_eq!(no_comment.status, 422);
    assert!(
        no_comment
            .body
            .contains("Opmerking: Dit veld is verplicht.")
    );
    let sent = chair
        .post(
            &format!("/practices/{id}/review"),
            &[
                ("decision", "send_back"),
                ("comment", "Graag de randvoorwaarden aanvullen."),
            ],
        )
        .await;
    assert_eq!(sent.status, 303);
    let mine = w.get("/practices/mine").await;
    assert!(
        mine.body
            .contains("Teruggestuurd: Graag de randvoorwaarden aanvullen.")
    );
    // The organisation changes it and submits it again.
    let edit = w.get(&format!("/practices/{id}/edit")).await;
    assert!(edit.body.contains("Graag de randvoorwaarden aanvullen."));
    let mut form = full_form("Moestuin in de wijk");
    form.retain(|(k, _)| *k != "conditions");
    form.push(("conditions", "Een stuk grond en gereedschap."));
    let changed = w.post(&format!("/practices/{id}/edit"), &form).await;
    assert_eq!(changed.status, 303);
    // Published now; the search finds it by a stemmed word ("wijken" -> "wijk").
    let published = chair
        .post(
            &format!("/practices/{id}/review"),
            &[("decision", "publish")],
        )
        .await;
    assert_eq!(published.status, 303);
    let found = anon.get("/practices?q=wijk").await;
    assert!(found.body.contains("Moestuin in de wijk"), "{}", found.body);
    let found = anon
        .get("/practices?q=moestuinen&krachtlijn=procesmatig")
        .await;
    assert!(found.body.contains("Moestuin in de wijk"), "{}", found.body);
    // A second decision on a published practice changes nothing.
    let again = chair
        .post(
            &format!("/practices/{id}/review"),
            &[("decision", "send_back"), ("comment", "x")],
        )
        .await;
    assert_eq!(again.status, 303);
    let (status,): (String,) = sqlx::query_as("SELECT status FROM practices WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(status, "published");
    let history = chair.get(&format!("/practices/{id}")).await;
    assert!(history.body.contains("Verloop"));
    // Changing a published practice takes it out of the public search until it is reviewed.
    let changed = w
        .post(
            &format!("/practices/{id}/edit"),
            &full_form("Moestuin in de wijk"),
        )
        .await;
    assert_eq!(changed.status, 303);
    assert!(
        !anon
            .get("/practices?q=wijk")
            .await
            .body
            .contains("Moestuin in de wijk")
    );
}

#[tokio::test]
async fn only_members_submit_and_only_the_regions_chair_reviews() {
    let app = TestApp::start().await;
    // A volunteer may not submit; an anonymous visitor must sign in.
    let mut v = app.login("vrijwilliger@buurtwerk-leuven.demo").await;
    assert_eq!(v.get("/practices/new").await.status, 403);
    let anon = app.client().get("/practices/new").await;
    assert_eq!(anon.status, 303);
    assert!(anon.location.unwrap().starts_with("/login"));
    // Buurtwerk Leuven (Vlaams-Brabant) submits; the Oost-Vlaanderen chair may not review it.
    let mut lc = app.login("coordinator@buurtwerk-leuven.demo").await;
    let ok = lc
        .post("/practices/new", &full_form("Moestuin Leuven"))
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let id = id_from(ok.location.as_deref().unwrap());
    let mut chair = app.login("voorzitter@platform-oost-vlaanderen.demo").await;
    assert!(
        !chair
            .get("/practices/review")
            .await
            .body
            .contains("Moestuin Leuven")
    );
    assert_eq!(chair.get(&format!("/practices/{id}")).await.status, 404);
    let refused = chair
        .post(
            &format!("/practices/{id}/review"),
            &[("decision", "publish")],
        )
        .await;
    assert_eq!(refused.status, 403);
    // The Flemish platform coordinator sees every region's practices and may publish.
    let mut coord = app.login("coordinator@vlaams-platform.demo").await;
    assert!(
        coord
            .get("/practices/review")
            .await
            .body
            .contains("Moestuin Leuven")
    );
    let done = coord
        .post(
            &format!("/practices/{id}/review"),
            &[("decision", "publish")],
        )
        .await;
    assert_eq!(done.status, 303);
    // Another organisation cannot change it.
    let mut gent = app.login("werker@ocmw-gent.demo").await;
    assert_eq!(gent.get(&format!("/practices/{id}/edit")).await.status, 403);
    // Social workers do not review.
    assert_eq!(gent.get("/practices/review").await.status, 403);
}

#[tokio::test]
async fn a_review_decides_once_and_writes_history_and_audit_on_both_backends() {
    for t in testing::all("practicestore").await.unwrap() {
        let db = &t.db;
        demo::load(db).await.unwrap();
        let (org, account): (i64, i64) =
            sqlx::query_as("SELECT org_id, id FROM accounts WHERE email = 'werker@ocmw-gent.demo'")
                .fetch_one(db.reader())
                .await
                .unwrap();
        let (chair,): (i64,) = sqlx::query_as(
            "SELECT id FROM accounts WHERE email = 'voorzitter@platform-oost-vlaanderen.demo'",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        let worker = Actor {
            account,
            role: Role::SocialWorker,
            org: Some(org),
            platform: None,
        };
        let chair = Actor {
            account: chair,
            role: Role::RegionalChair,
            org: None,
            platform: Some(4),
        };
        let input = PracticeInput {
            title: "Proef".into(),
            language: "nl".into(),
            summary: "s".into(),
            description: "d".into(),
            krachtlijnen: vec!["nabijheid".into()],
            target_groups: vec!["ouderen".into()],
            ingredients: "i".into(),
            contact_name: "c".into(),
            contact_email: "c@example.be".into(),
            ..PracticeInput::default()
        };
        let id = practices::submit(db, &worker, &input).await.unwrap();
        let p = practices::get(db, id).await.unwrap();
        assert_eq!(p.status, "submitted", "{}", t.name);
        assert_eq!(p.platform_code, "oost-vlaanderen", "{}", t.name);
        // Two reviewers at once: exactly one decision counts.
        let no = Review::SendBack("nee".into());
        let (a, b) = tokio::join!(
            practices::review(db, &chair, id, &Review::Publish),
            practices::review(db, &chair, id, &no),
        );
        assert!(a.is_ok() != b.is_ok(), "{}: {a:?} {b:?}", t.name);
        let published_first = a.is_ok();
        assert!(
            matches!(
                a.err().or(b.err()),
                Some(StoreError::Refused("not_submitted"))
            ),
            "{}",
            t.name
        );
        let history = practices::reviews(db, id).await.unwrap();
        assert_eq!(history.len(), 2, "{}", t.name);
        let (audits,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'practice' AND entity_id = $1",
        )
        .bind(id)
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(audits, 2, "{}", t.name);
        // Another organisation cannot change it.
        let other = Actor {
            org: Some(org + 1),
            ..worker.clone()
        };
        assert!(matches!(
            practices::update(db, &other, id, &input).await,
            Err(StoreError::NotFound)
        ));
        // Typed links are idempotent, and refused when their target does not exist.
        let (initiative,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM plan_initiatives")
            .fetch_one(db.reader())
            .await
            .unwrap();
        for _ in 0..2 {
            practices::add_link(db, &chair, id, practices::LinkKind::Initiative, initiative)
                .await
                .unwrap();
        }
        assert!(matches!(
            practices::add_link(db, &chair, id, practices::LinkKind::SignalDossier, 999_999).await,
            Err(StoreError::Refused("dossier_unknown"))
        ));
        assert_eq!(
            practices::links(db, id).await.unwrap().len(),
            1,
            "{}",
            t.name
        );
        // Demo: six published practices, one waiting.
        assert_eq!(
            practices::published(db).await.unwrap().len(),
            6 + usize::from(published_first)
        );
        assert_eq!(
            practices::to_review(db, Some(4)).await.unwrap().len(),
            1,
            "{}",
            t.name
        );
    }
}

async fn one_id(app: &TestApp, sql: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn practices_link_to_initiatives_dossiers_and_meetings_in_both_directions() {
    for app in [
        TestApp::start().await,
        TestApp::start_postgres("links").await,
    ] {
        let practice = one_id(
            &app,
            "SELECT id FROM practices WHERE title LIKE 'Solidariteitsfonds%'",
        )
        .await;
        let initiative = one_id(
            &app,
            "SELECT id FROM plan_initiatives WHERE code = '4.8-A1-I1'",
        )
        .await;
        let dossier = one_id(
            &app,
            "SELECT MIN(id) FROM signal_dossiers WHERE platform_id = 4",
        )
        .await;
        let (dossier_title,): (String,) =
            sqlx::query_as("SELECT title FROM signal_dossiers WHERE id = $1")
                .bind(dossier)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        let links = format!("/practices/{practice}/links");

        // Another organisation's coordinator may not link OCMW Gent's practice.
        let mut leuven = app.login("coordinator@buurtwerk-leuven.demo").await;
        let refused = leuven
            .post(
                &links,
                &[("kind", "initiative"), ("target", &initiative.to_string())],
            )
            .await;
        assert_eq!(refused.status, 403);

        // The organisation's worker links an initiative; an unknown one is named and refused.
        let mut worker = app.login("werker@ocmw-gent.demo").await;
        let unknown = worker
            .post(&links, &[("kind", "initiative"), ("target", "999999")])
            .await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.body.contains("Dit initiatief bestaat niet."));
        let ok = worker
            .post(
                &links,
                &[("kind", "initiative"), ("target", &initiative.to_string())],
            )
            .await;
        assert_eq!(ok.status, 303);
        // The chair of the region links the signal dossier.
        let mut chair = app.login("voorzitter@platform-oost-vlaanderen.demo").await;
        let ok = chair
            .post(
                &links,
                &[("kind", "signal_dossier"), ("target", &dossier.to_string())],
            )
            .await;
        assert_eq!(ok.status, 303);

        // Both directions are visible: the practice shows the initiative (to everyone) and
        // the dossier (to those who read dossiers); the initiative and the dossier show the
        // practice.
        let mut anon = app.client();
        let page = anon.get(&format!("/practices/{practice}")).await;
        assert!(
            page.body
                .contains(&format!("/actieplan/initiatieven/{initiative}"))
        );
        assert!(
            !page.body.contains(&dossier_title),
            "the dossier is not public yet"
        );
        let page = chair.get(&format!("/practices/{practice}")).await;
        assert!(page.body.contains(&format!("/dossiers/{dossier}")));
        let init = anon
            .get(&format!("/actieplan/initiatieven/{initiative}"))
            .await;
        assert!(init.body.contains(&format!("/practices/{practice}")));
        let d = worker.get(&format!("/dossiers/{dossier}")).await;
        assert!(d.body.contains(&format!("/practices/{practice}")));

        // A meeting of the region discusses the practice and the dossier.
        let meeting = chair
            .post(
                "/organen/oost-vlaanderen/vergaderingen",
                &[
                    ("held_on", "2024-03-01"),
                    ("title", "Overleg solidariteitsfonds"),
                    ("practice", &practice.to_string()),
                    ("dossier", &dossier.to_string()),
                ],
            )
            .await;
        assert_eq!(meeting.status, 303, "{}", meeting.body);
        let m = chair.get(meeting.location.as_deref().unwrap()).await;
        assert!(m.body.contains(&format!("/practices/{practice}")));
        assert!(m.body.contains(&format!("/dossiers/{dossier}")));
        let d = chair.get(&format!("/dossiers/{dossier}")).await;
        assert!(d.body.contains("Overleg solidariteitsfonds"));
        // The practice's page lists the meeting for the platform's people, not for visitors.
        let page = chair.get(&format!("/practices/{practice}")).await;
        assert!(page.body.contains("Overleg solidariteitsfonds"));
        let page = anon.get(&format!("/practices/{practice}")).await;
        assert!(!page.body.contains("Overleg solidariteitsfonds"));
        // The worker reads the dossier but not the platform's meetings.
        let d = worker.get(&format!("/dossiers/{dossier}")).await;
        assert!(!d.body.contains("Overleg solidariteitsfonds"));
        // A practice that is not published cannot be discussed; nothing is saved.
        let waiting = one_id(&app, "SELECT id FROM practices WHERE status = 'submitted'").await;
        let bad = chair
            .post(
                "/organen/oost-vlaanderen/vergaderingen",
                &[
                    ("held_on", "2024-03-02"),
                    ("title", "Niet bewaard"),
                    ("practice", &waiting.to_string()),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("Kies een gepubliceerde praktijk."));
        assert_eq!(
            one_id(
                &app,
                "SELECT COUNT(*) FROM meetings WHERE title = 'Niet bewaard'"
            )
            .await,
            0
        );

        // Unlinking removes the link from both pages.
        let ok = worker
            .post(
                &links,
                &[
                    ("kind", "initiative"),
                    ("target", &initiative.to_string()),
                    ("remove", "1"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303);
        let init = anon
            .get(&format!("/actieplan/initiatieven/{initiative}"))
            .await;
        assert!(!init.body.contains(&format!("/practices/{practice}")));
        // Every change is audited, with codes only.
        assert_eq!(
            one_id(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('practice.link', 'practice.unlink')").await,
            3
        );
    }
}
