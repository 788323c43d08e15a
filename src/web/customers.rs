//! Customers: the list (search, sort, paging), the customer page (its
//! details and its contacts), the form (with a version check), and deleting
//! after a confirmation that says how many contacts go with it. Contacts are
//! added, edited and toggled inline with htmx (a row or the contacts section
//! is swapped) and the same forms work without JavaScript (a redirect back
//! to the page).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use std::sync::Arc;

use crate::AppState;
use crate::db::DbConn;
use crate::domain::actor::Actor;
use crate::domain::cache;
use crate::domain::contacts::{self, Contact, ContactPatch};
use crate::domain::customers::{self, Customer, CustomerInput};
use crate::domain::paging::{ListParams, Page};
use crate::domain::reference::{self, Country};
use crate::domain::scopes::Operation;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Lang, Messages, fill};
use crate::web::confirm::ConfirmPage;
use crate::web::country_options;
use crate::web::extract::{Member, member_with};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, SortHeader, cached_section, pager, sort_header};
use crate::web::organization::Choice;
use crate::web::shared_html::SharedHtml;
use crate::web::{is_htmx, render, render_html, see_other};

const BASE: &str = "/customers";

/// Mount `/customers`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route(BASE, web::post().to(create))
        .route("/customers/new", web::get().to(new_form))
        .route("/customers/{id}", web::get().to(show))
        .route("/customers/{id}", web::post().to(update))
        .route("/customers/{id}/edit", web::get().to(edit_form))
        .route("/customers/{id}/delete", web::get().to(confirm_delete))
        .route("/customers/{id}/delete", web::post().to(delete))
        .route("/customers/{id}/contacts", web::get().to(show))
        .route("/customers/{id}/contacts", web::post().to(contact_add))
        .route(
            "/customers/{id}/contacts/{cid}/edit",
            web::get().to(contact_edit),
        )
        .route("/customers/{id}/contacts/{cid}", web::get().to(contact_row))
        .route(
            "/customers/{id}/contacts/{cid}",
            web::post().to(contact_update),
        )
        .route(
            "/customers/{id}/contacts/{cid}/extensions/{name}",
            web::post().to(extension_add),
        )
        .route(
            "/customers/{id}/contacts/{cid}/extensions/{name}/remove",
            web::post().to(extension_remove),
        )
        .route(
            "/customers/{id}/contacts/{cid}/delete",
            web::get().to(contact_confirm_delete),
        )
        .route(
            "/customers/{id}/contacts/{cid}/delete",
            web::post().to(contact_delete),
        );
}

fn type_label(t: &Messages, v: &str) -> &'static str {
    if v == "private" {
        t.cust_type_private
    } else {
        t.cust_type_company
    }
}

// ---------------------------------------------------------------- list

struct Row {
    id: String,
    name: String,
    kind: &'static str,
    email: String,
    phone: String,
}

#[derive(Template)]
#[template(path = "customers/list.html")]
struct ListPage {
    l: LayoutCtx,
    /// The rendered [`ListSection`].
    list_html: Arc<String>,
    can_create: bool,
}

/// The `#list` section: search, table and paging.
#[derive(Template)]
#[template(path = "customers/list_section.html")]
struct ListSection {
    t: &'static Messages,
    rows: Vec<Row>,
    pager: Pager,
    showing: String,
    q: String,
    sort_name: SortHeader,
    sort_email: SortHeader,
    can_create: bool,
}

async fn list(req: HttpRequest, params: web::Query<ListParams>) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&customers::SORT);
    let asked = request.clone();
    let (m, page) = member_with(&req, move |conn, actor, _| {
        customers::list(conn, actor, request)
    })
    .await?;
    let can_create = m.actor.can(Operation::CustomerCreate);
    let list_html = cached_section(&m.actor, BASE, &asked, m.lang, &[can_create], || {
        render_html(&list_section(m.lang.t(), &page, can_create))
    })?;
    let p = ListPage {
        l: LayoutCtx::new(&m, Nav::Customers),
        list_html,
        can_create,
    };
    render(StatusCode::OK, &p)
}

fn list_section(t: &'static Messages, page: &Page<Customer>, can_create: bool) -> ListSection {
    let r = &page.request;
    let pager = pager(BASE, page);
    ListSection {
        t,
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|c| Row {
                id: c.id.clone(),
                name: c.name.clone(),
                kind: type_label(t, &c.customer_type),
                email: c.email.clone(),
                phone: c.phone.clone(),
            })
            .collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(BASE, r, "name"),
        sort_email: sort_header(BASE, r, "email"),
        can_create,
        pager,
    }
}

