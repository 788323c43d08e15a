//! Search through an index (issue 20): on 10,000 generated locations the
//! indexed search (SQLite FTS5 trigram, PostgreSQL pg_trgm) finds exactly
//! what a plain scan finds — a substring, case-insensitive for every letter
//! (`école` finds `École`), diacritics as typed (`zoe` does not find `Zoë`)
//! — for terms of three characters and more (the index) and for shorter
//! ones (a scan); and the index follows every insert, rename and delete.

use std::collections::HashSet;

use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{data_versions, locations, organizations};
use portaal::domain::actor::Actor;
use portaal::domain::locations as locs;
use portaal::domain::paging::ListParams;
use portaal::domain::scopes::Role;

use crate::support::*;

/// Names and cities the generated rows are made of: capitals with
/// diacritics and outside A–Z, apostrophes, e-mail addresses, digits and
/// the characters `LIKE` treats specially.
const WORDS: &[&str] = &[
    "Zoë",
    "Curaçao",
    "IJsselstein",
    "'s-Hertogenbosch",
    "École",
    "ÉTÉ",
    "Ærøskøbing",
    "Łódź",
    "Ölands",
    "Ünal",
    "ÇAĞLAR",
    "Straße",
    "Amsterdam",
    "den haag",
    "50% korting",
    "a_b",
    "back\\slash",
    "\"quoted\"",
];

/// A small deterministic generator (the same rows on every run).
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % n as u64).unwrap()
    }
}

/// Row `i`'s name and city.
fn row(rng: &mut Lcg, i: usize) -> (String, String) {
    let word = WORDS[rng.next(WORDS.len())];
    let name = match rng.next(3) {
        0 => format!("{word} {}", rng.next(100_000)),
        1 => format!("Locatie {i:05} {word}"),
        _ => format!("{}{word}", rng.next(1000)),
    };
    let city = match rng.next(4) {
        0 => format!("info{}@Example-{}.NL", rng.next(10_000), rng.next(50)),
        1 => format!("{} AB", 1000 + rng.next(9000)),
        _ => WORDS[rng.next(WORDS.len())].to_string(),
    };
    (name, city)
}

fn contains(text: &str, term: &str) -> bool {
    text.to_lowercase().contains(&term.to_lowercase())
}

/// What the list finds for `term`: its total and the ids of its first page
/// (100 rows).
async fn searched(app: &TestApp, actor: &Actor, term: &str) -> (i64, Vec<String>) {
    let (actor, term) = (actor.clone(), term.to_string());
    app.db(move |c| {
        let page = ListParams {
            q: Some(term),
            page_size: Some("100".into()),
            ..ListParams::default()
        }
        .lenient(&locs::SORT);
        let p = locs::list(c, &actor, page).unwrap();
        (p.total, p.items.iter().map(|l| l.id.clone()).collect())
    })
    .await
}

/// The demo admin in Demo BV, as an actor without a data version.
pub(crate) async fn demo_admin(app: &TestApp) -> Actor {
    let (org, admin) = app
        .db(|c| {
            let org: String = organizations::table
                .filter(organizations::name.eq("Demo BV"))
                .select(organizations::id)
                .first(c)
                .unwrap();
            let admin = portaal::domain::users::find_by_email(c, ADMIN)
                .unwrap()
                .unwrap();
            (org, admin)
        })
        .await;
    Actor::member(org, admin.id, admin.name, Role::Backoffice, None)
}

/// `q` in the locations list's order by `sort` (descending when `desc`),
/// written out plainly.
pub(crate) fn in_plain_order<'a>(
    q: locations::BoxedQuery<'a, portaal::db::Backend, diesel::sql_types::Text>,
    sort: &str,
    desc: bool,
) -> locations::BoxedQuery<'a, portaal::db::Backend, diesel::sql_types::Text> {
    match (sort, desc) {
        ("name", false) => q.order((locations::name.asc(), locations::id.asc())),
        ("name", true) => q.order((locations::name.desc(), locations::id.desc())),
        ("city", false) => q.order((locations::city.asc(), locations::id.asc())),
        ("city", true) => q.order((locations::city.desc(), locations::id.desc())),
        (_, false) => q.order((locations::created_at.asc(), locations::id.asc())),
        (_, true) => q.order((locations::created_at.desc(), locations::id.desc())),
    }
}

