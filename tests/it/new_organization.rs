//! "New organisation": a signed-in member starts another organisation and
//! becomes its admin; it begins with a trial.

use awc::http::StatusCode;

use crate::support::*;

#[actix_web::test]
async fn a_member_starts_an_organisation_and_works_in_it_as_admin() {
    let app = TestApp::demo().await;
    // Staff of Demo BV may start one too: they become its admin.
    let mut c = app.login(STAFF).await;
    let page = c.get("/organizations/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Nieuwe organisatie"));
    assert!(
        page.body.contains("proefperiode van 30 dagen"),
        "{}",
        page.body
    );

    // Bad input: a clear message, nothing created.
    let before = app.count("SELECT COUNT(*) AS n FROM organizations").await;
    let res = c.post("/organizations/new", &[("name", "   ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_summary(&res.body).len(), 1, "{}", res.body);
    let long = "x".repeat(300);
    let res = c.post("/organizations/new", &[("name", &long)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the CSRF token: refused.
    let res = c
        .post_raw("/organizations/new", &[("name", "Zonder Token BV")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organizations").await,
        before
    );

    let res = c
        .post("/organizations/new", &[("name", "Zaak van Mo")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let home = c.get("/").await;
    assert!(
        home.body.contains("De organisatie is gestart."),
        "{}",
        home.body
    );
    assert!(
        home.body
            .contains("<span class=\"org-name\">Zaak van Mo</span>")
    );
    // Admin there: the organisation's settings open.
    assert_eq!(c.get("/settings/organization").await.status, StatusCode::OK);
    // A trial of 30 days, audited.
    let trialing = app
        .count(
            "SELECT COUNT(*) AS n FROM subscriptions s JOIN organizations o ON o.id = s.organization_id \
             WHERE o.name = 'Zaak van Mo' AND s.status = 'trialing' AND s.is_current",
        )
        .await;
    assert_eq!(trialing, 1);
    let audited = app
        .count(
            "SELECT COUNT(*) AS n FROM audit_events a JOIN organizations o ON o.id = a.organization_id \
             WHERE o.name = 'Zaak van Mo' AND a.action IN ('organization.started', 'membership.created', 'subscription.created')",
        )
        .await;
    assert_eq!(audited, 3);
    // The old organisation is untouched and still in the switcher.
    assert!(home.body.contains(">Demo BV</option>"));
}

#[actix_web::test]
async fn the_new_organisation_page_needs_a_login() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let res = c.get("/organizations/new").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login"));
}

/// During a trial the seats follow the members: one more member, one more
/// seat; a member disabled, one fewer (never below one).
#[actix_web::test]
async fn a_trials_seats_follow_its_members() {
    use diesel::prelude::*;
    use portaal::db::schema::{memberships, organizations, users};
    use portaal::domain::actor::{Actor, AuditActor};
    use portaal::domain::scopes::Role;
    let app = TestApp::demo().await;
    let mut c = app.login(STAFF).await;
    let res = c
        .post("/organizations/new", &[("name", "Zaak van Mo")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(trial_seats(&app).await, 1);
    let (org, mo, mo_name, admin) = app
        .db(|c| {
            let org: String = organizations::table
                .filter(organizations::name.eq("Zaak van Mo"))
                .select(organizations::id)
                .first(c)
                .unwrap();
            let (mo, name): (String, String) = users::table
                .filter(users::email.eq(STAFF))
                .select((users::id, users::name))
                .first(c)
                .unwrap();
            let admin: String = users::table
                .filter(users::email.eq(ADMIN))
                .select(users::id)
                .first(c)
                .unwrap();
            (org, mo, name, admin)
        })
        .await;
    let now = {
        use portaal::clock::Clock;
        app.clock.now()
    };
    let (o, a) = (org.clone(), admin.clone());
    app.db(move |c| {
        portaal::domain::users::add_membership(
            c,
            now,
            &AuditActor::system("test"),
            &o,
            &a,
            Role::Access,
        )
        .unwrap()
    })
    .await;
    assert_eq!(trial_seats(&app).await, 2);
    let (o, a) = (org.clone(), admin.clone());
    app.db(move |c| {
        let id: String = memberships::table
            .filter(memberships::organization_id.eq(&o))
            .filter(memberships::user_id.eq(&a))
            .select(memberships::id)
            .first(c)
            .unwrap();
        let actor = Actor::member(o, mo, mo_name, Role::Backoffice, None);
        portaal::domain::members::set_disabled(c, now, &actor, &id, true).unwrap();
    })
    .await;
    assert_eq!(trial_seats(&app).await, 1);
}

async fn trial_seats(app: &TestApp) -> i32 {
    use diesel::prelude::*;
    use portaal::db::schema::{organizations, subscriptions};
    app.db(|c| {
        subscriptions::table
            .inner_join(organizations::table)
            .filter(organizations::name.eq("Zaak van Mo"))
            .filter(subscriptions::is_current.eq(true))
            .select(subscriptions::seats)
            .first::<i32>(c)
            .unwrap()
    })
    .await
}
