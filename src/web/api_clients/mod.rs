//! Settings → API Clients: list, create (with the live permission matrix),
//! the secret shown once, the client page (matrix, dry-run tester, rotate,
//! disable, delete) and editing with a confirmed scope difference.

mod actions;
mod edit;
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
use crate::domain::api_clients::{self, ApiClient, ClientInput, Grace, Secret};
use crate::domain::paging::ListParams;
use crate::domain::scopes::{Operation, ScopeSet};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Messages, fill};
use crate::web::confirm::ConfirmPage;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::htmx::{Htmx, render_fragment};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::{once, render};
use actions::*;
use edit::*;
use form::*;
use list::*;
use secret::*;
use show::*;
use view::*;

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
            .route("/{id}/disable", web::get().to(confirm_disable))
            .route("/{id}/disable", web::post().to(disable))
            .route("/{id}/enable", web::post().to(enable))
            .route("/{id}/delete", web::get().to(delete_form))
            .route("/{id}/delete", web::post().to(delete))
            .route("/{id}/test", web::get().to(test)),
    );
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
