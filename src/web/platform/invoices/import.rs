//! `/platform/invoices/import`: the bank's statement (CAMT.053) read in.
//! The form takes one XML file; the domain matches every credit to an open
//! invoice by payment reference and amount and records the exact matches
//! paid (all or nothing). The result page lists what was recorded, how much
//! was recorded before, and what a person must decide, each with the
//! invoice it seems to be about and a way to mark it paid by hand. A file
//! that is not a statement is refused beside the file field, and nothing is
//! recorded.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::href;
use crate::AppState;
use crate::domain::camt;
use crate::domain::invoices;
use crate::domain::payments::{self, ImportOutcome, Unmatched};
use crate::error::{AppError, ErrorCode};
use crate::http::upload::read_file;
use crate::i18n::{Lang, Messages, fill};
use crate::web::extract::{Operator, operator_with};
use crate::web::form::ErrorLink;
use crate::web::platform::PlatformLayout;
use crate::web::render;

const PATH: &str = "/platform/invoices/import";

pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(form))
        .route(PATH, web::post().to(upload));
}

#[derive(Template)]
#[template(path = "platform/invoice_import.html")]
struct FormPage {
    l: PlatformLayout,
    /// Why the file was refused.
    error: Option<String>,
}

struct PaidRow {
    href: Option<String>,
    number: String,
    amount: String,
}

/// An invoice an entry seems to be about.
struct About {
    number: String,
    href: Option<String>,
    /// "Mark … as paid", when it still can be.
    pay: Option<(String, String)>,
}

struct DecideRow {
    date: String,
    amount: String,
    counterparty: String,
    remittance: String,
    reason: &'static str,
    about: Vec<About>,
}

#[derive(Template)]
#[template(path = "platform/invoice_import_result.html")]
struct ResultPage {
    l: PlatformLayout,
    summary: String,
    paid: Vec<PaidRow>,
    to_decide: Vec<DecideRow>,
}

fn form_page(o: &Operator, error: Option<String>) -> FormPage {
    let mut l = PlatformLayout::new(o);
    if let Some(e) = &error {
        l.errors = vec![ErrorLink {
            href: "#f-file".to_string(),
            text: format!("{}: {e}", l.t.pinv_import_file),
        }];
    }
    FormPage { l, error }
}

async fn form(o: Operator) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &form_page(&o, None))
}

/// Why an entry was not recorded, in words.
fn reason_words(t: &Messages, r: Unmatched) -> &'static str {
    match r {
        Unmatched::NoReference => t.pinv_reason_no_reference,
        Unmatched::UnknownReference => t.pinv_reason_unknown_reference,
        Unmatched::SeveralInvoices => t.pinv_reason_several,
        Unmatched::AmountDiffers => t.pinv_reason_amount,
        Unmatched::NotOpen => t.pinv_reason_not_open,
        Unmatched::OtherCurrency => t.pinv_reason_currency,
    }
}

fn result_page(o: &Operator, out: &ImportOutcome, ids: &[(String, String)]) -> ResultPage {
    let lang: Lang = o.lang;
    let t = lang.t();
    let id_of = |number: &str| {
        ids.iter()
            .find(|(n, _)| n == number)
            .map(|(_, id)| id.as_str())
    };
    let pay_link = |number: &str, day: NaiveDate| {
        id_of(number).map(|id| {
            (
                format!("{}?paid_on={day}#pay", href(id)),
                fill(t.pinv_mark_paid_of, &[&number]),
            )
        })
    };
    ResultPage {
        summary: fill(
            t.pinv_import_summary,
            &[
                &out.credits,
                &out.paid.len(),
                &out.already,
                &out.to_decide.len(),
            ],
        ),
        paid: out
            .paid
            .iter()
            .map(|(number, amount)| PaidRow {
                href: id_of(number).map(href),
                number: number.clone(),
                amount: lang.money(*amount),
            })
            .collect(),
        to_decide: out
            .to_decide
            .iter()
            .map(|d| DecideRow {
                date: lang.date(d.booking_date),
                amount: lang.money(d.amount),
                counterparty: d.counterparty.clone().unwrap_or_default(),
                remittance: d.remittance.clone(),
                reason: reason_words(t, d.reason),
                about: d
                    .invoices
                    .iter()
                    .map(|n| About {
                        number: n.clone(),
                        href: id_of(n).map(href),
                        pay: if d.reason == Unmatched::NotOpen {
                            None
                        } else {
                            pay_link(n, d.booking_date)
                        },
                    })
                    .collect(),
            })
            .collect(),
        l: PlatformLayout::new(o),
    }
}

async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    // Nobody else's file is read.
    let (o, ()) = operator_with(&req, |_, _| Ok(())).await?;
    let t = o.lang.t();
    let file = match read_file(payload, camt::MAX_BYTES).await? {
        Ok(f) => f,
        Err(ErrorCode::FileTooLarge(_)) => {
            let p = form_page(&o, Some(ErrorCode::CamtTooLarge.message(t)));
            return render(StatusCode::PAYLOAD_TOO_LARGE, &p);
        }
        Err(code) => {
            let p = form_page(&o, Some(code.message(t)));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let now = state.clock.now();
    let (o, res) = operator_with(&req, move |conn, operator| {
        Ok(
            match payments::import_camt(conn, now, operator, &file.file_name, &file.bytes) {
                Ok(out) => {
                    let numbers: Vec<String> = out
                        .paid
                        .iter()
                        .map(|(n, _)| n.clone())
                        .chain(out.to_decide.iter().flat_map(|d| d.invoices.clone()))
                        .collect();
                    let ids = invoices::ids_by_number(conn, operator, &numbers)?;
                    Ok((out, ids))
                }
                Err(e) => Err(e),
            },
        )
    })
    .await?;
    match res {
        Ok((out, ids)) => render(StatusCode::OK, &result_page(&o, &out, &ids)),
        Err(AppError::Validation(errors)) => {
            let message = errors
                .0
                .first()
                .map(|(_, c)| c.message(t))
                .unwrap_or_default();
            let status = if errors.get("file") == Some(&ErrorCode::CamtTooLarge) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render(status, &form_page(&o, Some(message)))
        }
        Err(e) => Err(e),
    }
}
