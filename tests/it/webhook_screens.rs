//! Settings → Webhooks on screen: create with the secret shown once and
//! stored sealed, every bad input of the issue refused with a clear message
//! and nothing saved, a name resolving inside the network refused on save,
//! admins only, tenant isolation on every route, CSRF, the audited reveal,
//! a stale edit, the test button against a receiver in this process, and a
//! resend refused while the endpoint is off.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener};
use std::sync::Arc;

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::config::RawConfig;
use portaal::db::schema::{audit_events, webhook_endpoints, webhook_messages};
use portaal::i18n::Lang;

use crate::support::*;

const BASE: &str = "/settings/webhooks";
const DEMO_URL: &str = "https://hooks.example.com/portaal";

/// A message as askama writes it into a page.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// Every name resolves to `ip` (no DNS in tests).
fn resolve_to(app: &TestApp, ip: &str) {
    let ip: IpAddr = ip.parse().unwrap();
    app.state
        .webhooks
        .use_lookup(Arc::new(move |_name: String| {
            Box::pin(async move { Ok(vec![ip]) })
        }));
}

/// The endpoints of an organisation: (id, url, secret_sealed, version).
async fn endpoints_of(app: &TestApp, org: &str) -> Vec<(String, String, String, i32)> {
    let org = org.to_string();
    app.db(move |c| {
        webhook_endpoints::table
            .filter(webhook_endpoints::organization_id.eq(&org))
            .order(webhook_endpoints::created_at.asc())
            .select((
                webhook_endpoints::id,
                webhook_endpoints::url,
                webhook_endpoints::secret_sealed,
                webhook_endpoints::version,
            ))
            .load(c)
            .unwrap()
    })
    .await
}

async fn demo_endpoint(app: &TestApp) -> String {
    let org = crate::support::api::org_id(app, false).await;
    let all = endpoints_of(app, &org).await;
    assert_eq!(all.len(), 1, "Demo BV has one endpoint");
    all[0].0.clone()
}

async fn count_endpoints(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM webhook_endpoints")
        .await
}

async fn count_audit(app: &TestApp, action: &str) -> i64 {
    let action = action.to_string();
    app.db(move |c| {
        audit_events::table
            .filter(audit_events::action.eq(&action))
            .count()
            .get_result(c)
            .unwrap()
    })
    .await
}

/// A message of endpoint `id`: (message id, status).
async fn message_of(app: &TestApp, endpoint: &str) -> (String, String) {
    let endpoint = endpoint.to_string();
    app.db(move |c| {
        webhook_messages::table
            .filter(webhook_messages::endpoint_id.eq(&endpoint))
            .order(webhook_messages::created_at.asc())
            .select((webhook_messages::id, webhook_messages::status))
            .first(c)
            .unwrap()
    })
    .await
}