// ---------------------------------------------------------------- contacts

/// One contact row as the table shows it (read-only or being edited).
struct ContactView {
    id: String,
    firstname: String,
    lastname: String,
    email: String,
    mobile: String,
    /// "First Last", for the labels of the row's buttons.
    who: String,
    two_invoice: bool,
    editing: bool,
    /// Errors by field (`firstname`, …) while editing.
    errors: Vec<(&'static str, String)>,
    /// The field to focus (the first bad one) while editing.
    focus: &'static str,
}

impl ContactView {
    fn of(c: &Contact) -> Self {
        Self {
            id: c.row.id.clone(),
            firstname: c.row.firstname.clone(),
            lastname: c.row.lastname.clone(),
            email: c.row.email.clone().unwrap_or_default(),
            mobile: c.row.mobile.clone().unwrap_or_default(),
            who: format!("{} {}", c.row.firstname, c.row.lastname),
            two_invoice: c.has("TWO_INVOICE"),
            editing: false,
            errors: vec![],
            focus: "",
        }
    }

    fn edit(mut self, f: &ContactForm, errors: Option<&FieldErrors>, t: &Messages) -> Self {
        self.editing = true;
        self.focus = "firstname";
        if let Some(v) = &f.firstname {
            self.firstname.clone_from(v);
        }
        if let Some(v) = &f.lastname {
            self.lastname.clone_from(v);
        }
        if let Some(v) = &f.email {
            self.email.clone_from(v);
        }
        if let Some(v) = &f.mobile {
            self.mobile.clone_from(v);
        }
        if let Some(errors) = errors {
            self.errors = errors.0.iter().map(|(k, c)| (*k, c.message(t))).collect();
            if let Some((k, _)) = errors.0.first() {
                self.focus = k;
            }
        }
        self
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The form of a contact; a field that is not sent is `None` (unchanged).
#[derive(Deserialize, Default, Clone)]
struct ContactForm {
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    mobile: Option<String>,
}

impl ContactForm {
    fn patch(&self) -> ContactPatch {
        ContactPatch {
            firstname: self.firstname.clone(),
            lastname: self.lastname.clone(),
            email: self.email.clone(),
            mobile: self.mobile.clone(),
            version: None,
        }
    }
}

/// The contacts section of the customer page.
struct ContactsSection {
    rows: Vec<ContactView>,
    pager: Pager,
    showing: String,
    sort_firstname: SortHeader,
    sort_lastname: SortHeader,
    sort_email: SortHeader,
    add_first: Field,
    add_last: Field,
    add_email: Field,
    add_mobile: Field,
}

fn contacts_section(
    t: &Messages,
    customer_id: &str,
    page: &Page<Contact>,
    editing: Option<(&str, &ContactForm, Option<&FieldErrors>)>,
    add: Option<(&ContactForm, &FieldErrors)>,
    focus_add: bool,
) -> ContactsSection {
    let base = format!("{BASE}/{customer_id}/contacts");
    let r = &page.request;
    let pager = pager(&base, page);
    let empty = ContactForm::default();
    let f = add.map_or(&empty, |(f, _)| f);
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut add_first = Field::new("firstname", t.contact_firstname, v(&f.firstname))
        .required()
        .max(contacts::MAX_NAME)
        .autocomplete("off");
    if focus_add {
        add_first = add_first.focus();
    }
    let mut s = ContactsSection {
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|c| {
                let view = ContactView::of(c);
                match editing {
                    Some((id, f, errors)) if id == c.row.id => view.edit(f, errors, t),
                    _ => view,
                }
            })
            .collect(),
        sort_firstname: sort_header(&base, r, "firstname"),
        sort_lastname: sort_header(&base, r, "lastname"),
        sort_email: sort_header(&base, r, "email"),
        add_first,
        add_last: Field::new("lastname", t.contact_lastname, v(&f.lastname))
            .required()
            .max(contacts::MAX_NAME),
        add_email: Field::new("email", t.contact_email, v(&f.email)).kind("email"),
        add_mobile: Field::new("mobile", t.contact_mobile, v(&f.mobile))
            .kind("tel")
            .max(20),
        pager,
    };
    if let Some((_, errors)) = add {
        apply_errors(
            &mut [
                &mut s.add_first,
                &mut s.add_last,
                &mut s.add_email,
                &mut s.add_mobile,
            ],
            errors,
            t,
        );
    }
    s
}

// ---------------------------------------------------------------- form

#[derive(Template)]
#[template(path = "customers/form.html")]
struct FormPage {
    l: LayoutCtx,
    title: String,
    action: String,
    /// Where Cancel goes: the customer's page, or the list for a new one.
    cancel: String,
    version: i32,
    name: Field,
    types: Vec<Choice>,
    type_error: Option<String>,
    email: Field,
    phone: Field,
    /// The country `<option>`s, escaped already.
    countries: country_options::Options<'static>,
    country_error: Option<String>,
    notes: Field,
    stale: Option<Customer>,
}

/// A customer's page: the details and the contacts section.
#[derive(Template)]
#[template(path = "customers/show.html")]
struct ShowPage<'a> {
    l: LayoutCtx,
    c: &'a Customer,
    kind: &'static str,
    /// The country's name, or "—".
    country: &'a str,
    /// `tel:` and the number's digits (and leading `+`), when it has any.
    phone_href: Option<String>,
    can_update: bool,
    can_delete: bool,
    contacts_html: Arc<SharedHtml>,
}

/// The contacts section alone (see [`contacts_html`]).
#[derive(Template)]
#[template(path = "customers/contacts.html")]
struct ContactsHtml<'a> {
    t: &'static Messages,
    csrf: &'a str,
    cid: &'a str,
    can_update_contact: bool,
    can_delete_contact: bool,
    s: &'a ContactsSection,
}

