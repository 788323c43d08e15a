//! `/api/v1/subscriptions/{id}/invoices` (the seed's path), `/invoices/{id}`
//! and `/invoices/{id}/pdf`: the organisation's issued invoices and credit
//! notes, read only (scope `read:invoices`, so a client can be given the
//! invoices without the subscriptions). The PDF is the stored bytes, as
//! issued, with their SHA-256 as the `ETag`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::api::{Api, ListBody, iri, json, mount, record};
use crate::domain::invoices::{self, Invoice, InvoiceLine, SORT};
use crate::domain::local_time::iso_utc;
use crate::domain::paging::ListParams;
use crate::domain::scopes::Operation;
use crate::error::AppError;
use crate::http::tagged::Tagged;

/// Mount the invoice routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, Operation::SubscriptionInvoices, list);
    mount(cfg, Operation::InvoicePdf, pdf);
    mount(cfg, Operation::InvoiceGet, get);
}

/// An invoice or credit note as the API shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceJson {
    pub id: String,
    /// `invoice` or `credit_note`.
    pub kind: String,
    pub number: Option<String>,
    /// `open`, `paid` or `void` (a credit note: `open`, issued).
    pub status: String,
    pub subscription: Option<String>,
    pub credits_invoice: Option<String>,
    pub currency: String,
    pub language: String,
    pub period_start: String,
    pub period_end: String,
    pub issued_at: Option<String>,
    pub due_at: Option<String>,
    pub paid_at: Option<String>,
    pub voided_at: Option<String>,
    /// `domestic`, `reverse_charge`, `eu_no_vat_id` or `outside_eu`.
    pub vat_treatment: String,
    pub subtotal: i64,
    pub vat_amount: i64,
    pub total: i64,
    pub payment_reference: Option<String>,
    pub pdf: String,
    /// Only on `GET /invoices/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineJson>>,
    pub version: i32,
}

/// One line.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineJson {
    pub kind: String,
    pub description: String,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
    /// Basis points: 2100 = 21 %.
    pub vat_rate: i32,
}

impl InvoiceJson {
    fn of(i: &Invoice, lines: Option<&[InvoiceLine]>) -> Self {
        Self {
            id: i.id.clone(),
            kind: i.kind.clone(),
            number: i.number.clone(),
            status: i.status.clone(),
            subscription: i
                .subscription_id
                .as_deref()
                .map(|s| iri("subscriptions", s)),
            credits_invoice: i.credits_invoice_id.as_deref().map(|s| iri("invoices", s)),
            currency: i.currency.clone(),
            language: i.language.clone(),
            period_start: iso_utc(i.period_start),
            period_end: iso_utc(i.period_end),
            issued_at: i.issued_at.map(iso_utc),
            due_at: i.due_at.map(iso_utc),
            paid_at: i.paid_at.map(iso_utc),
            voided_at: i.voided_at.map(iso_utc),
            vat_treatment: i.vat_treatment.clone(),
            subtotal: i.subtotal,
            vat_amount: i.vat_amount,
            total: i.total,
            payment_reference: i.payment_reference.clone(),
            pdf: format!("{}/pdf", iri("invoices", &i.id)),
            lines: lines.map(|ls| {
                ls.iter()
                    .map(|l| LineJson {
                        kind: l.kind.clone(),
                        description: l.description.clone(),
                        period_start: l.period_start.map(iso_utc),
                        period_end: l.period_end.map(iso_utc),
                        quantity: l.quantity,
                        unit_price: l.unit_price,
                        amount: l.amount,
                        vat_rate: l.vat_rate_bp,
                    })
                    .collect()
            }),
            version: i.version,
        }
    }
}

async fn list(
    api: Api,
    id: web::Path<String>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.strict(&SORT).map_err(AppError::Validation);
    let page = api
        .call(
            Operation::SubscriptionInvoices,
            request,
            move |conn, actor, _, request| invoices::list(conn, actor, Some(&id), request),
        )
        .await?;
    Ok(json(
        StatusCode::OK,
        &ListBody::of(&page, |i| InvoiceJson::of(i, None)),
    ))
}

async fn get(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (invoice, lines) = api
        .call(Operation::InvoiceGet, Ok(()), move |conn, actor, _, ()| {
            let i = invoices::get(conn, actor, &id)?;
            let lines = invoices::lines_of(conn, &i.id)?;
            Ok((i, lines))
        })
        .await?;
    Ok(record(
        StatusCode::OK,
        invoice.version,
        &InvoiceJson::of(&invoice, Some(&lines)),
    ))
}

async fn pdf(api: Api, req: HttpRequest, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let pdf = api
        .call(Operation::InvoicePdf, Ok(()), move |conn, actor, _, ()| {
            invoices::pdf(conn, actor, &id)
        })
        .await?;
    Ok(Tagged::pdf(&pdf.sha256, "inline", &pdf.file_name).respond(&req, pdf.bytes))
}
