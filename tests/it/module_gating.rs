//! Module gating for every operation of every gated module, read from the
//! catalogue: the one permission check, the backoffice's screens (403 with
//! the module page; admins get the link to the subscription), the API
//! (403 `module_not_subscribed` naming the module), the navigation, and
//! the API client's permission matrix.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::db::schema::{
    api_clients, contacts, customers, meetings, subscriptions, webhook_endpoints,
};
use portaal::domain::actor::Actor;
use portaal::domain::entitlement::{InEffect, Status};
use portaal::domain::modules::{Module, Modules};
use portaal::domain::scopes::{Operation, Role};
use portaal::error::AppError;
use portaal::i18n::{Lang, fill};

use crate::support::api::*;
use crate::support::*;

fn gated() -> impl Iterator<Item = (Operation, Module)> {
    Operation::ALL
        .iter()
        .filter_map(|op| op.module().map(|m| (*op, m)))
}

#[test]
fn every_gated_operation_is_refused_by_the_one_check_when_its_module_is_off() {
    assert!(gated().count() > 10, "the catalogue names its modules");
    for role in Role::ALL {
        for (op, module) in gated() {
            let actor = |modules| {
                Actor::member("org".into(), "u".into(), "U".into(), role, None).with_entitlement(
                    InEffect {
                        status: Status::Active,
                        modules,
                        readable: modules,
                    },
                )
            };
            let on = actor(Modules::ALL);
            if !role.scopes().allows(op) {
                continue;
            }
            assert!(on.require(op).is_ok(), "{}", op.name());
            let off = actor(Modules::ALL.without(module));
            match off.require(op) {
                Err(AppError::ModuleNotSubscribed {
                    module: m,
                    operation,
                }) => {
                    assert_eq!(m, module, "{}", op.name());
                    assert_eq!(operation, Some(op));
                }
                other => panic!("{}: {other:?}", op.name()),
            }
            assert!(!off.can(op));
            // Every other module off changes nothing for this operation.
            let others = actor(Modules::NONE.with(module));
            assert!(others.require(op).is_ok(), "{}", op.name());
        }
    }
}

