//! Deep pages while rows are added (issue 20): a create carries the
//! locations list's anchors (`paging::Anchors`) and its total to the data
//! version it makes, on SQLite, where the database compares sort values as
//! the anchors do; and every page of every order stays exactly the list a
//! plain query gives, whatever the new row's name, city or moment (ties
//! broken by id, text compared byte by byte: capitals, accents and
//! non-Latin letters).

use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{data_versions, locations};
use portaal::domain::actor::Actor;
use portaal::domain::cache;
use portaal::domain::locations as locs;
use portaal::domain::paging::{self, Anchors, ListParams};

use crate::search::{Lcg, demo_admin, in_plain_order, insert_locations};
use crate::support::*;

/// Rows in the list to start with.
const ROWS: usize = 1_500;

/// Page sizes that do not divide the anchors' spacing (pages are kept per
/// version: a second pass reads other pages).
const SIZES: [usize; 2] = [37, 41];

/// Names and cities, with capitals, accents, letters outside A–Z and
/// repeats (ties, broken by id).
const WORDS: &[&str] = &[
    "Zoë",
    "zoë",
    "Zoe",
    "Curaçao",
    "IJsselstein",
    "ijsselstein",
    "'s-Hertogenbosch",
    "École",
    "ecole",
    "Łódź",
    "Ærø",
    "Straße",
    "Amsterdam",
    "amsterdam",
    "den Haag",
    "Ω",
    "日本",
    "",
];

impl Lcg {
    fn name(&mut self) -> String {
        match self.next(3) {
            0 => WORDS[self.next(WORDS.len())].to_string(),
            1 => format!("{} {}", WORDS[self.next(WORDS.len())], self.next(50)),
            _ => format!("{}{}", self.next(1000), WORDS[self.next(WORDS.len())]),
        }
    }

    fn city(&mut self) -> String {
        // Few cities: long runs of ties.
        WORDS[self.next(6)].to_string()
    }

    /// A moment up to a day before `now`, often with a fraction of a
    /// second (stored as 3, 6 or 9 digits), sometimes one already used.
    fn moment(&mut self, now: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
        let nanos = match self.next(4) {
            0 => 0,
            1 => i64::try_from(self.next(1000)).unwrap() * 1_000_000,
            2 => i64::try_from(self.next(1_000_000)).unwrap() * 1_000,
            _ => i64::try_from(self.next(1_000_000_000)).unwrap(),
        };
        let seconds = i64::try_from(self.next(40)).unwrap();
        now - chrono::Duration::seconds(seconds) - chrono::Duration::nanoseconds(nanos)
    }
}

/// The organisation's data version now.
async fn version(app: &TestApp, org: &str) -> i64 {
    let o = org.to_string();
    app.db(move |c| {
        data_versions::table
            .find(o)
            .select(data_versions::version)
            .first(c)
            .unwrap()
    })
    .await
}

/// Whether anchors of the list in `order` are kept at `version`.
fn anchored(org: &str, version: i64, (sort, desc): (&str, bool)) -> bool {
    let key = paging::anchors_key(&paging::count_key("locations", &[], None), sort, desc);
    cache::at::<Anchors>(org, version, &key).is_some()
}

