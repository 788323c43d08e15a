//! The OAuth2 endpoints and the JSON API: RFC error cases, token lifetimes
//! (disable, delete, revoke, rotation grace), scopes enforced for every
//! operation of the catalogue, tenant isolation, paging, partial updates,
//! content types, audit with the client as actor, and the OpenAPI document
//! against the routes the server mounts.

use awc::http::StatusCode;
use chrono::Duration;
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{api_clients, audit_events, locations};
use portaal::domain::actor::Actor;
use portaal::domain::api_clients::{self as clients, Grace};
use portaal::domain::scopes::{Level, Operation, Role, Scope};
use serde_json::{Value, json};

use crate::support::api::*;
use crate::support::*;

async fn location_id(app: &TestApp, partner: bool) -> String {
    let org = org_id(app, partner).await;
    let now = app.clock.now();
    app.db(move |c| {
        let admin = portaal::domain::users::find_by_email(c, ADMIN)
            .unwrap()
            .unwrap();
        let actor = Actor::member(org, admin.id, admin.name, Role::Backoffice, None);
        let input = portaal::domain::locations::LocationInput {
            name: format!("Testlocatie {}", portaal::db::new_id()),
            ..Default::default()
        };
        portaal::domain::locations::create(c, now, &actor, &input)
            .unwrap()
            .id
    })
    .await
}

// ---------------------------------------------------------------- token endpoint

