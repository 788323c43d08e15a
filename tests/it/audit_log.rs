//! The audit log people can read: each event names its record and links to
//! it while it exists, and "show changes" lists only the changed fields,
//! before → after, in both languages; never another organisation's events.

use awc::http::StatusCode;

use crate::support::*;

/// A location's form (the locations tests' own), open 9 to 17.
fn location<'a>(name: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
    crate::locations::fields(name, "9", "17", version)
}

fn customer(name: &str) -> Vec<(&str, &str)> {
    crate::customers::customer(name, "company", "post@weg.test", "0")
}

/// The id (and version) of the one row of `table` with this name.
async fn id_of(app: &TestApp, table: &'static str, name: &'static str) -> (String, i32) {
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::{customers, locations};
        match table {
            "locations" => locations::table
                .filter(locations::name.eq(name))
                .select((locations::id, locations::version))
                .first::<(String, i32)>(c)
                .unwrap(),
            _ => customers::table
                .filter(customers::name.eq(name))
                .select((customers::id, customers::version))
                .first::<(String, i32)>(c)
                .unwrap(),
        }
    })
    .await
}

/// The table row of the audit log that holds `action` (its first, the
/// newest), with its "show changes".
fn row<'a>(body: &'a str, action: &str) -> &'a str {
    body.split("<tr>\n")
        .find(|r| r.contains(&format!("<td class=\"stack-title\">{action}</td>")))
        .unwrap_or_else(|| panic!("no row for {action} in {body}"))
}

