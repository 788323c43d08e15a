//! `/api/v1/webhooks` and `/api/v1/webhook-messages` (issue 19, item 6):
//! the secret shown once and never stored in plain, partial changes with
//! the version check, scopes and the module, tenant isolation on every
//! route, every bad input of the issue refused with nothing saved, the
//! test message to a receiver in this process (verified by an independent
//! Standard Webhooks implementation and by ours), and rotation's overlap.

use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::config::RawConfig;
use portaal::db::schema::{subscriptions, webhook_endpoints, webhook_messages};
use portaal::domain::modules::{Module, Modules};
use portaal::domain::webhook_signing;
use serde_json::{Value, json};

use crate::support::api::*;
use crate::support::*;

/// What the receiver got: the headers and the body of one request.
struct Got {
    headers: http::HeaderMap,
    body: Vec<u8>,
}

/// A webhook receiver on 127.0.0.1 in this process: it keeps what it gets
/// and answers `status` with a short text.
#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let (got, status) = (
            Arc::new(Mutex::new(Vec::new())),
            Arc::new(AtomicU16::new(200)),
        );
        let (g, s) = (got.clone(), status.clone());
        let server = HttpServer::new(move || {
            let (g, s) = (g.clone(), s.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (g, s) = (g.clone(), s.clone());
                async move {
                    let mut headers = http::HeaderMap::new();
                    for (k, v) in req.headers() {
                        headers.append(
                            http::HeaderName::from_bytes(k.as_str().as_bytes()).unwrap(),
                            http::HeaderValue::from_bytes(v.as_bytes()).unwrap(),
                        );
                    }
                    g.lock().unwrap().push(Got {
                        headers,
                        body: body.to_vec(),
                    });
                    let status = StatusCode::from_u16(s.load(Ordering::SeqCst)).unwrap();
                    HttpResponse::build(status).body("thank you")
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        actix_web::rt::spawn(server);
        Self { url, got, status }
    }

    fn last(&self) -> (http::HeaderMap, Vec<u8>) {
        let got = self.got.lock().unwrap();
        let g = got.last().expect("the receiver got a request");
        (g.headers.clone(), g.body.clone())
    }
}

/// The demo, with 127.0.0.1 allowed (the receiver) and every name
/// resolving to a public address (no DNS in tests).
async fn app() -> TestApp {
    let app = TestApp::demo_with(RawConfig {
        webhook_allow_networks: Some("127.0.0.1".into()),
        ..RawConfig::default()
    })
    .await;
    app.without_demo_webhooks().await;
    resolve_to(&app, IpAddr::V4(Ipv4Addr::new(93, 184, 215, 14)));
    app
}

/// Make every name resolve to `ip`.
fn resolve_to(app: &TestApp, ip: IpAddr) {
    app.state
        .webhooks
        .use_lookup(Arc::new(move |_| Box::pin(async move { Ok(vec![ip]) })));
}

/// `POST path` without a body.
async fn post(app: &TestApp, t: &str, path: &str) -> Answer {
    call(app, "POST", path, Some(t), None).await
}

/// An endpoint of Demo BV for a new receiver: the receiver, a token, the
/// endpoint's id and its secret.
async fn received(app: &TestApp) -> (Receiver, String, String, String) {
    let receiver = Receiver::start();
    let t = token(app, "write:webhooks").await;
    let made = create(app, &t, json!({ "url": receiver.url })).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.body["id"].as_str().unwrap().to_string();
    let secret = made.body["secret"].as_str().unwrap().to_string();
    (receiver, t, id, secret)
}

/// `GET /api/v1/webhooks/{id}`.
async fn get(app: &TestApp, t: &str, id: &str) -> Answer {
    call(app, "GET", &format!("/api/v1/webhooks/{id}"), Some(t), None).await
}

/// `PATCH /api/v1/webhooks/{id}` with `body`.
async fn patch(app: &TestApp, t: &str, id: &str, body: Value) -> Answer {
    call(
        app,
        "PATCH",
        &format!("/api/v1/webhooks/{id}"),
        Some(t),
        Some(body),
    )
    .await
}

async fn create(app: &TestApp, t: &str, body: Value) -> Answer {
    call(app, "POST", "/api/v1/webhooks", Some(t), Some(body)).await
}

fn header(h: &http::HeaderMap, name: &str) -> String {
    h.get(name).unwrap().to_str().unwrap().to_string()
}

async fn endpoints(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM webhook_endpoints")
        .await
}

#[actix_web::test]
async fn the_secret_is_shown_once_and_never_stored_in_plain() {
    let app = app().await;
    let t = token(&app, "write:webhooks").await;
    let a = create(
        &app,
        &t,
        json!({ "url": "https://hooks.example.com/in", "description": "ERP",
                "eventTypes": ["customer.created", "location.updated"] }),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.body["id"].as_str().unwrap().to_string();
    let secret = a.body["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert!(webhook_signing::secret_key(&secret).unwrap().len() >= 24);
    assert_eq!(a.header("location"), format!("/api/v1/webhooks/{id}"));
    assert_eq!(a.header("etag"), "\"1\"");
    // Types in catalogue order; enabled; nothing failing yet.
    assert_eq!(
        a.body["eventTypes"],
        json!(["location.updated", "customer.created"])
    );
    assert_eq!(a.body["enabled"], true);
    assert!(a.body["disabledReason"].is_null());
    assert_eq!(
        a.body["successRate24h"],
        json!({ "succeeded": 0, "total": 0 })
    );
    assert_eq!(a.body["url"], "https://hooks.example.com/in");

    // Never again: not in the record, the list, a change.
    let got = get(&app, &t, &id).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.get("secret").is_none(), "{}", got.text);
    assert!(!got.text.contains(&secret));
    let list = call(&app, "GET", "/api/v1/webhooks", Some(&t), None).await;
    assert!(!list.text.contains("secret"), "{}", list.text);
    let patched = patch(&app, &t, &id, json!({ "description": "ERP 2" })).await;
    assert!(!patched.text.contains("secret"), "{}", patched.text);

    // Not in plain in the database (its base64 neither), nor in the audit.
    let b64 = secret.trim_start_matches("whsec_").to_string();
    let sealed: String = app
        .db(move |c| {
            webhook_endpoints::table
                .find(&id)
                .select(webhook_endpoints::secret_sealed)
                .first(c)
                .unwrap()
        })
        .await;
    assert!(!sealed.contains(&b64), "the column holds the secret");
    assert_eq!(
        app.count(format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE before_json LIKE '%{b64}%' \
             OR after_json LIKE '%{b64}%'"
        ))
        .await,
        0
    );
}

#[actix_web::test]
async fn list_get_patch_and_delete() {
    let app = app().await;
    let t = token(&app, "write:webhooks").await;
    let mut ids = vec![];
    for (url, description) in [
        ("https://b.example.com/", "Boekhouding"),
        ("https://a.example.com/", "CRM"),
        ("https://c.example.com/", "Planning"),
    ] {
        let a = create(&app, &t, json!({ "url": url, "description": description })).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        assert_eq!(a.body["eventTypes"], json!([]));
        ids.push(a.body["id"].as_str().unwrap().to_string());
    }
    // Paged, sorted, searched like every list.
    let a = call(
        &app,
        "GET",
        "/api/v1/webhooks?sortBy=url&pageSize=2",
        Some(&t),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["totalItems"], 3);
    assert_eq!(a.body["pageSize"], 2);
    let urls: Vec<&str> = a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls, ["https://a.example.com/", "https://b.example.com/"]);
    let a = call(&app, "GET", "/api/v1/webhooks?q=plann", Some(&t), None).await;
    assert_eq!(a.body["totalItems"], 1);
    assert_eq!(a.body["items"][0]["description"], "Planning");
    for bad in ["sortBy=secret", "pageSize=0", "sortDirection=UP"] {
        let a = call(
            &app,
            "GET",
            &format!("/api/v1/webhooks?{bad}"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    // A partial change keeps what it does not name.
    let id = &ids[0];
    let path = format!("/api/v1/webhooks/{id}");
    let a = patch(&app, &t, id, json!({ "eventTypes": ["meeting.created"] })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["url"], "https://b.example.com/");
    assert_eq!(a.body["description"], "Boekhouding");
    assert_eq!(a.body["eventTypes"], json!(["meeting.created"]));
    assert_eq!(a.body["version"], 2);
    assert_eq!(a.header("etag"), "\"2\"");
    // Switched off by hand, and on again.
    let a = patch(&app, &t, id, json!({ "enabled": false })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        (&a.body["enabled"], &a.body["disabledReason"]),
        (&json!(false), &json!("manual"))
    );
    assert!(a.body["disabledAt"].is_string());
    assert_eq!(a.body["eventTypes"], json!(["meeting.created"]));
    let a = patch(
        &app,
        &t,
        id,
        json!({ "enabled": true, "description": "Boekhouding (nieuw)", "version": 3 }),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["enabled"], true);
    assert!(a.body["disabledReason"].is_null());
    assert_eq!(a.body["description"], "Boekhouding (nieuw)");
    let version = a.body["version"].as_i64().unwrap();
    assert_eq!(version, 5);

    // A stale version in the body: 409; in If-Match: 412; nothing changes.
    let a = patch(&app, &t, id, json!({ "description": "oud", "version": 2 })).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text);
    assert_eq!(a.body["error"], "conflict");
    let a = call_with(
        &app,
        "PATCH",
        &path,
        Some(&t),
        Some(("application/json", br#"{"description":"oud"}"#.to_vec())),
        &[("If-Match", "\"3\"")],
    )
    .await;
    assert_eq!(a.status, StatusCode::PRECONDITION_FAILED, "{}", a.text);
    let a = call(&app, "GET", &path, Some(&t), None).await;
    assert_eq!(a.body["description"], "Boekhouding (nieuw)");
    assert_eq!(a.body["version"], version);
    // The current version in If-Match and in the body: fine.
    let a = call_with(
        &app,
        "PATCH",
        &path,
        Some(&t),
        Some((
            "application/merge-patch+json",
            format!(r#"{{"description":"actueel","version":{version}}}"#).into_bytes(),
        )),
        &[("If-Match", &format!("\"{version}\""))],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // A secret cannot be typed; an unknown field is refused.
    let a = patch(&app, &t, id, json!({ "secret": "whsec_x" })).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(
        a.field_errors(),
        [("secret".into(), "unknown_field".into())]
    );
    let a = patch(&app, &t, id, json!({ "enabled": "yes" })).await;
    assert_eq!(
        a.field_errors(),
        [("enabled".into(), "invalid_type".into())]
    );

    // Delete: 204, then 404 everywhere.
    let a = call(&app, "DELETE", &path, Some(&t), None).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.text);
    let a = call(&app, "GET", &path, Some(&t), None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = call(&app, "DELETE", &path, Some(&t), None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(endpoints(&app).await, 2);
}

#[actix_web::test]
async fn every_bad_input_is_refused_with_a_field_error_and_nothing_saved() {
    let app = app().await;
    let t = token(&app, "write:webhooks").await;
    let ok = create(&app, &t, json!({ "url": "https://ok.example.com/" })).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let id = ok.body["id"].as_str().unwrap().to_string();
    let long_url = format!("https://example.com/{}", "a".repeat(3000 - 20));
    assert_eq!(long_url.chars().count(), 3000);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({ "url": "https://exa mple.com/in" }),
            "url",
            "webhook_url_invalid",
        ),
        (json!({ "url": "ftp://x" }), "url", "webhook_url_scheme"),
        (
            json!({ "url": "http://169.254.169.254/" }),
            "url",
            "webhook_address_internal",
        ),
        (
            json!({ "url": "https://user:pw@host.example.com/" }),
            "url",
            "webhook_url_userinfo",
        ),
        (json!({ "url": long_url }), "url", "too_long"),
        (
            json!({ "url": "https://ok.example.com/", "eventTypes": ["customer.exploded"] }),
            "eventTypes",
            "webhook_event_type_unknown",
        ),
        (
            json!({ "url": "https://ok.example.com/", "description": "x".repeat(10_000) }),
            "description",
            "too_long",
        ),
        (json!({}), "url", ""),
        (
            json!({ "url": "https://ok.example.com/", "eventTypes": "customer.created" }),
            "eventTypes",
            "invalid_type",
        ),
    ];
    let before = endpoints(&app).await;
    let audited = app.count("SELECT COUNT(*) AS n FROM audit_events").await;
    for (body, field, code) in &cases {
        let a = create(&app, &t, body.clone()).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            a.text
        );
        let e = a.field_errors();
        assert!(
            e.iter()
                .any(|(f, c)| f == field && (code.is_empty() || c == code)),
            "{body}: {e:?}"
        );
        assert!(
            a.body["errors"][0]["message"].as_str().unwrap().len() > 5,
            "a clear message: {}",
            a.text
        );
        // The same on a change.
        let a = patch(&app, &t, &id, body.clone()).await;
        if body.as_object().unwrap().is_empty() {
            assert_eq!(a.status, StatusCode::OK);
            continue;
        }
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "PATCH {body}: {}",
            a.text
        );
        assert!(
            a.field_errors().iter().any(|(f, _)| f == field),
            "PATCH {body}: {}",
            a.text
        );
    }
    assert_eq!(endpoints(&app).await, before, "nothing saved");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events").await,
        audited
    );
    let a = get(&app, &t, &id).await;
    assert_eq!(a.body["url"], "https://ok.example.com/");
    assert_eq!(a.body["version"], 1);

    // A name that resolves to a refused address.
    resolve_to(&app, IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)));
    let a = create(&app, &t, json!({ "url": "https://intranet.example.com/" })).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(
        a.field_errors(),
        [("url".into(), "webhook_address_internal".into())]
    );
    let a = patch(
        &app,
        &t,
        &id,
        json!({ "url": "https://intranet.example.com/" }),
    )
    .await;
    assert_eq!(
        a.field_errors(),
        [("url".into(), "webhook_address_internal".into())]
    );
    // An IPv4-mapped IPv6 literal of the metadata address.
    let a = create(
        &app,
        &t,
        json!({ "url": "https://[::ffff:169.254.169.254]/" }),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(endpoints(&app).await, before);
}

#[actix_web::test]
async fn scopes_and_the_module() {
    let app = app().await;
    let w = token(&app, "write:webhooks").await;
    let made = create(&app, &w, json!({ "url": "https://s.example.com/" })).await;
    let id = made.body["id"].as_str().unwrap().to_string();
    let routes = [
        ("GET", "/api/v1/webhooks".to_string(), false),
        ("GET", format!("/api/v1/webhooks/{id}"), false),
        ("GET", format!("/api/v1/webhooks/{id}/deliveries"), false),
        ("POST", "/api/v1/webhooks".to_string(), true),
        ("PATCH", format!("/api/v1/webhooks/{id}"), true),
        ("DELETE", format!("/api/v1/webhooks/{id}"), true),
        ("POST", format!("/api/v1/webhooks/{id}/test"), true),
        ("POST", format!("/api/v1/webhooks/{id}/rotate-secret"), true),
        (
            "POST",
            "/api/v1/webhook-messages/msg_x/resend".to_string(),
            true,
        ),
    ];
    let read = token(&app, "read:webhooks").await;
    let none = token(&app, "read:locations").await;
    let body = || Some(json!({ "url": "https://t.example.com/" }));
    for (method, path, writes) in &routes {
        let a = call(&app, method, path, Some(&read), body()).await;
        if *writes {
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{method} {path}: {}",
                a.text
            );
            assert_eq!(a.body["error"], "insufficient_scope");
            assert_eq!(a.body["scope"], "write:webhooks");
        } else {
            assert_eq!(a.status, StatusCode::OK, "{method} {path}: {}", a.text);
        }
        let a = call(&app, method, path, Some(&none), body()).await;
        assert_eq!(
            a.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            a.text
        );
        assert_eq!(a.body["error"], "insufficient_scope");
        let a = call(&app, method, path, None, body()).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    assert_eq!(endpoints(&app).await, 1, "the refused writes wrote nothing");

    // The module off: 403 module_not_subscribed on every route.
    let org = org_id(&app, false).await;
    app.db(move |c| {
        diesel::update(
            subscriptions::table
                .filter(subscriptions::organization_id.eq(org))
                .filter(subscriptions::is_current.eq(true)),
        )
        .set(subscriptions::modules.eq(Modules::ALL.without(Module::Webhooks).to_stored()))
        .execute(c)
        .unwrap()
    })
    .await;
    for (method, path, _) in &routes {
        let a = call(&app, method, path, Some(&w), body()).await;
        assert_eq!(
            a.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            a.text
        );
        assert_eq!(a.body["error"], "module_not_subscribed", "{}", a.text);
        assert_eq!(a.body["module"], "webhooks");
    }
    assert_eq!(endpoints(&app).await, 1);
}

#[actix_web::test]
async fn another_organisations_webhook_and_messages_are_not_found() {
    let app = app().await;
    let (receiver, t, id, _) = received(&app).await;
    let tested = post(&app, &t, &format!("/api/v1/webhooks/{id}/test")).await;
    let message = tested.body["message"].as_str().unwrap().to_string();
    // Both now belong to the partner organisation.
    let partner = org_id(&app, true).await;
    {
        let (id, partner) = (id.clone(), partner.clone());
        app.db(move |c| {
            diesel::update(webhook_endpoints::table.find(&id))
                .set(webhook_endpoints::organization_id.eq(&partner))
                .execute(c)
                .unwrap();
            diesel::update(webhook_messages::table.filter(webhook_messages::endpoint_id.eq(&id)))
                .set(webhook_messages::organization_id.eq(&partner))
                .execute(c)
                .unwrap();
        })
        .await;
    }
    let requests = receiver.got.lock().unwrap().len();
    for (method, path) in [
        ("GET", format!("/api/v1/webhooks/{id}")),
        ("PATCH", format!("/api/v1/webhooks/{id}")),
        ("DELETE", format!("/api/v1/webhooks/{id}")),
        ("GET", format!("/api/v1/webhooks/{id}/deliveries")),
        ("POST", format!("/api/v1/webhooks/{id}/test")),
        ("POST", format!("/api/v1/webhooks/{id}/rotate-secret")),
        ("POST", format!("/api/v1/webhook-messages/{message}/resend")),
    ] {
        let a = call(
            &app,
            method,
            &path,
            Some(&t),
            Some(json!({ "description": "mine now" })),
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
    let a = call(&app, "GET", "/api/v1/webhooks", Some(&t), None).await;
    assert_eq!(a.body["totalItems"], 0);
    // Untouched, and nothing was sent.
    assert_eq!(receiver.got.lock().unwrap().len(), requests);
    let (version, description): (i32, String) = app
        .db(move |c| {
            webhook_endpoints::table
                .find(&id)
                .select((webhook_endpoints::version, webhook_endpoints::description))
                .first(c)
                .unwrap()
        })
        .await;
    assert_eq!((version, description.as_str()), (1, ""));
}

#[actix_web::test]
async fn the_test_message_reaches_a_receiver_signed_as_the_standard_says() {
    let app = app().await;
    let (receiver, t, id, secret) = received(&app).await;
    let a = post(&app, &t, &format!("/api/v1/webhooks/{id}/test")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["succeeded"], true, "{}", a.text);
    assert_eq!(a.body["statusCode"], 200);
    assert_eq!(a.body["responseExcerpt"], "thank you");
    assert!(a.body["error"].is_null());
    assert!(a.body["durationMs"].as_i64().unwrap() >= 0);
    let message = a.body["message"].as_str().unwrap().to_string();

    let (headers, body) = receiver.last();
    assert_eq!(header(&headers, "webhook-id"), message);
    let body_json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body_json["type"], "webhook.test");
    assert_eq!(body_json["data"]["id"], id.as_str());
    // An independent implementation verifies it...
    standardwebhooks::Webhook::new(&secret)
        .unwrap()
        .verify(&body, &headers)
        .expect("standardwebhooks verifies our signature");
    // ...and so does ours.
    let ts: i64 = header(&headers, "webhook-timestamp").parse().unwrap();
    let sig = header(&headers, "webhook-signature");
    assert!(sig.starts_with("v1,"), "{sig}");
    let now = app.clock.now().and_utc().timestamp();
    let verify = |secret: &str, sig: &str| {
        webhook_signing::verify(secret, &message, ts, &body, sig, now, 300)
    };
    assert!(verify(&secret, &sig));
    // A truncated signature is refused (and so is another body).
    assert!(!verify(&secret, "v1,"));
    assert!(!verify(&secret, &sig[..sig.len() - 4]));
    assert!(!webhook_signing::verify(
        &secret, &message, ts, b"{}", &sig, now, 300
    ));

    // The log shows the message and its attempt.
    let log = call(
        &app,
        "GET",
        &format!("/api/v1/webhooks/{id}/deliveries"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text);
    let item = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == message.as_str())
        .expect("the test message is in the log")
        .clone();
    assert_eq!(item["status"], "delivered");
    assert_eq!(item["eventType"], "webhook.test");
    assert_eq!(item["webhook"], format!("/api/v1/webhooks/{id}"));
    assert_eq!(item["payload"], body_json);
    assert_eq!(item["attempts"][0]["statusCode"], 200);
    assert_eq!(item["attempts"][0]["succeeded"], true);
    let path = |q: &str| format!("/api/v1/webhooks/{id}/deliveries?{q}");
    let a = call(&app, "GET", &path("status=failed"), Some(&t), None).await;
    assert_eq!(a.body["items"].as_array().unwrap().len(), 0, "{}", a.text);
    let a = call(&app, "GET", &path("status=delivered"), Some(&t), None).await;
    assert!(
        !a.body["items"].as_array().unwrap().is_empty(),
        "{}",
        a.text
    );
    let a = call(&app, "GET", &path("status=lost"), Some(&t), None).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        a.field_errors(),
        [("status".into(), "invalid_choice".into())]
    );
    let a = get(&app, &t, &id).await;
    assert_eq!(
        a.body["successRate24h"],
        json!({ "succeeded": 1, "total": 1 })
    );
    assert!(a.body["lastSuccessAt"].is_string());

    // A receiver that fails: the answer says so.
    receiver.status.store(500, Ordering::SeqCst);
    let a = post(&app, &t, &format!("/api/v1/webhooks/{id}/test")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        (&a.body["succeeded"], &a.body["statusCode"]),
        (&json!(false), &json!(500))
    );
    let failed = a.body["message"].as_str().unwrap().to_string();

    // Resend: 202, the message queued again from the start.
    receiver.status.store(200, Ordering::SeqCst);
    let a = post(
        &app,
        &t,
        &format!("/api/v1/webhook-messages/{failed}/resend"),
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    assert_eq!(a.body["id"], failed.as_str());
    assert_eq!(a.body["status"], "pending");
    assert_eq!(a.body["attemptCount"], 0);
    assert_eq!(a.body["attempts"][0]["statusCode"], 500);
    let a = post(&app, &t, "/api/v1/webhook-messages/msg_nothing/resend").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    // Not while the endpoint is off.
    patch(&app, &t, &id, json!({ "enabled": false })).await;
    let a = post(
        &app,
        &t,
        &format!("/api/v1/webhook-messages/{message}/resend"),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(
        a.field_errors(),
        [("endpoint".into(), "webhook_endpoint_disabled".into())]
    );
}

#[actix_web::test]
async fn after_a_rotation_both_secrets_sign_for_24_hours_then_only_the_new_one() {
    let app = app().await;
    let (receiver, t, id, old) = received(&app).await;
    let a = post(&app, &t, &format!("/api/v1/webhooks/{id}/rotate-secret")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let new = a.body["secret"].as_str().unwrap().to_string();
    assert!(new.starts_with("whsec_") && new != old);
    assert_eq!(a.body["id"], id.as_str());
    assert_eq!(a.body["version"], 2);
    let get = get(&app, &t, &id).await;
    assert!(get.body.get("secret").is_none());

    // Within the overlap: two entries, each verifying with its secret.
    let (headers, body, ts, msg) = send_test(&app, &receiver, &id, &t).await;
    let sig = header(&headers, "webhook-signature");
    let entries: Vec<&str> = sig.split(' ').collect();
    assert_eq!(entries.len(), 2, "{sig}");
    assert!(entries.iter().all(|e| e.starts_with("v1,")), "{sig}");
    for secret in [&old, &new] {
        let key = webhook_signing::secret_key(secret).unwrap();
        let one = webhook_signing::sign(&key, &msg, ts, &body);
        assert!(entries.contains(&one.as_str()), "{secret} signs: {sig}");
        assert!(webhook_signing::verify(
            secret, &msg, ts, &body, &sig, ts, 300
        ));
        standardwebhooks::Webhook::new(secret)
            .unwrap()
            .verify(&body, &headers)
            .expect("standardwebhooks verifies with either secret");
    }

    // Past 24 hours (a new token: the first one expired): the new one only.
    app.clock
        .advance(chrono::Duration::hours(24) + chrono::Duration::minutes(1));
    let t = token(&app, "write:webhooks").await;
    let (headers, body, ts, msg) = send_test(&app, &receiver, &id, &t).await;
    let sig = header(&headers, "webhook-signature");
    assert_eq!(sig.split(' ').count(), 1, "{sig}");
    assert!(webhook_signing::verify(
        &new, &msg, ts, &body, &sig, ts, 300
    ));
    assert!(!webhook_signing::verify(
        &old, &msg, ts, &body, &sig, ts, 300
    ));
}

/// Send the test message; what the receiver got: headers, body, timestamp
/// and the message's id.
async fn send_test(
    app: &TestApp,
    receiver: &Receiver,
    id: &str,
    t: &str,
) -> (http::HeaderMap, Vec<u8>, i64, String) {
    let a = post(app, t, &format!("/api/v1/webhooks/{id}/test")).await;
    assert_eq!(a.body["succeeded"], true, "{}", a.text);
    let (headers, body) = receiver.last();
    let ts: i64 = header(&headers, "webhook-timestamp").parse().unwrap();
    let msg = a.body["message"].as_str().unwrap().to_string();
    assert_eq!(header(&headers, "webhook-id"), msg);
    (headers, body, ts, msg)
}

/// A name server that never answers holds up neither a save (the check on
/// save gives up after a moment and saves: every attempt checks again) nor
/// the test message (its answer comes within `ANSWER_WITHIN`, saying the
/// attempt goes on; the attempt then ends by itself and is in the log).
#[actix_web::test]
async fn a_silent_name_server_holds_up_neither_a_save_nor_the_test() {
    let app = app().await;
    app.state
        .webhooks
        .use_lookup(Arc::new(|_| Box::pin(std::future::pending())));
    let answer_within = portaal::jobs::webhooks::ANSWER_WITHIN;
    app.state
        .webhooks
        .use_timeout(answer_within + std::time::Duration::from_secs(2));
    let t = token(&app, "write:webhooks").await;

    let started = std::time::Instant::now();
    let made = create(
        &app,
        &t,
        json!({ "url": "https://hooks.example.com/portaal" }),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(4),
        "the save took {took:?}"
    );
    let id = made.body["id"].as_str().unwrap().to_string();

    let started = std::time::Instant::now();
    let a = post(&app, &t, &format!("/api/v1/webhooks/{id}/test")).await;
    let took = started.elapsed();
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert!(
        took >= answer_within && took < answer_within + std::time::Duration::from_secs(2),
        "the test answered after {took:?}"
    );
    assert_eq!(a.body["succeeded"], false);
    assert!(a.body["statusCode"].is_null());
    assert!(
        a.body["error"]
            .as_str()
            .unwrap()
            .contains("still under way"),
        "{}",
        a.text
    );
    // The attempt ends by itself (the client's timeout) and is logged.
    let message = a.body["message"].as_str().unwrap().to_string();
    loop {
        let m = call(
            &app,
            "GET",
            &format!("/api/v1/webhooks/{id}/deliveries"),
            Some(&t),
            None,
        )
        .await;
        let row = m.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == message.as_str())
            .cloned();
        if let Some(attempt) = row.as_ref().and_then(|r| r["attempts"].get(0)) {
            assert_eq!(attempt["succeeded"], false);
            let error = attempt["error"].as_str().unwrap_or_default();
            assert!(error.contains("no answer within"), "{error}");
            break;
        }
        assert!(
            started.elapsed() < answer_within + std::time::Duration::from_secs(10),
            "the attempt was never logged: {}",
            m.text
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
