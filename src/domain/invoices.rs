//! Invoices and credit notes (issue 18): what a subscription owes, issued
//! as a document a Dutch bookkeeper accepts.
//!
//! - A **draft** is made in the transaction that decides what is owed (a
//!   subscription's start, its renewal, a yearly plan's mid-period
//!   increase): so it exists exactly when that change committed, once (its
//!   `idempotency_key`). A draft has no number and may be deleted.
//! - **Finalizing** gives the number from the series' counter in the same
//!   transaction (no gaps, no duplicates: a rollback gives it back), takes
//!   the seller's and the buyer's details and the VAT rate of the day,
//!   renders the PDF and stores its bytes, and puts the invoice mail (with
//!   the PDF) in the outbox. From then on nothing of it changes but its
//!   payment status.
//! - **Void** (the operator) issues a credit note in its own series with
//!   the same lines negated. Nothing numbered is ever deleted (7 years).
//! - The operator's list, page and export of every organisation's
//!   documents are in the child module `platform` (re-exported here).
//!
//! Rounding: every line is in whole cents already (prorations are rounded
//! half-up per line, `domain::proration`); VAT is computed per rate on the
//! sum of that rate's lines and rounded half away from zero
//! (`domain::vat::vat_of`), so a credit note's VAT is the invoice's negated.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{
    invoice_documents, invoice_lines, invoice_series, invoices, organizations, plans,
    subscription_charges, subscriptions,
};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::{Actor, AuditActor};
use crate::domain::audit::{self, Event};
use crate::domain::billing::{self, BillingDetails};
use crate::domain::charge_text;
use crate::domain::invoice_pdf::{self, DocKind, DocLine, InvoiceDoc, Party, VatRow};
use crate::domain::local_time::utc_to_local;
use crate::domain::mail::{self, Outgoing};
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::payment_reference;
use crate::domain::reference;
use crate::domain::scopes::Operation;
use crate::domain::seller::{self, Seller};
use crate::domain::vat::{self, Treatment};
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::{Lang, fill};

mod platform;
pub use platform::{
    BOOKS_TZ, ExportPeriod, ExportRow, InvoiceDetail, InvoiceRow, KIND_CREDIT_NOTE, KIND_INVOICE,
    PLATFORM_SORT, PlatformFilter, PlatformFilterInput, StatusFilter, export, ids_by_number,
    invoiced_organizations, platform_detail, platform_list, platform_pdf,
};

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not yet issued: no number, may change or be deleted.
    Draft,
    /// Issued (numbered, immutable), not yet paid. A credit note stays
    /// `open`: it is issued, there is nothing to pay.
    Open,
    /// Paid in full.
    Paid,
    /// Voided by a credit note.
    Void,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Draft, Status::Open, Status::Paid, Status::Void];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Paid => "paid",
            Status::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Payment references are `RF` references of this plus the invoice's
/// sequence: always nine digits or more, so one is not found by accident in
/// a short text of a bank statement.
pub const REFERENCE_BASE: i64 = 100_000_000;

/// The two series, each with its own counter.
pub const SERIES_INVOICE: &str = "invoice";
pub const SERIES_CREDIT_NOTE: &str = "credit_note";

/// A stored invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = invoices)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub id: String,
    pub organization_id: String,
    pub subscription_id: Option<String>,
    pub kind: String,
    pub credits_invoice_id: Option<String>,
    pub status: String,
    pub reason: String,
    pub series: String,
    pub sequence: Option<i64>,
    pub number: Option<String>,
    pub language: String,
    pub currency: String,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub issued_at: Option<NaiveDateTime>,
    pub due_at: Option<NaiveDateTime>,
    pub buyer: String,
    pub seller: String,
    pub vat_treatment: String,
    pub subtotal: i64,
    pub vat_amount: i64,
    pub total: i64,
    pub payment_reference: Option<String>,
    pub paid_at: Option<NaiveDateTime>,
    pub voided_at: Option<NaiveDateTime>,
    pub reminders_sent: i32,
    pub idempotency_key: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

crate::domain::cache::weigh_by_debug!(Invoice);

impl Invoice {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }

    pub fn is_credit_note(&self) -> bool {
        self.kind == "credit_note"
    }

    pub fn lang(&self) -> Lang {
        Lang::from_code(&self.language).unwrap_or(Lang::Nl)
    }

    pub fn treatment(&self) -> Treatment {
        Treatment::parse(&self.vat_treatment).unwrap_or(Treatment::Domestic)
    }

    /// The buyer as it was when the invoice was made (or issued).
    pub fn buyer(&self) -> Buyer {
        serde_json::from_str(&self.buyer).unwrap_or_default()
    }

    /// The seller as the invoice keeps it (as it was when it was issued);
    /// `None` for a draft.
    pub fn seller(&self) -> Option<Seller> {
        serde_json::from_str(&self.seller).ok()
    }

    /// Is there something to pay: an issued invoice, unpaid, of more than
    /// nothing?
    pub fn awaits_payment(&self) -> bool {
        !self.is_credit_note() && self.status() == Status::Open && self.total > 0
    }

    /// Is it issued, unpaid and past its due date at `now`?
    pub fn overdue(&self, now: NaiveDateTime) -> bool {
        !self.is_credit_note()
            && self.status() == Status::Open
            && self.total > 0
            && self.due_at.is_some_and(|d| d < now)
    }
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = invoice_lines)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLine {
    pub id: String,
    pub invoice_id: String,
    pub position: i32,
    pub kind: String,
    pub description: String,
    pub period_start: Option<NaiveDateTime>,
    pub period_end: Option<NaiveDateTime>,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub vat_rate_bp: i32,
}

