//! Webhook delivery (issue 19, items 1, 3 and 5): events from the one write
//! path, the retry schedule, signatures checked by an independent
//! implementation, 410 / Retry-After / redirects, the address guard at
//! send time (every refused range, by literal and by name, DNS rebinding),
//! an endpoint failing for five days switched off, two instances and a dead
//! one, a hanging receiver, and keeping 30 days. The receiver is a small
//! HTTP/1.1 server in the test process, scripted per test.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use awc::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::config::RawConfig;
use portaal::db::schema::{webhook_attempts, webhook_endpoints, webhook_messages};
use portaal::domain::actor::{Actor, AuditActor};
use portaal::domain::scopes::Role;
use portaal::domain::webhook_deliveries::{self, Attempt, Message, Settled};
use portaal::domain::webhook_events::{AUDIT_KINDS, TYPES};
use portaal::domain::webhooks::{self, EndpointInput};
use portaal::domain::{webhook_outbox, webhook_signing};
use portaal::jobs;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::support::api::*;
use crate::support::*;

// --- The receiver ---

/// What the receiver answers to one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// This status, with these headers.
    Status(u16, Vec<(&'static str, String)>),
    /// Never answer (the connection stays open).
    Hang,
}

fn status(code: u16) -> Reply {
    Reply::Status(code, Vec::new())
}

/// One request as the receiver saw it.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    /// The headers as the `http` crate has them (for `standardwebhooks`).
    fn header_map(&self) -> reqwest::header::HeaderMap {
        let mut map = reqwest::header::HeaderMap::new();
        for (k, v) in &self.headers {
            map.insert(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        map
    }
}

/// A scripted HTTP/1.1 server on 127.0.0.1: answers in the order given
/// (then 200), records every request.
pub struct Receiver {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(script: Vec<Reply>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let (r, s) = (received.clone(), script.clone());
        actix_web::rt::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (r, s) = (r.clone(), s.clone());
                actix_web::rt::spawn(async move {
                    let _ = serve(stream, r, s).await;
                });
            }
        });
        Receiver { port, received }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn serve(
    stream: tokio::net::TcpStream,
    received: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
) -> std::io::Result<()> {
    let mut stream = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            stream.read_line(&mut h).await?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await?;
        received.lock().unwrap().push(Received {
            path,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        let reply = script.lock().unwrap().pop_front().unwrap_or(status(200));
        match reply {
            Reply::Hang => {
                tokio::time::sleep(StdDuration::from_secs(3600)).await;
                return Ok(());
            }
            Reply::Status(code, extra) => {
                let mut answer = format!("HTTP/1.1 {code} X\r\ncontent-length: 2\r\n");
                for (k, v) in extra {
                    answer.push_str(&format!("{k}: {v}\r\n"));
                }
                answer.push_str("content-type: text/plain\r\n\r\nok");
                stream.get_mut().write_all(answer.as_bytes()).await?;
            }
        }
    }
}

// --- Helpers ---

/// A test app whose webhooks may reach 127.0.0.1 over plain http.
async fn app() -> TestApp {
    let app = TestApp::demo_with(RawConfig {
        webhook_allow_networks: Some("127.0.0.1".into()),
        ..Default::default()
    })
    .await;
    // The tests count every message and attempt: the demo's log goes.
    app.without_demo_webhooks().await;
    app
}

/// Demo BV's admin, as an actor.
async fn admin(app: &TestApp) -> Actor {
    let org = org_id(app, false).await;
    app.db(move |c| {
        let admin = portaal::domain::users::find_by_email(c, ADMIN)
            .unwrap()
            .unwrap();
        Actor::member(org, admin.id, admin.name, Role::Backoffice, None)
    })
    .await
}

/// A new endpoint of Demo BV for `url` wanting `types` (none: all):
/// `(id, secret)`.
async fn endpoint(app: &TestApp, url: &str, types: &[&str]) -> (String, String) {
    let actor = admin(app).await;
    let valid = EndpointInput {
        url: url.into(),
        description: "test".into(),
        event_types: types.iter().map(|t| t.to_string()).collect(),
    }
    .validate(app.state.webhooks.allowed())
    .unwrap_or_else(|e| panic!("{url}: {e:?}"));
    let (state, now) = (app.state.clone(), app.clock.now());
    let made = app
        .db(move |c| webhooks::create(c, now, &actor, &state.data_key, &valid).unwrap())
        .await;
    (made.endpoint.id, made.secret)
}

/// Point endpoint `id` at `url` as it is (no check: the send must refuse).
async fn set_url(app: &TestApp, id: &str, url: &str) {
    let (id, url) = (id.to_string(), url.to_string());
    app.db(move |c| {
        diesel::update(webhook_endpoints::table.find(id))
            .set(webhook_endpoints::url.eq(url))
            .execute(c)
            .unwrap()
    })
    .await;
}

/// Queue the test message of endpoint `id`; its message id.
async fn queue_test(app: &TestApp, id: &str) -> String {
    let (actor, id, now) = (admin(app).await, id.to_string(), app.clock.now());
    app.db(move |c| webhooks::queue_test(c, now, &actor, &id).unwrap())
        .await
}

/// Queue `n` messages for endpoint `id` straight into the outbox.
async fn queue_many(app: &TestApp, id: &str, n: usize) -> Vec<String> {
    let (org, id, now) = (org_id(app, false).await, id.to_string(), app.clock.now());
    app.db(move |c| {
        portaal::db::write(c, |c| {
            (0..n)
                .map(|i| {
                    let body = json!({"type": "webhook.test", "timestamp": "x", "data": {"n": i}})
                        .to_string();
                    webhook_outbox::insert(c, now, &org, &id, "webhook.test", &body)
                })
                .collect::<QueryResult<Vec<String>>>()
        })
        .unwrap()
    })
    .await
}

/// The queued events made into messages, as the delivery runner does
/// before it claims.
async fn expand(app: &TestApp) {
    app.db(|c| while webhook_outbox::expand(c, 2).unwrap() > 0 {})
        .await;
}

/// How many messages there are, once the queued events are made into
/// messages.
async fn message_count(app: &TestApp) -> i64 {
    expand(app).await;
    app.count("SELECT COUNT(*) AS n FROM webhook_messages")
        .await
}

/// The messages of endpoint `id`, oldest first (the queued events made
/// into messages first).
async fn messages(app: &TestApp, id: &str) -> Vec<Message> {
    expand(app).await;
    let id = id.to_string();
    app.db(move |c| {
        webhook_messages::table
            .filter(webhook_messages::endpoint_id.eq(id))
            .order((webhook_messages::created_at, webhook_messages::id))
            .select(Message::as_select())
            .load(c)
            .unwrap()
    })
    .await
}

/// The attempts on message `id`, oldest first.
async fn attempts(app: &TestApp, id: &str) -> Vec<Attempt> {
    let id = id.to_string();
    app.db(move |c| {
        webhook_attempts::table
            .filter(webhook_attempts::message_id.eq(id))
            .order((webhook_attempts::attempted_at, webhook_attempts::id))
            .select(Attempt::as_select())
            .load(c)
            .unwrap()
    })
    .await
}

async fn endpoint_row(app: &TestApp, id: &str) -> webhooks::Endpoint {
    let (org, id) = (org_id(app, false).await, id.to_string());
    app.db(move |c| webhooks::find(c, &org, &id).unwrap()).await
}

/// Move the clock to `at` (never back).
fn move_to(app: &TestApp, at: NaiveDateTime) {
    let now = app.clock.now();
    if at > now {
        app.clock.advance(at - now);
    }
}

// --- Events from the one write path ---

#[actix_web::test]
async fn a_change_queues_one_message_per_interested_enabled_endpoint_in_its_transaction() {
    let app = app().await;
    let rx = Receiver::start(vec![]).await;
    // (A client for the API calls below, made first: its making is an
    // event too.)
    let t = token(&app, "admin:locations").await;
    let (all, _) = endpoint(&app, &rx.url("/all"), &[]).await;
    let (created, _) = endpoint(&app, &rx.url("/created"), &["location.created"]).await;
    let (customers, _) = endpoint(&app, &rx.url("/customers"), &["customer.created"]).await;
    let (off, _) = endpoint(&app, &rx.url("/off"), &[]).await;
    let (actor, now) = (admin(&app).await, app.clock.now());
    {
        let (actor, off) = (actor.clone(), off.clone());
        app.db(move |c| webhooks::set_enabled(c, now, &actor, &off, None, false).unwrap())
            .await;
    }
    let before = message_count(&app).await;
    let queued = "SELECT COUNT(*) AS n FROM webhook_outbox";

    // A write that is rolled back queues nothing.
    let input = portaal::domain::locations::LocationInput {
        name: "Terug".into(),
        city: "Gouda".into(),
        ..Default::default()
    };
    {
        let (actor, input) = (actor.clone(), input.clone());
        let r = app
            .db(move |c| {
                portaal::db::write(c, |c| {
                    portaal::domain::locations::create(c, now, &actor, &input)?;
                    Err::<(), _>(portaal::error::AppError::NotFound)
                })
            })
            .await;
        assert!(
            matches!(r, Err(portaal::error::AppError::NotFound)),
            "the location was made, then rolled back: {r:?}"
        );
    }
    assert_eq!(app.count(queued).await, 0, "nothing of a rolled-back write");
    assert_eq!(
        message_count(&app).await,
        before,
        "nothing of a rolled-back write"
    );
    // A write that fails validation queues nothing either.
    let bad = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "" })),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(message_count(&app).await, before);

    // A location created through the API: one message for `all` and one
    // for `created`; none for the customers-only and the disabled one.
    let made = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "Haakje", "city": "Gouda", "country": "/api/v1/countries/NL", "officeOpenHour": 8, "officeCloseHour": 17 })),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let location = made.body["id"].as_str().unwrap().to_string();
    // The write itself queued one small row for both endpoints; the
    // runner makes the messages from it.
    assert_eq!(app.count(queued).await, 1, "one row in the write");
    assert_eq!(message_count(&app).await, before + 2);
    assert_eq!(app.count(queued).await, 0, "taken once");
    for (id, n) in [(&all, 1), (&created, 1), (&customers, 0), (&off, 0)] {
        assert_eq!(messages(&app, id).await.len(), n, "{id}");
    }
    let m = &messages(&app, &all).await[0];
    assert_eq!(m.event_type, "location.created");
    assert!(m.body.len() < 20 * 1024);
    let body: Value = serde_json::from_str(&m.body).unwrap();
    assert_eq!(body["type"], "location.created");
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'), "{body}");
    let data = body["data"].as_object().unwrap();
    assert_eq!(data["id"], location.as_str());
    assert_eq!(data["name"], "Haakje");
    assert_eq!(data["officeOpenHour"], 8, "{body}");
    assert!(
        data.keys().all(|k| !k.contains('_')),
        "camelCase only: {body}"
    );
    assert!(data.get("changedFields").is_none());
    assert_eq!(
        messages(&app, &created).await[0].body,
        m.body,
        "the same event"
    );

    // An update: `changedFields` names what changed; only `all` wants it.
    let patched = call_with(
        &app,
        "PATCH",
        &format!("/api/v1/locations/{location}"),
        Some(&t),
        Some((
            "application/merge-patch+json",
            br#"{"city":"Delft"}"#.to_vec(),
        )),
        &[],
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(message_count(&app).await, before + 3);
    let updated = messages(&app, &all)
        .await
        .into_iter()
        .find(|m| m.event_type == "location.updated")
        .unwrap();
    let body: Value = serde_json::from_str(&updated.body).unwrap();
    assert_eq!(body["data"]["city"], "Delft");
    assert_eq!(body["data"]["changedFields"], json!(["city"]), "{body}");

    // Delivered, the receiver has both messages of `all` and the one of
    // `created`.
    assert_eq!(
        jobs::webhooks::deliver_due(&app.state).await,
        vec![Settled::Delivered; 3]
    );
    let mut paths: Vec<String> = rx.received().into_iter().map(|r| r.path).collect();
    paths.sort();
    assert_eq!(paths, ["/all", "/all", "/created"]);
}

