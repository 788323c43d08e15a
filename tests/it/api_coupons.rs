//! `POST /api/v1/subscriptions/apply-coupon` and `/clear-coupon` (issue 17,
//! items 5 and 8): apply (case-insensitive), replace only when asked, clear,
//! every refusal as 422 on the field `coupon`, the scope, the coupon in the
//! subscription's JSON and the discount in the dry run's preview.

use awc::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{coupons as coupon_rows, subscriptions};
use portaal::domain::actor::AuditActor;
use portaal::domain::coupons::{self, CouponInput};
use serde_json::{Value, json};

use crate::support::api::*;
use crate::support::*;

const APPLY: &str = "/api/v1/subscriptions/apply-coupon";
const CLEAR: &str = "/api/v1/subscriptions/clear-coupon";

/// The demo organisation's current subscription's path.
async fn current_path(app: &TestApp) -> String {
    let org = org_id(app, false).await;
    let id = app
        .db(move |c| {
            subscriptions::table
                .filter(subscriptions::organization_id.eq(&org))
                .filter(subscriptions::is_current.eq(true))
                .select(subscriptions::id)
                .first::<String>(c)
                .unwrap()
        })
        .await;
    format!("/api/v1/subscriptions/{id}")
}

/// A coupon made by the operator: 15 % off for good, for every plan.
async fn make(app: &TestApp, code: &'static str, max: &'static str) {
    let now = app.clock.now();
    app.db(move |c| {
        let input = CouponInput {
            code: code.into(),
            kind: "percent".into(),
            value: "15".into(),
            duration: "forever".into(),
            duration_months: String::new(),
            max_redemptions: max.into(),
            redeem_by: String::new(),
            plans: vec![],
        };
        coupons::create(c, now, &AuditActor::system("test"), &input).unwrap();
    })
    .await;
}

async fn apply(app: &TestApp, t: &str, body: Value) -> Answer {
    call(app, "POST", APPLY, Some(t), Some(body)).await
}

/// The one field error of a 422: `(field, code, message)`.
fn refusal(a: &Answer) -> (String, String, String) {
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(a.body["error"], "validation_failed", "{}", a.text);
    let errors = a.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{}", a.text);
    let e = &errors[0];
    let message = e["message"].as_str().unwrap().to_string();
    assert!(!message.is_empty());
    (
        e["field"].as_str().unwrap().to_string(),
        e["code"].as_str().unwrap().to_string(),
        message,
    )
}

/// The coupon events recorded as an API client.
async fn coupon_events(app: &TestApp) -> i64 {
    app.count(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action LIKE 'subscription.coupon_%' \
         AND actor_type = 'api_client'",
    )
    .await
}

