//! Finding 8 (low): replaying the captured one-time cookie showed an API
//! client's secret again. The one-time view is recorded server-side: a
//! second view of the same value shows nothing.

use awc::http::StatusCode;

use super::*;

#[actix_web::test]
async fn a_replayed_one_time_cookie_shows_nothing() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    // An API client's secret.
    let res = admin
        .post(
            "/settings/api-clients",
            &[
                ("name", "Koppeling"),
                ("description", ""),
                ("expires_on", ""),
                ("scope", "read:locations"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = res.location();
    let captured = admin.jar.get("portaal_once").cloned().expect("the cookie");
    let first = admin.get(&page).await;
    assert!(first.body.contains("value=\"pcs_"), "shown once");
    admin.jar.insert("portaal_once".into(), captured.clone());
    let replay = admin.get(&page).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert!(!replay.body.contains("pcs_"), "not twice");
    // Nor in another browser of the same admin.
    let mut other = app.login(ADMIN).await;
    other.jar.insert("portaal_once".into(), captured);
    assert!(!other.get(&page).await.body.contains("pcs_"));

    // The invitation link likewise.
    let res = admin
        .post(
            "/settings/users/invite",
            &[("email", "nieuw@collega.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let captured = admin.jar.get("portaal_once").cloned().expect("the cookie");
    assert!(
        admin
            .get("/settings/users")
            .await
            .body
            .contains("id=\"invite-link\"")
    );
    admin.jar.insert("portaal_once".into(), captured);
    assert!(
        !admin
            .get("/settings/users")
            .await
            .body
            .contains("id=\"invite-link\"")
    );
}
