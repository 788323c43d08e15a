//! htmx: whether a request wants a fragment, and the one way a fragment is
//! answered. A URL that answers both (a list, the week, a customer's
//! contacts) varies on `HX-Request`, and a fragment is never cached (a
//! browser's back button must not show a fragment as a page).

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use askama::Template;

use crate::error::AppError;

/// What htmx asks of this request.
#[derive(Clone, Copy, Debug, Default)]
pub struct Htmx {
    /// htmx made the request (`HX-Request`).
    pub request: bool,
    /// htmx restores a page from history and wants the whole page
    /// (`HX-History-Restore-Request`).
    pub history_restore: bool,
}

impl Htmx {
    /// From a request's headers.
    pub fn of(req: &HttpRequest) -> Self {
        let has = |name: &str| req.headers().contains_key(name);
        Self {
            request: has("HX-Request"),
            history_restore: has("HX-History-Restore-Request"),
        }
    }

    /// A part of the page is wanted, not the whole page.
    pub fn wants_fragment(self) -> bool {
        self.request && !self.history_restore
    }
}

impl FromRequest for Htmx {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Self::of(req)))
    }
}

/// Answer a fragment: HTML, not to be cached, varying on `HX-Request`.
pub fn fragment(html: impl Into<String>) -> HttpResponse {
    let mut res = HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html.into());
    vary(&mut res);
    res
}

/// Answer a template (or one block of it) as a fragment.
pub fn render_fragment(t: &impl Template) -> Result<HttpResponse, AppError> {
    let html = t
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(fragment(html))
}

/// Mark a page whose URL also answers fragments: caches keep the two apart.
pub fn vary(res: &mut HttpResponse) {
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("HX-Request"));
}
