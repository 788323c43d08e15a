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
use crate::domain::proration::Interval;
use crate::domain::scopes::{Operation, Role};
use crate::domain::subscriptions;
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::http::request::ClientIp;
use crate::i18n::{Messages, fill};
use crate::web::auth::start_session;
use crate::web::confirm::ConfirmPage;
use crate::web::extract::{Member, load_login};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::layout::{AuthLayout, FlashView, LayoutCtx, Nav, role_label};
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
        .route(
            "/settings/users/invitations/{id}/resend",
            web::post().to(resend),
        )
        .route(
            "/settings/users/invitations/{id}/revoke",
            web::get().to(confirm_revoke),
        )
        .route(
            "/settings/users/invitations/{id}/revoke",
            web::post().to(revoke),
        )
        .route("/invitations/{token}", web::get().to(invitation))
        .route("/invitations/{token}", web::post().to(accept))
        .route(
            "/invitations/{token}/accept",
            web::post().to(accept_signed_in),
        );
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
    id: String,
    /// "Resend the invitation to …": the button's accessible name.
    resend_label: String,
    /// "Revoke the invitation for …": the link's accessible name.
    revoke_label: String,
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
    /// Why a member or invitation action was refused (the last-admin rule,
    /// a resend too soon), above the list.
    action_error: Option<String>,
    /// The invitation's role, when it is not one of the two.
    invite_role_error: Option<String>,
    link: Option<String>,
    can_invite: bool,
    can_remove: bool,
    /// Every seat is taken (a running paid subscription): why, and (for
    /// those who may change the subscription) a link to add one.
    seats_full: Option<SeatsFull>,
}

struct SeatsFull {
    text: String,
    add_seat: Option<(String, String)>,
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
    let now = state.clock.now();
    let (page, invites, seats) = state
        .db(move |conn| {
            let seats = match members::seat_use(conn, now, &actor.organization_id)? {
                Some(u) if u.full() && actor.can(Operation::UserInvite) => {
                    subscriptions::current_of(conn, &actor.organization_id)?.map(|s| (u, s))
                }
                _ => None,
            };
            Ok((
                members::list(conn, &actor, request.clone())?,
                members::open_invitations(conn, &actor)?,
                seats,
            ))
        })
        .await?;
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
        id: i.id.clone(),
        resend_label: fill(t.users_inv_resend_for, &[&i.email]),
        revoke_label: fill(t.users_inv_revoke_for, &[&i.email]),
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
        action_error: None,
        invite_role_error: None,
        link,
        can_invite: m.actor.can(Operation::UserInvite),
        can_remove: m.actor.can(Operation::UserRemove),
        seats_full: seats.map(|(u, sub)| SeatsFull {
            text: fill(t.sub_seats_full, &[&u.seats]),
            add_seat: m.actor.can(Operation::SubscriptionUpdate).then(|| {
                let per = match sub.interval() {
                    Interval::Month => t.sub_per_month,
                    Interval::Year => t.sub_per_year,
                };
                (
                    format!(
                        "/settings/subscription?seats={}#order",
                        u.seats.max(u.members + u.invitations) + 1
                    ),
                    fill(t.sub_add_seat, &[&m.lang.money(sub.seat_price), &per]),
                )
            }),
        }),
        l,
    })
}

/// What the one-time value of this page says: a new invitation or a
/// resent one, for an address, with its link. It travels in `web::once`'s
/// encrypted cookie, so the message naming the address cannot be forged.
struct Shown {
    resent: bool,
    email: String,
    link: String,
}

impl Shown {
    fn redirect(state: &AppState, resent: bool, invited: &members::Invited) -> HttpResponse {
        let kind = if resent { "resent" } else { "new" };
        let value = format!("{kind} {} {}", invited.email, invited.link);
        once::redirect(state, BASE, &value)
    }

    fn parse(value: &str) -> Option<Self> {
        let mut parts = value.splitn(3, ' ');
        let (kind, email, link) = (parts.next()?, parts.next()?, parts.next()?);
        Some(Self {
            resent: kind == "resent",
            email: email.to_string(),
            link: link.to_string(),
        })
    }