/// Demo BV's current subscription, stored as `status` with `modules`.
async fn set_subscription(app: &TestApp, status: &'static str, modules: Modules) {
    let org = org_id(app, false).await;
    app.db(move |c| {
        diesel::update(
            subscriptions::table
                .filter(subscriptions::organization_id.eq(org))
                .filter(subscriptions::is_current.eq(true)),
        )
        .set((
            subscriptions::status.eq(status),
            subscriptions::modules.eq(modules.to_stored()),
            subscriptions::cancel_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(c)
        .unwrap()
    })
    .await;
}

/// Ids of Demo BV's records: a customer with a contact, a meeting, an API
/// client.
struct Ids {
    customer: String,
    contact: String,
    meeting: String,
    client: String,
    webhook: String,
}

async fn ids(app: &TestApp) -> Ids {
    let org = org_id(app, false).await;
    app.db(move |c| {
        let (contact, customer): (String, String) = contacts::table
            .inner_join(customers::table)
            .filter(customers::organization_id.eq(&org))
            .select((contacts::id, contacts::customer_id))
            .first(c)
            .unwrap();
        let meeting = meetings::table
            .filter(meetings::organization_id.eq(&org))
            .select(meetings::id)
            .first(c)
            .unwrap();
        let client = api_clients::table
            .filter(api_clients::organization_id.eq(&org))
            .select(api_clients::id)
            .first(c)
            .unwrap();
        let webhook = webhook_endpoints::table
            .filter(webhook_endpoints::organization_id.eq(&org))
            .select(webhook_endpoints::id)
            .first(c)
            .unwrap();
        Ids {
            customer,
            contact,
            meeting,
            client,
            webhook,
        }
    })
    .await
}

/// Every backoffice route of a gated module (as in the modules' route
/// tables: `web::customers`, `web::meetings`, `web::api_clients`).
fn screen_routes(i: &Ids) -> Vec<(Module, &'static str, String)> {
    let (cu, co, me, cl, wh) = (&i.customer, &i.contact, &i.meeting, &i.client, &i.webhook);
    let mut r = vec![];
    for (m, method, path) in [
        (Module::Customers, "GET", "/customers".to_string()),
        (Module::Customers, "POST", "/customers".to_string()),
        (Module::Customers, "GET", "/customers/new".to_string()),
        (Module::Customers, "GET", "/customers/export".to_string()),
        (Module::Customers, "GET", format!("/customers/{cu}")),
        (Module::Customers, "POST", format!("/customers/{cu}")),
        (Module::Customers, "GET", format!("/customers/{cu}/edit")),
        (Module::Customers, "GET", format!("/customers/{cu}/delete")),
        (Module::Customers, "POST", format!("/customers/{cu}/delete")),
        (
            Module::Customers,
            "GET",
            format!("/customers/{cu}/contacts"),
        ),
        (
            Module::Customers,
            "POST",
            format!("/customers/{cu}/contacts"),
        ),
        (
            Module::Customers,
            "GET",
            format!("/customers/{cu}/contacts/{co}/edit"),
        ),
        (
            Module::Customers,
            "GET",
            format!("/customers/{cu}/contacts/{co}"),
        ),
        (
            Module::Customers,
            "POST",
            format!("/customers/{cu}/contacts/{co}"),
        ),
        (
            Module::Customers,
            "POST",
            format!("/customers/{cu}/contacts/{co}/extensions/TWO_INVOICE"),
        ),
        (
            Module::Customers,
            "POST",
            format!("/customers/{cu}/contacts/{co}/extensions/TWO_INVOICE/remove"),
        ),
        (
            Module::Customers,
            "GET",
            format!("/customers/{cu}/contacts/{co}/delete"),
        ),
        (
            Module::Customers,
            "POST",
            format!("/customers/{cu}/contacts/{co}/delete"),
        ),
        (Module::Meetings, "GET", "/meetings".to_string()),
        (Module::Meetings, "POST", "/meetings".to_string()),
        (Module::Meetings, "GET", "/meetings/new".to_string()),
        (Module::Meetings, "GET", "/meetings/export".to_string()),
        (Module::Meetings, "GET", "/meetings/week".to_string()),
        (
            Module::Meetings,
            "GET",
            "/meetings/choices/location".to_string(),
        ),
        (
            Module::Meetings,
            "GET",
            "/meetings/choices/customer_id".to_string(),
        ),
        (Module::Meetings, "GET", format!("/meetings/{me}")),
        (Module::Meetings, "POST", format!("/meetings/{me}")),
        (Module::Meetings, "GET", format!("/meetings/{me}/delete")),
        (Module::Meetings, "POST", format!("/meetings/{me}/delete")),
        (Module::Api, "GET", "/settings/api-clients".to_string()),
        (Module::Api, "POST", "/settings/api-clients".to_string()),
        (Module::Api, "GET", "/settings/api-clients/new".to_string()),
        (
            Module::Api,
            "POST",
            "/settings/api-clients/matrix".to_string(),
        ),
        (Module::Api, "GET", format!("/settings/api-clients/{cl}")),
        (Module::Api, "POST", format!("/settings/api-clients/{cl}")),
        (
            Module::Api,
            "GET",
            format!("/settings/api-clients/{cl}/edit"),
        ),
        (
            Module::Api,
            "POST",
            format!("/settings/api-clients/{cl}/rotate"),
        ),
        (
            Module::Api,
            "GET",
            format!("/settings/api-clients/{cl}/disable"),
        ),
        (
            Module::Api,
            "POST",
            format!("/settings/api-clients/{cl}/disable"),
        ),
        (
            Module::Api,
            "POST",
            format!("/settings/api-clients/{cl}/enable"),
        ),
        (
            Module::Api,
            "GET",
            format!("/settings/api-clients/{cl}/delete"),
        ),
        (
            Module::Api,
            "POST",
            format!("/settings/api-clients/{cl}/delete"),
        ),
        (
            Module::Api,
            "GET",
            format!("/settings/api-clients/{cl}/test?operation=customer_list"),
        ),
        (Module::Webhooks, "GET", "/settings/webhooks".to_string()),
        (Module::Webhooks, "POST", "/settings/webhooks".to_string()),
        (
            Module::Webhooks,
            "GET",
            "/settings/webhooks/new".to_string(),
        ),
        (Module::Webhooks, "GET", format!("/settings/webhooks/{wh}")),
        (Module::Webhooks, "POST", format!("/settings/webhooks/{wh}")),
        (
            Module::Webhooks,
            "GET",
            format!("/settings/webhooks/{wh}/edit"),
        ),
        (
            Module::Webhooks,
            "POST",
            format!("/settings/webhooks/{wh}/reveal"),
        ),
        (
            Module::Webhooks,
            "POST",
            format!("/settings/webhooks/{wh}/test"),
        ),
        (
            Module::Webhooks,
            "GET",
            format!("/settings/webhooks/{wh}/rotate"),
        ),
        (
            Module::Webhooks,
            "POST",
            format!("/settings/webhooks/{wh}/rotate"),
        ),
        (
            Module::Webhooks,
            "POST",
            format!("/settings/webhooks/{wh}/enable"),
        ),
        (
            Module::Webhooks,
            "GET",
            format!("/settings/webhooks/{wh}/delete"),
        ),
        (
            Module::Webhooks,
            "POST",
            format!("/settings/webhooks/{wh}/delete"),
        ),
        (
            Module::Webhooks,
            "POST",
            format!("/settings/webhooks/{wh}/replay"),
        ),
    ] {
        r.push((m, method, path));
    }
    r
}

#[actix_web::test]
async fn every_screen_of_a_gated_module_answers_403_with_the_module_page_when_awaiting() {
    let app = TestApp::demo().await;
    let i = ids(&app).await;
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    // Every gated module has screens in the table.
    let routes = screen_routes(&i);
    for (_, m) in gated() {
        assert!(routes.iter().any(|r| r.0 == m), "{m:?} has screens");
    }
    // Before: the list screens open.
    for path in [
        "/customers",
        "/meetings",
        "/settings/api-clients",
        "/settings/webhooks",
    ] {
        assert_eq!(admin.get(path).await.status, StatusCode::OK, "{path}");
    }
    // The trial-like awaiting state: every module off.
    set_subscription(&app, "awaiting", Modules::ALL).await;
    let counts_before = app.count("SELECT COUNT(*) AS n FROM audit_events").await;
    for (module, method, path) in &routes {
        let labels = [module.label(Lang::Nl), module.label(Lang::En)];
        let res = match *method {
            "GET" => admin.get(path).await,
            _ => {
                admin
                    .post(path, &[("name", "x"), ("version", "1"), ("grace", "now")])
                    .await
            }
        };
        assert_eq!(res.status, StatusCode::FORBIDDEN, "admin {method} {path}");
        if *method == "GET" && !path.contains("/matrix") {
            assert!(
                labels.iter().any(|l| res.body.contains(l)),
                "admin {method} {path} names the module: {}",
                res.body
            );
            assert!(
                res.body.contains("/settings/subscription"),
                "admin {method} {path}: a link to the subscription"
            );
        }
        // API clients and webhooks are admins' only: staff are refused
        // for their role first.
        if *method == "GET" && !matches!(module, Module::Api | Module::Webhooks) {
            let res = staff.get(path).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "staff {path}");
            // Deleting is refused by the role first (staff may not delete).
            if !path.ends_with("/delete") {
                assert!(labels.iter().any(|l| res.body.contains(l)), "staff {path}");
            }
            // The page itself offers staff no way to change the
            // subscription (the navigation may still list it: staff may
            // read it).
            let page = res
                .body
                .split("error-in-app")
                .nth(1)
                .and_then(|rest| rest.split("</section>").next())
                .unwrap_or_else(|| panic!("staff {path}: the in-app error page"));
            assert!(
                !page.contains("href=\"/settings/subscription\""),
                "staff get no button to a screen they cannot change: {path}"
            );
        }
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events").await,
        counts_before,
        "nothing was written"
    );
    // Core screens stay on.
    for path in ["/", "/locations", "/settings/organization"] {
        assert_eq!(admin.get(path).await.status, StatusCode::OK, "{path}");
    }
}

#[actix_web::test]
async fn the_navigation_hides_the_links_of_modules_that_are_off() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let home = admin.get("/").await.body;
    for link in [
        "href=\"/meetings\"",
        "href=\"/customers\"",
        "href=\"/settings/api-clients\"",
        "href=\"/settings/webhooks\"",
    ] {
        assert!(home.contains(link), "{link} while on");
    }
    for (module, link) in [
        (Module::Meetings, "href=\"/meetings\""),
        (Module::Customers, "href=\"/customers\""),
        (Module::Api, "href=\"/settings/api-clients\""),
        (Module::Webhooks, "href=\"/settings/webhooks\""),
    ] {
        set_subscription(&app, "active", Modules::ALL.without(module)).await;
        let home = admin.get("/locations").await.body;
        assert!(!home.contains(link), "{link} hidden with {module:?} off");
        assert!(home.contains("href=\"/locations\""));
    }
}

