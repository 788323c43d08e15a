//! Payments of invoices. For now by bank transfer (the seed's
//! `manualBilling`): the operator marks an invoice paid by hand, or imports
//! the bank's statement (CAMT.053), whose credits are matched to open
//! invoices by payment reference and amount. Every way of being paid ends
//! in [`record`] with its [`Provider`]; a card provider later is another
//! `Provider`, and invoices do not change.
//!
//! Paying an overdue invoice returns its subscription from `past_due` to
//! `active` in the same transaction (`subscriptions::follow_payments`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{invoices, payments};
use crate::db::{self, DbConn, new_id};
use crate::domain::audit::{self, Event};
use crate::domain::camt::{self, Entry};
use crate::domain::invoices::{self as inv, Invoice, Status};
use crate::domain::operators::Operator;
use crate::domain::payment_reference;
use crate::domain::subscriptions;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Where a payment came from.
pub trait Provider {
    /// Its name in `payments.source`.
    fn source(&self) -> &'static str;
}

/// Marked paid by the operator.
pub struct Manual;
impl Provider for Manual {
    fn source(&self) -> &'static str {
        "manual"
    }
}

/// Matched from a bank statement.
pub struct BankStatement;
impl Provider for BankStatement {
    fn source(&self) -> &'static str {
        "camt"
    }
}

/// A payment received.
pub struct Received<'a> {
    pub invoice: &'a Invoice,
    pub amount: i64,
    pub paid_on: NaiveDateTime,
    pub bank_reference: String,
    /// A statement entry's key (the same entry is never recorded twice).
    pub entry_key: Option<String>,
}

fn invalid(field: &'static str, code: ErrorCode) -> AppError {
    AppError::Validation(FieldErrors(vec![(field, code)]))
}

/// Can `i` be paid? (Issued, not paid, not void, not a credit note.)
fn payable(i: &Invoice) -> Result<(), AppError> {
    if i.is_credit_note() {
        return Err(invalid("status", ErrorCode::InvoiceIsCreditNote));
    }
    match i.status() {
        Status::Open => Ok(()),
        Status::Draft => Err(invalid("status", ErrorCode::InvoiceNotFinalized)),
        Status::Paid => Err(invalid("status", ErrorCode::InvoiceAlreadyPaid)),
        Status::Void => Err(invalid("status", ErrorCode::InvoiceAlreadyVoid)),
    }
}

/// Record `r` through `provider` inside the caller's transaction: the
/// payment row, the invoice `paid` (compare-and-set on its status), the
/// audit event, and the subscription back to `active` when nothing else
/// is overdue.
pub fn record(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &crate::domain::actor::AuditActor,
    provider: &dyn Provider,
    r: Received<'_>,
) -> Result<(), AppError> {
    payable(r.invoice)?;
    let moved = diesel::update(
        invoices::table
            .find(&r.invoice.id)
            .filter(invoices::status.eq(Status::Open.as_str())),
    )
    .set((
        invoices::status.eq(Status::Paid.as_str()),
        invoices::paid_at.eq(Some(r.paid_on)),
        invoices::updated_at.eq(now),
        invoices::version.eq(invoices::version + 1),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Err(AppError::Conflict);
    }
    diesel::insert_into(payments::table)
        .values((
            payments::id.eq(new_id()),
            payments::invoice_id.eq(&r.invoice.id),
            payments::amount.eq(r.amount),
            payments::paid_on.eq(r.paid_on),
            payments::bank_reference.eq(&r.bank_reference),
            payments::source.eq(provider.source()),
            payments::entry_key.eq(&r.entry_key),
            payments::recorded_by.eq(&by.label),
            payments::created_at.eq(now),
        ))
        .execute(conn)?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Paid<'a> {
        number: Option<&'a str>,
        amount: i64,
        paid_on: NaiveDateTime,
        bank_reference: &'a str,
        source: &'a str,
    }
    audit::record(
        conn,
        now,
        by,
        Event::new(
            Some(&r.invoice.organization_id),
            "invoice.paid",
            "invoice",
            Some(&r.invoice.id),
        )
        .values(
            None::<&()>,
            Some(&Paid {
                number: r.invoice.number.as_deref(),
                amount: r.amount,
                paid_on: r.paid_on,
                bank_reference: &r.bank_reference,
                source: provider.source(),
            }),
        ),
    )?;
    subscriptions::follow_payments(conn, now)?;
    Ok(())
}

