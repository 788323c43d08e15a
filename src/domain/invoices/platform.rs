//! The operator's side of invoices (`/platform/invoices`): every
//! organisation's invoices and credit notes, drafts too — the list with its
//! filters, one document with what its page shows, and the bookkeeping
//! export. Only an [`Operator`] may ask. (A child of `invoices`, so that
//! `invoices` itself need not know the operators: they know the users,
//! whose organisations' subscriptions make the invoices.)

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    Buyer, Invoice, InvoiceLine, Pdf, Status, file_name, invalid, lines_of, must, pdf_of, vat_rows,
};
use crate::db::schema::{invoice_documents, invoice_lines, invoices, organizations};
use crate::db::{self, DbConn};
use crate::domain::audit::{self, Event};
use crate::domain::operators::Operator;
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::seller::Seller;
use crate::domain::vat::Treatment;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// The time zone of the seller's books: the days the platform's filters and
/// the export's period name are days there.
pub const BOOKS_TZ: chrono_tz::Tz = chrono_tz::Europe::Amsterdam;

/// The two kinds of document, as stored.
pub const KIND_INVOICE: &str = "invoice";
pub const KIND_CREDIT_NOTE: &str = "credit_note";

/// The longest organisation id a filter accepts (ids are 32 characters).
const MAX_ID: usize = 64;

/// The status the operator's list is filtered by: one of the statuses (an
/// `open` one is an invoice waiting for payment: a credit note stays `open`
/// as stored, but is issued, not waiting), or `overdue` (an open invoice
/// past its due date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Is(Status),
    Overdue,
}

impl StatusFilter {
    /// In the order the filter offers them.
    pub const ALL: [StatusFilter; 5] = [
        StatusFilter::Is(Status::Draft),
        StatusFilter::Is(Status::Open),
        StatusFilter::Overdue,
        StatusFilter::Is(Status::Paid),
        StatusFilter::Is(Status::Void),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::Is(s) => s.as_str(),
            StatusFilter::Overdue => "overdue",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The list's filters as typed (a query string): anything may be in them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlatformFilterInput {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub organization: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The list's filters, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformFilter {
    /// The moment "overdue" is judged at.
    pub now: NaiveDateTime,
    pub status: Option<StatusFilter>,
    /// [`KIND_INVOICE`] or [`KIND_CREDIT_NOTE`].
    pub kind: Option<&'static str>,
    pub organization_id: Option<String>,
    /// Issued on or after this day ([`BOOKS_TZ`]).
    pub from: Option<chrono::NaiveDate>,
    /// Issued on or before this day ([`BOOKS_TZ`]).
    pub to: Option<chrono::NaiveDate>,
}

impl PlatformFilter {
    /// No filter: everything, overdue judged at `now`.
    pub fn all(now: NaiveDateTime) -> Self {
        Self {
            now,
            status: None,
            kind: None,
            organization_id: None,
            from: None,
            to: None,
        }
    }

    /// Check `input`: a status and a kind the list knows, an id of a
    /// sensible length, days written `YYYY-MM-DD` and the second not before
    /// the first. A bad value is left out of the filter and named in the
    /// errors (field names as the input's).
    pub fn parse(now: NaiveDateTime, input: &PlatformFilterInput) -> (Self, FieldErrors) {
        let mut e = FieldErrors::default();
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let mut f = Self::all(now);
        if let Some(s) = given(&input.status) {
            f.status = StatusFilter::parse(&s);
            if f.status.is_none() {
                e.add("status", ErrorCode::InvalidChoice);
            }
        }
        if let Some(k) = given(&input.kind) {
            f.kind = [KIND_INVOICE, KIND_CREDIT_NOTE]
                .into_iter()
                .find(|x| *x == k);
            if f.kind.is_none() {
                e.add("kind", ErrorCode::InvalidChoice);
            }
        }
        if let Some(o) = given(&input.organization) {
            if o.len() <= MAX_ID && o.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                f.organization_id = Some(o);
            } else {
                e.add("organization", ErrorCode::InvalidChoice);
            }
        }
        let mut day = |field: &'static str, v: &Option<String>| {
            let v = given(v)?;
            let d = crate::domain::validate::day(&v);
            if d.is_none() {
                e.add(field, ErrorCode::InvalidDate);
            }
            d
        };
        f.from = day("from", &input.from);
        f.to = day("to", &input.to);
        if let (Some(a), Some(b)) = (f.from, f.to)
            && b < a
        {
            e.add("to", ErrorCode::EndBeforeStart);
            f.to = None;
        }
        (f, e)
    }
}

