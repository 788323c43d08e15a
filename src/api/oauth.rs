//! `POST /oauth/token` (RFC 6749 §4.4, client credentials), `POST
//! /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662).
//! Clients authenticate with HTTP Basic or with `client_id` and
//! `client_secret` form fields; errors are the RFC's `{error,
//! error_description}`.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::AppState;
use crate::domain::oauth::{self, Authenticated, TokenError};
use crate::http::request::ClientIp;

/// Mount the three endpoints.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth/token", web::post().to(token))
        .route("/oauth/revoke", web::post().to(revoke))
        .route("/oauth/introspect", web::post().to(introspect));
}

/// How the client authenticated.
enum Method {
    Basic,
    Form,
}

/// An RFC 6749 §5.2 error answer.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    description: String,
    /// The client tried HTTP Basic (a 401 then names the scheme).
    basic: bool,
    retry_after: Option<i64>,
}

impl Refusal {
    fn response(self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"));
        if self.basic && self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"portaal\""));
        }
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        res.json(serde_json::json!({ "error": self.code, "error_description": self.description }))
    }
}

fn error(status: StatusCode, code: &'static str, description: &str, basic: bool) -> Refusal {
    Refusal {
        status,
        code,
        description: description.to_string(),
        basic,
        retry_after: None,
    }
}

fn invalid_request(description: &str) -> Refusal {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        description,
        false,
    )
}

/// Decode `%XX` and `+` (RFC 6749 §2.3.1: Basic credentials are form-encoded).
fn form_decode(s: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&format!("v={s}")).ok()?;
    pairs.into_iter().next().map(|(_, v)| v)
}

/// The form fields of a body (`application/x-www-form-urlencoded` only; a
/// field given twice is a bad request).
fn form(req: &HttpRequest, body: &[u8]) -> Result<HashMap<String, String>, Refusal> {
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "application/x-www-form-urlencoded" {
        return Err(invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| invalid_request("the form body cannot be read"))?;
    let mut fields = HashMap::new();
    for (k, v) in pairs {
        if fields.insert(k.clone(), v).is_some() {
            return Err(invalid_request(&format!("the parameter {k} is repeated")));
        }
    }
    Ok(fields)
}

/// The client's credentials from HTTP Basic or the form, never both.
fn credentials(
    req: &HttpRequest,
    fields: &HashMap<String, String>,
) -> Result<(String, String, Method), Refusal> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, b64)| b64.trim().to_string());
    let in_form = fields.contains_key("client_secret");
    match basic {
        Some(_) if in_form => Err(invalid_request(
            "use one way of client authentication: HTTP Basic or form fields",
        )),
        Some(b64) => {
            let decoded = decode_base64(&b64)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| invalid_request("the Basic credentials cannot be read"))?;
            let (id, secret) = decoded
                .split_once(':')
                .ok_or_else(|| invalid_request("the Basic credentials cannot be read"))?;
            let (Some(id), Some(secret)) = (form_decode(id), form_decode(secret)) else {
                return Err(invalid_request("the Basic credentials cannot be read"));
            };
            Ok((id, secret, Method::Basic))
        }
        None => match (fields.get("client_id"), fields.get("client_secret")) {
            (Some(id), Some(secret)) => Ok((id.clone(), secret.clone(), Method::Form)),
            _ => Err(error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client authentication is missing",
                true,
            )),
        },
    }
}

/// Standard base64 (with or without padding).
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Parse, authenticate; the RFC error answer when either fails.
async fn authenticated(
    req: &HttpRequest,
    state: &AppState,
    body: &[u8],
) -> Result<(HashMap<String, String>, Authenticated, bool), Refusal> {
    let fields = form(req, body)?;
    let (id, secret, method) = credentials(req, &fields)?;
    let basic = matches!(method, Method::Basic);
    match oauth::authenticate_client(&state.checks(), &id, &secret, &ClientIp::of(req).0).await {
        Ok(auth) => Ok((fields, auth, basic)),
        Err(e) => Err(token_error(e, basic)),
    }
}

