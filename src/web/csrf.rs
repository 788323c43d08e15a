//! CSRF protection for every state-changing request outside `/api` and
//! `/oauth` (those use bearer tokens and client credentials, not cookies).
//!
//! Each browser gets a random token in an `HttpOnly; SameSite=Lax` cookie;
//! pages put it in a hidden `_csrf` field and in `<body hx-headers>`, and a
//! non-GET request must send it back (field, `X-CSRF-Token` header, or for
//! multipart forms the `_csrf` query parameter). The token is renewed at login
//! and logout. Cross-site `Origin` / `Sec-Fetch-Site` are refused as well.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use crate::crypto;
use crate::error::AppError;

/// The cookie holding the browser's token: `__Host-` (Secure, whole site,
/// this host only) when served over https.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portaal_csrf"
    } else {
        "portaal_csrf"
    }
}
/// The form field carrying the token.
pub const FIELD: &str = "_csrf";
/// The header carrying the token (htmx).
pub const HEADER: &str = "X-CSRF-Token";
/// Largest url-encoded form read while looking for the token.
const FORM_LIMIT: usize = 64 * 1024;

/// The token of this request's browser, for templates.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl FromRequest for CsrfToken {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(token_of(req)))
    }
}

/// The token set by the middleware for this request.
pub fn token_of(req: &HttpRequest) -> CsrfToken {
    req.extensions()
        .get::<CsrfToken>()
        .cloned()
        .unwrap_or_else(|| CsrfToken(String::new()))
}

fn cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(cookie_name(secure), value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// Give the browser a fresh token (at login and logout); returns it.
pub fn renew(res: &mut HttpResponse, secure: bool) -> String {
    let token = crypto::random_token();
    let _ = res.add_cookie(&cookie(token.clone(), secure));
    token
}

fn exempt(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || path.starts_with("/oauth/")
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_origin(req: &HttpRequest) -> bool {
    if req
        .headers()
        .get("Sec-Fetch-Site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return false;
    }
    match req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        None => true,
        Some(origin) => {
            let host = req.connection_info().host().to_ascii_lowercase();
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest.to_ascii_lowercase() == host)
        }
    }
}

fn from_query(req: &HttpRequest) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

/// Find the submitted token; an url-encoded body is read and put back.
async fn submitted(req: &mut ServiceRequest) -> Result<Option<String>, AppError> {
    if let Some(v) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return Ok(Some(v.to_string()));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(from_query(req.request()));
    }
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
        if body.len() + chunk.len() > FORM_LIMIT {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let body: Bytes = body.freeze();
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v));
    req.set_payload(Payload::from(body));
    Ok(token)
}

/// Middleware: hand out the token, and refuse state changes without it.
pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let secure = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .is_some_and(|s| s.config.secure_cookies);
    let existing = req
        .cookie(cookie_name(secure))
        .map(|c| c.value().to_string())
        .filter(|v| crypto::is_token(v));
    let token = existing.clone().unwrap_or_else(crypto::random_token);
    req.extensions_mut().insert(CsrfToken(token.clone()));

    if changes_state(req.method()) && !exempt(req.path()) {
        let verdict = match &existing {
            _ if !same_origin(req.request()) => Err(AppError::Csrf),
            None => Err(AppError::Csrf),
            Some(expected) => match submitted(&mut req).await {
                Ok(Some(sent)) if crypto::constant_time_eq(&sent, expected) => Ok(()),
                Ok(_) => Err(AppError::Csrf),
                Err(e) => Err(e),
            },
        };
        if let Err(e) = verdict {
            return Ok(req.error_response(e).map_into_right_body());
        }
    }

    let mut res = next.call(req).await?;
    let renewed = res
        .response()
        .cookies()
        .any(|c| c.name() == cookie_name(secure));
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"text/html"));
    if existing.is_none() && !renewed && is_page {
        let _ = res.response_mut().add_cookie(&cookie(token, secure));
    }
    Ok(res.map_into_left_body())
}
