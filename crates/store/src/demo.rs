//! The demo data set (`sterk serve --demo`) and the benchmark data set (`sterk bench-seed`).
//!
//! The demo set is small and fictitious: five organisations in different regions, one
//! account per role, and a handful of clients with consents. Every demo account has the
//! password [`DEMO_PASSWORD`].

use crate::accounts::{self, NewAccount};
use crate::clients::{self, ClientInput, ConsentInput};
use crate::orgs::{self, NewOrg};
use crate::{Db, StoreError, now_ms};
use sterk_domain::access::Role;
use sterk_domain::client::{ConsentMethod, ConsentPurpose, ContactChannel, Household};
use sterk_domain::org::OrgKind;
use sterk_domain::values::{BirthDate, KboNumber, Name, Refnis};

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "sterk-demo-2026";

/// A demo account as printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Login e-mail.
    pub email: &'static str,
    /// Role.
    pub role: Role,
    /// Where it belongs.
    pub context: &'static str,
}

/// The demo accounts.
pub const DEMO_ACCOUNTS: [DemoAccount; 7] = [
    DemoAccount {
        email: "werker@ocmw-gent.demo",
        role: Role::SocialWorker,
        context: "OCMW Gent",
    },
    DemoAccount {
        email: "beheer@ocmw-gent.demo",
        role: Role::OrgAdmin,
        context: "OCMW Gent",
    },
    DemoAccount {
        email: "coordinator@buurtwerk-leuven.demo",
        role: Role::VolunteerCoordinator,
        context: "Buurtwerk Leuven",
    },
    DemoAccount {
        email: "vrijwilliger@buurtwerk-leuven.demo",
        role: Role::Volunteer,
        context: "Buurtwerk Leuven",
    },
    DemoAccount {
        email: "voorzitter@platform-oost-vlaanderen.demo",
        role: Role::RegionalChair,
        context: "Regionaal platform Oost-Vlaanderen",
    },
    DemoAccount {
        email: "coordinator@vlaams-platform.demo",
        role: Role::PlatformCoordinator,
        context: "Vlaams Platform",
    },
    DemoAccount {
        email: "admin@sterk.demo",
        role: Role::Admin,
        context: "installatie",
    },
];

/// A valid KBO number built from a body (for fictitious organisations). Only bodies below
/// 20,000,000 give ten digits starting with 0 or 1, so larger ones are reduced.
pub fn kbo_from_body(body: u64) -> KboNumber {
    let body = body % 20_000_000;
    let check = 97 - body % 97;
    // The body is below 10^8 and the check below 98, so this always parses.
    KboNumber::parse(&format!("{:010}", body * 100 + check)).unwrap_or_else(|_| unreachable_kbo())
}

fn unreachable_kbo() -> KboNumber {
    // 0403.170.701: a number that parses; only reached if the arithmetic above were wrong.
    KboNumber::parse("0403170701").unwrap_or_else(|_| panic!("constant KBO number must parse"))
}

fn name(s: &str) -> Name {
    Name::parse(s).unwrap_or_else(|_| panic!("demo name must parse"))
}
fn refnis(s: &str) -> Refnis {
    Refnis::parse(s).unwrap_or_else(|_| panic!("demo REFNIS must parse"))
}

/// Whether the database holds no organisation yet.
pub async fn is_empty(db: &Db) -> Result<bool, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organisations")
        .fetch_one(db.reader())
        .await?;
    Ok(n == 0)
}

