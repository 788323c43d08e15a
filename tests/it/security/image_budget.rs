//! Finding 6 (low): a 12 KB PNG declaring 10,000 × 10,000 pixels was accepted
//! as a logo and drawn on every page. Logo and icon have a pixel budget:
//! the logo at most 16 megapixels, the icon at most 1024 × 1024.

use awc::http::StatusCode;

use super::*;
use crate::images::png;

#[actix_web::test]
async fn images_over_their_pixel_budget_are_refused_with_a_message() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let stored = || app.count("SELECT COUNT(*) AS n FROM organization_images");
    let before = stored().await;
    for (kind, w, h) in [
        ("logo", 10_000, 10_000),
        ("logo", 4001, 4000),
        ("logo", 10_000, 1700),
        ("icon", 2048, 2048),
        ("icon", 1025, 1025),
    ] {
        let mut bomb = png(w, h);
        bomb.resize(12 * 1024, 0);
        let res = c
            .upload(
                &format!("/settings/organization/{kind}"),
                "x.png",
                "image/png",
                &bomb,
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind} {w}x{h}"
        );
        assert!(
            res.body.contains("te veel pixels"),
            "{kind} {w}x{h}: {}",
            res.body
        );
        assert_eq!(stored().await, before, "nothing stored");
    }
    // In English too.
    let mut en = app.login(ADMIN).await;
    en.headers.push(("Accept-Language".into(), "en".into()));
    en.post("/language", &[("lang", "en")]).await;
    let res = en
        .upload(
            "/settings/organization/logo",
            "x.png",
            "image/png",
            &png(10_000, 10_000),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("too many pixels"), "{}", res.body);
    // Within the budget: accepted.
    for (kind, w, h) in [("logo", 4000, 4000), ("icon", 1024, 1024)] {
        let res = c
            .upload(
                &format!("/settings/organization/{kind}"),
                "x.png",
                "image/png",
                &png(w, h),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "{kind} {w}x{h}: {}",
            res.body
        );
    }
}
