//! Settings → Organisation: name, slug, default language and time zone,
//! saved with a version check.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::images::{self, ImageMeta, Kind};
use crate::domain::organizations::{self, Organization, SettingsInput};
use crate::domain::scopes::Operation;
use crate::error::{AppError, ErrorCode};
use crate::http::tagged::Tagged;
use crate::i18n::{Lang, fill};
use crate::web::confirm::ConfirmPage;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::form::{Choice, ErrorLink, Field, apply_errors, order_summary};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::render;

const PATH: &str = "/settings/organization";

/// Mount `/settings/organization` (with its logo and icon) and the images.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(save))
        .route("/settings/organization/clear", web::get().to(clear_form))
        .route("/settings/organization/clear", web::post().to(clear))
        .route("/settings/organization/{kind}", web::post().to(upload))
        .route(
            "/settings/organization/{kind}/remove",
            web::get().to(confirm_remove_image),
        )
        .route(
            "/settings/organization/{kind}/remove",
            web::post().to(remove_image),
        )
        .route("/organization/{kind}", web::get().to(image));
}

/// One of the two image cards.
struct ImageCard {
    kind: &'static str,
    title: &'static str,
    hint: String,
    src: Option<String>,
    size: Option<String>,
    error: Option<String>,
}

fn cards(
    m: &Member,
    state: &AppState,
    metas: &[ImageMeta],
    error: Option<(Kind, String)>,
) -> Vec<ImageCard> {
    let t = m.lang.t();
    let kib = state.config.upload_limit / 1024;
    [Kind::Logo, Kind::Icon]
        .into_iter()
        .map(|kind| {
            let meta = metas.iter().find(|i| i.kind == kind.as_str());
            ImageCard {
                kind: kind.as_str(),
                title: if kind == Kind::Logo {
                    t.img_logo
                } else {
                    t.img_icon
                },
                hint: fill(
                    if kind == Kind::Logo {
                        t.img_logo_hint
                    } else {
                        t.img_icon_hint
                    },
                    &[&kib],
                ),
                src: meta.map(|i| format!("/organization/{}?v={}", kind.as_str(), &i.sha256[..16])),
                size: meta.map(|i| {
                    fill(
                        t.img_size,
                        &[&i.width, &i.height, &((i.byte_size + 1023) / 1024)],
                    )
                }),
                error: error
                    .as_ref()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, e)| e.clone()),
            }
        })
        .collect()
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
    images: Vec<ImageCard>,
    demo: bool,
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
        images: vec![],
        demo: false,
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

async fn metas(state: &AppState, m: &Member) -> Result<Vec<ImageMeta>, AppError> {
    let org = m.actor.organization_id.clone();
    state.db(move |conn| Ok(images::metas(conn, &org)?)).await
}

async fn show_with(
    m: &Member,
    state: &AppState,
    status: StatusCode,
    error: Option<(Kind, String)>,
) -> Result<HttpResponse, AppError> {
    let org = current(state, m).await?;
    let mut p = page(m, &input_of(&org));
    if let Some((kind, message)) = &error {
        let t = p.l.t;
        let label = if *kind == Kind::Logo {
            t.img_logo
        } else {
            t.img_icon
        };
        p.l.errors = vec![ErrorLink {
            href: format!("#file-{}", kind.as_str()),
            text: format!("{label}: {message}"),
        }];
    }
    p.images = cards(m, state, &metas(state, m).await?, error);
    p.demo = org.demo;
    render(status, &p)
}

async fn show(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::OrganizationUpdate)?;
    show_with(&m, &state, StatusCode::OK, None).await
}