#[actix_web::test]
async fn token_endpoint_follows_rfc_6749() {
    let app = TestApp::demo().await;
    let (_, id, secret) =
        new_client(&app, false, "Koppeling", "read:locations write:meetings").await;
    // Basic and form authentication both work; the answer is not cached.
    let a = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["token_type"], "Bearer");
    assert_eq!(a.body["expires_in"], 3600);
    assert_eq!(a.body["scope"], "read:locations write:meetings");
    assert_eq!(a.header("cache-control"), "no-store");
    let token = a.body["access_token"].as_str().unwrap();
    assert!(token.len() >= 64, "at least 256 bits");
    let stored: Vec<String> = app
        .db(|c| {
            portaal::db::schema::access_tokens::table
                .select(portaal::db::schema::access_tokens::id)
                .load(c)
                .unwrap()
        })
        .await;
    assert!(
        !stored.iter().any(|s| s == token),
        "only the hash is stored"
    );
    let form = oauth(
        &app,
        "/oauth/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "read:locations"),
        ],
        None,
    )
    .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert_eq!(form.body["scope"], "read:locations");

    // The RFC's errors.
    let wrong = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
        Some((&id, "pcs_wrong")),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["error"], "invalid_client");
    assert!(wrong.header("www-authenticate").starts_with("Basic"));
    let wrong_form = oauth(
        &app,
        "/oauth/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", "nope"),
        ],
        None,
    )
    .await;
    assert_eq!(wrong_form.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_form.body["error"], "invalid_client");
    let unknown = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
        Some(("pc_nobody", "x")),
    )
    .await;
    assert_eq!(unknown.body["error"], "invalid_client");
    let no_grant = oauth(&app, "/oauth/token", &[], Some((&id, &secret))).await;
    assert_eq!(
        (no_grant.status, no_grant.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let password = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "password")],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(password.body["error"], "unsupported_grant_type");
    let both = oauth(
        &app,
        "/oauth/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_secret", &secret),
        ],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(both.body["error"], "invalid_request");
    for scope in [
        "admin:locations",
        "read:customers",
        "read:planets",
        "write:organization:/mail-footer",
    ] {
        let a = oauth(
            &app,
            "/oauth/token",
            &[("grant_type", "client_credentials"), ("scope", scope)],
            Some((&id, &secret)),
        )
        .await;
        assert_eq!(
            (a.status, a.body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_scope")),
            "{scope}"
        );
    }
    let json_body = call_with(
        &app,
        "POST",
        "/oauth/token",
        None,
        Some((
            "application/json",
            br#"{"grant_type":"client_credentials"}"#.to_vec(),
        )),
        &[],
    )
    .await;
    assert_eq!(json_body.body["error"], "invalid_request");

    // A disabled client: unauthorized_client.
    let (row, _, _) = (id.clone(), (), ());
    let _ = row;
    app.db({
        let id = id.clone();
        move |c| {
            diesel::update(api_clients::table.filter(api_clients::client_id.eq(id)))
                .set(api_clients::disabled.eq(true))
                .execute(c)
                .unwrap()
        }
    })
    .await;
    let disabled = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(
        (disabled.status, disabled.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unauthorized_client"))
    );
}

#[actix_web::test]
async fn repeated_failures_for_one_client_are_throttled() {
    let app = TestApp::demo().await;
    let (_, id, secret) = new_client(&app, false, "Koppeling", "read:locations").await;
    for _ in 0..portaal::domain::oauth::FAILURE_LIMIT {
        let a = oauth(
            &app,
            "/oauth/token",
            &[("grant_type", "client_credentials")],
            Some((&id, "wrong")),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right secret waits"
    );
    assert!(a.header("retry-after").parse::<i64>().unwrap() > 0);
    app.clock.advance(Duration::minutes(16));
    let a = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
}

// ---------------------------------------------------------------- token life

#[actix_web::test]
async fn tokens_die_with_expiry_disable_delete_and_revoke() {
    let app = TestApp::demo().await;
    let (row, id, secret) = new_client(&app, false, "Koppeling", "read:locations").await;
    let t = token_for(&app, &id, &secret, None).await;
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&t), None)
            .await
            .status,
        StatusCode::OK
    );

    // Missing, malformed and unknown tokens.
    for token in [None, Some("pat_nope")] {
        let a = call(&app, "GET", "/api/v1/locations", token, None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(
            a.header("www-authenticate")
                .contains("error=\"invalid_token\""),
            "{}",
            a.header("www-authenticate")
        );
        assert_eq!(a.body["error"], "invalid_token");
    }

    // Disabled: the live token stops at once; enabled again, it works again.
    let set_disabled = |on: bool| {
        let row = row.clone();
        move |c: &mut portaal::db::DbConn| {
            diesel::update(api_clients::table.find(row))
                .set(api_clients::disabled.eq(on))
                .execute(c)
                .unwrap()
        }
    };
    app.db(set_disabled(true)).await;
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&t), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    app.db(set_disabled(false)).await;
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&t), None)
            .await
            .status,
        StatusCode::OK
    );

    // Expiry.
    app.clock.advance(Duration::seconds(3601));
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&t), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // Revoke (RFC 7009) by the owner; another client cannot.
    let t = token_for(&app, &id, &secret, None).await;
    let (_, other_id, other_secret) = new_client(&app, false, "Ander", "read:locations").await;
    let a = oauth(
        &app,
        "/oauth/revoke",
        &[("token", &t)],
        Some((&other_id, &other_secret)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&t), None)
            .await
            .status,
        StatusCode::OK
    );
    let intro = oauth(
        &app,
        "/oauth/introspect",
        &[("token", &t)],
        Some((&other_id, &other_secret)),
    )
    .await;
    assert_eq!(
        intro.body,
        json!({ "active": false }),
        "another client's token looks inactive"
    );
    let intro = oauth(
        &app,
        "/oauth/introspect",
        &[("token", &t)],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(intro.body["active"], true);
    assert_eq!(intro.body["scope"], "read:locations");
    assert_eq!(intro.body["client_id"], id.as_str());
    let a = oauth(
        &app,
        "/oauth/revoke",
        &[("token", &t)],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&t), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let intro = oauth(
        &app,
        "/oauth/introspect",
        &[("token", &t)],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(intro.body, json!({ "active": false }));
    let bad = oauth(
        &app,
        "/oauth/introspect",
        &[("token", &t)],
        Some((&id, "wrong")),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);

    // Delete: the token dies with the client.
    let t = token_for(&app, &id, &secret, None).await;
    app.db(move |c| {
        diesel::delete(api_clients::table.find(row))
            .execute(c)
            .unwrap()
    })
    .await;
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&t), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn rotation_keeps_old_tokens_through_the_grace_period_only() {
    let app = TestApp::demo().await;
    let (row, id, old_secret) = new_client(&app, false, "Koppeling", "read:locations").await;
    let old_token = token_for(&app, &id, &old_secret, None).await;
    let new_secret = clients::new_secret();
    let hash = portaal::password::hash_blocking(&new_secret).unwrap();
    let (org, now) = (org_id(&app, false).await, app.clock.now());
    app.db(move |c| {
        let admin = portaal::domain::users::find_by_email(c, ADMIN)
            .unwrap()
            .unwrap();
        let actor = Actor::member(org, admin.id, admin.name, Role::Backoffice, None);
        clients::rotate(c, now, &actor, &row, Grace::OneHour, &hash).unwrap();
    })
    .await;
    // In the grace period both secrets and the old token work.
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&old_token), None)
            .await
            .status,
        StatusCode::OK
    );
    let new_token = token_for(&app, &id, &new_secret, None).await;
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&new_token), None)
            .await
            .status,
        StatusCode::OK
    );
    token_for(&app, &id, &old_secret, None).await;
    // Tokens live an hour: this one, of the new secret, outlives the grace.
    app.clock.advance(Duration::minutes(30));
    let later_token = token_for(&app, &id, &new_secret, None).await;
    app.clock.advance(Duration::minutes(31));
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&old_token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/locations", Some(&later_token), None)
            .await
            .status,
        StatusCode::OK
    );
    let old = oauth(
        &app,
        "/oauth/token",
        &[("grant_type", "client_credentials")],
        Some((&id, &old_secret)),
    )
    .await;
    assert_eq!(old.body["error"], "invalid_client");
}

#[actix_web::test]
async fn narrowed_scopes_follow_the_client() {
    let app = TestApp::demo().await;
    let (row, id, secret) = new_client(&app, false, "Koppeling", "write:locations").await;
    let t = token_for(&app, &id, &secret, None).await;
    let me = call(&app, "GET", "/api/v1/me", Some(&t), None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["clientId"], id.as_str());
    assert_eq!(me.body["scopes"], json!(["write:locations"]));
    let ops: Vec<&str> = me.body["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(
        ops.contains(&"location_create") && !ops.contains(&"location_delete"),
        "{ops:?}"
    );
    // The admin narrows the client: its live token loses the scope at once.
    app.db(move |c| {
        diesel::update(api_clients::table.find(row))
            .set(api_clients::scopes.eq("read:locations"))
            .execute(c)
            .unwrap()
    })
    .await;
    let a = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "X" })),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
    // write:locations was narrowed to nothing: read:locations is not in the token.
    let a = call(&app, "GET", "/api/v1/locations", Some(&t), None).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
}

// ---------------------------------------------------------------- scopes

