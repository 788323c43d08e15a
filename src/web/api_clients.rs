//! Settings → API Clients: list, create (with the live permission matrix),
//! the secret shown once, the client page (matrix, dry-run tester, rotate,
//! disable, delete) and editing with a confirmed scope difference.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::api_clients::{self, ApiClient, ClientInput, Grace, Secret};
use crate::domain::paging::ListParams;
use crate::domain::scopes::{Operation, ScopeSet};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Messages, fill};
use crate::web::api_clients_view::*;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::{is_htmx, once, render};

const BASE: &str = "/settings/api-clients";

/// Mount `/settings/api-clients`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(BASE)
            .route("", web::get().to(list))
            .route("", web::post().to(create))
            .route("/new", web::get().to(new_form))
            .route("/matrix", web::post().to(live_matrix))
            .route("/{id}", web::get().to(show))
            .route("/{id}", web::post().to(update))
            .route("/{id}/edit", web::get().to(edit_form))
            .route("/{id}/secret", web::get().to(secret))
            .route("/{id}/rotate", web::post().to(rotate))
            .route("/{id}/disable", web::post().to(disable))
            .route("/{id}/enable", web::post().to(enable))
            .route("/{id}/delete", web::get().to(delete_form))
            .route("/{id}/delete", web::post().to(delete))
            .route("/{id}/test", web::get().to(test)),
    );
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "api_clients/list.html")]
struct ListPage {
    l: LayoutCtx,
    rows: Vec<RowView>,
    pager: Pager,
    showing: String,
    q: String,
    sort_name: SortHeader,
    sort_created: SortHeader,
    sort_used: SortHeader,
}

async fn list(
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&api_clients::SORT);
    let actor = m.actor.clone();
    let page = state
        .db(move |conn| api_clients::list(conn, &actor, request.clone()))
        .await?;
    let now = state.clock.now();
    let l = LayoutCtx::new(&m, Nav::ApiClients);
    let r = &page.request;
    let pager = pager(BASE, &page);
    let p = ListPage {
        showing: fill(l.t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|row| row_view(m.lang, m.tz, now, &row.client, &row.secrets))
            .collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(BASE, r, "name"),
        sort_created: sort_header(BASE, r, "createdAt"),
        sort_used: sort_header(BASE, r, "lastUsedAt"),
        pager,
        l,
    };
    render(StatusCode::OK, &p)
}

// ---------------------------------------------------------------- forms

/// The create / edit form as posted (repeated `scope` fields).
#[derive(Default)]
struct Posted {
    input: ClientInput,
    version: i32,
    confirm: bool,
    client: Option<String>,
}

fn parse_posted(pairs: Vec<(String, String)>) -> Posted {
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
struct FormPage {
    l: LayoutCtx,
    title: &'static str,
    action: String,
    cancel: String,
    submit: &'static str,
    editing: Option<String>,
    version: i32,
    name: Field,
    description: Field,
    expires_on: Field,
    grid: Vec<GridRow>,
    scope_errors: Vec<String>,
    matrix: MatrixView,
    has_errors: bool,
    stale: bool,
}

fn form_page(
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
        matrix: matrix_view(m.lang, &set, before.as_ref()),
        has_errors: false,
        stale: false,
        l,
    }
}

fn with_errors(mut p: FormPage, errors: &FieldErrors) -> FormPage {
    let t = p.l.t;
    apply_errors(
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
    p.has_errors = true;
    p
}

async fn new_form(m: Member) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientCreate)?;
    render(
        StatusCode::OK,
        &form_page(&m, None, &ClientInput::default(), 0),
    )
}

async fn load(
    state: &AppState,
    m: &Member,
    id: String,
) -> Result<(ApiClient, Vec<Secret>), AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| api_clients::get(conn, &actor, &id))
        .await
}

async fn edit_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientUpdate)?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    render(
        StatusCode::OK,
        &form_page(&m, Some(&client), &input_of(&client), client.version),
    )
}

fn input_of(c: &ApiClient) -> ClientInput {
    ClientInput {
        name: c.name.clone(),
        description: c.description.clone(),
        scopes: c
            .scope_set()
            .scopes()
            .iter()
            .map(ToString::to_string)
            .collect(),
        expires_on: c
            .expires_at
            .map(|e| e.date().to_string())
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "api_clients/_matrix.html")]
struct MatrixFragment {
    t: &'static Messages,
    matrix: MatrixView,
}

/// htmx: the matrix for the ticked boxes, before anything is saved.
async fn live_matrix(
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
    render(
        StatusCode::OK,
        &MatrixFragment {
            t: m.lang.t(),
            matrix: matrix_view(m.lang, &set, before.as_ref()),
        },
    )
}

