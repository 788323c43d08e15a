//! Finding 10 (info): introspecting another client's token touched that
//! client's "last used"; cookies were not `Secure` by default behind https,
//! without `Strict-Transport-Security` and without `__Host-` names.

use awc::http::StatusCode;
use chrono::{Duration, Timelike};
use diesel::prelude::*;
use portaal::config::RawConfig;
use portaal::db::schema::{api_client_secrets, api_clients};

use super::*;
use crate::support::api::{new_client, oauth, token_for};

#[actix_web::test]
async fn introspecting_another_clients_token_touches_nothing_of_it() {
    let app = TestApp::demo().await;
    let (a_row, a_id, a_secret) = new_client(&app, false, "A", "read:locations").await;
    let (_, b_id, b_secret) = new_client(&app, false, "B", "read:locations").await;
    let token = token_for(&app, &a_id, &a_secret, None).await;
    // Long enough ago that any use would be written.
    // (Whole seconds: PostgreSQL keeps microseconds.)
    let long_ago = (app.clock.now() - Duration::days(3))
        .with_nanosecond(0)
        .unwrap();
    let row = a_row.clone();
    app.db(move |c| {
        diesel::update(api_clients::table.find(&row))
            .set(api_clients::last_used_at.eq(long_ago))
            .execute(c)
            .unwrap();
        diesel::update(
            api_client_secrets::table.filter(api_client_secrets::api_client_id.eq(&row)),
        )
        .set(api_client_secrets::last_used_at.eq(long_ago))
        .execute(c)
        .unwrap();
    })
    .await;
    let a = oauth(
        &app,
        "/oauth/introspect",
        &[("token", &token)],
        Some((&b_id, &b_secret)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["active"], false);
    let row = a_row.clone();
    let used: (
        Option<chrono::NaiveDateTime>,
        Vec<Option<chrono::NaiveDateTime>>,
    ) = app
        .db(move |c| {
            (
                api_clients::table
                    .find(&row)
                    .select(api_clients::last_used_at)
                    .first(c)
                    .unwrap(),
                api_client_secrets::table
                    .filter(api_client_secrets::api_client_id.eq(&row))
                    .select(api_client_secrets::last_used_at)
                    .load(c)
                    .unwrap(),
            )
        })
        .await;
    assert_eq!(used.0, Some(long_ago), "the client's last use is untouched");
    assert!(used.1.iter().all(|u| *u == Some(long_ago)));
}

#[actix_web::test]
async fn behind_https_cookies_are_secure_host_only_and_hsts_is_sent() {
    let app = TestApp::demo_with(RawConfig {
        public_url: Some("https://portaal.example".into()),
        ..RawConfig::default()
    })
    .await;
    assert!(
        app.state.config.secure_cookies,
        "Secure follows the public URL"
    );
    let mut c = app.client();
    let page = c.get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    let hsts = page.header("strict-transport-security").expect("HSTS");
    assert!(hsts.starts_with("max-age="), "{hsts}");
    let csrf = page
        .set_cookie("__Host-portaal_csrf")
        .unwrap_or_else(|| panic!("{:?}", page.set_cookies));
    for part in ["Secure", "Path=/", "HttpOnly"] {
        assert!(csrf.contains(part), "{csrf}");
    }
    assert!(!csrf.contains("Domain"), "{csrf}");
    // Logging in (the test talks plain HTTP to the app behind the proxy).
    let token = page.csrf().unwrap();
    let res = c
        .post_raw(
            "/login",
            &[("email", ADMIN), ("password", PASSWORD), ("_csrf", &token)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let session = res
        .set_cookie("__Host-portaal_session")
        .unwrap_or_else(|| panic!("{:?}", res.set_cookies));
    for part in ["Secure", "Path=/", "HttpOnly"] {
        assert!(session.contains(part), "{session}");
    }
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "the renamed cookies work");
    // An explicit PORTAAL_SECURE_COOKIES=false still wins (and then no HSTS).
    let plain = TestApp::demo_with(RawConfig {
        public_url: Some("https://portaal.example".into()),
        secure_cookies: Some("false".into()),
        ..RawConfig::default()
    })
    .await;
    let page = plain.client().get("/login").await;
    assert!(page.set_cookie("portaal_csrf").is_some());
    assert!(page.header("strict-transport-security").is_none());
    // Over plain http nothing changes.
    let page = TestApp::demo().await.client().get("/login").await;
    assert!(page.set_cookie("portaal_csrf").is_some());
    assert!(page.header("strict-transport-security").is_none());
}
