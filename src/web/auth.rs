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
use crate::i18n::fill;
use crate::web::extract::{ClientIp, Member, SID_KEY, load_member};
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
    match auth::login(&state, &form.email, &form.password, &ip.0).await {
        Ok(token) => start_session(&session, &token, Flash::Welcome.redirect(&next), &state),
        Err(LoginError::Invalid) => render(
            StatusCode::UNAUTHORIZED,
            &page(&req, &form.email, &next, Some(t.login_failed.to_string())),
        ),
        Err(LoginError::Throttled { retry_after_secs }) => {
            let text = fill(
                t.login_throttled,
                &[&crate::web::errors::minutes(retry_after_secs)],
            );
            let mut res = render(
                StatusCode::TOO_MANY_REQUESTS,
                &page(&req, &form.email, &next, Some(text)),
            )?;
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

async fn logout(member: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let actor = member.actor.audit();
    let org = member.actor.organization_id.clone();
    let token = member.token.clone();
    state
        .db(move |conn| Ok(auth::logout(conn, now, &token, &actor, &org)?))
        .await?;
    // Deletes the server-side row: a copy of the cookie is worthless now.
    member.session.purge();
    let mut res = Flash::LoggedOut.redirect("/login");
    csrf::renew(&mut res, state.config.secure_cookies);
    Ok(res)
}
