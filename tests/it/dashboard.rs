//! The dashboard: my meetings today and later this week (mine only, in the
//! organisation's week), quick actions by role, the customers I changed,
//! what needs an admin's look (never shown to staff), the previous login,
//! activity without logins, both languages, and nothing of another
//! organisation.

use awc::http::StatusCode;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use portaal::db::schema::{api_clients, customers, mail_outbox, meetings};

use crate::support::*;

async fn meeting_id(app: &TestApp, subject: &'static str) -> String {
    app.db(move |c| {
        meetings::table
            .filter(meetings::subject.eq(subject))
            .select(meetings::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

async fn customer_id(app: &TestApp, name: &'static str) -> String {
    app.db(move |c| {
        customers::table
            .filter(customers::name.eq(name))
            .select(customers::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// Plan a meeting through the form (saved even when it overlaps).
async fn plan(
    c: &mut Client,
    employee: &str,
    day: NaiveDate,
    (from, to): (&str, &str),
    subject: &str,
    notes: &str,
) {
    let (from, to) = (format!("{day}T{from}"), format!("{day}T{to}"));
    let res = c
        .post(
            "/meetings",
            &[
                ("subject", subject),
                ("employee_id", employee),
                ("date_from", &from),
                ("date_to", &to),
                ("location_id", ""),
                ("notes", notes),
                ("confirm_overlap", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn new_customer(c: &mut Client, name: &str) {
    let res = c
        .post(
            "/customers",
            &[
                ("name", name),
                ("customer_type", "company"),
                ("email", ""),
                ("phone", ""),
                ("country_code", "NL"),
                ("notes", ""),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// The part of `body` from the element with `id` to the end of its list
/// (empty when there is none).
fn list_of<'a>(body: &'a str, id: &str) -> &'a str {
    let Some(at) = body.find(&format!("id=\"{id}\"")) else {
        return "";
    };
    let rest = &body[at..];
    &rest[..rest.find("</ul>").unwrap()]
}

/// The part of `body` from the heading with `id` to the end of its card.
fn card<'a>(body: &'a str, id: &str) -> &'a str {
    let Some(at) = body.find(&format!("id=\"{id}\"")) else {
        return "";
    };
    let rest = &body[at..];
    &rest[..rest.find("</section>").unwrap()]
}

#[actix_web::test]
async fn each_member_sees_their_own_meetings_today_and_later_this_week() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let (mo, bea) = (user_id(&app, STAFF).await, user_id(&app, ADMIN).await);
    let today = local_day(&app, 0);
    let monday = portaal::domain::local_time::monday_of(today);
    let sunday = monday + Duration::days(6);
    let evening = ("19:00", "19:30");
    plan(&mut admin, &mo, today, evening, "Mo vandaag", "").await;
    plan(
        &mut admin,
        &mo,
        today,
        ("20:00", "20:30"),
        "",
        "Eerste regel\nTweede regel",
    )
    .await;
    plan(&mut admin, &bea, today, evening, "Bea vandaag", "").await;
    plan(&mut admin, &bea, sunday, evening, "Bea zondag", "").await;
    if today < sunday {
        plan(
            &mut admin,
            &mo,
            today + Duration::days(1),
            evening,
            "Mo later",
            "",
        )
        .await;
    }
    if today > monday {
        plan(
            &mut admin,
            &mo,
            today - Duration::days(1),
            evening,
            "Mo gisteren",
            "",
        )
        .await;
    }
    plan(
        &mut admin,
        &mo,
        sunday + Duration::days(1),
        evening,
        "Mo volgende week",
        "",
    )
    .await;

    // Staff first, then the admin at the same data version: the cached
    // part of one is never the other's.
    let mo_page = staff.get("/").await.body;
    let bea_page = admin.get("/").await.body;

    let mo_today = list_of(&mo_page, "my-today");
    let id = meeting_id(&app, "Mo vandaag").await;
    assert!(
        mo_today.contains(&format!("<a href=\"/meetings/{id}\">Mo vandaag</a>")),
        "{mo_page}"
    );
    assert!(mo_today.contains(">19:00 – 19:30</time>"), "{mo_today}");
    assert!(
        mo_today.contains(">Eerste regel</a>"),
        "notes stand in: {mo_today}"
    );
    assert!(!mo_today.contains("Tweede regel"));
    let mo_later = list_of(&mo_page, "my-later");
    if today < sunday {
        assert!(mo_later.contains(">Mo later</a>"), "{mo_page}");
    } else {
        assert!(mo_later.is_empty(), "Sunday: no later this week");
    }
    for not_here in [
        "Mo gisteren",
        "Mo volgende week",
        "Bea vandaag",
        "Bea zondag",
    ] {
        assert!(!mo_page.contains(not_here), "{not_here}: {mo_page}");
    }
    assert!(mo_page.contains("<h2 class=\"card-title\" id=\"my-meetings\">Mijn afspraken</h2>"));

    assert!(
        list_of(&bea_page, "my-today").contains(">Bea vandaag</a>"),
        "{bea_page}"
    );
    if today < sunday {
        assert!(list_of(&bea_page, "my-later").contains(">Bea zondag</a>"));
    }
    assert!(!bea_page.contains("Mo vandaag"), "{bea_page}");
    assert!(!bea_page.contains("Eerste regel"));

    // In English too.
    let res = staff
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let english = staff.get("/").await.body;
    assert!(
        english.contains("id=\"my-meetings\">My meetings</h2>"),
        "{english}"
    );
    assert!(english.contains(">Today</h3>"));
    assert!(list_of(&english, "my-today").contains(">Mo vandaag</a>"));
}

#[actix_web::test]
async fn no_meetings_this_week_says_so_and_offers_to_plan_one() {
    let app = TestApp::demo().await;
    let mut other = app.other_admin().await;
    let body = other.get("/").await.body;
    let meetings = card(&body, "my-meetings");
    assert!(
        meetings.contains("U heeft vandaag en de rest van deze week geen afspraken."),
        "{body}"
    );
    assert!(
        meetings.contains("href=\"/meetings/new\">Plan een afspraak</a>"),
        "{meetings}"
    );
    // Nothing of Demo BV: its meetings, customers, clients, activity.
    for demo in [
        "Weekstart",
        "Intakegesprek",
        "Oude webshop",
        "Boekhouding-koppeling",
        "Mo Medewerker",
        "Bea Beheer",
    ] {
        assert!(!body.contains(demo), "{demo} of Demo BV: {body}");
    }
    assert!(
        card(&body, "my-customers").contains("U heeft nog geen klanten aangemaakt of gewijzigd."),
        "{body}"
    );
    // An admin whose organisation needs nothing: a calm line.
    assert!(
        card(&body, "attention-title").contains("Alles in orde"),
        "{body}"
    );
}

#[actix_web::test]
async fn quick_actions_are_those_the_role_may_do() {
    let app = TestApp::demo().await;
    for who in [ADMIN, STAFF] {
        let mut c = app.login(who).await;
        let body = c.get("/").await.body;
        let actions = list_of(&body, "quick-title");
        assert!(actions.contains("href=\"/meetings/new\">"), "{who}: {body}");
        assert!(
            actions.contains("href=\"/customers/new\">"),
            "{who}: {actions}"
        );
        assert_eq!(actions.matches("<li>").count(), 2, "{actions}");
        assert!(
            body.contains("<h2 class=\"visually-hidden\" id=\"quick-title\">Snelle acties</h2>")
        );
        for path in ["/meetings/new", "/customers/new"] {
            assert_eq!(c.get(path).await.status, StatusCode::OK, "{who} {path}");
        }
    }
}

#[actix_web::test]
async fn customers_i_changed_are_mine_newest_first_and_still_there() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    assert!(
        card(&staff.get("/").await.body, "my-customers")
            .contains("U heeft nog geen klanten aangemaakt of gewijzigd."),
        "the demo customers are not Mo's"
    );
    for name in [
        "Mo Een", "Mo Twee", "Mo Drie", "Mo Vier", "Mo Vijf", "Mo Zes",
    ] {
        new_customer(&mut staff, name).await;
        app.clock.advance(Duration::seconds(1));
    }
    new_customer(&mut admin, "Van Bea").await;
    // Mo changes the first one again: it leads the list.
    let een = customer_id(&app, "Mo Een").await;
    let version: i32 = {
        let een = een.clone();
        app.db(move |c| {
            customers::table
                .find(een)
                .select(customers::version)
                .first(c)
                .unwrap()
        })
        .await
    };
    let version = version.to_string();
    let res = staff
        .post(
            &format!("/customers/{een}"),
            &[
                ("name", "Mo Een BV"),
                ("customer_type", "company"),
                ("email", ""),
                ("phone", ""),
                ("country_code", "NL"),
                ("notes", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.clock.advance(Duration::seconds(1));
    // The admin deletes one of Mo's: it leaves his list.
    let zes = customer_id(&app, "Mo Zes").await;
    let res = admin.post(&format!("/customers/{zes}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let body = staff.get("/").await.body;
    let list = list_of(&body, "my-customer-list");
    let names: Vec<&str> = list
        .split("</a>")
        .filter_map(|s| s.rfind('>').map(|at| &s[at + 1..]))
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(
        names,
        ["Mo Een BV", "Mo Vijf", "Mo Vier", "Mo Drie", "Mo Twee"],
        "{list}"
    );
    assert!(list.contains(&format!("<a href=\"/customers/{een}\">Mo Een BV</a>")));
    assert!(!body.contains("Van Bea"), "another member's change");
    let bea = admin.get("/").await.body;
    assert!(
        list_of(&bea, "my-customer-list").contains(">Van Bea</a>"),
        "{bea}"
    );
    assert!(!list_of(&bea, "my-customer-list").contains("Mo Twee"));
}

#[actix_web::test]
async fn admins_see_what_needs_a_look_and_staff_never_do() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let body = admin.get("/").await.body;
    let attention = card(&body, "attention-title");
    // The demo's old, disabled client.
    let old: String = app
        .db(|c| {
            api_clients::table
                .filter(api_clients::name.eq("Oude webshop"))
                .select(api_clients::id)
                .first(c)
                .unwrap()
        })
        .await;
    assert!(
        attention.contains(&format!(
            "<a href=\"/settings/api-clients/{old}\">Oude webshop</a><span class=\"muted\">geblokkeerd</span>"
        )),
        "{body}"
    );
    assert!(
        !attention.contains("Boekhouding-koppeling"),
        "in use, no expiry"
    );
    // The demo's invitation whose mail bounced.
    assert!(
        attention
            .contains("<a href=\"/settings/users#inv-title\">Openstaande uitnodigingen: 1</a>"),
        "{attention}"
    );
    assert!(
        attention.contains("<a href=\"/settings/outbox\">Mislukte mail in de outbox: 1</a>"),
        "{attention}"
    );

    // An invitation, its mail failing, a client about to expire.
    let res = admin
        .post(
            "/settings/users/invite",
            &[("email", "nieuw@collega.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.db(|c| {
        diesel::update(mail_outbox::table.filter(mail_outbox::recipient.eq("nieuw@collega.test")))
            .set((
                mail_outbox::status.eq("failed"),
                mail_outbox::attempts.eq(1),
                mail_outbox::last_error.eq("550 mailbox unavailable"),
            ))
            .execute(c)
            .unwrap()
    })
    .await;
    let soon = {
        use portaal::clock::Clock;
        app.clock.now() + Duration::days(10)
    };
    app.db(move |c| {
        diesel::update(api_clients::table.filter(api_clients::name.eq("Boekhouding-koppeling")))
            .set(api_clients::expires_at.eq(Some(soon)))
            .execute(c)
            .unwrap()
    })
    .await;
    let body = admin.get("/").await.body;
    let attention = card(&body, "attention-title");
    assert!(
        attention
            .contains("<a href=\"/settings/users#inv-title\">Openstaande uitnodigingen: 2</a>"),
        "{attention}"
    );
    assert!(
        attention.contains("<a href=\"/settings/outbox\">Mislukte mail in de outbox: 2</a>"),
        "{attention}"
    );
    let expiry = portaal::i18n::Lang::Nl.datetime(soon, chrono_tz::Europe::Amsterdam);
    assert!(
        attention.contains(&format!(
            ">Boekhouding-koppeling</a><span class=\"muted\">verloopt op {expiry}</span>"
        )),
        "{attention}"
    );
    assert!(!attention.contains("Alles in orde"));
    // The links lead somewhere the admin may go.
    for path in ["/settings/users", "/settings/outbox"] {
        assert_eq!(admin.get(path).await.status, StatusCode::OK);
    }

    // In English.
    let res = admin
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let english = admin.get("/").await.body;
    let attention = card(&english, "attention-title");
    assert!(attention.contains(">Needs attention</h2>"), "{english}");
    assert!(attention.contains(">Pending invitations: 2</a>"));
    assert!(attention.contains(">Mail that failed, in the outbox: 2</a>"));
    assert!(attention.contains("<span class=\"muted\">blocked</span>"));
    assert!(attention.contains(">API clients that need a look</h3>"));

    // Staff: none of it.
    let body = staff.get("/").await.body;
    for admin_only in [
        "attention-title",
        "Aandacht nodig",
        "Oude webshop",
        "Openstaande uitnodigingen",
        "Mislukte mail",
        "Alles in orde",
        "Recente activiteit",
    ] {
        assert!(!body.contains(admin_only), "{admin_only}: {body}");
    }
}

#[actix_web::test]
async fn the_activity_leaves_out_logins_and_logouts() {
    let app = TestApp::demo().await;
    app.clock.advance(Duration::minutes(1));
    let mut staff = app.login(STAFF).await;
    new_customer(&mut staff, "Garage Hoek").await;
    app.clock.advance(Duration::minutes(1));
    // A failed login, a logout, another login: none of them a change.
    let res = app.client().login(STAFF, "fout-wachtwoord").await;
    assert_ne!(res.status, StatusCode::SEE_OTHER);
    let res = staff.post("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut admin = app.login(ADMIN).await;
    let body = admin.get("/").await.body;
    let activity = card(&body, "activity-title");
    let first_row = &activity[activity.find("<tbody>").unwrap()..];
    let first_row = &first_row[..first_row.find("</tr>").unwrap()];
    assert!(
        first_row.contains("<td>Mo Medewerker</td><td>Klant aangemaakt: <a href=\"/customers/"),
        "the newest change leads, not the logins after it: {first_row}"
    );
    for not_a_change in ["Ingelogd", "Uitgelogd", "Mislukte inlogpoging"] {
        assert!(
            !activity.contains(not_a_change),
            "{not_a_change}: {activity}"
        );
    }
    // The audit log still has them.
    let log = admin.get("/settings/audit-log").await.body;
    assert!(log.contains("Uitgelogd"), "{log}");
}

/// A password change ends every login and carries this one on in a fresh
/// session: "Last login" still shows the login before this one.
#[actix_web::test]
async fn a_password_change_keeps_the_previous_login() {
    use portaal::clock::Clock;
    let app = TestApp::demo().await;
    let _first = app.login(STAFF).await;
    let first_at = portaal::i18n::Lang::Nl.datetime(app.clock.now(), chrono_tz::Europe::Amsterdam);
    app.clock.advance(Duration::hours(5));
    let mut c = app.login(STAFF).await;
    let shown = |body: &str| {
        body.contains(&format!(
            "{first_at}</span><span class=\"stat-label\">Laatst ingelogd</span>"
        ))
    };
    assert!(shown(&c.get("/").await.body), "before the change");
    const NEW: &str = "Een-Heel-Nieuw-Wachtwoord-42";
    let res = c
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let body = c.get("/").await.body;
    assert!(shown(&body), "after the change, still {first_at}: {body}");
}

/// A full day shows its first ten meetings and links the rest in the
/// member's week: the dashboard stays short however busy the week.
#[actix_web::test]
async fn a_full_day_shows_ten_meetings_and_links_the_week() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let mo = user_id(&app, STAFF).await;
    let today = local_day(&app, 0);
    // The demo's own meetings of today (at most a few, later in the day).
    let before = list_of(&staff.get("/").await.body, "my-today")
        .matches("<li>")
        .count();
    for n in 0..13 {
        let subject = format!("Overleg {n:02}");
        plan(&mut admin, &mo, today, ("06:00", "06:30"), &subject, "").await;
    }
    let page = staff.get("/").await.body;
    let listed = list_of(&page, "my-today");
    assert_eq!(listed.matches("<li>").count(), 10, "{listed}");
    assert!(listed.contains(">Overleg 00</a>"));
    assert!(!listed.contains(">Overleg 10</a>"));
    assert!(
        page.contains(&format!(
            "<a href=\"/meetings/week?employee={mo}\">Nog {} in uw week</a>",
            before + 13 - 10
        )),
        "{}",
        card(&page, "my-meetings")
    );
    // Bea has only the demo's few meetings today: no link.
    let page = admin.get("/").await.body;
    assert!(!page.contains("in uw week</a>"));
}
