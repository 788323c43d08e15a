//! A customer's contacts: the section's rows, and adding, editing,
//! toggling `TWO_INVOICE` and deleting a contact inline with htmx (a row
//! or the section swapped), the same forms working without JavaScript.

use super::*;

// ---------------------------------------------------------------- contacts

/// One contact row as the table shows it (read-only or being edited).
pub(super) struct ContactView {
    pub(super) id: String,
    pub(super) firstname: String,
    pub(super) lastname: String,
    pub(super) email: String,
    /// The mobile in groups (as typed while editing).
    pub(super) mobile: String,
    /// `tel:` and the mobile in E.164, when it is a number by the rule.
    pub(super) mobile_href: Option<String>,
    /// "First Last", for the labels of the row's buttons.
    pub(super) who: String,
    pub(super) two_invoice: bool,
    pub(super) editing: bool,
    /// Errors by field (`firstname`, …) while editing.
    pub(super) errors: Vec<(&'static str, String)>,
    /// The field to focus (the first bad one) while editing.
    pub(super) focus: &'static str,
}

impl ContactView {
    pub(super) fn of(c: &Contact) -> Self {
        Self {
            id: c.row.id.clone(),
            firstname: c.row.firstname.clone(),
            lastname: c.row.lastname.clone(),
            email: c.row.email.clone().unwrap_or_default(),
            mobile: c.mobile_display(),
            mobile_href: c.row.mobile.as_deref().and_then(phone::tel_href),
            who: format!("{} {}", c.row.firstname, c.row.lastname),
            two_invoice: c.has("TWO_INVOICE"),
            editing: false,
            errors: vec![],
            focus: "",
        }
    }

