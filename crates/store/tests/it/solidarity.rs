//! Solidarity storage: help requests, volunteers, matching with the consent rule, lifecycle,
//! blocks, leaving, network strength. Runs on SQLite and, when configured, PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use sterk_domain::access::{Actor, Role};
use sterk_domain::client::{ConsentMethod, ConsentPurpose, ContactChannel, Household};
use sterk_domain::org::OrgKind;
use sterk_domain::values::{Name, Refnis};
use sterk_store::accounts::{self, NewAccount};
use sterk_store::clients::{self, ClientInput, ConsentInput};
use sterk_store::orgs::{self, NewOrg};
use sterk_store::solidarity::{self as s, NewRequest, NewVolunteer, Step};
use sterk_store::{Db, StoreError, demo, testing};
use time::macros::date;

async fn org(db: &Db, name: &str, body: u64, nis: &str) -> i64 {
    orgs::create(
        db,
        None,
        &NewOrg {
            name: Name::parse(name).unwrap(),
            kbo: Some(demo::kbo_from_body(body)),
            kind: OrgKind::Ocmw,
            refnis: Refnis::parse(nis).unwrap(),
        },
    )
    .await
    .unwrap()
}

async fn worker(db: &Db, org: i64, email: &str) -> Actor {
    let id = accounts::create(
        db,
        None,
        NewAccount {
            email: email.into(),
            display_name: "W".into(),
            role: Role::SocialWorker,
            org_id: Some(org),
            platform_id: None,
            password: "correct horse battery".into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    Actor {
        account: id,
        role: Role::SocialWorker,
        org: Some(org),
        platform: None,
    }
}

async fn client(db: &Db, w: &Actor, name: &str, consent: bool) -> i64 {
    let id = clients::create(
        db,
        w,
        &ClientInput {
            name: Name::parse(name).unwrap(),
            birth: None,
            refnis: Some(Refnis::parse("44021").unwrap()),
            languages: vec!["nl"],
            channels: vec![ContactChannel::Phone],
            phone: None,
            email: None,
            address: Some("Kerkstraat 1".into()),
            household: Household {
                adults: 1,
                children: 0,
                lives_alone: true,
            },
            notes: String::new(),
        },
    )
    .await
    .unwrap();
    if consent {
        clients::record_consent(
            db,
            w,
            id,
            &ConsentInput {
                purpose: ConsentPurpose::ShareWithVolunteer,
                recipient_org: None,
                method: ConsentMethod::Oral,
                given_on: date!(2026 - 01 - 01),
                expires_on: None,
                note: String::new(),
            },
        )
        .await
        .unwrap();
    }
    id
}

fn request(client_id: i64) -> NewRequest {
    NewRequest {
        client_id,
        kind: "groceries".into(),
        frequency: "regular".into(),
        refnis: "44021".into(),
        postcode: "9000".into(),
        languages: vec!["nl".into()],
        availability: 0b111,
        urgency: "normal".into(),
        needs: String::new(),
    }
}

fn volunteer(name: &str) -> NewVolunteer {
    NewVolunteer {
        name: name.into(),
        email: None,
        phone: None,
        refnis: "44021".into(),
        postcode: "9000".into(),
        municipalities: vec![],
        radius_km: Some(5),
        languages: vec!["nl".into(), "tr".into()],
        skills: vec!["groceries".into(), "company".into()],
        screening: vec![],
        availability: 0b1,
        capacity: 1,
        insurance_noted: true,
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.reader()).await.unwrap();
    n
}

#[tokio::test]
async fn requests_volunteers_batch_consent_and_lifecycle() {
    for t in testing::all("solidarity").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let other = org(db, "CAW Antwerpen", 41_093_422, "11002").await;
        let w = worker(db, gent, "w@x.be").await;
        let stranger = worker(db, other, "o@x.be").await;
        let alone = client(db, &w, "Mevrouw Alleen", true).await;
        let connected = client(db, &w, "Meneer Omringd", true).await;
        let no_consent = client(db, &w, "Mevrouw Zonder", false).await;
        for _ in 0..4 {
            s::add_supporter(db, &w, connected, "family", "")
                .await
                .unwrap();
        }

        // Bad input: a postal code of another municipality, no languages.
        let mut bad = request(alone);
        bad.postcode = "2000".into();
        assert!(matches!(
            s::create_request(db, &w, &bad).await,
            Err(StoreError::Refused("solidarity-postcode-mismatch"))
        ));
        let mut bad = request(alone);
        bad.languages.clear();
        assert!(s::create_request(db, &w, &bad).await.is_err());
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM help_requests").await,
            0,
            "{}",
            t.name
        );
        // Another organisation's worker cannot file a request for this client.
        assert!(matches!(
            s::create_request(db, &stranger, &request(alone)).await,
            Err(StoreError::NotFound)
        ));

        let r_alone = s::create_request(db, &w, &request(alone)).await.unwrap();
        let r_conn = s::create_request(db, &w, &request(connected))
            .await
            .unwrap();
        let r_none = s::create_request(db, &w, &request(no_consent))
            .await
            .unwrap();
        let v1 = s::create_volunteer(db, gent, Some(w.account), "worker", &volunteer("Ayşe"))
            .await
            .unwrap();
        let mut bad_v = volunteer("X");
        bad_v.insurance_noted = false;
        assert!(matches!(
            s::create_volunteer(db, gent, None, "public", &bad_v).await,
            Err(StoreError::Refused("solidarity-insurance-required"))
        ));
        let v2 = s::create_volunteer(db, gent, None, "public", &volunteer("Bram"))
            .await
            .unwrap();

        // The batch: two volunteers, three requests; the person with the weakest network and
        // the one without consent have no supporters, the connected one has four.
        let input = s::engine_inputs(db, &w, None).await.unwrap();
        assert_eq!((input.requests.len(), input.volunteers.len()), (3, 2));
        let b = sterk_matching::batch(&input.requests, &input.volunteers);
        let served: Vec<i64> = b
            .pairs
            .iter()
            .map(|p| input.request_rows[p.request].id)
            .collect();
        assert_eq!(served.len(), 2);
        assert!(
            served.contains(&r_alone) && served.contains(&r_none),
            "{served:?}"
        );
        assert!(!served.contains(&r_conn));
        let pairs: Vec<(i64, i64, i64)> = b
            .pairs
            .iter()
            .map(|p| {
                (
                    input.request_rows[p.request].id,
                    input.volunteer_rows[p.volunteer].id,
                    p.pair_points,
                )
            })
            .collect();
        let out = s::confirm_batch(db, &w, &pairs).await.unwrap();
        assert_eq!(out.proposed.len(), 1, "{}", t.name);
        assert_eq!(
            out.skipped,
            vec![(r_none, "consent_missing_share_with_volunteer")]
        );
        assert_eq!(count(db, "SELECT COUNT(*) FROM matches").await, 1);

        // Accept, then the network of the person grows.
        let (net, _) = s::network(db, &w).await.unwrap();
        let before = net
            .iter()
            .find(|n| n.client_id == alone)
            .unwrap()
            .supporters;
        s::step(db, &w, out.proposed[0], Step::Accept, None, "", "")
            .await
            .unwrap();
        let (net, per) = s::network(db, &w).await.unwrap();
        let after = net.iter().find(|n| n.client_id == alone).unwrap();
        assert_eq!(after.supporters, before + 1);
        assert!(after.weak);
        assert!(!net.iter().find(|n| n.client_id == connected).unwrap().weak);
        assert_eq!(per.iter().map(|(_, n)| n).sum::<i64>(), 2);
        assert_eq!(
            s::hide_small(&per)[0].1,
            None,
            "cells under 5 hidden outside"
        );

        // Invalid step; stop with a reason and block the pair; the request is open again and
        // the engine no longer proposes that volunteer.
        assert!(matches!(
            s::step(db, &w, out.proposed[0], Step::Finish, None, "", "").await,
            Err(StoreError::Refused("solidarity-step-invalid"))
        ));
        assert!(
            s::step(db, &w, out.proposed[0], Step::Stop, None, "", "")
                .await
                .is_err()
        );
        s::step(
            db,
            &w,
            out.proposed[0],
            Step::StopAndBlock,
            Some("no_click"),
            "",
            "te druk",
        )
        .await
        .unwrap();
        let m_vol = s::matches(db, &w).await.unwrap()[0].volunteer_id;
        let input = s::engine_inputs(db, &w, Some(r_alone)).await.unwrap();
        assert!(input.requests[0].blocked_volunteers.contains(&m_vol));
        assert!(matches!(
            s::propose(db, &w, r_alone, m_vol, 0, "").await,
            Err(StoreError::Refused("solidarity-pair-blocked"))
        ));

        // Running to finished, with feedback from both sides.
        let other_vol = if m_vol == v1 { v2 } else { v1 };
        let m2 = s::propose(db, &w, r_alone, other_vol, 10, "")
            .await
            .unwrap();
        s::step(db, &w, m2, Step::Accept, None, "", "")
            .await
            .unwrap();
        s::step(db, &w, m2, Step::Start, None, "", "")
            .await
            .unwrap();
        s::step(db, &w, m2, Step::Finish, None, "Fijne hulp", "Leuk contact")
            .await
            .unwrap();
        let rows = s::matches(db, &w).await.unwrap();
        let done = rows.iter().find(|r| r.id == m2).unwrap();
        assert_eq!(
            (done.status.as_str(), done.feedback_client.as_str()),
            ("finished", "Fijne hulp")
        );

        // Leaving deletes personal data; pause takes the volunteer out of the engine.
        s::set_volunteer_status(db, &w, v1, "paused").await.unwrap();
        let input = s::engine_inputs(db, &w, None).await.unwrap();
        assert!(input.volunteer_rows.iter().all(|v| v.id != v1));
        s::leave(db, &w, v2).await.unwrap();
        assert_eq!(count(db, &format!("SELECT COUNT(*) FROM volunteers WHERE id = {v2} AND name = '' AND status = 'left'")).await, 1);
        assert!(
            s::volunteers(db, &w)
                .await
                .unwrap()
                .iter()
                .all(|v| v.id != v2)
        );
        // Another organisation sees nothing.
        assert!(s::requests(db, &stranger).await.unwrap().is_empty());
        assert!(matches!(
            s::request(db, &stranger, r_alone).await,
            Err(StoreError::NotFound)
        ));
        // Audited without personal data.
        assert!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'match.propose'"
            )
            .await
                >= 2
        );
        assert_eq!(count(db, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%Mevrouw%' OR detail LIKE '%Ayşe%'").await, 0);
    }
}

