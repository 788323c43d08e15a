//! The one way out to a webhook receiver: an HTTP client (reqwest, rustls)
//! that cannot be pointed inside the network.
//!
//! - Names are resolved by a resolver of our own **inside** the client, at
//!   every connection, and the host is refused when any of its addresses
//!   is internal (`domain::webhook_policy::check_address`): a name that
//!   was public when saved and points at `127.0.0.1` now (DNS rebinding)
//!   gets nowhere.
//! - An IP-literal URL is never resolved, so its address is checked here
//!   before the request.
//! - No redirect is followed (a 3xx answer is a failure), no proxy is
//!   taken from the environment, and a request ends after
//!   [`DEFAULT_TIMEOUT`].
//! - Plain `http` only to addresses in the networks the operator allows
//!   (`PORTAAL_WEBHOOK_ALLOW_NETWORKS`).
//!
//! Tests swap the resolver ([`WebhookClient::use_lookup`]) to make a name
//! resolve where they want.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::domain::webhook_deliveries::{EXCERPT_BYTES, Outcome};
use crate::domain::webhook_policy::{self, Host, Network};
use crate::domain::webhook_signing;
use crate::error::ErrorCode;

/// How long one attempt may take, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// What the `User-Agent` says.
pub const USER_AGENT: &str = concat!("Portaal-Webhooks/", env!("CARGO_PKG_VERSION"));

/// A name's addresses.
pub type Lookup = Arc<
    dyn Fn(String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>
        + Send
        + Sync,
>;

/// How long the check on save waits for the resolver: a form (or an API
/// call) should not hang on a name server that does not answer.
const LOOKUP_ON_SAVE: Duration = Duration::from_secs(2);

/// The system's resolver.
fn system_lookup() -> Lookup {
    Arc::new(|host: String| {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    })
}

/// The resolver inside the client: every address checked.
struct Guarded {
    lookup: Arc<RwLock<Lookup>>,
    allowed: Arc<[Network]>,
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let lookup = self
            .lookup
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let allowed = self.allowed.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let ips = guarded_lookup(&lookup, &allowed, &host).await?;
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// The refusal the resolver gives: its text is what the delivery log shows.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

async fn guarded_lookup(
    lookup: &Lookup,
    allowed: &[Network],
    host: &str,
) -> Result<Vec<IpAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let ips = lookup(host.to_string()).await?;
    if ips.is_empty() {
        return Err(Box::new(Refused(format!("{host} has no address"))));
    }
    for ip in &ips {
        if webhook_policy::check_address(*ip, allowed).is_err() {
            return Err(Box::new(Refused(format!(
                "address refused: {host} resolves to {ip}, an internal or reserved address"
            ))));
        }
    }
    Ok(ips)
}

/// The webhook client of this instance.
#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
    lookup: Arc<RwLock<Lookup>>,
    allowed: Arc<[Network]>,
    timeout_ms: Arc<AtomicU64>,
}

