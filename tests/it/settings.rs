//! Settings → Organisation and Settings → Audit log.

use awc::http::StatusCode;
use portaal::db::schema::organizations;

use crate::support::*;

async fn org_of(app: &TestApp, slug: &'static str) -> portaal::domain::organizations::Organization {
    app.db(move |c| {
        portaal::domain::organizations::find_by_slug(c, slug)
            .unwrap()
            .unwrap()
    })
    .await
}

fn form<'a>(
    name: &'a str,
    slug: &'a str,
    lang: &'a str,
    tz: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("slug", slug),
        ("default_language", lang),
        ("time_zone", tz),
        ("version", version),
    ]
}

#[actix_web::test]
async fn organization_settings_save_with_audit() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let v0 = org_of(&app, "demo-bv").await.version.to_string();
    let v1 = (org_of(&app, "demo-bv").await.version + 1).to_string();
    let page = c.get("/settings/organization").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"demo-bv\""));
    assert!(
        page.body
            .contains("<option value=\"Europe/Amsterdam\" selected>")
    );
    let res = c
        .post(
            "/settings/organization",
            &form("Demo BV Noord", "demo-noord", "en", "Europe/London", &v0),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let org = org_of(&app, "demo-noord").await;
    assert_eq!(org.name, "Demo BV Noord");
    assert_eq!(org.default_language, "en");
    assert_eq!(org.time_zone, "Europe/London");
    assert_eq!(org.version.to_string(), v1);
    // The organisation now speaks English by default (no browser preference here).
    assert!(
        c.get("/settings/organization")
            .await
            .body
            .contains("Organisation settings saved.")
    );
    let n = app
        .count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'organization.updated' AND before_json LIKE '%demo-bv%' AND after_json LIKE '%demo-noord%'")
        .await;
    assert_eq!(n, 1);
}

#[actix_web::test]
async fn organization_settings_refuse_bad_input() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let v0 = org_of(&app, "demo-bv").await.version.to_string();
    let long = "x".repeat(201);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            form("", "demo-bv", "nl", "Europe/Amsterdam", &v0),
            "Vul dit veld in.",
        ),
        (
            form(&long, "demo-bv", "nl", "Europe/Amsterdam", &v0),
            "Maximaal 200 tekens.",
        ),
        (
            form("Demo BV", "Demo BV", "nl", "Europe/Amsterdam", &v0),
            "Alleen kleine letters, cijfers en streepjes.",
        ),
        (
            form("Demo BV", "demo-partner-bv", "nl", "Europe/Amsterdam", &v0),
            "al in gebruik door een andere organisatie",
        ),
        (
            form("Demo BV", "demo-bv", "de", "Europe/Amsterdam", &v0),
            "Kies een van de mogelijkheden.",
        ),
        (
            form("Demo BV", "demo-bv", "nl", "Mars/Olympus", &v0),
            "Kies een van de mogelijkheden.",
        ),
    ];
    for (fields, message) in cases {
        let res = c.post("/settings/organization", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(res.body.contains(message), "{fields:?}: {message}");
        assert!(res.body.contains("aria-invalid=\"true\""), "{fields:?}");
    }
    let org = org_of(&app, "demo-bv").await;
    assert_eq!(
        (org.name.as_str(), org.version.to_string()),
        ("Demo BV", v0.clone()),
        "nothing stored"
    );
}