/// Every page of the list in `order`, read as `actor` (at its version),
/// against the whole list from one plain query.
async fn pages_are_the_list(
    app: &TestApp,
    actor: &Actor,
    (sort, desc): (&'static str, bool),
    size: usize,
) {
    let (a, org) = (actor.clone(), actor.organization_id.clone());
    let (paged, whole, total) = app
        .db(move |c| {
            let mut paged: Vec<String> = vec![];
            let mut total = 0;
            for n in 1.. {
                let page = ListParams {
                    page_number: Some(n.to_string()),
                    page_size: Some(size.to_string()),
                    sort_by: Some(sort.into()),
                    sort_direction: Some(if desc { "DESC" } else { "ASC" }.into()),
                    ..ListParams::default()
                }
                .lenient(&locs::SORT);
                let p = locs::list(c, &a, page).unwrap();
                total = p.total;
                if p.items.is_empty() {
                    break;
                }
                paged.extend(p.items.iter().map(|l| l.id.clone()));
            }
            let q = locations::table
                .filter(locations::organization_id.eq(org))
                .select(locations::id)
                .into_boxed();
            let whole = in_plain_order(q, sort, desc).load::<String>(c).unwrap();
            (paged, whole, total)
        })
        .await;
    assert_eq!(usize::try_from(total).unwrap(), whole.len(), "the total");
    assert!(
        paged == whole,
        "the pages by {sort} (desc: {desc}) are the list at version {:?}",
        actor.data_version
    );
}

/// Create a location named `name` in `city` at `at`, as `actor`.
async fn create(
    app: &TestApp,
    actor: &Actor,
    name: String,
    city: String,
    at: chrono::NaiveDateTime,
) {
    let a = actor.clone();
    // A name is required (a city is not).
    let name = if name.trim().is_empty() {
        "Ω".to_string()
    } else {
        name
    };
    app.db(move |c| {
        let input = locs::LocationInput {
            name,
            city,
            country_code: "NL".into(),
            office_open_hour: "8".into(),
            office_close_hour: "17".into(),
            ..Default::default()
        };
        locs::create(c, at, &a, &input).unwrap();
    })
    .await;
}

#[actix_web::test]
async fn a_create_carries_the_lists_anchors_and_every_page_stays_exact() {
    let app = TestApp::demo().await;
    let mut actor = demo_admin(&app).await;
    let org = actor.organization_id.clone();

    let now = app.clock.now();
    let mut rng = Lcg(20_261_206);
    // Ids that the ids of rows made now fall between (the same first
    // digits of the moment, the rest at random), so that a new row ties
    // with rows before and after it.
    let prefix = portaal::db::new_id()[..9].to_string();
    let rows: Vec<(String, String, String, chrono::NaiveDateTime)> = (0..ROWS)
        .map(|_| {
            let id = format!(
                "{prefix}{:07x}{:08x}{:08x}",
                rng.next(1 << 28),
                rng.next(1 << 31),
                rng.next(1 << 31)
            );
            (id, rng.name(), rng.city(), rng.moment(now))
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|(id, name, city, at)| (org.clone(), id, name, city, at))
        .collect();
    insert_locations(&app, rows).await;
    // The rows bypassed the audited writes: a new version.
    let o = org.clone();
    app.db(move |c| portaal::domain::audit::raise_data_version(c, &o).unwrap())
        .await;

    // Paged through once in every order at one version: the walks pay for
    // anchors, and the pages read from them are the list.
    actor.data_version = Some(version(&app, &org).await);
    for order in locs::ORDERS {
        for size in SIZES {
            pages_are_the_list(&app, &actor, order, size).await;
        }
        assert!(
            anchored(&org, actor.data_version.unwrap(), order),
            "anchors made in {order:?}"
        );
    }

    // Rows added anywhere in every order: names, cities and moments like
    // the others, some the same as one already there.
    for i in 0..40 {
        let at = if i % 3 == 0 { now } else { rng.moment(now) };
        create(&app, &actor, rng.name(), rng.city(), at).await;
        let v = version(&app, &org).await;
        for order in locs::ORDERS {
            assert_eq!(
                anchored(&org, v, order),
                !app.db.is_postgres(),
                "anchors carried to version {v} in {order:?} (only on SQLite)"
            );
        }
        actor.data_version = Some(v);
        if i < 4 || i % 8 == 7 {
            for order in locs::ORDERS {
                pages_are_the_list(&app, &actor, order, SIZES[0]).await;
            }
        }
    }

    // Many rows between the same two anchors: past `MOST_BETWEEN` the
    // anchors of that order are dropped (and made again once walked for),
    // and the pages stay the list.
    for i in 0..=paging::MOST_BETWEEN {
        create(&app, &actor, format!("ZZZ {i:04}"), rng.city(), now).await;
    }
    let v = version(&app, &org).await;
    actor.data_version = Some(v);
    assert!(
        !anchored(&org, v, ("name", false)),
        "too many rows between two anchors"
    );
    for order in locs::ORDERS {
        pages_are_the_list(&app, &actor, order, SIZES[1]).await;
    }
}
