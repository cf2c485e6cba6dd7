//! Events and the conference: programme, registration with capacity and waiting list,
//! promotion on cancellation, never over capacity under concurrent registrations (both
//! backends).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::TestApp;
use sterk_domain::event::{Placement, RegistrationInput};
use sterk_store::{StoreError, events, testing};

fn reg(i: usize) -> RegistrationInput {
    RegistrationInput {
        name: format!("Deelnemer {i}"),
        email: format!("deelnemer{i}@voorbeeld.be"),
        organisation: String::new(),
    }
}

async fn counts(db: &sterk_store::Db, event: i64) -> (i64, i64, i64, i64) {
    let e = events::get(db, event).await.unwrap();
    let (registered,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'registered'",
    )
    .bind(event)
    .fetch_one(db.reader())
    .await
    .unwrap();
    let (waiting,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'waiting'",
    )
    .bind(event)
    .fetch_one(db.reader())
    .await
    .unwrap();
    (e.registered_count, registered, e.waiting_count, waiting)
}

#[tokio::test]
async fn concurrent_registrations_never_go_over_capacity_and_cancellations_promote_in_order() {
    for t in testing::all("eventsrace").await.unwrap() {
        let db = t.db.clone();
        // No accounts in a fresh database: create the event without an author.
        let mut tx = db.begin().await.unwrap();
        let (event,): (i64,) = sqlx::query_as(
            "INSERT INTO events (kind, platform_id, title, held_on, capacity, waitlist_capacity, created_at) \
             VALUES ('conference', 1, 'Proef', '2030-11-20', 5, 3, 0) RETURNING id",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..20 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                events::register(&db, event, &reg(i)).await
            }));
        }
        let mut placed = 0;
        let mut waiting = 0;
        let mut full = 0;
        let mut tokens = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok((token, Placement::Registered)) => {
                    placed += 1;
                    tokens.push(token);
                }
                Ok((_, Placement::Waiting)) => waiting += 1,
                Err(StoreError::Refused("full")) => full += 1,
                Err(e) => panic!("{}: {e}", t.name),
            }
        }
        assert_eq!((placed, waiting, full), (5, 3, 12), "{}", t.name);
        assert_eq!(counts(&db, event).await, (5, 5, 3, 3), "{}", t.name);
        // The same address twice is refused.
        assert!(matches!(
            events::register(&db, event, &reg(0)).await,
            Err(StoreError::Refused("already_registered" | "full"))
        ));
        // The first on the waiting list is promoted first.
        let (first_waiting,): (i64,) = sqlx::query_as(
            "SELECT id FROM event_registrations WHERE event_id = $1 AND status = 'waiting' ORDER BY id LIMIT 1",
        )
        .bind(event)
        .fetch_one(db.reader())
        .await
        .unwrap();
        let promoted = events::cancel(&db, &tokens[0]).await.unwrap();
        assert_eq!(promoted, Some(first_waiting), "{}", t.name);
        assert_eq!(counts(&db, event).await, (5, 5, 2, 2), "{}", t.name);
        // Cancelling twice changes nothing.
        assert_eq!(events::cancel(&db, &tokens[0]).await.unwrap(), None);
        assert_eq!(counts(&db, event).await, (5, 5, 2, 2), "{}", t.name);
        // The other four cancel at once: two are replaced from the waiting list, two not.
        let mut tasks = Vec::new();
        for token in tokens.iter().skip(1) {
            let db = db.clone();
            let token = token.clone();
            tasks.push(tokio::spawn(
                async move { events::cancel(&db, &token).await },
            ));
        }
        let mut promotions = 0;
        for task in tasks {
            if task.await.unwrap().unwrap().is_some() {
                promotions += 1;
            }
        }
        assert_eq!(promotions, 2, "{}", t.name);
        assert_eq!(counts(&db, event).await, (3, 3, 0, 0), "{}", t.name);
        // Places free again: a new registration gets a place, not the waiting list.
        let (_, p) = events::register(&db, event, &reg(99)).await.unwrap();
        assert_eq!(p, Placement::Registered, "{}", t.name);
        // Audit rows for every registration and cancellation, no names in them.
        let (audits,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('event.register', 'event.cancel') AND detail NOT LIKE '%Deelnemer%'",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(audits, 5 + 3 + 1 + 4 + 1, "{}", t.name);
    }
}

