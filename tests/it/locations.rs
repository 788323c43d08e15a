//! Locations: list (search, sort, paging edges), form rules, 409, roles,
//! tenant isolation, deleting keeps the meetings.

use awc::http::StatusCode;

use crate::support::*;
use portaal::clock::Clock;

pub(crate) fn fields<'a>(
    name: &'a str,
    open: &'a str,
    close: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("address_line1", "Dorpsstraat 1"),
        ("address_line2", ""),
        ("postal_code", "1234 AB"),
        ("city", "Ergens"),
        ("country_code", "NL"),
        ("office_open_hour", open),
        ("office_close_hour", close),
        ("version", version),
    ]
}

async fn location_id(app: &TestApp, name: &'static str) -> (String, i32) {
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::locations;
        locations::table
            .filter(locations::name.eq(name))
            .select((locations::id, locations::version))
            .first::<(String, i32)>(c)
            .unwrap()
    })
    .await
}

#[actix_web::test]
async fn staff_create_and_edit_with_audit() {
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    let list = staff.get("/locations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Hoofdkantoor Utrecht"));
    assert!(list.body.contains("08:00–18:00"));
    assert_eq!(staff.get("/locations/new").await.status, StatusCode::OK);
    let res = staff
        .post("/locations", &fields("Filiaal Zwolle", "9", "17", "0"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        staff
            .get("/locations")
            .await
            .body
            .contains("Locatie opgeslagen.")
    );
    let (id, v) = location_id(&app, "Filiaal Zwolle").await;
    let page = staff.get(&format!("/locations/{id}")).await;
    assert!(page.body.contains("value=\"Filiaal Zwolle\""));
    assert!(
        page.body
            .contains("<option value=\"NL\" selected>Nederland</option>")
    );
    assert!(!page.body.contains("/delete"), "staff see no delete button");
    let res = staff
        .post(
            &format!("/locations/{id}"),
            &fields("Filiaal Zwolle-Zuid", "", "", &v.to_string()),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'location.updated' AND before_json LIKE '%\"officeOpenHour\":9%' AND after_json LIKE '%Zwolle-Zuid%'").await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM locations WHERE office_open_hour IS NULL AND name = 'Filiaal Zwolle-Zuid'").await, 1);
}

