//! Finding 3 (medium): the `next` parameter of `/login` and of the language
//! switch let control characters through: a tab after the first slash left
//! the site in a real browser, a newline answered 500. Only a path of this
//! site is accepted now; anything else goes to `/`.

use awc::http::StatusCode;

use super::*;

/// Where a browser may not be sent: each of these must become `/`.
const HOSTILE: &[&str] = &[
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\nSet-Cookie: x=1",
    "/\u{7f}/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "//evil.example",
    "///evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0D/evil.example",
    "/%5cevil.example",
    "/%5C/evil.example",
    "/%7f/evil.example",
    "/%2f/evil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%250a/evil.example",
    "/%25%30%39/evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    " /dashboard",
    "evil.example",
    "",
];

/// Paths of this site: kept as they are.
const FRIENDLY: &[&str] = &[
    "/customers",
    "/customers?q=de%20boer&pageNumber=2",
    "/meetings/week?week=2026-W48",
    "/settings/api-clients/abc_DEF-123",
];

fn location_is(res: &Res, expected: &str, payload: &str) {
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "{payload:?}: {}",
        res.body
    );
    assert_eq!(res.location(), expected, "{payload:?}");
}

#[actix_web::test]
async fn login_next_accepts_only_a_path_of_this_site() {
    let app = TestApp::demo().await;
    for payload in HOSTILE.iter().chain(FRIENDLY) {
        let expected = if FRIENDLY.contains(payload) {
            *payload
        } else {
            "/"
        };
        // The login form carries it…
        let mut c = app.client();
        let page = c
            .get(&format!(
                "/login?{}",
                serde_urlencoded::to_string([("next", payload)]).unwrap()
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{payload:?}");
        if expected == "/" {
            assert!(
                page.body.contains("name=\"next\" value=\"/\""),
                "{payload:?}"
            );
        }
        // … and the redirect after logging in follows it, or goes home.
        let res = c
            .post(
                "/login",
                &[("email", ADMIN), ("password", PASSWORD), ("next", payload)],
            )
            .await;
        location_is(&res, expected, payload);
        // Already logged in, `/login?next=` redirects at once.
        let res = c
            .get(&format!(
                "/login?{}",
                serde_urlencoded::to_string([("next", payload)]).unwrap()
            ))
            .await;
        location_is(&res, expected, payload);
        // The language switch, logged in…
        let res = c
            .post("/language", &[("lang", "en"), ("next", payload)])
            .await;
        location_is(&res, expected, payload);
        // … and anonymous.
        let mut anonymous = app.client();
        let res = anonymous
            .post("/language", &[("lang", "nl"), ("next", payload)])
            .await;
        location_is(&res, expected, payload);
    }
}
