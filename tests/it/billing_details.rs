//! Settings → Organisation → Billing details (issue 17, item 2).

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::db::schema::{organization_addresses, organizations};
use portaal::domain::billing::BillingDetails;

use crate::support::*;

const PATH: &str = "/settings/organization/billing";

/// The stored details of the organisation with `slug`.
async fn stored(app: &TestApp, slug: &'static str) -> Option<BillingDetails> {
    app.db(move |c| {
        organization_addresses::table
            .inner_join(organizations::table)
            .filter(organizations::slug.eq(slug))
            .select(BillingDetails::as_select())
            .first(c)
            .optional()
            .unwrap()
    })
    .await
}

fn valid(version: &str) -> Vec<(&'static str, String)> {
    vec![
        ("legal_name", "Demo Noord B.V.".into()),
        ("address_line", "Keizersgracht 1".into()),
        ("postal_code", "1015cj".into()),
        ("city", "Amsterdam".into()),
        ("country_code", "NL".into()),
        ("invoice_email", "Facturen@Demo.test".into()),
        ("vat_id", "nl 8123.45678.b01".into()),
        ("kvk_number", "1234 5678".into()),
        ("version", version.into()),
    ]
}

fn with(version: &str, field: &'static str, value: &str) -> Vec<(&'static str, String)> {
    let mut f = valid(version);
    for (k, v) in f.iter_mut() {
        if *k == field {
            *v = value.to_string();
        }
    }
    f
}

fn refs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[actix_web::test]
async fn admin_saves_normalised_details_with_audit() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let org = c.get("/settings/organization").await;
    assert!(org.body.contains(&format!("href=\"{PATH}\"")), "linked");
    let page = c.get(PATH).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"30123456\""), "the demo's KvK");
    assert!(
        page.body.contains("NL123456789B01"),
        "the VAT hint is shown"
    );
    assert!(page.body.contains("<option value=\"NL\" selected>"));
    assert!(
        page.body
            .contains("class=\"nav-link\" href=\"/settings/organization\" aria-current=\"page\""),
        "Organisation is marked in the navigation"
    );
    let before = stored(&app, "demo-bv").await.expect("demo details");
    let res = c
        .post(PATH, &refs(&valid(&before.version.to_string())))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = stored(&app, "demo-bv").await.unwrap();
    assert_eq!(after.postal_code, "1015 CJ");
    assert_eq!(after.vat_id, "NL812345678B01");
    assert_eq!(after.kvk_number, "12345678");
    assert_eq!(after.invoice_email, "facturen@demo.test");
    assert_eq!(after.version, before.version + 1);
    assert!(portaal::domain::billing::complete(&after));
    assert!(
        c.get(PATH)
            .await
            .body
            .contains("Factuurgegevens opgeslagen.")
    );
    let n = app
        .count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'organization.billing_updated' AND before_json LIKE '%30123456%' AND after_json LIKE '%NL812345678B01%' AND after_json LIKE '%1015 CJ%'")
        .await;
    assert_eq!(n, 1);
    let log = c.get("/settings/audit-log").await;
    assert!(log.body.contains("Factuurgegevens gewijzigd"));
}

