//! The operator's side of billing (issue 17, item 6): the organisations
//! list with plan, status, seats, trial end and MRR; one organisation's
//! subscription with extend trial, change plan and cancel now; the plans
//! (create, edit, archive, default). Operators only: everyone else 404.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::db::schema::{organizations, plans as plans_t, subscriptions};
use portaal::domain::plans;

use crate::support::*;

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

async fn plan_id(app: &TestApp, code: &'static str) -> String {
    app.db(move |c| {
        plans_t::table
            .filter(plans_t::code.eq(code))
            .select(plans_t::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// (plan code, status, seats, seat price, addons) of the organisation's
/// current subscription.
async fn current(app: &TestApp, org: &str) -> (String, String, i32, i64, String) {
    let org = org.to_string();
    app.db(move |c| {
        subscriptions::table
            .inner_join(plans_t::table.on(plans_t::id.eq(subscriptions::plan_id)))
            .filter(subscriptions::organization_id.eq(org))
            .filter(subscriptions::is_current.eq(true))
            .select((
                plans_t::code,
                subscriptions::status,
                subscriptions::seats,
                subscriptions::seat_price,
                subscriptions::addons,
            ))
            .first(c)
            .unwrap()
    })
    .await
}

async fn version_of(app: &TestApp, org: &str) -> i32 {
    let org = org.to_string();
    app.db(move |c| {
        subscriptions::table
            .filter(subscriptions::organization_id.eq(org))
            .filter(subscriptions::is_current.eq(true))
            .select(subscriptions::version)
            .first(c)
            .unwrap()
    })
    .await
}

/// The row of the organisations list for `name` (its cells' HTML).
fn row<'a>(body: &'a str, name: &str) -> &'a str {
    let start = body
        .find(&format!(">{name}</a></td>"))
        .unwrap_or_else(|| panic!("no row for {name}: {body}"));
    let end = body[start..].find("</tr>").unwrap() + start;
    &body[start..end]
}

#[actix_web::test]
async fn operator_routes_answer_404_to_everyone_else() {
    let app = TestApp::demo().await;
    let demo = org_id(&app, "Demo BV").await;
    let plus = plan_id(&app, "plus").await;
    let mut anonymous = app.client();
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let org_page = format!("/platform/organizations/{demo}");
    let plan_page = format!("/platform/plans/{plus}");
    let gets = [
        "/platform".to_string(),
        org_page.clone(),
        "/platform/plans".to_string(),
        "/platform/plans/new".to_string(),
        plan_page.clone(),
    ];
    let posts = [
        format!("{org_page}/extend-trial"),
        format!("{org_page}/change-plan"),
        format!("{org_page}/cancel-now"),
        "/platform/plans".to_string(),
        plan_page.clone(),
        format!("{plan_page}/archive"),
        format!("{plan_page}/unarchive"),
        format!("{plan_page}/default"),
    ];
    for (who, c) in [
        ("anonymous", &mut anonymous),
        ("admin", &mut admin),
        ("staff", &mut staff),
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
                        ("days", "10"),
                        ("plan", &plus),
                        ("code", "x"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} POST {path}");
        }
    }
    // Nothing changed.
    assert_eq!(current(&app, &demo).await.1, "active");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM plans WHERE archived_at IS NOT NULL")
            .await,
        0
    );
}

#[actix_web::test]
async fn the_list_shows_plan_status_seats_trial_end_and_mrr() {
    let app = TestApp::demo().await;
    let mut op = app.login(OPERATOR).await;
    let page = op.get("/platform").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // Demo BV: yearly on plus with 5 seats = 5 × €150 / 12 = €62,50 a month.
    let demo = row(&page.body, "Demo BV");
    assert!(demo.contains("data-label=\"Pakket\">Plus</td>"), "{demo}");
    assert!(demo.contains(">Actief</span>"), "{demo}");
    assert!(demo.contains("data-label=\"Plaatsen\">5</td>"), "{demo}");
    assert!(demo.contains("€ 62,50"), "{demo}");
    // Demo Partner BV: a trial, no revenue, its end shown.
    let partner = row(&page.body, "Demo Partner BV");
    assert!(partner.contains(">Proefperiode</span>"), "{partner}");
    assert!(partner.contains("€ 0,00"), "{partner}");
    let trial_end = portaal::clock::Clock::now(&*app.clock) + chrono::Duration::days(5);
    let day = portaal::i18n::Lang::Nl.date(trial_end.date());
    assert!(partner.contains(&day), "{partner} lacks {day}");
    // The total above the list.
    assert!(
        page.body.contains("<dd id=\"total-mrr\">€ 62,50</dd>"),
        "{}",
        page.body
    );
    // The search and paging stay.
    let found = op.get("/platform?q=partner").await;
    assert!(found.body.contains(">Demo Partner BV</a>"));
    assert!(!found.body.contains(">Demo BV</a>"));
    let first = op.get("/platform?pageSize=1").await;
    assert!(first.body.contains(">Demo BV</a>"));
    assert!(first.body.contains("pageNumber=2"));
}

