//! Show a value exactly once on the page a redirect leads to (a new API
//! client secret, an invitation link): the value travels in a short-lived,
//! encrypted cookie scoped to that one path, and the page that shows it
//! deletes the cookie and forbids caching. It never touches the database.

use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::AppState;

const COOKIE: &str = "portaal_once";

/// A 303 to `path` carrying `value` for that page only.
pub fn redirect(state: &AppState, path: &str, value: &str) -> HttpResponse {
    let mut res = super::see_other(path);
    let mut jar = CookieJar::new();
    jar.private_mut(&state.session_key).add(
        Cookie::build(COOKIE, value.to_string())
            .path(path.to_string())
            .http_only(true)
            .secure(state.config.secure_cookies)
            .same_site(SameSite::Strict)
            .max_age(actix_web::cookie::time::Duration::minutes(5))
            .finish(),
    );
    for c in jar.delta() {
        let _ = res.add_cookie(c);
    }
    res
}

/// The value waiting for this request, if any (decrypted and checked).
pub fn peek(req: &HttpRequest, state: &AppState) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie(COOKIE)?);
    jar.private(&state.session_key)
        .get(COOKIE)
        .map(|c| c.value().to_string())
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
