//! The demo data loaded by `serve --demo`: created once, idempotent on
//! restart. Every feature adds its part here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::mail_outbox;

use crate::db::{self, DbConn};
use crate::domain::actor::Actor;
use crate::domain::actor::AuditActor;
use crate::domain::api_clients::{self, ClientInput};
use crate::domain::billing::{self, BillingInput};
use crate::domain::contacts::{self, ContactPatch};
use crate::domain::coupons;
use crate::domain::customers::{self, CustomerInput};
use crate::domain::invoices;
use crate::domain::local_time;
use crate::domain::locations::{self, LocationInput};
use crate::domain::meetings::{self, MeetingInput};
use crate::domain::modules::Modules;
use crate::domain::operators;
use crate::domain::payments;
use crate::domain::proration::Interval;
use crate::domain::scopes::Role;
use crate::domain::secret_box::DataKey;
use crate::domain::seller;
use crate::domain::subscriptions;
use crate::domain::webhook_deliveries::{self, Outcome};
use crate::domain::webhook_events;
use crate::domain::webhooks::{self, EndpointInput};
use crate::domain::{members, organizations, reference, users};
use crate::error::AppError;

/// The demo organisation's slug.
pub const ORG_SLUG: &str = "demo-bv";
/// The demo admin.
pub const ADMIN_EMAIL: &str = "beheer@demo.portaal.test";
/// The demo staff member.
pub const STAFF_EMAIL: &str = "medewerker@demo.portaal.test";
/// The demo operator (runs Portaal itself, `/platform`; in no organisation).
pub const OPERATOR_EMAIL: &str = "operator@demo.portaal.test";
/// A colleague invited the day before, whose invitation mail bounced.
pub const INVITED_EMAIL: &str = "sanne.visser@demo.portaal.test";
/// The demo locations: name, street, postal code, city, office hours.
type DemoLocation = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(i32, i32)>,
);
const DEMO_LOCATIONS: [DemoLocation; 3] = [
    (
        "Hoofdkantoor Utrecht",
        "Stationsplein 1",
        "3511 ED",
        "Utrecht",
        Some((8, 18)),
    ),
    (
        "Vestiging Amsterdam",
        "Keizersgracht 100",
        "1015 CV",
        "Amsterdam",
        Some((9, 17)),
    ),
    (
        "Werkplaats Rotterdam",
        "Maashaven 12",
        "3072 AH",
        "Rotterdam",
        None,
    ),
];

/// The operator's coupons: code, kind, value, duration, months, most
/// redemptions, plans (none: every plan). The first is applied to Demo BV.
type DemoCoupon<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a [&'a str],
);
const DEMO_COUPONS: [DemoCoupon<'static>; 3] = [
    ("WELKOM20", "percent", "20", "repeating", "3", "", &[]),
    (
        "JAARKORTING",
        "amount",
        "50,00",
        "once",
        "",
        "100",
        &["plus"],
    ),
    ("PARTNER10", "percent", "10", "forever", "", "1", &["basis"]),
];

/// The password of every demo user.
pub const PASSWORD: &str = "demo-wachtwoord";
/// The languages the demo organisation works in.
pub const LANGUAGES: [&str; 3] = ["nl", "en", "de"];