/// The first moment (UTC) of `day` in the seller's books.
fn books_day_start(day: chrono::NaiveDate) -> NaiveDateTime {
    crate::domain::local_time::day_start(BOOKS_TZ, day)
}

/// One document in the operator's list, with its organisation.
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub invoice: Invoice,
    pub organization_name: String,
    /// The organisation's time zone: the document's dates are days there
    /// (as its PDF shows them).
    pub time_zone: chrono_tz::Tz,
}

/// How the operator's list sorts: newest first (by the day of issue; a
/// draft by the day it was made).
pub const PLATFORM_SORT: SortSpec = SortSpec {
    fields: &["issuedAt"],
    default: "issuedAt",
    default_desc: true,
};

/// One page of every organisation's invoices and credit notes (drafts too)
/// that `f` lets through, newest first (or oldest first), each with its
/// organisation's name: one query for the page (the organisation by a
/// join, the order by the `invoices_newest` index), one for the total.
pub fn platform_list(
    conn: &mut DbConn,
    _operator: &Operator,
    f: &PlatformFilter,
    page: PageRequest,
) -> Result<Page<InvoiceRow>, AppError> {
    let base = || {
        let mut q = invoices::table
            .inner_join(organizations::table.on(organizations::id.eq(invoices::organization_id)))
            .into_boxed::<db::Backend>();
        match f.status {
            // Waiting for payment: a credit note is issued, not open.
            Some(StatusFilter::Is(Status::Open)) => {
                q = q
                    .filter(invoices::status.eq(Status::Open.as_str()))
                    .filter(invoices::kind.eq(KIND_INVOICE));
            }
            Some(StatusFilter::Is(s)) => q = q.filter(invoices::status.eq(s.as_str())),
            // As `Invoice::overdue`: one of nothing to pay never is.
            Some(StatusFilter::Overdue) => {
                q = q
                    .filter(invoices::status.eq(Status::Open.as_str()))
                    .filter(invoices::kind.eq(KIND_INVOICE))
                    .filter(invoices::total.gt(0))
                    .filter(invoices::due_at.lt(f.now));
            }
            None => {}
        }
        if let Some(k) = f.kind {
            q = q.filter(invoices::kind.eq(k));
        }
        if let Some(o) = &f.organization_id {
            q = q.filter(invoices::organization_id.eq(o.clone()));
        }
        if let Some(d) = f.from {
            q = q.filter(invoices::issued_at.ge(books_day_start(d)));
        }
        if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
            q = q.filter(invoices::issued_at.lt(books_day_start(d)));
        }
        q
    };
    let total: i64 = base().count().get_result(conn)?;
    let newest = db::coalesce_time(invoices::issued_at, invoices::created_at);
    let q = if page.desc {
        base().order((newest.desc(), invoices::id.desc()))
    } else {
        base().order((newest.asc(), invoices::id.asc()))
    };
    let items = q
        .limit(page.size)
        .offset(page.offset())
        .select((
            Invoice::as_select(),
            organizations::name,
            organizations::time_zone,
        ))
        .load::<(Invoice, String, String)>(conn)?
        .into_iter()
        .map(|(invoice, organization_name, zone)| InvoiceRow {
            invoice,
            organization_name,
            time_zone: zone.parse().unwrap_or(BOOKS_TZ),
        })
        .collect();
    Ok(Page {
        items,
        request: page,
        total,
    })
}

/// The organisations that have invoices (id, name), by name: the list's
/// organisation filter.
pub fn invoiced_organizations(
    conn: &mut DbConn,
    _operator: &Operator,
) -> QueryResult<Vec<(String, String)>> {
    organizations::table
        .filter(diesel::dsl::exists(
            invoices::table.filter(invoices::organization_id.eq(organizations::id)),
        ))
        .order((organizations::name.asc(), organizations::id.asc()))
        .select((organizations::id, organizations::name))
        .load(conn)
}

/// One document as the operator's page shows it.
#[derive(Debug, Clone)]
pub struct InvoiceDetail {
    pub invoice: Invoice,
    pub organization_name: String,
    pub time_zone: chrono_tz::Tz,
    pub lines: Vec<InvoiceLine>,
    /// A voided invoice's credit note.
    pub credit_note: Option<Invoice>,
    /// The invoice a credit note credits.
    pub credits: Option<Invoice>,
    /// Its PDF is stored (every issued document's is).
    pub has_pdf: bool,
}

