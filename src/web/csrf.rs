//! CSRF protection for every state-changing request outside `/api` and
//! `/oauth` (those use bearer tokens and client credentials, not cookies).
//!
//! Each browser gets a random token in an `HttpOnly; SameSite=Lax` cookie;
//! pages put it in a hidden `_csrf` field and in `<body hx-headers>`, and a
//! non-GET request must send it back (field, `X-CSRF-Token` header, or for
//! multipart forms a `_csrf` field as the first part, read before anything
//! else, so the token never sits in a URL). The token is renewed at login
//! and logout. Cross-site `Origin` / `Sec-Fetch-Site` are refused as well.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use std::pin::Pin;

use actix_web::error::PayloadError;
use futures_util::{Stream, StreamExt};

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

/// The longest start of a multipart body searched for the `_csrf` part.
const MULTIPART_HEAD: usize = 4096;

/// The `_csrf` value when `head` (the start of a multipart body with this
/// boundary) begins with that part: `Some(Some(token))`; `Some(None)` when
/// it begins with another part; `None` while more bytes are needed.
fn first_part_token(head: &[u8], boundary: &str) -> Option<Option<String>> {
    let open = format!("--{boundary}\r\n");
    if head.len() < open.len() {
        return None;
    }
    if !head.starts_with(open.as_bytes()) {
        return Some(None);
    }
    let rest = &head[open.len()..];
    let end_of_headers = find(rest, b"\r\n\r\n")?;
    let headers = String::from_utf8_lossy(&rest[..end_of_headers]).to_ascii_lowercase();
    let is_csrf = headers.lines().any(|line| {
        line.starts_with("content-disposition:")
            && line.contains(&format!("name=\"{FIELD}\""))
            && !line.contains("filename")
    });
    if !is_csrf {
        return Some(None);
    }
    let body = &rest[end_of_headers + 4..];
    let close = format!("\r\n--{boundary}");
    let value = &body[..find(body, close.as_bytes())?];
    Some(std::str::from_utf8(value).ok().map(str::to_string))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The boundary of a `multipart/form-data` request.
fn multipart_boundary(req: &ServiceRequest) -> Option<String> {
    let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mime: actix_web::mime::Mime = ct.parse().ok()?;
    (mime.type_() == actix_web::mime::MULTIPART && mime.subtype() == actix_web::mime::FORM_DATA)
        .then(|| {
            mime.get_param(actix_web::mime::BOUNDARY)
                .map(|b| b.to_string())
        })
        .flatten()
}

/// A multipart form's token: its first part. What was read to find it is
/// put back in front of the rest of the body, which stays a stream.
async fn from_multipart(
    req: &mut ServiceRequest,
    boundary: &str,
) -> Result<Option<String>, AppError> {
    let mut payload = req.take_payload();
    let mut head = BytesMut::new();
    let token = loop {
        if let Some(found) = first_part_token(&head, boundary) {
            break found;
        }
        if head.len() > MULTIPART_HEAD {
            break None;
        }
        match payload.next().await {
            Some(chunk) => {
                head.extend_from_slice(&chunk.map_err(|e| AppError::BadRequest(e.to_string()))?)
            }
            None => break None,
        }
    };
    let head = futures_util::stream::once(std::future::ready(Ok::<_, PayloadError>(head.freeze())));
    let body: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> =
        Box::pin(head.chain(payload));
    req.set_payload(Payload::from(body));
    Ok(token)
}

/// Find the submitted token; an url-encoded body is read and put back.
async fn submitted(req: &mut ServiceRequest) -> Result<Option<String>, AppError> {
    if let Some(v) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return Ok(Some(v.to_string()));
    }
    if let Some(boundary) = multipart_boundary(req) {
        return from_multipart(req, &boundary).await;
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

#[cfg(test)]
mod tests {
    use super::first_part_token;

    const B: &str = "xyz";

    #[test]
    fn the_token_is_the_first_part_of_a_multipart_form() {
        let body = b"--xyz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n\x89PNG";
        assert_eq!(first_part_token(body, B), Some(Some("abc123".into())));
        // Cut anywhere before the token's end: more bytes are needed.
        for cut in [0, 3, 10, 50, 60] {
            assert_eq!(first_part_token(&body[..cut], B), None, "cut at {cut}");
        }
    }

    #[test]
    fn another_first_part_or_another_boundary_has_no_token() {
        let file_first = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"_csrf\"\r\n\r\nabc\r\n--xyz\r\n";
        assert_eq!(first_part_token(file_first, B), Some(None));
        let named_file = b"--xyz\r\nContent-Disposition: form-data; name=\"_csrf\"; filename=\"t\"\r\n\r\nabc\r\n--xyz\r\n";
        assert_eq!(first_part_token(named_file, B), Some(None));
        let other =
            b"--abc\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--abc\r\n";
        assert_eq!(first_part_token(other, B), Some(None));
    }
}
