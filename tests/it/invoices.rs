//! Invoices (issue 18): drafts made by the subscription's changes, gapless
//! numbers under parallel finalization, the four VAT cases, the amount the
//! preview promised, a yearly increase invoiced at once, void with a credit
//! note, past due and reminders, and the PDF's text — on both backends.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::DbConn;
use portaal::db::schema::{invoice_series, invoices as invoice_rows, mail_outbox};
use portaal::domain::actor::{Actor, AuditActor};
use portaal::domain::billing::{self, BillingInput};
use portaal::domain::invoices::{self, DraftLine, Invoice, NewDraft, Status};
use portaal::domain::operators::Operator;
use portaal::domain::payments;
use portaal::domain::proration::Interval;
use portaal::domain::subscriptions::{self, Status as SubStatus};
use portaal::error::{AppError, ErrorCode};

use crate::subscription_lifecycle::{billing_input, clock_to, current, new_org, order};
use crate::support::api::org_id;
use crate::support::*;

/// The text of a PDF, by `pdftotext` (installed by `.ci/run`).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("portaal-pdf-{}", portaal::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The operator of the demo, as the platform's queries want it.
pub async fn operator(app: &TestApp) -> Operator {
    app.db(|c| {
        let u = portaal::domain::users::find_by_email(c, OPERATOR)
            .unwrap()
            .unwrap();
        Operator {
            user_id: u.id,
            name: u.name,
            ip: None,
        }
    })
    .await
}

/// Run the invoice job once at the test clock's now.
pub async fn run_invoices(app: &TestApp) -> portaal::jobs::invoices::InvoiceRun {
    let now = app.clock.now();
    app.db(move |c| portaal::jobs::invoices::run(c, now).unwrap())
        .await
}

/// The invoices of an organisation, oldest first.
pub async fn invoices_of(app: &TestApp, org: &str) -> Vec<Invoice> {
    let org = org.to_string();
    app.db(move |c| {
        invoice_rows::table
            .filter(invoice_rows::organization_id.eq(org))
            .order((invoice_rows::created_at.asc(), invoice_rows::sequence.asc()))
            .select(Invoice::as_select())
            .load(c)
            .unwrap()
    })
    .await
}

async fn last_number(app: &TestApp, series: &'static str) -> i64 {
    app.db(move |c| {
        invoice_series::table
            .find(series)
            .select(invoice_series::last_number)
            .first(c)
            .unwrap()
    })
    .await
}

fn one_line(amount: i64) -> Vec<DraftLine> {
    vec![DraftLine {
        kind: "seats",
        detail: "plus".into(),
        period: None,
        quantity: 1,
        unit_price: amount,
        amount,
    }]
}

/// A draft of one line of `amount` cents for `org` (`key`: its subscription).
pub fn draft(c: &mut DbConn, now: NaiveDateTime, org: &str, key: &str, amount: i64) -> Invoice {
    invoices::create_draft(
        c,
        now,
        NewDraft {
            organization_id: org.to_string(),
            subscription_id: key.to_string(),
            reason: "change",
            period: (now, now + Duration::days(30)),
            lines: one_line(amount),
            charge_ids: vec![],
        },
    )
    .unwrap()
    .expect("a new draft")
}

