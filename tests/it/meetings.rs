//! Meetings: create, edit and delete with their audit trail; every rule of
//! the form; local times across the daylight-saving changes of
//! Europe/Amsterdam; the overlap warning and "save anyway"; the list's
//! filters, paging and sorting; the week view; roles; tenant isolation; 409.

use awc::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use portaal::db::schema::{audit_events, locations, meetings, organizations};
use portaal::domain::meetings::Meeting;
use serde_json::Value;

use crate::support::*;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

async fn org_of(app: &TestApp, name: &'static str) -> String {
    app.db(move |c| {
        organizations::table
            .filter(organizations::name.eq(name))
            .select(organizations::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// A location of an organisation, straight into the database.
async fn add_location(app: &TestApp, org: &str, name: &'static str) -> String {
    let org = org.to_string();
    app.db(move |c| {
        let id = portaal::db::new_id();
        let now = at("2026-11-23 12:00");
        diesel::insert_into(locations::table)
            .values((
                locations::id.eq(&id),
                locations::organization_id.eq(&org),
                locations::name.eq(name),
                locations::created_at.eq(now),
                locations::updated_at.eq(now),
            ))
            .execute(c)
            .unwrap();
        id
    })
    .await
}

/// Another organisation with its own admin (who can log in).
async fn other_org(app: &TestApp) -> Client {
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    app.login("baas@ander.test").await
}

async fn stored(app: &TestApp, id: &str) -> Option<Meeting> {
    let id = id.to_string();
    app.db(move |c| {
        meetings::table
            .find(id)
            .select(Meeting::as_select())
            .first(c)
            .optional()
            .unwrap()
    })
    .await
}

async fn by_notes(app: &TestApp, notes: &str) -> Vec<Meeting> {
    let notes = notes.to_string();
    app.db(move |c| {
        meetings::table
            .filter(meetings::notes.eq(notes))
            .select(Meeting::as_select())
            .load(c)
            .unwrap()
    })
    .await
}

async fn id_of(app: &TestApp, notes: &str) -> String {
    let found = by_notes(app, notes).await;
    assert_eq!(found.len(), 1, "one meeting with notes {notes:?}");
    found[0].id.clone()
}

/// `(action, before, after)` of a meeting's audit events, oldest first.
async fn audit_of(app: &TestApp, id: &str) -> Vec<(String, Option<Value>, Option<Value>)> {
    let id = id.to_string();
    let rows: Vec<(String, Option<String>, Option<String>)> = app
        .db(move |c| {
            audit_events::table
                .filter(audit_events::resource_type.eq("meeting"))
                .filter(audit_events::resource_id.eq(id))
                .order((audit_events::created_at, audit_events::id))
                .select((
                    audit_events::action,
                    audit_events::before_json,
                    audit_events::after_json,
                ))
                .load(c)
                .unwrap()
        })
        .await;
    let json = |s: Option<String>| s.map(|s| serde_json::from_str::<Value>(&s).unwrap());
    rows.into_iter()
        .map(|(a, b, f)| (a, json(b), json(f)))
        .collect()
}

/// The form fields of a meeting.
fn fields<'a>(
    employee: &'a str,
    from: &'a str,
    to: &'a str,
    location: &'a str,
    notes: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("employee_id", employee),
        ("date_from", from),
        ("date_to", to),
        ("location_id", location),
        ("notes", notes),
    ]
}

/// Create a meeting through the form; it must be saved at once.
async fn create(c: &mut Client, f: &[(&str, &str)]) {
    let res = c.post("/meetings", f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// The error shown under a field.
fn field_error(body: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"f-{field}-error\">");
    let at = body.find(&marker)? + marker.len();
    Some(body[at..at + body[at..].find("</p>")?].to_string())
}

/// The list part of the meetings page.
fn list_part(body: &str) -> &str {
    &body[body.find("id=\"list\"").expect("the list")..]
}

/// The notes of the rows of the list, in order.
fn listed(body: &str) -> Vec<String> {
    let list = list_part(body);
    let Some(start) = list.find("<tbody>") else {
        return vec![];
    };
    let tbody = &list[start..list.find("</tbody>").unwrap()];
    tbody
        .split("<tr>")
        .skip(1)
        .map(|r| {
            let cell = r.rsplit("<td class=\"meeting-subject\">").next().unwrap();
            cell[..cell.find("</td>").unwrap()].to_string()
        })
        .collect()
}

// ---------------------------------------------------------------- the happy path

#[actix_web::test]
async fn create_edit_delete_with_audit() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let staff = user_id(&app, STAFF).await;
    let org = org_of(&app, "Demo BV").await;
    let zaal = add_location(&app, &org, "Vergaderzaal Noord").await;

    // The list and the form.
    let list = admin.get("/meetings").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("href=\"/meetings/new\""));
    assert!(list.body.contains("href=\"/meetings/week\""));
    assert!(list.body.contains("aria-current=\"page\">Afspraken</a>"));
    let new = admin
        .get("/meetings/new?start=2030-01-07T10:00&back=week")
        .await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(
        new.body.contains("value=\"2030-01-07T10:00\""),
        "{}",
        new.body
    );
    assert!(new.body.contains("value=\"2030-01-07T11:00\""));
    assert!(new.body.contains("type=\"datetime-local\""));
    assert!(new.body.contains(">Vergaderzaal Noord</option>"));
    assert!(
        new.body
            .contains(&format!("<option value=\"{staff}\">Mo Medewerker</option>"))
    );
    // Planning one's own meetings is the common case.
    assert!(new.body.contains("selected>Bea Beheer</option>"));
    assert!(new.body.contains("Europe/Amsterdam"));
    assert!(!new.body.contains("/delete"), "nothing to delete yet");

    let mut f = fields(
        &staff,
        "2030-01-07T10:00",
        "2030-01-07T11:30",
        &zaal,
        "Jaarplanning",
    );
    f.push(("back", "week"));
    let res = admin.post("/meetings", &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/meetings/week?date=2030-01-07");
    let week = admin.get(&res.location()).await;
    assert!(week.body.contains("Afspraak opgeslagen."));
    assert!(week.body.contains("10:00–11:30"), "{}", week.body);
    let id = id_of(&app, "Jaarplanning").await;
    let m = stored(&app, &id).await.unwrap();
    // Stored in UTC: winter time is one hour ahead.
    assert_eq!(m.date_from, at("2030-01-07 09:00"));
    assert_eq!(m.date_to, at("2030-01-07 10:30"));
    assert_eq!(m.employee_id, staff);
    assert_eq!(m.location_id.as_deref(), Some(zaal.as_str()));
    assert_eq!(m.version, 1);
    assert_eq!(m.organization_id, org);

    let list = admin.get("/meetings?from=&to=").await;
    assert!(
        list.body.contains("7 jan. 2030 10:00 – 11:30"),
        "{}",
        list.body
    );
    assert!(list.body.contains(&format!("href=\"/meetings/{id}\"")));

    // Edit: the stored values in local time, and a way to delete.
    let edit = admin.get(&format!("/meetings/{id}")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("Afspraak wijzigen"));
    assert!(edit.body.contains("value=\"2030-01-07T10:00\""));
    assert!(edit.body.contains("value=\"2030-01-07T11:30\""));
    assert!(
        edit.body
            .contains(&format!("<option value=\"{zaal}\" selected>"))
    );
    assert!(
        edit.body
            .contains(&format!("href=\"/meetings/{id}/delete\""))
    );
    let mut f = fields(
        &staff,
        "2030-01-07T13:00",
        "2030-01-07T14:00",
        "",
        "Jaarplanning (verzet)",
    );
    f.push(("version", "1"));
    let res = admin.post(&format!("/meetings/{id}"), &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/meetings");
    let m = stored(&app, &id).await.unwrap();
    assert_eq!(
        (m.date_from, m.date_to, m.location_id.clone(), m.version),
        (at("2030-01-07 12:00"), at("2030-01-07 13:00"), None, 2)
    );
    assert_eq!(m.notes, "Jaarplanning (verzet)");

    // Delete, after a confirmation page.
    let confirm = admin.get(&format!("/meetings/{id}/delete")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Afspraak verwijderen"));
    // The heading takes focus, not the red button: Enter does not delete.
    assert!(
        confirm.body.contains(
            "<h1 class=\"page-title\" tabindex=\"-1\" autofocus>Afspraak verwijderen</h1>"
        )
    );
    assert!(!confirm.body.contains("type=\"submit\" autofocus"));
    assert!(
        confirm.body.contains(
            "De afspraak van Mo Medewerker op 7 jan. 2030 13:00 – 14:00 wordt verwijderd."
        )
    );
    let res = admin.post(&format!("/meetings/{id}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/meetings");
    assert!(
        admin
            .get("/meetings")
            .await
            .body
            .contains("Afspraak verwijderd.")
    );
    assert!(stored(&app, &id).await.is_none());
    assert_eq!(
        admin.get(&format!("/meetings/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    // Every change in the audit log, with the values before and after.
    let events = audit_of(&app, &id).await;
    let actions: Vec<&str> = events.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        ["meeting.created", "meeting.updated", "meeting.deleted"]
    );
    let (_, before, after) = &events[0];
    assert!(before.is_none());
    let after = after.as_ref().unwrap();
    assert_eq!(after["dateFrom"], "2030-01-07T09:00:00Z");
    assert_eq!(after["dateTo"], "2030-01-07T10:30:00Z");
    assert_eq!(after["employeeId"], staff.as_str());
    assert_eq!(after["employeeName"], "Mo Medewerker");
    assert_eq!(after["locationId"], zaal.as_str());
    assert_eq!(after["locationName"], "Vergaderzaal Noord");
    assert_eq!(after["notes"], "Jaarplanning");
    let (_, before, after) = &events[1];
    assert_eq!(before.as_ref().unwrap()["dateFrom"], "2030-01-07T09:00:00Z");
    assert_eq!(
        before.as_ref().unwrap()["locationName"],
        "Vergaderzaal Noord"
    );
    let after = after.as_ref().unwrap();
    assert_eq!(after["dateFrom"], "2030-01-07T12:00:00Z");
    assert_eq!(after["locationId"], Value::Null);
    assert_eq!(after["notes"], "Jaarplanning (verzet)");
    let (_, before, after) = &events[2];
    assert_eq!(before.as_ref().unwrap()["dateTo"], "2030-01-07T13:00:00Z");
    assert!(after.is_none());
    let log = admin.get("/settings/audit-log").await;
    for label in [
        "Afspraak aangemaakt",
        "Afspraak gewijzigd",
        "Afspraak verwijderd",
    ] {
        assert!(log.body.contains(label), "{label}");
    }
}

// ---------------------------------------------------------------- the rules

#[actix_web::test]
async fn every_rule_of_the_form() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let staff = user_id(&app, STAFF).await;
    let mut other = other_org(&app).await;
    let stranger = user_id(&app, "baas@ander.test").await;
    let their_org = org_of(&app, "Ander BV").await;
    let their_room = add_location(&app, &their_org, "Hun zaal").await;
    let before = app.count("SELECT COUNT(*) AS n FROM meetings").await;
    let long = "x".repeat(2001);
    let (from, to) = ("2030-01-07T10:00", "2030-01-07T11:00");
    // (fields, the field with the error, its message)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            fields("", from, to, "", "a"),
            "employee_id",
            "Vul dit veld in.",
        ),
        (
            fields(&staff, "", to, "", "b"),
            "date_from",
            "Vul dit veld in.",
        ),
        (
            fields(&staff, from, "", "", "c"),
            "date_to",
            "Vul dit veld in.",
        ),
        (
            fields(&staff, "morgen", to, "", "d"),
            "date_from",
            "Vul een datum en tijd in als 2026-12-31 14:00.",
        ),
        (
            fields(&staff, from, "2030-02-30T10:00", "", "e"),
            "date_to",
            "Vul een datum en tijd in als 2026-12-31 14:00.",
        ),
        (
            fields(&staff, from, "2030-01-07T09:59", "", "f"),
            "date_to",
            "Het einde moet na het begin liggen.",
        ),
        (
            fields(&staff, from, from, "", "g"),
            "date_to",
            "Het einde moet na het begin liggen.",
        ),
        (
            fields(&staff, from, to, "", &long),
            "notes",
            "Maximaal 2000 tekens.",
        ),
        (
            fields("bestaat-niet", from, to, "", "h"),
            "employee_id",
            "Kies iemand die lid is van deze organisatie.",
        ),
        // Someone of another organisation is not an employee here.
        (
            fields(&stranger, from, to, "", "i"),
            "employee_id",
            "Kies iemand die lid is van deze organisatie.",
        ),
        (
            fields(&staff, from, to, "bestaat-niet", "j"),
            "location_id",
            "Kies een van de mogelijkheden.",
        ),
        (
            fields(&staff, from, to, &their_room, "k"),
            "location_id",
            "Kies een van de mogelijkheden.",
        ),
    ];
    for (f, field, message) in &cases {
        let res = admin.post("/meetings", f).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {f:?}"
        );
        assert_eq!(
            field_error(&res.body, field).as_deref(),
            Some(*message),
            "{field}: {f:?}"
        );
        assert!(res.body.contains("aria-invalid=\"true\""));
        // The input is kept.
        let notes = f.iter().find(|(k, _)| *k == "notes").unwrap().1;
        if notes.len() < 5 {
            assert!(
                res.body.contains(&format!(">{notes}</textarea>")),
                "{field}"
            );
        }
    }
    // Everything wrong at once: every error, the first field focused.
    let res = admin
        .post("/meetings", &fields("", "", "morgen", "nergens", &long))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "employee_id",
        "date_from",
        "date_to",
        "location_id",
        "notes",
    ] {
        assert!(field_error(&res.body, field).is_some(), "{field}");
    }
    assert!(
        res.body
            .contains("aria-describedby=\"f-employee_id-error\" autofocus")
    );
    assert!(res.body.contains("value=\"morgen\""));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM meetings").await,
        before,
        "nothing saved"
    );

    // The other organisation cannot plan the demo's people or rooms either.
    let org = org_of(&app, "Demo BV").await;
    let demo_room = add_location(&app, &org, "Demo zaal").await;
    let res = other
        .post("/meetings", &fields(&staff, from, to, "", "l"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&res.body, "employee_id").as_deref(),
        Some("Kies iemand die lid is van deze organisatie.")
    );
    let res = other
        .post("/meetings", &fields(&stranger, from, to, &demo_room, "m"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "location_id").is_some());
    // Their own person and room are fine.
    create(
        &mut other,
        &fields(&stranger, from, to, &their_room, "eigen"),
    )
    .await;

    // An edit follows the same rules.
    create(&mut admin, &fields(&staff, from, to, "", "te wijzigen")).await;
    let id = id_of(&app, "te wijzigen").await;
    let mut f = fields(&staff, to, from, "", "te wijzigen");
    f.push(("version", "1"));
    let res = admin.post(&format!("/meetings/{id}"), &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&res.body, "date_to").as_deref(),
        Some("Het einde moet na het begin liggen.")
    );
    assert_eq!(stored(&app, &id).await.unwrap().version, 1);

    // In English.
    admin
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    let res = admin
        .post(
            "/meetings",
            &fields(&staff, "2026-03-29T02:30", to, "", "n"),
        )
        .await;
    assert_eq!(
        field_error(&res.body, "date_from").as_deref(),
        Some("This time does not exist in this time zone (daylight saving time).")
    );
}

