//! Settings from flags and the environment, validated once at start-up.
//!
//! A bad setting is a [`ConfigError`] with one clear line; `main` prints it and
//! exits with status 2.

use std::net::SocketAddr;

pub use crate::db::DatabaseUrl;

/// A setting that cannot be used, with one line saying why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl ConfigError {
    fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

/// Everything the server needs to know, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the data lives.
    pub database: DatabaseUrl,
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Session signing/encryption key material; `None` means "generate one
    /// and keep it in the database". The key that encrypts stored secrets
    /// (`domain::secret_box`) is made from it too.
    pub session_key: Option<String>,
    /// Served over HTTPS (by default when the public URL is https): cookies
    /// are `Secure` with `__Host-` names, and `Strict-Transport-Security` is sent.
    pub secure_cookies: bool,
    /// Connections in the database pool, and threads that use them.
    pub pool_size: u32,
    /// Failed logins from one address within the throttling window before
    /// that address is throttled.
    pub login_ip_limit: usize,
    /// The address people reach Portaal at (links in mails), no trailing `/`.
    pub public_url: String,
    /// Largest accepted upload (logo, icon), in bytes.
    pub upload_limit: usize,
    /// Where to send mail (`smtp://…` / `smtps://…`); `None`: keep it in the outbox.
    pub smtp_url: Option<String>,
    /// The sender of every mail.
    pub mail_from: String,
    /// How long an API access token lives, in seconds.
    pub token_lifetime_secs: i64,
    /// How long a new organisation's trial lasts, in days.
    pub trial_days: i64,
    /// Does this instance run the background work (`PORTAAL_JOBS`, default
    /// on)? Off: it only serves requests, and another instance on the same
    /// database runs the jobs.
    pub jobs: bool,
    /// Networks webhooks may reach although they are not public
    /// (`PORTAAL_WEBHOOK_ALLOW_NETWORKS`, CIDR list; plain `http` only there).
    pub webhook_allow_networks: Vec<crate::domain::webhook_policy::Network>,
    /// The bound of the cache of pages and values (`PORTAAL_CACHE_MB`), in
    /// bytes.
    pub cache_bytes: u64,
}

/// The raw values as they came from flags or the environment.
#[derive(Debug, Default, Clone)]
pub struct RawConfig {
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub session_key: Option<String>,
    pub secure_cookies: Option<String>,
    pub pool_size: Option<String>,
    pub login_ip_limit: Option<String>,
    pub public_url: Option<String>,
    pub upload_limit: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub token_lifetime: Option<String>,
    pub trial_days: Option<String>,
    pub jobs: Option<String>,
    pub webhook_allow_networks: Option<String>,
    pub cache_mb: Option<String>,
}

impl RawConfig {
    /// Read the `PORTAAL_*` and `DATABASE_URL` variables.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self {
            database_url: var("DATABASE_URL"),
            bind: var("PORTAAL_BIND"),
            session_key: var("PORTAAL_SESSION_KEY"),
            secure_cookies: var("PORTAAL_SECURE_COOKIES"),
            pool_size: var("PORTAAL_DB_POOL_SIZE"),
            login_ip_limit: var("PORTAAL_LOGIN_IP_LIMIT"),
            public_url: var("PORTAAL_PUBLIC_URL"),
            upload_limit: var("PORTAAL_UPLOAD_LIMIT"),
            smtp_url: var("PORTAAL_SMTP_URL"),
            mail_from: var("PORTAAL_MAIL_FROM"),
            token_lifetime: var("PORTAAL_TOKEN_LIFETIME"),
            trial_days: var("PORTAAL_TRIAL_DAYS"),
            jobs: var("PORTAAL_JOBS"),
            webhook_allow_networks: var("PORTAAL_WEBHOOK_ALLOW_NETWORKS"),
            cache_mb: var("PORTAAL_CACHE_MB"),
        }
    }
}