impl WebhookClient {
    /// A client that may reach public addresses and `allowed`.
    pub fn new(allowed: Vec<Network>) -> Self {
        // ring, once per process (a second install is refused: harmless).
        // ring has no post-quantum key exchange (hence the deprecation);
        // it builds without cmake, which keeps CI lean.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let lookup = Arc::new(RwLock::new(system_lookup()));
        let allowed: Arc<[Network]> = allowed.into();
        let http = reqwest::Client::builder()
            .dns_resolver(Guarded {
                lookup: lookup.clone(),
                allowed: allowed.clone(),
            })
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(USER_AGENT)
            .connect_timeout(DEFAULT_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(16)
            .build()
            .expect("the webhook client builds");
        Self {
            http,
            lookup,
            allowed,
            timeout_ms: Arc::new(AtomicU64::new(
                u64::try_from(DEFAULT_TIMEOUT.as_millis()).unwrap_or(15_000),
            )),
        }
    }

    /// Resolve names with `lookup` from now on (tests).
    pub fn use_lookup(&self, lookup: Lookup) {
        *self.lookup.write().unwrap_or_else(|p| p.into_inner()) = lookup;
    }

    /// End attempts after `timeout` from now on (tests).
    pub fn use_timeout(&self, timeout: Duration) {
        self.timeout_ms.store(
            u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// The networks the operator allows.
    pub fn allowed(&self) -> &[Network] {
        &self.allowed
    }

    /// Check where `url` leads now: every address of its host must be
    /// allowed (and, for plain `http`, in an allowed network). The check
    /// on save; the client checks again at every connection.
    pub async fn check_target(&self, url: &str) -> Result<(), ErrorCode> {
        let target = webhook_policy::check_url(url, true)?;
        let http = target.url.scheme() == "http";
        let ips = match &target.host {
            Host::Ip(ip) => vec![*ip],
            Host::Name(name) => {
                let lookup = self
                    .lookup
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone();
                let looked = tokio::time::timeout(
                    LOOKUP_ON_SAVE,
                    guarded_lookup(&lookup, &self.allowed, name),
                )
                .await;
                match looked {
                    Ok(Ok(ips)) => ips,
                    Ok(Err(e)) if e.is::<Refused>() && e.to_string().contains("refused") => {
                        return Err(ErrorCode::WebhookAddressInternal);
                    }
                    // A name that does not resolve (yet), or whose resolver
                    // does not answer in time, may be saved: every attempt
                    // checks again, and the log will say what it found.
                    Ok(Err(_)) | Err(_) => return Ok(()),
                }
            }
        };
        for ip in ips {
            webhook_policy::check_address(ip, &self.allowed)?;
            if http && !self.allowed.iter().any(|n| n.contains(ip)) {
                return Err(ErrorCode::WebhookUrlScheme);
            }
        }
        Ok(())
    }

    /// One attempt: `body` to `url`, signed by every key of `keys` for
    /// message `msg_id` at `timestamp` (unix seconds). Never fails: what
    /// went wrong is in the outcome.
    pub async fn send(
        &self,
        url: &str,
        msg_id: &str,
        timestamp: i64,
        body: &str,
        keys: &[Vec<u8>],
    ) -> Outcome {
        let started = Instant::now();
        let elapsed =
            |started: Instant| i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        if let Err(code) = self.check_target_for_send(url) {
            return Outcome {
                error: Some(refusal_text(&code, url)),
                duration_ms: elapsed(started),
                ..Outcome::default()
            };
        }
        let key_refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
        let signature =
            webhook_signing::signature_header(&key_refs, msg_id, timestamp, body.as_bytes());
        let timeout = Duration::from_millis(self.timeout_ms.load(Ordering::Relaxed));
        let sent = self
            .http
            .post(url)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("webhook-id", msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_string())
            .send()
            .await;
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => {
                return Outcome {
                    error: Some(describe(&e, timeout)),
                    duration_ms: elapsed(started),
                    ..Outcome::default()
                };
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let textual = header("content-type").is_none_or(|t| {
            let t = t.to_ascii_lowercase();
            t.starts_with("text/") || t.contains("json") || t.contains("xml")
        });
        // The first kilobyte of the answer (text only); the rest unread.
        let mut excerpt: Vec<u8> = Vec::new();
        let mut error = None;
        while excerpt.len() < EXCERPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => {
                    error = Some(describe(&e, timeout));
                    break;
                }
            }
        }
        let excerpt = if textual {
            cut_text(&excerpt, EXCERPT_BYTES)
        } else {
            String::new()
        };
        if (300..400).contains(&status) {
            error = Some(format!(
                "redirect not followed{}",
                header("location")
                    .map(|l| format!(" (Location: {})", l.chars().take(200).collect::<String>()))
                    .unwrap_or_default()
            ));
        }
        let retry_after = if status == 429 || status == 503 {
            header("retry-after")
                .and_then(|v| webhook_policy::retry_after(&v, chrono::Utc::now().naive_utc()))
        } else {
            None
        };
        Outcome {
            status_code: Some(status),
            duration_ms: elapsed(started),
            excerpt,
            error,
            retry_after,
            jitter: 0,
        }
    }

    /// The checks the resolver cannot make: an IP literal's address, and
    /// plain `http` only where allowed (a name's addresses for `http` are
    /// checked when the resolver runs: all must then be public or allowed,
    /// and here the URL's form).
    fn check_target_for_send(&self, url: &str) -> Result<(), ErrorCode> {
        let target = webhook_policy::check_url(url, true)?;
        let http = target.url.scheme() == "http";
        match target.host {
            Host::Ip(ip) => {
                webhook_policy::check_address(ip, &self.allowed)?;
                if http && !self.allowed.iter().any(|n| n.contains(ip)) {
                    return Err(ErrorCode::WebhookUrlScheme);
                }
            }
            Host::Name(_) if http && self.allowed.is_empty() => {
                return Err(ErrorCode::WebhookUrlScheme);
            }
            Host::Name(_) => {}
        }
        Ok(())
    }
}

/// The log's words for a refused URL.
fn refusal_text(code: &ErrorCode, url: &str) -> String {
    match code {
        ErrorCode::WebhookAddressInternal => {
            format!("address refused: {url} points to an internal or reserved address")
        }
        ErrorCode::WebhookUrlScheme => {
            "refused: plain http is only allowed to the networks the operator allows".into()
        }
        other => format!("refused: the URL is not valid ({})", other.code()),
    }
}

/// A client error in a sentence: the resolver's refusal, a timeout, no
/// connection.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refused>() {
            return r.0.clone();
        }
        source = s.source();
    }
    if e.is_timeout() {
        return format!("no answer within {} s", timeout.as_secs_f32());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_connect() {
        format!("could not connect ({text})")
    } else {
        text
    }
}

/// At most `max` bytes of `bytes` as text, cut at a character boundary.
fn cut_text(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned();
    // A character cut in two at the end shows as U+FFFD: drop it.
    text.trim_end_matches('\u{FFFD}').to_string()
}

#[cfg(test)]
mod tests {
    use super::cut_text;

    #[test]
    fn text_is_cut_at_a_character() {
        assert_eq!(cut_text("héllo".as_bytes(), 2), "h");
        assert_eq!(cut_text(b"abc", 10), "abc");
    }
}
