//! Settings → Organisation: name, slug, default language and time zone,
//! saved with a version check.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::organizations::{self, Organization, SettingsInput};
use crate::domain::scopes::Operation;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::render;

const PATH: &str = "/settings/organization";

/// Mount `/settings/organization`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(save));
}

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "organization/edit.html")]
struct SettingsPage {
    l: LayoutCtx,
    name: Field,
    slug: Field,
    languages: Vec<Choice>,
    language_error: Option<String>,
    time_zones: Vec<Choice>,
    time_zone_error: Option<String>,
    version: i32,
    stale: Option<Organization>,
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    default_language: String,
    #[serde(default)]
    time_zone: String,
    version: i32,
}

fn page(m: &Member, input: &SettingsInput) -> SettingsPage {
    let l = LayoutCtx::new(m, Nav::Organization);
    let t = l.t;
    SettingsPage {
        name: Field::new("name", t.organization_name, &input.name).required(),
        slug: Field::new("slug", t.org_slug, &input.slug)
            .required()
            .hint(t.org_slug_hint)
            .max(organizations::MAX_SLUG),
        languages: Lang::ALL
            .iter()
            .map(|lang| Choice {
                value: lang.code().to_string(),
                label: lang.native_name().to_string(),
                selected: lang.code() == input.default_language,
            })
            .collect(),
        language_error: None,
        time_zones: chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| Choice {
                value: tz.name().to_string(),
                label: tz.name().replace('_', " "),
                selected: tz.name() == input.time_zone,
            })
            .collect(),
        time_zone_error: None,
        version: input.version,
        stale: None,
        l,
    }
}

fn input_of(o: &Organization) -> SettingsInput {
    SettingsInput {
        name: o.name.clone(),
        slug: o.slug.clone(),
        default_language: o.default_language.clone(),
        time_zone: o.time_zone.clone(),
        version: o.version,
    }
}

async fn current(state: &AppState, m: &Member) -> Result<Organization, AppError> {
    let actor = m.actor.clone();
    state.db(move |conn| organizations::own(conn, &actor)).await
}

async fn show(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::OrganizationUpdate)?;
    let org = current(&state, &m).await?;
    render(StatusCode::OK, &page(&m, &input_of(&org)))
}

async fn save(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::OrganizationUpdate)?;
    let f = form.into_inner();
    let input = SettingsInput {
        name: f.name,
        slug: f.slug,
        default_language: f.default_language,
        time_zone: f.time_zone,
        version: f.version,
    };
    let now = state.clock.now();
    let (actor, to_save) = (m.actor.clone(), input.clone());
    let saved = state
        .db(move |conn| organizations::update_settings(conn, now, &actor, &to_save))
        .await;
    match saved {
        Ok(_) => Ok(Flash::OrganizationSaved.redirect(PATH)),
        Err(AppError::Validation(errors)) => {
            let mut p = page(&m, &input);
            let t = p.l.t;
            apply_errors(&mut [&mut p.name, &mut p.slug], &errors, t);
            p.language_error = errors.get("default_language").map(|c| c.message(t));
            p.time_zone_error = errors.get("time_zone").map(|c| c.message(t));
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(AppError::Conflict) => {
            // Keep the user's input; show what is stored now beside it, and
            // carry the current version so a second save is deliberate.
            let org = current(&state, &m).await?;
            let mut p = page(
                &m,
                &SettingsInput {
                    version: org.version,
                    ..input
                },
            );
            p.stale = Some(org);
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}