impl InvoiceDetail {
    /// The seller as the document was issued with (a draft: none yet).
    pub fn seller(&self) -> Option<Seller> {
        serde_json::from_str(&self.invoice.seller).ok()
    }
}

/// Document `id` of any organisation, with what its page shows.
pub fn platform_detail(
    conn: &mut DbConn,
    _operator: &Operator,
    id: &str,
) -> Result<InvoiceDetail, AppError> {
    let (invoice, organization_name, zone) = invoices::table
        .find(id)
        .inner_join(organizations::table.on(organizations::id.eq(invoices::organization_id)))
        .select((
            Invoice::as_select(),
            organizations::name,
            organizations::time_zone,
        ))
        .first::<(Invoice, String, String)>(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let lines = lines_of(conn, id)?;
    let credit_note = invoices::table
        .filter(invoices::credits_invoice_id.eq(id))
        .select(Invoice::as_select())
        .first(conn)
        .optional()?;
    let credits = match &invoice.credits_invoice_id {
        Some(c) => Some(must(conn, c)?),
        None => None,
    };
    let has_pdf = invoice_documents::table
        .find(id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    Ok(InvoiceDetail {
        invoice,
        organization_name,
        time_zone: zone.parse().unwrap_or(BOOKS_TZ),
        lines,
        credit_note,
        credits,
        has_pdf,
    })
}

/// The ids of the documents numbered `numbers` (number, id): links from a
/// bank statement's entries to the invoices they seem to be about.
pub fn ids_by_number(
    conn: &mut DbConn,
    _operator: &Operator,
    numbers: &[String],
) -> QueryResult<Vec<(String, String)>> {
    if numbers.is_empty() {
        return Ok(vec![]);
    }
    invoices::table
        .filter(invoices::number.eq_any(numbers))
        .select((invoices::number.assume_not_null(), invoices::id))
        .load(conn)
}

/// The stored PDF of document `id` of any organisation (a draft has none:
/// [`AppError::NotFound`]).
pub fn platform_pdf(conn: &mut DbConn, _operator: &Operator, id: &str) -> Result<Pdf, AppError> {
    let i = must(conn, id)?;
    let (bytes, sha256) = pdf_of(conn, &i.id)?.ok_or(AppError::NotFound)?;
    Ok(Pdf {
        file_name: file_name(&i),
        bytes,
        sha256,
    })
}

/// The period of the bookkeeping export: two days of the seller's books,
/// both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportPeriod {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
}

impl ExportPeriod {
    /// Both days given, written `YYYY-MM-DD`, the second not before the
    /// first (else [`AppError::Validation`] naming `from` and `to`).
    pub fn parse(from: &str, to: &str) -> Result<Self, AppError> {
        let mut e = FieldErrors::default();
        let mut day = |field: &'static str, raw: &str| {
            if raw.trim().is_empty() {
                e.add(field, ErrorCode::Required);
                return None;
            }
            let d = crate::domain::validate::day(raw);
            if d.is_none() {
                e.add(field, ErrorCode::InvalidDate);
            }
            d
        };
        let (a, b) = (day("from", from), day("to", to));
        if let (Some(a), Some(b)) = (a, b)
            && b < a
        {
            e.add("to", ErrorCode::EndBeforeStart);
        }
        e.into_result()?;
        match (a, b) {
            (Some(from), Some(to)) => Ok(Self { from, to }),
            _ => Err(invalid("from", ErrorCode::InvalidDate)),
        }
    }
}

/// One line of the bookkeeping export: an issued document at one VAT rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub number: String,
    pub credit_note: bool,
    pub issued_at: NaiveDateTime,
    pub organization_name: String,
    pub buyer_vat_id: String,
    /// The buyer's country code.
    pub buyer_country: String,
    pub treatment: Treatment,
    pub rate_bp: i64,
    /// Cents, negative on a credit note.
    pub net: i64,
    pub vat: i64,
    pub status: Status,
    pub paid_at: Option<NaiveDateTime>,
}

impl ExportRow {
    pub fn total(&self) -> i64 {
        self.net + self.vat
    }
}

/// What the export reads of a document.
#[derive(Queryable)]
struct ExportDoc {
    id: String,
    number: Option<String>,
    kind: String,
    status: String,
    issued_at: Option<NaiveDateTime>,
    buyer: String,
    vat_treatment: String,
    subtotal: i64,
    vat_amount: i64,
    paid_at: Option<NaiveDateTime>,
    organization_name: String,
}