// ---------------------------------------------------------------- time zones

/// A meeting across the autumn change is stored in UTC and shown in local
/// time; a time in the spring gap does not exist.
#[actix_web::test]
async fn daylight_saving_in_amsterdam() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let staff = user_id(&app, STAFF).await;
    let bea = user_id(&app, ADMIN).await;

    // 25 October 2026: 03:00 summer time becomes 02:00 winter time.
    create(
        &mut admin,
        &fields(
            &staff,
            "2026-10-25T01:30",
            "2026-10-25T03:30",
            "",
            "Nachtdienst",
        ),
    )
    .await;
    let id = id_of(&app, "Nachtdienst").await;
    let m = stored(&app, &id).await.unwrap();
    assert_eq!(m.date_from, at("2026-10-24 23:30"), "01:30 summer time");
    assert_eq!(m.date_to, at("2026-10-25 02:30"), "03:30 winter time");
    assert_eq!(m.date_to - m.date_from, chrono::Duration::hours(3));
    let list = admin.get("/meetings?from=2026-10-25&to=2026-10-25").await;
    assert!(
        list.body.contains("25 okt. 2026 01:30 – 03:30"),
        "{}",
        list.body
    );
    let edit = admin.get(&format!("/meetings/{id}")).await;
    assert!(edit.body.contains("value=\"2026-10-25T01:30\""));
    assert!(edit.body.contains("value=\"2026-10-25T03:30\""));
    let week = admin.get("/meetings/week?date=2026-10-25").await;
    assert!(week.body.contains("01:30–03:30"), "{}", week.body);
    assert!(
        week.body.contains(">01:00</th>"),
        "the grid starts early enough"
    );
    let events = audit_of(&app, &id).await;
    let after = events[0].2.as_ref().unwrap();
    assert_eq!(after["dateFrom"], "2026-10-24T23:30:00Z");
    assert_eq!(after["dateTo"], "2026-10-25T02:30:00Z");

    // 02:30 happens twice that night: the first one (summer time) is meant.
    create(
        &mut admin,
        &fields(
            &bea,
            "2026-10-25T02:30",
            "2026-10-25T02:45",
            "",
            "Dubbel uur",
        ),
    )
    .await;
    let m = &by_notes(&app, "Dubbel uur").await[0];
    assert_eq!(
        (m.date_from, m.date_to),
        (at("2026-10-25 00:30"), at("2026-10-25 00:45"))
    );

    // 29 March 2026: 02:00 becomes 03:00; 02:30 does not exist.
    let res = admin
        .post(
            "/meetings",
            &fields(&staff, "2026-03-29T02:30", "2026-03-29T04:00", "", "Lente"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&res.body, "date_from").as_deref(),
        Some("Dit tijdstip bestaat niet in deze tijdzone (zomertijd).")
    );
    assert!(by_notes(&app, "Lente").await.is_empty());
    // Just after the gap is fine, and shown as typed.
    create(
        &mut admin,
        &fields(&staff, "2026-03-29T03:00", "2026-03-29T04:00", "", "Lente"),
    )
    .await;
    let m = &by_notes(&app, "Lente").await[0];
    assert_eq!(m.date_from, at("2026-03-29 01:00"));
    // The week view offers no free slot in the hour that does not exist
    // (a meeting early on Saturday makes the grid start at 01:00).
    create(
        &mut admin,
        &fields(&bea, "2026-03-28T01:00", "2026-03-28T01:30", "", "Vroeg"),
    )
    .await;
    let week = admin.get("/meetings/week?date=2026-03-29").await;
    assert!(week.body.contains(">02:00</th>"));
    assert!(week.body.contains("start=2026-03-28T02:00&#38;back=week\""));
    assert!(!week.body.contains("start=2026-03-29T02:00&#38;back=week\""));
    assert!(week.body.contains("start=2026-03-29T04:00&#38;back=week\""));
    assert!(week.body.contains("03:00–04:00"));
}

