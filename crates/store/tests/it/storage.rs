//! The storage test suite. Every test runs on SQLite and, when configured, PostgreSQL
//! (see `sterk_store::testing`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use sterk_domain::access::{Actor, Role};
use sterk_domain::client::{ConsentMethod, ConsentPurpose, ContactChannel, Household};
use sterk_domain::org::OrgKind;
use sterk_domain::values::{Name, Refnis};
use sterk_store::accounts::{self, LoginOutcome, NewAccount};
use sterk_store::clients::{self, ClientInput, ConsentInput};
use sterk_store::orgs::{self, NewOrg};
use sterk_store::{Db, StoreError, audit, demo, reference, sessions, testing, tokens};
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

async fn worker(db: &Db, org: i64, email: &str, role: Role) -> Actor {
    let id = accounts::create(
        db,
        None,
        NewAccount {
            email: email.into(),
            display_name: "W".into(),
            role,
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
        role,
        org: Some(org),
        platform: None,
    }
}

fn client_input(name: &str) -> ClientInput {
    ClientInput {
        name: Name::parse(name).unwrap(),
        birth: None,
        refnis: Some(Refnis::parse("44021").unwrap()),
        languages: vec!["nl"],
        channels: vec![ContactChannel::Phone],
        phone: Some("+32470000000".into()),
        email: None,
        address: Some("Kerkstraat 1".into()),
        household: Household {
            adults: 1,
            children: 0,
            lives_alone: true,
        },
        notes: "private note".into(),
    }
}

fn consent(purpose: ConsentPurpose, recipient: Option<i64>) -> ConsentInput {
    ConsentInput {
        purpose,
        recipient_org: recipient,
        method: ConsentMethod::Oral,
        given_on: date!(2026 - 01 - 01),
        expires_on: None,
        note: String::new(),
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.reader()).await.unwrap();
    n
}

#[tokio::test]
async fn reference_data_covers_flanders_and_brussels() {
    for t in testing::all("refdata").await.unwrap() {
        let db = &t.db;
        // 285 Flemish municipalities since the mergers of 1 January 2025, and 19 in Brussels.
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM municipalities").await,
            304,
            "{}",
            t.name
        );
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM municipalities WHERE region_id = '04000'"
            )
            .await,
            19,
            "{}",
            t.name
        );
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM platforms WHERE kind = 'regional'").await,
            6
        );
        for p in reference::platforms(db)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.kind == "regional")
        {
            let n = count(
                db,
                &format!(
                    "SELECT COUNT(*) FROM municipalities WHERE platform_id = {}",
                    p.id
                ),
            )
            .await;
            assert!(n >= 19, "platform {} has {n} municipalities", p.code);
        }
        let gent = reference::municipality(db, "44021").await.unwrap().unwrap();
        assert_eq!(gent.name_nl, "Gent");
        assert_eq!(
            gent.platform_id, 4,
            "Gent belongs to the Oost-Vlaanderen platform"
        );
        let leuven = reference::municipalities_for_postcode(db, "3000")
            .await
            .unwrap();
        assert_eq!(leuven[0].name_nl, "Leuven");
        assert!(count(db, "SELECT COUNT(*) FROM postal_codes").await > 500);
        assert_eq!(count(db, "SELECT COUNT(*) FROM krachtlijnen").await, 5);
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM themes WHERE kind = 'challenge'").await,
            8
        );
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM themes WHERE kind = 'further'").await,
            3,
            "4.9, 4.10 and 4.11"
        );
        // Migrating again is a no-op.
        db.migrate().await.unwrap();
        assert_eq!(count(db, "SELECT COUNT(*) FROM municipalities").await, 304);
        assert_eq!(count(db, "SELECT COUNT(*) FROM themes").await, 11);

        // A database whose reference data was loaded before theme 4.11 existed gets it from
        // migration 0012 (undone here by hand, then applied again).
        for sql in [
            "DELETE FROM themes WHERE section = '4.11'",
            "DROP INDEX practice_links_target",
            "DROP INDEX meeting_links_target",
            "ALTER TABLE events DROP COLUMN registrations_erased_at",
            "ALTER TABLE events DROP COLUMN erased_registrations",
            "DELETE FROM _sqlx_migrations WHERE version = 12",
        ] {
            let mut tx = db.begin().await.unwrap();
            sqlx::query(sql).execute(&mut *tx).await.unwrap();
            tx.commit().await.unwrap();
        }
        db.migrate().await.unwrap();
        let (nl, fr, en, kind): (String, String, String, String) = sqlx::query_as(
            "SELECT name_nl, name_fr, name_en, kind FROM themes WHERE section = '4.11'",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(
            (nl.as_str(), fr.as_str(), en.as_str(), kind.as_str()),
            ("Innovatie", "Innovation", "Innovation", "further")
        );
        assert_eq!(count(db, "SELECT COUNT(*) FROM themes").await, 11);
    }
}

