//! Settings → Subscription (issue 17, items 4 and 7): the screen in both
//! languages, staff read-only, start (billing details first), change with a
//! preview, scheduled decreases and their withdrawal, cancel and undo, a
//! stale confirmation, the banner after the trial, and seats against
//! invitations.

use awc::http::StatusCode;
use chrono::Duration;
use diesel::prelude::*;
use portaal::db::schema::{organizations, subscriptions as subs};
use portaal::domain::local_time::utc_to_local;
use portaal::domain::proration::prorate;
use portaal::domain::subscriptions::{self, Subscription};
use portaal::i18n::Lang;

use crate::support::*;

const PATH: &str = "/settings/subscription";

/// The current subscription of the organisation with `slug`.
async fn current(app: &TestApp, slug: &'static str) -> Subscription {
    app.db(move |c| {
        let org: String = organizations::table
            .filter(organizations::slug.eq(slug))
            .select(organizations::id)
            .first(c)
            .unwrap();
        subscriptions::current_of(c, &org).unwrap().unwrap()
    })
    .await
}

/// A day of the demo organisation's zone written out.
fn long_date(lang: Lang, at: chrono::NaiveDateTime) -> String {
    lang.long_date(utc_to_local(chrono_tz::Europe::Amsterdam, at).date())
}

fn order<'a>(seats: &'a str, version: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("plan", "plus"),
        ("interval", "year"),
        ("seats", seats),
        ("version", version),
    ]
}

#[actix_web::test]
async fn admin_sees_plan_status_period_seats_and_next_invoice_in_both_languages() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let home = c.get("/").await;
    assert!(
        home.body.contains("href=\"/settings/subscription\""),
        "in the settings navigation"
    );
    let page = c.get(PATH).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let sub = current(&app, "demo-bv").await;
    let end = sub.current_period_end.unwrap();
    let b = &page.body;
    assert!(
        b.contains("aria-current=\"page\">Abonnement</a>"),
        "marked in the nav"
    );
    assert!(b.contains(">Plus</h2>"));
    assert!(b.contains(">Actief</span>"));
    assert!(b.contains("2 van 5 in gebruik"));
    assert!(b.contains("Afspraken, Klanten, API, Webhooks"), "{b}");
    assert!(b.contains(&long_date(Lang::Nl, end)), "the period end");
    // 5 seats × € 150,00 a year.
    assert!(
        b.contains(&format!("Op {}: € 750,00", long_date(Lang::Nl, end))),
        "the next invoice: {b}"
    );
    assert!(b.contains("5 × plaats Plus"));
    assert!(
        b.contains("action=\"/settings/subscription/preview\""),
        "the change form"
    );
    assert!(b.contains("href=\"/settings/subscription/cancel\""));
    assert!(b.contains("€ 15,00 per plaats per maand · € 150,00 per plaats per jaar"));
    c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    let b = c.get(PATH).await.body;
    assert!(b.contains(">Active</span>"));
    assert!(b.contains("2 of 5 in use"));
    assert!(
        b.contains(&format!("On {}: €750.00", long_date(Lang::En, end))),
        "{b}"
    );
    assert!(b.contains("5 × seat Plus"));
    assert!(b.contains("€15.00 per seat per month · €150.00 per seat per year"));
}

#[actix_web::test]
async fn staff_see_the_subscription_read_only() {
    let app = TestApp::demo().await;
    let mut c = app.login(STAFF).await;
    let home = c.get("/").await;
    assert!(home.body.contains("href=\"/settings/subscription\""));
    assert!(
        home.body.contains("id=\"subscription-card\""),
        "the dashboard card"
    );
    let page = c.get(PATH).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(">Actief</span>"));
    assert!(
        page.body
            .contains("Alleen beheerders kunnen het abonnement wijzigen.")
    );
    assert!(!page.body.contains("<form class=\"form\""), "no order form");
    assert!(!page.body.contains("/settings/subscription/cancel"));
    let before = current(&app, "demo-bv").await;
    for path in [
        "/settings/subscription/start",
        "/settings/subscription/preview",
        "/settings/subscription/change",
        "/settings/subscription/cancel",
        "/settings/subscription/undo-cancel",
        "/settings/subscription/withdraw",
    ] {
        let res = c.post(path, &order("7", &before.version.to_string())).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        c.get("/settings/subscription/cancel").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(current(&app, "demo-bv").await, before, "nothing changed");
}