// ---------------------------------------------------------------- overlaps

#[actix_web::test]
async fn overlap_warns_then_saves_anyway() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let staff = user_id(&app, STAFF).await;
    let bea = user_id(&app, ADMIN).await;
    let org = org_of(&app, "Demo BV").await;
    let zaal = add_location(&app, &org, "Zaal Oost").await;
    create(
        &mut admin,
        &fields(
            &staff,
            "2030-02-04T10:00",
            "2030-02-04T11:00",
            &zaal,
            "Eerste",
        ),
    )
    .await;
    let first = id_of(&app, "Eerste").await;

    // The form warns and names the other meeting; nothing is saved yet.
    let second = fields(&staff, "2030-02-04T10:30", "2030-02-04T11:30", "", "Tweede");
    let res = admin.post("/meetings", &second).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .contains("Deze medewerker heeft dan al een afspraak")
    );
    let warning = &res.body[res.body.find("overlap-warning").unwrap()..];
    let warning = &warning[..warning.find("</div>").unwrap()];
    assert!(
        warning.contains("<strong>Mo Medewerker</strong> · 4 feb. 2030 10:00 – 11:00 · Zaal Oost"),
        "{warning}"
    );
    assert!(
        res.body
            .contains("name=\"confirm_overlap\" value=\"1\">Toch opslaan</button>")
    );
    assert!(
        res.body.contains("value=\"2030-02-04T10:30\""),
        "the input is kept"
    );
    assert!(res.body.contains(">Tweede</textarea>"));
    assert!(by_notes(&app, "Tweede").await.is_empty());

    // Saving anyway.
    let mut anyway = second.clone();
    anyway.push(("confirm_overlap", "1"));
    create(&mut admin, &anyway).await;
    assert_eq!(by_notes(&app, "Tweede").await.len(), 1);

    // Another employee at the same time, or meetings that only touch: no warning.
    create(
        &mut admin,
        &fields(
            &bea,
            "2030-02-04T10:00",
            "2030-02-04T11:00",
            "",
            "Bea tegelijk",
        ),
    )
    .await;
    create(
        &mut admin,
        &fields(
            &staff,
            "2030-02-04T11:30",
            "2030-02-04T12:00",
            "",
            "Aansluitend",
        ),
    )
    .await;

    // An edit never overlaps with itself, but does with the others.
    let mut f = fields(
        &staff,
        "2030-02-04T09:00",
        "2030-02-04T10:15",
        &zaal,
        "Eerste",
    );
    f.push(("version", "1"));
    let res = admin.post(&format!("/meetings/{first}"), &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut f = fields(
        &staff,
        "2030-02-04T09:00",
        "2030-02-04T10:45",
        &zaal,
        "Eerste",
    );
    f.push(("version", "2"));
    let res = admin.post(&format!("/meetings/{first}"), &f).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("4 feb. 2030 10:30 – 11:30"),
        "names the second"
    );
    assert!(
        !res.body.contains("4 feb. 2030 09:00 – 10:15"),
        "not itself"
    );
    assert_eq!(stored(&app, &first).await.unwrap().version, 2);
    f.push(("confirm_overlap", "1"));
    let res = admin.post(&format!("/meetings/{first}"), &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&app, &first).await.unwrap().date_to,
        at("2030-02-04 09:45")
    );
}

// ---------------------------------------------------------------- roles