#[tokio::test]
async fn organisations_refuse_duplicate_kbo_and_unknown_municipality() {
    for t in testing::all("orgs").await.unwrap() {
        let db = &t.db;
        let a = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let dup = orgs::create(
            db,
            None,
            &NewOrg {
                name: Name::parse("Other").unwrap(),
                kbo: Some(demo::kbo_from_body(20_716_501)),
                kind: OrgKind::Caw,
                refnis: Refnis::parse("11002").unwrap(),
            },
        )
        .await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate("kbo"))),
            "{}: {dup:?}",
            t.name
        );
        let unknown = orgs::create(
            db,
            None,
            &NewOrg {
                name: Name::parse("Namur").unwrap(),
                kbo: None,
                kind: OrgKind::Caw,
                refnis: Refnis::parse("92094").unwrap(),
            },
        )
        .await;
        assert!(matches!(
            unknown,
            Err(StoreError::Refused("municipality_unknown"))
        ));
        let row = orgs::get(db, a).await.unwrap();
        assert_eq!(row.platform_code, "oost-vlaanderen");
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM organisations").await,
            1,
            "nothing half-saved"
        );
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'organisation.create'"
            )
            .await,
            1
        );
    }
}

#[tokio::test]
async fn client_list_pages_carry_the_total_of_the_filtered_list() {
    for t in testing::all("client_pages").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let w1 = worker(db, gent, "a@x.be", Role::SocialWorker).await;
        for name in [
            "Anna Peeters",
            "Bart Peeters",
            "Chris Janssens",
            "Dirk Peeters",
            "Els Maes",
        ] {
            clients::create(db, &w1, &client_input(name)).await.unwrap();
        }
        let page = |search: &'static str, offset: i64, limit: i64| {
            let w1 = w1.clone();
            async move {
                let (rows, total) = clients::list(db, &w1, search, offset, limit).await.unwrap();
                (rows.into_iter().map(|r| r.name).collect::<Vec<_>>(), total)
            }
        };
        assert_eq!(
            page("", 0, 2).await,
            (vec!["Anna Peeters".into(), "Bart Peeters".into()], 5),
            "{}",
            t.name
        );
        assert_eq!(
            page("", 4, 2).await,
            (vec!["Els Maes".into()], 5),
            "{}",
            t.name
        );
        // Past the end: no rows, the total still counts the whole list.
        assert_eq!(page("", 10, 2).await, (vec![], 5), "{}", t.name);
        assert_eq!(
            page("peeters", 1, 1).await,
            (vec!["Bart Peeters".into()], 3),
            "{}",
            t.name
        );
        assert_eq!(page("peeters", 3, 1).await, (vec![], 3), "{}", t.name);
        assert_eq!(page("nobody", 0, 20).await, (vec![], 0), "{}", t.name);
    }
}

