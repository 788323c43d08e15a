//! Settings → Languages: the organisation's languages switched on and off from
//! the backoffice (audited, idempotent, admins only, per organisation), and
//! the searchable, paged list of every language.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::db::schema::{audit_events, organization_languages, organizations};

use crate::support::*;

const PAGE: &str = "/settings/languages";

/// The part of the page above the list of all languages (the enabled ones).
fn enabled_part(body: &str) -> &str {
    &body[..body.find("id=\"list\"").expect("the list")]
}

/// The list of all languages.
fn list_part(body: &str) -> &str {
    &body[body.find("id=\"list\"").expect("the list")..]
}

fn disable_form(code: &str) -> String {
    format!("action=\"/settings/languages/{code}/disable\"")
}

fn enable_form(code: &str) -> String {
    format!("action=\"/settings/languages/{code}/enable\"")
}

async fn org_id(app: &TestApp, slug: &'static str) -> String {
    app.db(move |c| {
        organizations::table
            .filter(organizations::slug.eq(slug))
            .select(organizations::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// The codes `org` has switched on, by code.
async fn codes(app: &TestApp, org: &str) -> Vec<String> {
    let org = org.to_string();
    app.db(move |c| {
        organization_languages::table
            .filter(organization_languages::organization_id.eq(org))
            .order(organization_languages::language_code.asc())
            .select(organization_languages::language_code)
            .load::<String>(c)
            .unwrap()
    })
    .await
}

async fn events(app: &TestApp, org: &str, action: &'static str, code: &'static str) -> i64 {
    let org = org.to_string();
    app.db(move |c| {
        audit_events::table
            .filter(audit_events::organization_id.eq(org))
            .filter(audit_events::action.eq(action))
            .filter(audit_events::resource_type.eq("language"))
            .filter(audit_events::resource_id.eq(code))
            .count()
            .get_result(c)
            .unwrap()
    })
    .await
}

#[actix_web::test]
async fn admin_enables_and_disables_languages() {
    let app = TestApp::demo().await;
    let org = org_id(&app, "demo-bv").await;
    let mut c = app.login(ADMIN).await;

    let page = c.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<title>Talen"));
    assert!(
        page.body
            .contains("href=\"/settings/languages\" aria-current=\"page\">Talen</a>"),
        "the settings navigation marks the page"
    );
    // The demo's languages, each with a disable button naming it.
    let top = enabled_part(&page.body);
    for (code, name) in [("nl", "Nederlands"), ("en", "Engels"), ("de", "Duits")] {
        assert!(top.contains(&disable_form(code)), "{code}");
        assert!(
            top.contains(&format!(
                "Uitschakelen<span class=\"visually-hidden\"> {name}</span>"
            )),
            "{code}"
        );
    }
    assert!(!top.contains(&disable_form("fr")));
    // In the list of all languages, the enabled ones are marked, the others
    // have an enable button (not boosted: a normal form post).
    let found = c.get("/settings/languages?q=fr").await;
    let list = list_part(&found.body);
    assert!(list.contains(&enable_form("fr")));
    assert!(list.contains("Inschakelen<span class=\"visually-hidden\"> Frans</span>"));
    let found = c.get("/settings/languages?q=neder").await;
    let list = list_part(&found.body);
    assert!(!list.contains(&enable_form("nl")));
    assert!(list.contains(">Ingeschakeld</span>"));
    assert!(!list.contains("<form class=\"inline\" method=\"post\" hx-boost"));
    assert_eq!(codes(&app, &org).await, ["de", "en", "nl"]);

    // Enable French: 303 back to the page with a flash, stored and audited.
    let res = c.post("/settings/languages/fr/enable", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), PAGE);
    let after = c.get("/settings/languages?q=fr").await;
    assert!(after.body.contains("Taal ingeschakeld."));
    assert!(enabled_part(&after.body).contains(&disable_form("fr")));
    assert!(!list_part(&after.body).contains(&enable_form("fr")));
    assert_eq!(codes(&app, &org).await, ["de", "en", "fr", "nl"]);
    assert_eq!(events(&app, &org, "language.enabled", "fr").await, 1);

    // Enabling twice is harmless: no second row, no second event.
    let again = c.post("/settings/languages/fr/enable", &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(codes(&app, &org).await, ["de", "en", "fr", "nl"]);
    assert_eq!(events(&app, &org, "language.enabled", "fr").await, 1);

    // Disable German: no typed confirmation, just the post.
    let res = c.post("/settings/languages/de/disable", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), PAGE);
    let after = c.get("/settings/languages?q=de").await;
    assert!(after.body.contains("Taal uitgeschakeld."));
    assert!(!enabled_part(&after.body).contains(&disable_form("de")));
    assert!(list_part(&after.body).contains(&enable_form("de")));
    assert_eq!(codes(&app, &org).await, ["en", "fr", "nl"]);
    assert_eq!(events(&app, &org, "language.disabled", "de").await, 1);
    let twice = c.post("/settings/languages/de/disable", &[]).await;
    assert_eq!(twice.status, StatusCode::SEE_OTHER);
    assert_eq!(events(&app, &org, "language.disabled", "de").await, 1);

    // Unknown codes are 404 and change nothing.
    for path in [
        "/settings/languages/xx/enable",
        "/settings/languages/xx/disable",
        "/settings/languages/NL/enable",
        "/settings/languages/pap/enable",
    ] {
        assert_eq!(
            c.post(path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(codes(&app, &org).await, ["en", "fr", "nl"]);

    // The audit log names the changes in words.
    let log = c.get("/settings/audit-log?resource=language").await;
    assert!(log.body.contains("Taal ingeschakeld"));
    assert!(log.body.contains("Taal uitgeschakeld"));
}

#[actix_web::test]
async fn back_to_the_list_as_it_was_left() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let token = c.csrf().await;
    let from = app.url("/settings/languages?q=fr&pageNumber=1");
    let res = c
        .post_with(
            "/settings/languages/fr/enable",
            &[("_csrf", &token)],
            &[("Referer", &from)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/settings/languages?q=fr&pageNumber=1");
    // Only back to this page: any other page (or site) falls back to it.
    for other in [
        app.url("/settings/users"),
        app.url("/settings/languagesx"),
        "https://elders.test/settings/languages?q=fr".to_string(),
    ] {
        let res = c
            .post_with(
                "/settings/languages/es/enable",
                &[("_csrf", &token)],
                &[("Referer", &other)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{other}: {}", res.body);
        assert_eq!(res.location(), PAGE, "{other}");
    }
}

#[actix_web::test]
async fn staff_may_not_switch_languages() {
    let app = TestApp::demo().await;
    let org = org_id(&app, "demo-bv").await;
    let mut c = app.login(STAFF).await;
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains("/settings/languages"), "no link");
    assert_eq!(c.get(PAGE).await.status, StatusCode::FORBIDDEN);
    for path in [
        "/settings/languages/fr/enable",
        "/settings/languages/nl/disable",
    ] {
        assert_eq!(
            c.post(path, &[]).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(codes(&app, &org).await, ["de", "en", "nl"]);
    assert_eq!(events(&app, &org, "language.enabled", "fr").await, 0);
    assert_eq!(events(&app, &org, "language.disabled", "nl").await, 0);
}

#[actix_web::test]
async fn languages_belong_to_one_organization() {
    let app = TestApp::demo().await;
    let demo = org_id(&app, "demo-bv").await;
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    let mut other = app.login("baas@ander.test").await;
    let page = other.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    let top = enabled_part(&page.body);
    assert!(top.contains("Nog geen talen ingeschakeld."));
    for code in ["nl", "en", "de"] {
        assert!(!top.contains(&disable_form(code)), "{code}");
        let found = other.get(&format!("/settings/languages?q={code}")).await;
        assert!(
            list_part(&found.body).contains(&enable_form(code)),
            "{code}"
        );
    }

    // Its changes stay its own.
    let res = other.post("/settings/languages/fr/enable", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = other.post("/settings/languages/nl/disable", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let org = org_id(&app, "ander-bv").await;
    assert_eq!(codes(&app, &org).await, ["fr"]);
    assert_eq!(codes(&app, &demo).await, ["de", "en", "nl"]);
    assert_eq!(events(&app, &demo, "language.enabled", "fr").await, 0);
    assert_eq!(events(&app, &org, "language.enabled", "fr").await, 1);
    let mut admin = app.login(ADMIN).await;
    let demo_page = admin.get(PAGE).await;
    assert!(!enabled_part(&demo_page.body).contains(&disable_form("fr")));
}

#[actix_web::test]
async fn the_list_searches_pages_and_sorts() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let all = app
        .db(|c| portaal::domain::reference::languages(c).unwrap().len())
        .await;

    // The list is swapped on its own by its search, headers and pages.
    let page = c.get(PAGE).await;
    let list = list_part(&page.body);
    assert!(list.contains(
        "<thead hx-boost=\"true\" hx-target=\"#list\" hx-select=\"#list\" hx-swap=\"outerHTML\">"
    ));
    assert!(list.contains("role=\"search\""));
    assert!(list.contains(&format!("1–25 van {all}")));
    // By name in the reader's language by default.
    assert!(list.find("Abchazisch").unwrap() < list.find("Afrikaans").unwrap());

    // Case-insensitive search on the name (in the reader's language) or code.
    let found = c.get("/settings/languages?q=NEDER").await;
    assert_eq!(found.status, StatusCode::OK);
    let list = list_part(&found.body);
    assert!(list.contains("Nederlands"));
    assert!(list.contains("<code>nl</code>"));
    assert!(list.contains("1–1 van 1"), "{list}");
    assert!(
        found.body.contains("value=\"NEDER\""),
        "the search stays in the box"
    );
    let by_code = c.get("/settings/languages?q=FY").await;
    assert!(list_part(&by_code.body).contains("Fries"));
    // Wildcards are text, not patterns.
    let none = c.get("/settings/languages?q=%25").await;
    assert!(list_part(&none.body).contains("Geen taal gevonden"));
    let none = c.get("/settings/languages?q=_").await;
    assert!(list_part(&none.body).contains("Geen taal gevonden"));

    // In English the names (and the search) are English.
    c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    let en = c.get("/settings/languages?q=dUtCh").await;
    let list = list_part(&en.body);
    assert!(list.contains("Dutch"));
    assert!(list.contains("1–1 of 1"), "{list}");
    assert!(list.contains(">Enabled</span>"), "Dutch is on in the demo");
    let top = enabled_part(&en.body);
    assert!(top.contains("Disable<span class=\"visually-hidden\"> German</span>"));
    assert!(top.find("English").unwrap() < top.find("German").unwrap());
    c.post("/language", &[("lang", "nl"), ("next", "/")]).await;

    // Paging keeps the size and the search in its links.
    let paged = c.get("/settings/languages?pageSize=10").await;
    let list = list_part(&paged.body);
    assert!(list.contains("rel=\"next\""));
    assert!(list.contains("pageNumber=2&#38;pageSize=10"), "{list}");
    assert!(list.contains(&format!("1–10 van {all}")));
    let second = c.get("/settings/languages?pageSize=10&pageNumber=2").await;
    assert!(list_part(&second.body).contains(&format!("11–20 van {all}")));
    // Pages left out are shown as "…": after 1 2 3 4 and before the last.
    let gap = "<span class=\"pagination-gap\" aria-hidden=\"true\">…</span>";
    assert_eq!(
        list_part(&second.body).matches(gap).count(),
        1,
        "{}",
        list_part(&second.body)
    );
    let middle = c.get("/settings/languages?pageSize=10&pageNumber=8").await;
    assert_eq!(list_part(&middle.body).matches(gap).count(), 2);
    let nav = &list_part(&middle.body)[list_part(&middle.body)
        .find("class=\"pagination\"")
        .unwrap()..];
    assert!(
        nav.contains(&format!(
            "{gap}<a href=\"/settings/languages?pageNumber=6&#38;pageSize=10&#38;"
        )),
        "{nav}"
    );
    let searched = c.get("/settings/languages?q=an&pageSize=5").await;
    assert!(list_part(&searched.body).contains("q=an&#38;pageNumber=2&#38;pageSize=5"));

    // Sorting by code, descending: Zulu first.
    let sorted = c
        .get("/settings/languages?sortBy=code&sortDirection=DESC")
        .await;
    let list = list_part(&sorted.body);
    assert!(list.contains("aria-sort=\"descending\""));
    let first = list.find("<code>").unwrap();
    assert!(list[first..].starts_with("<code>zu</code>"), "{list}");

    // Nonsense falls back to the defaults.
    let odd = c
        .get("/settings/languages?pageNumber=-4&pageSize=100000&sortBy=password&sortDirection=UP")
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    let list = list_part(&odd.body);
    assert!(list.contains(&format!("1–100 van {all}")));
    assert!(list.find("Abchazisch").unwrap() < list.find("Afrikaans").unwrap());
    let beyond = c.get("/settings/languages?pageNumber=99").await;
    assert_eq!(beyond.status, StatusCode::OK);
}