#[actix_web::test]
async fn start_needs_billing_details_then_runs() {
    let app = TestApp::demo().await;
    let mut c = app.other_admin().await;
    let page = c.get(PATH).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Proefperiode — nog 30 dagen")
            || page.body.contains("Proefperiode — nog 31 dagen"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("action=\"/settings/subscription/start\"")
    );
    assert!(
        page.body
            .contains("href=\"/settings/organization/billing\"")
    );
    assert!(page.body.contains("value=\"1\""), "seats: the one member");
    let before = current(&app, "ander-bv").await;
    let start = [
        ("plan", "basis"),
        ("interval", "month"),
        ("seats", "1"),
        ("addon", "api"),
    ];
    let res = c.post("/settings/subscription/start", &start).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains("Vul eerst de factuurgegevens in"),
        "{}",
        res.body
    );
    assert!(
        res.body.contains("href=\"#f-organizationAddress\""),
        "in the summary"
    );
    assert!(
        res.body
            .contains("id=\"addon-api\" aria-describedby=\"addon-api-hint\" checked"),
        "input kept"
    );
    assert_eq!(current(&app, "ander-bv").await, before, "nothing changed");
    let billing = [
        ("legal_name", "Ander B.V."),
        ("address_line", "Dorpsstraat 2"),
        ("postal_code", "1234 AB"),
        ("city", "Ergens"),
        ("country_code", "NL"),
        ("invoice_email", "facturen@ander.test"),
        ("vat_id", ""),
        ("kvk_number", "12345678"),
        ("version", "0"),
    ];
    let res = c.post("/settings/organization/billing", &billing).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Zero seats: next to the field, and nothing changed.
    let res = c
        .post(
            "/settings/subscription/start",
            &[("plan", "basis"), ("interval", "month"), ("seats", "0")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"f-seats-error\""), "{}", res.body);
    assert!(res.body.contains("Kies minstens 1 plaats"), "{}", res.body);
    assert_eq!(current(&app, "ander-bv").await, before);
    let res = c.post("/settings/subscription/start", &start).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(PATH).await;
    assert!(page.body.contains("Het abonnement is gestart."));
    assert!(page.body.contains(">Actief</span>"));
    assert!(page.body.contains(">Basis</h2>"));
    assert!(page.body.contains("Afspraken, Klanten, API"));
    let after = current(&app, "ander-bv").await;
    assert_eq!(after.status, "active");
    assert_eq!(after.seats, 1);
    // € 9,00 a seat and € 25,00 for the API, monthly.
    assert!(page.body.contains("€ 34,00"), "{}", page.body);
}

#[actix_web::test]
async fn two_more_seats_are_previewed_then_confirmed() {
    let app = TestApp::demo().await;
    app.clock.advance(Duration::days(30));
    let mut c = app.login(ADMIN).await;
    let sub = current(&app, "demo-bv").await;
    let v = sub.version.to_string();
    let res = c
        .post("/settings/subscription/preview", &order("7", &v))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let now = portaal::clock::Clock::now(&*app.clock);
    let (start, end) = (
        sub.current_period_start.unwrap(),
        sub.current_period_end.unwrap(),
    );
    let charge = prorate(2 * 15_000, start, end, now);
    assert!(charge > 0 && charge < 30_000);
    // Demo BV pays yearly: the seats are invoiced at once, less the 20 %
    // of WELKOM20 (applied a month ago, for three months); the next
    // invoice, a year on, is the next period alone.
    let discount = (charge * 20 + 50) / 100;
    let b = &res.body;
    let (now_part, next_part) = b.split_at(b.find("id=\"pv-next\"").expect("the next invoice"));
    assert!(
        now_part.contains("Wordt nu gefactureerd (naar rato)"),
        "{b}"
    );
    assert!(
        now_part.contains("2 extra plaatsen Plus (naar rato)"),
        "{b}"
    );
    assert!(
        now_part.contains(&Lang::Nl.money(charge)),
        "the prorated amount: {b}"
    );
    assert!(now_part.contains("Korting WELKOM20"), "{b}");
    assert!(
        now_part.contains(&format!(
            "Wordt nu gefactureerd: {} (excl. btw)",
            Lang::Nl.money(charge - discount)
        )),
        "{b}"
    );
    assert!(next_part.contains("7 × plaats Plus"), "the next period");
    assert!(
        !next_part.contains("extra plaatsen"),
        "not on the next invoice: {next_part}"
    );
    assert!(
        next_part.contains(&Lang::Nl.money(7 * 15_000)),
        "the next invoice's total"
    );
    assert!(b.contains("action=\"/settings/subscription/change\""));
    assert!(
        b.contains("href=\"/settings/subscription?plan=plus&#38;interval=year&#38;seats=7#order\""),
        "Back: {b}"
    );
    assert_eq!(
        current(&app, "demo-bv").await,
        sub,
        "a preview changes nothing"
    );
    let res = c
        .post("/settings/subscription/change", &order("7", &v))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = current(&app, "demo-bv").await;
    assert_eq!(after.seats, 7);
    let page = c.get(PATH).await.body;
    assert!(page.contains("Het abonnement is gewijzigd."));
    assert!(page.contains("2 van 7 in gebruik"));
    assert!(
        page.contains(&Lang::Nl.money(7 * 15_000)),
        "next invoice: {page}"
    );
    assert!(
        !page.contains("extra plaatsen"),
        "the seats were invoiced: {page}"
    );
    // The same order again changes nothing.
    let res = c
        .post(
            "/settings/subscription/preview",
            &order("7", &after.version.to_string()),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        c.get(PATH)
            .await
            .body
            .contains("Deze wijziging verandert niets")
    );
    // A confirmation with the version from before: 409, nothing changed.
    let res = c
        .post("/settings/subscription/change", &order("9", &v))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(current(&app, "demo-bv").await.seats, 7);
}