/// Create the demo organisations and users unless they exist. `hash` turns a
/// password into a stored hash; `public_url` starts the invitation's link;
/// `key` seals the demo webhook's secret. Returns `true` when something was
/// created.
pub fn ensure(
    conn: &mut DbConn,
    now: NaiveDateTime,
    public_url: &str,
    key: &DataKey,
    hash: impl Fn(&str) -> anyhow::Result<String>,
) -> Result<bool, AppError> {
    if organizations::find_by_slug(conn, ORG_SLUG)?.is_some() {
        return Ok(false);
    }
    let admin_hash = hash(PASSWORD)?;
    let staff_hash = hash(PASSWORD)?;
    let operator_hash = hash(PASSWORD)?;
    // The demo clients' secrets are never shown: rotate one to get a secret.
    let client_hashes = [
        hash(&api_clients::new_secret())?,
        hash(&api_clients::new_secret())?,
    ];
    let actor = AuditActor::system("demo");
    db::write(conn, |conn| {
        let org = organizations::create(conn, now, &actor, "Demo BV", true, 30)?;
        let partner = organizations::create(conn, now, &actor, "Demo Partner BV", true, 5)?;
        let admin = match users::find_by_email(conn, ADMIN_EMAIL)? {
            Some(u) => u,
            None => users::create(
                conn,
                now,
                &actor,
                Some(&org.id),
                ADMIN_EMAIL,
                "Bea Beheer",
                &admin_hash,
            )?,
        };
        let staff = match users::find_by_email(conn, STAFF_EMAIL)? {
            Some(u) => u,
            None => users::create(
                conn,
                now,
                &actor,
                Some(&org.id),
                STAFF_EMAIL,
                "Mo Medewerker",
                &staff_hash,
            )?,
        };
        let operator = match users::find_by_email(conn, OPERATOR_EMAIL)? {
            Some(u) => u,
            None => users::create(
                conn,
                now,
                &actor,
                None,
                OPERATOR_EMAIL,
                "Olga Operator",
                &operator_hash,
            )?,
        };
        operators::set_in(conn, now, &actor, &operator.id, OPERATOR_EMAIL, true)?;
        users::add_membership(conn, now, &actor, &org.id, &admin.id, Role::Backoffice)?;
        users::add_membership(conn, now, &actor, &org.id, &staff.id, Role::Access)?;
        users::add_membership(conn, now, &actor, &partner.id, &admin.id, Role::Access)?;
        let as_admin = Actor::member(
            org.id.clone(),
            admin.id.clone(),
            admin.name.clone(),
            Role::Backoffice,
            None,
        );
        api_clients::create(
            conn,
            now,
            &as_admin,
            &ClientInput {
                name: "Boekhouding-koppeling".into(),
                description: "Leest klanten en houdt hun contactpersonen bij.".into(),
                scopes: vec![
                    "read:customers".into(),
                    "write:customers:/contacts".into(),
                    "read:locations".into(),
                ],
                expires_on: String::new(),
            },
            &client_hashes[0],
        )?;
        // An old integration nobody uses any more: idle for months, disabled.
        let old = api_clients::create(
            conn,
            now - chrono::Duration::days(120),
            &as_admin,
            &ClientInput {
                name: "Oude webshop".into(),
                description: String::new(),
                scopes: vec![
                    "write:organization:/mail-footer".into(),
                    "admin:meetings".into(),
                ],
                expires_on: String::new(),
            },
            &client_hashes[1],
        )?;
        organizations::update_mail_footer(
            conn,
            now,
            &as_admin,
            "**Demo BV** — Stationsplein 1, 3511 ED Utrecht\nTel. 030 123 45 67\n\n*Bereikbaar op werkdagen van 9 tot 17 uur.* [demo.portaal.test](https://demo.portaal.test)",
            org.version,
        )?;
        api_clients::set_disabled(conn, now, &as_admin, &old.id, true)?;
        billing::save(
            conn,
            now,
            &as_admin,
            &BillingInput {
                legal_name: "Demo B.V.".into(),
                address_line: "Stationsplein 1".into(),
                postal_code: "3511 ED".into(),
                city: "Utrecht".into(),
                country_code: "NL".into(),
                invoice_email: "administratie@demo.portaal.test".into(),
                vat_id: "NL862301546B01".into(),
                kvk_number: "30123456".into(),
                version: 0,
            },
        )?;
        // Demo BV pays yearly for the larger plan, for two years now;
        // Demo Partner BV is in the last days of its trial.
        let as_operator = operators::Operator {
            user_id: operator.id.clone(),
            name: operator.name.clone(),
            ip: None,
        };
        demo_seller(conn, now, &as_operator)?;
        billing_history(conn, now, &as_admin, &as_operator)?;
        for (code, kind, value, duration, months, max, plans) in DEMO_COUPONS {
            coupons::create(
                conn,
                now,
                &actor,
                &coupons::CouponInput {
                    code: code.into(),
                    kind: kind.into(),
                    value: value.into(),
                    duration: duration.into(),
                    duration_months: months.into(),
                    max_redemptions: max.into(),
                    redeem_by: String::new(),
                    plans: plans.iter().map(|p| p.to_string()).collect(),
                },
            )?;
        }
        coupons::apply(conn, now, &as_admin, DEMO_COUPONS[0].0, false)?;
        for (name, street, postal, city, hours) in DEMO_LOCATIONS {
            locations::create(
                conn,
                now,
                &as_admin,
                &LocationInput {
                    name: name.into(),
                    address_line1: street.into(),
                    postal_code: postal.into(),
                    city: city.into(),
                    country_code: "NL".into(),
                    office_open_hour: hours.map(|h| h.0.to_string()).unwrap_or_default(),
                    office_close_hour: hours.map(|h| h.1.to_string()).unwrap_or_default(),
                    ..LocationInput::default()
                },
            )?;
        }
        for code in LANGUAGES {
            reference::set_language_enabled(conn, now, &as_admin, code, true)?;
        }
        let tz = org
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Europe::Amsterdam);
        demo_customers(conn, now, &as_admin)?;
        week_of_meetings(conn, now, &as_admin, tz, &admin.id, &staff.id)?;
        invitation_that_bounced(conn, now, &as_admin, public_url)?;
        // Last: an enabled endpoint would get a message for every change.
        demo_webhook(conn, now, &as_admin, key)?;
        Ok(true)
    })
}

