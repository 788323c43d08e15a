//! `/account`: the user's own name, language and password.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::auth::{self, LoginError};
use crate::domain::users::{self, ProfileInput};
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::http::request::ClientIp;
use crate::i18n::Lang;
use crate::web::extract::{Member, SID_KEY};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::render;

/// Mount `/account`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/account", web::get().to(show))
        .route("/account", web::post().to(save_profile))
        .route("/account/password", web::post().to(change_password));
}

struct LangOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    l: LayoutCtx,
    email: String,
    name: Field,
    languages: Vec<LangOption>,
    language_error: Option<String>,
    version: i32,
    stale: bool,
    current_name: Option<String>,
    current_password: Field,
    new_password: Field,
    password_confirm: Field,
}

#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    language: String,
    version: i32,
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    password_confirm: String,
}

fn page(m: &Member, name: &str, language: &str, version: i32) -> AccountPage {
    let l = LayoutCtx::new(m, Nav::Account);
    let t = l.t;
    let mut languages = vec![LangOption {
        code: "",
        label: t.language_auto,
        selected: language.is_empty(),
    }];
    languages.extend(Lang::ALL.iter().map(|lang| LangOption {
        code: lang.code(),
        label: lang.native_name(),
        selected: language == lang.code(),
    }));
    AccountPage {
        email: m.user.email.clone(),
        name: Field::new("name", t.name, name)
            .required()
            .autocomplete("name"),
        languages,
        language_error: None,
        version,
        stale: false,
        current_name: None,
        current_password: Field::new("current_password", t.current_password, "")
            .kind("password")
            .required()
            .autocomplete("current-password")
            .max(validate::MAX_PASSWORD),
        new_password: Field::new("new_password", t.new_password, "")
            .kind("password")
            .required()
            .hint(t.password_hint)
            .autocomplete("new-password")
            .max(validate::MAX_PASSWORD),
        password_confirm: Field::new("password_confirm", t.password_confirm, "")
            .kind("password")
            .required()
            .autocomplete("new-password")
            .max(validate::MAX_PASSWORD),
        l,
    }
}

fn own_page(m: &Member) -> AccountPage {
    page(
        m,
        &m.user.name,
        m.user.language.as_deref().unwrap_or(""),
        m.user.version,
    )
}

async fn show(member: Member) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &own_page(&member))
}

async fn save_profile(
    member: Member,
    state: web::Data<AppState>,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let language = match form.language.as_str() {
        "" => Ok(None),
        code => Lang::from_code(code)
            .filter(|l| l.code() == code)
            .map(Some)
            .ok_or(()),
    };
    let Ok(language) = language else {
        let mut p = page(&member, &form.name, "", form.version);
        p.language_error = Some(ErrorCode::InvalidChoice.message(p.l.t));
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };
    let input = ProfileInput {
        name: form.name.clone(),
        language,
        version: form.version,
    };
    let now = state.clock.now();
    let actor = member.actor.clone();
    let result = state
        .db(move |conn| users::update_profile(conn, now, &actor, &input))
        .await;
    match result {
        Ok(_) => Ok(Flash::AccountSaved.redirect("/account")),
        Err(AppError::Validation(errors)) => {
            let mut p = page(&member, &form.name, &form.language, form.version);
            let t = p.l.t;
            apply_errors(&mut p.l.errors, &mut [&mut p.name], &errors, t);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(AppError::Conflict) => {
            // Keep what the user typed; show what is stored now beside it.
            let mut p = page(&member, &form.name, &form.language, member.user.version);
            p.stale = true;
            p.current_name = Some(member.user.name.clone());
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}

async fn change_password(
    member: Member,
    state: web::Data<AppState>,
    ip: ClientIp,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    if form.current_password.is_empty() {
        errors.add("current_password", ErrorCode::Required);
    }
    validate::new_password(
        &mut errors,
        "new_password",
        "password_confirm",
        &form.new_password,
        &form.password_confirm,
    );
    if errors.is_empty() {
        // Throttled like a login: a borrowed session cannot guess it either.
        let checked = auth::confirm_password(
            &state.checks(),
            &member.user.email,
            &form.current_password,
            &ip.0,
        )
        .await;
        match checked {
            Ok(()) => {}
            Err(LoginError::Invalid) => errors.add("current_password", ErrorCode::CurrentPassword),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        let mut p = own_page(&member);
        let t = p.l.t;
        apply_errors(
            &mut p.l.errors,
            &mut [
                &mut p.current_password,
                &mut p.new_password,
                &mut p.password_confirm,
            ],
            &errors,
            t,
        );
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let hash = state.passwords.hash(form.new_password).await?;
    let now = state.clock.now();
    let (actor, token) = (member.actor.clone(), member.token.clone());
    let token = state
        .db(move |conn| users::change_password(conn, now, &actor, &token, &hash))
        .await?;
    // Every session of the user is gone, this one included: carry on in a
    // fresh one.
    member.session.renew();
    let _ = member.session.insert(SID_KEY, token);
    Ok(Flash::PasswordChanged.redirect("/account"))
}
