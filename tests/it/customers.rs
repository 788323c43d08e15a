//! Customers and their contacts: list (search, sort, paging), form rules,
//! 409, delete with its contacts; contacts inline (htmx), every validation
//! rule, partial updates, TWO_INVOICE, roles and tenant isolation.

use awc::http::StatusCode;

use crate::support::*;

pub(crate) fn customer<'a>(
    name: &'a str,
    kind: &'a str,
    email: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("customer_type", kind),
        ("email", email),
        ("phone", "030 111 22 33"),
        ("country_code", "NL"),
        ("notes", ""),
        ("version", version),
    ]
}

async fn customer_id(app: &TestApp, name: &'static str) -> (String, i32) {
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::customers;
        customers::table
            .filter(customers::name.eq(name))
            .select((customers::id, customers::version))
            .first::<(String, i32)>(c)
            .unwrap()
    })
    .await
}

async fn contact_id(app: &TestApp, lastname: &'static str) -> String {
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::contacts;
        contacts::table
            .filter(contacts::lastname.eq(lastname))
            .select(contacts::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

async fn contact(app: &TestApp, id: String) -> (String, String, Option<String>, Option<String>) {
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::contacts;
        contacts::table
            .find(id)
            .select((
                contacts::firstname,
                contacts::lastname,
                contacts::email,
                contacts::mobile,
            ))
            .first(c)
            .unwrap()
    })
    .await
}

const HX: &[(&str, &str)] = &[("HX-Request", "true")];

async fn hx_post(c: &mut Client, path: &str, fields: &[(&str, &str)]) -> Res {
    let token = c.csrf().await;
    let mut all = fields.to_vec();
    all.push(("_csrf", &token));
    c.post_with(path, &all, HX).await
}

#[actix_web::test]
async fn staff_create_and_edit_customer_with_audit() {
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    let list = staff.get("/customers").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Bakkerij De Korenschoof"));
    assert!(list.body.contains("href=\"/customers\""), "nav link");
    assert_eq!(staff.get("/customers/new").await.status, StatusCode::OK);
    let res = staff
        .post("/customers", &customer("Garage Hoek", "company", "", "0"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (id, v) = customer_id(&app, "Garage Hoek").await;
    assert_eq!(res.location(), format!("/customers/{id}"), "to its page");
    // The customer's page: details (read-only) and contacts; the form is
    // one click away.
    let page = staff.get(&format!("/customers/{id}")).await;
    assert!(
        page.body
            .contains("<h1 class=\"page-title\">Garage Hoek</h1>")
    );
    assert!(page.body.contains("<dd>Bedrijf</dd>"));
    assert!(page.body.contains("id=\"contacts\""));
    assert!(!page.body.contains("name=\"version\""), "no form here");
    assert!(
        page.body
            .contains(&format!("href=\"/customers/{id}/edit\""))
    );
    assert!(
        !page.body.contains("/delete"),
        "staff see no delete control"
    );
    let form = staff.get(&format!("/customers/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"Garage Hoek\""));
    assert!(form.body.contains("Garage Hoek wijzigen"));
    assert!(
        form.body
            .contains(&format!("href=\"/customers/{id}\">Annuleren"))
    );
    let res = staff
        .post(
            &format!("/customers/{id}"),
            &customer(
                "Garage Hoek & Zn",
                "private",
                "post@hoek.test",
                &v.to_string(),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        format!("/customers/{id}"),
        "back to its page"
    );
    let page = staff.get(&format!("/customers/{id}")).await;
    assert!(page.body.contains("Klant opgeslagen."));
    assert!(page.body.contains("<dd>Particulier</dd>"));
    assert!(page.body.contains("href=\"mailto:post@hoek.test\""));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'customer.updated' AND before_json LIKE '%\"customerType\":\"company\"%' AND after_json LIKE '%post@hoek.test%'").await,
        1
    );
    // Stale version: 409 with the input kept.
    let res = staff
        .post(
            &format!("/customers/{id}"),
            &customer("Mijn naam", "company", "", &v.to_string()),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("value=\"Mijn naam\""));
}

/// A customer's page shows its details read-only, in the browser's language:
/// e-mail and phone as links, the country by name, notes with their lines.
#[actix_web::test]
async fn the_customer_page_shows_the_details_in_each_language() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Bakkerij De Korenschoof").await;
    let mut admin = app.login(ADMIN).await;
    let page = admin.get(&format!("/customers/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for part in [
        "<dd>Bedrijf</dd>",
        "href=\"mailto:info@korenschoof.test\"",
        "<a href=\"tel:+31302345678\">+31 30 234 5678</a>",
        "<dd>Nederland</dd>",
        "<dd class=\"notes\">Levert elke dinsdag brood voor de kantine.\nFacturen",
        &format!("href=\"/customers/{id}/edit\">Klant wijzigen</a>"),
        &format!("href=\"/customers/{id}/delete\">Verwijderen</a>"),
    ] {
        assert!(page.body.contains(part), "{part}");
    }
    admin
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    let page = admin.get(&format!("/customers/{id}")).await;
    for part in [
        "<dd>Company</dd>",
        "<dd>Netherlands</dd>",
        ">Edit customer</a>",
        ">Contacts</h2>",
    ] {
        assert!(page.body.contains(part), "{part}");
    }
}

#[actix_web::test]
async fn customer_rules_are_checked() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let long = "x".repeat(201);
    let before = app.count("SELECT COUNT(*) AS n FROM customers").await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (customer("", "company", "", "0"), "Vul dit veld in."),
        (customer(&long, "company", "", "0"), "Maximaal 200 tekens."),
        (customer("A", "alien", "", "0"), "f-customer_type-error"),
        (customer("A", "company", "geen-mail", "0"), "f-email-error"),
    ];
    for (f, message) in cases {
        let res = c.post("/customers", &f).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{f:?}");
        assert!(res.body.contains(message), "{f:?}: {message}");
    }
    let mut bad_country = customer("A", "company", "", "0");
    bad_country[4] = ("country_code", "XX");
    assert_eq!(
        c.post("/customers", &bad_country).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM customers").await,
        before
    );
}