#[tokio::test]
async fn client_data_stays_in_its_organisation_and_every_read_is_audited() {
    for t in testing::all("clients").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let antw = org(db, "CAW Antwerpen", 41_093_422, "11002").await;
        let w1 = worker(db, gent, "a@x.be", Role::SocialWorker).await;
        let w2 = worker(db, antw, "b@x.be", Role::SocialWorker).await;
        let id = clients::create(db, &w1, &client_input("Mevrouw X"))
            .await
            .unwrap();
        assert_eq!(clients::get(db, &w1, id).await.unwrap().name, "Mevrouw X");
        assert!(
            matches!(clients::get(db, &w2, id).await, Err(StoreError::NotFound)),
            "{}",
            t.name
        );
        let (list, total) = clients::list(db, &w2, "", 0, 50).await.unwrap();
        assert!(list.is_empty() && total == 0);
        let (list, total) = clients::list(db, &w1, "mevr", 0, 50).await.unwrap();
        assert_eq!((list.len(), total), (1, 1));
        let mut changed = client_input("Mevrouw Y");
        changed.household = Household {
            adults: 2,
            children: 1,
            lives_alone: false,
        };
        assert!(matches!(
            clients::update(db, &w2, id, &changed).await,
            Err(StoreError::NotFound)
        ));
        clients::update(db, &w1, id, &changed).await.unwrap();
        assert_eq!(clients::get(db, &w1, id).await.unwrap().adults, 2);
        let trail = audit::page(db, Some(gent), None, 100).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
        for expected in [
            "client.create",
            "client.view",
            "client.list",
            "client.update",
        ] {
            assert!(
                actions.contains(&expected),
                "{}: {expected} missing in {actions:?}",
                t.name
            );
        }
        assert!(
            trail.iter().all(|r| !r.detail.contains("Mevrouw")),
            "no personal data in the audit detail"
        );
        assert!(
            audit::page(db, Some(antw), None, 100)
                .await
                .unwrap()
                .iter()
                .all(|r| r.entity_id != Some(id) || r.action == "account.create")
        );
    }
}

#[tokio::test]
async fn sharing_checks_the_consent_ledger_and_a_withdrawal_takes_effect_at_once() {
    for t in testing::all("consent").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let caw = org(db, "CAW Oost-Vlaanderen", 41_093_422, "44021").await;
        let other = org(db, "Buurtwerk", 44_220_913, "24062").await;
        let w = worker(db, gent, "a@x.be", Role::SocialWorker).await;
        let r = worker(db, caw, "r@x.be", Role::SocialWorker).await;
        let id = clients::create(db, &w, &client_input("Amina"))
            .await
            .unwrap();
        let today = date!(2026 - 03 - 01);
        let refused = clients::refer(db, &w, id, caw, "needs debt help", today).await;
        assert!(
            matches!(
                refused,
                Err(StoreError::Refused("consent_missing_referral"))
            ),
            "{}: {refused:?}",
            t.name
        );
        assert_eq!(count(db, "SELECT COUNT(*) FROM referrals").await, 0);
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'client.refer'"
            )
            .await,
            0,
            "a refused sharing leaves no audit row either"
        );
        let c = clients::record_consent(db, &w, id, &consent(ConsentPurpose::Referral, Some(caw)))
            .await
            .unwrap();
        // Consent for one recipient does not cover another.
        assert!(clients::refer(db, &w, id, other, "x", today).await.is_err());
        clients::refer(db, &w, id, caw, "needs debt help", today)
            .await
            .unwrap();
        let received = clients::referrals_received(db, &r).await.unwrap();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].client_name, "Amina");
        clients::withdraw_consent(db, &w, id, c, today)
            .await
            .unwrap();
        assert!(matches!(
            clients::refer(db, &w, id, caw, "again", today).await,
            Err(StoreError::Refused(_))
        ));
        let ledger = clients::consents(db, &w, id).await.unwrap();
        assert_eq!(ledger[0].withdrawn_on.as_deref(), Some("2026-03-01"));
    }
}