#[actix_web::test]
async fn staff_create_and_edit_but_do_not_delete() {
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    let mo = user_id(&app, STAFF).await;
    let list = staff.get("/meetings").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("href=\"/meetings/new\""));
    assert_eq!(staff.get("/meetings/new").await.status, StatusCode::OK);
    create(
        &mut staff,
        &fields(&mo, "2030-01-08T09:00", "2030-01-08T10:00", "", "Van Mo"),
    )
    .await;
    let id = id_of(&app, "Van Mo").await;
    let edit = staff.get(&format!("/meetings/{id}")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(!edit.body.contains("/delete"), "no delete button for staff");
    let mut f = fields(&mo, "2030-01-08T09:00", "2030-01-08T10:30", "", "Van Mo");
    f.push(("version", "1"));
    let res = staff.post(&format!("/meetings/{id}"), &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(stored(&app, &id).await.unwrap().version, 2);
    // Staff may also edit the meetings of others.
    let mut admin = app.login(ADMIN).await;
    let bea = user_id(&app, ADMIN).await;
    create(
        &mut admin,
        &fields(&bea, "2030-01-08T14:00", "2030-01-08T15:00", "", "Van Bea"),
    )
    .await;
    let beas = id_of(&app, "Van Bea").await;
    let mut f = fields(
        &bea,
        "2030-01-08T14:00",
        "2030-01-08T15:00",
        "",
        "Van Bea, door Mo",
    );
    f.push(("version", "1"));
    let res = staff.post(&format!("/meetings/{beas}"), &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // Deleting needs TENANT.BACKOFFICE.
    let res = staff.get(&format!("/meetings/{id}/delete")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = staff.post(&format!("/meetings/{id}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(stored(&app, &id).await.is_some());
    // The admin does see the button.
    let edit = admin.get(&format!("/meetings/{id}")).await;
    assert!(
        edit.body
            .contains(&format!("href=\"/meetings/{id}/delete\""))
    );
    // Nobody logged in: to the login page.
    let res = app.client().get("/meetings").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

// ---------------------------------------------------------------- tenants

#[actix_web::test]
async fn another_organisation_sees_nothing() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let staff = user_id(&app, STAFF).await;
    create(
        &mut admin,
        &fields(
            &staff,
            "2030-01-09T10:00",
            "2030-01-09T11:00",
            "",
            "Geheim overleg",
        ),
    )
    .await;
    let id = id_of(&app, "Geheim overleg").await;
    let mut other = other_org(&app).await;
    let stranger = user_id(&app, "baas@ander.test").await;

    assert_eq!(
        other.get(&format!("/meetings/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut f = fields(
        &stranger,
        "2030-01-09T10:00",
        "2030-01-09T11:00",
        "",
        "Overgenomen",
    );
    f.push(("version", "1"));
    let res = other.post(&format!("/meetings/{id}"), &f).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    f.push(("confirm_overlap", "1"));
    let res = other.post(&format!("/meetings/{id}"), &f).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(&format!("/meetings/{id}/delete")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("/meetings/{id}/delete"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let m = stored(&app, &id).await.unwrap();
    assert_eq!((m.notes.as_str(), m.version), ("Geheim overleg", 1));

    // Not in their lists, week views or choices.
    for path in [
        "/meetings",
        "/meetings?from=2030-01-01&to=2030-12-31",
        "/meetings/week",
        "/meetings/week?date=2030-01-09",
        "/meetings/new",
    ] {
        let res = other.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert!(!res.body.contains("Geheim overleg"), "{path}");
        assert!(!res.body.contains("Mo Medewerker"), "{path}");
        assert!(!res.body.contains(&staff), "{path}");
    }
    let list = other.get("/meetings").await;
    assert!(
        list.body
            .contains("Er zijn geen afspraken in deze periode.")
    );
    // Filtering by the demo's employee shows nothing either.
    let res = other
        .get(&format!(
            "/meetings?employee={staff}&from=2030-01-01&to=2030-12-31"
        ))
        .await;
    assert!(
        res.body
            .contains("Geen afspraken gevonden met deze filters.")
    );
}

// ---------------------------------------------------------------- 409

#[actix_web::test]
async fn a_stale_edit_is_a_conflict() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let mo = user_id(&app, STAFF).await;
    create(
        &mut admin,
        &fields(&mo, "2030-01-10T10:00", "2030-01-10T11:00", "", "Origineel"),
    )
    .await;
    let id = id_of(&app, "Origineel").await;
    // Both open the form at version 1; the admin saves first.
    let mut first = fields(&mo, "2030-01-10T10:00", "2030-01-10T11:00", "", "Door Bea");
    first.push(("version", "1"));
    assert_eq!(
        admin.post(&format!("/meetings/{id}"), &first).await.status,
        StatusCode::SEE_OTHER
    );
    let mut late = fields(&mo, "2030-01-10T15:00", "2030-01-10T16:00", "", "Door Mo");
    late.push(("version", "1"));
    let res = staff.post(&format!("/meetings/{id}"), &late).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("Iemand anders heeft dit intussen gewijzigd")
    );
    assert!(res.body.contains("Zo staat de afspraak nu opgeslagen"));
    assert!(res.body.contains("<dd>Door Bea</dd>"), "the stored values");
    assert!(
        res.body.contains(">Door Mo</textarea>"),
        "the input is kept"
    );
    assert!(res.body.contains("value=\"2030-01-10T15:00\""));
    assert!(res.body.contains("name=\"version\" value=\"2\""));
    assert_eq!(stored(&app, &id).await.unwrap().notes, "Door Bea");
    // Saving again (now at version 2) is deliberate, and goes through.
    let mut again = fields(&mo, "2030-01-10T15:00", "2030-01-10T16:00", "", "Door Mo");
    again.push(("version", "2"));
    assert_eq!(
        staff.post(&format!("/meetings/{id}"), &again).await.status,
        StatusCode::SEE_OTHER
    );
    let m = stored(&app, &id).await.unwrap();
    assert_eq!((m.notes.as_str(), m.version), ("Door Mo", 3));
    // A missing or garbled version is stale too.
    let mut garbled = fields(&mo, "2030-01-10T15:00", "2030-01-10T16:00", "", "X");
    garbled.push(("version", "drie"));
    assert_eq!(
        staff
            .post(&format!("/meetings/{id}"), &garbled)
            .await
            .status,
        StatusCode::CONFLICT
    );
}

// ---------------------------------------------------------------- the list

#[actix_web::test]
async fn list_filters_paging_and_sorting() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;
    let bea = user_id(&app, ADMIN).await;
    let org = org_of(&app, "Demo BV").await;
    let a = add_location(&app, &org, "Zaal A").await;
    let b = add_location(&app, &org, "Zaal B").await;
    create(
        &mut admin,
        &fields(&bea, "2030-03-04T09:00", "2030-03-04T10:00", &b, "P1"),
    )
    .await;
    create(
        &mut admin,
        &fields(&mo, "2030-03-05T09:00", "2030-03-05T10:00", "", "P2"),
    )
    .await;
    create(
        &mut admin,
        &fields(&bea, "2030-03-06T09:00", "2030-03-06T10:00", &a, "P3"),
    )
    .await;
    create(
        &mut admin,
        &fields(&mo, "2020-01-06T09:00", "2020-01-06T10:00", "", "Oud"),
    )
    .await;
    const MARCH: &str = "/meetings?from=2030-03-01&to=2030-03-31";
    let get = |q: &str| format!("{MARCH}&{q}");

    let res = admin.get(MARCH).await;
    assert_eq!(listed(&res.body), ["P1", "P2", "P3"]);
    assert!(list_part(&res.body).contains("1–3 van 3"));
    for (q, want) in [
        ("sortBy=dateFrom&sortDirection=DESC", ["P3", "P2", "P1"]),
        ("sortBy=employee&sortDirection=ASC", ["P1", "P3", "P2"]),
        ("sortBy=employee&sortDirection=DESC", ["P2", "P3", "P1"]),
        // Without a location last, ascending.
        ("sortBy=location&sortDirection=ASC", ["P3", "P1", "P2"]),
        ("sortBy=location&sortDirection=DESC", ["P2", "P1", "P3"]),
        // Unknown or malformed values fall back to the defaults.
        ("sortBy=password&sortDirection=UP", ["P1", "P2", "P3"]),
        (
            "sortBy=date_from%3BDROP%20TABLE%20meetings",
            ["P1", "P2", "P3"],
        ),
        ("pageNumber=abc&pageSize=many", ["P1", "P2", "P3"]),
        ("pageNumber=0&pageSize=1000", ["P1", "P2", "P3"]),
    ] {
        let res = admin.get(&get(q)).await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
        assert_eq!(listed(&res.body), want, "{q}");
    }
    // The sort links keep the filters.
    let res = admin.get(MARCH).await;
    assert!(
        list_part(&res.body).contains("href=\"/meetings?from=2030-03-01&#38;to=2030-03-31&#38;sortBy=employee&#38;sortDirection=ASC\""),
        "{}",
        list_part(&res.body)
    );
    assert!(list_part(&res.body).contains("aria-sort=\"ascending\""));

    // Paging, and its edges.
    let res = admin.get(&get("pageSize=1")).await;
    assert_eq!(listed(&res.body), ["P1"]);
    assert!(list_part(&res.body).contains("1–1 van 3"));
    assert!(list_part(&res.body).contains("pageNumber=2&#38;pageSize=1"));
    let res = admin.get(&get("pageSize=1&pageNumber=3")).await;
    assert_eq!(listed(&res.body), ["P3"]);
    let res = admin.get(&get("pageSize=0")).await;
    assert_eq!(listed(&res.body), ["P1"], "pageSize 0 is 1");
    let res = admin.get(&get("pageSize=1000")).await;
    assert_eq!(
        listed(&res.body),
        ["P1", "P2", "P3"],
        "pageSize 1000 is 100"
    );
    assert!(!list_part(&res.body).contains("rel=\"next\""));
    let res = admin.get(&get("pageNumber=99")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(listed(&res.body).is_empty());
    assert!(res.body.contains("Deze pagina bestaat niet (meer)"));
    assert!(list_part(&res.body).contains("rel=\"prev\""), "a way back");

    // Filters.
    let res = admin.get(&get(&format!("employee={mo}"))).await;
    assert_eq!(listed(&res.body), ["P2"]);
    assert!(
        res.body
            .contains(&format!("<option value=\"{mo}\" selected>"))
    );
    let res = admin.get(&get(&format!("location={a}"))).await;
    assert_eq!(listed(&res.body), ["P3"]);
    let res = admin.get(&get("employee=onbekend")).await;
    assert!(listed(&res.body).is_empty());
    let res = admin.get("/meetings?from=2030-03-05&to=2030-03-05").await;
    assert_eq!(listed(&res.body), ["P2"]);
    let res = admin.get("/meetings?from=2030-03-06").await;
    assert_eq!(listed(&res.body), ["P3"]);
    // Upcoming only, unless a period is chosen.
    let upcoming = listed(&admin.get("/meetings?from=&to=&pageSize=100").await.body);
    assert!(upcoming.contains(&"P1".to_string()));
    assert!(!upcoming.contains(&"Oud".to_string()));
    let res = admin.get("/meetings?from=2020-01-01&to=2020-01-31").await;
    assert_eq!(listed(&res.body), ["Oud"]);
    let res = admin.get("/meetings?to=2020-01-31").await;
    assert_eq!(listed(&res.body), ["Oud"]);
    // A garbled date is ignored.
    let res = admin.get("/meetings?from=gisteren&pageSize=100").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!listed(&res.body).contains(&"Oud".to_string()));
}

#[actix_web::test]
async fn the_list_opens_at_this_week_and_pages_by_week() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;
    let today = local_day(&app, 0);
    let sunday = portaal::domain::local_time::monday_of(today) + chrono::Duration::days(6);
    let next_monday = sunday.succ_opt().unwrap();
    for (day, name) in [
        (local_day(&app, -1), "Gisteren-overleg"),
        (today, "Vandaag-overleg"),
        (next_monday, "Volgende-week-overleg"),
    ] {
        let (from, to) = (format!("{day}T12:00"), format!("{day}T12:30"));
        let mut f = fields(&mo, &from, &to, "", name);
        f.push(("confirm_overlap", "1"));
        create(&mut admin, &f).await;
    }
    let list = admin.get("/meetings?pageSize=100").await;
    let body = list_part(&list.body);
    assert!(body.contains("Vandaag-overleg"), "{body}");
    assert!(!body.contains("Gisteren-overleg"));
    assert!(!body.contains("Volgende-week-overleg"));
    // The sentence says which days; the date fields hold them.
    let months = portaal::i18n::Lang::Nl.t().months;
    let words = |d: chrono::NaiveDate| {
        use chrono::Datelike;
        format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
    };
    assert!(body.contains("Afspraken van "), "{body}");
    assert!(
        body.contains(&words(today)) && body.contains(&words(sunday)),
        "{} {}: {body}",
        words(today),
        words(sunday)
    );
    assert!(body.contains(&format!("name=\"from\" type=\"date\" value=\"{today}\"")));
    assert!(body.contains(&format!("name=\"to\" type=\"date\" value=\"{sunday}\"")));

    // Earlier: the seven days before today; later: next week.
    let earlier = format!(
        "/meetings?from={}&#38;to={}",
        today - chrono::Duration::days(7),
        local_day(&app, -1)
    );
    assert!(body.contains(&format!("href=\"{earlier}\"")), "{body}");
    let res = admin.get(&earlier.replace("&#38;", "&")).await;
    assert!(list_part(&res.body).contains("Gisteren-overleg"));
    assert!(!list_part(&res.body).contains("Vandaag-overleg"));
    let later = format!(
        "/meetings?from={next_monday}&#38;to={}",
        next_monday + chrono::Duration::days(6)
    );
    assert!(body.contains(&format!("href=\"{later}\"")), "{body}");
    let res = admin.get(&later.replace("&#38;", "&")).await;
    assert!(list_part(&res.body).contains("Volgende-week-overleg"));
    // The employee filter stays on the period links.
    let res = admin.get(&format!("/meetings?employee={mo}")).await;
    assert!(
        list_part(&res.body).contains(&format!(
            "href=\"/meetings?employee={mo}&#38;from={next_monday}"
        )),
        "{}",
        res.body
    );
    // Both fields emptied: every upcoming meeting, in words too.
    let res = admin.get("/meetings?from=&to=&pageSize=100").await;
    assert!(list_part(&res.body).contains("Alle komende afspraken."));
    assert!(list_part(&res.body).contains("Volgende-week-overleg"));
}

#[actix_web::test]
async fn a_meeting_deleted_from_the_week_returns_to_its_week() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;
    create(
        &mut admin,
        &fields(
            &mo,
            "2030-01-08T09:00",
            "2030-01-08T10:00",
            "",
            "Weekoverleg",
        ),
    )
    .await;
    let id = id_of(&app, "Weekoverleg").await;
    let edit = admin.get(&format!("/meetings/{id}?back=week")).await;
    let delete = format!("/meetings/{id}/delete?back=week");
    assert!(
        edit.body.contains(&format!("href=\"{delete}\"")),
        "{}",
        edit.body
    );
    let confirm = admin.get(&delete).await;
    assert!(confirm.body.contains(&format!("action=\"{delete}\"")));
    assert!(
        confirm
            .body
            .contains(&format!("href=\"/meetings/{id}?back=week\""))
    );
    let res = admin.post(&delete, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/meetings/week?date=2030-01-08");
    assert!(
        admin
            .get(&res.location())
            .await
            .body
            .contains("Afspraak verwijderd.")
    );
    assert!(stored(&app, &id).await.is_none());
}

#[actix_web::test]
async fn a_deleted_meeting_comes_back_with_undo() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;
    let org = org_of(&app, "Demo BV").await;
    let zaal = add_location(&app, &org, "Zaal Undo").await;
    create(
        &mut admin,
        &fields(
            &mo,
            "2030-01-08T09:00",
            "2030-01-08T10:00",
            &zaal,
            "Terugkomen",
        ),
    )
    .await;
    let id = id_of(&app, "Terugkomen").await;
    let kept = stored(&app, &id).await.unwrap();
    let res = admin
        .post(&format!("/meetings/{id}/delete?back=week"), &[])
        .await;
    let week = res.location();
    let page = admin.get(&week).await.body;
    assert!(page.contains("Afspraak verwijderd."));
    assert!(page.contains("action=\"/meetings/undo\""), "{page}");
    let undo = [("next", week.as_str())];
    let res = admin.post("/meetings/undo", &undo).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), week, "back to the same week");
    let page = admin.get(&week).await.body;
    assert!(page.contains("Afspraak teruggezet."));
    assert!(page.contains("Terugkomen"), "in the week again");
    let back = stored(&app, &id).await.unwrap();
    assert_eq!(
        (
            &back.employee_id,
            &back.location_id,
            back.date_from,
            back.date_to,
            &back.notes
        ),
        (
            &kept.employee_id,
            &kept.location_id,
            kept.date_from,
            kept.date_to,
            &kept.notes
        )
    );
    // Its audit trail reads on.
    let actions: Vec<String> = audit_of(&app, &id)
        .await
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    assert_eq!(
        actions,
        ["meeting.created", "meeting.deleted", "meeting.restored"]
    );
    let log = admin.get("/settings/audit-log").await;
    assert!(log.body.contains("Afspraak teruggezet"));
    // Nothing more to undo.
    let res = admin.post("/meetings/undo", &undo).await;
    assert!(
        admin
            .get(&res.location())
            .await
            .body
            .contains("Dit kan niet meer ongedaan worden gemaakt.")
    );
    admin.post(&format!("/meetings/{id}/delete"), &[]).await;
    let mut staff = app.login(STAFF).await;
    assert_eq!(
        staff.post("/meetings/undo", &undo).await.status,
        StatusCode::FORBIDDEN,
        "staff do not delete, so they do not undo"
    );
    // A location deleted since: the meeting comes back without it.
    app.db({
        let zaal = zaal.clone();
        move |c| {
            diesel::delete(locations::table.find(zaal))
                .execute(c)
                .unwrap();
        }
    })
    .await;
    let res = admin.post("/meetings/undo", &[("next", "/meetings")]).await;
    assert_eq!(res.location(), "/meetings");
    assert_eq!(stored(&app, &id).await.unwrap().location_id, None);
}

// ---------------------------------------------------------------- the week view

#[actix_web::test]
async fn week_view() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;

    // This week: the demo's meetings, today marked, free hours to click.
    let res = admin.get("/meetings/week").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("vary").as_deref(), Some("HX-Request"));
    let body = &res.body;
    assert!(body.contains("<div id=\"week\""));
    assert_eq!(
        body.matches("<th scope=\"col\"").count(),
        8,
        "hours + 7 days"
    );
    assert!(body.contains("class=\"is-today\" aria-current=\"date\""));
    assert!(body.contains("Mo Medewerker") && body.contains("Bea Beheer"));
    assert!(body.contains(">07:00</th>") && body.contains(">19:00</th>"));
    assert!(body.contains("class=\"week-slot\" href=\"/meetings/new?start="));
    assert!(body.contains("&#38;back=week\""));
    assert!(body.contains("hx-target=\"#week\""));
    assert!(body.contains("hx-push-url=\"true\""));
    assert!(body.contains("Europe/Amsterdam"));

    // The phone's agenda, in the same answer: a tab per day, today's chosen,
    // each of the week's meetings once, as the grid shows them.
    let (grid, agenda) = body.split_at(body.find("<div class=\"agenda\">").expect("the agenda"));
    assert_eq!(agenda.matches("role=\"tab\"").count(), 7);
    assert_eq!(agenda.matches("role=\"tabpanel\"").count(), 7);
    assert!(agenda.contains("role=\"tablist\" aria-label=\"Dagen van de week\""));
    let selected: Vec<&str> = agenda
        .split("<button ")
        .filter(|b| b.contains("aria-selected=\"true\""))
        .collect();
    assert_eq!(selected.len(), 1, "{agenda}");
    assert!(selected[0].contains("aria-current=\"date\""), "today's tab");
    let today = selected[0]
        .split('"')
        .nth(5)
        .expect("its id")
        .replace("tab", "day");
    assert!(agenda.contains(&format!("class=\"agenda-day is-selected\" id=\"{today}\"")));
    let meetings = |html: &str| -> Vec<String> {
        let mut v: Vec<String> = html
            .split("href=\"/meetings/")
            .skip(1)
            .filter_map(|h| h.split('"').next())
            .filter(|h| h.ends_with("?back=week") && !h.starts_with("new?"))
            .map(String::from)
            .collect();
        v.sort();
        v
    };
    let in_agenda = meetings(agenda);
    assert!(in_agenda.len() >= 5, "the demo's meetings: {in_agenda:?}");
    assert_eq!(
        in_agenda,
        meetings(grid),
        "each meeting once, as in the grid"
    );
    assert_eq!(
        agenda
            .matches("class=\"agenda-new\" href=\"/meetings/new?start=")
            .count(),
        7
    );
    assert!(agenda.contains("T09:00&#38;back=week\""));
    // The shortcuts, announced, on the links they click.
    assert!(body.contains(
        "Sneltoetsen: <kbd>←</kbd> <kbd>→</kbd> week, <kbd>t</kbd> vandaag, <kbd>n</kbd> nieuwe afspraak"
    ));
    for key in ["ArrowLeft", "ArrowRight", "t", "n"] {
        assert_eq!(
            body.matches(&format!("aria-keyshortcuts=\"{key}\""))
                .count(),
            1,
            "{key}"
        );
    }

    // Another week by ISO week or by date; the same week either way.
    create(
        &mut admin,
        &fields(&mo, "2030-01-08T21:00", "2030-01-08T22:30", "", "Laat"),
    )
    .await;
    create(
        &mut admin,
        &fields(&mo, "2030-01-09T23:00", "2030-01-10T01:00", "", "Nacht"),
    )
    .await;
    let res = admin.get("/meetings/week?week=2030-W02").await;
    assert!(
        res.body.contains("Week 2 · 7 jan. 2030 – 13 jan. 2030"),
        "{}",
        res.body
    );
    assert!(!res.body.contains("aria-current=\"date\""), "not this week");
    assert!(res.body.contains("21:00–22:30"));
    assert!(res.body.contains(">22:00</th>"), "the grid grows to fit");
    assert!(res.body.contains("23:00–…") && res.body.contains("…–01:00"));
    // Only a meeting cut at a day's edge carries its whole span as a tooltip.
    let grid = &res.body[res.body.find("<table class=\"week-grid\"").unwrap()
        ..res.body.find("<div class=\"agenda\">").unwrap()];
    assert_eq!(
        grid.matches("title=\"9 jan. 2030 23:00 – 10 jan. 2030 01:00\"")
            .count(),
        2,
        "{grid}"
    );
    assert_eq!(grid.matches(" title=").count(), 2, "none on 21:00–22:30");
    assert!(res.body.contains("href=\"/meetings/week?week=2030-W01\""));
    assert!(res.body.contains("hx-get=\"/meetings/week?week=2030-W03\""));
    assert!(
        res.body
            .contains("href=\"/meetings/new?start=2030-01-07T07:00&#38;back=week\"")
    );
    let by_date = admin.get("/meetings/week?date=2030-01-13").await;
    assert!(by_date.body.contains("Week 2 · 7 jan. 2030 – 13 jan. 2030"));
    // Across the year: week 1 of 2026 starts on 29 December 2025.
    let res = admin.get("/meetings/week?week=2026-W01").await;
    assert!(res.body.contains("Week 1 · 29 dec. 2025 – 4 jan. 2026"));
    // Nonsense: this week.
    let res = admin.get("/meetings/week?week=W99&date=morgen").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("aria-current=\"date\""));

    // htmx gets the grid alone; a history restore the whole page.
    let res = admin
        .get_with("/meetings/week?week=2030-W02", &[("HX-Request", "true")])
        .await;
    assert!(
        res.body.trim_start().starts_with("<div id=\"week\""),
        "{}",
        res.body
    );
    assert!(!res.body.contains("<html"));
    assert!(res.body.contains("21:00–22:30"));
    let res = admin
        .get_with(
            "/meetings/week?week=2030-W02",
            &[
                ("HX-Request", "true"),
                ("HX-History-Restore-Request", "true"),
            ],
        )
        .await;
    assert!(res.body.contains("<html"));
    // Not this week: the agenda opens at Monday; the late meeting once on
    // its day, the night's on both.
    let res = admin
        .get_with("/meetings/week?week=2030-W02", &[("HX-Request", "true")])
        .await;
    let agenda = &res.body[res.body.find("<div class=\"agenda\">").expect("the agenda")..];
    assert!(
        agenda
            .contains("id=\"agenda-tab-0\" aria-controls=\"agenda-day-0\" aria-selected=\"true\">")
    );
    assert_eq!(agenda.matches("aria-selected=\"true\"").count(), 1);
    assert_eq!(agenda.matches("<b>21:00–22:30</b>").count(), 1);
    assert_eq!(agenda.matches("<b>23:00–…</b>").count(), 1);
    assert_eq!(agenda.matches("<b>…–01:00</b>").count(), 1);
    assert!(agenda.contains("Geen afspraken op deze dag."));

    // A click on a free hour: the form starts then, for an hour.
    let res = admin
        .get("/meetings/new?start=2030-01-07T07:00&back=week")
        .await;
    assert!(res.body.contains("value=\"2030-01-07T07:00\""));
    assert!(res.body.contains("value=\"2030-01-07T08:00\""));
    assert!(
        res.body.contains("href=\"/meetings/week?date=2030-01-07\""),
        "cancel"
    );
    assert!(res.body.contains("name=\"back\" value=\"week\""));
    // In English, too.
    admin
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    let res = admin.get("/meetings/week?week=2030-W02").await;
    assert!(res.body.contains("Week 2 · 7 Jan 2030 – 13 Jan 2030"));
    assert!(res.body.contains("Mon 7 Jan"));
    assert!(res.body.contains("Next week"));
    assert!(
        res.body
            .contains("role=\"tablist\" aria-label=\"Days of the week\"")
    );
    assert!(res.body.contains("New meeting on this day"));
    assert!(res.body.contains(
        "Shortcuts: <kbd>←</kbd> <kbd>→</kbd> week, <kbd>t</kbd> today, <kbd>n</kbd> new meeting"
    ));
}

