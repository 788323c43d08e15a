//! Settings → Subscription → Invoices (admins): the organisation's issued
//! invoices and credit notes, one invoice's page with how to pay it, and its
//! PDF exactly as it was issued. The domain (`domain::invoices`) checks
//! who may see them and reads them; this module shows.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::view::{LineView, Words};
use crate::AppState;
use crate::domain::iban;
use crate::domain::invoice_pdf;
use crate::domain::invoices::{self, Invoice, InvoiceLine, Status};
use crate::domain::paging::ListParams;
use crate::domain::payment_reference;
use crate::error::AppError;
use crate::http::tagged::Tagged;
use crate::i18n::fill;
use crate::web::extract::{Member, member_with};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, pager};
use crate::web::render;

/// The list.
pub const INVOICES: &str = "/settings/subscription/invoices";

/// An invoice's page.
pub fn invoice_href(id: &str) -> String {
    format!("{INVOICES}/{id}")
}

/// One row of the list.
struct Row {
    href: String,
    number: String,
    issued: String,
    period: String,
    total: String,
    status: &'static str,
    badge: &'static str,
    /// The PDF link's accessible name ("PDF van factuur PF-000005 downloaden").
    pdf_label: String,
}

#[derive(Template)]
#[template(path = "subscription/invoices.html")]
struct ListPage {
    l: LayoutCtx,
    rows: Vec<Row>,
    pager: Pager,
    showing: String,
}

fn words(m: &Member) -> Words<'static> {
    Words {
        lang: m.lang,
        tz: m.tz,
        plans: &[],
    }
}

/// `GET /settings/subscription/invoices`: newest first, paged.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&invoices::SORT);
    let (m, page) = member_with(&req, move |conn, actor, _| {
        invoices::list(conn, actor, None, request)
    })
    .await?;
    let now = state.clock.now();
    let l = LayoutCtx::new(&m, Nav::Subscription);
    let (t, w) = (l.t, words(&m));
    let pager = pager(INVOICES, &page);
    let rows = page
        .items
        .iter()
        .map(|i| {
            let (status, badge) = w.invoice_status(i, now);
            Row {
                href: invoice_href(&i.id),
                number: i.number.clone().unwrap_or_default(),
                issued: i.issued_at.map(|at| w.short_date(at)).unwrap_or_default(),
                period: w.days(i.period_start, i.period_end),
                total: w.money(i.total),
                status,
                badge,
                pdf_label: fill(t.tinv_pdf_label, &[&w.invoice_word(i)]),
            }
        })
        .collect();
    render(
        StatusCode::OK,
        &ListPage {
            showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
            rows,
            pager,
            l,
        },
    )
}

/// How to pay an open invoice.
struct Payment {
    /// "Gelieve € 72,60 te betalen vóór 17 december 2026 onder vermelding
    /// van betalingskenmerk RF… ."; past the due date, that it is late.
    sentence: String,
    overdue: bool,
    amount: String,
    iban: String,
    holder: String,
    reference: String,
}

/// The invoice a credit note credits, or the credit note of a voided one.
struct Related {
    label: &'static str,
    number: String,
    href: String,
}

/// One VAT rate's row of the totals.
struct VatView {
    label: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "subscription/invoice.html")]
struct InvoicePage {
    l: LayoutCtx,
    title: String,
    status: &'static str,
    badge: &'static str,
    date_label: &'static str,
    issued: String,
    due: Option<String>,
    period: String,
    paid: Option<String>,
    related: Option<Related>,
    payment: Option<Payment>,
    lines: Vec<LineView>,
    subtotal: String,
    vat: Vec<VatView>,
    total: String,
    vat_note: Option<&'static str>,
    pdf_href: String,
}