#[tokio::test]
async fn export_holds_everything_and_erasure_leaves_nothing_personal() {
    for t in testing::all("erase").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let caw = org(db, "CAW", 41_093_422, "44021").await;
        let admin = worker(db, gent, "adm@x.be", Role::OrgAdmin).await;
        let id = clients::create(db, &admin, &client_input("Dirk Vermeulen"))
            .await
            .unwrap();
        clients::record_consent(
            db,
            &admin,
            id,
            &consent(ConsentPurpose::Referral, Some(caw)),
        )
        .await
        .unwrap();
        clients::refer(db, &admin, id, caw, "referral note", date!(2026 - 02 - 01))
            .await
            .unwrap();
        let export = clients::export(db, &admin, id).await.unwrap();
        let text = export.to_string();
        assert!(
            text.contains("Dirk Vermeulen")
                && text.contains("referral")
                && text.contains("Kerkstraat 1"),
            "{}",
            t.name
        );
        assert_eq!(export["consents"].as_array().unwrap().len(), 1);
        clients::erase(db, &admin, id).await.unwrap();
        let dump: Vec<(String, Option<String>, Option<String>, String)> =
            sqlx::query_as("SELECT name, phone, address, notes FROM clients")
                .fetch_all(db.reader())
                .await
                .unwrap();
        assert_eq!(dump, vec![(String::new(), None, None, String::new())]);
        let (name, note): (String, String) =
            sqlx::query_as("SELECT client_name, note FROM referrals")
                .fetch_one(db.reader())
                .await
                .unwrap();
        assert_eq!((name.as_str(), note.as_str()), ("", ""));
        assert_eq!(count(db, "SELECT COUNT(*) FROM consents").await, 0);
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'client.erase'"
            )
            .await,
            1
        );
        assert!(matches!(
            clients::get(db, &admin, id)
                .await
                .map(|c| c.erased_at.is_some()),
            Ok(true)
        ));
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    for t in testing::all("audit").await.unwrap() {
        let db = &t.db;
        org(db, "OCMW Gent", 20_716_501, "44021").await;
        let mut tx = db.begin().await.unwrap();
        assert!(
            sqlx::query("UPDATE audit_log SET action = 'x'")
                .execute(&mut *tx)
                .await
                .is_err(),
            "{}",
            t.name
        );
        drop(tx);
        let mut tx = db.begin().await.unwrap();
        assert!(
            sqlx::query("DELETE FROM audit_log")
                .execute(&mut *tx)
                .await
                .is_err()
        );
        drop(tx);
        assert_eq!(count(db, "SELECT COUNT(*) FROM audit_log").await, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audited_reads_written_together_are_each_committed_before_their_caller_returns() {
    for t in testing::all("auditgroup").await.unwrap() {
        let db = t.db.clone();
        let before = count(&db, "SELECT COUNT(*) FROM audit_log").await;
        // 300 concurrent audited reads: the writer groups them (at most 128 per statement);
        // each call returns only once its own row is there.
        let mut tasks = Vec::new();
        for i in 0..300_i64 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                audit::record_now(
                    &db,
                    audit::Entry {
                        account: None,
                        org: None,
                        action: "test.group",
                        entity: "client",
                        entity_id: Some(i),
                        detail: "",
                    },
                )
                .await
                .unwrap();
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'test.group' AND entity_id = $1",
                )
                .bind(i)
                .fetch_one(db.reader())
                .await
                .unwrap();
                n
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), 1, "{}", t.name);
        }
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM audit_log").await,
            before + 300,
            "{}",
            t.name
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(DISTINCT entity_id) FROM audit_log WHERE action = 'test.group'"
            )
            .await,
            300
        );
    }
}

#[tokio::test]
async fn logins_are_rate_limited_per_account() {
    for t in testing::all("login").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        worker(db, gent, "a@x.be", Role::SocialWorker).await;
        assert!(matches!(
            accounts::login(db, "A@x.be", "correct horse battery", "127.0.0.1")
                .await
                .unwrap(),
            LoginOutcome::Ok(_)
        ));
        for _ in 0..accounts::MAX_FAILURES_PER_ACCOUNT {
            assert!(matches!(
                accounts::login(db, "a@x.be", "wrong password", "10.0.0.1")
                    .await
                    .unwrap(),
                LoginOutcome::Invalid
            ));
        }
        assert!(
            matches!(
                accounts::login(db, "a@x.be", "correct horse battery", "10.0.0.2")
                    .await
                    .unwrap(),
                LoginOutcome::RateLimited
            ),
            "{}",
            t.name
        );
        assert!(matches!(
            accounts::login(db, "nobody@x.be", "whatever12", "10.0.0.3")
                .await
                .unwrap(),
            LoginOutcome::Invalid
        ));
    }
}

