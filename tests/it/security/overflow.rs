//! Finding 9 (low): `pageNumber=9223372036854775807` wrapped to the first
//! page (SQLite) or failed (PostgreSQL), and `/meetings/week?date=-262143-01-01`
//! panicked. Out-of-range input answers 422 in the API and the page with a
//! message on the screens, never 500.

use awc::http::StatusCode;

use super::*;
use crate::support::api::{call, token};

const HUGE: &[&str] = &[
    "9223372036854775807",
    "9223372036854775808",
    "4611686018427387904",
    "92233720368547758",
    "1000001",
];

#[actix_web::test]
async fn huge_page_numbers_are_refused_by_the_api() {
    let app = TestApp::demo().await;
    let t = token(&app, "read:locations read:customers read:meetings").await;
    for list in ["/api/v1/locations", "/api/v1/customers", "/api/v1/meetings"] {
        for n in HUGE {
            let a = call(
                &app,
                "GET",
                &format!("{list}?pageNumber={n}"),
                Some(&t),
                None,
            )
            .await;
            assert_eq!(
                a.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{list} {n}: {}",
                a.text
            );
            assert_eq!(a.body["errors"][0]["field"], "pageNumber", "{}", a.text);
        }
        // The largest page number still allowed answers an empty page.
        let a = call(
            &app,
            "GET",
            &format!("{list}?pageNumber=1000000"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.body["items"].as_array().map(Vec::len), Some(0));
    }
}

#[actix_web::test]
async fn screens_show_a_page_with_a_message_for_huge_page_numbers() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    for list in [
        "/locations",
        "/customers",
        "/meetings",
        "/settings/users",
        "/settings/api-clients",
        "/settings/audit-log",
        "/settings/outbox",
    ] {
        for n in HUGE {
            let res = c.get(&format!("{list}?pageNumber={n}")).await;
            assert_eq!(res.status, StatusCode::OK, "{list} {n}");
            assert!(
                res.body.contains("Deze pagina bestaat niet"),
                "{list} {n}: a message, not the first page"
            );
            assert!(
                res.body.contains("href=\"") && res.body.contains("Naar de laatste pagina"),
                "{list} {n}: a way back"
            );
        }
    }
}

#[actix_web::test]
async fn dates_out_of_range_never_fail() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    for q in [
        "date=-262143-01-01",
        "date=262142-12-31",
        "date=+262143-12-31",
        "date=0000-01-01",
        "week=-262143-W01",
        "week=262143-W52",
        "week=9223372036854775807-W01",
    ] {
        let res = c.get(&format!("/meetings/week?{q}")).await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
        assert!(
            res.body.contains("Deze datum valt buiten het bereik"),
            "{q}: says why it shows this week"
        );
    }
    for q in [
        "from=-262143-01-01",
        "to=262142-12-31",
        "from=0000-01-01&to=-0001-12-31",
    ] {
        let res = c.get(&format!("/meetings?{q}")).await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
    }
    for q in ["from=-262143-01-01", "to=262142-12-31"] {
        let res = c.get(&format!("/settings/audit-log?{q}")).await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
    }
    // A meeting form with such a date is a field error, not a crash.
    let res = c
        .post(
            "/meetings",
            &[
                ("employee_id", ""),
                ("date_from", "-262143-01-01T10:00"),
                ("date_to", "-262143-01-01T11:00"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
}