/// A concrete path for an API route of the catalogue.
fn api_path(route: &str, i: &Ids) -> String {
    format!(
        "/api/v1{}",
        route
            .replace("{id}", &i.customer)
            .replace("{customerId}", &i.customer)
            .replace("{contactId}", &i.contact)
    )
}

#[actix_web::test]
async fn every_api_route_of_a_gated_module_answers_403_module_not_subscribed() {
    let app = TestApp::demo().await;
    let i = ids(&app).await;
    let all = "admin:organization admin:locations admin:meetings admin:customers admin:languages admin:countries";
    let token = token(&app, all).await;
    let routes: Vec<_> = gated()
        .filter_map(|(op, m)| op.api_route().map(|r| (op, m, r)))
        .collect();
    assert!(routes.len() > 10);
    for module in [Module::Meetings, Module::Customers] {
        set_subscription(&app, "active", Modules::ALL.without(module)).await;
        for (op, m, (method, route)) in &routes {
            let path = api_path(route, &i);
            let path = if *m == Module::Meetings {
                path.replace(&i.customer, &i.meeting)
            } else {
                path
            };
            let a = call(
                &app,
                method,
                &path,
                Some(&token),
                Some(serde_json::json!({})),
            )
            .await;
            if *m == module {
                assert_eq!(
                    a.status,
                    StatusCode::FORBIDDEN,
                    "{} {method} {path}",
                    op.name()
                );
                assert_eq!(a.body["error"], "module_not_subscribed", "{}", a.text);
                assert_eq!(a.body["module"], module.as_str(), "{}", a.text);
            } else {
                assert_ne!(
                    a.body["error"],
                    "module_not_subscribed",
                    "{} {method} {path} with only {module:?} off: {}",
                    op.name(),
                    a.text
                );
            }
        }
    }
    // The api module off: every call is refused, gated or not.
    set_subscription(&app, "active", Modules::ALL.without(Module::Api)).await;
    let every: Vec<_> = Operation::ALL
        .iter()
        .filter_map(|op| op.api_route().map(|r| (*op, r)))
        .collect();
    for (op, (method, route)) in every {
        let path = api_path(route, &i);
        let a = call(
            &app,
            method,
            &path,
            Some(&token),
            Some(serde_json::json!({})),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::FORBIDDEN,
            "{} {method} {path}",
            op.name()
        );
        assert_eq!(a.body["error"], "module_not_subscribed", "{}", a.text);
        assert_eq!(a.body["module"], "api", "{}", a.text);
    }
}