#[tokio::test]
async fn sessions_and_tokens() {
    for t in testing::all("sess").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        let w = worker(db, gent, "a@x.be", Role::SocialWorker).await;
        let far = sterk_store::now_ms() + 60_000;
        assert!(sessions::create(db, "s1", "{}", far, None).await.unwrap());
        assert!(
            !sessions::create(db, "s1", "{}", far, None).await.unwrap(),
            "ids are unique"
        );
        sessions::save(db, "s1", "{\"a\":1}", far, None)
            .await
            .unwrap();
        assert_eq!(
            sessions::load(db, "s1").await.unwrap().as_deref(),
            Some("{\"a\":1}")
        );
        // Without an account the session loads without one; with one, the account comes
        // with it (read in the same statement), and a removed account is not invented.
        let (_, _, none) = sessions::load_with_account(db, "s1")
            .await
            .unwrap()
            .unwrap();
        assert!(none.is_none(), "{}", t.name);
        sessions::save(db, "s1", "{\"a\":2}", far, Some(w.account))
            .await
            .unwrap();
        let (data, expires, account) = sessions::load_with_account(db, "s1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((data.as_str(), expires), ("{\"a\":2}", far), "{}", t.name);
        let account = account.expect("the session's account");
        assert_eq!(account.id, w.account, "{}", t.name);
        assert_eq!(account.email, "a@x.be", "{}", t.name);
        assert_eq!(account.org_id, Some(gent), "{}", t.name);
        assert!(
            sessions::create(db, "s2", "{}", far, Some(w.account + 1000))
                .await
                .unwrap()
        );
        let (_, _, gone) = sessions::load_with_account(db, "s2")
            .await
            .unwrap()
            .unwrap();
        assert!(gone.is_none(), "{}", t.name);
        sessions::delete(db, "s2").await.unwrap();
        sessions::save(db, "old", "{}", 1, None).await.unwrap();
        assert_eq!(sessions::load(db, "old").await.unwrap(), None, "{}", t.name);
        assert_eq!(sessions::delete_expired(db).await.unwrap(), 1);
        sessions::delete(db, "s1").await.unwrap();
        assert_eq!(sessions::load(db, "s1").await.unwrap(), None);

        let secret = tokens::create(db, w.account, w.org, "script")
            .await
            .unwrap();
        assert_eq!(
            tokens::account_for(db, &secret).await.unwrap(),
            Some(w.account)
        );
        assert_eq!(tokens::account_for(db, "sterk_nope").await.unwrap(), None);
        let id = tokens::list(db, w.account).await.unwrap()[0].id;
        tokens::revoke(db, w.account, w.org, id).await.unwrap();
        assert_eq!(tokens::account_for(db, &secret).await.unwrap(), None);
    }
}

#[tokio::test]
async fn demo_data_loads_once() {
    for t in testing::all("demo").await.unwrap() {
        let db = &t.db;
        assert!(demo::load(db).await.unwrap());
        assert!(!demo::load(db).await.unwrap(), "{}", t.name);
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM accounts").await,
            (demo::DEMO_ACCOUNTS.len() + sterk_store::signals::DEMO_SIGNAL_ACCOUNTS.len()) as i64
        );
        assert!(matches!(
            accounts::login(
                db,
                demo::DEMO_ACCOUNTS[0].email,
                demo::DEMO_PASSWORD,
                "127.0.0.1"
            )
            .await
            .unwrap(),
            LoginOutcome::Ok(_)
        ));
    }
}

