//! `/api/v1/webhooks` and `/api/v1/webhook-messages`: an organisation's
//! webhook endpoints (list, create, get, partial update, delete), their
//! delivery log, the test message, secret rotation and resending one
//! message.
//!
//! The signing secret is in the answer to create and rotate only. A URL is
//! checked twice before it is saved: its form (`EndpointInput::validate`)
//! and where its name leads now (`WebhookClient::check_target`); the
//! client checks again at every connection.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::json::Body;
use crate::api::{
    Api, ListBody, check_version, created, if_match, iri, json, mount, no_content, record,
};
use crate::domain::local_time::iso_utc;
use crate::domain::paging::ListParams;
use crate::domain::scopes::Operation;
use crate::domain::webhook_deliveries::{self, Attempt, LogRow};
use crate::domain::webhook_outbox::{DELIVERED, FAILED, PENDING};
use crate::domain::webhooks::{self, Endpoint, EndpointInput, ValidEndpoint};
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::jobs::webhooks::{ANSWER_WITHIN, Answer};

/// Mount the webhook routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, Operation::WebhookList, list);
    mount(cfg, Operation::WebhookCreate, create);
    mount(cfg, Operation::WebhookGet, get);
    mount(cfg, Operation::WebhookUpdate, update);
    mount(cfg, Operation::WebhookDelete, delete);
    mount(cfg, Operation::WebhookDeliveries, deliveries);
    mount(cfg, Operation::WebhookTest, test);
    mount(cfg, Operation::WebhookRotateSecret, rotate_secret);
    mount(cfg, Operation::WebhookResend, resend);
}

/// An endpoint as the API shows it (never its secret).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookJson {
    pub id: String,
    pub url: String,
    pub description: String,
    /// The event types it gets; empty: every type.
    pub event_types: Vec<String>,
    pub enabled: bool,
    /// `manual`, `failing` or `gone`; null while enabled.
    pub disabled_reason: Option<&'static str>,
    pub disabled_at: Option<String>,
    /// The first failure since the last success.
    pub failing_since: Option<String>,
    pub last_success_at: Option<String>,
    /// Attempts of the last 24 hours.
    pub success_rate24h: Rate,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

/// Attempts of a period: successful, all.
#[derive(Serialize)]
pub struct Rate {
    pub succeeded: i64,
    pub total: i64,
}

impl WebhookJson {
    /// The view of an endpoint and its last day's attempts.
    pub fn of(e: &Endpoint, (succeeded, total): (i64, i64)) -> Self {
        Self {
            id: e.id.clone(),
            url: e.url.clone(),
            description: e.description.clone(),
            event_types: e.types().into_iter().map(str::to_string).collect(),
            enabled: e.enabled,
            disabled_reason: e.disabled_reason().map(|r| r.as_str()),
            disabled_at: e.disabled_at.map(iso_utc),
            failing_since: e.failing_since.map(iso_utc),
            last_success_at: e.last_success_at.map(iso_utc),
            success_rate24h: Rate { succeeded, total },
            version: e.version,
            created_at: iso_utc(e.created_at),
            updated_at: iso_utc(e.updated_at),
        }
    }
}

/// An endpoint with its secret in plain: the answer to create and rotate.
#[derive(Serialize)]
struct WithSecretJson {
    #[serde(flatten)]
    webhook: WebhookJson,
    secret: String,
}

/// A message of the delivery log with its attempts (newest first).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageJson {
    /// Also the `webhook-id` header of every attempt.
    pub id: String,
    pub webhook: String,
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempt_count: i32,
    pub next_attempt_at: Option<String>,
    pub last_status_code: Option<i32>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    /// The body as it is sent.
    pub payload: Value,
    pub attempts: Vec<AttemptJson>,
}

/// One attempt.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptJson {
    pub id: String,
    pub attempted_at: String,
    pub status_code: Option<i32>,
    pub duration_ms: i32,
    pub response_excerpt: String,
    pub error: Option<String>,
    pub succeeded: bool,
}

