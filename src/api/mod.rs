//! The JSON API for API clients (`/api/v1`) and the OAuth2 endpoints
//! (`/oauth`). Every API route is an operation of the catalogue
//! (`domain::scopes`), mounted at the path the catalogue gives it, and calls
//! the same domain functions as the backoffice: permission, validation,
//! tenant scoping and audit live there, not here.
//!
//! An API request takes one trip to a database thread: the bearer token is
//! checked and the domain function runs in the same job ([`Api::run`]).

pub mod customers;
pub mod invoices;
pub mod json;
pub mod locations;
pub mod meetings;
pub mod oauth;
pub mod openapi;
pub mod organizations;
pub mod reference;
pub mod subscriptions;
pub mod webhooks;

use std::str::FromStr;

use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode, header};
use actix_web::{FromRequest, Handler, HttpRequest, HttpResponse, Responder, web};
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::AppState;
use crate::db::DbConn;
use crate::domain::actor::Actor;
use crate::domain::oauth as tokens;
use crate::domain::scopes::{Operation, ScopeSet};
use crate::error::AppError;
use crate::http::request::{ClientIp, request_lang};
use crate::i18n::{Lang, fill};

/// Where the API lives.
pub const BASE: &str = "/api/v1";

/// Mount the OAuth endpoints and every API route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    oauth::routes(cfg);
    // One scope: a request elsewhere is turned away by one prefix check, and
    // an API request is matched against the API's routes only.
    cfg.service(web::scope(BASE).configure(|cfg| {
        cfg.route("/me", web::get().to(me));
        cfg.route("/openapi.json", web::get().to(openapi::document));
        organizations::routes(cfg);
        locations::routes(cfg);
        reference::routes(cfg);
        meetings::routes(cfg);
        customers::routes(cfg);
        invoices::routes(cfg);
        subscriptions::routes(cfg);
        webhooks::routes(cfg);
        cfg.route("", web::route().to(no_route));
        cfg.route("/{tail:.*}", web::route().to(no_route));
    }));
}

/// Mount `handler` at the API route the catalogue gives `op` (inside the
/// `/api/v1` scope).
pub fn mount<F, Args>(cfg: &mut web::ServiceConfig, op: Operation, handler: F)
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    let Some((method, path)) = op.api_route() else {
        panic!("{} has no API route in the catalogue", op.name());
    };
    let method = Method::from_str(method).unwrap_or(Method::GET);
    cfg.route(path, web::method(method).to(handler));
}

/// Any path under `/api/v1` that no route takes.
async fn no_route() -> Result<HttpResponse, AppError> {
    Err(AppError::UnknownRoute)
}

/// The caller of an API route: its bearer token (checked in [`Api::run`]),
/// its address and the shared state.
pub struct Api {
    state: web::Data<AppState>,
    token: Option<String>,
    ip: String,
}

impl FromRequest for Api {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            crate::http::request::state(req)
                .map(|state| Api {
                    state,
                    token: bearer(req),
                    ip: ClientIp::of(req).0,
                })
                .map_err(Into::into),
        )
    }
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

impl Api {
    /// The shared state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The application's state as a shared handle, for work that outlives
    /// the request.
    pub fn data(&self) -> &web::Data<AppState> {
        &self.state
    }

    /// Check the token, then that its client may do `op`, then `input` (a
    /// body or query that may not have been understood), and run `f` with
    /// it: so a client without the scope hears 403 whatever it sent.
    pub async fn call<I, T, F>(
        &self,
        op: Operation,
        input: Result<I, AppError>,
        f: F,
    ) -> Result<T, AppError>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: FnOnce(&mut DbConn, &Actor, NaiveDateTime, I) -> Result<T, AppError> + Send + 'static,
    {
        self.run(move |conn, actor, now| {
            actor.require(op)?;
            f(conn, actor, now, input?)
        })
        .await
    }

    /// Check the token and run `f` as its client, in one database job.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn, &Actor, NaiveDateTime) -> Result<T, AppError> + Send + 'static,
    {
        let Some(token) = self.token.clone() else {
            return Err(AppError::InvalidToken);
        };
        let (now, ip) = (self.state.clock.now(), self.ip.clone());
        let kept = self.state.logins.clone();
        // `f` runs once: a job is run again only when its first statement
        // found the connection dead; that is the token's unless the check
        // was kept (then the caller sees the error).
        let mut f = Some(f);
        self.state
            .db(move |conn| {
                let (actor, _) =
                    tokens::actor_for_token(conn, &kept, &token, now, Some(ip.clone()))?
                        .ok_or(AppError::InvalidToken)?;
                // The whole door belongs to the `api` module.
                actor.require_module(crate::domain::modules::Module::Api)?;
                let f = f
                    .take()
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a job ran twice")))?;
                f(conn, &actor, now)
            })
            .await
    }
}

