#![allow(dead_code)]
//! The test harness: a fresh database per test (a temporary SQLite file, or a
//! fresh PostgreSQL database when `PORTAAL_TEST_DATABASE_URL` is set), the
//! real application on a real port, and clients with a cookie jar.

pub mod api;
pub mod browser;

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Arc;

use actix_web::web;
use awc::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use portaal::clock::ManualClock;
use portaal::config::{Config, RawConfig};
use portaal::{AppState, domain};

/// A database that exists for one test.
pub enum TestDb {
    Sqlite(#[allow(dead_code)] tempfile::TempDir, String),
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDb {
    pub fn new() -> Self {
        match std::env::var("PORTAAL_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let admin_url = without_tls(&admin_url);
                let name = format!(
                    "portaal_t_{}",
                    portaal::crypto::random_token()[..16].to_owned()
                );
                let mut admin = PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("cannot reach PORTAAL_TEST_DATABASE_URL: {e}"));
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b);
                let url = without_tls(&format!("{base}/{name}"));
                TestDb::Postgres {
                    admin_url,
                    name,
                    url,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("test.db").to_string_lossy().into_owned();
                TestDb::Sqlite(dir, path)
            }
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(_, path) => path.clone(),
            TestDb::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }
}

/// `url` with `sslmode=disable` unless it names a mode. The tests do not
/// test TLS, and a test app's connections may still be closing when the
/// test binary exits, while OpenSSL's exit handler tears down its state
/// (seen once: a segfault in libcrypto after every test had passed).
fn without_tls(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    if query.split('&').any(|p| p.starts_with("sslmode=")) {
        url.to_owned()
    } else if query.is_empty() {
        format!("{base}?sslmode=disable")
    } else {
        format!("{url}&sslmode=disable")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A running Portaal with its own database and a clock the test controls.
pub struct TestApp {
    pub addr: String,
    pub state: web::Data<AppState>,
    pub clock: Arc<ManualClock>,
    pub db: TestDb,
    handle: actix_web::dev::ServerHandle,
}

pub const ADMIN: &str = domain::demo::ADMIN_EMAIL;
pub const STAFF: &str = domain::demo::STAFF_EMAIL;
pub const PASSWORD: &str = domain::demo::PASSWORD;
pub const OPERATOR: &str = domain::demo::OPERATOR_EMAIL;

impl TestApp {
    /// An empty installation (no users: setup is open).
    pub async fn empty() -> Self {
        Self::start(false, RawConfig::default()).await
    }

    /// With the demo organisations and users.
    pub async fn demo() -> Self {
        Self::start(true, RawConfig::default()).await
    }

    /// With the demo data and some settings of the test's choosing.
    pub async fn demo_with(settings: RawConfig) -> Self {
        Self::start(true, settings).await
    }

    async fn start(demo: bool, settings: RawConfig) -> Self {
        let db = TestDb::new();
        let config = Config::from_raw(RawConfig {
            database_url: Some(db.url()),
            pool_size: Some("4".into()),
            ..settings
        })
        .expect("test config");
        let clock = Arc::new(ManualClock::new(test_start_time()));
        let state = {
            let clock = clock.clone();
            web::block(move || AppState::new(config, clock))
                .await
                .unwrap()
                .expect("app state")
        };
        if demo {
            let pool = state.pool.clone();
            let now = clock_now(&clock);
            let public_url = state.config.public_url.clone();
            let key = state.data_key.clone();
            web::block(move || {
                let mut conn = pool.get().unwrap();
                domain::demo::ensure(
                    &mut conn,
                    now,
                    &public_url,
                    &key,
                    portaal::password::hash_blocking,
                )
                .unwrap()
            })
            .await
            .unwrap();
        }
        let state = web::Data::new(state);
        let (addr, handle) = serve(&state);
        TestApp {
            addr,
            state,
            clock,
            db,
            handle,
        }
    }

    /// Another instance of Portaal on this test's database (same settings,
    /// same clock), as a second server behind a load balancer would be; it
    /// serves no HTTP, its jobs are run by the test.
    pub async fn second_instance(&self) -> web::Data<AppState> {
        let (config, clock) = (self.state.config.clone(), self.clock.clone());
        web::Data::new(
            web::block(move || AppState::new(config, clock))
                .await
                .unwrap()
                .expect("second instance"),
        )
    }

    /// Another instance of Portaal on this test's database that serves
    /// HTTP too: its address and state (its server stops with the test's
    /// runtime).
    pub async fn second_server(&self) -> (String, web::Data<AppState>) {
        let state = self.second_instance().await;
        let (addr, _) = serve(&state);
        (addr, state)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    /// A browser-like client with an empty cookie jar.
    pub fn client(&self) -> Client {
        Client {
            base: self.addr.clone(),
            http: awc::Client::builder()
                .disable_redirects()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
            jar: HashMap::new(),
            headers: vec![],
        }
    }

    /// A browser-like client whose connections come from `ip` (another
    /// loopback address, such as `127.0.0.2`): another machine, as the
    /// server sees it.
    pub fn client_from(&self, ip: &str) -> Client {
        Client {
            http: awc::Client::builder()
                .disable_redirects()
                .timeout(std::time::Duration::from_secs(30))
                .local_address(ip.parse().expect("an IP address"))
                .finish(),
            ..self.client()
        }
    }

    /// A client logged in as `email` (with the demo password).
    pub async fn login(&self, email: &str) -> Client {
        let mut c = self.client();
        let res = c.login(email, PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login of {email}: {}",
            res.body
        );
        c
    }

    /// The admin of a second organisation, Ander BV (`baas@ander.test`),
    /// created now and logged in.
    pub async fn other_admin(&self) -> Client {
        let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
        let now = chrono::Utc::now().naive_utc();
        self.db(move |c| {
            domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30).unwrap()
        })
        .await;
        self.login("baas@ander.test").await
    }

    /// Run a closure on a database connection.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut portaal::db::DbConn) -> T + Send + 'static,
    ) -> T {
        let pool = self.state.pool.clone();
        // What the test writes here, this instance wrote: its next request
        // must not use a login check kept from before (see db::notices).
        let fence = self.state.logins.fence();
        web::block(move || {
            let mut conn = pool.get().unwrap();
            let out = f(&mut conn);
            fence.raise();
            out
        })
        .await
        .unwrap()
    }

    /// Count rows of a query result.
    pub async fn count(&self, sql: impl Into<String>) -> i64 {
        use diesel::RunQueryDsl;
        let sql = sql.into();
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        self.db(move |c| diesel::sql_query(&sql).get_result::<N>(c).unwrap().n)
            .await
    }

    /// Remove the demo's webhook endpoint and its log, for tests that count
    /// every endpoint, message or attempt.
    pub async fn without_demo_webhooks(&self) {
        use diesel::RunQueryDsl;
        self.db(|c| {
            for table in [
                "webhook_outbox",
                "webhook_attempts",
                "webhook_messages",
                "webhook_endpoints",
            ] {
                diesel::sql_query(format!("DELETE FROM {table}"))
                    .execute(c)
                    .unwrap();
            }
        })
        .await
    }
}

/// Serve `state` on a free port of this machine: its address and the
/// server's handle.
fn serve(state: &web::Data<AppState>) -> (String, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let server = {
        let state = state.clone();
        actix_web::HttpServer::new(move || portaal::app(state.clone()))
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run()
    };
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

/// The time a test app's clock starts at: now, or `PORTAAL_TEST_NOW`
/// (`2026-12-02T23:30:00`, UTC) to run the suite at an hour of one's
/// choosing, such as late evening when UTC and the organisation's day differ.
fn test_start_time() -> chrono::NaiveDateTime {
    match std::env::var("PORTAAL_TEST_NOW") {
        Ok(v) if !v.is_empty() => v
            .parse()
            .unwrap_or_else(|e| panic!("PORTAAL_TEST_NOW={v}: {e}")),
        _ => chrono::Utc::now().naive_utc(),
    }
}

fn clock_now(clock: &ManualClock) -> chrono::NaiveDateTime {
    use portaal::clock::Clock;
    clock.now()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

/// A response, read whole.
pub struct Res {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
    /// The body as it came (a PDF, an image).
    pub bytes: Vec<u8>,
    /// Every raw `Set-Cookie` header of the response, attributes included.
    pub set_cookies: Vec<String>,
}

impl Res {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn location(&self) -> String {
        self.header("location").unwrap_or_default()
    }

    /// The raw `Set-Cookie` header that sets cookie `name`, if any.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}=");
        self.set_cookies
            .iter()
            .find(|c| c.starts_with(&prefix))
            .map(String::as_str)
    }

    /// The value of the first hidden `_csrf` input.
    pub fn csrf(&self) -> Option<String> {
        let at = self.body.find("name=\"_csrf\" value=\"")?;
        let rest = &self.body[at + 20..];
        Some(rest[..rest.find('"')?].to_string())
    }
}

/// A client that keeps cookies like a browser.
pub struct Client {
    base: String,
    http: awc::Client,
    pub jar: HashMap<String, String>,
    pub headers: Vec<(String, String)>,
}

impl Client {
    /// The same browser (its cookies) talking to another server.
    pub fn towards(&self, addr: &str) -> Client {
        Client {
            base: addr.to_string(),
            http: awc::Client::builder()
                .disable_redirects()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
            jar: self.jar.clone(),
            headers: self.headers.clone(),
        }
    }

    fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: awc::ClientRequest, body: Option<String>) -> Res {
        let mut req = req;
        if !self.jar.is_empty() {
            req = req.insert_header(("Cookie", self.cookie_header()));
        }
        for (k, v) in &self.headers {
            req = req.insert_header((k.as_str(), v.as_str()));
        }
        let body = body.map(|b| {
            (
                "application/x-www-form-urlencoded".to_string(),
                b.into_bytes(),
            )
        });
        self.send_raw(req, body).await
    }

    /// Send with a body of any content type; keeps cookies like a browser.
    async fn send_raw(&mut self, req: awc::ClientRequest, body: Option<(String, Vec<u8>)>) -> Res {
        let mut res = match body {
            Some((content_type, b)) => req
                .insert_header(("Content-Type", content_type))
                .send_body(b)
                .await
                .expect("request"),
            None => req.send().await.expect("request"),
        };
        let mut set_cookies = vec![];
        for v in res.headers().get_all("set-cookie") {
            set_cookies.push(v.to_str().unwrap().to_string());
            let Ok(c) = awc::cookie::Cookie::parse(v.to_str().unwrap().to_string()) else {
                continue;
            };
            let expired =
                c.max_age().is_some_and(|a| a.is_zero() || a.is_negative()) || c.value().is_empty();
            if expired {
                self.jar.remove(c.name());
            } else {
                self.jar.insert(c.name().to_string(), c.value().to_string());
            }
        }
        let body = res.body().limit(8 * 1024 * 1024).await.expect("body");
        Res {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body.to_vec(),
            set_cookies,
        }
    }

    pub async fn get(&mut self, path: &str) -> Res {
        let req = self.http.get(format!("{}{}", self.base, path));
        self.send(req, None).await
    }

    /// GET with extra headers.
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Res {
        let mut req = self.http.get(format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        self.send(req, None).await
    }

    /// The CSRF token this browser holds (fetching a page first if needed).
    pub async fn csrf(&mut self) -> String {
        if !self.jar.contains_key("portaal_csrf") {
            // Tokens come with pages only: follow `/login`'s redirect (to
            // `/setup` on an empty installation) like a browser would.
            let res = self.get("/login").await;
            if !self.jar.contains_key("portaal_csrf") && res.status.is_redirection() {
                let to = res.location();
                self.get(&to).await;
            }
        }
        self.jar.get("portaal_csrf").cloned().unwrap_or_default()
    }

    /// POST a form with the CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &token));
        self.post_raw(path, &all).await
    }

    /// POST a form exactly as given (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = self.http.post(format!("{}{}", self.base, path));
        self.send(req, Some(body)).await
    }

    /// POST with extra headers.
    pub async fn post_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Res {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut req = self.http.post(format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        self.send(req, Some(body)).await
    }

    /// POST one file as `multipart/form-data` (field `file`), with the CSRF
    /// token in the query string as the upload forms send it.
    pub async fn upload(
        &mut self,
        path: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Res {
        let token = self.csrf().await;
        self.upload_with_token(path, &token, filename, content_type, bytes)
            .await
    }

    /// [`Client::upload`] with this CSRF token as the form's first part.
    pub async fn upload_with_token(
        &mut self,
        path: &str,
        token: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Res {
        let boundary = "----portaal-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self.http.post(format!("{}{}", self.base, path));
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let mut req = req;
        if !self.jar.is_empty() {
            req = req.insert_header(("Cookie", self.cookie_header()));
        }
        self.send_raw(req, Some((content_type, body))).await
    }

    /// Accept the invitation at `path` by creating an account named `name`
    /// (with a good password).
    pub async fn accept_invitation(&mut self, path: &str, name: &str) -> Res {
        self.post(
            path,
            &[
                ("name", name),
                ("password", "een-lang-wachtwoord"),
                ("password_confirm", "een-lang-wachtwoord"),
            ],
        )
        .await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Res {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }
}

/// The membership of `email` in `org`.
pub async fn membership(app: &TestApp, email: &'static str, org: &str) -> String {
    use diesel::prelude::*;
    use portaal::db::schema::{memberships, users};
    let org = org.to_string();
    app.db(move |c| {
        memberships::table
            .inner_join(users::table)
            .filter(users::email.eq(email))
            .filter(memberships::organization_id.eq(org))
            .select(memberships::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// The id of the user with this e-mail.
pub async fn user_id(app: &TestApp, email: &'static str) -> String {
    use diesel::prelude::*;
    use portaal::db::schema::users;
    app.db(move |c| {
        users::table
            .filter(users::email.eq(email))
            .select(users::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// The local day `days` from today in the organisation's time zone
/// (Europe/Amsterdam), by the test's clock.
pub fn local_day(app: &TestApp, days: i64) -> chrono::NaiveDate {
    use chrono::TimeZone;
    use portaal::clock::Clock;
    chrono_tz::Europe::Amsterdam
        .from_utc_datetime(&app.clock.now())
        .date_naive()
        + chrono::Duration::days(days)
}

/// The error summary at the top of a page: each entry's link and text.
pub fn error_summary(body: &str) -> Vec<(String, String)> {
    let Some(at) = body.find("class=\"error-summary\"") else {
        return vec![];
    };
    let part = &body[at..at + body[at..].find("</ul>").expect("the summary's list")];
    part.split("<li><a href=\"")
        .skip(1)
        .map(|li| {
            let (href, rest) = li.split_once("\">").expect("a link");
            let text = &rest[..rest.find("</a>").expect("the link's end")];
            (href.to_string(), text.to_string())
        })
        .collect()
}

/// The page's `<title>`.
pub fn title_of(body: &str) -> &str {
    let at = body.find("<title>").expect("a title") + "<title>".len();
    &body[at..at + body[at..].find("</title>").expect("the title's end")]
}