#[actix_web::test]
async fn every_audited_operation_type_is_sent_or_explicitly_not() {
    // The catalogue: every kind once, each mapped to a known type or None.
    let mut seen = std::collections::HashSet::new();
    for (action, event) in AUDIT_KINDS {
        assert!(seen.insert(*action), "{action} twice in AUDIT_KINDS");
        if let Some(t) = event {
            assert!(TYPES.contains(t), "{action} → {t}, not in TYPES");
        }
    }
    // Every type but the test's is what some audited change becomes.
    for t in TYPES {
        assert!(
            *t == "webhook.test" || AUDIT_KINDS.iter().any(|(_, e)| *e == Some(*t)),
            "{t} is sent by nothing"
        );
    }

    // The real operations, one per resource family, each produce a message
    // of the mapped type.
    let app = app().await;
    let rx = Receiver::start(vec![]).await;
    let (all, _) = endpoint(&app, &rx.url("/all"), &[]).await;
    let actor = admin(&app).await;
    let now = app.clock.now();
    let mut checked = Vec::new();
    let mut seen = std::collections::HashSet::new();

    // Location, customer, contact, meeting: through the API.
    let t = token(
        &app,
        "admin:locations write:customers admin:meetings read:locations",
    )
    .await;
    mark(&app, &all, &mut seen).await;
    let a = call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "L" })),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let loc = a.body["id"].as_str().unwrap().to_string();
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "location create",
        "location.created",
    )
    .await;
    let a = call(
        &app,
        "DELETE",
        &format!("/api/v1/locations/{loc}"),
        Some(&t),
        None,
    )
    .await;
    assert!(a.status.is_success(), "{}", a.text);
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "location delete",
        "location.deleted",
    )
    .await;
    let a = call(
        &app,
        "POST",
        "/api/v1/customers",
        Some(&t),
        Some(json!({ "name": "K BV" })),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let customer = a.body["id"].as_str().unwrap().to_string();
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "customer create",
        "customer.created",
    )
    .await;
    let a = call(
        &app,
        "POST",
        &format!("/api/v1/customers/{customer}/contacts"),
        Some(&t),
        Some(json!({ "firstname": "An", "lastname": "Bel" })),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "contact create",
        "contact.created",
    )
    .await;
    let employee = user_id(&app, STAFF).await;
    let a = call(
        &app,
        "POST",
        "/api/v1/meetings",
        Some(&t),
        Some(json!({ "employee": format!("/api/v1/users/{employee}"), "dateFrom": "2026-12-01T10:00:00Z", "dateTo": "2026-12-01T11:00:00Z" })),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "meeting create",
        "meeting.created",
    )
    .await;

    // The organisation.
    let t = token(&app, "write:organization:/mail-footer").await;
    mark(&app, &all, &mut seen).await;
    let a = call_with(
        &app,
        "PATCH",
        "/api/v1/organizations/mail-footer",
        Some(&t),
        Some((
            "application/merge-patch+json",
            br#"{"mailFooter":"Anders"}"#.to_vec(),
        )),
        &[],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "mail footer",
        "organization.updated",
    )
    .await;

    // An API client (made by the admin in the domain).
    new_client(&app, false, "Koppeling", "read:locations").await;
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "api client",
        "api_client.created",
    )
    .await;

    // An invitation.
    {
        let (actor, url) = (actor.clone(), app.state.config.public_url.clone());
        app.db(move |c| {
            portaal::domain::members::invite(c, now, &actor, "nieuw@demo.test", Role::Access, &url)
                .unwrap()
        })
        .await;
    }
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "invitation",
        "member.invited",
    )
    .await;

    // The subscription: a cancellation at the period's end.
    {
        let actor = actor.clone();
        app.db(move |c| portaal::domain::subscriptions::cancel(c, now, &actor).unwrap())
            .await;
    }
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "cancel",
        "subscription.cancel_scheduled",
    )
    .await;

    // An invoice, issued.
    let org = org_id(&app, false).await;
    app.db(move |c| {
        use portaal::domain::invoices;
        let draft = invoices::create_draft(
            c,
            now,
            invoices::NewDraft {
                organization_id: org,
                subscription_id: "webhook-draft".into(),
                reason: "change",
                period: (now, now + Duration::days(1)),
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
        .unwrap();
        invoices::finalize(c, now, &AuditActor::system("test"), &draft.id).unwrap();
    })
    .await;
    expect(
        &app,
        &all,
        &mut seen,
        &mut checked,
        "invoice",
        "invoice.issued",
    )
    .await;

    // Every message delivered, each with its type in the body.
    let all_messages = messages(&app, &all).await;
    for m in &all_messages {
        let body: Value = serde_json::from_str(&m.body).unwrap();
        assert_eq!(body["type"], m.event_type.as_str());
        assert!(m.body.len() < 20 * 1024);
    }
    let mut families: Vec<&str> = checked
        .iter()
        .map(|t| t.split('.').next().unwrap())
        .collect();
    families.dedup();
    assert_eq!(
        families,
        [
            "location",
            "customer",
            "contact",
            "meeting",
            "organization",
            "api_client",
            "member",
            "subscription",
            "invoice"
        ]
    );
}

/// Take endpoint `id`'s messages so far as seen.
async fn mark(app: &TestApp, id: &str, seen: &mut std::collections::HashSet<String>) {
    seen.extend(messages(app, id).await.into_iter().map(|m| m.id));
}

/// The operation `what` queued exactly one message for endpoint `id`
/// (among those not `seen` before), of type `expected`.
async fn expect(
    app: &TestApp,
    id: &str,
    seen: &mut std::collections::HashSet<String>,
    checked: &mut Vec<String>,
    what: &str,
    expected: &str,
) {
    let new: Vec<String> = messages(app, id)
        .await
        .into_iter()
        .filter(|m| seen.insert(m.id.clone()))
        .map(|m| m.event_type)
        .collect();
    assert_eq!(new, [expected], "{what}");
    checked.push(expected.to_string());
}

// --- The schedule and the signature ---

#[actix_web::test]
async fn five_hundred_twice_then_ok_three_attempts_on_the_schedule_one_id_signed() {
    let app = app().await;
    let rx = Receiver::start(vec![status(500), status(500), status(200)]).await;
    let (id, secret) = endpoint(&app, &rx.url("/hook"), &[]).await;
    let message = queue_test(&app, &id).await;

    let first_at = app.clock.now();
    assert!(matches!(
        jobs::webhooks::deliver_due(&app.state).await[..],
        [Settled::Retry(_)]
    ));
    let m = &messages(&app, &id).await[0];
    let second = m.next_attempt_at.unwrap();
    let wait = (second - first_at).num_milliseconds();
    assert!((4_500..=5_500).contains(&wait), "5 s ± 10 %: {wait} ms");
    // Not before its time.
    assert!(jobs::webhooks::deliver_due(&app.state).await.is_empty());
    move_to(&app, second);
    assert!(matches!(
        jobs::webhooks::deliver_due(&app.state).await[..],
        [Settled::Retry(_)]
    ));
    let m = &messages(&app, &id).await[0];
    let third = m.next_attempt_at.unwrap();
    let wait = (third - app.clock.now()).num_seconds();
    assert!((270..=330).contains(&wait), "5 min ± 10 %: {wait} s");
    app.clock.advance(Duration::seconds(60));
    assert!(jobs::webhooks::deliver_due(&app.state).await.is_empty());
    move_to(&app, third);
    assert_eq!(
        jobs::webhooks::deliver_due(&app.state).await,
        [Settled::Delivered]
    );

    let got = rx.received();
    assert_eq!(got.len(), 3);
    let ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(
        ids,
        [message.as_str(); 3],
        "one webhook-id on every attempt"
    );
    let stamps: Vec<i64> = got
        .iter()
        .map(|r| r.header("webhook-timestamp").parse().unwrap())
        .collect();
    assert_eq!(stamps[0], first_at.and_utc().timestamp());
    assert!(stamps[0] < stamps[1] && stamps[1] < stamps[2], "{stamps:?}");
    assert_eq!(stamps[2], third.and_utc().timestamp(), "per attempt");
    let independent = standardwebhooks::Webhook::new(&secret).unwrap();
    for (i, r) in got.iter().enumerate() {
        assert_eq!(r.header("content-type"), "application/json");
        let signature = r.header("webhook-signature");
        // Our own check, at the attempt's time.
        assert!(webhook_signing::verify(
            &secret,
            &message,
            stamps[i],
            r.body.as_bytes(),
            signature,
            stamps[i],
            webhook_signing::DEFAULT_TOLERANCE_SECS,
        ));
        // The independent one: `verify` judges the timestamp by the real
        // clock (the test's clock is minutes ahead for the last attempt),
        // so that one is compared by its `sign`.
        if i < 2 {
            independent
                .verify(r.body.as_bytes(), &r.header_map())
                .unwrap_or_else(|e| panic!("attempt {i}: {e}"));
        }
        assert_eq!(
            independent
                .sign(&message, stamps[i], r.body.as_bytes())
                .unwrap(),
            signature
        );
    }
    // A truncated signature is refused by our check.
    assert!(!webhook_signing::verify(
        &secret,
        &message,
        stamps[0],
        got[0].body.as_bytes(),
        "v1,",
        stamps[0],
        300
    ));

    // Three attempts logged: 500, 500, 200; the message delivered.
    let a = attempts(&app, &message).await;
    let codes: Vec<Option<i32>> = a.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, [Some(500), Some(500), Some(200)]);
    assert_eq!(
        a.iter().map(|a| a.succeeded).collect::<Vec<_>>(),
        [false, false, true]
    );
    assert_eq!(a[0].response_excerpt, "ok");
    let m = &messages(&app, &id).await[0];
    assert_eq!(
        (m.status.as_str(), m.attempts),
        (webhook_outbox::DELIVERED, 3)
    );
    let e = endpoint_row(&app, &id).await;
    assert!(e.failing_since.is_none() && e.last_success_at.is_some());
}

