//! Settings → Users: members with their role and last login, invitations
//! (link shown once, mail in the outbox), role changes, removal and
//! disabling after a confirmation; and the invitation link itself.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::members::{self, Invitation, MemberRow};
use crate::domain::paging::ListParams;
use crate::domain::scopes::{Operation, Role};
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::fill;
use crate::web::auth::start_session;
use crate::web::confirm::ConfirmPage;
use crate::web::extract::{ClientIp, Member};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::{AuthLayout, LayoutCtx, Nav, role_label};
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::{once, render};

const BASE: &str = "/settings/users";

/// Mount `/settings/users` and `/invitations/{token}`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route("/settings/users/invite", web::post().to(invite))
        .route("/settings/users/{id}/role", web::post().to(change_role))
        .route("/settings/users/{id}/remove", web::get().to(confirm_remove))
        .route("/settings/users/{id}/remove", web::post().to(remove))
        .route(
            "/settings/users/{id}/disable",
            web::get().to(confirm_disable),
        )
        .route("/settings/users/{id}/disable", web::post().to(disable))
        .route("/settings/users/{id}/enable", web::post().to(enable))
        .route("/invitations/{token}", web::get().to(invitation))
        .route("/invitations/{token}", web::post().to(accept));
}

struct MemberView {
    id: String,
    name: String,
    email: String,
    is_admin: bool,
    disabled: bool,
    you: bool,
    last_login: String,
}