/// The operator marks invoice `id` (read at `version`) paid on `paid_on`
/// with the bank's reference: the full amount.
pub fn mark_paid(
    conn: &mut DbConn,
    now: NaiveDateTime,
    operator: &Operator,
    id: &str,
    version: i32,
    paid_on: &str,
    bank_reference: &str,
) -> Result<Invoice, AppError> {
    let mut e = FieldErrors::default();
    let day = match crate::domain::validate::day(paid_on) {
        Some(d) if d <= now.date() => d.and_hms_opt(12, 0, 0),
        Some(_) => {
            e.add("paid_on", ErrorCode::PaidInFuture);
            None
        }
        None if paid_on.trim().is_empty() => {
            e.add("paid_on", ErrorCode::Required);
            None
        }
        None => {
            e.add("paid_on", ErrorCode::InvalidDate);
            None
        }
    };
    let reference = bank_reference.trim().to_string();
    if reference.chars().count() > 140 {
        e.add("bank_reference", ErrorCode::TooLong(140));
    }
    e.into_result()?;
    let paid_on = day.ok_or_else(|| invalid("paid_on", ErrorCode::InvalidDate))?;
    db::write(conn, |conn| {
        let i = inv::by_id(conn, id)?;
        payable(&i)?;
        if i.version != version {
            return Err(AppError::Conflict);
        }
        record(
            conn,
            now,
            &operator.audit(),
            &Manual,
            Received {
                invoice: &i,
                amount: i.total,
                paid_on,
                bank_reference: reference.clone(),
                entry_key: None,
            },
        )?;
        inv::by_id(conn, id)
    })
}

/// Why a credit of a statement was not matched to an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmatched {
    /// No payment reference of ours in the remittance information.
    NoReference,
    /// A reference of ours, but no issued invoice carries it.
    UnknownReference,
    /// It names more than one invoice.
    SeveralInvoices,
    /// The invoice is found, the amount differs.
    AmountDiffers,
    /// The invoice is paid or void already.
    NotOpen,
    /// Not in euros.
    OtherCurrency,
}

/// One credit a person must look at.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToDecide {
    pub booking_date: NaiveDate,
    pub amount: i64,
    pub counterparty: Option<String>,
    pub remittance: String,
    pub reason: Unmatched,
    /// The invoice(s) it seems to be about.
    pub invoices: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    pub statements: usize,
    pub credits: usize,
    /// Debits and reversals: not ours to match.
    pub skipped: usize,
    /// Recorded now: (invoice number, amount).
    pub paid: Vec<(String, i64)>,
    /// Recorded by an earlier import of the same entries.
    pub already: usize,
    pub to_decide: Vec<ToDecide>,
}

/// The references of ours an entry's remittance names, without repeats:
/// a word `RF…` written whole (`RF18539007547034`) or in groups of four
/// (`RF18 5390 0754 7034`), punctuation around it ignored.
fn references(e: &Entry) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for text in &e.remittance {
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_ascii_alphanumeric())
                    .to_ascii_uppercase()
            })
            .collect();
        for (i, w) in words.iter().enumerate() {
            if !w.starts_with("RF") {
                continue;
            }
            // The longest valid reference from here: this word, then the
            // groups of at most four that follow it.
            let mut candidate = w.clone();
            let mut best = payment_reference::normalize(&candidate);
            for next in &words[i + 1..] {
                if next.is_empty() || next.len() > 4 || next.starts_with("RF") {
                    break;
                }
                candidate.push_str(next);
                if let Some(r) = payment_reference::normalize(&candidate) {
                    best = Some(r);
                }
            }
            if let Some(r) = best
                && !found.contains(&r)
            {
                found.push(r);
            }
        }
    }
    found
}