#[derive(Deserialize, Default)]
struct CustomerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    customer_type: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    country_code: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    version: i32,
}

impl CustomerForm {
    fn input(&self) -> CustomerInput {
        CustomerInput {
            name: self.name.clone(),
            customer_type: self.customer_type.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            country_code: self.country_code.clone(),
            notes: self.notes.clone(),
            version: self.version,
        }
    }

    fn of(c: &Customer) -> Self {
        Self {
            name: c.name.clone(),
            customer_type: c.customer_type.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            country_code: c.country_code.clone().unwrap_or_default(),
            notes: c.notes.clone(),
            version: c.version,
        }
    }
}

/// The countries for the form's picker (one trip; read once per process).
async fn countries(state: &AppState, m: &Member) -> Result<Arc<Vec<Country>>, AppError> {
    let lang = m.lang;
    state
        .db(move |conn| Ok(reference::countries_by_name(conn, lang)?))
        .await
}

fn form_page(
    m: &Member,
    countries: &[Country],
    editing: Option<&Customer>,
    f: &CustomerForm,
) -> Result<FormPage, AppError> {
    let lang = m.lang;
    let l = LayoutCtx::new(m, Nav::Customers);
    let t = l.t;
    let choices = country_options::options(countries, lang, t.cust_no_country, &f.country_code);
    let kind = if f.customer_type.is_empty() {
        "company"
    } else {
        f.customer_type.as_str()
    };
    Ok(FormPage {
        title: editing.map_or_else(
            || t.cust_new.to_string(),
            |c| fill(t.cust_edit_title, &[&c.name]),
        ),
        action: editing.map_or_else(|| BASE.to_string(), |c| format!("{BASE}/{}", c.id)),
        cancel: editing.map_or_else(|| BASE.to_string(), |c| format!("{BASE}/{}", c.id)),
        version: f.version,
        name: Field::new("name", t.name, &f.name)
            .required()
            .max(customers::MAX_NAME)
            .focus(),
        types: customers::TYPES
            .iter()
            .map(|v| Choice {
                value: (*v).to_string(),
                label: type_label(t, v).to_string(),
                selected: *v == kind,
            })
            .collect(),
        type_error: None,
        email: Field::new("email", t.email, &f.email)
            .kind("email")
            .autocomplete("email"),
        phone: Field::new("phone", t.cust_phone, &f.phone)
            .kind("tel")
            .autocomplete("tel")
            .max(40),
        countries: choices,
        country_error: None,
        notes: Field::new("notes", t.cust_notes, &f.notes)
            .kind("textarea")
            .max(customers::MAX_NOTES),
        stale: None,
        l,
    })
}

fn with_errors(mut p: FormPage, errors: &FieldErrors) -> FormPage {
    let t = p.l.t;
    apply_errors(
        &mut [&mut p.name, &mut p.email, &mut p.phone, &mut p.notes],
        errors,
        t,
    );
    p.type_error = errors.get("customer_type").map(|c| c.message(t));
    p.country_error = errors.get("country_code").map(|c| c.message(t));
    p
}