#[actix_web::test]
async fn fifty_parallel_finalizations_take_fifty_consecutive_numbers() {
    let app = TestApp::demo().await;
    let org = org_id(&app, true).await;
    let now = app.clock.now();
    let ids: Vec<String> = {
        let org = org.clone();
        app.db(move |c| {
            (0..50)
                .map(|i| draft(c, now, &org, &format!("parallel-{i}"), 1000 + i).id)
                .collect()
        })
        .await
    };
    // The same draft asked twice is one draft.
    let again = app
        .db(move |c| {
            invoices::create_draft(
                c,
                now,
                NewDraft {
                    organization_id: "x".into(),
                    subscription_id: "parallel-0".into(),
                    reason: "change",
                    period: (now, now + Duration::days(30)),
                    lines: one_line(1),
                    charge_ids: vec![],
                },
            )
            .unwrap()
        })
        .await;
    assert!(again.is_none());

    let before = last_number(&app, invoices::SERIES_INVOICE).await;
    let finalizing = ids.iter().cloned().map(|id| {
        app.db(move |c| {
            invoices::finalize(c, now, &AuditActor::system("test"), &id)
                .unwrap()
                .sequence
                .unwrap()
        })
    });
    let mut numbers = futures_util::future::join_all(finalizing).await;
    numbers.sort_unstable();
    assert_eq!(numbers, ((before + 1)..=(before + 50)).collect::<Vec<_>>());
    assert_eq!(
        last_number(&app, invoices::SERIES_INVOICE).await,
        before + 50
    );
    let distinct = app
        .count(
            "SELECT COUNT(DISTINCT number) AS n FROM invoices WHERE subscription_id LIKE 'parallel-%'",
        )
        .await;
    assert_eq!(distinct, 50);
    // Every one has its stored PDF and its mail with the PDF attached.
    let documents = app
        .count(
            "SELECT COUNT(*) AS n FROM invoice_documents d JOIN invoices i ON i.id = d.invoice_id \
             WHERE i.subscription_id LIKE 'parallel-%'",
        )
        .await;
    assert_eq!(documents, 50);

    // Finalizing twice is refused and takes no number; so is finalizing
    // with an incomplete seller (and the draft stays a draft).
    let first = ids[0].clone();
    let twice = app
        .db(move |c| invoices::finalize(c, now, &AuditActor::system("test"), &first))
        .await;
    assert!(matches!(twice, Err(AppError::Validation(_))), "{twice:?}");
    let waiting = {
        let org = org.clone();
        app.db(move |c| draft(c, now, &org, "waits", 500).id).await
    };
    app.db(|c| {
        diesel::sql_query("UPDATE seller SET iban = ''")
            .execute(c)
            .unwrap()
    })
    .await;
    let w = waiting.clone();
    let refused = app
        .db(move |c| invoices::finalize(c, now, &AuditActor::system("test"), &w))
        .await;
    match refused {
        Err(AppError::Validation(e)) => assert_eq!(e.0[0].1, ErrorCode::SellerIncomplete),
        other => panic!("{other:?}"),
    }
    assert_eq!(run_invoices(&app).await.finalized, 0);
    assert_eq!(
        last_number(&app, invoices::SERIES_INVOICE).await,
        before + 50
    );
    // A draft may be deleted; an issued invoice never.
    let op = operator(&app).await;
    let (w, issued) = (waiting.clone(), ids[1].clone());
    let (deleted, kept) = app
        .db(move |c| {
            let now = now;
            (
                invoices::delete_draft(c, now, &op.audit(), &w),
                invoices::delete_draft(c, now, &op.audit(), &issued),
            )
        })
        .await;
    assert!(deleted.is_ok());
    assert!(matches!(kept, Err(AppError::Validation(_))));
}

/// Billing details for `actor`'s organisation in `country`.
async fn billing_in(app: &TestApp, actor: &Actor, country: &str, vat_id: &str, postal: &str) {
    let (actor, country, vat_id, postal) = (
        actor.clone(),
        country.to_string(),
        vat_id.to_string(),
        postal.to_string(),
    );
    let now = app.clock.now();
    app.db(move |c| {
        let version = billing::billing_details(c, &actor)
            .unwrap()
            .map_or(0, |d| d.version);
        billing::save(
            c,
            now,
            &actor,
            &BillingInput {
                country_code: country.clone(),
                vat_id,
                postal_code: postal,
                kvk_number: if country == "NL" {
                    "30123456".into()
                } else {
                    String::new()
                },
                version,
                ..billing_input()
            },
        )
        .unwrap();
    })
    .await;
}