impl MessageJson {
    fn of(row: &LogRow) -> Self {
        let m = &row.message;
        Self {
            id: m.id.clone(),
            webhook: iri("webhooks", &m.endpoint_id),
            event_type: m.event_type.clone(),
            status: m.status.clone(),
            attempt_count: m.attempts,
            next_attempt_at: m.next_attempt_at.map(iso_utc),
            last_status_code: m.last_status_code,
            created_at: iso_utc(m.created_at),
            delivered_at: m.delivered_at.map(iso_utc),
            payload: serde_json::from_str(&m.body).unwrap_or(Value::Null),
            attempts: row.attempts.iter().map(AttemptJson::of).collect(),
        }
    }
}

impl AttemptJson {
    fn of(a: &Attempt) -> Self {
        Self {
            id: a.id.clone(),
            attempted_at: iso_utc(a.attempted_at),
            status_code: a.status_code,
            duration_ms: a.duration_ms,
            response_excerpt: a.response_excerpt.clone(),
            error: a.error.clone(),
            succeeded: a.succeeded,
        }
    }
}

/// What the test message got.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TestResultJson {
    message: String,
    status_code: Option<i32>,
    duration_ms: i32,
    response_excerpt: String,
    error: Option<String>,
    succeeded: bool,
}

/// The writable fields.
pub const FIELDS: &[&str] = &["url", "description", "eventTypes"];
/// Writable on a change only.
pub const UPDATE_FIELDS: &[&str] = &["url", "description", "eventTypes", "enabled", "version"];
/// Fields a client may send back unchanged; ignored.
pub const READ_ONLY: &[&str] = &[
    "id",
    "version",
    "disabledReason",
    "disabledAt",
    "failingSince",
    "lastSuccessAt",
    "successRate24h",
    "createdAt",
    "updatedAt",
];

/// The fields a body sets (`None`: not sent).
#[derive(Default)]
struct Changes {
    url: Option<String>,
    description: Option<String>,
    event_types: Option<Vec<String>>,
    enabled: Option<bool>,
    /// The version the change is based on (a change only).
    version: Option<i32>,
}

impl Changes {
    fn read(req: &HttpRequest, bytes: &[u8], update: bool) -> Result<Self, AppError> {
        let mut b = Body::read(req, bytes)?;
        b.only(if update { UPDATE_FIELDS } else { FIELDS }, READ_ONLY);
        let mut c = Self {
            url: b.text("url", "url"),
            description: b.text("description", "description"),
            event_types: b.texts("eventTypes", "eventTypes"),
            ..Self::default()
        };
        if update {
            c.enabled = b.boolean("enabled", "enabled");
            c.version = match b.integer("version", "version") {
                Some(v) if !v.is_empty() => match v.parse() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        b.error("version", ErrorCode::InvalidType);
                        None
                    }
                },
                _ => None,
            };
        }
        b.finish()?;
        Ok(c)
    }

    /// Does it change the URL, the description or the types?
    fn edits(&self) -> bool {
        self.url.is_some() || self.description.is_some() || self.event_types.is_some()
    }

    /// `e`'s form with these changes.
    fn onto(&self, e: Option<&Endpoint>) -> EndpointInput {
        EndpointInput {
            url: self
                .url
                .clone()
                .or_else(|| e.map(|e| e.url.clone()))
                .unwrap_or_default(),
            description: self
                .description
                .clone()
                .or_else(|| e.map(|e| e.description.clone()))
                .unwrap_or_default(),
            event_types: self.event_types.clone().unwrap_or_else(|| {
                e.map(|e| e.types().into_iter().map(str::to_string).collect())
                    .unwrap_or_default()
            }),
        }
    }
}

/// A URL refused by the address check, as the field error it is.
fn url_error(code: ErrorCode) -> AppError {
    AppError::Validation(FieldErrors(vec![("url", code)]))
}

/// Where a checked URL leads now (every address its host resolves to).
async fn check_target(api: &Api, valid: &ValidEndpoint) -> Result<(), AppError> {
    api.state()
        .webhooks
        .check_target(&valid.url)
        .await
        .map_err(url_error)
}

