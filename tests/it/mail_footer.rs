//! Settings → Mail footer: editor, live preview, sanitising, the footer
//! under every mail.

use awc::http::StatusCode;

use crate::support::*;

async fn version(app: &TestApp) -> String {
    app.db(|c| {
        portaal::domain::organizations::find_by_slug(c, "demo-bv")
            .unwrap()
            .unwrap()
            .version
            .to_string()
    })
    .await
}

#[actix_web::test]
async fn footer_editor_previews_and_saves() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let page = admin.get("/settings/mail-footer").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<strong>Demo BV</strong>"),
        "the demo footer is rendered"
    );
    // The live preview answers a fragment and stores nothing.
    let token = admin.csrf().await;
    let preview = admin
        .post_with(
            "/settings/mail-footer/preview",
            &[("mail_footer", "**Hallo** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"), ("version", "0")],
            &[("HX-Request", "true"), ("X-CSRF-Token", &token)],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(!preview.body.contains("<html"), "a fragment");
    assert!(preview.body.contains("<strong>Hallo</strong>"));
    assert!(!preview.body.contains("<script"));
    assert!(!preview.body.contains("<img"));
    assert!(!preview.body.contains("href=\"javascript"));
    assert!(
        preview.body.contains("&lt;img src=x onerror"),
        "shown as text, not as a tag"
    );
    let v = version(&app).await;
    let res = admin
        .post(
            "/settings/mail-footer",
            &[
                ("mail_footer", "*Groet*, het team\n\n[Site](https://x.test)"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .get("/settings/mail-footer")
            .await
            .body
            .contains("Mailvoettekst opgeslagen.")
    );
    // Mails now carry it, as HTML and as text.
    admin
        .post(
            "/settings/users/invite",
            &[("email", "a@b.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE body_html LIKE '%<em>Groet</em>, het team%' AND body_text LIKE '%Site (https://x.test)%'").await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'organization.mail_footer_updated'").await, 2);
}

#[actix_web::test]
async fn footer_refuses_stale_and_long_input_and_staff() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let res = admin
        .post(
            "/settings/mail-footer",
            &[("mail_footer", "oud"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains(">oud</textarea>"), "input kept");
    assert!(res.body.contains("Stationsplein 1"), "current value shown");
    let v = version(&app).await;
    let long = "x".repeat(2001);
    let res = admin
        .post(
            "/settings/mail-footer",
            &[("mail_footer", &long), ("version", &v)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Maximaal 2000 tekens."));
    let mut staff = app.login(STAFF).await;
    assert_eq!(
        staff.get("/settings/mail-footer").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff
            .post(
                "/settings/mail-footer",
                &[("mail_footer", "gekaapt"), ("version", &v)]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organizations WHERE mail_footer LIKE '%gekaapt%' OR mail_footer LIKE 'oud'").await,
        0
    );
}
