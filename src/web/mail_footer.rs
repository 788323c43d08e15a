//! Settings → Mail footer: a small-Markdown editor with a live preview
//! (htmx, debounced) of the sanitised HTML and the derived text version.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::markdown;
use crate::domain::organizations;
use crate::domain::scopes::Operation;
use crate::error::AppError;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::htmx::{Htmx, render_fragment};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::render;

const PATH: &str = "/settings/mail-footer";

/// Mount `/settings/mail-footer`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(save))
        .route("/settings/mail-footer/preview", web::post().to(preview));
}

#[derive(Template)]
#[template(path = "mail_footer/edit.html", blocks = ["preview"])]
struct FooterPage {
    l: LayoutCtx,
    footer: Field,
    version: i32,
    html: String,
    text: String,
    stale: Option<String>,
}

fn page(m: &Member, source: &str, version: i32) -> FooterPage {
    let l = LayoutCtx::new(m, Nav::MailFooter);
    let rendered = markdown::render(source);
    FooterPage {
        footer: Field::new("mail_footer", l.t.footer_label, source)
            .kind("textarea")
            .hint(l.t.footer_hint)
            .max(organizations::MAX_FOOTER),
        version,
        html: rendered.html,
        text: rendered.text,
        stale: None,
        l,
    }
}

async fn show(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::OrganizationMailFooterUpdate)?;
    let actor = m.actor.clone();
    let org = state
        .db(move |conn| organizations::own_for_footer(conn, &actor))
        .await?;
    render(StatusCode::OK, &page(&m, &org.mail_footer, org.version))
}

#[derive(Deserialize)]
struct FooterForm {
    #[serde(default)]
    mail_footer: String,
    #[serde(default)]
    version: i32,
}

/// htmx: the preview of what is being typed (nothing is saved).
async fn preview(
    req: HttpRequest,
    m: Member,
    form: web::Form<FooterForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::OrganizationMailFooterUpdate)?;
    let p = page(&m, &form.mail_footer, form.version);
    if !Htmx::of(&req).request {
        return render(StatusCode::OK, &p);
    }
    render_fragment(&p.as_preview())
}

async fn save(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<FooterForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let (now, actor, source, version) = (
        state.clock.now(),
        m.actor.clone(),
        f.mail_footer.clone(),
        f.version,
    );
    let saved = state
        .db(move |conn| organizations::update_mail_footer(conn, now, &actor, &source, version))
        .await;
    match saved {
        Ok(_) => Ok(Flash::FooterSaved.redirect(PATH)),
        Err(AppError::Validation(errors)) => {
            let mut p = page(&m, &f.mail_footer, f.version);
            let t = p.l.t;
            apply_errors(&mut p.l.errors, &mut [&mut p.footer], &errors, t);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(AppError::Conflict) => {
            let actor = m.actor.clone();
            let org = state
                .db(move |conn| organizations::own_for_footer(conn, &actor))
                .await?;
            let mut p = page(&m, &f.mail_footer, org.version);
            p.stale = Some(org.mail_footer);
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}
