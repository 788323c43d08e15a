//! One invoice or credit note as the operator sees it: its header, the
//! buyer and the seller as issued, its lines and totals, its payments, the
//! link between an invoice and its credit note, the stored PDF; and what
//! can be done in its state — a draft issued or deleted, an open invoice
//! marked paid, voided (a credit note) or sent again, a paid one voided or
//! sent again. Deleting and voiding are confirmed first; a stale version is
//! 409 with the input kept.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::{BASE, day, href, kind_words, number_or_draft, period, status_badge, treatment_words};
use crate::AppState;
use crate::db::DbConn;
use crate::domain::iban;
use crate::domain::invoice_pdf::percent;
use crate::domain::invoices::{self, BOOKS_TZ, Buyer, InvoiceDetail, Status};
use crate::domain::local_time::utc_to_local;
use crate::domain::operators::Operator as DomainOperator;
use crate::domain::payment_reference;
use crate::domain::payments::{self, Payment};
use crate::domain::reference;
use crate::domain::seller::Seller;
use crate::error::{AppError, FieldErrors};
use crate::http::tagged::Tagged;
use crate::i18n::{Lang, fill};
use crate::web::extract::{Operator, operator_with};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::platform::{ConfirmPage, PlatformLayout};
use crate::web::render;

pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/platform/invoices/{id}", web::get().to(show))
        .route("/platform/invoices/{id}/pdf", web::get().to(pdf))
        .route("/platform/invoices/{id}/finalize", web::post().to(finalize))
        .route("/platform/invoices/{id}/delete", web::post().to(delete))
        .route("/platform/invoices/{id}/pay", web::post().to(pay))
        .route("/platform/invoices/{id}/void", web::post().to(void))
        .route("/platform/invoices/{id}/resend", web::post().to(resend));
}

