//! The backoffice: one module per screen family, each with `routes(cfg)`.

pub mod account;
pub mod api_clients;
pub mod assets;
pub mod audit_export;
pub mod audit_log;
pub mod auth;
pub mod confirm;
pub mod country_options;
pub mod csrf;
pub mod csv;
pub mod customers;
pub mod dashboard;
pub mod errors;
pub mod extract;
pub mod flash;
pub mod form;
pub mod health;
pub mod htmx;
pub mod languages;
pub mod layout;
pub mod list;
pub mod locations;
pub mod mail_footer;
pub mod meetings;
pub mod once;
pub mod organization;
pub mod organization_billing;
pub mod organization_new;
pub mod outbox;
pub mod password_reset;
pub mod platform;
pub mod preferences;
pub mod record_page;
pub mod setup;
pub mod shared_html;
pub mod subscription;
pub mod users;
pub mod webhooks;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::error::AppError;

/// Mount every screen.
pub fn routes(cfg: &mut web::ServiceConfig) {
    health::routes(cfg);
    assets::routes(cfg);
    setup::routes(cfg);
    auth::routes(cfg);
    password_reset::routes(cfg);
    dashboard::routes(cfg);
    locations::routes(cfg);
    meetings::routes(cfg);
    customers::routes(cfg);
    account::routes(cfg);
    preferences::routes(cfg);
    api_clients::routes(cfg);
    webhooks::routes(cfg);
    // Before `organization`: its `/settings/organization/{kind}` would
    // take `billing`.
    organization_billing::routes(cfg);
    organization_new::routes(cfg);
    subscription::routes(cfg);
    organization::routes(cfg);
    languages::routes(cfg);
    audit_log::routes(cfg);
    audit_export::routes(cfg);
    users::routes(cfg);
    mail_footer::routes(cfg);
    outbox::routes(cfg);
    platform::routes(cfg);
}

thread_local! {
    /// The length of the last page each template gave on this thread.
    static LAST_LEN: std::cell::RefCell<std::collections::HashMap<&'static str, usize>> =
        Default::default();
}

/// Render a template into a string sized by the last page of its kind, so
/// a big page is written once instead of being copied as the string grows.
pub fn render_html<T: Template>(page: &T) -> Result<String, AppError> {
    let kind = std::any::type_name::<T>();
    let last = LAST_LEN.with(|m| m.borrow().get(kind).copied());
    let hint = last.unwrap_or(T::SIZE_HINT);
    let mut html = String::with_capacity(hint + hint / 8);
    page.render_into(&mut html)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    if last != Some(html.len()) {
        LAST_LEN.with(|m| m.borrow_mut().insert(kind, html.len()));
    }
    Ok(html)
}

/// Render a template with a status.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    let body = render_html(page)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Render with 200.
pub fn page<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, page)
}

/// 303 See Other to `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Where "come back here" links of this page should point: the request's
/// own path for a GET; for a form post answered with a page (errors), the
/// page the form was on (same-origin `Referer`), else `/`.
pub fn return_path(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        return req
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.to_string());
    }
    let host = req.connection_info().host().to_string();
    req.headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.strip_prefix(host.as_str()))
        .map(|p| safe_next(Some(p)))
        .unwrap_or_else(|| "/".to_string())
}

/// A path of this site to return to (`next`, a `Referer`), or `/`: never
/// another site, whatever a browser makes of it.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

/// Is `p` a path that, resolved against this site's address, stays on this
/// site? It starts with one `/` (not two: `//host` is another site), holds
/// only printable ASCII with no backslash (browsers read `/\host` as
/// `//host`, and drop tabs and newlines, so `/\t/host` is `//host` too), and
/// the same holds for what it decodes to (`%09`, `%5C`, `%2F%2F`, and those
/// encoded again).
fn is_local_path(p: &str) -> bool {
    if p.len() > 2048 {
        return false;
    }
    let mut layer = p.as_bytes().to_vec();
    // Three rounds of decoding cover anything encoded up to three times;
    // what still decodes further is refused.
    for _ in 0..4 {
        let printable = layer
            .iter()
            .all(|&b| (0x20..0x7f).contains(&b) && b != b'\\');
        if !printable || !layer.starts_with(b"/") || layer.starts_with(b"//") {
            return false;
        }
        let decoded = percent_decode(&layer);
        if decoded == layer {
            return true;
        }
        layer = decoded;
    }
    false
}

/// `%XX` decoded (anything else, including a lone `%`, kept as it is).
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match (
            s[i],
            s.get(i + 1).copied().and_then(hex),
            s.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_of_this_site_or_home() {
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\u{7f}/x",
            "/%09/evil.example",
            "/%0A/evil.example",
            "/%5c/evil.example",
            "/%2f/evil.example",
            "/%252f/evil.example",
            "/%25252f/evil.example",
            "/%2525252f/evil.example",
            "/caf\u{e9}",
            "https://evil.example",
            "javascript:alert(1)",
            " /x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        for good in [
            "/",
            "/customers?q=de%20boer",
            "/a/b?c=%2Fd",
            "/100%",
            "/x%zz",
        ] {
            assert_eq!(safe_next(Some(good)), good, "{good:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