#[actix_web::test]
async fn gone_disables_retry_after_postpones_and_redirects_are_not_followed() {
    let app = app().await;
    // 410: the endpoint is switched off (gone), its other messages fail.
    let rx = Receiver::start(vec![status(410)]).await;
    let (id, _) = endpoint(&app, &rx.url("/gone"), &[]).await;
    queue_test(&app, &id).await;
    let settled = jobs::webhooks::deliver_due(&app.state).await;
    assert_eq!(settled, [Settled::GaveUp], "no retry after 410");
    let e = endpoint_row(&app, &id).await;
    assert!(!e.enabled);
    assert_eq!(e.disabled_reason.as_deref(), Some("gone"));
    assert_eq!(rx.received().len(), 1);
    // A change now queues nothing for it; nothing more is sent.
    let t = token(&app, "admin:locations").await;
    call(
        &app,
        "POST",
        "/api/v1/locations",
        Some(&t),
        Some(json!({ "name": "Na" })),
    )
    .await;
    assert_eq!(messages(&app, &id).await.len(), 1);
    assert!(jobs::webhooks::deliver_due(&app.state).await.is_empty());
    assert_eq!(messages(&app, &id).await[0].status, webhook_outbox::FAILED);

    // Pending messages of an endpoint at the moment it is gone fail with it.
    let rx = Receiver::start(vec![status(410)]).await;
    let (id, _) = endpoint(&app, &rx.url("/gone2"), &[]).await;
    let _ = queue_many(&app, &id, 3).await;
    // One at a time: claim the first only, the others stay pending.
    let (owner, now) = (app.state.jobs.owner().to_string(), app.clock.now());
    let due = app
        .db(move |c| {
            webhook_deliveries::claim(c, now, &owner, now + Duration::seconds(60), 1, &[]).unwrap()
        })
        .await;
    assert_eq!(due.len(), 1);
    let (settled, _) = jobs::webhooks::attempt(&app.state, due.into_iter().next().unwrap())
        .await
        .unwrap();
    assert_eq!(settled, Settled::GaveUp);
    let statuses: Vec<String> = messages(&app, &id)
        .await
        .into_iter()
        .map(|m| m.status)
        .collect();
    assert_eq!(statuses, [webhook_outbox::FAILED; 3], "the others fail too");

    // Retry-After on 429 and 503: the next attempt no sooner than asked.
    for code in [429, 503] {
        let rx = Receiver::start(vec![
            Reply::Status(code, vec![("retry-after", "120".into())]),
            Reply::Status(code, vec![("retry-after", "120".into())]),
        ])
        .await;
        let (id, _) = endpoint(&app, &rx.url("/busy"), &[]).await;
        queue_test(&app, &id).await;
        let now = app.clock.now();
        let settled = jobs::webhooks::deliver_due(&app.state).await;
        let [Settled::Retry(at)] = settled[..] else {
            panic!("{settled:?}");
        };
        assert!(at >= now + Duration::seconds(120), "{code}: {at} vs {now}");
        // Second failure: the schedule says 5 min, more than asked.
        app.clock.advance(Duration::seconds(119));
        assert!(jobs::webhooks::deliver_due(&app.state).await.is_empty());
        move_to(&app, at);
        let settled = jobs::webhooks::deliver_due(&app.state).await;
        let [Settled::Retry(next)] = settled[..] else {
            panic!("{settled:?}");
        };
        assert!(next >= app.clock.now() + Duration::seconds(270));
        set_enabled(&app, &id, false).await;
    }

    // A 302 is not followed: the target gets nothing; it is a failure.
    let target = Receiver::start(vec![]).await;
    let rx = Receiver::start(vec![Reply::Status(
        302,
        vec![("location", target.url("/inside"))],
    )])
    .await;
    let (id, _) = endpoint(&app, &rx.url("/moved"), &[]).await;
    let message = queue_test(&app, &id).await;
    let settled = jobs::webhooks::deliver_due(&app.state).await;
    assert!(matches!(settled[..], [Settled::Retry(_)]), "{settled:?}");
    assert_eq!(rx.received().len(), 1);
    assert!(target.received().is_empty(), "the redirect went nowhere");
    let a = attempts(&app, &message).await;
    assert_eq!(a[0].status_code, Some(302));
    assert!(!a[0].succeeded);
    assert!(
        a[0].error
            .as_deref()
            .unwrap()
            .contains("redirect not followed"),
        "{:?}",
        a[0].error
    );
}

