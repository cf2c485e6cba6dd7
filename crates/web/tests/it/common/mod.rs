//! Test harness: a real server on a free loopback port with a fresh database.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use sterk_store::{Db, demo, testing};

/// A running app.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// Starts the app on SQLite with the demo data.
    pub async fn start() -> TestApp {
        let (url, dir) = testing::sqlite_url();
        Self::start_with(&url, Some(dir)).await
    }

    /// Starts the app on PostgreSQL when configured (else SQLite), with the demo data.
    pub async fn start_postgres(label: &str) -> TestApp {
        match testing::postgres_url(label).await {
            Some(url) => Self::start_with(&url, None).await,
            None => Self::start().await,
        }
    }

    async fn start_with(url: &str, dir: Option<tempfile::TempDir>) -> TestApp {
        let db = Db::open(url).await.unwrap();
        demo::load(&db).await.unwrap();
        let state =
            sterk_web::AppState::new(db.clone(), sterk_web::WebConfig::default(), None).unwrap();
        let app = sterk_web::app(state);
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
        TestApp {
            addr,
            db,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client without a session.
    pub fn client(&self) -> Client {
        Client {
            app_url: format!("http://{}", self.addr),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
            flash: None,
            csrf: None,
            lang: None,
        }
    }

    /// A client signed in as `email` (password of the demo set).
    pub async fn login(&self, email: &str) -> Client {
        let mut c = self.client();
        c.sign_in(email, demo::DEMO_PASSWORD).await;
        c
    }
}

/// Keeps the session cookie by hand: the cookie is `Secure`, and reqwest's cookie store
/// would not send it over http, while browsers do on loopback.
pub struct Client {
    pub app_url: String,
    pub http: reqwest::Client,
    pub cookie: Option<String>,
    /// The one-time message cookie (`sterk_flash`), as a browser keeps it.
    pub flash: Option<String>,
    pub csrf: Option<String>,
    pub lang: Option<String>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Client {
    fn remember(&mut self, res: &reqwest::Response) {
        for v in res.headers().get_all(reqwest::header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix("sterk_session=") {
                let value = rest.split(';').next().unwrap().to_owned();
                self.cookie = if value.is_empty() { None } else { Some(value) };
            }
            if let Some(rest) = v.strip_prefix("sterk_flash=") {
                let value = rest.split(';').next().unwrap().to_owned();
                self.flash = if value.is_empty() || v.contains("Max-Age=0") {
                    None
                } else {
                    Some(value)
                };
            }
        }
    }

    async fn finish(&mut self, res: reqwest::Response) -> Page {
        self.remember(&res);
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let location = headers
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let body = res.text().await.unwrap();
        if let Some(start) = body.find("name=\"_csrf\" value=\"") {
            let rest = &body[start + 20..];
            self.csrf = Some(rest[..rest.find('"').unwrap()].to_owned());
        }
        Page {
            status,
            location,
            body,
            headers,
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{}", self.app_url, path));
        let mut cookies = Vec::new();
        if let Some(c) = &self.cookie {
            cookies.push(format!("sterk_session={c}"));
        }
        if let Some(f) = &self.flash {
            cookies.push(format!("sterk_flash={f}"));
        }
        if !cookies.is_empty() {
            r = r.header("cookie", cookies.join("; "));
        }
        if let Some(l) = &self.lang {
            r = r.header("accept-language", l.as_str());
        }
        r
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let res = self.req(reqwest::Method::GET, path).send().await.unwrap();
        self.finish(res).await
    }

    /// Posts a form with the session's CSRF token (fetched from `/login` when unknown).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        if self.csrf.is_none() {
            self.get("/login").await;
        }
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &token));
        let res = self
            .req(reqwest::Method::POST, path)
            .form(&all)
            .send()
            .await
            .unwrap();
        self.finish(res).await
    }

    /// Posts a form without any CSRF token.
    pub async fn post_without_csrf(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .req(reqwest::Method::POST, path)
            .form(fields)
            .send()
            .await
            .unwrap();
        self.finish(res).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        self.get("/login").await;
        let page = self
            .post(
                "/login",
                &[("email", email), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(page.status, 303, "login of {email} failed: {}", page.body);
        // The token lives in the session, which survives the id renewal.
        self.get("/").await;
        page
    }
}