/// The endpoint with its last day's attempts.
fn view(
    conn: &mut crate::db::DbConn,
    now: chrono::NaiveDateTime,
    e: &Endpoint,
) -> Result<WebhookJson, AppError> {
    let rates = webhooks::last_day(conn, now, &[e.id.as_str()])?;
    Ok(WebhookJson::of(
        e,
        rates.get(&e.id).copied().unwrap_or((0, 0)),
    ))
}

async fn list(api: Api, params: web::Query<ListParams>) -> Result<HttpResponse, AppError> {
    let request = params.strict(&webhooks::SORT).map_err(AppError::Validation);
    let page = api
        .call(Operation::WebhookList, request, webhooks::list)
        .await?;
    Ok(json(
        StatusCode::OK,
        &ListBody::of(&page, |r| WebhookJson::of(&r.endpoint, r.last_day)),
    ))
}

async fn get(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let w = api
        .call(
            Operation::WebhookGet,
            Ok(()),
            move |conn, actor, now, ()| {
                let e = webhooks::get(conn, actor, &id)?;
                view(conn, now, &e)
            },
        )
        .await?;
    Ok(record(StatusCode::OK, w.version, &w))
}

async fn create(api: Api, req: HttpRequest, bytes: web::Bytes) -> Result<HttpResponse, AppError> {
    let changes = Changes::read(&req, &bytes, false);
    let allowed = api.state().webhooks.allowed().to_vec();
    // The permission and the form first, then where the URL leads.
    let valid = api
        .call(Operation::WebhookCreate, changes, move |_, _, _, c| {
            c.onto(None)
                .validate(&allowed)
                .map_err(AppError::Validation)
        })
        .await?;
    check_target(&api, &valid).await?;
    let key = api.state().data_key.clone();
    let (w, secret) = api
        .call(
            Operation::WebhookCreate,
            Ok(valid),
            move |conn, actor, now, valid| {
                let made = webhooks::create(conn, now, actor, &key, &valid)?;
                Ok((view(conn, now, &made.endpoint)?, made.secret))
            },
        )
        .await?;
    let (version, location) = (w.version, iri("webhooks", &w.id));
    Ok(created(
        &WithSecretJson { webhook: w, secret },
        version,
        &location,
    ))
}

async fn update(
    api: Api,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let changes = Changes::read(&req, &bytes, true);
    let wanted = if_match(&req);
    let allowed = api.state().webhooks.allowed().to_vec();
    let id = id.into_inner();
    // The permission, the record, its version and the form first...
    let (changes, valid, seen) = {
        let id = id.clone();
        api.call(
            Operation::WebhookUpdate,
            changes,
            move |conn, actor, _, c| {
                let current = webhooks::get(conn, actor, &id)?;
                check_version(wanted, current.version)?;
                if c.version.is_some_and(|v| v != current.version) {
                    return Err(AppError::Conflict);
                }
                let valid = if c.edits() {
                    let input = c.onto(Some(&current));
                    Some(input.validate(&allowed).map_err(AppError::Validation)?)
                } else {
                    None
                };
                Ok((c, valid, current.version))
            },
        )
        .await?
    };
    // ...then where a new URL leads...
    if let Some(valid) = &valid
        && changes.url.is_some()
    {
        check_target(&api, valid).await?;
    }
    // ...then the change, if nobody changed the endpoint meanwhile.
    let w = api
        .call(
            Operation::WebhookUpdate,
            Ok(()),
            move |conn, actor, now, ()| {
                crate::db::write(conn, |conn| {
                    let mut e = webhooks::get(conn, actor, &id)?;
                    if e.version != seen {
                        return Err(AppError::Conflict);
                    }
                    if let Some(valid) = &valid {
                        e = webhooks::update(conn, now, actor, &id, e.version, valid)?;
                    }
                    if let Some(on) = changes.enabled {
                        e = webhooks::set_enabled(conn, now, actor, &id, Some(e.version), on)?;
                    }
                    view(conn, now, &e)
                })
            },
        )
        .await?;
    Ok(record(StatusCode::OK, w.version, &w))
}

async fn delete(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    api.call(
        Operation::WebhookDelete,
        Ok(()),
        move |conn, actor, now, ()| webhooks::delete(conn, now, actor, &id),
    )
    .await?;
    Ok(no_content())
}

