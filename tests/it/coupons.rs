//! Coupons: every rule of applying one, and the race for the last
//! redemption (exactly one of two organisations gets it, on both backends).

use std::sync::{Arc, Barrier};

use chrono::NaiveDateTime;
use portaal::domain::actor::{Actor, AuditActor};
use portaal::domain::coupons::{self, CouponInput};
use portaal::domain::scopes::Role;
use portaal::error::{AppError, ErrorCode};

use crate::support::*;

/// An admin actor of the organisation called `org` (its first admin).
pub async fn admin_of(app: &TestApp, org: &'static str) -> Actor {
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::{memberships, organizations, users};
        let (org_id, user_id, name): (String, String, String) = memberships::table
            .inner_join(organizations::table)
            .inner_join(users::table)
            .filter(organizations::name.eq(org))
            .filter(memberships::role.eq("TENANT.BACKOFFICE"))
            .select((organizations::id, users::id, users::name))
            .first(c)
            .unwrap();
        Actor::member(org_id, user_id, name, Role::Backoffice, None)
    })
    .await
}

fn input(code: &str, max: &str, plans: &[&str]) -> CouponInput {
    CouponInput {
        code: code.into(),
        kind: "percent".into(),
        value: "15".into(),
        duration: "forever".into(),
        duration_months: String::new(),
        max_redemptions: max.into(),
        redeem_by: String::new(),
        plans: plans.iter().map(|p| p.to_string()).collect(),
    }
}

async fn make(app: &TestApp, i: CouponInput) {
    let now = {
        use portaal::clock::Clock;
        app.clock.now()
    };
    app.db(move |c| {
        coupons::create(c, now, &AuditActor::system("test"), &i).unwrap();
    })
    .await;
}

async fn apply(
    app: &TestApp,
    actor: &Actor,
    code: &'static str,
    replace: bool,
) -> Result<String, AppError> {
    let (actor, now) = (actor.clone(), {
        use portaal::clock::Clock;
        app.clock.now()
    });
    app.db(move |c| coupons::apply(c, now, &actor, code, replace).map(|c| c.code))
        .await
}

fn refused(r: Result<String, AppError>) -> ErrorCode {
    match r {
        Err(AppError::Validation(e)) => e.0[0].1.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[actix_web::test]
async fn every_rule_of_applying_a_coupon() {
    let app = TestApp::demo().await;
    app.other_admin().await;
    let demo = admin_of(&app, "Demo BV").await;
    let other = admin_of(&app, "Ander BV").await;
    // Demo BV has WELKOM20 applied by the demo.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM coupon_redemptions WHERE removed_at IS NULL")
            .await,
        1
    );
    let audit_before = app.count("SELECT COUNT(*) AS n FROM audit_events").await;

    assert_eq!(
        refused(apply(&app, &other, "bestaat-niet", false).await),
        ErrorCode::CouponUnknown
    );
    assert_eq!(
        refused(apply(&app, &other, "met spatie", false).await),
        ErrorCode::CouponCodeFormat
    );
    let long: &'static str = Box::leak("x".repeat(200).into_boxed_str());
    assert!(matches!(
        refused(apply(&app, &other, long, false).await),
        ErrorCode::TooLong(_)
    ));
    // JAARKORTING is for the plus plan only; Ander BV's trial is on plus,
    // PARTNER10 is for basis.
    assert_eq!(
        refused(apply(&app, &other, "partner10", false).await),
        ErrorCode::CouponNotForPlan
    );
    make(&app, input("oud", "", &[])).await;
    app.db(|c| {
        use diesel::prelude::*;
        use portaal::db::schema::coupons;
        diesel::update(coupons::table.filter(coupons::code.eq("oud")))
            .set(coupons::redeem_by.eq(Some(
                NaiveDateTime::parse_from_str("2020-01-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap(),
            )))
            .execute(c)
            .unwrap();
    })
    .await;
    assert_eq!(
        refused(apply(&app, &other, "OUD", false).await),
        ErrorCode::CouponExpired
    );
    make(&app, input("weg", "", &[])).await;
    let weg = app
        .db(|c| coupons::by_code(c, "weg").unwrap().unwrap().id)
        .await;
    let now = {
        use portaal::clock::Clock;
        app.clock.now()
    };
    app.db(move |c| coupons::archive(c, now, &AuditActor::system("test"), &weg).unwrap())
        .await;
    assert_eq!(
        refused(apply(&app, &other, "weg", false).await),
        ErrorCode::CouponArchived
    );
    // No refusal changed anything: the only events are the two coupons
    // made and the one archived.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events").await,
        audit_before + 3
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM coupon_redemptions")
            .await,
        1
    );

    // Case-insensitive; a second coupon first names the one it replaces.
    assert_eq!(
        refused(apply(&app, &demo, "jaarkorting", false).await),
        ErrorCode::CouponReplaces("WELKOM20".into())
    );
    assert_eq!(
        apply(&app, &demo, "jaarkorting", true).await.unwrap(),
        "jaarkorting"
    );
    assert_eq!(
        refused(apply(&app, &demo, "JAARKORTING", true).await),
        ErrorCode::CouponAlreadyApplied
    );
    // One applied per subscription; the replaced one is kept as history.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM coupon_redemptions WHERE removed_at IS NULL")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM coupon_redemptions")
            .await,
        2
    );
    // Clear, then clear again: nothing to clear.
    let (a, now) = (demo.clone(), {
        use portaal::clock::Clock;
        app.clock.now()
    });
    app.db(move |c| coupons::clear(c, now, &a).unwrap()).await;
    let (a, now) = (demo.clone(), {
        use portaal::clock::Clock;
        app.clock.now()
    });
    let again = app
        .db(move |c| coupons::clear(c, now, &a).map(|c| c.code))
        .await;
    assert_eq!(refused(again), ErrorCode::NoCoupon);

    // Staff may not apply one.
    let staff = Actor::member(
        demo.organization_id.clone(),
        "x".into(),
        "Mo".into(),
        Role::Access,
        None,
    );
    assert!(matches!(
        apply(&app, &staff, "welkom20", false).await,
        Err(AppError::Forbidden { .. })
    ));
}

