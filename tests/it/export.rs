//! CSV exports of the lists (locations, meetings, customers with their
//! contacts, the audit log): what the filters show, in both languages, with
//! a byte order mark, RFC 4180 quoting and the formula guard; tenant
//! isolation, permissions, the audit event, and many rows over several
//! chunks with none twice and none missing.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{contacts, customers, locations, organizations};

use crate::support::*;

/// The records of a CSV text (RFC 4180, separator `sep`), the header first.
fn parse(text: &str, sep: char) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
    let (mut rows, mut row, mut cell) = (vec![], vec![], String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, c) if c == sep => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF line ends");
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(cell.is_empty() && row.is_empty(), "the last line ends too");
    rows
}

async fn demo_org(app: &TestApp) -> String {
    app.db(|c| {
        organizations::table
            .filter(organizations::slug.eq(portaal::domain::demo::ORG_SLUG))
            .select(organizations::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// Add locations named `names` (in `city`) to organisation `org`.
async fn add_locations(app: &TestApp, org: &str, names: Vec<String>, city: &'static str) {
    let (org, now) = (org.to_string(), app.clock.now());
    app.db(move |c| {
        c.transaction(|c| {
            for name in &names {
                diesel::insert_into(locations::table)
                    .values((
                        locations::id.eq(portaal::db::new_id()),
                        locations::organization_id.eq(&org),
                        locations::name.eq(name),
                        locations::address_line1.eq("Dorpsstraat 1"),
                        locations::address_line2.eq(""),
                        locations::postal_code.eq("1234 AB"),
                        locations::city.eq(city),
                        locations::country_code.eq(Some("NL")),
                        locations::office_open_hour.eq(Some(9)),
                        locations::office_close_hour.eq(Some(17)),
                        locations::version.eq(0),
                        locations::created_at.eq(now),
                        locations::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
            diesel::QueryResult::Ok(())
        })
        .unwrap();
    })
    .await;
}

/// Names in a list page's table rows that link to `/{what}/…`.
fn listed(body: &str, what: &str) -> Vec<String> {
    let mark = format!("<td><a href=\"/{what}/");
    body.split(&mark)
        .skip(1)
        .map(|s| {
            let s = &s[s.find('>').unwrap() + 1..];
            s[..s.find('<').unwrap()].to_string()
        })
        .collect()
}

#[actix_web::test]
async fn locations_export_what_the_list_shows_in_both_languages() {
    let app = TestApp::demo().await;
    let org = demo_org(&app).await;
    let tricky = "Zaal \"A\"; boven\nachter".to_string();
    let names = ["Export Alfa", "Export Beta", "Export Gamma"].map(String::from);
    add_locations(&app, &org, names.to_vec(), "Ede").await;
    add_locations(&app, &org, vec![tricky.clone()], "Export-stad").await;
    add_locations(&app, &org, vec!["=HYPERLINK(\"x\")".into()], "@Plaats").await;
    let mut admin = app.login(ADMIN).await;

    let query = "q=export&sortBy=name&sortDirection=DESC";
    let res = admin.get(&format!("/locations/export?{query}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let today =
        portaal::domain::local_time::utc_to_local(chrono_tz::Europe::Amsterdam, app.clock.now())
            .date();
    assert_eq!(
        res.header("content-disposition"),
        Some(format!("attachment; filename=\"locaties-{today}.csv\""))
    );
    assert!(
        res.body
            .starts_with("\u{feff}Naam;Adres;Adres (vervolg);Postcode;Plaats;Land;")
    );
    // The separator, a quote and a line break inside a name: quoted.
    assert!(
        res.body.contains(
            "\"Zaal \"\"A\"\"; boven\nachter\";Dorpsstraat 1;;1234 AB;Export-stad;NL;9;17\r\n"
        ),
        "{}",
        res.body
    );
    let rows = parse(&res.body, ';');
    let csv_names: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        csv_names,
        [
            tricky.as_str(),
            "Export Gamma",
            "Export Beta",
            "Export Alfa"
        ]
    );

    // The same search and sort on the list shows the same rows.
    let list = admin.get(&format!("/locations?{query}")).await;
    let html_names = listed(&list.body, "locations");
    assert_eq!(html_names.len(), 4);
    assert_eq!(html_names[1..], csv_names[1..]);
    assert!(
        list.body.contains(&format!(
            "href=\"/locations/export?{}\"",
            query.replace('&', "&#38;")
        )),
        "the list links to its export with its search and sort: {}",
        &list.body[list.body.find("list-footer").unwrap_or(0)..]
    );

    // A formula is made text.
    let res = admin.get("/locations/export?q=hyperlink").await;
    assert!(
        res.body
            .contains("\"'=HYPERLINK(\"\"x\"\")\";Dorpsstraat 1;;1234 AB;'@Plaats;NL;9;17\r\n"),
        "{}",
        res.body
    );

    // English: `,` and English headers.
    let res = admin
        .get_with("/locations/export?q=alfa", &[("Accept-Language", "en")])
        .await;
    assert_eq!(
        res.header("content-disposition"),
        Some(format!("attachment; filename=\"locations-{today}.csv\""))
    );
    assert_eq!(
        res.body,
        "\u{feff}Name,Address,Address (continued),Postal code,City,Country,Opens at (hour),Closes at (hour)\r\n\
         Export Alfa,Dorpsstraat 1,,1234 AB,Ede,NL,9,17\r\n"
    );

    // Audited, with the search and the row count.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'location.exported' \
             AND resource_type = 'location' AND after_json LIKE '%\"q\":\"export\"%' \
             AND after_json LIKE '%\"rows\":4%' AND after_json LIKE '%\"sortDirection\":\"DESC\"%'"
        )
        .await,
        1
    );
    let log = admin.get("/settings/audit-log").await;
    assert!(log.body.contains("Locaties geëxporteerd"));
}

#[actix_web::test]
async fn another_organisations_rows_never_show() {
    let app = TestApp::demo().await;
    let mut other = app.other_admin().await;
    let res = other
        .post(
            "/locations",
            &[
                ("name", "Ander kantoor"),
                ("address_line1", ""),
                ("address_line2", ""),
                ("postal_code", ""),
                ("city", "Elders"),
                ("country_code", ""),
                ("office_open_hour", ""),
                ("office_close_hour", ""),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut admin = app.login(ADMIN).await;
    for path in [
        "/locations/export",
        "/customers/export",
        "/meetings/export?from=&to=",
        "/settings/audit-log/export",
    ] {
        let res = admin.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert!(!res.body.contains("Ander"), "{path}: {}", res.body);
    }
    let theirs = other.get("/locations/export").await;
    let rows = parse(&theirs.body, ';');
    assert_eq!(rows.len(), 2, "{}", theirs.body);
    assert_eq!(rows[1][0], "Ander kantoor");
    let log = other.get("/settings/audit-log/export").await;
    assert!(!log.body.contains("Demo"), "{}", log.body);
}

#[actix_web::test]
async fn customers_export_one_row_per_contact() {
    let app = TestApp::demo().await;
    let org = demo_org(&app).await;
    let now = app.clock.now();
    app.db(move |c| {
        let customer = |id: &str, name: &str, phone: &str| {
            (
                customers::id.eq(id.to_string()),
                customers::organization_id.eq(org.clone()),
                customers::name.eq(name.to_string()),
                customers::customer_type.eq("company"),
                customers::email.eq("info@export.test"),
                customers::phone.eq(phone.to_string()),
                customers::country_code.eq(Some("NL")),
                customers::notes.eq(""),
                customers::version.eq(0),
                customers::created_at.eq(now),
                customers::updated_at.eq(now),
            )
        };
        for row in [
            customer("cexp1", "Exportklant Een", "+31612345678"),
            customer("cexp2", "Exportklant Twee", ""),
        ] {
            diesel::insert_into(customers::table)
                .values(row)
                .execute(c)
                .unwrap();
        }
        for (id, first, last) in [("p1", "Anna", "Zwart"), ("p2", "Bram", "Appel")] {
            diesel::insert_into(contacts::table)
                .values((
                    contacts::id.eq(id),
                    contacts::organization_id.eq(org.clone()),
                    contacts::customer_id.eq("cexp1"),
                    contacts::firstname.eq(first),
                    contacts::lastname.eq(last),
                    contacts::email.eq(None::<String>),
                    contacts::mobile.eq(Some("+31687654321")),
                    contacts::version.eq(0),
                    contacts::created_at.eq(now),
                    contacts::updated_at.eq(now),
                ))
                .execute(c)
                .unwrap();
        }
    })
    .await;
    let mut staff = app.login(STAFF).await;
    let res = staff.get("/customers/export?q=exportklant").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.body,
        "\u{feff}Naam;Soort;E-mailadres;Telefoon;Land;Voornaam;Achternaam;E-mailadres contactpersoon;Mobiel\r\n\
         Exportklant Een;Bedrijf;info@export.test;'+31612345678;NL;Bram;Appel;;'+31687654321\r\n\
         Exportklant Een;Bedrijf;info@export.test;'+31612345678;NL;Anna;Zwart;;'+31687654321\r\n\
         Exportklant Twee;Bedrijf;info@export.test;;NL\r\n"
    );
    let list = staff.get("/customers?q=exportklant").await;
    assert_eq!(
        listed(&list.body, "customers"),
        ["Exportklant Een", "Exportklant Twee"]
    );
    let en = staff
        .get_with("/customers/export?q=twee", &[("Accept-Language", "en")])
        .await;
    assert!(
        en.body.starts_with(
            "\u{feff}Name,Type,E-mail address,Phone,Country,First name,Last name,Contact e-mail address,Mobile\r\n"
        ),
        "{}",
        en.body
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'customer.exported' \
             AND after_json LIKE '%\"rows\":2%'"
        )
        .await,
        1
    );
}

#[actix_web::test]
async fn meetings_export_their_filter_in_local_time() {
    let app = TestApp::demo().await;
    let org = demo_org(&app).await;
    // Three upcoming meetings, on whole minutes; one without a location.
    let start = app.clock.now().date().and_hms_opt(13, 0, 0).unwrap() + chrono::Duration::days(2);
    let first = start;
    app.db(move |c| {
        use portaal::db::schema::{meetings, users};
        let staff: String = users::table
            .filter(users::email.eq(STAFF))
            .select(users::id)
            .first(c)
            .unwrap();
        let place: String = locations::table
            .filter(locations::organization_id.eq(&org))
            .select(locations::id)
            .first(c)
            .unwrap();
        for (n, place, subject) in [
            (0, Some(place.clone()), "Intake; eerste gesprek"),
            (1, None, "Telefonisch"),
            (2, Some(place), "Evaluatie"),
        ] {
            let from = start + chrono::Duration::hours(n);
            diesel::insert_into(meetings::table)
                .values((
                    meetings::id.eq(portaal::db::new_id()),
                    meetings::organization_id.eq(&org),
                    meetings::employee_id.eq(&staff),
                    meetings::location_id.eq(place),
                    meetings::date_from.eq(from),
                    meetings::date_to.eq(from + chrono::Duration::minutes(45)),
                    meetings::notes.eq("regel 1\nregel 2"),
                    meetings::version.eq(0),
                    meetings::created_at.eq(start),
                    meetings::updated_at.eq(start),
                    meetings::subject.eq(subject),
                ))
                .execute(c)
                .unwrap();
        }
    })
    .await;
    let mut admin = app.login(ADMIN).await;
    let list = admin.get("/meetings?from=&to=").await;
    let shown: i64 = regex::Regex::new(r"\d+–\d+ van (\d+)")
        .unwrap()
        .captures(&list.body)
        .unwrap_or_else(|| panic!("{}", &list.body[list.body.find("id=\"list\"").unwrap()..]))[1]
        .parse()
        .unwrap();
    assert!(shown > 0, "the demo has upcoming meetings");
    assert!(
        list.body.contains(
            "href=\"/meetings/export?from=&#38;to=&#38;sortBy=dateFrom&#38;sortDirection=ASC\""
        ),
        "the list links to its export"
    );
    let res = admin.get("/meetings/export?from=&to=").await;
    assert_eq!(res.status, StatusCode::OK);
    let rows = parse(&res.body, ';');
    assert_eq!(
        rows[0],
        [
            "Van",
            "Tot",
            "Onderwerp",
            "Medewerker",
            "Locatie",
            "Notities"
        ]
    );
    assert_eq!(rows.len() as i64 - 1, shown);
    let minute = regex::Regex::new(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$").unwrap();
    for row in &rows[1..] {
        assert!(
            minute.is_match(&row[0]) && minute.is_match(&row[1]),
            "{row:?}"
        );
        assert!(row[0] <= row[1]);
    }
    let local = portaal::domain::local_time::utc_to_local(chrono_tz::Europe::Amsterdam, first);
    // The demo's own meetings may come first (a Monday morning's, say).
    let ours = |subject: &str| {
        rows.iter()
            .find(|r| r[2] == subject)
            .unwrap_or_else(|| panic!("{subject} is exported: {rows:?}"))
    };
    assert_eq!(
        *ours("Intake; eerste gesprek"),
        [
            local.format("%Y-%m-%d %H:%M").to_string(),
            (local + chrono::Duration::minutes(45))
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            "Intake; eerste gesprek".into(),
            "Mo Medewerker".into(),
            ours("Intake; eerste gesprek")[4].clone(),
            "regel 1\nregel 2".into(),
        ]
    );
    assert!(!ours("Intake; eerste gesprek")[4].is_empty() && ours("Telefonisch")[4].is_empty());
    let mut sorted = rows[1..].to_vec();
    sorted.sort_by(|a, b| a[0].cmp(&b[0]));
    assert_eq!(sorted, rows[1..], "in the list's order");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'meeting.exported'")
            .await,
        1
    );
}

#[actix_web::test]
async fn the_audit_log_export_is_for_admins_and_audited_itself() {
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    assert_eq!(
        staff.get("/settings/audit-log/export").await.status,
        StatusCode::FORBIDDEN
    );
    let mut admin = app.login(ADMIN).await;
    let page = admin.get("/settings/audit-log?resource=location").await;
    assert!(
        page.body
            .contains("href=\"/settings/audit-log/export?resource=location&#38;sortBy=createdAt&#38;sortDirection=DESC\""),
        "the log links to its export with its filter"
    );
    let res = admin
        .get_with(
            "/settings/audit-log/export?resource=user",
            &[("Accept-Language", "en")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let rows = parse(&res.body, ',');
    assert_eq!(
        rows[0],
        [
            "Time",
            "Who",
            "Kind",
            "Action",
            "Record",
            "Id",
            "IP address",
            "Before",
            "After"
        ]
        .map(String::from)
    );
    assert!(rows.len() > 1, "{}", res.body);
    assert!(rows[1..].iter().all(|r| r[4] == "user"), "{rows:?}");
    assert!(rows[1..].iter().any(|r| r[3] == "Logged in"), "{rows:?}");
    let res = admin
        .get("/settings/audit-log/export?resource=audit_log")
        .await;
    let rows = parse(&res.body, ';');
    assert_eq!(rows.len(), 3, "the two exports: {}", res.body);
    assert_eq!(rows[1][3], "Auditlog geëxporteerd");
    assert!(
        rows[2][8].contains("\"resource\":\"user\""),
        "{:?}",
        rows[2]
    );
}

#[actix_web::test]
async fn many_rows_over_several_chunks_none_twice_none_missing() {
    let app = TestApp::demo().await;
    let org = demo_org(&app).await;
    let names: Vec<String> = (0..2500).map(|n| format!("Bulk {n:05}")).collect();
    add_locations(&app, &org, names.clone(), "Bulkstad").await;
    let mut admin = app.login(ADMIN).await;
    let res = admin
        .get("/locations/export?q=bulk&sortBy=name&sortDirection=DESC")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let rows = parse(&res.body, ';');
    let got: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let want: Vec<&str> = names.iter().rev().map(String::as_str).collect();
    assert_eq!(got.len(), 2500);
    assert!(got == want, "every name once, in order");
}
