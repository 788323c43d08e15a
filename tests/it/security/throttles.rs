//! Finding 4 (medium): twelve concurrent wrong logins on one account were
//! all verified (limit 5); the token endpoints ran argon2 for any
//! `client_id`, throttled only per client id, and queued argon2 without
//! bound, so random client ids made every login wait. Attempts are now
//! reserved before hashing; malformed and unknown clients cost no argon2 and
//! no write; each address has a limit before any hashing; the hasher's queue
//! is bounded (503 with `Retry-After` when full) and people have a share of
//! their own; a client's failures count per client id and address.

use awc::http::StatusCode;
use futures_util::future::join_all;
use portaal::domain::oauth::FAILURE_LIMIT;

use super::*;
use crate::support::api::{Answer, new_client};

/// POST a form to an OAuth endpoint from the address `from`.
async fn oauth_from(from: &str, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Answer {
    let http = awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(60))
        .local_address(from.parse().unwrap())
        .finish();
    let mut res = http
        .post(app.url(path))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .send_body(serde_urlencoded::to_string(fields).unwrap())
        .await
        .expect("request");
    let bytes = res.body().limit(1 << 20).await.expect("body");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Answer {
        status: res.status(),
        headers: res.headers().clone(),
        body: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        text,
    }
}

fn hashed(app: &TestApp) -> u64 {
    app.state.passwords.computations()
}

#[actix_web::test]
async fn concurrent_wrong_logins_are_reserved_before_hashing() {
    let app = TestApp::demo().await;
    let mut clients = vec![];
    for _ in 0..12 {
        let mut c = app.client();
        c.csrf().await;
        clients.push(c);
    }
    let before = hashed(&app);
    let answers = join_all(
        clients
            .iter_mut()
            .map(|c| c.login(STAFF, "verkeerd-wachtwoord")),
    )
    .await;
    let refused = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (refused, throttled),
        (5, 7),
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(hashed(&app) - before, 5, "only the reserved attempts hash");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM login_attempts").await,
        5
    );
    // The right password waits too, without hashing.
    let res = app.client().login(STAFF, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(hashed(&app) - before, 5);
}

#[actix_web::test]
async fn the_password_change_counts_against_the_login_throttle() {
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    for _ in 0..5 {
        let res = staff
            .post(
                "/account/password",
                &[
                    ("current_password", "geraden-wachtwoord"),
                    ("new_password", "een-nieuw-wachtwoord"),
                    ("password_confirm", "een-nieuw-wachtwoord"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let before = hashed(&app);
    let res = staff
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "een-nieuw-wachtwoord"),
                ("password_confirm", "een-nieuw-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.body.contains("Probeer het over 15 minuten opnieuw."));
    assert_eq!(hashed(&app), before, "no hashing while throttled");
}

#[actix_web::test]
async fn malformed_and_unknown_clients_cost_no_argon2_and_no_write() {
    let app = TestApp::demo().await;
    let long = "x".repeat(200_000);
    let unknown = format!("pc_{}", "0".repeat(24));
    let before = hashed(&app);
    for path in ["/oauth/token", "/oauth/revoke", "/oauth/introspect"] {
        for id in [long.as_str(), "pc_", "PC_ABC", "pc_../../etc", &unknown] {
            let a = oauth_from(
                "127.0.0.1",
                &app,
                path,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", id),
                    ("client_secret", "pcs_wrong"),
                    ("token", "pat_x"),
                ],
            )
            .await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{path}: {}", a.text);
            assert_eq!(a.body["error"], "invalid_client");
        }
    }
    assert_eq!(hashed(&app), before, "no argon2 for any of them");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM oauth_failures").await,
        0,
        "and nothing written"
    );
}

#[actix_web::test]
async fn each_address_has_a_limit_before_any_hashing_on_all_three_endpoints() {
    let app = TestApp::demo().await;
    let limit = app.state.config.login_ip_limit;
    let mut clients = vec![];
    for i in 0..limit.div_ceil(FAILURE_LIMIT - 1) {
        clients.push(new_client(&app, false, &format!("Koppeling {i}"), "read:locations").await);
    }
    // `limit` failures from one address, spread so that no client reaches
    // its own limit.
    for n in 0..limit {
        let (_, id, _) = &clients[n % clients.len()];
        let a = oauth_from(
            "127.0.0.3",
            &app,
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", "pcs_wrong"),
            ],
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{n}: {}", a.text);
    }
    let before = hashed(&app);
    let (_, id, secret) = &clients[0];
    for path in ["/oauth/token", "/oauth/revoke", "/oauth/introspect"] {
        for s in ["pcs_wrong", secret.as_str()] {
            let a = oauth_from(
                "127.0.0.3",
                &app,
                path,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", id),
                    ("client_secret", s),
                    ("token", "pat_x"),
                ],
            )
            .await;
            assert_eq!(
                a.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{path}: {}",
                a.text
            );
            assert!(a.header("retry-after").parse::<i64>().unwrap() > 0);
        }
    }
    assert_eq!(hashed(&app), before, "refused before any hashing");
    // The same client from its own address is not locked out.
    let a = oauth_from(
        "127.0.0.1",
        &app,
        "/oauth/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
}

#[actix_web::test]
async fn someone_elses_failures_do_not_lock_out_the_right_secret() {
    let app = TestApp::demo().await;
    let (_, id, secret) = new_client(&app, false, "Koppeling", "read:locations").await;
    let form = |s: &'static str| {
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", id.as_str()),
            ("client_secret", s),
        ]
    };
    for _ in 0..FAILURE_LIMIT {
        let a = oauth_from("127.0.0.2", &app, "/oauth/token", &form("pcs_guess")).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = oauth_from("127.0.0.2", &app, "/oauth/token", &form("pcs_guess")).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "the guesser waits");
    let mut right = form("");
    right[2].1 = secret.as_str();
    let a = oauth_from("127.0.0.1", &app, "/oauth/token", &right).await;
    assert_eq!(a.status, StatusCode::OK, "the owner does not: {}", a.text);
}

