//! The organisation's side of invoices (issue 18, items 7 and 8): the list
//! and an invoice's page in both languages, the PDF as stored (ETag, 304),
//! admins only, tenant isolation, the dashboard's open invoice, and the
//! past-due banner that paying removes.

use awc::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use portaal::clock::Clock;
use portaal::domain::invoices::{self, Invoice, Status};
use portaal::domain::local_time::utc_to_local;
use portaal::domain::payment_reference;
use portaal::i18n::Lang;

use crate::invoices::{invoices_of, operator, pdf_text, run_invoices};
use crate::support::api::org_id;
use crate::support::*;

const LIST: &str = "/settings/subscription/invoices";

fn page_of(i: &Invoice) -> String {
    format!("{LIST}/{}", i.id)
}

fn number(i: &Invoice) -> &str {
    i.number.as_deref().unwrap()
}

/// A day of the demo organisation's zone written out.
fn long_date(lang: Lang, at: NaiveDateTime) -> String {
    lang.long_date(utc_to_local(chrono_tz::Europe::Amsterdam, at).date())
}

/// Demo BV's issued documents, oldest first: three paid invoices, one
/// voided with its credit note, and the open one.
async fn demo_documents(app: &TestApp) -> Vec<Invoice> {
    let all = invoices_of(app, &org_id(app, false).await).await;
    assert!(all.iter().all(|i| i.status() != Status::Draft), "{all:?}");
    assert_eq!(all.len(), 6, "{all:?}");
    all
}

/// The operator marks invoice `id` paid today, in full.
pub async fn pay(app: &TestApp, id: &str) -> Invoice {
    let op = operator(app).await;
    let now = app.clock.now();
    let id = id.to_string();
    app.db(move |c| {
        let i = invoices::by_id(c, &id).unwrap();
        portaal::domain::payments::mark_paid(
            c,
            now,
            &op,
            &i.id,
            i.version,
            &now.date().format("%Y-%m-%d").to_string(),
            "NL-TEST-1",
        )
        .unwrap()
    })
    .await
}

fn open_one(all: &[Invoice]) -> &Invoice {
    all.iter()
        .find(|i| !i.is_credit_note() && i.status() == Status::Open)
        .expect("the open invoice")
}

/// The `<tr>` of the list that links `i`'s page.
fn row_of<'a>(body: &'a str, i: &Invoice) -> &'a str {
    let at = body
        .find(&format!("href=\"{}\"", page_of(i)))
        .unwrap_or_else(|| panic!("a row for {}: {body}", number(i)));
    let start = body[..at].rfind("<tr>").unwrap();
    &body[start..at + body[at..].find("</tr>").unwrap()]
}