#[actix_web::test]
async fn apply_replace_and_clear_through_the_api() {
    let app = TestApp::demo().await;
    let t = token(&app, "write:subscriptions").await;
    let path = current_path(&app).await;
    // The demo's WELKOM20 shows on the subscription, in the list too.
    let s = call(&app, "GET", &path, Some(&t), None).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let c = &s.body["coupon"];
    assert_eq!(c["code"], "WELKOM20");
    assert_eq!(c["percentOff"], 20);
    assert_eq!(c["amountOff"], Value::Null);
    assert_eq!(c["duration"], "repeating");
    assert_eq!(c["durationMonths"], 3);
    let at = c["appliedAt"].as_str().unwrap();
    assert!(at.ends_with('Z') && at.len() == 20, "{at}");
    let list = call(&app, "GET", "/api/v1/subscriptions", Some(&t), None).await;
    assert_eq!(list.body["items"][0]["coupon"], *c);

    // A second coupon first names the one it replaces; nothing changes.
    let a = apply(&app, &t, json!({"code": "jaarkorting"})).await;
    let (field, code, message) = refusal(&a);
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("coupon", "coupon_replaces")
    );
    assert!(message.contains("WELKOM20"), "{message}");
    let a = apply(&app, &t, json!({"code": "jaarkorting", "replace": false})).await;
    assert_eq!(refusal(&a).1, "coupon_replaces");
    assert_eq!(coupon_events(&app).await, 0);
    assert_eq!(
        call(&app, "GET", &path, Some(&t), None).await.body["coupon"]["code"],
        "WELKOM20"
    );

    // With `replace`: applied (the code in any case), the answer is the
    // current subscription as GET shows it.
    let a = apply(&app, &t, json!({"code": "  JaarKorting ", "replace": true})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let c = &a.body["coupon"];
    assert_eq!(c["code"], "JAARKORTING");
    assert_eq!(c["percentOff"], Value::Null);
    assert_eq!(c["amountOff"], 5000);
    assert_eq!(c["duration"], "once");
    assert_eq!(c["durationMonths"], Value::Null);
    let got = call(&app, "GET", &path, Some(&t), None).await;
    assert_eq!(got.body, a.body);
    assert_eq!(a.header("etag"), got.header("etag"));
    assert_eq!(coupon_events(&app).await, 1);
    // The same coupon again.
    let a = apply(&app, &t, json!({"code": "JAARKORTING", "replace": true})).await;
    let (field, code, _) = refusal(&a);
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("coupon", "coupon_already_applied")
    );

    // Clear, then clear again: nothing to clear.
    let a = call(&app, "POST", CLEAR, Some(&t), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["coupon"], Value::Null);
    assert_eq!(
        call(&app, "GET", &path, Some(&t), None).await.body["coupon"],
        Value::Null
    );
    assert_eq!(coupon_events(&app).await, 2);
    let a = call(&app, "POST", CLEAR, Some(&t), None).await;
    let (field, code, _) = refusal(&a);
    assert_eq!((field.as_str(), code.as_str()), ("coupon", "no_coupon"));
    assert_eq!(coupon_events(&app).await, 2);
    // Without a coupon applied, one applies without `replace`.
    let a = apply(&app, &t, json!({"code": "welkom20"})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["coupon"]["code"], "WELKOM20");
    assert_eq!(coupon_events(&app).await, 3);
    // Who did it: the client, in the organisation's audit log.
    let by_client = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subscription.coupon_applied' \
             AND actor_type = 'api_client' AND organization_id = '{}'",
            org_id(&app, false).await
        ))
        .await;
    assert_eq!(by_client, 2);
}