/// The new secret goes to the one page that shows it (see `web::once`):
/// it never touches the database in clear.
fn with_secret(state: &AppState, id: &str, secret: &str) -> HttpResponse {
    once::redirect(
        state,
        &format!("{BASE}/{id}/secret"),
        &format!("{id} {secret}"),
    )
}

async fn create(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientCreate)?;
    let posted = parse_posted(form.into_inner());
    let now = state.clock.now();
    if let Err(errors) = posted.input.validate(now) {
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

// ---------------------------------------------------------------- the secret, once

#[derive(Template)]
#[template(path = "api_clients/secret.html")]
struct SecretPage {
    l: LayoutCtx,
    id: String,
    name: String,
    client_id: String,
    secret: Option<String>,
}

async fn secret(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    let secret = once::take(&req, &state).await.and_then(|v| {
        let (owner, secret) = v.split_once(' ')?;
        (owner == client.id).then(|| secret.to_string())
    });
    let p = SecretPage {
        l: LayoutCtx::new(&m, Nav::ApiClients),
        id: client.id.clone(),
        name: client.name.clone(),
        client_id: client.client_id.clone(),
        secret,
    };
    let mut res = render(StatusCode::OK, &p)?;
    // Shown now, never again.
    once::forget(&mut res, &format!("{BASE}/{}/secret", client.id));
    Ok(res)
}

// ---------------------------------------------------------------- the client page

#[derive(Template)]
#[template(path = "api_clients/show.html", blocks = ["tester_result"])]
struct ShowPage {
    l: LayoutCtx,
    c: ApiClient,
    status: Badge,
    idle: Option<Badge>,
    scopes: Vec<String>,
    expires: String,
    created: String,
    created_by: String,
    last_used: String,
    secrets: Vec<SecretView>,
    graces: Vec<(&'static str, &'static str)>,
    operations: Vec<(&'static str, &'static str, bool)>,
    tested: Option<(bool, String)>,
    matrix: MatrixView,
}

fn show_page(
    m: &Member,
    now: chrono::NaiveDateTime,
    c: ApiClient,
    secrets: &[Secret],
    tested: Option<Operation>,
) -> ShowPage {
    let l = LayoutCtx::new(m, Nav::ApiClients);
    let t = l.t;
    let (lang, tz) = (m.lang, m.tz);
    let set = c.scope_set();
    let tested_result = tested.map(|op| match set.decide(op) {
        Some(scope) => (true, fill(t.ac_tester_allowed, &[&scope])),
        None => (false, fill(t.ac_tester_denied, &[&op.required_scope()])),
    });
    ShowPage {
        status: status_badge(t, c.status(now)),
        idle: idle_badge(t, c.idle(now)),
        scopes: set.scopes().iter().map(ToString::to_string).collect(),
        expires: c
            .expires_at
            .map_or_else(|| t.ac_expires_never.to_string(), |e| lang.datetime(e, tz)),
        created: lang.datetime(c.created_at, tz),
        created_by: c.created_by_label.clone(),
        last_used: c
            .last_used_at
            .map_or_else(|| t.ac_never_used.to_string(), |u| lang.datetime(u, tz)),
        secrets: secret_views(lang, tz, now, secrets),
        graces: Grace::ALL
            .iter()
            .map(|g| {
                (
                    g.key(),
                    match g {
                        Grace::Now => t.ac_grace_now,
                        Grace::OneHour => t.ac_grace_1h,
                        Grace::OneDay => t.ac_grace_24h,
                        Grace::SevenDays => t.ac_grace_7d,
                    },
                )
            })
            .collect(),
        operations: Operation::ALL
            .iter()
            .map(|o| (o.name(), o.description(lang), tested == Some(*o)))
            .collect(),
        tested: tested_result,
        matrix: matrix_view(lang, &set, None),
        c,
        l,
    }
}

async fn show(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (client, secrets) = load(&state, &m, id.into_inner()).await?;
    render(
        StatusCode::OK,
        &show_page(&m, state.clock.now(), client, &secrets, None),
    )
}

#[derive(Deserialize)]
struct TestQuery {
    operation: String,
}

/// The dry-run tester: allowed or not, and which scope decided.
async fn test(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<TestQuery>,
) -> Result<HttpResponse, AppError> {
    let (client, secrets) = load(&state, &m, id.into_inner()).await?;
    let op = Operation::by_name(&q.operation)
        .ok_or_else(|| AppError::BadRequest("unknown operation".into()))?;
    let p = show_page(&m, state.clock.now(), client, &secrets, Some(op));
    if is_htmx(&req) {
        let html = p
            .as_tester_result()
            .render()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html));
    }
    render(StatusCode::OK, &p)
}