#[actix_web::test]
async fn each_vat_case_is_charged_and_written_on_the_invoice() {
    let app = TestApp::demo().await;
    let now = app.clock.now();
    let cases = [
        (
            "vat-nl@example.test",
            "NL",
            "NL862301546B01",
            "3511 ED",
            "domestic",
            2100,
            None,
        ),
        (
            "vat-be@example.test",
            "BE",
            "BE0123456749",
            "1000",
            "reverse_charge",
            0,
            Some("BTW verlegd"),
        ),
        (
            "vat-de@example.test",
            "DE",
            "",
            "10115",
            "eu_no_vat_id",
            2100,
            None,
        ),
        (
            "vat-us@example.test",
            "US",
            "",
            "10001",
            "outside_eu",
            0,
            Some("outside the scope of EU VAT"),
        ),
    ];
    for (email, country, vat_id, postal, treatment, rate, note) in cases {
        let actor = new_org(&app, email, false).await;
        billing_in(&app, &actor, country, vat_id, postal).await;
        let org = actor.organization_id.clone();
        let id = app
            .db(move |c| draft(c, now, &org, &format!("vat-{email}"), 10_000).id)
            .await;
        let i = app
            .db(move |c| invoices::finalize(c, now, &AuditActor::system("test"), &id).unwrap())
            .await;
        assert_eq!(i.vat_treatment, treatment, "{country}");
        assert_eq!(i.subtotal, 10_000);
        assert_eq!(i.vat_amount, 10_000 * rate / 10_000, "{country}");
        assert_eq!(i.total, 10_000 + i.vat_amount);
        let iid = i.id.clone();
        let (pdf, _) = app
            .db(move |c| invoices::pdf_of(c, &iid).unwrap().unwrap())
            .await;
        let text = pdf_text(&pdf);
        assert!(text.contains(i.number.as_deref().unwrap()), "{text}");
        assert!(text.contains("Test B.V."), "{text}");
        if !vat_id.is_empty() {
            assert!(text.contains(vat_id), "{text}");
        }
        if let Some(note) = note {
            assert!(text.contains(note), "{country}: {text}");
        }
    }
}

#[actix_web::test]
async fn the_renewal_invoice_bills_what_the_preview_showed_and_yearly_increases_bill_at_once() {
    let app = TestApp::demo().await;
    // Monthly: started, then two seats added mid-period (charged prorated,
    // waiting for the next invoice).
    let actor = new_org(&app, "preview@example.test", true).await;
    let org = actor.organization_id.clone();
    let now = app.clock.now();
    let a = actor.clone();
    app.db(move |c| {
        subscriptions::start(c, now, &a, &order("plus", Interval::Month, 3)).unwrap();
    })
    .await;
    assert_eq!(run_invoices(&app).await.finalized, 1);
    let first = invoices_of(&app, &org).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].reason, "start");
    assert_eq!(first[0].status(), Status::Open);
    assert_eq!(first[0].subtotal, 3 * 1500);

    clock_to(&app, now + Duration::days(10));
    let later = app.clock.now();
    let (a, o) = (actor.clone(), org.clone());
    let preview = app
        .db(move |c| {
            let s = subscriptions::current_of(c, &o).unwrap().unwrap();
            subscriptions::change(c, later, &a, &order("plus", Interval::Month, 5), s.version)
                .unwrap();
            let s = subscriptions::current_of(c, &o).unwrap().unwrap();
            subscriptions::next_invoice(c, later, &s).unwrap().unwrap()
        })
        .await;
    assert!(!preview.pending.is_empty());
    // A monthly plan's increase waits for the next invoice.
    assert_eq!(invoices_of(&app, &org).await.len(), 1);

    let end = current(&app, &org).await.current_period_end.unwrap();
    clock_to(&app, end + Duration::minutes(1));
    crate::subscription_lifecycle::run(&app).await;
    assert_eq!(run_invoices(&app).await.finalized, 1);
    let all = invoices_of(&app, &org).await;
    let renewal = all.iter().find(|i| i.reason == "renewal").unwrap();
    assert_eq!(
        renewal.subtotal, preview.total,
        "the preview's amount, to the cent"
    );
    assert_eq!(
        renewal.vat_amount,
        portaal::domain::vat::vat_of(preview.total, 2100)
    );
    // The charges are billed by it, once.
    let unbilled = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM subscription_charges c JOIN subscriptions s ON s.id = c.subscription_id \
             WHERE s.organization_id = '{org}' AND c.invoice_id IS NULL"
        ))
        .await;
    assert_eq!(unbilled, 0);

    // Yearly: two seats added a month in are invoiced at once, at the
    // amount the change's preview charged now.
    let yearly = new_org(&app, "yearly@example.test", true).await;
    let yorg = yearly.organization_id.clone();
    let t = app.clock.now();
    let y = yearly.clone();
    app.db(move |c| {
        subscriptions::start(c, t, &y, &order("plus", Interval::Year, 2)).unwrap();
    })
    .await;
    clock_to(&app, t + Duration::days(30));
    let t2 = app.clock.now();
    let (y, o) = (yearly.clone(), yorg.clone());
    let immediate = app
        .db(move |c| {
            let s = subscriptions::current_of(c, &o).unwrap().unwrap();
            let (_, p) =
                subscriptions::change(c, t2, &y, &order("plus", Interval::Year, 4), s.version)
                    .unwrap();
            p.preview.immediate_total
        })
        .await;
    assert!(immediate > 0);
    run_invoices(&app).await;
    let yearly_invoices = invoices_of(&app, &yorg).await;
    let change = yearly_invoices
        .iter()
        .find(|i| i.reason == "change")
        .expect("the increase is invoiced at once");
    assert_eq!(change.status(), Status::Open);
    assert_eq!(change.subtotal, immediate);
}

