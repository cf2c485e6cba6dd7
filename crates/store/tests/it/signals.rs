//! Bundling suggestions from the open signals in memory: the same suggestions, scores and
//! order as the database query, also after registrations and bundling here and on another
//! instance. Every test runs on SQLite and, when configured, PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use sterk_domain::access::{Actor, Role};
use sterk_signals::form::{self, RawSignal};
use sterk_store::signals::{self, NewDossier, PiiCheck, Source, Suggestion};
use sterk_store::{Db, demo, testing};
use time::macros::date;

fn admin(org: i64) -> Actor {
    Actor {
        account: org,
        role: Role::OrgAdmin,
        org: Some(org),
        platform: None,
    }
}

async fn register(db: &Db, org: i64, what: &str, subject: &str, challenge: &str) -> i64 {
    let raw = RawSignal {
        what,
        subject,
        challenge,
        target_groups: vec!["elderly"],
        refnis: "44021",
        people: "2",
        since: "2025-01",
        evidence: vec!["cases"],
        testimony: "",
        testimony_client: "",
    };
    let today = date!(2025 - 06 - 01);
    let s = form::parse(&raw, &|id| id == "vlaamse_huurpremie", today).unwrap();
    signals::register(
        db,
        &admin(org),
        &s,
        Source::Form,
        today,
        &PiiCheck::default(),
    )
    .await
    .unwrap()
}

fn brief(v: &[Suggestion]) -> Vec<(i64, i64, i64, bool, bool, bool)> {
    v.iter()
        .map(|s| {
            (
                s.signal.id,
                s.score,
                s.text,
                s.same_subject,
                s.same_challenge,
                s.same_region,
            )
        })
        .collect()
}

/// The suggestions for `id` from the index and from the query agree (and returns them).
async fn agree(db: &Db, id: i64, name: &str) -> Vec<(i64, i64, i64, bool, bool, bool)> {
    let (org,): (i64,) = sqlx::query_as("SELECT org_id FROM signals WHERE id = $1")
        .bind(id)
        .fetch_one(db.reader())
        .await
        .unwrap();
    let row = signals::get_signal(db, &admin(org), id).await.unwrap();
    let by_index = signals::suggestions(db, &row, 10).await.unwrap();
    let by_query = signals::suggestions_by_query(db, &row, 10).await.unwrap();
    assert_eq!(brief(&by_index), brief(&by_query), "{name}: signal {id}");
    for s in &by_index {
        assert_ne!(s.signal.org_id, org, "{name}: own organisation");
        assert!(s.signal.dossier_id.is_none(), "{name}: already bundled");
        assert!(s.signal.testimony.is_none(), "{name}: no testimony");
    }
    brief(&by_index)
}

