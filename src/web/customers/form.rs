//! The customer form (new and edit, with a version check) and deleting
//! after a confirmation that says how many contacts go with it.

use super::*;

// ---------------------------------------------------------------- form

#[derive(Template)]
#[template(path = "customers/form.html")]
pub(super) struct FormPage {
    pub(super) l: LayoutCtx,
    pub(super) title: String,
    pub(super) action: String,
    /// Where Cancel goes: the customer's page, or the list for a new one.
    pub(super) cancel: String,
    pub(super) version: i32,
    pub(super) name: Field,
    pub(super) types: Vec<Choice>,
    pub(super) type_error: Option<String>,
    pub(super) email: Field,
    pub(super) phone: Field,
    /// The country `<option>`s, escaped already.
    pub(super) countries: country_options::Options<'static>,
    pub(super) country_error: Option<String>,
    pub(super) notes: Field,
    pub(super) stale: Option<Customer>,
}

#[derive(Deserialize, Default)]
pub(super) struct CustomerForm {
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) customer_type: String,
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) phone: String,
    #[serde(default)]
    pub(super) country_code: String,
    #[serde(default)]
    pub(super) notes: String,
    #[serde(default)]
    pub(super) version: i32,
}

impl CustomerForm {
    pub(super) fn input(&self) -> CustomerInput {
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

    pub(super) fn of(c: &Customer) -> Self {
        Self {
            name: c.name.clone(),
            customer_type: c.customer_type.clone(),
            email: c.email.clone(),
            phone: c.phone_display(),
            country_code: c.country_code.clone().unwrap_or_default(),
            notes: c.notes.clone(),
            version: c.version,
        }
    }
}

/// The countries for the form's picker (one trip; read once per process).
pub(super) async fn countries(state: &AppState, m: &Member) -> Result<Arc<Vec<Country>>, AppError> {
    let lang = m.lang;
    state
        .db(move |conn| Ok(reference::countries_by_name(conn, lang)?))
        .await
}

pub(super) fn form_page(
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
            .hint(t.phone_hint)
            .max(phone::MAX_TYPED),
        countries: choices,
        country_error: None,
        notes: Field::new("notes", t.cust_notes, &f.notes)
            .kind("textarea")
            .max(customers::MAX_NOTES),
        stale: None,
        l,
    })
}

pub(super) fn with_errors(mut p: FormPage, errors: &FieldErrors) -> FormPage {
    let t = p.l.t;
    apply_errors(
        &mut p.l.errors,
        &mut [&mut p.name, &mut p.email, &mut p.phone, &mut p.notes],
        errors,
        t,
    );
    p.type_error = errors.get("customer_type").map(|c| c.message(t));
    p.country_error = errors.get("country_code").map(|c| c.message(t));
    order_summary(
        &mut p.l.errors,
        &[
            ("name", ""),
            ("customer_type", t.cust_type),
            ("email", ""),
            ("phone", ""),
            ("country_code", t.cust_country),
        ],
    );
    p
}

pub(super) async fn new_form(
    m: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerCreate)?;
    let p = form_page(
        &m,
        &countries(&state, &m).await?,
        None,
        &CustomerForm::default(),
    )?;
    render(StatusCode::OK, &p)
}

pub(super) async fn create(
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

/// The customer's form.
pub(super) async fn edit_form(
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

pub(super) async fn update(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<CustomerForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerUpdate)?;
    let c = load(&state, &m, id.into_inner()).await?;
    let f = form.into_inner();
    let (now, actor, input, customer_id) =
        (state.clock.now(), m.actor.clone(), f.input(), c.id.clone());
    match state
        .db(move |conn| customers::update(conn, now, &actor, &customer_id, &input))
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

pub(super) async fn confirm_delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerDelete)?;
    let c = load(&state, &m, id.into_inner()).await?;
    let (actor, customer_id) = (m.actor.clone(), c.id.clone());
    let n = state
        .db(move |conn| customers::contact_count(conn, &actor, &customer_id))
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

pub(super) async fn delete(
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