/// A JSON answer with `status`.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// The JSON of a list page of the domain's versioned cache (locations,
/// customers, contacts), kept beside the page itself: at the same data
/// version the same request is answered with the same bytes. `list` and
/// `filters` name the list as the domain's `page_key` does.
impl crate::domain::cache::Weigh for web::Bytes {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Self>() + self.len()
    }
}

pub fn cached_list<I, T: Serialize>(
    actor: &Actor,
    list: &str,
    filters: &[&str],
    page: &crate::domain::paging::Page<I>,
    view: impl Fn(&I) -> T,
) -> Result<web::Bytes, AppError> {
    let key = page.request.page_key(&format!("api:{list}"), filters);
    crate::domain::cache::for_actor(actor, key, || {
        serde_json::to_vec(&ListBody::of(page, view))
            .map(web::Bytes::from)
            .map_err(|e| AppError::Internal(e.into()))
    })
    .map(|b| (*b).clone())
}

/// 200 with a body that is JSON already.
pub fn json_bytes(body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(mime_json())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

fn mime_json() -> header::HeaderValue {
    header::HeaderValue::from_static("application/json")
}

/// A JSON answer for one record, with its version as the `ETag`.
pub fn record<T: Serialize>(status: StatusCode, version: i32, body: &T) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::ETAG, format!("\"{version}\"")))
        .json(body)
}

/// 201 Created for one record: its version as the `ETag`, its IRI as the
/// `Location`.
pub fn created(body: &impl Serialize, version: i32, location: &str) -> HttpResponse {
    let mut res = record(StatusCode::CREATED, version, body);
    if let Ok(v) = header::HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// 204 No Content.
pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

/// The version an `If-Match` header asks for: `None` without the header
/// (or with `*`); a header that is no version of ours never matches.
pub fn if_match(req: &HttpRequest) -> Option<i32> {
    let value = req.headers().get(header::IF_MATCH)?.to_str().unwrap_or("");
    let value = value.trim();
    if value == "*" {
        return None;
    }
    Some(
        value
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse()
            .unwrap_or(-1),
    )
}

/// `Err(412)` when the caller asked for another version than `current`.
pub fn check_version(wanted: Option<i32>, current: i32) -> Result<(), AppError> {
    match wanted {
        Some(v) if v != current => Err(AppError::PreconditionFailed),
        _ => Ok(()),
    }
}

/// A page of a list, as every list answers: `{items, pageNumber, pageSize,
/// totalItems}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListBody<T> {
    pub items: Vec<T>,
    pub page_number: i64,
    pub page_size: i64,
    pub total_items: i64,
}

impl<T> ListBody<T> {
    /// From a domain page, each item shown with `view`.
    pub fn of<I>(page: &crate::domain::paging::Page<I>, view: impl Fn(&I) -> T) -> Self {
        Self {
            items: page.items.iter().map(view).collect(),
            page_number: page.request.number,
            page_size: page.request.size,
            total_items: page.total,
        }
    }
}

/// The IRI of a record: `/api/v1/{collection}/{id}`.
pub fn iri(collection: &str, id: &str) -> String {
    format!("{BASE}/{collection}/{id}")
}

/// `GET /api/v1/me`: the client, its organisation, its scopes and the
/// operations it may call.
async fn me(api: Api) -> Result<HttpResponse, AppError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Me {
        client_id: String,
        name: String,
        organization: String,
        organization_name: String,
        scopes: Vec<String>,
        operations: Vec<MeOperation>,
    }
    #[derive(Serialize)]
    struct MeOperation {
        name: &'static str,
        method: &'static str,
        path: String,
        scope: String,
    }
    let body = api
        .run(|conn, actor, _| {
            let org = crate::domain::organizations::by_id(conn, &actor.organization_id)?;
            let crate::domain::actor::ActorKind::ApiClient {
                client_id, name, ..
            } = &actor.kind
            else {
                return Err(AppError::InvalidToken);
            };
            Ok(Me {
                client_id: client_id.clone(),
                name: name.clone(),
                organization: iri("organizations", &org.id),
                organization_name: org.name,
                scopes: actor
                    .scopes()
                    .scopes()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                operations: callable(actor.scopes()),
            })
        })
        .await?;
    fn callable(scopes: &ScopeSet) -> Vec<MeOperation> {
        Operation::ALL
            .iter()
            .filter_map(|op| {
                let (method, path) = op.api_route()?;
                let scope = scopes.decide(*op)?;
                Some(MeOperation {
                    name: op.name(),
                    method,
                    path: format!("{BASE}{path}"),
                    scope: scope.to_string(),
                })
            })
            .collect()
    }
    Ok(json(StatusCode::OK, &body))
}

