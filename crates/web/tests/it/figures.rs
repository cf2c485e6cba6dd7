//! Take-up figures of the rights module: exact inside the organisation, small cells hidden
//! outside it, the same figures as CSV, and who may see what. On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::TestApp;
use sterk_domain::access::{Actor, Role};
use sterk_domain::client::Household;
use sterk_domain::followup::FollowupStatus;
use sterk_domain::values::{Name, Refnis};
use sterk_store::clients::{self, ClientInput};
use sterk_store::rights::{self, FollowupChange};

/// The CSV's value for (table, label, measure).
fn cell(csv: &str, table: &str, label: &str, measure: &str) -> String {
    csv.lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c.len() == 4 && c[0] == table && c[1] == label && c[2] == measure)
        .map(|c| c[3].to_owned())
        .unwrap_or_else(|| panic!("no {table}/{label}/{measure} in\n{csv}"))
}

async fn run(app: TestApp) {
    // Inside the organisation: the demo's follow-ups, exactly (10 rights of 4 people).
    let mut w = app.login("werker@ocmw-gent.demo").await;
    let page = w.get("/rights/figures").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Cijfers over rechten"));
    assert!(page.body.contains("<svg class=\"chart\""));
    assert!(
        !page.body.contains("een cel met minder dan 5 personen"),
        "no suppression note inside"
    );
    let csv = w.get("/rights/figures?scope=org&format=csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = csv.body;
    assert_eq!(cell(&body, "months", "Totaal", "applied"), "8");
    assert_eq!(cell(&body, "months", "Totaal", "granted"), "5");
    assert_eq!(cell(&body, "months", "Totaal", "refused"), "2");
    assert_eq!(cell(&body, "months", "Totaal", "granted-money"), "2636.15");
    assert_eq!(
        cell(&body, "rights", "Leefloon", "granted-money"),
        "1305.91"
    );
    assert_eq!(
        cell(
            &body,
            "reasons",
            "Documenten of bewijzen ontbreken",
            "refused"
        ),
        "1"
    );

    // Outside (the regional platform of Gent): four people only, so everything is hidden,
    // also the total (eight applications, but of four people).
    let region = w
        .get("/rights/figures?scope=platform:oost-vlaanderen&format=csv")
        .await
        .body;
    assert_eq!(cell(&region, "months", "Totaal", "applied"), "<5");
    assert_eq!(cell(&region, "rights", "Leefloon", "granted"), "<5");
    assert_eq!(cell(&region, "reasons", "Totaal", "refused"), "<5");
    let page = w
        .get("/rights/figures?scope=platform:oost-vlaanderen")
        .await;
    assert!(page.body.contains("een cel met minder dan 5 personen"));
    assert!(!page.body.contains("2.636,15"), "no amount leaks outside");

    // Three more people apply today: seven people in all, the total shows; this month's
    // applications (3 people) stay hidden.
    let (worker,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'werker@ocmw-gent.demo'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let (org,): (i64,) = sqlx::query_as("SELECT org_id FROM accounts WHERE id = $1")
        .bind(worker)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let actor = Actor {
        account: worker,
        role: Role::SocialWorker,
        org: Some(org),
        platform: None,
    };
    let today = time::OffsetDateTime::now_utc().date();
    for i in 0..3 {
        let input = ClientInput {
            name: Name::parse(&format!("Cliënt {i}")).unwrap(),
            birth: None,
            refnis: Some(Refnis::parse("44021").unwrap()),
            languages: vec![],
            channels: vec![],
            phone: None,
            email: None,
            address: None,
            household: Household {
                adults: 1,
                children: 0,
                lives_alone: true,
            },
            notes: String::new(),
        };
        let c = clients::create(&app.db, &actor, &input).await.unwrap();
        let f = rights::start_followup(&app.db, &actor, c, None, "leefloon")
            .await
            .unwrap();
        rights::change_followup(
            &app.db,
            &actor,
            c,
            f,
            &FollowupChange {
                to: FollowupStatus::Applied,
                on: Some(today),
                applied_where: Some("OCMW Gent".into()),
                amount_cents: None,
                refusal_reason: None,
                refusal_code: None,
                note: String::new(),
            },
        )
        .await
        .unwrap();
    }
    let month = format!("{:04}-{:02}", today.year(), u8::from(today.month()));
    let region = w
        .get("/rights/figures?scope=platform:oost-vlaanderen&format=csv")
        .await
        .body;
    assert_eq!(cell(&region, "months", "Totaal", "applied"), "11");
    assert_eq!(cell(&region, "months", &month, "applied"), "<5");
    // Another region has nothing: zeros are shown, not hidden.
    let other = w
        .get("/rights/figures?scope=platform:limburg&format=csv")
        .await
        .body;
    assert_eq!(cell(&other, "months", "Totaal", "applied"), "0");

    // Bad input: a wrong month is named and the default period shown.
    let bad = w.get("/rights/figures?from=2026-1x").await;
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains("Geef een maand als jjjj-mm"));
    let unknown = w.get("/rights/figures?scope=platform:nergens").await;
    assert_eq!(unknown.status, 404);

    // Who sees what: a volunteer nothing; a chair their region by default (aggregated); the
    // chair cannot ask for an organisation's exact figures.
    let mut v = app.login("vrijwilliger@buurtwerk-leuven.demo").await;
    assert_eq!(v.get("/rights/figures").await.status, 403);
    let mut chair = app.login("voorzitter@platform-oost-vlaanderen.demo").await;
    let page = chair.get("/rights/figures").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("value=\"platform:oost-vlaanderen\" selected")
    );
    assert_eq!(chair.get("/rights/figures?scope=org").await.status, 403);
    // In French.
    let mut fr = app.login("coordinator@buurtwerk-leuven.demo").await;
    fr.post("/lang", &[("lang", "fr"), ("next", "/rights/figures")])
        .await;
    let page = fr.get("/rights/figures?scope=all").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Chiffres sur les droits"));
}

#[tokio::test]
async fn takeup_figures_on_sqlite() {
    run(TestApp::start().await).await;
}

#[tokio::test]
async fn takeup_figures_on_postgres() {
    run(TestApp::start_postgres("figures").await).await;
}
