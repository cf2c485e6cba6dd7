//! The diversity self-assessment: questionnaire, results over time, and the anonymous
//! comparison that stays hidden under five organisations (both backends).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::TestApp;
use sterk_domain::access::{Actor, Role};
use sterk_domain::diversity::Answers;
use sterk_domain::org::OrgKind;
use sterk_domain::values::{Name, Refnis};
use sterk_store::orgs::{self, NewOrg};
use sterk_store::{demo, diversity, testing};

#[tokio::test]
async fn the_comparison_needs_five_other_organisations_of_the_same_kind() {
    for t in testing::all("diversitycmp").await.unwrap() {
        let db = &t.db;
        demo::load(db).await.unwrap();
        let (gent, account): (i64, i64) =
            sqlx::query_as("SELECT org_id, id FROM accounts WHERE email = 'beheer@ocmw-gent.demo'")
                .fetch_one(db.reader())
                .await
                .unwrap();
        let as_org = |org: i64| Actor {
            account,
            role: Role::OrgAdmin,
            org: Some(org),
            platform: None,
        };
        diversity::save(db, &as_org(gent), "2025-01-10", &Answers([1; 12]))
            .await
            .unwrap();
        diversity::save(db, &as_org(gent), "2026-01-10", &Answers([2; 12]))
            .await
            .unwrap();
        let history = diversity::history(db, gent).await.unwrap();
        assert_eq!(history.len(), 2, "{}", t.name);
        assert_eq!(history[0].scores(), [33; 4]);
        assert_eq!(history[1].scores(), [67; 4]);
        // Other OCMWs, and one CAW that must not count.
        let mut others = Vec::new();
        for i in 0..5 {
            let id = orgs::create(
                db,
                None,
                &NewOrg {
                    name: Name::parse(&format!("OCMW proef {i}")).unwrap(),
                    kbo: None,
                    kind: OrgKind::Ocmw,
                    refnis: Refnis::parse("44021").unwrap(),
                },
            )
            .await
            .unwrap();
            others.push(id);
        }
        let (caw,): (i64,) =
            sqlx::query_as("SELECT id FROM organisations WHERE name = 'CAW Antwerpen'")
                .fetch_one(db.reader())
                .await
                .unwrap();
        diversity::save(db, &as_org(caw), "2026-01-01", &Answers([0; 12]))
            .await
            .unwrap();
        for (i, o) in others.iter().take(4).enumerate() {
            // An older assessment first: only the latest counts.
            diversity::save(db, &as_org(*o), "2024-01-01", &Answers([0; 12]))
                .await
                .unwrap();
            let v = if i % 2 == 0 { 3 } else { 1 };
            diversity::save(db, &as_org(*o), "2026-02-01", &Answers([v; 12]))
                .await
                .unwrap();
        }
        assert_eq!(
            diversity::comparison(db, gent).await.unwrap(),
            (4, None),
            "{}: four is too few",
            t.name
        );
        diversity::save(db, &as_org(others[4]), "2026-02-01", &Answers([2; 12]))
            .await
            .unwrap();
        // (100 + 33 + 100 + 33 + 67) / 5 = 66.6
        assert_eq!(
            diversity::comparison(db, gent).await.unwrap(),
            (5, Some([67; 4])),
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn an_organisation_admin_fills_in_the_questionnaire_and_sees_the_results() {
    let app = TestApp::start_postgres("diversityweb").await;
    let mut a = app.login("beheer@ocmw-gent.demo").await;
    let page = a.get("/diversity").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("nog niet in"));
    assert!(page.body.contains("minstens 5 andere organisaties"));
    let form = a.get("/diversity/new").await;
    assert!(form.body.contains("Ons personeel weerspiegelt"));
    // Missing answers are named; the answers given stay checked.
    let bad = a
        .post(
            "/diversity/new",
            &[("q-staff-reflects", "2"), ("q-training", "9")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("value=\"2\" id=\"q-staff-reflects-2\" checked")
    );
    assert!(bad.body.contains(
        "Medewerkers krijgen vorming in cultuursensitief werken.: Kies een van de mogelijkheden."
    ));
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM diversity_assessments")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 0);
    let answers: Vec<(String, String)> = sterk_domain::diversity::QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, (_, q))| (format!("q-{q}"), if i < 3 { "3" } else { "1" }.to_owned()))
        .collect();
    let fields: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let ok = a.post("/diversity/new", &fields).await;
    assert_eq!(ok.status, 303);
    let page = a.get("/diversity").await;
    assert!(
        page.body
            .contains("<td>100</td><td>33</td><td>33</td><td>33</td>"),
        "{}",
        page.body
    );
    // Only the organisation's administrator.
    let mut w = app.login("werker@ocmw-gent.demo").await;
    assert_eq!(w.get("/diversity").await.status, 403);
    let mut chair = app.login("voorzitter@platform-oost-vlaanderen.demo").await;
    assert_eq!(chair.get("/diversity").await.status, 403);
}