/// A party as the page shows it.
struct PartyView {
    name: String,
    address: Vec<String>,
    /// Label and value of what else it carries (VAT id, KvK, …).
    rows: Vec<(&'static str, String)>,
}

struct LineView {
    description: String,
    period: String,
    quantity: i64,
    unit_price: String,
    rate: String,
    amount: String,
}

struct PaymentView {
    paid_on: String,
    amount: String,
    bank_reference: String,
    source: &'static str,
    recorded_by: String,
}

/// Another document linked from this one.
struct Link {
    href: String,
    number: String,
}

#[derive(Template)]
#[template(path = "platform/invoice.html")]
struct ShowPage {
    l: PlatformLayout,
    id: String,
    title: String,
    status: &'static str,
    badge: &'static str,
    kind: &'static str,
    organization_href: String,
    organization: String,
    issued: String,
    due: String,
    period: String,
    reference: String,
    language: &'static str,
    treatment: &'static str,
    paid_at: String,
    /// A voided invoice: when, in words, and its credit note.
    voided: Option<(String, Option<Link>)>,
    /// A credit note: the invoice it credits.
    credits: Option<Link>,
    buyer: Option<PartyView>,
    buyer_note: &'static str,
    seller: Option<PartyView>,
    lines: Vec<LineView>,
    subtotal: String,
    vat_rows: Vec<(String, String)>,
    total: String,
    payments: Vec<PaymentView>,
    pdf: Option<String>,
    is_draft: bool,
    can_issue: bool,
    can_delete: bool,
    can_pay: bool,
    can_void: bool,
    can_resend: bool,
    /// Any of the above: the actions beside the details.
    has_actions: bool,
    issue_hint: String,
    pay_hint: String,
    resend_hint: String,
    version: i32,
    paid_on: Field,
    bank_reference: Field,
    /// Why the last action was refused.
    action_error: Option<String>,
}

/// What the page loads of a document.
struct Loaded {
    detail: InvoiceDetail,
    payments: Vec<Payment>,
    /// The seller as issued, and its country's name in both languages.
    seller: Option<(Seller, String, String)>,
}

async fn load(req: &HttpRequest, id: String) -> Result<(Operator, Loaded), AppError> {
    operator_with(req, move |conn, operator| {
        let detail = invoices::platform_detail(conn, operator, &id)?;
        let payments = payments::of_invoice(conn, operator, &id)?;
        let seller = match detail.seller() {
            Some(s) => {
                let c = reference::country(conn, &s.country_code)?;
                let (nl, en) = c.map_or_else(
                    || (s.country_code.clone(), s.country_code.clone()),
                    |c| (c.name_nl, c.name_en),
                );
                Some((s, nl, en))
            }
            None => None,
        };
        Ok(Loaded {
            detail,
            payments,
            seller,
        })
    })
    .await
}

fn buyer_view(lang: Lang, b: &Buyer) -> Option<PartyView> {
    if b.legal_name.trim().is_empty() {
        return None;
    }
    let t = lang.t();
    let rows = [
        (t.pdf_vat_id, b.vat_id.clone()),
        (t.pdf_kvk, b.kvk_number.clone()),
        (t.pinv_email, b.email.clone()),
    ];
    Some(PartyView {
        name: b.legal_name.clone(),
        address: vec![
            b.address_line.clone(),
            format!("{} {}", b.postal_code, b.city),
            b.country(lang).to_string(),
        ],
        rows: rows.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
    })
}

fn seller_view(lang: Lang, (s, nl, en): &(Seller, String, String)) -> PartyView {
    let t = lang.t();
    let rows = [
        (t.pdf_vat_id, s.vat_id.clone()),
        (t.pdf_kvk, s.kvk_number.clone()),
        (t.pinv_email, s.email.clone()),
        (t.pdf_iban, iban::display(&s.iban)),
        (t.pdf_bic, s.bic.clone()),
    ];
    PartyView {
        name: s.legal_name.clone(),
        address: vec![
            s.address_line.clone(),
            format!("{} {}", s.postal_code, s.city),
            if lang == Lang::Nl { nl } else { en }.clone(),
        ],
        rows: rows.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
    }
}

/// What the pay form holds: as typed, or today and nothing.
#[derive(Deserialize, Default, Clone)]
struct PayInput {
    #[serde(default)]
    paid_on: Option<String>,
    #[serde(default)]
    bank_reference: Option<String>,
}

fn show_page(o: &Operator, now: NaiveDateTime, d: Loaded, pay: &PayInput) -> ShowPage {
    let lang = o.lang;
    let t = lang.t();
    let Loaded {
        detail,
        payments,
        seller,
    } = d;
    let i = &detail.invoice;
    let tz = detail.time_zone;
    let (status, badge) = status_badge(t, i, now);
    let number = number_or_draft(t, i);
    let buyer = i.buyer();
    let state = i.status();
    let credit = i.is_credit_note();
    let email = if buyer.email.is_empty() {
        "—".to_string()
    } else {
        buyer.email.clone()
    };
    let today = utc_to_local(BOOKS_TZ, now).date().to_string();
    ShowPage {
        id: i.id.clone(),
        title: match (state, credit) {
            (Status::Draft, _) => t.pinv_draft_title.to_string(),
            (_, true) => fill(t.pinv_credit_note_title, &[&number]),
            (_, false) => fill(t.pinv_invoice_title, &[&number]),
        },
        status,
        badge,
        kind: kind_words(t, credit),
        organization_href: format!("/platform/organizations/{}", i.organization_id),
        organization: detail.organization_name.clone(),
        issued: i.issued_at.map(|at| day(lang, tz, at)).unwrap_or_default(),
        due: i
            .due_at
            .filter(|_| !credit)
            .map(|at| day(lang, tz, at))
            .unwrap_or_default(),
        period: period(lang, tz, i),
        reference: i
            .payment_reference
            .as_deref()
            .map(payment_reference::display)
            .unwrap_or_default(),
        language: i.lang().native_name(),
        treatment: treatment_words(t, i.treatment()),
        paid_at: i.paid_at.map(|at| day(lang, tz, at)).unwrap_or_default(),
        voided: i.voided_at.map(|at| {
            (
                fill(t.pinv_voided_on, &[&day(lang, tz, at)]),
                detail.credit_note.as_ref().map(|c| Link {
                    href: href(&c.id),
                    number: c.number.clone().unwrap_or_default(),
                }),
            )
        }),
        credits: detail.credits.as_ref().map(|c| Link {
            href: href(&c.id),
            number: c.number.clone().unwrap_or_default(),
        }),
        buyer: buyer_view(lang, &buyer),
        buyer_note: if state == Status::Draft {
            t.pinv_buyer_draft
        } else {
            t.pinv_as_issued
        },
        seller: seller.as_ref().map(|s| seller_view(lang, s)),
        lines: detail
            .lines
            .iter()
            .map(|l| LineView {
                description: l.description.clone(),
                period: l
                    .period_start
                    .zip(l.period_end)
                    .map(|(a, b)| {
                        let last = invoices::last_day_of(tz, a, b);
                        format!("{} – {}", day(lang, tz, a), lang.date(last))
                    })
                    .unwrap_or_default(),
                quantity: l.quantity,
                unit_price: lang.money(l.unit_price),
                rate: percent(lang, t, l.vat_rate_bp.into()),
                amount: lang.money(l.amount),
            })
            .collect(),
        subtotal: lang.money(i.subtotal),
        vat_rows: invoices::vat_rows(&detail.lines)
            .into_iter()
            .map(|r| {
                (
                    fill(
                        t.pdf_vat_row,
                        &[&percent(lang, t, r.rate_bp), &lang.money(r.net_cents)],
                    ),
                    lang.money(r.vat_cents),
                )
            })
            .collect(),
        total: lang.money(i.total),
        payments: payments
            .iter()
            .map(|p| PaymentView {
                paid_on: day(lang, tz, p.paid_on),
                amount: lang.money(p.amount),
                bank_reference: p.bank_reference.clone(),
                source: if p.source == "camt" {
                    t.pinv_source_camt
                } else {
                    t.pinv_source_manual
                },
                recorded_by: p.recorded_by.clone(),
            })
            .collect(),
        pdf: detail.has_pdf.then(|| format!("{}/pdf", href(&i.id))),
        is_draft: state == Status::Draft,
        can_issue: state == Status::Draft,
        can_delete: state == Status::Draft,
        can_pay: !credit && state == Status::Open,
        can_void: !credit && matches!(state, Status::Open | Status::Paid),
        can_resend: matches!(state, Status::Open | Status::Paid),
        has_actions: state != Status::Void,
        issue_hint: fill(t.pinv_issue_hint, &[&email]),
        pay_hint: fill(t.pinv_mark_paid_hint, &[&lang.money(i.total)]),
        resend_hint: fill(
            t.pinv_resend_hint,
            &[
                &if credit {
                    t.pinv_word_credit_note
                } else {
                    t.pinv_word_invoice
                },
                &email,
            ],
        ),
        version: i.version,
        paid_on: Field::new(
            "paid_on",
            t.pinv_paid_on,
            pay.paid_on.clone().unwrap_or(today),
        )
        .kind("date")
        .required()
        .hint(t.pinv_paid_on_hint)
        .max(10),
        bank_reference: Field::new(
            "bank_reference",
            t.pinv_bank_reference,
            pay.bank_reference.clone().unwrap_or_default(),
        )
        .hint(t.pinv_bank_reference_hint)
        .max(140),
        action_error: None,
        l: PlatformLayout::new(o),
    }
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    prefill: web::Query<PayInput>,
) -> Result<HttpResponse, AppError> {
    let (o, d) = load(&req, path.into_inner()).await?;
    render(
        StatusCode::OK,
        &show_page(&o, state.clock.now(), d, &prefill),
    )
}

/// The page again after a refused action: `errors` beside the pay form's
/// fields, anything else (and a stale version) at the top.
async fn refused(
    req: &HttpRequest,
    state: &AppState,
    id: String,
    result: AppError,
    pay: &PayInput,
) -> Result<HttpResponse, AppError> {
    let (o, d) = load(req, id).await?;
    let mut p = show_page(&o, state.clock.now(), d, pay);
    let t = p.l.t;
    let status = match result {
        AppError::Validation(errors) => {
            apply_errors(
                &mut p.l.errors,
                &mut [&mut p.paid_on, &mut p.bank_reference],
                &FieldErrors(
                    errors
                        .0
                        .iter()
                        .filter(|(f, _)| matches!(*f, "paid_on" | "bank_reference"))
                        .cloned()
                        .collect(),
                ),
                t,
            );
            p.action_error = errors
                .0
                .iter()
                .find(|(f, _)| !matches!(*f, "paid_on" | "bank_reference"))
                .map(|(_, c)| c.message(t));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Conflict => {
            p.action_error = Some(t.err_stale.to_string());
            StatusCode::CONFLICT
        }
        e => return Err(e),
    };
    render(status, &p)
}

/// Run `run` as the operator on document `id` at the clock's now: done, a
/// redirect with `flash` to where it says (waking the mail for what it
/// queued); refused, the page with why (`pay`: the pay form as typed).
async fn act<F>(
    req: &HttpRequest,
    state: &AppState,
    id: String,
    pay: &PayInput,
    flash: Flash,
    run: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConn, &DomainOperator, NaiveDateTime, &str) -> Result<String, AppError>
        + Send
        + 'static,
{
    let (now, doc) = (state.clock.now(), id.clone());
    match operator_with(req, move |conn, op| Ok(run(conn, op, now, &doc))).await? {
        (_, Ok(to)) => {
            state.jobs.wake();
            Ok(flash.redirect(&to))
        }
        (_, Err(e)) => refused(req, state, id, e, pay).await,
    }
}

async fn finalize(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let none = PayInput::default();
    act(
        &req,
        &state,
        path.into_inner(),
        &none,
        Flash::InvoiceIssued,
        |conn, op, now, id| invoices::finalize(conn, now, &op.audit(), id).map(|i| href(&i.id)),
    )
    .await
}

async fn resend(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let none = PayInput::default();
    act(
        &req,
        &state,
        path.into_inner(),
        &none,
        Flash::InvoiceResent,
        |conn, op, now, id| invoices::resend(conn, now, &op.audit(), id).map(|_| href(id)),
    )
    .await
}

#[derive(Deserialize)]
struct PayForm {
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    bank_reference: String,
    #[serde(default)]
    version: i32,
}

async fn pay(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<PayForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let typed = PayInput {
        paid_on: Some(f.paid_on.clone()),
        bank_reference: Some(f.bank_reference.clone()),
    };
    act(
        &req,
        &state,
        path.into_inner(),
        &typed,
        Flash::InvoicePaid,
        move |conn, op, now, id| {
            payments::mark_paid(conn, now, op, id, f.version, &f.paid_on, &f.bank_reference)
                .map(|i| href(&i.id))
        },
    )
    .await
}

/// "Are you sure?" for `what` on document `id`, carrying `fields`; a
/// document the action no longer fits gets its page with why.
async fn confirm(
    req: &HttpRequest,
    state: &AppState,
    id: String,
    what: Confirm,
    fields: Vec<(&'static str, String)>,
) -> Result<HttpResponse, AppError> {
    let (o, d) = load(req, id.clone()).await?;
    let i = &d.detail.invoice;
    let t = o.lang.t();
    let fits = match what {
        Confirm::Delete => i.status() == Status::Draft,
        Confirm::Void => !i.is_credit_note() && matches!(i.status(), Status::Open | Status::Paid),
    };
    if !fits {
        let code = match (what, i.status()) {
            (Confirm::Delete, _) => crate::error::ErrorCode::InvoiceNotDraft,
            (Confirm::Void, _) if i.is_credit_note() => {
                crate::error::ErrorCode::InvoiceIsCreditNote
            }
            (Confirm::Void, Status::Void) => crate::error::ErrorCode::InvoiceAlreadyVoid,
            (Confirm::Void, _) => crate::error::ErrorCode::InvoiceNotFinalized,
        };
        let errors = FieldErrors(vec![("status", code)]);
        return refused(
            req,
            state,
            id,
            AppError::Validation(errors),
            &PayInput::default(),
        )
        .await;
    }
    let lang = o.lang;
    let buyer = i.buyer();
    let (title, text, path, button) = match what {
        Confirm::Delete => (
            t.pinv_delete_draft,
            fill(
                t.pinv_delete_draft_confirm,
                &[&lang.money(i.total), &d.detail.organization_name],
            ),
            "delete",
            t.pinv_delete_draft,
        ),
        Confirm::Void => (
            t.pinv_void,
            fill(
                t.pinv_void_confirm,
                &[
                    &i.number.clone().unwrap_or_default(),
                    &d.detail.organization_name,
                    &lang.money(i.total),
                    &buyer.email,
                ],
            ),
            "void",
            t.pinv_void,
        ),
    };
    render(
        StatusCode::OK,
        &ConfirmPage {
            l: PlatformLayout::new(&o),
            title,
            text,
            action: format!("{}/{path}", href(&id)),
            button,
            danger: true,
            fields,
            cancel: href(&id),
        },
    )
}

/// The actions asked about first.
#[derive(Clone, Copy)]
enum Confirm {
    Delete,
    Void,
}

async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !form.contains_key("confirmed") {
        return confirm(&req, &state, id, Confirm::Delete, vec![]).await;
    }
    let none = PayInput::default();
    act(
        &req,
        &state,
        id,
        &none,
        Flash::InvoiceDraftDeleted,
        |conn, op, now, id| {
            invoices::delete_draft(conn, now, &op.audit(), id).map(|()| BASE.to_string())
        },
    )
    .await
}

#[derive(Deserialize)]
struct VoidForm {
    #[serde(default)]
    confirmed: Option<String>,
    #[serde(default)]
    version: i32,
}

async fn void(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<VoidForm>,
) -> Result<HttpResponse, AppError> {
    let (id, version) = (path.into_inner(), form.version);
    if form.confirmed.is_none() {
        let fields = vec![("version", version.to_string())];
        return confirm(&req, &state, id, Confirm::Void, fields).await;
    }
    let none = PayInput::default();
    act(
        &req,
        &state,
        id,
        &none,
        Flash::InvoiceVoided,
        move |conn, op, now, id| {
            invoices::void(conn, now, &op.audit(), id, version).map(|credit| href(&credit.id))
        },
    )
    .await
}

async fn pdf(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (_, pdf) = operator_with(&req, move |conn, operator| {
        invoices::platform_pdf(conn, operator, &id)
    })
    .await?;
    Ok(Tagged::pdf(&pdf.sha256, "inline", &pdf.file_name).respond(&req, pdf.bytes))
}