fn token_error(e: TokenError, basic: bool) -> Refusal {
    match e {
        TokenError::InvalidRequest(why) => invalid_request(why),
        TokenError::InvalidClient => error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
            basic,
        ),
        TokenError::UnauthorizedClient(why) => {
            error(StatusCode::BAD_REQUEST, "unauthorized_client", why, false)
        }
        TokenError::UnsupportedGrantType => error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only grant_type=client_credentials is supported",
            false,
        ),
        TokenError::InvalidScope(scope) => error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("the scope {scope} is unknown or not granted to this client"),
            false,
        ),
        TokenError::Busy { retry_after_secs } => Refusal {
            retry_after: Some(retry_after_secs),
            ..error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                &format!(
                    "too busy to check credentials now; try again in {retry_after_secs} seconds"
                ),
                false,
            )
        },
        TokenError::Throttled { retry_after_secs } => Refusal {
            retry_after: Some(retry_after_secs),
            ..error(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                &format!("too many failed attempts; try again in {retry_after_secs} seconds"),
                false,
            )
        },
        TokenError::Internal(e) => {
            tracing::error!(error = ?e, "token endpoint failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "something went wrong",
                false,
            )
        }
    }
}

/// `POST /oauth/token`.
async fn token(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    // The grant type is checked before the (costly) client authentication.
    let fields = match form(&req, &body) {
        Ok(f) => f,
        Err(refusal) => return refusal.response(),
    };
    match fields.get("grant_type").map(String::as_str) {
        None => return invalid_request("grant_type is missing").response(),
        Some("client_credentials") => {}
        Some(_) => return token_error(TokenError::UnsupportedGrantType, false).response(),
    }
    let (fields, auth, basic) = match authenticated(&req, &state, &body).await {
        Ok(a) => a,
        Err(refusal) => return refusal.response(),
    };
    let (now, lifetime) = (state.clock.now(), state.config.token_lifetime_secs);
    let scope = fields.get("scope").cloned();
    let issued = state
        .db(move |conn| Ok(oauth::issue(conn, now, &auth, scope.as_deref(), lifetime)))
        .await;
    match issued {
        Ok(Ok(t)) => {
            #[derive(Serialize)]
            struct Answer {
                access_token: String,
                token_type: &'static str,
                expires_in: i64,
                scope: String,
            }
            HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .insert_header((header::PRAGMA, "no-cache"))
                .json(Answer {
                    access_token: t.access_token,
                    token_type: "Bearer",
                    expires_in: t.expires_in,
                    scope: t.scope.to_string(),
                })
        }
        Ok(Err(e)) => token_error(e, basic).response(),
        Err(e) => token_error(TokenError::Internal(e), basic).response(),
    }
}

/// `POST /oauth/revoke`: 200 whether or not the token was live, or this
/// client's (RFC 7009 §2.2).
async fn revoke(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let (fields, auth, _) = match authenticated(&req, &state, &body).await {
        Ok(a) => a,
        Err(refusal) => return refusal.response(),
    };
    let Some(token) = fields.get("token").cloned() else {
        return invalid_request("token is missing").response();
    };
    let now = state.clock.now();
    match state
        .db(move |conn| Ok(oauth::revoke(conn, now, &auth.client, &token)?))
        .await
    {
        Ok(()) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        Err(e) => token_error(TokenError::Internal(e), false).response(),
    }
}

/// `POST /oauth/introspect`: `{active: false}` for anything but a live token
/// of this client.
async fn introspect(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let (fields, auth, _) = match authenticated(&req, &state, &body).await {
        Ok(a) => a,
        Err(refusal) => return refusal.response(),
    };
    let Some(token) = fields.get("token").cloned() else {
        return invalid_request("token is missing").response();
    };
    let now = state.clock.now();
    let kept = state.logins.clone();
    let info = state
        .db(move |conn| Ok(oauth::introspect(conn, &kept, now, &auth.client, &token)?))
        .await;
    let body = match info {
        Ok(Some(i)) => serde_json::json!({
            "active": true,
            "scope": i.scope.to_string(),
            "client_id": i.client.client_id,
            "token_type": "Bearer",
            "iat": i.issued_at.and_utc().timestamp(),
            "exp": i.expires_at.and_utc().timestamp(),
            "sub": i.client.client_id,
        }),
        Ok(None) => serde_json::json!({ "active": false }),
        Err(e) => return token_error(TokenError::Internal(e), false).response(),
    };
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}
