//! The subscriptions' state machine, driven by the test clock: trial →
//! awaiting, start → renew ×3 (calendar months in the organisation's zone),
//! cancel → undo, cancel → canceled, a run twice (or two at once) renews
//! once, prices and scheduled decreases from the next period, the
//! operator's extend-trial and cancel-now, and the bad input the domain
//! refuses with nothing changed.

use chrono::{Duration, NaiveDateTime, TimeZone};
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::DbConn;
use portaal::db::schema::{audit_events, plans};
use portaal::domain::actor::{Actor, AuditActor};
use portaal::domain::billing::{self, BillingInput};
use portaal::domain::modules::{Module, Modules};
use portaal::domain::proration::{Interval, period_end};
use portaal::domain::scopes::{Operation, Role};
use portaal::domain::subscriptions::{self, Order, Status, Subscription};
use portaal::error::{AppError, ErrorCode};

use crate::support::api::org_id;
use crate::support::*;

/// A new organisation (trialing, 30 days) with its admin as an actor; with
/// complete billing details when `billing`.
pub(crate) async fn new_org(app: &TestApp, email: &'static str, billing: bool) -> Actor {
    let now = app.clock.now();
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    app.db(move |c| {
        let (org, user) =
            portaal::domain::users::create_admin(c, now, email, &format!("Org {email}"), &hash, 30)
                .unwrap();
        let actor = Actor::member(org.id, user.id, user.name, Role::Backoffice, None);
        if billing {
            billing::save(c, now, &actor, &billing_input()).unwrap();
        }
        actor
    })
    .await
}

pub(crate) fn billing_input() -> BillingInput {
    BillingInput {
        legal_name: "Test B.V.".into(),
        address_line: "Stationsplein 1".into(),
        postal_code: "3511 ED".into(),
        city: "Utrecht".into(),
        country_code: "NL".into(),
        invoice_email: "administratie@example.test".into(),
        vat_id: "NL862301546B01".into(),
        kvk_number: "30123456".into(),
        version: 0,
    }
}

/// An actor of a demo organisation (Demo BV, or Demo Partner BV).
async fn demo_actor(app: &TestApp, email: &'static str, role: Role, partner: bool) -> Actor {
    let org = org_id(app, partner).await;
    app.db(move |c| {
        let u = portaal::domain::users::find_by_email(c, email)
            .unwrap()
            .unwrap();
        Actor::member(org, u.id, u.name, role, None)
    })
    .await
}

pub(crate) fn order(plan: &str, interval: Interval, seats: i64) -> Order {
    Order {
        plan: plan.into(),
        interval,
        seats,
        addons: Modules::NONE,
    }
}

pub(crate) async fn current(app: &TestApp, org: &str) -> Subscription {
    let org = org.to_string();
    app.db(move |c| subscriptions::current_of(c, &org).unwrap().unwrap())
        .await
}

pub(crate) async fn run(app: &TestApp) -> subscriptions::LifecycleRun {
    let now = app.clock.now();
    app.db(move |c| subscriptions::run_lifecycle(c, now).unwrap())
        .await
}

pub(crate) async fn audits(app: &TestApp, org: &str, action: &'static str) -> i64 {
    let org = org.to_string();
    app.db(move |c| {
        audit_events::table
            .filter(audit_events::organization_id.eq(org))
            .filter(audit_events::action.eq(action))
            .count()
            .get_result(c)
            .unwrap()
    })
    .await
}

/// Move the test clock to `to` (forward only).
pub(crate) fn clock_to(app: &TestApp, to: NaiveDateTime) {
    let now = app.clock.now();
    assert!(to >= now, "the test clock only moves forward");
    app.clock.advance(to - now);
}

/// The same instant as far as the database keeps it (PostgreSQL keeps
/// microseconds).
fn close(a: Option<NaiveDateTime>, b: NaiveDateTime) -> bool {
    a.is_some_and(|a| (a - b).num_microseconds().is_some_and(|d| d.abs() < 1))
}

