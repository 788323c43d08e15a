//! The attack on Portaal (issue 14), one module per finding. Each test was
//! run against the code before its fix and failed there; each runs on both
//! backends.

mod bounded_fields;
mod image_budget;
mod introspection_and_cookies;
mod invitation_mail;
mod invitation_takeover;
mod member_disable;
mod overflow;
mod redirects;
mod shown_once;
mod throttles;

use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::domain::actor::AuditActor;
use portaal::domain::scopes::Role;

use crate::support::*;

/// The admin of the second organisation, "Ander BV", made with
/// `create-admin` as in the attack.
pub const OTHER_ADMIN: &str = "baas@ander.test";

/// Create "Ander BV" with its admin; returns the organisation's id.
pub async fn other_org(app: &TestApp) -> String {
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = app.clock.now();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, OTHER_ADMIN, "Ander BV", &hash, 30)
            .unwrap()
            .0
            .id
    })
    .await
}

/// Give the account `email` a membership in `org` with `role`.
pub async fn add_member(app: &TestApp, email: &'static str, org: &str, role: Role) {
    let (org, now) = (org.to_string(), app.clock.now());
    app.db(move |c| {
        let user = portaal::domain::users::find_by_email(c, email)
            .unwrap()
            .unwrap();
        portaal::domain::users::add_membership(
            c,
            now,
            &AuditActor::system("test"),
            &org,
            &user.id,
            role,
        )
        .unwrap()
    })
    .await
}

/// How many audit events of `action` an organisation has.
pub async fn audited(app: &TestApp, org: &str, action: &'static str) -> i64 {
    use portaal::db::schema::audit_events;
    let org = org.to_string();
    app.db(move |c| {
        audit_events::table
            .filter(audit_events::organization_id.eq(org))
            .filter(audit_events::action.eq(action))
            .count()
            .get_result::<i64>(c)
            .unwrap()
    })
    .await
}