/// Write `rows` (organisation, id, name, city, created) straight to the
/// locations table, in one transaction (no audit event, no new version).
pub(crate) async fn insert_locations(
    app: &TestApp,
    rows: Vec<(String, String, String, String, chrono::NaiveDateTime)>,
) {
    app.db(move |c| {
        c.transaction(|c| {
            for (o, id, name, city, at) in &rows {
                diesel::insert_into(locations::table)
                    .values((
                        locations::id.eq(id),
                        locations::organization_id.eq(o),
                        locations::name.eq(name),
                        locations::address_line1.eq(""),
                        locations::address_line2.eq(""),
                        locations::postal_code.eq(""),
                        locations::city.eq(city),
                        locations::version.eq(1),
                        locations::created_at.eq(at),
                        locations::updated_at.eq(at),
                    ))
                    .execute(c)?;
            }
            diesel::QueryResult::Ok(())
        })
        .unwrap();
    })
    .await;
}

#[actix_web::test]
async fn the_indexed_search_finds_what_a_scan_finds_for_every_letter() {
    let app = TestApp::demo().await;
    // Without a data version: every list is read from the database.
    let actor = demo_admin(&app).await;
    let org = actor.organization_id.clone();

    // 10,000 rows (plus the demo's own), written straight to the table.
    let now = app.clock.now();
    let mut rng = Lcg(20_261_206);
    let rows: Vec<(String, String, String)> = (0..10_000)
        .map(|i| {
            let (name, city) = row(&mut rng, i);
            (format!("search-{i:05}"), name, city)
        })
        .collect();
    // Another organisation has rows like these (200 of them, a word added):
    // no search of Demo BV's may show one.
    app.other_admin().await;
    let other: String = app
        .db(|c| {
            organizations::table
                .filter(organizations::name.eq("Ander BV"))
                .select(organizations::id)
                .first(c)
                .unwrap()
        })
        .await;
    let mut inserted: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|(id, name, city)| (org.clone(), id.clone(), name.clone(), city.clone()))
        .collect();
    inserted.extend((0..200).map(|i| {
        let (_, name, city) = &rows[i * 50];
        (
            other.clone(),
            format!("foreign-{i:03}"),
            format!("{name} {}", WORDS[i % WORDS.len()]),
            city.clone(),
        )
    }));
    let inserted = inserted
        .into_iter()
        .map(|(o, id, name, city)| (o, id, name, city, now))
        .collect();
    insert_locations(&app, inserted).await;
    let o = org.clone();
    let all: Vec<(String, String, String)> = app
        .db(move |c| {
            locations::table
                .filter(locations::organization_id.eq(o))
                .select((locations::id, locations::name, locations::city))
                .load(c)
                .unwrap()
        })
        .await;
    assert!(all.len() >= 10_000);

    let mut terms: Vec<String> = [
        "zoë",
        "ZOË",
        "Zoë",
        "zoe",
        "curaçao",
        "ÇAO",
        "ijssel",
        "IJS",
        "'s-h",
        "S-HERT",
        "école",
        "ÉCOLE",
        "été",
        "ærø",
        "ÆRØSKØBING",
        "łódź",
        "ŁÓ",
        "öland",
        "ÜNAL",
        "çağ",
        "straße",
        "STRASSE",
        "@example-1",
        "example-12.nl",
        "info12",
        "den h",
        "DEN HAAG",
        "50%",
        "% k",
        "a_b",
        "_",
        "%",
        "\\",
        "back\\s",
        "\"quo",
        "\"",
        "locatie 0",
        "1 AB",
        "12",
        "1",
        "ö",
        "Ö",
        "é",
        "ø",
        "'",
        "",
        "xyz-nothing",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    // And random three-digit searches, as the benchmark types them.
    let mut rng = Lcg(7);
    terms.extend((0..20).map(|_| format!("{:03}", rng.next(1000))));

    for term in &terms {
        let wanted: HashSet<&str> = all
            .iter()
            .filter(|(_, name, city)| {
                term.trim().is_empty() || contains(name, term.trim()) || contains(city, term.trim())
            })
            .map(|(id, _, _)| id.as_str())
            .collect();
        let (total, page) = searched(&app, &actor, term).await;
        assert_eq!(
            usize::try_from(total).unwrap(),
            wanted.len(),
            "the total for {term:?}"
        );
        assert_eq!(page.len(), wanted.len().min(100), "page one for {term:?}");
        for id in &page {
            assert!(wanted.contains(id.as_str()), "{term:?} found {id}");
        }
    }
    // Pages: every page of every order (the second half read from the
    // end, `PageRequest::window`) together are the whole list once, in
    // the order one plain query gives.
    // With and without a search; read twice: without a data version (every page walks from the start
    // or the end), and at the organisation's version, where the deep pages
    // seek from the list's kept anchors once the walks have read the list
    // once (`paging::Anchors`).
    let o = org.clone();
    let version: i64 = app
        .db(move |c| {
            data_versions::table
                .find(o)
                .select(data_versions::version)
                .first(c)
                .unwrap()
        })
        .await;
    let mut kept = actor.clone();
    kept.data_version = Some(version);
    for (((sort, desc), a), term) in locs::ORDERS
        .into_iter()
        .flat_map(|order| [(order, actor.clone()), (order, kept.clone())])
        .flat_map(|read| [(read.clone(), None), (read, Some("Locatie"))])
    {
        let o = org.clone();
        let (paged, whole) = app
            .db(move |c| {
                let page = |n: usize, after: Option<String>| {
                    ListParams {
                        page_number: Some(n.to_string()),
                        page_size: Some("100".into()),
                        sort_by: Some(sort.into()),
                        sort_direction: Some(if desc { "DESC" } else { "ASC" }.into()),
                        after,
                        q: term.map(str::to_string),
                    }
                    .lenient(&locs::SORT)
                };
                let mut paged: Vec<String> = vec![];
                for n in 1..=101 {
                    let p = locs::list(c, &a, page(n, None)).unwrap();
                    paged.extend(p.items.iter().map(|l| l.id.clone()));
                }
                // Following "next" links: each page seeks from the last
                // row of the one before (ties in the sort broken by id).
                let mut seeked: Vec<String> = vec![];
                for n in 1..=101 {
                    let p = locs::list(c, &a, page(n, seeked.last().cloned())).unwrap();
                    seeked.extend(p.items.iter().map(|l| l.id.clone()));
                }
                assert!(
                    seeked == paged,
                    "seeking by {sort} (desc: {desc}) walks the list"
                );
                let mut q = locations::table
                    .filter(locations::organization_id.eq(o))
                    .select(locations::id)
                    .into_boxed();
                if let Some(term) = term {
                    // Only names hold it, in this case.
                    q = q.filter(locations::name.like(format!("%{term}%")));
                }
                (
                    paged,
                    in_plain_order(q, sort, desc).load::<String>(c).unwrap(),
                )
            })
            .await;
        assert_eq!(paged.len(), whole.len(), "{sort} {desc} {term:?}");
        assert!(
            paged == whole,
            "the pages by {sort} (desc: {desc}, search: {term:?}) are the list"
        );
    }

    // Diacritics as typed, every letter folded.
    assert_eq!(searched(&app, &actor, "zoe").await.0, 0);
    assert!(searched(&app, &actor, "école").await.0 > 0);

    // The index follows an insert, a rename and a delete.
    let before = searched(&app, &actor, "Quxqux").await.0;
    assert_eq!(before, 0);
    let (first, second) = (all[0].0.clone(), all[1].0.clone());
    let (f, s) = (first.clone(), second.clone());
    app.db(move |c| {
        diesel::update(locations::table.filter(locations::id.eq(&f)))
            .set(locations::name.eq("Quxquxstad"))
            .execute(c)
            .unwrap();
        diesel::update(locations::table.filter(locations::id.eq(&s)))
            .set(locations::city.eq("ÄQUXQUX"))
            .execute(c)
            .unwrap();
    })
    .await;
    let (total, found) = searched(&app, &actor, "quxqux").await;
    assert_eq!(total, 2);
    assert_eq!(
        found.iter().collect::<HashSet<_>>(),
        [&first, &second].into_iter().collect()
    );
    assert_eq!(searched(&app, &actor, "äqux").await.0, 1);
    let f = first.clone();
    app.db(move |c| {
        diesel::delete(locations::table.filter(locations::id.eq(&f)))
            .execute(c)
            .unwrap();
    })
    .await;
    let (total, found) = searched(&app, &actor, "QUXQUX").await;
    assert_eq!((total, found), (1, vec![second]));
}