#[actix_web::test]
async fn every_refusal_is_422_on_the_coupon_field() {
    let app = TestApp::demo().await;
    let t = token(&app, "admin:subscriptions").await;
    make(&app, "oud", "").await;
    make(&app, "weg", "").await;
    make(&app, "op", "1").await;
    let now = app.clock.now();
    app.db(move |c| {
        diesel::update(coupon_rows::table.filter(coupon_rows::code.eq("oud")))
            .set(coupon_rows::redeem_by.eq(Some(
                NaiveDateTime::parse_from_str("2020-01-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap(),
            )))
            .execute(c)
            .unwrap();
        diesel::update(coupon_rows::table.filter(coupon_rows::code.eq("op")))
            .set(coupon_rows::redemptions.eq(1))
            .execute(c)
            .unwrap();
        let weg = coupons::by_code(c, "weg").unwrap().unwrap().id;
        coupons::archive(c, now, &AuditActor::system("test"), &weg).unwrap();
    })
    .await;
    let redemptions = "SELECT COUNT(*) AS n FROM coupon_redemptions";
    let before = app.count(redemptions).await;
    let long = "x".repeat(200);
    for (body, want) in [
        (json!({"code": "bestaat-niet"}), "coupon_unknown"),
        (json!({"code": "OUD", "replace": true}), "coupon_expired"),
        (json!({"code": "op", "replace": true}), "coupon_used_up"),
        (json!({"code": "weg", "replace": true}), "coupon_archived"),
        // PARTNER10 is for the basis plan; Demo BV is on plus.
        (
            json!({"code": "partner10", "replace": true}),
            "coupon_not_for_plan",
        ),
        (json!({"code": "met spatie"}), "coupon_code_format"),
        (json!({"code": "korting%"}), "coupon_code_format"),
        (json!({"code": long}), "too_long"),
        (json!({"code": ""}), "required"),
        (json!({"code": null}), "required"),
        (json!({}), "required"),
        (json!({"code": "welkom20"}), "coupon_already_applied"),
        (json!({"code": "jaarkorting"}), "coupon_replaces"),
    ] {
        let a = apply(&app, &t, body.clone()).await;
        let (field, code, _) = refusal(&a);
        assert_eq!((field.as_str(), code.as_str()), ("coupon", want), "{body}");
    }
    // Bad JSON shapes: field by field, or 400 / 415.
    let a = apply(&app, &t, json!({"code": "welkom20", "replace": "ja"})).await;
    assert_eq!(refusal(&a).0, "replace");
    let a = apply(&app, &t, json!({"code": "welkom20", "extra": 1})).await;
    assert_eq!(refusal(&a).1, "unknown_field");
    let a = apply(&app, &t, json!(["welkom20"])).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    let a = call(&app, "POST", APPLY, Some(&t), None).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", a.text);
    // Nothing changed.
    assert_eq!(app.count(redemptions).await, before);
    assert_eq!(coupon_events(&app).await, 0);
}

#[actix_web::test]
async fn the_scope_is_write_subscriptions() {
    let app = TestApp::demo().await;
    let read = token(&app, "read:subscriptions").await;
    for (url, op) in [
        (APPLY, "subscription_apply_coupon"),
        (CLEAR, "subscription_clear_coupon"),
    ] {
        let a = call(&app, "POST", url, Some(&read), Some(json!({"code": "x"}))).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{url}: {}", a.text);
        assert_eq!(a.body["error"], "insufficient_scope");
        assert_eq!(a.body["operation"], op);
        assert_eq!(a.body["scope"], "write:subscriptions");
        let a = call(&app, "POST", url, None, Some(json!({"code": "x"}))).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{url}: {}", a.text);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM coupon_redemptions WHERE removed_at IS NOT NULL")
            .await,
        0
    );
    // The partner's own coupon is its own: applying there leaves Demo BV's.
    let (_, id, secret) = new_client(&app, true, "partner", "write:subscriptions").await;
    let pt = token_for(&app, &id, &secret, None).await;
    let a = apply(&app, &pt, json!({"code": "jaarkorting"})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["coupon"]["code"], "JAARKORTING");
    assert_eq!(
        a.body["organization"],
        format!("/api/v1/organizations/{}", org_id(&app, true).await)
    );
    let t = token(&app, "read:subscriptions").await;
    let path = current_path(&app).await;
    assert_eq!(
        call(&app, "GET", &path, Some(&t), None).await.body["coupon"]["code"],
        "WELKOM20"
    );
}

