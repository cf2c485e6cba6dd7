//! Storage tests of the platform module (issue 7), on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use sterk_domain::access::{Actor, Role};
use sterk_domain::plan::{RollupMethod, Status};
use sterk_store::accounts::{self, NewAccount};
use sterk_store::platform::{self, LinkKind, NewMeeting, NewMember, ProgressUpdate};
use sterk_store::{Db, StoreError, demo, testing};

async fn person(db: &Db, email: &str, role: Role, platform: i64) -> Actor {
    let id = accounts::create(
        db,
        None,
        NewAccount {
            email: email.into(),
            display_name: "P".into(),
            role,
            org_id: None,
            platform_id: Some(platform),
            password: "correct horse battery".into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    Actor {
        account: id,
        role,
        org: None,
        platform: Some(platform),
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.reader()).await.unwrap();
    n
}

async fn init_id(db: &Db, code: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM plan_initiatives WHERE code = $1")
        .bind(code)
        .fetch_one(db.reader())
        .await
        .unwrap();
    id
}

fn update(status: Status, progress: Option<u8>, version: i64, date: &str) -> ProgressUpdate {
    ProgressUpdate {
        status,
        progress,
        weight: 1,
        account: "stand van zaken".into(),
        version,
        on_date: date.into(),
    }
}

#[tokio::test]
async fn the_seed_plan_is_loaded_once_with_every_theme_action_and_initiative() {
    for t in testing::all("plan_ref").await.unwrap() {
        let db = &t.db;
        let plan = platform::plan(db).await.unwrap();
        assert_eq!(plan.counts(), (11, 17, 76), "{}", t.name);
        assert_eq!(plan.progress, Some(0.0));
        assert_eq!(
            plan.themes
                .iter()
                .filter(|t| t.spearhead > 0)
                .map(|t| t.section.as_str())
                .collect::<Vec<_>>(),
            vec!["4.3", "4.6", "4.7", "4.10"]
        );
        let innov = plan.themes.iter().find(|t| t.section == "4.11").unwrap();
        assert_eq!(innov.name_fr, "Innovation");
        // Theme 4.11's action has no initiative: it has no progress and does not count.
        assert_eq!(innov.progress, None);
        // Loading again adds nothing.
        db.migrate().await.unwrap();
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM plan_initiatives").await,
            76,
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn progress_rolls_up_is_versioned_and_its_history_is_append_only() {
    for t in testing::all("plan_progress").await.unwrap() {
        let db = &t.db;
        let chair = person(db, "chair@p.test", Role::RegionalChair, 4).await;
        let a = init_id(db, "4.8-A2-I1").await;
        let b = init_id(db, "4.8-A2-I2").await;
        platform::update_progress(db, &chair, a, &update(Status::Done, None, 0, "2024-03-01"))
            .await
            .unwrap();
        let plan = platform::plan(db).await.unwrap();
        let theme = plan.themes.iter().find(|t| t.section == "4.8").unwrap();
        let action = theme.actions.iter().find(|x| x.code == "4.8-A2").unwrap();
        // 4 initiatives, one done: 25 %; the theme averages its two actions: 12.5 %.
        assert_eq!(action.progress, Some(25.0), "{}", t.name);
        assert_eq!(theme.progress, Some(12.5));

        // A stale form is refused and changes nothing.
        let err = platform::update_progress(
            db,
            &chair,
            a,
            &update(Status::Underway, Some(50), 0, "2024-03-02"),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::Refused("changed_meanwhile")));
        // A progress that does not fit its status is refused.
        let err = platform::update_progress(
            db,
            &chair,
            b,
            &update(Status::NotStarted, Some(50), 0, "2024-03-02"),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::Refused("progress_out_of_range")));
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM plan_progress_history").await,
            1
        );

        // Weights count only with the weighted method.
        let mut u = update(Status::Underway, Some(50), 0, "2024-04-01");
        u.weight = 3;
        platform::update_progress(db, &chair, b, &u).await.unwrap();
        let progress = |plan: &platform::PlanView| {
            plan.themes
                .iter()
                .flat_map(|t| &t.actions)
                .find(|x| x.code == "4.8-A2")
                .unwrap()
                .progress
                .unwrap()
        };
        // (100 + 3*50) / 6 = 41.67
        let p = progress(&platform::plan(db).await.unwrap());
        assert!((p - 250.0 / 6.0).abs() < 1e-9, "{p}");
        platform::set_rollup_method(db, &chair, RollupMethod::Average)
            .await
            .unwrap();
        assert_eq!(progress(&platform::plan(db).await.unwrap()), 37.5);

        // Timeline per theme, newest first; history cannot be changed.
        let tl = platform::timeline(db, "4.8").await.unwrap();
        assert_eq!(tl.len(), 2);
        assert_eq!(tl[0].on_date, "2024-04-01");
        let mut tx = db.begin().await.unwrap();
        assert!(
            sqlx::query("UPDATE plan_progress_history SET progress = 0")
                .execute(&mut *tx)
                .await
                .is_err()
        );
        drop(tx);
        let mut tx = db.begin().await.unwrap();
        assert!(
            sqlx::query("DELETE FROM plan_progress_history")
                .execute(&mut *tx)
                .await
                .is_err()
        );
        drop(tx);
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'plan.progress'"
            )
            .await,
            2
        );

        // Milestones.
        platform::add_milestone(db, &chair, a, "2024-06-30", "Voorgelegd")
            .await
            .unwrap();
        let d = platform::initiative(db, a).await.unwrap();
        assert_eq!(d.milestones.len(), 1);
        assert_eq!(d.history.len(), 1);
        platform::set_milestone_reached(db, &chair, a, d.milestones[0].id, true)
            .await
            .unwrap();
        assert_eq!(
            platform::initiative(db, a).await.unwrap().milestones[0].reached,
            1
        );
    }
}

