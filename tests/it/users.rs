//! Settings → Users: members, invitations (link once, outbox, single use,
//! expiry), role changes, removal, disabling, the last-admin rule.

use awc::http::StatusCode;

use crate::support::*;

async fn membership_of(app: &TestApp, email: &'static str) -> String {
    let org = crate::support::api::org_id(app, false).await;
    membership(app, email, &org).await
}

pub fn link_of(body: &str) -> String {
    let at = body
        .find("id=\"invite-link\" type=\"text\" value=\"")
        .expect("the link is shown");
    let rest = &body[at + 36..];
    rest[..rest.find('"').unwrap()].to_string()
}

pub fn path_of(link: &str) -> String {
    link[link.find("/invitations/").unwrap()..].to_string()
}

#[actix_web::test]
async fn invite_accept_new_account() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let list = admin.get("/settings/users").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(STAFF) && list.body.contains("Mo Medewerker"));
    let res = admin
        .post(
            "/settings/users/invite",
            &[("email", "Nieuw@Collega.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let shown = admin.get("/settings/users").await;
    assert!(shown.body.contains("Uitnodiging verstuurd."));
    let link = link_of(&shown.body);
    assert!(link.starts_with(&app.state.config.public_url));
    // Shown once.
    assert!(
        !admin
            .get("/settings/users")
            .await
            .body
            .contains("id=\"invite-link\"")
    );
    // Stored only as a hash, and written to the outbox without the token
    // (the sent mail gets a token of its own: see security::invitation_mail).
    let token = link.rsplit('/').next().unwrap().to_string();
    let hash = portaal::crypto::sha256_hex(token.as_bytes());
    let sql: &'static str = Box::leak(
        format!("SELECT COUNT(*) AS n FROM invitations WHERE token_hash = '{hash}'")
            .into_boxed_str(),
    );
    assert_eq!(app.count(sql).await, 1);
    let sql: &'static str = Box::leak(
        format!("SELECT COUNT(*) AS n FROM invitations WHERE token_hash LIKE '%{token}%'")
            .into_boxed_str(),
    );
    assert_eq!(app.count(sql).await, 0);
    let sql: &'static str = Box::leak(
        format!("SELECT COUNT(*) AS n FROM mail_outbox WHERE body_text LIKE '%{token}%' OR body_html LIKE '%{token}%'").into_boxed_str(),
    );
    assert_eq!(app.count(sql).await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE recipient = 'nieuw@collega.test' AND body_text LIKE '%/invitations/[token: alleen in de verzonden mail%'")
            .await,
        1
    );
    let outbox = admin.get("/settings/outbox").await;
    assert!(outbox.body.contains("nieuw@collega.test"));
    // Accepting creates the account and logs in.
    let mut newcomer = app.client();
    let page = newcomer.get(&path_of(&link)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Uitnodiging voor Demo BV"));
    let bad = newcomer
        .post(
            &path_of(&link),
            &[
                ("name", ""),
                ("password", "kort"),
                ("password_confirm", "kort"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Vul dit veld in."));
    let ok = newcomer
        .post(
            &path_of(&link),
            &[
                ("name", "Nina Nieuw"),
                ("password", "een-lang-wachtwoord"),
                ("password_confirm", "een-lang-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let dash = newcomer.get("/").await;
    assert!(dash.body.contains("Welkom, Nina Nieuw"));
    assert!(dash.body.contains("Medewerker"));
    // Single use.
    let mut again = app.client();
    assert_eq!(
        again.get(&path_of(&link)).await.status,
        StatusCode::NOT_FOUND
    );
    let reuse = again
        .post(
            &path_of(&link),
            &[
                ("name", "Dief"),
                ("password", "een-lang-wachtwoord"),
                ("password_confirm", "een-lang-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(reuse.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users WHERE name = 'Dief'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'invitation.accepted'")
            .await,
        1
    );
}

#[actix_web::test]
async fn invitation_expires_after_seven_days() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    admin
        .post(
            "/settings/users/invite",
            &[("email", "later@x.test"), ("role", "TENANT.BACKOFFICE")],
        )
        .await;
    let link = link_of(&admin.get("/settings/users").await.body);
    app.clock
        .advance(chrono::Duration::days(7) + chrono::Duration::minutes(1));
    let mut late = app.client();
    let page = late.get(&path_of(&link)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn invite_refuses_bad_input() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    for (email, role, message) in [
        (
            "geen-adres",
            "TENANT.ACCESS",
            "Vul een geldig e-mailadres in.",
        ),
        ("", "TENANT.ACCESS", "Vul dit veld in."),
        (STAFF, "TENANT.ACCESS", "al lid van de organisatie"),
        ("x@y.test", "TENANT.GOD", "Kies een van de mogelijkheden."),
    ] {
        let res = admin
            .post(
                "/settings/users/invite",
                &[("email", email), ("role", role)],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email} {role}"
        );
        assert!(res.body.contains(message), "{email}: {message}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM invitations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM mail_outbox").await, 0);
}

#[actix_web::test]
async fn roles_removal_and_the_last_admin() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let me = membership_of(&app, ADMIN).await;
    let staff = membership_of(&app, STAFF).await;
    // The only admin cannot demote, remove or disable themselves.
    let res = admin
        .post(
            &format!("/settings/users/{me}/role"),
            &[("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("minstens één beheerder"));
    assert_eq!(
        admin
            .post(&format!("/settings/users/{me}/remove"), &[])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        admin
            .post(&format!("/settings/users/{me}/disable"), &[])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Promote the staff member; now the first admin may step down.
    let res = admin
        .post(
            &format!("/settings/users/{staff}/role"),
            &[("role", "TENANT.BACKOFFICE")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = admin
        .post(
            &format!("/settings/users/{me}/role"),
            &[("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'membership.role_changed'"
        )
        .await,
        2
    );
    // Now staff, the first admin is refused the users screen.
    assert_eq!(
        admin.get("/settings/users").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn remove_and_disable_ask_first_and_take_effect() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mut staff_client = app.login(STAFF).await;
    let staff = membership_of(&app, STAFF).await;
    let confirm = admin.get(&format!("/settings/users/{staff}/disable")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Mo Medewerker"));
    let res = admin
        .post(&format!("/settings/users/{staff}/disable"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The staff member's session loses the organisation at once; the
    // account still logs in, into no organisation (it had only this one).
    let page = staff_client.get("/").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("geen lid (meer) van een organisatie"));
    let mut again = app.client();
    assert_eq!(
        again.login(STAFF, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(again.get("/locations").await.status, StatusCode::FORBIDDEN);
    admin
        .post(&format!("/settings/users/{staff}/enable"), &[])
        .await;
    assert_eq!(staff_client.get("/").await.status, StatusCode::OK);
    let mut staff_again = app.login(STAFF).await;
    assert_eq!(staff_again.get("/").await.status, StatusCode::OK);
    let confirm = admin.get(&format!("/settings/users/{staff}/remove")).await;
    assert!(confirm.body.contains("verliest direct de toegang"));
    let res = admin
        .post(&format!("/settings/users/{staff}/remove"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Still logged in, but in no organisation: no page of one opens.
    let res = staff_again.get("/customers").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("geen lid (meer) van een organisatie"));
    assert!(!admin.get("/settings/users").await.body.contains(STAFF));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'membership.removed'")
            .await,
        1
    );
}

#[actix_web::test]
async fn users_screens_are_tenant_scoped_and_admin_only() {
    let app = TestApp::demo().await;
    let staff_membership = membership_of(&app, STAFF).await;
    let mut staff = app.login(STAFF).await;
    assert_eq!(
        staff.get("/settings/users").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff.get("/settings/outbox").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff
            .post(
                "/settings/users/invite",
                &[("email", "x@y.test"), ("role", "TENANT.BACKOFFICE")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash).unwrap()
    })
    .await;
    let mut other = app.login("baas@ander.test").await;
    assert!(!other.get("/settings/users").await.body.contains(STAFF));
    for path in [
        format!("/settings/users/{staff_membership}/remove"),
        format!("/settings/users/{staff_membership}/disable"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(
            other.post(&path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let res = other
        .post(
            &format!("/settings/users/{staff_membership}/role"),
            &[("role", "TENANT.BACKOFFICE")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM memberships WHERE disabled = TRUE")
            .await,
        0
    );
}
