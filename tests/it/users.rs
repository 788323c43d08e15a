//! Settings → Users: members, invitations (link once, outbox, single use,
//! expiry), role changes, removal, disabling, the last-admin rule.

use awc::http::StatusCode;

use crate::support::*;

/// Invitations and mail other than the demo's (its invitation whose mail
/// bounced).
const NOT_DEMO_INVITATIONS: &str =
    "SELECT COUNT(*) AS n FROM invitations WHERE email <> 'sanne.visser@demo.portaal.test'";
const NOT_DEMO_MAIL: &str =
    "SELECT COUNT(*) AS n FROM mail_outbox WHERE recipient <> 'sanne.visser@demo.portaal.test'";

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
    assert!(
        shown
            .body
            .contains("Uitnodiging voor nieuw@collega.test in de outbox gezet"),
        "no mail server: the flash says where the invitation is"
    );
    assert!(!shown.body.contains("verstuurd naar"));
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
        .accept_invitation(&path_of(&link), "Nina Nieuw")
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
    let reuse = again.accept_invitation(&path_of(&link), "Dief").await;
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
    assert_eq!(app.count(NOT_DEMO_INVITATIONS).await, 0);
    assert_eq!(app.count(NOT_DEMO_MAIL).await, 0);
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
    let mut other = app.other_admin().await;
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

// ------------------------------------------------------------ invitations

/// `sql` counted (a query built at run time).
async fn count_of(app: &TestApp, sql: String) -> i64 {
    app.count(Box::leak(sql.into_boxed_str())).await
}

/// The id and expiry of the open invitation of `email`.
async fn invitation_of(app: &TestApp, email: &'static str) -> (String, chrono::NaiveDateTime) {
    use diesel::prelude::*;
    use portaal::db::schema::invitations;
    app.db(move |c| {
        invitations::table
            .filter(invitations::email.eq(email))
            .filter(invitations::accepted_at.is_null())
            .select((invitations::id, invitations::expires_at))
            .first(c)
            .unwrap()
    })
    .await
}

async fn invite(admin: &mut Client, email: &str) -> Res {
    admin
        .post(
            "/settings/users/invite",
            &[("email", email), ("role", "TENANT.ACCESS")],
        )
        .await
}

/// The token of the last link to `/invitations/` in what the fake SMTP
/// server received.
fn last_mailed_token(received: &std::sync::Mutex<Vec<String>>) -> String {
    let got = received.lock().unwrap().join("\n").replace("=\r\n", "");
    let at = got.rfind("/invitations/").expect("a link was mailed");
    got[at + 13..].chars().take(64).collect()
}

#[actix_web::test]
async fn a_second_invitation_for_a_pending_address_is_refused() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    assert_eq!(
        invite(&mut admin, "dubbel@x.test").await.status,
        StatusCode::SEE_OTHER
    );
    // Another spelling of the same address.
    let res = invite(&mut admin, " Dubbel@X.test").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body
            .contains("id=\"f-email-error\">Dit adres heeft al een openstaande uitnodiging"),
        "the error is at the field: {}",
        res.body
    );
    assert!(
        res.body.contains("Opnieuw versturen"),
        "resend is suggested"
    );
    assert!(res.body.contains("href=\"#f-email\""), "in the summary too");
    assert_eq!(app.count(NOT_DEMO_INVITATIONS).await, 1);
    assert_eq!(app.count(NOT_DEMO_MAIL).await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'invitation.created' AND after_json LIKE '%dubbel@x.test%'")
            .await,
        1
    );
    // In English.
    let mut english = app.login(ADMIN).await;
    english.post("/language", &[("lang", "en")]).await;
    let res = invite(&mut english, "dubbel@x.test").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("This address already has an open invitation"),
        "{}",
        res.body
    );
    // Once it has expired, the address may be invited afresh.
    app.clock.advance(chrono::Duration::days(8));
    let mut admin = app.login(ADMIN).await;
    assert_eq!(
        invite(&mut admin, "dubbel@x.test").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.count(NOT_DEMO_INVITATIONS).await, 2);
}

#[actix_web::test]
async fn inviting_a_member_is_refused_even_a_disabled_one() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let staff = membership_of(&app, STAFF).await;
    let res = admin
        .post(&format!("/settings/users/{staff}/disable"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let shouted = STAFF.to_uppercase();
    let res = invite(&mut admin, &shouted).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("id=\"f-email-error\">Deze persoon is al lid van de organisatie."),
        "{}",
        res.body
    );
    assert_eq!(app.count(NOT_DEMO_INVITATIONS).await, 0);
    assert_eq!(app.count(NOT_DEMO_MAIL).await, 0);
}