async fn new_form(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerCreate)?;
    let p = form_page(
        &m,
        &countries(&state, &m).await?,
        None,
        &CustomerForm::default(),
    )?;
    render(StatusCode::OK, &p)
}

async fn create(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<CustomerForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerCreate)?;
    let f = form.into_inner();
    let (now, actor, input) = (state.clock.now(), m.actor.clone(), f.input());
    match state
        .db(move |conn| customers::create(conn, now, &actor, &input))
        .await
    {
        Ok(c) => Ok(Flash::CustomerSaved.redirect(&format!("{BASE}/{}", c.id))),
        Err(AppError::Validation(errors)) => {
            let p = with_errors(
                form_page(&m, &countries(&state, &m).await?, None, &f)?,
                &errors,
            );
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}

async fn load(state: &AppState, m: &Member, id: String) -> Result<Customer, AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| customers::get(conn, &actor, &id))
        .await
}

/// What the customer page reads besides the customer: a page of its
/// contacts and the countries (for the country's name).
struct PageData {
    contacts: Arc<Page<Contact>>,
    countries: Arc<Vec<Country>>,
}

impl PageData {
    /// Read inside a database job.
    fn read(
        conn: &mut DbConn,
        actor: &Actor,
        lang: Lang,
        customer_id: &str,
        params: &ListParams,
    ) -> Result<Self, AppError> {
        let request = params.lenient(&contacts::SORT);
        Ok(Self {
            contacts: contacts::list(conn, actor, customer_id, request)?,
            countries: reference::countries_by_name(conn, lang)?,
        })
    }

    /// Read in a job of its own.
    async fn load(
        state: &AppState,
        m: &Member,
        customer_id: &str,
        params: &ListParams,
    ) -> Result<Self, AppError> {
        let (actor, lang, id, params) = (
            m.actor.clone(),
            m.lang,
            customer_id.to_string(),
            params.clone(),
        );
        state
            .db(move |conn| Self::read(conn, &actor, lang, &id, &params))
            .await
    }
}

/// What the contacts section shows besides the rows.
#[derive(Default)]
struct SectionState<'a> {
    editing: Option<(&'a str, &'a ContactForm, Option<&'a FieldErrors>)>,
    add: Option<(&'a ContactForm, &'a FieldErrors)>,
    focus_add: bool,
    /// The status of a full page (errors: 422).
    status: Option<StatusCode>,
}

/// The customer page (or, for htmx, only its contacts section).
async fn customer_page(
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
fn customer_page_of(
    req: &HttpRequest,
    m: &Member,
    data: &PageData,
    customer: &Customer,
    section: SectionState<'_>,
) -> Result<HttpResponse, AppError> {
    let html = contacts_html(m, &customer.id, data, &section)?;
    if is_htmx(req) && !req.headers().contains_key("HX-History-Restore-Request") {
        let mut res = HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(html.with(&m.csrf).to_string());
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("HX-Request"));
        return Ok(res);
    }
    let t = m.lang.t();
    let country = customer
        .country_code
        .as_deref()
        .and_then(|code| data.countries.iter().find(|c| c.code == code))
        .map_or("—", |c| c.name(m.lang));
    let p = ShowPage {
        l: LayoutCtx::new(m, Nav::Customers),
        c: customer,
        kind: type_label(t, &customer.customer_type),
        country,
        phone_href: phone_href(&customer.phone),
        can_update: m.actor.can(Operation::CustomerUpdate),
        can_delete: m.actor.can(Operation::CustomerDelete),
        contacts_html: html,
    };
    render(section.status.unwrap_or(StatusCode::OK), &p)
}

/// A `tel:` link for a phone number as people write it ("030 234 56 78"):
/// its digits, with a leading `+` if it has one; `None` without digits.
fn phone_href(phone: &str) -> Option<String> {
    let phone = phone.trim();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let plus = if phone.starts_with('+') { "+" } else { "" };
    Some(format!("tel:{plus}{digits}"))
}