/// The seller on Portaal's invoices, complete.
fn demo_seller(
    conn: &mut DbConn,
    now: NaiveDateTime,
    as_operator: &operators::Operator,
) -> Result<(), AppError> {
    let version = seller::get(conn)?.version;
    seller::save(
        conn,
        now,
        &as_operator.audit(),
        &seller::SellerInput {
            legal_name: "Portaal B.V.".into(),
            address_line: "Catharijnesingel 10".into(),
            postal_code: "3511 GB".into(),
            city: "Utrecht".into(),
            country_code: "NL".into(),
            email: "facturen@portaal.test".into(),
            vat_id: "NL123456782B01".into(),
            kvk_number: "87654321".into(),
            iban: "NL91 ABNA 0417 1643 00".into(),
            bic: "ABNANL2A".into(),
            payment_term_days: "14".into(),
            invoice_prefix: "PF-".into(),
            credit_note_prefix: "PC-".into(),
            version,
        },
    )?;
    Ok(())
}

/// Demo BV's two years on the yearly plan, through the real code paths:
/// started (invoiced, paid), a seat added (invoiced at once, paid),
/// renewed (paid), another seat added (invoiced, then voided with a credit
/// note), renewed three days ago (open, due in eleven days).
fn billing_history(
    conn: &mut DbConn,
    now: NaiveDateTime,
    as_admin: &Actor,
    as_operator: &operators::Operator,
) -> Result<(), AppError> {
    use chrono::Duration;
    let system = AuditActor::system("invoices");
    let org = as_admin.organization_id.clone();
    let issue =
        |conn: &mut DbConn, at: NaiveDateTime| -> Result<Vec<invoices::Invoice>, AppError> {
            invoices::drafts_due(conn, 10)?
                .iter()
                .map(|id| invoices::finalize(conn, at, &system, id))
                .collect()
        };
    let pay = |conn: &mut DbConn, at: NaiveDateTime, i: &invoices::Invoice| {
        let day = at.date().format("%Y-%m-%d").to_string();
        let reference = format!("NL-DEMO-{}", i.sequence.unwrap_or_default());
        payments::mark_paid(conn, at, as_operator, &i.id, i.version, &day, &reference)
    };
    let seats = |conn: &mut DbConn, at: NaiveDateTime, n: i64| -> Result<(), AppError> {
        let s = subscriptions::current(conn, as_admin)?;
        let order = subscriptions::Order {
            plan: "plus".into(),
            interval: Interval::Year,
            seats: n,
            addons: Modules::NONE,
        };
        subscriptions::change(conn, at, as_admin, &order, s.version).map(|_| ())
    };
    let renew = |conn: &mut DbConn| -> Result<NaiveDateTime, AppError> {
        let s = subscriptions::current_of(conn, &org)?.ok_or(AppError::NotFound)?;
        let at = s.current_period_end.unwrap_or(now) + Duration::minutes(1);
        subscriptions::run_lifecycle(conn, at)?;
        Ok(at)
    };
    let t0 = now - Duration::days(2 * 365 + 3);
    subscriptions::start(
        conn,
        t0,
        as_admin,
        &subscriptions::Order {
            plan: "plus".into(),
            interval: Interval::Year,
            seats: 4,
            addons: Modules::NONE,
        },
    )?;
    for i in issue(conn, t0)? {
        pay(conn, t0 + Duration::days(12), &i)?;
    }
    let t = t0 + Duration::days(120);
    seats(conn, t, 5)?;
    for i in issue(conn, t)? {
        pay(conn, t + Duration::days(9), &i)?;
    }
    let t = renew(conn)?;
    for i in issue(conn, t)? {
        pay(conn, t + Duration::days(10), &i)?;
    }
    let t = t + Duration::days(60);
    seats(conn, t, 6)?;
    for i in issue(conn, t)? {
        invoices::void(
            conn,
            t + Duration::days(5),
            &as_operator.audit(),
            &i.id,
            i.version,
        )?;
    }
    // The seat was added by mistake: back to five from the next period.
    seats(conn, t + Duration::days(5), 5)?;
    let t = renew(conn)?;
    issue(conn, t)?;
    // Their mails went out long ago (the demo's outbox starts clean).
    diesel::delete(mail_outbox::table.filter(mail_outbox::invoice_id.is_not_null()))
        .execute(conn)?;
    Ok(())
}