#[tokio::test]
async fn the_conference_programme_is_public_and_a_chair_runs_a_small_event_with_a_waiting_list() {
    let app = TestApp::start_postgres("eventsflow").await;
    let mut anon = app.client();
    let list = anon.get("/events").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Sociaalwerkconferentie 20"));
    assert!(list.body.contains("World Social Work Day"));
    let (conf,): (i64,) = sqlx::query_as("SELECT id FROM events WHERE kind = 'conference'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let page = anon.get(&format!("/events/{conf}")).await;
    assert!(
        page.body.contains("Nog 1000 plaatsen vrij"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Politiserend werken: van signaal tot beleid")
    );
    assert!(
        page.body
            .contains("Els Vermeulen (Armoedevereniging De Keeting)")
    );
    assert!(
        page.body.contains("Solidariteitsfonds"),
        "showcased practice"
    );
    assert!(
        !page.body.contains("Sessie toevoegen"),
        "no organiser forms for visitors"
    );

    // The chair of Oost-Vlaanderen adds a World Social Work Day event with 1 place and 1 on
    // the waiting list; a bad form keeps what was typed.
    let mut chair = app.login("voorzitter@platform-oost-vlaanderen.demo").await;
    let bad = chair
        .post(
            "/events/new",
            &[
                ("kind", "wswd"),
                ("title", "Markt van praktijken"),
                ("held_on", "31/02/2030"),
                ("capacity", "veel"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("value=\"Markt van praktijken\"")
            && bad.body.contains("Vul een geheel getal in")
    );
    // A chair may not create the conference.
    let conf_try = chair
        .post(
            "/events/new",
            &[
                ("kind", "conference"),
                ("title", "X"),
                ("held_on", "2030-03-17"),
            ],
        )
        .await;
    assert_eq!(conf_try.status, 422);
    let made = chair
        .post(
            "/events/new",
            &[
                ("kind", "wswd"),
                ("title", "Markt van praktijken"),
                ("held_on", "17/03/2030"),
                ("starts_at", "14u"),
                ("location", "Gent"),
                ("capacity", "1"),
                ("waitlist", "1"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let eid: i64 = made
        .location
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let session = chair
        .post(
            &format!("/events/{eid}/sessions"),
            &[
                ("s_title", "Welkom"),
                ("s_starts_at", "14:00"),
                ("s_speakers", "Prof. An Claes, regionaal platform"),
            ],
        )
        .await;
    assert_eq!(session.status, 303);
    // Registrations: a place, the waiting list, then full.
    let mut a = app.client();
    a.get(&format!("/events/{eid}")).await;
    let bad = a
        .post(
            &format!("/events/{eid}/register"),
            &[("name", "An"), ("email", "geen")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("value=\"An\""));
    let ra = a
        .post(
            &format!("/events/{eid}/register"),
            &[("name", "An"), ("email", "an@voorbeeld.be")],
        )
        .await;
    assert_eq!(ra.status, 303);
    let a_link = ra.location.unwrap();
    let mut b = app.client();
    b.get(&format!("/events/{eid}")).await;
    let rb = b
        .post(
            &format!("/events/{eid}/register"),
            &[("name", "Bert"), ("email", "bert@voorbeeld.be")],
        )
        .await;
    let b_link = rb.location.unwrap();
    assert!(
        b.get(&b_link)
            .await
            .body
            .contains("op de wachtlijst, op plaats 1")
    );
    let mut c = app.client();
    c.get(&format!("/events/{eid}")).await;
    let rc = c
        .post(
            &format!("/events/{eid}/register"),
            &[("name", "Chris"), ("email", "chris@voorbeeld.be")],
        )
        .await;
    assert_eq!(rc.status, 409);
    assert!(rc.body.contains("volzet, ook de wachtlijst"));
    // An cancels; Bert moves up.
    let a_page = a.get(&a_link).await;
    assert!(a_page.body.contains("Je hebt een plaats"));
    assert_eq!(a_page.headers.get("cache-control").unwrap(), "no-store");
    let cancelled = a.post(&format!("{a_link}/cancel"), &[]).await;
    assert_eq!(cancelled.status, 303);
    assert!(a.get(&a_link).await.body.contains("geannuleerd"));
    assert!(b.get(&b_link).await.body.contains("Je hebt een plaats"));
    // A wrong token finds nothing.
    assert_eq!(
        anon.get(&format!("/events/{eid}/r/00000000000000000000000000000000"))
            .await
            .status,
        404
    );
    // The chair sees who comes; others do not.
    let regs = chair.get(&format!("/events/{eid}/registrations")).await;
    assert!(regs.body.contains("bert@voorbeeld.be") && regs.body.contains("van de wachtlijst"));
    assert!(!regs.body.contains("an@voorbeeld.be"));
    assert_eq!(
        anon.get(&format!("/events/{eid}/registrations"))
            .await
            .status,
        303
    );
    let mut worker = app.login("werker@ocmw-gent.demo").await;
    assert_eq!(
        worker
            .get(&format!("/events/{eid}/registrations"))
            .await
            .status,
        403
    );
    // The chair may not manage the Flemish conference.
    assert_eq!(
        chair
            .get(&format!("/events/{conf}/registrations"))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn registrations_are_erased_after_the_event_and_the_counts_stay() {
    for t in testing::all("eventserase").await.unwrap() {
        let db = t.db.clone();
        let mut tx = db.begin().await.unwrap();
        let event = |held_on: &'static str| {
            sqlx::query_as::<_, (i64,)>(
                "INSERT INTO events (kind, platform_id, title, held_on, capacity, waitlist_capacity, created_at) \
                 VALUES ('wswd', 4, 'Dag', $1, 2, 5, 0) RETURNING id",
            )
            .bind(held_on)
        };
        let (past,) = event("2026-03-17").fetch_one(&mut *tx).await.unwrap();
        let (recent,) = event("2026-03-25").fetch_one(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        let mut tokens = Vec::new();
        for i in 0..3 {
            tokens.push(events::register(&db, past, &reg(i)).await.unwrap().0);
            events::register(&db, recent, &reg(i)).await.unwrap();
        }
        let today = time::macros::date!(2026 - 04 - 01);
        // 7 days after: the event of 17 March is due, the one of 25 March is not yet.
        let n = events::erase_past_registrations(&db, today, 7)
            .await
            .unwrap();
        assert_eq!(n, 3, "{}", t.name);
        assert_eq!(counts(&db, past).await, (2, 0, 1, 0), "{}", t.name);
        assert_eq!(counts(&db, recent).await, (2, 2, 1, 1), "{}", t.name);
        assert!(matches!(
            events::registration(&db, &tokens[0]).await,
            Err(StoreError::NotFound)
        ));
        let e = events::get(&db, past).await.unwrap();
        assert!(e.registrations_erased_at.is_some());
        assert_eq!(e.erased_registrations, 3);
        let (left,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM event_registrations WHERE email LIKE 'deelnemer%'",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(left, 3, "only the later event's registrations remain");
        // Again: nothing more to erase. With no delay, the later event goes too.
        assert_eq!(
            events::erase_past_registrations(&db, today, 7)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            events::erase_past_registrations(&db, today, 0)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            events::get(&db, recent).await.unwrap().erased_registrations,
            3
        );
        // Audited with the count only.
        let (audits,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'event.registrations_erased' AND detail = '3'",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(audits, 2, "{}", t.name);
    }
}

#[tokio::test]
async fn the_organisers_see_that_registrations_were_erased() {
    let app = TestApp::start().await;
    let (event,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM events WHERE platform_id = 4")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("UPDATE events SET held_on = '2020-01-01' WHERE id = $1")
        .bind(event)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    events::register(&app.db, event, &reg(1)).await.unwrap();
    events::erase_past_registrations(&app.db, time::macros::date!(2026 - 01 - 01), 30)
        .await
        .unwrap();
    let mut chair = app.login("voorzitter@platform-oost-vlaanderen.demo").await;
    let page = chair.get(&format!("/events/{event}/registrations")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("zijn de namen en e-mailadressen van de deelnemers gewist")
    );
}