#[actix_web::test]
async fn void_issues_a_credit_note_and_payment_rules_hold() {
    let app = TestApp::demo().await;
    let org = org_id(&app, true).await;
    let now = app.clock.now();
    let op = operator(&app).await;
    let o = org.clone();
    let id = app
        .db(move |c| draft(c, now, &o, "void-me", 12_345).id)
        .await;
    // A draft cannot be paid or voided.
    let (op2, d) = (op.clone(), id.clone());
    let (paid, voided) = app
        .db(move |c| {
            (
                payments::mark_paid(c, now, &op2, &d, 1, "2026-01-01", ""),
                invoices::void(c, now, &op2.audit(), &d, 1),
            )
        })
        .await;
    assert!(matches!(paid, Err(AppError::Validation(_))), "{paid:?}");
    assert!(matches!(voided, Err(AppError::Validation(_))), "{voided:?}");

    let d = id.clone();
    let issued = app
        .db(move |c| invoices::finalize(c, now, &AuditActor::system("test"), &d).unwrap())
        .await;
    let credits_before = last_number(&app, invoices::SERIES_CREDIT_NOTE).await;
    let (op2, d, v) = (op.clone(), id.clone(), issued.version);
    let credit = app
        .db(move |c| invoices::void(c, now, &op2.audit(), &d, v).unwrap())
        .await;
    assert!(credit.is_credit_note());
    assert_eq!(credit.credits_invoice_id.as_deref(), Some(id.as_str()));
    assert_eq!(credit.sequence, Some(credits_before + 1));
    assert_eq!(credit.total, -issued.total);
    assert_eq!(credit.vat_amount, -issued.vat_amount);
    let cid = credit.id.clone();
    let lines = app.db(move |c| invoices::lines_of(c, &cid).unwrap()).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].amount, -12_345);
    let cid = credit.id.clone();
    let (pdf, _) = app
        .db(move |c| invoices::pdf_of(c, &cid).unwrap().unwrap())
        .await;
    let text = pdf_text(&pdf);
    assert!(text.contains(credit.number.as_deref().unwrap()), "{text}");
    assert!(text.contains(issued.number.as_deref().unwrap()), "{text}");

    // Voiding twice, and paying a void invoice, are refused; nothing moves.
    let (op2, d) = (op.clone(), id.clone());
    let (twice, pay_void) = app
        .db(move |c| {
            let v = invoices::by_id(c, &d).unwrap().version;
            (
                invoices::void(c, now, &op2.audit(), &d, v),
                payments::mark_paid(c, now, &op2, &d, v, "2026-01-01", ""),
            )
        })
        .await;
    match twice {
        Err(AppError::Validation(e)) => assert_eq!(e.0[0].1, ErrorCode::InvoiceAlreadyVoid),
        other => panic!("{other:?}"),
    }
    assert!(matches!(pay_void, Err(AppError::Validation(_))));
    assert_eq!(
        last_number(&app, invoices::SERIES_CREDIT_NOTE).await,
        credits_before + 1
    );
}