async fn set_enabled(app: &TestApp, id: &str, on: bool) {
    let (actor, id, now) = (admin(app).await, id.to_string(), app.clock.now());
    app.db(move |c| webhooks::set_enabled(c, now, &actor, &id, None, on).unwrap())
        .await;
}

// --- No way inside ---

/// Every refused range, by a literal and by a name resolving into it.
const REFUSED: &[&str] = &[
    "127.0.0.1",
    "127.5.6.7",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "224.0.0.1",
    "239.255.255.250",
    "192.0.2.10",
    "198.18.0.1",
    "198.19.255.254",
    "0.0.0.0",
    "255.255.255.255",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
];

/// A resolver from a table: name → addresses.
fn table_lookup(table: HashMap<String, Vec<IpAddr>>) -> portaal::webhook_client::Lookup {
    let table = Arc::new(table);
    Arc::new(move |host: String| {
        let table = table.clone();
        Box::pin(async move {
            table.get(&host).cloned().ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, format!("{host}: unknown"))
            })
        })
    })
}

fn literal(ip: &str) -> String {
    if ip.contains(':') {
        format!("[{ip}]")
    } else {
        ip.to_string()
    }
}

#[actix_web::test]
async fn every_refused_address_is_refused_at_send_by_literal_and_by_name() {
    // No allowed networks: https only, every internal address refused.
    let app = TestApp::demo().await;
    let rx = Receiver::start(vec![]).await;
    let port = rx.port;
    let mut table: HashMap<String, Vec<IpAddr>> = HashMap::new();
    let mut cases = Vec::new();
    for (i, ip) in REFUSED.iter().enumerate() {
        let name = format!("refused{i}.example.com");
        table.insert(name.clone(), vec![ip.parse().unwrap()]);
        cases.push(format!("https://{}:{port}/hook", literal(ip)));
        cases.push(format!("https://{name}:{port}/hook"));
    }
    // One public and one private address: refused.
    table.insert(
        "mixed.example.com".into(),
        vec![
            "93.184.216.34".parse().unwrap(),
            "10.0.0.7".parse().unwrap(),
        ],
    );
    cases.push(format!("https://mixed.example.com:{port}/hook"));
    table.insert(
        "public.example.com".into(),
        vec!["93.184.216.34".parse().unwrap()],
    );
    app.state.webhooks.use_lookup(table_lookup(table));

    // Each endpoint saved with a public name, then pointed at the case (as
    // if it had been saved before a rule, or by a path that skipped the
    // check): the send itself refuses.
    let mut made = Vec::new();
    for url in &cases {
        // The check on save refuses it too.
        assert_eq!(
            app.state.webhooks.check_target(url).await,
            Err(portaal::error::ErrorCode::WebhookAddressInternal),
            "{url}"
        );
        let (id, _) = endpoint(&app, "https://public.example.com/hook", &[]).await;
        set_url(&app, &id, url).await;
        let message = queue_test(&app, &id).await;
        made.push((url.clone(), message));
    }
    let settled = jobs::webhooks::deliver_due(&app.state).await;
    assert_eq!(settled.len(), cases.len());
    assert!(settled.iter().all(|s| matches!(s, Settled::Retry(_))));
    for (url, message) in &made {
        let a = attempts(&app, message).await;
        assert_eq!(a.len(), 1, "{url}");
        let error = a[0].error.as_deref().unwrap_or_default();
        assert!(error.contains("address refused"), "{url}: {error}");
        assert!(a[0].status_code.is_none() && !a[0].succeeded);
    }
    assert!(
        rx.received().is_empty(),
        "no connection reached the receiver"
    );
}