#[tokio::test]
async fn suggestions_from_memory_match_the_query() {
    for t in testing::all("signals_suggest").await.unwrap() {
        let db = &t.db;
        demo::seed_bench(db, 6, 6, 0).await.unwrap();
        signals::seed_bench(db, 6, 3000).await.unwrap();
        assert_eq!(signals::ready_suggestions(db).await.unwrap(), 3000);
        let newest: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM signals WHERE org_id = 1 AND dossier_id IS NULL ORDER BY id DESC LIMIT 5",
        )
        .fetch_all(db.reader())
        .await
        .unwrap();
        for (id,) in &newest {
            let got = agree(db, *id, t.name).await;
            assert_eq!(got.len(), 10, "{}", t.name);
        }

        // Registered and bundled here: the index follows at once.
        let fresh = register(
            db,
            2,
            "De huurpremie wordt niet aangevraagd omdat het formulier te moeilijk is",
            "right:vlaamse_huurpremie",
            "onderbescherming",
        )
        .await;
        let mine = register(
            db,
            1,
            "Ouderen vragen de huurpremie niet aan: het formulier is te moeilijk",
            "right:vlaamse_huurpremie",
            "onderbescherming",
        )
        .await;
        let got = agree(db, mine, t.name).await;
        assert!(got.iter().any(|s| s.0 == fresh), "{}: {got:?}", t.name);
        let top: Vec<i64> = got.iter().take(3).map(|s| s.0).collect();
        signals::create_dossier(
            db,
            &admin(3),
            &NewDossier {
                title: "Huurpremie",
                summary: "",
                platform: 2,
                signals: &top,
                dossiers: &[],
            },
        )
        .await
        .unwrap();
        let after = agree(db, mine, t.name).await;
        assert!(!after.iter().any(|s| top.contains(&s.0)), "{}", t.name);

        // Another instance on the same database registers and bundles: this one catches up
        // before ranking.
        let other = Db::open(&t.url).await.unwrap();
        let theirs = register(
            &other,
            4,
            "Het formulier van de huurpremie is te moeilijk voor ouderen",
            "right:vlaamse_huurpremie",
            "onderbescherming",
        )
        .await;
        let got = agree(db, mine, t.name).await;
        assert_eq!(
            got.first().map(|s| s.0),
            Some(theirs),
            "{}: {got:?}",
            t.name
        );
        let next: Vec<i64> = got.iter().take(2).map(|s| s.0).collect();
        let dossier = signals::create_dossier(
            &other,
            &admin(5),
            &NewDossier {
                title: "Huurpremie 2",
                summary: "",
                platform: 2,
                signals: &next[..1],
                dossiers: &[],
            },
        )
        .await
        .unwrap();
        signals::add_signals(&other, &admin(5), dossier, &next[1..])
            .await
            .unwrap();
        let after = agree(db, mine, t.name).await;
        assert!(!after.iter().any(|s| next.contains(&s.0)), "{}", t.name);

        // Bundled behind everyone's back (no dossier event): the suggestion is checked
        // against the database before it is shown and the ranking done again.
        let shown = after[0].0;
        let mut tx = db.begin().await.unwrap();
        sqlx::query("UPDATE signals SET dossier_id = $1 WHERE id = $2")
            .bind(dossier)
            .bind(shown)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let row = signals::get_signal(db, &admin(1), mine).await.unwrap();
        let got = brief(&signals::suggestions(db, &row, 10).await.unwrap());
        assert!(!got.iter().any(|s| s.0 == shown), "{}", t.name);
        agree(db, mine, t.name).await;
        other.close().await;
    }
}

/// The figures of all organisations and of each region, as kept in memory and as the query
/// gives them.
async fn figures_agree(db: &Db, name: &str) -> Vec<signals::CountRow> {
    let regions: Vec<(i64,)> =
        sqlx::query_as("SELECT DISTINCT platform_id FROM signal_counts ORDER BY platform_id")
            .fetch_all(db.reader())
            .await
            .unwrap();
    let mut asked: Vec<Option<i64>> = vec![None, Some(999)];
    asked.extend(regions.into_iter().map(|(p,)| Some(p)));
    for region in asked {
        assert_eq!(
            signals::figures(db, region).await.unwrap(),
            signals::figures_by_query(db, region).await.unwrap(),
            "{name}: region {region:?}"
        );
    }
    signals::figures(db, None).await.unwrap()
}

fn cell(rows: &[signals::CountRow], dimension: &str, code: &str) -> i64 {
    rows.iter()
        .find(|r| r.dimension == dimension && r.code == code)
        .map_or(0, |r| r.n)
}

#[tokio::test]
async fn kept_figures_match_the_query_and_follow_every_new_signal() {
    for t in testing::all("signals_figures_kept").await.unwrap() {
        let db = &t.db;
        demo::seed_bench(db, 6, 6, 0).await.unwrap();
        signals::seed_bench(db, 6, 3000).await.unwrap();
        let first = figures_agree(db, t.name).await;
        assert!(!first.is_empty(), "{}", t.name);
        // Asked again without a change: the same answer (from memory).
        assert_eq!(
            signals::figures(db, None).await.unwrap(),
            first,
            "{}",
            t.name
        );

        // A signal registered here: the next view counts it.
        register(
            db,
            2,
            "De huurpremie wordt niet aangevraagd omdat het formulier te moeilijk is",
            "right:vlaamse_huurpremie",
            "onderbescherming",
        )
        .await;
        let second = figures_agree(db, t.name).await;
        let (region,): (i64,) =
            sqlx::query_as("SELECT platform_id FROM municipalities WHERE refnis = '44021'")
                .fetch_one(db.reader())
                .await
                .unwrap();
        let region = region.to_string();
        for (dimension, code) in [
            ("challenge", "onderbescherming"),
            ("right", "vlaamse_huurpremie"),
            ("target_group", "elderly"),
            ("region", region.as_str()),
        ] {
            assert_eq!(
                cell(&second, dimension, code),
                cell(&first, dimension, code) + 1,
                "{}: {dimension} {code}",
                t.name
            );
        }

        // Another instance on the same database registers: this one's figures follow too.
        let other = Db::open(&t.url).await.unwrap();
        register(
            &other,
            3,
            "Het formulier van de huurpremie is te moeilijk voor ouderen",
            "right:vlaamse_huurpremie",
            "onderbescherming",
        )
        .await;
        let third = figures_agree(db, t.name).await;
        let regions = third.iter().filter(|r| r.dimension == "region").count();
        assert!(regions > 1, "{}: signals in several regions", t.name);
        assert_eq!(
            cell(&third, "challenge", "onderbescherming"),
            cell(&first, "challenge", "onderbescherming") + 2,
            "{}",
            t.name
        );
        other.close().await;
    }
}