#[actix_web::test]
async fn extend_trial_confirms_then_extends_and_the_organisation_sees_the_operator() {
    let app = TestApp::demo().await;
    let partner = org_id(&app, "Demo Partner BV").await;
    let mut op = app.login(OPERATOR).await;
    let base = format!("/platform/organizations/{partner}");
    let page = op.get(&base).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Proefperiode verlengen"));

    // Out of range: the field's error, nothing changed.
    for bad in ["0", "366", "abc", ""] {
        let res = op
            .post(&format!("{base}/extend-trial"), &[("days", bad)])
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(res.body.contains("f-days-error"), "{bad}: {}", res.body);
    }
    let before = version_of(&app, &partner).await;
    // First the confirmation, which changes nothing.
    let confirm = op
        .post(&format!("{base}/extend-trial"), &[("days", "10")])
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm
            .body
            .contains("Proefperiode van Demo Partner BV met 10 dagen verlengen?"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("name=\"confirmed\""));
    assert_eq!(version_of(&app, &partner).await, before);
    let done = op
        .post(
            &format!("{base}/extend-trial"),
            &[("days", "10"), ("confirmed", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), base);
    let shown = op.get(&base).await;
    assert!(shown.body.contains("Proefperiode verlengd."), "the flash");
    let trial_end = portaal::clock::Clock::now(&*app.clock) + chrono::Duration::days(15);
    assert!(
        shown
            .body
            .contains(&portaal::i18n::Lang::Nl.date(trial_end.date()))
    );
    let events = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = '{partner}' \
             AND action = 'subscription.trial_extended' AND actor_label = 'Olga Operator'"
        ))
        .await;
    assert_eq!(events, 1);
}

