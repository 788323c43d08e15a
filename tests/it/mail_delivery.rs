//! The outbox is delivered through SMTP when configured; failures are kept
//! and retried.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use awc::http::StatusCode;
use portaal::config::RawConfig;

use crate::support::*;

/// A minimal SMTP server on a free port that accepts every mail and keeps
/// what it received.
pub fn fake_smtp() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(vec![]));
    let store = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut out = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            let _ = out.write_all(b"220 fake ESMTP\r\n");
            let mut line = String::new();
            let mut data = String::new();
            let mut in_data = false;
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if in_data {
                    if line == ".\r\n" {
                        in_data = false;
                        store.lock().unwrap().push(std::mem::take(&mut data));
                        let _ = out.write_all(b"250 queued\r\n");
                    } else {
                        data.push_str(&line);
                    }
                    continue;
                }
                let upper = line.to_ascii_uppercase();
                let reply: &[u8] = if upper.starts_with("EHLO") {
                    b"250-fake\r\n250 8BITMIME\r\n"
                } else if upper.starts_with("DATA") {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if upper.starts_with("QUIT") {
                    let _ = out.write_all(b"221 bye\r\n");
                    break;
                } else {
                    b"250 ok\r\n"
                };
                let _ = out.write_all(reply);
            }
        }
    });
    (port, received)
}

#[actix_web::test]
async fn invitations_are_sent_through_smtp() {
    let (port, received) = fake_smtp();
    let app = TestApp::demo_with(RawConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        mail_from: Some("Demo BV <noreply@demo.portaal.test>".into()),
        ..RawConfig::default()
    })
    .await;
    let mut admin = app.login(ADMIN).await;
    let res = admin
        .post(
            "/settings/users/invite",
            &[("email", "nieuw@x.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let (sent, failed) = portaal::jobs::mail::deliver_due(&app.state).await;
    assert_eq!((sent, failed), (1, 0));
    // Undo quoted-printable soft line breaks before looking inside.
    let got = received.lock().unwrap().join("\n").replace("=\r\n", "");
    assert!(got.contains("nieuw@x.test"));
    assert!(got.contains("noreply@demo.portaal.test"), "{got}");
    assert!(got.contains("/invitations/"), "the link is in the mail");
    assert!(got.contains("Stationsplein 1"), "with the mail footer");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'sent' AND sent_at IS NOT NULL"
        )
        .await,
        1
    );
    // Nothing is sent twice.
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (0, 0));
}

#[actix_web::test]
async fn a_failed_send_is_kept_and_retried() {
    // A port where nothing listens.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::demo_with(RawConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..RawConfig::default()
    })
    .await;
    let mut admin = app.login(ADMIN).await;
    admin
        .post(
            "/settings/users/invite",
            &[("email", "later@x.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (0, 1));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'failed' AND attempts = 1 AND last_error IS NOT NULL").await,
        1
    );
    // Not due yet: nothing happens; after the back-off it is tried again.
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (0, 0));
    app.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (0, 1));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE attempts = 2")
            .await,
        1
    );
    let page = admin.get("/settings/outbox").await;
    assert!(page.body.contains("mislukt, wordt opnieuw geprobeerd"));
}

#[actix_web::test]
async fn without_a_mail_server_mails_are_only_stored() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    admin
        .post(
            "/settings/users/invite",
            &[("email", "x@y.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (0, 0));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'stored'")
            .await,
        1
    );
}

#[actix_web::test]
async fn a_bad_mail_setting_is_refused() {
    for raw in [
        RawConfig {
            smtp_url: Some("ftp://nope".into()),
            ..RawConfig::default()
        },
        RawConfig {
            mail_from: Some("not an address".into()),
            ..RawConfig::default()
        },
    ] {
        let err = portaal::config::Config::from_raw(raw).expect_err("refused");
        assert!(
            err.0.contains("PORTAAL_SMTP_URL") || err.0.contains("PORTAAL_MAIL_FROM"),
            "{err}"
        );
    }
}

/// An invoice's mail goes out with the stored PDF attached (the bytes as
/// issued), in the organisation's language, with its footer.
#[actix_web::test]
async fn an_invoice_mail_carries_its_pdf() {
    use portaal::clock::Clock;
    let (port, received) = fake_smtp();
    let app = TestApp::demo_with(RawConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        mail_from: Some("Portaal <facturen@portaal.test>".into()),
        ..RawConfig::default()
    })
    .await;
    let org = crate::support::api::org_id(&app, false).await;
    let now = app.clock.now();
    let number = app
        .db(move |c| {
            let d = portaal::domain::invoices::create_draft(
                c,
                now,
                portaal::domain::invoices::NewDraft {
                    organization_id: org,
                    subscription_id: "mail-test".into(),
                    reason: "change",
                    period: (now, now + chrono::Duration::days(30)),
                    lines: vec![portaal::domain::invoices::DraftLine {
                        kind: "seats_added",
                        detail: "plus".into(),
                        period: Some((now, now + chrono::Duration::days(30))),
                        quantity: 2,
                        unit_price: 1500,
                        amount: 2466,
                    }],
                    charge_ids: vec![],
                },
            )
            .unwrap()
            .unwrap();
            portaal::domain::invoices::finalize(
                c,
                now,
                &portaal::domain::actor::AuditActor::system("test"),
                &d.id,
            )
            .unwrap()
            .number
            .unwrap()
        })
        .await;
    let (sent, failed) = portaal::jobs::mail::deliver_due(&app.state).await;
    assert_eq!((sent, failed), (1, 0));
    let got = received.lock().unwrap().join("\n").replace("=\r\n", "");
    assert!(got.contains("administratie@demo.portaal.test"), "{got}");
    assert!(got.contains(&format!("Factuur {number}")), "{got}");
    assert!(got.contains("application/pdf"), "{got}");
    assert!(got.contains(&format!("factuur-{number}.pdf")), "{got}");
    // base64 of "%PDF-"
    assert!(got.contains("JVBERi0"), "{got}");
    assert!(got.contains("Stationsplein 1"), "with the mail footer");
}