#[actix_web::test]
async fn the_list_shows_every_issued_document_in_both_languages() {
    let app = TestApp::demo().await;
    let all = demo_documents(&app).await;
    let mut c = app.login(ADMIN).await;
    // Settings → Subscription leads there.
    let sub = c.get("/settings/subscription").await.body;
    assert!(sub.contains("id=\"invoices-card\""), "{sub}");
    assert!(sub.contains(&format!("href=\"{LIST}\"")), "{sub}");
    let res = c.get(LIST).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let b = &res.body;
    assert!(title_of(b).starts_with("Facturen"), "{}", title_of(b));
    for i in &all {
        let row = row_of(b, i);
        assert!(row.contains(number(i)), "{row}");
        assert!(row.contains(&Lang::Nl.money(i.total)), "{row}");
        let status = match (i.is_credit_note(), i.status()) {
            (true, _) => "Creditnota",
            (false, Status::Paid) => "Betaald",
            (false, Status::Void) => "Gecrediteerd",
            (false, _) => "Openstaand",
        };
        assert!(row.contains(&format!(">{status}</span>")), "{row}");
        let word = if i.is_credit_note() {
            "creditnota"
        } else {
            "factuur"
        };
        assert!(
            row.contains(&format!(
                "href=\"{}/pdf\" download aria-label=\"PDF van {word} {} downloaden\"",
                page_of(i),
                number(i)
            )),
            "{row}"
        );
    }
    // Newest first: the open one (three days old) before the first one.
    let open = open_one(&all);
    let first = all.iter().find(|i| number(i) == "PF-000001").unwrap();
    assert!(b.find(number(open)) < b.find(number(first)));
    assert!(b.contains("1–6 van 6"), "{b}");
    // The credit note takes off what the voided invoice asked.
    let credit = all.iter().find(|i| i.is_credit_note()).unwrap();
    assert!(credit.total < 0);
    assert!(row_of(b, credit).contains(&Lang::Nl.money(credit.total)));

    let res = c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let b = c.get(LIST).await.body;
    assert!(title_of(&b).starts_with("Invoices"), "{}", title_of(&b));
    for i in &all {
        let row = row_of(&b, i);
        assert!(row.contains(&Lang::En.money(i.total)), "{row}");
    }
    assert!(row_of(&b, open).contains(">Open</span>"));
    assert!(row_of(&b, first).contains(">Paid</span>"));
    assert!(row_of(&b, credit).contains(">Credit note</span>"));
    assert!(row_of(&b, credit).contains(&format!(
        "aria-label=\"Download the PDF of credit note {}\"",
        number(credit)
    )));
    let voided = all.iter().find(|i| i.status() == Status::Void).unwrap();
    assert!(row_of(&b, voided).contains(">Credited</span>"));
}

#[actix_web::test]
async fn a_new_organisation_is_told_when_invoices_come() {
    let app = TestApp::demo().await;
    let mut c = app.other_admin().await;
    let res = c.get(LIST).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.body
            .contains("De eerste factuur verschijnt hier zodra het abonnement start."),
        "{}",
        res.body
    );
    assert!(!res.body.contains("<table"), "{}", res.body);
}

#[actix_web::test]
async fn staff_may_not_see_invoices() {
    let app = TestApp::demo().await;
    let all = demo_documents(&app).await;
    let open = open_one(&all);
    let mut c = app.login(STAFF).await;
    for path in [
        LIST.to_string(),
        page_of(open),
        format!("{}/pdf", page_of(open)),
    ] {
        let res = c.get(&path).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
    }
    let sub = c.get("/settings/subscription").await.body;
    assert!(!sub.contains("id=\"invoices-card\""), "{sub}");
    let home = c.get("/").await.body;
    assert!(!home.contains("id=\"invoice-card\""), "{home}");
}