/// `GET /settings/subscription/invoices/{id}`: a draft or another
/// organisation's: 404.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (m, (i, lines, related)) = member_with(&req, move |conn, actor, _| {
        let i = invoices::get(conn, actor, &id)?;
        let lines = invoices::lines_of(conn, &i.id)?;
        let related = invoices::counterpart(conn, actor, &i)?;
        Ok((i, lines, related))
    })
    .await?;
    let now = state.clock.now();
    let l = LayoutCtx::new(&m, Nav::Subscription);
    render(
        StatusCode::OK,
        &invoice_page(l, &words(&m), now, &i, &lines, related),
    )
}

fn invoice_page(
    l: LayoutCtx,
    w: &Words,
    now: chrono::NaiveDateTime,
    i: &Invoice,
    lines: &[InvoiceLine],
    related: Option<Invoice>,
) -> InvoicePage {
    let t = l.t;
    let number = i.number.clone().unwrap_or_default();
    let (status, badge) = w.invoice_status(i, now);
    let due = (!i.is_credit_note()).then_some(i.due_at).flatten();
    let payment = i.awaits_payment().then(|| {
        let seller = i.seller();
        let (amount, due) = (w.money(i.total), due.map(|d| w.date(d)).unwrap_or_default());
        let reference = i
            .payment_reference
            .as_deref()
            .map(payment_reference::display)
            .unwrap_or_default();
        let overdue = i.overdue(now);
        Payment {
            sentence: if overdue {
                fill(t.tinv_pay_overdue, &[&due, &amount, &reference])
            } else {
                fill(t.pdf_pay_before, &[&amount, &due, &reference])
            },
            overdue,
            amount,
            iban: seller
                .as_ref()
                .map(|s| iban::display(&s.iban))
                .unwrap_or_default(),
            holder: seller.map(|s| s.legal_name).unwrap_or_default(),
            reference,
        }
    });
    InvoicePage {
        title: fill(
            if i.is_credit_note() {
                t.tinv_credit_note_title
            } else {
                t.tinv_invoice_title
            },
            &[&number],
        ),
        status,
        badge,
        date_label: if i.is_credit_note() {
            t.pdf_credit_note_date
        } else {
            t.pdf_invoice_date
        },
        issued: i.issued_at.map(|at| w.date(at)).unwrap_or_default(),
        due: due.map(|d| w.date(d)),
        period: w.days(i.period_start, i.period_end),
        paid: (i.status() == Status::Paid)
            .then_some(i.paid_at)
            .flatten()
            .map(|at| w.date(at)),
        related: related.map(|r| Related {
            label: if i.is_credit_note() {
                t.tinv_credits
            } else {
                t.tinv_credited_by
            },
            number: w.invoice_word(&r),
            href: invoice_href(&r.id),
        }),
        payment,
        lines: lines.iter().map(|x| line(w, x)).collect(),
        subtotal: w.money(i.subtotal),
        vat: invoices::vat_rows(lines)
            .iter()
            .map(|r| VatView {
                label: fill(
                    t.pdf_vat_row,
                    &[
                        &invoice_pdf::percent(w.lang, t, r.rate_bp),
                        &w.money(r.net_cents),
                    ],
                ),
                amount: w.money(r.vat_cents),
            })
            .collect(),
        total: w.money(i.total),
        vat_note: i.treatment().note(w.lang),
        pdf_href: format!("{}/pdf", invoice_href(&i.id)),
        l,
    }
}

/// A line as the invoice says it (its description is in the invoice's
/// language); its period to its last day.
fn line(w: &Words, l: &InvoiceLine) -> LineView {
    LineView {
        description: l.description.clone(),
        period: l
            .period_start
            .zip(l.period_end)
            .map(|(from, to)| w.days(from, to))
            .unwrap_or_default(),
        amount: w.money(l.amount),
    }
}

/// `GET /settings/subscription/invoices/{id}/pdf`: the stored bytes, as a
/// download, with their SHA-256 as the `ETag` (`If-None-Match`: 304).
pub async fn pdf(req: HttpRequest, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (_, pdf) = member_with(&req, move |conn, actor, _| invoices::pdf(conn, actor, &id)).await?;
    Ok(Tagged::pdf(&pdf.sha256, "attachment", &pdf.file_name).respond(&req, pdf.bytes))
}