#[actix_web::test]
async fn each_rule_at_its_field_and_nothing_stored() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let before = stored(&app, "demo-bv").await.unwrap();
    let v = before.version.to_string();
    let long = "x".repeat(201);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("legal_name", "", "Vul dit veld in."),
        ("legal_name", &long, "Maximaal 200 tekens."),
        ("address_line", " ", "Vul dit veld in."),
        ("postal_code", "", "Vul dit veld in."),
        (
            "postal_code",
            "123 AB",
            "vier cijfers en twee letters, zoals 1234 AB",
        ),
        ("city", "", "Vul dit veld in."),
        ("country_code", "", "Vul dit veld in."),
        ("country_code", "XX", "Kies een van de mogelijkheden."),
        ("invoice_email", "", "Vul dit veld in."),
        (
            "invoice_email",
            "geen-adres",
            "Vul een geldig e-mailadres in.",
        ),
        ("vat_id", "NL123456789", "Schrijf het zoals NL123456789B01."),
        (
            "vat_id",
            "DE123456789",
            "moet beginnen met NL, de code van het gekozen land",
        ),
        ("kvk_number", "", "Vul dit veld in."),
        ("kvk_number", "1234567", "als 8 cijfers"),
    ];
    for (field, value, message) in cases {
        let fields = with(&v, field, value);
        let res = c.post(PATH, &refs(&fields)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        assert!(res.body.contains(message), "{field}={value}: {message}");
        assert!(
            res.body.contains(&format!("href=\"#f-{field}\"")),
            "{field}: in the summary"
        );
        assert!(
            res.body.contains(&format!("id=\"f-{field}-error\"")),
            "{field}: at the field"
        );
        let kept = if field == "legal_name" {
            "value=\"Keizersgracht 1\""
        } else {
            "value=\"Demo Noord B.V.\""
        };
        assert!(res.body.contains(kept), "{field}: input kept");
    }
    // A KvK number for an organisation outside the Netherlands, both languages.
    let mut be = with(&v, "country_code", "BE");
    for (k, val) in be.iter_mut() {
        match *k {
            "vat_id" => *val = "BE0123456789".into(),
            "postal_code" => *val = "1000".into(),
            _ => {}
        }
    }
    let res = c.post(PATH, &refs(&be)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("hoort alleen bij een organisatie in Nederland")
    );
    let token = c.csrf().await;
    let mut all = refs(&be);
    all.push(("_csrf", &token));
    let res = c.post_with(PATH, &all, &[("Accept-Language", "en")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("A KvK number belongs only to an organisation in the Netherlands"),
        "{}",
        res.body
    );
    assert_eq!(
        stored(&app, "demo-bv").await.unwrap(),
        before,
        "nothing stored"
    );
}

#[actix_web::test]
async fn staff_get_the_in_app_403() {
    let app = TestApp::demo().await;
    let before = stored(&app, "demo-bv").await.unwrap();
    let mut staff = app.login(STAFF).await;
    let page = staff.get(PATH).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains("href=\"/locations\""),
        "the sidebar stays"
    );
    let res = staff
        .post(PATH, &refs(&valid(&before.version.to_string())))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&app, "demo-bv").await.unwrap(), before);
}

#[actix_web::test]
async fn another_organisation_sees_and_changes_only_its_own() {
    let app = TestApp::demo().await;
    let demo = stored(&app, "demo-bv").await.unwrap();
    let mut other = app.other_admin().await;
    let page = other.get(PATH).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("30123456"), "not Demo BV's");
    assert!(!page.body.contains("value=\"Demo B.V.\""));
    assert!(page.body.contains("name=\"version\" value=\"0\""));
    // Even with Demo BV's version, the save is its own organisation's.
    let res = other.post(PATH, &refs(&valid("0"))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(stored(&app, "demo-bv").await.unwrap(), demo, "untouched");
    let own = stored(&app, "ander-bv").await.expect("its own row");
    assert_eq!(own.legal_name, "Demo Noord B.V.");
    assert_ne!(own.organization_id, demo.organization_id);
    // A second first save is stale: the current values are its own.
    let stale = other.post(PATH, &refs(&valid("0"))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("<dd>Demo Noord B.V.</dd>"));
    assert!(!stale.body.contains("30123456"));
}

#[actix_web::test]
async fn stale_version_answers_409_with_current_values() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let before = stored(&app, "demo-bv").await.unwrap();
    let v = before.version.to_string();
    let ok = c.post(PATH, &refs(&valid(&v))).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let res = c
        .post(PATH, &refs(&with(&v, "legal_name", "Mijn versie B.V.")))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("Iemand anders heeft dit intussen gewijzigd")
    );
    assert!(
        res.body.contains("value=\"Mijn versie B.V.\""),
        "input kept"
    );
    assert!(
        res.body.contains("<dd>Demo Noord B.V.</dd>"),
        "current shown"
    );
    assert!(res.body.contains(&format!(
        "name=\"version\" value=\"{}\"",
        before.version + 1
    )));
    assert_eq!(
        stored(&app, "demo-bv").await.unwrap().legal_name,
        "Demo Noord B.V."
    );
}