#[actix_web::test]
async fn the_invoice_page_shows_lines_totals_and_how_to_pay() {
    let app = TestApp::demo().await;
    let all = demo_documents(&app).await;
    let open = open_one(&all).clone();
    let lines = {
        let id = open.id.clone();
        app.db(move |c| invoices::lines_of(c, &id).unwrap()).await
    };
    assert!(!lines.is_empty());
    let mut c = app.login(ADMIN).await;
    let res = c.get(&page_of(&open)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let b = &res.body;
    assert!(b.contains(&format!("Factuur {}", number(&open))), "{b}");
    assert!(b.contains(">Openstaand</span>"), "{b}");
    for l in &lines {
        assert!(b.contains(&l.description), "{}: {b}", l.description);
        assert!(b.contains(&Lang::Nl.money(l.amount)), "{b}");
    }
    let totals = &b[b.find("id=\"invoice-totals\"").expect("the totals")..];
    assert!(totals.contains(&Lang::Nl.money(open.subtotal)), "{totals}");
    assert!(
        totals.contains(&format!("BTW 21 % over {}", Lang::Nl.money(open.subtotal))),
        "{totals}"
    );
    assert!(
        totals.contains(&Lang::Nl.money(open.vat_amount)),
        "{totals}"
    );
    assert!(totals.contains(&Lang::Nl.money(open.total)), "{totals}");
    // How to pay: the amount, the seller's account, the reference in
    // groups of four, the due date.
    let reference = payment_reference::display(open.payment_reference.as_deref().unwrap());
    assert!(reference.contains(' '), "{reference}");
    let due = long_date(Lang::Nl, open.due_at.unwrap());
    let pay = &b[b.find("id=\"invoice-pay\"").expect("how to pay")..];
    assert!(
        pay.contains(&format!(
            "Gelieve {} te betalen vóór {due} onder vermelding van betalingskenmerk {reference}.",
            Lang::Nl.money(open.total)
        )),
        "{pay}"
    );
    assert!(pay.contains("NL91 ABNA 0417 1643 00"), "{pay}");
    assert!(pay.contains("Portaal B.V."), "{pay}");
    assert!(b.contains(&format!("href=\"{}/pdf\"", page_of(&open))));
    assert!(b.contains("PDF downloaden"));
    assert!(!b.contains("id=\"invoice-overdue\""), "not overdue yet");

    // The voided invoice leads to its credit note and back; neither asks
    // for payment.
    let voided = all.iter().find(|i| i.status() == Status::Void).unwrap();
    let credit = all.iter().find(|i| i.is_credit_note()).unwrap();
    let b = c.get(&page_of(voided)).await.body;
    assert!(b.contains(">Gecrediteerd</span>"), "{b}");
    assert!(b.contains("Gecrediteerd met"), "{b}");
    assert!(
        b.contains(&format!(
            "<a href=\"{}\" id=\"invoice-related\">creditnota {}</a>",
            page_of(credit),
            number(credit)
        )),
        "{b}"
    );
    assert!(!b.contains("id=\"invoice-pay\""), "{b}");
    let b = c.get(&page_of(credit)).await.body;
    assert!(b.contains(&format!("Creditnota {}", number(credit))), "{b}");
    assert!(
        b.contains(&format!(
            "<a href=\"{}\" id=\"invoice-related\">factuur {}</a>",
            page_of(voided),
            number(voided)
        )),
        "{b}"
    );
    assert!(b.contains(&Lang::Nl.money(credit.total)), "{b}");
    assert!(!b.contains("id=\"invoice-pay\""), "{b}");
    // A paid one says when.
    let paid = all.iter().find(|i| i.status() == Status::Paid).unwrap();
    let b = c.get(&page_of(paid)).await.body;
    assert!(b.contains(">Betaald</span>"), "{b}");
    assert!(
        b.contains(&format!(
            "<dt>Betaald op</dt><dd>{}</dd>",
            long_date(Lang::Nl, paid.paid_at.unwrap())
        )),
        "{b}"
    );
    assert!(!b.contains("id=\"invoice-pay\""), "{b}");

    // In English: the member's language, the amounts and dates in it.
    c.post("/language", &[("lang", "en"), ("next", "/")]).await;
    let b = c.get(&page_of(&open)).await.body;
    assert!(b.contains(&format!("Invoice {}", number(&open))), "{b}");
    assert!(b.contains("How to pay"), "{b}");
    assert!(b.contains(&Lang::En.money(open.total)), "{b}");
    assert!(
        b.contains(&long_date(Lang::En, open.due_at.unwrap())),
        "{b}"
    );
    assert!(b.contains("Download PDF"), "{b}");
}

#[actix_web::test]
async fn the_pdf_is_served_as_stored_with_its_etag() {
    let app = TestApp::demo().await;
    let all = demo_documents(&app).await;
    let open = open_one(&all).clone();
    let (bytes, sha) = {
        let id = open.id.clone();
        app.db(move |c| invoices::pdf_of(c, &id).unwrap().unwrap())
            .await
    };
    let mut c = app.login(ADMIN).await;
    let path = format!("{}/pdf", page_of(&open));
    let res = c.get(&path).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        res.header("content-disposition").as_deref(),
        Some(format!("attachment; filename=\"factuur-{}.pdf\"", number(&open)).as_str())
    );
    let etag = format!("\"{sha}\"");
    assert_eq!(res.header("etag"), Some(etag.clone()));
    assert_eq!(res.bytes, bytes, "the stored bytes, as issued");
    assert!(pdf_text(&res.bytes).contains(number(&open)));
    // The browser has it already: 304, no bytes.
    let again = c.get_with(&path, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
    assert_eq!(again.header("etag"), Some(etag));
    // Another ETag: the bytes again.
    let other = c.get_with(&path, &[("If-None-Match", "\"0000\"")]).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.bytes, bytes);
    // A credit note's file says what it is.
    let credit = all.iter().find(|i| i.is_credit_note()).unwrap();
    let res = c.get(&format!("{}/pdf", page_of(credit))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.header("content-disposition").as_deref(),
        Some(format!("attachment; filename=\"creditnota-{}.pdf\"", number(credit)).as_str())
    );
}

