//! The header's language switch and the organisation switcher.

use actix_session::SessionExt;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::http::request::LANG_COOKIE;
use crate::i18n::Lang;
use crate::web::extract::{Member, ORG_KEY, SID_KEY};
use crate::web::flash::Flash;
use crate::web::{safe_next, see_other};

/// Mount `POST /language` and `POST /organization/switch`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/language", web::post().to(set_language))
        .route("/organization/switch", web::post().to(switch_organization));
}

#[derive(Deserialize)]
struct LanguageForm {
    lang: String,
    next: Option<String>,
}

async fn set_language(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_code(&form.lang)
        .filter(|l| l.code() == form.lang)
        .ok_or_else(|| AppError::BadRequest("unknown language".into()))?;
    // Logged in: remember it on the account, for every device. A user in
    // no organisation (an operator on /platform) keeps it in the cookie.
    let logged_in = req
        .get_session()
        .get::<String>(SID_KEY)
        .unwrap_or(None)
        .is_some();
    if logged_in {
        match crate::web::extract::load_member(&req).await {
            Ok(member) => {
                let now = state.clock.now();
                let actor = member.actor.clone();
                state
                    .db(move |conn| crate::domain::users::set_language(conn, now, &actor, lang))
                    .await?;
            }
            Err(AppError::NoOrganization) => {}
            Err(e) => return Err(e),
        }
    }
    let mut res = see_other(&safe_next(form.next.as_deref()));
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let _ = res.add_cookie(&cookie);
    Ok(res)
}

#[derive(Deserialize)]
struct SwitchForm {
    organization_id: String,
}

async fn switch_organization(
    member: Member,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, AppError> {
    // Only an organisation the user belongs to; any other id is "not found".
    if !member
        .memberships
        .iter()
        .any(|m| m.organization_id == form.organization_id)
    {
        return Err(AppError::NotFound);
    }
    member
        .session
        .insert(ORG_KEY, &form.organization_id)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(Flash::OrganizationSwitched.redirect("/"))
}