impl Config {
    /// Validate raw settings; the first bad one is reported.
    pub fn from_raw(raw: RawConfig) -> Result<Self, ConfigError> {
        let database = DatabaseUrl::parse(raw.database_url.as_deref().unwrap_or("portaal.db"))
            .map_err(ConfigError)?;
        let bind_raw = raw.bind.as_deref().unwrap_or("127.0.0.1:8080");
        let bind = bind_raw.parse().map_err(|_| {
            ConfigError::new(format!(
                "PORTAAL_BIND: `{bind_raw}` is not an address like 127.0.0.1:8080"
            ))
        })?;
        if let Some(key) = &raw.session_key
            && key.len() < 32
        {
            return Err(ConfigError::new(
                "PORTAAL_SESSION_KEY: must be at least 32 characters",
            ));
        }
        let pool_size = match &raw.pool_size {
            None => database.default_pool_size(),
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=64).contains(&n) => n,
                _ => {
                    return Err(ConfigError::new(format!(
                        "PORTAAL_DB_POOL_SIZE: `{v}` is not a number from 1 to 64"
                    )));
                }
            },
        };
        let login_ip_limit = match &raw.login_ip_limit {
            None => 30,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n >= 5 => n,
                _ => {
                    return Err(ConfigError::new(format!(
                        "PORTAAL_LOGIN_IP_LIMIT: `{v}` is not a number of at least 5"
                    )));
                }
            },
        };
        let public_url = match &raw.public_url {
            None => format!("http://{bind}"),
            Some(u)
                if (u.starts_with("http://") || u.starts_with("https://"))
                    && !u.contains(char::is_whitespace) =>
            {
                u.trim_end_matches('/').to_string()
            }
            Some(u) => {
                return Err(ConfigError::new(format!(
                    "PORTAAL_PUBLIC_URL: `{u}` is not an http:// or https:// address"
                )));
            }
        };
        let secure_cookies = match raw.secure_cookies.as_deref().map(str::to_ascii_lowercase) {
            // Served over https: cookies are Secure unless told otherwise.
            None => public_url.starts_with("https://"),
            Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => false,
            Some(v) => {
                return Err(ConfigError::new(format!(
                    "PORTAAL_SECURE_COOKIES: `{v}` is not true or false"
                )));
            }
        };
        let upload_limit = match &raw.upload_limit {
            None => 1024 * 1024,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1024..=64 * 1024 * 1024).contains(&n) => n,
                _ => {
                    return Err(ConfigError::new(format!(
                        "PORTAAL_UPLOAD_LIMIT: `{v}` is not a number of bytes from 1024 to 67108864"
                    )));
                }
            },
        };
        let token_lifetime_secs = match &raw.token_lifetime {
            None => 3600,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (60..=86_400).contains(&n) => n,
                _ => {
                    return Err(ConfigError::new(format!(
                        "PORTAAL_TOKEN_LIFETIME: `{v}` is not a number of seconds from 60 to 86400"
                    )));
                }
            },
        };
        let trial_days = match &raw.trial_days {
            None => crate::domain::subscriptions::DEFAULT_TRIAL_DAYS,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=365).contains(&n) => n,
                _ => {
                    return Err(ConfigError::new(format!(
                        "PORTAAL_TRIAL_DAYS: `{v}` is not a number of days from 1 to 365"
                    )));
                }
            },
        };
        let jobs = match raw.jobs.as_deref().map(str::trim) {
            None | Some("on" | "1" | "true") => true,
            Some("off" | "0" | "false") => false,
            Some(v) => {
                return Err(ConfigError::new(format!(
                    "PORTAAL_JOBS: `{v}` is not on or off"
                )));
            }
        };
        let mut webhook_allow_networks = Vec::new();
        for part in raw
            .webhook_allow_networks
            .as_deref()
            .unwrap_or("")
            .split([',', ' '])
            .filter(|p| !p.trim().is_empty())
        {
            match crate::domain::webhook_policy::Network::parse(part.trim()) {
                Some(n) => webhook_allow_networks.push(n),
                None => {
                    return Err(ConfigError::new(format!(
                        "PORTAAL_WEBHOOK_ALLOW_NETWORKS: `{part}` is not a network (such as 10.1.0.0/16 or 127.0.0.1)"
                    )));
                }
            }
        }
        let cache_bytes = match raw.cache_mb.as_deref().map(str::trim) {
            None => crate::domain::cache::DEFAULT_BYTES,
            Some(v) => match v.parse::<u64>() {
                Ok(n) if (1..=65_536).contains(&n) => n * 1024 * 1024,
                _ => {
                    return Err(ConfigError::new(format!(
                        "PORTAAL_CACHE_MB: `{v}` is not a number of MiB from 1 to 65536"
                    )));
                }
            },
        };
        let mail_from = raw
            .mail_from
            .clone()
            .unwrap_or_else(|| "Portaal <noreply@localhost>".to_string());
        if let Some(url) = &raw.smtp_url {
            crate::mailer::Mailer::new(url, &mail_from).map_err(ConfigError::new)?;
        } else if raw.mail_from.is_some() {
            crate::mailer::Mailer::new("smtp://localhost", &mail_from).map_err(ConfigError::new)?;
        }
        Ok(Self {
            cache_bytes,
            trial_days,
            jobs,
            webhook_allow_networks,
            token_lifetime_secs,
            smtp_url: raw.smtp_url,
            mail_from,
            upload_limit,
            public_url,
            login_ip_limit,
            database,
            bind,
            session_key: raw.session_key,
            secure_cookies,
            pool_size,
        })
    }
}