#[actix_web::test]
async fn a_name_public_on_save_and_loopback_at_send_is_refused_at_send() {
    // DNS rebinding, without the allow list.
    let app = TestApp::demo().await;
    let rx = Receiver::start(vec![]).await;
    let url = format!("https://rebind.example.com:{}/hook", rx.port);
    let public: HashMap<String, Vec<IpAddr>> = [(
        "rebind.example.com".into(),
        vec!["93.184.216.34".parse().unwrap()],
    )]
    .into();
    app.state.webhooks.use_lookup(table_lookup(public));
    assert_eq!(app.state.webhooks.check_target(&url).await, Ok(()));
    let (id, _) = endpoint(&app, &url, &[]).await;
    let message = queue_test(&app, &id).await;
    // Now the name points inside.
    let inside: HashMap<String, Vec<IpAddr>> = [(
        "rebind.example.com".into(),
        vec!["127.0.0.1".parse().unwrap()],
    )]
    .into();
    app.state.webhooks.use_lookup(table_lookup(inside));
    let settled = jobs::webhooks::deliver_due(&app.state).await;
    assert!(matches!(settled[..], [Settled::Retry(_)]), "{settled:?}");
    let a = attempts(&app, &message).await;
    let error = a[0].error.as_deref().unwrap_or_default();
    assert!(
        error.contains("address refused") && error.contains("127.0.0.1"),
        "{error}"
    );
    assert!(rx.received().is_empty());
    // The test button goes through the same guard.
    let test = queue_test(&app, &id).await;
    let answer = jobs::webhooks::deliver_now(&app.state, &test)
        .await
        .unwrap();
    let jobs::webhooks::Answer::Done(_, outcome) = answer else {
        panic!("the refused attempt ends at once");
    };
    assert!(
        outcome
            .error
            .as_deref()
            .unwrap()
            .contains("address refused"),
        "{outcome:?}"
    );
    assert!(rx.received().is_empty());
}

