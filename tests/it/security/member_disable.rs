//! Finding 1 (high): "Disable member" set the account-wide `users.disabled`,
//! so one organisation's admin could lock another organisation's admin out,
//! and "enable" undid another organisation's decision. Disabling is per
//! membership now.

use awc::http::StatusCode;
use portaal::domain::scopes::Role;

use super::*;
use crate::support::api::org_id;

#[actix_web::test]
async fn disabling_ends_one_membership_and_nothing_else() {
    let app = TestApp::demo().await;
    let demo = org_id(&app, false).await;
    let ander = other_org(&app).await;
    // Ander BV's only admin also works for Demo BV, as staff.
    add_member(&app, OTHER_ADMIN, &demo, Role::Access).await;
    let mut demo_admin = app.login(ADMIN).await;
    let mut other_admin = app.login(OTHER_ADMIN).await;
    assert!(other_admin.get("/").await.body.contains("Ander BV"));

    // Demo BV disables them in Demo BV.
    let m = membership(&app, OTHER_ADMIN, &demo).await;
    let confirm = demo_admin
        .get(&format!("/settings/users/{m}/disable"))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm
            .body
            .contains("verliest direct de toegang tot deze organisatie"),
        "the confirmation says what it does: {}",
        confirm.body
    );
    let res = demo_admin
        .post(&format!("/settings/users/{m}/disable"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Their session keeps working in Ander BV, where they are still admin…
    let users = other_admin.get("/settings/users").await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.body);
    assert!(users.body.contains("Ander BV"));
    // … but not in Demo BV: it is gone from their organisations.
    let switch = other_admin
        .post("/organization/switch", &[("organization_id", &demo)])
        .await;
    assert_eq!(switch.status, StatusCode::NOT_FOUND);
    // Logging in still works (the account is untouched), into Ander BV.
    let mut again = app.client();
    assert_eq!(
        again.login(OTHER_ADMIN, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let home = again.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Ander BV"));
    // Demo BV's list shows the membership disabled, Ander BV's does not.
    let demo_list = demo_admin.get("/settings/users").await.body;
    let at = demo_list.find(OTHER_ADMIN).unwrap();
    let row = &demo_list[demo_list[..at].rfind("<tr").unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains("Geblokkeerd"));
    let ander_list = other_admin.get("/settings/users").await.body;
    assert!(!ander_list.contains("badge-danger"), "{ander_list}");

    // Each organisation audits its own decision, and only that.
    assert_eq!(audited(&app, &demo, "membership.disabled").await, 1);
    assert_eq!(audited(&app, &ander, "membership.disabled").await, 0);
    assert_eq!(audited(&app, &demo, "user.disabled").await, 0);

    // Ander BV cannot undo Demo BV's decision: disabling and enabling the
    // same person in Ander BV leaves Demo BV's membership disabled.
    add_member(&app, STAFF, &ander, Role::Access).await;
    let staff_demo = membership(&app, STAFF, &demo).await;
    let staff_ander = membership(&app, STAFF, &ander).await;
    let res = demo_admin
        .post(&format!("/settings/users/{staff_demo}/disable"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    for action in ["disable", "enable"] {
        let res = other_admin
            .post(&format!("/settings/users/{staff_ander}/{action}"), &[])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{action}: {}", res.body);
    }
    let mut staff = app.login(STAFF).await;
    let home = staff.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Ander BV"));
    let switch = staff
        .post("/organization/switch", &[("organization_id", &demo)])
        .await;
    assert_eq!(switch.status, StatusCode::NOT_FOUND, "still disabled there");
    assert_eq!(audited(&app, &ander, "membership.enabled").await, 1);
    assert_eq!(audited(&app, &demo, "membership.enabled").await, 0);

    // And Demo BV's own "enable" restores Demo BV only.
    demo_admin
        .post(&format!("/settings/users/{staff_demo}/enable"), &[])
        .await;
    let switch = staff
        .post("/organization/switch", &[("organization_id", &demo)])
        .await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn the_last_admin_rule_counts_the_organisations_own_enabled_admins() {
    let app = TestApp::demo().await;
    let demo = org_id(&app, false).await;
    let ander = other_org(&app).await;
    // The demo admin is admin in Ander BV too; Ander BV's own admin is
    // disabled there by the demo admin: the demo admin is then Ander BV's
    // last enabled admin and cannot be disabled or demoted there.
    add_member(&app, ADMIN, &ander, Role::Backoffice).await;
    let mut demo_admin = app.login(ADMIN).await;
    demo_admin
        .post("/organization/switch", &[("organization_id", &ander)])
        .await;
    let theirs = membership(&app, OTHER_ADMIN, &ander).await;
    let res = demo_admin
        .post(&format!("/settings/users/{theirs}/disable"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut other_admin = app.client();
    other_admin.login(OTHER_ADMIN, PASSWORD).await;
    let page = other_admin.get("/").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "in no organisation now");
    let mine = membership(&app, ADMIN, &ander).await;
    let refused = demo_admin
        .post(&format!("/settings/users/{mine}/disable"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = demo_admin
        .post(
            &format!("/settings/users/{mine}/role"),
            &[("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Demo BV is untouched by all of this.
    assert_eq!(audited(&app, &demo, "membership.disabled").await, 0);
}
