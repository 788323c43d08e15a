//! The headers every response carries (CSP, no sniffing, no framing), and
//! behind https: `Secure` on every cookie and `Strict-Transport-Security`.

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::web;

/// The Content-Security-Policy of every response: nothing inline, nothing
/// from elsewhere.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// Security headers on every response.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"))
}

/// Middleware: when Portaal is served over https (`config.secure_cookies`),
/// every cookie is `Secure` and browsers are told to use https only
/// (`Strict-Transport-Security`), whichever handler set the cookie.
pub async fn https_only(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let secure = req
        .app_data::<web::Data<crate::AppState>>()
        .is_some_and(|s| s.config.secure_cookies);
    let mut res = next.call(req).await?;
    if secure {
        let headers = res.headers_mut();
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000"),
        );
        let cookies: Vec<header::HeaderValue> = headers
            .get_all(header::SET_COOKIE)
            .map(|v| match v.to_str().map(actix_web::cookie::Cookie::parse) {
                Ok(Ok(c)) if c.secure() != Some(true) => {
                    header::HeaderValue::from_str(&format!("{}; Secure", v.to_str().unwrap_or("")))
                        .unwrap_or_else(|_| v.clone())
                }
                _ => v.clone(),
            })
            .collect();
        headers.remove(header::SET_COOKIE);
        for c in cookies {
            headers.append(header::SET_COOKIE, c);
        }
    }
    Ok(res)
}