#[actix_web::test]
async fn every_rule_is_checked_and_nothing_stored() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let long = "x".repeat(201);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (fields("", "", "", "0"), "Vul dit veld in."),
        (fields(&long, "", "", "0"), "Maximaal 200 tekens."),
        (fields("A", "9", "", "0"), "allebei in, of geen van beide"),
        (fields("A", "", "17", "0"), "allebei in, of geen van beide"),
        (fields("A", "17", "9", "0"), "na de openingstijd"),
        (fields("A", "9", "9", "0"), "na de openingstijd"),
        (
            fields("A", "24", "25", "0"),
            "Een heel uur van 0 tot en met 23.",
        ),
        (
            fields("A", "-1", "5", "0"),
            "Een heel uur van 0 tot en met 23.",
        ),
        (
            fields("A", "acht", "17", "0"),
            "Een heel uur van 0 tot en met 23.",
        ),
    ];
    let before = app.count("SELECT COUNT(*) AS n FROM locations").await;
    for (f, message) in cases {
        let res = c.post("/locations", &f).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{f:?}");
        assert!(res.body.contains(message), "{f:?}: {message}");
        assert!(res.body.contains("aria-invalid=\"true\""));
    }
    let mut bad_country = fields("A", "", "", "0");
    bad_country[5] = ("country_code", "XX");
    let res = c.post("/locations", &bad_country).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM locations").await,
        before
    );
    // The edges that are allowed.
    assert_eq!(
        c.post("/locations", &fields("Nacht", "0", "23", "0"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn stale_edit_answers_409_and_keeps_input() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let (id, v) = location_id(&app, "Vestiging Amsterdam").await;
    let v = v.to_string();
    assert_eq!(
        c.post(
            &format!("/locations/{id}"),
            &fields("Amsterdam Centrum", "9", "17", &v)
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let res = c
        .post(
            &format!("/locations/{id}"),
            &fields("Mijn naam", "9", "17", &v),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("value=\"Mijn naam\""));
    assert!(res.body.contains("Amsterdam Centrum"));
}

#[actix_web::test]
async fn delete_is_for_admins_and_keeps_meetings() {
    let app = TestApp::demo().await;
    let (id, _) = location_id(&app, "Werkplaats Rotterdam").await;
    // A meeting at this location.
    let lid = id.clone();
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::{meetings, organizations, users};
        let org: String = organizations::table
            .filter(organizations::slug.eq("demo-bv"))
            .select(organizations::id)
            .first(c)
            .unwrap();
        let user: String = users::table
            .filter(users::email.eq(STAFF))
            .select(users::id)
            .first(c)
            .unwrap();
        let now = chrono::Utc::now().naive_utc();
        diesel::insert_into(meetings::table)
            .values((
                meetings::id.eq("meeting-at-rotterdam"),
                meetings::organization_id.eq(org),
                meetings::employee_id.eq(user),
                meetings::location_id.eq(Some(lid)),
                meetings::date_from.eq(now),
                meetings::date_to.eq(now + chrono::Duration::hours(1)),
                meetings::created_at.eq(now),
                meetings::updated_at.eq(now),
            ))
            .execute(c)
            .unwrap();
    })
    .await;
    let mut staff = app.login(STAFF).await;
    assert_eq!(
        staff.get(&format!("/locations/{id}/delete")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff
            .post(&format!("/locations/{id}/delete"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut admin = app.login(ADMIN).await;
    let confirm = admin.get(&format!("/locations/{id}/delete")).await;
    assert!(
        confirm
            .body
            .contains("1 afspraken op deze locatie blijven bestaan"),
        "{}",
        confirm.body
    );
    assert_eq!(
        admin
            .post(&format!("/locations/{id}/delete"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM meetings WHERE id = 'meeting-at-rotterdam' AND location_id IS NULL").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'location.deleted'")
            .await,
        1
    );
}

#[actix_web::test]
async fn list_search_sort_and_paging_edges() {
    let app = TestApp::demo().await;
    let mut c = app.login(STAFF).await;
    let found = c.get("/locations?q=ROTTER").await;
    assert!(
        found.body.contains("Werkplaats Rotterdam") && !found.body.contains("Hoofdkantoor Utrecht")
    );
    let by_city = c
        .get("/locations?sortBy=city&sortDirection=DESC")
        .await
        .body;
    let (u, a) = (
        by_city.find("Hoofdkantoor Utrecht").unwrap(),
        by_city.find("Vestiging Amsterdam").unwrap(),
    );
    assert!(
        u < a,
        "Utrecht before Amsterdam when sorted by city, descending"
    );
    let one = c.get("/locations?pageSize=1").await;
    assert!(one.body.contains("rel=\"next\""));
    assert!(one.body.contains("1–1 van 3"));
    // Beyond the end, size 0 or 1000, unknown sort: answered, not broken.
    let beyond = c.get("/locations?pageNumber=99").await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert!(beyond.body.contains("Deze pagina bestaat niet (meer)"));
    assert!(beyond.body.contains("Naar de laatste pagina"));
    assert!(
        c.get("/locations?pageSize=0")
            .await
            .body
            .contains("1–1 van 3")
    );
    assert!(
        c.get("/locations?pageSize=1000")
            .await
            .body
            .contains("1–3 van 3")
    );
    assert_eq!(
        c.get("/locations?sortBy=password&sortDirection=UP")
            .await
            .status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn locations_are_per_organization() {
    let app = TestApp::demo().await;
    let (id, v) = location_id(&app, "Hoofdkantoor Utrecht").await;
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    let mut other = app.login("baas@ander.test").await;
    assert!(
        !other
            .get("/locations")
            .await
            .body
            .contains("Hoofdkantoor Utrecht")
    );
    assert_eq!(
        other.get(&format!("/locations/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(
                &format!("/locations/{id}"),
                &fields("Gekaapt", "", "", &v.to_string())
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get(&format!("/locations/{id}/delete")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("/locations/{id}/delete"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM locations WHERE name = 'Hoofdkantoor Utrecht'")
            .await,
        1
    );
}

/// Lists keep their page and total in memory while the organisation's data
/// version is unchanged; a change made by any other instance (here: straight
/// through the domain, bypassing this server) raises the version, so the
/// next request sees it.
#[actix_web::test]
async fn cached_list_sees_changes_made_elsewhere() {
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    let before = staff.get("/locations?q=Elders").await;
    assert!(!before.body.contains("Elders Gemaakt"));
    // Twice, so the second answer comes from the cache.
    assert!(
        !staff
            .get("/locations?q=Elders")
            .await
            .body
            .contains("Elders Gemaakt")
    );
    let now = app.clock.now();
    app.db(move |c| {
        let org = portaal::domain::organizations::find_by_slug(c, portaal::domain::demo::ORG_SLUG)
            .unwrap()
            .unwrap();
        let admin = portaal::domain::users::find_by_email(c, ADMIN)
            .unwrap()
            .unwrap();
        let actor = portaal::domain::actor::Actor::member(
            org.id,
            admin.id,
            admin.name,
            portaal::domain::scopes::Role::Backoffice,
            None,
        );
        let input = portaal::domain::locations::LocationInput {
            name: "Elders Gemaakt".into(),
            ..Default::default()
        };
        portaal::domain::locations::create(c, now, &actor, &input).unwrap();
    })
    .await;
    let after = staff.get("/locations?q=Elders").await;
    assert!(after.body.contains("Elders Gemaakt"), "{}", after.body);
}

/// The list section is rendered once and shared, per language: a browser in
/// English and one in Dutch each get their own words around the same rows,
/// and a search typed with markup comes back escaped.
#[actix_web::test]
async fn the_shared_list_section_speaks_each_browsers_language() {
    let app = TestApp::demo().await;
    let mut nl = app.login(ADMIN).await;
    let mut en = app.login(STAFF).await;
    let res = en.post("/language", &[("lang", "en"), ("next", "/")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    for _ in 0..2 {
        let dutch = nl.get("/locations?sortBy=name&sortDirection=ASC").await;
        let english = en.get("/locations?sortBy=name&sortDirection=ASC").await;
        assert!(
            dutch
                .body
                .contains("placeholder=\"Zoek op naam of plaats\""),
            "{}",
            dutch.body
        );
        assert!(
            english
                .body
                .contains("placeholder=\"Search by name or city\""),
            "{}",
            english.body
        );
        for page in [&dutch.body, &english.body] {
            assert!(page.contains("Hoofdkantoor Utrecht"));
        }
    }
    let marked = nl.get("/locations?q=%3Cb%3Ex").await;
    assert!(
        marked.body.contains("value=\"&#60;b&#62;x\""),
        "{}",
        marked.body
    );
    assert!(!marked.body.contains("<b>x"));
}

/// The dashboard's recent activity says which record changed and links to
/// it while it exists.
#[actix_web::test]
async fn the_dashboard_names_and_links_what_changed() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let res = admin
        .post("/locations", &fields("Filiaal <Zwolle>", "9", "17", "0"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (id, _) = location_id(&app, "Filiaal <Zwolle>").await;
    let dash = admin.get("/").await.body;
    assert!(
        dash.contains(&format!(
            "Locatie aangemaakt: <a href=\"/locations/{id}\">Filiaal &#60;Zwolle&#62;</a>"
        )),
        "{dash}"
    );
    let res = admin.post(&format!("/locations/{id}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let dash = admin.get("/").await.body;
    assert!(
        dash.contains("Locatie verwijderd: Filiaal &#60;Zwolle&#62;</td>"),
        "{dash}"
    );
    assert!(
        !dash.contains(&format!("href=\"/locations/{id}\"")),
        "no link to what is gone"
    );
}

#[actix_web::test]
async fn the_location_page_lists_its_upcoming_meetings() {
    use crate::meetings::insert_meeting;
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    let res = staff
        .post("/locations", &fields("Zaal Vooruit", "", "", "0"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (zaal, _) = location_id(&app, "Zaal Vooruit").await;
    let org = app
        .db(|c| {
            use diesel::prelude::*;
            use portaal::db::schema::organizations;
            organizations::table
                .filter(organizations::name.eq("Demo BV"))
                .select(organizations::id)
                .first::<String>(c)
                .unwrap()
        })
        .await;
    let page = staff.get(&format!("/locations/{zaal}")).await.body;
    assert!(page.contains("Geen komende afspraken."), "{page}");
    let soon = insert_meeting(
        &app,
        &org,
        None,
        Some(&zaal),
        "2031-03-03 10:00",
        "Zaalhuur",
    )
    .await;
    insert_meeting(
        &app,
        &org,
        None,
        Some(&zaal),
        "2020-03-03 10:00",
        "Oude zaalhuur",
    )
    .await;
    let page = staff.get(&format!("/locations/{zaal}")).await.body;
    assert!(page.contains("Komende afspraken"));
    assert!(
        page.contains(&format!("href=\"/meetings/{soon}\"")),
        "{page}"
    );
    assert!(page.contains("Zaalhuur") && !page.contains("Oude zaalhuur"));
    assert!(page.contains(&format!(
        "href=\"/meetings?location={zaal}&#38;from=&#38;to=\""
    )));
    // A new location has no card.
    let new = staff.get("/locations/new").await.body;
    assert!(!new.contains("Komende afspraken"));
}

/// The ids of the records a list page at `base` links to, in order.
fn listed(base: &str, body: &str) -> Vec<String> {
    let mut ids = vec![];
    for part in body.split(&format!("href=\"{base}/")).skip(1) {
        let id: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if id.len() > 20 && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// For the list at `base` (of more than 20 rows) in each of `sorts`,
/// descending: the second page reached by "next" (which seeks from the
/// first page's last row) is the second page by number.
pub(crate) async fn next_is_the_second_page(c: &mut Client, base: &str, sorts: &[&str]) {
    for sort in sorts {
        let first = c
            .get(&format!(
                "{base}?pageSize=10&sortBy={sort}&sortDirection=DESC"
            ))
            .await;
        let next = first
            .body
            .split("rel=\"next\"")
            .next()
            .and_then(|b| b.rsplit("href=\"").next())
            .map(|h| {
                h[..h.find('"').unwrap()]
                    .replace("&#38;", "&")
                    .replace("&amp;", "&")
            })
            .unwrap();
        assert!(next.contains("after="), "{next}");
        let seeked = c.get(&next).await;
        assert_eq!(seeked.status, StatusCode::OK);
        let counted = c
            .get(&format!(
                "{base}?pageNumber=2&pageSize=10&sortBy={sort}&sortDirection=DESC"
            ))
            .await;
        let (seeked, counted) = (listed(base, &seeked.body), listed(base, &counted.body));
        assert_eq!(seeked.len(), 10, "{base} by {sort}");
        assert_eq!(seeked, counted, "{base} by {sort}");
        assert_ne!(seeked, listed(base, &first.body), "{base} by {sort}");
    }
}

#[actix_web::test]
async fn next_seeks_from_the_last_row_and_shows_the_next_page() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    // Names and cities that tie, and one creation moment (the test's
    // clock stands still): the id decides between them.
    for n in 0..25 {
        let name = format!("Filiaal {}", n % 7);
        let res = c.post("/locations", &fields(&name, "9", "17", "0")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    next_is_the_second_page(&mut c, "/locations", &["name", "city", "createdAt"]).await;
}