#[actix_web::test]
async fn change_plan_and_cancel_now_show_in_the_organisations_audit_log_as_the_operator() {
    let app = TestApp::demo().await;
    let demo = org_id(&app, "Demo BV").await;
    let basis = plan_id(&app, "basis").await;
    let mut op = app.login(OPERATOR).await;
    let base = format!("/platform/organizations/{demo}");
    let version = version_of(&app, &demo).await.to_string();

    // Not a plan: the field's error.
    let bad = op
        .post(
            &format!("{base}/change-plan"),
            &[("plan", "nope"), ("version", &version)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("f-plan-error"));

    let confirm = op
        .post(
            &format!("{base}/change-plan"),
            &[("plan", &basis), ("version", &version)],
        )
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("van Plus naar Basis"),
        "{}",
        confirm.body
    );
    assert_eq!(
        current(&app, &demo).await.0,
        "plus",
        "not before confirming"
    );
    // A stale version: 409.
    let stale = op
        .post(
            &format!("{base}/change-plan"),
            &[("plan", &basis), ("version", "999"), ("confirmed", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let done = op
        .post(
            &format!("{base}/change-plan"),
            &[("plan", &basis), ("version", &version), ("confirmed", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (code, status, seats, price, _) = current(&app, &demo).await;
    assert_eq!(
        (code.as_str(), status.as_str(), seats, price),
        ("basis", "active", 5, 9000),
        "at once, the yearly seat price of basis, without proration"
    );
    assert_eq!(
        app.count(format!(
            "SELECT COUNT(*) AS n FROM subscription_charges c JOIN subscriptions s \
             ON s.id = c.subscription_id WHERE s.organization_id = '{demo}' AND c.invoice_id IS NULL"
        ))
        .await,
        0,
        "no prorated charge"
    );
    assert!(
        op.get(&base)
            .await
            .body
            .contains("Pakket van de organisatie gewijzigd.")
    );
    // MRR follows: 5 × €90 / 12 = €37,50.
    assert!(op.get("/platform").await.body.contains("€ 37,50"));

    // Cancel now.
    let confirm = op.post(&format!("{base}/cancel-now"), &[]).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm
            .body
            .contains("Het abonnement van Demo BV nu beëindigen?")
    );
    assert_eq!(current(&app, &demo).await.1, "active");
    let done = op
        .post(&format!("{base}/cancel-now"), &[("confirmed", "1")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(current(&app, &demo).await.1, "canceled");
    let page = op.get(&base).await;
    assert!(page.body.contains("Abonnement beëindigd."));
    assert!(
        !page.body.contains("/cancel-now\""),
        "nothing left to cancel"
    );
    // Twice: refused with the reason.
    let again = op
        .post(&format!("{base}/cancel-now"), &[("confirmed", "1")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("role=\"alert\""));
    assert!(
        op.get("/platform")
            .await
            .body
            .contains("<dd id=\"total-mrr\">€ 0,00</dd>")
    );

    // The organisation's audit log names the operator for both.
    let mut admin = app.login(ADMIN).await;
    let log = admin.get("/settings/audit-log").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(
        log.body.contains("Pakket gewijzigd door de operator"),
        "{}",
        log.body
    );
    assert!(log.body.contains("Abonnement direct beëindigd"));
    assert!(log.body.contains("Olga Operator"));
    let by_operator = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = '{demo}' \
             AND actor_label = 'Olga Operator' \
             AND action IN ('subscription.plan_changed', 'subscription.canceled')"
        ))
        .await;
    assert_eq!(by_operator, 2);
}

/// The plan form's fields, filled.
fn plan_form<'a>(code: &'a str, month: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name_nl", "Groot"),
        ("name_en", "Large"),
        ("seat_price_month", month),
        ("seat_price_year", "200"),
        ("include_meetings", "on"),
        ("include_customers", "on"),
        ("addon_api", "on"),
        ("addon_api_month", "25"),
        ("addon_api_year", "250,00"),
        ("version", "0"),
    ]
}

#[actix_web::test]
async fn plans_create_with_every_fields_error_duplicate_code_and_stale_edit() {
    let app = TestApp::demo().await;
    let mut op = app.login(OPERATOR).await;
    let list = op.get("/platform/plans").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("id=\"plan-plus\""));
    assert!(list.body.contains("€ 15,00 per maand"), "{}", list.body);
    assert_eq!(op.get("/platform/plans/new").await.status, StatusCode::OK);

    // Every field wrong at once.
    let bad = op
        .post(
            "/platform/plans",
            &[
                ("code", "Not A Code"),
                ("name_nl", ""),
                ("name_en", "   "),
                ("seat_price_month", "-1"),
                ("seat_price_year", "twelve"),
                ("include_api", "on"),
                ("addon_api", "on"),
                ("addon_api_month", "1"),
                ("addon_api_year", "1"),
                ("addon_webhooks", "on"),
                ("addon_webhooks_month", "1,234"),
                ("addon_webhooks_year", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let errors = error_summary(&bad.body);
    let hrefs: Vec<&str> = errors.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "#f-code",
            "#f-name_nl",
            "#f-name_en",
            "#f-seat_price_month",
            "#f-seat_price_year",
            // The group's message stands at its top, above the prices.
            "#f-addons",
            "#f-addon_webhooks_month",
            "#f-addon_webhooks_year",
        ],
        "{errors:?}"
    );
    let text = |href: &str| {
        errors
            .iter()
            .find(|(h, _)| h == href)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    assert!(text("#f-code").contains("Alleen kleine letters"));
    assert!(text("#f-name_nl").contains("verplicht") || text("#f-name_nl").contains("Vul"));
    assert!(text("#f-seat_price_month").contains("12,50"));
    assert!(text("#f-addons").contains("api"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM plans").await,
        2,
        "nothing stored"
    );

    // Duplicate code.
    let dup = op.post("/platform/plans", &plan_form("plus", "20")).await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_summary(&dup.body)[0].0, "#f-code");
    assert!(dup.body.contains("Een ander pakket heeft deze code al."));

    // Created: prices in cents, modules, the add-on; audited without an
    // organisation, the operator as actor.
    let ok = op
        .post("/platform/plans", &plan_form("groot", "12,50"))
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let groot = app
        .db(|c| plans::by_code(c, "groot").unwrap().unwrap())
        .await;
    assert_eq!(groot.plan.seat_price_month, 1250);
    assert_eq!(groot.plan.seat_price_year, 20000);
    assert_eq!(groot.plan.modules, "meetings customers");
    assert_eq!(groot.addons.len(), 1);
    assert_eq!(
        (groot.addons[0].price_month, groot.addons[0].price_year),
        (2500, 25000)
    );
    assert!(!groot.plan.is_default && !groot.plan.archived());
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'plan.created' \
             AND organization_id IS NULL AND actor_label = 'Olga Operator'"
        )
        .await,
        1
    );
    assert!(
        op.get("/platform/plans")
            .await
            .body
            .contains("Pakket opgeslagen.")
    );

    // Edit: the form says when prices apply; saved with the version.
    let edit_path = format!("/platform/plans/{}", groot.plan.id);
    let form = op.get(&edit_path).await;
    assert!(form.body.contains("vanaf zijn volgende periode"));
    assert!(form.body.contains("value=\"12.50\""), "{}", form.body);
    let v = groot.plan.version.to_string();
    let mut fields = plan_form("groot", "13");
    fields.retain(|(k, _)| *k != "version");
    fields.push(("version", &v));
    let saved = op.post(&edit_path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // The same version again: stale, 409, input kept, nothing changed.
    let mut fields = plan_form("groot", "14");
    fields.retain(|(k, _)| *k != "version");
    fields.push(("version", &v));
    let stale = op.post(&edit_path, &fields).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("value=\"14\""), "the input is kept");
    let now = app
        .db(|c| plans::by_code(c, "groot").unwrap().unwrap())
        .await;
    assert_eq!(now.plan.seat_price_month, 1300);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'plan.updated'")
            .await,
        1
    );
}

#[actix_web::test]
async fn archive_keeps_subscriptions_but_offers_the_plan_no_more_and_the_default_stays() {
    let app = TestApp::demo().await;
    let demo = org_id(&app, "Demo BV").await;
    let plus = plan_id(&app, "plus").await;
    let basis = plan_id(&app, "basis").await;
    let mut op = app.login(OPERATOR).await;

    // The default plan (plus) cannot be archived.
    let refused = op
        .post(
            &format!("/platform/plans/{plus}/archive"),
            &[("confirmed", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Het standaardpakket kan niet worden gearchiveerd"),
        "{}",
        refused.body
    );
    // Make basis the default, then plus can go: confirmation first.
    let confirm = op
        .post(&format!("/platform/plans/{basis}/default"), &[])
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("standaard maken?"));
    let done = op
        .post(
            &format!("/platform/plans/{basis}/default"),
            &[("confirmed", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let default = app.db(|c| plans::default_plan(c).unwrap().unwrap()).await;
    assert_eq!(default.plan.code, "basis");

    let confirm = op
        .post(&format!("/platform/plans/{plus}/archive"), &[])
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Bestaande abonnementen houden het"));
    let done = op
        .post(
            &format!("/platform/plans/{plus}/archive"),
            &[("confirmed", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let offered = app.db(|c| plans::list(c, false).unwrap()).await;
    assert_eq!(
        offered
            .iter()
            .map(|p| p.plan.code.as_str())
            .collect::<Vec<_>>(),
        ["basis"],
        "not offered any more"
    );
    let (code, status, ..) = current(&app, &demo).await;
    assert_eq!((code.as_str(), status.as_str()), ("plus", "active"), "kept");
    let list = op.get("/platform/plans").await;
    assert!(list.body.contains("Pakket gearchiveerd."));
    assert!(list.body.contains("Gearchiveerd"));
    // The organisation cannot be moved to an archived plan.
    let partner = org_id(&app, "Demo Partner BV").await;
    let v = version_of(&app, &partner).await.to_string();
    let res = op
        .post(
            &format!("/platform/organizations/{partner}/change-plan"),
            &[("plan", &plus), ("version", &v), ("confirmed", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Offered again.
    let back = op
        .post(
            &format!("/platform/plans/{plus}/unarchive"),
            &[("confirmed", "1")],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(app.db(|c| plans::list(c, false).unwrap()).await.len(), 2);
    for action in ["plan.made_default", "plan.archived", "plan.unarchived"] {
        assert_eq!(
            app.count(format!(
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}' \
                 AND organization_id IS NULL AND actor_label = 'Olga Operator'"
            ))
            .await,
            1,
            "{action}"
        );
    }
}

/// Organisations keep their subscription screen per data version; an
/// operator's change of the plans raises every organisation's, so a new
/// plan is on offer at once, also on a screen seen (and kept) before.
#[actix_web::test]
async fn a_plan_change_shows_at_once_on_every_organisations_kept_screen() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let before = admin.get("/settings/subscription").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.body.contains("id=\"plan-groot\""));
    // Seen again: now kept.
    assert!(
        !admin
            .get("/settings/subscription")
            .await
            .body
            .contains("plan-groot")
    );
    let mut op = app.login(OPERATOR).await;
    let made = op
        .post("/platform/plans", &plan_form("groot", "12,50"))
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let after = admin.get("/settings/subscription").await;
    assert!(after.body.contains("id=\"plan-groot\""), "{}", after.body);
    assert!(after.body.contains("Groot"));
}
