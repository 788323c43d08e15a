//! A customer's page: the details read-only, the upcoming meetings with it
//! (outside the shared section), and the contacts section (rendered once
//! per data version and shared, each browser's CSRF token filled in).

use super::*;
use crate::domain::meetings::{MeetingRow, With};
use crate::web::meetings::upcoming::{self, UpcomingCard};

/// A customer's page: the details and the contacts section.
#[derive(Template)]
#[template(path = "customers/show.html")]
pub(super) struct ShowPage<'a> {
    pub(super) l: LayoutCtx,
    pub(super) c: &'a Customer,
    pub(super) kind: &'static str,
    /// The country's name, or "—".
    pub(super) country: &'a str,
    /// The phone in groups, as it is when not a number by the rule.
    pub(super) phone: String,
    /// `tel:` and the phone in E.164, when it is a number by the rule.
    pub(super) phone_href: Option<String>,
    pub(super) can_update: bool,
    pub(super) can_delete: bool,
    /// The next meetings with this customer (none without the permission).
    pub(super) upcoming: Option<UpcomingCard>,
    pub(super) contacts_html: Arc<SharedHtml>,
}

/// The contacts section alone (see [`contacts_html`]).
#[derive(Template)]
#[template(path = "customers/_contacts.html")]
pub(super) struct ContactsHtml<'a> {
    pub(super) t: &'static Messages,
    pub(super) csrf: &'a str,
    pub(super) customer_id: &'a str,
    pub(super) can_update_contact: bool,
    pub(super) can_delete_contact: bool,
    pub(super) s: &'a ContactsSection,
}

/// What the customer page reads besides the customer: a page of its
/// contacts, the countries (for the country's name) and its next meetings.
pub(super) struct PageData {
    pub(super) contacts: Arc<Page<Contact>>,
    pub(super) countries: Arc<Vec<Country>>,
    pub(super) upcoming: Option<Vec<MeetingRow>>,
}

impl PageData {
    /// Read inside a database job.
    pub(super) fn read(
        conn: &mut DbConn,
        actor: &Actor,
        lang: Lang,
        now: chrono::NaiveDateTime,
        customer_id: &str,
        params: &ListParams,
    ) -> Result<Self, AppError> {
        let request = params.lenient(&domain::contacts::SORT);
        Ok(Self {
            contacts: domain::contacts::list(conn, actor, customer_id, request)?,
            countries: reference::countries_by_name(conn, lang)?,
            upcoming: upcoming::read(conn, actor, now, With::Customer(customer_id))?,
        })
    }

    /// Read in a job of its own.
    async fn load(
        state: &AppState,
        m: &Member,
        customer_id: &str,
        params: &ListParams,
    ) -> Result<Self, AppError> {
        let (actor, lang, now, id, params) = (
            m.actor.clone(),
            m.lang,
            state.clock.now(),
            customer_id.to_string(),
            params.clone(),
        );
        state
            .db(move |conn| Self::read(conn, &actor, lang, now, &id, &params))
            .await
    }
}

/// What the contacts section shows besides the rows.
#[derive(Default)]
pub(super) struct SectionState<'a> {
    pub(super) editing: Option<(&'a str, &'a ContactForm, Option<&'a FieldErrors>)>,
    pub(super) add: Option<(&'a ContactForm, &'a FieldErrors)>,
    pub(super) focus_add: bool,
    /// Said in the page's flash region when only the section is swapped
    /// (htmx), replacing what was there.
    pub(super) announce: Option<&'static str>,
    /// The status of a full page (errors: 422).
    pub(super) status: Option<StatusCode>,
}

/// The customer page (or, for htmx, only its contacts section).
pub(super) async fn customer_page(
    req: &HttpRequest,
    m: &Member,
    state: &AppState,
    customer: &Customer,
    params: &ListParams,
    section: SectionState<'_>,
) -> Result<HttpResponse, AppError> {
    let data = PageData::load(state, m, &customer.id, params).await?;
    customer_page_of(req, m, &data, customer, section)
}