/// A document's rows: its lines' net amounts summed per VAT rate, the VAT
/// of each sum (as on the PDF); a document without lines, one row of its
/// totals.
fn export_rows(d: ExportDoc, lines: &[InvoiceLine]) -> Vec<ExportRow> {
    let rates = vat_rows(lines);
    let buyer: Buyer = serde_json::from_str(&d.buyer).unwrap_or_default();
    let row = |rate_bp: i64, net: i64, vat: i64| ExportRow {
        number: d.number.clone().unwrap_or_default(),
        credit_note: d.kind == KIND_CREDIT_NOTE,
        issued_at: d.issued_at.unwrap_or_default(),
        organization_name: d.organization_name.clone(),
        buyer_vat_id: buyer.vat_id.clone(),
        buyer_country: buyer.country_code.clone(),
        treatment: Treatment::parse(&d.vat_treatment).unwrap_or(Treatment::Domestic),
        rate_bp,
        net,
        vat,
        status: Status::parse(&d.status).unwrap_or(Status::Open),
        paid_at: d.paid_at,
    };
    if rates.is_empty() {
        return vec![row(0, d.subtotal, d.vat_amount)];
    }
    rates
        .into_iter()
        .map(|r| row(r.rate_bp, r.net_cents, r.vat_cents))
        .collect()
}

/// The bookkeeping export (the operator): every document issued in
/// `period` (days of [`BOOKS_TZ`]), invoices then credit notes, each in
/// number order, as its rows per VAT rate, a chunk of documents at a time
/// to `each`; audited (`invoice.exported`, with the period and the number
/// of documents) before the first row is read.
pub fn export(
    conn: &mut DbConn,
    now: NaiveDateTime,
    operator: &Operator,
    period: &ExportPeriod,
    each: crate::domain::export::Each<'_, Vec<ExportRow>>,
) -> Result<u64, AppError> {
    let from = books_day_start(period.from);
    let until = books_day_start(period.to.succ_opt().unwrap_or(period.to));
    let issued = move || {
        invoices::table
            .filter(invoices::status.ne(Status::Draft.as_str()))
            .filter(invoices::issued_at.ge(from))
            .filter(invoices::issued_at.lt(until))
    };
    db::write(conn, |conn| {
        let documents: i64 = issued().count().get_result(conn)?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Exported {
            from: chrono::NaiveDate,
            to: chrono::NaiveDate,
            documents: i64,
        }
        audit::record(
            conn,
            now,
            &operator.audit(),
            Event::new(None, "invoice.exported", "invoice", None).values(
                None::<&()>,
                Some(&Exported {
                    from: period.from,
                    to: period.to,
                    documents,
                }),
            ),
        )
    })?;
    crate::domain::export::in_chunks(
        conn,
        crate::domain::export::CHUNK,
        |c, offset, limit| {
            let docs: Vec<ExportDoc> = issued()
                .inner_join(
                    organizations::table.on(organizations::id.eq(invoices::organization_id)),
                )
                // 'invoice' after 'credit_note': invoices first.
                .order((invoices::series.desc(), invoices::sequence.asc()))
                .limit(limit)
                .offset(offset)
                .select((
                    invoices::id,
                    invoices::number,
                    invoices::kind,
                    invoices::status,
                    invoices::issued_at,
                    invoices::buyer,
                    invoices::vat_treatment,
                    invoices::subtotal,
                    invoices::vat_amount,
                    invoices::paid_at,
                    organizations::name,
                ))
                .load(c)?;
            let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
            let lines: Vec<InvoiceLine> = invoice_lines::table
                .filter(invoice_lines::invoice_id.eq_any(&ids))
                .order((
                    invoice_lines::invoice_id.asc(),
                    invoice_lines::position.asc(),
                ))
                .select(InvoiceLine::as_select())
                .load(c)?;
            let mut by_doc: std::collections::HashMap<String, Vec<InvoiceLine>> =
                std::collections::HashMap::with_capacity(docs.len());
            for l in lines {
                by_doc.entry(l.invoice_id.clone()).or_default().push(l);
            }
            Ok(docs
                .into_iter()
                .map(|d| {
                    let lines = by_doc.remove(&d.id).unwrap_or_default();
                    export_rows(d, &lines)
                })
                .collect())
        },
        each,
    )
}
