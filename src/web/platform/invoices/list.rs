//! The list of every organisation's invoices and credit notes (drafts too),
//! newest first, filtered by status (and overdue), kind, organisation and
//! the days of issue, paged; the seller's notice while invoices cannot go
//! out; and the bookkeeping export (CSV) of a period, streamed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::{
    BASE, day, href, kind_words, number_or_draft, period, status_badge, status_words,
    treatment_words,
};
use crate::AppState;
use crate::domain::invoice_pdf::percent;
use crate::domain::invoices::{
    self, BOOKS_TZ, ExportPeriod, InvoiceRow, KIND_CREDIT_NOTE, KIND_INVOICE, PlatformFilter,
    PlatformFilterInput, StatusFilter,
};
use crate::domain::local_time::utc_to_local;
use crate::domain::paging::{ListParams, Page};
use crate::domain::seller;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Lang, Messages, fill};
use crate::web::csv::{self, Cell};
use crate::web::extract::operator_with;
use crate::web::form::{Choice, Field, apply_errors};
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::platform::PlatformLayout;
use crate::web::platform::seller::{Missing, missing};
use crate::web::{render, render_html};

/// The bookkeeping export.
const EXPORT: &str = "/platform/invoices/export.csv";

pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route(EXPORT, web::get().to(export));
}

/// The list's query string: paging and sort, and the filters.
#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(flatten)]
    list: ListParams,
    #[serde(flatten)]
    filter: PlatformFilterInput,
}

/// The export's period as typed.
#[derive(Deserialize, Default, Clone)]
struct ExportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

struct Row {
    href: String,
    number: String,
    credit_note: bool,
    organization_href: String,
    organization: String,
    issued: String,
    period: String,
    total: String,
    status: &'static str,
    badge: &'static str,
    pdf: Option<String>,
    pdf_label: String,
}

#[derive(Template)]
#[template(path = "platform/invoices.html")]
struct ListPage {
    l: PlatformLayout,
    /// What the seller lacks before invoices can go out.
    missing: Vec<Missing>,
    /// The rendered [`ListSection`].
    list: String,
    export_from: Field,
    export_to: Field,
}

/// The `#list` section: filters, table and paging.
#[derive(Template)]
#[template(path = "platform/_invoices_list.html")]
struct ListSection {
    t: &'static Messages,
    rows: Vec<Row>,
    pager: Pager,
    showing: String,
    /// Why the list is empty.
    empty: &'static str,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    organizations: Vec<Choice>,
    from: Field,
    to: Field,
    status_error: Option<String>,
    kind_error: Option<String>,
    organization_error: Option<String>,
    sort_issued: SortHeader,
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list_page(&req, &state, query.into_inner(), None, StatusCode::OK).await
}

/// The list's URL with the filters of `f` (the valid ones).
fn base_href(f: &PlatformFilter) -> String {
    let mut pairs: Vec<(&str, String)> = vec![];
    if let Some(s) = f.status {
        pairs.push(("status", s.as_str().to_string()));
    }
    if let Some(k) = f.kind {
        pairs.push(("kind", k.to_string()));
    }
    if let Some(o) = &f.organization_id {
        pairs.push(("organization", o.clone()));
    }
    if let Some(d) = f.from {
        pairs.push(("from", d.to_string()));
    }
    if let Some(d) = f.to {
        pairs.push(("to", d.to_string()));
    }
    if pairs.is_empty() {
        return BASE.to_string();
    }
    format!(
        "{BASE}?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// This quarter of the seller's books: the export's period unless another
/// was typed.
fn this_quarter(now: NaiveDateTime) -> (NaiveDate, NaiveDate) {
    let today = utc_to_local(BOOKS_TZ, now).date();
    let first =
        NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1).unwrap_or(today);
    let last = first
        .checked_add_months(Months::new(3))
        .and_then(|d| d.pred_opt())
        .unwrap_or(today);
    (first, last)
}

/// The list page; `export`: the export's period as typed and why it was
/// refused.
async fn list_page(
    req: &HttpRequest,
    state: &AppState,
    q: ListQuery,
    export: Option<(ExportQuery, FieldErrors)>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let request = q.list.lenient(&invoices::PLATFORM_SORT);
    let (filter, filter_errors) = PlatformFilter::parse(now, &q.filter);
    let f = filter.clone();
    let (o, (page, organizations, stored)) = operator_with(req, move |conn, operator| {
        Ok((
            invoices::platform_list(conn, operator, &f, request)?,
            invoices::invoiced_organizations(conn, operator)?,
            seller::get(conn)?,
        ))
    })
    .await?;
    let lang = o.lang;
    let t = lang.t();
    let section = list_section(
        lang,
        now,
        &q.filter,
        &filter,
        &filter_errors,
        organizations,
        &page,
    );
    let (from, to) = this_quarter(now);
    let (typed, export_errors) = match export {
        Some((typed, errors)) => (typed, Some(errors)),
        None => (
            ExportQuery {
                from: from.to_string(),
                to: to.to_string(),
            },
            None,
        ),
    };
    let mut p = ListPage {
        missing: missing(t, &stored),
        list: render_html(&section)?,
        export_from: Field::new("from", t.pinv_export_from, typed.from)
            .kind("date")
            .required()
            .id_prefix("export")
            .max(10),
        export_to: Field::new("to", t.pinv_export_to, typed.to)
            .kind("date")
            .required()
            .id_prefix("export")
            .max(10),
        l: PlatformLayout::new(&o),
    };
    if let Some(errors) = export_errors {
        apply_errors(
            &mut p.l.errors,
            &mut [&mut p.export_from, &mut p.export_to],
            &errors,
            t,
        );
    }
    render(status, &p)
}

fn list_section(
    lang: Lang,
    now: NaiveDateTime,
    typed: &PlatformFilterInput,
    f: &PlatformFilter,
    errors: &FieldErrors,
    organizations: Vec<(String, String)>,
    page: &Page<InvoiceRow>,
) -> ListSection {
    let t = lang.t();
    let base = base_href(f);
    let pager = pager(&base, page);
    let error = |name: &str| errors.get(name).map(|c| c.message(t));
    let date_field = |name: &'static str, label: &'static str, value: &Option<String>| {
        let mut field = Field::new(name, label, value.clone().unwrap_or_default())
            .kind("date")
            .id_prefix("filter")
            .max(10);
        field.error = error(name);
        field
    };
    let filtered = f.status.is_some()
        || f.kind.is_some()
        || f.organization_id.is_some()
        || f.from.is_some()
        || f.to.is_some()
        || !errors.is_empty();
    ListSection {
        t,
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        empty: if filtered {
            t.pinv_empty
        } else {
            t.pinv_none_yet
        },
        rows: page.items.iter().map(|r| row(lang, now, r)).collect(),
        statuses: StatusFilter::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_string(),
                label: match s {
                    StatusFilter::Overdue => t.pinv_status_overdue.to_string(),
                    StatusFilter::Is(s) => status_words(t, s, false).to_string(),
                },
                selected: f.status == Some(s),
            })
            .collect(),
        kinds: [KIND_INVOICE, KIND_CREDIT_NOTE]
            .into_iter()
            .map(|k| Choice {
                value: k.to_string(),
                label: kind_words(t, k == KIND_CREDIT_NOTE).to_string(),
                selected: f.kind == Some(k),
            })
            .collect(),
        organizations: organizations
            .into_iter()
            .map(|(id, name)| Choice {
                selected: f.organization_id.as_deref() == Some(id.as_str()),
                value: id,
                label: name,
            })
            .collect(),
        from: date_field("from", t.pinv_issued_from, &typed.from),
        to: date_field("to", t.pinv_issued_to, &typed.to),
        status_error: error("status"),
        kind_error: error("kind"),
        organization_error: error("organization"),
        sort_issued: sort_header(&base, &page.request, "issuedAt"),
        pager,
    }
}

