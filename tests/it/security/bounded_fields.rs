//! Finding 5 (medium): a 200 KB `client_id` was stored whole in the failures
//! table. Every field a stranger sends is bounded before it reaches storage.

use awc::http::StatusCode;

use super::*;
use crate::support::api::{new_client, oauth};

#[actix_web::test]
async fn strangers_fields_are_bounded_before_storage() {
    let app = TestApp::demo().await;
    let (_, id, _) = new_client(&app, false, "Koppeling", "read:locations").await;
    let huge = "x".repeat(200_000);
    // A huge client id, in the form and in HTTP Basic.
    for path in ["/oauth/token", "/oauth/revoke", "/oauth/introspect"] {
        let a = oauth(
            &app,
            path,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &huge),
                ("client_secret", "pcs_wrong"),
                ("token", "pat_x"),
            ],
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{path}");
        let a = oauth(
            &app,
            path,
            &[("grant_type", "client_credentials"), ("token", "pat_x")],
            Some((&huge[..6000], "pcs_wrong")),
        )
        .await;
        assert!(a.status.is_client_error(), "{path}: {}", a.status);
        // A huge secret for a real client: refused, nothing of it kept.
        let a = oauth(
            &app,
            path,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &huge),
                ("token", "pat_x"),
            ],
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM oauth_failures WHERE length(client_id) > 64 OR length(ip) > 64")
            .await,
        0
    );
    // Logins: a long e-mail, and a password typed into the e-mail field.
    let mut c = app.client();
    let long_email = format!("{}@x.test", "a".repeat(50_000));
    assert_eq!(
        c.login(&long_email, "wachtwoord").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM login_attempts WHERE length(email) > 254")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE length(actor_label) > 254")
            .await,
        0
    );
}

#[actix_web::test]
async fn a_huge_scope_request_is_refused_not_stored() {
    let app = TestApp::demo().await;
    let (_, id, secret) = new_client(&app, false, "Koppeling", "read:locations").await;
    let scope = vec!["read:locations"; 5_000].join(" ");
    let a = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "client_credentials"), ("scope", &scope)],
        Some((&id, &secret)),
    )
    .await;
    assert!(
        a.status == StatusCode::OK || a.status == StatusCode::BAD_REQUEST,
        "{}",
        a.text
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM access_tokens WHERE length(scopes) > 2000")
            .await,
        0
    );
}