#[actix_web::test]
async fn an_unpaid_invoice_makes_the_subscription_past_due_until_it_is_paid() {
    let app = TestApp::demo().await;
    let actor = new_org(&app, "late@example.test", true).await;
    let org = actor.organization_id.clone();
    let now = app.clock.now();
    let a = actor.clone();
    app.db(move |c| {
        subscriptions::start(c, now, &a, &order("basis", Interval::Month, 1)).unwrap();
    })
    .await;
    run_invoices(&app).await;
    let invoice = invoices_of(&app, &org).await.remove(0);
    let due = invoice.due_at.unwrap();
    assert_eq!(mails_of(&app, &invoice.id).await, 1, "the invoice mail");

    clock_to(&app, due + Duration::hours(1));
    // (Demo BV's open invoice is overdue by now too.)
    assert!(run_invoices(&app).await.past_due >= 1);
    assert_eq!(
        current(&app, &org).await.status,
        SubStatus::PastDue.as_str()
    );
    // Reminders at due + 1, 7 and 14 days, once each, however often it runs.
    for days in [1, 7, 14, 30] {
        clock_to(&app, due + Duration::days(days) + Duration::hours(2));
        run_invoices(&app).await;
        run_invoices(&app).await;
    }
    assert_eq!(mails_of(&app, &invoice.id).await, 4);
    let subjects: Vec<String> = {
        let id = invoice.id.clone();
        app.db(move |c| {
            mail_outbox::table
                .filter(mail_outbox::invoice_id.eq(id))
                .select(mail_outbox::subject)
                .load(c)
                .unwrap()
        })
        .await
    };
    assert!(
        subjects.iter().any(|s| s.starts_with("Herinnering 3")),
        "{subjects:?}"
    );
    // Past due, it still renews at its period end, and the new period is
    // invoiced too.
    crate::subscription_lifecycle::run(&app).await;
    run_invoices(&app).await;
    let renewed = current(&app, &org).await;
    assert_eq!(renewed.status, SubStatus::PastDue.as_str());
    assert_eq!(renewed.period_number, 2);
    assert_eq!(invoices_of(&app, &org).await.len(), 2);

    // Paid (the operator, by hand): the subscription is active again.
    let op = operator(&app).await;
    let (id, v) = (invoice.id.clone(), invoice.version);
    let later = app.clock.now();
    let today = later.date().format("%Y-%m-%d").to_string();
    let bad = {
        let (op, id) = (op.clone(), id.clone());
        app.db(move |c| payments::mark_paid(c, later, &op, &id, v, "2999-01-01", ""))
            .await
    };
    assert!(matches!(bad, Err(AppError::Validation(_))));
    app.db(move |c| payments::mark_paid(c, later, &op, &id, v, &today, "NL12 bank 99").unwrap())
        .await;
    // (The renewal's invoice, issued when the run renewed it, is not due
    // yet.)
    let all = invoices_of(&app, &org).await;
    assert_eq!(all[0].status(), Status::Paid);
    assert_eq!(all[1].status(), Status::Open);
    assert_eq!(current(&app, &org).await.status, SubStatus::Active.as_str());
}