/// Loads the demo data set into an empty database; does nothing when organisations exist.
pub async fn load(db: &Db) -> Result<bool, StoreError> {
    if !is_empty(db).await? {
        return Ok(false);
    }
    let orgs_spec = [
        ("OCMW Gent", 20_716_501u64, OrgKind::Ocmw, "44021"),
        ("CAW Antwerpen", 41_093_422, OrgKind::Caw, "11002"),
        ("Buurtwerk Leuven", 44_220_913, OrgKind::Buurtwerk, "24062"),
        (
            "Armoedevereniging De Keeting",
            45_310_078,
            OrgKind::Armoedevereniging,
            "71072",
        ),
        (
            "Samenlevingsopbouw Brussel",
            41_760_102,
            OrgKind::Buurtwerk,
            "21004",
        ),
    ];
    let mut org_ids = Vec::new();
    for (n, body, kind, nis) in orgs_spec {
        let id = orgs::create(
            db,
            None,
            &NewOrg {
                name: name(n),
                kbo: Some(kbo_from_body(body)),
                kind,
                refnis: refnis(nis),
            },
        )
        .await?;
        org_ids.push(id);
    }
    let (gent, leuven) = (org_ids[0], org_ids[2]);
    let mut ids = Vec::new();
    for (i, a) in DEMO_ACCOUNTS.iter().enumerate() {
        let (org, platform) = match a.role {
            Role::SocialWorker | Role::OrgAdmin => (Some(gent), None),
            Role::VolunteerCoordinator | Role::Volunteer => (Some(leuven), None),
            Role::RegionalChair => (None, Some(4)),
            Role::PlatformCoordinator => (None, Some(1)),
            Role::Admin => (None, None),
        };
        let display = [
            "Sara Peeters",
            "Jan De Smet",
            "Fatima El Amrani",
            "Luc Janssens",
            "Prof. An Claes",
            "Koen Maes",
            "Beheerder Sterk",
        ][i];
        ids.push(
            accounts::create(
                db,
                None,
                NewAccount {
                    email: a.email.to_owned(),
                    display_name: display.to_owned(),
                    role: a.role,
                    org_id: org,
                    platform_id: platform,
                    password: DEMO_PASSWORD.to_owned(),
                    must_change_password: false,
                },
            )
            .await?,
        );
    }
    let worker = sterk_domain::access::Actor {
        account: ids[0],
        role: Role::SocialWorker,
        org: Some(gent),
        platform: None,
    };
    let today = time::OffsetDateTime::now_utc().date();
    let demo_clients = [
        (
            "Mevrouw X.",
            "1942",
            vec!["nl"],
            Household {
                adults: 1,
                children: 0,
                lives_alone: true,
            },
        ),
        (
            "Amina B.",
            "1988-04-12",
            vec!["ar", "fr", "nl"],
            Household {
                adults: 1,
                children: 2,
                lives_alone: false,
            },
        ),
        (
            "Dirk V.",
            "1979",
            vec!["nl"],
            Household {
                adults: 1,
                children: 0,
                lives_alone: true,
            },
        ),
        (
            "Familie K.",
            "1975-09-30",
            vec!["tr", "nl"],
            Household {
                adults: 2,
                children: 3,
                lives_alone: false,
            },
        ),
    ];
    let mut client_ids = Vec::new();
    for (i, (n, birth, langs, household)) in demo_clients.into_iter().enumerate() {
        let input = ClientInput {
            name: name(n),
            birth: BirthDate::parse(birth, today).ok(),
            refnis: Some(refnis("44021")),
            languages: langs
                .into_iter()
                .filter_map(|l| sterk_domain::client::parse_language(l).ok())
                .collect(),
            channels: vec![ContactChannel::Phone, ContactChannel::Visit],
            phone: Some(format!("+3292000{:03}", 100 + i)),
            email: None,
            address: None,
            household,
            notes: String::new(),
        };
        let id = clients::create(db, &worker, &input).await?;
        client_ids.push(id);
        clients::record_consent(
            db,
            &worker,
            id,
            &ConsentInput {
                purpose: ConsentPurpose::RightsCheck,
                recipient_org: None,
                method: ConsentMethod::Oral,
                given_on: today,
                expires_on: None,
                note: String::new(),
            },
        )
        .await?;
    }
    demo_followups(db, &worker, &client_ids, today).await?;
    crate::solidarity::demo(db, &worker).await?;
    crate::practices::demo(db).await?;
    crate::events::demo(db).await?;
    crate::signals::demo(db, DEMO_PASSWORD).await?;
    demo_platform(db, &ids).await?;
    Ok(true)
}

