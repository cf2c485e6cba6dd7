//! Crash safety: the server is killed with SIGKILL in the middle of a stream of writes; after a
//! restart the database is consistent and every acknowledged write is there.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sterk_store::{Db, demo, testing, tokens};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sterk"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("STERK_DATABASE_URL", url)
        .env("STERK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_healthy(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await
            && r.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn crash_and_recover(url: &str, backend: &str) {
    // A token for the demo social worker, made before the server starts.
    let db = Db::open(url).await.unwrap();
    demo::load(&db).await.unwrap();
    let worker = sterk_store::accounts::by_email(&db, demo::DEMO_ACCOUNTS[0].email)
        .await
        .unwrap()
        .unwrap();
    let token = tokens::create(&db, worker.id, worker.org_id, "crash-test")
        .await
        .unwrap();
    db.close().await;

    let port = free_port();
    let mut server = start(url, port);
    wait_healthy(port).await;

    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, token, acked) = (http.clone(), token.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("crash {w}-{i}");
                let res = http
                    .post(format!("http://127.0.0.1:{port}/api/v1/clients"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"name": name, "refnis": "44021"}))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().as_u16() == 201 => {
                        acked.lock().unwrap().insert(name);
                    }
                    Ok(r) => panic!("unexpected answer {}", r.status()),
                    Err(_) => return,
                }
            }
        }));
    }
    // Let writes flow, then kill the server without warning.
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().unwrap().len() < 200 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill().unwrap(); // SIGKILL on Unix
    server.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(
        acked.len() >= 200,
        "{backend}: only {} writes acknowledged before the kill",
        acked.len()
    );

    // Restart: migrations run again, the server comes up, nothing acknowledged is lost.
    let mut server = start(url, port);
    wait_healthy(port).await;
    let db = Db::connect(url).await.unwrap();
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM clients WHERE name LIKE 'crash %'")
            .fetch_all(db.reader())
            .await
            .unwrap();
    let stored: BTreeSet<String> = rows.iter().map(|r| r.1.clone()).collect();
    let missing: Vec<&String> = acked.difference(&stored).collect();
    assert!(
        missing.is_empty(),
        "{backend}: acknowledged writes lost: {missing:?}"
    );
    // Consistent: each stored client has exactly its audit row, written in the same transaction.
    let (audited,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log a JOIN clients c ON c.id = a.entity_id WHERE a.action = 'client.create' AND a.entity = 'client' AND c.name LIKE 'crash %'",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    assert_eq!(
        audited as usize,
        rows.len(),
        "{backend}: every client has its audit row and no audit row lacks its client"
    );
    if backend == "sqlite" {
        let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(db.reader())
            .await
            .unwrap();
        assert_eq!(check, "ok");
        let fk: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(db.reader())
            .await
            .unwrap();
        assert!(fk.is_empty(), "foreign keys: {fk:?}");
    }
    // And it keeps working.
    let r = http
        .post(format!("http://127.0.0.1:{port}/api/v1/clients"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "after the crash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    db.close().await;
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_writes_loses_no_acknowledged_write_on_sqlite() {
    let (url, _dir) = testing::sqlite_url();
    crash_and_recover(&url, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_writes_loses_no_acknowledged_write_on_postgres() {
    let Some(url) = testing::postgres_url("crash").await else {
        eprintln!("PostgreSQL not configured (STERK_TEST_POSTGRES_URL); skipped");
        return;
    };
    crash_and_recover(&url, "postgres").await;
}
