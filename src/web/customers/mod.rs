//! Customers: the list (search, sort, paging), the customer page (its
//! details and its contacts), the form (with a version check), and deleting
//! after a confirmation that says how many contacts go with it. Contacts are
//! added, edited and toggled inline with htmx (a row or the contacts section
//! is swapped) and the same forms work without JavaScript (a redirect back
//! to the page).

mod contacts;
mod export;
mod form;
mod list;
mod show;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use std::sync::Arc;

use crate::AppState;
use crate::db::DbConn;
use crate::domain;
use crate::domain::actor::Actor;
use crate::domain::cache;
use crate::domain::contacts::{Contact, ContactPatch};
use crate::domain::customers::{self, Customer, CustomerInput};
use crate::domain::paging::{ListParams, Page};
use crate::domain::phone;
use crate::domain::reference::{self, Country};
use crate::domain::scopes::Operation;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Lang, Messages, fill};
use crate::web::confirm::ConfirmPage;
use crate::web::country_options;
use crate::web::extract::{Member, member_with};
use crate::web::flash::{Flash, UndoForm};
use crate::web::form::Choice;
use crate::web::form::{ErrorLink, Field, apply_errors, order_summary};
use crate::web::htmx::{Htmx, fragment, render_fragment};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, Section, SortHeader, export_href, pager, sort_header};
use crate::web::shared_html::SharedHtml;
use crate::web::{render, render_html, see_other};
use contacts::*;
use form::*;
use list::*;
use show::*;

const BASE: &str = "/customers";

/// Mount `/customers`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route(BASE, web::post().to(create))
        .route("/customers/new", web::get().to(new_form))
        .route("/customers/export", web::get().to(export::export))
        .route("/customers/contacts/undo", web::post().to(contact_undo))
        .route("/customers/{id}", web::get().to(show))
        .route("/customers/{id}", web::post().to(update))
        .route("/customers/{id}/edit", web::get().to(edit_form))
        .route("/customers/{id}/delete", web::get().to(confirm_delete))
        .route("/customers/{id}/delete", web::post().to(delete))
        .route("/customers/{customer_id}/contacts", web::get().to(show))
        .route(
            "/customers/{customer_id}/contacts",
            web::post().to(contact_add),
        )
        .route(
            "/customers/{customer_id}/contacts/{contact_id}/edit",
            web::get().to(contact_edit),
        )
        .route(
            "/customers/{customer_id}/contacts/{contact_id}",
            web::get().to(contact_row),
        )
        .route(
            "/customers/{customer_id}/contacts/{contact_id}",
            web::post().to(contact_update),
        )
        .route(
            "/customers/{customer_id}/contacts/{contact_id}/extensions/{name}",
            web::post().to(extension_add),
        )
        .route(
            "/customers/{customer_id}/contacts/{contact_id}/extensions/{name}/remove",
            web::post().to(extension_remove),
        )
        .route(
            "/customers/{customer_id}/contacts/{contact_id}/delete",
            web::get().to(contact_confirm_delete),
        )
        .route(
            "/customers/{customer_id}/contacts/{contact_id}/delete",
            web::post().to(contact_delete),
        );
}

fn type_label(t: &Messages, v: &str) -> &'static str {
    if v == "private" {
        t.cust_type_private
    } else {
        t.cust_type_company
    }
}

async fn load(state: &AppState, m: &Member, id: String) -> Result<Customer, AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| customers::get(conn, &actor, &id))
        .await
}