/// The field errors of a validation error.
fn codes(e: AppError) -> Vec<(&'static str, ErrorCode)> {
    match e {
        AppError::Validation(f) => f.0,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn zone(app: &TestApp, org: &str) -> chrono_tz::Tz {
    let org = org.to_string();
    app.db(move |c| portaal::domain::organizations::time_zone_of(c, &org).unwrap())
        .await
}

#[actix_web::test]
async fn trial_ends_into_awaiting_at_once_and_the_job_stores_it_once() {
    let app = TestApp::demo().await;
    let admin = new_org(&app, "proef@lifecycle.test", false).await;
    let org = admin.organization_id.clone();
    let sub = current(&app, &org).await;
    assert_eq!(sub.stored_status(), Status::Trialing);
    let end = sub.trial_end.expect("a trial end");
    assert!(close(Some(end), app.clock.now() + Duration::days(30)));

    // A second before: still trialing, the job moves nothing of it.
    clock_to(&app, end - Duration::seconds(1));
    assert_eq!(sub.in_effect(app.clock.now()).status, Status::Trialing);
    run(&app).await;
    assert_eq!(current(&app, &org).await, sub);

    // At the end: awaiting at once, before the job ran; modules off.
    clock_to(&app, end);
    let effect = sub.in_effect(app.clock.now());
    assert!(effect.awaiting());
    assert!(!effect.active());
    assert!(effect.modules.is_empty());
    assert_eq!(
        current(&app, &org).await.stored_status(),
        Status::Trialing,
        "the stored status lags until the job runs"
    );
    let done = run(&app).await;
    assert!(done.trials_ended >= 1);
    let after = current(&app, &org).await;
    assert_eq!(after.stored_status(), Status::Awaiting);
    assert!(after.in_effect(app.clock.now()).awaiting());
    assert_eq!(audits(&app, &org, "subscription.trial_ended").await, 1);
    // Run again: nothing moves twice.
    run(&app).await;
    assert_eq!(current(&app, &org).await, after);
    assert_eq!(audits(&app, &org, "subscription.trial_ended").await, 1);
    // Awaiting: the admin may start from there.
    let now = app.clock.now();
    app.db(move |c| {
        billing::save(c, now, &admin, &billing_input()).unwrap();
        subscriptions::start(c, now, &admin, &order("basis", Interval::Month, 1)).unwrap()
    })
    .await;
    let started = current(&app, &org).await;
    assert_eq!(started.stored_status(), Status::Active);
    assert_eq!(started.id, sub.id, "the same record becomes active");
}

#[actix_web::test]
async fn start_then_three_renewals_by_calendar_month_in_the_organisations_zone() {
    let app = TestApp::demo().await;
    let admin = new_org(&app, "maand@lifecycle.test", true).await;
    let org = admin.organization_id.clone();
    let tz = zone(&app, &org).await;
    assert_eq!(tz, chrono_tz::Europe::Amsterdam);
    let now = app.clock.now();
    app.db(move |c| {
        subscriptions::start(c, now, &admin, &order("basis", Interval::Month, 1)).unwrap()
    })
    .await;
    let first = current(&app, &org).await;
    assert_eq!(first.stored_status(), Status::Active);
    assert_eq!(first.period_number, 1);
    assert!(close(first.current_period_start, now));
    // Periods count from the anchor as stored.
    let now = first.period_anchor.unwrap();
    assert_eq!(
        first.current_period_end,
        Some(period_end(now, Interval::Month, 1, tz))
    );
    let local = |t: NaiveDateTime| tz.from_utc_datetime(&t).naive_local();
    let mut previous = first.clone();
    for k in 1..=3u32 {
        let end = previous.current_period_end.unwrap();
        // A second before the end nothing renews.
        clock_to(&app, end - Duration::seconds(1));
        run(&app).await;
        assert_eq!(current(&app, &org).await, previous);
        clock_to(&app, end);
        run(&app).await;
        let s = current(&app, &org).await;
        assert_eq!(s.period_number, k as i32 + 1, "renewal {k}");
        assert_eq!(s.current_period_start, Some(end));
        let next = period_end(now, Interval::Month, k + 1, tz);
        assert_eq!(s.current_period_end, Some(next));
        assert_eq!(s.period_anchor, Some(now), "periods count from the start");
        // Calendar months at the same local time of day (DST moves UTC).
        assert_eq!(local(next).time(), local(now).time());
        assert!(
            (28..=31).contains(&(local(next).date() - local(end).date()).num_days()),
            "a calendar month"
        );
        assert_eq!(s.stored_status(), Status::Active);
        previous = s;
    }
    assert_eq!(audits(&app, &org, "subscription.renewed").await, 3);

    // The job, run by two instances in the same minute: one claims it, the
    // subscription renews once.
    clock_to(&app, previous.current_period_end.unwrap());
    let second = app.second_instance().await;
    let a = portaal::jobs::subscriptions::run_if_due(&app.state).await;
    let b = portaal::jobs::subscriptions::run_if_due(&second).await;
    assert!(a.is_some_and(|r| r.renewed >= 1), "{a:?}");
    assert!(b.is_none(), "the second instance finds the turn taken");
    // And the domain run again at the same instant: nothing to do.
    run(&app).await;
    let s = current(&app, &org).await;
    assert_eq!(s.period_number, 5);
    assert_eq!(audits(&app, &org, "subscription.renewed").await, 4);
}

#[actix_web::test]
async fn cancel_undo_then_cancel_until_canceled_keeps_data_readable_for_admins() {
    let app = TestApp::demo().await;
    let admin = demo_actor(&app, ADMIN, Role::Backoffice, false).await;
    let staff = demo_actor(&app, STAFF, Role::Access, false).await;
    let org = admin.organization_id.clone();
    let before = current(&app, &org).await;
    assert_eq!(before.stored_status(), Status::Active);
    let end = before.current_period_end.unwrap();
    let now = app.clock.now();
    // (Demo BV renewed twice in its demo history.)
    let renewed_before = audits(&app, &org, "subscription.renewed").await;

    // Undo when nothing is scheduled: refused, nothing changed.
    let a = admin.clone();
    let e = app
        .db(move |c| subscriptions::undo_cancel(c, now, &a).unwrap_err())
        .await;
    assert_eq!(codes(e), [("status", ErrorCode::NothingToUndo)]);
    assert_eq!(current(&app, &org).await, before);

    // Cancel: still active, ends at the period end.
    let a = admin.clone();
    let canceled = app
        .db(move |c| subscriptions::cancel(c, now, &a).unwrap())
        .await;
    assert_eq!(canceled.cancel_at, Some(end));
    assert_eq!(canceled.stored_status(), Status::Active);
    assert!(canceled.in_effect(now).active());
    // Cancel twice: refused, nothing changed.
    let a = admin.clone();
    let e = app
        .db(move |c| subscriptions::cancel(c, now, &a).unwrap_err())
        .await;
    assert_eq!(codes(e), [("status", ErrorCode::NothingToCancel)]);
    assert_eq!(current(&app, &org).await, canceled);

    // Undo.
    let a = admin.clone();
    let undone = app
        .db(move |c| subscriptions::undo_cancel(c, now, &a).unwrap())
        .await;
    assert_eq!(undone.cancel_at, None);
    assert!(undone.in_effect(now).active());
    assert_eq!(audits(&app, &org, "subscription.cancel_undone").await, 1);

    // Cancel again and let the period end: canceled at once, then stored.
    let a = admin.clone();
    app.db(move |c| subscriptions::cancel(c, now, &a).unwrap())
        .await;
    clock_to(&app, end);
    let stored = current(&app, &org).await;
    let effect = stored.in_effect(app.clock.now());
    assert_eq!(effect.status, Status::Canceled);
    assert!(effect.modules.is_empty());
    let done = run(&app).await;
    assert!(done.canceled >= 1);
    let after = current(&app, &org).await;
    assert_eq!(after.stored_status(), Status::Canceled);
    assert_eq!(audits(&app, &org, "subscription.ended").await, 1);
    assert_eq!(
        audits(&app, &org, "subscription.renewed").await,
        renewed_before,
        "a canceled subscription does not renew"
    );
    run(&app).await;
    assert_eq!(current(&app, &org).await, after);

    // Modules off; admins can still read, staff cannot; nobody writes.
    let effect = after.in_effect(app.clock.now());
    let admin = admin.with_entitlement(effect);
    let staff = staff.with_entitlement(effect);
    assert!(admin.require(Operation::CustomerList).is_ok());
    assert!(admin.require(Operation::MeetingGet).is_ok());
    for op in [Operation::CustomerCreate, Operation::MeetingCreate] {
        assert!(matches!(
            admin.require(op),
            Err(AppError::ModuleNotSubscribed { .. })
        ));
        assert!(matches!(
            staff.require(op),
            Err(AppError::ModuleNotSubscribed { .. })
        ));
    }
    assert!(matches!(
        staff.require(Operation::CustomerList),
        Err(AppError::ModuleNotSubscribed {
            module: Module::Customers,
            ..
        })
    ));
    // Core stays on.
    assert!(staff.require(Operation::LocationList).is_ok());
    assert!(admin.require(Operation::SubscriptionCreate).is_ok());
    // Cancel a canceled one: refused; a new subscription may start.
    let now = app.clock.now();
    let a = admin.clone();
    let e = app
        .db(move |c| subscriptions::cancel(c, now, &a).unwrap_err())
        .await;
    assert_eq!(codes(e), [("status", ErrorCode::NothingToCancel)]);
    let a = admin.clone();
    let new = app
        .db(move |c| subscriptions::start(c, now, &a, &order("plus", Interval::Month, 5)).unwrap())
        .await;
    assert_ne!(new.id, after.id);
    assert_eq!(new.stored_status(), Status::Active);
}

#[actix_web::test]
async fn a_price_change_and_a_scheduled_decrease_apply_from_the_next_period() {
    let app = TestApp::demo().await;
    let admin = new_org(&app, "prijs@lifecycle.test", true).await;
    let org = admin.organization_id.clone();
    let now = app.clock.now();
    let a = admin.clone();
    let s = app
        .db(move |c| subscriptions::start(c, now, &a, &order("basis", Interval::Month, 3)).unwrap())
        .await;
    assert_eq!(s.seat_price, 900);
    assert_eq!(s.seats, 3);
    // A decrease is scheduled for the period end.
    let a = admin.clone();
    let version = s.version;
    let (changed, _) = app
        .db(move |c| {
            subscriptions::change(c, now, &a, &order("basis", Interval::Month, 1), version).unwrap()
        })
        .await;
    assert_eq!(changed.seats, 3, "a decrease waits for the period end");
    assert_eq!(changed.scheduled_seats, Some(1));
    // The operator raises the plan's price in the middle of the period.
    app.db(|c| {
        diesel::update(plans::table.filter(plans::code.eq("basis")))
            .set(plans::seat_price_month.eq(1200))
            .execute(c)
            .unwrap()
    })
    .await;
    let mid = current(&app, &org).await;
    assert_eq!(mid.seat_price, 900, "this period keeps its price");
    // What the next invoice's preview says now is what the renewal bills.
    let (m, at) = (mid.clone(), app.clock.now());
    let preview = app
        .db(move |c| subscriptions::next_invoice(c, at, &m).unwrap().unwrap())
        .await;
    assert_eq!(preview.lines.len(), 1, "{:?}", preview.lines);
    assert_eq!(
        (preview.lines[0].quantity, preview.lines[0].unit_price),
        (1, 1200)
    );
    clock_to(&app, s.current_period_end.unwrap());
    run(&app).await;
    let renewed = current(&app, &org).await;
    assert_eq!(renewed.period_number, 2);
    assert_eq!(
        renewed.seat_price, 1200,
        "the next period takes the new price"
    );
    assert_eq!(renewed.seats, 1, "the scheduled decrease applied");
    assert_eq!(renewed.scheduled_seats, None);
    assert_eq!(
        (i64::from(renewed.seats), renewed.seat_price),
        (preview.lines[0].quantity, preview.lines[0].unit_price),
        "the renewal bills what the preview said"
    );
}

#[actix_web::test]
async fn the_operator_extends_a_trial_and_cancels_at_once() {
    let app = TestApp::demo().await;
    let operator = AuditActor::system("test operator");
    let partner = org_id(&app, true).await;
    let before = current(&app, &partner).await;
    assert_eq!(before.stored_status(), Status::Trialing);
    let now = app.clock.now();
    // Out of range: refused, nothing changed.
    for days in [0, -3, 366] {
        let (op, p) = (operator.clone(), partner.clone());
        let e = app
            .db(move |c| subscriptions::extend_trial(c, now, &op, &p, days).unwrap_err())
            .await;
        assert_eq!(codes(e), [("days", ErrorCode::DaysRange(365))]);
        assert_eq!(current(&app, &partner).await, before);
    }
    let (op, p) = (operator.clone(), partner.clone());
    let extended = app
        .db(move |c| subscriptions::extend_trial(c, now, &op, &p, 10).unwrap())
        .await;
    assert_eq!(
        extended.trial_end,
        before.trial_end.map(|e| e + Duration::days(10))
    );
    // After the (extended) trial ended and the job moved it, extending
    // revives it from now.
    clock_to(&app, extended.trial_end.unwrap() + Duration::hours(1));
    run(&app).await;
    assert_eq!(
        current(&app, &partner).await.stored_status(),
        Status::Awaiting
    );
    let now = app.clock.now();
    let (op, p) = (operator.clone(), partner.clone());
    let revived = app
        .db(move |c| subscriptions::extend_trial(c, now, &op, &p, 7).unwrap())
        .await;
    assert_eq!(revived.stored_status(), Status::Trialing);
    assert!(close(revived.trial_end, now + Duration::days(7)));

    // Cancel now: Demo BV is canceled at once; twice is refused.
    let demo = org_id(&app, false).await;
    let renewed_before = audits(&app, &demo, "subscription.renewed").await;
    let (op, d) = (operator.clone(), demo.clone());
    let canceled = app
        .db(move |c| subscriptions::cancel_now(c, now, &op, &d).unwrap())
        .await;
    assert_eq!(canceled.in_effect(now).status, Status::Canceled);
    let (op, d) = (operator.clone(), demo.clone());
    let e = app
        .db(move |c| subscriptions::cancel_now(c, now, &op, &d).unwrap_err())
        .await;
    assert_eq!(codes(e), [("status", ErrorCode::NothingToCancel)]);
    assert_eq!(current(&app, &demo).await, canceled);
    // A renewal run later does not bring it back.
    clock_to(&app, now + Duration::days(400));
    run(&app).await;
    assert_eq!(
        current(&app, &demo).await.in_effect(app.clock.now()).status,
        Status::Canceled
    );
    assert_eq!(
        audits(&app, &demo, "subscription.renewed").await,
        renewed_before
    );
}

#[actix_web::test]
async fn bad_orders_are_refused_with_their_code_and_change_nothing() {
    let app = TestApp::demo().await;
    let admin = new_org(&app, "fout@lifecycle.test", false).await;
    let org = admin.organization_id.clone();
    let before = current(&app, &org).await;
    let now = app.clock.now();
    let try_start = |o: Order| {
        let a = admin.clone();
        app.db(move |c| subscriptions::start(c, now, &a, &o).unwrap_err())
    };
    // Without billing details.
    let e = try_start(order("basis", Interval::Month, 1)).await;
    assert_eq!(
        codes(e),
        [("organizationAddress", ErrorCode::BillingDetailsMissing)]
    );
    assert_eq!(current(&app, &org).await, before);
    let a = admin.clone();
    app.db(move |c| billing::save(c, now, &a, &billing_input()).unwrap())
        .await;
    let cases: Vec<(Order, &'static str, ErrorCode)> = vec![
        (
            order("basis", Interval::Month, 0),
            "seats",
            ErrorCode::SeatsAtLeastOne,
        ),
        (
            order("basis", Interval::Month, -4),
            "seats",
            ErrorCode::SeatsAtLeastOne,
        ),
        (
            order("basis", Interval::Year, subscriptions::MAX_SEATS + 1),
            "seats",
            ErrorCode::SeatsAtMost(subscriptions::MAX_SEATS),
        ),
        (
            order("gold", Interval::Month, 1),
            "plan",
            ErrorCode::InvalidChoice,
        ),
        (
            order("", Interval::Month, 1),
            "plan",
            ErrorCode::InvalidChoice,
        ),
    ];
    for (o, field, code) in cases {
        let e = try_start(o).await;
        assert_eq!(codes(e), [(field, code)]);
        assert_eq!(current(&app, &org).await, before);
    }
    // An archived plan.
    app.db(move |c| {
        diesel::update(plans::table.filter(plans::code.eq("basis")))
            .set(plans::archived_at.eq(Some(now)))
            .execute(c)
            .unwrap()
    })
    .await;
    let e = try_start(order("basis", Interval::Month, 1)).await;
    assert_eq!(codes(e), [("plan", ErrorCode::PlanArchived)]);
    assert_eq!(current(&app, &org).await, before);
    let audits_before = audits(&app, &org, "subscription.started").await;
    assert_eq!(audits_before, 0);

    // Seats below the members: Demo BV has more members than one seat.
    let demo_admin = demo_actor(&app, ADMIN, Role::Backoffice, false).await;
    let demo = demo_admin.organization_id.clone();
    let demo_before = current(&app, &demo).await;
    let members = app
        .db({
            let d = demo.clone();
            move |c| subscriptions::active_members(c, &d).unwrap()
        })
        .await;
    assert!(members > 1);
    let version = demo_before.version;
    let e = app
        .db(move |c: &mut DbConn| {
            subscriptions::change(
                c,
                now,
                &demo_admin,
                &order("plus", Interval::Year, 1),
                version,
            )
            .unwrap_err()
        })
        .await;
    assert_eq!(codes(e), [("seats", ErrorCode::SeatsBelowMembers(members))]);
    assert_eq!(current(&app, &demo).await, demo_before);
}

/// Two lifecycle runs at once (two connections, two threads) renew each
/// subscription exactly once: the compare-and-set on the version holds on
/// PostgreSQL's row locks as on SQLite's one writer.
#[actix_web::test]
async fn two_concurrent_runs_renew_each_subscription_once() {
    let app = TestApp::demo().await;
    // (The demo's history has renewals of its own.)
    let history = app
        .count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subscription.renewed'")
        .await;
    let mut orgs = vec![];
    for email in [
        "een@race.test",
        "twee@race.test",
        "drie@race.test",
        "vier@race.test",
        "vijf@race.test",
        "zes@race.test",
    ] {
        let admin = new_org(&app, email, true).await;
        let now = app.clock.now();
        let a = admin.clone();
        app.db(move |c| {
            subscriptions::start(c, now, &a, &order("basis", Interval::Month, 1)).unwrap()
        })
        .await;
        orgs.push(admin.organization_id);
    }
    clock_to(&app, app.clock.now() + Duration::days(32));
    let now = app.clock.now();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let pool = app.state.pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                subscriptions::run_lifecycle(&mut conn, now).unwrap()
            })
        })
        .collect();
    let runs: Vec<_> = runs.into_iter().map(|t| t.join().unwrap()).collect();
    let renewed: usize = runs.iter().map(|r| r.renewed).sum();
    let mut events = 0;
    for org in &orgs {
        assert_eq!(audits(&app, org, "subscription.renewed").await, 1, "{org}");
        assert_eq!(current(&app, org).await.period_number, 2);
        events += 1;
    }
    let all_renewals = app
        .count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subscription.renewed'")
        .await;
    assert_eq!(renewed as i64, all_renewals - history, "{runs:?}");
    assert!(renewed >= events);
}