#[actix_web::test]
async fn a_renamed_location_links_and_shows_only_its_name_changing() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let res = admin
        .post("/locations", &location("Filiaal <Zuid>", "0"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (id, v) = id_of(&app, "locations", "Filiaal <Zuid>").await;
    let res = admin
        .post(
            &format!("/locations/{id}"),
            &location("Filiaal Noord", &v.to_string()),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let log = admin
        .get("/settings/audit-log?resource=location&pageSize=100")
        .await;
    assert_eq!(log.status, StatusCode::OK);
    let updated = row(&log.body, "Locatie gewijzigd");
    // The record by its new name, linked, and its kind in words.
    assert!(
        updated.contains(&format!(
            "<span class=\"muted\">Locatie</span><br><a href=\"/locations/{id}\">Filiaal Noord</a>"
        )),
        "{updated}"
    );
    // Only the name changed: before → after, escaped; nothing unchanged.
    assert!(
        updated.contains("<summary>Wijzigingen tonen</summary>"),
        "{updated}"
    );
    assert!(
        updated.contains(
            "<tr><th scope=\"row\">Naam</th><td class=\"before\">Filiaal &#60;Zuid&#62;</td><td class=\"after\"><span class=\"arrow\" aria-hidden=\"true\">→ </span>Filiaal Noord</td></tr>"
        ),
        "{updated}"
    );
    assert_eq!(
        updated.matches("<th scope=\"row\">").count(),
        1,
        "{updated}"
    );
    for unchanged in ["Dorpsstraat", "Ergens", "1234 AB", "Plaats", "version"] {
        assert!(!updated.contains(unchanged), "{unchanged} in {updated}");
    }
    // The creation shows the values it set, after only.
    let created = row(&log.body, "Locatie aangemaakt");
    // Named as its values then gave it, still linked.
    assert!(
        created.contains(&format!(
            "<a href=\"/locations/{id}\">Filiaal &#60;Zuid&#62;</a>"
        )),
        "{created}"
    );
    assert!(created.contains("<th scope=\"col\">Erna</th>"), "{created}");
    assert!(
        !created.contains("<th scope=\"col\">Ervoor</th>"),
        "{created}"
    );
    assert!(
        created.contains("<th scope=\"row\">Plaats</th><td class=\"after\">Ergens</td>"),
        "{created}"
    );
    assert!(
        created
            .contains("<th scope=\"row\">Naam</th><td class=\"after\">Filiaal &#60;Zuid&#62;</td>"),
        "{created}"
    );
    assert!(
        !created.contains("<th scope=\"row\">Id</th>"),
        "no bookkeeping"
    );

    // The same in English.
    let res = admin
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let log = admin
        .get("/settings/audit-log?resource=location&pageSize=100")
        .await;
    let updated = row(&log.body, "Location changed");
    assert!(
        updated.contains(&format!(
            "<span class=\"muted\">Location</span><br><a href=\"/locations/{id}\">Filiaal Noord</a>"
        )),
        "{updated}"
    );
    assert!(updated.contains("<summary>Show changes</summary>"));
    assert!(updated.contains(
        "<th scope=\"col\">Field</th><th scope=\"col\">Before</th><th scope=\"col\">After</th>"
    ));
    assert!(updated.contains("<th scope=\"row\">Name</th>"), "{updated}");
    // The kind filter reads in English too.
    assert!(
        log.body
            .contains("<option value=\"location\" selected>Location</option>"),
        "{}",
        log.body
    );
}

#[actix_web::test]
async fn a_deleted_customer_is_named_without_a_link_and_a_contact_links_to_its_customer() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let res = admin.post("/customers", &customer("Weg & Co")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (gone, _) = id_of(&app, "customers", "Weg & Co").await;
    let res = admin.post(&format!("/customers/{gone}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let (kept, _) = id_of(&app, "customers", "Bakkerij De Korenschoof").await;
    let res = admin
        .post(
            &format!("/customers/{kept}/contacts"),
            &[
                ("firstname", "Eva"),
                ("lastname", "Kok"),
                ("email", "eva@kok.test"),
                ("mobile", "+31699999999"),
            ],
        )
        .await;
    assert!(
        res.status.is_redirection() || res.status == StatusCode::OK,
        "{}",
        res.body
    );

    let log = admin
        .get("/settings/audit-log?resource=customer&pageSize=100")
        .await;
    let deleted = row(&log.body, "Klant verwijderd");
    assert!(
        deleted.contains(
            "<span class=\"muted\">Klant</span><br>Weg &#38; Co <span class=\"muted\">(bestaat niet meer)</span>"
        ),
        "{deleted}"
    );
    assert!(
        !deleted.contains("<a href"),
        "no link to what is gone: {deleted}"
    );
    // The deletion shows the values it had, before only.
    assert!(
        deleted.contains("<th scope=\"col\">Ervoor</th>"),
        "{deleted}"
    );
    assert!(
        !deleted.contains("<th scope=\"col\">Erna</th>"),
        "{deleted}"
    );
    assert!(
        deleted.contains("<th scope=\"row\">Naam</th><td class=\"before\">Weg &#38; Co</td>"),
        "{deleted}"
    );
    let created = row(&log.body, "Klant aangemaakt");
    assert!(!created.contains("<a href"), "{created}");

    let log = admin
        .get("/settings/audit-log?resource=contact&pageSize=100")
        .await;
    let added = row(&log.body, "Contactpersoon toegevoegd");
    assert!(
        added.contains(&format!(
            "<span class=\"muted\">Contactpersoon</span><br><a href=\"/customers/{kept}\">Eva Kok</a>"
        )),
        "{added}"
    );
    assert!(
        added.contains("<th scope=\"row\">Voornaam</th><td class=\"after\">Eva</td>"),
        "{added}"
    );
}

#[actix_web::test]
async fn another_organisations_events_never_appear() {
    let app = TestApp::demo().await;
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    let mut other = app.login("baas@ander.test").await;
    let res = other
        .post("/locations", &location("Geheim Filiaal", "0"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (secret, _) = id_of(&app, "locations", "Geheim Filiaal").await;

    let mut admin = app.login(ADMIN).await;
    let ours = admin.get("/settings/audit-log?pageSize=100").await;
    assert_eq!(ours.status, StatusCode::OK);
    assert!(ours.body.contains("Hoofdkantoor Utrecht"));
    assert!(!ours.body.contains("Geheim Filiaal"));
    assert!(!ours.body.contains(&secret));
    let theirs = other.get("/settings/audit-log?pageSize=100").await;
    assert!(
        theirs.body.contains(&format!(
            "<a href=\"/locations/{secret}\">Geheim Filiaal</a>"
        )),
        "{}",
        theirs.body
    );
    assert!(!theirs.body.contains("Hoofdkantoor Utrecht"));
    assert!(!theirs.body.contains("Bakkerij De Korenschoof"));
}