struct InvitationView {
    email: String,
    role: &'static str,
    invited_by: String,
    expires: String,
    expired: bool,
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct UsersPage {
    l: LayoutCtx,
    members: Vec<MemberView>,
    invitations: Vec<InvitationView>,
    pager: Pager,
    showing: String,
    q: String,
    sort_name: SortHeader,
    sort_email: SortHeader,
    sort_login: SortHeader,
    invite_email: Field,
    invite_role: &'static str,
    role_error: Option<String>,
    link: Option<String>,
    can_invite: bool,
    can_remove: bool,
}

async fn page(
    m: &Member,
    state: &AppState,
    params: ListParams,
    link: Option<String>,
) -> Result<UsersPage, AppError> {
    m.actor.require(Operation::UserList)?;
    let request = params.lenient(&members::SORT);
    let actor = m.actor.clone();
    let (page, invites) = state
        .db(move |conn| {
            Ok((
                members::list(conn, &actor, request)?,
                members::open_invitations(conn, &actor)?,
            ))
        })
        .await?;
    let now = state.clock.now();
    let l = LayoutCtx::new(m, Nav::Users);
    let t = l.t;
    let role = |r: &str| role_label(t, Role::parse(r).unwrap_or(Role::Access));
    let view = |row: &MemberRow| MemberView {
        id: row.membership_id.clone(),
        name: row.name.clone(),
        email: row.email.clone(),
        is_admin: row.role == Role::Backoffice.as_str(),
        disabled: row.disabled,
        you: row.user_id == m.user.id,
        last_login: row
            .last_login_at
            .map_or_else(|| t.never.to_string(), |at| m.lang.datetime(at, m.tz)),
    };
    let inv = |i: &Invitation| InvitationView {
        email: i.email.clone(),
        role: role(&i.role),
        invited_by: i.invited_by_label.clone(),
        expires: m.lang.datetime(i.expires_at, m.tz),
        expired: i.expires_at <= now,
    };
    let r = &page.request;
    let pager = pager(BASE, &page);
    Ok(UsersPage {
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        members: page.items.iter().map(view).collect(),
        invitations: invites.iter().map(inv).collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(BASE, r, "name"),
        sort_email: sort_header(BASE, r, "email"),
        sort_login: sort_header(BASE, r, "lastLoginAt"),
        pager,
        invite_email: Field::new("email", t.email, "")
            .kind("email")
            .required()
            .autocomplete("off"),
        invite_role: Role::Access.as_str(),
        role_error: None,
        link,
        can_invite: m.actor.can(Operation::UserInvite),
        can_remove: m.actor.can(Operation::UserRemove),
        l,
    })
}

async fn list(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let link = once::peek(&req, &state);
    let p = page(&m, &state, params.into_inner(), link.clone()).await?;
    let mut res = render(StatusCode::OK, &p)?;
    if link.is_some() {
        once::forget(&mut res, BASE);
    }
    Ok(res)
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn invite(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserInvite)?;
    let f = form.into_inner();
    let now = state.clock.now();
    let result = match Role::parse(&f.role) {
        None => Err(AppError::Validation(FieldErrors(vec![(
            "role",
            ErrorCode::InvalidChoice,
        )]))),
        Some(role) => {
            let (actor, email, url) = (
                m.actor.clone(),
                f.email.clone(),
                state.config.public_url.clone(),
            );
            state
                .db(move |conn| members::invite(conn, now, &actor, &email, role, &url))
                .await
        }
    };
    match result {
        Ok(link) => {
            let mut res = once::redirect(&state, BASE, &link);
            // The flash rides along on the same redirect.
            let _ = res.add_cookie(&Flash::Invited.cookie());
            Ok(res)
        }
        Err(AppError::Validation(errors)) => {
            let mut p = page(&m, &state, ListParams::default(), None).await?;
            let t = p.l.t;
            p.invite_email.value = f.email.clone();
            apply_errors(&mut [&mut p.invite_email], &errors, t);
            p.role_error = errors.get("role").map(|c| c.message(t));
            if Role::parse(&f.role).is_some() {
                p.invite_role = Role::parse(&f.role).map_or(p.invite_role, Role::as_str);
            }
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

/// The role change or a member action failed on the last-admin rule: show
/// the list again with the message.
async fn list_with_error(
    m: &Member,
    state: &AppState,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut p = page(m, state, ListParams::default(), None).await?;
    p.role_error = errors.get("role").map(|c| c.message(p.l.t));
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

async fn change_role(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserRoleUpdate)?;
    let role =
        Role::parse(&form.role).ok_or_else(|| AppError::BadRequest("unknown role".into()))?;
    let (now, actor, id) = (state.clock.now(), m.actor.clone(), id.into_inner());
    match state
        .db(move |conn| members::change_role(conn, now, &actor, &id, role))
        .await
    {
        Ok(()) => Ok(Flash::RoleChanged.redirect(BASE)),
        Err(AppError::Validation(e)) => list_with_error(&m, &state, &e).await,
        Err(e) => Err(e),
    }
}

async fn member_row(m: &Member, state: &AppState, id: String) -> Result<MemberRow, AppError> {
    let actor = m.actor.clone();
    state.db(move |conn| members::get(conn, &actor, &id)).await
}

async fn confirm_remove(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserRemove)?;
    let id = id.into_inner();
    let row = member_row(&m, &state, id.clone()).await?;
    let l = LayoutCtx::new(&m, Nav::Users);
    let t = l.t;
    let p = ConfirmPage {
        title: t.users_remove_title,
        text: fill(
            t.users_remove_text,
            &[&row.name, &m.current.organization_name],
        ),
        action: format!("{BASE}/{id}/remove"),
        button: t.users_remove,
        cancel: BASE.to_string(),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

async fn remove(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserRemove)?;
    let (now, actor, id) = (state.clock.now(), m.actor.clone(), id.into_inner());
    match state
        .db(move |conn| members::remove(conn, now, &actor, &id))
        .await
    {
        Ok(()) => Ok(Flash::MemberRemoved.redirect(BASE)),
        Err(AppError::Validation(e)) => list_with_error(&m, &state, &e).await,
        Err(e) => Err(e),
    }
}

async fn confirm_disable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserDisable)?;
    let id = id.into_inner();
    let row = member_row(&m, &state, id.clone()).await?;
    let l = LayoutCtx::new(&m, Nav::Users);
    let t = l.t;
    let p = ConfirmPage {
        title: t.users_disable_title,
        text: fill(t.users_disable_text, &[&row.name]),
        action: format!("{BASE}/{id}/disable"),
        button: t.users_disable,
        cancel: BASE.to_string(),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

async fn set_disabled(
    m: Member,
    state: web::Data<AppState>,
    id: String,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserDisable)?;
    let (now, actor) = (state.clock.now(), m.actor.clone());
    match state
        .db(move |conn| members::set_disabled(conn, now, &actor, &id, disabled))
        .await
    {
        Ok(()) => Ok(if disabled {
            Flash::UserDisabled
        } else {
            Flash::UserEnabled
        }
        .redirect(BASE)),
        Err(AppError::Validation(e)) => list_with_error(&m, &state, &e).await,
        Err(e) => Err(e),
    }
}

async fn disable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(m, state, id.into_inner(), true).await
}

async fn enable(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(m, state, id.into_inner(), false).await
}

// ---------------------------------------------------------------- accepting

#[derive(Template)]
#[template(path = "users/invitation.html")]
struct InvitationPage {
    l: AuthLayout,
    title: String,
    intro: String,
    existing: bool,
    name: Field,
    password: Field,
    password_confirm: Field,
}

fn invitation_page(req: &HttpRequest, target: &members::InvitationTarget) -> InvitationPage {
    let l = AuthLayout::new(req);
    let t = l.t;
    let role = role_label(
        t,
        Role::parse(&target.invitation.role).unwrap_or(Role::Access),
    );
    let existing = target.existing_user.is_some();
    InvitationPage {
        title: fill(t.invite_title, &[&target.organization_name]),
        intro: if existing {
            fill(
                t.invite_existing_intro,
                &[&target.organization_name, &role, &target.invitation.email],
            )
        } else {
            fill(t.invite_new_intro, &[&target.organization_name, &role])
        },
        existing,
        name: Field::new("name", t.your_name, "")
            .required()
            .autocomplete("name")
            .focus(),
        password: Field::new("password", t.password, "")
            .kind("password")
            .required()
            .hint(t.password_hint)
            .autocomplete(if existing {
                "current-password"
            } else {
                "new-password"
            })
            .max(validate::MAX_PASSWORD),
        password_confirm: Field::new("password_confirm", t.password_confirm, "")
            .kind("password")
            .required()
            .autocomplete("new-password")
            .max(validate::MAX_PASSWORD),
        l,
    }
}

async fn invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let token = token.into_inner();
    let target = state
        .db(move |conn| members::by_token(conn, now, &token))
        .await?;
    render(StatusCode::OK, &invitation_page(&req, &target))
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    ip: ClientIp,
    token: web::Path<String>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let token = token.into_inner();
    let target = {
        let token = token.clone();
        state
            .db(move |conn| members::by_token(conn, now, &token))
            .await?
    };
    let f = form.into_inner();
    let mut errors = FieldErrors::default();
    let new_account = match &target.existing_user {
        Some(user_id) => {
            let id = user_id.clone();
            let user = state
                .db(move |conn| Ok(crate::domain::users::find(conn, &id)?))
                .await?
                .ok_or(AppError::NotFound)?;
            let ok = !user.disabled
                && state
                    .passwords
                    .verify(f.password.clone(), Some(user.password_hash.clone()))
                    .await?;
            if !ok {
                errors.add("password", ErrorCode::CurrentPassword);
            }
            None
        }
        None => {
            let name = validate::required(&mut errors, "name", &f.name, validate::MAX_LINE);
            validate::new_password(
                &mut errors,
                "password",
                "password_confirm",
                &f.password,
                &f.password_confirm,
            );
            Some(name)
        }
    };
    if !errors.is_empty() {
        let mut p = invitation_page(&req, &target);
        let t = p.l.t;
        p.name.value = f.name.clone();
        apply_errors(
            &mut [&mut p.name, &mut p.password, &mut p.password_confirm],
            &errors,
            t,
        );
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let hash = match &new_account {
        Some(_) => Some(state.passwords.hash(f.password.clone()).await?),
        None => None,
    };
    let org = target.invitation.organization_id.clone();
    let (_, login) = state
        .db(move |conn| {
            let account = new_account.as_deref().zip(hash.as_deref());
            members::accept(conn, now, &token, account, Some(ip.0))
        })
        .await?;
    let res = start_session(&session, &login, Flash::Welcome.redirect("/"), &state)?;
    // Start in the organisation that invited them.
    let _ = session.insert(crate::web::extract::ORG_KEY, org);
    Ok(res)
}