/// The follow-up of some rights of the demo clients over the last months, so that the
/// take-up figures and the reminders show something: granted, refused, applied and to do.
async fn demo_followups(
    db: &Db,
    worker: &sterk_domain::access::Actor,
    clients: &[i64],
    today: time::Date,
) -> Result<(), StoreError> {
    use crate::rights::{self, FollowupChange};
    use sterk_domain::followup::{FollowupStatus, RefusalReason};
    let ago = |days: i64| today - time::Duration::days(days);
    // (client index, right, applied days ago + where, decision days ago + granted amount or refusal)
    type Decision = Option<(i64, Result<Option<i64>, RefusalReason>)>;
    type Step<'a> = (usize, &'a str, Option<(i64, &'a str)>, Decision);
    let plan: [Step<'_>; 10] = [
        (
            0,
            "igo",
            Some((120, "Federale Pensioendienst")),
            Some((75, Ok(Some(120_000)))),
        ),
        (
            0,
            "verhoogde_tegemoetkoming",
            Some((100, "CM Gent")),
            Some((70, Ok(None))),
        ),
        (0, "sociaal_tarief_energie", None, None),
        (
            1,
            "groeipakket_sociale_toeslag",
            Some((60, "FONS")),
            Some((30, Ok(Some(13_024)))),
        ),
        (
            1,
            "schooltoeslag",
            Some((50, "Groeipakket")),
            Some((20, Err(RefusalReason::DocumentsMissing))),
        ),
        (1, "uitpas_kansentarief", None, None),
        (
            2,
            "leefloon",
            Some((40, "OCMW Gent")),
            Some((25, Ok(Some(130_591)))),
        ),
        (
            2,
            "vlaamse_huurpremie",
            Some((15, "Wonen in Vlaanderen")),
            None,
        ),
        (
            3,
            "maximumfactuur",
            Some((90, "Partena")),
            Some((60, Ok(None))),
        ),
        (
            3,
            "studietoelage_hoger_onderwijs",
            Some((80, "Studietoelagen Vlaanderen")),
            Some((45, Err(RefusalReason::IncomeTooHigh))),
        ),
    ];
    for (c, right, applied, decision) in plan {
        let Some(&client) = clients.get(c) else {
            continue;
        };
        let fid = rights::start_followup(db, worker, client, None, right).await?;
        let change = |to, on, applied_where: Option<&str>| FollowupChange {
            to,
            on: Some(on),
            applied_where: applied_where.map(str::to_owned),
            amount_cents: None,
            refusal_reason: None,
            refusal_code: None,
            note: String::new(),
        };
        if let Some((days, place)) = applied {
            rights::change_followup(
                db,
                worker,
                client,
                fid,
                &change(FollowupStatus::Applied, ago(days), Some(place)),
            )
            .await?;
        }
        match decision {
            Some((days, Ok(amount))) => {
                let mut ch = change(FollowupStatus::Granted, ago(days), None);
                ch.amount_cents = amount;
                rights::change_followup(db, worker, client, fid, &ch).await?;
            }
            Some((days, Err(code))) => {
                let mut ch = change(FollowupStatus::Refused, ago(days), None);
                ch.refusal_code = Some(code);
                rights::change_followup(db, worker, client, fid, &ch).await?;
            }
            None => {}
        }
    }
    Ok(())
}

/// The platform module's demo records (issue 7): see `crate::platform::demo`.
async fn demo_platform(db: &Db, ids: &[i64]) -> Result<(), StoreError> {
    let actor = |role: Role| {
        DEMO_ACCOUNTS
            .iter()
            .position(|a| a.role == role)
            .and_then(|i| ids.get(i))
            .map(|&account| sterk_domain::access::Actor {
                account,
                role,
                org: None,
                platform: Some(if role == Role::RegionalChair { 4 } else { 1 }),
            })
    };
    if let (Some(chair), Some(coordinator)) =
        (actor(Role::RegionalChair), actor(Role::PlatformCoordinator))
    {
        crate::platform::demo(db, &chair, &coordinator).await?;
    }
    Ok(())
}

/// Fills an empty database with the benchmark data set: `orgs` organisations, `clients`
/// clients spread over them, and `audit_rows` audit rows, with one account per organisation
/// (`bench{n}@sterk.bench`, password [`DEMO_PASSWORD`]). Inserts in large transactions.
pub async fn seed_bench(
    db: &Db,
    orgs: usize,
    clients: usize,
    audit_rows: usize,
) -> Result<(), StoreError> {
    let municipalities: Vec<(String,)> =
        sqlx::query_as("SELECT refnis FROM municipalities ORDER BY refnis")
            .fetch_all(db.reader())
            .await?;
    let hash = accounts::hash_password(DEMO_PASSWORD.to_owned()).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    for i in 0..orgs {
        let nis = &municipalities[i % municipalities.len()].0;
        sqlx::query("INSERT INTO organisations (id, name, kbo, kind, refnis, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(i as i64 + 1)
            .bind(format!("Organisatie {}", i + 1))
            .bind(kbo_from_body(10_000_000 + i as u64).digits())
            .bind(OrgKind::ALL[i % OrgKind::ALL.len()].code())
            .bind(nis)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO accounts (id, email, display_name, role, org_id, password_hash, created_at) VALUES ($1, $2, $3, 'org_admin', $1, $4, $5)",
        )
        .bind(i as i64 + 1)
        .bind(format!("bench{}@sterk.bench", i + 1))
        .bind(format!("Beheerder {}", i + 1))
        .bind(&hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let first_names = [
        "An", "Bart", "Chloé", "Dirk", "Els", "Fatma", "Geert", "Hanne", "Ilias", "Jana", "Karim",
        "Lotte", "Mehmet", "Nora", "Omar", "Petra",
    ];
    let last_names = [
        "Peeters",
        "Janssens",
        "Maes",
        "Jacobs",
        "Mertens",
        "Willems",
        "Claes",
        "Goossens",
        "Wouters",
        "De Smet",
        "Yilmaz",
        "El Idrissi",
    ];
    let chunk = 500;
    let mut done = 0;
    while done < clients {
        let n = chunk.min(clients - done);
        let mut sql = String::from(
            "INSERT INTO clients (org_id, name, birth, refnis, languages, channels, adults, children, lives_alone, created_at, updated_at) VALUES ",
        );
        for k in 0..n {
            let i = done + k;
            if k > 0 {
                sql.push(',');
            }
            let org = i % orgs + 1;
            let nm = format!(
                "{} {}",
                first_names[i % first_names.len()],
                last_names[(i / 7) % last_names.len()]
            );
            let nis = &municipalities[i % municipalities.len()].0;
            sql.push_str(&format!(
                "({org}, '{nm}', '{}', '{nis}', 'nl', 'phone', 1, {}, {}, {now}, {now})",
                1930 + i % 80,
                i % 3,
                i64::from(i % 3 == 0)
            ));
        }
        let mut tx = db.begin().await?;
        sqlx::query(&sql).execute(&mut *tx).await?;
        tx.commit().await?;
        db.clients_changed();
        done += n;
    }
    let chunk = 2000;
    let mut done = 0;
    let actions = [
        "client.view",
        "client.list",
        "client.update",
        "consent.record",
    ];
    while done < audit_rows {
        let n = chunk.min(audit_rows - done);
        let mut sql = String::from(
            "INSERT INTO audit_log (at, account_id, org_id, action, entity, entity_id, detail) VALUES ",
        );
        for k in 0..n {
            let i = done + k;
            if k > 0 {
                sql.push(',');
            }
            let org = i % orgs + 1;
            sql.push_str(&format!(
                "({}, {org}, {org}, '{}', 'client', {}, '')",
                now - (audit_rows - i) as i64 * 1000,
                actions[i % actions.len()],
                i % clients.max(1) + 1
            ));
        }
        let mut tx = db.begin().await?;
        sqlx::query(&sql).execute(&mut *tx).await?;
        tx.commit().await?;
        db.clients_changed();
        done += n;
    }
    Ok(())
}
