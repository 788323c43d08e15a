//! "Forgotten password": a link by mail through the outbox, the same answer
//! for every e-mail, throttled, single use, an hour, ending other logins.

use awc::http::StatusCode;
use portaal::config::RawConfig;

use crate::mail_delivery::fake_smtp;
use crate::support::*;

type Received = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

async fn app_with_smtp() -> (TestApp, Received) {
    let (port, received) = fake_smtp();
    let app = TestApp::demo_with(RawConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..RawConfig::default()
    })
    .await;
    (app, received)
}

/// The reset link's path in the last mail received.
fn link_in(received: &Received) -> String {
    let all = received.lock().unwrap().join("\n").replace("=\r\n", "");
    let at = all.rfind("/password/reset/").expect("a reset link");
    let token: String = all[at + 16..].chars().take(64).collect();
    format!("/password/reset/{token}")
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_through_a_mailed_link() {
    let (app, received) = app_with_smtp().await;
    let mut old_session = app.login(STAFF).await;
    let mut c = app.client();
    let login = c.get("/login").await;
    assert!(login.body.contains("href=\"/password/forgot\""));
    assert!(login.body.contains("Wachtwoord vergeten?"));
    // The same answer for an account and for an address without one.
    let known = c.post("/password/forgot", &[("email", STAFF)]).await;
    let unknown = c
        .post("/password/forgot", &[("email", "niemand@nergens.test")])
        .await;
    assert_eq!(
        (known.status, unknown.status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(known.body, unknown.body);
    assert!(known.body.contains("De link werkt een uur en één keer."));
    // One mail, for the account; its stored copy holds no token.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE password_reset_id IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM mail_outbox WHERE body_text LIKE '%/password/reset/[token:%'"
        )
        .await,
        1
    );
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (1, 0));
    let link = link_in(&received);
    // Choosing the new password.
    let page = c.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(STAFF));
    let short = c
        .post(&link, &[("password", "kort"), ("password_confirm", "kort")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = c
        .post(
            &link,
            &[
                ("password", "een-nieuw-wachtwoord"),
                ("password_confirm", "een-nieuw-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(c.get("/").await.status, StatusCode::OK, "logged in");
    // Every other login of the account has ended.
    assert_eq!(old_session.get("/").await.status, StatusCode::SEE_OTHER);
    // The new password works, the old one not; the link works once.
    assert_eq!(
        app.client()
            .login(STAFF, "een-nieuw-wachtwoord")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.client().login(STAFF, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.client().get(&link).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.password_reset'")
            .await,
        1
    );
}

#[actix_web::test]
async fn requests_are_throttled_without_saying_so() {
    let (app, _) = app_with_smtp().await;
    let mut c = app.client();
    let first = c.post("/password/forgot", &[("email", STAFF)]).await;
    for _ in 0..5 {
        let again = c.post("/password/forgot", &[("email", STAFF)]).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.body, first.body);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE password_reset_id IS NOT NULL")
            .await,
        portaal::domain::password_resets::EMAIL_LIMIT
    );
    // One address asking for many e-mails is throttled too.
    for i in 0..15 {
        c.post(
            "/password/forgot",
            &[("email", &format!("iemand{i}@x.test"))],
        )
        .await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM password_resets").await,
        portaal::domain::password_resets::IP_LIMIT
    );
}

#[actix_web::test]
async fn the_link_works_for_an_hour() {
    let (app, received) = app_with_smtp().await;
    let mut c = app.client();
    c.post("/password/forgot", &[("email", ADMIN)]).await;
    portaal::jobs::mail::deliver_due(&app.state).await;
    let link = link_in(&received);
    assert_eq!(c.get(&link).await.status, StatusCode::OK);
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(c.get(&link).await.status, StatusCode::NOT_FOUND);
    let res = c
        .post(
            &link,
            &[
                ("password", "een-nieuw-wachtwoord"),
                ("password_confirm", "een-nieuw-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.client().login(ADMIN, PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "the password is unchanged"
    );
}
