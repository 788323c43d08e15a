//! "Forgotten password": `/password/forgot` asks for an e-mail and always
//! gives the same answer; `/password/reset/{token}` (the link in the mail)
//! chooses the new password and logs in. The rules live in
//! `domain::password_resets`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::{password_resets, validate};
use crate::error::{AppError, FieldErrors};
use crate::http::request::ClientIp;
use crate::web::auth::start_session;
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::AuthLayout;
use crate::web::render;

/// Mount `/password/forgot` and `/password/reset/{token}`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/password/forgot", web::get().to(forgot))
        .route("/password/forgot", web::post().to(request))
        .route("/password/reset/{token}", web::get().to(reset_form))
        .route("/password/reset/{token}", web::post().to(reset));
}

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    l: AuthLayout,
    email: Field,
    /// The request was taken (the same words whatever the e-mail).
    sent: bool,
}

fn forgot_page(req: &HttpRequest, sent: bool) -> ForgotPage {
    let l = AuthLayout::new(req);
    let t = l.t;
    ForgotPage {
        email: Field::new("email", t.email, "")
            .kind("email")
            .required()
            .autocomplete("username")
            .focus(),
        sent,
        l,
    }
}

async fn forgot(req: HttpRequest) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &forgot_page(&req, false))
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn request(
    req: HttpRequest,
    state: web::Data<AppState>,
    ip: ClientIp,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::default();
    let email = validate::email(&mut errors, "email", &form.email);
    if !errors.is_empty() {
        let mut p = forgot_page(&req, false);
        let t = p.l.t;
        p.email.value = form.email.clone();
        apply_errors(&mut p.l.errors, &mut [&mut p.email], &errors, t);
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let (now, url) = (state.clock.now(), state.config.public_url.clone());
    state
        .db(move |conn| password_resets::request(conn, now, &email, &ip.0, &url))
        .await?;
    state.jobs.wake();
    render(StatusCode::OK, &forgot_page(&req, true))
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    l: AuthLayout,
    email: String,
    action: String,
    password: Field,
    password_confirm: Field,
}

fn reset_page(req: &HttpRequest, token: &str, email: &str) -> ResetPage {
    let l = AuthLayout::new(req);
    let t = l.t;
    ResetPage {
        email: email.to_string(),
        action: format!("/password/reset/{token}"),
        password: Field::new("password", t.new_password, "")
            .kind("password")
            .required()
            .hint(t.password_hint)
            .autocomplete("new-password")
            .max(validate::MAX_PASSWORD)
            .focus(),
        password_confirm: Field::new("password_confirm", t.password_confirm, "")
            .kind("password")
            .required()
            .autocomplete("new-password")
            .max(validate::MAX_PASSWORD),
        l,
    }
}

async fn reset_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (now, token) = (state.clock.now(), token.into_inner());
    let r = {
        let token = token.clone();
        state
            .db(move |conn| password_resets::by_token(conn, now, &token))
            .await?
    };
    render(StatusCode::OK, &reset_page(&req, &token, &r.email))
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

async fn reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    ip: ClientIp,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let (now, token) = (state.clock.now(), token.into_inner());
    let r = {
        let token = token.clone();
        state
            .db(move |conn| password_resets::by_token(conn, now, &token))
            .await?
    };
    let mut errors = FieldErrors::default();
    validate::new_password(
        &mut errors,
        "password",
        "password_confirm",
        &form.password,
        &form.password_confirm,
    );
    if !errors.is_empty() {
        let mut p = reset_page(&req, &token, &r.email);
        let t = p.l.t;
        apply_errors(
            &mut p.l.errors,
            &mut [&mut p.password, &mut p.password_confirm],
            &errors,
            t,
        );
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let hash = state.passwords.hash(form.password.clone()).await?;
    let login = state
        .db(move |conn| password_resets::reset(conn, now, &token, &hash, Some(ip.0.clone())))
        .await?;
    start_session(
        &session,
        &login,
        Flash::PasswordChanged.redirect("/"),
        &state,
    )
}