#[actix_web::test]
async fn the_permission_matrix_says_which_module_is_off() {
    let app = TestApp::demo().await;
    let i = ids(&app).await;
    let mut admin = app.login(ADMIN).await;
    let page = admin
        .get(&format!("/settings/api-clients/{}", i.client))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let off = |lang: Lang, m: Module| fill(lang.t().ac_module_off, &[&m.label(lang)]);
    assert!(!page.body.contains(&off(Lang::Nl, Module::Customers)));
    assert!(!page.body.contains(&off(Lang::En, Module::Customers)));
    set_subscription(
        &app,
        "active",
        Modules::ALL
            .without(Module::Customers)
            .without(Module::Meetings),
    )
    .await;
    let page = admin
        .get(&format!("/settings/api-clients/{}", i.client))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let has = |m| {
        [Lang::Nl, Lang::En]
            .iter()
            .any(|l| page.body.contains(&off(*l, m)))
    };
    assert!(has(Module::Customers), "{}", page.body);
    assert!(has(Module::Meetings));
    // The live matrix (htmx) too, on the new client's form.
    let res = admin
        .post(
            "/settings/api-clients/matrix",
            &[("scopes", "admin:customers"), ("scopes", "read:locations")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        [Lang::Nl, Lang::En]
            .iter()
            .any(|l| res.body.contains(&off(*l, Module::Customers))),
        "{}",
        res.body
    );
    // The dry-run tester says so as well.
    let res = admin
        .get(&format!(
            "/settings/api-clients/{}/test?operation=customer_list",
            i.client
        ))
        .await;
    assert!(
        [Lang::Nl, Lang::En]
            .iter()
            .any(|l| res.body.contains(&off(*l, Module::Customers))),
        "{}",
        res.body
    );
}