#[tokio::test]
async fn an_organisation_and_its_first_administrator_are_created_together_or_not_at_all() {
    for t in testing::all("orgadmin").await.unwrap() {
        let db = &t.db;
        let gent = org(db, "OCMW Gent", 20_716_501, "44021").await;
        worker(db, gent, "taken@x.be", Role::SocialWorker).await;
        let new_org = NewOrg {
            name: Name::parse("CAW Brussel").unwrap(),
            kbo: Some(demo::kbo_from_body(41_760_102)),
            kind: OrgKind::Caw,
            refnis: Refnis::parse("21004").unwrap(),
        };
        let admin = |email: &str| NewAccount {
            email: email.into(),
            display_name: "Beheer".into(),
            role: Role::OrgAdmin,
            org_id: None,
            platform_id: None,
            password: "a long enough password".into(),
            must_change_password: true,
        };
        let dup = orgs::create_with_admin(db, None, &new_org, admin("taken@x.be")).await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate("email"))),
            "{}: {dup:?}",
            t.name
        );
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM organisations").await,
            1,
            "{}: no organisation without its administrator",
            t.name
        );
        let (id, account) = orgs::create_with_admin(db, None, &new_org, admin("beheer@caw.be"))
            .await
            .unwrap();
        let row = accounts::get(db, account).await.unwrap();
        assert_eq!(
            (row.org_id, row.role.as_str(), row.must_change_password),
            (Some(id), "org_admin", 1)
        );
    }
}

/// The two migration folders must describe the same tables and columns: the repository
/// code is shared, so a column added on one backend only would fail at run time there.
#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let dbs = testing::all("parity").await.unwrap();
    let mut shapes = Vec::new();
    for t in &dbs {
        let rows: Vec<(String, String)> = match t.db.backend() {
            sterk_store::Backend::Sqlite => sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' ORDER BY 1, 2",
            )
            .fetch_all(t.db.reader())
            .await
            .unwrap(),
            sterk_store::Backend::Postgres => sqlx::query_as(
                "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' ORDER BY 1, 2",
            )
            .fetch_all(t.db.reader())
            .await
            .unwrap(),
        };
        shapes.push((t.name, rows));
    }
    if let [(a, sa), (b, sb)] = shapes.as_slice() {
        let only_a: Vec<_> = sa.iter().filter(|x| !sb.contains(x)).collect();
        let only_b: Vec<_> = sb.iter().filter(|x| !sa.contains(x)).collect();
        assert!(
            only_a.is_empty() && only_b.is_empty(),
            "only in {a}: {only_a:?}\nonly in {b}: {only_b:?}"
        );
    }
}

#[tokio::test]
async fn the_personal_data_check_sees_every_change_of_the_client_names_at_once() {
    for t in testing::all("client_names_cache").await.unwrap() {
        let db = &t.db;
        let o = org(db, "OCMW Namen", 301, "44021").await;
        let w = worker(db, o, "names-w@example.be", Role::SocialWorker).await;
        let admin = worker(db, o, "names-a@example.be", Role::OrgAdmin).await;
        let names = |db: &Db| {
            let w = w.clone();
            let db = db.clone();
            async move {
                let mut v = sterk_store::signals::client_names(&db, &w)
                    .await
                    .unwrap()
                    .to_vec();
                v.sort();
                v
            }
        };
        assert!(names(db).await.is_empty(), "{}", t.name);
        // Read twice (the second from memory), then a new client: seen at once.
        assert!(names(db).await.is_empty(), "{}", t.name);
        let id = clients::create(db, &w, &client_input("Amina Bouzid"))
            .await
            .unwrap();
        assert_eq!(names(db).await, vec!["Amina Bouzid"], "{}", t.name);
        // Renamed: the new name, not the old one.
        clients::update(db, &w, id, &client_input("Amina El Amrani"))
            .await
            .unwrap();
        assert_eq!(names(db).await, vec!["Amina El Amrani"], "{}", t.name);
        // Another organisation's list is its own.
        let o2 = org(db, "OCMW Ander", 302, "44021").await;
        let w2 = worker(db, o2, "names-w2@example.be", Role::SocialWorker).await;
        assert!(
            sterk_store::signals::client_names(db, &w2)
                .await
                .unwrap()
                .is_empty(),
            "{}",
            t.name
        );
        // Erased: gone.
        clients::erase(db, &admin, id).await.unwrap();
        assert!(names(db).await.is_empty(), "{}", t.name);
    }
}