/// [`customer_page`] with what it reads already read.
pub(super) fn customer_page_of(
    req: &HttpRequest,
    m: &Member,
    data: &PageData,
    customer: &Customer,
    section: SectionState<'_>,
) -> Result<HttpResponse, AppError> {
    let html = contacts_html(m, &customer.id, data, &section)?;
    if Htmx::of(req).wants_fragment() {
        let mut body = html.with(&m.csrf).to_string();
        if let Some(text) = section.announce {
            body.push_str(&format!(
                "<div id=\"flash-region\" hx-swap-oob=\"innerHTML\"><div class=\"flash flash-success\">{}</div></div>",
                crate::domain::markdown::escape(text)
            ));
        }
        return Ok(fragment(body));
    }
    let t = m.lang.t();
    let country = customer
        .country_code
        .as_deref()
        .and_then(|code| data.countries.iter().find(|c| c.code == code))
        .map_or("—", |c| c.name(m.lang));
    let mut l = LayoutCtx::new(m, Nav::Customers);
    l.errors_below = section.add.is_some_and(|(_, e)| !e.is_empty())
        || section
            .editing
            .is_some_and(|(_, _, e)| e.is_some_and(|e| !e.is_empty()));
    let p = ShowPage {
        l,
        c: customer,
        kind: type_label(t, &customer.customer_type),
        country,
        phone: customer.phone_display(),
        phone_href: phone::tel_href(&customer.phone),
        can_update: m.actor.can(Operation::CustomerUpdate),
        can_delete: m.actor.can(Operation::CustomerDelete),
        upcoming: data
            .upcoming
            .as_ref()
            .map(|rows| upcoming::card(m.lang, m.tz, rows, With::Customer(&customer.id))),
        contacts_html: html,
    };
    render(section.status.unwrap_or(StatusCode::OK), &p)
}

/// The contacts section of a customer's page. While nothing is being edited
/// or added it depends only on the page of contacts, the language and the
/// role: it is rendered once per data version and shared.
pub(super) fn contacts_html(
    m: &Member,
    customer_id: &str,
    data: &PageData,
    section: &SectionState<'_>,
) -> Result<Arc<SharedHtml>, AppError> {
    let t = m.lang.t();
    let can_update_contact = m.actor.can(Operation::ContactUpdate);
    let can_delete_contact = m.actor.can(Operation::ContactDelete);
    let render = || {
        SharedHtml::render(|csrf| {
            let s = contacts_section(
                t,
                customer_id,
                &data.contacts,
                section.editing,
                section.add,
                section.focus_add,
            );
            ContactsHtml {
                t,
                csrf,
                customer_id,
                can_update_contact,
                can_delete_contact,
                s: &s,
            }
            .render()
        })
    };
    if section.editing.is_some() || section.add.is_some() || section.focus_add {
        return render().map(Arc::new);
    }
    let key = data.contacts.request.page_key(
        "contacts-html",
        &[
            customer_id,
            m.lang.code(),
            if can_update_contact { "u" } else { "-" },
            if can_delete_contact { "d" } else { "-" },
        ],
    );
    cache::for_actor(&m.actor, key, render)
}

/// The customer page in one database job: login, customer, contacts and
/// countries.
pub(super) async fn show(
    req: HttpRequest,
    id: web::Path<String>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let (id, params) = (id.into_inner(), params.into_inner());
    let now = crate::http::request::state(&req)?.clock.now();
    let (m, (c, data)) = member_with(&req, move |conn, actor, locale| {
        let c = customers::get(conn, actor, &id)?;
        let data = PageData::read(conn, actor, locale.lang, now, &c.id, &params)?;
        Ok((c, data))
    })
    .await?;
    customer_page_of(&req, &m, &data, &c, SectionState::default())
}
