//! `/api/v1/subscriptions` (issue 17, item 8): the seed's fields, start,
//! change with a dry run, cancel and undo, tenant isolation, scopes and the
//! `api` module.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{plans, subscriptions};
use portaal::domain::actor::Actor;
use portaal::domain::billing::{self, BillingInput};
use portaal::domain::scopes::Role;
use serde_json::{Value, json};

use crate::support::api::*;
use crate::support::*;

/// The current subscription's id of the demo organisation (or the partner's).
async fn current_id(app: &TestApp, partner: bool) -> String {
    let org = org_id(app, partner).await;
    app.db(move |c| {
        subscriptions::table
            .filter(subscriptions::organization_id.eq(&org))
            .filter(subscriptions::is_current.eq(true))
            .select(subscriptions::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// Billing details for the partner organisation, saved as its admin.
async fn fill_billing(app: &TestApp, partner: bool) {
    let org = org_id(app, partner).await;
    let now = app.clock.now();
    app.db(move |c| {
        let admin = portaal::domain::users::find_by_email(c, ADMIN)
            .unwrap()
            .unwrap();
        let actor = Actor::member(org, admin.id, admin.name, Role::Backoffice, None);
        let version = billing::billing_details(c, &actor)
            .unwrap()
            .map_or(0, |d| d.version);
        billing::save(
            c,
            now,
            &actor,
            &BillingInput {
                legal_name: "Demo Partner B.V.".into(),
                address_line: "Oudegracht 10".into(),
                postal_code: "3511AB".into(),
                city: "Utrecht".into(),
                country_code: "NL".into(),
                invoice_email: "facturen@partner.test".into(),
                vat_id: "NL862301546B01".into(),
                kvk_number: "30123457".into(),
                version,
            },
        )
        .unwrap();
    })
    .await;
}

/// A token of the partner organisation with `scopes`.
async fn partner_token(app: &TestApp, scopes: &str) -> String {
    let (_, id, secret) = new_client(app, true, "partner client", scopes).await;
    token_for(app, &id, &secret, None).await
}

/// Subscription audit events of all organisations.
async fn subscription_events(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action LIKE 'subscription.%'")
        .await
}

/// The field errors of a 422 as `(field, code)`.
fn errors(a: &Answer) -> Vec<(String, String)> {
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(a.body["error"], "validation_failed");
    a.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(!e["message"].as_str().unwrap().is_empty());
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn err(field: &str, code: &str) -> Vec<(String, String)> {
    vec![(field.to_string(), code.to_string())]
}

async fn patch(app: &TestApp, t: &str, path: &str, body: Value, if_match: Option<&str>) -> Answer {
    let headers: Vec<(&str, &str)> = if_match.map(|v| ("If-Match", v)).into_iter().collect();
    call_with(
        app,
        "PATCH",
        path,
        Some(t),
        Some((
            "application/merge-patch+json",
            body.to_string().into_bytes(),
        )),
        &headers,
    )
    .await
}

#[actix_web::test]
async fn list_and_get_show_the_seed_fields() {
    let app = TestApp::demo().await;
    let t = token(&app, "read:subscriptions read:organization").await;
    let id = current_id(&app, false).await;
    let org = org_id(&app, false).await;
    let list = call(&app, "GET", "/api/v1/subscriptions", Some(&t), None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["totalItems"], 1);
    assert_eq!(list.body["pageNumber"], 1);
    let s = &list.body["items"][0];
    assert_eq!(s["id"], id.as_str());
    assert_eq!(s["organization"], format!("/api/v1/organizations/{org}"));
    assert_eq!(s["type"], "default");
    assert_eq!(s["paymentMethod"], "invoice");
    assert_eq!(s["products"][0]["code"], "plus");
    assert_eq!(s["products"][0]["interval"], "year");
    assert_eq!(s["products"][0]["seatPrice"], 15000);
    assert_eq!(s["products"][0]["currency"], "EUR");
    assert_eq!(s["seats"], 5);
    assert_eq!(
        s["modules"],
        json!(["meetings", "customers", "api", "webhooks"])
    );
    assert_eq!(s["status"], "active");
    assert_eq!(
        (s["active"].clone(), s["awaiting"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(s["organizationAddress"]["city"], "Utrecht");
    assert_eq!(s["organizationAddress"]["country"], "/api/v1/countries/NL");
    assert_eq!(s["externalId"], Value::Null);
    assert_eq!(s["metadata"], json!({}));
    // The demo's 20 % for three months (more in `api_coupons`).
    assert_eq!(s["coupon"]["code"], "WELKOM20");
    assert_eq!(s["coupon"]["percentOff"], 20);
    assert_eq!(s["scheduledChanges"], Value::Null);
    assert_eq!(s["cancelAt"], Value::Null);
    for f in [
        "createdAt",
        "updatedAt",
        "currentPeriodStart",
        "currentPeriodEnd",
    ] {
        let v = s[f].as_str().unwrap_or_else(|| panic!("{f}: {s}"));
        assert!(v.ends_with('Z') && v.len() == 20, "{f}: {v}");
    }
    let one = call(
        &app,
        "GET",
        &format!("/api/v1/subscriptions/{id}"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(&one.body, s);
    assert_eq!(one.header("etag"), format!("\"{}\"", s["version"]));
    // The organisation names its current subscription and its modules.
    let o = call(
        &app,
        "GET",
        &format!("/api/v1/organizations/{org}"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(
        o.body["currentSubscription"],
        format!("/api/v1/subscriptions/{id}")
    );
    assert_eq!(o.body["organizationModules"], s["modules"]);
    let orgs = call(&app, "GET", "/api/v1/organizations", Some(&t), None).await;
    assert_eq!(
        orgs.body["items"][0]["currentSubscription"],
        o.body["currentSubscription"]
    );
    // The trial of the partner: trialing, with its end.
    let pt = partner_token(&app, "read:subscriptions").await;
    let p = call(&app, "GET", "/api/v1/subscriptions", Some(&pt), None).await;
    let p = &p.body["items"][0];
    assert_eq!(p["status"], "trialing");
    assert_eq!(p["active"], true);
    assert!(p["trialEnd"].is_string());
    assert_eq!(p["organizationAddress"], Value::Null);
}

#[actix_web::test]
async fn starting_needs_billing_details_and_a_valid_order() {
    let app = TestApp::demo().await;
    let t = partner_token(&app, "admin:subscriptions").await;
    let trial = current_id(&app, true).await;
    let order = json!({"plan": "plus", "interval": "month", "seats": 2, "modules": ["api"]});
    let events = subscription_events(&app).await;
    let a = call(
        &app,
        "POST",
        "/api/v1/subscriptions",
        Some(&t),
        Some(order.clone()),
    )
    .await;
    assert_eq!(
        errors(&a),
        err("organizationAddress", "billing_details_missing")
    );
    assert_eq!(subscription_events(&app).await, events, "nothing changed");
    fill_billing(&app, true).await;
    // Bad orders, each with its field.
    app.db(|c| {
        diesel::update(plans::table.filter(plans::code.eq("basis")))
            .set(plans::archived_at.eq(Some(chrono::Utc::now().naive_utc())))
            .execute(c)
            .unwrap()
    })
    .await;
    for (body, expected) in [
        (
            json!({"plan": "plus", "seats": 0}),
            err("seats", "seats_too_few"),
        ),
        (
            json!({"plan": "plus", "seats": -3}),
            err("seats", "seats_too_few"),
        ),
        (
            json!({"plan": "nope", "seats": 2}),
            err("plan", "invalid_choice"),
        ),
        (
            json!({"plan": "basis", "seats": 2}),
            err("plan", "plan_archived"),
        ),
        (
            json!({"plan": "plus", "seats": "2"}),
            err("seats", "invalid_type"),
        ),
        (
            json!({"plan": "plus", "seats": 2, "interval": "week"}),
            err("interval", "invalid_choice"),
        ),
        (
            json!({"plan": "plus", "seats": 2, "modules": ["telepathy"]}),
            err("modules", "invalid_choice"),
        ),
        (json!({"seats": 2}), err("plan", "required")),
    ] {
        let a = call(
            &app,
            "POST",
            "/api/v1/subscriptions",
            Some(&t),
            Some(body.clone()),
        )
        .await;
        assert_eq!(errors(&a), expected, "{body}");
    }
    assert_eq!(subscription_events(&app).await, events, "nothing changed");
    // A good one: the trial becomes active.
    let a = call(
        &app,
        "POST",
        "/api/v1/subscriptions",
        Some(&t),
        Some(order.clone()),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["id"], trial.as_str());
    assert_eq!(
        a.header("location"),
        format!("/api/v1/subscriptions/{trial}")
    );
    assert_eq!(a.body["status"], "active");
    assert_eq!(a.body["products"][0]["interval"], "month");
    assert_eq!(a.body["seats"], 2);
    assert_eq!(
        a.body["organizationAddress"]["legalName"],
        "Demo Partner B.V."
    );
    let by_client = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subscription.started' \
             AND actor_type = 'api_client' AND resource_id = '{trial}'"
        ))
        .await;
    assert_eq!(by_client, 1);
    let again = call(
        &app,
        "POST",
        "/api/v1/subscriptions",
        Some(&t),
        Some(order.clone()),
    )
    .await;
    assert_eq!(errors(&again), err("status", "already_subscribed"));
}

#[actix_web::test]
async fn an_ended_subscription_cannot_be_changed_and_lists_after_the_current() {
    let app = TestApp::demo().await;
    let t = partner_token(&app, "admin:subscriptions").await;
    let trial = current_id(&app, true).await;
    fill_billing(&app, true).await;
    // Cancelling a trial ends it at once; a new subscription is then made.
    let a = call(
        &app,
        "POST",
        &format!("/api/v1/subscriptions/{trial}/cancel"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "canceled");
    // That closed the API door (no `api` module any more): the admin starts
    // a new one on the screen (here: the domain function).
    let gone = call(&app, "GET", "/api/v1/subscriptions", Some(&t), None).await;
    assert_eq!(gone.body["error"], "module_not_subscribed");
    let org = org_id(&app, true).await;
    let now = app.clock.now();
    let new = app
        .db(move |c| {
            let admin = portaal::domain::users::find_by_email(c, ADMIN)
                .unwrap()
                .unwrap();
            let actor = Actor::member(org, admin.id, admin.name, Role::Backoffice, None);
            let order = portaal::domain::subscriptions::Order {
                plan: "plus".into(),
                interval: portaal::domain::proration::Interval::Year,
                seats: 1,
                addons: portaal::domain::modules::Modules::NONE,
            };
            portaal::domain::subscriptions::start(c, now, &actor, &order)
                .unwrap()
                .id
        })
        .await;
    assert_ne!(new, trial);
    let list = call(&app, "GET", "/api/v1/subscriptions", Some(&t), None).await;
    assert_eq!(list.body["totalItems"], 2);
    assert_eq!(list.body["items"][0]["id"], new.as_str());
    assert_eq!(list.body["items"][0]["current"], true);
    assert_eq!(list.body["items"][1]["id"], trial.as_str());
    assert_eq!(list.body["items"][1]["status"], "canceled");
    assert_eq!(list.body["items"][1]["modules"], json!([]));
    let old = format!("/api/v1/subscriptions/{trial}");
    let a = patch(&app, &t, &old, json!({"seats": 3}), None).await;
    assert_eq!(errors(&a), err("id", "not_current_subscription"));
    let a = call(
        &app,
        "POST",
        &format!("{old}/cancel"),
        Some(&t),
        Some(json!({})),
    )
    .await;
    assert_eq!(errors(&a), err("id", "not_current_subscription"));
    let a = call(&app, "POST", &format!("{old}/undo-cancel"), Some(&t), None).await;
    assert_eq!(errors(&a), err("id", "not_current_subscription"));
}

#[actix_web::test]
async fn a_change_is_previewed_then_charged() {
    let app = TestApp::demo().await;
    let t = token(&app, "admin:subscriptions").await;
    let id = current_id(&app, false).await;
    let path = format!("/api/v1/subscriptions/{id}");
    let before = call(&app, "GET", &path, Some(&t), None).await.body;
    let events = subscription_events(&app).await;
    let charges = "SELECT COUNT(*) AS n FROM subscription_charges";
    let sum = "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS n FROM subscription_charges";
    // The demo's history charged seats before.
    let (charges_before, sum_before) = (app.count(charges).await, app.count(sum).await);
    // The dry run: two seats more, charged for the rest of the year.
    let dry = patch(
        &app,
        &t,
        &format!("{path}?dryRun=true"),
        json!({"seats": 7}),
        None,
    )
    .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    let p = &dry.body;
    assert_eq!(p["dryRun"], true);
    assert_eq!(p["immediate"].as_array().unwrap().len(), 1);
    let line = &p["immediate"][0];
    assert_eq!(line["kind"], "seats_added");
    assert_eq!(line["plan"], "plus");
    assert_eq!(line["quantity"], 2);
    assert_eq!(line["unitPrice"], 15000);
    let amount = line["amount"].as_i64().unwrap();
    assert!(amount > 0 && amount <= 30000, "{amount}");
    assert_eq!(p["immediateTotal"], amount);
    assert_eq!(line["periodEnd"], before["currentPeriodEnd"]);
    assert_eq!(p["scheduled"], Value::Null);
    assert_eq!(p["nextDate"], before["currentPeriodEnd"]);
    assert_eq!(p["next"][0]["kind"], "seats");
    assert_eq!(p["next"][0]["quantity"], 7);
    assert_eq!(p["nextTotal"], 7 * 15000);
    // Yearly: the two seats are invoiced at once (less WELKOM20's 20 %),
    // not on the next invoice.
    assert_eq!(p["invoicedNow"], true);
    assert_eq!(p["invoicedNowTotal"], amount - (amount * 20 + 50) / 100);
    assert_eq!(p["nextInvoiceTotal"], 7 * 15000);
    // Nothing changed: the same subscription, no charge, no event.
    let after = call(&app, "GET", &path, Some(&t), None).await.body;
    assert_eq!(after, before);
    assert_eq!(app.count(charges).await, charges_before);
    assert_eq!(subscription_events(&app).await, events);
    // Sending nothing new changes nothing either.
    let same = patch(&app, &t, &path, json!({"seats": 5, "plan": "plus"}), None).await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text);
    assert_eq!(same.body, before);
    assert_eq!(subscription_events(&app).await, events);
    // The change itself, with the version read.
    let version = format!("\"{}\"", before["version"]);
    let a = patch(&app, &t, &path, json!({"seats": 7}), Some(&version)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["seats"], 7);
    assert_eq!(app.count(charges).await, charges_before + 1);
    assert_eq!(app.count(sum).await - sum_before, amount);
    let by_client = app
        .count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subscription.updated' \
             AND actor_type = 'api_client'",
        )
        .await;
    assert_eq!(by_client, 1);
    // An old version: 412, nothing changed.
    let stale = patch(&app, &t, &path, json!({"seats": 8}), Some(&version)).await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.text
    );
    // Bad changes.
    let members = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM memberships WHERE organization_id = '{}' AND disabled = false",
            org_id(&app, false).await
        ))
        .await;
    assert!(members >= 2, "the demo has {members} members");
    let a = patch(&app, &t, &path, json!({"seats": members - 1}), None).await;
    assert_eq!(errors(&a), err("seats", "seats_below_members"));
    let a = patch(&app, &t, &path, json!({"seats": 0}), None).await;
    assert_eq!(errors(&a), err("seats", "seats_too_few"));
    let a = patch(&app, &t, &path, json!({"plan": "nope"}), None).await;
    assert_eq!(errors(&a), err("plan", "invalid_choice"));
    app.db(|c| {
        diesel::update(plans::table.filter(plans::code.eq("basis")))
            .set(plans::archived_at.eq(Some(chrono::Utc::now().naive_utc())))
            .execute(c)
            .unwrap()
    })
    .await;
    let a = patch(&app, &t, &path, json!({"plan": "basis"}), None).await;
    assert_eq!(errors(&a), err("plan", "plan_archived"));
    let a = patch(
        &app,
        &t,
        &format!("{path}?dryRun=maybe"),
        json!({"seats": 8}),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    assert_eq!(app.count(charges).await, charges_before + 1);
    // A decrease waits for the period end.
    let a = patch(&app, &t, &path, json!({"seats": 6}), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["seats"], 7);
    let sc = &a.body["scheduledChanges"];
    assert_eq!(sc["seats"], 6);
    assert_eq!(sc["plan"], "plus");
    assert_eq!(sc["interval"], "year");
    assert_eq!(sc["at"], before["currentPeriodEnd"]);
    // Cancel: never at once through the API; at the period end by default.
    let cancel = format!("{path}/cancel");
    let undo = format!("{path}/undo-cancel");
    let a = call(
        &app,
        "POST",
        &cancel,
        Some(&t),
        Some(json!({"atPeriodEnd": false})),
    )
    .await;
    assert_eq!(errors(&a), err("atPeriodEnd", "cancel_now_operator_only"));
    let a = call(&app, "POST", &undo, Some(&t), None).await;
    assert_eq!(errors(&a), err("status", "nothing_to_undo"));
    let a = call(&app, "POST", &cancel, Some(&t), Some(json!({}))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "active", "it runs until the period end");
    assert_eq!(a.body["cancelAt"], before["currentPeriodEnd"]);
    let a = call(
        &app,
        "POST",
        &cancel,
        Some(&t),
        Some(json!({"atPeriodEnd": true})),
    )
    .await;
    assert_eq!(errors(&a), err("status", "nothing_to_cancel"));
    let a = patch(&app, &t, &path, json!({"seats": 9}), None).await;
    assert_eq!(errors(&a), err("status", "cancel_pending"));
    let a = call(&app, "POST", &undo, Some(&t), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["cancelAt"], Value::Null);
    let by_client = app
        .count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE actor_type = 'api_client' \
             AND action IN ('subscription.cancel_scheduled', 'subscription.cancel_undone')",
        )
        .await;
    assert_eq!(by_client, 2);
}

#[actix_web::test]
async fn another_organisations_subscription_is_404_on_every_route() {
    let app = TestApp::demo().await;
    let t = token(&app, "admin:subscriptions").await;
    let theirs = current_id(&app, true).await;
    let events = subscription_events(&app).await;
    for id in [theirs.as_str(), "does-not-exist"] {
        let path = format!("/api/v1/subscriptions/{id}");
        for (method, url, body) in [
            ("GET", path.clone(), None),
            ("PATCH", path.clone(), Some(json!({"seats": 9}))),
            (
                "PATCH",
                format!("{path}?dryRun=true"),
                Some(json!({"seats": 9})),
            ),
            (
                "POST",
                format!("{path}/cancel"),
                Some(json!({"atPeriodEnd": true})),
            ),
            ("POST", format!("{path}/undo-cancel"), None),
        ] {
            let a = match method {
                "PATCH" => patch(&app, &t, &url, body.unwrap(), None).await,
                _ => call(&app, method, &url, Some(&t), body).await,
            };
            assert_eq!(
                a.status,
                StatusCode::NOT_FOUND,
                "{method} {url}: {}",
                a.text
            );
            assert_eq!(a.body["error"], "not_found");
        }
    }
    assert_eq!(subscription_events(&app).await, events);
    let list = call(&app, "GET", "/api/v1/subscriptions", Some(&t), None).await;
    assert!(!list.text.contains(&theirs));
}

#[actix_web::test]
async fn scopes_and_the_api_module_are_checked() {
    let app = TestApp::demo().await;
    let id = current_id(&app, false).await;
    let path = format!("/api/v1/subscriptions/{id}");
    let read = token(&app, "read:subscriptions").await;
    for (method, url, op) in [
        (
            "POST",
            "/api/v1/subscriptions".to_string(),
            "subscription_create",
        ),
        ("PATCH", path.clone(), "subscription_update"),
        ("POST", format!("{path}/cancel"), "subscription_cancel"),
        (
            "POST",
            format!("{path}/undo-cancel"),
            "subscription_undo_cancel",
        ),
    ] {
        let a = call(&app, method, &url, Some(&read), Some(json!({}))).await;
        assert_eq!(
            a.status,
            StatusCode::FORBIDDEN,
            "{method} {url}: {}",
            a.text
        );
        assert_eq!(a.body["error"], "insufficient_scope");
        assert_eq!(a.body["operation"], op);
        assert_eq!(a.body["scope"], "admin:subscriptions");
    }
    let none = token(&app, "read:locations").await;
    let a = call(&app, "GET", "/api/v1/subscriptions", Some(&none), None).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.body["scope"], "read:subscriptions");
    // The partner's trial ended (the job has not run yet): the whole API
    // door is closed, this one too.
    let pt = partner_token(&app, "admin:subscriptions read:organization").await;
    let ok = call(&app, "GET", "/api/v1/subscriptions", Some(&pt), None).await;
    assert_eq!(ok.status, StatusCode::OK);
    let org = org_id(&app, true).await;
    let now = app.clock.now();
    app.db(move |c| {
        diesel::update(subscriptions::table.filter(subscriptions::organization_id.eq(&org)))
            .set(subscriptions::trial_end.eq(Some(now - chrono::Duration::minutes(1))))
            .execute(c)
            .unwrap()
    })
    .await;
    for (method, url) in [
        ("GET", "/api/v1/subscriptions".to_string()),
        ("POST", "/api/v1/subscriptions".to_string()),
        ("GET", "/api/v1/organizations".to_string()),
    ] {
        let a = call(
            &app,
            method,
            &url,
            Some(&pt),
            Some(json!({"plan": "plus", "seats": 1})),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::FORBIDDEN,
            "{method} {url}: {}",
            a.text
        );
        assert_eq!(a.body["error"], "module_not_subscribed");
        assert_eq!(a.body["module"], "api");
    }
}
