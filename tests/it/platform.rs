//! `/platform` and the operator role (issue 17, item 6, first part).

use awc::http::StatusCode;
use portaal::domain::actor::AuditActor;
use portaal::domain::operators;
use portaal::error::AppError;

use crate::support::*;

/// Grant (`on`) or revoke as `portaal operator grant|revoke` does.
async fn set_operator(app: &TestApp, email: &'static str, on: bool) -> Result<bool, AppError> {
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| operators::set(c, now, &AuditActor::system("operator grant"), email, on))
        .await
}

/// The names in the list's rows, in order.
fn names(body: &str) -> Vec<&str> {
    let Some(tbody) = body.split("<tbody>").nth(1) else {
        return vec![];
    };
    tbody
        .split("<tr><td class=\"stack-title\">")
        .skip(1)
        .filter_map(|row| row.split("</a></td>").next())
        .filter_map(|cell| cell.split('>').nth(1))
        .collect()
}

#[actix_web::test]
async fn operator_sees_searches_and_pages_the_organisations() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let page = c.get("/platform").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(names(&page.body), ["Demo BV", "Demo Partner BV"]);
    // Members: Demo BV has the admin and the staff member, the partner the admin.
    assert!(
        page.body.contains("data-label=\"Leden\">2</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-label=\"Leden\">1</td>"));
    assert!(
        page.body.contains("Olga Operator"),
        "the operator's name in the header"
    );
    assert!(
        !page.body.contains("href=\"/\""),
        "no backoffice link: in no organisation"
    );

    let found = c.get("/platform?q=PaRtNeR").await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(names(&found.body), ["Demo Partner BV"]);
    assert!(
        found.body.contains("value=\"PaRtNeR\""),
        "the search is kept"
    );
    let none = c.get("/platform?q=nothing%25here").await;
    assert_eq!(names(&none.body), Vec::<&str>::new());

    let first = c.get("/platform?pageSize=1").await;
    assert_eq!(names(&first.body), ["Demo BV"]);
    assert!(first.body.contains("pageNumber=2"), "a link to page 2");
    let second = c.get("/platform?pageSize=1&pageNumber=2").await;
    assert_eq!(names(&second.body), ["Demo Partner BV"]);
    let newest = c
        .get("/platform?sortBy=createdAt&sortDirection=DESC&pageSize=1")
        .await;
    assert_eq!(names(&newest.body).len(), 1);
}

#[actix_web::test]
async fn everyone_else_gets_404_without_a_login_redirect() {
    let app = TestApp::demo().await;
    let mut anonymous = app.client();
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let mut other = app.other_admin().await;
    for path in ["/platform", "/platform?q=x"] {
        for (who, c) in [
            ("anonymous", &mut anonymous),
            ("admin", &mut admin),
            ("staff", &mut staff),
            ("other admin", &mut other),
        ] {
            let res = c.get(path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} on {path}");
            assert!(res.header("location").is_none(), "{who}: no redirect");
            assert!(
                !res.body.contains("Alle organisaties die Portaal gebruiken"),
                "{who} sees nothing of the platform"
            );
            assert!(names(&res.body).is_empty(), "{who}: no list");
        }
    }
    // Not even the header shows the door.
    let home = admin.get("/").await;
    assert!(!home.body.contains("href=\"/platform\""));
}