async fn upload(
    m: Member,
    state: web::Data<AppState>,
    kind: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let kind = Kind::parse(&kind).ok_or(AppError::NotFound)?;
    m.actor.require(Operation::OrganizationUpdate)?;
    let t = m.lang.t();
    let bytes = match crate::http::upload::read_upload(payload, state.config.upload_limit).await? {
        Ok(b) => b,
        Err(code) => {
            let status = if matches!(code, ErrorCode::FileTooLarge(_)) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return show_with(&m, &state, status, Some((kind, code.message(t)))).await;
        }
    };
    let (now, actor) = (state.clock.now(), m.actor.clone());
    match state
        .db(move |conn| images::store(conn, now, &actor, kind, &bytes))
        .await
    {
        Ok(_) => Ok(Flash::ImageSaved.redirect(PATH)),
        Err(AppError::Validation(e)) => {
            let msg = e.0.first().map(|(_, c)| c.message(t)).unwrap_or_default();
            show_with(
                &m,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((kind, msg)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn confirm_remove_image(
    m: Member,
    kind: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kind = Kind::parse(&kind).ok_or(AppError::NotFound)?;
    m.actor.require(Operation::OrganizationUpdate)?;
    let l = LayoutCtx::new(&m, Nav::Organization);
    let t = l.t;
    let p = ConfirmPage {
        title: if kind == Kind::Logo {
            t.img_remove_logo
        } else {
            t.img_remove_icon
        },
        text: fill(t.img_remove_text, &[&m.current.organization_name]),
        action: format!("/settings/organization/{}/remove", kind.as_str()),
        button: t.img_remove,
        cancel: PATH.to_string(),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

async fn remove_image(
    m: Member,
    state: web::Data<AppState>,
    kind: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kind = Kind::parse(&kind).ok_or(AppError::NotFound)?;
    let (now, actor) = (state.clock.now(), m.actor.clone());
    state
        .db(move |conn| images::remove(conn, now, &actor, kind))
        .await?;
    Ok(Flash::ImageRemoved.redirect(PATH))
}

/// The current organisation's logo or icon, with an ETag and caching.
async fn image(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    kind: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kind = Kind::parse(&kind).ok_or(AppError::NotFound)?;
    let actor = m.actor.clone();
    let (meta, bytes) = state
        .db(move |conn| images::get(conn, &actor, kind))
        .await?;
    // Private: it is only for members. Versioned URLs (`?v=`) may be kept long.
    Ok(Tagged {
        hash: &meta.sha256,
        cache_control: "private, max-age=86400",
        content_type: &meta.content_type,
        disposition: None,
    }
    .respond(&req, bytes))
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
            p.images = cards(&m, &state, &metas(&state, &m).await?, None);
            let t = p.l.t;
            apply_errors(&mut p.l.errors, &mut [&mut p.name, &mut p.slug], &errors, t);
            p.language_error = errors.get("default_language").map(|c| c.message(t));
            p.time_zone_error = errors.get("time_zone").map(|c| c.message(t));
            order_summary(
                &mut p.l.errors,
                &[
                    ("name", ""),
                    ("slug", ""),
                    ("default_language", t.org_default_language),
                    ("time_zone", t.org_time_zone),
                ],
            );
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
            p.images = cards(&m, &state, &metas(&state, &m).await?, None);
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "organization/clear.html")]
struct ClearPage {
    l: LayoutCtx,
    confirm: Field,
}

fn clear_page(m: &Member, typed: &str) -> ClearPage {
    let l = LayoutCtx::new(m, Nav::Organization);
    ClearPage {
        confirm: Field::new("confirm_name", l.t.clear_confirm_label, typed)
            .required()
            .focus(),
        l,
    }
}

async fn clear_form(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::OrganizationClear)?;
    if !current(&state, &m).await?.demo {
        return Err(AppError::NotFound);
    }
    render(StatusCode::OK, &clear_page(&m, ""))
}

#[derive(Deserialize)]
struct ClearForm {
    #[serde(default)]
    confirm_name: String,
}

async fn clear(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<ClearForm>,
) -> Result<HttpResponse, AppError> {
    let (now, actor, typed) = (
        state.clock.now(),
        m.actor.clone(),
        form.confirm_name.clone(),
    );
    match state
        .db(move |conn| organizations::clear_demo_data(conn, now, &actor, &typed))
        .await
    {
        Ok(_) => Ok(Flash::DemoCleared.redirect(PATH)),
        Err(AppError::Validation(errors)) => {
            let mut p = clear_page(&m, &form.confirm_name);
            let t = p.l.t;
            apply_errors(&mut p.l.errors, &mut [&mut p.confirm], &errors, t);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}
