//! The operator's side of invoices (issue 18, items 1, 7, 8): the seller
//! form, every organisation's invoices with their filters, one invoice and
//! what can be done to it (issue, delete, mark paid, void, send again), the
//! bank statement import and the bookkeeping export — for operators only,
//! each refusal with its message beside its field and nothing changed.

use awc::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{invoices as invoice_rows, seller as seller_row};
use portaal::domain::invoices::{self, BOOKS_TZ};
use portaal::domain::local_time::utc_to_local;
use portaal::domain::seller::{self, SellerInput};
use portaal::error::ErrorCode;
use portaal::i18n::Lang;

use crate::coupon_screens::nl;
use crate::invoices::camt;
use crate::support::api::org_id;
use crate::support::*;

const LIST: &str = "/platform/invoices";

/// The text of the error beside field `id`.
fn field_error<'a>(body: &'a str, id: &str) -> &'a str {
    let open = format!("id=\"{id}-error\">");
    let at = body
        .find(&open)
        .unwrap_or_else(|| panic!("an error at {id}: {body}"))
        + open.len();
    &body[at..at + body[at..].find("</p>").unwrap()]
}

/// One stored document, as the tests look at it.
#[derive(Debug, Clone, Queryable)]
struct Doc {
    id: String,
    number: Option<String>,
    status: String,
    kind: String,
    total: i64,
    version: i32,
    payment_reference: Option<String>,
    issued_at: Option<NaiveDateTime>,
}

/// Every document, oldest first.
async fn docs(app: &TestApp) -> Vec<Doc> {
    app.db(|c| {
        invoice_rows::table
            .order((invoice_rows::created_at.asc(), invoice_rows::id.asc()))
            .select((
                invoice_rows::id,
                invoice_rows::number,
                invoice_rows::status,
                invoice_rows::kind,
                invoice_rows::total,
                invoice_rows::version,
                invoice_rows::payment_reference,
                invoice_rows::issued_at,
            ))
            .load::<Doc>(c)
            .unwrap()
    })
    .await
}

/// The document numbered `number`.
async fn doc(app: &TestApp, number: &str) -> Doc {
    docs(app)
        .await
        .into_iter()
        .find(|d| d.number.as_deref() == Some(number))
        .unwrap_or_else(|| panic!("no {number}"))
}

/// The numbers in the list's rows, in order ("Concept" for a draft).
fn numbers(body: &str) -> Vec<String> {
    let Some(tbody) = body.split("<tbody>").nth(1) else {
        return vec![];
    };
    tbody
        .split("<td class=\"stack-title\"><a href=\"/platform/invoices/")
        .skip(1)
        .filter_map(|row| row.split("</a>").next())
        .filter_map(|cell| cell.split('>').nth(1))
        .map(str::to_string)
        .collect()
}

/// The day of `at` in the seller's books.
fn books_day(at: NaiveDateTime) -> String {
    utc_to_local(BOOKS_TZ, at).date().to_string()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.count(sql.to_string()).await
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"),
    )
    .await
}

/// A draft for Demo BV (as a subscription's change makes one).
async fn make_draft(app: &TestApp, key: &'static str, amount: i64) -> String {
    let org = org_id(app, false).await;
    let now = app.clock.now();
    app.db(move |c| crate::invoices::draft(c, now, &org, key, amount).id)
        .await
}

/// The seller form's fields as stored, with `changes`.
async fn seller_form(app: &TestApp, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let s = app.db(|c| seller::get(c).unwrap()).await;
    let i = SellerInput::of(&s);
    let mut fields = vec![
        ("legal_name", i.legal_name),
        ("address_line", i.address_line),
        ("postal_code", i.postal_code),
        ("city", i.city),
        ("country_code", i.country_code),
        ("email", i.email),
        ("vat_id", i.vat_id),
        ("kvk_number", i.kvk_number),
        ("iban", i.iban),
        ("bic", i.bic),
        ("payment_term_days", i.payment_term_days),
        ("invoice_prefix", i.invoice_prefix),
        ("credit_note_prefix", i.credit_note_prefix),
        ("version", i.version.to_string()),
    ];
    for (k, v) in changes {
        if let Some(f) = fields.iter_mut().find(|(name, _)| name == k) {
            f.1 = v.to_string();
        }
    }
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

async fn list_of(c: &mut Client, query: &str) -> Res {
    c.get(&format!("{LIST}?{query}")).await
}

async fn post_owned(c: &mut Client, path: &str, fields: &[(String, String)]) -> Res {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &borrowed).await
}