/// The delivery log's query: paging and the status.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveriesQuery {
    #[serde(flatten)]
    paging: ListParams,
    status: Option<String>,
}

/// The statuses a message can be in.
pub const STATUSES: &[&str] = &[PENDING, DELIVERED, FAILED];

async fn deliveries(
    api: Api,
    id: web::Path<String>,
    q: web::Query<DeliveriesQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let mut e = match q.paging.strict(&webhook_deliveries::SORT) {
        Ok(_) => FieldErrors::default(),
        Err(e) => e,
    };
    let status = q.status.filter(|s| !s.is_empty());
    if let Some(s) = &status
        && !STATUSES.contains(&s.as_str())
    {
        e.add("status", ErrorCode::InvalidChoice);
    }
    let request = e.into_result().and_then(|()| {
        q.paging
            .strict(&webhook_deliveries::SORT)
            .map_err(AppError::Validation)
    });
    let page = api
        .call(
            Operation::WebhookDeliveries,
            request,
            move |conn, actor, _, request| {
                webhook_deliveries::log(conn, actor, &id, status.as_deref(), request)
            },
        )
        .await?;
    Ok(json(StatusCode::OK, &ListBody::of(&page, MessageJson::of)))
}

async fn test(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let message = api
        .call(
            Operation::WebhookTest,
            Ok(()),
            move |conn, actor, now, ()| webhooks::queue_test(conn, now, actor, &id),
        )
        .await?;
    let started = std::time::Instant::now();
    let result = match crate::jobs::webhooks::deliver_now(api.data(), &message).await? {
        Answer::Done(_, o) => TestResultJson {
            succeeded: o.succeeded(),
            message,
            status_code: o.status_code.map(i32::from),
            duration_ms: o.duration_ms,
            response_excerpt: o.excerpt,
            error: o.error,
        },
        Answer::StillRunning => under_way(message),
        // A runner claimed it first: its attempt, when it is recorded.
        Answer::Held => waited_attempt(&api, message, started).await?,
    };
    Ok(json(StatusCode::OK, &result))
}

/// The answer while the attempt goes on: the delivery log will have it.
fn under_way(message: String) -> TestResultJson {
    TestResultJson {
        message,
        status_code: None,
        duration_ms: 0,
        response_excerpt: String::new(),
        error: Some("the attempt is still under way: see the delivery log".into()),
        succeeded: false,
    }
}

/// The first attempt of `message`, waiting until [`ANSWER_WITHIN`] after
/// `started` for it.
async fn waited_attempt(
    api: &Api,
    message: String,
    started: std::time::Instant,
) -> Result<TestResultJson, AppError> {
    loop {
        let id = message.clone();
        let row = api
            .call(Operation::WebhookTest, Ok(()), move |conn, actor, _, ()| {
                webhook_deliveries::message(conn, actor, &id)
            })
            .await?;
        if let Some(a) = row.attempts.last() {
            return Ok(TestResultJson {
                message,
                status_code: a.status_code,
                duration_ms: a.duration_ms,
                response_excerpt: a.response_excerpt.clone(),
                error: a.error.clone(),
                succeeded: a.succeeded,
            });
        }
        if started.elapsed() > ANSWER_WITHIN {
            return Ok(under_way(message));
        }
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn rotate_secret(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let key = api.state().data_key.clone();
    let (w, secret) = api
        .call(
            Operation::WebhookRotateSecret,
            Ok(()),
            move |conn, actor, now, ()| {
                let r = webhooks::rotate_secret(conn, now, actor, &key, &id)?;
                Ok((view(conn, now, &r.endpoint)?, r.secret))
            },
        )
        .await?;
    let version = w.version;
    Ok(record(
        StatusCode::OK,
        version,
        &WithSecretJson { webhook: w, secret },
    ))
}

async fn resend(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let row = api
        .call(
            Operation::WebhookResend,
            Ok(()),
            move |conn, actor, now, ()| {
                webhook_deliveries::resend(conn, now, actor, &id)?;
                webhook_deliveries::message(conn, actor, &id)
            },
        )
        .await?;
    api.state().jobs.wake();
    Ok(json(StatusCode::ACCEPTED, &MessageJson::of(&row)))
}