#[actix_web::test]
async fn a_full_hour_shows_three_meetings_and_links_the_rest() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;
    for i in 0..5 {
        let (from, to) = (
            format!("2030-01-15T10:{:02}", i * 5),
            format!("2030-01-15T10:{:02}", i * 5 + 30),
        );
        let notes = format!("Vol {i}");
        // The same employee, overlapping: saved anyway.
        let mut f = fields(&mo, &from, &to, "", &notes);
        f.push(("confirm_overlap", "1"));
        create(&mut admin, &f).await;
    }
    let res = admin.get("/meetings/week?week=2030-W03").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.body.matches("class=\"week-item e").count(),
        3,
        "{}",
        res.body
    );
    assert!(res.body.contains("10:00–10:30") && res.body.contains("10:10–10:40"));
    assert!(
        !res.body.contains("10:15–10:45"),
        "the fourth is behind the link"
    );
    assert!(
        res.body.contains(
            "<a class=\"week-more\" href=\"/meetings?from=2030-01-15&#38;to=2030-01-15\" \
         aria-label=\"Nog 2 afspraken op 15 jan. 2030: zie de lijst\">+2 meer</a>"
        ),
        "{}",
        res.body
    );
    // The link's list has all five.
    let list = admin.get("/meetings?from=2030-01-15&to=2030-01-15").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("10:15") && list.body.contains("10:20"));
    // A sixth meeting (a write) is counted at once.
    let mut f = fields(&mo, "2030-01-15T10:50", "2030-01-15T11:20", "", "Vol 5");
    f.push(("confirm_overlap", "1"));
    create(&mut admin, &f).await;
    let res = admin.get("/meetings/week?week=2030-W03").await;
    assert!(res.body.contains(">+3 meer</a>"), "{}", res.body);
    admin
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    let res = admin.get("/meetings/week?week=2030-W03").await;
    assert!(
        res.body
            .contains("aria-label=\"3 more meetings on 15 Jan 2030: see the list\">+3 more</a>")
    );
}

