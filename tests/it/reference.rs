//! Reference data: every ISO 3166-1 alpha-2 country and ISO 639-1 language
//! is loaded by the migration with a Dutch and an English name, and an
//! organisation's languages can be switched on and off (idempotent, audited,
//! admins only).

use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{audit_events, organization_languages};
use portaal::domain::actor::Actor;
use portaal::domain::reference;
use portaal::domain::scopes::Role;
use portaal::error::AppError;
use portaal::i18n::Lang;

use crate::support::*;

fn is_code(code: &str, upper: bool) -> bool {
    code.len() == 2
        && code.chars().all(|c| {
            if upper {
                c.is_ascii_uppercase()
            } else {
                c.is_ascii_lowercase()
            }
        })
}

#[actix_web::test]
async fn countries_are_all_there_with_both_names() {
    let app = TestApp::empty().await;
    let all = app.db(|c| reference::countries(c).unwrap()).await;
    assert_eq!(all.len(), 249);
    for c in all.iter() {
        assert!(is_code(&c.code, true), "bad country code {:?}", c.code);
        assert!(!c.name_nl.trim().is_empty(), "{} has no Dutch name", c.code);
        assert!(
            !c.name_en.trim().is_empty(),
            "{} has no English name",
            c.code
        );
    }
    let codes: Vec<&str> = all.iter().map(|c| c.code.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted, "ordered by code, no duplicates");

    for (code, nl, en) in [
        ("NL", "Nederland", "Netherlands"),
        ("BE", "België", "Belgium"),
        ("DE", "Duitsland", "Germany"),
        ("GB", "Verenigd Koninkrijk", "United Kingdom"),
        ("US", "Verenigde Staten", "United States"),
        ("CI", "Ivoorkust", "Côte d'Ivoire"),
    ] {
        let c = app
            .db(move |c| reference::country(c, code).unwrap())
            .await
            .unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(c.name(Lang::Nl), nl, "{code}");
        assert_eq!(c.name(Lang::En), en, "{code}");
    }
    assert!(
        app.db(|c| reference::country(c, "XX").unwrap())
            .await
            .is_none()
    );
    assert!(
        app.db(|c| reference::country(c, "nl").unwrap())
            .await
            .is_none()
    );
}

#[actix_web::test]
async fn languages_are_all_there_with_both_names() {
    let app = TestApp::empty().await;
    let all = app.db(|c| reference::languages(c).unwrap()).await;
    assert!((183..=184).contains(&all.len()), "{} languages", all.len());
    for l in &all {
        assert!(is_code(&l.code, false), "bad language code {:?}", l.code);
        assert!(!l.name_nl.trim().is_empty(), "{} has no Dutch name", l.code);
        assert!(
            !l.name_en.trim().is_empty(),
            "{} has no English name",
            l.code
        );
    }
    let codes: Vec<&str> = all.iter().map(|l| l.code.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted, "ordered by code, no duplicates");

    for (code, nl, en) in [
        ("nl", "Nederlands", "Dutch"),
        ("en", "Engels", "English"),
        ("de", "Duits", "German"),
        ("fr", "Frans", "French"),
        ("fy", "Fries", "Western Frisian"),
    ] {
        let l = app
            .db(move |c| reference::language(c, code).unwrap())
            .await
            .unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(l.name(Lang::Nl), nl, "{code}");
        assert_eq!(l.name(Lang::En), en, "{code}");
    }
    // Papiamento has no ISO 639-1 code.
    assert!(
        app.db(|c| reference::language(c, "pap").unwrap())
            .await
            .is_none()
    );
}

/// The demo organisation and an actor there for `email` with `role`.
async fn actor(app: &TestApp, email: &'static str, role: Role) -> Actor {
    app.db(move |c| {
        let org = portaal::domain::organizations::find_by_slug(c, portaal::domain::demo::ORG_SLUG)
            .unwrap()
            .expect("demo organisation");
        let user = portaal::domain::users::find_by_email(c, email)
            .unwrap()
            .expect("demo user");
        assert!(
            portaal::domain::users::memberships_of(c, &user.id)
                .unwrap()
                .iter()
                .any(|m| m.organization_id == org.id && m.role() == role),
            "{email} is {role:?} in the demo organisation"
        );
        Actor::member(org.id, user.id, user.name, role, None)
    })
    .await
}

