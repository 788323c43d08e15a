//! `/api/v1/subscriptions/{id}/invoices`, `/invoices/{id}` and
//! `/invoices/{id}/pdf` (issue 18, item 9): the seed's list envelope, the
//! lines, the stored PDF with its ETag, the `invoices` scope on its own,
//! and 404 for drafts and other organisations' invoices.

use awc::http::StatusCode;
use portaal::clock::Clock;
use portaal::domain::actor::AuditActor;
use portaal::domain::invoices;
use serde_json::Value;

use crate::invoices::pdf_text;
use crate::support::api::*;
use crate::support::*;

/// Demo BV's current subscription id.
async fn subscription(app: &TestApp) -> String {
    let org = org_id(app, false).await;
    app.db(move |c| {
        portaal::domain::subscriptions::current_of(c, &org)
            .unwrap()
            .unwrap()
            .id
    })
    .await
}

#[actix_web::test]
async fn a_client_reads_invoices_and_their_pdf_with_the_invoices_scope_alone() {
    let app = TestApp::demo().await;
    let sub = subscription(&app).await;
    let list_path = format!("/api/v1/subscriptions/{sub}/invoices");

    // Without the scope: 403; with read:invoices only: the list.
    let other = token(&app, "read:subscriptions").await;
    let a = call(&app, "GET", &list_path, Some(&other), None).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
    let t = token(&app, "read:invoices").await;
    let a = call(&app, "GET", &list_path, Some(&t), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // Three paid, one void with its credit note, one open.
    assert_eq!(a.body["totalItems"], 6, "{}", a.text);
    let items = a.body["items"].as_array().unwrap();
    // Newest first: the open renewal, then the credit note and the rest.
    assert_eq!(items[0]["status"], "open");
    assert_eq!(items[0]["kind"], "invoice");
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "credit_note").count(), 1);
    let statuses: Vec<&str> = items
        .iter()
        .filter(|i| i["kind"] == "invoice")
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "paid").count(), 3);
    assert_eq!(statuses.iter().filter(|s| **s == "void").count(), 1);
    assert!(items[0].get("lines").is_none());
    // Paging and sorting as every list.
    let a = call(
        &app,
        "GET",
        &format!("{list_path}?pageSize=4&pageNumber=2&sortDirection=ASC"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(a.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(a.body["items"][1]["status"], "open");
    let bad = call(
        &app,
        "GET",
        &format!("{list_path}?sortBy=total"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // One invoice, with its lines, and its PDF.
    let open = &items[0];
    let id = open["id"].as_str().unwrap();
    let one = call(
        &app,
        "GET",
        &format!("/api/v1/invoices/{id}"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(one.header("etag"), format!("\"{}\"", one.body["version"]));
    let lines = one.body["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    let sum: i64 = lines.iter().map(|l| l["amount"].as_i64().unwrap()).sum();
    assert_eq!(sum, one.body["subtotal"].as_i64().unwrap());
    assert_eq!(
        one.body["total"].as_i64().unwrap(),
        one.body["subtotal"].as_i64().unwrap() + one.body["vatAmount"].as_i64().unwrap()
    );
    assert_eq!(one.body["vatTreatment"], "domestic");
    assert!(
        one.body["paymentReference"]
            .as_str()
            .unwrap()
            .starts_with("RF")
    );

    let pdf_path = format!("/api/v1/invoices/{id}/pdf");
    let pdf = call(&app, "GET", &pdf_path, Some(&t), None).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    let etag = pdf.header("etag");
    assert_eq!(etag.len(), 66, "{etag}");
    let stored = {
        let id = id.to_string();
        app.db(move |c| invoices::pdf_of(c, &id).unwrap().unwrap())
            .await
    };
    assert_eq!(
        format!("\"{}\"", stored.1),
        etag,
        "the ETag is the stored bytes' SHA-256"
    );
    let text = pdf_text(&stored.0);
    assert!(
        text.contains(one.body["number"].as_str().unwrap()),
        "{text}"
    );
    let again = call_with(
        &app,
        "GET",
        &pdf_path,
        Some(&t),
        None,
        &[("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());

    // A draft is not shown; another organisation's invoice is 404.
    let org = org_id(&app, false).await;
    let now = app.clock.now();
    let draft_id = app
        .db(move |c| {
            invoices::create_draft(
                c,
                now,
                invoices::NewDraft {
                    organization_id: org,
                    subscription_id: "api-draft".into(),
                    reason: "change",
                    period: (now, now + chrono::Duration::days(1)),
                    lines: vec![invoices::DraftLine {
                        kind: "seats",
                        detail: "plus".into(),
                        period: None,
                        quantity: 1,
                        unit_price: 100,
                        amount: 100,
                    }],
                    charge_ids: vec![],
                },
            )
            .unwrap()
            .unwrap()
            .id
        })
        .await;
    for path in [
        format!("/api/v1/invoices/{draft_id}"),
        format!("/api/v1/invoices/{draft_id}/pdf"),
        "/api/v1/invoices/nope".to_string(),
    ] {
        let a = call(&app, "GET", &path, Some(&t), None).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}: {}", a.text);
    }
    let partner = token_of_partner(&app).await;
    for path in [
        format!("/api/v1/invoices/{id}"),
        format!("/api/v1/invoices/{id}/pdf"),
        list_path.clone(),
    ] {
        let a = call(&app, "GET", &path, Some(&partner), None).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}: {}", a.text);
    }
    // Finalized, the draft appears.
    app.db(move |c| {
        invoices::finalize(c, now, &AuditActor::system("test"), &draft_id).unwrap();
    })
    .await;
    let a = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    let doc: &Value = &a.body;
    assert!(
        doc["paths"]["/invoices/{id}/pdf"]["get"]["responses"]["200"]["content"]
            .get("application/pdf")
            .is_some()
    );
}

/// A token of Demo Partner BV with the invoices scope (its trial gives the
/// `api` module).
async fn token_of_partner(app: &TestApp) -> String {
    let (_, id, secret) = new_client(app, true, "partner invoices", "read:invoices").await;
    token_for(app, &id, &secret, None).await
}