#[actix_web::test]
async fn the_last_redemption_is_taken_once() {
    let app = TestApp::demo().await;
    app.other_admin().await;
    let demo = admin_of(&app, "Demo BV").await;
    let other = admin_of(&app, "Ander BV").await;
    // Demo BV has WELKOM20: clear it so both start without one.
    let (a, now) = (demo.clone(), {
        use portaal::clock::Clock;
        app.clock.now()
    });
    app.db(move |c| coupons::clear(c, now, &a).unwrap()).await;
    for round in 0..8 {
        let code: &'static str = Box::leak(format!("laatste-{round}").into_boxed_str());
        make(&app, input(code, "1", &[])).await;
        // Both at the same moment, each on its own connection.
        let gate = Arc::new(Barrier::new(2));
        let race = |actor: Actor| {
            let (pool, gate, now) = (app.state.pool.clone(), gate.clone(), {
                use portaal::clock::Clock;
                app.clock.now()
            });
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                gate.wait();
                coupons::apply(&mut conn, now, &actor, code, true).map(|c| c.code)
            })
        };
        let (x, y) = (race(demo.clone()), race(other.clone()));
        let results = [x.join().unwrap(), y.join().unwrap()];
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {results:?}");
        for r in results.into_iter().filter(Result::is_err) {
            assert_eq!(refused(r), ErrorCode::CouponUsedUp);
        }
        let taken = app
            .count(format!(
                "SELECT COUNT(*) AS n FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id WHERE c.code = '{code}'"
            ))
            .await;
        assert_eq!(taken, 1, "round {round}");
        let count = app
            .count(format!(
                "SELECT CAST(redemptions AS BIGINT) AS n FROM coupons WHERE code = '{code}'"
            ))
            .await;
        assert_eq!(count, 1, "round {round}");
    }
}

#[actix_web::test]
async fn a_coupon_takes_off_the_next_invoice_it_covers() {
    let app = TestApp::demo().await;
    let demo = admin_of(&app, "Demo BV").await;
    make(
        &app,
        CouponInput {
            code: "altijd".into(),
            kind: "amount".into(),
            value: "100,00".into(),
            duration: "forever".into(),
            ..CouponInput::default()
        },
    )
    .await;
    apply(&app, &demo, "altijd", true).await.unwrap();
    let now = {
        use portaal::clock::Clock;
        app.clock.now()
    };
    let inv = app
        .db(move |c| {
            let sub = portaal::domain::subscriptions::current_of(c, &demo.organization_id)
                .unwrap()
                .unwrap();
            portaal::domain::subscriptions::next_invoice(c, now, &sub)
                .unwrap()
                .unwrap()
        })
        .await;
    // Demo BV: 5 seats of plus yearly at € 150,00 = € 750,00, less € 100,00.
    assert_eq!(inv.discount, Some(("ALTIJD".into(), 10_000)));
    assert_eq!(inv.total, 75_000 - 10_000);
}

/// Two operators making the same code at the same moment: one coupon, and
/// the other hears that the code is taken (never a server error).
#[actix_web::test]
async fn the_same_new_code_twice_at_once_makes_one_coupon() {
    use portaal::clock::Clock;
    let app = TestApp::demo().await;
    let now = app.clock.now();
    for round in 0..4 {
        let code = format!("TEGELIJK{round}");
        let barrier = Arc::new(Barrier::new(2));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (pool, barrier, code) = (app.state.pool.clone(), barrier.clone(), code.clone());
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    barrier.wait();
                    coupons::create(
                        &mut conn,
                        now,
                        &AuditActor::system("test"),
                        &input(&code, "", &[]),
                    )
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let made = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(made, 1, "{results:?}");
        for r in results.into_iter().filter_map(Result::err) {
            match r {
                AppError::Validation(e) => assert_eq!(e.0, vec![("code", ErrorCode::Taken)]),
                other => panic!("{other:?}"),
            }
        }
    }
}
