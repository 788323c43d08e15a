//! Portaal: a bilingual backoffice for organisations, with a scoped JSON API.
//!
//! [`app`] builds the actix application used by `main` and by the tests;
//! [`AppState`] holds what every request shares.

pub mod api;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod mailer;
pub mod password;
pub mod seed;
pub mod web;
pub mod webhook_client;

use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web as aw};
use sha2::{Digest, Sha512};

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{DbConn, DbPool};
use crate::error::AppError;
use crate::password::Passwords;

/// What every request shares.
pub struct AppState {
    /// The database pool.
    pub pool: DbPool,
    /// The login and token checks this instance keeps while it hears the
    /// database's change notices (PostgreSQL; see `domain::logins`).
    pub logins: Arc<LoginChecks>,
    /// The threads that run database work (see [`AppState::db`]).
    pub executor: db::Executor,
    /// "Now", for everything that depends on time.
    pub clock: Arc<dyn Clock>,
    /// Argon2, bounded and off the workers.
    pub passwords: Passwords,
    /// The validated settings.
    pub config: Config,
    /// The key that signs and encrypts session cookies.
    pub session_key: Key,
    /// The key that encrypts secrets kept in the database for later use
    /// in plain (webhook signing secrets): made from the same secret as
    /// [`AppState::session_key`], see `domain::secret_box`.
    pub data_key: domain::secret_box::DataKey,
    /// Sends the outbox, when a mail server is configured.
    pub mailer: Option<mailer::Mailer>,
    /// This instance's side of the background jobs (its claims, its bell).
    pub jobs: jobs::Jobs,
    /// The way out to webhook receivers (never inside the network).
    pub webhooks: webhook_client::WebhookClient,
}

/// What an instance keeps of login and token checks.
pub type LoginChecks =
    domain::logins::Logins<domain::sessions::KeptLogin, domain::oauth::KeptToken>;

/// The secret the session key and the data key are made from: the
/// configured one, or the one kept in the database (made on first start).
fn key_secret(
    config: &Config,
    pool: &DbPool,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<String> {
    Ok(match &config.session_key {
        Some(k) => k.clone(),
        None => {
            let mut conn = pool.get()?;
            db::settings::get_or_insert(&mut conn, "session_key", now, || {
                format!("{}{}", crypto::random_token(), crypto::random_token())
            })?
        }
    })
}

/// The data key of this installation (as [`AppState::data_key`]), for the
/// command line's work without an app state (the demo data).
pub fn data_key_of(
    config: &Config,
    pool: &DbPool,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<domain::secret_box::DataKey> {
    Ok(domain::secret_box::DataKey::derive(&key_secret(
        config, pool, now,
    )?))
}

impl AppState {
    /// Open the database (migrating it), settle the session key (and the
    /// data key made from the same secret), prepare the password service.
    pub fn new(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        domain::cache::configure(config.cache_bytes);
        let pool = db::open(&config.database, config.pool_size)?;
        let secret = key_secret(&config, &pool, clock.now())?;
        let mailer = match &config.smtp_url {
            Some(url) => {
                Some(mailer::Mailer::new(url, &config.mail_from).map_err(|e| anyhow::anyhow!(e))?)
            }
            None => None,
        };
        let wake = if config.database.is_postgres() {
            db::Wake::Eager
        } else {
            db::Wake::WhenBehind
        };
        let logins = Arc::new(LoginChecks::new());
        let listening = config.database.is_postgres();
        let executor = db::Executor::start(
            pool.clone(),
            config.database.clone(),
            config.pool_size as usize,
            wake,
            listening.then(|| logins.fence()),
        )?;
        if let db::DatabaseUrl::Postgres(url) = &config.database {
            let sink: Arc<dyn db::notices::Sink> = logins.clone();
            db::notices::listen(url.clone(), Arc::downgrade(&sink), logins.fence())?;
        }
        Ok(Self {
            logins,
            jobs: jobs::Jobs::new(),
            webhooks: webhook_client::WebhookClient::new(config.webhook_allow_networks.clone()),
            mailer,
            executor,
            pool,
            clock,
            passwords: Passwords::new(Passwords::default_parallelism())?,
            session_key: Key::from(&Sha512::digest(secret.as_bytes())),
            data_key: domain::secret_box::DataKey::derive(&secret),
            config,
        })
    }

    /// What a password or secret check needs, as of now.
    pub fn checks(&self) -> domain::auth::Checks<'_> {
        domain::auth::Checks {
            db: &self.executor,
            passwords: &self.passwords,
            now: self.clock.now(),
            ip_limit: self.config.login_ip_limit,
        }
    }

    /// Run `f` with a pooled connection on a database thread.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        self.executor.run(f).await
    }
}

/// The session cookie's name: `__Host-` (Secure, whole site, this host
/// only) when served over https.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portaal_session"
    } else {
        "portaal_session"
    }
}

/// The whole application: routes, sessions, CSRF, security headers, error
/// pages and request logging.
pub fn app(
    state: aw::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    // The cookie is encrypted and signed; it holds the login token (checked
    // against the database on every request, see `domain::sessions`) and the
    // organisation being worked in.
    let sessions =
        SessionMiddleware::builder(CookieSessionStore::default(), state.session_key.clone())
            .cookie_name(session_cookie_name(state.config.secure_cookies).to_string())
            .cookie_secure(state.config.secure_cookies)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_content_security(CookieContentSecurity::Private)
            .session_lifecycle(BrowserSession::default())
            .build();
    App::new()
        .app_data(state)
        .app_data(
            aw::FormConfig::default()
                .limit(64 * 1024)
                .error_handler(|e, _| AppError::BadRequest(e.to_string()).into()),
        )
        .configure(api::routes)
        .configure(web::routes)
        .default_service(aw::to(web::errors::not_found))
        .wrap(from_fn(web::flash::clear_shown))
        .wrap(from_fn(web::csrf::protect))
        .wrap(from_fn(|req, next| {
            http::errors::fill_bodies(req, next, error_body)
        }))
        .wrap(sessions)
        .wrap(from_fn(http::security::https_only))
        .wrap(http::security::security_headers())
        .wrap(from_fn(http::in_turn::in_turn))
        .wrap(from_fn(http::access_log::log))
}

/// How an error looks, chosen here where the two doors meet: JSON for the
/// API and OAuth, a page (or an htmx fragment) for the backoffice.
fn error_body(
    req: &actix_web::HttpRequest,
    status: actix_web::http::StatusCode,
    err: Option<&AppError>,
) -> futures_util::future::LocalBoxFuture<'static, actix_web::HttpResponse> {
    let path = req.path();
    if path.starts_with("/api") || path.starts_with("/oauth") {
        let res = api::error_response(
            status,
            err,
            http::request::request_lang(req).unwrap_or_default(),
        );
        Box::pin(std::future::ready(res))
    } else {
        web::errors::page(req, status, err)
    }
}