/// One field's error in an API answer.
#[derive(Serialize)]
struct FieldError {
    field: String,
    code: &'static str,
    message: String,
}

/// The name of a domain field as the API's JSON names it.
pub fn json_field(field: &str) -> String {
    match field {
        "employee_id" => "employee".into(),
        "location_id" => "location".into(),
        "customer_id" => "customer".into(),
        "contact_id" => "contact".into(),
        "country_code" => "country".into(),
        "customer_type" => "type".into(),
        "file" => "file".into(),
        other => {
            let mut out = String::with_capacity(other.len());
            let mut upper = false;
            for c in other.chars() {
                if c == '_' {
                    upper = true;
                } else if upper {
                    out.extend(c.to_uppercase());
                    upper = false;
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// The body of every API error: `{error, message, errors: [{field, code,
/// message}]}`, plus `operation` and `scope` for a missing scope. Headers as
/// RFC 6750 asks for 401 and 403.
pub fn error_response(status: StatusCode, err: Option<&AppError>, lang: Lang) -> HttpResponse {
    let t = lang.t();
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CACHE_CONTROL, "no-store"));
    let mut errors = vec![];
    let mut extra = serde_json::Map::new();
    let (code, message): (&str, String) = match err {
        Some(AppError::InvalidToken) => {
            res.insert_header((
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"portaal\", error=\"invalid_token\"",
            ));
            ("invalid_token", t.error_401_token.into())
        }
        Some(AppError::Forbidden {
            operation: Some(op),
            missing: Some(scope),
        }) => {
            res.insert_header((
                header::WWW_AUTHENTICATE,
                format!(
                    "Bearer realm=\"portaal\", error=\"insufficient_scope\", scope=\"{scope}\""
                ),
            ));
            extra.insert("operation".into(), op.name().into());
            extra.insert("scope".into(), scope.to_string().into());
            (
                "insufficient_scope",
                fill(t.error_403_operation, &[&op.name(), &scope]),
            )
        }
        Some(AppError::ModuleNotSubscribed { module, operation }) => {
            extra.insert("module".into(), module.as_str().into());
            if let Some(op) = operation {
                extra.insert("operation".into(), op.name().into());
            }
            (
                "module_not_subscribed",
                fill(
                    t.error_403_module,
                    &[
                        &operation.map_or("api", |op| op.name()),
                        &module.label(lang),
                    ],
                ),
            )
        }
        Some(AppError::Validation(fields)) => {
            errors = fields
                .0
                .iter()
                .map(|(field, code)| FieldError {
                    field: match code {
                        crate::error::ErrorCode::UnknownField(name) => name.clone(),
                        _ => json_field(field),
                    },
                    code: code.code(),
                    message: code.message(t),
                })
                .collect();
            ("validation_failed", t.error_422.into())
        }
        Some(AppError::UnknownRoute) => ("unknown_route", t.error_404_route.into()),
        Some(AppError::NotFound) | None if status == StatusCode::NOT_FOUND => {
            ("not_found", t.error_404.into())
        }
        Some(AppError::BadRequest(why)) => ("invalid_request", fill(t.error_json, &[why])),
        Some(AppError::UnsupportedMediaType(what)) => {
            ("unsupported_media_type", fill(t.error_415, &[what]))
        }
        Some(AppError::PreconditionFailed) => ("precondition_failed", t.error_412.into()),
        Some(AppError::Conflict) => ("conflict", t.error_409.into()),
        Some(AppError::PayloadTooLarge) => ("payload_too_large", t.error_413.into()),
        Some(AppError::Throttled { retry_after_secs }) => {
            res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            (
                "too_many_requests",
                fill(
                    t.error_429,
                    &[&crate::http::errors::minutes(*retry_after_secs)],
                ),
            )
        }
        Some(AppError::Busy { retry_after_secs }) => {
            res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            ("temporarily_unavailable", t.error_503.into())
        }
        _ => match status.as_u16() {
            405 => ("method_not_allowed", t.error_400.into()),
            400 => ("invalid_request", t.error_400.into()),
            403 => ("forbidden", t.error_403.into()),
            _ => ("server_error", t.error_500.into()),
        },
    };
    let mut body = serde_json::Map::new();
    body.insert("error".into(), code.into());
    body.insert("message".into(), message.into());
    body.extend(extra);
    body.insert(
        "errors".into(),
        serde_json::to_value(errors).unwrap_or_default(),
    );
    res.json(serde_json::Value::Object(body))
}

/// The language of API messages: `Accept-Language`, else Dutch.
pub fn lang_of(req: &HttpRequest) -> Lang {
    request_lang(req).unwrap_or_default()
}
