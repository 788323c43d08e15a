//! Creating a client: the form with the live permission matrix (htmx) and
//! the redirect that carries the new secret to the one page that shows it.

use super::*;

// ---------------------------------------------------------------- forms

/// The create / edit form as posted (repeated `scope` fields).
#[derive(Default)]
pub(super) struct Posted {
    pub(super) input: ClientInput,
    pub(super) version: i32,
    pub(super) confirm: bool,
    pub(super) client: Option<String>,
}

pub(super) fn parse_posted(pairs: Vec<(String, String)>) -> Posted {
    let mut p = Posted::default();
    for (k, v) in pairs {
        match k.as_str() {
            "name" => p.input.name = v,
            "description" => p.input.description = v,
            "expires_on" => p.input.expires_on = v,
            "scope" => p.input.scopes.push(v),
            "version" => p.version = v.parse().unwrap_or(-1),
            "confirm" => p.confirm = v == "1",
            "client" => p.client = Some(v).filter(|s| !s.is_empty()),
            _ => {}
        }
    }
    p
}

#[derive(Template)]
#[template(path = "api_clients/form.html")]
pub(super) struct FormPage {
    pub(super) l: LayoutCtx,
    pub(super) title: &'static str,
    pub(super) action: String,
    pub(super) cancel: String,
    pub(super) submit: &'static str,
    pub(super) editing: Option<String>,
    pub(super) version: i32,
    pub(super) name: Field,
    pub(super) description: Field,
    pub(super) expires_on: Field,
    pub(super) grid: Vec<GridRow>,
    pub(super) scope_errors: Vec<String>,
    pub(super) matrix: MatrixView,
    pub(super) stale: bool,
}

pub(super) fn form_page(
    m: &Member,
    editing: Option<&ApiClient>,
    input: &ClientInput,
    version: i32,
) -> FormPage {
    let l = LayoutCtx::new(m, Nav::ApiClients);
    let t = l.t;
    let before = editing.map(ApiClient::scope_set);
    let set = ScopeSet::parse(&input.scopes.join(" ")).unwrap_or_default();
    FormPage {
        title: if editing.is_some() {
            t.ac_edit_title
        } else {
            t.ac_new
        },
        action: editing.map_or_else(|| BASE.to_string(), |c| format!("{BASE}/{}", c.id)),
        cancel: editing.map_or_else(|| BASE.to_string(), |c| format!("{BASE}/{}", c.id)),
        submit: if editing.is_some() {
            t.save
        } else {
            t.ac_create_button
        },
        editing: editing.map(|c| c.id.clone()),
        version,
        name: Field::new("name", t.name, &input.name)
            .required()
            .max(api_clients::MAX_NAME)
            .focus(),
        description: Field::new("description", t.ac_description, &input.description)
            .kind("textarea")
            .hint(t.ac_description_hint)
            .max(api_clients::MAX_DESCRIPTION),
        expires_on: Field::new("expires_on", t.ac_expires, &input.expires_on)
            .kind("date")
            .hint(t.ac_expires_hint),
        grid: grid(t, &input.scopes),
        scope_errors: vec![],
        matrix: matrix_view(m.lang, &set, before.as_ref(), m.actor.entitlement().modules),
        stale: false,
        l,
    }
}

pub(super) fn with_errors(mut p: FormPage, errors: &FieldErrors) -> FormPage {
    let t = p.l.t;
    apply_errors(
        &mut p.l.errors,
        &mut [&mut p.name, &mut p.description, &mut p.expires_on],
        errors,
        t,
    );
    p.scope_errors = errors
        .0
        .iter()
        .filter(|(f, _)| *f == "scopes")
        .map(|(_, c)| c.message(t))
        .collect();
    p
}

pub(super) async fn new_form(m: Member) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientCreate)?;
    render(
        StatusCode::OK,
        &form_page(&m, None, &ClientInput::default(), 0),
    )
}

pub(super) async fn edit_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientUpdate)?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    render(
        StatusCode::OK,
        &form_page(&m, Some(&client), &input_of(&client, m.tz), client.version),
    )
}

pub(super) fn input_of(c: &ApiClient, tz: chrono_tz::Tz) -> ClientInput {
    ClientInput {
        name: c.name.clone(),
        description: c.description.clone(),
        scopes: c
            .scope_set()
            .scopes()
            .iter()
            .map(ToString::to_string)
            .collect(),
        expires_on: c.last_day(tz).map(|d| d.to_string()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "api_clients/_matrix_live.html")]
pub(super) struct MatrixFragment {
    pub(super) t: &'static Messages,
    pub(super) matrix: MatrixView,
}

/// htmx: the matrix for the ticked boxes, before anything is saved.
pub(super) async fn live_matrix(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientList)?;
    let posted = parse_posted(form.into_inner());
    let set = ScopeSet::new(
        posted
            .input
            .scopes
            .iter()
            .filter_map(|s| crate::domain::scopes::Scope::parse(s).ok())
            .collect(),
    );
    let before = match posted.client {
        Some(id) => Some(load(&state, &m, id).await?.0.scope_set()),
        None => None,
    };
    render_fragment(&MatrixFragment {
        t: m.lang.t(),
        matrix: matrix_view(m.lang, &set, before.as_ref(), m.actor.entitlement().modules),
    })
}

/// The new secret goes to the one page that shows it (see `web::once`):
/// it never touches the database in clear.
pub(super) fn with_secret(state: &AppState, id: &str, secret: &str) -> HttpResponse {
    once::redirect(
        state,
        &format!("{BASE}/{id}/secret"),
        &format!("{id} {secret}"),
    )
}

pub(super) async fn create(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientCreate)?;
    let posted = parse_posted(form.into_inner());
    let now = state.clock.now();
    if let Err(errors) = posted.input.validate(now, m.tz) {
        let p = with_errors(form_page(&m, None, &posted.input, 0), &errors);
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let secret = api_clients::new_secret();
    let hash = state.passwords.hash(secret.clone()).await?;
    let (actor, input) = (m.actor.clone(), posted.input.clone());
    let created = state
        .db(move |conn| api_clients::create(conn, now, &actor, &input, &hash))
        .await;
    match created {
        Ok(client) => Ok(with_secret(&state, &client.id, &secret)),
        Err(AppError::Validation(errors)) => {
            let p = with_errors(form_page(&m, None, &posted.input, 0), &errors);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}
