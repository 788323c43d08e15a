//! Language choice, the organisation switcher, the role guard, the account
//! page, password changes, demo data and `create-admin`, and what pages must
//! never leak.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::db::schema::{audit_events, login_attempts, organizations, sessions, users};

use crate::support::*;

// ---------------------------------------------------------------- helpers

/// The `lang` attribute of the page's `<html>` element.
fn html_lang(body: &str) -> &str {
    let at = body.find("<html lang=\"").expect("an <html lang> element") + 12;
    let rest = &body[at..];
    &rest[..rest.find('"').unwrap()]
}

async fn user_row(app: &TestApp, email: &'static str) -> portaal::domain::users::User {
    app.db(move |c| {
        portaal::domain::users::find_by_email(c, email)
            .unwrap()
            .expect("user exists")
    })
    .await
}

async fn org_id(app: &TestApp, name: &'static str) -> String {
    app.db(move |c| {
        organizations::table
            .filter(organizations::name.eq(name))
            .select(organizations::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

async fn set_org_language(app: &TestApp, name: &'static str, lang: &'static str) {
    let n = app
        .db(move |c| {
            diesel::update(organizations::table.filter(organizations::name.eq(name)))
                .set(organizations::default_language.eq(lang))
                .execute(c)
                .unwrap()
        })
        .await;
    assert_eq!(n, 1);
}

/// Every text stored in the tables a password could end up in.
async fn stored_texts(app: &TestApp) -> Vec<String> {
    app.db(|c| {
        let mut out = vec![];
        type AuditTexts = (
            Option<String>,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let audit: Vec<AuditTexts> = audit_events::table
            .select((
                audit_events::before_json,
                audit_events::after_json,
                audit_events::actor_label,
                audit_events::action,
                audit_events::resource_id,
                audit_events::ip,
            ))
            .load(c)
            .unwrap();
        for (b, a, label, action, rid, ip) in audit {
            out.extend(
                [b, a, Some(label), Some(action), rid, ip]
                    .into_iter()
                    .flatten(),
            );
        }
        let people: Vec<(String, String, String, Option<String>)> = users::table
            .select((
                users::email,
                users::name,
                users::password_hash,
                users::language,
            ))
            .load(c)
            .unwrap();
        for (email, name, hash, lang) in people {
            out.extend(
                [Some(email), Some(name), Some(hash), lang]
                    .into_iter()
                    .flatten(),
            );
        }
        let tried: Vec<String> = login_attempts::table
            .select(login_attempts::email)
            .load(c)
            .unwrap();
        out.extend(tried);
        out
    })
    .await
}

// ------------------------------------------------------- language choice

#[actix_web::test]
async fn language_without_any_preference_is_dutch_and_follows_accept_language() {
    let app = TestApp::demo().await;
    // (a) No cookie, no Accept-Language, anonymous.
    let mut c = app.client();
    let res = c.get("/login").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(html_lang(&res.body), "nl");
    assert!(
        res.body
            .contains("Log in met uw e-mailadres en wachtwoord.")
    );
    // (b) The browser asks for English.
    let res = c
        .get_with("/login", &[("Accept-Language", "en-GB,en;q=0.9")])
        .await;
    assert_eq!(html_lang(&res.body), "en");
    assert!(
        res.body
            .contains("Log in with your e-mail address and password.")
    );
    // q-values are honoured.
    let res = c
        .get_with("/login", &[("Accept-Language", "en;q=0.2, nl;q=0.8")])
        .await;
    assert_eq!(html_lang(&res.body), "nl");
    // An unsupported language falls back to Dutch.
    let res = c.get_with("/login", &[("Accept-Language", "fr, de")]).await;
    assert_eq!(html_lang(&res.body), "nl");
}

#[actix_web::test]
async fn anonymous_language_switch_beats_accept_language() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    // (c) The switch on the login page.
    let res = c
        .post("/language", &[("lang", "en"), ("next", "/login")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/login");
    assert_eq!(c.jar.get("portaal_lang").map(String::as_str), Some("en"));
    let raw = res.set_cookie("portaal_lang").expect("language cookie");
    assert!(raw.contains("HttpOnly"), "{raw}");
    assert!(raw.contains("SameSite=Lax"), "{raw}");
    let res = c.get_with("/login", &[("Accept-Language", "nl-NL")]).await;
    assert_eq!(html_lang(&res.body), "en");
    assert!(
        res.body
            .contains("Log in with your e-mail address and password.")
    );
    // Error pages speak it too.
    let res = c.get_with("/nope", &[("Accept-Language", "nl")]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(html_lang(&res.body), "en");
    assert!(res.body.contains("This page does not exist"));
    // An open redirect through `next` is not possible.
    let res = c
        .post("/language", &[("lang", "nl"), ("next", "//evil.example/x")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/");
    let res = c.get_with("/login", &[("Accept-Language", "en")]).await;
    assert_eq!(html_lang(&res.body), "nl");
    assert!(
        res.body
            .contains("Log in met uw e-mailadres en wachtwoord.")
    );
    // Nothing about an anonymous choice is stored on an account.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users WHERE language IS NOT NULL")
            .await,
        0
    );
}

#[actix_web::test]
async fn organization_default_language_comes_after_accept_language() {
    let app = TestApp::demo().await;
    // (d) A user without a saved language, in an organisation speaking nl.
    let mut c = app.login(ADMIN).await;
    assert!(user_row(&app, ADMIN).await.language.is_none());
    let res = c.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(html_lang(&res.body), "nl");
    assert!(res.body.contains("Welkom, Bea Beheer"));
    // The organisation switches to English: without a browser preference the
    // dashboard follows it …
    set_org_language(&app, "Demo BV", "en").await;
    let res = c.get("/").await;
    assert_eq!(html_lang(&res.body), "en");
    assert!(res.body.contains("Welcome, Bea Beheer"));
    assert!(res.body.contains("Recent activity"));
    // … but the browser's Accept-Language beats the organisation's default.
    let res = c.get_with("/", &[("Accept-Language", "nl-NL,nl")]).await;
    assert_eq!(html_lang(&res.body), "nl");
    assert!(res.body.contains("Welkom, Bea Beheer"));
    assert!(res.body.contains("Recente activiteit"));
    // Nothing was stored on the account meanwhile.
    assert!(user_row(&app, ADMIN).await.language.is_none());
}

#[actix_web::test]
async fn header_switch_is_remembered_on_the_account() {
    let app = TestApp::demo().await;
    // (e) Logged in, the header switch.
    let mut c = app.login(ADMIN).await;
    let res = c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/");
    let user = user_row(&app, ADMIN).await;
    assert_eq!(
        user.language.as_deref(),
        Some("en"),
        "stored on the account"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.profile_updated'")
            .await,
        1
    );
    let res = c.get_with("/", &[("Accept-Language", "nl-NL,nl")]).await;
    assert_eq!(html_lang(&res.body), "en");
    assert!(res.body.contains("Welcome, Bea Beheer"));
    // A fresh browser that prefers Dutch: after login, English, because the
    // account remembers it.
    let mut other = app.client();
    other.headers.push(("Accept-Language".into(), "nl".into()));
    let res = other.login(ADMIN, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!other.jar.contains_key("portaal_lang"));
    let res = other.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(html_lang(&res.body), "en");
    assert!(res.body.contains("Welcome, Bea Beheer"));
    let res = other.get("/account").await;
    assert_eq!(html_lang(&res.body), "en");
    assert!(res.body.contains("Change password"));
    // The saved language even beats a language cookie from before.
    other.jar.insert("portaal_lang".into(), "nl".into());
    let res = other.get("/").await;
    assert_eq!(html_lang(&res.body), "en");
    // Switching again to the same language changes nothing.
    c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.profile_updated'")
            .await,
        1
    );
    // Back to Dutch, on every device.
    c.post("/language", &[("lang", "nl"), ("next", "/")]).await;
    assert_eq!(user_row(&app, ADMIN).await.language.as_deref(), Some("nl"));
    other.headers.clear();
    other.jar.insert("portaal_lang".into(), "en".into());
    let res = other.get_with("/", &[("Accept-Language", "en")]).await;
    assert_eq!(html_lang(&res.body), "nl");
    assert!(res.body.contains("Welkom, Bea Beheer"));
}

#[actix_web::test]
async fn unknown_language_is_refused_and_nothing_is_stored() {
    let app = TestApp::demo().await;
    // (f) Anonymous.
    let mut anon = app.client();
    for bad in ["de", "", "en-GB", "EN", "nl;drop"] {
        let res = anon
            .post("/language", &[("lang", bad), ("next", "/")])
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "lang={bad:?}");
        assert!(res.set_cookie("portaal_lang").is_none(), "lang={bad:?}");
        assert!(
            res.body.contains("Het verzoek kon niet worden verwerkt."),
            "lang={bad:?}: {}",
            res.body
        );
    }
    assert!(!anon.jar.contains_key("portaal_lang"));
    // Logged in.
    let mut c = app.login(ADMIN).await;
    let version = user_row(&app, ADMIN).await.version;
    let res = c.post("/language", &[("lang", "de"), ("next", "/")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(html_lang(&res.body), "nl");
    assert!(res.body.contains("Het verzoek kon niet worden verwerkt."));
    assert!(!c.jar.contains_key("portaal_lang"));
    let user = user_row(&app, ADMIN).await;
    assert!(user.language.is_none(), "nothing stored");
    assert_eq!(user.version, version);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.profile_updated'")
            .await,
        0
    );
    // A missing field is a bad request as well.
    let res = c.post("/language", &[("next", "/")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        !res.body.contains("missing field"),
        "no parser detail leaks"
    );
}

// ------------------------------------------------- organisation switcher

#[actix_web::test]
async fn organization_switcher_lists_memberships_and_switches() {
    let app = TestApp::demo().await;
    let demo = org_id(&app, "Demo BV").await;
    let partner = org_id(&app, "Demo Partner BV").await;
    let mut c = app.login(ADMIN).await;
    let res = c.get("/").await;
    assert!(
        res.body.contains("name=\"organization_id\""),
        "{}",
        res.body
    );
    assert!(res.body.contains(&format!(
        "<option value=\"{demo}\" selected>Demo BV</option>"
    )));
    assert!(res.body.contains(&format!(
        "<option value=\"{partner}\">Demo Partner BV</option>"
    )));
    assert!(res.body.contains("U werkt in Demo BV als Beheerder."));

    let res = c
        .post("/organization/switch", &[("organization_id", &partner)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/");
    let res = c.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .contains("<span class=\"org-name\">Demo Partner BV</span>")
    );
    assert!(
        res.body
            .contains("U werkt in Demo Partner BV als Medewerker."),
        "{}",
        res.body
    );
    assert!(res.body.contains("U werkt nu in een andere organisatie."));
    assert!(res.body.contains(&format!(
        "<option value=\"{partner}\" selected>Demo Partner BV</option>"
    )));
    // The role is per membership: staff there, so no audit list.
    assert!(!res.body.contains("Recente activiteit"));
    // Another organisation's id: 404, and nothing changes.
    let other = app
        .db(|conn| {
            portaal::domain::organizations::create(
                conn,
                chrono::Utc::now().naive_utc(),
                &portaal::domain::actor::AuditActor::system("test"),
                "Other BV",
                false,
                30,
            )
            .unwrap()
            .id
        })
        .await;
    let res = c
        .post("/organization/switch", &[("organization_id", &other)])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Deze pagina bestaat niet"));
    assert!(!res.body.contains("Other BV"));
    let res = c
        .post(
            "/organization/switch",
            &[("organization_id", "01ZZZZZZZZZZZZZZZZZZZZZZZZ")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = c.get("/").await;
    assert!(
        res.body
            .contains("U werkt in Demo Partner BV als Medewerker.")
    );
    assert!(!res.body.contains("Other BV"));
    // And back.
    let res = c
        .post("/organization/switch", &[("organization_id", &demo)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = c.get("/").await;
    assert!(res.body.contains("U werkt in Demo BV als Beheerder."));
    assert!(res.body.contains("Recente activiteit"));
    // A new login starts in the first organisation again.
    c.post(
        "/organization/switch",
        &[("organization_id", partner.as_str())],
    )
    .await;
    let mut again = app.login(ADMIN).await;
    assert!(
        again
            .get("/")
            .await
            .body
            .contains("U werkt in Demo BV als Beheerder.")
    );
}

#[actix_web::test]
async fn staff_with_one_organization_sees_no_switcher_and_cannot_switch_away() {
    let app = TestApp::demo().await;
    let partner = org_id(&app, "Demo Partner BV").await;
    let mut c = app.login(STAFF).await;
    let res = c.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains("name=\"organization_id\""));
    assert!(!res.body.contains("Demo Partner BV"));
    assert!(res.body.contains("U werkt in Demo BV als Medewerker."));
    // The partner exists, but staff is no member there.
    let res = c
        .post("/organization/switch", &[("organization_id", &partner)])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = c.get("/").await;
    assert!(res.body.contains("U werkt in Demo BV als Medewerker."));
    // Not logged in: to the login page, not a switch.
    let mut anon = app.client();
    let res = anon
        .post("/organization/switch", &[("organization_id", &partner)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login"));
}

// ------------------------------------------------------------ role guard

#[actix_web::test]
async fn audit_list_on_the_dashboard_needs_the_admin_role() {
    let app = TestApp::demo().await;
    // Later than the demo data, so the change leads the activity list.
    app.clock.advance(chrono::Duration::minutes(1));
    let mut staff = app.login(STAFF).await;
    let res = staff
        .post(
            "/locations",
            &[("name", "Kantoor Zwolle"), ("country_code", "NL")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = staff.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Welkom, Mo Medewerker"));
    assert!(!res.body.contains("Recente activiteit"));
    assert!(
        !res.body.contains("Locatie aangemaakt"),
        "no audit rows for staff"
    );
    let mut admin = app.login(ADMIN).await;
    let res = admin.get("/").await;
    assert!(res.body.contains("Recente activiteit"));
    // The admin sees the staff member's change in the list.
    assert!(
        res.body
            .contains("<td>Mo Medewerker</td><td>Locatie aangemaakt: "),
        "{}",
        res.body
    );
}

#[test]
fn actor_require_names_the_missing_scope() {
    use portaal::domain::actor::Actor;
    use portaal::domain::scopes::{Operation, Role};
    use portaal::error::AppError;
    let member = |role| {
        Actor::member(
            "org".into(),
            "user".into(),
            "Name".into(),
            role,
            Some("127.0.0.1".into()),
        )
    };
    let staff = member(Role::Access);
    match staff.require(Operation::OrganizationUpdate) {
        Err(AppError::Forbidden {
            operation,
            missing: Some(scope),
        }) => {
            assert_eq!(scope.to_string(), "admin:organization");
            assert_eq!(operation, Some(Operation::OrganizationUpdate));
        }
        other => panic!("staff may not update the organisation: {other:?}"),
    }
    assert!(!staff.can(Operation::AuditList));
    assert!(matches!(
        staff.require(Operation::AuditList),
        Err(AppError::Forbidden { .. })
    ));
    let admin = member(Role::Backoffice);
    assert!(admin.require(Operation::OrganizationUpdate).is_ok());
    assert!(admin.require(Operation::AuditList).is_ok());
}

// ---------------------------------------------------------- account page

#[actix_web::test]
async fn account_page_saves_name_and_language_with_a_version_check() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let res = c.get("/account").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("value=\"Bea Beheer\""));
    assert!(res.body.contains(ADMIN));
    let before = user_row(&app, ADMIN).await;
    let v = before.version.to_string();
    assert!(
        res.body
            .contains(&format!("name=\"version\" value=\"{v}\""))
    );

    let res = c
        .post(
            "/account",
            &[("name", "Bea Nieuw"), ("language", "nl"), ("version", &v)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/account");
    let res = c.get("/account").await;
    assert!(res.body.contains("Uw gegevens zijn opgeslagen."));
    assert!(res.body.contains("value=\"Bea Nieuw\""));
    // Shown once only.
    assert!(
        !c.get("/account")
            .await
            .body
            .contains("Uw gegevens zijn opgeslagen.")
    );
    let after = user_row(&app, ADMIN).await;
    assert_eq!(after.name, "Bea Nieuw");
    assert_eq!(after.language.as_deref(), Some("nl"));
    assert_eq!(after.version, before.version + 1);
    let (b, a): (Option<String>, Option<String>) = app
        .db(|conn| {
            audit_events::table
                .filter(audit_events::action.eq("user.profile_updated"))
                .select((audit_events::before_json, audit_events::after_json))
                .first(conn)
                .unwrap()
        })
        .await;
    let (b, a) = (b.expect("before values"), a.expect("after values"));
    assert!(b.contains("Bea Beheer") && !b.contains("Bea Nieuw"), "{b}");
    assert!(a.contains("Bea Nieuw"), "{a}");
    for json in [&a, &b] {
        assert!(!json.to_lowercase().contains("argon2"), "{json}");
        assert!(!json.contains("password"), "{json}");
    }

    // Empty name: 422, in place, nothing stored.
    let v2 = after.version.to_string();
    let res = c
        .post(
            "/account",
            &[("name", "   "), ("language", ""), ("version", &v2)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Vul dit veld in."));
    assert!(res.body.contains("aria-invalid=\"true\""));
    // Too long.
    let long = "x".repeat(201);
    let res = c
        .post(
            "/account",
            &[("name", &long), ("language", ""), ("version", &v2)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Maximaal 200 tekens."));
    // An unknown language.
    let res = c
        .post(
            "/account",
            &[("name", "Bea X"), ("language", "xx"), ("version", &v2)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Kies een van de mogelijkheden."));
    assert!(res.body.contains("value=\"Bea X\""), "input is kept");
    let unchanged = user_row(&app, ADMIN).await;
    assert_eq!(unchanged.name, "Bea Nieuw");
    assert_eq!(unchanged.language.as_deref(), Some("nl"));
    assert_eq!(unchanged.version, after.version);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.profile_updated'")
            .await,
        1
    );

    // A stale form (the version from before the save): 409, the input kept,
    // the stored value shown beside it.
    let res = c
        .post(
            "/account",
            &[("name", "Bea Oud"), ("language", "en"), ("version", &v)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(
        res.body
            .contains("Iemand anders heeft dit intussen gewijzigd."),
        "{}",
        res.body
    );
    assert!(res.body.contains("value=\"Bea Oud\""), "the input is kept");
    assert!(
        res.body.contains("<strong>Naam:</strong> Bea Nieuw"),
        "the stored name is shown"
    );
    assert!(
        res.body
            .contains(&format!("name=\"version\" value=\"{v2}\"")),
        "saving again takes the current version"
    );
    let unchanged = user_row(&app, ADMIN).await;
    assert_eq!(unchanged.name, "Bea Nieuw");
    assert_eq!(unchanged.version, after.version);
    // Saving again from the conflict page succeeds.
    let res = c
        .post(
            "/account",
            &[("name", "Bea Oud"), ("language", ""), ("version", &v2)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let saved = user_row(&app, ADMIN).await;
    assert_eq!(saved.name, "Bea Oud");
    assert!(saved.language.is_none(), "empty means: follow the browser");
}

#[actix_web::test]
async fn account_page_needs_login() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let res = c.get("/account").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?next=%2Faccount");
    let res = c
        .post(
            "/account",
            &[("name", "Nobody"), ("language", ""), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users WHERE name = 'Nobody'")
            .await,
        0
    );
}

// ------------------------------------------------------- password change

#[actix_web::test]
async fn password_change_checks_input_and_ends_other_sessions() {
    const NEW: &str = "Nieuw-Geheim-Wachtwoord-42";
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let mut elsewhere = app.login(ADMIN).await;
    assert_eq!(elsewhere.get("/").await.status, StatusCode::OK);
    let hash_before = user_row(&app, ADMIN).await.password_hash;

    let res = c
        .post(
            "/account/password",
            &[
                ("current_password", "niet-het-wachtwoord"),
                ("new_password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Het huidige wachtwoord klopt niet."));
    assert!(!res.body.contains(NEW), "passwords are never echoed");
    assert!(!res.body.contains("niet-het-wachtwoord"));

    let res = c
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW),
                ("password_confirm", "Iets-Anders-Dan-Dat"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("De wachtwoorden komen niet overeen."));
    assert!(!res.body.contains(PASSWORD));

    let res = c
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "kort"),
                ("password_confirm", "kort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Het wachtwoord moet minimaal 10 tekens hebben.")
    );
    let res = c
        .post(
            "/account/password",
            &[
                ("current_password", ""),
                ("new_password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Vul dit veld in."));
    assert_eq!(user_row(&app, ADMIN).await.password_hash, hash_before);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.password_changed'")
            .await,
        0
    );
    assert_eq!(elsewhere.get("/").await.status, StatusCode::OK);

    // Success.
    let res = c
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/account");
    let res = c.get("/account").await;
    assert_eq!(res.status, StatusCode::OK, "this browser carries on");
    assert!(res.body.contains("Uw wachtwoord is gewijzigd."));
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    // Every other session has ended.
    let res = elsewhere.get("/").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?next=%2F");
    // Only the new password works now.
    let mut fresh = app.client();
    assert_eq!(
        fresh.login(ADMIN, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(fresh.login(ADMIN, NEW).await.status, StatusCode::SEE_OTHER);
    assert_eq!(fresh.get("/").await.status, StatusCode::OK);

    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.password_changed'")
            .await,
        1
    );
    let hash_after = user_row(&app, ADMIN).await.password_hash;
    assert_ne!(hash_after, hash_before);
    assert_ne!(hash_after, NEW);
    assert!(hash_after.starts_with("$argon2"), "{hash_after}");
    for text in stored_texts(&app).await {
        assert!(
            !text.contains(NEW),
            "the new password is stored in clear: {text}"
        );
        assert!(
            !text.contains(PASSWORD),
            "the old password is stored in clear: {text}"
        );
    }
}

// ----------------------------------------------- demo data, create-admin

#[actix_web::test]
async fn demo_data_is_created_once() {
    let app = TestApp::demo().await;
    let before = demo_counts(&app).await;
    // Users: the admin, the staff member and the operator (in no organisation).
    assert_eq!((before.0, before.1, before.2), (3, 2, 3));
    let key = app.state.data_key.clone();
    let created = app
        .db(move |c| {
            portaal::domain::demo::ensure(
                c,
                chrono::Utc::now().naive_utc(),
                "http://localhost:8080",
                &key,
                portaal::password::hash_blocking,
            )
        })
        .await;
    assert!(matches!(created, Ok(false)), "{created:?}");
    assert_eq!(demo_counts(&app).await, before);
}

async fn demo_counts(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) AS n FROM users").await,
        app.count("SELECT COUNT(*) AS n FROM organizations").await,
        app.count("SELECT COUNT(*) AS n FROM memberships").await,
        app.count("SELECT COUNT(*) AS n FROM audit_events").await,
    )
}

fn create_admin(db_url: &str, email: &str, org: &str, password: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_portaal"))
        .args(["create-admin", "--email", email, "--organization", org])
        .env("DATABASE_URL", db_url)
        .env("PORTAAL_ADMIN_PASSWORD", password)
        .env_remove("PORTAAL_SESSION_KEY")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[actix_web::test]
async fn create_admin_command_makes_a_working_admin() {
    let app = TestApp::demo().await;
    let url = app.db.url();
    let out = actix_web::web::block(move || {
        create_admin(&url, "new@x.test", "Nieuw BV", "een-lang-wachtwoord")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("new@x.test"), "{stdout}");
    assert!(!stdout.contains("een-lang-wachtwoord"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM memberships WHERE role = 'TENANT.BACKOFFICE'")
            .await,
        2
    );
    let mut c = app.client();
    let res = c.login("new@x.test", "een-lang-wachtwoord").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = c.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("U werkt in Nieuw BV als Beheerder."),
        "{}",
        res.body
    );
    assert!(
        !res.body.contains("Demo BV"),
        "nothing of another organisation"
    );
    assert!(res.body.contains("Recente activiteit"));
    for text in stored_texts(&app).await {
        assert!(!text.contains("een-lang-wachtwoord"), "{text}");
    }
}

#[actix_web::test]
async fn create_admin_command_refuses_a_short_password() {
    let app = TestApp::demo().await;
    let users_before = app.count("SELECT COUNT(*) AS n FROM users").await;
    let orgs_before = app.count("SELECT COUNT(*) AS n FROM organizations").await;
    let url = app.db.url();
    let out = actix_web::web::block(move || create_admin(&url, "kort@x.test", "Kort BV", "kort"))
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("10"), "says why: {stderr}");
    assert!(!stderr.contains("kort\n") && !stderr.contains("`kort`"));
    // A bad e-mail address is refused too.
    let url = app.db.url();
    let out = actix_web::web::block(move || {
        create_admin(&url, "geen-adres", "Kort BV", "een-lang-wachtwoord")
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users").await,
        users_before
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organizations").await,
        orgs_before
    );
}

// -------------------------------------------------------- nothing leaks

#[actix_web::test]
async fn failed_login_pages_never_echo_the_password() {
    const TYPED: &str = "Mijn-Geheime-Poging-77";
    let app = TestApp::demo().await;
    let mut c = app.client();
    let res = c.login(ADMIN, TYPED).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(!res.body.contains(TYPED));
    assert!(
        res.body.contains(&format!("value=\"{ADMIN}\"")),
        "e-mail kept"
    );
    let res = c.login("", TYPED).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!res.body.contains(TYPED));
    let long = format!("{}@x.test", "a".repeat(300));
    let res = c.login(&long, TYPED).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(!res.body.contains(TYPED));
    assert!(
        !res.body.contains(&long),
        "an over-long e-mail is not echoed"
    );
    for _ in 0..5 {
        c.login(STAFF, TYPED).await;
    }
    let res = c.login(STAFF, TYPED).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!res.body.contains(TYPED));
    // A password typed into the e-mail field does not reach the audit log.
    c.login(TYPED, "whatever-else").await;
    type Texts = (String, Option<String>, Option<String>);
    let audit: Vec<Texts> = app
        .db(|conn| {
            audit_events::table
                .select((
                    audit_events::actor_label,
                    audit_events::before_json,
                    audit_events::after_json,
                ))
                .load(conn)
                .unwrap()
        })
        .await;
    let lower = TYPED.to_lowercase();
    for (label, before, after) in audit {
        for text in [Some(label), before, after].into_iter().flatten() {
            let text = text.to_lowercase();
            assert!(!text.contains(&lower), "{text}");
        }
    }
}

#[actix_web::test]
async fn error_pages_never_show_internals() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let leaks = [
        "panicked",
        "backtrace",
        "src/",
        ".rs:",
        "diesel",
        "NotFound",
        "missing field",
        "invalid digit",
        "BadRequest",
    ];
    let mut pages = vec![
        ("GET /does-not-exist", c.get("/does-not-exist").await),
        (
            "GET /static/../Cargo.toml",
            c.get("/static/../Cargo.toml").await,
        ),
        (
            "POST switch random",
            c.post(
                "/organization/switch",
                &[("organization_id", "no-such-organisation")],
            )
            .await,
        ),
        (
            "POST /account without version",
            c.post("/account", &[("name", "X")]).await,
        ),
        (
            "POST /account bad version",
            c.post(
                "/account",
                &[("name", "X"), ("language", ""), ("version", "abc")],
            )
            .await,
        ),
    ];
    let mut anon = app.client();
    pages.push(("anon GET /nope", anon.get("/nope").await));
    for (what, res) in &pages {
        assert!(
            res.status.is_client_error(),
            "{what}: {} {}",
            res.status,
            res.body
        );
        assert!(res.body.contains("<html lang=\"nl\">"), "{what}: a page");
        for leak in leaks {
            assert!(
                !res.body.contains(leak),
                "{what} shows {leak:?}: {}",
                res.body
            );
        }
    }
    assert_eq!(pages[0].1.status, StatusCode::NOT_FOUND);
    assert_eq!(pages[2].1.status, StatusCode::NOT_FOUND);
    assert_eq!(pages[3].1.status, StatusCode::BAD_REQUEST);
    assert_eq!(pages[4].1.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        user_row(&app, ADMIN).await.name,
        "Bea Beheer",
        "nothing stored"
    );
}

#[actix_web::test]
async fn session_and_csrf_cookies_are_http_only_and_same_site() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let res = c.get("/login").await;
    let csrf = res
        .set_cookie("portaal_csrf")
        .expect("CSRF cookie on a page");
    assert!(csrf.contains("HttpOnly"), "{csrf}");
    assert!(csrf.contains("SameSite=Lax"), "{csrf}");
    assert!(csrf.contains("Path=/"), "{csrf}");
    let res = c.login(ADMIN, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let session = res
        .set_cookie("portaal_session")
        .expect("session cookie at login");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(session.contains("Path=/"), "{session}");
    let csrf = res.set_cookie("portaal_csrf").expect("a new CSRF token");
    assert!(csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"));
    // The cookie holds no readable state: no user id, no e-mail.
    let value = c.jar.get("portaal_session").unwrap().clone();
    let user = user_row(&app, ADMIN).await;
    assert!(!value.contains(&user.id));
    assert!(!value.contains("beheer"));
    // And the server keeps the session under a hash, not the cookie value.
    let ids: Vec<String> = app
        .db(|conn| sessions::table.select(sessions::id).load(conn).unwrap())
        .await;
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| !value.contains(id.as_str())));
}