/// A demo meeting: day of the week (0 = Monday), local from and to, the
/// employee, the n-th location (if any) and what it is about.
type Planned<'a> = (i64, &'a str, &'a str, &'a str, Option<usize>, &'a str);

/// This week's meetings (Monday to Friday) for both demo users: a few a day,
/// one overlapping pair, some at the demo locations (when there are any),
/// some with a demo customer and its first contact.
fn week_of_meetings(
    conn: &mut DbConn,
    now: NaiveDateTime,
    as_admin: &Actor,
    tz: chrono_tz::Tz,
    admin: &str,
    staff: &str,
) -> Result<(), AppError> {
    let monday = local_time::monday_of(local_time::utc_to_local(tz, now).date());
    let locations = meetings::location_choices(conn, as_admin, None, None)?.items;
    // The first contact of each demo customer, in the customers' order.
    let mut contacts = meetings::contact_choices(conn, as_admin, None)?.items;
    contacts.dedup_by(|a, b| a.customer_id == b.customer_id);
    // Which meetings are with which customer: (subject, n-th customer).
    let with = [
        ("Kennismaking nieuwe klant", 0),
        ("Intakegesprek", 1),
        ("Klantgesprek Jansen", 2),
        ("Evaluatie project", 3),
    ];
    // (weekday from Monday, from, to, employee, location, subject)
    let plan: [Planned; 12] = [
        (
            0,
            "09:00",
            "10:00",
            admin,
            Some(0),
            "Weekstart met het team",
        ),
        (
            0,
            "10:30",
            "11:30",
            staff,
            Some(1),
            "Kennismaking nieuwe klant",
        ),
        (
            0,
            "14:00",
            "15:00",
            staff,
            None,
            "Telefonisch overleg met de leverancier",
        ),
        (1, "09:30", "10:30", staff, Some(1), "Intakegesprek"),
        (
            1,
            "13:00",
            "14:30",
            admin,
            Some(0),
            "Kwartaalcijfers doornemen",
        ),
        // Mo is double-booked on Wednesday: the form warned, it was saved anyway.
        (2, "11:00", "12:00", staff, Some(0), "Klantgesprek Jansen"),
        (2, "11:30", "12:30", staff, None, "Overleg planning"),
        (2, "15:00", "16:00", admin, Some(1), "Sollicitatiegesprek"),
        (3, "10:00", "11:00", admin, None, "Eén-op-één met Mo"),
        (
            3,
            "14:00",
            "15:30",
            staff,
            Some(0),
            "Training nieuwe software",
        ),
        (4, "09:00", "09:30", admin, None, "Weekafsluiting"),
        (4, "13:00", "14:00", staff, Some(1), "Evaluatie project"),
    ];
    for (day, from, to, who, location, notes) in plan {
        let date = monday + chrono::Duration::days(day);
        let contact = with
            .iter()
            .find(|(s, _)| *s == notes)
            .and_then(|(_, n)| contacts.get(*n));
        // What it is about is its subject; one has only notes (their first
        // line stands in for the subject), as an older meeting would.
        let (subject, notes) = if notes.starts_with("Telefonisch") {
            (
                String::new(),
                format!("{notes}\nLevertijden en de nieuwe prijslijst."),
            )
        } else {
            (notes.to_string(), String::new())
        };
        let input = MeetingInput {
            subject,
            employee_id: who.to_string(),
            location_id: location
                .filter(|_| !locations.is_empty())
                .map(|n| locations[n % locations.len()].0.clone()),
            customer_id: contact.map(|c| c.customer_id.clone()),
            contact_id: contact.map(|c| c.id.clone()),
            date_from: format!("{date}T{from}"),
            date_to: format!("{date}T{to}"),
            notes,
            version: 0,
        };
        meetings::create(conn, now, as_admin, tz, &input, true)?;
    }
    Ok(())
}