#[actix_web::test]
async fn a_decrease_is_scheduled_and_can_be_withdrawn() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let sub = current(&app, "demo-bv").await;
    let v = sub.version.to_string();
    let end = sub.current_period_end.unwrap();
    // Below the members: refused next to the field, nothing changed.
    let res = c
        .post("/settings/subscription/preview", &order("1", &v))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"f-seats-error\""));
    assert!(res.body.contains("2 actieve leden"), "{}", res.body);
    assert!(res.body.contains("href=\"#f-seats\""), "in the summary");
    let res = c
        .post("/settings/subscription/preview", &order("4", &v))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.body
            .contains(&format!("Gaat in op {}", long_date(Lang::Nl, end))),
        "{}",
        res.body
    );
    assert!(res.body.contains("Niets: er gaat nu niets omhoog."));
    let res = c
        .post("/settings/subscription/change", &order("4", &v))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = current(&app, "demo-bv").await;
    assert_eq!((after.seats, after.scheduled_seats), (5, Some(4)));
    let page = c.get(PATH).await.body;
    assert!(page.contains("id=\"sub-scheduled\""), "{page}");
    assert!(page.contains(&format!("Vanaf {}", long_date(Lang::Nl, end))));
    assert!(page.contains("€ 600,00"), "the next invoice: 4 seats");
    assert!(page.contains("action=\"/settings/subscription/withdraw\""));
    let res = c.post("/settings/subscription/withdraw", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let back = current(&app, "demo-bv").await;
    assert_eq!(back.scheduled_seats, None);
    let page = c.get(PATH).await.body;
    assert!(page.contains("De geplande wijziging is ingetrokken."));
    assert!(page.contains("€ 750,00"));
    // Nothing left to withdraw.
    let res = c.post("/settings/subscription/withdraw", &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn cancel_runs_to_the_period_end_and_can_be_undone() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let sub = current(&app, "demo-bv").await;
    let end = long_date(Lang::Nl, sub.current_period_end.unwrap());
    let ask = c.get("/settings/subscription/cancel").await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(
        ask.body
            .contains(&format!("einde van de huidige periode, op {end}")),
        "{}",
        ask.body
    );
    let res = c.post("/settings/subscription/cancel", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = c.get(PATH).await.body;
    assert!(page.contains(&format!("Loopt af op {end}")), "{page}");
    assert!(!page.contains("Beëindigd"), "never ended while it runs");
    assert!(page.contains("action=\"/settings/subscription/undo-cancel\""));
    assert!(
        !page.contains("action=\"/settings/subscription/preview\""),
        "no change while cancelled"
    );
    let home = c.get("/").await.body;
    assert!(
        home.contains(&format!("Loopt af op {end}")),
        "the dashboard card"
    );
    // Twice: refused with the reason.
    let res = c.post("/settings/subscription/cancel", &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Er is geen lopend abonnement om op te zeggen")
    );
    let res = c.post("/settings/subscription/undo-cancel", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = c.get(PATH).await.body;
    assert!(page.contains("De opzegging is ingetrokken"));
    assert!(page.contains(">Actief</span>"));
    assert_eq!(current(&app, "demo-bv").await.cancel_at, None);
    let res = c.post("/settings/subscription/undo-cancel", &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn after_the_trial_a_banner_and_the_modules_are_off() {
    let app = TestApp::demo().await;
    drop(app.other_admin().await);
    app.clock.advance(Duration::days(32));
    let mut c = app.login("baas@ander.test").await;
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let b = &home.body;
    assert!(b.contains("id=\"subscription-banner\""), "{b}");
    assert!(b.contains("De proefperiode is afgelopen"));
    assert!(b.contains("role=\"status\" id=\"subscription-banner\""));
    assert!(b.contains("href=\"/settings/subscription\">Abonnement starten</a>"));
    assert!(!b.contains("href=\"/meetings\""), "meetings off");
    assert!(!b.contains("href=\"/customers\""), "customers off");
    assert!(
        !b.contains("href=\"/settings/api-clients\""),
        "API clients off"
    );
    assert!(b.contains("Proefperiode afgelopen"), "the dashboard card");
    let meetings = c.get("/meetings").await;
    assert_eq!(meetings.status, StatusCode::FORBIDDEN);
    assert!(meetings.body.contains("href=\"/settings/subscription\""));
    let page = c.get(PATH).await;
    assert!(
        page.body
            .contains("action=\"/settings/subscription/start\"")
    );
    // The demo's trialing partner: its staff member sees the banner
    // without the start link.
    let partner = current(&app, "demo-partner-bv").await;
    assert_eq!(partner.status, "trialing");
}

#[actix_web::test]
async fn invitations_stop_at_the_seats() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    // 2 members and the demo's open invitation take 3 of 5 seats.
    for email in ["een@collega.test", "twee@collega.test"] {
        let res = c
            .post(
                "/settings/users/invite",
                &[("email", email), ("role", "TENANT.ACCESS")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let link = crate::users::link_of(&c.get("/settings/users").await.body);
    let res = c
        .post(
            "/settings/users/invite",
            &[("email", "drie@collega.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Alle 5 plaatsen van het abonnement zijn bezet"),
        "{}",
        res.body
    );
    assert!(res.body.contains("id=\"f-email-error\""));
    assert!(
        res.body
            .contains("href=\"/settings/subscription?seats=6#order\""),
        "{}",
        res.body
    );
    assert!(
        res.body
            .contains("Plaats toevoegen (€ 150,00 per plaats per jaar)")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM invitations WHERE email = 'drie@collega.test'")
            .await,
        0
    );
    let form = c.get("/settings/subscription?seats=6").await.body;
    assert!(
        form.contains("id=\"f-seats\" name=\"seats\" type=\"number\" value=\"6\""),
        "{form}"
    );
    // Accepting when the members fill every seat: refused.
    app.db(|conn| {
        diesel::update(subs::table.filter(subs::is_current.eq(true)))
            .set(subs::seats.eq(2))
            .execute(conn)
            .unwrap()
    })
    .await;
    let mut guest = app.client();
    let res = guest
        .accept_invitation(&crate::users::path_of(&link), "Twee")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("Alle 2 plaatsen"), "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users WHERE email = 'twee@collega.test'")
            .await,
        0
    );
}

#[actix_web::test]
async fn meetings_without_the_customers_module() {
    let app = TestApp::demo().await;
    // A plan of meetings alone (as the operator may make one).
    app.db(|conn| {
        diesel::update(subs::table.filter(subs::is_current.eq(true)))
            .set(subs::modules.eq("meetings"))
            .execute(conn)
            .unwrap()
    })
    .await;
    let mut c = app.login(ADMIN).await;
    let home = c.get("/").await.body;
    assert!(home.contains("href=\"/meetings\""));
    assert!(!home.contains("href=\"/customers\""), "customers off");
    assert!(!home.contains("href=\"/settings/api-clients\""), "API off");
    let form = c.get("/meetings/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        !form.body.contains("id=\"f-customer_id\""),
        "no customer select"
    );
    assert!(
        !form.body.contains("id=\"f-contact_id\""),
        "no contact select"
    );
    let list = c.get("/meetings").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        !list.body.contains("href=\"/customers/"),
        "no links to customers"
    );
    assert!(
        !list.body.contains("id=\"f-customer\""),
        "no customer filter"
    );
    assert_eq!(c.get("/customers").await.status, StatusCode::FORBIDDEN);
    // The select's search offers locations, and no customers.
    let locations = c
        .get("/meetings/choices/location_id?location_id_q=utrecht")
        .await;
    assert_eq!(locations.status, StatusCode::OK);
    assert!(locations.body.contains("Utrecht"), "{}", locations.body);
    let customers = c
        .get("/meetings/choices/customer_id?customer_id_q=bakker")
        .await;
    assert_eq!(customers.status, StatusCode::FORBIDDEN);
    assert!(!customers.body.contains("Korenschoof"));
    let staff = user_id(&app, STAFF).await;
    let res = c
        .post(
            "/meetings",
            &[
                ("employee_id", staff.as_str()),
                ("date_from", "2030-01-07T10:00"),
                ("date_to", "2030-01-07T11:00"),
                ("location_id", ""),
                ("customer_id", ""),
                ("contact_id", ""),
                ("notes", "Zonder klanten"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[actix_web::test]
async fn staff_see_the_banner_without_the_start_link() {
    let app = TestApp::demo().await;
    // The demo's partner organisation is in the last days of its trial;
    // the demo admin is staff there.
    app.clock.advance(Duration::days(6));
    let mut c = app.login(ADMIN).await;
    let partner = crate::support::api::org_id(&app, true).await;
    let res = c
        .post(
            "/organization/switch",
            &[("organization_id", partner.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let home = c.get("/").await.body;
    assert!(home.contains("id=\"subscription-banner\""), "{home}");
    assert!(
        !home.contains(">Abonnement starten</a>"),
        "no start link for staff"
    );
    let page = c.get(PATH).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Proefperiode afgelopen"));
    assert!(
        !page
            .body
            .contains("action=\"/settings/subscription/start\"")
    );
}

/// The screen is kept per data version and status: an operator's change of
/// a plan (which raises every organisation's version) and a trial that ends
/// both show at once.
#[actix_web::test]
async fn the_screen_shows_a_plan_change_and_a_trial_end_at_once() {
    use portaal::domain::plans;
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let before = c.get(PATH).await;
    assert!(
        before.body.contains("€ 9,00 per plaats per maand"),
        "{}",
        before.body
    );
    let now = {
        use portaal::clock::Clock;
        app.clock.now()
    };
    app.db(move |c| {
        let basis = plans::by_code(c, "basis").unwrap().unwrap();
        let mut input = plans::PlanInput::of(&basis);
        input.seat_price_month = "12,34".into();
        let operator = portaal::domain::actor::AuditActor::system("Olga Operator");
        plans::update(c, now, &operator, &basis.plan.id, &input).unwrap();
    })
    .await;
    let after = c.get(PATH).await;
    assert!(
        after.body.contains("€ 12,34 per plaats per maand"),
        "{}",
        after.body
    );

    // Demo Partner BV's trial has 5 days left; 6 days on, it has ended.
    let mut partner = app.login(ADMIN).await;
    let ids = app
        .db(|c| {
            organizations::table
                .filter(organizations::slug.eq("demo-partner-bv"))
                .select(organizations::id)
                .first::<String>(c)
                .unwrap()
        })
        .await;
    partner
        .post("/organization/switch", &[("organization_id", &ids)])
        .await;
    let trial = partner.get(PATH).await;
    assert_eq!(trial.status, StatusCode::OK);
    assert!(trial.body.contains("Proefperiode"), "{}", trial.body);
    app.clock.advance(Duration::days(6));
    // (A login lasts 12 hours: log in again.)
    let mut partner = app.login(ADMIN).await;
    partner
        .post("/organization/switch", &[("organization_id", &ids)])
        .await;
    let ended = partner.get(PATH).await;
    assert_eq!(ended.status, StatusCode::OK);
    assert!(!ended.body.contains("nog 5 dagen"), "{}", ended.body);
    assert!(ended.body.contains("afgelopen"), "{}", ended.body);
}

/// The screen's body is kept as HTML once per data version: every browser
/// still gets its own CSRF token in every form, and a change shows at once
/// in every browser.
#[actix_web::test]
async fn the_kept_body_carries_each_browsers_token_and_shows_a_change_at_once() {
    let app = TestApp::demo().await;
    let mut a = app.login(ADMIN).await;
    let mut b = app.login(ADMIN).await;
    let (ta, tb) = (a.csrf().await, b.csrf().await);
    assert_ne!(ta, tb, "two browsers, two tokens");
    for (c, token, other) in [(&mut a, &ta, &tb), (&mut b, &tb, &ta)] {
        let page = c.get(PATH).await;
        assert_eq!(page.status, StatusCode::OK);
        let forms = page.body.matches("name=\"_csrf\"").count();
        assert!(forms >= 3, "the layout's and the body's forms: {forms}");
        assert_eq!(
            page.body
                .matches(&format!("name=\"_csrf\" value=\"{token}\""))
                .count(),
            forms,
            "every form carries this browser's token"
        );
        assert!(!page.body.contains(other.as_str()), "never the other's");
    }
    let sub = current(&app, "demo-bv").await;
    let seats = (sub.seats + 1).to_string();
    let res = a
        .post(
            "/settings/subscription/change",
            &order(&seats, &sub.version.to_string()),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let used = format!("van {seats} in gebruik");
    for c in [&mut a, &mut b] {
        let page = c.get(PATH).await.body;
        assert!(page.contains(&used), "{used}: {page}");
    }
}