/// The preview of two seats more.
async fn dry(app: &TestApp, t: &str, path: &str) -> Value {
    let a = call_with(
        app,
        "PATCH",
        &format!("{path}?dryRun=true"),
        Some(t),
        Some(("application/merge-patch+json", b"{\"seats\": 7}".to_vec())),
        &[],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

#[actix_web::test]
async fn the_dry_run_shows_the_discount() {
    let app = TestApp::demo().await;
    let t = token(&app, "admin:subscriptions").await;
    let path = current_path(&app).await;
    // €50 off the next invoice, once.
    let a = apply(&app, &t, json!({"code": "JAARKORTING", "replace": true})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let p = dry(&app, &t, &path).await;
    // Demo BV pays yearly: the seats are invoiced at once, apart from the
    // next invoice (the next period alone); that invoice is the first
    // after the coupon was applied, so it takes the €50, and the next
    // invoice does not take it again.
    let charges = p["pending"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p["immediate"].as_array().unwrap())
        .map(|l| l["amount"].as_i64().unwrap())
        .sum::<i64>();
    let subtotal = p["nextTotal"].as_i64().unwrap();
    assert!(charges > 5000 && subtotal > 5000, "{charges} {subtotal}");
    assert_eq!(p["invoicedNow"], true);
    assert_eq!(
        p["discountNow"],
        json!({"code": "JAARKORTING", "amount": 5000})
    );
    assert_eq!(p["invoicedNowTotal"], charges - 5000);
    assert_eq!(p["discount"], Value::Null);
    assert_eq!(p["nextInvoiceTotal"], subtotal);
    // Nothing goes up (two seats fewer, at the period end): no invoice now,
    // so the next invoice takes it.
    let a = call_with(
        &app,
        "PATCH",
        &format!("{path}?dryRun=true"),
        Some(&t),
        Some(("application/merge-patch+json", b"{\"seats\": 3}".to_vec())),
        &[],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["invoicedNowTotal"], 0);
    assert_eq!(a.body["discountNow"], Value::Null);
    assert_eq!(
        a.body["discount"],
        json!({"code": "JAARKORTING", "amount": 5000})
    );
    assert_eq!(
        a.body["nextInvoiceTotal"],
        a.body["nextTotal"].as_i64().unwrap() - 5000
    );
    // Without a coupon: no discount, the whole subtotals.
    let a = call(&app, "POST", CLEAR, Some(&t), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let p = dry(&app, &t, &path).await;
    assert_eq!(p["discount"], Value::Null);
    assert_eq!(p["discountNow"], Value::Null);
    assert_eq!(p["invoicedNowTotal"], charges);
    assert_eq!(p["nextInvoiceTotal"], subtotal);
}

#[actix_web::test]
async fn the_document_describes_the_routes_and_the_coupon_as_served() {
    let app = TestApp::demo().await;
    let doc = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = &doc.body["paths"];
    for (path, op) in [
        ("/subscriptions/apply-coupon", "subscription_apply_coupon"),
        ("/subscriptions/clear-coupon", "subscription_clear_coupon"),
    ] {
        let item = &paths[path]["post"];
        assert_eq!(item["operationId"], op, "{path}");
        assert_eq!(item["x-required-scope"], "write:subscriptions");
        for status in ["200", "401", "403", "422"] {
            assert!(item["responses"][status].is_object(), "{path} {status}");
        }
        assert!(
            item["responses"]["403"]["description"]
                .as_str()
                .unwrap()
                .contains("module_not_subscribed")
        );
    }
    let apply_422 = paths["/subscriptions/apply-coupon"]["post"]["responses"]["422"]["description"]
        .as_str()
        .unwrap();
    for code in [
        "coupon_unknown",
        "coupon_expired",
        "coupon_used_up",
        "coupon_archived",
        "coupon_not_for_plan",
        "coupon_code_format",
        "too_long",
        "coupon_replaces",
        "coupon_already_applied",
    ] {
        assert!(apply_422.contains(code), "{code}");
    }
    assert!(
        paths["/subscriptions/clear-coupon"]["post"]["responses"]["422"]["description"]
            .as_str()
            .unwrap()
            .contains("no_coupon")
    );
    // The documented coupon has exactly the fields served.
    let schemas = &doc.body["components"]["schemas"];
    let documented = |schema: &str| {
        let mut keys: Vec<String> = schemas[schema]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    let t = token(&app, "admin:subscriptions").await;
    let s = call(&app, "GET", &current_path(&app).await, Some(&t), None).await;
    let mut served: Vec<String> = s.body["coupon"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    served.sort();
    assert_eq!(served, documented("SubscriptionCoupon"));
    let p = dry(&app, &t, &current_path(&app).await).await;
    let mut served: Vec<String> = p.as_object().unwrap().keys().cloned().collect();
    served.sort();
    assert_eq!(served, documented("SubscriptionPreview"));
}