async fn audit_count(app: &TestApp, org: &str, action: &'static str) -> i64 {
    let org = org.to_string();
    app.db(move |c| {
        audit_events::table
            .filter(audit_events::organization_id.eq(org))
            .filter(audit_events::action.eq(action))
            .filter(audit_events::resource_type.eq("language"))
            .count()
            .get_result(c)
            .unwrap()
    })
    .await
}

async fn set(app: &TestApp, actor: &Actor, code: &'static str, on: bool) -> Result<(), AppError> {
    let actor = actor.clone();
    let now = app.clock.now();
    app.db(move |c| reference::set_language_enabled(c, now, &actor, code, on))
        .await
}

async fn enabled(app: &TestApp, org: &str) -> Vec<String> {
    let org = org.to_string();
    app.db(move |c| reference::enabled_languages(c, &org).unwrap())
        .await
        .into_iter()
        .map(|l| l.code)
        .collect()
}

#[actix_web::test]
async fn enabling_and_disabling_languages() {
    let app = TestApp::demo().await;
    let admin = actor(&app, ADMIN, Role::Backoffice).await;
    let org = admin.organization_id.clone();
    let before = enabled(&app, &org).await;
    assert!(!before.contains(&"fy".to_string()));
    assert!(!before.contains(&"es".to_string()));
    // The demo switched its own languages on, audited like any other change.
    let on_before = audit_count(&app, &org, "language.enabled").await;

    // Enabling twice: one row, one audit event.
    set(&app, &admin, "fy", true).await.unwrap();
    set(&app, &admin, "fy", true).await.unwrap();
    let rows: i64 = {
        let org = org.clone();
        app.db(move |c| {
            organization_languages::table
                .filter(organization_languages::organization_id.eq(org))
                .filter(organization_languages::language_code.eq("fy"))
                .count()
                .get_result(c)
                .unwrap()
        })
        .await
    };
    assert_eq!(rows, 1);
    assert_eq!(
        audit_count(&app, &org, "language.enabled").await,
        on_before + 1
    );
    set(&app, &admin, "es", true).await.unwrap();
    let mut expected = before.clone();
    expected.extend(["es".to_string(), "fy".to_string()]);
    expected.sort();
    assert_eq!(enabled(&app, &org).await, expected, "ordered by code");

    // Disabling: gone, audited once, harmless when repeated.
    set(&app, &admin, "fy", false).await.unwrap();
    set(&app, &admin, "fy", false).await.unwrap();
    assert!(!enabled(&app, &org).await.contains(&"fy".to_string()));
    assert!(enabled(&app, &org).await.contains(&"es".to_string()));
    assert_eq!(audit_count(&app, &org, "language.disabled").await, 1);
    assert_eq!(
        audit_count(&app, &org, "language.enabled").await,
        on_before + 2
    );

    // Unknown codes.
    for code in ["xx", "pap", "NL", ""] {
        assert!(
            matches!(set(&app, &admin, code, true).await, Err(AppError::NotFound)),
            "{code:?}"
        );
        assert!(
            matches!(
                set(&app, &admin, code, false).await,
                Err(AppError::NotFound)
            ),
            "{code:?}"
        );
    }

    // Staff may only read languages: both switching on and off are refused.
    let staff = actor(&app, STAFF, Role::Access).await;
    assert_eq!(staff.organization_id, org);
    for (code, on) in [("fr", true), ("es", false)] {
        assert!(
            matches!(
                set(&app, &staff, code, on).await,
                Err(AppError::Forbidden { .. })
            ),
            "{code} {on}"
        );
    }
    assert!(enabled(&app, &org).await.contains(&"es".to_string()));
    assert!(!enabled(&app, &org).await.contains(&"fr".to_string()));
    assert_eq!(
        audit_count(&app, &org, "language.enabled").await,
        on_before + 2
    );
    assert_eq!(audit_count(&app, &org, "language.disabled").await, 1);
}