#[actix_web::test]
async fn a_flood_of_client_secrets_gets_503_and_people_still_log_in() {
    let app = TestApp::demo().await;
    let mut clients = vec![];
    for i in 0..2 {
        clients.push(new_client(&app, false, &format!("Koppeling {i}"), "read:locations").await);
    }
    let mut flood = vec![];
    for from in ["127.0.0.4", "127.0.0.5"] {
        for (_, id, _) in &clients {
            for _ in 0..FAILURE_LIMIT {
                flood.push((from, id.clone()));
            }
        }
    }
    let mut person = app.client();
    person.csrf().await;
    let app = &app;
    // Shaped like a secret, so each one is hashed.
    let wrong = format!("pcs_{}", "0".repeat(64));
    let wrong = wrong.as_str();
    let requests = flood.iter().map(|(from, id)| async move {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", id.as_str()),
            ("client_secret", wrong),
        ];
        oauth_from(from, app, "/oauth/token", &form).await
    });
    let (answers, login) = tokio::join!(join_all(requests), person.login(ADMIN, PASSWORD));
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
    let busy: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(
        !busy.is_empty(),
        "the queue is bounded: {:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    for a in &busy {
        assert_eq!(a.body["error"], "temporarily_unavailable", "{}", a.text);
        assert!(a.header("retry-after").parse::<i64>().unwrap() > 0);
    }
    for a in &answers {
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::SERVICE_UNAVAILABLE].contains(&a.status),
            "{}",
            a.text
        );
    }
    // A refusal for a full queue is no failure: it does not count.
    let counted = app.count("SELECT COUNT(*) AS n FROM oauth_failures").await;
    assert_eq!(counted as usize, answers.len() - busy.len());
}

#[actix_web::test]
async fn a_flood_of_logins_gets_503_with_retry_after() {
    let app = TestApp::demo().await;
    let mut clients = vec![];
    for i in 0..48 {
        let mut c = app.client_from(["127.0.0.6", "127.0.0.7"][i % 2]);
        c.csrf().await;
        clients.push(c);
    }
    let answers =
        join_all(clients.iter_mut().enumerate().map(|(i, c)| async move {
            c.login(&format!("gast{i}@elders.test"), "wachtwoord").await
        }))
        .await;
    let busy: Vec<&Res> = answers
        .iter()
        .filter(|r| r.status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(!busy.is_empty(), "the queue is bounded");
    for r in &busy {
        assert!(r.header("retry-after").is_some());
        assert!(r.body.contains("Het is even druk"), "{}", r.body);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM login_attempts").await as usize,
        answers.len() - busy.len(),
        "a refusal for a full queue is no attempt"
    );
}