fn row(lang: Lang, now: NaiveDateTime, r: &InvoiceRow) -> Row {
    let t = lang.t();
    let i = &r.invoice;
    let (status, badge) = status_badge(t, i, now);
    let number = number_or_draft(t, i);
    Row {
        href: href(&i.id),
        credit_note: i.is_credit_note(),
        organization_href: format!("/platform/organizations/{}", i.organization_id),
        organization: r.organization_name.clone(),
        issued: i
            .issued_at
            .map(|at| day(lang, r.time_zone, at))
            .unwrap_or_default(),
        period: period(lang, r.time_zone, i),
        total: lang.money(i.total),
        status,
        badge,
        pdf: i.number.as_ref().map(|_| format!("{}/pdf", href(&i.id))),
        pdf_label: fill(t.pinv_pdf_of, &[&number]),
        number,
    }
}

/// `2026-12-31` (the export's days).
fn iso_day(at: NaiveDateTime) -> String {
    utc_to_local(BOOKS_TZ, at)
        .date()
        .format("%Y-%m-%d")
        .to_string()
}

async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    // Only an operator learns even that the period was wrong.
    let (o, ()) = operator_with(&req, |_, _| Ok(())).await?;
    let typed = query.into_inner();
    let period = match ExportPeriod::parse(&typed.from, &typed.to) {
        Ok(p) => p,
        Err(AppError::Validation(errors)) => {
            return list_page(
                &req,
                &state,
                ListQuery::default(),
                Some((typed, errors)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e),
    };
    let (now, lang, operator) = (state.clock.now(), o.lang, o.operator.clone());
    let t = lang.t();
    let header = [
        t.pinv_number,
        t.pinv_csv_kind,
        t.pinv_issue_date,
        t.pinv_organization,
        t.pinv_csv_buyer_vat,
        t.pinv_csv_country,
        t.pinv_csv_treatment,
        t.pinv_csv_rate,
        t.pinv_csv_net,
        t.pinv_csv_vat,
        t.pinv_total,
        t.pinv_status,
        t.pinv_csv_paid_date,
    ];
    let file = format!("{}-{}-{}.csv", t.pinv_export_file, period.from, period.to);
    csv::stream(&state, lang, &file, &header, move |conn, out| {
        invoices::export(conn, now, &operator, &period, &mut |docs| {
            docs.iter().flatten().all(|r| {
                // The PDF's rate in English is "21%", "5.5%": the number.
                let rate = percent(Lang::En, Lang::En.t(), r.rate_bp);
                out.cells(&[
                    Cell::Text(&r.number),
                    Cell::Text(kind_words(t, r.credit_note)),
                    Cell::Text(&iso_day(r.issued_at)),
                    Cell::Text(&r.organization_name),
                    Cell::Text(&r.buyer_vat_id),
                    Cell::Text(&r.buyer_country),
                    Cell::Text(treatment_words(t, r.treatment)),
                    Cell::Text(rate.trim_end_matches('%')),
                    Cell::Euros(r.net),
                    Cell::Euros(r.vat),
                    Cell::Euros(r.total()),
                    Cell::Text(status_words(t, r.status, r.credit_note)),
                    Cell::Text(&r.paid_at.map(iso_day).unwrap_or_default()),
                ])
            })
        })
    })
    .await
}