#[actix_web::test]
async fn customer_list_search_sort_and_paging_edges() {
    let app = TestApp::demo().await;
    let mut c = app.login(STAFF).await;
    let found = c.get("/customers?q=VANDAM.TEST").await.body;
    assert!(found.contains("Installatiebedrijf Van Dam") && !found.contains("Jeroen Smit"));
    let found = c.get("/customers?q=smit").await.body;
    assert!(found.contains("Jeroen Smit") && !found.contains("Korenschoof"));
    let desc = c
        .get("/customers?sortBy=name&sortDirection=DESC")
        .await
        .body;
    assert!(desc.find("Stichting Groen").unwrap() < desc.find("Bakkerij").unwrap());
    let one = c.get("/customers?pageSize=1").await.body;
    assert!(one.contains("rel=\"next\"") && one.contains("1–1 van 4"));
    let beyond = c.get("/customers?pageNumber=99").await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert!(beyond.body.contains("Deze pagina bestaat niet (meer)"));
    assert!(beyond.body.contains("Naar de laatste pagina"));
    assert!(
        c.get("/customers?pageSize=1000")
            .await
            .body
            .contains("1–4 van 4")
    );
    assert_eq!(
        c.get("/customers?sortBy=password&sortDirection=UP")
            .await
            .status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn deleting_a_customer_is_for_admins_and_takes_its_contacts() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Stichting Groen Utrecht").await;
    let mut staff = app.login(STAFF).await;
    assert_eq!(
        staff.get(&format!("/customers/{id}/delete")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff
            .post(&format!("/customers/{id}/delete"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut admin = app.login(ADMIN).await;
    assert!(
        admin
            .get(&format!("/customers/{id}"))
            .await
            .body
            .contains(&format!("/customers/{id}/delete"))
    );
    let confirm = admin.get(&format!("/customers/{id}/delete")).await;
    assert!(
        confirm.body.contains("samen met 4 contactpersonen"),
        "{}",
        confirm.body
    );
    assert_eq!(
        admin
            .post(&format!("/customers/{id}/delete"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM customers WHERE name = 'Stichting Groen Utrecht'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM contacts WHERE lastname IN ('Visser', 'Mulder', 'Bos', 'Meijer')").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'customer.deleted' AND before_json LIKE '%\"contactsDeleted\":4%'").await,
        1
    );
}

#[actix_web::test]
async fn contacts_inline_add_edit_and_partial_update() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Jeroen Smit").await;
    let mut staff = app.login(STAFF).await;
    // The page first, so its contacts are cached: the answer to the write
    // must not come from that cache.
    assert!(
        !staff
            .get(&format!("/customers/{id}"))
            .await
            .body
            .contains("Kok")
    );
    // htmx: the contacts section comes back with the new row.
    let res = hx_post(
        &mut staff,
        &format!("/customers/{id}/contacts"),
        &[
            ("firstname", "Eva"),
            ("lastname", "Kok"),
            ("email", "Eva@Kok.test"),
            ("mobile", "+31699999999"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("id=\"contacts\"") && res.body.contains("Kok"));
    assert!(!res.body.contains("<html"), "a fragment, not a page");
    // Said in the page's flash region, replacing what was there.
    assert!(res.body.contains(
        "<div id=\"flash-region\" hx-swap-oob=\"innerHTML\"><div class=\"flash flash-success\">Contactpersoon toegevoegd.</div></div>"
    ));
    let kid = contact_id(&app, "Kok").await;
    assert_eq!(
        contact(&app, kid.clone()).await,
        (
            "Eva".into(),
            "Kok".into(),
            Some("eva@kok.test".into()),
            Some("+31699999999".into())
        )
    );
    // Without JavaScript: a redirect back.
    let res = staff
        .post(
            &format!("/customers/{id}/contacts"),
            &[("firstname", "Bram"), ("lastname", "Kuiper")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = staff.get(&res.location()).await;
    assert!(page.body.contains("Contactpersoon toegevoegd."));
    // Inline edit row.
    let edit = staff
        .get_with(&format!("/customers/{id}/contacts/{kid}/edit"), HX)
        .await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains(&format!("id=\"edit-{kid}\"")));
    // A panel the table's width, its fields with visible labels, named.
    assert!(edit.body.contains("<td colspan=\"6\">"), "{}", edit.body);
    assert!(edit.body.contains(&format!(
        "<label for=\"c-{kid}-firstname\">Voornaam</label>"
    )));
    assert!(edit.body.contains(">Contactpersoon wijzigen: Eva Kok</h3>"));
    assert!(edit.body.contains("value=\"Eva\""));
    // Without JavaScript the edit row is part of the page.
    let full = staff
        .get(&format!("/customers/{id}/contacts/{kid}/edit"))
        .await;
    assert!(full.body.contains("<html") && full.body.contains(&format!("id=\"edit-{kid}\"")));
    // Partial: only the mobile is sent (as people type it); the rest stays.
    let res = hx_post(
        &mut staff,
        &format!("/customers/{id}/contacts/{kid}"),
        &[("mobile", "06 12345678")],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.starts_with("<tr") || res.body.trim_start().starts_with("<tr"));
    assert!(
        res.body
            .contains("<a href=\"tel:+31612345678\">+31 6 1234 5678</a>"),
        "{}",
        res.body
    );
    assert_eq!(
        contact(&app, kid.clone()).await,
        (
            "Eva".into(),
            "Kok".into(),
            Some("eva@kok.test".into()),
            Some("+31612345678".into())
        )
    );
    // An empty e-mail clears it; the name changes; mobile untouched.
    let res = staff
        .post(
            &format!("/customers/{id}/contacts/{kid}"),
            &[("lastname", "Kok-Smit"), ("email", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        contact(&app, kid.clone()).await,
        (
            "Eva".into(),
            "Kok-Smit".into(),
            None,
            Some("+31612345678".into())
        )
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact.updated' AND before_json LIKE '%eva@kok.test%' AND after_json LIKE '%Kok-Smit%'").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact.created' AND after_json LIKE '%Kuiper%'").await,
        1
    );
}

#[actix_web::test]
async fn every_contact_rule_is_checked() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Jeroen Smit").await;
    let mut c = app.login(STAFF).await;
    let long = "x".repeat(101);
    let hundred = "y".repeat(100);
    let path = format!("/customers/{id}/contacts");
    let bad: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("lastname", "A")], "Vul dit veld in."),
        (vec![("firstname", "A")], "Vul dit veld in."),
        (
            vec![("firstname", " "), ("lastname", "A")],
            "Vul dit veld in.",
        ),
        (
            vec![("firstname", &long), ("lastname", "A")],
            "Maximaal 100 tekens.",
        ),
        (
            vec![("firstname", "A"), ("lastname", &long)],
            "Maximaal 100 tekens.",
        ),
        (
            vec![
                ("firstname", "A"),
                ("lastname", "B"),
                ("email", "geen-adres"),
            ],
            "aria-invalid=\"true\"",
        ),
        (
            vec![("firstname", "A"), ("lastname", "B"), ("mobile", "12345")],
            "Vul een mobiel nummer in",
        ),
        (
            vec![
                ("firstname", "A"),
                ("lastname", "B"),
                ("mobile", "123456789012345678901"),
            ],
            "Vul een mobiel nummer in",
        ),
        (
            vec![
                ("firstname", "A"),
                ("lastname", "B"),
                ("mobile", "06-1234567"),
            ],
            "Vul een mobiel nummer in",
        ),
        (
            vec![
                ("firstname", "A"),
                ("lastname", "B"),
                ("mobile", "0612+34567"),
            ],
            "Vul een mobiel nummer in",
        ),
        (
            vec![("firstname", "A"), ("lastname", "B"), ("mobile", "+")],
            "Vul een mobiel nummer in",
        ),
    ];
    let before = app.count("SELECT COUNT(*) AS n FROM contacts").await;
    for (f, message) in &bad {
        let res = c.post(&path, f).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{f:?}");
        assert!(res.body.contains(message), "{f:?}: {message}");
        assert!(res.body.contains("autofocus"), "focus on the bad field");
    }
    // htmx gets the section with the error next to the field.
    let res = hx_post(
        &mut c,
        &path,
        &[("firstname", "A"), ("lastname", "B"), ("mobile", "abc")],
    )
    .await;
    assert!(res.body.contains("nc-mobile-error") && res.body.contains("Vul een mobiel nummer in"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM contacts").await,
        before
    );
    // The edges that are allowed.
    for f in [
        vec![
            ("firstname", hundred.as_str()),
            ("lastname", "B"),
            ("mobile", "(0343) 12-34-56"),
        ],
        vec![
            ("firstname", "A"),
            ("lastname", "B"),
            ("mobile", "+123 456 789 012 345"),
        ],
        vec![("firstname", "A"), ("lastname", "C"), ("email", "a@b.nl")],
    ] {
        assert_eq!(
            c.post(&path, &f).await.status,
            StatusCode::SEE_OTHER,
            "{f:?}"
        );
    }
    // An update is checked too, and a bad field changes nothing.
    let kid = contact_id(&app, "Smit").await;
    let before = contact(&app, kid.clone()).await;
    for f in [
        vec![("firstname", "")],
        vec![("mobile", "12")],
        vec![("email", "x@")],
    ] {
        let res = c.post(&format!("{path}/{kid}"), &f).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{f:?}");
    }
    let res = hx_post(&mut c, &format!("{path}/{kid}"), &[("lastname", &long)]).await;
    assert!(res.body.contains("Maximaal 100 tekens.") && res.body.contains("aria-invalid"));
    assert_eq!(contact(&app, kid).await, before);
}

async fn phone_of(app: &TestApp, id: String) -> String {
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::customers;
        customers::table
            .find(id)
            .select(customers::phone)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// One phone rule (issue 16, item 4): the phone is typed as people write
/// it, stored in E.164 and shown in groups (with a `tel:` link in E.164);
/// the hint is under the field before any error; a bad number gets its
/// error at the field, stays as typed and nothing is stored — in both
/// languages, on a new customer and on an edit.
#[actix_web::test]
async fn a_customer_phone_is_typed_freely_stored_in_e164_and_shown_grouped() {
    let app = TestApp::demo().await;
    let mut staff = app.login(STAFF).await;
    let form = staff.get("/customers/new").await;
    for part in [
        "name=\"phone\" type=\"tel\"",
        "autocomplete=\"tel\"",
        "aria-describedby=\"f-phone-hint",
        "<p class=\"hint\" id=\"f-phone-hint\">Bijvoorbeeld 06 12345678, 030 234 56 78",
    ] {
        assert!(form.body.contains(part), "{part}");
    }
    assert!(!form.body.contains("f-phone-error"), "no error yet");
    let mut f = customer("Telefoon BV", "company", "", "0");
    f[3] = ("phone", "06 12345678");
    let res = staff.post("/customers", &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (id, v) = customer_id(&app, "Telefoon BV").await;
    assert_eq!(phone_of(&app, id.clone()).await, "+31612345678");
    let page = staff.get(&format!("/customers/{id}")).await;
    assert!(
        page.body
            .contains("<a href=\"tel:+31612345678\">+31 6 1234 5678</a>"),
        "{}",
        page.body
    );
    let list = staff.get("/customers?q=telefoon").await;
    assert!(
        list.body
            .contains("<td class=\"nowrap\">+31 6 1234 5678</td>")
    );
    let edit = staff.get(&format!("/customers/{id}/edit")).await;
    assert!(edit.body.contains("value=\"+31 6 1234 5678\""));
    // Bad numbers, new and edited, in both languages.
    let customers_before = app.count("SELECT COUNT(*) AS n FROM customers").await;
    let version = v.to_string();
    for (lang, typed, message) in [
        (
            "nl",
            "06 1234",
            "Vul een telefoonnummer in zoals 030 234 56 78 of +31 30 234 5678",
        ),
        (
            "en",
            "call reception",
            "Enter a phone number such as 030 234 56 78 or +31 30 234 5678",
        ),
    ] {
        staff
            .post("/language", &[("lang", lang), ("next", "/")])
            .await;
        let mut bad = customer("Nieuw BV", "company", "", "0");
        bad[3] = ("phone", typed);
        let mut changed = customer("Telefoon BV", "company", "", &version);
        changed[3] = ("phone", typed);
        for res in [
            staff.post("/customers", &bad).await,
            staff.post(&format!("/customers/{id}"), &changed).await,
        ] {
            assert_eq!(
                res.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{lang} {typed}"
            );
            for part in [
                format!("value=\"{typed}\""),
                format!("<p class=\"field-error\" id=\"f-phone-error\">{message}"),
                "aria-describedby=\"f-phone-hint f-phone-error\"".to_string(),
                "href=\"#f-phone\"".to_string(),
            ] {
                assert!(res.body.contains(&part), "{lang}: {part}");
            }
        }
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM customers").await,
        customers_before
    );
    assert_eq!(phone_of(&app, id.clone()).await, "+31612345678");
    assert_eq!(customer_id(&app, "Telefoon BV").await.1, v, "not saved");
    // Another country's number is kept in E.164 and grouped after its code.
    let mut other = customer("Telefoon BV", "company", "", &version);
    other[3] = ("phone", "0032 2 555 12 12");
    let res = staff.post(&format!("/customers/{id}"), &other).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(phone_of(&app, id.clone()).await, "+3225551212");
    let page = staff.get(&format!("/customers/{id}")).await;
    assert!(
        page.body
            .contains("<a href=\"tel:+3225551212\">+32 255 512 12</a>")
    );
}

/// A contact's mobile follows the same rule, in the add form and in the
/// row being edited (htmx or not), in both languages.
#[actix_web::test]
async fn a_contact_mobile_follows_the_same_rule() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Jeroen Smit").await;
    let mut staff = app.login(STAFF).await;
    let page = staff.get(&format!("/customers/{id}")).await;
    for part in [
        "<a href=\"tel:+31634567890\">+31 6 3456 7890</a>",
        "name=\"mobile\" type=\"tel\"",
        "aria-describedby=\"nc-mobile-hint",
        "<p class=\"hint\" id=\"nc-mobile-hint\">Bijvoorbeeld 06 12345678",
    ] {
        assert!(page.body.contains(part), "{part}");
    }
    let path = format!("/customers/{id}/contacts");
    let res = staff
        .post(
            &path,
            &[
                ("firstname", "Vera"),
                ("lastname", "Vos"),
                ("mobile", "+31 6-1234 5678"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let kid = contact_id(&app, "Vos").await;
    assert_eq!(
        contact(&app, kid.clone()).await.3.as_deref(),
        Some("+31612345678")
    );
    let contacts_before = app.count("SELECT COUNT(*) AS n FROM contacts").await;
    for (lang, typed, message) in [
        (
            "nl",
            "06 1234",
            "Vul een mobiel nummer in zoals 06 12345678 of +31 6 12345678",
        ),
        (
            "en",
            "+31 6 1234 567",
            "Enter a mobile number such as 06 12345678 or +31 6 12345678",
        ),
    ] {
        staff
            .post("/language", &[("lang", lang), ("next", "/")])
            .await;
        let fields = [
            ("firstname", "Bo"),
            ("lastname", "Bakker"),
            ("mobile", typed),
        ];
        let page = staff.post(&path, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        // htmx swaps the section (a 2xx answer) with the same error.
        for res in [page, hx_post(&mut staff, &path, &fields).await] {
            for part in [
                format!("value=\"{typed}\""),
                format!("<p class=\"field-error\" id=\"nc-mobile-error\">{message}"),
                "aria-describedby=\"nc-mobile-hint nc-mobile-error\"".to_string(),
            ] {
                assert!(res.body.contains(&part), "{lang}: {part}");
            }
        }
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM contacts").await,
        contacts_before
    );
    // The row being edited: the number in groups, the hint, a bad number
    // refused at the field (English now) and nothing changed.
    let edit = staff.get_with(&format!("{path}/{kid}/edit"), HX).await;
    for part in [
        format!("id=\"c-{kid}-mobile\" name=\"mobile\" type=\"tel\" value=\"+31 6 1234 5678\""),
        format!("<p class=\"hint\" id=\"c-{kid}-mobile-hint\">For example 06 12345678"),
        format!("aria-describedby=\"c-{kid}-mobile-hint"),
    ] {
        assert!(edit.body.contains(&part), "{part}\n{}", edit.body);
    }
    for res in [
        hx_post(
            &mut staff,
            &format!("{path}/{kid}"),
            &[("mobile", "06-abc")],
        )
        .await,
        staff
            .post(&format!("{path}/{kid}"), &[("mobile", "06-abc")])
            .await,
    ] {
        assert!(res.body.contains("value=\"06-abc\""), "{}", res.body);
        assert!(res.body.contains(&format!(
            "<p class=\"field-error\" id=\"c-{kid}-mobile-error\">Enter a mobile number"
        )));
    }
    assert_eq!(
        contact(&app, kid.clone()).await.3.as_deref(),
        Some("+31612345678")
    );
    // Emptied, it is cleared.
    let res = staff
        .post(&format!("{path}/{kid}"), &[("mobile", " ")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(contact(&app, kid).await.3, None);
}

/// Numbers stored before the rule still show: in groups when they are
/// numbers by the rule, else as they are (and without a link); sent back
/// unchanged with another change they are kept.
#[actix_web::test]
async fn numbers_from_before_the_rule_still_show_and_save() {
    let app = TestApp::demo().await;
    let (id, v) = customer_id(&app, "Installatiebedrijf Van Dam").await;
    let kid = contact_id(&app, "van Dam").await;
    let (of_customer, of_contact) = (id.clone(), kid.clone());
    app.db(move |c| {
        use diesel::prelude::*;
        use portaal::db::schema::{contacts, customers};
        diesel::update(customers::table.find(of_customer))
            .set(customers::phone.eq("via de receptie"))
            .execute(c)
            .unwrap();
        diesel::update(contacts::table.find(of_contact))
            .set(contacts::mobile.eq(Some("06-23 45 67 89")))
            .execute(c)
            .unwrap();
    })
    .await;
    let mut staff = app.login(STAFF).await;
    let page = staff.get(&format!("/customers/{id}")).await;
    assert!(page.body.contains("<dd>via de receptie</dd>"), "no link");
    assert!(
        page.body
            .contains("<a href=\"tel:+31623456789\">+31 6 2345 6789</a>")
    );
    let form = staff.get(&format!("/customers/{id}/edit")).await;
    assert!(form.body.contains("value=\"via de receptie\""));
    let version = v.to_string();
    let mut f = customer("Van Dam Installaties", "company", "", &version);
    f[3] = ("phone", "via de receptie");
    let res = staff.post(&format!("/customers/{id}"), &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(phone_of(&app, id).await, "via de receptie");
}

#[actix_web::test]
async fn two_invoice_toggles_and_unknown_extension_is_refused() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Installatiebedrijf Van Dam").await;
    let kid = contact_id(&app, "El Amrani").await;
    let mut staff = app.login(STAFF).await;
    let add = format!("/customers/{id}/contacts/{kid}/extensions/TWO_INVOICE");
    let res = hx_post(&mut staff, &add, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("aria-pressed=\"true\""));
    assert!(res.body.contains(&format!("{add}/remove")));
    // Twice is harmless.
    assert_eq!(staff.post(&add, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM contact_extensions WHERE name = 'TWO_INVOICE'")
            .await,
        2,
        "the demo one and this one"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact.extension_added' AND after_json LIKE '%TWO_INVOICE%'").await,
        2
    );
    let res = hx_post(&mut staff, &format!("{add}/remove"), &[]).await;
    assert!(res.body.contains("aria-pressed=\"false\""));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM contact_extensions WHERE name = 'TWO_INVOICE'")
            .await,
        1
    );
    // Unknown name: refused, nothing stored.
    let res = staff
        .post(
            &format!("/customers/{id}/contacts/{kid}/extensions/THREE_INVOICE"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM contact_extensions")
            .await,
        1
    );
}

#[actix_web::test]
async fn contact_list_paging_and_sorting() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Stichting Groen Utrecht").await;
    let mut c = app.login(STAFF).await;
    let base = format!("/customers/{id}/contacts");
    // Default: by last name, ascending (Bos, Meijer, Mulder, Visser).
    let all = c.get_with(&base, HX).await.body;
    assert!(all.find("Bos").unwrap() < all.find("Visser").unwrap());
    let by_first = c
        .get_with(&format!("{base}?sortBy=firstname&sortDirection=DESC"), HX)
        .await
        .body;
    assert!(by_first.find("Noor").unwrap() < by_first.find("Daan").unwrap());
    let by_email = c
        .get_with(&format!("{base}?sortBy=email&sortDirection=ASC"), HX)
        .await
        .body;
    assert!(by_email.find("daan@").unwrap() < by_email.find("mila@").unwrap());
    assert_eq!(
        c.get(&format!("{base}?sortBy=createdAt&sortDirection=DESC"))
            .await
            .status,
        StatusCode::OK
    );
    let page2 = c
        .get_with(&format!("{base}?pageSize=2&pageNumber=2"), HX)
        .await
        .body;
    assert!(page2.contains("3–4 van 4") && page2.contains("Mulder") && !page2.contains("Bos"));
    assert!(page2.contains("rel=\"prev\""));
    let beyond = c
        .get(&format!(
            "{base}?pageNumber=99&pageSize=0&sortBy=nope&sortDirection=UP"
        ))
        .await;
    assert_eq!(beyond.status, StatusCode::OK);
    // Without htmx the whole page is answered.
    assert!(c.get(&base).await.body.contains("<html"));
}

#[actix_web::test]
async fn contact_delete_is_for_admins_only() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Bakkerij De Korenschoof").await;
    let kid = contact_id(&app, "Jansen").await;
    let mut staff = app.login(STAFF).await;
    let page = staff.get(&format!("/customers/{id}")).await.body;
    assert!(!page.contains("/delete"), "staff see no delete control");
    let path = format!("/customers/{id}/contacts/{kid}/delete");
    assert_eq!(staff.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(staff.post(&path, &[]).await.status, StatusCode::FORBIDDEN);
    // Staff can list, get (row), add and update.
    assert_eq!(
        staff
            .get_with(&format!("/customers/{id}/contacts/{kid}"), HX)
            .await
            .status,
        StatusCode::OK
    );
    let mut admin = app.login(ADMIN).await;
    assert!(
        admin
            .get(&format!("/customers/{id}"))
            .await
            .body
            .contains(&path)
    );
    assert!(
        admin
            .get(&path)
            .await
            .body
            .contains("Sanne Jansen wordt verwijderd.")
    );
    assert_eq!(admin.post(&path, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM contacts WHERE lastname = 'Jansen'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact.deleted' AND before_json LIKE '%Sanne%'").await,
        1
    );
}

#[actix_web::test]
async fn a_deleted_contact_comes_back_with_undo() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Bakkerij De Korenschoof").await;
    let kid = contact_id(&app, "Jansen").await;
    let mut admin = app.login(ADMIN).await;
    let ext = format!("/customers/{id}/contacts/{kid}/extensions/TWO_INVOICE");
    let on = hx_post(&mut admin, &ext, &[]).await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    let before = contact(&app, kid.clone()).await;
    let res = admin
        .post(&format!("/customers/{id}/contacts/{kid}/delete"), &[])
        .await;
    let page = admin.get(&res.location()).await.body;
    // The flash offers Undo, which returns to this page.
    assert!(page.contains("Contactpersoon verwijderd."));
    assert!(
        page.contains("action=\"/customers/contacts/undo\""),
        "{page}"
    );
    assert!(page.contains(&format!("name=\"next\" value=\"/customers/{id}\"")));
    assert!(page.contains(">Ongedaan maken</button>"));
    // Staff cannot delete contacts, so they cannot undo a deletion either.
    let mut staff = app.login(STAFF).await;
    let undo = [("next", format!("/customers/{id}"))];
    let undo: Vec<(&str, &str)> = undo.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        staff.post("/customers/contacts/undo", &undo).await.status,
        StatusCode::FORBIDDEN
    );
    let res = admin.post("/customers/contacts/undo", &undo).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), format!("/customers/{id}"));
    let page = admin.get(&res.location()).await.body;
    assert!(page.contains("Contactpersoon teruggezet."), "{page}");
    assert!(!page.contains(">Ongedaan maken</button>"));
    // The same contact: its id, fields and extension.
    assert_eq!(contact(&app, kid.clone()).await, before);
    assert_eq!(
        app.count(format!(
            "SELECT COUNT(*) AS n FROM contact_extensions WHERE contact_id = '{kid}' AND name = 'TWO_INVOICE'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE resource_id = '{kid}' AND action IN ('contact.deleted', 'contact.restored')"
        ))
        .await,
        2
    );
    // Once back, there is nothing more to undo.
    let res = admin.post("/customers/contacts/undo", &undo).await;
    let page = admin.get(&res.location()).await.body;
    assert!(page.contains("Dit kan niet meer ongedaan worden gemaakt."));
    // A deletion older than ten minutes stays deleted.
    admin
        .post(&format!("/customers/{id}/contacts/{kid}/delete"), &[])
        .await;
    app.clock.advance(chrono::Duration::minutes(11));
    let res = admin.post("/customers/contacts/undo", &undo).await;
    let page = admin.get(&res.location()).await.body;
    assert!(page.contains("Dit kan niet meer ongedaan worden gemaakt."));
    assert_eq!(
        app.count(format!(
            "SELECT COUNT(*) AS n FROM contacts WHERE id = '{kid}'"
        ))
        .await,
        0
    );
}

/// The `_csrf` values of every form in a page.
fn tokens(body: &str) -> Vec<&str> {
    body.match_indices("name=\"_csrf\" value=\"")
        .map(|(at, m)| {
            let rest = &body[at + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// The contacts section is rendered once per data version and shared by
/// everyone who opens the page: each browser still finds its own CSRF token
/// in every form, each role its own controls, and a change shows at once.
#[actix_web::test]
async fn the_shared_contacts_section_has_each_browsers_token_and_role() {
    let app = TestApp::demo().await;
    let (id, _) = customer_id(&app, "Bakkerij De Korenschoof").await;
    let kid = contact_id(&app, "Jansen").await;
    let page = format!("/customers/{id}");
    let delete = format!("/customers/{id}/contacts/{kid}/delete");
    let toggle = format!("/customers/{id}/contacts/{kid}/extensions/TWO_INVOICE");
    let mut admin = app.login(ADMIN).await;
    let mut other_admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let mut seen = vec![];
    for (who, client) in [
        ("admin", &mut admin),
        ("second admin browser", &mut other_admin),
        ("staff", &mut staff),
    ] {
        let token = client.csrf().await;
        for res in [
            client.get(&page).await,
            client.get_with(&format!("{page}?pageNumber=1"), HX).await,
        ] {
            assert_eq!(res.status, StatusCode::OK);
            let found = tokens(&res.body);
            assert!(found.len() >= 3, "{who}: forms in the section: {found:?}");
            assert!(found.iter().all(|t| *t == token), "{who}: {found:?}");
            assert_eq!(res.body.contains(&delete), who != "staff", "{who}");
            assert!(res.body.contains(&toggle), "{who}");
        }
        seen.push(token);
    }
    assert_ne!(seen[0], seen[1], "two browsers, two tokens");

    // The token in the shared section works, and the change shows for all.
    let body = staff.get(&page).await.body;
    let token = tokens(&body)[1].to_string();
    let res = staff.post_raw(&toggle, &[("_csrf", &token)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let row = |body: &str| {
        let at = body.find(&format!("id=\"contact-{kid}\"")).unwrap();
        body[at..at + body[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row(&admin.get(&page).await.body).contains("aria-pressed=\"true\""));
    assert!(row(&staff.get(&page).await.body).contains("aria-pressed=\"true\""));
}

#[actix_web::test]
async fn customers_and_contacts_are_per_organization_and_per_customer() {
    let app = TestApp::demo().await;
    let (id, v) = customer_id(&app, "Bakkerij De Korenschoof").await;
    let (other_customer, _) = customer_id(&app, "Jeroen Smit").await;
    let kid = contact_id(&app, "de Vries").await;
    // Another customer's contact: 404 under the wrong customer.
    let mut admin = app.login(ADMIN).await;
    let wrong = format!("/customers/{other_customer}/contacts/{kid}");
    assert_eq!(
        admin.get_with(&wrong, HX).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get(&format!("{wrong}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.post(&wrong, &[("firstname", "X")]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .post(&format!("{wrong}/extensions/TWO_INVOICE/remove"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.post(&format!("{wrong}/delete"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    // Another organisation.
    let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| {
        portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
            .unwrap()
    })
    .await;
    let mut other = app.login("baas@ander.test").await;
    assert!(!other.get("/customers").await.body.contains("Korenschoof"));
    assert_eq!(
        other.get(&format!("/customers/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(
                &format!("/customers/{id}"),
                &customer("Gekaapt", "company", "", &v.to_string())
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get(&format!("/customers/{id}/delete")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("/customers/{id}/delete"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(
                &format!("/customers/{id}/contacts"),
                &[("firstname", "A"), ("lastname", "B")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let theirs = format!("/customers/{id}/contacts/{kid}");
    assert_eq!(
        other.get_with(&theirs, HX).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.post(&theirs, &[("firstname", "X")]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("{theirs}/extensions/TWO_INVOICE/remove"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.post(&format!("{theirs}/delete"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(contact(&app, kid).await.0, "Anna");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM contact_extensions")
            .await,
        1
    );
}

/// The dashboard keeps its member count and recent activity per data
/// version: a change shows there at once.
#[actix_web::test]
async fn the_dashboard_shows_a_change_at_once() {
    let app = TestApp::demo().await;
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let newest = |body: &str| {
        let at = body.find("<tbody>").unwrap();
        let row = &body[at..];
        row[..row.find("</tr>").unwrap()].to_string()
    };
    let first = newest(&admin.get("/").await.body);
    assert!(
        !first.contains("Ingelogd"),
        "logins are no changes: {first}"
    );
    assert_eq!(newest(&admin.get("/").await.body), first, "read twice");
    let res = staff
        .post("/customers", &customer("Garage Hoek", "company", "", "0"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let now = newest(&admin.get("/").await.body);
    assert!(
        now.contains("<td>Mo Medewerker</td><td>Klant aangemaakt: <a href=\"/customers/"),
        "{now}"
    );
    assert!(now.contains(">Garage Hoek</a></td>"), "{now}");
}

/// The dashboard keeps its activity per data version and language; the
/// last login is the one before this session's, read on every visit, and
/// logins are not in the activity.
#[actix_web::test]
async fn the_dashboard_shows_the_previous_login_and_speaks_each_language() {
    let app = TestApp::demo().await;
    let last = |body: &str, label: &str| {
        let label = body
            .find(&format!("<span class=\"stat-label\">{label}</span>"))
            .unwrap();
        let start = body[..label].rfind("stat-text\">").unwrap() + "stat-text\">".len();
        body[start..label - "</span>".len()].to_string()
    };
    use portaal::clock::Clock;
    let mut first = app.login(ADMIN).await;
    let first_at = portaal::i18n::Lang::Nl.datetime(app.clock.now(), chrono_tz::Europe::Amsterdam);
    assert_eq!(
        last(&first.get("/").await.body, "Laatst ingelogd"),
        "nog nooit",
        "the first login has none before it"
    );
    app.clock.advance(chrono::Duration::hours(3));
    let mut second = app.login(ADMIN).await;
    let body = second.get("/").await.body;
    assert_eq!(
        last(&body, "Laatst ingelogd"),
        first_at,
        "the login before this one, not this one"
    );
    assert!(
        !body.contains("<td>Ingelogd"),
        "no logins in the activity: {body}"
    );
    // Read again later, and after the language changes: still the first.
    app.clock.advance(chrono::Duration::minutes(5));
    let res = second
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let english = second.get("/").await.body;
    let first_en = portaal::i18n::Lang::En.datetime(
        app.clock.now() - chrono::Duration::hours(3) - chrono::Duration::minutes(5),
        chrono_tz::Europe::Amsterdam,
    );
    assert_eq!(last(&english, "Last login"), first_en);
    assert!(
        english.contains("<h2 class=\"card-title\" id=\"activity-title\">Recent activity</h2>")
    );
    assert!(!english.contains("<td>Logged in"), "{english}");
    // The first session still shows the login before it.
    assert_eq!(last(&first.get("/").await.body, "Last login"), "never");
}

#[actix_web::test]
async fn the_customer_page_lists_its_upcoming_meetings() {
    use crate::meetings::{demo_customer, foreign_customer, insert_meeting};
    let app = TestApp::demo().await;
    let (bakker, _) = demo_customer(&app, "Bakkerij De Korenschoof").await;
    let org = app
        .db(|c| {
            use diesel::prelude::*;
            use portaal::db::schema::organizations;
            organizations::table
                .filter(organizations::name.eq("Demo BV"))
                .select(organizations::id)
                .first::<String>(c)
                .unwrap()
        })
        .await;
    let soon = insert_meeting(
        &app,
        &org,
        Some(&bakker),
        None,
        "2031-03-03 10:00",
        "Proeverij",
    )
    .await;
    insert_meeting(
        &app,
        &org,
        Some(&bakker),
        None,
        "2020-03-03 10:00",
        "Lang geleden",
    )
    .await;
    // Another organisation's meeting with this id as its customer (which the
    // rules never allow) still does not show.
    let mut other = {
        let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
        let now = chrono::Utc::now().naive_utc();
        app.db(move |c| {
            portaal::domain::users::create_admin(c, now, "baas@ander.test", "Ander BV", &hash, 30)
                .unwrap()
        })
        .await;
        app.login("baas@ander.test").await
    };
    let ander = app
        .db(|c| {
            use diesel::prelude::*;
            use portaal::db::schema::organizations;
            organizations::table
                .filter(organizations::name.eq("Ander BV"))
                .select(organizations::id)
                .first::<String>(c)
                .unwrap()
        })
        .await;
    insert_meeting(
        &app,
        &ander,
        Some(&bakker),
        None,
        "2031-03-03 11:00",
        "Van een ander",
    )
    .await;
    let mut staff = app.login(STAFF).await;
    let page = staff.get(&format!("/customers/{bakker}")).await.body;
    assert!(page.contains("Komende afspraken"), "{page}");
    assert!(
        page.contains(&format!("href=\"/meetings/{soon}\"")),
        "{page}"
    );
    assert!(page.contains("Proeverij"));
    assert!(!page.contains("Lang geleden"), "not past ones");
    assert!(
        !page.contains("Van een ander"),
        "not another organisation's"
    );
    assert!(
        page.contains(&format!(
            "href=\"/meetings?customer={bakker}&#38;from=&#38;to=\""
        )),
        "{page}"
    );
    // The link lists them.
    let list = staff
        .get(&format!("/meetings?customer={bakker}&from=&to="))
        .await
        .body;
    assert!(list.contains("Proeverij") && !list.contains("Van een ander"));
    // In English too.
    staff
        .post("/language", &[("lang", "en"), ("next", "/")])
        .await;
    let page = staff.get(&format!("/customers/{bakker}")).await.body;
    assert!(page.contains("Upcoming meetings") && page.contains("All meetings"));
    // Another organisation does not see the customer at all.
    let theirs = foreign_customer(&app, &ander, "Hun klant").await;
    assert_eq!(
        other.get(&format!("/customers/{bakker}")).await.status,
        StatusCode::NOT_FOUND
    );
    let page = other.get(&format!("/customers/{theirs}")).await.body;
    assert!(page.contains("Geen komende afspraken."), "{page}");
}

#[actix_web::test]
async fn next_seeks_from_the_last_row_and_shows_the_next_page() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    // Ties in every sort: the id decides between them.
    for n in 0..25 {
        let (name, email) = (
            format!("Garage {}", n % 6),
            format!("garage{}@example.test", n % 4),
        );
        let res = c
            .post("/customers", &customer(&name, "company", &email, "0"))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    crate::locations::next_is_the_second_page(
        &mut c,
        "/customers",
        &["name", "email", "createdAt"],
    )
    .await;
}