/// The contacts section of a customer's page. While nothing is being edited
/// or added it depends only on the page of contacts, the language and the
/// role: it is rendered once per data version and shared.
fn contacts_html(
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
                cid: customer_id,
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
async fn show(
    req: HttpRequest,
    id: web::Path<String>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let (id, params) = (id.into_inner(), params.into_inner());
    let (m, (c, data)) = member_with(&req, move |conn, actor, locale| {
        let c = customers::get(conn, actor, &id)?;
        let data = PageData::read(conn, actor, locale.lang, &c.id, &params)?;
        Ok((c, data))
    })
    .await?;
    customer_page_of(&req, &m, &data, &c, SectionState::default())
}

/// The customer's form.
async fn edit_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerUpdate)?;
    let c = load(&state, &m, id.into_inner()).await?;
    let p = form_page(
        &m,
        &countries(&state, &m).await?,
        Some(&c),
        &CustomerForm::of(&c),
    )?;
    render(StatusCode::OK, &p)
}

async fn update(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<CustomerForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerUpdate)?;
    let c = load(&state, &m, id.into_inner()).await?;
    let f = form.into_inner();
    let (now, actor, input, cid) = (state.clock.now(), m.actor.clone(), f.input(), c.id.clone());
    match state
        .db(move |conn| customers::update(conn, now, &actor, &cid, &input))
        .await
    {
        Ok(_) => Ok(Flash::CustomerSaved.redirect(&format!("{BASE}/{}", c.id))),
        Err(AppError::Validation(errors)) => {
            let countries = countries(&state, &m).await?;
            let p = with_errors(form_page(&m, &countries, Some(&c), &f)?, &errors);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(AppError::Conflict) => {
            let current = load(&state, &m, c.id.clone()).await?;
            let countries = countries(&state, &m).await?;
            let mut p = form_page(
                &m,
                &countries,
                Some(&current),
                &CustomerForm {
                    version: current.version,
                    ..f
                },
            )?;
            p.stale = Some(current);
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}

async fn confirm_delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerDelete)?;
    let c = load(&state, &m, id.into_inner()).await?;
    let (actor, cid) = (m.actor.clone(), c.id.clone());
    let n = state
        .db(move |conn| customers::contact_count(conn, &actor, &cid))
        .await?;
    let l = LayoutCtx::new(&m, Nav::Customers);
    let t = l.t;
    let p = ConfirmPage {
        title: t.cust_delete_title,
        text: fill(t.cust_delete_text, &[&c.name, &n]),
        action: format!("{BASE}/{}/delete", c.id),
        button: t.cust_delete,
        cancel: format!("{BASE}/{}", c.id),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

async fn delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (now, actor, id) = (state.clock.now(), m.actor.clone(), id.into_inner());
    state
        .db(move |conn| customers::delete(conn, now, &actor, &id))
        .await?;
    Ok(Flash::CustomerDeleted.redirect(BASE))
}

// ---------------------------------------------------------------- contact actions

#[derive(Template)]
#[template(path = "customers/_row.html")]
struct RowFragment {
    r: ContactView,
    t: &'static Messages,
    csrf: String,
    cid: String,
    can_delete_contact: bool,
    can_update_contact: bool,
}

fn row_fragment(m: &Member, customer_id: &str, r: ContactView) -> Result<HttpResponse, AppError> {
    let p = RowFragment {
        r,
        t: m.lang.t(),
        csrf: LayoutCtx::new(m, Nav::Customers).csrf,
        cid: customer_id.to_string(),
        can_delete_contact: m.actor.can(Operation::ContactDelete),
        can_update_contact: m.actor.can(Operation::ContactUpdate),
    };
    render(StatusCode::OK, &p)
}

fn back(customer_id: &str) -> HttpResponse {
    see_other(&format!("{BASE}/{customer_id}#contacts"))
}

async fn contact_add(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactCreate)?;
    let c = load(&state, &m, id.into_inner()).await?;
    let f = form.into_inner();
    let (now, actor, patch, cid) = (state.clock.now(), m.actor.clone(), f.patch(), c.id.clone());
    match state
        .db(move |conn| contacts::create(conn, now, &actor, &cid, &patch))
        .await
    {
        Ok(_) if is_htmx(&req) => {
            let section = SectionState {
                focus_add: true,
                ..SectionState::default()
            };
            let params = ListParams::default();
            customer_page(&req, &m, &state, &c, &params, section).await
        }
        Ok(_) => Ok(back(&c.id)),
        Err(AppError::Validation(errors)) => {
            let section = SectionState {
                add: Some((&f, &errors)),
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                ..SectionState::default()
            };
            let params = ListParams::default();
            customer_page(&req, &m, &state, &c, &params, section).await
        }
        Err(e) => Err(e),
    }
}