#[actix_web::test]
async fn everyone_but_the_operator_gets_404_on_every_route() {
    let app = TestApp::demo().await;
    let open = doc(&app, "PF-000005").await;
    let mut anonymous = app.client();
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let gets = [
        LIST.to_string(),
        format!("{LIST}?status=open"),
        format!("{LIST}/import"),
        format!("{LIST}/export.csv?from=2020-01-01&to=2030-12-31"),
        format!("{LIST}/{}", open.id),
        format!("{LIST}/{}/pdf", open.id),
        "/platform/seller".to_string(),
    ];
    let posts = [
        "/platform/seller".to_string(),
        format!("{LIST}/{}/pay", open.id),
        format!("{LIST}/{}/void", open.id),
        format!("{LIST}/{}/resend", open.id),
        format!("{LIST}/{}/finalize", open.id),
        format!("{LIST}/{}/delete", open.id),
    ];
    for (who, c) in [
        ("anonymous", &mut anonymous),
        ("admin", &mut admin),
        ("staff", &mut staff),
    ] {
        for path in &gets {
            let res = c.get(path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} GET {path}");
            assert!(res.header("location").is_none(), "{who}: no redirect");
            assert!(!res.body.contains("PF-000005"), "{who} sees nothing");
        }
        for path in &posts {
            let res = c
                .post(
                    path,
                    &[
                        ("confirmed", "1"),
                        ("version", &open.version.to_string()),
                        ("paid_on", "2026-01-01"),
                        ("legal_name", "X"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} POST {path}");
        }
        let file = camt(&[(open.total, open.payment_reference.as_deref().unwrap(), "X1")]);
        let res = c
            .upload(
                &format!("{LIST}/import"),
                "dag.xml",
                "application/xml",
                file.as_bytes(),
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} imports");
    }
    assert_eq!(doc(&app, "PF-000005").await.status, "open", "nothing paid");
    assert_eq!(audited(&app, "seller.updated").await, 1, "the demo's only");
    assert_eq!(audited(&app, "invoice.exported").await, 0);
}

#[actix_web::test]
async fn the_seller_form_refuses_a_bad_iban_and_a_vat_id_not_of_the_country() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let page = c.get("/platform/seller").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("value=\"Portaal B.V.\""), "{b}");
    assert!(
        b.contains("value=\"NL91 ABNA 0417 1643 00\""),
        "the IBAN grouped"
    );
    assert!(b.contains("<option value=\"NL\" selected>Nederland</option>"));
    assert!(!b.contains("id=\"seller-missing\""), "complete: no notice");
    assert!(
        b.contains("<a href=\"/platform/seller\" aria-current=\"page\">Verkoper</a>"),
        "the navigation"
    );
    assert!(b.contains("<a href=\"/platform/invoices\">Facturen</a>"));
    let before = app.db(|c| seller::get(c).unwrap()).await;
    let audits = audited(&app, "seller.updated").await;

    // A wrong check digit, and a Belgian VAT id for a Dutch seller.
    let bad = seller_form(
        &app,
        &[
            ("iban", "NL91 ABNA 0417 1643 01"),
            ("vat_id", "BE0123456789"),
        ],
    )
    .await;
    let res = post_owned(&mut c, "/platform/seller", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(field_error(&res.body, "f-iban"), nl(ErrorCode::IbanInvalid));
    assert_eq!(
        field_error(&res.body, "f-vat_id"),
        nl(ErrorCode::VatCountryMismatch("NL".into()))
    );
    assert!(res.body.contains("href=\"#f-vat_id\""), "the summary");
    assert!(res.body.contains("href=\"#f-iban\""));
    assert!(
        res.body.contains("value=\"NL91 ABNA 0417 1643 01\""),
        "the input is kept"
    );
    assert_eq!(
        app.db(|c| seller::get(c).unwrap()).await,
        before,
        "nothing stored"
    );
    assert_eq!(audited(&app, "seller.updated").await, audits);

    // A good one: stored (normalised), audited, a flash.
    let good = seller_form(
        &app,
        &[
            ("postal_code", "3811 aa"),
            ("city", "Amersfoort"),
            ("iban", "nl02abna0123456789"),
            ("payment_term_days", "30"),
            ("invoice_prefix", "f2027-"),
        ],
    )
    .await;
    let res = post_owned(&mut c, "/platform/seller", &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/platform/seller");
    let page = c.get("/platform/seller").await;
    assert!(page.body.contains("Verkopergegevens opgeslagen."));
    assert!(page.body.contains("value=\"NL02 ABNA 0123 4567 89\""));
    let after = app.db(|c| seller::get(c).unwrap()).await;
    assert_eq!(
        (
            after.city.as_str(),
            after.postal_code.as_str(),
            after.iban.as_str(),
            after.payment_term_days,
            after.invoice_prefix.as_str(),
            after.version
        ),
        (
            "Amersfoort",
            "3811 AA",
            "NL02ABNA0123456789",
            30,
            "F2027-",
            before.version + 1
        )
    );
    assert_eq!(audited(&app, "seller.updated").await, audits + 1);
    let by_operator = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_events e JOIN users u ON u.id = e.actor_id \
             WHERE e.action = 'seller.updated' AND u.email = '{OPERATOR}'"
        ),
    )
    .await;
    assert!(by_operator >= 1, "audited as the operator");

    // The form read before that save is stale now: 409, the input kept.
    let res = post_owned(&mut c, "/platform/seller", &bad_city(&good)).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains(&nl_stale()), "{}", res.body);
    assert!(res.body.contains("value=\"Zwolle\""), "the input kept");
    assert!(res.body.contains("Amersfoort"), "what is stored now");
    assert_eq!(app.db(|c| seller::get(c).unwrap()).await.city, "Amersfoort");
}

