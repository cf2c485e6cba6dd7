//! The solidarity module through the web: requests, shortlist, batch with the consent rule,
//! acceptance and network counts, volunteers, and the public forms with their spam guard.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::common::TestApp;

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    n
}

fn hidden(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = body.find(&key).unwrap_or_else(|| panic!("no field {name}")) + key.len();
    body[start..start + body[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_worker_enters_requests_runs_the_batch_and_the_network_grows() {
    let app = TestApp::start_postgres("websolidarity").await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    let home = w.get("/solidarity").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("Mevrouw X.") && home.body.contains("Mehmet"),
        "requests and the public one"
    );

    // Bad input: the answers are kept, each problem is named on its field, nothing is saved.
    let before = count(&app, "SELECT COUNT(*) FROM help_requests").await;
    let (dirk,): (i64,) = sqlx::query_as("SELECT id FROM clients WHERE name = 'Dirk V.'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let dirk_s = dirk.to_string();
    let bad = w
        .post(
            "/solidarity/requests",
            &[
                ("client", &dirk_s),
                ("kind", "company"),
                ("frequency", "regular"),
                ("urgency", "normal"),
                ("postcode", "12"),
                ("needs", "Houdt van wandelen"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("Een postcode heeft vier cijfers")
            && bad.body.contains("Houdt van wandelen")
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM help_requests").await,
        before
    );
    let ok = w
        .post(
            "/solidarity/requests",
            &[
                ("client", &dirk_s),
                ("kind", "company"),
                ("frequency", "regular"),
                ("urgency", "normal"),
                ("postcode", "9000"),
                ("languages", "nl"),
                ("slot", "0"),
                ("slot", "4"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let req_page = w.get(ok.location.as_deref().unwrap()).await;
    assert!(
        req_page.body.contains("afstand ongeveer 1 km"),
        "the shortlist shows its reasons"
    );

    // The batch proposal: every open request, the fewest supporters first; confirming it
    // proposes the pairs and names the request refused for a missing consent.
    let batch = w.get("/solidarity/batch").await;
    assert_eq!(batch.status, 200);
    let pairs = hidden(&batch.body, "pairs");
    assert!(pairs.split(',').count() >= 3, "{pairs}");
    let (net_before,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM matches x JOIN help_requests h ON h.id = x.request_id JOIN clients c ON c.id = h.client_id WHERE c.name = 'Mevrouw X.' AND x.status IN ('confirmed', 'running')",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    let done = w.post("/solidarity/batch", &[("pairs", &pairs)]).await;
    assert_eq!(done.status, 303);
    let matches = w.get(done.location.as_deref().unwrap()).await;
    assert!(
        matches
            .body
            .contains("Er is geen geldige toestemming om gegevens met een vrijwilliger te delen"),
        "the missing consent is named"
    );
    // The volunteer for Mevrouw X. accepts: her network count goes up.
    let (m,): (i64,) = sqlx::query_as(
        "SELECT x.id FROM matches x JOIN help_requests h ON h.id = x.request_id JOIN clients c ON c.id = h.client_id WHERE c.name = 'Mevrouw X.' AND x.status = 'proposed'",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    let before_net = w.get("/solidarity/network").await;
    assert!(before_net.body.contains("minder dan vier steunfiguren"));
    let acc = w
        .post(&format!("/solidarity/matches/{m}"), &[("step", "accept")])
        .await;
    assert_eq!(acc.status, 303);
    let (net_after,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM matches x JOIN help_requests h ON h.id = x.request_id JOIN clients c ON c.id = h.client_id WHERE c.name = 'Mevrouw X.' AND x.status IN ('confirmed', 'running')",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert_eq!(net_after, net_before + 1);
    // A stop needs a reason.
    let stop = w
        .post(&format!("/solidarity/matches/{m}"), &[("step", "stop")])
        .await;
    assert_eq!(stop.status, 422);
    assert!(stop.body.contains("Kies een reden om te stoppen"));

    // Proposing for the client without consent from the shortlist: refused, named.
    let (amina_req,): (i64,) = sqlx::query_as(
        "SELECT h.id FROM help_requests h JOIN clients c ON c.id = h.client_id WHERE c.name = 'Amina B.'",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    let (nadia,): (i64,) = sqlx::query_as("SELECT id FROM volunteers WHERE name = 'Nadia R.'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let refused = w
        .post(
            &format!("/solidarity/requests/{amina_req}/propose"),
            &[("volunteer", &nadia.to_string()), ("score", "1")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("toestemming om gegevens met een vrijwilliger te delen")
    );

    // Other organisations and volunteers see nothing.
    let mut other = app.login("coordinator@buurtwerk-leuven.demo").await;
    assert_eq!(
        other
            .get(&format!("/solidarity/requests/{amina_req}"))
            .await
            .status,
        404
    );
    let mut vol = app.login("vrijwilliger@buurtwerk-leuven.demo").await;
    assert_eq!(vol.get("/solidarity").await.status, 403);
}

#[tokio::test]
async fn volunteers_pause_and_leave_and_a_public_request_is_taken_on() {
    let app = TestApp::start().await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    let bad = w
        .post(
            "/solidarity/volunteers",
            &[
                ("name", "Kris"),
                ("postcode", "9000"),
                ("radius_km", "5"),
                ("capacity", "1"),
                ("languages", "nl"),
                ("skills", "groceries"),
                ("slot", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "the insurance note must be read");
    assert!(
        bad.body
            .contains("Lees eerst de uitleg over de verzekering")
            && bad.body.contains("value=\"Kris\"")
    );
    let ok = w
        .post(
            "/solidarity/volunteers",
            &[
                ("name", "Kris"),
                ("postcode", "9000"),
                ("radius_km", "5"),
                ("capacity", "1"),
                ("languages", "nl"),
                ("skills", "groceries"),
                ("slot", "1"),
                ("insurance_noted", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let (kris,): (i64,) = sqlx::query_as("SELECT id FROM volunteers WHERE name = 'Kris'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    w.post(
        &format!("/solidarity/volunteers/{kris}/status"),
        &[("status", "paused")],
    )
    .await;
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM volunteers WHERE id = {kris} AND status = 'paused'")
        )
        .await,
        1
    );
    w.post(
        &format!("/solidarity/volunteers/{kris}/status"),
        &[("status", "left")],
    )
    .await;
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM volunteers WHERE id = {kris} AND name = '' AND status = 'left'")).await, 1);

    let (public,): (i64,) =
        sqlx::query_as("SELECT id FROM public_help_requests WHERE name = 'Mehmet'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let take = w
        .post(&format!("/solidarity/public/{public}/take"), &[])
        .await;
    assert_eq!(take.status, 303);
    let form = w.get(take.location.as_deref().unwrap()).await;
    assert!(
        form.body.contains("value=\"9000\"") && form.body.contains("Mehmet"),
        "the form opens with the answers"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM clients WHERE name = 'Mehmet'").await,
        1
    );
}

#[tokio::test]
async fn public_forms_in_five_languages_with_a_spam_guard_and_nothing_stored_when_abandoned() {
    let app = TestApp::start().await;
    let mut c = app.client();
    let ar = c.get("/hulp?lang=ar").await;
    assert_eq!(ar.status, 200);
    assert!(
        ar.body.contains("dir=\"rtl\"")
            && ar.body.contains("lang=\"ar\"")
            && ar.body.contains("طلب المساعدة")
    );
    let tr = c.get("/hulp/vrijwilliger?lang=tr").await;
    assert!(tr.body.contains("Gönüllü olun") && tr.body.contains("dir=\"ltr\""));
    assert!(!tr.body.contains("<script"), "no JavaScript needed");
    let (org,): (i64,) = sqlx::query_as("SELECT id FROM organisations WHERE name = 'OCMW Gent'")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let org = org.to_string();
    let before = count(&app, "SELECT COUNT(*) FROM public_help_requests").await;
    let good = |stamp: String| {
        vec![
            ("lang".to_owned(), "tr".to_owned()),
            ("stamp".to_owned(), stamp),
            ("name".to_owned(), "Zeynep".to_owned()),
            ("phone".to_owned(), "0470 12 34 56".to_owned()),
            ("postcode".to_owned(), "9000".to_owned()),
            ("kind".to_owned(), "company".to_owned()),
            ("languages".to_owned(), "tr".to_owned()),
            ("slot".to_owned(), "3".to_owned()),
            ("org".to_owned(), org.clone()),
        ]
    };
    // Sent at once (the stamp of the page just shown): refused as too fast, answers kept.
    let fresh = hidden(&tr.body, "stamp");
    let fast = post(&mut c, good(fresh)).await;
    assert_eq!(fast.status, 422);
    assert!(fast.body.contains("Bu çok hızlı oldu") && fast.body.contains("value=\"Zeynep\""));
    // A forged stamp is refused too.
    let forged = post(&mut c, good("1.abc".into())).await;
    assert_eq!(forged.status, 422);
    // The honeypot: thanked, nothing stored.
    let mut bot = good(sterk_web::solidarity::public::stamp_at(
        sterk_store::now_ms() - 10_000,
    ));
    bot.push(("website".into(), "http://spam.example".into()));
    let b = post(&mut c, bot).await;
    assert_eq!(b.status, 303);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM public_help_requests").await,
        before
    );
    // A bad field is named, in Turkish.
    let mut missing = good(sterk_web::solidarity::public::stamp_at(
        sterk_store::now_ms() - 10_000,
    ));
    missing.retain(|(k, _)| k != "languages");
    let m = post(&mut c, missing).await;
    assert_eq!(m.status, 422);
    assert!(m.body.contains("En az bir dil seçin."));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM public_help_requests").await,
        before
    );
    // A person who took their time: stored, thanked in their language.
    let ok = post(
        &mut c,
        good(sterk_web::solidarity::public::stamp_at(
            sterk_store::now_ms() - 10_000,
        )),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/hulp/bedankt?lang=tr"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM public_help_requests").await,
        before + 1
    );
    let thanks = c.get("/hulp/bedankt?lang=tr").await;
    assert!(thanks.body.contains("Teşekkürler"));
}

async fn post(c: &mut crate::common::Client, fields: Vec<(String, String)>) -> crate::common::Page {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    c.post("/hulp", &refs).await
}

#[tokio::test]
async fn the_fund_page_records_gifts_and_aid_and_names_bad_amounts() {
    let app = TestApp::start().await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    assert_eq!(w.get("/solidarity/fund").await.status, 200);
    let bad = w
        .post(
            "/solidarity/fund",
            &[
                ("kind", "gift"),
                ("amount", "twaalf"),
                ("on_date", "2026-03-01"),
                ("donor", "Parochie"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Vul een bedrag in") && bad.body.contains("value=\"Parochie\""));
    let ok = w
        .post(
            "/solidarity/fund",
            &[
                ("kind", "gift"),
                ("amount", "250,00"),
                ("on_date", "2026-03-01"),
                ("donor", "Parochie"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    let (req,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM help_requests")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let too_much = w
        .post(
            "/solidarity/fund",
            &[
                ("kind", "aid"),
                ("request", &req.to_string()),
                ("aid_kind", "food"),
                ("amount", "100000"),
                ("on_date", "2026-03-02"),
            ],
        )
        .await;
    assert_eq!(too_much.status, 422);
    assert!(too_much.body.contains("niet genoeg geld"));
    let aid = w
        .post(
            "/solidarity/fund",
            &[
                ("kind", "aid"),
                ("request", &req.to_string()),
                ("aid_kind", "food"),
                ("amount", "40"),
                ("on_date", "2026-03-02"),
            ],
        )
        .await;
    assert_eq!(aid.status, 303);
    let page = w.get("/solidarity/fund").await;
    assert!(
        page.body.contains("€ 750,00") && page.body.contains("2026-03"),
        "balance and month"
    );
}

#[tokio::test]
async fn a_call_round_for_people_who_do_not_ask_ends_in_a_help_request() {
    let app = TestApp::start().await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    let worker = count(
        &app,
        "SELECT id FROM accounts WHERE email = 'werker@ocmw-gent.demo'",
    )
    .await
    .to_string();
    // A round over the clients aged 80 or more who live alone (the call rounds of the rights module).
    let made = w
        .post(
            "/callrounds",
            &[
                ("name", "80+ alleen"),
                ("min_age", "80"),
                ("lives_alone", "1"),
                ("include_unknown", "1"),
                ("priority", "money"),
                ("retry_days", "3"),
                ("workers", &worker),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let round = made.location.unwrap();
    let entry = count(
        &app,
        "SELECT e.id FROM call_entries e JOIN clients c ON c.id = e.client_id WHERE c.name = 'Mevrouw X.'",
    )
    .await;
    let out = w
        .post(
            &format!("{round}/entries/{entry}"),
            &[
                ("outcome", "needs_help"),
                ("need", "Boodschappen elke week"),
            ],
        )
        .await;
    assert_eq!(out.status, 303, "{}", out.body);
    // The candidate shows on the solidarity page; one form turns it into a help request.
    let home = w.get("/solidarity").await;
    assert!(home.body.contains("Boodschappen elke week"));
    let cand = count(
        &app,
        "SELECT id FROM help_request_candidates WHERE need = 'Boodschappen elke week'",
    )
    .await;
    let client = count(&app, "SELECT id FROM clients WHERE name = 'Mevrouw X.'").await;
    let link = format!("/solidarity/requests/new?client={client}&amp;candidate={cand}");
    assert!(home.body.contains(&link), "{link}");
    let form = w.get(&link.replace("&amp;", "&")).await;
    assert!(
        form.body
            .contains(&format!("name=\"candidate\" value=\"{cand}\""))
    );
    let done = w
        .post(
            "/solidarity/requests",
            &[
                ("client", &client.to_string()),
                ("candidate", &cand.to_string()),
                ("kind", "groceries"),
                ("frequency", "regular"),
                ("urgency", "soon"),
                ("postcode", "9000"),
                ("languages", "nl"),
                ("slot", "2"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM help_request_candidates WHERE id = {cand} AND status = 'converted'")).await, 1);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM help_requests WHERE candidate_id = {cand} AND source = 'call_round'")).await, 1);
    assert!(
        !w.get("/solidarity").await.body.contains(&link),
        "the candidate is gone from the list"
    );
}

#[tokio::test]
async fn a_volunteer_answers_through_their_link_and_sees_the_address_only_after_accepting() {
    let app = TestApp::start_postgres("websolanswer").await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("UPDATE clients SET address = 'Kerkstraat 5, 9000 Gent' WHERE name = 'Familie K.'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let req = count(&app, "SELECT h.id FROM help_requests h JOIN clients c ON c.id = h.client_id WHERE c.name = 'Familie K.'").await;
    let ayse = count(&app, "SELECT id FROM volunteers WHERE name = 'Ayşe Y.'").await;
    let p = w
        .post(
            &format!("/solidarity/requests/{req}/propose"),
            &[("volunteer", &ayse.to_string()), ("score", "1")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let matches = w.get("/solidarity/matches").await;
    let start = matches.body.find("/hulp/koppeling/").unwrap();
    let link = matches.body[start..start + 16 + 32].to_owned();
    // The volunteer, without an account, in Turkish: the task, not the address.
    let mut v = app.client();
    let page = v.get(&format!("{link}?lang=tr")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Sizin için bir yardım isteği") && !page.body.contains("Kerkstraat")
    );
    assert!(
        !page.body.contains("Familie K."),
        "never the person's name before accepting"
    );
    let ok = v.post(&link, &[("answer", "accept"), ("lang", "tr")]).await;
    assert_eq!(ok.status, 303);
    let after = v.get(ok.location.as_deref().unwrap()).await;
    assert!(after.body.contains("Kerkstraat 5, 9000 Gent") && after.body.contains("Kabul ettiniz"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'client.share_with_volunteer'"
        )
        .await,
        1
    );
    // Answering twice changes nothing; a wrong link is not found.
    let again = v
        .post(&link, &[("answer", "decline"), ("lang", "tr")])
        .await;
    assert_eq!(again.status, 303);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM matches WHERE request_id = {req} AND status = 'confirmed'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        v.get("/hulp/koppeling/00000000000000000000000000000000")
            .await
            .status,
        404
    );
    assert_eq!(v.get("/hulp/koppeling/kort").await.status, 404);
}

#[tokio::test]
async fn a_volunteer_can_help_in_a_list_of_municipalities_instead_of_a_radius() {
    let app = TestApp::start().await;
    let mut w = app.login("werker@ocmw-gent.demo").await;
    let base = [
        ("name", "Lies"),
        ("postcode", "9000"),
        ("radius_km", "5"),
        ("capacity", "2"),
        ("languages", "nl"),
        ("skills", "meals"),
        ("slot", "1"),
        ("insurance_noted", "1"),
    ];
    let mut bad = base.to_vec();
    bad.push(("areas", "9000, 12"));
    let page = w.post("/solidarity/volunteers", &bad).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("value=\"9000, 12\""));
    let mut ok = base.to_vec();
    ok.push(("areas", "9000, 2000"));
    assert_eq!(w.post("/solidarity/volunteers", &ok).await.status, 303);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM volunteers WHERE name = 'Lies' AND municipalities = '44021,11002' AND radius_km IS NULL").await,
        1
    );
}

#[tokio::test]
async fn a_volunteer_with_an_account_signs_up_answers_pauses_and_leaves() {
    let app = TestApp::start_postgres("websolown").await;
    // The demo volunteer account joins OCMW Gent, where the demo requests are.
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("UPDATE accounts SET org_id = (SELECT org_id FROM accounts WHERE email = 'werker@ocmw-gent.demo') WHERE email = 'vrijwilliger@buurtwerk-leuven.demo'")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE clients SET address = 'Kerkstraat 5, 9000 Gent' WHERE name = 'Familie K.'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut v = app.login("vrijwilliger@buurtwerk-leuven.demo").await;
    let home = v.get("/").await;
    assert!(home.body.contains("href=\"/vrijwilliger\""), "a nav link");
    let form = v.get("/vrijwilliger").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Aanmelden als vrijwilliger"));

    // Bad input: named per field, nothing stored.
    let before = count(&app, "SELECT COUNT(*) FROM volunteers").await;
    let bad = v
        .post("/vrijwilliger", &[("name", "Veerle"), ("postcode", "90")])
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Een postcode heeft vier cijfers") && bad.body.contains("Veerle"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM volunteers").await, before);

    let ok = v
        .post(
            "/vrijwilliger",
            &[
                ("name", "Veerle V."),
                ("postcode", "9000"),
                ("radius_km", "5"),
                ("languages", "nl"),
                ("skills", "groceries"),
                ("skills", "company"),
                ("slot", "0"),
                ("slot", "1"),
                ("slot", "2"),
                ("capacity", "2"),
                ("insurance_noted", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let me = count(&app, "SELECT id FROM volunteers WHERE name = 'Veerle V.' AND account_id IS NOT NULL AND source = 'account'").await;
    // Signing up twice makes no second profile.
    let twice = v
        .post(
            "/vrijwilliger",
            &[
                ("name", "Veerle V."),
                ("postcode", "9000"),
                ("radius_km", "5"),
                ("languages", "nl"),
                ("skills", "groceries"),
                ("slot", "0"),
                ("capacity", "1"),
                ("insurance_noted", "1"),
            ],
        )
        .await;
    assert_eq!(twice.status, 303);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM volunteers WHERE name = 'Veerle V.'"
        )
        .await,
        1
    );

    // A worker proposes her for Familie K.'s request.
    let mut w = app.login("werker@ocmw-gent.demo").await;
    let req = count(&app, "SELECT h.id FROM help_requests h JOIN clients c ON c.id = h.client_id WHERE c.name = 'Familie K.'").await;
    let p = w
        .post(
            &format!("/solidarity/requests/{req}/propose"),
            &[("volunteer", &me.to_string()), ("score", "1")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let m = count(
        &app,
        &format!("SELECT id FROM matches WHERE volunteer_id = {me} AND status = 'proposed'"),
    )
    .await;

    // She sees the task, not the person nor the address, and accepts.
    let page = v.get("/vrijwilliger").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Vragen voor jou")
            && page
                .body
                .contains(&format!("/vrijwilliger/koppelingen/{m}"))
    );
    assert!(!page.body.contains("Familie K.") && !page.body.contains("Kerkstraat"));
    // Another volunteer's match is not hers.
    let other = count(
        &app,
        &format!("SELECT COALESCE(MAX(id), 0) FROM matches WHERE volunteer_id <> {me}"),
    )
    .await;
    if other > 0 {
        assert_eq!(
            v.post(
                &format!("/vrijwilliger/koppelingen/{other}"),
                &[("answer", "accept")]
            )
            .await
            .status,
            404
        );
    }
    let acc = v
        .post(
            &format!("/vrijwilliger/koppelingen/{m}"),
            &[("answer", "accept")],
        )
        .await;
    assert_eq!(acc.status, 303);
    let after = v.get("/vrijwilliger").await;
    assert!(
        after.body.contains("Kerkstraat 5, 9000 Gent"),
        "the address after accepting"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM matches WHERE id = {m} AND status = 'confirmed'")
        )
        .await,
        1
    );
    assert!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'client.share_with_volunteer' AND account_id IS NOT NULL").await >= 1,
        "showing the address is audited in her name"
    );

    // Pause, resume; leaving needs the confirmation, then her data is gone.
    assert_eq!(
        v.post("/vrijwilliger/status", &[("status", "paused")])
            .await
            .status,
        303
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM volunteers WHERE id = {me} AND status = 'paused'")
        )
        .await,
        1
    );
    assert_eq!(
        v.post("/vrijwilliger/status", &[("status", "active")])
            .await
            .status,
        303
    );
    let unsure = v.post("/vrijwilliger/status", &[("status", "left")]).await;
    assert_eq!(unsure.status, 422);
    assert!(unsure.body.contains("Vink eerst aan"));
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM volunteers WHERE id = {me} AND status = 'active'")
        )
        .await,
        1
    );
    let gone = v
        .post(
            "/vrijwilliger/status",
            &[("status", "left"), ("confirm", "1")],
        )
        .await;
    assert_eq!(gone.status, 303);
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM volunteers WHERE id = {me} AND status = 'left' AND name = '' AND account_id IS NULL")).await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM matches WHERE id = {m} AND status = 'stopped'")
        )
        .await,
        1
    );
    let again = v.get("/vrijwilliger").await;
    assert!(
        again.body.contains("Aanmelden als vrijwilliger"),
        "she may sign up again"
    );
    // Nobody else has these pages.
    assert_eq!(w.get("/vrijwilliger").await.status, 403);
}
