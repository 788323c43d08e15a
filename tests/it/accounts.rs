//! Setup, login, logout, sessions, throttling, CSRF, roles, account page.

use awc::http::StatusCode;

use crate::support::*;

#[actix_web::test]
async fn setup_creates_first_admin_once() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    assert_eq!(c.get("/login").await.location(), "/setup");
    let res = c.get("/setup").await;
    assert_eq!(res.status, StatusCode::OK);
    let res = c
        .post(
            "/setup",
            &[
                ("organization_name", "Acme BV"),
                ("name", "Ada Admin"),
                ("email", "ada@acme.test"),
                ("password", "een-lang-wachtwoord"),
                ("password_confirm", "een-lang-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let dash = c.get("/").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("Ada Admin"));
    assert!(dash.body.contains("Acme BV"));
    // Gone for good, for everyone.
    assert_eq!(c.get("/setup").await.status, StatusCode::NOT_FOUND);
    let mut other = app.client();
    assert_eq!(other.get("/setup").await.status, StatusCode::NOT_FOUND);
    let res = other
        .post(
            "/setup",
            &[
                ("organization_name", "Evil"),
                ("name", "Eve"),
                ("email", "eve@evil.test"),
                ("password", "een-lang-wachtwoord"),
                ("password_confirm", "een-lang-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, 1);
    assert!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'setup.completed'")
            .await
            == 1
    );
}

#[actix_web::test]
async fn setup_rejects_bad_input_and_stores_nothing() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let long = "x".repeat(201);
    let res = c
        .post(
            "/setup",
            &[
                ("organization_name", ""),
                ("name", &long),
                ("email", "not-an-email"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Vul dit veld in."));
    assert!(res.body.contains("Maximaal 200 tekens."));
    assert!(res.body.contains("Vul een geldig e-mailadres in."));
    assert!(res.body.contains("minimaal 10 tekens"));
    assert!(res.body.contains("aria-invalid=\"true\""));
    assert!(res.body.contains("not-an-email"), "input is kept");
    assert!(
        !res.body.contains("value=\"short\""),
        "passwords are never echoed"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organizations").await,
        0
    );
}

#[actix_web::test]
async fn login_and_logout_end_the_session_on_the_server() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    assert_eq!(c.get("/").await.location(), "/login?next=%2F");
    let res = c.login(ADMIN, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/");
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    let stolen = c
        .jar
        .get("portaal_session")
        .cloned()
        .expect("session cookie");
    let res = c.post("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER);
    // A copy of the cookie taken before logout is worthless now.
    let mut thief = app.client();
    thief.jar.insert("portaal_session".into(), stolen);
    assert_eq!(thief.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.logout'")
            .await,
        1
    );
}

#[actix_web::test]
async fn login_gives_a_new_session_id() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    // An anonymous session (language choice etc.) exists before login …
    c.post("/language", &[("lang", "en"), ("next", "/login")])
        .await;
    let before = c.jar.get("portaal_session").cloned();
    let csrf_before = c.csrf().await;
    c.login(ADMIN, PASSWORD).await;
    let after = c
        .jar
        .get("portaal_session")
        .cloned()
        .expect("session after login");
    assert_ne!(before, Some(after), "session id changes at login");
    assert_ne!(
        csrf_before,
        c.csrf().await,
        "the CSRF token is renewed at login"
    );
}

#[actix_web::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let a = c.login(ADMIN, "wrong-password").await;
    let b = c.login("nobody@demo.portaal.test", "wrong-password").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.status, StatusCode::UNAUTHORIZED);
    assert!(a.body.contains("E-mailadres of wachtwoord is onjuist."));
    assert!(b.body.contains("E-mailadres of wachtwoord is onjuist."));
    assert!(!a.body.contains("wrong-password"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM login_attempts WHERE succeeded = FALSE")
            .await,
        2
    );
    // One event per organisation of the admin (two), one without organisation.
    let failures = app
        .count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.login_failed'")
        .await;
    assert_eq!(failures, 3);
    // Empty form: a clear message, nothing recorded.
    let res = c.login("", "").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Vul dit veld in."));
}

#[actix_web::test]
async fn throttles_after_five_failures_per_account() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    for _ in 0..5 {
        assert_eq!(
            c.login(STAFF, "wrong-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused now, with a translated wait.
    let res = c.login(STAFF, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.body.contains("Probeer het over 15 minuten opnieuw."),
        "{}",
        res.body
    );
    assert!(res.header("retry-after").is_some());
    // Another account is not affected.
    assert_eq!(c.login(ADMIN, PASSWORD).await.status, StatusCode::SEE_OTHER);
    // After the window, the account may try again.
    app.clock.advance(chrono::Duration::minutes(16));
    let mut c = app.client();
    assert_eq!(c.login(STAFF, PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn throttles_per_ip_across_accounts() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    for i in 0..app.state.config.login_ip_limit {
        let email = format!("guess{i}@demo.portaal.test");
        assert_eq!(
            c.login(&email, "x-wrong-x").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let res = c.login(ADMIN, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn state_changes_need_the_csrf_token() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    // Missing token.
    let res = c
        .post_raw(
            "/account",
            &[("name", "Hacked"), ("language", ""), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Het formulier is verlopen of ongeldig"));
    // Forged token.
    let forged = "0".repeat(64);
    let res = c
        .post_raw(
            "/account",
            &[
                ("name", "Hacked"),
                ("language", ""),
                ("version", "1"),
                ("_csrf", &forged),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Right token, but from another site.
    let token = c.csrf().await;
    let res = c
        .post_with(
            "/account",
            &[("name", "Hacked"), ("_csrf", &token)],
            &[("Origin", "https://evil.example")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Logout and login are protected too.
    assert_eq!(
        c.post_raw("/logout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut anon = app.client();
    let res = anon
        .post_raw("/login", &[("email", ADMIN), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let name: String = app
        .db(|c| {
            portaal::domain::users::find_by_email(c, ADMIN)
                .unwrap()
                .unwrap()
                .name
        })
        .await;
    assert_eq!(name, "Bea Beheer", "nothing stored");
    // The header works for htmx requests.
    let res = c
        .post_with(
            "/account",
            &[("name", "Bea B."), ("language", ""), ("version", "1")],
            &[("X-CSRF-Token", &token)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}
