//! Finding 2 (high): accepting an invitation "with an existing account's
//! password" had no throttle, wrote no attempt, kept the token valid after
//! failures and told whether the e-mail had an account — a password oracle
//! for any admin, ending signed in as the victim. An existing account now
//! accepts only while signed in (through the normal, throttled login); the
//! page never checks a password and looks the same for every invitation.

use awc::http::StatusCode;

use super::*;
use crate::users::{link_of, path_of};

/// Invite `email` into the organisation `admin` works in; the link's path.
async fn invite(admin: &mut Client, email: &str) -> String {
    let res = admin
        .post(
            "/settings/users/invite",
            &[("email", email), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    path_of(&link_of(&admin.get("/settings/users").await.body))
}

#[actix_web::test]
async fn the_page_reveals_nothing_and_never_checks_a_password() {
    let app = TestApp::demo().await;
    let ander = other_org(&app).await;
    let mut attacker = app.login(OTHER_ADMIN).await;
    let victim = invite(&mut attacker, STAFF).await;
    let stranger = invite(&mut attacker, "nog-niemand@elders.test").await;

    // Opening either invitation shows the same page: both ways to accept.
    let mut visitor = app.client();
    let a = visitor.get(&victim).await;
    let b = visitor.get(&stranger).await;
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK));
    let token = |p: &str| p.rsplit('/').next().unwrap().to_string();
    let same = |body: &str, path: &str, email: &str| {
        body.replace(&token(path), "TOKEN").replace(email, "EMAIL")
    };
    assert_eq!(
        same(&a.body, &victim, STAFF),
        same(&b.body, &stranger, "nog-niemand@elders.test"),
        "an invitation does not tell whether its e-mail has an account"
    );
    let login_link = format!("href=\"/login?next={}\"", victim.replace('/', "%2F"));
    assert!(a.body.contains(&login_link), "log in to accept: {}", a.body);
    assert!(
        a.body.contains("name=\"password_confirm\""),
        "create my account"
    );
    assert!(!a.body.contains("U heeft al een account"));

    // The victim's right password, posted as the old form did, signs no one in.
    for _ in 0..8 {
        let res = visitor.post(&victim, &[("password", PASSWORD)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.set_cookie("portaal_session").is_none());
    }
    assert_eq!(visitor.get("/").await.status, StatusCode::SEE_OTHER);
    // Creating an account for an e-mail that has one is refused, with advice.
    let res = visitor
        .post(
            &victim,
            &[
                ("name", "Mo Medewerker"),
                ("password", "een-nieuw-wachtwoord"),
                ("password_confirm", "een-nieuw-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Er bestaat al een account met dit e-mailadres"),
        "{}",
        res.body
    );
    assert!(res.body.contains(&login_link));
    assert_eq!(visitor.get("/").await.status, StatusCode::SEE_OTHER);
    // Nothing changed: no membership in Ander BV, the invitation still open,
    // the password unchanged.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM invitations WHERE accepted_at IS NOT NULL")
            .await,
        0
    );
    assert_eq!(audited(&app, &ander, "membership.created").await, 1);
    assert_eq!(
        app.client().login(STAFF, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn an_existing_account_accepts_while_signed_in_as_the_invited_email() {
    let app = TestApp::demo().await;
    let ander = other_org(&app).await;
    let mut other_admin = app.login(OTHER_ADMIN).await;
    let path = invite(&mut other_admin, STAFF).await;

    // Signed in as someone else: told so, and accepting is refused.
    let mut wrong = app.login(ADMIN).await;
    let page = wrong.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(STAFF), "names the invited e-mail");
    assert!(page.body.contains(ADMIN), "and who is signed in");
    let refused = wrong.post(&format!("{path}/accept"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(audited(&app, &ander, "invitation.accepted").await, 0);

    // "Log in to accept": the normal login, which returns to the invitation.
    let mut staff = app.client();
    let login = staff.get(&format!("/login?next={path}")).await;
    assert!(login.body.contains(&format!("value=\"{path}\"")));
    let res = staff
        .post(
            "/login",
            &[("email", STAFF), ("password", PASSWORD), ("next", &path)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), path);
    let page = staff.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("action=\"{path}/accept\"")),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("name=\"password\""),
        "no password asked"
    );
    let res = staff.post(&format!("{path}/accept"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let home = staff.get("/").await;
    assert!(
        home.body.contains("Ander BV"),
        "starts in the new organisation"
    );
    assert!(home.body.contains("Uitnodiging aangenomen"));
    assert!(
        home.body.contains("name=\"organization_id\""),
        "and can switch between both"
    );
    assert_eq!(audited(&app, &ander, "invitation.accepted").await, 1);
    // Single use.
    assert_eq!(staff.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        staff.post(&format!("{path}/accept"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
}
