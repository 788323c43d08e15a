//! "New organisation": a signed-in member starts another organisation, of
//! which they become the admin; it begins with a trial. The session then
//! works in the new organisation.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::users;
use crate::error::AppError;
use crate::i18n::fill;
use crate::web::extract::{Member, ORG_KEY};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::render;

const PATH: &str = "/organizations/new";

/// Mount `/organizations/new`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(create));
}

#[derive(Template)]
#[template(path = "organization/new.html")]
struct NewPage {
    l: LayoutCtx,
    intro: String,
    name: Field,
}

#[derive(Deserialize)]
struct NewForm {
    #[serde(default)]
    name: String,
}

fn page(m: &Member, state: &AppState, name: &str) -> NewPage {
    let l = LayoutCtx::new(m, Nav::of_path(PATH));
    let t = l.t;
    NewPage {
        intro: fill(t.neworg_intro, &[&state.config.trial_days]),
        name: Field::new("name", t.neworg_name, name)
            .required()
            .hint(t.neworg_name_hint)
            .autocomplete("organization")
            .max(crate::domain::validate::MAX_LINE),
        l,
    }
}

async fn show(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &page(&m, &state, ""))
}

async fn create(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<NewForm>,
) -> Result<HttpResponse, AppError> {
    let name = form.into_inner().name;
    let (now, actor, days, typed) = (
        state.clock.now(),
        m.actor.clone(),
        state.config.trial_days,
        name.clone(),
    );
    match state
        .db(move |conn| users::start_organization(conn, now, &actor, &typed, days))
        .await
    {
        Ok(org) => {
            m.session
                .insert(ORG_KEY, &org.id)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            Ok(Flash::OrganizationCreated.redirect("/"))
        }
        Err(AppError::Validation(errors)) => {
            let mut p = page(&m, &state, &name);
            let t = p.l.t;
            apply_errors(&mut p.l.errors, &mut [&mut p.name], &errors, t);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}