fn the_secret(body: &str) -> String {
    let at = body.find("value=\"whsec_").expect("the secret on the page") + 7;
    let rest = &body[at..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Create through the form; returns the new endpoint's id and its secret.
async fn create(c: &mut Client, fields: &[(&str, &str)]) -> (String, String) {
    let res = c.post(BASE, fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let to = res.location();
    assert!(to.ends_with("/secret"), "{to}");
    let page = c.get(&to).await;
    assert_eq!(page.status, StatusCode::OK);
    let id = to
        .trim_start_matches(&format!("{BASE}/"))
        .trim_end_matches("/secret")
        .to_string();
    (id, the_secret(&page.body))
}

/// The pages of endpoint `id`.
fn get_routes(id: &str) -> Vec<String> {
    ["", "/edit", "/secret", "/rotate", "/disable", "/delete"]
        .iter()
        .map(|p| format!("{BASE}/{id}{p}"))
        .collect()
}

/// What can be posted about endpoint `id` and its message `message`.
fn post_routes(id: &str, message: &str) -> Vec<String> {
    let mut all: Vec<String> = [
        "", "/reveal", "/rotate", "/test", "/disable", "/enable", "/delete", "/replay",
    ]
    .iter()
    .map(|p| format!("{BASE}/{id}{p}"))
    .collect();
    all.push(format!("{BASE}/{id}/messages/{message}/resend"));
    all
}

/// A form that would pass if the route allowed it.
const ANY_FORM: &[(&str, &str)] = &[
    ("url", "https://x.example.com/"),
    ("version", "2"),
    ("since", "2026-01-01T00:00"),
];

// ---------------------------------------------------------------- create

#[actix_web::test]
async fn create_shows_the_secret_once_and_keeps_it_sealed() {
    let app = TestApp::demo().await;
    resolve_to(&app, "93.184.216.34");
    let mut admin = app.login(ADMIN).await;
    let form = admin.get(&format!("{BASE}/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    let t = Lang::Nl.t();
    assert!(
        form.body.contains(&esc(t.whs_events_hint)),
        "none = all, said"
    );
    assert!(form.body.contains("<legend>Klanten</legend>"));
    assert!(form.body.contains("value=\"customer.created\""));

    let res = admin
        .post(
            BASE,
            &[
                ("url", "https://ontvanger.example.net/hook"),
                ("description", "Boekhouding"),
                ("event_type", "customer.created"),
                ("event_type", "invoice.paid"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let to = res.location();
    let page = admin.get(&to).await;
    let secret = the_secret(&page.body);
    assert!(
        secret.starts_with("whsec_") && secret.len() > 30,
        "{secret}"
    );
    assert_eq!(
        page.header("cache-control").as_deref(),
        Some("no-store, max-age=0")
    );
    // Once: the page again shows no secret.
    let again = admin.get(&to).await;
    assert!(!again.body.contains(&secret));
    assert!(again.body.contains(&esc(t.whs_secret_gone)));

    let org = crate::support::api::org_id(&app, false).await;
    let all = endpoints_of(&app, &org).await;
    let (id, url, sealed, _) = all.last().unwrap().clone();
    assert_eq!(url, "https://ontvanger.example.net/hook");
    assert!(to.contains(&id));
    assert!(!sealed.contains(&secret));
    assert!(!sealed.contains(secret.trim_start_matches("whsec_")));
    // Nothing of the secret in the audit trail either.
    let trail: Vec<Option<String>> = app
        .db(|c| {
            audit_events::table
                .select(audit_events::after_json)
                .load(c)
                .unwrap()
        })
        .await;
    assert!(trail.iter().flatten().all(|a| !a.contains(&secret)));

    // The list and the endpoint's page show it.
    let list = admin.get(BASE).await;
    assert!(list.body.contains("https://ontvanger.example.net/hook"));
    assert!(list.body.contains("2 gebeurtenissen"));
    assert!(list.body.contains(DEMO_URL));
    assert!(list.body.contains(&esc(t.whs_disabled_manual)));
    let show = admin.get(&format!("{BASE}/{id}")).await;
    assert_eq!(show.status, StatusCode::OK);
    assert!(!show.body.contains(&secret), "hidden until revealed");
    assert!(show.body.contains("invoice.paid"));
}

#[actix_web::test]
async fn every_bad_input_gets_a_clear_message_and_saves_nothing() {
    let app = TestApp::demo().await;
    resolve_to(&app, "93.184.216.34");
    let mut admin = app.login(ADMIN).await;
    let t = Lang::Nl.t();
    let before = count_endpoints(&app).await;
    let long_url = format!("https://example.com/{}", "a".repeat(3000));
    let long_text = "x".repeat(10_000);
    // The fields posted, the id of the error shown, its message (if one).
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, Option<String>);
    let cases: Vec<Case> = vec![
        (
            vec![("url", "https://exa mple.com/hook")],
            "f-url-error",
            None,
        ),
        (
            vec![("url", "ftp://x")],
            "f-url-error",
            Some(t.err_webhook_url_scheme.to_string()),
        ),
        (
            vec![("url", "http://169.254.169.254/")],
            "f-url-error",
            None,
        ),
        (
            vec![("url", "https://user:pw@host.example.com/")],
            "f-url-error",
            Some(t.err_webhook_url_userinfo.to_string()),
        ),
        (vec![("url", long_url.as_str())], "f-url-error", None),
        (vec![("url", "")], "f-url-error", None),
        (
            vec![
                ("url", "https://ok.example.com/"),
                ("event_type", "customer.created"),
                ("event_type", "everything.exploded"),
            ],
            "types-error",
            Some(portaal::i18n::fill(
                t.err_webhook_event_type_unknown,
                &[&"everything.exploded"],
            )),
        ),
        (
            vec![
                ("url", "https://ok.example.com/"),
                ("description", long_text.as_str()),
            ],
            "f-description-error",
            None,
        ),
    ];
    for (fields, error_id, message) in &cases {
        let res = admin.post(BASE, fields).await;
        let what = &fields[fields.len() - 1].1[..fields[fields.len() - 1].1.len().min(40)];
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(
            res.body.contains(&format!("id=\"{error_id}\"")),
            "{what}: {error_id}"
        );
        assert!(
            res.body.contains("class=\"error-summary\""),
            "{what}: summary"
        );
        if let Some(m) = message {
            assert!(res.body.contains(&esc(m)), "{what}: {m}");
        }
        assert!(res.set_cookie("portaal_once").is_none());
        // What was typed stays (except what cannot be shown whole).
        if fields[0].1.len() < 100 {
            assert!(res.body.contains(&esc(fields[0].1)), "{what}: kept");
        }
    }
    // The IP literal inside the network: said so.
    let res = admin
        .post(BASE, &[("url", "https://169.254.169.254/")])
        .await;
    assert!(res.body.contains(&esc(t.err_webhook_address_internal)));
    assert_eq!(count_endpoints(&app).await, before);
}

#[actix_web::test]
async fn a_name_resolving_inside_the_network_is_refused_on_save() {
    let app = TestApp::demo().await;
    resolve_to(&app, "127.0.0.1");
    let mut admin = app.login(ADMIN).await;
    let before = count_endpoints(&app).await;
    let res = admin
        .post(BASE, &[("url", "https://intern.example.com/hook")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"f-url-error\""));
    assert!(
        res.body
            .contains(&esc(Lang::Nl.t().err_webhook_address_internal))
    );
    assert_eq!(count_endpoints(&app).await, before);
    // Editing to such a name is refused too.
    let id = demo_endpoint(&app).await;
    let res = admin
        .post(
            &format!("{BASE}/{id}"),
            &[("url", "https://intern.example.com/hook"), ("version", "2")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let org = crate::support::api::org_id(&app, false).await;
    assert_eq!(endpoints_of(&app, &org).await[0].1, DEMO_URL);
}

// ---------------------------------------------------------------- who

#[actix_web::test]
async fn staff_get_403_and_no_navigation_entry() {
    let app = TestApp::demo().await;
    let id = demo_endpoint(&app).await;
    let (message, _) = message_of(&app, &id).await;
    let mut staff = app.login(STAFF).await;
    for path in [BASE.to_string(), format!("{BASE}/new")]
        .into_iter()
        .chain(get_routes(&id))
    {
        let res = staff.get(&path).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "GET {path}");
        assert!(!res.body.contains(DEMO_URL), "GET {path} leaks nothing");
    }
    for path in std::iter::once(BASE.to_string()).chain(post_routes(&id, &message)) {
        let res = staff.post(&path, ANY_FORM).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "POST {path}");
        assert!(!res.body.contains("whsec_"));
    }
    assert_eq!(count_endpoints(&app).await, 1);
    assert_eq!(count_audit(&app, "webhook.secret_revealed").await, 0);
    let dash = staff.get("/").await;
    assert!(!dash.body.contains("href=\"/settings/webhooks\""));
    let mut admin = app.login(ADMIN).await;
    let dash = admin.get("/").await;
    assert!(dash.body.contains("href=\"/settings/webhooks\""));
}

#[actix_web::test]
async fn another_organisations_endpoint_is_not_found_anywhere() {
    let app = TestApp::demo().await;
    let id = demo_endpoint(&app).await;
    let (message, status) = message_of(&app, &id).await;
    let mut other = app.other_admin().await;
    // Ander BV may use webhooks: its own list answers.
    assert_eq!(other.get(BASE).await.status, StatusCode::OK);
    for path in get_routes(&id) {
        let res = other.get(&path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "GET {path}");
        assert!(!res.body.contains(DEMO_URL));
    }
    for path in post_routes(&id, &message) {
        let res = other.post(&path, ANY_FORM).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "POST {path}");
        assert!(!res.body.contains("whsec_"));
        assert!(!res.body.contains(DEMO_URL));
    }
    // Nothing happened to Demo BV's endpoint.
    let org = crate::support::api::org_id(&app, false).await;
    let all = endpoints_of(&app, &org).await;
    assert_eq!((all.len(), all[0].1.as_str()), (1, DEMO_URL));
    assert_eq!(message_of(&app, &id).await.1, status);
    assert_eq!(count_audit(&app, "webhook.secret_revealed").await, 0);
    assert_eq!(count_audit(&app, "webhook.tested").await, 0);
    // A message of another endpoint through one's own endpoint: not found.
    let mut admin = app.login(ADMIN).await;
    resolve_to(&app, "93.184.216.34");
    let (mine, _) = create(&mut admin, &[("url", "https://mine.example.com/")]).await;
    let res = admin
        .post(&format!("{BASE}/{mine}/messages/{message}/resend"), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn every_post_needs_the_csrf_token() {
    let app = TestApp::demo().await;
    resolve_to(&app, "93.184.216.34");
    let id = demo_endpoint(&app).await;
    let mut admin = app.login(ADMIN).await;
    for path in [
        BASE.to_string(),
        format!("{BASE}/{id}"),
        format!("{BASE}/{id}/reveal"),
        format!("{BASE}/{id}/rotate"),
        format!("{BASE}/{id}/test"),
        format!("{BASE}/{id}/enable"),
        format!("{BASE}/{id}/delete"),
    ] {
        let res = admin
            .post_raw(
                &path,
                &[("url", "https://x.example.com/"), ("version", "2")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "POST {path}");
        assert!(!res.body.contains("whsec_"));
    }
    assert_eq!(count_endpoints(&app).await, 1);
    assert_eq!(count_audit(&app, "webhook.secret_revealed").await, 0);
    assert_eq!(count_audit(&app, "webhook.tested").await, 0);
}

// ---------------------------------------------------------------- the page

#[actix_web::test]
async fn reveal_shows_the_secret_and_is_audited() {
    let app = TestApp::demo().await;
    resolve_to(&app, "93.184.216.34");
    let demo = demo_endpoint(&app).await;
    let mut admin = app.login(ADMIN).await;
    let (id, secret) = create(&mut admin, &[("url", "https://r.example.com/")]).await;
    assert_eq!(count_audit(&app, "webhook.secret_revealed").await, 0);
    let res = admin.post(&format!("{BASE}/{id}/reveal"), &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(the_secret(&res.body), secret);
    assert_eq!(count_audit(&app, "webhook.secret_revealed").await, 1);
    // htmx: only the secret's block.
    let token = admin.csrf().await;
    let res = admin
        .post_with(
            &format!("{BASE}/{id}/reveal"),
            &[("_csrf", &token)],
            &[("HX-Request", "true")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .trim_start()
            .starts_with("<div id=\"secret-block\"")
    );
    assert_eq!(the_secret(&res.body), secret);
    assert_eq!(count_audit(&app, "webhook.secret_revealed").await, 2);
    // The demo endpoint's secret opens too (sealed with this key).
    let res = admin.post(&format!("{BASE}/{demo}/reveal"), &[]).await;
    assert!(the_secret(&res.body).starts_with("whsec_"));

    // Rotate: a confirmation, then the new secret once, the old one's end.
    let confirm = admin.get(&format!("{BASE}/{id}/rotate")).await;
    assert!(confirm.body.contains("24"));
    let res = admin.post(&format!("{BASE}/{id}/rotate"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = admin.get(&res.location()).await;
    let new = the_secret(&page.body);
    assert_ne!(new, secret);
    assert!(
        page.body
            .contains("Het vorige geheim ondertekent nog mee tot")
    );
}

#[actix_web::test]
async fn editing_a_stale_version_is_a_conflict_that_keeps_the_input() {
    let app = TestApp::demo().await;
    resolve_to(&app, "93.184.216.34");
    let mut admin = app.login(ADMIN).await;
    let id = demo_endpoint(&app).await;
    let form = admin.get(&format!("{BASE}/{id}/edit")).await;
    assert!(
        form.body
            .contains("value=\"customer.created\" id=\"type-customer-created\" checked")
    );
    let org = crate::support::api::org_id(&app, false).await;
    let version = endpoints_of(&app, &org).await[0].3.to_string();
    let stale = (version.parse::<i32>().unwrap() - 1).to_string();
    let res = admin
        .post(
            &format!("{BASE}/{id}"),
            &[
                ("url", "https://nieuw.example.com/in"),
                ("version", stale.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains(&esc(Lang::Nl.t().err_stale)));
    assert!(res.body.contains("https://nieuw.example.com/in"));
    assert!(
        res.body
            .contains(&format!("name=\"version\" value=\"{version}\""))
    );
    assert_eq!(endpoints_of(&app, &org).await[0].1, DEMO_URL);
    // With the current version it saves.
    let res = admin
        .post(
            &format!("{BASE}/{id}"),
            &[
                ("url", "https://nieuw.example.com/in"),
                ("version", version.as_str()),
                ("event_type", "meeting.deleted"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = admin.get(&res.location()).await;
    assert!(page.body.contains(&esc(Lang::Nl.t().whs_flash_saved)));
    assert!(page.body.contains("meeting.deleted"));
    assert_eq!(
        endpoints_of(&app, &org).await[0].1,
        "https://nieuw.example.com/in"
    );
}

/// A receiver on 127.0.0.1 that answers every request with `code` and
/// `body`; returns its port.
fn receiver(code: u16, body: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then the body by its Content-Length.
            while let Ok(n) = s.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            let answer = format!(
                "HTTP/1.1 {code} Whatever\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(answer.as_bytes());
        }
    });
    port
}

#[actix_web::test]
async fn the_test_button_shows_the_receivers_answer() {
    let app = TestApp::demo_with(RawConfig {
        webhook_allow_networks: Some("127.0.0.1".into()),
        ..RawConfig::default()
    })
    .await;
    let port = receiver(202, "dank je wel");
    let mut admin = app.login(ADMIN).await;
    let url = format!("http://127.0.0.1:{port}/hook");
    let (id, _) = create(&mut admin, &[("url", url.as_str())]).await;
    // htmx: the answer in place.
    let token = admin.csrf().await;
    let res = admin
        .post_with(
            &format!("{BASE}/{id}/test"),
            &[("_csrf", &token)],
            &[("HX-Request", "true")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Antwoord 202"), "{}", res.body);
    assert!(res.body.contains("dank je wel"));
    assert!(!res.body.contains("<html"));
    // Without JavaScript: the whole page, with the answer and the log.
    let res = admin.post(&format!("{BASE}/{id}/test"), &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("<html"));
    assert!(res.body.contains("Antwoord 202"));
    assert!(res.body.contains("webhook.test"));
    assert_eq!(count_audit(&app, "webhook.tested").await, 2);
    let (_, status) = message_of(&app, &id).await;
    assert_eq!(status, "delivered");
    // The log shows the attempts, filtered by status.
    let page = admin.get(&format!("{BASE}/{id}?status=delivered")).await;
    assert!(page.body.contains("<strong>202</strong>"));
    let page = admin.get(&format!("{BASE}/{id}?status=failed")).await;
    assert!(!page.body.contains("<strong>202</strong>"));
    assert!(page.body.contains(&esc(Lang::Nl.t().whs_log_empty)));

    // A receiver that fails: the answer says so.
    let port = receiver(500, "kapot");
    let url = format!("http://127.0.0.1:{port}/hook");
    let (id, _) = create(&mut admin, &[("url", url.as_str())]).await;
    let res = admin.post(&format!("{BASE}/{id}/test"), &[]).await;
    assert!(res.body.contains("Mislukt: Antwoord 500"));
    assert!(res.body.contains("kapot"));
}

#[actix_web::test]
async fn a_disabled_endpoint_refuses_resend_and_replay_until_switched_on() {
    let app = TestApp::demo().await;
    let id = demo_endpoint(&app).await;
    let (message, status) = message_of(&app, &id).await;
    let mut admin = app.login(ADMIN).await;
    let t = Lang::Nl.t();
    // The demo log shows its attempts: a 500 and no answer.
    let page = admin.get(&format!("{BASE}/{id}")).await;
    assert!(page.body.contains("<strong>500</strong>"));
    assert!(page.body.contains("no answer within 15 s"));
    assert!(page.body.contains(&esc(t.whs_disabled_manual)));
    let res = admin
        .post(&format!("{BASE}/{id}/messages/{message}/resend"), &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(&esc(t.err_webhook_endpoint_disabled)));
    assert_eq!(message_of(&app, &id).await.1, status);
    let res = admin
        .post(
            &format!("{BASE}/{id}/replay"),
            &[("since", "2020-01-01T00:00")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(&esc(t.err_webhook_endpoint_disabled)));
    // A bad moment is said in place.
    let res = admin
        .post(&format!("{BASE}/{id}/replay"), &[("since", "gisteren")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"replay-error\""));

    // Switched on (the demo endpoint points at an example address: no
    // delivery is attempted in this test), replay queues the failed one.
    let res = admin.post(&format!("{BASE}/{id}/enable"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = admin
        .post(
            &format!("{BASE}/{id}/replay"),
            &[("since", "2020-01-01T00:00")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location().ends_with("?replayed=1"),
        "{}",
        res.location()
    );
    let page = admin.get(&res.location()).await;
    assert!(
        page.body
            .contains(&esc(&portaal::i18n::fill(t.whs_replayed, &[&1])))
    );
    let res = admin
        .post(&format!("{BASE}/{id}/messages/{message}/resend"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(message_of(&app, &id).await.1, "pending");

    // Switch off (confirmed), then delete (confirmed): back to the list.
    let confirm = admin.get(&format!("{BASE}/{id}/disable")).await;
    assert!(confirm.body.contains(&esc(t.whs_disable_title)));
    let res = admin.post(&format!("{BASE}/{id}/disable"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = admin
        .post(&format!("{BASE}/{id}/messages/{message}/resend"), &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let confirm = admin.get(&format!("{BASE}/{id}/delete")).await;
    assert!(confirm.body.contains(&esc(t.whs_delete_title)));
    let res = admin.post(&format!("{BASE}/{id}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), BASE);
    let list = admin.get(BASE).await;
    assert!(list.body.contains(&esc(t.whs_flash_deleted)));
    assert!(list.body.contains(&esc(t.whs_empty)));
    assert_eq!(count_endpoints(&app).await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_messages")
            .await,
        0
    );
}

// ---------------------------------------------------------------- in a browser

/// In a real browser (`PORTAAL_E2E=1`): the list, the form (refused, then
/// saved), the secret once, reveal and test in place (htmx), the demo log
/// with its attempts opened; each page checked (axe, CSP), in Dutch and
/// English, wide and phone-sized (`PORTAAL_SCREENSHOTS=<dir>` keeps PNGs).
#[actix_web::test]
async fn in_the_browser() {
    use crate::support::browser::*;
    use fantoccini::Locator;
    if !e2e_enabled("webhook_screens::in_the_browser") {
        return;
    }
    let app = TestApp::demo_with(RawConfig {
        webhook_allow_networks: Some("127.0.0.1".into()),
        ..RawConfig::default()
    })
    .await;
    let demo = demo_endpoint(&app).await;
    let port = receiver(200, "{\"received\":true}");
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;

    // The list, in both languages.
    visit(c, &app, BASE).await;
    check_page(c).await;
    screenshot(c, "webhooks-nl").await;
    screenshot_narrow(c, "webhooks-nl").await;
    choose_language(c, "en").await;
    check_page(c).await;
    screenshot(c, "webhooks-en").await;
    screenshot_narrow(c, "webhooks-en").await;
    choose_language(c, "nl").await;

    // A new endpoint: refused first, then saved.
    click_link_and_wait(c, "Nieuw endpoint").await;
    assert_eq!(path(c).await, format!("{BASE}/new"));
    check_page(c).await;
    screenshot(c, "webhook-new-nl").await;
    screenshot_full(c, "webhook-new-nl").await;
    screenshot_narrow(c, "webhook-new-nl").await;
    let url = c.find(Locator::Css("#f-url")).await.unwrap();
    url.send_keys("ftp://x").await.unwrap();
    click_and_wait(c, "form.webhook-form button[type='submit']").await;
    check_page(c).await;
    assert!(text_of(c, "#f-url-error").await.len() > 5);
    screenshot(c, "webhook-new-errors").await;
    js(
        c,
        &format!(
            "document.getElementById('f-url').value = 'http://127.0.0.1:{port}/hook'; return null;"
        ),
    )
    .await;
    c.find(Locator::Css("#f-description"))
        .await
        .unwrap()
        .send_keys("Planning")
        .await
        .unwrap();
    click(c, "label[for='type-meeting-created']").await;
    click(c, "label[for='type-meeting-updated']").await;
    click_and_wait(c, "form.webhook-form button[type='submit']").await;
    assert!(path(c).await.ends_with("/secret"));
    check_page(c).await;
    click(c, "[data-copy='signing-secret']").await;
    screenshot(c, "webhook-secret-nl").await;
    screenshot_narrow(c, "webhook-secret-nl").await;

    // Its page: reveal and test in place.
    click_link_and_wait(c, "Naar het endpoint").await;
    check_page(c).await;
    mark_page(c).await;
    click(c, "#secret-block button[type='submit']").await;
    wait_js(c, "document.getElementById('signing-secret') !== null").await;
    click(c, "form[action$='/test'] button[type='submit']").await;
    wait_js(
        c,
        "document.querySelector('#test-result .test-answer') !== null",
    )
    .await;
    // Both in place: the page was not replaced.
    assert_eq!(js(c, "return window.__portaalOld === true;").await, true);
    assert!(text_of(c, "#test-result").await.contains("Antwoord 200"));
    check_page(c).await;
    screenshot(c, "webhook-show-tested-nl").await;
    screenshot_narrow(c, "webhook-show-tested-nl").await;

    // The demo endpoint's log, every message's attempts opened.
    visit(c, &app, &format!("{BASE}/{demo}")).await;
    check_page(c).await;
    js(
        c,
        "document.querySelectorAll('#log details').forEach(d => d.open = true); return null;",
    )
    .await;
    check_page(c).await;
    screenshot(c, "webhook-show-log-nl").await;
    screenshot_full(c, "webhook-show-log-nl").await;
    screenshot_narrow(c, "webhook-show-log-nl").await;
    choose_language(c, "en").await;
    js(
        c,
        "document.querySelectorAll('#log details').forEach(d => d.open = true); return null;",
    )
    .await;
    screenshot_full(c, "webhook-show-log-en").await;
    screenshot_narrow(c, "webhook-show-log-en").await;
    visit(c, &app, &format!("{BASE}/{demo}/edit")).await;
    check_page(c).await;
    screenshot_full(c, "webhook-edit-en").await;
    visit(c, &app, &format!("{BASE}/{demo}/rotate")).await;
    check_page(c).await;
    screenshot(c, "webhook-rotate-en").await;

    // On a phone nothing scrolls sideways (every attempt opened), in
    // Dutch (the longer words).
    choose_language(c, "nl").await;
    set_viewport(c, NARROW.0, NARROW.1).await;
    let mut problems = Vec::new();
    for page in [
        BASE.to_string(),
        format!("{BASE}/new"),
        format!("{BASE}/{demo}"),
        format!("{BASE}/{demo}/edit"),
        format!("{BASE}/{demo}/secret"),
    ] {
        visit(c, &app, &page).await;
        js(
            c,
            "document.querySelectorAll('main details').forEach(d => d.open = true); return null;",
        )
        .await;
        let out = crate::browser::sideways_overflow(c).await;
        if out.as_array().is_some_and(|a| !a.is_empty()) {
            problems.push(format!("{page}: {out}"));
        }
    }
    assert!(
        problems.is_empty(),
        "wider than a phone:\n{}",
        problems.join("\n")
    );
    browser.close().await;
}
