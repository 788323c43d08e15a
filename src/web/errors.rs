//! How errors look in the backoffice: a translated page for a browser, a
//! fragment for htmx, the login page for a visitor who must log in.
//! Handlers just return `AppError`; the app's error middleware calls
//! [`page`] to give the response its body.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use actix_session::SessionExt;
use futures_util::future::LocalBoxFuture;
use std::future::ready;

use crate::domain::modules::Module;
use crate::domain::scopes::Operation;
use crate::error::AppError;
use crate::http::errors::minutes;
use crate::http::request::request_lang;
use crate::i18n::{Lang, Messages, fill};
use crate::web::extract::{Member, SID_KEY, load_member};
use crate::web::layout::{LayoutCtx, Nav};

/// The default service: 404 for every unknown path.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "errors/error.html", blocks = ["fragment"])]
struct ErrorPage<'a> {
    lang: Lang,
    t: &'static Messages,
    status: u16,
    title: &'static str,
    kind: &'static str,
    text: &'a str,
    detail: Option<String>,
}

struct Ctx {
    lang: Lang,
    htmx: bool,
    path: String,
    get: bool,
}

impl Ctx {
    fn of(req: &HttpRequest) -> Self {
        let path = req.path();
        Self {
            lang: request_lang(req).unwrap_or_default(),
            htmx: super::htmx::Htmx::of(req).request,
            path: req
                .uri()
                .path_and_query()
                .map_or_else(|| path.to_string(), |p| p.to_string()),
            get: req.method() == actix_web::http::Method::GET,
        }
    }
}

fn text_for(status: StatusCode, err: Option<&AppError>, lang: Lang) -> (String, Option<String>) {
    let t = lang.t();
    match err {
        Some(AppError::Throttled { retry_after_secs }) => {
            (fill(t.error_429, &[&minutes(*retry_after_secs)]), None)
        }
        Some(AppError::Csrf) => (t.error_csrf.into(), None),
        Some(AppError::Busy { .. }) => (t.error_503.into(), None),
        Some(AppError::NoOrganization) => (t.error_no_organization.into(), None),
        Some(AppError::ModuleNotSubscribed { module, .. }) => {
            (fill(t.error_module_off, &[&module.label(lang)]), None)
        }
        Some(AppError::Forbidden { missing, .. }) => (
            t.error_403.into(),
            missing.map(|s| fill(t.error_403_scope, &[&s])),
        ),
        _ => (
            match status.as_u16() {
                400 | 405 | 415 => t.error_400,
                403 => t.error_403,
                404 => t.error_404,
                409 => t.error_409,
                413 => t.error_413,
                422 => t.error_422,
                429 => t.error_429,
                _ => t.error_500,
            }
            .to_string(),
            None,
        ),
    }
}

/// The body of an error response to `req` in the backoffice. A page that
/// is not there or not allowed keeps the navigation for a signed-in user
/// (one database trip, to load them); everything else is a page of its own.
pub fn page(
    req: &HttpRequest,
    status: StatusCode,
    err: Option<&AppError>,
) -> LocalBoxFuture<'static, HttpResponse> {
    let ctx = Ctx::of(req);
    if let Some(AppError::LoginRequired) = err {
        let next = if ctx.get { ctx.path.as_str() } else { "/" };
        let location = format!(
            "/login?{}",
            serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
        );
        let res = if ctx.htmx {
            HttpResponse::Ok()
                .insert_header(("HX-Redirect", location))
                .finish()
        } else {
            super::see_other(&location)
        };
        return Box::pin(ready(res));
    }
    let in_app = !ctx.htmx
        && matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
        && !matches!(err, Some(AppError::Csrf | AppError::NoOrganization))
        && req.get_session().contains_key(SID_KEY);
    if in_app {
        let (req, forbidden) = (req.clone(), forbidden_operation(err));
        return Box::pin(async move {
            match load_member(&req).await {
                Ok(m) => in_app_page(&m, &req, status, forbidden),
                Err(_) => standalone(&Ctx::of(&req), status, None),
            }
        });
    }
    Box::pin(ready(standalone(&ctx, status, err)))
}

/// Why a 403 refused: the role (naming the operation when known), or the
/// subscription (naming the module).
#[derive(Clone, Copy)]
enum Refusal {
    Role(Option<Operation>),
    Module(Module),
}

fn forbidden_operation(err: Option<&AppError>) -> Refusal {
    match err {
        Some(AppError::Forbidden { operation, .. }) => Refusal::Role(*operation),
        Some(AppError::ModuleNotSubscribed { module, .. }) => Refusal::Module(*module),
        _ => Refusal::Role(None),
    }
}

#[derive(Template)]
#[template(path = "errors/in_app.html")]
struct InAppPage {
    l: LayoutCtx,
    status: u16,
    title: &'static str,
    text: String,
    /// What to do next, when there is something (the subscription's screen
    /// for an admin whose module is off).
    next: Option<(&'static str, &'static str)>,
    hint: Option<&'static str>,
}

/// A 403 or 404 inside the backoffice: the sidebar and header stay, and the
/// page says in plain words what happened and what to do.
fn in_app_page(
    m: &Member,
    req: &HttpRequest,
    status: StatusCode,
    forbidden: Refusal,
) -> HttpResponse {
    let l = LayoutCtx::new(m, Nav::of_path(req.path()));
    let t = l.t;
    let (mut next, mut hint) = (None, None);
    let (title, text) = if status == StatusCode::NOT_FOUND {
        (t.error_title_404, t.error_404_in_app.to_string())
    } else {
        let text = match forbidden {
            Refusal::Module(module) => {
                if m.actor.is_admin() {
                    next = Some(("/settings/subscription", t.error_module_off_admin));
                } else {
                    hint = Some(t.error_module_off_staff);
                }
                fill(t.error_module_off, &[&module.label(m.lang)])
            }
            // Members are refused only what their role does not allow:
            // what an administrator may do.
            Refusal::Role(Some(_)) => fill(t.error_403_admins, &[&m.current.organization_name]),
            Refusal::Role(None) => t.error_403.to_string(),
        };
        (t.error_title_403, text)
    };
    let p = InAppPage {
        status: status.as_u16(),
        title,
        text,
        next,
        hint,
        l,
    };
    match p.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(_) => HttpResponse::build(status).body(p.text),
    }
}

/// The error page of its own (no navigation), or an htmx fragment.
fn standalone(ctx: &Ctx, status: StatusCode, err: Option<&AppError>) -> HttpResponse {
    let t = ctx.lang.t();
    let (text, detail) = text_for(status, err, ctx.lang);
    let mut res = HttpResponse::build(status);
    if let Some(AppError::Throttled { retry_after_secs } | AppError::Busy { retry_after_secs }) =
        err
    {
        res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
    }

    let page = ErrorPage {
        lang: ctx.lang,
        t,
        status: status.as_u16(),
        title: match status.as_u16() {
            403 => t.error_title_403,
            404 => t.error_title_404,
            _ => t.error_title,
        },
        kind: if status == StatusCode::NOT_FOUND {
            "info"
        } else {
            "error"
        },
        text: &text,
        detail,
    };
    if ctx.htmx {
        let fragment = page.as_fragment().render().unwrap_or_default();
        return res
            .insert_header(("HX-Retarget", "#flash-region"))
            .insert_header(("HX-Reswap", "innerHTML"))
            .content_type("text/html; charset=utf-8")
            .body(fragment);
    }
    match page.render() {
        Ok(html) => res.content_type("text/html; charset=utf-8").body(html),
        Err(_) => res.body(text),
    }
}
