//! The coupon screens (issue 17, items 5–7): the operator's list, create
//! (with each field's bad input), archive and redemptions under
//! `/platform/coupons`; the coupon field of Settings → Subscription —
//! apply (case-insensitive), replace after a question, clear, each refusal
//! with its message and nothing changed, staff read-only.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::db::schema::{coupons as coupon_table, organizations};
use portaal::domain::actor::AuditActor;
use portaal::domain::coupons::{self, CouponInput};
use portaal::error::ErrorCode;
use portaal::i18n::Lang;

use crate::support::*;

/// Form fields to post.
type Fields<'a> = Vec<(&'a str, &'a str)>;

const PATH: &str = "/settings/subscription";
const LIST: &str = "/platform/coupons";

/// A message as the page writes it (HTML-escaped).
pub fn nl(code: ErrorCode) -> String {
    code.message(Lang::Nl.t())
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Redemption rows, applied ones, and the coupons' redemption counts.
async fn counts(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) AS n FROM coupon_redemptions")
            .await,
        app.count("SELECT COUNT(*) AS n FROM coupon_redemptions WHERE removed_at IS NULL")
            .await,
        app.count("SELECT CAST(COALESCE(SUM(redemptions), 0) AS BIGINT) AS n FROM coupons")
            .await,
    )
}