#[tokio::test]
async fn a_signal_in_an_unknown_municipality_is_refused_and_leaves_nothing() {
    for t in testing::all("signals_unknown_refnis").await.unwrap() {
        let db = &t.db;
        demo::seed_bench(db, 2, 2, 0).await.unwrap();
        let totals = "SELECT CAST((SELECT COUNT(*) FROM signals) + (SELECT COALESCE(SUM(n), 0) FROM signal_counts) \
                      + (SELECT COALESCE(SUM(n), 0) FROM signal_org_counts) + (SELECT COUNT(*) FROM audit_log) AS BIGINT)";
        let total = || async {
            let (n,): (i64,) = sqlx::query_as(totals).fetch_one(db.reader()).await.unwrap();
            n
        };
        let before = total().await;
        let today = date!(2025 - 06 - 01);
        let mut raw = RawSignal {
            what: "De huurpremie wordt niet aangevraagd",
            subject: "right:vlaamse_huurpremie",
            challenge: "onderbescherming",
            target_groups: vec!["elderly", "low_income"],
            refnis: "99999",
            people: "2",
            since: "2025-01",
            evidence: vec!["cases"],
            testimony: "",
            testimony_client: "",
        };
        let s = form::parse(&raw, &|id| id == "vlaamse_huurpremie", today).unwrap();
        let check = PiiCheck {
            names_read: true,
            ..Default::default()
        };
        let got = signals::register(db, &admin(1), &s, Source::Form, today, &check).await;
        assert!(
            matches!(got, Err(sterk_store::StoreError::Refused("refnis_unknown"))),
            "{}: {got:?}",
            t.name
        );
        assert_eq!(total().await, before, "{}: nothing saved", t.name);
        // A known one right after: saved with its counts and its three audit rows.
        raw.refnis = "44021";
        let s = form::parse(&raw, &|id| id == "vlaamse_huurpremie", today).unwrap();
        let id = signals::register(db, &admin(1), &s, Source::Form, today, &check)
            .await
            .unwrap();
        // 1 signal, 5 cells for everyone (all, challenge, right, two groups), 6 of the
        // organisation's (region, month, challenge, right, two groups), 3 audit rows.
        assert_eq!(total().await, before + 1 + 5 + 6 + 3, "{}", t.name);
        let (audited,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'signal' AND entity_id = $1",
        )
        .bind(id)
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(audited, 2, "{}", t.name);
        // A challenge that is not a theme (the form cannot send one; checked by the insert
        // itself on PostgreSQL, by a foreign key on SQLite): refused, nothing saved, alone
        // and in a group with good ones.
        let before = total().await;
        let mut bad = form::parse(&raw, &|id| id == "vlaamse_huurpremie", today).unwrap();
        bad.challenge = "geen_uitdaging";
        let got = signals::register(db, &admin(1), &bad, Source::Form, today, &check).await;
        assert!(got.is_err(), "{}: {got:?}", t.name);
        assert_eq!(total().await, before, "{}: nothing saved", t.name);
        let good = form::parse(&raw, &|id| id == "vlaamse_huurpremie", today).unwrap();
        let (one, two) = (admin(1), admin(2));
        let (a, b) = tokio::join!(
            signals::register(db, &one, &bad, Source::Form, today, &check),
            signals::register(db, &two, &good, Source::Form, today, &check),
        );
        assert!(a.is_err() && b.is_ok(), "{}: {a:?} {b:?}", t.name);
        assert_eq!(total().await, before + 15, "{}: only the good one", t.name);
    }
}