/// A demo customer: name, type, e-mail, phone, notes, and its contacts
/// (first name, last name, e-mail, mobile, TWO_INVOICE). Phone numbers as
/// they are stored (E.164, see `domain::phone`).
type DemoCustomer<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str, &'a str, &'a str, bool)],
);

const DEMO_CUSTOMERS: [DemoCustomer; 4] = [
    (
        "Bakkerij De Korenschoof",
        "company",
        "info@korenschoof.test",
        "+31302345678",
        "Levert elke dinsdag brood voor de kantine.\nFacturen naar de boekhouding, niet naar de winkel.",
        &[
            (
                "Anna",
                "de Vries",
                "anna@korenschoof.test",
                "+31612345678",
                true,
            ),
            (
                "Pieter",
                "Bakker",
                "pieter@korenschoof.test",
                "+31612345679",
                false,
            ),
            ("Sanne", "Jansen", "", "", false),
        ],
    ),
    (
        "Installatiebedrijf Van Dam",
        "company",
        "kantoor@vandam.test",
        "+31103456789",
        "Onderhoudscontract cv-ketels tot eind 2027.",
        &[
            ("Kees", "van Dam", "kees@vandam.test", "+31623456789", false),
            ("Fatima", "El Amrani", "fatima@vandam.test", "", false),
        ],
    ),
    (
        "Jeroen Smit",
        "private",
        "jeroen.smit@example.test",
        "+31634567890",
        "",
        &[
            (
                "Jeroen",
                "Smit",
                "jeroen.smit@example.test",
                "+31634567890",
                false,
            ),
            ("Lotte", "Smit", "", "+31634567891", false),
        ],
    ),
    (
        "Stichting Groen Utrecht",
        "company",
        "secretariaat@groenutrecht.test",
        "+31343123456",
        "Vrijwilligersorganisatie; contact liefst per e-mail.",
        &[
            ("Mila", "Visser", "mila@groenutrecht.test", "", false),
            (
                "Daan",
                "Mulder",
                "daan@groenutrecht.test",
                "+31645678901",
                false,
            ),
            ("Noor", "Bos", "", "", false),
            (
                "Lucas",
                "Meijer",
                "lucas@groenutrecht.test",
                "+32470123456",
                false,
            ),
        ],
    ),
];

fn demo_customers(conn: &mut DbConn, now: NaiveDateTime, as_admin: &Actor) -> Result<(), AppError> {
    let text = |v: &str| (!v.is_empty()).then(|| v.to_string());
    for (name, kind, email, phone, notes, people) in DEMO_CUSTOMERS {
        let customer = customers::create(
            conn,
            now,
            as_admin,
            &CustomerInput {
                name: name.into(),
                customer_type: kind.into(),
                email: email.into(),
                phone: phone.into(),
                country_code: "NL".into(),
                notes: notes.into(),
                ..CustomerInput::default()
            },
        )?;
        for (first, last, email, mobile, two_invoice) in people {
            let contact = contacts::create(
                conn,
                now,
                as_admin,
                &customer.id,
                &ContactPatch {
                    firstname: Some((*first).into()),
                    lastname: Some((*last).into()),
                    email: text(email),
                    mobile: text(mobile),
                    version: None,
                },
            )?;
            if *two_invoice {
                contacts::add_extension(
                    conn,
                    now,
                    as_admin,
                    &customer.id,
                    &contact.row.id,
                    "TWO_INVOICE",
                )?;
            }
        }
    }
    Ok(())
}

