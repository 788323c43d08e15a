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

/// The seed's `POST /organizations`: a client with `admin:organization`
/// starts an organisation on a trial, administered by the person who made
/// the client; refused without the scope, for bad input, and once that
/// person is no longer an admin here.
#[actix_web::test]
async fn an_api_client_starts_an_organisation_for_its_creator() {
    use crate::support::api::*;
    use serde_json::json;
    let app = TestApp::demo().await;
    let orgs = || app.count("SELECT COUNT(*) AS n FROM organizations");
    let before = orgs().await;

    let reader = token(&app, "read:organization").await;
    let a = call(
        &app,
        "POST",
        "/api/v1/organizations",
        Some(&reader),
        Some(json!({"name": "X"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);

    let (client_row, client_id, secret) =
        new_client(&app, false, "starter", "admin:organization").await;
    let t = token_for(&app, &client_id, &secret, None).await;
    for (body, field) in [
        (json!({"name": "  "}), "name"),
        (json!({"name": "x".repeat(201)}), "name"),
        (json!({"name": "Ok", "slug": "no"}), "slug"),
    ] {
        let a = call(&app, "POST", "/api/v1/organizations", Some(&t), Some(body)).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
        assert_eq!(a.body["errors"][0]["field"], field, "{}", a.text);
    }
    assert_eq!(orgs().await, before, "bad input created nothing");

    let a = call(
        &app,
        "POST",
        "/api/v1/organizations",
        Some(&t),
        Some(json!({"name": "Via de API BV"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(a.header("location"), format!("/api/v1/organizations/{id}"));
    assert_eq!(a.body["name"], "Via de API BV");
    assert!(
        a.body["currentSubscription"]
            .as_str()
            .unwrap()
            .starts_with("/api/v1/subscriptions/")
    );
    assert!(
        a.body["organizationModules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "api")
    );
    // The client's creator (the demo admin) administers it, on a trial.
    let admin = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = '{id}' AND u.email = '{ADMIN}' AND m.role = 'TENANT.BACKOFFICE'"
        ))
        .await;
    assert_eq!(admin, 1);
    let trial = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM subscriptions WHERE organization_id = '{id}' AND status = 'trialing'"
        ))
        .await;
    assert_eq!(trial, 1);
    // The client itself still sees only its own organisation.
    let own = call(
        &app,
        "GET",
        &format!("/api/v1/organizations/{id}"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(own.status, StatusCode::NOT_FOUND, "{}", own.text);

    // Once the creator is no longer an admin here, nobody would administer
    // a new one: refused, nothing created.
    app.db(move |c| {
        use diesel::prelude::*;
        diesel::sql_query(format!(
            "UPDATE api_clients SET created_by_id = NULL WHERE id = '{client_row}'"
        ))
        .execute(c)
        .unwrap();
    })
    .await;
    let before = orgs().await;
    let a = call(
        &app,
        "POST",
        "/api/v1/organizations",
        Some(&t),
        Some(json!({"name": "Wees BV"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(a.body["errors"][0]["code"], "no_admin_for_new_organization");
    assert_eq!(orgs().await, before);
}