#[actix_web::test]
async fn another_organisations_invoice_and_a_draft_are_not_found() {
    let app = TestApp::demo().await;
    let all = demo_documents(&app).await;
    let open = open_one(&all).clone();
    // Ander BV's admin.
    let mut other = app.other_admin().await;
    for path in [page_of(&open), format!("{}/pdf", page_of(&open))] {
        let res = other.get(&path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}: {}", res.body);
    }
    let list = other.get(LIST).await.body;
    assert!(!list.contains(number(&open)), "{list}");
    // A draft (a yearly plan's increase, not yet issued) is not shown.
    let mut c = app.login(ADMIN).await;
    let sub = crate::subscription_lifecycle::current(&app, &org_id(&app, false).await).await;
    let version = sub.version.to_string();
    let order = [
        ("plan", "plus"),
        ("interval", "year"),
        ("seats", "8"),
        ("version", version.as_str()),
    ];
    let preview = c.post("/settings/subscription/preview", &order).await.body;
    let said = &preview[preview
        .find("Wordt nu gefactureerd: ")
        .expect("what is invoiced now")..];
    let res = c.post("/settings/subscription/change", &order).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let drafts: Vec<Invoice> = invoices_of(&app, &org_id(&app, false).await)
        .await
        .into_iter()
        .filter(|i| i.status() == Status::Draft)
        .collect();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert!(
        said.starts_with(&format!(
            "Wordt nu gefactureerd: {} (excl. btw)",
            Lang::Nl.money(drafts[0].subtotal)
        )),
        "the bill the preview showed: {said}"
    );
    for path in [page_of(&drafts[0]), format!("{}/pdf", page_of(&drafts[0]))] {
        let res = c.get(&path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}: {}", res.body);
    }
    let list = c.get(LIST).await.body;
    assert!(!list.contains(&drafts[0].id), "{list}");
    assert_eq!(list.matches("<tr>").count(), 1 + 6, "{list}");
}

