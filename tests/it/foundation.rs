//! Health, headers, static files, error pages, languages, settings.

use awc::http::StatusCode;

use crate::support::*;

#[actix_web::test]
async fn health_and_readiness() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let res = c.get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "ok");
    let res = c.get("/readyz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "ready");
}

#[actix_web::test]
async fn security_headers_on_every_response() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    for path in ["/login", "/healthz", "/static/app.css", "/does-not-exist"] {
        let res = c.get(path).await;
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            res.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            res.header("referrer-policy").as_deref(),
            Some("same-origin"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn pages_have_no_inline_script() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    for path in ["/", "/account"] {
        let res = c.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        for (i, _) in res.body.match_indices("<script") {
            let tag = &res.body[i..i + res.body[i..].find('>').unwrap()];
            assert!(
                tag.contains("src=\"/static/"),
                "inline script in {path}: {tag}"
            );
        }
        assert!(!res.body.contains(" onclick="), "{path}");
        assert!(!res.body.contains("style=\""), "{path}");
    }
}

#[actix_web::test]
async fn static_files_with_cache_headers_and_etag() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let res = c.get("/static/htmx.min.js").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").unwrap().contains("javascript"));
    assert!(res.header("cache-control").unwrap().contains("max-age"));
    assert!(
        res.body.len() > 40_000,
        "the vendored htmx file is served whole"
    );
    let etag = res.header("etag").expect("etag");
    let res = c
        .get_with("/static/htmx.min.js", &[("If-None-Match", &etag)])
        .await;
    assert_eq!(res.status, StatusCode::NOT_MODIFIED);
    assert!(res.body.is_empty());
    let res = c.get("/static/app.css").await;
    assert!(res.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(c.get("/static/nope.js").await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn not_found_page_is_translated() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let res = c
        .get_with("/nope", &[("Accept-Language", "en-GB,en;q=0.9")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("<html lang=\"en\">"));
    assert!(res.body.contains("This page does not exist"));
    let res = c.get_with("/nope", &[("Accept-Language", "nl-NL")]).await;
    assert!(res.body.contains("<html lang=\"nl\">"));
    assert!(res.body.contains("Deze pagina bestaat niet"));
    // No preference at all: Dutch.
    let res = c.get("/nope").await;
    assert!(res.body.contains("<html lang=\"nl\">"));
}

#[actix_web::test]
async fn bad_settings_are_refused_with_one_line() {
    use portaal::config::{Config, RawConfig};
    let bad = [
        RawConfig {
            database_url: Some("mysql://localhost/x".into()),
            ..Default::default()
        },
        RawConfig {
            database_url: Some("postgres://u@h:port/x".into()),
            ..Default::default()
        },
        RawConfig {
            bind: Some("not-an-address".into()),
            ..Default::default()
        },
        RawConfig {
            secure_cookies: Some("maybe".into()),
            ..Default::default()
        },
        RawConfig {
            session_key: Some("short".into()),
            ..Default::default()
        },
        RawConfig {
            pool_size: Some("0".into()),
            ..Default::default()
        },
        RawConfig {
            cache_mb: Some("0".into()),
            ..Default::default()
        },
        RawConfig {
            cache_mb: Some("lots".into()),
            ..Default::default()
        },
    ];
    let ok = RawConfig {
        cache_mb: Some("16".into()),
        ..Default::default()
    };
    assert_eq!(Config::from_raw(ok).unwrap().cache_bytes, 16 * 1024 * 1024);
    assert_eq!(
        Config::from_raw(RawConfig::default()).unwrap().cache_bytes,
        64 * 1024 * 1024
    );
    for raw in bad {
        let err = Config::from_raw(raw.clone()).expect_err(&format!("{raw:?} must be refused"));
        assert!(!err.0.contains('\n'), "one line: {err}");
        assert!(
            err.0.contains("DATABASE_URL") || err.0.contains("PORTAAL_"),
            "names the setting: {err}"
        );
    }
}

#[actix_web::test]
async fn a_bad_setting_exits_with_status_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portaal"))
        .arg("migrate")
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DATABASE_URL"));
}

#[actix_web::test]
async fn migrations_run_on_this_backend_and_are_idempotent() {
    let app = TestApp::empty().await;
    let ran = app.db(|c| portaal::db::migrate(c).unwrap()).await;
    assert_eq!(ran, 0, "everything already ran at start");
    for table in [
        "organizations",
        "users",
        "memberships",
        "audit_events",
        "login_attempts",
        "settings",
        "sessions",
    ] {
        let sql: &'static str =
            Box::leak(format!("SELECT COUNT(*) AS n FROM {table}").into_boxed_str());
        assert!(app.count(sql).await >= 0);
    }
    // The session key was generated once and kept.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM settings WHERE key = 'session_key'")
            .await,
        1
    );
}

#[actix_web::test]
async fn migrate_command_works_on_this_backend() {
    let db = TestDb::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portaal"))
        .arg("migrate")
        .env("DATABASE_URL", db.url())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("migration(s) applied"));
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_portaal"))
        .arg("migrate")
        .env("DATABASE_URL", db.url())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("0 migration(s)"));
}

/// PostgreSQL ends every connection of Portaal (a restart, an
/// administrator): the next requests are answered as if nothing happened.
/// Each pooled connection that turns out dead is dropped, and the request
/// that found it runs again on a new one (its first statement failed, so
/// nothing was read or written yet).
#[actix_web::test]
async fn requests_survive_the_database_ending_every_connection() {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection};
    let app = TestApp::demo().await;
    let TestDb::Postgres {
        admin_url, name, ..
    } = &app.db
    else {
        println!("skipped: PostgreSQL only (set PORTAAL_TEST_DATABASE_URL)");
        return;
    };
    let mut c = app.login(ADMIN).await;
    let token = crate::support::api::token(&app, "read:locations").await;
    for _ in 0..8 {
        assert_eq!(c.get("/").await.status, StatusCode::OK);
    }
    let mut admin = PgConnection::establish(admin_url).unwrap();
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .unwrap();
    for path in [
        "/",
        "/locations",
        "/customers",
        "/meetings/week",
        "/settings/users",
        "/",
        "/",
    ] {
        let res = c.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    }
    let a = crate::support::api::call(&app, "GET", "/api/v1/locations", Some(&token), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
}

#[actix_web::test]
async fn the_favicon_is_served_and_named() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let ico = c.get("/favicon.ico").await;
    assert_eq!(ico.status, StatusCode::OK);
    assert_eq!(ico.header("content-type").as_deref(), Some("image/x-icon"));
    assert!(ico.header("etag").is_some());
    let login = c.get("/login").await;
    assert!(
        login
            .body
            .contains("<link rel=\"icon\" href=\"/static/favicon.svg\"")
    );
    let svg = c.get("/static/favicon.svg").await;
    assert_eq!(svg.status, StatusCode::OK);
    // An organisation with an icon: its pages name it.
    let mut admin = app.login(ADMIN).await;
    let res = admin
        .upload(
            "/settings/organization/icon",
            "icon.png",
            "image/png",
            &crate::images::png(64, 64),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let home = admin.get("/").await;
    assert!(
        home.body
            .contains("<link rel=\"icon\" href=\"/organization/icon"),
        "{}",
        &home.body[..600]
    );
}