#[actix_web::test]
async fn revoke_asks_first_then_the_link_no_longer_works() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    invite(&mut admin, "weg@x.test").await;
    let link = link_of(&admin.get("/settings/users").await.body);
    let (id, _) = invitation_of(&app, "weg@x.test").await;
    let list = admin.get("/settings/users").await;
    assert!(
        list.body.contains(&format!(
            "href=\"/settings/users/invitations/{id}/revoke\" aria-label=\"Uitnodiging voor weg@x.test intrekken\">Intrekken</a>"
        )),
        "{}",
        list.body
    );
    assert!(list.body.contains(
        "type=\"submit\" aria-label=\"Uitnodiging voor weg@x.test opnieuw versturen\">Opnieuw versturen</button>"
    ));
    // Asked first; nothing happens yet.
    let confirm = admin
        .get(&format!("/settings/users/invitations/{id}/revoke"))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm
            .body
            .contains("De uitnodiging voor weg@x.test werkt meteen niet meer")
    );
    assert!(confirm.body.contains(&format!(
        "action=\"/settings/users/invitations/{id}/revoke\""
    )));
    assert_eq!(
        app.client().get(&path_of(&link)).await.status,
        StatusCode::OK
    );
    // Without the CSRF token: refused.
    assert_eq!(
        admin
            .post_raw(&format!("/settings/users/invitations/{id}/revoke"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let res = admin
        .post(&format!("/settings/users/invitations/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let list = admin.get("/settings/users").await;
    assert!(list.body.contains("Uitnodiging ingetrokken."));
    assert!(!list.body.contains("weg@x.test"));
    // The link says the invitation is no longer valid, and accepts nothing.
    let mut invitee = app.client();
    let page = invitee.get(&path_of(&link)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        page.body.contains("Uitnodiging niet meer geldig"),
        "{}",
        page.body
    );
    assert!(page.body.contains("ingetrokken"));
    let res = invitee.accept_invitation(&path_of(&link), "Wim Weg").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users WHERE email = 'weg@x.test'")
            .await,
        0
    );
    // Its unsent mail is canceled; the revocation is audited with what it was.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE recipient = 'weg@x.test' AND status = 'canceled'")
            .await,
        1
    );
    assert_eq!(
        count_of(
            &app,
            format!("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'invitation.revoked' AND resource_id = '{id}' AND before_json LIKE '%weg@x.test%'")
        )
        .await,
        1
    );
    let audit = admin.get("/settings/audit-log").await;
    assert!(
        audit.body.contains("Uitnodiging ingetrokken"),
        "{}",
        audit.body
    );
    // Gone: a second revoke finds nothing.
    assert_eq!(
        admin
            .post(&format!("/settings/users/invitations/{id}/revoke"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn invitation_actions_are_admin_only_and_tenant_scoped() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    invite(&mut admin, "eigen@x.test").await;
    let (id, _) = invitation_of(&app, "eigen@x.test").await;
    let revoke = format!("/settings/users/invitations/{id}/revoke");
    let resend = format!("/settings/users/invitations/{id}/resend");
    app.clock.advance(chrono::Duration::minutes(5));
    let mut staff = app.login(STAFF).await;
    assert_eq!(staff.get(&revoke).await.status, StatusCode::FORBIDDEN);
    assert_eq!(staff.post(&revoke, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(staff.post(&resend, &[]).await.status, StatusCode::FORBIDDEN);
    let mut other = app.other_admin().await;
    assert!(
        !other
            .get("/settings/users")
            .await
            .body
            .contains("eigen@x.test")
    );
    assert_eq!(other.get(&revoke).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.post(&revoke, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.post(&resend, &[]).await.status, StatusCode::NOT_FOUND);
    // Unknown ids too.
    assert_eq!(
        admin
            .post("/settings/users/invitations/no-such-id/resend", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Nothing changed.
    assert_eq!(
        count_of(
            &app,
            format!("SELECT COUNT(*) AS n FROM invitations WHERE id = '{id}'")
        )
        .await,
        1
    );
    assert_eq!(app.count(NOT_DEMO_MAIL).await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action IN ('invitation.revoked', 'invitation.resent')")
            .await,
        0
    );
}

#[actix_web::test]
async fn resend_mails_a_fresh_link_and_the_old_ones_stop() {
    use portaal::config::RawConfig;
    let (port, received) = crate::mail_delivery::fake_smtp();
    let app = TestApp::demo_with(RawConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..RawConfig::default()
    })
    .await;
    let mut admin = app.login(ADMIN).await;
    invite(&mut admin, "opnieuw@x.test").await;
    let shown = admin.get("/settings/users").await;
    assert!(
        shown
            .body
            .contains("Uitnodiging verstuurd naar opnieuw@x.test."),
        "a mail server: the flash says sent, to whom"
    );
    let first_link = path_of(&link_of(&shown.body));
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (1, 0));
    let first_mailed = format!("/invitations/{}", last_mailed_token(&received));
    assert_eq!(app.client().get(&first_mailed).await.status, StatusCode::OK);
    let (id, first_expiry) = invitation_of(&app, "opnieuw@x.test").await;

    // Two days later (logged in again): resend.
    app.clock.advance(chrono::Duration::days(2));
    let mut admin = app.login(ADMIN).await;
    let resend = format!("/settings/users/invitations/{id}/resend");
    let res = admin.post(&resend, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let shown = admin.get("/settings/users").await;
    assert!(
        shown
            .body
            .contains("Uitnodiging opnieuw verstuurd naar opnieuw@x.test"),
        "{}",
        shown.body
    );
    let new_link = path_of(&link_of(&shown.body));
    assert_ne!(new_link, first_link);
    // The old links stop at once (before the new mail goes); the new one works.
    assert_eq!(
        app.client().get(&first_link).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client().get(&first_mailed).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.client().get(&new_link).await.status, StatusCode::OK);
    // The expiry runs from now again.
    let (same_id, expiry) = invitation_of(&app, "opnieuw@x.test").await;
    assert_eq!(same_id, id, "the same invitation, not a new row");
    use portaal::clock::Clock;
    // (PostgreSQL keeps microseconds.)
    let off = expiry - (app.clock.now() + chrono::Duration::days(7));
    assert!(off.num_microseconds().unwrap().abs() < 1, "{off}");
    assert_eq!(expiry, first_expiry + chrono::Duration::days(2));
    // A new mail in the outbox, without a token; it goes out with a new one.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE recipient = 'opnieuw@x.test'")
            .await,
        2
    );
    // (With the demo's bounced invitation mail, due again by now.)
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (2, 0));
    let second_mailed = format!("/invitations/{}", last_mailed_token(&received));
    assert_ne!(second_mailed, first_mailed);
    // The old links still do not work; both new ones do.
    assert_eq!(
        app.client().get(&first_mailed).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.client().get(&new_link).await.status, StatusCode::OK);
    assert_eq!(
        app.client().get(&second_mailed).await.status,
        StatusCode::OK
    );
    // At once again: too soon, said plainly; nothing queued.
    let res = admin.post(&resend, &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("nog geen minuut oud"), "{}", res.body);
    assert_eq!(app.client().get(&new_link).await.status, StatusCode::OK);
    assert_eq!(app.count(NOT_DEMO_MAIL).await, 2);
    // A minute later it may.
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(admin.post(&resend, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        count_of(
            &app,
            format!("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'invitation.resent' AND resource_id = '{id}'")
        )
        .await,
        2
    );
    // Accepting through the newest mailed link works.
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (1, 0));
    let newest = format!("/invitations/{}", last_mailed_token(&received));
    assert_eq!(
        app.client().get(&second_mailed).await.status,
        StatusCode::NOT_FOUND
    );
    let res = app
        .client()
        .accept_invitation(&newest, "Otto Opnieuw")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[actix_web::test]
async fn resend_without_a_mail_server_stores_it_and_cancels_the_old_mail() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    invite(&mut admin, "bewaard@x.test").await;
    let first = path_of(&link_of(&admin.get("/settings/users").await.body));
    let (id, _) = invitation_of(&app, "bewaard@x.test").await;
    // An expired invitation can be renewed too.
    app.clock.advance(chrono::Duration::days(8));
    let mut admin = app.login(ADMIN).await;
    assert_eq!(app.client().get(&first).await.status, StatusCode::NOT_FOUND);
    let res = admin
        .post(&format!("/settings/users/invitations/{id}/resend"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let shown = admin.get("/settings/users").await;
    assert!(
        shown.body.contains(
            "Nieuwe uitnodiging voor bewaard@x.test in de outbox gezet: er is geen mailserver ingesteld"
        ),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains("verstuurd naar"));
    let renewed = path_of(&link_of(&shown.body));
    assert_eq!(app.client().get(&renewed).await.status, StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'canceled'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'stored'")
            .await,
        1
    );
    // In English.
    let mut english = app.login(ADMIN).await;
    english.post("/language", &[("lang", "en")]).await;
    app.clock.advance(chrono::Duration::minutes(2));
    english
        .post(&format!("/settings/users/invitations/{id}/resend"), &[])
        .await;
    let shown = english.get("/settings/users").await;
    assert!(
        shown
            .body
            .contains("New invitation for bewaard@x.test stored in the outbox"),
        "{}",
        shown.body
    );
}
