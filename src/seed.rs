//! Bulk data for benchmarks (`portaal bench-seed`): many locations and
//! meetings in the demo organisation, written straight to the tables in one
//! transaction (no audit trail: this is test data, not a user's change).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{contacts, customers, locations, meetings, memberships, organizations};
use crate::db::{self, DbConn, new_id};
use crate::domain::demo;

/// Add locations and meetings to the demo organisation until it has at least
/// `want_locations` and `want_meetings`; returns how many were added.
pub fn seed(
    conn: &mut DbConn,
    now: NaiveDateTime,
    want_locations: i64,
    want_meetings: i64,
) -> anyhow::Result<(i64, i64)> {
    let org: String = organizations::table
        .filter(organizations::slug.eq(demo::ORG_SLUG))
        .select(organizations::id)
        .first(conn)?;
    let members: Vec<String> = memberships::table
        .filter(memberships::organization_id.eq(&org))
        .select(memberships::user_id)
        .load(conn)?;
    anyhow::ensure!(!members.is_empty(), "the demo organisation has no members");
    let have_locations: i64 = locations::table
        .filter(locations::organization_id.eq(&org))
        .count()
        .get_result(conn)?;
    let have_meetings: i64 = meetings::table
        .filter(meetings::organization_id.eq(&org))
        .count()
        .get_result(conn)?;
    let add_locations = (want_locations - have_locations).max(0);
    let add_meetings = (want_meetings - have_meetings).max(0);
    const CITIES: [&str; 8] = [
        "Amsterdam",
        "Rotterdam",
        "Utrecht",
        "Den Haag",
        "Eindhoven",
        "Groningen",
        "Zwolle",
        "Maastricht",
    ];
    db::write(conn, |conn| -> anyhow::Result<()> {
        for i in 0..add_locations {
            let n = have_locations + i;
            diesel::insert_into(locations::table)
                .values((
                    locations::id.eq(new_id()),
                    locations::organization_id.eq(&org),
                    locations::name.eq(format!("Locatie {:05}", (n * 7919) % 100_000)),
                    locations::address_line1.eq(format!("Straat {}", n % 300 + 1)),
                    locations::postal_code.eq(format!("{:04} AB", 1000 + n % 8999)),
                    locations::city.eq(CITIES[(n % 8) as usize]),
                    locations::country_code.eq("NL"),
                    locations::office_open_hour.eq(Some(8)),
                    locations::office_close_hour.eq(Some(17)),
                    locations::created_at.eq(now),
                    locations::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        let location_ids: Vec<String> = locations::table
            .filter(locations::organization_id.eq(&org))
            .select(locations::id)
            .limit(1000)
            .load(conn)?;
        // Spread over a year around now, on working hours (08:00 to 16:00
        // UTC: 09:00 to 17:00 in Amsterdam in winter), whatever time of day
        // the seed runs.
        let start = (now.date() - Duration::days(182)).and_time(chrono::NaiveTime::MIN);
        for i in 0..add_meetings {
            let day = i % 365;
            let hour = 8 + (i * 13) % 9;
            let from = start + Duration::days(day) + Duration::hours(hour);
            diesel::insert_into(meetings::table)
                .values((
                    meetings::id.eq(new_id()),
                    meetings::organization_id.eq(&org),
                    meetings::employee_id.eq(&members[(i as usize) % members.len()]),
                    meetings::location_id
                        .eq(location_ids.get((i as usize) % location_ids.len().max(1))),
                    meetings::date_from.eq(from),
                    meetings::date_to.eq(from + Duration::minutes(45)),
                    meetings::notes.eq(format!("Bench {i}")),
                    meetings::created_at.eq(now),
                    meetings::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(())
    })?;
    Ok((add_locations, add_meetings))
}

/// The customer that gets the `BIG_CUSTOMER_CONTACTS` contacts.
pub const BIG_CUSTOMER: &str = "Klant met 500 contactpersonen";
/// How many contacts the big customer gets.
pub const BIG_CUSTOMER_CONTACTS: i64 = 500;

/// Add customers and contacts to the demo organisation until it has at least
/// `want_customers` and `want_contacts`; one customer has 500 contacts.
pub fn seed_customers(
    conn: &mut DbConn,
    now: NaiveDateTime,
    want_customers: i64,
    want_contacts: i64,
) -> anyhow::Result<(i64, i64)> {
    let org: String = organizations::table
        .filter(organizations::slug.eq(demo::ORG_SLUG))
        .select(organizations::id)
        .first(conn)?;
    let have_customers: i64 = customers::table
        .filter(customers::organization_id.eq(&org))
        .count()
        .get_result(conn)?;
    let have_contacts: i64 = contacts::table
        .filter(contacts::organization_id.eq(&org))
        .count()
        .get_result(conn)?;
    let add_customers = (want_customers - have_customers).max(0);
    let add_contacts = (want_contacts - have_contacts).max(0);
    const FIRST: [&str; 8] = [
        "Anna", "Bram", "Chantal", "Daan", "Eva", "Finn", "Gijs", "Hanna",
    ];
    const LAST: [&str; 8] = [
        "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer",
    ];
    db::write(conn, |conn| -> anyhow::Result<()> {
        let insert_customer = |conn: &mut DbConn, id: &str, name: String, n: i64| {
            diesel::insert_into(customers::table)
                .values((
                    customers::id.eq(id),
                    customers::organization_id.eq(&org),
                    customers::name.eq(name),
                    customers::customer_type.eq(if n % 3 == 0 { "private" } else { "company" }),
                    customers::email.eq(format!("klant{n}@bench.portaal.test")),
                    customers::phone.eq(format!("+3130{:07}", n % 10_000_000)),
                    customers::country_code.eq("NL"),
                    customers::notes.eq(""),
                    customers::created_at.eq(now),
                    customers::updated_at.eq(now),
                ))
                .execute(conn)
        };
        let mut ids = Vec::new();
        let big: Option<String> = customers::table
            .filter(customers::organization_id.eq(&org))
            .filter(customers::name.eq(BIG_CUSTOMER))
            .select(customers::id)
            .first(conn)
            .optional()?;
        let big = match big {
            Some(id) => id,
            None if add_customers > 0 => {
                let id = new_id();
                insert_customer(conn, &id, BIG_CUSTOMER.to_string(), 0)?;
                id
            }
            None => return Ok(()),
        };
        for i in 1..add_customers {
            let n = have_customers + i;
            let id = new_id();
            insert_customer(conn, &id, format!("Klant {:06}", (n * 7919) % 1_000_000), n)?;
            ids.push(id);
        }
        if ids.is_empty() {
            ids = customers::table
                .filter(customers::organization_id.eq(&org))
                .select(customers::id)
                .limit(20_000)
                .load(conn)?;
        }
        for i in 0..add_contacts {
            let customer = if i < BIG_CUSTOMER_CONTACTS {
                &big
            } else {
                &ids[(i as usize) % ids.len()]
            };
            diesel::insert_into(contacts::table)
                .values((
                    contacts::id.eq(new_id()),
                    contacts::organization_id.eq(&org),
                    contacts::customer_id.eq(customer),
                    contacts::firstname.eq(FIRST[(i % 8) as usize]),
                    contacts::lastname.eq(format!("{} {}", LAST[((i / 8) % 8) as usize], i)),
                    contacts::email.eq(Some(format!("contact{i}@bench.portaal.test"))),
                    contacts::mobile.eq(Some(format!("+316{:08}", i % 100_000_000))),
                    contacts::created_at.eq(now),
                    contacts::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(())
    })?;
    Ok((add_customers, add_contacts))
}

/// Refresh PostgreSQL's planner statistics after a bulk load (what
/// autovacuum does a little later); SQLite plans without them.
pub fn analyze(conn: &mut DbConn) -> anyhow::Result<()> {
    if let DbConn::Pg(c) = conn {
        diesel::connection::SimpleConnection::batch_execute(c, "ANALYZE")?;
    }
    Ok(())
}

/// The benchmark's API client ("Bench", every scope of the demo
/// organisation) with a fresh secret; returns `(client id,
/// secret)`. An existing one gets its secret rotated (the old one ends now).
pub fn bench_client(conn: &mut DbConn, now: NaiveDateTime) -> anyhow::Result<(String, String)> {
    use crate::db::schema::{api_clients, users};
    use crate::domain::actor::Actor;
    use crate::domain::api_clients::{self as clients, ClientInput, Grace};
    use crate::domain::scopes::Role;
    let org: String = organizations::table
        .filter(organizations::slug.eq(demo::ORG_SLUG))
        .select(organizations::id)
        .first(conn)?;
    let (admin_id, admin_name): (String, String) = users::table
        .filter(users::email.eq(demo::ADMIN_EMAIL))
        .select((users::id, users::name))
        .first(conn)?;
    let actor = Actor::member(org.clone(), admin_id, admin_name, Role::Backoffice, None);
    let secret = clients::new_secret();
    let hash = crate::password::hash_blocking(&secret)?;
    let existing: Option<(String, String)> = api_clients::table
        .filter(api_clients::organization_id.eq(&org))
        .filter(api_clients::name.eq("Bench"))
        .select((api_clients::id, api_clients::client_id))
        .first(conn)
        .optional()?;
    let client_id = match existing {
        Some((id, client_id)) => {
            clients::rotate(conn, now, &actor, &id, Grace::Now, &hash)
                .map_err(|e| anyhow::anyhow!("rotate: {e:?}"))?;
            client_id
        }
        None => {
            let input = ClientInput {
                name: "Bench".into(),
                description: "Load benchmark (bench/run.sh)".into(),
                // Every scope: the load benchmark reads and writes the
                // data; the API checks in CI (schemathesis) call every
                // operation of the document.
                scopes: crate::domain::scopes::Resource::ALL
                    .iter()
                    .map(|r| format!("admin:{}", r.as_str()))
                    .collect(),
                expires_on: String::new(),
            };
            clients::create(conn, now, &actor, &input, &hash)
                .map_err(|e| anyhow::anyhow!("create: {e:?}"))?
                .client_id
        }
    };
    Ok((client_id, secret))
}

/// Organisations `Bench NNNNN` (slug `bench-NNNNN`), each with an active
/// monthly subscription on the default plan whose first period ended an
/// hour before `now`: what `portaal subscriptions run` renews in bulk (the
/// renewal benchmark, `bench/renewal.sh`). Adds up to `want` in all; returns
/// how many were added.
pub fn seed_renewals(conn: &mut DbConn, now: NaiveDateTime, want: i64) -> anyhow::Result<i64> {
    use crate::db::schema::subscriptions;
    use crate::domain::plans;
    use crate::domain::proration::Interval;
    let have: i64 = organizations::table
        .filter(organizations::slug.like("bench-%"))
        .count()
        .get_result(conn)?;
    let add = (want - have).max(0);
    let plan = plans::default_plan(conn)?
        .ok_or_else(|| anyhow::anyhow!("no default plan (run the migrations)"))?;
    let end = now - Duration::hours(1);
    let start = end - Duration::days(30);
    db::write(conn, |conn| -> anyhow::Result<()> {
        for i in 0..add {
            let n = have + i;
            let org = new_id();
            diesel::insert_into(organizations::table)
                .values((
                    organizations::id.eq(&org),
                    organizations::name.eq(format!("Bench {n:05}")),
                    organizations::slug.eq(format!("bench-{n:05}")),
                    organizations::demo.eq(true),
                    organizations::created_at.eq(start),
                    organizations::updated_at.eq(start),
                ))
                .execute(conn)?;
            // Billing details, so the renewal's invoice has a buyer and a
            // mail to go to.
            diesel::insert_into(crate::db::schema::organization_addresses::table)
                .values((
                    crate::db::schema::organization_addresses::id.eq(new_id()),
                    crate::db::schema::organization_addresses::organization_id.eq(&org),
                    crate::db::schema::organization_addresses::legal_name
                        .eq(format!("Bench {n:05} B.V.")),
                    crate::db::schema::organization_addresses::address_line.eq("Stationsplein 1"),
                    crate::db::schema::organization_addresses::postal_code.eq("3511 ED"),
                    crate::db::schema::organization_addresses::city.eq("Utrecht"),
                    crate::db::schema::organization_addresses::country_code.eq("NL"),
                    crate::db::schema::organization_addresses::invoice_email
                        .eq(format!("facturen-{n:05}@bench.test")),
                    crate::db::schema::organization_addresses::vat_id.eq(""),
                    crate::db::schema::organization_addresses::kvk_number.eq("30123456"),
                    crate::db::schema::organization_addresses::version.eq(1),
                    crate::db::schema::organization_addresses::created_at.eq(start),
                    crate::db::schema::organization_addresses::updated_at.eq(start),
                ))
                .execute(conn)?;
            diesel::insert_into(subscriptions::table)
                .values((
                    subscriptions::id.eq(new_id()),
                    subscriptions::organization_id.eq(&org),
                    subscriptions::plan_id.eq(&plan.plan.id),
                    subscriptions::status.eq("active"),
                    subscriptions::billing_interval.eq(Interval::Month.as_str()),
                    subscriptions::seats.eq(1 + (n % 5) as i32),
                    subscriptions::seat_price.eq(plan.plan.seat_price_month),
                    subscriptions::modules.eq(plan.plan.included().to_stored()),
                    subscriptions::period_anchor.eq(Some(start)),
                    subscriptions::period_number.eq(1),
                    subscriptions::current_period_start.eq(Some(start)),
                    subscriptions::current_period_end.eq(Some(end)),
                    subscriptions::is_current.eq(true),
                    subscriptions::created_at.eq(start),
                    subscriptions::updated_at.eq(start),
                ))
                .execute(conn)?;
        }
        Ok(())
    })?;
    Ok(add)
}