/// The form with another city (at the version it was read at).
fn bad_city(form: &[(String, String)]) -> Vec<(String, String)> {
    form.iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if k == "city" {
                    "Zwolle".into()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

fn nl_stale() -> String {
    Lang::Nl
        .t()
        .err_stale
        .replace('\'', "&#39;")
        .replace('"', "&quot;")
}

#[actix_web::test]
async fn an_incomplete_seller_is_named_on_both_screens_and_stops_issuing() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    app.db(|c| {
        diesel::update(seller_row::table)
            .set((seller_row::bic.eq(""), seller_row::vat_id.eq("")))
            .execute(c)
            .unwrap()
    })
    .await;
    for path in ["/platform/seller", LIST] {
        let page = c.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        let b = &page.body;
        assert!(
            b.contains("Er gaan geen facturen uit tot deze verkopergegevens zijn ingevuld:"),
            "{path}: {b}"
        );
        assert!(b.contains("<a href=\"/platform/seller#f-vat_id\">Btw-nummer</a>"));
        assert!(b.contains("<a href=\"/platform/seller#f-bic\">BIC</a>"));
        assert!(!b.contains("#f-iban\">"), "the IBAN is there");
    }
    let list = c.get(LIST).await;
    assert!(
        list.body
            .contains("href=\"/platform/seller\">Verkopergegevens aanvullen</a>")
    );

    // A draft cannot be issued meanwhile: the page says why.
    let id = make_draft(&app, "seller-missing", 1000).await;
    let res = c.post(&format!("{LIST}/{id}/finalize"), &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains(&nl(ErrorCode::SellerIncomplete)));
    assert_eq!(
        docs(&app).await.iter().find(|d| d.id == id).unwrap().status,
        "draft"
    );
}

#[actix_web::test]
async fn the_list_shows_every_document_newest_first_and_filters() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let all = docs(&app).await;
    assert_eq!(all.len(), 6, "{all:?}");
    let page = c.get(LIST).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        numbers(&page.body),
        [
            "PF-000005",
            "PC-000001",
            "PF-000004",
            "PF-000003",
            "PF-000002",
            "PF-000001"
        ],
        "newest first"
    );
    let b = &page.body;
    assert!(b.contains("Demo BV"));
    let open = doc(&app, "PF-000005").await;
    assert!(
        b.contains(&format!(
            "data-label=\"Totaal\">{}</td>",
            Lang::Nl.money(open.total)
        )),
        "Dutch money: {b}"
    );
    assert!(b.contains("<span class=\"badge badge-info\">Open</span>"));
    assert!(b.contains("<span class=\"badge badge-success\">Betaald</span>"));
    assert!(b.contains("<span class=\"badge badge-muted\">Vervallen</span>"));
    assert!(
        b.contains("<span class=\"badge badge-info\">Uitgegeven</span>"),
        "the credit note"
    );
    assert!(b.contains(&format!(
        "href=\"{LIST}/{}/pdf\" aria-label=\"PDF van PF-000005\"",
        open.id
    )));
    assert!(
        b.contains("<a href=\"/platform/invoices\" aria-current=\"page\">Facturen</a>"),
        "the navigation"
    );
    assert!(
        !b.contains("id=\"seller-missing\""),
        "the demo's seller is complete"
    );
    assert!(
        b.contains("action=\"/platform/invoices/export.csv\""),
        "the export form"
    );

    let paid = list_of(&mut c, "status=paid").await;
    assert_eq!(numbers(&paid.body), ["PF-000003", "PF-000002", "PF-000001"]);
    let open_list = list_of(&mut c, "status=open").await;
    assert_eq!(numbers(&open_list.body), ["PF-000005"], "no credit note");
    let void = list_of(&mut c, "status=void").await;
    assert_eq!(numbers(&void.body), ["PF-000004"]);
    let credit = list_of(&mut c, "kind=credit_note").await;
    assert_eq!(numbers(&credit.body), ["PC-000001"]);
    assert!(
        credit
            .body
            .contains("<option value=\"credit_note\" selected>")
    );
    let none_overdue = list_of(&mut c, "status=overdue").await;
    assert!(numbers(&none_overdue.body).is_empty());
    assert!(
        none_overdue
            .body
            .contains("Geen facturen die aan deze filters voldoen.")
    );

    let demo = org_id(&app, false).await;
    let partner = org_id(&app, true).await;
    let of_demo = list_of(&mut c, &format!("organization={demo}")).await;
    assert_eq!(numbers(&of_demo.body).len(), 6);
    assert!(of_demo.body.contains(&format!(
        "<option value=\"{demo}\" selected>Demo BV</option>"
    )));
    let of_partner = list_of(&mut c, &format!("organization={partner}")).await;
    assert!(numbers(&of_partner.body).is_empty(), "the partner has none");

    // The days of issue, in the seller's books.
    let day = books_day(open.issued_at.unwrap());
    let that_day = list_of(&mut c, &format!("from={day}&to={day}")).await;
    assert_eq!(numbers(&that_day.body), ["PF-000005"]);
    let first = doc(&app, "PF-000001").await;
    let first_day = books_day(first.issued_at.unwrap());
    let up_to_first = list_of(&mut c, &format!("to={first_day}")).await;
    assert_eq!(numbers(&up_to_first.body), ["PF-000001"]);
    let since_first = list_of(&mut c, &format!("status=paid&from={first_day}")).await;
    assert_eq!(numbers(&since_first.body).len(), 3);

    // Bad values: said beside their field, left out of the filter.
    let bad = list_of(&mut c, "status=bogus&from=2026-13-45&kind=paid").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert_eq!(numbers(&bad.body).len(), 6, "nothing filtered by them");
    assert_eq!(
        field_error(&bad.body, "filter-status"),
        nl(ErrorCode::InvalidChoice)
    );
    assert_eq!(
        field_error(&bad.body, "filter-kind"),
        nl(ErrorCode::InvalidChoice)
    );
    assert_eq!(
        field_error(&bad.body, "filter-from"),
        nl(ErrorCode::InvalidDate)
    );
    assert!(bad.body.contains("value=\"2026-13-45\""), "as typed");
    let backwards = list_of(&mut c, &format!("from={day}&to={first_day}")).await;
    assert_eq!(
        field_error(&backwards.body, "filter-to"),
        nl(ErrorCode::EndBeforeStart)
    );
    let long = "x".repeat(200);
    let too_long = list_of(&mut c, &format!("organization={long}")).await;
    assert_eq!(
        field_error(&too_long.body, "filter-organization"),
        nl(ErrorCode::InvalidChoice)
    );

    // Paging keeps the filters.
    let first_page = list_of(&mut c, "status=paid&pageSize=2").await;
    assert_eq!(numbers(&first_page.body), ["PF-000003", "PF-000002"]);
    assert!(
        first_page
            .body
            .contains("href=\"/platform/invoices?status=paid&#38;pageNumber=2&#38;pageSize=2&#38;"),
        "{}",
        first_page.body
    );
    let second = list_of(&mut c, "status=paid&pageSize=2&pageNumber=2").await;
    assert_eq!(numbers(&second.body), ["PF-000001"]);
    let oldest = list_of(&mut c, "sortBy=issuedAt&sortDirection=ASC&pageSize=1").await;
    assert_eq!(numbers(&oldest.body), ["PF-000001"]);

    // Past the due date: overdue, in a colour of its own.
    crate::subscription_lifecycle::clock_to(&app, app.clock.now() + Duration::days(12));
    let mut c = app.login(OPERATOR).await;
    let overdue = list_of(&mut c, "status=overdue").await;
    assert_eq!(numbers(&overdue.body), ["PF-000005"]);
    assert!(
        overdue
            .body
            .contains("<span class=\"badge badge-warning\">Te laat</span>")
    );

    // A draft is listed as one, newest, without a PDF.
    let id = make_draft(&app, "list-draft", 2500).await;
    let page = c.get(LIST).await;
    assert_eq!(numbers(&page.body)[0], "Concept");
    assert!(
        page.body
            .contains(&format!("href=\"{LIST}/{id}\">Concept</a>"))
    );
    let drafts = c.get(&format!("{LIST}?status=draft")).await;
    assert_eq!(numbers(&drafts.body), ["Concept"]);
    assert!(
        drafts
            .body
            .contains("<span class=\"badge badge-muted\">Concept</span>")
    );
}

