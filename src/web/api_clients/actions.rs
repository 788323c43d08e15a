//! Rotating a client's secret (with a grace period), disabling and enabling
//! it, and deleting it after its name is typed.

use super::*;

// ---------------------------------------------------------------- rotate, disable, delete

#[derive(Deserialize)]
pub(super) struct RotateForm {
    pub(super) grace: String,
}

pub(super) async fn rotate(
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

pub(super) async fn set_disabled(
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

/// "Block this client?": what it means, before it happens (as blocking a
/// member asks).
pub(super) async fn confirm_disable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientUpdate)?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    let l = LayoutCtx::new(&m, Nav::ApiClients);
    let t = l.t;
    let p = ConfirmPage {
        title: t.ac_disable_title,
        text: fill(t.ac_disable_text, &[&client.name]),
        action: format!("{BASE}/{}/disable", client.id),
        button: t.ac_disable,
        cancel: format!("{BASE}/{}", client.id),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

pub(super) async fn disable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(m, state, id.into_inner(), true).await
}

pub(super) async fn enable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(m, state, id.into_inner(), false).await
}

#[derive(Template)]
#[template(path = "api_clients/delete.html")]
pub(super) struct DeletePage {
    pub(super) l: LayoutCtx,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) confirm: Field,
}

pub(super) fn delete_page(m: &Member, c: &ApiClient, typed: &str) -> DeletePage {
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

pub(super) async fn delete_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientDelete)?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    render(StatusCode::OK, &delete_page(&m, &client, ""))
}

#[derive(Deserialize)]
pub(super) struct DeleteForm {
    #[serde(default)]
    pub(super) confirm_name: String,
}

pub(super) async fn delete(
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
            apply_errors(&mut p.l.errors, &mut [&mut p.confirm], &errors, t);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}
