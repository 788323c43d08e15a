//! Show a value exactly once on the page a redirect leads to (a new API
//! client secret, an invitation link): the value travels in a short-lived,
//! encrypted cookie scoped to that one path, with a random nonce and the time
//! it was issued. The page that shows it records the nonce as seen (in the
//! database, `domain::once_views`), deletes the cookie and forbids caching: a
//! replayed copy of the cookie shows nothing, and an old one is refused for
//! its age.

use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use chrono::Duration;

use crate::AppState;
use crate::domain::once_views;

const COOKIE: &str = "portaal_once";
/// How long the value waits for its page.
const LIFETIME_MINUTES: i64 = 5;

/// A 303 to `path` carrying `value` for that page only.
pub fn redirect(state: &AppState, path: &str, value: &str) -> HttpResponse {
    let mut res = super::see_other(path);
    let issued = state.clock.now().and_utc().timestamp();
    let nonce = crate::crypto::random_token();
    let mut jar = CookieJar::new();
    jar.private_mut(&state.session_key).add(
        Cookie::build(COOKIE, format!("{issued} {nonce} {value}"))
            .path(path.to_string())
            .http_only(true)
            .secure(state.config.secure_cookies)
            .same_site(SameSite::Strict)
            .max_age(actix_web::cookie::time::Duration::minutes(LIFETIME_MINUTES))
            .finish(),
    );
    for c in jar.delta() {
        let _ = res.add_cookie(c);
    }
    res
}

/// The value waiting for this request, if it was issued moments ago and has
/// not been shown yet; it counts as shown from now on.
pub async fn take(req: &HttpRequest, state: &AppState) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie(COOKIE)?);
    let plain = jar.private(&state.session_key).get(COOKIE)?;
    let mut parts = plain.value().splitn(3, ' ');
    let (issued, nonce, value) = (parts.next()?, parts.next()?, parts.next()?);
    let issued = chrono::DateTime::from_timestamp(issued.parse().ok()?, 0)?.naive_utc();
    let until = issued + Duration::minutes(LIFETIME_MINUTES);
    let now = state.clock.now();
    if now > until || now < issued - Duration::minutes(1) {
        return None;
    }
    let nonce = nonce.to_string();
    let first = state
        .db(move |conn| Ok(once_views::first_view(conn, &nonce, until)?))
        .await;
    match first {
        Ok(true) => Some(value.to_string()),
        Ok(false) => None,
        Err(e) => {
            tracing::error!(error = %e, "could not record a one-time view");
            None
        }
    }
}

/// Make `res` (the page that showed the value) forget it: the cookie goes and
/// nothing may cache the page.
pub fn forget(res: &mut HttpResponse, path: &str) {
    let mut gone = Cookie::build(COOKIE, "").path(path.to_string()).finish();
    gone.make_removal();
    let _ = res.add_cookie(&gone);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store, max-age=0"),
    );
}