#[actix_web::test]
async fn the_invoice_page_shows_the_document_as_issued_and_serves_its_pdf() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let open = doc(&app, "PF-000005").await;
    let page = c.get(&format!("{LIST}/{}", open.id)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("<title>Factuur PF-000005 ·"), "{b}");
    assert!(b.contains("id=\"invoice-status\">Open</span>"));
    assert!(b.contains("Demo B.V."), "the buyer: {b}");
    assert!(b.contains("administratie@demo.portaal.test"));
    assert!(b.contains("Portaal B.V."), "the seller as issued");
    assert!(b.contains("NL91 ABNA 0417 1643 00"));
    assert!(b.contains(&format!(
        "id=\"invoice-total\">{}</dd>",
        Lang::Nl.money(open.total)
    )));
    let reference =
        portaal::domain::payment_reference::display(open.payment_reference.as_deref().unwrap());
    assert!(b.contains(&reference), "the payment reference");
    for action in ["pay", "void", "resend"] {
        assert!(
            b.contains(&format!("action=\"{LIST}/{}/{action}\"", open.id)),
            "{action}"
        );
    }
    assert!(!b.contains("/finalize\""), "not a draft");
    assert!(b.contains("id=\"no-payments\""));

    // A paid one: its payment; no pay form.
    let paid = doc(&app, "PF-000001").await;
    let page = c.get(&format!("{LIST}/{}", paid.id)).await;
    assert!(page.body.contains("NL-DEMO-1"), "the bank reference");
    assert!(page.body.contains("Met de hand"));
    assert!(!page.body.contains("/pay\""));
    assert!(page.body.contains("/void\""));

    // The voided one and its credit note link each other.
    let void = doc(&app, "PF-000004").await;
    let credit = doc(&app, "PC-000001").await;
    let page = c.get(&format!("{LIST}/{}", void.id)).await;
    assert!(
        page.body
            .contains(&format!("<a href=\"{LIST}/{}\">PC-000001</a>", credit.id)),
        "{}",
        page.body
    );
    assert!(!page.body.contains("/void\""), "voided once");
    let page = c.get(&format!("{LIST}/{}", credit.id)).await;
    assert!(page.body.contains("<title>Creditnota PC-000001 ·"));
    assert!(page.body.contains(&format!(
        "Creditnota voor factuur <a href=\"{LIST}/{}\">PF-000004</a>",
        void.id
    )));
    assert!(!page.body.contains("/void\"") && !page.body.contains("/pay\""));

    // The PDF: the stored bytes, inline, named, its hash the ETag.
    let pdf = c.get(&format!("{LIST}/{}/pdf", open.id)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(
        pdf.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        pdf.header("content-disposition").as_deref(),
        Some("inline; filename=\"factuur-PF-000005.pdf\"")
    );
    assert!(pdf.body.starts_with("%PDF-"));
    let id = open.id.clone();
    let sha = app
        .db(move |c| invoices::pdf_of(c, &id).unwrap().unwrap().1)
        .await;
    let etag = format!("\"{sha}\"");
    assert_eq!(pdf.header("etag").as_deref(), Some(etag.as_str()));
    let again = c
        .get_with(
            &format!("{LIST}/{}/pdf", open.id),
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let missing = c.get(&format!("{LIST}/nothing-here")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The API serves the same bytes the same way (one helper, both doors).
    let t = crate::support::api::token(&app, "read:invoices").await;
    let path = format!("/api/v1/invoices/{}/pdf", open.id);
    let api = crate::support::api::call(&app, "GET", &path, Some(&t), None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text);
    assert_eq!(api.header("etag"), etag);
    assert_eq!(api.header("content-type"), "application/pdf");
    assert_eq!(
        api.header("content-disposition"),
        "inline; filename=\"factuur-PF-000005.pdf\""
    );
    let cached = crate::support::api::call_with(
        &app,
        "GET",
        &path,
        Some(&t),
        None,
        &[("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn mark_paid_refuses_bad_and_future_dates_and_a_stale_version() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let open = doc(&app, "PF-000005").await;
    let path = format!("{LIST}/{}/pay", open.id);
    let version = open.version.to_string();
    let today = utc_to_local(BOOKS_TZ, app.clock.now()).date();
    let page = c.get(&format!("{LIST}/{}", open.id)).await;
    assert!(
        page.body.contains(&format!("value=\"{today}\"")),
        "today by default"
    );

    let bad = c
        .post(
            &path,
            &[
                ("paid_on", "31-12-2026"),
                ("bank_reference", "X"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(
        field_error(&bad.body, "f-paid_on"),
        nl(ErrorCode::InvalidDate)
    );
    assert!(bad.body.contains("href=\"#f-paid_on\""), "the summary");
    assert!(bad.body.contains("value=\"31-12-2026\""), "as typed");

    let tomorrow = (today + Duration::days(1)).to_string();
    let future = c
        .post(&path, &[("paid_on", &tomorrow), ("version", &version)])
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&future.body, "f-paid_on"),
        nl(ErrorCode::PaidInFuture)
    );

    let stale = c
        .post(
            &path,
            &[
                ("paid_on", &today.to_string()),
                ("bank_reference", "NL-STALE"),
                ("version", &(open.version - 1).to_string()),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains(&nl_stale()));
    assert!(stale.body.contains("value=\"NL-STALE\""), "the input kept");
    assert_eq!(doc(&app, "PF-000005").await.status, "open", "nothing paid");
    assert_eq!(audited(&app, "invoice.paid").await, 3, "the demo's three");

    let yesterday = (today - Duration::days(1)).to_string();
    let done = c
        .post(
            &path,
            &[
                ("paid_on", &yesterday),
                ("bank_reference", "NL-BANK-42"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), format!("{LIST}/{}", open.id));
    let page = c.get(&done.location()).await;
    assert!(page.body.contains("De factuur is als betaald gemarkeerd."));
    assert!(page.body.contains("id=\"invoice-status\">Betaald</span>"));
    assert!(page.body.contains("NL-BANK-42"));
    assert!(!page.body.contains("/pay\""), "paid once");
    assert_eq!(doc(&app, "PF-000005").await.status, "paid");
    assert_eq!(audited(&app, "invoice.paid").await, 4);

    // Paying twice: the page says so.
    let again = c
        .post(
            &path,
            &[
                ("paid_on", &yesterday),
                ("version", &(open.version + 1).to_string()),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains(&nl(ErrorCode::InvoiceAlreadyPaid)));
}

#[actix_web::test]
async fn void_asks_first_issues_a_credit_note_and_twice_is_refused() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let open = doc(&app, "PF-000005").await;
    let path = format!("{LIST}/{}/void", open.id);
    let version = open.version.to_string();
    let credit_notes = "SELECT COUNT(*) AS n FROM invoices WHERE kind = 'credit_note'";
    assert_eq!(count(&app, credit_notes).await, 1);

    let ask = c.post(&path, &[("version", &version)]).await;
    assert_eq!(ask.status, StatusCode::OK, "{}", ask.body);
    assert!(
        ask.body
            .contains("Factuur PF-000005 van Demo BV vervallen verklaren?"),
        "{}",
        ask.body
    );
    assert!(ask.body.contains(&Lang::Nl.money(open.total)));
    assert!(ask.body.contains("name=\"confirmed\" value=\"1\""));
    assert!(
        ask.body
            .contains(&format!("name=\"version\" value=\"{version}\""))
    );
    assert!(ask.body.contains("class=\"btn btn-danger\""));
    assert_eq!(count(&app, credit_notes).await, 1, "asking changes nothing");

    let done = c
        .post(&path, &[("version", &version), ("confirmed", "1")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let credit = doc(&app, "PC-000002").await;
    assert_eq!(done.location(), format!("{LIST}/{}", credit.id));
    assert_eq!(
        (credit.kind.as_str(), credit.total),
        ("credit_note", -open.total)
    );
    let page = c.get(&done.location()).await;
    assert!(
        page.body
            .contains("De factuur is vervallen verklaard; dit is de creditnota.")
    );
    assert!(page.body.contains("<title>Creditnota PC-000002 ·"));
    assert_eq!(doc(&app, "PF-000005").await.status, "void");
    assert_eq!(
        audited(&app, "invoice.voided").await,
        2,
        "the demo's and this"
    );

    // Twice: refused with a message, no second credit note.
    let again = c
        .post(&path, &[("version", &version), ("confirmed", "1")])
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.body
    );
    assert!(again.body.contains(&nl(ErrorCode::InvoiceAlreadyVoid)));
    let ask_again = c.post(&path, &[("version", &version)]).await;
    assert_eq!(ask_again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(ask_again.body.contains(&nl(ErrorCode::InvoiceAlreadyVoid)));
    assert_eq!(count(&app, credit_notes).await, 2);

    // A stale version: 409, nothing voided.
    let paid = doc(&app, "PF-000003").await;
    let stale = c
        .post(
            &format!("{LIST}/{}/void", paid.id),
            &[
                ("version", &(paid.version - 1).to_string()),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(doc(&app, "PF-000003").await.status, "paid");
}

#[actix_web::test]
async fn a_draft_is_issued_or_deleted_after_a_question() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let id = make_draft(&app, "to-delete", 1500).await;
    let page = c.get(&format!("{LIST}/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<title>Conceptfactuur ·"));
    assert!(
        page.body
            .contains(&format!("action=\"{LIST}/{id}/finalize\""))
    );
    assert!(
        page.body
            .contains(&format!("action=\"{LIST}/{id}/delete\""))
    );
    assert!(!page.body.contains("/pdf\""), "no PDF yet");
    assert_eq!(
        c.get(&format!("{LIST}/{id}/pdf")).await.status,
        StatusCode::NOT_FOUND
    );

    let ask = c.post(&format!("{LIST}/{id}/delete"), &[]).await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(
        ask.body
            .contains("Het concept van € 18,15 voor Demo BV verwijderen?"),
        "{}",
        ask.body
    );
    assert_eq!(docs(&app).await.len(), 7, "asking deletes nothing");
    let done = c
        .post(&format!("{LIST}/{id}/delete"), &[("confirmed", "1")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), LIST);
    assert!(
        c.get(LIST)
            .await
            .body
            .contains("Het concept is verwijderd.")
    );
    assert_eq!(docs(&app).await.len(), 6);
    assert_eq!(audited(&app, "invoice.draft_deleted").await, 1);

    let id = make_draft(&app, "to-issue", 1500).await;
    let mails = "SELECT COUNT(*) AS n FROM mail_outbox WHERE invoice_id IS NOT NULL";
    let before = count(&app, mails).await;
    let done = c.post(&format!("{LIST}/{id}/finalize"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), format!("{LIST}/{id}"));
    let page = c.get(&done.location()).await;
    assert!(
        page.body
            .contains("De factuur is uitgegeven en wordt gemaild.")
    );
    assert!(page.body.contains("<title>Factuur PF-000006 ·"));
    assert_eq!(count(&app, mails).await, before + 1, "mailed");

    // Issuing or deleting it again: refused with a message.
    let again = c.post(&format!("{LIST}/{id}/finalize"), &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains(&nl(ErrorCode::InvoiceNotDraft)));
    let delete = c.post(&format!("{LIST}/{id}/delete"), &[]).await;
    assert_eq!(delete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(delete.body.contains(&nl(ErrorCode::InvoiceNotDraft)));
}

#[actix_web::test]
async fn send_again_queues_the_mail_and_is_audited() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let open = doc(&app, "PF-000005").await;
    let mails = format!(
        "SELECT COUNT(*) AS n FROM mail_outbox WHERE invoice_id = '{}'",
        open.id
    );
    assert_eq!(count(&app, &mails).await, 0);
    let done = c.post(&format!("{LIST}/{}/resend", open.id), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = c.get(&done.location()).await;
    assert!(page.body.contains("De factuur wordt opnieuw gemaild."));
    assert_eq!(count(&app, &mails).await, 1);
    assert_eq!(audited(&app, "invoice.resent").await, 1);

    let void = doc(&app, "PF-000004").await;
    let refused = c.post(&format!("{LIST}/{}/resend", void.id), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(&nl(ErrorCode::InvoiceAlreadyVoid)));
    assert_eq!(audited(&app, "invoice.resent").await, 1);
}

#[actix_web::test]
async fn a_bank_statement_pays_the_open_invoice_once() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let page = c.get(&format!("{LIST}/import")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("accept=\".xml,application/xml,text/xml\"")
    );
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    let open = doc(&app, "PF-000005").await;
    let reference =
        portaal::domain::payment_reference::display(open.payment_reference.as_deref().unwrap());
    // First the amount is off by a cent: for a person to decide.
    let off = camt(&[(open.total - 1, &format!("Factuur {reference}"), "E0")]);
    let res = c
        .upload(
            &format!("{LIST}/import"),
            "dag.xml",
            "application/xml",
            off.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.body.contains(
            "1 bijschrijvingen gelezen: 0 geboekt, 0 eerder al geboekt, 1 om zelf te beslissen."
        ),
        "{}",
        res.body
    );
    assert!(
        res.body
            .contains("Het bedrag wijkt af van het factuurbedrag.")
    );
    assert!(res.body.contains("Klant B.V."), "the counterparty");
    assert!(res.body.contains(&format!(
        "<a href=\"{LIST}/{}?paid_on=2026-12-01#pay\">PF-000005 betaald markeren</a>",
        open.id
    )));
    assert_eq!(doc(&app, "PF-000005").await.status, "open");

    let file = camt(&[
        (open.total, &format!("Factuur {reference}"), "E1"),
        (999, "geen kenmerk", "E2"),
    ]);
    let res = c
        .upload(
            &format!("{LIST}/import"),
            "dag.xml",
            "application/xml",
            file.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let b = &res.body;
    assert!(
        b.contains(
            "2 bijschrijvingen gelezen: 1 geboekt, 0 eerder al geboekt, 1 om zelf te beslissen."
        ),
        "{b}"
    );
    assert!(b.contains(&format!("<a href=\"{LIST}/{}\">PF-000005</a>", open.id)));
    assert!(b.contains(&Lang::Nl.money(open.total)));
    assert!(b.contains("Geen betalingskenmerk van Portaal in de omschrijving."));
    assert!(b.contains("href=\"/platform/invoices?status=open\">Openstaande facturen</a>"));
    assert_eq!(doc(&app, "PF-000005").await.status, "paid");
    let payments = "SELECT COUNT(*) AS n FROM payments";
    let paid = count(&app, payments).await;
    assert_eq!(audited(&app, "bank_statement.imported").await, 2);

    // The same statement again: nothing changes.
    let res = c
        .upload(
            &format!("{LIST}/import"),
            "dag.xml",
            "application/xml",
            file.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains(
            "2 bijschrijvingen gelezen: 0 geboekt, 1 eerder al geboekt, 1 om zelf te beslissen."
        ),
        "{}",
        res.body
    );
    assert!(res.body.contains("id=\"none-paid\""));
    assert_eq!(count(&app, payments).await, paid);
}

#[actix_web::test]
async fn a_file_that_is_no_statement_is_refused_beside_the_field() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let pain = std::fs::read("tests/fixtures/camt/pain001-001-03.xml").unwrap();
    let payments = "SELECT COUNT(*) AS n FROM payments";
    let paid = count(&app, payments).await;
    for (name, bytes, code, status) in [
        (
            "betaling.xml",
            pain,
            ErrorCode::CamtWrongMessage("pain.001".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "afschrift.pdf",
            b"%PDF-1.7 not xml".to_vec(),
            ErrorCode::CamtNotXml,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "groot.xml",
            vec![b' '; portaal::domain::camt::MAX_BYTES + 1],
            ErrorCode::CamtTooLarge,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let res = c
            .upload(&format!("{LIST}/import"), name, "application/xml", &bytes)
            .await;
        assert_eq!(res.status, status, "{name}: {}", res.body);
        assert_eq!(field_error(&res.body, "f-file"), nl(code), "{name}");
        assert!(res.body.contains("href=\"#f-file\""), "the summary");
        assert!(res.body.contains("aria-invalid=\"true\""));
    }
    let none = c
        .upload(
            &format!("{LIST}/import"),
            "leeg.xml",
            "application/xml",
            b"",
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&none.body, "f-file"), nl(ErrorCode::Required));
    assert_eq!(count(&app, payments).await, paid, "nothing recorded");
    assert_eq!(audited(&app, "bank_statement.imported").await, 0);
}

#[actix_web::test]
async fn the_export_has_the_header_and_the_rows_of_the_period() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let first = doc(&app, "PF-000001").await;
    let open = doc(&app, "PF-000005").await;
    let (from, to) = (
        books_day(first.issued_at.unwrap()),
        books_day(app.clock.now()),
    );
    let res = c
        .get(&format!("{LIST}/export.csv?from={from}&to={to}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        res.header("content-disposition"),
        Some(format!("attachment; filename=\"facturen-{from}-{to}.csv\""))
    );
    let lines: Vec<&str> = res.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "\u{feff}Nummer;Soort;Factuurdatum;Organisatie;Btw-nummer koper;Land;Btw-behandeling;\
         Btw-tarief (%);Netto;Btw;Totaal;Status;Betaaldatum"
    );
    let numbers: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(';').next().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [
            "PF-000001",
            "PF-000002",
            "PF-000003",
            "PF-000004",
            "PF-000005",
            "PC-000001"
        ],
        "invoices, then credit notes, in number order: {}",
        res.body
    );
    let euros = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    let row5: Vec<&str> = lines[5].split(';').collect();
    assert_eq!(row5[1], "Factuur");
    assert_eq!(row5[2], books_day(open.issued_at.unwrap()));
    assert_eq!(row5[3], "Demo BV");
    assert_eq!(row5[5], "NL");
    assert_eq!(row5[6], "Nederland: Nederlandse btw");
    assert_eq!(row5[7], "21");
    assert_eq!(row5[10], euros(open.total));
    assert_eq!(row5[11], "Open");
    assert_eq!(row5[12], "");
    let net: i64 = (row5[8].replace('.', "")).parse().unwrap();
    let vat: i64 = (row5[9].replace('.', "")).parse().unwrap();
    assert_eq!(net + vat, open.total);
    let row1: Vec<&str> = lines[1].split(';').collect();
    assert_eq!(row1[11], "Betaald");
    assert!(!row1[12].is_empty(), "the paid date");
    let credit: Vec<&str> = lines[6].split(';').collect();
    assert_eq!(credit[1], "Creditnota");
    assert!(
        credit[10].starts_with('-'),
        "negative, unguarded: {}",
        lines[6]
    );
    assert_eq!(credit[11], "Uitgegeven");
    assert_eq!(audited(&app, "invoice.exported").await, 1);

    // One day: that day's documents only.
    let day = books_day(open.issued_at.unwrap());
    let res = c
        .get(&format!("{LIST}/export.csv?from={day}&to={day}"))
        .await;
    let lines: Vec<&str> = res.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{}", res.body);
    assert!(lines[1].starts_with("PF-000005;"));

    // A period backwards, or none: the list with the error at the field.
    let bad = c
        .get(&format!("{LIST}/export.csv?from={to}&to={from}"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&bad.body, "export-to"),
        nl(ErrorCode::EndBeforeStart)
    );
    assert!(bad.body.contains("href=\"#export-to\""), "the summary");
    let none = c.get(&format!("{LIST}/export.csv")).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&none.body, "export-from"),
        nl(ErrorCode::Required)
    );
    assert_eq!(audited(&app, "invoice.exported").await, 2);
}

#[actix_web::test]
async fn a_change_without_the_csrf_token_is_refused() {
    let app = TestApp::demo().await;
    let mut c = app.login(OPERATOR).await;
    let open = doc(&app, "PF-000005").await;
    let version = open.version.to_string();
    let form = seller_form(&app, &[("city", "Zwolle")]).await;
    let seller_fields: Vec<(&str, &str)> =
        form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for (path, fields) in [
        ("/platform/seller".to_string(), seller_fields),
        (
            format!("{LIST}/{}/pay", open.id),
            vec![("paid_on", "2026-01-01"), ("version", version.as_str())],
        ),
        (
            format!("{LIST}/{}/void", open.id),
            vec![("confirmed", "1"), ("version", version.as_str())],
        ),
        (format!("{LIST}/{}/resend", open.id), vec![]),
    ] {
        let res = c.post_raw(&path, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
    }
    let file = camt(&[(open.total, open.payment_reference.as_deref().unwrap(), "C1")]);
    let res = c
        .upload_with_token(
            &format!("{LIST}/import"),
            "wrong-token",
            "dag.xml",
            "application/xml",
            file.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(doc(&app, "PF-000005").await.status, "open");
    assert_eq!(app.db(|c| seller::get(c).unwrap()).await.city, "Utrecht");
    assert_eq!(audited(&app, "invoice.resent").await, 0);
}

/// A 1×1 PNG.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/// The images of a PDF (`pdfimages -list`; a transparency mask is not one).
fn pdf_images(pdf: &[u8]) -> usize {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::io::Write::write_all(&mut file, pdf).unwrap();
    let out = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(file.path())
        .output()
        .expect("pdfimages (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .count()
}

#[actix_web::test]
async fn the_sellers_logo_goes_on_invoices_issued_after_it() {
    use base64::Engine;
    let app = TestApp::demo().await;
    let png = base64::engine::general_purpose::STANDARD
        .decode(PIXEL_PNG)
        .unwrap();
    // Only the operator: everyone else gets 404, nothing stored.
    for who in [ADMIN, STAFF] {
        let mut c = app.login(who).await;
        assert_eq!(
            c.get("/platform/seller/logo").await.status,
            StatusCode::NOT_FOUND
        );
        let res = c
            .upload("/platform/seller/logo", "logo.png", "image/png", &png)
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{who}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM seller_logo").await,
        0
    );

    let mut c = app.login(OPERATOR).await;
    let page = c.get("/platform/seller/logo").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Geen logo"), "{}", page.body);
    // Not a picture (whatever its name says), or a picture cut short: a
    // clear message, nothing stored.
    for (name, bytes) in [
        ("logo.png", b"GIF89a not a png".to_vec()),
        ("logo.png", png[..40].to_vec()),
    ] {
        let res = c
            .upload("/platform/seller/logo", name, "image/png", &bytes)
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Kies een PNG- of JPEG-afbeelding."));
        assert!(res.body.contains("aria-invalid=\"true\""));
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM seller_logo").await,
        0
    );

    // An invoice issued before the logo has none; one issued after it has it.
    let before = make_draft(&app, "before-logo", 1500).await;
    assert_eq!(
        c.post(&format!("{LIST}/{before}/finalize"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let res = c
        .upload("/platform/seller/logo", "logo.png", "image/png", &png)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get("/platform/seller/logo").await;
    assert!(page.body.contains("Logo opgeslagen."));
    let src = page
        .body
        .split("<img src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let image = c.get(&src).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.bytes, png);
    assert_eq!(audited(&app, "seller.logo_updated").await, 1);
    let after = make_draft(&app, "after-logo", 1500).await;
    assert_eq!(
        c.post(&format!("{LIST}/{after}/finalize"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let without_logo = c.get(&format!("{LIST}/{before}/pdf")).await.bytes;
    assert_eq!(pdf_images(&without_logo), 0, "issued before");
    let with_logo = c.get(&format!("{LIST}/{after}/pdf")).await.bytes;
    assert_eq!(pdf_images(&with_logo), 1, "issued after");
    assert!(crate::invoices::pdf_text(&with_logo).contains("Portaal B.V."));

    // Removing asks first; then it is gone, audited.
    let ask = c.get("/platform/seller/logo/remove").await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.body.contains("Uitgegeven facturen veranderen niet."));
    let done = c
        .post("/platform/seller/logo/remove", &[("confirmed", "1")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM seller_logo").await,
        0
    );
    assert_eq!(audited(&app, "seller.logo_removed").await, 1);
    assert_eq!(c.get(&src).await.status, StatusCode::NOT_FOUND);
    // The invoice issued with it keeps its logo.
    assert_eq!(pdf_images(&with_logo), 1);
}
