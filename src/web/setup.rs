//! `/setup`: creates the first organisation and its admin, and exists only
//! while there is no user at all (afterwards 404, for good).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::users::{self, SetupInput};
use crate::error::AppError;
use crate::http::request::ClientIp;
use crate::web::auth::start_session;
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::AuthLayout;
use crate::web::render;

/// Mount `/setup`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/setup", web::get().to(show))
        .route("/setup", web::post().to(submit));
}

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    l: AuthLayout,
    organization_name: Field,
    name: Field,
    email: Field,
    password: Field,
    password_confirm: Field,
}

#[derive(Deserialize, Default)]
struct SetupForm {
    #[serde(default)]
    organization_name: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

fn page(req: &HttpRequest, form: &SetupForm) -> SetupPage {
    let l = AuthLayout::new(req);
    let t = l.t;
    SetupPage {
        organization_name: Field::new(
            "organization_name",
            t.organization_name,
            &form.organization_name,
        )
        .required()
        .autocomplete("organization")
        .focus(),
        name: Field::new("name", t.your_name, &form.name)
            .required()
            .autocomplete("name"),
        email: Field::new("email", t.email, &form.email)
            .kind("email")
            .required()
            .autocomplete("email"),
        password: Field::new("password", t.password, "")
            .kind("password")
            .required()
            .hint(t.password_hint)
            .autocomplete("new-password")
            .max(256),
        password_confirm: Field::new("password_confirm", t.password_confirm, "")
            .kind("password")
            .required()
            .autocomplete("new-password")
            .max(256),
        l,
    }
}

async fn ensure_open(state: &AppState) -> Result<(), AppError> {
    if state.db(|conn| Ok(users::any_exist(conn)?)).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ensure_open(&state).await?;
    render(StatusCode::OK, &page(&req, &SetupForm::default()))
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    ip: ClientIp,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    ensure_open(&state).await?;
    let form = form.into_inner();
    let mut input = SetupInput {
        organization_name: form.organization_name.clone(),
        name: form.name.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        password_confirm: form.password_confirm.clone(),
    };
    let errors = input.validate();
    let result = if errors.is_empty() {
        let hash = state.passwords.hash(input.password.clone()).await?;
        let now = state.clock.now();
        let trial_days = state.config.trial_days;
        state
            .db(move |conn| {
                users::setup_first(conn, now, Some(ip.0.clone()), &input, &hash, trial_days)
            })
            .await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok((_, token)) => start_session(&session, &token, Flash::Welcome.redirect("/"), &state),
        Err(AppError::Validation(errors)) => {
            let mut p = page(&req, &form);
            let t = p.l.t;
            apply_errors(
                &mut p.l.errors,
                &mut [
                    &mut p.organization_name,
                    &mut p.name,
                    &mut p.email,
                    &mut p.password,
                    &mut p.password_confirm,
                ],
                &errors,
                t,
            );
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}