/// The mails of an invoice in the outbox.
async fn mails_of(app: &TestApp, id: &str) -> i64 {
    app.count(format!(
        "SELECT COUNT(*) AS n FROM mail_outbox WHERE invoice_id = '{id}'"
    ))
    .await
}

/// A camt.053 statement with the given credits (amount in cents, text).
pub fn camt(credits: &[(i64, &str, &str)]) -> String {
    let entries: String = credits
        .iter()
        .map(|(cents, text, key)| {
            format!(
                r#"<Ntry><NtryRef>{key}</NtryRef><Amt Ccy="EUR">{}.{:02}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-12-01</Dt></BookgDt><ValDt><Dt>2026-12-01</Dt></ValDt><AcctSvcrRef>{key}</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Klant B.V.</Nm></Dbtr></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"#,
                cents / 100,
                cents % 100
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>MSG1</MsgId><CreDtTm>2026-12-01T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-1</Id><CreDtTm>2026-12-01T10:00:00</CreDtTm><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>
{entries}
</Stmt></BkToCstmrStmt></Document>"#
    )
}

#[actix_web::test]
async fn a_bank_statement_pays_exact_matches_once_and_lists_the_rest() {
    let app = TestApp::demo().await;
    let org = org_id(&app, true).await;
    let now = app.clock.now();
    let o = org.clone();
    let (a, b) = app
        .db(move |c| {
            let sys = AuditActor::system("test");
            let a = draft(c, now, &o, "camt-a", 10_000);
            let b = draft(c, now, &o, "camt-b", 20_000);
            (
                invoices::finalize(c, now, &sys, &a.id).unwrap(),
                invoices::finalize(c, now, &sys, &b.id).unwrap(),
            )
        })
        .await;
    let ra = portaal::domain::payment_reference::display(a.payment_reference.as_deref().unwrap());
    let rb = b.payment_reference.clone().unwrap();
    let file = camt(&[
        (a.total, &format!("Factuur {ra}"), "E1"),
        (b.total - 1, &format!("betaling {rb}"), "E2"),
        (999, "geen kenmerk", "E3"),
        (a.total + b.total, &format!("{ra} {rb}"), "E4"),
    ]);
    let op = operator(&app).await;
    let (op2, f) = (op.clone(), file.clone());
    let out = app
        .db(move |c| payments::import_camt(c, now, &op2, "dag.xml", f.as_bytes()).unwrap())
        .await;
    assert_eq!(out.credits, 4);
    assert_eq!(out.paid, vec![(a.number.clone().unwrap(), a.total)]);
    let reasons: Vec<_> = out.to_decide.iter().map(|d| d.reason).collect();
    assert_eq!(
        reasons,
        vec![
            payments::Unmatched::AmountDiffers,
            payments::Unmatched::NoReference,
            payments::Unmatched::SeveralInvoices
        ]
    );
    // The same file again changes nothing.
    let (op2, f) = (op.clone(), file.clone());
    let again = app
        .db(move |c| payments::import_camt(c, now, &op2, "dag.xml", f.as_bytes()).unwrap())
        .await;
    assert!(again.paid.is_empty());
    assert_eq!(again.already, 1);
    let payments_made = app
        .count(format!(
            "SELECT COUNT(*) AS n FROM payments WHERE invoice_id = '{}'",
            a.id
        ))
        .await;
    assert_eq!(payments_made, 1);

    // Not XML, another message type, too large: a clear error, nothing done.
    for (bytes, code) in [
        (b"hello, not xml".to_vec(), "camt_not_xml"),
        (
            br#"<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>"#.to_vec(),
            "camt_wrong_message",
        ),
        (vec![b' '; 11 * 1024 * 1024], "camt_too_large"),
    ] {
        let op2 = op.clone();
        let r = app
            .db(move |c| payments::import_camt(c, now, &op2, "x.xml", &bytes))
            .await;
        match r {
            Err(AppError::Validation(e)) => assert_eq!(e.0[0].1.code(), code),
            other => panic!("{other:?}"),
        }
    }
}