#[tokio::test]
async fn regional_platforms_add_actions_members_and_meetings() {
    for t in testing::all("plan_bodies").await.unwrap() {
        let db = &t.db;
        let chair = person(db, "chair@p.test", Role::RegionalChair, 4).await;
        let action = platform::add_regional_action(
            db,
            &chair,
            4,
            "4.2",
            "Digitale zitdagen",
            "CAW",
            "Elke maand een zitdag in de bibliotheek.",
        )
        .await
        .unwrap();
        assert_eq!(platform::action_owner(db, action).await.unwrap(), 4);
        let plan = platform::plan(db).await.unwrap();
        assert_eq!(plan.counts(), (11, 18, 77), "{}", t.name);
        let err = platform::add_regional_action(db, &chair, 4, "9.9", "x", "", "")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Refused("theme_unknown")));
        let init = platform::add_regional_initiative(db, &chair, 4, action, "Tweede initiatief")
            .await
            .unwrap();
        assert_eq!(platform::initiative_owner(db, init).await.unwrap(), 4);
        assert_eq!(
            platform::initiative_owner(db, init_id(db, "4.1-A1-I1").await)
                .await
                .unwrap(),
            1
        );

        // The stuurgroep's composition as in the seed.
        let stuurgroep = platform::body(db, "stuurgroep").await.unwrap();
        let members = platform::members(db, stuurgroep.id).await.unwrap();
        assert_eq!(members.len(), 8);
        assert_eq!(members[0].role, "chair");
        assert!(
            members
                .iter()
                .any(|m| m.seat.contains("Netwerk tegen Armoede"))
        );

        // One chair: naming a new one makes the former one a member.
        let body = platform::body_of_platform(db, 4).await.unwrap();
        for (role, name) in [("chair", "A"), ("vice_chair", "B"), ("chair", "C")] {
            platform::add_member(
                db,
                &chair,
                body.id,
                &NewMember {
                    role: role.into(),
                    person: name.into(),
                    organisation: String::new(),
                },
            )
            .await
            .unwrap();
        }
        let m = platform::members(db, body.id).await.unwrap();
        let roles: Vec<(&str, &str)> = m
            .iter()
            .map(|m| (m.role.as_str(), m.person.as_str()))
            .collect();
        assert_eq!(
            roles,
            vec![("chair", "C"), ("vice_chair", "B"), ("member", "A")]
        );

        // A meeting with an unknown action leaves nothing behind.
        let bad = NewMeeting {
            held_on: "2024-03-12".into(),
            title: "Platform".into(),
            agenda: "1. x".into(),
            minutes: String::new(),
            attendees: 12,
            links: vec![(LinkKind::Action, action), (LinkKind::Action, 999_999)],
        };
        assert!(
            platform::add_meeting(db, &chair, body.id, &bad)
                .await
                .is_err()
        );
        assert_eq!(count(db, "SELECT COUNT(*) FROM meetings").await, 0);
        // So does one with a practice that does not exist (or is not published).
        let bad = NewMeeting {
            links: vec![(LinkKind::Action, action), (LinkKind::Practice, 7)],
            ..bad
        };
        assert!(matches!(
            platform::add_meeting(db, &chair, body.id, &bad).await,
            Err(sterk_store::StoreError::Refused("practice_unknown"))
        ));
        assert_eq!(count(db, "SELECT COUNT(*) FROM meetings").await, 0);
        let good = NewMeeting {
            links: vec![(LinkKind::Action, action)],
            ..bad
        };
        let id = platform::add_meeting(db, &chair, body.id, &good)
            .await
            .unwrap();
        let d = platform::meeting(db, id).await.unwrap();
        assert_eq!(d.actions.len(), 1);
        assert!(d.practices.is_empty() && d.signal_dossiers.is_empty());
        assert_eq!(d.meeting.attendees, 12);
    }
}

