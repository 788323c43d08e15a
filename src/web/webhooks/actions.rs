//! What an endpoint's page does: send a test and show the answer, rotate
//! the secret, switch the endpoint off and on, delete it, resend a message
//! and replay the failed ones since a moment.

use super::*;

/// "Send test": a `webhook.test` message, delivered at once through the
/// guarded client; its answer in place (htmx) or on the page.
pub(super) async fn test(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let (actor, eid) = (m.actor.clone(), id.clone());
    let message = state
        .db(move |conn| webhooks::queue_test(conn, now, &actor, &eid))
        .await?;
    let answer = crate::jobs::webhooks::deliver_now(&state, &message).await?;
    let mut p = show_page(&m, &state, id, &LogQuery::default(), None).await?;
    p.tested = Some(test_view(p.l.t, &answer));
    if Htmx::of(&req).request {
        return render_fragment(&p.as_test_result());
    }
    render(StatusCode::OK, &p)
}

fn confirm_page(
    m: &Member,
    e: &Endpoint,
    title: fn(&crate::i18n::Messages) -> (&'static str, &'static str, &'static str),
    action: &str,
) -> ConfirmPage {
    let l = LayoutCtx::new(m, Nav::Webhooks);
    let (title, text, button) = title(l.t);
    ConfirmPage {
        title,
        text: fill(text, &[&e.url]),
        action: format!("{}/{action}", endpoint_path(&e.id)),
        button,
        cancel: endpoint_path(&e.id),
        error: None,
        l,
    }
}

/// "Rotate the secret?": what happens to the old one, before it happens.
pub(super) async fn confirm_rotate(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::WebhookRotateSecret)?;
    let e = load(&state, &m, id.into_inner()).await?;
    let p = confirm_page(
        &m,
        &e,
        |t| (t.whs_rotate_title, t.whs_rotate_text, t.whs_rotate),
        "rotate",
    );
    render(StatusCode::OK, &p)
}

pub(super) async fn rotate(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (actor, key, eid) = (m.actor.clone(), state.data_key.clone(), id.into_inner());
    let w = state
        .db(move |conn| webhooks::rotate_secret(conn, now, &actor, &key, &eid))
        .await?;
    Ok(with_secret(&state, &w.endpoint.id, &w.secret))
}

/// "Switch this endpoint off?": what it means for waiting messages.
pub(super) async fn confirm_disable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::WebhookUpdate)?;
    let e = load(&state, &m, id.into_inner()).await?;
    let p = confirm_page(
        &m,
        &e,
        |t| (t.whs_disable_title, t.whs_disable_text, t.whs_disable),
        "disable",
    );
    render(StatusCode::OK, &p)
}

async fn set_enabled(
    m: Member,
    state: web::Data<AppState>,
    id: String,
    enabled: bool,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let actor = m.actor.clone();
    let e = state
        .db(move |conn| webhooks::set_enabled(conn, now, &actor, &id, None, enabled))
        .await?;
    let flash = if enabled {
        Flash::WebhookEnabled
    } else {
        Flash::WebhookDisabled
    };
    Ok(flash.redirect(&endpoint_path(&e.id)))
}

pub(super) async fn disable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_enabled(m, state, id.into_inner(), false).await
}

pub(super) async fn enable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_enabled(m, state, id.into_inner(), true).await
}

/// "Delete this endpoint?": its log goes with it.
pub(super) async fn confirm_delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::WebhookDelete)?;
    let e = load(&state, &m, id.into_inner()).await?;
    let p = confirm_page(
        &m,
        &e,
        |t| (t.whs_delete_title, t.whs_delete_text, t.whs_delete),
        "delete",
    );
    render(StatusCode::OK, &p)
}

pub(super) async fn delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (actor, eid) = (m.actor.clone(), id.into_inner());
    state
        .db(move |conn| webhooks::delete(conn, now, &actor, &eid))
        .await?;
    Ok(Flash::WebhookDeleted.redirect(BASE))
}

/// A refused resend or replay: the endpoint's page saying why (422).
async fn refused(
    m: &Member,
    state: &AppState,
    id: String,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut p = show_page(m, state, id, &LogQuery::default(), None).await?;
    let text = errors
        .0
        .iter()
        .map(|(_, c)| c.message(p.l.t))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(code) = errors.get("since") {
        p.since.error = Some(code.message(p.l.t));
    }
    p.notice = Some(("error", text));
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// Send one message again (same `webhook-id`, from the start of the
/// schedule). The message must be one of this endpoint's.
pub(super) async fn resend(
    m: Member,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, message) = path.into_inner();
    let now = state.clock.now();
    let (actor, eid) = (m.actor.clone(), id.clone());
    let sent = state
        .db(move |conn| {
            let row = webhook_deliveries::message(conn, &actor, &message)?;
            if row.message.endpoint_id != eid {
                return Err(AppError::NotFound);
            }
            webhook_deliveries::resend(conn, now, &actor, &message)
        })
        .await;
    match sent {
        Ok(_) => {
            state.jobs.wake();
            Ok(Flash::WebhookResent.redirect(&endpoint_path(&id)))
        }
        Err(AppError::Validation(errors)) => refused(&m, &state, id, &errors).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct ReplayForm {
    #[serde(default)]
    pub(super) since: String,
}

/// Send again every failed message since a moment, typed in the
/// organisation's time zone.
pub(super) async fn replay(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ReplayForm>,
) -> Result<HttpResponse, AppError> {
    use crate::domain::local_time;
    use crate::error::ErrorCode;
    m.actor.require(Operation::WebhookReplay)?;
    let id = id.into_inner();
    let since = match local_time::parse_local(&form.since) {
        None => Err(if form.since.trim().is_empty() {
            ErrorCode::Required
        } else {
            ErrorCode::InvalidDateTime
        }),
        Some(local) => local_time::local_to_utc(m.tz, local),
    };
    let since = match since {
        Ok(s) => s,
        Err(code) => return refused(&m, &state, id, &FieldErrors(vec![("since", code)])).await,
    };
    let now = state.clock.now();
    let (actor, eid) = (m.actor.clone(), id.clone());
    let queued = state
        .db(move |conn| webhook_deliveries::replay(conn, now, &actor, &eid, since))
        .await;
    match queued {
        Ok(n) => {
            state.jobs.wake();
            Ok(crate::web::see_other(&format!(
                "{}?replayed={n}",
                endpoint_path(&id)
            )))
        }
        Err(AppError::Validation(errors)) => refused(&m, &state, id, &errors).await,
        Err(e) => Err(e),
    }
}