/// Import a CAMT.053 statement (the operator): every credit in euros is
/// matched by payment reference and amount; exact matches are recorded
/// paid, the rest listed for a person. One transaction: it records every
/// payment it reports or none. The same file (or an entry in a later
/// statement) twice changes nothing: an entry's key is recorded once.
pub fn import_camt(
    conn: &mut DbConn,
    now: NaiveDateTime,
    operator: &Operator,
    file_name: &str,
    bytes: &[u8],
) -> Result<ImportOutcome, AppError> {
    if bytes.len() > camt::MAX_BYTES {
        return Err(invalid("file", ErrorCode::CamtTooLarge));
    }
    let statements = camt::parse(bytes).map_err(|e| invalid("file", ErrorCode::from(e)))?;
    let by = operator.audit();
    db::write(conn, |conn| {
        let mut out = ImportOutcome {
            statements: statements.len(),
            ..ImportOutcome::default()
        };
        for entry in statements.iter().flat_map(|s| s.entries.iter()) {
            if !entry.credit || entry.reversal {
                out.skipped += 1;
                continue;
            }
            out.credits += 1;
            let seen: i64 = payments::table
                .filter(payments::entry_key.eq(&entry.key))
                .count()
                .get_result(conn)?;
            if seen > 0 {
                out.already += 1;
                continue;
            }
            let refs = references(entry);
            let decide = |reason, invoices: Vec<String>| ToDecide {
                booking_date: entry.booking_date,
                amount: entry.amount_cents,
                counterparty: entry.counterparty.clone(),
                remittance: entry.remittance.join(" / "),
                reason,
                invoices,
            };
            if entry.currency != "EUR" {
                out.to_decide.push(decide(Unmatched::OtherCurrency, vec![]));
                continue;
            }
            if refs.is_empty() {
                out.to_decide.push(decide(Unmatched::NoReference, vec![]));
                continue;
            }
            let found: Vec<Invoice> = invoices::table
                .filter(invoices::kind.eq("invoice"))
                .filter(invoices::payment_reference.eq_any(&refs))
                .select(Invoice::as_select())
                .load(conn)?;
            let numbers = || found.iter().filter_map(|i| i.number.clone()).collect();
            match found.as_slice() {
                [] => out
                    .to_decide
                    .push(decide(Unmatched::UnknownReference, vec![])),
                [i] if i.status() != Status::Open => {
                    out.to_decide.push(decide(Unmatched::NotOpen, numbers()))
                }
                [i] if i.total != entry.amount_cents => out
                    .to_decide
                    .push(decide(Unmatched::AmountDiffers, numbers())),
                [i] => {
                    record(
                        conn,
                        now,
                        &by,
                        &BankStatement,
                        Received {
                            invoice: i,
                            amount: entry.amount_cents,
                            paid_on: entry.booking_date.and_hms_opt(12, 0, 0).unwrap_or(now),
                            bank_reference: entry
                                .end_to_end_id
                                .clone()
                                .unwrap_or_else(|| entry.key.clone()),
                            entry_key: Some(entry.key.clone()),
                        },
                    )?;
                    out.paid
                        .push((i.number.clone().unwrap_or_default(), entry.amount_cents));
                }
                _ => out
                    .to_decide
                    .push(decide(Unmatched::SeveralInvoices, numbers())),
            }
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Imported<'a> {
            file: &'a str,
            statements: usize,
            credits: usize,
            paid: usize,
            already: usize,
            to_decide: usize,
        }
        audit::record(
            conn,
            now,
            &by,
            Event::new(None, "bank_statement.imported", "bank_statement", None).values(
                None::<&()>,
                Some(&Imported {
                    file: file_name,
                    statements: out.statements,
                    credits: out.credits,
                    paid: out.paid.len(),
                    already: out.already,
                    to_decide: out.to_decide.len(),
                }),
            ),
        )?;
        Ok(out)
    })
}

/// A payment as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct Payment {
    pub id: String,
    pub invoice_id: String,
    pub amount: i64,
    pub paid_on: NaiveDateTime,
    pub bank_reference: String,
    /// [`Manual`] or [`BankStatement`]'s source.
    pub source: String,
    pub entry_key: Option<String>,
    /// Who recorded it (the operator's name, or the import's).
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

/// The payments of invoice `invoice_id`, oldest first (the operator's
/// invoice page).
pub fn of_invoice(
    conn: &mut DbConn,
    _operator: &Operator,
    invoice_id: &str,
) -> QueryResult<Vec<Payment>> {
    payments::table
        .filter(payments::invoice_id.eq(invoice_id))
        .order((payments::paid_on.asc(), payments::created_at.asc()))
        .select(Payment::as_select())
        .load(conn)
}
