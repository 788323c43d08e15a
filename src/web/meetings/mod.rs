//! Meetings: the list with filters, the week view (Monday to Sunday, an htmx
//! swap per week, a click on a free hour starts a new meeting), and the form
//! (create, edit, the overlap warning with "save anyway", delete). Times are
//! typed and shown in the organisation's time zone.

mod export;
mod form;
pub(crate) mod format;
mod list;
pub(crate) mod upcoming;
mod week;
mod week_grid;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::AppState;
use crate::domain::actor::Actor;
use crate::domain::cache;
use crate::domain::local_time::{day_start, local_to_utc, monday_of, parse_local, utc_to_local};
use crate::domain::meetings::{self, ContactChoice, Filter, MeetingInput, MeetingRow, Outcome};
use crate::domain::paging::ListParams;
use crate::domain::scopes::Operation;
use crate::domain::validate;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Lang, Messages, fill};
use crate::web::confirm::ConfirmPage;
use crate::web::extract::{Locale, Member, member_with};
use crate::web::flash::{Flash, UndoForm};
use crate::web::form::Choice;
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::htmx::{Htmx, fragment, vary};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, SortHeader, export_href, pager, sort_header};
use crate::web::render;
use form::*;
use format::*;
use list::*;
use week::*;
use week_grid::*;

const BASE: &str = "/meetings";
const WEEK: &str = "/meetings/week";

/// Mount `/meetings`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(BASE)
            .route("", web::get().to(list))
            .route("", web::post().to(create))
            .route("/new", web::get().to(new_form))
            .route("/export", web::get().to(export::export))
            .route("/week", web::get().to(week))
            .route("/undo", web::post().to(undo))
            .route("/contacts", web::get().to(contact_options))
            .route("/choices/{name}", web::get().to(choice_options))
            .route("/{id}", web::get().to(edit_form))
            .route("/{id}", web::post().to(update))
            .route("/{id}/delete", web::get().to(confirm_delete))
            .route("/{id}/delete", web::post().to(delete)),
    );
}

async fn load(state: &AppState, m: &Member, id: String) -> Result<MeetingRow, AppError> {
    let actor = m.actor.clone();
    state.db(move |conn| meetings::get(conn, &actor, &id)).await
}
