//! What a request tells every door alike: who is calling from where (the
//! client address), which language they read, and the shared state.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Lang;

/// The cookie remembering a language picked in the switch.
pub const LANG_COOKIE: &str = "portaal_lang";
/// The caller's address (the TCP peer: forwarded headers are not trusted).
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl ClientIp {
    /// From a request.
    pub fn of(req: &HttpRequest) -> Self {
        ClientIp(
            req.peer_addr()
                .map_or_else(|| "unknown".to_string(), |a| a.ip().to_string()),
        )
    }
}

impl FromRequest for ClientIp {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Self::of(req)))
    }
}

/// The language cookie (a choice made in the switch).
pub fn cookie_lang(req: &HttpRequest) -> Option<Lang> {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
}

/// The browser's preference.
pub fn accept_lang(req: &HttpRequest) -> Option<Lang> {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
}

/// The language of a request without a logged-in user: the choice made in
/// the switch, else `Accept-Language`.
pub fn request_lang(req: &HttpRequest) -> Option<Lang> {
    cookie_lang(req).or_else(|| accept_lang(req))
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(request_lang(req).unwrap_or_default()))
    }
}

/// The shared state, from any request.
pub fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))
}
