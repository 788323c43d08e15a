//! Logo and icon: sniffed by content, size-limited, square icon, stored in
//! the database, served with ETag and caching, shown in the layout.

use awc::http::StatusCode;

use crate::support::*;

/// A real 1×1 PNG.
const PNG_1X1: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A PNG header announcing `w`×`h` (sniffing reads only the header).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b
}

const SVG: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><rect width=\"1\" height=\"1\"/></svg>";

#[actix_web::test]
async fn upload_is_sniffed_by_content_not_by_name() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    // A PNG called .svg and declared as SVG is a PNG.
    let res = admin
        .upload(
            "/settings/organization/icon",
            "icon.svg",
            "image/svg+xml",
            &unhex(PNG_1X1),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organization_images WHERE kind = 'icon' AND content_type = 'image/png' AND width = 1 AND height = 1").await,
        1
    );
    // An SVG called .png and declared as PNG is refused, with a message.
    let res = admin
        .upload("/settings/organization/logo", "logo.png", "image/png", SVG)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Alleen PNG-, JPEG- of WebP-afbeeldingen (geen SVG).")
    );
    assert!(res.body.contains("aria-invalid=\"true\""));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organization_images WHERE kind = 'logo'")
            .await,
        0
    );
    // Anything else too.
    let res = admin
        .upload(
            "/settings/organization/logo",
            "x.gif",
            "image/gif",
            b"GIF89a\x01\x00\x01\x00",
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // No file at all.
    let res = admin
        .upload(
            "/settings/organization/logo",
            "",
            "application/octet-stream",
            b"",
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn too_large_uploads_get_413_with_a_message() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mut big = png(1000, 400);
    big.resize(2 * 1024 * 1024, 0);
    let res = admin
        .upload(
            "/settings/organization/logo",
            "groot.png",
            "image/png",
            &big,
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        res.body
            .contains("Het bestand is te groot: maximaal 1024 KiB."),
        "{}",
        &res.body[..200.min(res.body.len())]
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organization_images")
            .await,
        0
    );
    // Just under the limit is fine.
    let mut ok = png(1000, 400);
    ok.resize(1024 * 1024 - 200, 0);
    let res = admin
        .upload("/settings/organization/logo", "ok.png", "image/png", &ok)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn icon_must_be_square_and_dimensions_are_shown() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let res = admin
        .upload(
            "/settings/organization/icon",
            "breed.png",
            "image/png",
            &png(64, 32),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Het icoon moet vierkant zijn."));
    let res = admin
        .upload(
            "/settings/organization/logo",
            "breed.png",
            "image/png",
            &png(640, 320),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = admin.get("/settings/organization").await;
    assert!(page.body.contains("Afbeelding opgeslagen."));
    assert!(page.body.contains("640 × 320 pixels"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'organization.logo_updated'"
        )
        .await,
        1
    );
}

#[actix_web::test]
async fn served_with_etag_cache_headers_and_shown_in_the_layout() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let bytes = unhex(PNG_1X1);
    admin
        .upload(
            "/settings/organization/icon",
            "icon.png",
            "image/png",
            &bytes,
        )
        .await;
    admin
        .upload(
            "/settings/organization/logo",
            "logo.png",
            "image/png",
            &png(200, 50),
        )
        .await;
    let dash = admin.get("/").await;
    assert!(
        dash.body
            .contains("class=\"org-icon\" src=\"/organization/icon?v="),
        "icon in the sidebar"
    );
    assert!(
        dash.body
            .contains("class=\"org-logo\" src=\"/organization/logo?v="),
        "logo in the header"
    );
    let res = admin.get("/organization/icon").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-type").as_deref(), Some("image/png"));
    assert!(res.header("cache-control").unwrap().contains("max-age"));
    let etag = res.header("etag").expect("etag");
    let again = admin
        .get_with("/organization/icon", &[("If-None-Match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    // Staff see their organisation's images too, but cannot change them.
    let mut staff = app.login(STAFF).await;
    assert_eq!(staff.get("/organization/icon").await.status, StatusCode::OK);
    let res = staff
        .upload(
            "/settings/organization/icon",
            "icon.png",
            "image/png",
            &bytes,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        staff
            .post("/settings/organization/icon/remove", &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Anonymous: no.
    assert_eq!(
        app.client().get("/organization/icon").await.status,
        StatusCode::SEE_OTHER
    );
    // Remove.
    assert_eq!(
        admin
            .post("/settings/organization/icon/remove", &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        admin.get("/organization/icon").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(admin.get("/").await.body.contains("class=\"org-initial\""));
}

#[actix_web::test]
async fn images_are_per_organization() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    admin
        .upload(
            "/settings/organization/logo",
            "logo.png",
            "image/png",
            &png(200, 50),
        )
        .await;
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    let mut other = app.login("baas@ander.test").await;
    assert_eq!(
        other.get("/organization/logo").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!other.get("/").await.body.contains("org-logo"));
    // Upload with a bad CSRF token: refused before the file is read; a
    // token in the URL is not looked at.
    let good = other.csrf().await;
    let res = other
        .upload_with_token(
            &format!("/settings/organization/logo?_csrf={good}"),
            "0000",
            "logo.png",
            "image/png",
            &png(10, 10),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn removing_an_image_asks_first() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    admin
        .upload(
            "/settings/organization/logo",
            "logo.png",
            "image/png",
            &png(200, 50),
        )
        .await;
    let page = admin.get("/settings/organization").await;
    assert!(
        page.body
            .contains("href=\"/settings/organization/logo/remove\"")
    );
    let confirm = admin.get("/settings/organization/logo/remove").await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Logo verwijderen"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organization_images")
            .await,
        1,
        "asking removes nothing"
    );
    assert_eq!(
        admin
            .post("/settings/organization/logo/remove", &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organization_images")
            .await,
        0
    );
}
