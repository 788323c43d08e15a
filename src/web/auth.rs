//! `/login` and `/logout`.

use actix_session::{Session, SessionExt};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::auth::{self, LoginError};
use crate::domain::users;
use crate::error::AppError;
use crate::http::request::ClientIp;
use crate::i18n::fill;
use crate::web::extract::{SID_KEY, load_member};
use crate::web::flash::Flash;
use crate::web::form::Field;
use crate::web::layout::AuthLayout;
use crate::web::{csrf, render, safe_next, see_other};

/// Mount `/login` and `/logout`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(show))
        .route("/login", web::post().to(submit))
        .route("/logout", web::post().to(logout));
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    l: AuthLayout,
    email: Field,
    password: Field,
    next: String,
    error: Option<String>,
    /// The line under the title: what logging in leads to.
    intro: &'static str,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

fn page(req: &HttpRequest, email: &str, next: &str, error: Option<String>) -> LoginPage {
    let l = AuthLayout::new(req);
    let t = l.t;
    let email_field = Field::new("email", t.email, email)
        .kind("email")
        .required()
        .autocomplete("username");
    let password = Field::new("password", t.password, "")
        .kind("password")
        .required()
        .autocomplete("current-password")
        .max(256);
    let (email_field, password) = if email.is_empty() {
        (email_field.focus(), password)
    } else {
        (email_field, password.focus())
    };
    LoginPage {
        intro: if next.starts_with("/invitations/") {
            t.login_for_invitation
        } else {
            t.login_intro
        },
        l,
        email: email_field,
        password,
        next: next.to_string(),
        error,
    }
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let session = req.get_session();
    if session.get::<String>(SID_KEY).unwrap_or(None).is_some() && load_member(&req).await.is_ok() {
        return Ok(see_other(&safe_next(query.next.as_deref())));
    }
    if !state.db(|conn| Ok(users::any_exist(conn)?)).await? {
        return Ok(see_other("/setup"));
    }
    let next = safe_next(query.next.as_deref());
    render(StatusCode::OK, &page(&req, "", &next, None))
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    ip: ClientIp,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let t = AuthLayout::new(&req).t;
    if form.email.trim().is_empty() || form.password.is_empty() {
        let p = page(&req, &form.email, &next, Some(t.err_required.to_string()));
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    if form.email.len() > 200 || form.password.len() > crate::domain::validate::MAX_PASSWORD {
        return render(
            StatusCode::UNAUTHORIZED,
            &page(&req, "", &next, Some(t.login_failed.to_string())),
        );
    }
    match auth::login(&state.checks(), &form.email, &form.password, &ip.0).await {
        Ok(token) => start_session(&session, &token, Flash::Welcome.redirect(&next), &state),
        Err(LoginError::Invalid) => render(
            StatusCode::UNAUTHORIZED,
            &page(&req, &form.email, &next, Some(t.login_failed.to_string())),
        ),
        Err(e @ (LoginError::Throttled { .. } | LoginError::Busy { .. })) => {
            let (status, text, retry_after_secs) = match e {
                LoginError::Throttled { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    fill(
                        t.login_throttled,
                        &[&crate::http::errors::minutes(retry_after_secs)],
                    ),
                    retry_after_secs,
                ),
                LoginError::Busy { retry_after_secs } => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    t.error_503.to_string(),
                    retry_after_secs,
                ),
                _ => unreachable!("matched above"),
            };
            let mut res = render(status, &page(&req, &form.email, &next, Some(text)))?;
            res.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            Ok(res)
        }
        Err(LoginError::Internal(e)) => Err(e),
    }
}

/// Put a new login's `token` in a new session (nothing from before survives)
/// and give the browser a new CSRF token, on the redirect `res`.
pub fn start_session(
    session: &Session,
    token: &str,
    mut res: HttpResponse,
    state: &AppState,
) -> Result<HttpResponse, AppError> {
    session.renew();
    session.remove(crate::web::extract::ORG_KEY);
    session
        .insert(SID_KEY, token)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    csrf::renew(&mut res, state.config.secure_cookies);
    Ok(res)
}

/// End this login (audited in the organisation worked in; a user in no
/// organisation is logged out all the same) and go to `next` (a path of
/// this site) or the login page.
async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let session = req.get_session();
    match load_member(&req).await {
        Ok(member) => {
            let actor = member.actor.audit();
            let org = member.actor.organization_id.clone();
            let token = member.token.clone();
            state
                .db(move |conn| Ok(auth::logout(conn, now, &token, &actor, &org)?))
                .await?;
        }
        Err(AppError::NoOrganization) => {
            if let Some(token) = session.get::<String>(SID_KEY).unwrap_or(None) {
                state
                    .db(move |conn| {
                        Ok(crate::db::write(conn, |conn| {
                            crate::domain::sessions::end(conn, &token)
                        })?)
                    })
                    .await?;
            }
        }
        Err(e) => return Err(e),
    }
    // Deletes the server-side row: a copy of the cookie is worthless now.
    session.purge();
    let next = match form.next.as_deref() {
        Some(n) => safe_next(Some(n)),
        None => "/login".to_string(),
    };
    let mut res = Flash::LoggedOut.redirect(&next);
    csrf::renew(&mut res, state.config.secure_cookies);
    Ok(res)
}
