//! Who is asking, in which organisation, in which language: the extractors
//! every handler starts from.

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::db::DbConn;
use crate::domain::actor::Actor;
use crate::domain::operators;
use crate::domain::sessions;
use crate::domain::sessions::{LoginUser, MembershipChoice};
use crate::error::AppError;
use crate::http::request::{ClientIp, request_lang, state};
use crate::i18n::Lang;
use crate::web::csrf;
use crate::web::flash::Flash;

/// The session key of the organisation the user works in.
pub const ORG_KEY: &str = "org";
/// The session key of the login token (see `domain::sessions`).
pub const SID_KEY: &str = "sid";

/// The user of this request's live login, if any, whether or not they
/// belong to an organisation (accepting an invitation needs no other).
pub async fn load_login(req: &HttpRequest) -> Result<Option<LoginUser>, AppError> {
    let token: Option<String> = req.get_session().get(SID_KEY).unwrap_or(None);
    let Some(token) = token else {
        return Ok(None);
    };
    let state = state(req)?;
    let now = state.clock.now();
    let kept = state.logins.clone();
    state
        .db(move |conn| Ok(sessions::login_of(conn, &kept, &token, now)?.map(|(user, _)| user)))
        .await
}

/// A logged-in member of an organisation: the actor, the organisation they
/// work in, and the context every page needs.
pub struct Member {
    /// The actor for domain calls (tenant, role, ip).
    pub actor: Actor,
    /// The user.
    pub user: LoginUser,
    /// The organisation being worked in (with the role there).
    pub current: MembershipChoice,
    /// Every organisation of the user (for the switcher).
    pub memberships: Vec<MembershipChoice>,
    /// The language of the interface.
    pub lang: Lang,
    /// The organisation's time zone.
    pub tz: chrono_tz::Tz,
    /// The CSRF token for forms.
    pub csrf: String,
    /// A message to show once.
    pub flash: Option<Flash>,
    /// The path of this request (for "return here" links).
    pub path: String,
    /// The session (to renew or end it).
    pub session: Session,
    /// The login token of this session.
    pub token: String,
    /// Versions (content hashes) of the organisation's logo and icon.
    pub logo: Option<String>,
    pub icon: Option<String>,
}

impl FromRequest for Member {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(load_member(&req).await?) })
    }
}

/// Load the logged-in member of a request (as the extractor does).
pub async fn load_member(req: &HttpRequest) -> Result<Member, AppError> {
    Ok(member_with(req, |_, _, _| Ok(())).await?.0)
}

/// Load the logged-in member and run `f` as them in the same database job:
/// a page that reads data takes one trip to a database thread, not two.
/// `f` gets the actor and the member's language and time zone; it does not
/// run when there is no live login.
pub async fn member_with<T, F>(req: &HttpRequest, f: F) -> Result<(Member, T), AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, &Actor, Locale) -> Result<T, AppError> + Send + 'static,
{
    let session = req.get_session();
    let token: Option<String> = session.get(SID_KEY).unwrap_or(None);
    let Some(token) = token else {
        return Err(AppError::LoginRequired);
    };
    let wanted_org: Option<String> = session.get(ORG_KEY).unwrap_or(None);
    let state = state(req)?;
    let now = state.clock.now();
    let ip = ClientIp::of(req).0;
    let asked = request_lang(req);
    let loaded = {
        let token = token.clone();
        let kept = state.logins.clone();
        // `f` runs once: a job is run again only when its first statement
        // found the connection dead; that is the login's unless the check
        // was kept (then the caller sees the error).
        let mut f = Some(f);
        state
            .db(move |conn| {
                let Some((user, memberships)) = sessions::login_of(conn, &kept, &token, now)?
                else {
                    return Ok(None);
                };
                let Some(current) = current_of(&memberships, wanted_org.as_deref()).cloned() else {
                    return Err(AppError::NoOrganization);
                };
                let images = crate::domain::cache::versioned(
                    &current.organization_id,
                    current.data_version,
                    "images".to_string(),
                    || crate::domain::images::metas(conn, &current.organization_id),
                )?;
                let actor = Actor::member(
                    current.organization_id.clone(),
                    user.id.clone(),
                    user.name.clone(),
                    current.role(),
                    Some(ip.clone()),
                )
                .with_data_version(current.data_version.unwrap_or(0))
                .with_entitlement(current.in_effect(now));
                let locale = Locale {
                    lang: user
                        .lang()
                        .or(asked)
                        .or_else(|| Lang::from_code(&current.default_language))
                        .unwrap_or_default(),
                    tz: time_zone(&current),
                };
                let f = f
                    .take()
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a job ran twice")))?;
                let out = f(conn, &actor, locale)?;
                Ok(Some((
                    user,
                    memberships,
                    current,
                    images,
                    actor,
                    locale,
                    out,
                )))
            })
            .await?
    };
    let Some((user, memberships, current, images, actor, locale, out)) = loaded else {
        session.purge();
        return Err(AppError::LoginRequired);
    };
    let version = |kind: &str| {
        images
            .iter()
            .find(|i| i.kind == kind)
            .map(|i| i.sha256[..16].to_string())
    };
    let member = Member {
        actor,
        logo: version("logo"),
        icon: version("icon"),
        user,
        current,
        memberships,
        lang: locale.lang,
        tz: locale.tz,
        csrf: csrf::token_of(req).0,
        flash: Flash::from_request(req),
        path: crate::web::return_path(req),
        session,
        token,
    };
    Ok((member, out))
}

