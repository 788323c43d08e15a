//! On PostgreSQL each instance keeps the login and token checks it made
//! (`domain::logins`) and drops them when the database's change notices say
//! so. Two instances on one database: what one ends, the other refuses at
//! once — also right after its listening connection was killed. (SQLite has
//! no notices and keeps nothing: these tests need PostgreSQL.)

use std::time::{Duration, Instant};

use actix_web::web;
use awc::http::StatusCode;
use portaal::AppState;

use crate::support::api::{new_client, oauth, org_id, token_for};
use crate::support::{ADMIN, Client, STAFF, TestApp};

/// How soon the other instance must refuse what was ended.
const AT_ONCE: Duration = Duration::from_millis(100);

/// Two instances on one PostgreSQL database (`None` on SQLite): the test's
/// own, and a second one serving HTTP that hears the change notices.
async fn two_instances() -> Option<(TestApp, String, web::Data<AppState>)> {
    let app = TestApp::demo().await;
    if !app.db.is_postgres() {
        return None;
    }
    let (addr_b, state_b) = app.second_server().await;
    hearing(&state_b, None).await;
    Some((app, addr_b, state_b))
}

/// The listener's server process, once it hears (and is not `not`).
async fn hearing(state: &AppState, not: Option<i32>) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(pid) = state.logins.listener_pid()
            && Some(pid) != not
        {
            return pid;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the instance never heard the change notices"
        );
        sleep(5).await;
    }
}

async fn sleep(ms: u64) {
    actix_web::rt::time::sleep(Duration::from_millis(ms)).await;
}

/// Make `request` (which must succeed) until its check is answered from
/// what `state` kept (a check is not kept when a notice came while it was
/// read: the login's own, say).
async fn until_kept<F: std::future::Future<Output = StatusCode>>(
    state: &AppState,
    mut request: impl FnMut() -> F,
) {
    for _ in 0..20 {
        let hits = state.logins.hits();
        assert_eq!(request().await, StatusCode::OK);
        if state.logins.hits() > hits {
            return;
        }
        sleep(10).await;
    }
    panic!("the check was never kept");
}

/// Make `request` until it is refused (`true`), allowing it to succeed
/// meanwhile; panics unless it was refused within [`AT_ONCE`].
async fn refused_at_once<F: std::future::Future<Output = bool>>(mut request: impl FnMut() -> F) {
    let start = Instant::now();
    while !request().await {
        assert!(
            start.elapsed() < AT_ONCE,
            "still served after {:?}",
            start.elapsed()
        );
        sleep(2).await;
    }
}

/// The page, as the browser `c` gets it from the server at `addr`: its
/// status, and whether it was sent to the login.
async fn locations(c: &Client, addr: &str) -> (StatusCode, bool) {
    let res = c.towards(addr).get("/locations").await;
    let to_login = res.status == StatusCode::SEE_OTHER && res.location().starts_with("/login");
    (res.status, to_login)
}

/// Log the admin in on the test's instance, let the other keep the login,
/// log out on the first: the other refuses the cookie at once.
async fn logout_reaches(app: &TestApp, addr_b: &str, state_b: &AppState) {
    let mut a = app.login(ADMIN).await;
    until_kept(state_b, || async { locations(&a, addr_b).await.0 }).await;
    // The cookie as it was before the logout (which clears the browser's).
    let b = a.towards(addr_b);
    assert_eq!(a.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    refused_at_once(|| async {
        let (status, to_login) = locations(&b, addr_b).await;
        assert!(to_login || status == StatusCode::OK, "{status}");
        to_login
    })
    .await;
}

#[actix_web::test]
async fn a_logout_on_one_instance_is_refused_by_the_other_at_once() {
    let Some((app, addr_b, state_b)) = two_instances().await else {
        return;
    };
    let pid = hearing(&state_b, None).await;
    logout_reaches(&app, &addr_b, &state_b).await;

    // The listening connection killed: the instance neither trusts what it
    // kept nor keeps anything until it hears again.
    let mut a = app.login(ADMIN).await;
    until_kept(&state_b, || async { locations(&a, &addr_b).await.0 }).await;
    // The cookie as it was before the logout (which clears the browser's).
    let b = a.towards(&addr_b);
    let killed: bool = app
        .db(move |c| {
            use diesel::RunQueryDsl;
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "pg_terminate_backend({pid})"
            )))
            .get_result(c)
            .unwrap()
        })
        .await;
    assert!(killed);
    assert_eq!(a.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    refused_at_once(|| async { locations(&b, &addr_b).await.1 }).await;

    // It hears again, keeps again, and a logout still reaches it.
    hearing(&state_b, Some(pid)).await;
    logout_reaches(&app, &addr_b, &state_b).await;
}

#[actix_web::test]
async fn a_membership_disabled_on_one_instance_ends_access_on_the_other() {
    let Some((app, addr_b, state_b)) = two_instances().await else {
        return;
    };
    let staff = app.login(STAFF).await;
    until_kept(&state_b, || async { locations(&staff, &addr_b).await.0 }).await;

    // The admin disables the staff member's membership on instance A.
    let org = org_id(&app, false).await;
    let membership = crate::support::membership(&app, STAFF, &org).await;
    let mut admin = app.login(ADMIN).await;
    let res = admin
        .post(&format!("/settings/users/{membership}/disable"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    refused_at_once(|| async { locations(&staff, &addr_b).await.0 != StatusCode::OK }).await;
}

async fn api_get(addr: &str, token: &str) -> StatusCode {
    awc::Client::new()
        .get(format!("{addr}/api/v1/locations"))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .expect("request")
        .status()
}

#[actix_web::test]
async fn a_token_revoked_on_one_instance_is_refused_by_the_other_at_once() {
    let Some((app, addr_b, state_b)) = two_instances().await else {
        return;
    };
    let (_, client_id, secret) = new_client(&app, false, "Kept token", "read:locations").await;
    let token = token_for(&app, &client_id, &secret, None).await;
    until_kept(&state_b, || api_get(&addr_b, &token)).await;

    let revoked = oauth(
        &app,
        "/oauth/revoke",
        &[("token", &token)],
        Some((&client_id, &secret)),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    refused_at_once(|| async {
        let status = api_get(&addr_b, &token).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::UNAUTHORIZED,
            "{status}"
        );
        status == StatusCode::UNAUTHORIZED
    })
    .await;
}