#[actix_web::test]
async fn grant_and_revoke_take_effect_on_the_next_request_and_are_audited() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    assert_eq!(admin.get("/platform").await.status, StatusCode::NOT_FOUND);

    assert!(set_operator(&app, ADMIN, true).await.unwrap(), "granted");
    assert!(
        !set_operator(&app, ADMIN, true).await.unwrap(),
        "idempotent"
    );
    let page = admin.get("/platform").await;
    assert_eq!(page.status, StatusCode::OK, "the same login, next request");
    assert!(page.body.contains("href=\"/\""), "back to the backoffice");
    let home = admin.get("/").await;
    assert!(
        home.body
            .contains("class=\"btn-link platform-link\" href=\"/platform\""),
        "the header links the platform for an operator"
    );

    assert!(set_operator(&app, ADMIN, false).await.unwrap(), "revoked");
    assert!(
        !set_operator(&app, ADMIN, false).await.unwrap(),
        "idempotent"
    );
    assert_eq!(admin.get("/platform").await.status, StatusCode::NOT_FOUND);
    assert!(!admin.get("/").await.body.contains("href=\"/platform\""));

    assert!(matches!(
        set_operator(&app, "nobody@example.test", true).await,
        Err(AppError::NotFound)
    ));

    let events = app
        .count(
            "SELECT COUNT(*) AS n FROM audit_events e JOIN users u ON u.id = e.resource_id \
             WHERE u.email = 'beheer@demo.portaal.test' AND e.actor_type = 'system' \
             AND e.action IN ('user.operator_granted', 'user.operator_revoked')",
        )
        .await;
    assert_eq!(
        events, 2,
        "one grant and one revoke; the repeats recorded nothing"
    );
}

#[actix_web::test]
async fn a_tenant_admin_cannot_set_the_flag_through_a_form() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    // The profile form ignores a smuggled field.
    let version = app
        .count("SELECT CAST(version AS BIGINT) AS n FROM users WHERE email = 'beheer@demo.portaal.test'")
        .await
        .to_string();
    let res = admin
        .post(
            "/account",
            &[
                ("name", "Bea Beheer"),
                ("language", "en"),
                ("version", &version),
                ("operator", "true"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(admin.get("/platform").await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn an_operator_in_no_organisation_lands_on_the_platform_and_switches_language() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/platform");
    let res = c
        .post("/language", &[("lang", "en"), ("next", "/platform")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get("/platform").await;
    assert!(page.body.contains("<html lang=\"en\">"));
    assert!(page.body.contains("Every organisation that uses Portaal."));
    // Logging out works without an organisation.
    let out = c.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/platform").await.status, StatusCode::NOT_FOUND);
}

/// Run `portaal ARGS` against the test app's database.
async fn portaal(app: &TestApp, args: &'static [&'static str]) -> std::process::Output {
    let url = app.db.url();
    actix_web::web::block(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_portaal"))
            .args(args)
            .env("DATABASE_URL", url)
            .env("PORTAAL_ADMIN_PASSWORD", "een-lang-wachtwoord")
            .env_remove("PORTAAL_SESSION_KEY")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn the_operator_command_grants_revokes_and_refuses_an_unknown_address() {
    let app = TestApp::demo().await;
    let out = portaal(&app, &["operator", "grant", "nobody@example.test"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no user has the e-mail address nobody@example.test"),
        "{stderr}"
    );

    let out = portaal(&app, &["operator", "grant", STAFF]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut staff = app.login(STAFF).await;
    assert_eq!(staff.get("/platform").await.status, StatusCode::OK);
    let again = portaal(&app, &["operator", "grant", STAFF]).await;
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing changed"));
    let out = portaal(&app, &["operator", "revoke", STAFF]).await;
    assert!(out.status.success());
    assert_eq!(staff.get("/platform").await.status, StatusCode::NOT_FOUND);

    let out = portaal(
        &app,
        &[
            "create-admin",
            "--email",
            "ops@x.test",
            "--organization",
            "Ops BV",
            "--operator",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut ops = app.client();
    ops.login("ops@x.test", "een-lang-wachtwoord").await;
    let page = ops.get("/platform?q=ops").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(names(&page.body), ["Ops BV"]);
    let system = app
        .count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE actor_type = 'system' \
             AND action IN ('user.operator_granted', 'user.operator_revoked') \
             AND actor_label LIKE 'Portaal (%'",
        )
        .await;
    // The demo's operator, the staff member's grant and revoke, ops@x.test.
    assert_eq!(system, 4);
}