/// Fill `{…}` path parameters with ids that exist in the demo organisation.
async fn concrete(app: &TestApp, path: &str) -> String {
    let org = org_id(app, false).await;
    let (customer, contact, location, meeting) = app
        .db(move |c| {
            use portaal::db::schema::{contacts, meetings};
            let contact: (String, String) = contacts::table
                .filter(contacts::organization_id.eq(&org))
                .select((contacts::customer_id, contacts::id))
                .first(c)
                .unwrap();
            let location: String = locations::table
                .filter(locations::organization_id.eq(&org))
                .select(locations::id)
                .first(c)
                .unwrap();
            let meeting: String = meetings::table
                .filter(meetings::organization_id.eq(&org))
                .select(meetings::id)
                .first(c)
                .unwrap();
            (contact.0, contact.1, location, meeting)
        })
        .await;
    let org = org_id(app, false).await;
    let of = org.clone();
    let subscription: String = app
        .db(move |c| {
            use portaal::db::schema::subscriptions;
            subscriptions::table
                .filter(subscriptions::organization_id.eq(&of))
                .filter(subscriptions::is_current.eq(true))
                .select(subscriptions::id)
                .first(c)
                .unwrap()
        })
        .await;
    let id = if path.starts_with("/subscriptions") {
        subscription
    } else if path.starts_with("/locations") {
        location
    } else if path.starts_with("/meetings") {
        meeting
    } else if path.starts_with("/customers") {
        customer.clone()
    } else if path.starts_with("/countries") {
        "NL".into()
    } else if path.starts_with("/languages") {
        "nl".into()
    } else {
        org
    };
    format!(
        "/api/v1{}",
        path.replace("{customerId}", &customer)
            .replace("{contactId}", &contact)
            .replace("{id}", &id)
    )
}

/// Every operation with an API route: without its scope 403 naming it; with
/// its scope, a higher level, and never with a sibling sub-path.
#[actix_web::test]
async fn every_operation_needs_its_scope() {
    let app = TestApp::demo().await;
    let nothing = token(&app, "read:audit").await;
    for op in Operation::ALL {
        let Some((method, path)) = op.api_route() else {
            continue;
        };
        let url = concrete(&app, path).await;
        let required = op.required_scope();
        let denied = call(&app, method, &url, Some(&nothing), Some(json!({}))).await;
        assert_eq!(
            denied.status,
            StatusCode::FORBIDDEN,
            "{} without scope: {}",
            op.name(),
            denied.text
        );
        assert_eq!(denied.body["error"], "insufficient_scope");
        assert_eq!(denied.body["operation"], op.name());
        assert_eq!(denied.body["scope"], required.to_string());
        assert!(
            denied
                .header("www-authenticate")
                .contains(&format!("scope=\"{required}\"")),
            "{}",
            denied.header("www-authenticate")
        );
        // Its own scope, and the admin level of it, pass the scope check.
        let admin = Scope {
            level: Level::Admin,
            ..required
        };
        for grant in [required, admin] {
            let t = token(&app, &grant.to_string()).await;
            let a = call(&app, method, &url, Some(&t), Some(json!({}))).await;
            assert_ne!(
                a.status,
                StatusCode::FORBIDDEN,
                "{} with {grant}: {}",
                op.name(),
                a.text
            );
            assert_ne!(a.status, StatusCode::UNAUTHORIZED);
            assert_ne!(a.body["error"], "unknown_route", "{} is mounted", op.name());
        }
        // A sibling sub-path of the same resource does not.
        if let Some(sibling) = required
            .resource
            .subpaths()
            .iter()
            .find(|s| Some(**s) != required.subpath)
        {
            let s = Scope {
                subpath: Some(sibling),
                level: Level::Admin,
                ..required
            };
            let t = token(&app, &s.to_string()).await;
            let a = call(&app, method, &url, Some(&t), Some(json!({}))).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{} with {s}", op.name());
        }
    }
}

// ---------------------------------------------------------------- tenants

#[actix_web::test]
async fn another_organisations_ids_answer_404() {
    let app = TestApp::demo().await;
    let mine = token(
        &app,
        "admin:locations admin:customers admin:meetings read:organization",
    )
    .await;
    let theirs = location_id(&app, true).await;
    let partner = org_id(&app, true).await;
    for (method, path) in [
        ("GET", format!("/api/v1/locations/{theirs}")),
        ("PATCH", format!("/api/v1/locations/{theirs}")),
        ("DELETE", format!("/api/v1/locations/{theirs}")),
        ("GET", format!("/api/v1/organizations/{partner}")),
        ("GET", "/api/v1/locations/does-not-exist".to_string()),
    ] {
        let a = call_with(
            &app,
            method,
            &path,
            Some(&mine),
            Some((
                "application/merge-patch+json",
                b"{\"name\":\"Overgenomen\"}".to_vec(),
            )),
            &[],
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            a.text
        );
        assert_eq!(a.body["error"], "not_found");
    }
    let still: String = app
        .db(move |c| {
            locations::table
                .find(theirs)
                .select(locations::name)
                .first(c)
                .unwrap()
        })
        .await;
    assert!(still.starts_with("Testlocatie"));
    // Lists hold only the caller's organisation.
    let orgs = call(&app, "GET", "/api/v1/organizations", Some(&mine), None).await;
    assert_eq!(orgs.body["totalItems"], 1);
    assert_eq!(orgs.body["items"][0]["slug"], "demo-bv");
    let list = call(
        &app,
        "GET",
        "/api/v1/locations?pageSize=100",
        Some(&mine),
        None,
    )
    .await;
    assert!(!list.text.contains(&partner));
}

