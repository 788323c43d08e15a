//! `/platform/invoices`: every organisation's invoices and credit notes for
//! the operator — the list with its filters and the bookkeeping export
//! (`list`), one document with what can be done to it in its state
//! (`show`), and the bank statement import (`import`). The domain checks
//! and audits; these screens only show and ask.

mod import;
mod list;
mod show;

use actix_web::web;
use chrono::NaiveDateTime;

use crate::domain::invoices::{self, Invoice, Status};
use crate::domain::local_time::utc_to_local;
use crate::domain::vat::Treatment;
use crate::i18n::{Lang, Messages};

/// The list.
const BASE: &str = "/platform/invoices";

/// Mount the invoice screens (the fixed paths before `{id}`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    list::routes(cfg);
    import::routes(cfg);
    show::routes(cfg);
}

/// A document's page.
fn href(id: &str) -> String {
    format!("{BASE}/{id}")
}

/// A document's status in words and its badge at `now`: an unpaid invoice
/// past its due date is overdue, in a colour of its own (the one the
/// organisation's own invoice list gives it); a credit note is issued
/// (there is nothing to pay).
fn status_badge(t: &Messages, i: &Invoice, now: NaiveDateTime) -> (&'static str, &'static str) {
    if i.overdue(now) {
        return (t.pinv_status_overdue, "badge-warning");
    }
    match i.status() {
        Status::Draft => (t.pinv_status_draft, "badge-muted"),
        Status::Open if i.is_credit_note() => (t.pinv_status_issued, "badge-info"),
        Status::Open => (t.pinv_status_open, "badge-info"),
        Status::Paid => (t.pinv_status_paid, "badge-success"),
        Status::Void => (t.pinv_status_void, "badge-muted"),
    }
}

/// A status in words, without the overdue judgement (the export's).
fn status_words(t: &Messages, s: Status, credit_note: bool) -> &'static str {
    match s {
        Status::Draft => t.pinv_status_draft,
        Status::Open if credit_note => t.pinv_status_issued,
        Status::Open => t.pinv_status_open,
        Status::Paid => t.pinv_status_paid,
        Status::Void => t.pinv_status_void,
    }
}

/// "Factuur" or "Creditnota".
fn kind_words(t: &Messages, credit_note: bool) -> &'static str {
    if credit_note {
        t.pinv_kind_credit_note
    } else {
        t.pinv_kind_invoice
    }
}

/// The VAT case in words.
fn treatment_words(t: &Messages, tr: Treatment) -> &'static str {
    match tr {
        Treatment::Domestic => t.pinv_treatment_domestic,
        Treatment::ReverseCharge => t.pinv_treatment_reverse_charge,
        Treatment::EuNoVatId => t.pinv_treatment_eu_no_vat_id,
        Treatment::OutsideEu => t.pinv_treatment_outside_eu,
    }
}

/// The number, or "Concept" for a draft.
fn number_or_draft(t: &Messages, i: &Invoice) -> String {
    i.number
        .clone()
        .unwrap_or_else(|| t.pinv_draft_number.to_string())
}

/// The day of `at` in `tz`, as people write it.
fn day(lang: Lang, tz: chrono_tz::Tz, at: NaiveDateTime) -> String {
    lang.date(utc_to_local(tz, at).date())
}

/// A document's period: its first and its last day (the stored end is
/// exclusive), as the PDF shows it.
fn period(lang: Lang, tz: chrono_tz::Tz, i: &Invoice) -> String {
    let last = invoices::last_day_of(tz, i.period_start, i.period_end);
    format!("{} – {}", day(lang, tz, i.period_start), lang.date(last))
}