#[actix_web::test]
async fn organization_settings_stale_form_answers_409_and_keeps_input() {
    let app = TestApp::demo().await;
    let mut a = app.login(ADMIN).await;
    let v0 = org_of(&app, "demo-bv").await.version.to_string();
    let v1 = (org_of(&app, "demo-bv").await.version + 1).to_string();
    let ok = a
        .post(
            "/settings/organization",
            &form("Demo BV (nieuw)", "demo-bv", "nl", "Europe/Amsterdam", &v0),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    // A second form, opened before that save, still says version 1.
    let res = a
        .post(
            "/settings/organization",
            &form("Mijn versie", "mijn-versie", "en", "Europe/Amsterdam", &v0),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("Iemand anders heeft dit intussen gewijzigd")
    );
    assert!(
        res.body.contains("value=\"Mijn versie\""),
        "the user's input is kept"
    );
    assert!(
        res.body.contains("Demo BV (nieuw)"),
        "the stored value is shown beside it"
    );
    assert!(
        res.body
            .contains(&format!("name=\"version\" value=\"{v1}\""))
    );
    let stored: String = app
        .db(|c| {
            use diesel::prelude::*;
            organizations::table
                .filter(organizations::slug.eq("demo-bv"))
                .select(organizations::name)
                .first(c)
                .unwrap()
        })
        .await;
    assert_eq!(stored, "Demo BV (nieuw)");
}

#[actix_web::test]
async fn settings_are_for_admins_only() {
    let app = TestApp::demo().await;
    let v0 = org_of(&app, "demo-bv").await.version.to_string();
    let mut staff = app.login(STAFF).await;
    let dash = staff.get("/").await;
    for link in [
        "/settings/organization",
        "/settings/audit-log",
        "/settings/api-clients",
    ] {
        assert!(
            !dash.body.contains(&format!("href=\"{link}\"")),
            "staff see no link to {link}"
        );
    }
    assert_eq!(
        staff.get("/settings/organization").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff.get("/settings/audit-log").await.status,
        StatusCode::FORBIDDEN
    );
    let res = staff
        .post(
            "/settings/organization",
            &form("Overname", "overname", "nl", "Europe/Amsterdam", &v0),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // In plain words, inside the app: the navigation stays.
    assert!(
        res.body
            .contains("Alleen beheerders van Demo BV kunnen dit."),
        "{}",
        res.body
    );
    assert!(!res.body.contains("admin:organization"), "no scope names");
    assert!(res.body.contains("<title>Geen toegang"), "{}", res.body);
    assert!(
        res.body.contains("href=\"/locations\""),
        "the sidebar stays"
    );
    // A page that is not there, inside the app too, in the area it was in.
    let gone = staff.get("/customers/bestaat-niet").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(
        gone.body
            .contains("Deze pagina bestaat niet (meer). Misschien")
    );
    assert!(
        gone.body
            .contains("class=\"nav-link\" href=\"/customers\" aria-current=\"page\""),
        "{}",
        gone.body
    );
    // An htmx request still gets the short fragment.
    let frag = staff
        .get_with("/customers/bestaat-niet", &[("HX-Request", "true")])
        .await;
    assert_eq!(frag.status, StatusCode::NOT_FOUND);
    assert!(!frag.body.contains("<nav"));
    let mut admin = app.login(ADMIN).await;
    let dash = admin.get("/").await;
    for link in [
        "/settings/organization",
        "/settings/audit-log",
        "/settings/api-clients",
    ] {
        assert!(
            dash.body.contains(&format!("href=\"{link}\"")),
            "admins see {link}"
        );
    }
}

#[actix_web::test]
async fn audit_log_lists_filters_and_pages() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    // The demo data fills more than one default page (customers, contacts).
    let all = c.get("/settings/audit-log?pageSize=100").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("API-client aangemaakt"));
    assert!(all.body.contains("Ingelogd"));
    // Before and after values are there, never a password hash.
    assert!(all.body.contains("Boekhouding-koppeling"));
    assert!(!all.body.contains("argon2"));
    // Filter by kind of record.
    let clients = c.get("/settings/audit-log?resource=api_client").await;
    assert!(clients.body.contains("API-client aangemaakt"));
    assert!(!clients.body.contains(">Ingelogd<"));
    // Filter by actor: the staff member has done nothing yet.
    let staff_id: String = app
        .db(|c| {
            portaal::domain::users::find_by_email(c, STAFF)
                .unwrap()
                .unwrap()
                .id
        })
        .await;
    let none = c
        .get(&format!("/settings/audit-log?actor={staff_id}"))
        .await;
    assert!(none.body.contains("Geen gebeurtenissen gevonden"));
    // Date range, in the organisation's time zone (Europe/Amsterdam): from
    // tomorrow onwards is empty, up to today is not. Late in the evening UTC
    // the two calendars differ by a day.
    let today = {
        use chrono::TimeZone;
        use portaal::clock::Clock;
        chrono_tz::Europe::Amsterdam
            .from_utc_datetime(&app.clock.now())
            .date_naive()
    };
    let tomorrow = today.succ_opt().unwrap();
    let future = c.get(&format!("/settings/audit-log?from={tomorrow}")).await;
    assert!(future.body.contains("Geen gebeurtenissen gevonden"));
    let past = c
        .get(&format!("/settings/audit-log?to={today}&pageSize=100"))
        .await;
    assert!(past.body.contains("API-client aangemaakt"));
    // Paging keeps the filters in the links.
    let page = c
        .get("/settings/audit-log?resource=api_client&pageSize=1")
        .await;
    assert!(page.body.contains("rel=\"next\""));
    assert!(page.body.contains("resource=api_client&#38;pageNumber=2"));
    // Nonsense parameters fall back to the defaults.
    let odd = c.get("/settings/audit-log?pageNumber=-4&pageSize=100000&sortBy=password&sortDirection=UP&from=gisteren").await;
    assert_eq!(odd.status, StatusCode::OK);
}

#[actix_web::test]
async fn audit_log_shows_only_the_own_organization() {
    let app = TestApp::demo().await;
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    let mut other = app.login("baas@ander.test").await;
    let res = other.get("/settings/audit-log").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains("Boekhouding-koppeling"));
    assert!(!res.body.contains("Bea Beheer"));
}

#[actix_web::test]
async fn clearing_demo_data_needs_the_typed_name() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    assert!(
        admin
            .get("/settings/organization")
            .await
            .body
            .contains("href=\"/settings/organization/clear\"")
    );
    assert_eq!(
        admin.get("/settings/organization/clear").await.status,
        StatusCode::OK
    );
    let wrong = admin
        .post(
            "/settings/organization/clear",
            &[("confirm_name", "demo bv")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("De ingevulde naam komt niet overeen."));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_clients").await,
        2,
        "nothing removed"
    );
    let ok = admin
        .post(
            "/settings/organization/clear",
            &[("confirm_name", "Demo BV")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM api_clients").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM locations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM meetings").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM customers").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM contacts").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users").await,
        3,
        "people stay (the admin, the staff member, the operator)"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'organization.cleared' AND after_json LIKE '%\"apiClients\":2%'").await,
        1
    );
    // Staff may not; a non-demo organisation has no such page.
    let mut staff = app.login(STAFF).await;
    assert_eq!(
        staff
            .post(
                "/settings/organization/clear",
                &[("confirm_name", "Demo BV")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    let mut other = app.login("baas@ander.test").await;
    assert_eq!(
        other.get("/settings/organization/clear").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(
                "/settings/organization/clear",
                &[("confirm_name", "Ander BV")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