#[tokio::test]
async fn a_call_round_candidate_becomes_a_request_in_one_step() {
    for t in testing::all("solcand").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let w = worker(db, gent, "w@x.be").await;
        let c = client(db, &w, "Meneer Tachtig", true).await;
        let mut tx = db.begin().await.unwrap();
        let (cand,): (i64,) = sqlx::query_as(
            "INSERT INTO help_request_candidates (org_id, source, client_id, need, created_by, created_at) VALUES ($1, 'call_round', $2, 'boodschappen', $3, 0) RETURNING id",
        )
        .bind(gent)
        .bind(c)
        .bind(w.account)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let id = s::create_request_from(db, &w, &request(c), Some(cand))
            .await
            .unwrap();
        assert_eq!(s::request(db, &w, id).await.unwrap().source, "call_round");
        // Twice is refused and leaves no second request.
        assert!(
            s::create_request_from(db, &w, &request(c), Some(cand))
                .await
                .is_err()
        );
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM help_requests").await,
            1,
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn the_fund_keeps_a_balance_and_a_report_per_month() {
    for t in testing::all("solfund").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let other = org(db, "CAW Antwerpen", 41_093_422, "11002").await;
        let w = worker(db, gent, "w@x.be").await;
        let o = worker(db, other, "o@x.be").await;
        let c = client(db, &w, "Mevrouw Fonds", false).await;
        let r = s::create_request(db, &w, &request(c)).await.unwrap();
        s::add_gift(db, &w, 50_000, Some("Parochie"), date!(2026 - 01 - 10))
            .await
            .unwrap();
        s::add_gift(db, &w, 2_500, None, date!(2026 - 02 - 01))
            .await
            .unwrap();
        assert!(matches!(
            s::add_gift(db, &w, 0, None, date!(2026 - 02 - 01)).await,
            Err(StoreError::Refused("solidarity-amount-positive"))
        ));
        s::add_aid(db, &w, r, "food", 12_000, date!(2026 - 01 - 20))
            .await
            .unwrap();
        s::add_aid(db, &w, r, "hygiene", 3_000, date!(2026 - 02 - 03))
            .await
            .unwrap();
        // More than the balance: refused. Another organisation's request: refused.
        assert!(matches!(
            s::add_aid(db, &w, r, "toys", 100_000, date!(2026 - 02 - 04)).await,
            Err(StoreError::Refused("solidarity-fund-short"))
        ));
        assert!(
            s::add_aid(db, &o, r, "food", 100, date!(2026 - 02 - 04))
                .await
                .is_err()
        );
        let (rows, balance, months) = s::fund(db, &w).await.unwrap();
        assert_eq!(balance, 50_000 + 2_500 - 12_000 - 3_000, "{}", t.name);
        assert_eq!(rows.len(), 4);
        assert_eq!(months.len(), 2);
        assert_eq!(
            (months[0].gifts, months[0].aid, months[0].balance),
            (50_000, 12_000, 38_000)
        );
        assert_eq!(
            (months[1].gifts, months[1].aid, months[1].aid_count),
            (2_500, 3_000, 1)
        );
        let (_, b, _) = s::fund(db, &o).await.unwrap();
        assert_eq!(b, 0, "each organisation its own fund");
    }
}