#[tokio::test]
async fn yearly_reports_are_assembled_edited_and_submitted_once() {
    for t in testing::all("plan_reports").await.unwrap() {
        let db = &t.db;
        let chair = person(db, "chair@p.test", Role::RegionalChair, 4).await;
        let a = init_id(db, "4.8-A2-I1").await;
        platform::update_progress(
            db,
            &chair,
            a,
            &update(Status::Underway, None, 0, "2024-03-01"),
        )
        .await
        .unwrap();
        let data = platform::year_data(db, 4, 2024).await.unwrap();
        assert_eq!(data.updates.len(), 1, "{}", t.name);
        assert_eq!(data.themes, vec!["4.8".to_string()]);
        assert!(
            platform::year_data(db, 4, 2023)
                .await
                .unwrap()
                .updates
                .is_empty()
        );
        assert!(
            platform::year_data(db, 5, 2024)
                .await
                .unwrap()
                .updates
                .is_empty()
        );

        assert!(
            platform::submit_report(db, &chair, 4, 2024, "{}")
                .await
                .is_err()
        );
        platform::save_report(
            db,
            &chair,
            4,
            2024,
            "Samenvatting",
            "Onderbescherming",
            "Verder",
        )
        .await
        .unwrap();
        platform::save_report(
            db,
            &chair,
            4,
            2024,
            "Samenvatting 2",
            "Onderbescherming",
            "Verder",
        )
        .await
        .unwrap();
        let r = platform::report(db, 4, 2024).await.unwrap();
        assert_eq!(r.summary, "Samenvatting 2");
        assert_eq!(r.status, "draft");
        platform::submit_report(db, &chair, 4, 2024, "{\"x\":1}")
            .await
            .unwrap();
        let err = platform::save_report(db, &chair, 4, 2024, "later", "", "")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Refused("report_submitted")));
        assert_eq!(platform::submitted_reports(db).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_demo_shows_progress_and_a_meeting() {
    for t in testing::all("plan_demo").await.unwrap() {
        let db = &t.db;
        assert!(demo::load(db).await.unwrap());
        let plan = platform::plan(db).await.unwrap();
        assert!(plan.progress.unwrap() > 0.0, "{}", t.name);
        assert_eq!(count(db, "SELECT COUNT(*) FROM meetings").await, 1);
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM plan_progress_history").await,
            5
        );
    }
}
