//! Settings → Languages: the languages the organisation works in, each with a
//! button to switch it off, and every ISO 639-1 language (searched, paged and
//! sorted with the shared list helper) with a button to switch it on.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::AppState;
use crate::domain::paging::ListParams;
use crate::domain::reference::{self, LANGUAGE_SORT, Language};
use crate::domain::scopes::Operation;
use crate::error::AppError;
use crate::i18n::{Lang, fill};
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::{render, return_path};

const PATH: &str = "/settings/languages";

/// Mount `/settings/languages` and its enable and disable actions.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route("/settings/languages/{code}/enable", web::post().to(enable))
        .route(
            "/settings/languages/{code}/disable",
            web::post().to(disable),
        );
}

/// One language as a row shows it.
struct LanguageView {
    code: String,
    name: String,
    enabled: bool,
}

#[derive(Template)]
#[template(path = "languages/list.html")]
struct LanguagesPage {
    l: LayoutCtx,
    enabled: Vec<LanguageView>,
    all: Vec<LanguageView>,
    can_disable: bool,
    pager: Pager,
    showing: String,
    q: String,
    sort_name: SortHeader,
    sort_code: SortHeader,
}

fn view(lang: Lang, l: &Language, enabled: bool) -> LanguageView {
    LanguageView {
        code: l.code.clone(),
        name: l.name(lang).to_string(),
        enabled,
    }
}

async fn show(
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::LanguageEnable)?;
    let request = params.into_inner().lenient(&LANGUAGE_SORT);
    let (org, lang) = (m.actor.organization_id.clone(), m.lang);
    let (mut on, page) = state
        .db(move |conn| {
            Ok((
                reference::enabled_languages(conn, &org)?,
                reference::list_languages(conn, request.clone(), lang)?,
            ))
        })
        .await?;
    on.sort_by_cached_key(|l| l.name(lang).to_lowercase());
    let is_on = |code: &str| on.iter().any(|l| l.code == code);
    let l = LayoutCtx::new(&m, Nav::Languages);
    let r = &page.request;
    let pager = pager(PATH, &page);
    let p = LanguagesPage {
        showing: fill(l.t.showing, &[&pager.from, &pager.to, &pager.total]),
        all: page
            .items
            .iter()
            .map(|x| view(lang, x, is_on(&x.code)))
            .collect(),
        enabled: on.iter().map(|x| view(lang, x, true)).collect(),
        can_disable: m.actor.can(Operation::LanguageDisable),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(PATH, r, "name"),
        sort_code: sort_header(PATH, r, "code"),
        pager,
        l,
    };
    render(StatusCode::OK, &p)
}

/// Back to the list as the user left it (search, page, sort), else its start.
fn back(req: &HttpRequest) -> String {
    let from = return_path(req);
    if from == PATH || from.starts_with("/settings/languages?") {
        from
    } else {
        PATH.to_string()
    }
}

async fn switch(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    code: String,
    on: bool,
) -> Result<HttpResponse, AppError> {
    let (now, actor) = (state.clock.now(), m.actor.clone());
    state
        .db(move |conn| reference::set_language_enabled(conn, now, &actor, &code, on))
        .await?;
    let flash = if on {
        Flash::LanguageEnabled
    } else {
        Flash::LanguageDisabled
    };
    Ok(flash.redirect(&back(&req)))
}

async fn enable(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    switch(req, m, state, code.into_inner(), true).await
}

async fn disable(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    switch(req, m, state, code.into_inner(), false).await
}