/// Registers `n` signals at once (organisations 1 to 4 in turn), the `i`th in the
/// municipality `refnis(i)`, the client names read for the personal-data check; the results
/// with their `i`, in the order they finished.
async fn register_at_once(
    db: &Db,
    n: i64,
    what: &'static str,
    refnis: fn(i64) -> &'static str,
) -> Vec<(i64, Result<i64, sterk_store::StoreError>)> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let db = db.clone();
        set.spawn(async move {
            let today = date!(2025 - 06 - 01);
            let raw = RawSignal {
                what,
                subject: "right:vlaamse_huurpremie",
                challenge: "onderbescherming",
                target_groups: vec!["elderly", "low_income"],
                refnis: refnis(i),
                people: "2",
                since: "2025-01",
                evidence: vec!["cases"],
                testimony: "",
                testimony_client: "",
            };
            let s = form::parse(&raw, &|id| id == "vlaamse_huurpremie", today).unwrap();
            let check = PiiCheck {
                names_read: true,
                ..Default::default()
            };
            let got =
                signals::register(&db, &admin(1 + i % 4), &s, Source::Form, today, &check).await;
            (i, got)
        });
    }
    let mut results = Vec::new();
    while let Some(done) = set.join_next().await {
        results.push(done.unwrap());
    }
    results
}

#[tokio::test]
async fn concurrent_registrations_are_each_saved_or_refused_whole() {
    for t in testing::all("signals_concurrent").await.unwrap() {
        let db = &t.db;
        demo::seed_bench(db, 4, 4, 0).await.unwrap();
        let totals = "SELECT CAST((SELECT COUNT(*) FROM signals) + (SELECT COALESCE(SUM(n), 0) FROM signal_counts) \
                      + (SELECT COALESCE(SUM(n), 0) FROM signal_org_counts) + (SELECT COUNT(*) FROM audit_log) AS BIGINT)";
        let total = || async {
            let (n,): (i64,) = sqlx::query_as(totals).fetch_one(db.reader()).await.unwrap();
            n
        };
        let before = total().await;
        // Every fifth in a municipality that does not exist.
        let results = register_at_once(db, 40, "De huurpremie wordt niet aangevraagd", |i| {
            if i % 5 == 0 { "99999" } else { "44021" }
        })
        .await;
        let mut saved = Vec::new();
        for (i, got) in results {
            if i % 5 == 0 {
                assert!(
                    matches!(got, Err(sterk_store::StoreError::Refused("refnis_unknown"))),
                    "{}: {i}: {got:?}",
                    t.name
                );
            } else {
                saved.push(got.unwrap());
            }
        }
        assert_eq!(saved.len(), 32, "{}", t.name);
        saved.sort_unstable();
        saved.dedup();
        assert_eq!(saved.len(), 32, "{}: distinct ids", t.name);
        // Each saved one: the signal, 5 cells for everyone, 6 of its organisation's, 3 audit
        // rows; the refused ones nothing.
        assert_eq!(total().await, before + 32 * 15, "{}", t.name);
        for &id in &saved {
            // Its own two rows, by its own organisation (saved in a group with others).
            let (audited,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM audit_log a JOIN signals s ON s.id = a.entity_id \
                 WHERE a.entity = 'signal' AND a.entity_id = $1 AND a.org_id = s.org_id AND a.account_id = s.created_by",
            )
            .bind(id)
            .fetch_one(db.reader())
            .await
            .unwrap();
            assert_eq!(audited, 2, "{}: signal {id}", t.name);
        }
        // The suggestions' index is built now, so the second wave is added to it by the writer.
        agree(db, saved[0], t.name).await;
        // A second wave without bad ones: saved together, each whole.
        let before = total().await;
        let results = register_at_once(db, 24, "Schooltoeslag komt niet aan", |_| "44021").await;
        let mut ids: Vec<i64> = results.into_iter().map(|(_, got)| got.unwrap()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 24, "{}: distinct ids", t.name);
        assert_eq!(total().await, before + 24 * 15, "{}", t.name);
        for id in &ids {
            let found = agree(db, *id, t.name).await;
            assert!(!found.is_empty(), "{}: signal {id} has suggestions", t.name);
        }
        // The counts of every organisation add up to its signals.
        let (wrong,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM signal_org_counts c WHERE c.dimension = 'challenge' \
             AND c.n <> (SELECT COUNT(*) FROM signals s WHERE s.org_id = c.org_id AND s.challenge = c.code)",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(wrong, 0, "{}", t.name);
    }
}