// --- Failing for days ---

#[actix_web::test]
async fn an_endpoint_down_for_five_days_is_switched_off_and_its_admins_told() {
    let app = app().await;
    // Nobody listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/down",
        closed.local_addr().unwrap().port()
    );
    drop(closed);
    let (id, _) = endpoint(&app, &url, &[]).await;
    queue_test(&app, &id).await;
    let started = app.clock.now();
    // (PostgreSQL keeps microseconds.)
    let micros = |t: Option<NaiveDateTime>| t.map(|t| t.and_utc().timestamp_micros());
    let mails = format!(
        "SELECT COUNT(*) AS n FROM mail_outbox WHERE recipient = '{ADMIN}' AND subject LIKE '%{url}%'"
    );
    let mut rounds = 0;
    let mut second = None;
    loop {
        rounds += 1;
        assert!(rounds < 40, "still going after {rounds} rounds");
        let settled = jobs::webhooks::deliver_due(&app.state).await;
        assert!(settled.iter().all(|s| *s != Settled::Delivered));
        let e = endpoint_row(&app, &id).await;
        assert_eq!(
            micros(e.failing_since),
            micros(Some(started)),
            "failing since the first failure"
        );
        if !e.enabled {
            break;
        }
        assert_eq!(app.count(&mails).await, 0, "no mail while it is on");
        let pending: Vec<Message> = messages(&app, &id)
            .await
            .into_iter()
            .filter(|m| m.status == webhook_outbox::PENDING)
            .collect();
        if pending.is_empty() {
            // The first message's schedule is over (about three days): the
            // endpoint is still on; a new event keeps it failing.
            assert!(second.is_none(), "a second schedule ran out too");
            let one = &messages(&app, &id).await[0];
            assert_eq!(
                (one.status.as_str(), one.attempts),
                (webhook_outbox::FAILED, 10)
            );
            let days = (app.clock.now() - started).num_hours();
            assert!((60..=84).contains(&days), "the schedule took {days} h");
            second = Some(queue_test(&app, &id).await);
            continue;
        }
        let next = pending
            .iter()
            .filter_map(|m| m.next_attempt_at)
            .min()
            .unwrap();
        move_to(&app, next);
    }
    let took = app.clock.now() - started;
    assert!(
        took >= Duration::days(5) && took < Duration::days(6),
        "switched off after {took}"
    );
    let e = endpoint_row(&app, &id).await;
    assert_eq!(e.disabled_reason.as_deref(), Some("failing"));
    assert_eq!(app.count(&mails).await, 1, "the admin has a mail");
    // The list says failing since the first failure.
    let actor = admin(&app).await;
    let now = app.clock.now();
    let list = app
        .db(move |c| {
            webhooks::list(
                c,
                &actor,
                now,
                portaal::domain::paging::PageRequest {
                    number: 1,
                    size: 50,
                    sort: "url",
                    desc: false,
                    q: None,
                    after: None,
                },
            )
            .unwrap()
        })
        .await;
    let row = list.items.iter().find(|r| r.endpoint.id == id).unwrap();
    assert_eq!(micros(row.endpoint.failing_since), micros(Some(started)));
    // Every attempt failed with no connection; the second message is failed.
    let second = second.unwrap();
    let a = attempts(&app, &second).await;
    assert!(a.iter().all(|a| !a.succeeded && a.error.is_some()));
    let m = messages(&app, &id).await;
    assert!(
        m.iter().all(|m| m.status == webhook_outbox::FAILED),
        "{m:?}"
    );
}

// --- Several instances ---