async fn coupon_id(app: &TestApp, code: &'static str) -> String {
    app.db(move |c| {
        coupon_table::table
            .filter(coupon_table::code.eq(code))
            .select(coupon_table::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

async fn make(app: &TestApp, code: &str, max: &str) {
    let now = {
        use portaal::clock::Clock;
        app.clock.now()
    };
    let input = CouponInput {
        code: code.into(),
        kind: "percent".into(),
        value: "10".into(),
        duration: "forever".into(),
        max_redemptions: max.into(),
        ..CouponInput::default()
    };
    app.db(move |c| coupons::create(c, now, &AuditActor::system("test"), &input).unwrap())
        .await;
}

/// The text of the coupon field's error.
fn coupon_error(body: &str) -> &str {
    let at = body
        .find("id=\"f-coupon-error\">")
        .unwrap_or_else(|| panic!("an error at the coupon field: {body}"))
        + "id=\"f-coupon-error\">".len();
    &body[at..at + body[at..].find("</p>").unwrap()]
}

#[actix_web::test]
async fn admin_applies_a_code_in_any_case_replacing_asks_first_and_clear_works() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let page = c.get(PATH).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<dd id=\"sub-coupon\">WELKOM20: 20% korting, 3 maanden (toegepast op"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("action=\"/settings/subscription/coupon\"")
    );
    assert!(
        page.body
            .contains("href=\"/settings/subscription/coupon/clear\"")
    );
    let before = counts(&app).await;
    let audit_sql = "SELECT COUNT(*) AS n FROM audit_events WHERE action IN \
                     ('subscription.coupon_applied', 'subscription.coupon_cleared')";
    let audited = app.count(audit_sql).await;

    // A second coupon: the question first, nothing changed.
    let ask = c
        .post(
            "/settings/subscription/coupon",
            &[("coupon", " JaarKorting ")],
        )
        .await;
    assert_eq!(ask.status, StatusCode::OK, "{}", ask.body);
    assert!(
        ask.body.contains(
            "JAARKORTING vervangt kortingscode WELKOM20 die nu is toegepast. JAARKORTING toepassen in plaats daarvan?"
        ),
        "{}",
        ask.body
    );
    assert!(ask.body.contains("name=\"replace\" value=\"1\""));
    assert!(ask.body.contains("name=\"coupon\" value=\"JAARKORTING\""));
    assert_eq!(counts(&app).await, before, "asking changes nothing");

    let done = c
        .post(
            "/settings/subscription/coupon",
            &[("coupon", "JAARKORTING"), ("replace", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), PATH);
    let page = c.get(PATH).await;
    let b = &page.body;
    assert!(b.contains("De kortingscode is toegepast."), "the flash");
    assert!(b.contains("JAARKORTING: € 50,00 korting, eenmalig"), "{b}");
    // Demo BV: 5 seats × € 150,00 a year, less € 50,00 once.
    assert!(b.contains("Korting JAARKORTING"), "the discount line: {b}");
    assert!(b.contains("-€ 50,00"));
    assert!(b.contains(": € 700,00"), "the next invoice's total: {b}");
    assert_eq!(
        counts(&app).await,
        (before.0 + 1, before.1, before.2 + 1),
        "one more redemption; the old one ended"
    );

    // The change preview shows the discount too.
    let sub_version = app
        .count(
            "SELECT CAST(s.version AS BIGINT) AS n FROM subscriptions s JOIN organizations o \
             ON o.id = s.organization_id WHERE o.name = 'Demo BV' AND s.is_current = TRUE",
        )
        .await
        .to_string();
    let pv = c
        .post(
            "/settings/subscription/preview",
            &[
                ("plan", "plus"),
                ("interval", "year"),
                ("seats", "7"),
                ("version", &sub_version),
            ],
        )
        .await;
    assert_eq!(pv.status, StatusCode::OK, "{}", pv.body);
    assert!(pv.body.contains("Korting JAARKORTING"), "{}", pv.body);
    assert!(pv.body.contains("-€ 50,00"));

    // Clear: asked first, then gone, said so.
    let q = c.get("/settings/subscription/coupon/clear").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(
        q.body
            .contains("Kortingscode JAARKORTING van het abonnement verwijderen?")
    );
    let cleared = c.post("/settings/subscription/coupon/clear", &[]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    let page = c.get(PATH).await;
    assert!(page.body.contains("De kortingscode is verwijderd."));
    assert!(page.body.contains("<dd id=\"sub-coupon\">Geen</dd>"));
    assert!(!page.body.contains("Korting JAARKORTING"));
    assert!(
        !page
            .body
            .contains("href=\"/settings/subscription/coupon/clear\"")
    );
    assert_eq!(counts(&app).await.1, before.1 - 1, "nothing applied now");
    // Nothing to clear: the question is skipped, a post says so.
    let q = c.get("/settings/subscription/coupon/clear").await;
    assert_eq!(q.status, StatusCode::SEE_OTHER);
    let again = c.post("/settings/subscription/coupon/clear", &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(coupon_error(&again.body), nl(ErrorCode::NoCoupon));

    // Applied on a clean subscription: no question; in English.
    c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    let done = c
        .post("/settings/subscription/coupon", &[("coupon", "welkom20")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = c.get(PATH).await;
    assert!(
        page.body
            .contains("WELKOM20: 20% off, for 3 months (applied on"),
        "{}",
        page.body
    );
    assert_eq!(
        app.count(audit_sql).await,
        audited + 3,
        "two applied, one cleared"
    );
}

#[actix_web::test]
async fn each_refusal_shows_its_message_at_the_field_and_changes_nothing() {
    let app = TestApp::demo().await;
    make(&app, "verlopen", "").await;
    make(&app, "op", "1").await;
    make(&app, "oud", "").await;
    let now = {
        use portaal::clock::Clock;
        app.clock.now()
    };
    app.db(move |c| {
        let past = now - chrono::Duration::days(1);
        diesel::update(coupon_table::table.filter(coupon_table::code.eq("verlopen")))
            .set(coupon_table::redeem_by.eq(Some(past)))
            .execute(c)
            .unwrap();
        diesel::update(coupon_table::table.filter(coupon_table::code.eq("op")))
            .set(coupon_table::redemptions.eq(1))
            .execute(c)
            .unwrap();
    })
    .await;
    let oud = coupon_id(&app, "oud").await;
    app.db(move |c| coupons::archive(c, now, &AuditActor::system("test"), &oud).unwrap())
        .await;
    let mut c = app.login(ADMIN).await;
    let before = counts(&app).await;
    let long = "x".repeat(200);
    let cases: [(&str, ErrorCode); 9] = [
        ("bestaatniet", ErrorCode::CouponUnknown),
        ("VERLOPEN", ErrorCode::CouponExpired),
        ("Op", ErrorCode::CouponUsedUp),
        ("oud", ErrorCode::CouponArchived),
        ("partner10", ErrorCode::CouponNotForPlan),
        ("wel kom", ErrorCode::CouponCodeFormat),
        (&long, ErrorCode::TooLong(coupons::MAX_CODE)),
        ("", ErrorCode::Required),
        ("welkom20", ErrorCode::CouponAlreadyApplied),
    ];
    for (code, expected) in cases {
        let res = c
            .post("/settings/subscription/coupon", &[("coupon", code)])
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert_eq!(coupon_error(&res.body), nl(expected.clone()), "{code}");
        assert!(
            error_summary(&res.body)
                .iter()
                .any(|(href, _)| href == "#f-coupon"),
            "{code}: in the summary"
        );
        assert!(
            res.body.contains(&format!("value=\"{code}\"")),
            "{code}: the input is kept"
        );
        assert!(res.body.contains("aria-invalid=\"true\""));
        assert_eq!(counts(&app).await, before, "{code}: nothing changed");
    }
    // With `replace` set, a refusal is still a refusal.
    let res = c
        .post(
            "/settings/subscription/coupon",
            &[("coupon", "partner10"), ("replace", "1")],
        )
        .await;
    assert_eq!(coupon_error(&res.body), nl(ErrorCode::CouponNotForPlan));
    assert_eq!(counts(&app).await, before);
    // English.
    c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    let res = c
        .post("/settings/subscription/coupon", &[("coupon", "nope")])
        .await;
    assert_eq!(
        coupon_error(&res.body),
        ErrorCode::CouponUnknown
            .message(Lang::En.t())
            .replace('\'', "&#39;")
    );
}

#[actix_web::test]
async fn staff_see_the_coupon_read_only_and_cannot_post() {
    let app = TestApp::demo().await;
    let mut c = app.login(STAFF).await;
    let page = c.get(PATH).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<dd id=\"sub-coupon\">WELKOM20: 20% korting")
    );
    assert!(
        !page
            .body
            .contains("action=\"/settings/subscription/coupon\"")
    );
    assert!(!page.body.contains("/settings/subscription/coupon/clear"));
    let before = counts(&app).await;
    for (path, fields) in [
        (
            "/settings/subscription/coupon",
            vec![("coupon", "jaarkorting"), ("replace", "1")],
        ),
        ("/settings/subscription/coupon/clear", vec![]),
    ] {
        let res = c.post(path, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
    }
    let q = c.get("/settings/subscription/coupon/clear").await;
    assert_eq!(q.status, StatusCode::FORBIDDEN);
    assert_eq!(counts(&app).await, before);
}

#[actix_web::test]
async fn operator_lists_creates_archives_and_sees_redemptions() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let list = c.get(LIST).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let b = &list.body;
    assert!(
        b.contains("href=\"/platform/coupons\" aria-current=\"page\">Kortingscodes</a>"),
        "{b}"
    );
    for code in ["WELKOM20", "JAARKORTING", "PARTNER10"] {
        assert!(b.contains(&format!("id=\"coupon-{code}\"")), "{code}");
    }
    assert!(b.contains("20% korting"));
    assert!(b.contains("€ 50,00 korting"));
    assert!(b.contains(">3 maanden<"));
    assert!(b.contains(">eenmalig<"));
    assert!(b.contains(">altijd<"));
    assert!(
        b.contains(">0 / 100<"),
        "JAARKORTING: none used of 100: {b}"
    );
    assert!(b.contains("1 / onbeperkt"), "WELKOM20 applied once");
    assert!(b.contains(">Alle pakketten<"));
    assert!(b.contains(">basis<"));

    let form = c.get("/platform/coupons/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"kind\" value=\"percent\""));
    assert!(form.body.contains("name=\"plan\" value=\"plus\""));
    let audits = "SELECT COUNT(*) AS n FROM audit_events WHERE action LIKE 'coupon.%'";
    let audited = app.count(audits).await;
    let redeem_by = local_day(&app, 30).format("%Y-%m-%d").to_string();
    let saved = c
        .post(
            LIST,
            &[
                ("code", "Zomer-25"),
                ("kind", "percent"),
                ("value", "25"),
                ("duration", "repeating"),
                ("duration_months", "3"),
                ("max_redemptions", "10"),
                ("redeem_by", &redeem_by),
                ("plan", "plus"),
                ("plan", "basis"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), LIST);
    let list = c.get(LIST).await;
    let b = &list.body;
    assert!(b.contains("De kortingscode is aangemaakt."));
    assert!(b.contains("id=\"coupon-ZOMER-25\""), "{b}");
    assert!(b.contains("25% korting"));
    assert!(b.contains(">0 / 10<"));
    assert!(b.contains(">basis, plus<"));
    let day = chrono::NaiveDate::parse_from_str(&redeem_by, "%Y-%m-%d").unwrap();
    assert!(b.contains(&Lang::Nl.long_date(day)), "the redeem-by date");
    assert_eq!(app.count(audits).await, audited + 1, "audited");

    // An amount, forever, for every plan.
    let saved = c
        .post(
            LIST,
            &[
                ("code", "vast"),
                ("kind", "amount"),
                ("value", "12,50"),
                ("duration", "forever"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(c.get(LIST).await.body.contains("€ 12,50 korting"));

    // Archive: asked first.
    let id = coupon_id(&app, "zomer-25").await;
    let ask = c.post(&format!("{LIST}/{id}/archive"), &[]).await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(
        ask.body.contains("Kortingscode ZOMER-25 archiveren?"),
        "{}",
        ask.body
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM coupons WHERE archived_at IS NOT NULL")
            .await,
        0
    );
    let done = c
        .post(&format!("{LIST}/{id}/archive"), &[("confirmed", "1")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let list = c.get(LIST).await;
    assert!(list.body.contains("De kortingscode is gearchiveerd."));
    let row = list.body.split("id=\"coupon-ZOMER-25\"").nth(1).unwrap();
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("badge-muted"), "the archived badge: {row}");
    assert!(!row.contains("/archive"), "no archive button any more");
    assert_eq!(app.count(audits).await, audited + 3);
    // Archiving twice: not found.
    let again = c
        .post(&format!("{LIST}/{id}/archive"), &[("confirmed", "1")])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // Redemptions: Demo BV applied WELKOM20.
    let welkom = coupon_id(&app, "welkom20").await;
    let demo: String = app
        .db(|c| {
            organizations::table
                .filter(organizations::name.eq("Demo BV"))
                .select(organizations::id)
                .first(c)
                .unwrap()
        })
        .await;
    let page = c.get(&format!("{LIST}/{welkom}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Gebruik van WELKOM20"));
    assert!(
        page.body.contains(&format!(
            "<a href=\"/platform/organizations/{demo}\">Demo BV</a>"
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("Nog toegepast"));
    let page = c.get(&format!("{LIST}/{id}")).await;
    assert!(page.body.contains("nog door niemand gebruikt"));
    assert_eq!(
        c.get(&format!("{LIST}/nope")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn each_bad_field_of_the_coupon_form_is_named_and_nothing_is_made() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let made = "SELECT COUNT(*) AS n FROM coupons";
    let before = app.count(made).await;
    let yesterday = local_day(&app, -2).format("%Y-%m-%d").to_string();
    let long = "x".repeat(200);
    let good: [(&str, &str); 5] = [
        ("code", "goed"),
        ("kind", "percent"),
        ("value", "10"),
        ("duration", "once"),
        ("max_redemptions", ""),
    ];
    let cases: Vec<(Fields, &str, ErrorCode)> = vec![
        (vec![("code", "")], "#f-code", ErrorCode::Required),
        (
            vec![("code", "met spatie")],
            "#f-code",
            ErrorCode::CouponCodeFormat,
        ),
        (
            vec![("code", &long)],
            "#f-code",
            ErrorCode::TooLong(coupons::MAX_CODE),
        ),
        (vec![("code", "Welkom20")], "#f-code", ErrorCode::Taken),
        (vec![("kind", "")], "#f-kind", ErrorCode::InvalidChoice),
        (vec![("value", "0")], "#f-value", ErrorCode::PercentRange),
        (vec![("value", "101")], "#f-value", ErrorCode::PercentRange),
        (vec![("value", "tien")], "#f-value", ErrorCode::PercentRange),
        (
            vec![("kind", "amount"), ("value", "-5")],
            "#f-value",
            ErrorCode::AmountPositive,
        ),
        (
            vec![("kind", "amount"), ("value", "0,00")],
            "#f-value",
            ErrorCode::AmountPositive,
        ),
        (
            vec![("duration", "")],
            "#f-duration",
            ErrorCode::InvalidChoice,
        ),
        (
            vec![("duration", "repeating"), ("duration_months", "0")],
            "#f-duration_months",
            ErrorCode::MonthsRange(36),
        ),
        (
            vec![("duration", "repeating"), ("duration_months", "37")],
            "#f-duration_months",
            ErrorCode::MonthsRange(36),
        ),
        (
            vec![("max_redemptions", "0")],
            "#f-max_redemptions",
            ErrorCode::AtLeastOne,
        ),
        (
            vec![("redeem_by", &yesterday)],
            "#f-redeem_by",
            ErrorCode::DateInPast,
        ),
        (
            vec![("redeem_by", "morgen")],
            "#f-redeem_by",
            ErrorCode::InvalidDate,
        ),
        (
            vec![("plan", "bestaatniet")],
            "#f-plans",
            ErrorCode::InvalidChoice,
        ),
    ];
    for (change, href, code) in cases {
        let mut fields: Vec<(&str, &str)> = good
            .iter()
            .filter(|(k, _)| !change.iter().any(|(c, _)| c == k))
            .copied()
            .collect();
        fields.extend(change.iter().copied());
        let res = c.post(LIST, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{change:?}");
        let summary = error_summary(&res.body);
        let message = nl(code.clone());
        assert!(
            summary
                .iter()
                .any(|(h, text)| h == href && text.ends_with(&message)),
            "{change:?}: {summary:?}"
        );
        assert!(res.body.contains(&message), "{change:?}: at the field");
        assert_eq!(app.count(made).await, before, "{change:?}: nothing made");
    }
    // Every error at once: in the order of the form.
    let res = c
        .post(
            LIST,
            &[
                ("code", ""),
                ("kind", "x"),
                ("duration", "x"),
                ("plan", "zz"),
            ],
        )
        .await;
    let hrefs: Vec<String> = error_summary(&res.body)
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(hrefs, ["#f-code", "#f-kind", "#f-duration", "#f-plans"]);
}

#[actix_web::test]
async fn only_operators_reach_the_coupon_screens() {
    let app = TestApp::demo().await;
    let id = coupon_id(&app, "welkom20").await;
    let mut anonymous = app.client();
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let mut other = app.other_admin().await;
    let gets = [
        LIST.to_string(),
        format!("{LIST}/new"),
        format!("{LIST}/{id}"),
    ];
    let posts = [LIST.to_string(), format!("{LIST}/{id}/archive")];
    let before = app
        .count("SELECT COUNT(*) AS n FROM coupons WHERE archived_at IS NULL")
        .await;
    for (who, c) in [
        ("anonymous", &mut anonymous),
        ("admin", &mut admin),
        ("staff", &mut staff),
        ("other admin", &mut other),
    ] {
        for path in &gets {
            let res = c.get(path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} GET {path}");
            assert!(res.header("location").is_none(), "{who}: no redirect");
        }
        for path in &posts {
            let res = c
                .post(
                    path,
                    &[
                        ("confirmed", "1"),
                        ("code", "inbraak"),
                        ("kind", "percent"),
                        ("value", "100"),
                        ("duration", "forever"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} POST {path}");
        }
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM coupons WHERE archived_at IS NULL")
            .await,
        before
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM coupons WHERE code = 'inbraak'")
            .await,
        0
    );
}