#[actix_web::test]
async fn the_dashboard_and_the_banner_follow_the_open_invoice() {
    let app = TestApp::demo().await;
    let all = demo_documents(&app).await;
    let open = open_one(&all).clone();
    let due = long_date(Lang::Nl, open.due_at.unwrap());
    let card = format!(
        "Factuur {} van {} — te betalen vóór {due}",
        number(&open),
        Lang::Nl.money(open.total)
    );
    let mut c = app.login(ADMIN).await;
    let home = c.get("/").await.body;
    assert!(home.contains(&card), "{home}");
    assert!(
        home.contains(&format!("href=\"{}\"", page_of(&open))),
        "{home}"
    );
    assert!(!home.contains("card-warning"), "{home}");
    assert!(!home.contains("id=\"subscription-banner\""), "{home}");

    // Past the due date, the invoice job makes the subscription past due.
    app.clock.advance(Duration::days(15));
    let run = run_invoices(&app).await;
    assert_eq!(run.past_due, 1, "{run:?}");
    // (A login lasts 12 hours: log in again.)
    let mut admin = app.login(ADMIN).await;
    let mut staff = app.login(STAFF).await;
    let home = admin.get("/").await.body;
    let banner = &home[home.find("id=\"subscription-banner\"").expect("the banner")..];
    assert!(
        banner.contains("Er staat een factuur open na de vervaldatum"),
        "{banner}"
    );
    assert!(banner.contains("Alle modules blijven aan"), "{banner}");
    assert!(banner.contains(&format!("href=\"{LIST}\"")), "{banner}");
    assert!(
        home.contains(&format!(
            "Factuur {} van {} — had vóór {due} betaald moeten zijn",
            number(&open),
            Lang::Nl.money(open.total)
        )),
        "{home}"
    );
    assert!(home.contains("card-warning"), "{home}");
    // On every page; the list says which is late.
    let list = admin.get(LIST).await.body;
    assert!(list.contains("id=\"subscription-banner\""), "{list}");
    assert!(
        row_of(&list, &open).contains("badge-warning\">Te laat</span>"),
        "{list}"
    );
    let page = admin.get(&page_of(&open)).await.body;
    assert!(page.contains("id=\"invoice-overdue\""), "{page}");
    assert!(
        page.contains(&format!("had vóór {due} betaald moeten zijn")),
        "{page}"
    );
    // Staff see nothing of it, and keep working: the modules stay on.
    let home = staff.get("/").await.body;
    assert!(!home.contains("id=\"subscription-banner\""), "{home}");
    assert!(!home.contains("id=\"invoice-card\""), "{home}");
    assert_eq!(staff.get("/meetings").await.status, StatusCode::OK);
    assert_eq!(staff.get("/customers").await.status, StatusCode::OK);

    // Paid: the banner and the card go.
    let paid = pay(&app, &open.id).await;
    assert_eq!(paid.status(), Status::Paid);
    let home = admin.get("/").await.body;
    assert!(!home.contains("id=\"subscription-banner\""), "{home}");
    assert!(!home.contains("id=\"invoice-card\""), "{home}");
}

/// A once-only coupon taken off the invoice a yearly plan's increase makes
/// at once is used up: the preview and the renewal leave it off the next.
#[actix_web::test]
async fn a_once_coupon_used_by_an_increase_is_not_taken_again() {
    use portaal::domain::coupons;
    use portaal::domain::subscriptions::{self, Order};
    let app = TestApp::demo().await;
    let admin = crate::coupons::admin_of(&app, "Demo BV").await;
    let now = app.clock.now();
    let (change, renewal) = {
        let admin = admin.clone();
        app.db(move |c| {
            coupons::apply(c, now, &admin, "JAARKORTING", true).unwrap();
            let sub = subscriptions::current(c, &admin).unwrap();
            let order = Order {
                plan: "plus".into(),
                interval: portaal::domain::proration::Interval::Year,
                seats: 7,
                addons: portaal::domain::modules::Modules::NONE,
            };
            let later = now + Duration::minutes(5);
            let p = subscriptions::preview_change(c, later, &admin, &order).unwrap();
            assert_eq!(p.discount_now, Some(("JAARKORTING".into(), 5000)));
            assert_eq!(p.discount, None, "used up by the invoice made now");
            let (after, _) = subscriptions::change(c, later, &admin, &order, sub.version).unwrap();
            // The next invoice as the screen shows it, then as it is made.
            let next = subscriptions::next_invoice(c, later, &after)
                .unwrap()
                .unwrap();
            assert_eq!(next.discount, None);
            let end = after.current_period_end.unwrap();
            subscriptions::run_lifecycle(c, end + Duration::minutes(1)).unwrap();
            let all = invoices::drafts_due(c, 10).unwrap();
            assert_eq!(all.len(), 2, "the increase's and the renewal's");
            let first = invoices::lines_of(c, &all[0]).unwrap();
            (first, invoices::lines_of(c, &all[1]).unwrap())
        })
        .await
    };
    assert!(
        change
            .iter()
            .any(|l| l.kind == "discount" && l.amount == -5000),
        "{change:?}"
    );
    assert!(
        renewal.iter().all(|l| l.kind != "discount"),
        "not taken again: {renewal:?}"
    );
}
