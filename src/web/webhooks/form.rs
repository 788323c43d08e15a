//! Creating and editing an endpoint: URL, description and the event types
//! as grouped tick boxes. The URL's form is checked by the domain, and the
//! addresses its name resolves to by the client (`check_target`): an
//! address inside the network is refused on save, as it is at every
//! connection.

use super::*;

/// The form as posted (repeated `event_type` fields).
#[derive(Default)]
pub(super) struct Posted {
    pub(super) input: EndpointInput,
    pub(super) version: i32,
}

pub(super) fn parse_posted(pairs: Vec<(String, String)>) -> Posted {
    let mut p = Posted::default();
    for (k, v) in pairs {
        match k.as_str() {
            "url" => p.input.url = v,
            "description" => p.input.description = v,
            "event_type" => p.input.event_types.push(v),
            "version" => p.version = v.parse().unwrap_or(-1),
            _ => {}
        }
    }
    p
}

#[derive(Template)]
#[template(path = "webhooks/form.html")]
pub(super) struct FormPage {
    pub(super) l: LayoutCtx,
    pub(super) title: &'static str,
    pub(super) action: String,
    pub(super) cancel: String,
    pub(super) submit: &'static str,
    pub(super) editing: bool,
    pub(super) version: i32,
    pub(super) url: Field,
    pub(super) description: Field,
    pub(super) groups: Vec<TypeGroup>,
    pub(super) type_errors: Vec<String>,
    pub(super) stale: bool,
}

pub(super) fn form_page(
    m: &Member,
    editing: Option<&Endpoint>,
    input: &EndpointInput,
    version: i32,
) -> FormPage {
    let l = LayoutCtx::new(m, Nav::Webhooks);
    let t = l.t;
    let back = editing.map_or_else(|| BASE.to_string(), |e| endpoint_path(&e.id));
    FormPage {
        title: if editing.is_some() {
            t.whs_edit_title
        } else {
            t.whs_new
        },
        action: back.clone(),
        cancel: back,
        submit: if editing.is_some() {
            t.save
        } else {
            t.whs_create_button
        },
        editing: editing.is_some(),
        version,
        url: Field::new("url", t.whs_url, &input.url)
            .kind("url")
            .required()
            .hint(t.whs_url_hint)
            .max(crate::domain::webhook_policy::MAX_URL_CHARS)
            .focus(),
        description: Field::new("description", t.whs_description, &input.description)
            .kind("textarea")
            .hint(t.whs_description_hint)
            .max(webhooks::MAX_DESCRIPTION),
        groups: type_groups(m.lang, &input.event_types),
        type_errors: vec![],
        stale: false,
        l,
    }
}

pub(super) fn with_errors(mut p: FormPage, errors: &FieldErrors) -> FormPage {
    let t = p.l.t;
    apply_errors(
        &mut p.l.errors,
        &mut [&mut p.url, &mut p.description],
        errors,
        t,
    );
    p.type_errors = errors
        .0
        .iter()
        .filter(|(f, _)| *f == "eventTypes")
        .map(|(_, c)| c.message(t))
        .collect();
    order_summary(
        &mut p.l.errors,
        &[
            ("url", ""),
            ("description", ""),
            ("eventTypes", t.whs_events),
        ],
    );
    p
}

pub(super) async fn new_form(m: Member) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::WebhookCreate)?;
    render(
        StatusCode::OK,
        &form_page(&m, None, &EndpointInput::default(), 0),
    )
}

pub(super) async fn edit_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::WebhookUpdate)?;
    let e = load(&state, &m, id.into_inner()).await?;
    render(
        StatusCode::OK,
        &form_page(&m, Some(&e), &input_of(&e), e.version),
    )
}

pub(super) fn input_of(e: &Endpoint) -> EndpointInput {
    EndpointInput {
        url: e.url.clone(),
        description: e.description.clone(),
        event_types: e.types().into_iter().map(str::to_string).collect(),
    }
}

/// The form checked: its fields, then the addresses of its host.
async fn checked(
    state: &AppState,
    input: &EndpointInput,
) -> Result<webhooks::ValidEndpoint, FieldErrors> {
    let valid = input.validate(state.webhooks.allowed())?;
    if let Err(code) = state.webhooks.check_target(&valid.url).await {
        return Err(FieldErrors(vec![("url", code)]));
    }
    Ok(valid)
}

pub(super) async fn create(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::WebhookCreate)?;
    let posted = parse_posted(form.into_inner());
    let refuse = |errors: &FieldErrors| {
        let p = with_errors(form_page(&m, None, &posted.input, 0), errors);
        render(StatusCode::UNPROCESSABLE_ENTITY, &p)
    };
    let valid = match checked(&state, &posted.input).await {
        Ok(v) => v,
        Err(errors) => return refuse(&errors),
    };
    let now = state.clock.now();
    let (actor, key) = (m.actor.clone(), state.data_key.clone());
    let created = state
        .db(move |conn| webhooks::create(conn, now, &actor, &key, &valid))
        .await;
    match created {
        Ok(w) => Ok(with_secret(&state, &w.endpoint.id, &w.secret)),
        Err(AppError::Validation(errors)) => refuse(&errors),
        Err(e) => Err(e),
    }
}

pub(super) async fn update(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::WebhookUpdate)?;
    let e = load(&state, &m, id.into_inner()).await?;
    let posted = parse_posted(form.into_inner());
    let refuse = |errors: &FieldErrors| {
        let p = with_errors(
            form_page(&m, Some(&e), &posted.input, posted.version),
            errors,
        );
        render(StatusCode::UNPROCESSABLE_ENTITY, &p)
    };
    let valid = match checked(&state, &posted.input).await {
        Ok(v) => v,
        Err(errors) => return refuse(&errors),
    };
    let now = state.clock.now();
    let (actor, eid, version) = (m.actor.clone(), e.id.clone(), posted.version);
    let saved = state
        .db(move |conn| webhooks::update(conn, now, &actor, &eid, version, &valid))
        .await;
    match saved {
        Ok(after) => Ok(Flash::WebhookSaved.redirect(&endpoint_path(&after.id))),
        Err(AppError::Validation(errors)) => refuse(&errors),
        Err(AppError::Conflict) => {
            // Keep the user's input; the form now carries the current
            // version and says that someone else saved in between.
            let mut p = form_page(&m, Some(&e), &posted.input, e.version);
            p.stale = true;
            render(StatusCode::CONFLICT, &p)
        }
        Err(err) => Err(err),
    }
}