/// The buyer's details as an invoice keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Buyer {
    pub legal_name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country_code: String,
    pub country_nl: String,
    pub country_en: String,
    pub eu: bool,
    pub email: String,
    pub vat_id: String,
    pub kvk_number: String,
}

impl Buyer {
    fn of(conn: &mut DbConn, d: &BillingDetails) -> QueryResult<Self> {
        let c = reference::country(conn, &d.country_code)?;
        Ok(Self {
            legal_name: d.legal_name.clone(),
            address_line: d.address_line.clone(),
            postal_code: d.postal_code.clone(),
            city: d.city.clone(),
            country_code: d.country_code.clone(),
            country_nl: c.as_ref().map_or_else(String::new, |c| c.name_nl.clone()),
            country_en: c.as_ref().map_or_else(String::new, |c| c.name_en.clone()),
            eu: c.is_some_and(|c| c.eu),
            email: d.invoice_email.clone(),
            vat_id: d.vat_id.clone(),
            kvk_number: d.kvk_number.clone(),
        })
    }

    pub fn country(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.country_nl,
            Lang::En => &self.country_en,
        }
    }

    fn treatment(&self) -> Treatment {
        Treatment::of(&self.country_code, self.eu, &self.vat_id)
    }
}

/// A line to bill, as the subscription knows it.
#[derive(Debug, Clone)]
pub struct DraftLine {
    /// `seats`, `addon`, `seats_added`, `addon_added`, `plan_upgrade`,
    /// `discount` (see `domain::charge_text`).
    pub kind: &'static str,
    pub detail: String,
    pub period: Option<(NaiveDateTime, NaiveDateTime)>,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
}

/// What to bill: made by `domain::subscriptions`.
#[derive(Debug, Clone)]
pub struct NewDraft {
    pub organization_id: String,
    pub subscription_id: String,
    /// `start`, `renewal`, `change`.
    pub reason: &'static str,
    pub period: (NaiveDateTime, NaiveDateTime),
    pub lines: Vec<DraftLine>,
    /// The pending charges this invoice carries (marked as billed by it).
    pub charge_ids: Vec<String>,
}

/// The organisation's language for documents.
fn language_of(conn: &mut DbConn, organization_id: &str) -> QueryResult<Lang> {
    let code: String = organizations::table
        .find(organization_id)
        .select(organizations::default_language)
        .first(conn)?;
    Ok(Lang::from_code(&code).unwrap_or(Lang::Nl))
}

/// Plan names by code in `lang` (a handful of rows).
fn plan_names(conn: &mut DbConn, lang: Lang) -> QueryResult<Vec<(String, String)>> {
    let rows: Vec<(String, String, String)> = plans::table
        .select((plans::code, plans::name_nl, plans::name_en))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, nl, en)| (code, if lang == Lang::Nl { nl } else { en }))
        .collect())
}