/// A colleague invited yesterday, the invitation still open, its mail
/// refused by the receiving server (tried three times; tried again later).
fn invitation_that_bounced(
    conn: &mut DbConn,
    now: NaiveDateTime,
    as_admin: &Actor,
    public_url: &str,
) -> Result<(), AppError> {
    use crate::db::schema::mail_outbox;
    use diesel::prelude::*;
    let sent = now - chrono::Duration::days(1);
    let invited = members::invite(
        conn,
        sent,
        as_admin,
        INVITED_EMAIL,
        Role::Access,
        public_url,
    )?;
    diesel::update(mail_outbox::table.filter(mail_outbox::invitation_id.eq(&invited.id)))
        .set((
            mail_outbox::status.eq("failed"),
            mail_outbox::attempts.eq(3),
            mail_outbox::last_error.eq(Some(format!(
                "550 5.1.1 <{INVITED_EMAIL}>: Recipient address rejected: User unknown"
            ))),
            mail_outbox::next_attempt_at.eq(Some(now + chrono::Duration::hours(2))),
        ))
        .execute(conn)?;
    Ok(())
}

/// A webhook endpoint switched off by hand (it points at an example
/// address, so nothing is ever sent), with a few messages of the last
/// hours in its log: delivered at once, failed (500, then no answer) and
/// delivered after a retry, and a test.
fn demo_webhook(
    conn: &mut DbConn,
    now: NaiveDateTime,
    as_admin: &Actor,
    key: &DataKey,
) -> Result<(), AppError> {
    use chrono::Duration;
    let valid = EndpointInput {
        url: "https://hooks.example.com/portaal".into(),
        description: "Boekhouding: klanten, contactpersonen en facturen.".into(),
        event_types: [
            "customer.created",
            "customer.updated",
            "contact.created",
            "contact.updated",
            "location.updated",
            "meeting.created",
            "invoice.issued",
            "invoice.paid",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect(),
    }
    .validate(&[])
    .map_err(AppError::Validation)?;
    let created = webhooks::create(conn, now - Duration::days(3), as_admin, key, &valid)?;
    let endpoint = created.endpoint;
    let org = as_admin.organization_id.as_str();
    let answer = |code: u16, ms: i32, excerpt: &str| Outcome {
        status_code: Some(code),
        duration_ms: ms,
        excerpt: excerpt.into(),
        ..Outcome::default()
    };
    let no_answer = |ms: i32, error: &str| Outcome {
        duration_ms: ms,
        error: Some(error.into()),
        ..Outcome::default()
    };
    let ago = |minutes: i64| now - Duration::minutes(minutes);
    let record = |event: &str, resource: &str, data: serde_json::Value, at: NaiveDateTime| {
        webhook_events::body(
            event,
            at,
            resource,
            Some(&crate::db::new_id()),
            None,
            Some(&data),
        )
    };
    let messages = [
        (
            "customer.created",
            record(
                "customer.created",
                "customer",
                serde_json::json!({"name": "Bakkerij De Korenaar", "type": "company"}),
                ago(200),
            ),
            ago(200),
            vec![(ago(200), answer(200, 142, "{\"received\":true}"))],
        ),
        (
            "location.updated",
            record(
                "location.updated",
                "location",
                serde_json::json!({"name": "Vestiging Amsterdam", "officeOpenHour": 8}),
                ago(150),
            ),
            ago(150),
            vec![
                (
                    ago(150),
                    answer(500, 87, "Internal Server Error: database unavailable"),
                ),
                (ago(149), no_answer(15_000, "no answer within 15 s")),
            ],
        ),
        (
            "meeting.created",
            record(
                "meeting.created",
                "meeting",
                serde_json::json!({"notes": "Kennismaking"}),
                ago(95),
            ),
            ago(95),
            vec![
                (ago(95), answer(503, 35, "Service Unavailable")),
                (ago(94), answer(204, 120, "")),
            ],
        ),
        (
            webhook_events::TEST,
            webhook_events::test_body(ago(40), &endpoint.id),
            ago(40),
            vec![(ago(40), answer(200, 98, "ok"))],
        ),
    ];
    for (event, body, at, attempts) in messages {
        let status = if attempts.last().is_some_and(|(_, o)| o.succeeded()) {
            crate::domain::webhook_outbox::DELIVERED
        } else {
            crate::domain::webhook_outbox::FAILED
        };
        webhook_deliveries::insert_logged(
            conn,
            org,
            &endpoint.id,
            event,
            &body,
            at,
            status,
            &attempts,
        )?;
    }
    webhooks::set_enabled(conn, ago(30), as_admin, &endpoint.id, None, false)?;
    Ok(())
}
