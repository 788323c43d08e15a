//! One error pattern (issue 16, item 5): every form with errors shows the
//! summary at the top (a link to each field with an error, in the order of
//! the form), keeps the message at the field, and the page title starts
//! with "Fout: " / "Error: ". Each link's target exists on the page.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::db::schema::customers;

use crate::support::*;

/// Post `fields` to `path`: a 422 whose summary links to `expected` (in
/// this order), each link's field on the page, marked invalid.
async fn refused(c: &mut Client, path: &str, fields: &[(&str, &str)], expected: &[&str]) {
    let res = c.post(path, fields).await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{path}: {}",
        res.body
    );
    let summary = error_summary(&res.body);
    let hrefs: Vec<&str> = summary.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(hrefs, expected, "{path}: {summary:?}");
    for (href, text) in &summary {
        let id = &href[1..];
        assert!(
            res.body.contains(&format!("id=\"{id}\"")),
            "{path}: no {id}"
        );
        assert!(!text.is_empty());
    }
    let title = title_of(&res.body);
    assert!(
        title.starts_with("Fout: ") || title.starts_with("Error: "),
        "{path}: {title}"
    );
    assert!(res.body.contains("class=\"field-error\""), "{path}");
}

#[actix_web::test]
async fn every_form_summarises_its_errors() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let customer: String = app
        .db(|conn| customers::table.select(customers::id).first(conn).unwrap())
        .await;
    refused(
        &mut c,
        "/account",
        &[("name", ""), ("version", "1")],
        &["#f-name"],
    )
    .await;
    refused(
        &mut c,
        "/account/password",
        &[("current_password", "fout"), ("new_password", "kort")],
        &["#f-new_password"],
    )
    .await;
    refused(
        &mut c,
        "/locations",
        &[("country_code", "XX"), ("office_open_hour", "25")],
        &["#f-name", "#f-country_code", "#f-office_open_hour"],
    )
    .await;
    refused(
        &mut c,
        "/meetings",
        &[("subject", &"x".repeat(121)), ("employee_id", "nobody")],
        &["#f-subject", "#f-employee_id", "#f-date_from", "#f-date_to"],
    )
    .await;
    refused(
        &mut c,
        "/customers",
        &[("name", "")],
        &["#f-name", "#f-customer_type"],
    )
    .await;
    refused(
        &mut c,
        &format!("/customers/{customer}/contacts"),
        &[("email", "geen-adres")],
        &["#nc-firstname", "#nc-lastname", "#nc-email"],
    )
    .await;
    refused(
        &mut c,
        "/settings/organization",
        &[("name", ""), ("slug", "Niet Goed"), ("version", "1")],
        &["#f-name", "#f-slug", "#f-default_language", "#f-time_zone"],
    )
    .await;
    refused(
        &mut c,
        "/settings/api-clients",
        &[("name", "")],
        &["#f-name", "#f-scopes"],
    )
    .await;
    refused(
        &mut c,
        "/settings/users/invite",
        &[("email", "x"), ("role", "TENANT.ACCESS")],
        &["#f-email"],
    )
    .await;
    refused(
        &mut c,
        "/settings/users/invite",
        &[("email", "nieuw@voorbeeld.nl"), ("role", "TENANT.ROOT")],
        &["#f-role"],
    )
    .await;
    // In English too; and a page before login.
    c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    let res = c.post("/account", &[("name", ""), ("version", "1")]).await;
    assert!(title_of(&res.body).starts_with("Error: "));
    assert!(res.body.contains("There is a problem"));
    assert_eq!(
        error_summary(&res.body),
        [(
            "#f-name".to_string(),
            "Name: Fill in this field.".to_string()
        )]
    );
    let mut anonymous = app.client();
    refused(
        &mut anonymous,
        "/password/forgot",
        &[("email", "")],
        &["#f-email"],
    )
    .await;
    // A form without errors has no summary and a plain title.
    let ok = c.get("/account").await.body;
    assert!(error_summary(&ok).is_empty());
    assert!(!ok.contains("class=\"error-summary\""));
    assert!(!title_of(&ok).starts_with("Error"));
}
