//! Finding 7 (low): the outbox kept the invitation mail with its link — the
//! raw token — for every admin to read. The link is put into the mail only
//! when it is sent; the outbox keeps a copy without it.

use std::sync::{Arc, Mutex};

use awc::http::StatusCode;
use portaal::config::RawConfig;

use super::*;
use crate::mail_delivery::fake_smtp;
use crate::users::{link_of, path_of};

/// Every stored text of the outbox, joined.
async fn outbox_text(app: &TestApp) -> String {
    use portaal::db::schema::mail_outbox;
    app.db(|c| {
        mail_outbox::table
            .select((
                mail_outbox::subject,
                mail_outbox::body_text,
                mail_outbox::body_html,
            ))
            .load::<(String, String, String)>(c)
            .unwrap()
            .into_iter()
            .map(|(a, b, c)| format!("{a}\n{b}\n{c}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
    .await
}

/// Does `s` hold a token (64 lowercase hex characters in a row)?
fn holds_token(s: &str) -> bool {
    s.as_bytes().windows(64).any(|w| {
        w.iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    })
}

/// An app that sends mail to a fake SMTP server (what it received), its
/// admin, who has just invited someone, and the link the admin was shown.
async fn invited() -> (TestApp, Arc<Mutex<Vec<String>>>, Client, String) {
    let (port, received) = fake_smtp();
    let app = TestApp::demo_with(RawConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..RawConfig::default()
    })
    .await;
    let mut admin = app.login(ADMIN).await;
    admin
        .post(
            "/settings/users/invite",
            &[("email", "nieuw@collega.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    let shown = path_of(&link_of(&admin.get("/settings/users").await.body));
    (app, received, admin, shown)
}

#[actix_web::test]
async fn the_outbox_keeps_the_invitation_without_its_link() {
    let (app, received, mut admin, shown) = invited().await;
    let stored = outbox_text(&app).await;
    assert!(!holds_token(&stored), "{stored}");
    assert!(
        stored.contains("/invitations/"),
        "where the link goes is said"
    );
    // The outbox screen shows the copy without the link.
    let list = admin.get("/settings/outbox").await;
    let id_at = list.body.find("/settings/outbox/").unwrap();
    let id = &list.body[id_at + 17..];
    let id = &id[..id.find('"').unwrap()];
    let mail = admin.get(&format!("/settings/outbox/{id}")).await;
    assert_eq!(mail.status, StatusCode::OK);
    let csrf = admin.jar.get("portaal_csrf").cloned().unwrap();
    assert!(!holds_token(&mail.body.replace(&csrf, "")));
    assert!(
        mail.body.contains("alleen in de verzonden mail"),
        "{}",
        mail.body
    );

    // Sending puts a working link into the mail that leaves.
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (1, 0));
    let got = received.lock().unwrap().join("\n").replace("=\r\n", "");
    let at = got
        .find("/invitations/")
        .expect("the link is in the sent mail");
    let token: String = got[at + 13..].chars().take(64).collect();
    assert!(holds_token(&token), "{got}");
    assert_ne!(format!("/invitations/{token}"), shown, "a token of its own");
    let mut invitee = app.client();
    let page = invitee.get(&format!("/invitations/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // The kept copy still holds no token, and the shown link works as well.
    assert!(!holds_token(&outbox_text(&app).await));
    assert_eq!(app.client().get(&shown).await.status, StatusCode::OK);
    // Accepting through the mailed link uses the invitation up: both die.
    let res = invitee
        .post(
            &format!("/invitations/{token}"),
            &[
                ("name", "Nina Nieuw"),
                ("password", "een-lang-wachtwoord"),
                ("password_confirm", "een-lang-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.client().get(&shown).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_mail_for_an_invitation_no_longer_open_is_not_sent() {
    let (app, received, mut admin, shown) = invited().await;
    // Accepted through the link the admin passed on, before the mail went.
    app.client()
        .post(
            &shown,
            &[
                ("name", "Nina Nieuw"),
                ("password", "een-lang-wachtwoord"),
                ("password_confirm", "een-lang-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (0, 0));
    assert!(received.lock().unwrap().is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'canceled'")
            .await,
        1
    );
    let list = admin.get("/settings/outbox").await;
    assert!(list.body.contains("geannuleerd"), "{}", list.body);
}