/// A signed-in operator (someone who runs Portaal itself), whether or not
/// they belong to an organisation. Anyone else — a tenant's admin, staff,
/// an anonymous visitor, an expired login — gets 404: the platform's door
/// is not seen, and there is no login redirect to give it away.
pub struct Operator {
    /// The proof the platform's domain functions ask for.
    pub operator: operators::Operator,
    /// The user.
    pub user: LoginUser,
    /// The language of the interface: the user's choice, else the browser's.
    pub lang: Lang,
    /// The CSRF token for forms.
    pub csrf: String,
    /// A message to show once.
    pub flash: Option<Flash>,
    /// The path of this request (for "return here" links).
    pub path: String,
    /// The operator also belongs to an organisation (the backoffice is open
    /// to them too).
    pub in_organization: bool,
}

impl FromRequest for Operator {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(operator_with(&req, |_, _| Ok(())).await?.0) })
    }
}

/// Load the signed-in operator and run `f` as them in the same database
/// job (the login's lookup, which reads the flag, then `f`). `f` does not
/// run for anyone who is not an operator: they get [`AppError::NotFound`].
pub async fn operator_with<T, F>(req: &HttpRequest, f: F) -> Result<(Operator, T), AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, &operators::Operator) -> Result<T, AppError> + Send + 'static,
{
    let token: Option<String> = req.get_session().get(SID_KEY).unwrap_or(None);
    let Some(token) = token else {
        return Err(AppError::NotFound);
    };
    let state = state(req)?;
    let now = state.clock.now();
    let ip = ClientIp::of(req).0;
    let kept = state.logins.clone();
    let mut f = Some(f);
    let (user, in_organization, operator, out) = state
        .db(move |conn| {
            let Some((user, memberships)) = sessions::login_of(conn, &kept, &token, now)? else {
                return Err(AppError::NotFound);
            };
            let operator = operators::Operator::of(&user, Some(ip.clone()))?;
            let f = f
                .take()
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a job ran twice")))?;
            let out = f(conn, &operator)?;
            Ok((user, !memberships.is_empty(), operator, out))
        })
        .await?;
    let lang = user.lang().or(request_lang(req)).unwrap_or_default();
    Ok((
        Operator {
            operator,
            user,
            lang,
            csrf: csrf::token_of(req).0,
            flash: Flash::from_request(req),
            path: crate::web::return_path(req),
            in_organization,
        },
        out,
    ))
}

/// The language and time zone a member works in.
#[derive(Clone, Copy, Debug)]
pub struct Locale {
    /// The user's choice, else the browser's, else the organisation's.
    pub lang: Lang,
    /// The organisation's time zone.
    pub tz: chrono_tz::Tz,
}

/// The organisation the session asks for, else the user's first.
fn current_of<'a>(
    memberships: &'a [MembershipChoice],
    wanted: Option<&str>,
) -> Option<&'a MembershipChoice> {
    wanted
        .and_then(|id| memberships.iter().find(|m| m.organization_id == id))
        .or_else(|| memberships.first())
}

fn time_zone(m: &MembershipChoice) -> chrono_tz::Tz {
    m.time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam)
}