/// Make the draft for `d` inside the caller's transaction; `None` when it
/// was made before (the same subscription, reason and period start) or
/// there is nothing to bill.
pub fn create_draft(
    conn: &mut DbConn,
    now: NaiveDateTime,
    d: NewDraft,
) -> Result<Option<Invoice>, AppError> {
    if d.lines.is_empty() {
        return Ok(None);
    }
    let key = format!(
        "{}:{}:{}",
        d.subscription_id,
        d.reason,
        d.period.0.format("%Y-%m-%dT%H:%M:%S")
    );
    let exists: i64 = invoices::table
        .filter(invoices::idempotency_key.eq(&key))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(None);
    }
    let lang = language_of(conn, &d.organization_id)?;
    let buyer = match billing::details_of(conn, &d.organization_id)? {
        Some(b) => Buyer::of(conn, &b)?,
        None => Buyer::default(),
    };
    let names = plan_names(conn, lang)?;
    let plan_name = |code: &str| {
        names
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, n)| n.clone())
    };
    let treatment = buyer.treatment();
    let rate = vat::rate_for(conn, treatment, now)?;
    let id = new_id();
    let subtotal: i64 = d.lines.iter().map(|l| l.amount).sum();
    let vat_amount = vat::vat_of(subtotal, rate);
    diesel::insert_into(invoices::table)
        .values((
            invoices::id.eq(&id),
            invoices::organization_id.eq(&d.organization_id),
            invoices::subscription_id.eq(Some(&d.subscription_id)),
            invoices::kind.eq("invoice"),
            invoices::status.eq(Status::Draft.as_str()),
            invoices::reason.eq(d.reason),
            invoices::series.eq(SERIES_INVOICE),
            invoices::language.eq(lang.code()),
            invoices::currency.eq("EUR"),
            invoices::period_start.eq(d.period.0),
            invoices::period_end.eq(d.period.1),
            invoices::buyer.eq(serde_json::to_string(&buyer).unwrap_or_default()),
            invoices::vat_treatment.eq(treatment.as_str()),
            invoices::subtotal.eq(subtotal),
            invoices::vat_amount.eq(vat_amount),
            invoices::total.eq(subtotal + vat_amount),
            invoices::idempotency_key.eq(&key),
            invoices::created_at.eq(now),
            invoices::updated_at.eq(now),
        ))
        .execute(conn)?;
    for (i, l) in d.lines.iter().enumerate() {
        diesel::insert_into(invoice_lines::table)
            .values((
                invoice_lines::id.eq(new_id()),
                invoice_lines::invoice_id.eq(&id),
                invoice_lines::position.eq(i as i32 + 1),
                invoice_lines::kind.eq(l.kind),
                invoice_lines::description.eq(charge_text::describe(
                    lang, l.kind, &l.detail, l.quantity, &plan_name,
                )),
                invoice_lines::period_start.eq(l.period.map(|p| p.0)),
                invoice_lines::period_end.eq(l.period.map(|p| p.1)),
                invoice_lines::quantity.eq(l.quantity),
                invoice_lines::unit_price.eq(l.unit_price),
                invoice_lines::amount.eq(l.amount),
                invoice_lines::vat_rate_bp.eq(rate as i32),
            ))
            .execute(conn)?;
    }
    if !d.charge_ids.is_empty() {
        diesel::update(
            subscription_charges::table
                .filter(subscription_charges::id.eq_any(&d.charge_ids))
                .filter(subscription_charges::invoice_id.is_null()),
        )
        .set(subscription_charges::invoice_id.eq(&id))
        .execute(conn)?;
    }
    let invoice = must(conn, &id)?;
    audit::record(
        conn,
        now,
        &AuditActor::system("invoices"),
        Event::new(
            Some(&d.organization_id),
            "invoice.drafted",
            "invoice",
            Some(&id),
        )
        .values(None::<&()>, Some(&Summary::of(&invoice))),
    )?;
    Ok(Some(invoice))
}

/// What the audit log keeps of an invoice.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<'a> {
    number: Option<&'a str>,
    status: &'a str,
    total: i64,
    due_at: Option<NaiveDateTime>,
}

impl<'a> Summary<'a> {
    fn of(i: &'a Invoice) -> Self {
        Self {
            number: i.number.as_deref(),
            status: &i.status,
            total: i.total,
            due_at: i.due_at,
        }
    }
}