// ---------------------------------------------------------------- resources

#[actix_web::test]
async fn locations_crud_with_paging_partial_updates_and_versions() {
    let app = TestApp::demo().await;
    let t = token(&app, "admin:locations").await;
    let created = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "API-kantoor", "city": "Gouda", "country": "/api/v1/countries/NL", "officeOpenHour": 8, "officeCloseHour": 17 })),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        created.header("location"),
        format!("/api/v1/locations/{id}")
    );
    assert_eq!(created.body["country"], "/api/v1/countries/NL");
    assert_eq!(created.header("etag"), "\"1\"");

    // Bad input: 422 field by field, nothing stored.
    let bad = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "", "officeOpenHour": 30, "color": "red" })),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["color"], "unknown fields are reported first");
    let bad = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "", "officeOpenHour": 30 })),
    )
    .await;
    let errors = bad.body["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "name" && e["code"] == "required"),
        "{}",
        bad.text
    );
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "officeOpenHour" && e["code"] == "hour_range"),
        "{}",
        bad.text
    );
    let bad = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "X", "officeOpenHour": "9" })),
    )
    .await;
    assert_eq!(bad.body["errors"][0]["code"], "invalid_type");

    // Partial update: only what is sent changes; null clears.
    let a = call_with(
        &app,
        "PATCH",
        &format!("/api/v1/locations/{id}"),
        Some(&t),
        Some((
            "application/merge-patch+json",
            br#"{"city":"Delft","officeOpenHour":null,"officeCloseHour":null}"#.to_vec(),
        )),
        &[],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        (a.body["name"].as_str(), a.body["city"].as_str()),
        (Some("API-kantoor"), Some("Delft"))
    );
    assert!(a.body["officeOpenHour"].is_null());
    assert_eq!(a.body["version"], 2);
    // A stale If-Match: 412 and nothing changes.
    let stale = call_with(
        &app,
        "PATCH",
        &format!("/api/v1/locations/{id}"),
        Some(&t),
        Some(("application/json", br#"{"city":"Leiden"}"#.to_vec())),
        &[("If-Match", "\"1\"")],
    )
    .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.text
    );
    let fresh = call_with(
        &app,
        "PATCH",
        &format!("/api/v1/locations/{id}"),
        Some(&t),
        Some(("application/json", br#"{"city":"Leiden"}"#.to_vec())),
        &[("If-Match", "\"2\"")],
    )
    .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(fresh.body["city"], "Leiden");

    // Content types and malformed bodies.
    let a = call_with(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(("text/plain", b"name=X".to_vec())),
        &[],
    )
    .await;
    assert_eq!(
        (a.status, a.body["error"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        )
    );
    let a = call_with(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(("application/json", b"{\"name\": ".to_vec())),
        &[],
    )
    .await;
    assert_eq!(
        (a.status, a.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let a = call_with(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(("application/merge-patch+json", b"{}".to_vec())),
        &[],
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "merge-patch is for PATCH"
    );
    let a = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!(["name"])),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    // Paging and sorting.
    let page = call(
        &app,
        "GET",
        "/api/v1/locations?pageSize=2&sortBy=name&sortDirection=DESC",
        Some(&t),
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        (
            page.body["pageNumber"].as_i64(),
            page.body["pageSize"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
    let total = page.body["totalItems"].as_i64().unwrap();
    assert!(total >= 4);
    let beyond = call(
        &app,
        "GET",
        "/api/v1/locations?pageNumber=99",
        Some(&t),
        None,
    )
    .await;
    assert_eq!(
        (beyond.status, beyond.body["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    for bad in [
        "pageSize=0",
        "pageSize=1000",
        "sortBy=password",
        "sortDirection=UP",
        "pageNumber=0",
    ] {
        let a = call(
            &app,
            "GET",
            &format!("/api/v1/locations?{bad}"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    // Delete: 204, then 404; audited with the client as actor.
    let a = call(
        &app,
        "DELETE",
        &format!("/api/v1/locations/{id}"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(
            &app,
            "GET",
            &format!("/api/v1/locations/{id}"),
            Some(&t),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let events: Vec<(String, String, Option<String>)> = app
        .db(move |c| {
            audit_events::table
                .filter(audit_events::resource_id.eq(id))
                .order(audit_events::created_at.asc())
                .select((
                    audit_events::action,
                    audit_events::actor_type,
                    audit_events::after_json,
                ))
                .load(c)
                .unwrap()
        })
        .await;
    let actions: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "location.created",
            "location.updated",
            "location.updated",
            "location.deleted"
        ]
    );
    assert!(events.iter().all(|e| e.1 == "api_client"));
}

#[actix_web::test]
async fn meetings_take_exact_and_local_times() {
    let app = TestApp::demo().await;
    let t = token(&app, "admin:meetings read:locations").await;
    let employee: String = app
        .db(|c| {
            portaal::domain::users::find_by_email(c, STAFF)
                .unwrap()
                .unwrap()
                .id
        })
        .await;
    // 25 Oct 2026, the autumn change in Europe/Amsterdam: an exact moment in
    // the repeated hour stays exact.
    let a = call(
        &app,
        "POST",
        "/api/v1/meetings",
        Some(&t),
        Some(json!({ "employee": format!("/api/v1/users/{employee}"), "dateFrom": "2026-10-25T00:30:00Z", "dateTo": "2026-10-25T01:30:00Z", "notes": "DST" })),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(
        (a.body["dateFrom"].as_str(), a.body["dateTo"].as_str()),
        (Some("2026-10-25T00:30:00Z"), Some("2026-10-25T01:30:00Z"))
    );
    assert_eq!(a.body["overlappingMeetings"], json!([]));
    let first = a.body["id"].as_str().unwrap().to_string();
    // Local time (no offset) is the organisation's: 10:00 in November is 09:00Z.
    let b = call(
        &app,
        "POST",
        "/api/v1/meetings",
        Some(&t),
        Some(json!({ "employee": employee, "dateFrom": "2026-10-25T01:00", "dateTo": "2026-10-25T04:00" })),
    )
    .await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.text);
    assert_eq!(b.body["dateFrom"], "2026-10-24T23:00:00Z");
    assert_eq!(
        b.body["overlappingMeetings"],
        json!([format!("/api/v1/meetings/{first}")]),
        "saved, with the overlap named"
    );
    let bad = call(&app, "POST", "/api/v1/meetings", Some(&t), Some(json!({ "employee": "nobody", "dateFrom": "2026-12-01T10:00:00Z", "dateTo": "2026-12-01T09:00:00Z" }))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"employee") && fields.contains(&"dateTo"),
        "{fields:?}"
    );
    let list = call(&app, "GET", &format!("/api/v1/meetings?dateFrom=2026-10-24T00:00:00Z&dateTo=2026-10-26T00:00:00Z&employee={employee}"), Some(&t), None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["totalItems"], 2);
    let bad = call(
        &app,
        "GET",
        "/api/v1/meetings?dateFrom=yesterday",
        Some(&t),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let patched = call_with(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{first}"),
        Some(&t),
        Some(("application/json", br#"{"notes":"Verzet"}"#.to_vec())),
        &[],
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(
        (
            patched.body["notes"].as_str(),
            patched.body["dateFrom"].as_str()
        ),
        (Some("Verzet"), Some("2026-10-25T00:30:00Z"))
    );
}

#[actix_web::test]
async fn contacts_through_their_customer_with_the_extension() {
    let app = TestApp::demo().await;
    let t = token(&app, "write:customers").await;
    let customer = call(
        &app,
        "POST",
        "/api/v1/customers",
        Some(&t),
        Some(json!({ "name": "API Klant", "type": "private", "email": "klant@example.org" })),
    )
    .await;
    assert_eq!(customer.status, StatusCode::CREATED, "{}", customer.text);
    let cid = customer.body["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/customers/{cid}/contacts");
    let c = call(
        &app,
        "POST",
        &base,
        Some(&t),
        Some(json!({ "firstname": "Anna", "lastname": "Jansen", "mobile": "+31612345678" })),
    )
    .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    let id = c.body["id"].as_str().unwrap().to_string();
    let bad = call(
        &app,
        "POST",
        &base,
        Some(&t),
        Some(json!({ "firstname": "Bo", "mobile": "06-123" })),
    )
    .await;
    assert_eq!(
        bad.body["errors"][1]["code"], "invalid_mobile",
        "{}",
        bad.text
    );
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["lastname", "mobile"], "{}", bad.text);
    let p = call_with(
        &app,
        "PATCH",
        &format!("{base}/{id}"),
        Some(&t),
        Some((
            "application/merge-patch+json",
            br#"{"email":"anna@example.org"}"#.to_vec(),
        )),
        &[],
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert_eq!(
        (p.body["firstname"].as_str(), p.body["email"].as_str()),
        (Some("Anna"), Some("anna@example.org"))
    );
    let stale = call_with(
        &app,
        "PATCH",
        &format!("{base}/{id}"),
        Some(&t),
        Some(("application/json", br#"{"email":null}"#.to_vec())),
        &[("If-Match", "\"1\"")],
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    for _ in 0..2 {
        let e = call(
            &app,
            "POST",
            &format!("{base}/{id}/extensions/TWO_INVOICE"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(e.status, StatusCode::OK, "{}", e.text);
        assert_eq!(e.body["extensions"], json!(["TWO_INVOICE"]));
    }
    let unknown = call(
        &app,
        "POST",
        &format!("{base}/{id}/extensions/THREE_INVOICE"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let e = call(
        &app,
        "DELETE",
        &format!("{base}/{id}/extensions/TWO_INVOICE"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(e.status, StatusCode::NO_CONTENT);
    // Through another customer the contact does not exist.
    let other = call(
        &app,
        "POST",
        "/api/v1/customers",
        Some(&t),
        Some(json!({ "name": "Ander" })),
    )
    .await;
    let other_id = other.body["id"].as_str().unwrap();
    let a = call(
        &app,
        "GET",
        &format!("/api/v1/customers/{other_id}/contacts/{id}"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    // Deleting needs admin.
    let a = call(&app, "DELETE", &format!("{base}/{id}"), Some(&t), None).await;
    assert_eq!(
        (a.status, a.body["scope"].as_str()),
        (StatusCode::FORBIDDEN, Some("admin:customers:/contacts"))
    );
    let admin = token(&app, "admin:customers").await;
    let a = call(&app, "DELETE", &format!("{base}/{id}"), Some(&admin), None).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let list = call(
        &app,
        "GET",
        &format!("{base}?sortBy=firstname"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(list.body["totalItems"], 0);
}

/// One phone rule in the API: a customer's phone and a contact's mobile are
/// taken as people type them and answered in E.164; a bad number is a 422
/// at its field (`invalid_phone`, `invalid_mobile`) and changes nothing; a
/// number from before the rule survives a change of another field; the
/// document's pattern is the rule's.
#[actix_web::test]
async fn phones_follow_the_one_rule() {
    /// One call with the token and a JSON body.
    async fn send(app: &TestApp, t: &str, method: &str, path: &str, body: Value) -> Answer {
        call(app, method, path, Some(t), Some(body)).await
    }
    let app = TestApp::demo().await;
    let t = token(&app, "write:customers").await;
    let all = "/api/v1/customers";
    let created = send(
        &app,
        &t,
        "POST",
        all,
        json!({ "name": "Bel BV", "phone": "06 12345678" }),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["phone"], "+31612345678");
    let id = created.body["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/customers/{id}");
    let got = call(&app, "GET", &path, Some(&t), None).await;
    assert_eq!(got.body["phone"], "+31612345678");
    let field_errors = |a: &Answer| -> Vec<(String, String)> {
        a.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().into(),
                    e["code"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let phone_error = vec![("phone".to_string(), "invalid_phone".to_string())];
    let count = "SELECT COUNT(*) AS n FROM customers";
    let before = app.count(count).await;
    let bad = send(
        &app,
        &t,
        "POST",
        all,
        json!({ "name": "Fout BV", "phone": "06 1234" }),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(field_errors(&bad), phone_error);
    assert_eq!(app.count(count).await, before);
    for typed in ["bel mij", "+31 6 1234 567", "612345678"] {
        let bad = send(&app, &t, "PATCH", &path, json!({ "phone": typed })).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert_eq!(field_errors(&bad), phone_error, "{typed}");
    }
    let got = call(&app, "GET", &path, Some(&t), None).await;
    assert_eq!(
        (&got.body["phone"], &got.body["version"]),
        (&json!("+31612345678"), &created.body["version"]),
        "unchanged"
    );
    for (typed, stored) in [
        ("0032 2 555 12 12", "+3225551212"),
        ("+31 (0)30 234 56 78", "+31302345678"),
        ("", ""),
    ] {
        let ok = send(&app, &t, "PATCH", &path, json!({ "phone": typed })).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        assert_eq!(ok.body["phone"], stored, "{typed}");
    }
    // A contact's mobile.
    let base = format!("{path}/contacts");
    let c = send(
        &app,
        &t,
        "POST",
        &base,
        json!({ "firstname": "An", "lastname": "Bel", "mobile": "0031 6 1234 5678" }),
    )
    .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    assert_eq!(c.body["mobile"], "+31612345678");
    let contact = format!("{base}/{}", c.body["id"].as_str().unwrap());
    let mobile_error = vec![("mobile".to_string(), "invalid_mobile".to_string())];
    let count = "SELECT COUNT(*) AS n FROM contacts";
    let before = app.count(count).await;
    let bad = send(
        &app,
        &t,
        "POST",
        &base,
        json!({ "firstname": "Bo", "lastname": "Bel", "mobile": "06-123" }),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&bad), mobile_error);
    assert_eq!(app.count(count).await, before);
    let bad = send(&app, &t, "PATCH", &contact, json!({ "mobile": "abc" })).await;
    assert_eq!(field_errors(&bad), mobile_error);
    let got = call(&app, "GET", &contact, Some(&t), None).await;
    assert_eq!(got.body["mobile"], "+31612345678");
    let cleared = send(&app, &t, "PATCH", &contact, json!({ "mobile": null })).await;
    assert_eq!(cleared.body["mobile"], json!(null), "{}", cleared.text);
    // A number from before the rule is kept when another field changes.
    let old = send(&app, &t, "POST", all, json!({ "name": "Oud BV" })).await;
    let old_id = old.body["id"].as_str().unwrap().to_string();
    let of_customer = old_id.clone();
    app.db(move |c| {
        diesel::update(portaal::db::schema::customers::table.find(of_customer))
            .set(portaal::db::schema::customers::phone.eq("via de receptie"))
            .execute(c)
            .unwrap();
    })
    .await;
    let renamed = send(
        &app,
        &t,
        "PATCH",
        &format!("/api/v1/customers/{old_id}"),
        json!({ "name": "Oud en Nieuw BV" }),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(renamed.body["phone"], "via de receptie");
    // The document describes the rule with the rule's own pattern.
    let doc = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    let schemas = &doc.body["components"]["schemas"];
    for (schema, field) in [("CustomerInput", "phone"), ("ContactInput", "mobile")] {
        let p = &schemas[schema]["properties"][field];
        assert_eq!(p["pattern"], portaal::domain::phone::PATTERN, "{schema}");
        assert_eq!(
            p["maxLength"],
            portaal::domain::phone::MAX_TYPED,
            "{schema}"
        );
    }
}

#[actix_web::test]
async fn organisation_footer_images_and_reference_data() {
    let app = TestApp::demo().await;
    let t = token(
        &app,
        "write:organization:/mail-footer read:countries write:languages write:organization:/icon",
    )
    .await;
    let f = call(
        &app,
        "GET",
        "/api/v1/organizations/mail-footer",
        Some(&t),
        None,
    )
    .await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text);
    let version = f.body["version"].as_i64().unwrap();
    let p = call_with(
        &app,
        "PATCH",
        "/api/v1/organizations/mail-footer",
        Some(&t),
        Some((
            "application/merge-patch+json",
            br#"{"mailFooter":"**Demo** <script>x</script>"}"#.to_vec(),
        )),
        &[],
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(
        p.body["html"]
            .as_str()
            .unwrap()
            .contains("<strong>Demo</strong>")
    );
    assert!(!p.body["html"].as_str().unwrap().contains("<script>"));
    assert_eq!(p.body["version"].as_i64(), Some(version + 1));
    let stale = call_with(
        &app,
        "PATCH",
        "/api/v1/organizations/mail-footer",
        Some(&t),
        Some(("application/json", br#"{"mailFooter":"x"}"#.to_vec())),
        &[("If-Match", &format!("\"{version}\""))],
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    // The footer scope does not reach the organisation itself.
    let org = call(&app, "GET", "/api/v1/organizations", Some(&t), None).await;
    assert_eq!(org.status, StatusCode::FORBIDDEN);
    // A square PNG icon, raw; an SVG is refused.
    let png = crate::images::png(16, 16);
    let a = call_with(
        &app,
        "POST",
        "/api/v1/organizations/icon",
        Some(&t),
        Some(("image/png", png)),
        &[],
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(
        (a.body["width"].as_i64(), a.body["contentType"].as_str()),
        (Some(16), Some("image/png"))
    );
    let svg = call_with(
        &app,
        "POST",
        "/api/v1/organizations/icon",
        Some(&t),
        Some((
            "image/svg+xml",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
        )),
        &[],
    )
    .await;
    assert_eq!(svg.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(svg.body["errors"][0]["code"], "unsupported_image");
    let logo = call_with(
        &app,
        "POST",
        "/api/v1/organizations/logo",
        Some(&t),
        Some(("image/png", crate::images::png(4, 4))),
        &[],
    )
    .await;
    assert_eq!(
        logo.status,
        StatusCode::FORBIDDEN,
        "the icon scope is not the logo's"
    );
    // Countries and languages.
    let nl = call(&app, "GET", "/api/v1/countries/nl", Some(&t), None).await;
    assert_eq!(
        (nl.body["id"].as_str(), nl.body["nameNl"].as_str()),
        (Some("NL"), Some("Nederland"))
    );
    let all = call(
        &app,
        "GET",
        "/api/v1/countries?pageSize=100&pageNumber=3",
        Some(&t),
        None,
    )
    .await;
    assert_eq!(
        (
            all.body["totalItems"].as_i64(),
            all.body["items"].as_array().map(Vec::len)
        ),
        (Some(249), Some(49))
    );
    let en = call(
        &app,
        "POST",
        "/api/v1/languages",
        Some(&t),
        Some(json!({ "id": "fr" })),
    )
    .await;
    assert_eq!(en.status, StatusCode::CREATED, "{}", en.text);
    assert_eq!(en.body["enabled"], true);
    let got = call(&app, "GET", "/api/v1/languages/fr", Some(&t), None).await;
    assert_eq!(got.body["enabled"], true);
    let unknown = call(
        &app,
        "POST",
        "/api/v1/languages",
        Some(&t),
        Some(json!({ "id": "xx" })),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

// ---------------------------------------------------------------- OpenAPI

#[actix_web::test]
async fn openapi_document_matches_the_mounted_routes() {
    let app = TestApp::demo().await;
    let doc = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths = doc.body["paths"].as_object().unwrap();
    // Every catalogue operation with a route is documented with its scope...
    let mut documented = 0;
    for op in Operation::ALL {
        if let Some((method, path)) = op.api_route() {
            let item = &paths[path][method.to_ascii_lowercase()];
            assert_eq!(item["operationId"], op.name(), "{method} {path}");
            assert_eq!(
                item["security"][0]["oauth2"][0],
                op.required_scope().to_string()
            );
            documented += 1;
        }
    }
    // ...and every documented method and path is served (answers something
    // else than "no such route": here 401, as no token is sent).
    let mut served = 0;
    for (path, item) in paths {
        for (method, _) in item.as_object().unwrap() {
            let url = format!(
                "/api/v1{}",
                path.replace("{customerId}", "x")
                    .replace("{contactId}", "y")
                    .replace("{id}", "z")
            );
            let a = call(&app, &method.to_ascii_uppercase(), &url, None, None).await;
            assert_ne!(
                a.body["error"], "unknown_route",
                "{method} {path} is documented but not mounted"
            );
            assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            served += 1;
        }
    }
    assert_eq!(served, documented + portaal::api::openapi::EXTRA.len());
    // An undocumented path is not served.
    let a = call(&app, "GET", "/api/v1/invoices", None, None).await;
    assert_eq!(
        (a.status, a.body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_route"))
    );
    let a = call(&app, "PUT", "/api/v1/locations", None, None).await;
    assert_ne!(a.status, StatusCode::OK);
    // Each scope the document names parses in the catalogue.
    let scopes = doc.body["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
        ["scopes"]
        .as_object()
        .unwrap();
    for s in scopes.keys() {
        Scope::parse(s).unwrap();
    }
}

#[actix_web::test]
async fn a_meeting_names_its_customer_and_contact() {
    use crate::meetings::{demo_customer, foreign_customer};
    let app = TestApp::demo().await;
    let t = token(&app, "admin:meetings").await;
    let employee: String = app
        .db(|c| {
            portaal::domain::users::find_by_email(c, STAFF)
                .unwrap()
                .unwrap()
                .id
        })
        .await;
    let (bakker, bakkers) = demo_customer(&app, "Bakkerij De Korenschoof").await;
    let (dam, dams) = demo_customer(&app, "Installatiebedrijf Van Dam").await;
    let (kees, kees_name) = bakkers[0].clone();
    let piet = dams[0].0.clone();
    let kees_iri = format!("/api/v1/customers/{bakker}/contacts/{kees}");
    let a = call(&app, "POST", "/api/v1/meetings", Some(&t), Some(json!({
        "employee": employee, "dateFrom": "2031-01-06T09:00:00Z", "dateTo": "2031-01-06T10:00:00Z",
        "customer": format!("/api/v1/customers/{bakker}"), "contact": kees_iri,
    }))).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["customer"], format!("/api/v1/customers/{bakker}"));
    assert_eq!(a.body["customerName"], "Bakkerij De Korenschoof");
    assert_eq!(a.body["contact"], kees_iri.as_str());
    assert_eq!(a.body["contactName"], kees_name.as_str());
    let id = a.body["id"].as_str().unwrap().to_string();
    let errors = |r: &Answer| -> Vec<(String, String)> {
        r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_string(),
                    e["code"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // A contact of another customer: 422 at the contact.
    let bad = call(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        Some(&t),
        Some(json!({ "contact": piet })),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(
        errors(&bad),
        [("contact".to_string(), "contact_not_of_customer".to_string())]
    );
    // Another organisation's customer: like one that does not exist.
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    let ander: String = app
        .db(|c| {
            use portaal::db::schema::organizations;
            organizations::table
                .filter(organizations::name.eq("Ander BV"))
                .select(organizations::id)
                .first(c)
                .unwrap()
        })
        .await;
    let theirs = foreign_customer(&app, &ander, "Geheime Klant").await;
    let bad = call(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        Some(&t),
        Some(json!({ "customer": theirs })),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(
        errors(&bad),
        [("customer".to_string(), "invalid_choice".to_string())]
    );
    assert!(!bad.text.contains("Geheime Klant"));
    let bad = call(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        Some(&t),
        Some(json!({ "contact": "/api/v1/customers/x/y/z" })),
    )
    .await;
    assert_eq!(
        errors(&bad),
        [("contact".to_string(), "invalid_reference".to_string())]
    );
    // Another customer without a contact drops the old contact.
    let b = call(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        Some(&t),
        Some(json!({ "customer": dam })),
    )
    .await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text);
    assert_eq!(b.body["customer"], format!("/api/v1/customers/{dam}"));
    assert_eq!(b.body["contact"], Value::Null);
    // A contact alone brings its customer; null clears both.
    let c = call(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        Some(&t),
        Some(json!({ "contact": kees })),
    )
    .await;
    assert_eq!(
        c.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the meeting's customer is Van Dam now: {}",
        c.text
    );
    let c = call(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        Some(&t),
        Some(json!({ "customer": null, "contact": kees })),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["customer"], format!("/api/v1/customers/{bakker}"));
    // The list filters by customer.
    let list = call(
        &app,
        "GET",
        &format!(
            "/api/v1/meetings?customer=/api/v1/customers/{bakker}&dateFrom=2031-01-01T00:00:00Z"
        ),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["totalItems"], 1);
    let list = call(
        &app,
        "GET",
        &format!("/api/v1/meetings?customer={dam}&dateFrom=2031-01-01T00:00:00Z"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(list.body["totalItems"], 0);
    let c = call(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        Some(&t),
        Some(json!({ "customer": null, "contact": null })),
    )
    .await;
    assert_eq!(
        (c.body["customer"].clone(), c.body["contact"].clone()),
        (Value::Null, Value::Null)
    );
}

/// The notes of the upcoming meetings (the API's list without a period).
async fn upcoming(app: &TestApp, t: &str) -> Vec<String> {
    let list = call(app, "GET", "/api/v1/meetings?pageSize=100", Some(t), None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["notes"].as_str().map(str::to_string))
        .collect()
}

/// The upcoming meetings (no period) are kept per data version and minute:
/// asked again they are the same, a new meeting shows at once, and a
/// meeting leaves the list in the minute after it ends.
#[actix_web::test]
async fn upcoming_meetings_follow_the_clock_and_the_data() {
    let app = TestApp::demo().await;
    let t = token(&app, "admin:meetings").await;
    let employee = user_id(&app, STAFF).await;
    let now = app.clock.now();
    let iso = |d: chrono::NaiveDateTime| d.format("%Y-%m-%dT%H:%M:00Z").to_string();
    let plan = |notes: &str, minutes: i64| {
        let (from, to) = (now - Duration::hours(1), now + Duration::minutes(minutes));
        json!({ "employee": employee, "dateFrom": iso(from), "dateTo": iso(to), "notes": notes })
    };
    let soon = call(
        &app,
        "POST",
        "/api/v1/meetings",
        Some(&t),
        Some(plan("ends soon", 3)),
    )
    .await;
    assert_eq!(soon.status, StatusCode::CREATED, "{}", soon.text);
    let listed = upcoming(&app, &t).await;
    assert!(listed.contains(&"ends soon".to_string()), "{listed:?}");
    assert_eq!(upcoming(&app, &t).await, listed, "the same, kept");
    let later = call(
        &app,
        "POST",
        "/api/v1/meetings",
        Some(&t),
        Some(plan("ends later", 90)),
    )
    .await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.text);
    let listed = upcoming(&app, &t).await;
    assert!(
        listed.contains(&"ends later".to_string()),
        "a new one at once"
    );
    // Five minutes on, the data unchanged: the first has ended.
    app.clock.advance(Duration::minutes(5));
    let listed = upcoming(&app, &t).await;
    assert!(!listed.contains(&"ends soon".to_string()), "{listed:?}");
    assert!(listed.contains(&"ends later".to_string()));
}