/// Deliver until nothing more is claimed; how many this instance settled.
async fn drain(state: &portaal::AppState) -> usize {
    let mut total = 0;
    for _ in 0..50 {
        let settled = jobs::webhooks::deliver_due(state).await;
        if settled.is_empty() {
            return total;
        }
        assert!(
            settled.iter().all(|s| *s == Settled::Delivered),
            "{settled:?}"
        );
        total += settled.len();
    }
    panic!("still delivering after 50 rounds");
}

#[actix_web::test]
async fn two_instances_attempt_every_message_exactly_once() {
    let app = app().await;
    let other = app.second_instance().await;
    let rx = Receiver::start(vec![]).await;
    let (a, _) = endpoint(&app, &rx.url("/a"), &[]).await;
    let (b, _) = endpoint(&app, &rx.url("/b"), &[]).await;
    let mut ids = queue_many(&app, &a, 150).await;
    ids.extend(queue_many(&app, &b, 150).await);
    let (x, y) = tokio::join!(drain(&app.state), drain(&other));
    assert_eq!(x + y, 300, "{x} + {y}");
    let got = rx.received();
    assert_eq!(got.len(), 300, "three hundred requests");
    let mut seen: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 300, "none twice");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_attempts")
            .await,
        300
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM webhook_messages WHERE status = 'delivered' AND attempts = 1 AND lease_owner IS NULL"
        )
        .await,
        300
    );
}

#[actix_web::test]
async fn two_instances_make_each_queued_event_into_its_messages_once() {
    let app = app().await;
    app.without_demo_webhooks().await;
    let other = app.second_instance().await;
    let rx = Receiver::start(vec![]).await;
    let (a, _) = endpoint(&app, &rx.url("/a"), &[]).await;
    let (b, _) = endpoint(&app, &rx.url("/b"), &["location.created"]).await;
    let (actor, now) = (admin(&app).await, app.clock.now());
    app.db(move |c| {
        for i in 0..120 {
            let input = portaal::domain::locations::LocationInput {
                name: format!("Vestiging {i}"),
                city: "Gouda".into(),
                ..Default::default()
            };
            portaal::db::write(c, |c| {
                portaal::domain::locations::create(c, now, &actor, &input).map(|_| ())
            })
            .unwrap();
        }
    })
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_outbox").await,
        120
    );
    // Both instances take small batches at the same time.
    let take = |state: &actix_web::web::Data<portaal::AppState>| {
        let state = state.clone();
        async move {
            let mut taken = 0;
            loop {
                let n = state
                    .db(|c| Ok(webhook_outbox::expand(c, 7)?))
                    .await
                    .unwrap();
                if n == 0 {
                    return taken;
                }
                taken += n;
            }
        }
    };
    let (x, y) = tokio::join!(take(&app.state), take(&other));
    assert_eq!(x + y, 120, "{x} + {y}");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_outbox").await,
        0
    );
    for id in [&a, &b] {
        let got = messages(&app, id).await;
        assert_eq!(got.len(), 120, "{id}");
        let mut names: Vec<String> = got
            .iter()
            .map(|m| {
                let body: Value = serde_json::from_str(&m.body).unwrap();
                assert_eq!(body["type"], "location.created");
                body["data"]["name"].as_str().unwrap().to_string()
            })
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 120, "each event once for {id}");
    }
}

/// An endpoint switched off between a change and the runner making its
/// message: the message is made failed, as switching off fails the
/// waiting ones, and nothing is sent; an endpoint deleted meanwhile gets
/// none.
#[actix_web::test]
async fn an_endpoint_switched_off_before_its_message_is_made_gets_it_failed() {
    let app = app().await;
    app.without_demo_webhooks().await;
    let rx = Receiver::start(vec![]).await;
    let (off, _) = endpoint(&app, &rx.url("/off"), &[]).await;
    let (gone, _) = endpoint(&app, &rx.url("/gone"), &[]).await;
    let (actor, now) = (admin(&app).await, app.clock.now());
    {
        let (actor, off, gone) = (actor.clone(), off.clone(), gone.clone());
        app.db(move |c| {
            let input = portaal::domain::locations::LocationInput {
                name: "Tussendoor".into(),
                city: "Gouda".into(),
                ..Default::default()
            };
            portaal::db::write(c, |c| {
                portaal::domain::locations::create(c, now, &actor, &input).map(|_| ())
            })
            .unwrap();
            webhooks::set_enabled(c, now, &actor, &off, None, false).unwrap();
            webhooks::delete(c, now, &actor, &gone).unwrap();
        })
        .await;
    }
    let made = messages(&app, &off).await;
    let created: Vec<&Message> = made
        .iter()
        .filter(|m| m.event_type == "location.created")
        .collect();
    assert_eq!(created.len(), 1, "{made:?}");
    assert_eq!(created[0].status, "failed");
    assert_eq!(created[0].next_attempt_at, None);
    assert!(messages(&app, &gone).await.is_empty());
    assert!(jobs::webhooks::deliver_due(&app.state).await.is_empty());
    assert!(rx.received().is_empty(), "nothing sent");
}