fn must(conn: &mut DbConn, id: &str) -> Result<Invoice, AppError> {
    invoices::table
        .find(id)
        .select(Invoice::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// An invoice's lines, in order.
pub fn lines_of(conn: &mut DbConn, invoice_id: &str) -> QueryResult<Vec<InvoiceLine>> {
    invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(invoice_id))
        .order(invoice_lines::position.asc())
        .select(InvoiceLine::as_select())
        .load(conn)
}

/// Take the next number of `series` (inside the caller's transaction: the
/// counter row stays locked until it commits, and a rollback gives the
/// number back).
pub fn next_number(conn: &mut DbConn, series: &str) -> QueryResult<i64> {
    diesel::update(invoice_series::table.find(series))
        .set(invoice_series::last_number.eq(invoice_series::last_number + 1))
        .returning(invoice_series::last_number)
        .get_result(conn)
}

fn invalid(field: &'static str, code: ErrorCode) -> AppError {
    AppError::Validation(FieldErrors(vec![(field, code)]))
}

/// The seller, if invoices can be issued; else why not.
pub fn ready_seller(conn: &mut DbConn) -> Result<Seller, AppError> {
    let s = seller::get(conn)?;
    if s.missing().is_empty() {
        Ok(s)
    } else {
        Err(invalid("seller", ErrorCode::SellerIncomplete))
    }
}

/// Finalize draft `id`: number, details, VAT, PDF, mail; in one
/// transaction. Refused when it is not a draft or the seller is
/// incomplete.
pub fn finalize(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &AuditActor,
    id: &str,
) -> Result<Invoice, AppError> {
    db::write(conn, |conn| {
        let draft = must(conn, id)?;
        if draft.status() != Status::Draft {
            return Err(invalid("status", ErrorCode::InvoiceNotDraft));
        }
        let seller = ready_seller(conn)?;
        // The buyer as it is now (a draft may have waited).
        let buyer = match billing::details_of(conn, &draft.organization_id)? {
            Some(b) => Buyer::of(conn, &b)?,
            None => draft.buyer(),
        };
        let treatment = buyer.treatment();
        let rate = vat::rate_for(conn, treatment, now)?;
        diesel::update(invoice_lines::table.filter(invoice_lines::invoice_id.eq(id)))
            .set(invoice_lines::vat_rate_bp.eq(rate as i32))
            .execute(conn)?;
        let subtotal = draft.subtotal;
        let vat_amount = vat::vat_of(subtotal, rate);
        let sequence = next_number(conn, SERIES_INVOICE)?;
        let number = format!("{}{sequence:06}", seller.invoice_prefix);
        let due = now + Duration::days(seller.payment_term_days.into());
        let changed = diesel::update(
            invoices::table
                .find(id)
                .filter(invoices::status.eq(Status::Draft.as_str())),
        )
        .set((
            invoices::status.eq(Status::Open.as_str()),
            invoices::sequence.eq(Some(sequence)),
            invoices::number.eq(Some(&number)),
            invoices::issued_at.eq(Some(now)),
            invoices::due_at.eq(Some(due)),
            invoices::buyer.eq(serde_json::to_string(&buyer).unwrap_or_default()),
            invoices::seller.eq(serde_json::to_string(&seller).unwrap_or_default()),
            invoices::vat_treatment.eq(treatment.as_str()),
            invoices::vat_amount.eq(vat_amount),
            invoices::total.eq(subtotal + vat_amount),
            invoices::payment_reference
                .eq(Some(payment_reference::rf_for(REFERENCE_BASE + sequence))),
            invoices::updated_at.eq(now),
            invoices::version.eq(invoices::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(AppError::Conflict);
        }
        let issued = must(conn, id)?;
        issue(conn, now, by, &issued, &seller, &buyer, None)?;
        Ok(issued)
    })
}

/// Render and store the PDF of a just-numbered document, queue its mail,
/// and audit it (inside the finalizing transaction).
fn issue(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &AuditActor,
    doc: &Invoice,
    seller: &Seller,
    buyer: &Buyer,
    credits: Option<&Invoice>,
) -> Result<(), AppError> {
    let lines = lines_of(conn, &doc.id)?;
    let tz = zone_of(conn, &doc.organization_id)?;
    let seller_country = reference::country(conn, &seller.country_code)?.map_or_else(
        || seller.country_code.clone(),
        |c| c.name(doc.lang()).to_string(),
    );
    let mut document = document(doc, &lines, seller, &seller_country, buyer, credits, tz);
    document.seller_logo = crate::domain::seller::logo(conn)?.map(|l| invoice_pdf::DocLogo {
        jpeg: l.content_type == "image/jpeg",
        width: u32::try_from(l.width).unwrap_or(1),
        height: u32::try_from(l.height).unwrap_or(1),
        bytes: l.data,
    });
    let pdf = invoice_pdf::render(&document)?;
    let sha = crate::crypto::sha256_hex(&pdf);
    diesel::insert_into(invoice_documents::table)
        .values((
            invoice_documents::invoice_id.eq(&doc.id),
            invoice_documents::pdf.eq(&pdf),
            invoice_documents::sha256.eq(&sha),
            invoice_documents::created_at.eq(now),
        ))
        .execute(conn)?;
    if !buyer.email.is_empty() {
        queue_mail(conn, now, doc, buyer, MailKind::Issued)?;
    }
    let action = if doc.is_credit_note() {
        "invoice.credit_note_issued"
    } else {
        "invoice.finalized"
    };
    audit::record(
        conn,
        now,
        by,
        Event::new(Some(&doc.organization_id), action, "invoice", Some(&doc.id))
            .values(None::<&()>, Some(&Summary::of(doc))),
    )?;
    Ok(())
}

fn zone_of(conn: &mut DbConn, organization_id: &str) -> QueryResult<chrono_tz::Tz> {
    let zone: String = organizations::table
        .find(organization_id)
        .select(organizations::time_zone)
        .first(conn)?;
    Ok(zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam))
}

/// The last day of a period ending (exclusively) at `end`, in `tz`: what
/// an invoice shows as its end. Periods end at the time of day they began
/// (a subscription started at 14:05 renews at 14:05), so the day the next
/// period begins is not shown as this one's: 3 December to 3 December
/// reads "3 december 2026 – 2 december 2027", as a year is written.
/// A period within one day (a change on its last day) ends that day.
pub fn last_day_of(
    tz: chrono_tz::Tz,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> chrono::NaiveDate {
    let first = utc_to_local(tz, start).date();
    let day = utc_to_local(tz, end).date();
    day.pred_opt().unwrap_or(day).max(first)
}

/// The VAT of an invoice's lines: one row per rate (in the order the rates
/// first appear), each rounded on the sum of its lines.
pub fn vat_rows(lines: &[InvoiceLine]) -> Vec<VatRow> {
    let mut rates: Vec<VatRow> = Vec::new();
    for l in lines {
        let rate = i64::from(l.vat_rate_bp);
        match rates.iter_mut().find(|r| r.rate_bp == rate) {
            Some(r) => r.net_cents += l.amount,
            None => rates.push(VatRow {
                rate_bp: rate,
                net_cents: l.amount,
                vat_cents: 0,
            }),
        }
    }
    for r in &mut rates {
        r.vat_cents = vat::vat_of(r.net_cents, r.rate_bp);
    }
    rates
}

/// The document to render for an issued invoice or credit note.
pub fn document(
    i: &Invoice,
    lines: &[InvoiceLine],
    seller: &Seller,
    seller_country: &str,
    buyer: &Buyer,
    credits: Option<&Invoice>,
    tz: chrono_tz::Tz,
) -> InvoiceDoc {
    let lang = i.lang();
    let day = |t: NaiveDateTime| utc_to_local(tz, t).date();
    let last_day = |a: NaiveDateTime, b: NaiveDateTime| last_day_of(tz, a, b);
    let rates = vat_rows(lines);
    let issued = i.issued_at.unwrap_or(i.created_at);
    InvoiceDoc {
        lang,
        kind: match credits {
            Some(c) => DocKind::CreditNote {
                credits: c.number.clone().unwrap_or_default(),
            },
            None => DocKind::Invoice,
        },
        number: i.number.clone().unwrap_or_default(),
        issued_on: day(issued),
        due_on: day(i.due_at.unwrap_or(issued)),
        supply: (day(i.period_start), last_day(i.period_start, i.period_end)),
        seller: Party {
            legal_name: seller.legal_name.clone(),
            address_line: seller.address_line.clone(),
            postal_code: seller.postal_code.clone(),
            city: seller.city.clone(),
            country: seller_country.to_string(),
            vat_id: Some(seller.vat_id.clone()),
            kvk_number: Some(seller.kvk_number.clone()).filter(|k| !k.is_empty()),
            email: Some(seller.email.clone()).filter(|e| !e.is_empty()),
        },
        seller_logo: None,
        seller_iban: crate::domain::iban::display(&seller.iban),
        seller_bic: seller.bic.clone(),
        buyer: Party {
            legal_name: buyer.legal_name.clone(),
            address_line: buyer.address_line.clone(),
            postal_code: buyer.postal_code.clone(),
            city: buyer.city.clone(),
            country: buyer.country(lang).to_string(),
            vat_id: Some(buyer.vat_id.clone()).filter(|v| !v.is_empty()),
            kvk_number: Some(buyer.kvk_number.clone()).filter(|k| !k.is_empty()),
            email: None,
        },
        lines: lines
            .iter()
            .map(|l| DocLine {
                description: l.description.clone(),
                period: l
                    .period_start
                    .zip(l.period_end)
                    .map(|(a, b)| (day(a), last_day(a, b))),
                quantity: l.quantity,
                unit_cents: l.unit_price,
                amount_cents: l.amount,
            })
            .collect(),
        subtotal_cents: i.subtotal,
        vat: rates,
        total_cents: i.total,
        vat_note: i.treatment().note(lang).map(str::to_string),
        payment_reference: i
            .payment_reference
            .as_deref()
            .map(payment_reference::display)
            .unwrap_or_default(),
    }
}

/// Which mail of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// At finalization (an invoice or a credit note).
    Issued,
    /// A reminder: the 1st, 2nd or 3rd.
    Reminder(i32),
}

/// Put an invoice's mail, with its PDF, in the outbox (in the invoice's
/// language, the organisation's footer appended by `mail::enqueue`).
pub fn queue_mail(
    conn: &mut DbConn,
    now: NaiveDateTime,
    i: &Invoice,
    buyer: &Buyer,
    kind: MailKind,
) -> Result<String, AppError> {
    let lang = i.lang();
    let t = lang.t();
    let tz = zone_of(conn, &i.organization_id)?;
    let number = i.number.clone().unwrap_or_default();
    let total = lang.money(i.total);
    let due = i
        .due_at
        .map(|d| lang.long_date(utc_to_local(tz, d).date()))
        .unwrap_or_default();
    let reference = i
        .payment_reference
        .as_deref()
        .map(payment_reference::display)
        .unwrap_or_default();
    let (subject, paragraphs) = match kind {
        MailKind::Issued if i.is_credit_note() => (
            fill(t.inv_mail_credit_subject, &[&number]),
            vec![fill(t.inv_mail_credit_body, &[&number, &total])],
        ),
        MailKind::Issued => (
            fill(t.inv_mail_subject, &[&number]),
            vec![
                fill(t.inv_mail_body, &[&number, &total]),
                fill(t.inv_mail_pay, &[&total, &due, &reference]),
            ],
        ),
        MailKind::Reminder(n) => (
            fill(t.inv_mail_reminder_subject, &[&n, &number]),
            vec![
                fill(t.inv_mail_reminder_body, &[&number, &total, &due]),
                fill(t.inv_mail_pay, &[&total, &due, &reference]),
            ],
        ),
    };
    let html = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", crate::domain::markdown::escape(p)))
        .collect::<Vec<_>>()
        .join("\n");
    let text = paragraphs.join("\n\n");
    let id = mail::enqueue(
        conn,
        now,
        &i.organization_id,
        Outgoing {
            recipient: &buyer.email,
            subject: &subject,
            html,
            text,
            invitation_id: None,
            password_reset_id: None,
            invoice_id: Some(&i.id),
        },
    )?;
    Ok(id)
}

/// The stored PDF of an issued invoice: `(bytes, sha256)`.
pub fn pdf_of(conn: &mut DbConn, invoice_id: &str) -> QueryResult<Option<(Vec<u8>, String)>> {
    invoice_documents::table
        .find(invoice_id)
        .select((invoice_documents::pdf, invoice_documents::sha256))
        .first(conn)
        .optional()
}

/// An issued invoice's PDF as it was stored, with its name.
pub struct Pdf {
    /// `factuur-PF-000001.pdf` (see [`file_name`]).
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// The bytes' SHA-256 (hex): their ETag.
    pub sha256: String,
}

/// The PDF of an issued invoice of the actor's organisation (a draft or
/// another organisation's: 404).
pub fn pdf(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<Pdf, AppError> {
    actor.require(Operation::InvoicePdf)?;
    let i = get(conn, actor, id)?;
    let (bytes, sha256) = pdf_of(conn, &i.id)?.ok_or(AppError::NotFound)?;
    Ok(Pdf {
        file_name: file_name(&i),
        bytes,
        sha256,
    })
}

/// The file name of an invoice's PDF (`factuur-PF-000001.pdf`).
pub fn file_name(i: &Invoice) -> String {
    let t = i.lang().t();
    let word = if i.is_credit_note() {
        t.inv_file_credit_note
    } else {
        t.inv_file_invoice
    };
    format!(
        "{word}-{}.pdf",
        i.number
            .as_deref()
            .unwrap_or(&i.id)
            .replace(['/', '\\'], "-")
    )
}

/// Void `id` (the operator): an open or paid invoice gets a credit note in
/// its own series, numbered in the same transaction, with the same lines
/// negated; the invoice becomes `void`. Voiding twice, a draft or a credit
/// note is refused. Returns the credit note.
pub fn void(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &AuditActor,
    id: &str,
    version: i32,
) -> Result<Invoice, AppError> {
    db::write(conn, |conn| {
        let inv = must(conn, id)?;
        if inv.is_credit_note() {
            return Err(invalid("status", ErrorCode::InvoiceIsCreditNote));
        }
        match inv.status() {
            Status::Draft => return Err(invalid("status", ErrorCode::InvoiceNotFinalized)),
            Status::Void => return Err(invalid("status", ErrorCode::InvoiceAlreadyVoid)),
            Status::Open | Status::Paid => {}
        }
        if inv.version != version {
            return Err(AppError::Conflict);
        }
        let seller = ready_seller(conn)?;
        let changed = diesel::update(
            invoices::table
                .find(id)
                .filter(invoices::version.eq(version)),
        )
        .set((
            invoices::status.eq(Status::Void.as_str()),
            invoices::voided_at.eq(Some(now)),
            invoices::updated_at.eq(now),
            invoices::version.eq(invoices::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(AppError::Conflict);
        }
        let sequence = next_number(conn, SERIES_CREDIT_NOTE)?;
        let number = format!("{}{sequence:06}", seller.credit_note_prefix);
        let credit_id = new_id();
        diesel::insert_into(invoices::table)
            .values((
                invoices::id.eq(&credit_id),
                invoices::organization_id.eq(&inv.organization_id),
                invoices::subscription_id.eq(&inv.subscription_id),
                invoices::kind.eq("credit_note"),
                invoices::credits_invoice_id.eq(Some(&inv.id)),
                invoices::status.eq(Status::Open.as_str()),
                invoices::reason.eq("credit"),
                invoices::series.eq(SERIES_CREDIT_NOTE),
                invoices::sequence.eq(Some(sequence)),
                invoices::number.eq(Some(&number)),
                invoices::language.eq(&inv.language),
                invoices::currency.eq(&inv.currency),
                invoices::period_start.eq(inv.period_start),
                invoices::period_end.eq(inv.period_end),
                invoices::issued_at.eq(Some(now)),
                invoices::due_at.eq(Some(now)),
                invoices::buyer.eq(&inv.buyer),
                invoices::seller.eq(serde_json::to_string(&seller).unwrap_or_default()),
                invoices::vat_treatment.eq(&inv.vat_treatment),
                invoices::subtotal.eq(-inv.subtotal),
                invoices::vat_amount.eq(-inv.vat_amount),
                invoices::total.eq(-inv.total),
                invoices::idempotency_key.eq(format!("credit:{}", inv.id)),
                invoices::created_at.eq(now),
                invoices::updated_at.eq(now),
            ))
            .execute(conn)?;
        for l in lines_of(conn, &inv.id)? {
            diesel::insert_into(invoice_lines::table)
                .values((
                    invoice_lines::id.eq(new_id()),
                    invoice_lines::invoice_id.eq(&credit_id),
                    invoice_lines::position.eq(l.position),
                    invoice_lines::kind.eq(&l.kind),
                    invoice_lines::description.eq(&l.description),
                    invoice_lines::period_start.eq(l.period_start),
                    invoice_lines::period_end.eq(l.period_end),
                    invoice_lines::quantity.eq(l.quantity),
                    invoice_lines::unit_price.eq(-l.unit_price),
                    invoice_lines::amount.eq(-l.amount),
                    invoice_lines::vat_rate_bp.eq(l.vat_rate_bp),
                ))
                .execute(conn)?;
        }
        let voided = must(conn, id)?;
        audit::record(
            conn,
            now,
            by,
            Event::new(
                Some(&inv.organization_id),
                "invoice.voided",
                "invoice",
                Some(&inv.id),
            )
            .values(Some(&Summary::of(&inv)), Some(&Summary::of(&voided))),
        )?;
        let credit = must(conn, &credit_id)?;
        issue(conn, now, by, &credit, &seller, &inv.buyer(), Some(&voided))?;
        Ok(credit)
    })
}

/// Delete a draft (the operator): it has no number, so nothing is missing
/// from a series. Its charges wait for the next invoice again.
pub fn delete_draft(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &AuditActor,
    id: &str,
) -> Result<(), AppError> {
    db::write(conn, |conn| {
        let inv = must(conn, id)?;
        if inv.status() != Status::Draft {
            return Err(invalid("status", ErrorCode::InvoiceNotDraft));
        }
        diesel::update(subscription_charges::table.filter(subscription_charges::invoice_id.eq(id)))
            .set(subscription_charges::invoice_id.eq(None::<String>))
            .execute(conn)?;
        diesel::delete(invoice_lines::table.filter(invoice_lines::invoice_id.eq(id)))
            .execute(conn)?;
        diesel::delete(
            invoices::table
                .find(id)
                .filter(invoices::status.eq(Status::Draft.as_str())),
        )
        .execute(conn)?;
        audit::record(
            conn,
            now,
            by,
            Event::new(
                Some(&inv.organization_id),
                "invoice.draft_deleted",
                "invoice",
                Some(id),
            )
            .values(Some(&Summary::of(&inv)), None::<&()>),
        )?;
        Ok(())
    })
}

/// Drafts waiting to be finalized, oldest first (the job's batch).
pub fn drafts_due(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<String>> {
    invoices::table
        .filter(invoices::status.eq(Status::Draft.as_str()))
        .order((invoices::created_at.asc(), invoices::id.asc()))
        .limit(limit)
        .select(invoices::id)
        .load(conn)
}

/// How invoice lists sort: by issue, newest first.
pub const SORT: SortSpec = SortSpec {
    fields: &["issuedAt"],
    default: "issuedAt",
    default_desc: true,
};

/// The issued invoices and credit notes of the actor's organisation (of
/// one of its subscriptions: another organisation's is 404), newest first
/// by default; drafts are the operator's business.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    subscription_id: Option<&str>,
    page: PageRequest,
) -> Result<Page<Invoice>, AppError> {
    actor.require(Operation::SubscriptionInvoices)?;
    if let Some(sub) = subscription_id {
        let ours: i64 = subscriptions::table
            .find(sub)
            .filter(subscriptions::organization_id.eq(&actor.organization_id))
            .count()
            .get_result(conn)?;
        if ours == 0 {
            return Err(AppError::NotFound);
        }
    }
    let base = || {
        let mut q = invoices::table
            .filter(invoices::organization_id.eq(&actor.organization_id))
            .filter(invoices::status.ne(Status::Draft.as_str()))
            .into_boxed();
        if let Some(sub) = subscription_id {
            q = q.filter(invoices::subscription_id.eq(sub.to_string()));
        }
        q
    };
    let total = base().count().get_result(conn)?;
    let q = base();
    let q = if page.desc {
        q.order((invoices::issued_at.desc(), invoices::id.desc()))
    } else {
        q.order((invoices::issued_at.asc(), invoices::id.asc()))
    };
    let items = q
        .limit(page.size)
        .offset(page.offset())
        .select(Invoice::as_select())
        .load(conn)?;
    Ok(Page {
        items,
        request: page,
        total,
    })
}

/// One issued invoice of the actor's organisation (a draft or another
/// organisation's: 404).
pub fn get(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<Invoice, AppError> {
    actor.require(Operation::InvoiceGet)?;
    invoices::table
        .find(id)
        .filter(invoices::organization_id.eq(&actor.organization_id))
        .filter(invoices::status.ne(Status::Draft.as_str()))
        .select(Invoice::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The other half of a credit: for a credit note the invoice it credits,
/// for a voided invoice its credit note; else `None`.
pub fn counterpart(
    conn: &mut DbConn,
    actor: &Actor,
    i: &Invoice,
) -> Result<Option<Invoice>, AppError> {
    actor.require(Operation::InvoiceGet)?;
    let q = invoices::table
        .filter(invoices::organization_id.eq(&actor.organization_id))
        .filter(invoices::status.ne(Status::Draft.as_str()))
        .into_boxed();
    let q = match &i.credits_invoice_id {
        Some(credited) => q.filter(invoices::id.eq(credited.clone())),
        None if i.status() == Status::Void => {
            q.filter(invoices::credits_invoice_id.eq(Some(i.id.clone())))
        }
        None => return Ok(None),
    };
    Ok(q.select(Invoice::as_select()).first(conn).optional()?)
}

/// The open invoice of the actor's organisation to pay first: the one due
/// soonest (the oldest), if any has something to pay.
pub fn oldest_open(conn: &mut DbConn, actor: &Actor) -> Result<Option<Invoice>, AppError> {
    actor.require(Operation::SubscriptionInvoices)?;
    Ok(invoices::table
        .filter(invoices::organization_id.eq(&actor.organization_id))
        .filter(invoices::kind.eq("invoice"))
        .filter(invoices::status.eq(Status::Open.as_str()))
        .filter(invoices::total.gt(0))
        .order((invoices::due_at.asc(), invoices::issued_at.asc()))
        .select(Invoice::as_select())
        .first(conn)
        .optional()?)
}

/// Has an invoice of the subscription (issued or to be, not voided) made
/// at or after `since` taken a discount? (A once-only coupon applied at
/// `since` is then used up.)
pub fn discounted_since(
    conn: &mut DbConn,
    subscription_id: &str,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    let n: i64 = invoice_lines::table
        .inner_join(invoices::table)
        .filter(invoices::subscription_id.eq(subscription_id))
        .filter(invoices::kind.eq("invoice"))
        .filter(invoices::status.ne(Status::Void.as_str()))
        .filter(invoices::created_at.ge(since))
        .filter(invoice_lines::kind.eq("discount"))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Any invoice, for the operator and the jobs.
pub fn by_id(conn: &mut DbConn, id: &str) -> Result<Invoice, AppError> {
    must(conn, id)
}

/// Days after the due date on which an unpaid invoice gets its 1st, 2nd
/// and 3rd reminder.
pub const REMINDER_DAYS: [i64; 3] = [1, 7, 14];

/// Queue the reminders that are due (each invoice's next one, once: the
/// count moves with a compare-and-set in the same transaction as the
/// mail). Returns how many were queued.
pub fn remind_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, AppError> {
    let mut queued = 0;
    for (n, days) in REMINDER_DAYS.iter().enumerate() {
        let n = n as i32;
        let due: Vec<Invoice> = invoices::table
            .filter(invoices::kind.eq("invoice"))
            .filter(invoices::status.eq(Status::Open.as_str()))
            .filter(invoices::total.gt(0))
            .filter(invoices::reminders_sent.eq(n))
            .filter(invoices::due_at.le(now - Duration::days(*days)))
            .order(invoices::due_at.asc())
            .limit(500)
            .select(Invoice::as_select())
            .load(conn)?;
        for i in due {
            queued += db::write(conn, |conn| -> Result<usize, AppError> {
                let moved = diesel::update(
                    invoices::table
                        .find(&i.id)
                        .filter(invoices::reminders_sent.eq(n))
                        .filter(invoices::status.eq(Status::Open.as_str())),
                )
                .set(invoices::reminders_sent.eq(n + 1))
                .execute(conn)?;
                if moved == 0 {
                    return Ok(0);
                }
                let buyer = i.buyer();
                if !buyer.email.is_empty() {
                    queue_mail(conn, now, &i, &buyer, MailKind::Reminder(n + 1))?;
                }
                audit::record(
                    conn,
                    now,
                    &AuditActor::system("invoices"),
                    Event::new(
                        Some(&i.organization_id),
                        "invoice.reminded",
                        "invoice",
                        Some(&i.id),
                    ),
                )?;
                Ok(1)
            })?;
        }
    }
    Ok(queued)
}

/// The subscriptions with an issued invoice unpaid past its due date (one
/// of nothing to pay, a coupon's full discount, is never overdue).
pub fn overdue_subscriptions(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<String>> {
    invoices::table
        .filter(invoices::kind.eq("invoice"))
        .filter(invoices::status.eq(Status::Open.as_str()))
        .filter(invoices::total.gt(0))
        .filter(invoices::due_at.lt(now))
        .filter(invoices::subscription_id.is_not_null())
        .select(invoices::subscription_id.assume_not_null())
        .distinct()
        .load(conn)
}

/// Put the mail of issued document `id` in the outbox again, with its
/// stored PDF (the buyer lost it; an address was wrong and is right now:
/// the address is the one it was issued to); audited `invoice.resent`.
/// A draft has nothing to send yet, a voided invoice is not sent again
/// (its credit note is), and a buyer without an address cannot be sent
/// to. Returns the mail's id.
pub fn resend(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &AuditActor,
    id: &str,
) -> Result<String, AppError> {
    db::write(conn, |conn| {
        let i = must(conn, id)?;
        match i.status() {
            Status::Draft => return Err(invalid("status", ErrorCode::InvoiceNotFinalized)),
            Status::Void => return Err(invalid("status", ErrorCode::InvoiceAlreadyVoid)),
            Status::Open | Status::Paid => {}
        }
        let buyer = i.buyer();
        if buyer.email.trim().is_empty() {
            return Err(invalid("status", ErrorCode::InvoiceNoEmail));
        }
        let mail = queue_mail(conn, now, &i, &buyer, MailKind::Issued)?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Resent<'a> {
            number: Option<&'a str>,
            recipient: &'a str,
        }
        audit::record(
            conn,
            now,
            by,
            Event::new(
                Some(&i.organization_id),
                "invoice.resent",
                "invoice",
                Some(&i.id),
            )
            .values(
                None::<&()>,
                Some(&Resent {
                    number: i.number.as_deref(),
                    recipient: &buyer.email,
                }),
            ),
        )?;
        Ok(mail)
    })
}