async fn load_contact(
    state: &AppState,
    m: &Member,
    customer_id: String,
    id: String,
) -> Result<Contact, AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| contacts::get(conn, &actor, &customer_id, &id))
        .await
}

async fn contact_row(
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, cid) = path.into_inner();
    let contact = load_contact(&state, &m, id.clone(), cid).await?;
    row_fragment(&m, &id, ContactView::of(&contact))
}

async fn contact_edit(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactUpdate)?;
    let (id, cid) = path.into_inner();
    let contact = load_contact(&state, &m, id.clone(), cid).await?;
    let f = ContactForm::default();
    if is_htmx(&req) {
        let view = ContactView::of(&contact).edit(&f, None, m.lang.t());
        return row_fragment(&m, &id, view);
    }
    let c = load(&state, &m, id).await?;
    let section = SectionState {
        editing: Some((&contact.row.id, &f, None)),
        ..SectionState::default()
    };
    let params = ListParams::default();
    customer_page(&req, &m, &state, &c, &params, section).await
}

async fn contact_update(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactUpdate)?;
    let (id, cid) = path.into_inner();
    let contact = load_contact(&state, &m, id.clone(), cid).await?;
    let f = form.into_inner();
    let (now, actor, patch, c_id, k_id) = (
        state.clock.now(),
        m.actor.clone(),
        f.patch(),
        id.clone(),
        contact.row.id.clone(),
    );
    match state
        .db(move |conn| contacts::update(conn, now, &actor, &c_id, &k_id, &patch))
        .await
    {
        Ok(after) if is_htmx(&req) => row_fragment(&m, &id, ContactView::of(&after)),
        Ok(_) => Ok(back(&id)),
        Err(AppError::Validation(errors)) if is_htmx(&req) => {
            let view = ContactView::of(&contact).edit(&f, Some(&errors), m.lang.t());
            row_fragment(&m, &id, view)
        }
        Err(AppError::Validation(errors)) => {
            let c = load(&state, &m, id).await?;
            let section = SectionState {
                editing: Some((&contact.row.id, &f, Some(&errors))),
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                ..SectionState::default()
            };
            let params = ListParams::default();
            customer_page(&req, &m, &state, &c, &params, section).await
        }
        Err(e) => Err(e),
    }
}

async fn extension(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    add: bool,
) -> Result<HttpResponse, AppError> {
    let (id, cid, name) = path.into_inner();
    let (now, actor, c_id) = (state.clock.now(), m.actor.clone(), id.clone());
    let after = state
        .db(move |conn| {
            if add {
                contacts::add_extension(conn, now, &actor, &c_id, &cid, &name)
            } else {
                contacts::remove_extension(conn, now, &actor, &c_id, &cid, &name)
            }
        })
        .await?;
    if is_htmx(&req) {
        return row_fragment(&m, &id, ContactView::of(&after));
    }
    Ok(back(&id))
}

async fn extension_add(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    extension(req, m, state, path, true).await
}

async fn extension_remove(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    extension(req, m, state, path, false).await
}

async fn contact_confirm_delete(
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactDelete)?;
    let (id, cid) = path.into_inner();
    let contact = load_contact(&state, &m, id.clone(), cid).await?;
    let l = LayoutCtx::new(&m, Nav::Customers);
    let t = l.t;
    let who = format!("{} {}", contact.row.firstname, contact.row.lastname);
    let p = ConfirmPage {
        title: t.contact_delete_title,
        text: fill(t.contact_delete_text, &[&who]),
        action: format!("{BASE}/{id}/contacts/{}/delete", contact.row.id),
        button: t.contact_delete,
        cancel: format!("{BASE}/{id}"),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

async fn contact_delete(
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, cid) = path.into_inner();
    let (now, actor, c_id) = (state.clock.now(), m.actor.clone(), id.clone());
    state
        .db(move |conn| contacts::delete(conn, now, &actor, &c_id, &cid))
        .await?;
    Ok(Flash::ContactDeleted.redirect(&format!("{BASE}/{id}")))
}

#[cfg(test)]
mod tests {
    use super::phone_href;

    #[test]
    fn a_phone_link_dials_the_digits() {
        assert_eq!(
            phone_href("030 234 56 78").as_deref(),
            Some("tel:0302345678")
        );
        assert_eq!(
            phone_href(" +31 6-1234 5678 ").as_deref(),
            Some("tel:+31612345678")
        );
        assert_eq!(phone_href("onbekend"), None);
        assert_eq!(phone_href(""), None);
    }
}