/// Which endpoints want a type (`db::outbox::queue`, one statement per
/// backend): an empty list wants all, else only a listed type, whole.
#[actix_web::test]
async fn an_endpoint_wants_only_the_types_it_lists_whole_or_all_when_none() {
    let app = app().await;
    app.without_demo_webhooks().await;
    let rx = Receiver::start(vec![]).await;
    let org = org_id(&app, false).await;
    let (two, _) = endpoint(
        &app,
        &rx.url("/two"),
        &["location.created", "customer.deleted"],
    )
    .await;
    let queue = |t: &'static str| {
        let org = org.clone();
        app.db(move |c| portaal::db::outbox::queue(c, &org, t, "audit-x").unwrap())
    };
    assert!(queue("customer.deleted").await, "the second of two listed");
    assert!(queue("location.created").await, "the first of two listed");
    assert!(!queue("location.deleted").await, "not listed");
    assert!(!queue("location").await, "a prefix is not a type");
    assert!(!queue("created").await, "nor a suffix");
    // Off: wants nothing.
    let (actor, now) = (admin(&app).await, app.clock.now());
    {
        let (actor, two) = (actor.clone(), two.clone());
        app.db(move |c| webhooks::set_enabled(c, now, &actor, &two, None, false).unwrap())
            .await;
    }
    assert!(!queue("customer.deleted").await, "switched off");
    // An empty list wants every type.
    let (all, _) = endpoint(&app, &rx.url("/all"), &[]).await;
    assert!(queue("location.deleted").await, "none listed: all");
    let ids: Vec<String> = app
        .db(|c| {
            portaal::db::schema::webhook_outbox::table
                .select(portaal::db::schema::webhook_outbox::endpoint_ids)
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(
        ids.last(),
        Some(&all),
        "only the one that wants it: {ids:?}"
    );
    assert_eq!(ids[0], two);
}

#[actix_web::test]
async fn a_dead_instances_messages_go_out_when_its_lease_ends() {
    let app = app().await;
    let other = app.second_instance().await;
    let rx = Receiver::start(vec![]).await;
    let (id, _) = endpoint(&app, &rx.url("/later"), &[]).await;
    queue_many(&app, &id, 5).await;
    // An instance claims them and dies before its attempts settle.
    let now = app.clock.now();
    let lease = Duration::seconds(jobs::webhooks::LEASE_SECS);
    let claimed = app
        .db(move |c| {
            webhook_deliveries::claim(c, now, "instance-that-died", now + lease, 100, &[])
                .unwrap()
                .len()
        })
        .await;
    assert_eq!(claimed, 5);
    // While the lease holds, nobody sends them.
    assert!(jobs::webhooks::deliver_due(&other).await.is_empty());
    app.clock.advance(lease - Duration::seconds(1));
    assert!(jobs::webhooks::deliver_due(&app.state).await.is_empty());
    // After it, another instance does; nothing is lost.
    app.clock.advance(Duration::seconds(1));
    assert_eq!(drain(&other).await, 5);
    assert_eq!(rx.received().len(), 5);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_messages WHERE status = 'delivered'")
            .await,
        5
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_attempts")
            .await,
        5
    );
}

// --- A receiver that hangs ---

#[actix_web::test]
async fn a_hanging_receiver_times_out_and_holds_up_nobody_else() {
    let app = app().await;
    app.state
        .webhooks
        .use_timeout(StdDuration::from_millis(1500));
    let hangs = Receiver::start(vec![Reply::Hang; 100]).await;
    let quick = Receiver::start(vec![]).await;
    let (slow, _) = endpoint(&app, &hangs.url("/slow"), &[]).await;
    let (fast, _) = endpoint(&app, &quick.url("/fast"), &[]).await;
    let slow_messages = queue_many(&app, &slow, 40).await;
    queue_many(&app, &fast, 40).await;

    // The claim leaves a full endpoint's messages to others.
    let now = app.clock.now();
    let busy = vec![slow.clone()];
    let claimed = app
        .db(move |c| {
            webhook_deliveries::claim(c, now, "probe", now + Duration::seconds(60), 100, &busy)
                .unwrap()
        })
        .await;
    assert_eq!(claimed.len(), 40);
    assert!(claimed.iter().all(|d| d.endpoint.id == fast));
    app.db(|c| {
        diesel::update(webhook_messages::table)
            .set((
                webhook_messages::lease_owner.eq(None::<String>),
                webhook_messages::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(c)
            .unwrap()
    })
    .await;

    // The runner: the fast endpoint's messages all arrive while the slow
    // one's first attempts are still hanging.
    let started = std::time::Instant::now();
    actix_web::rt::spawn(jobs::webhooks::run(app.state.clone()));
    while quick.received().len() < 40 {
        assert!(
            started.elapsed() < StdDuration::from_secs(10),
            "only {} of 40 arrived",
            quick.received().len()
        );
        actix_web::rt::time::sleep(StdDuration::from_millis(20)).await;
    }
    let fast_done = started.elapsed();
    assert!(
        fast_done < StdDuration::from_millis(1500),
        "the fast endpoint waited for the slow one: {fast_done:?}"
    );
    assert!(
        hangs.received().len() <= jobs::webhooks::PER_ENDPOINT,
        "at most {} at once to one endpoint: {}",
        jobs::webhooks::PER_ENDPOINT,
        hangs.received().len()
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM webhook_attempts WHERE endpoint_id = '{slow}'"
        ))
        .await,
        0,
        "the slow ones are still under way"
    );
    // Then the hanging attempts end with a timeout.
    loop {
        let a = attempts(&app, &slow_messages[0]).await;
        if let Some(a) = a.first() {
            let error = a.error.as_deref().unwrap_or_default();
            assert!(error.contains("no answer within 1.5 s"), "{error}");
            assert!(a.status_code.is_none());
            break;
        }
        assert!(started.elapsed() < StdDuration::from_secs(20));
        actix_web::rt::time::sleep(StdDuration::from_millis(50)).await;
    }
}

// --- Keeping 30 days ---

#[actix_web::test]
async fn housekeeping_purges_messages_and_attempts_after_thirty_days() {
    let app = app().await;
    let rx = Receiver::start(vec![status(500)]).await;
    let (id, _) = endpoint(&app, &rx.url("/old"), &[]).await;
    let old = queue_many(&app, &id, 2).await;
    jobs::webhooks::deliver_due(&app.state).await;
    // The one that failed once is tried again and delivered.
    app.clock.advance(Duration::seconds(10));
    jobs::webhooks::deliver_due(&app.state).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_attempts")
            .await,
        3
    );
    app.clock.advance(Duration::days(20));
    let young = queue_many(&app, &id, 1).await;
    jobs::webhooks::deliver_due(&app.state).await;
    app.clock.advance(Duration::days(11));
    assert!(jobs::housekeeping::run_if_due(&app.state).await.is_some());
    let left: Vec<String> = messages(&app, &id)
        .await
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(left, young, "the old ones went: {old:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_attempts")
            .await,
        1
    );
}