#[actix_web::test]
async fn a_renamed_employee_shows_at_once_in_every_organisations_week() {
    let app = TestApp::demo().await;
    let (demo, partner) = (
        crate::support::api::org_id(&app, false).await,
        crate::support::api::org_id(&app, true).await,
    );
    let bea = user_id(&app, ADMIN).await;
    let mut admin = app.login(ADMIN).await;
    // In the partner organisation (staff there), a meeting for herself.
    let res = admin
        .post("/organization/switch", &[("organization_id", &partner)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    create(
        &mut admin,
        &fields(&bea, "2030-01-29T10:00", "2030-01-29T11:00", "", "Partner"),
    )
    .await;
    let res = admin.get("/meetings/week?week=2030-W05").await;
    assert!(res.body.contains("Bea Beheer"), "{}", res.body);
    // Renamed while working in Demo BV...
    admin
        .post("/organization/switch", &[("organization_id", &demo)])
        .await;
    let version: i32 = app
        .db(move |conn| {
            use diesel::prelude::*;
            use portaal::db::schema::users;
            users::table
                .find(&bea)
                .select(users::version)
                .first(conn)
                .unwrap()
        })
        .await;
    let v = version.to_string();
    let res = admin
        .post(
            "/account",
            &[("name", "Bea Hernoemd"), ("language", ""), ("version", &v)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // ...and the partner's week shows the new name at once.
    admin
        .post("/organization/switch", &[("organization_id", &partner)])
        .await;
    let res = admin.get("/meetings/week?week=2030-W05").await;
    assert!(res.body.contains("Bea Hernoemd"), "{}", res.body);
    assert!(!res.body.contains("Bea Beheer"));
}

#[actix_web::test]
async fn a_meeting_lasts_at_most_seven_days() {
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    let staff_id: String = app
        .db(|c| {
            portaal::domain::users::find_by_email(c, STAFF)
                .unwrap()
                .unwrap()
                .id
        })
        .await;
    let before = app.count("SELECT COUNT(*) AS n FROM meetings").await;
    let res = staff
        .post(
            "/meetings",
            &[
                ("employee_id", staff_id.as_str()),
                ("location_id", ""),
                ("date_from", "2027-03-01T09:00"),
                ("date_to", "2027-03-08T09:01"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Een afspraak duurt hoogstens 7 dagen."));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM meetings").await,
        before
    );
}

/// A meeting says what it is about: its subject on the form (first), in the
/// list, in the week view and in the API; without one, the first line of its
/// notes stands in. The week view filters by employee and location, and its
/// navigation keeps the filters.
#[actix_web::test]
async fn the_subject_shows_everywhere_and_the_week_filters() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;
    let new = admin.get("/meetings/new").await.body;
    let subject_at = new.find("id=\"f-subject\"").expect("a subject field");
    assert!(
        subject_at < new.find("id=\"f-employee_id\"").unwrap(),
        "asked first"
    );
    // Too long: an error at the field, nothing saved.
    let long = "x".repeat(121);
    let mut f = fields(&mo, "2030-03-04T09:00", "2030-03-04T10:00", "", "");
    f.push(("subject", &long));
    let res = admin.post("/meetings", &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("f-subject-error"), "{}", res.body);
    // With a subject, and one with only notes.
    let mut f = fields(&mo, "2030-03-04T09:00", "2030-03-04T10:00", "", "Notitie");
    f.push(("subject", "Offerte bespreken"));
    create(&mut admin, &f).await;
    let f = fields(
        &mo,
        "2030-03-05T09:00",
        "2030-03-05T10:00",
        "",
        "Terugbellen\ntweede regel",
    );
    create(&mut admin, &f).await;
    let week = admin.get("/meetings/week?week=2030-W10").await.body;
    assert!(
        week.contains("<strong>Offerte bespreken</strong>"),
        "{week}"
    );
    assert!(
        week.contains("<strong>Terugbellen</strong>"),
        "notes stand in"
    );
    let list = admin
        .get("/meetings?from=2030-03-04&to=2030-03-05")
        .await
        .body;
    assert!(list.contains("<td class=\"meeting-subject\">Offerte bespreken</td>"));
    assert!(list.contains("<td class=\"meeting-subject\">Terugbellen</td>"));
    // The week of one employee, and its navigation keeps the filter.
    let admin_id = user_id(&app, ADMIN).await;
    let of_admin = admin
        .get(&format!("/meetings/week?week=2030-W10&employee={admin_id}"))
        .await
        .body;
    assert!(!of_admin.contains("Offerte bespreken"), "only the admin's");
    assert!(
        of_admin.contains(&format!("week=2030-W11&#38;employee={admin_id}")),
        "{of_admin}"
    );
    let of_mo = admin
        .get(&format!("/meetings/week?week=2030-W10&employee={mo}"))
        .await
        .body;
    assert!(of_mo.contains("Offerte bespreken"));
    // The API shows the subject and takes it; without it, it still works.
    let t = crate::support::api::token(&app, "admin:meetings").await;
    let a = crate::support::api::call(
        &app,
        "POST",
        "/api/v1/meetings",
        Some(&t),
        Some(serde_json::json!({
            "employee": format!("/api/v1/users/{mo}"),
            "dateFrom": "2030-03-06T09:00:00Z",
            "dateTo": "2030-03-06T10:00:00Z",
        })),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["subject"], "");
    let id = a.body["id"].as_str().unwrap().to_string();
    let a = crate::support::api::call(
        &app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        Some(&t),
        Some(serde_json::json!({ "subject": "Via de API" })),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["subject"], "Via de API");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE after_json LIKE '%\"subject\":\"Via de API\"%'")
            .await,
        1
    );
}

// ---------------------------------------------------------------- customer and contact

/// A demo customer's id and its contacts `(id, "first last")`, by last name.
pub(crate) async fn demo_customer(
    app: &TestApp,
    name: &'static str,
) -> (String, Vec<(String, String)>) {
    use portaal::db::schema::{contacts, customers};
    app.db(move |c| {
        let id: String = customers::table
            .filter(customers::name.eq(name))
            .select(customers::id)
            .first(c)
            .unwrap();
        let people: Vec<(String, String, String)> = contacts::table
            .filter(contacts::customer_id.eq(&id))
            .order(contacts::lastname)
            .select((contacts::id, contacts::firstname, contacts::lastname))
            .load(c)
            .unwrap();
        let people = people
            .into_iter()
            .map(|(k, f, l)| (k, format!("{f} {l}")))
            .collect();
        (id, people)
    })
    .await
}

/// A meeting straight into the database (no rule checked).
pub(crate) async fn insert_meeting(
    app: &TestApp,
    org: &str,
    customer: Option<&str>,
    location: Option<&str>,
    from: &str,
    subject: &'static str,
) -> String {
    let (org, customer, location) = (
        org.to_string(),
        customer.map(str::to_string),
        location.map(str::to_string),
    );
    let from = at(from);
    app.db(move |c| {
        let employee: String = portaal::db::schema::memberships::table
            .filter(portaal::db::schema::memberships::organization_id.eq(&org))
            .select(portaal::db::schema::memberships::user_id)
            .first(c)
            .unwrap();
        let id = portaal::db::new_id();
        diesel::insert_into(meetings::table)
            .values((
                meetings::id.eq(&id),
                meetings::organization_id.eq(&org),
                meetings::employee_id.eq(employee),
                meetings::customer_id.eq(customer),
                meetings::location_id.eq(location),
                meetings::date_from.eq(from),
                meetings::date_to.eq(from + chrono::Duration::hours(1)),
                meetings::subject.eq(subject),
                meetings::created_at.eq(from),
                meetings::updated_at.eq(from),
            ))
            .execute(c)
            .unwrap();
        id
    })
    .await
}

/// A customer of another organisation, straight into the database.
pub(crate) async fn foreign_customer(app: &TestApp, org: &str, name: &'static str) -> String {
    use portaal::db::schema::customers;
    let org = org.to_string();
    app.db(move |c| {
        let id = portaal::db::new_id();
        let now = at("2026-11-23 12:00");
        diesel::insert_into(customers::table)
            .values((
                customers::id.eq(&id),
                customers::organization_id.eq(&org),
                customers::name.eq(name),
                customers::created_at.eq(now),
                customers::updated_at.eq(now),
            ))
            .execute(c)
            .unwrap();
        id
    })
    .await
}

#[actix_web::test]
async fn a_meeting_is_with_a_customer_and_its_contact() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;
    let (bakker, bakkers) = demo_customer(&app, "Bakkerij De Korenschoof").await;
    let (dam, dams) = demo_customer(&app, "Installatiebedrijf Van Dam").await;
    let (kees, kees_name) = bakkers[0].clone();
    let (piet, piet_name) = dams[0].clone();
    // The form offers the customers, and every contact grouped by customer.
    let form = admin.get("/meetings/new").await.body;
    assert!(
        form.contains(&format!(
            "<option value=\"{bakker}\">Bakkerij De Korenschoof</option>"
        )),
        "{form}"
    );
    assert!(
        form.contains("<optgroup label=\"Bakkerij De Korenschoof\">"),
        "{form}"
    );
    assert!(form.contains("hx-get=\"/meetings/contacts\""));
    // Changing the customer reloads the contacts: only that customer's.
    let part = admin
        .get(&format!("/meetings/contacts?customer_id={bakker}"))
        .await
        .body;
    assert!(
        part.contains(&kees_name) && !part.contains(&piet_name),
        "{part}"
    );
    assert!(!part.contains("<optgroup") && part.contains("id=\"contact-field\""));
    let mut f = fields(
        &mo,
        "2030-02-04T09:00",
        "2030-02-04T10:00",
        "",
        "Met de bakker",
    );
    f.push(("customer_id", &bakker));
    f.push(("contact_id", &kees));
    create(&mut admin, &f).await;
    let id = id_of(&app, "Met de bakker").await;
    let m = stored(&app, &id).await.unwrap();
    assert_eq!(
        (m.customer_id.as_deref(), m.contact_id.as_deref()),
        (Some(bakker.as_str()), Some(kees.as_str()))
    );
    let audit = audit_of(&app, &id).await;
    let after = audit[0].2.as_ref().unwrap();
    assert_eq!(after["customerName"], "Bakkerij De Korenschoof");
    assert_eq!(after["contactName"], kees_name.as_str());
    // The list and the meeting's own page link to the customer.
    let list = admin.get("/meetings?from=&to=").await.body;
    assert!(
        list.contains(&format!(
            "<a href=\"/customers/{bakker}\">Bakkerij De Korenschoof</a>"
        )),
        "{list}"
    );
    let page = admin.get(&format!("/meetings/{id}")).await.body;
    assert!(
        page.contains(&format!("href=\"/customers/{bakker}\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("<option value=\"{kees}\" selected>")),
        "{page}"
    );
    // The list filters by customer.
    let only = admin
        .get(&format!("/meetings?customer={bakker}&from=&to="))
        .await
        .body;
    assert!(listed(&only).contains(&"Met de bakker".to_string()));
    let none = admin
        .get(&format!("/meetings?customer={dam}&from=&to="))
        .await
        .body;
    assert!(!listed(&none).contains(&"Met de bakker".to_string()));
    // A contact of another customer: refused at the field, nothing saved.
    let mut f = fields(
        &mo,
        "2030-02-04T09:00",
        "2030-02-04T10:00",
        "",
        "Met de bakker",
    );
    f.extend([
        ("customer_id", bakker.as_str()),
        ("contact_id", piet.as_str()),
        ("version", "1"),
    ]);
    let res = admin.post(&format!("/meetings/{id}"), &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&res.body, "contact_id").as_deref(),
        Some("Deze contactpersoon hoort niet bij de gekozen klant.")
    );
    assert!(
        res.body.contains("href=\"#f-contact_id\">Contactpersoon: "),
        "{}",
        res.body
    );
    assert_eq!(
        stored(&app, &id).await.unwrap().contact_id.as_deref(),
        Some(kees.as_str())
    );
    // Another organisation's customer reads as one that does not exist.
    let mut other = other_org(&app).await;
    let ander = org_of(&app, "Ander BV").await;
    let theirs = foreign_customer(&app, &ander, "Geheime Klant").await;
    let mut f = fields(
        &mo,
        "2030-02-04T09:00",
        "2030-02-04T10:00",
        "",
        "Met de bakker",
    );
    f.extend([("customer_id", theirs.as_str()), ("version", "1")]);
    let res = admin.post(&format!("/meetings/{id}"), &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field_error(&res.body, "customer_id").is_some(),
        "{}",
        res.body
    );
    assert!(!res.body.contains("Geheime Klant"));
    let part = admin
        .get(&format!("/meetings/contacts?customer_id={theirs}"))
        .await
        .body;
    assert_eq!(part.matches("<option").count(), 1, "only 'none': {part}");
    let part = other
        .get(&format!("/meetings/contacts?customer_id={bakker}"))
        .await
        .body;
    assert!(
        !part.contains(&kees_name),
        "no leak to another organisation"
    );
    // A contact alone brings its customer.
    let mut f = fields(
        &mo,
        "2030-02-05T09:00",
        "2030-02-05T10:00",
        "",
        "Met Van Dam",
    );
    f.push(("contact_id", &piet));
    create(&mut admin, &f).await;
    let dam_meeting = id_of(&app, "Met Van Dam").await;
    let m = stored(&app, &dam_meeting).await.unwrap();
    assert_eq!(m.customer_id.as_deref(), Some(dam.as_str()));
    // Deleting the customer leaves its meetings without customer or contact.
    let res = admin.post(&format!("/customers/{dam}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let m = stored(&app, &dam_meeting).await.unwrap();
    assert_eq!((m.customer_id, m.contact_id), (None, None));
    // Deleting a contact leaves the customer.
    let res = admin
        .post(&format!("/customers/{bakker}/contacts/{kees}/delete"), &[])
        .await;
    assert!(
        res.status.is_redirection() || res.status.is_success(),
        "{}",
        res.status
    );
    let m = stored(&app, &id).await.unwrap();
    assert_eq!(
        (m.customer_id.as_deref(), m.contact_id),
        (Some(bakker.as_str()), None)
    );
}

#[actix_web::test]
async fn undo_brings_a_meeting_back_with_its_customer() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mo = user_id(&app, STAFF).await;
    let (bakker, bakkers) = demo_customer(&app, "Bakkerij De Korenschoof").await;
    let kees = bakkers[0].0.clone();
    let mut f = fields(
        &mo,
        "2030-02-04T09:00",
        "2030-02-04T10:00",
        "",
        "Weg en terug",
    );
    f.extend([
        ("customer_id", bakker.as_str()),
        ("contact_id", kees.as_str()),
    ]);
    create(&mut admin, &f).await;
    let id = id_of(&app, "Weg en terug").await;
    admin.post(&format!("/meetings/{id}/delete"), &[]).await;
    assert!(stored(&app, &id).await.is_none());
    let res = admin.post("/meetings/undo", &[("next", "/meetings")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let back = stored(&app, &id).await.unwrap();
    assert_eq!(
        (back.customer_id.as_deref(), back.contact_id.as_deref()),
        (Some(bakker.as_str()), Some(kees.as_str()))
    );
}

/// The options of the select `id` in `html`.
fn options_of(html: &str, id: &str) -> Vec<String> {
    let start = html
        .find(&format!("<select id=\"{id}\""))
        .unwrap_or_else(|| panic!("no select {id}"));
    let end = start + html[start..].find("</select>").unwrap();
    html[start..end]
        .split("<option")
        .skip(1)
        .map(|o| {
            o.split('>')
                .nth(1)
                .unwrap_or_default()
                .trim_end_matches("</option")
                .to_string()
        })
        .collect()
}

/// An organisation with more locations and contacts than a select offers:
/// the first 100 by name, a search that finds the others (on the page and
/// as htmx's options), the chosen one always offered, another
/// organisation's never; a small organisation sees no search.
#[actix_web::test]
async fn many_locations_are_offered_through_a_search() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let org = org_of(&app, "Demo BV").await;
    let mut other = other_org(&app).await;
    let their_org = org_of(&app, "Ander BV").await;
    let their_room = add_location(&app, &their_org, "Hun zaal").await;
    let customer = portaal::db::new_id();
    let (o, c_id) = (org.clone(), customer.clone());
    let last = app
        .db(move |c| {
            use portaal::db::schema::{contacts, customers};
            let now = at("2026-11-23 12:00");
            let mut last = String::new();
            for n in 0..120 {
                last = portaal::db::new_id();
                diesel::insert_into(locations::table)
                    .values((
                        locations::id.eq(&last),
                        locations::organization_id.eq(&o),
                        locations::name.eq(format!("Filiaal {n:03}")),
                        locations::created_at.eq(now),
                        locations::updated_at.eq(now),
                    ))
                    .execute(c)
                    .unwrap();
            }
            diesel::insert_into(customers::table)
                .values((
                    customers::id.eq(&c_id),
                    customers::organization_id.eq(&o),
                    customers::name.eq("Groothandel Veel"),
                    customers::customer_type.eq("company"),
                    customers::created_at.eq(now),
                    customers::updated_at.eq(now),
                ))
                .execute(c)
                .unwrap();
            for n in 0..120 {
                diesel::insert_into(contacts::table)
                    .values((
                        contacts::id.eq(portaal::db::new_id()),
                        contacts::organization_id.eq(&o),
                        contacts::customer_id.eq(&c_id),
                        contacts::firstname.eq("Contact"),
                        contacts::lastname.eq(format!("{n:03}")),
                        contacts::version.eq(1),
                        contacts::created_at.eq(now),
                        contacts::updated_at.eq(now),
                    ))
                    .execute(c)
                    .unwrap();
            }
            last
        })
        .await;

    // The week: the first 100 by name and a search; the last one is not
    // among them until searched for or chosen.
    let week = admin.get("/meetings/week").await;
    assert_eq!(week.status, StatusCode::OK);
    assert!(week.body.contains("name=\"location_q\""), "a search");
    let offered = options_of(&week.body, "f-location");
    assert_eq!(offered.len(), 101, "all locations and the first 100");
    assert_eq!(offered[0], "Alle locaties");
    assert!(!offered.contains(&"Filiaal 119".to_string()));
    let found = admin.get("/meetings/week?location_q=iaal+119").await;
    assert_eq!(
        options_of(&found.body, "f-location"),
        ["Alle locaties", "Filiaal 119"]
    );
    let chosen = admin.get(&format!("/meetings/week?location={last}")).await;
    assert!(
        chosen.body.contains(&format!(
            "<option value=\"{last}\" selected>Filiaal 119</option>"
        )),
        "the chosen one is offered, selected"
    );

    // A search is bounded as the lists' are (100 characters).
    let long = admin
        .get(&format!("/meetings/week?location_q={}", "x".repeat(300)))
        .await;
    assert_eq!(long.status, StatusCode::OK);
    let value = long
        .body
        .split("name=\"location_q\" value=\"")
        .nth(1)
        .unwrap();
    assert_eq!(value[..value.find('"').unwrap()], "x".repeat(100));

    // The list: the same search for its location filter.
    let list = admin.get("/meetings?location_q=Filiaal+11").await;
    assert_eq!(options_of(&list.body, "f-location").len(), 11);

    // The form: the search may not submit it, and offers the contacts only
    // once a customer is chosen (120 are too many to offer all).
    let new = admin.get("/meetings/new").await;
    assert!(new.body.contains("name=\"location_id_q\""));
    assert!(new.body.contains("data-keep-enter"));
    assert_eq!(options_of(&new.body, "f-location_id").len(), 101);
    assert_eq!(options_of(&new.body, "f-contact_id"), ["— geen —"]);
    assert!(new.body.contains("Kies eerst een klant"));
    let contacts = admin
        .get(&format!("/meetings/contacts?customer_id={customer}"))
        .await;
    assert_eq!(options_of(&contacts.body, "f-contact_id").len(), 121);

    // htmx's options as the user types: the chosen one stays.
    let typed = admin
        .get(&format!(
            "/meetings/choices/location_id?location_id_q=iaal+00&location_id={last}"
        ))
        .await;
    assert_eq!(typed.status, StatusCode::OK);
    let typed: Vec<&str> = typed.body.split("<option").skip(1).collect();
    assert_eq!(typed.len(), 1 + 1 + 10, "none, the chosen, Filiaal 000-009");
    assert!(typed[1].contains("selected>Filiaal 119"));
    let found = admin
        .get("/meetings/choices/customer?customer_q=veel")
        .await;
    assert!(found.body.contains("Groothandel Veel"));
    // Another organisation's location is never offered, chosen or found.
    let theirs = admin
        .get(&format!(
            "/meetings/choices/location?location_q=zaal&location={their_room}"
        ))
        .await;
    assert!(!theirs.body.contains("Hun zaal"), "{}", theirs.body);
    assert_eq!(
        admin.get("/meetings/choices/elsewhere").await.status,
        StatusCode::NOT_FOUND
    );

    // A small organisation: every location, no search.
    let small = other.get("/meetings/week").await;
    assert!(!small.body.contains("location_q"));
    assert_eq!(
        options_of(&small.body, "f-location"),
        ["Alle locaties", "Hun zaal"]
    );
}