// ---------------------------------------------------------------- edit

#[derive(Template)]
#[template(path = "api_clients/confirm.html")]
struct ConfirmPage {
    l: LayoutCtx,
    id: String,
    name: String,
    input: ClientInput,
    version: i32,
    diff: DiffView,
}

async fn update(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientUpdate)?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    let posted = parse_posted(form.into_inner());
    let now = state.clock.now();
    let valid = match posted.input.validate(now) {
        Ok(v) => v,
        Err(errors) => {
            let p = with_errors(
                form_page(&m, Some(&client), &posted.input, posted.version),
                &errors,
            );
            return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let diff = client.scope_set().diff(&valid.scopes);
    if !diff.is_empty() && !posted.confirm && posted.version == client.version {
        let p = ConfirmPage {
            l: LayoutCtx::new(&m, Nav::ApiClients),
            id: client.id.clone(),
            name: client.name.clone(),
            input: posted.input.clone(),
            version: posted.version,
            diff: diff_view(m.lang, &diff),
        };
        return render(StatusCode::OK, &p);
    }
    let (actor, input, cid, version) = (
        m.actor.clone(),
        posted.input.clone(),
        client.id.clone(),
        posted.version,
    );
    let saved = state
        .db(move |conn| api_clients::update(conn, now, &actor, &cid, version, &input))
        .await;
    match saved {
        Ok((c, _)) => Ok(Flash::ApiClientSaved.redirect(&format!("{BASE}/{}", c.id))),
        Err(AppError::Validation(errors)) => {
            let p = with_errors(
                form_page(&m, Some(&client), &posted.input, posted.version),
                &errors,
            );
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(AppError::Conflict) => {
            // Keep the user's input; the form now carries the current version
            // and says that someone else saved in between.
            let mut p = form_page(&m, Some(&client), &posted.input, client.version);
            p.stale = true;
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- rotate, disable, delete

#[derive(Deserialize)]
struct RotateForm {
    grace: String,
}

async fn rotate(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RotateForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientUpdate)?;
    let grace = Grace::parse(&form.grace)
        .ok_or_else(|| AppError::BadRequest("unknown grace period".into()))?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    let secret = api_clients::new_secret();
    let hash = state.passwords.hash(secret.clone()).await?;
    let now = state.clock.now();
    let (actor, cid) = (m.actor.clone(), client.id.clone());
    state
        .db(move |conn| api_clients::rotate(conn, now, &actor, &cid, grace, &hash))
        .await?;
    Ok(with_secret(&state, &client.id, &secret))
}

async fn set_disabled(
    m: Member,
    state: web::Data<AppState>,
    id: String,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let actor = m.actor.clone();
    let c = state
        .db(move |conn| api_clients::set_disabled(conn, now, &actor, &id, disabled))
        .await?;
    let flash = if disabled {
        Flash::ApiClientDisabled
    } else {
        Flash::ApiClientEnabled
    };
    Ok(flash.redirect(&format!("{BASE}/{}", c.id)))
}

async fn disable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(m, state, id.into_inner(), true).await
}

async fn enable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(m, state, id.into_inner(), false).await
}

#[derive(Template)]
#[template(path = "api_clients/delete.html")]
struct DeletePage {
    l: LayoutCtx,
    id: String,
    name: String,
    confirm: Field,
}

fn delete_page(m: &Member, c: &ApiClient, typed: &str) -> DeletePage {
    let l = LayoutCtx::new(m, Nav::ApiClients);
    DeletePage {
        confirm: Field::new("confirm_name", l.t.ac_delete_confirm_label, typed)
            .required()
            .focus()
            .max(api_clients::MAX_NAME),
        id: c.id.clone(),
        name: c.name.clone(),
        l,
    }
}

async fn delete_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientDelete)?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    render(StatusCode::OK, &delete_page(&m, &client, ""))
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    confirm_name: String,
}

async fn delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientDelete)?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    let now = state.clock.now();
    let (actor, cid, typed) = (
        m.actor.clone(),
        client.id.clone(),
        form.confirm_name.clone(),
    );
    match state
        .db(move |conn| api_clients::delete(conn, now, &actor, &cid, &typed))
        .await
    {
        Ok(_) => Ok(Flash::ApiClientDeleted.redirect(BASE)),
        Err(AppError::Validation(errors)) => {
            let mut p = delete_page(&m, &client, &form.confirm_name);
            let t = p.l.t;
            apply_errors(&mut [&mut p.confirm], &errors, t);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}