    /// What happened, in words: sent when a mail server is set up, else
    /// stored in the outbox for the admin to pass the link on.
    fn message(&self, t: &Messages, mail_server: bool) -> String {
        let text = match (self.resent, mail_server) {
            (false, true) => t.users_flash_sent,
            (false, false) => t.users_flash_stored,
            (true, true) => t.users_flash_resent,
            (true, false) => t.users_flash_resent_stored,
        };
        fill(text, &[&self.email])
    }
}

async fn list(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let shown = once::take(&req, &state)
        .await
        .as_deref()
        .and_then(Shown::parse);
    let mut p = page(
        &m,
        &state,
        params.into_inner(),
        shown.as_ref().map(|s| s.link.clone()),
    )
    .await?;
    if let Some(shown) = &shown {
        p.l.flash = Some(FlashView {
            kind: "success",
            text: shown.message(p.l.t, state.mailer.is_some()),
            undo: None,
        });
    }
    let mut res = render(StatusCode::OK, &p)?;
    if shown.is_some() {
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
        Ok(invited) => {
            // The invitation mail goes now, not at the next poll.
            state.jobs.wake();
            Ok(Shown::redirect(&state, false, &invited))
        }
        Err(AppError::Validation(errors)) => {
            let mut p = page(&m, &state, ListParams::default(), None).await?;
            let t = p.l.t;
            p.invite_email.value = f.email.clone();
            apply_errors(&mut p.l.errors, &mut [&mut p.invite_email], &errors, t);
            p.invite_role_error = errors.get("role").map(|c| c.message(t));
            order_summary(&mut p.l.errors, &[("email", ""), ("role", t.users_role)]);
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

/// A role change, a member action or a resend was refused (the last-admin
/// rule, a resend too soon): show the list again with the message.
async fn list_with_error(
    m: &Member,
    state: &AppState,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut p = page(m, state, ListParams::default(), None).await?;
    p.action_error = errors.0.first().map(|(_, c)| c.message(p.l.t));
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
    let t = m.lang.t();
    let text = fill(
        t.users_remove_text,
        &[&row.name, &m.current.organization_name],
    );
    let action = format!("{BASE}/{id}/remove");
    confirm(&m, t.users_remove_title, text, action, t.users_remove)
}

/// The confirmation asked before a member or invitation action: `button`
/// posts to `action`, "Cancel" leads back to the list.
fn confirm(
    m: &Member,
    title: &'static str,
    text: String,
    action: String,
    button: &'static str,
) -> Result<HttpResponse, AppError> {
    let p = ConfirmPage {
        title,
        text,
        action,
        button,
        cancel: BASE.to_string(),
        error: None,
        l: LayoutCtx::new(m, Nav::Users),
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
    let t = m.lang.t();
    let text = fill(t.users_disable_text, &[&row.name]);
    let action = format!("{BASE}/{id}/disable");
    confirm(&m, t.users_disable_title, text, action, t.users_disable)
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

// -------------------------------------------------------------- invitations

async fn resend(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserInvite)?;
    let (now, actor, id) = (state.clock.now(), m.actor.clone(), id.into_inner());
    let url = state.config.public_url.clone();
    match state
        .db(move |conn| members::resend(conn, now, &actor, &id, &url))
        .await
    {
        Ok(invited) => {
            state.jobs.wake();
            Ok(Shown::redirect(&state, true, &invited))
        }
        Err(AppError::Validation(e)) => list_with_error(&m, &state, &e).await,
        Err(e) => Err(e),
    }
}

async fn confirm_revoke(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserInvite)?;
    let id = id.into_inner();
    let inv = {
        let (actor, id) = (m.actor.clone(), id.clone());
        state
            .db(move |conn| members::invitation(conn, &actor, &id))
            .await?
    };
    let t = m.lang.t();
    let text = fill(t.users_inv_revoke_text, &[&inv.email]);
    let action = format!("{BASE}/invitations/{id}/revoke");
    let title = t.users_inv_revoke_title;
    confirm(&m, title, text, action, title)
}

async fn revoke(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::UserInvite)?;
    let (now, actor, id) = (state.clock.now(), m.actor.clone(), id.into_inner());
    state
        .db(move |conn| members::revoke(conn, now, &actor, &id))
        .await?;
    Ok(Flash::InvitationRevoked.redirect(BASE))
}

// ---------------------------------------------------------------- accepting
//
// The invitation page never checks a password. Someone with an account logs
// in (the normal, throttled login, which returns here) and accepts while
// signed in as the invited e-mail; someone without one creates it here. The
// page looks the same for every invitation, so opening one tells nobody
// whether its e-mail has an account.

/// Who is looking at an invitation.
enum Viewer {
    /// Not signed in: both ways to accept are offered.
    Anonymous,
    /// Signed in as the invited e-mail (by this name): one button accepts.
    Invited(String),
    /// Signed in as someone else (by this e-mail).
    Other(String),
}

#[derive(Template)]
#[template(path = "users/invitation.html")]
struct InvitationPage {
    l: AuthLayout,
    title: String,
    intro: String,
    /// Anonymous: both ways to accept; else what the signed-in user sees.
    anonymous: bool,
    /// Signed in as the invited e-mail: "Accept" is offered.
    invited: bool,
    /// Whom the page speaks to (signed in), or how to log in (anonymous).
    viewer_text: String,
    /// The invitation's own path (the account form posts here).
    here: String,
    /// "Log in to accept": the login page, returning here.
    login_href: String,
    /// Where "Accept" (signed in) posts.
    accept_action: String,
    /// Why creating the account was refused (the e-mail has one).
    exists: Option<String>,
    /// Why accepting was refused (no seat left).
    refused: Option<String>,
    name: Field,
    password: Field,
    password_confirm: Field,
}

fn invitation_page(
    req: &HttpRequest,
    target: &members::InvitationTarget,
    token: &str,
    viewer: Viewer,
) -> InvitationPage {
    let l = AuthLayout::new(req);
    let t = l.t;
    let inv = &target.invitation;
    let role = role_label(t, Role::parse(&inv.role).unwrap_or(Role::Access));
    let here = format!("/invitations/{token}");
    let viewer_text = match &viewer {
        Viewer::Anonymous => t.invite_login_text.to_string(),
        Viewer::Invited(name) => fill(t.invite_signed_in, &[name]),
        Viewer::Other(email) => fill(t.invite_other_account, &[&inv.email, email]),
    };
    InvitationPage {
        anonymous: matches!(viewer, Viewer::Anonymous),
        invited: matches!(viewer, Viewer::Invited(_)),
        viewer_text,
        title: fill(t.invite_title, &[&target.organization_name]),
        intro: fill(
            t.invite_intro,
            &[&target.organization_name, &role, &inv.email],
        ),
        login_href: format!(
            "/login?{}",
            serde_urlencoded::to_string([("next", &here)]).unwrap_or_default()
        ),
        accept_action: format!("{here}/accept"),
        here,
        exists: None,
        refused: None,
        name: Field::new("name", t.your_name, "")
            .required()
            .autocomplete("name"),
        password: Field::new("password", t.password, "")
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

/// An invitation link that no longer works (unknown, used, revoked,
/// replaced or expired): 404, saying so.
#[derive(Template)]
#[template(path = "users/invitation_gone.html")]
struct InvitationGonePage {
    l: AuthLayout,
}

/// `result`, or the "no longer valid" page when the invitation is not found.
fn or_gone<T>(
    req: &HttpRequest,
    result: Result<T, AppError>,
) -> Result<Result<T, HttpResponse>, AppError> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(AppError::NotFound) => Ok(Err(render(
            StatusCode::NOT_FOUND,
            &InvitationGonePage {
                l: AuthLayout::new(req),
            },
        )?)),
        Err(e) => Err(e),
    }
}

/// Who is signed in, as the invitation page sees them.
async fn viewer_of(req: &HttpRequest, invited: &str) -> Result<Viewer, AppError> {
    Ok(match load_login(req).await? {
        None => Viewer::Anonymous,
        Some(user) if user.email == invited => Viewer::Invited(user.name),
        Some(user) => Viewer::Other(user.email),
    })
}

async fn invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let token = token.into_inner();
    let target = {
        let token = token.clone();
        state
            .db(move |conn| members::by_token(conn, now, &token))
            .await
    };
    let target = match or_gone(&req, target)? {
        Ok(target) => target,
        Err(gone) => return Ok(gone),
    };
    let viewer = viewer_of(&req, &target.invitation.email).await?;
    render(
        StatusCode::OK,
        &invitation_page(&req, &target, &token, viewer),
    )
}

#[derive(Deserialize)]
struct NewAccountForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// "Create my account": a new account for the invited e-mail, signed in.
async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    ip: ClientIp,
    token: web::Path<String>,
    form: web::Form<NewAccountForm>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let token = token.into_inner();
    let target = {
        let token = token.clone();
        state
            .db(move |conn| members::by_token(conn, now, &token))
            .await
    };
    let target = match or_gone(&req, target)? {
        Ok(target) => target,
        Err(gone) => return Ok(gone),
    };
    let f = form.into_inner();
    let mut errors = FieldErrors::default();
    let name = validate::required(&mut errors, "name", &f.name, validate::MAX_LINE);
    validate::new_password(
        &mut errors,
        "password",
        "password_confirm",
        &f.password,
        &f.password_confirm,
    );
    let refuse = |errors: &FieldErrors, exists: bool| -> Result<HttpResponse, AppError> {
        let mut p = invitation_page(&req, &target, &token, Viewer::Anonymous);
        let t = p.l.t;
        p.name.value = f.name.clone();
        apply_errors(
            &mut p.l.errors,
            &mut [&mut p.name, &mut p.password, &mut p.password_confirm],
            errors,
            t,
        );
        p.exists = exists.then(|| t.invite_exists.to_string());
        render(StatusCode::UNPROCESSABLE_ENTITY, &p)
    };
    if !errors.is_empty() {
        return refuse(&errors, false);
    }
    // An e-mail with an account accepts by logging in: refused before any
    // hashing, with that advice.
    let email = target.invitation.email.clone();
    if state
        .db(move |conn| Ok(crate::domain::users::find_by_email(conn, &email)?))
        .await?
        .is_some()
    {
        return refuse(&FieldErrors::default(), true);
    }
    let hash = state.passwords.hash(f.password.clone()).await?;
    let accepted = {
        let token = token.clone();
        state
            .db(move |conn| {
                members::accept_new(conn, now, &token, &name, &hash, Some(ip.0.clone()))
            })
            .await
    };
    let (org, login) = match accepted {
        Ok(done) => done,
        Err(AppError::Validation(e)) if e.get("email").is_some() => {
            return refuse(&FieldErrors::default(), true);
        }
        Err(AppError::Validation(e)) if e.get("seats").is_some() => {
            let mut p = invitation_page(&req, &target, &token, Viewer::Anonymous);
            p.refused = e.get("seats").map(|c| c.message(p.l.t));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
        Err(e) => return Err(e),
    };
    let res = start_session(&session, &login, Flash::Welcome.redirect("/"), &state)?;
    // Start in the organisation that invited them.
    let _ = session.insert(crate::web::extract::ORG_KEY, org);
    Ok(res)
}

/// "Accept", signed in as the invited e-mail: the membership is added to the
/// account, and work continues in the new organisation.
async fn accept_signed_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    ip: ClientIp,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let Some(user) = load_login(&req).await? else {
        let here = serde_urlencoded::to_string([("next", format!("/invitations/{token}"))])
            .unwrap_or_default();
        return Ok(crate::web::see_other(&format!("/login?{here}")));
    };
    let now = state.clock.now();
    let accepted = {
        let (token, user_id) = (token.clone(), user.id.clone());
        state
            .db(move |conn| {
                members::accept_signed_in(conn, now, &token, &user_id, Some(ip.0.clone()))
            })
            .await
    };
    if let Err(AppError::Validation(e)) = &accepted
        && let Some(code) = e.get("seats")
    {
        let target = {
            let token = token.clone();
            state
                .db(move |conn| members::by_token(conn, now, &token))
                .await?
        };
        let mut p = invitation_page(&req, &target, &token, Viewer::Invited(user.name.clone()));
        p.refused = Some(code.message(p.l.t));
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let org = match or_gone(&req, accepted)? {
        Ok(org) => org,
        Err(gone) => return Ok(gone),
    };
    session
        .insert(crate::web::extract::ORG_KEY, org)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(Flash::InvitationAccepted.redirect("/"))
}
