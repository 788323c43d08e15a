//! Editing a client: a change of scopes shows its difference and asks for a
//! confirmation first.

use super::*;

// ---------------------------------------------------------------- edit

#[derive(Template)]
#[template(path = "api_clients/confirm.html")]
pub(super) struct ConfirmPage {
    pub(super) l: LayoutCtx,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) input: ClientInput,
    pub(super) version: i32,
    pub(super) diff: DiffView,
}

pub(super) async fn update(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::ApiClientUpdate)?;
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    let posted = parse_posted(form.into_inner());
    let now = state.clock.now();
    let valid = match posted.input.validate(now, m.tz) {
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