    pub(super) fn edit(
        mut self,
        f: &ContactForm,
        errors: Option<&FieldErrors>,
        t: &Messages,
    ) -> Self {
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

    pub(super) fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The form of a contact; a field that is not sent is `None` (unchanged).
#[derive(Deserialize, Default, Clone)]
pub(super) struct ContactForm {
    pub(super) firstname: Option<String>,
    pub(super) lastname: Option<String>,
    pub(super) email: Option<String>,
    pub(super) mobile: Option<String>,
}

impl ContactForm {
    pub(super) fn patch(&self) -> ContactPatch {
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
pub(super) struct ContactsSection {
    pub(super) rows: Vec<ContactView>,
    pub(super) pager: Pager,
    pub(super) showing: String,
    pub(super) sort_firstname: SortHeader,
    pub(super) sort_lastname: SortHeader,
    pub(super) sort_email: SortHeader,
    pub(super) add_first: Field,
    pub(super) add_last: Field,
    pub(super) add_email: Field,
    pub(super) add_mobile: Field,
    /// The error summary of the "add a contact" form.
    pub(super) add_errors: Vec<ErrorLink>,
}

pub(super) fn contacts_section(
    t: &Messages,
    customer_id: &str,
    page: &Page<Contact>,
    editing: Option<(&str, &ContactForm, Option<&FieldErrors>)>,
    add: Option<(&ContactForm, &FieldErrors)>,
    focus_add: bool,
) -> ContactsSection {
    let base = format!("{BASE}/{customer_id}/contacts");
    let r = &page.request;
    let pager = pager(&base, page).within("#contacts");
    let empty = ContactForm::default();
    let f = add.map_or(&empty, |(f, _)| f);
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut add_first = Field::new("firstname", t.contact_firstname, v(&f.firstname))
        .id_prefix("nc")
        .required()
        .max(domain::contacts::MAX_NAME)
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
            .id_prefix("nc")
            .required()
            .max(domain::contacts::MAX_NAME),
        add_email: Field::new("email", t.contact_email, v(&f.email))
            .id_prefix("nc")
            .kind("email"),
        add_mobile: Field::new("mobile", t.contact_mobile, v(&f.mobile))
            .id_prefix("nc")
            .kind("tel")
            .autocomplete("tel")
            .hint(t.phone_hint)
            .max(phone::MAX_TYPED),
        add_errors: vec![],
        pager,
    };
    if let Some((_, errors)) = add {
        apply_errors(
            &mut s.add_errors,
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

// ---------------------------------------------------------------- contact actions

#[derive(Template)]
#[template(path = "customers/_row.html")]
pub(super) struct RowFragment {
    pub(super) r: ContactView,
    pub(super) t: &'static Messages,
    pub(super) csrf: String,
    pub(super) customer_id: String,
    pub(super) can_delete_contact: bool,
    pub(super) can_update_contact: bool,
}

pub(super) fn row_fragment(
    m: &Member,
    customer_id: &str,
    r: ContactView,
) -> Result<HttpResponse, AppError> {
    let p = RowFragment {
        r,
        t: m.lang.t(),
        csrf: LayoutCtx::new(m, Nav::Customers).csrf,
        customer_id: customer_id.to_string(),
        can_delete_contact: m.actor.can(Operation::ContactDelete),
        can_update_contact: m.actor.can(Operation::ContactUpdate),
    };
    render_fragment(&p)
}

pub(super) fn back(customer_id: &str) -> HttpResponse {
    see_other(&format!("{BASE}/{customer_id}#contacts"))
}

pub(super) async fn contact_add(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactCreate)?;
    let c = load(&state, &m, id.into_inner()).await?;
    let f = form.into_inner();
    let (now, actor, patch, customer_id) =
        (state.clock.now(), m.actor.clone(), f.patch(), c.id.clone());
    match state
        .db(move |conn| domain::contacts::create(conn, now, &actor, &customer_id, &patch))
        .await
    {
        Ok(_) if Htmx::of(&req).request => {
            let section = SectionState {
                focus_add: true,
                announce: Some(m.lang.t().contact_flash_added),
                ..SectionState::default()
            };
            let params = ListParams::default();
            customer_page(&req, &m, &state, &c, &params, section).await
        }
        Ok(_) => Ok(Flash::ContactAdded.redirect(&format!("{BASE}/{}#contacts", c.id))),
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

pub(super) async fn load_contact(
    state: &AppState,
    m: &Member,
    customer_id: String,
    contact_id: String,
) -> Result<Contact, AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| domain::contacts::get(conn, &actor, &customer_id, &contact_id))
        .await
}

pub(super) async fn contact_row(
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (customer_id, contact_id) = path.into_inner();
    let contact = load_contact(&state, &m, customer_id.clone(), contact_id).await?;
    row_fragment(&m, &customer_id, ContactView::of(&contact))
}

pub(super) async fn contact_edit(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactUpdate)?;
    let (customer_id, contact_id) = path.into_inner();
    let contact = load_contact(&state, &m, customer_id.clone(), contact_id).await?;
    let f = ContactForm::default();
    if Htmx::of(&req).request {
        let view = ContactView::of(&contact).edit(&f, None, m.lang.t());
        return row_fragment(&m, &customer_id, view);
    }
    let c = load(&state, &m, customer_id).await?;
    let section = SectionState {
        editing: Some((&contact.row.id, &f, None)),
        ..SectionState::default()
    };
    let params = ListParams::default();
    customer_page(&req, &m, &state, &c, &params, section).await
}

pub(super) async fn contact_update(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactUpdate)?;
    let (customer_id, contact_id) = path.into_inner();
    let contact = load_contact(&state, &m, customer_id.clone(), contact_id).await?;
    let f = form.into_inner();
    let (now, actor, patch) = (state.clock.now(), m.actor.clone(), f.patch());
    let (of_customer, contact_id) = (customer_id.clone(), contact.row.id.clone());
    match state
        .db(move |conn| {
            domain::contacts::update(conn, now, &actor, &of_customer, &contact_id, &patch)
        })
        .await
    {
        Ok(after) if Htmx::of(&req).request => {
            row_fragment(&m, &customer_id, ContactView::of(&after))
        }
        Ok(_) => Ok(back(&customer_id)),
        Err(AppError::Validation(errors)) if Htmx::of(&req).request => {
            let view = ContactView::of(&contact).edit(&f, Some(&errors), m.lang.t());
            row_fragment(&m, &customer_id, view)
        }
        Err(AppError::Validation(errors)) => {
            let c = load(&state, &m, customer_id).await?;
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

pub(super) async fn extension(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    add: bool,
) -> Result<HttpResponse, AppError> {
    let (customer_id, contact_id, name) = path.into_inner();
    let (now, actor, of_customer) = (state.clock.now(), m.actor.clone(), customer_id.clone());
    let after = state
        .db(move |conn| {
            let (c, k) = (&of_customer, &contact_id);
            if add {
                domain::contacts::add_extension(conn, now, &actor, c, k, &name)
            } else {
                domain::contacts::remove_extension(conn, now, &actor, c, k, &name)
            }
        })
        .await?;
    if Htmx::of(&req).request {
        return row_fragment(&m, &customer_id, ContactView::of(&after));
    }
    Ok(back(&customer_id))
}

pub(super) async fn extension_add(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    extension(req, m, state, path, true).await
}

pub(super) async fn extension_remove(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    extension(req, m, state, path, false).await
}

pub(super) async fn contact_confirm_delete(
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactDelete)?;
    let (customer_id, contact_id) = path.into_inner();
    let contact = load_contact(&state, &m, customer_id.clone(), contact_id).await?;
    let l = LayoutCtx::new(&m, Nav::Customers);
    let t = l.t;
    let who = format!("{} {}", contact.row.firstname, contact.row.lastname);
    let p = ConfirmPage {
        title: t.contact_delete_title,
        text: fill(t.contact_delete_text, &[&who]),
        action: format!("{BASE}/{customer_id}/contacts/{}/delete", contact.row.id),
        button: t.contact_delete,
        cancel: format!("{BASE}/{customer_id}"),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

pub(super) async fn contact_delete(
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (customer_id, contact_id) = path.into_inner();
    let (now, actor, of_customer) = (state.clock.now(), m.actor.clone(), customer_id.clone());
    state
        .db(move |conn| domain::contacts::delete(conn, now, &actor, &of_customer, &contact_id))
        .await?;
    Ok(Flash::ContactDeleted.redirect(&format!("{BASE}/{customer_id}")))
}

/// The flash's Undo: brings back the contact this person deleted last (in
/// the last minutes) and returns to the page it was clicked on.
pub(super) async fn contact_undo(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<UndoForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ContactDelete)?;
    let (now, actor) = (state.clock.now(), m.actor.clone());
    let back = state
        .db(move |conn| domain::contacts::undo_delete(conn, now, &actor))
        .await?;
    Ok(form.answer(back.map(|_| Flash::ContactRestored)))
}
