//! Proactive screening as background jobs and call rounds (issue 4, points 4 and 5).
//! Black-box on a real port, with a data folder of its own per test.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::Client;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use sterk_store::{Db, demo, testing};
use sterk_web::AppState;

struct App {
    addr: SocketAddr,
    db: Db,
    state: AppState,
    data: tempfile::TempDir,
    _dir: Option<tempfile::TempDir>,
}

impl App {
    async fn start() -> App {
        let (url, dir) = testing::sqlite_url();
        Self::start_with(&url, Some(dir)).await
    }

    async fn start_postgres(label: &str) -> App {
        match testing::postgres_url(label).await {
            Some(url) => Self::start_with(&url, None).await,
            None => Self::start().await,
        }
    }

    async fn start_with(url: &str, dir: Option<tempfile::TempDir>) -> App {
        let db = Db::open(url).await.unwrap();
        demo::load(&db).await.unwrap();
        let data = tempfile::tempdir().unwrap();
        let config = sterk_web::WebConfig {
            data_dir: Some(data.path().to_path_buf()),
            ..Default::default()
        };
        let state = AppState::new(db.clone(), config, None).unwrap();
        let app = sterk_web::app(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        App {
            addr,
            db,
            state,
            data,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    async fn login(&self, email: &str) -> Client {
        let mut c = Client {
            app_url: format!("http://{}", self.addr),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
            flash: None,
            csrf: None,
            lang: None,
        };
        c.sign_in(email, demo::DEMO_PASSWORD).await;
        c
    }

    async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(self.db.reader())
            .await
            .unwrap();
        n
    }

    /// Waits until the job is done or failed; returns its status.
    async fn wait(&self, id: i64) -> String {
        for _ in 0..600 {
            let (status,): (String,) =
                sqlx::query_as("SELECT status FROM screening_jobs WHERE id = $1")
                    .bind(id)
                    .fetch_one(self.db.reader())
                    .await
                    .unwrap();
            if status == "done" || status == "failed" {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("screening {id} did not finish");
    }

    fn uploads(&self) -> usize {
        std::fs::read_dir(self.data.path().join("uploads"))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

const WORKER: &str = "werker@ocmw-gent.demo";
const OTHER_ORG: &str = "coordinator@buurtwerk-leuven.demo";

fn multipart(files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----sterk-test-boundary-7f3a";
    let mut body = Vec::new();
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads files through the page (CSRF token in the query string); returns status,
/// location and body.
async fn upload(
    app: &App,
    c: &Client,
    files: &[(&str, &str, &[u8])],
) -> (u16, Option<String>, String) {
    let (ct, body) = multipart(files);
    let token = c.csrf.clone().unwrap();
    let res = c
        .http
        .post(app.url(&format!("/screenings/upload?_csrf={token}")))
        .header(
            "cookie",
            format!("sterk_session={}", c.cookie.clone().unwrap()),
        )
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (status, location, res.text().await.unwrap())
}

fn job_id(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

async fn token(c: &mut Client) -> String {
    let page = c
        .post("/account/tokens", &[("token_name", "screening")])
        .await;
    let start = page.body.find("sterk_").unwrap();
    format!("Bearer {}", &page.body[start..start + 70])
}

fn synth(dir: &Path, n: u64) -> (Vec<u8>, Vec<u8>) {
    sterk_batch::synth::generate(dir, n, 7, sterk_web::ctx::today(), 0.02).unwrap();
    (
        std::fs::read(dir.join("households.csv")).unwrap(),
        std::fs::read(dir.join("persons.csv")).unwrap(),
    )
}

#[tokio::test]
async fn an_uploaded_population_is_screened_in_the_background_and_called_in_a_round() {
    let app = App::start_postgres("screeningflow").await;
    let mut w = app.login(WORKER).await;
    let tmp = tempfile::tempdir().unwrap();
    let (households, persons) = synth(tmp.path(), 400);
    let (status, location, body) = upload(
        &app,
        &w,
        &[
            ("households", "households.csv", &households),
            ("persons", "persons.csv", &persons),
        ],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let location = location.unwrap();
    let id = job_id(&location);
    // The job page shows progress (htmx polls it while the job runs) or the result.
    let page = w.get(&location).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Screening"));
    assert_eq!(app.wait(id).await, "done");
    let page = w.get(&location).await;
    assert!(
        !page.body.contains("http-equiv=\"refresh\"") && !page.body.contains("hx-trigger=\"every"),
        "no meta refresh ever, and no polling when done"
    );
    assert!(page.body.contains("Klaar"));
    let (screened, ntu): (i64, i64) = sqlx::query_as(
        "SELECT households_screened, households_non_take_up FROM screening_jobs WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert_eq!(screened, 400);
    assert!(ntu > 10, "a synthetic population has non-take-up ({ntu})");
    // The API: status and results, for the organisation only.
    let auth = token(&mut w).await;
    let http = reqwest::Client::new();
    let job: serde_json::Value = http
        .get(app.url(&format!("/api/v1/screenings/{id}")))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job["status"], "done");
    assert_eq!(job["progress"], 100);
    let results: Vec<serde_json::Value> = http
        .get(app.url(&format!("/api/v1/screenings/{id}/results?limit=5000")))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(results.len() as i64, ntu);
    let first = results[0]["missed_monthly_cents"].as_i64().unwrap() * 12
        + results[0]["missed_yearly_cents"].as_i64().unwrap();
    let last = results[results.len() - 1]["missed_monthly_cents"]
        .as_i64()
        .unwrap()
        * 12
        + results[results.len() - 1]["missed_yearly_cents"]
            .as_i64()
            .unwrap();
    assert!(first >= last, "most money first");
    let mut other = app.login(OTHER_ORG).await;
    assert_eq!(other.get(&location).await.status, 404);
    assert_eq!(other.get(&format!("{location}/results")).await.status, 404);
    let other_auth = token(&mut other).await;
    let res = http
        .get(app.url(&format!("/api/v1/screenings/{id}/results")))
        .header("authorization", &other_auth)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    assert!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'screening.results_view'")
            .await
            >= 1
    );

    // A call round from the screening, most rights first, divided among two workers.
    let new = w.get(&format!("/callrounds/new?job={id}")).await;
    assert_eq!(new.status, 200);
    let admin_id = app
        .count("SELECT id FROM accounts WHERE email = 'beheer@ocmw-gent.demo'")
        .await
        .to_string();
    let worker_id = app
        .count("SELECT id FROM accounts WHERE email = 'werker@ocmw-gent.demo'")
        .await
        .to_string();
    let bad = w
        .post(
            "/callrounds",
            &[
                ("job", &id.to_string()),
                ("name", ""),
                ("priority", "rights"),
                ("retry_days", "2"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Kies minstens één medewerker") && bad.body.contains("name-error"));
    assert_eq!(app.count("SELECT COUNT(*) FROM call_rounds").await, 0);
    let made = w
        .post(
            "/callrounds",
            &[
                ("job", &id.to_string()),
                ("name", "Belronde januari"),
                ("priority", "rights"),
                ("retry_days", "2"),
                ("workers", &worker_id),
                ("workers", &admin_id),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let round = made.location.unwrap();
    let round_id = job_id(&round);
    let per_worker: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT assigned_to, COUNT(*) FROM call_entries WHERE round_id = $1 GROUP BY assigned_to ORDER BY assigned_to",
    )
    .bind(round_id)
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    assert_eq!(per_worker.len(), 2);
    assert!(
        (per_worker[0].1 - per_worker[1].1).abs() <= 1,
        "round robin"
    );
    assert_eq!(per_worker[0].1 + per_worker[1].1, ntu);
    let counts: Vec<(i64,)> = sqlx::query_as(
        "SELECT rights_count FROM call_entries WHERE round_id = $1 ORDER BY position",
    )
    .bind(round_id)
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    assert!(
        counts.windows(2).all(|p| p[0].0 >= p[1].0),
        "most rights first"
    );
    // My list, the call page with a script, the printed lists.
    let list = w.get(&round).await;
    assert_eq!(list.status, 200);
    let print = w.get(&format!("{round}/print")).await;
    assert!(print.body.contains("Belijst van") && print.body.contains("☐"));
    let entries: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, rights_missed FROM call_entries WHERE round_id = $1 AND assigned_to = $2 ORDER BY position LIMIT 4",
    )
    .bind(round_id)
    .bind(worker_id.parse::<i64>().unwrap())
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    let call = w.get(&format!("{round}/entries/{}", entries[0].0)).await;
    assert_eq!(call.status, 200);
    assert!(call.body.contains("Wat zeg je?"));
    // Not reached, back in two days: hidden until then.
    let e0 = entries[0].0.to_string();
    let done = w
        .post(
            &format!("{round}/entries/{e0}"),
            &[("outcome", "not_reached"), ("retry_days", "2")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let due = w.get(&round).await;
    assert!(
        !due.body.contains(&format!("entries/{e0}\"")),
        "hidden until due"
    );
    let later = w.get(&format!("{round}?view=later")).await;
    assert!(later.body.contains(&format!("entries/{e0}\"")));
    sqlx::query("UPDATE call_entries SET due_at = 1 WHERE id = $1")
        .bind(entries[0].0)
        .execute(app.db.reader())
        .await
        .unwrap();
    let due = w.get(&round).await;
    assert!(
        due.body.contains(&format!("entries/{e0}\"")),
        "back when due"
    );
    // Reached: a client with consent and one follow-up per right, in one step.
    let e1 = entries[1].0.to_string();
    let no_name = w
        .post(&format!("{round}/entries/{e1}"), &[("outcome", "reached")])
        .await;
    assert_eq!(no_name.status, 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM clients WHERE name = 'Mevrouw Belronde'")
            .await,
        0
    );
    let reached = w
        .post(
            &format!("{round}/entries/{e1}"),
            &[
                ("outcome", "reached"),
                ("name", "Mevrouw Belronde"),
                ("phone", "0470 12 34 56"),
            ],
        )
        .await;
    assert_eq!(reached.status, 303, "{}", reached.body);
    let client: i64 = app
        .count("SELECT id FROM clients WHERE name = 'Mevrouw Belronde'")
        .await;
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM consents WHERE client_id = {client} AND purpose = 'rights_check' AND method = 'oral'")).await,
        1
    );
    let rights = entries[1].1.split(';').count() as i64;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM right_followups WHERE client_id = {client} AND status = 'todo'"
        ))
        .await,
        rights
    );
    let again = w
        .post(
            &format!("{round}/entries/{e1}"),
            &[("outcome", "wrong_number")],
        )
        .await;
    assert_eq!(again.status, 422, "a closed call cannot change");
    // Structural problem: a de-identified signal candidate.
    let e2 = entries[2].0.to_string();
    let right = entries[2].1.split(';').next().unwrap();
    let s = w
        .post(
            &format!("{round}/entries/{e2}"),
            &[
                ("outcome", "structural_problem"),
                ("right_id", right),
                ("barrier", "De aanvraag kan alleen online"),
            ],
        )
        .await;
    assert_eq!(s.status, 303, "{}", s.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM signal_candidates WHERE source = 'call_round'")
            .await,
        1
    );
    // Needs help: a help-request candidate.
    let e3 = entries[3].0.to_string();
    let h = w
        .post(
            &format!("{round}/entries/{e3}"),
            &[("outcome", "needs_help"), ("need", "Vervoer naar het OCMW")],
        )
        .await;
    assert_eq!(h.status, 303, "{}", h.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM help_request_candidates")
            .await,
        1
    );
    // The other organisation sees nothing of the round.
    assert_eq!(other.get(&round).await.status, 404);
    assert_eq!(
        other.get(&format!("{round}/entries/{e0}")).await.status,
        404
    );
    // Deleting the screening removes its results and files; the round stays.
    let del = w.post(&format!("{location}/delete"), &[]).await;
    assert_eq!(del.status, 303);
    assert_eq!(
        app.count(&format!(
            "SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT) FROM screening_blocks WHERE job_id = {id}"
        ))
        .await,
        0
    );
    assert_eq!(app.uploads(), 0);
    assert_eq!(w.get(&round).await.status, 200);
}

#[tokio::test]
async fn bad_rows_are_reported_with_their_line_and_the_good_rows_are_screened() {
    let app = App::start().await;
    let w = app.login(WORKER).await;
    let csv = "household_id,region,applicant_age,partner,dependent_children,other_adults,monthly_pension,receives_igo,legal_residence\n\
               1,flanders,82,false,0,0,90000,false,true\n\
               2,flanders,abc,false,0,0,90000,false,true\n\
               3,flanders,75,false,0,0,80000,false,true\n\
               4,mars,70,false,0,0,80000,false,true\n\
               5,brussels,90,false,0,0,70000,false,true\n";
    let (status, location, body) =
        upload(&app, &w, &[("households", "pop.csv", csv.as_bytes())]).await;
    assert_eq!(status, 303, "{body}");
    let id = job_id(&location.unwrap());
    assert_eq!(app.wait(id).await, "done");
    let (screened, errors): (i64, i64) =
        sqlx::query_as("SELECT households_screened, error_count FROM screening_jobs WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!((screened, errors), (3, 2));
    let lines: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT line, field FROM screening_errors WHERE job_id = $1 ORDER BY line")
            .bind(id)
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    assert_eq!(
        lines,
        vec![
            (3, Some("applicant_age".into())),
            (5, Some("region".into()))
        ]
    );
    let mut w = w;
    let page = w.get(&format!("/screenings/{id}")).await;
    assert!(page.body.contains("applicant_age") && page.body.contains("<td>3</td>"));
    assert!(
        app.count(&format!(
            "SELECT COUNT(*) FROM screening_blocks WHERE job_id = {id} AND rights LIKE '%;igo;%'"
        ))
        .await
            >= 1,
        "the pensioners probably miss IGO"
    );
    // The results page filters on one right (read from the blocks).
    let igo = w.get(&format!("/screenings/{id}/results?right=igo")).await;
    assert_eq!(igo.status, 200);
    assert!(igo.body.contains("value=\"igo\" selected"));
    assert!(igo.body.contains("<tbody><tr>"), "{}", igo.body);
}

#[tokio::test]
async fn a_file_of_the_wrong_kind_is_refused_before_the_job_starts() {
    let app = App::start().await;
    let mut w = app.login(WORKER).await;
    let cases: [(&str, &[u8], &str); 6] = [
        (
            "junk.bin",
            &[0u8, 159, 146, 150, 0, 1, 2, 3],
            "het bevat geen tekst",
        ),
        (
            "pop.csv",
            b"id,region\n1,flanders\n",
            "De kolom household_id ontbreekt",
        ),
        ("pop.csv", b"household_id;region\n1;flanders\n", "puntkomma"),
        ("pop.xlsx", b"PK\x03\x04rest-of-a-zip", "rekenblad"),
        (
            "pop.parquet",
            b"household_id,region\n",
            "geen leesbaar Parquet",
        ),
        ("empty.csv", b"", "leeg"),
    ];
    for (name, bytes, message) in cases {
        let (status, _, body) = upload(&app, &w, &[("households", name, bytes)]).await;
        assert_eq!(status, 422, "{name}");
        assert!(body.contains(message), "{name}: {body}");
        assert!(
            body.contains("households-error"),
            "the message is on the field"
        );
    }
    // Persons without a role column.
    let (status, _, body) = upload(
        &app,
        &w,
        &[
            ("households", "h.csv", b"household_id,region\n1,flanders\n"),
            ("persons", "p.csv", b"household_id,age\n1,40\n"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("De kolom role ontbreekt"));
    assert_eq!(app.count("SELECT COUNT(*) FROM screening_jobs").await, 0);
    assert_eq!(app.uploads(), 0, "no file is kept");
    // The API says the same, with a code.
    let auth = token(&mut w).await;
    let (ct, body) = multipart(&[("households", "pop.csv", b"id,region\n1,flanders\n")]);
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/screenings"))
        .header("authorization", &auth)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["fields"][0]["code"], "screening_no_household_id");
    assert_eq!(app.count("SELECT COUNT(*) FROM screening_jobs").await, 0);
}

#[tokio::test]
async fn an_interrupted_screening_starts_over_on_resume_and_never_shows_half_results() {
    let app = App::start_postgres("screeningresume").await;
    let mut w = app.login(WORKER).await;
    let auth = token(&mut w).await;
    let tmp = tempfile::tempdir().unwrap();
    let (households, persons) = synth(tmp.path(), 300);
    let (ct, body) = multipart(&[
        ("households", "households.csv", &households),
        ("persons", "persons.csv", &persons),
    ]);
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/screenings"))
        .header("authorization", &auth)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 202);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(app.wait(id).await, "done");
    let before = app
        .count(&format!(
            "SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT) FROM screening_blocks WHERE job_id = {id}"
        ))
        .await;
    assert!(before > 0);
    // Simulate a server that died while running the job: running, no results, no heartbeat.
    sqlx::query("DELETE FROM screening_blocks WHERE job_id = $1")
        .bind(id)
        .execute(app.db.reader())
        .await
        .unwrap();
    sqlx::query("UPDATE screening_jobs SET status = 'running', runner = 'gone', heartbeat_at = 0, progress = 40 WHERE id = $1")
        .bind(id)
        .execute(app.db.reader())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let job: serde_json::Value = http
        .get(app.url(&format!("/api/v1/screenings/{id}/results")))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job.as_array().unwrap().len(), 0, "no results while running");
    sterk_web::screening::resume(&app.state).await.unwrap();
    assert_eq!(app.wait(id).await, "done");
    let after = app
        .count(&format!(
            "SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT) FROM screening_blocks WHERE job_id = {id}"
        ))
        .await;
    assert_eq!(after, before, "the same results, once");
    assert_eq!(
        app.count(&format!(
            "SELECT attempts FROM screening_jobs WHERE id = {id}"
        ))
        .await,
        2
    );
    // A running job with a fresh heartbeat belongs to a live server: left alone.
    sqlx::query("UPDATE screening_jobs SET status = 'running', runner = 'alive', heartbeat_at = $1 WHERE id = $2")
        .bind(sterk_store::now_ms())
        .bind(id)
        .execute(app.db.reader())
        .await
        .unwrap();
    assert_eq!(sterk_web::screening::resume(&app.state).await.unwrap(), 0);
}

#[tokio::test]
async fn the_organisations_clients_are_screened_and_a_filter_makes_a_call_round() {
    let app = App::start().await;
    let mut w = app.login(WORKER).await;
    let created = w
        .post(
            "/clients/new",
            &[
                ("name", "Meneer Tachtig"),
                ("birth", "1938"),
                ("refnis", "44021"),
                ("adults", "1"),
                ("children", "0"),
                ("lives_alone", "1"),
                ("phone", "0470 11 22 33"),
                ("channels", "phone"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let client: i64 = job_id(&created.location.unwrap());
    // Screening of the clients, through the API.
    let auth = token(&mut w).await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/screenings"))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body(r#"{"source":"clients"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 202);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(app.wait(id).await, "done");
    assert!(
        app.count(&format!(
            "SELECT households_screened FROM screening_jobs WHERE id = {id}"
        ))
        .await
            >= 1
    );
    // A round over the clients aged 80 or more who live alone.
    let worker_id = app
        .count("SELECT id FROM accounts WHERE email = 'werker@ocmw-gent.demo'")
        .await
        .to_string();
    let form = w.get("/callrounds/new").await;
    assert!(form.body.contains("name=\"min_age\"") && form.body.contains("value=\"80\""));
    let made = w
        .post(
            "/callrounds",
            &[
                ("name", "80-plussers alleen"),
                ("min_age", "80"),
                ("lives_alone", "1"),
                ("include_unknown", "1"),
                ("priority", "money"),
                ("retry_days", "3"),
                ("workers", &worker_id),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let round = made.location.unwrap();
    let list = w.get(&round).await;
    assert!(
        list.body.contains("Meneer Tachtig") && list.body.contains("0470112233"),
        "{}",
        list.body
    );
    let entry = app
        .count(&format!(
            "SELECT id FROM call_entries WHERE client_id = {client}"
        ))
        .await;
    let reached = w
        .post(
            &format!("{round}/entries/{entry}"),
            &[("outcome", "reached")],
        )
        .await;
    assert_eq!(reached.status, 303, "{}", reached.body);
    assert_eq!(
        reached.location.unwrap(),
        format!("/clients/{client}/rights")
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM consents WHERE client_id = {client}"
        ))
        .await,
        1
    );
    // A filter nobody passes: a clear message, no round.
    let none = w
        .post(
            "/callrounds",
            &[
                ("name", "Niemand"),
                ("min_age", "120"),
                ("priority", "money"),
                ("workers", &worker_id),
            ],
        )
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("geen enkel huishouden"));
    // French.
    w.post("/lang", &[("lang", "fr"), ("next", "/screenings")])
        .await;
    let fr = w.get(&format!("/screenings/{id}")).await;
    assert!(fr.body.contains("Dépistage") && fr.body.contains("Terminé"));
}
