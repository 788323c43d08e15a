//! Settings → Webhooks: the endpoints (list, create, edit), the signing
//! secret shown once and revealed on request, and an endpoint's page (test,
//! rotate, switch off and on, delete, the delivery log with resend and
//! replay). Admins only: every domain function checks the actor, and the
//! `webhooks` module gates it all.

mod actions;
mod form;
mod list;
mod secret;
mod show;
mod view;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::paging::ListParams;
use crate::domain::scopes::Operation;
use crate::domain::webhook_deliveries;
use crate::domain::webhooks::{self, Endpoint, EndpointInput};
use crate::error::{AppError, FieldErrors};
use crate::i18n::fill;
use crate::web::confirm::ConfirmPage;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::htmx::{Htmx, render_fragment};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::{once, render};
use actions::*;
use form::*;
use list::*;
use secret::*;
use show::*;
use view::*;

const BASE: &str = "/settings/webhooks";

/// Mount `/settings/webhooks`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(BASE)
            .route("", web::get().to(list))
            .route("", web::post().to(create))
            .route("/new", web::get().to(new_form))
            .route("/{id}", web::get().to(show))
            .route("/{id}", web::post().to(update))
            .route("/{id}/edit", web::get().to(edit_form))
            .route("/{id}/secret", web::get().to(secret))
            .route("/{id}/reveal", web::post().to(reveal))
            .route("/{id}/rotate", web::get().to(confirm_rotate))
            .route("/{id}/rotate", web::post().to(rotate))
            .route("/{id}/test", web::post().to(test))
            .route("/{id}/disable", web::get().to(confirm_disable))
            .route("/{id}/disable", web::post().to(disable))
            .route("/{id}/enable", web::post().to(enable))
            .route("/{id}/delete", web::get().to(confirm_delete))
            .route("/{id}/delete", web::post().to(delete))
            .route("/{id}/replay", web::post().to(replay))
            .route("/{id}/messages/{message}/resend", web::post().to(resend)),
    );
}

/// Endpoint `id` of the actor's organisation (another's: 404).
async fn load(state: &AppState, m: &Member, id: String) -> Result<Endpoint, AppError> {
    let actor = m.actor.clone();
    state.db(move |conn| webhooks::get(conn, &actor, &id)).await
}

/// The page of endpoint `id`.
fn endpoint_path(id: &str) -> String {
    format!("{BASE}/{id}")
}
