//! The people of an organisation: members with their role, invitations
//! (single use, expiring, the token only as a hash), role changes, removal
//! and disabling — never leaving the organisation without an admin.
//!
//! Everything here acts on a membership, never on the account: an account
//! may belong to several organisations, and one organisation's decision
//! (a role, disabling, removal) never reaches another's.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::crypto;
use crate::db::schema::{invitations, mail_outbox, memberships, organizations, users};
use crate::db::{self, DbConn, new_id, search};
use crate::domain::actor::Actor;
use crate::domain::actor::AuditActor;
use crate::domain::audit::{self, Event};
use crate::domain::mail::{self, Outgoing};
use crate::domain::markdown;
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::scopes::{Operation, Role};
use crate::domain::{sessions, subscriptions, users as accounts, validate};
use crate::error::{AppError, ErrorCode, FieldErrors};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// A member as the users screen shows them.
#[derive(Debug, Clone, Queryable)]
pub struct MemberRow {
    pub membership_id: String,
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub disabled: bool,
    pub last_login_at: Option<NaiveDateTime>,
}

/// The members list's sorting.
pub const SORT: SortSpec = SortSpec {
    fields: &["name", "email", "lastLoginAt"],
    default: "name",
    default_desc: false,
};

/// What a search of members looks in.
static SEARCH: search::Searched = search::Searched {
    table: "users",
    index: "users_search",
    columns: &["name", "email"],
};

/// One page of the organisation's members.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<MemberRow>, AppError> {
    actor.require(Operation::UserList)?;
    let org = actor.organization_id.as_str();
    let base = || {
        let mut q = memberships::table
            .inner_join(users::table)
            .filter(memberships::organization_id.eq(org))
            .into_boxed();
        if let Some(term) = page.q.as_deref() {
            q = q.filter(search::contains(&SEARCH, term));
        }
        q
    };
    let total: i64 = base().count().get_result(conn)?;
    let q = match (page.sort, page.desc) {
        ("email", false) => base().order(users::email.asc()),
        ("email", true) => base().order(users::email.desc()),
        ("lastLoginAt", false) => base().order((users::last_login_at.asc(), users::id.asc())),
        ("lastLoginAt", true) => base().order((users::last_login_at.desc(), users::id.desc())),
        (_, false) => base().order((users::name.asc(), users::id.asc())),
        (_, true) => base().order((users::name.desc(), users::id.desc())),
    };
    let items = q
        .limit(page.size)
        .offset(page.offset())
        .select((
            memberships::id,
            users::id,
            users::name,
            users::email,
            memberships::role,
            memberships::disabled,
            users::last_login_at,
        ))
        .load(conn)?;
    Ok(Page {
        items,
        request: page,
        total,
    })
}

/// One member of the actor's organisation (another's answers 404).
pub fn get(conn: &mut DbConn, actor: &Actor, membership_id: &str) -> Result<MemberRow, AppError> {
    actor.require(Operation::UserList)?;
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(&actor.organization_id))
        .filter(memberships::id.eq(membership_id))
        .select((
            memberships::id,
            users::id,
            users::name,
            users::email,
            memberships::role,
            memberships::disabled,
            users::last_login_at,
        ))
        .first(conn)?)
}

/// An invitation row (never the token).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: String,
    pub invited_by_label: String,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Invitations not yet accepted (expired ones included, marked by time).
pub fn open_invitations(conn: &mut DbConn, actor: &Actor) -> Result<Vec<Invitation>, AppError> {
    actor.require(Operation::UserList)?;
    Ok(invitations::table
        .filter(invitations::organization_id.eq(&actor.organization_id))
        .filter(invitations::accepted_at.is_null())
        .order(invitations::created_at.desc())
        .limit(50)
        .select(Invitation::as_select())
        .load(conn)?)
}

/// How many invitations wait to be accepted and still work at `now`.
pub fn pending_invitation_count(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    actor.require(Operation::UserList)?;
    Ok(invitations::table
        .filter(invitations::organization_id.eq(&actor.organization_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .count()
        .get_result(conn)?)
}

/// How the seats of a running paid subscription are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatUse {
    /// The subscription's seats.
    pub seats: i64,
    /// Enabled members.
    pub members: i64,
    /// Invitations that wait and still work.
    pub invitations: i64,
}

impl SeatUse {
    /// No seat left for one more invitation.
    pub fn full(&self) -> bool {
        self.members + self.invitations >= self.seats
    }
}

/// The seat use of the organisation's subscription when it is active and
/// paid (a trial, an ended or an awaiting subscription limits nothing).
pub fn seat_use(
    conn: &mut DbConn,
    now: NaiveDateTime,
    organization_id: &str,
) -> QueryResult<Option<SeatUse>> {
    let Some(sub) = subscriptions::current_of(conn, organization_id)? else {
        return Ok(None);
    };
    if !matches!(
        sub.in_effect(now).status,
        subscriptions::Status::Active | subscriptions::Status::PastDue
    ) {
        return Ok(None);
    }
    let members = subscriptions::active_members(conn, organization_id)?;
    let invitations = invitations::table
        .filter(invitations::organization_id.eq(organization_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .count()
        .get_result(conn)?;
    Ok(Some(SeatUse {
        seats: i64::from(sub.seats),
        members,
        invitations,
    }))
}

/// Refuse one more person when the seats are taken: for an invitation the
/// open invitations count too (field `email`); for accepting one, only the
/// members (field `seats`; the invitation itself holds a seat already).
fn refuse_no_seat(
    conn: &mut DbConn,
    now: NaiveDateTime,
    organization_id: &str,
    accepting: bool,
) -> Result<(), AppError> {
    db::lock_keys(conn, &[&format!("seats:{organization_id}")])?;
    let Some(u) = seat_use(conn, now, organization_id)? else {
        return Ok(());
    };
    let (taken, field) = if accepting {
        (u.members, "seats")
    } else {
        (u.members + u.invitations, "email")
    };
    if taken >= u.seats {
        return Err(AppError::Validation(FieldErrors(vec![(
            field,
            ErrorCode::NoSeatLeft(u.seats),
        )])));
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvitationView<'a> {
    email: &'a str,
    role: &'a str,
    expires_at: NaiveDateTime,
}

/// A new (or renewed) invitation: its link, shown once to the admin.
#[derive(Debug, Clone)]
pub struct Invited {
    pub id: String,
    /// The invited address, as stored (lower case).
    pub email: String,
    pub link: String,
}

/// Inside a write: refuse `email` when it already belongs to a member of
/// `org` (a disabled membership too) or has an open invitation there other
/// than `except` (field `email`). Holds the address's lock until the
/// transaction ends, so two admins inviting it at once make one invitation.
fn refuse_taken(
    conn: &mut DbConn,
    now: NaiveDateTime,
    org: &str,
    email: &str,
    except: Option<&str>,
) -> Result<(), AppError> {
    db::lock_keys(conn, &[&format!("invitation:{org}:{email}")])?;
    let member: Option<String> = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org))
        .filter(users::email.eq(email))
        .select(memberships::id)
        .first(conn)
        .optional()?;
    let refuse = |code| Err(AppError::Validation(FieldErrors(vec![("email", code)])));
    if member.is_some() {
        return refuse(ErrorCode::AlreadyMember);
    }
    let pending: Option<String> = invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::email.eq(email))
        .filter(invitations::id.ne(except.unwrap_or("")))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .select(invitations::id)
        .first(conn)
        .optional()?;
    if pending.is_some() {
        return refuse(ErrorCode::InvitationPending);
    }
    Ok(())
}

/// Queue the mail of invitation `id` for `email`: stored without a token
/// (the mailer puts in a link with one of the mail's own when it sends it).
fn queue_mail(
    conn: &mut DbConn,
    now: NaiveDateTime,
    org_id: &str,
    inviter: &str,
    email: &str,
    id: &str,
    public_url: &str,
) -> Result<(), AppError> {
    let org_name: String = organizations::table
        .find(org_id)
        .select(organizations::name)
        .first(conn)?;
    let mail_link = format!("{public_url}/invitations/{}", mail::MAIL_TOKEN);
    let subject =
        format!("Uitnodiging voor {org_name} in Portaal / Invitation to {org_name} on Portaal");
    let text = format!(
        "{inviter} nodigt u uit voor {org_name} in Portaal.\n{inviter} invites you to {org_name} on Portaal.\n\n{mail_link}\n\nDeze link werkt {INVITATION_DAYS} dagen en één keer. / This link works for {INVITATION_DAYS} days, once.",
    );
    let html = format!(
        "<p>{inviter} nodigt u uit voor {org} in Portaal.<br>{inviter} invites you to {org} on Portaal.</p>\n<p><a href=\"{href}\">{href}</a></p>\n<p>Deze link werkt {INVITATION_DAYS} dagen en één keer. / This link works for {INVITATION_DAYS} days, once.</p>",
        inviter = markdown::escape(inviter),
        org = markdown::escape(&org_name),
        href = markdown::escape(&mail_link),
    );
    mail::enqueue(
        conn,
        now,
        org_id,
        Outgoing {
            recipient: email,
            subject: &subject,
            html,
            text,
            invitation_id: Some(id),
            password_reset_id: None,
            invoice_id: None,
        },
    )?;
    Ok(())
}

/// Invite `email` with `role`: stores the invitation (token hashed) and the
/// mail in the outbox (without a token); returns the link (shown once to the
/// admin). An address that is already a member, or already has an open
/// invitation, is refused (field `email`): no second row.
pub fn invite(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    email: &str,
    role: Role,
    public_url: &str,
) -> Result<Invited, AppError> {
    actor.require(Operation::UserInvite)?;
    let mut e = FieldErrors::default();
    let email = validate::email(&mut e, "email", email);
    e.into_result()?;
    let org_id = actor.organization_id.clone();
    db::write(conn, |conn| {
        refuse_taken(conn, now, &org_id, &email, None)?;
        refuse_no_seat(conn, now, &org_id, false)?;
        let token = crypto::random_token();
        let id = new_id();
        let expires_at = now + Duration::days(INVITATION_DAYS);
        let who = actor.audit();
        diesel::insert_into(invitations::table)
            .values((
                invitations::id.eq(&id),
                invitations::organization_id.eq(&org_id),
                invitations::email.eq(&email),
                invitations::role.eq(role.as_str()),
                invitations::token_hash.eq(crypto::sha256_hex(token.as_bytes())),
                invitations::invited_by_label.eq(&who.label),
                invitations::expires_at.eq(expires_at),
                invitations::created_at.eq(now),
            ))
            .execute(conn)?;
        queue_mail(conn, now, &org_id, &who.label, &email, &id, public_url)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org_id), "invitation.created", "invitation", Some(&id)).values(
                None::<&()>,
                Some(&InvitationView {
                    email: &email,
                    role: role.as_str(),
                    expires_at,
                }),
            ),
        )?;
        Ok(Invited {
            link: format!("{public_url}/invitations/{token}"),
            id,
            email,
        })
    })
}

/// The least time between two mails of one invitation.
pub const RESEND_EVERY_SECS: i64 = 60;

/// An invitation of the actor's organisation not yet accepted (expired
/// ones too); another organisation's, or an unknown id, answers 404.
pub fn invitation(
    conn: &mut DbConn,
    actor: &Actor,
    invitation_id: &str,
) -> Result<Invitation, AppError> {
    actor.require(Operation::UserInvite)?;
    Ok(invitations::table
        .filter(invitations::organization_id.eq(&actor.organization_id))
        .filter(invitations::id.eq(invitation_id))
        .filter(invitations::accepted_at.is_null())
        .select(Invitation::as_select())
        .first(conn)?)
}

/// Send an invitation again (an expired one too): a new link for the admin,
/// a new mail in the outbox, valid for [`INVITATION_DAYS`] from now; every
/// earlier link of it stops working and its mails not sent yet are
/// canceled. Not more than once per [`RESEND_EVERY_SECS`] (field
/// `invitation`: [`ErrorCode::ResendTooSoon`]).
pub fn resend(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    invitation_id: &str,
    public_url: &str,
) -> Result<Invited, AppError> {
    actor.require(Operation::UserInvite)?;
    let org_id = actor.organization_id.clone();
    db::write(conn, |conn| {
        let inv = invitation(conn, actor, invitation_id)?;
        refuse_taken(conn, now, &org_id, &inv.email, Some(&inv.id))?;
        let last = mail::last_for_invitation(conn, &inv.id)?.unwrap_or(inv.created_at);
        if now < last + Duration::seconds(RESEND_EVERY_SECS) {
            return Err(AppError::Validation(FieldErrors(vec![(
                "invitation",
                ErrorCode::ResendTooSoon,
            )])));
        }
        mail::cancel_unsent_for_invitation(conn, &inv.id)?;
        let token = crypto::random_token();
        let expires_at = now + Duration::days(INVITATION_DAYS);
        diesel::update(invitations::table.find(&inv.id))
            .filter(invitations::accepted_at.is_null())
            .set((
                invitations::token_hash.eq(crypto::sha256_hex(token.as_bytes())),
                invitations::mail_token_hash.eq(None::<String>),
                invitations::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        let who = actor.audit();
        queue_mail(
            conn, now, &org_id, &who.label, &inv.email, &inv.id, public_url,
        )?;
        let view = |expires_at| InvitationView {
            email: &inv.email,
            role: &inv.role,
            expires_at,
        };
        audit::record(
            conn,
            now,
            &who,
            Event::new(
                Some(&org_id),
                "invitation.resent",
                "invitation",
                Some(&inv.id),
            )
            .values(Some(&view(inv.expires_at)), Some(&view(expires_at))),
        )?;
        Ok(Invited {
            link: format!("{public_url}/invitations/{token}"),
            id: inv.id.clone(),
            email: inv.email.clone(),
        })
    })
}

/// Revoke an invitation not yet accepted: it is deleted (the audit log keeps
/// what it was), so its links answer "no longer valid", and its mails not
/// sent yet are canceled.
pub fn revoke(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    invitation_id: &str,
) -> Result<(), AppError> {
    actor.require(Operation::UserInvite)?;
    let org_id = actor.organization_id.clone();
    db::write(conn, |conn| {
        let inv = invitation(conn, actor, invitation_id)?;
        // Before the row goes: its mails lose their invitation with it.
        mail::cancel_unsent_for_invitation(conn, &inv.id)?;
        diesel::delete(
            invitations::table
                .find(&inv.id)
                .filter(invitations::accepted_at.is_null()),
        )
        .execute(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org_id),
                "invitation.revoked",
                "invitation",
                Some(&inv.id),
            )
            .values(
                Some(&InvitationView {
                    email: &inv.email,
                    role: &inv.role,
                    expires_at: inv.expires_at,
                }),
                None::<&()>,
            ),
        )?;
        Ok(())
    })
}

/// The link for the invitation mail being sent now: a token of the mail's
/// own (only its hash is kept; a later send replaces it). `None` when the
/// invitation is no longer open (accepted, expired or revoked) or the mail
/// was canceled (the invitation was renewed): the mail is not sent.
pub fn mail_link(
    conn: &mut DbConn,
    now: NaiveDateTime,
    invitation_id: &str,
    mail_id: &str,
    public_url: &str,
) -> QueryResult<Option<String>> {
    let token = crypto::random_token();
    let updated = db::write(conn, |conn| {
        let canceled: Option<String> = mail_outbox::table
            .find(mail_id)
            .filter(mail_outbox::status.eq("canceled"))
            .select(mail_outbox::id)
            .first(conn)
            .optional()?;
        if canceled.is_some() {
            return Ok(0);
        }
        diesel::update(
            invitations::table
                .find(invitation_id)
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::expires_at.gt(now)),
        )
        .set(invitations::mail_token_hash.eq(crypto::sha256_hex(token.as_bytes())))
        .execute(conn)
    })?;
    Ok((updated == 1).then(|| format!("{public_url}/invitations/{token}")))
}

/// What an invitation link leads to. Whether its e-mail has an account is
/// not part of it: the page looks the same either way.
pub struct InvitationTarget {
    pub invitation: Invitation,
    pub organization_name: String,
}

/// Look up a live invitation by its token, the one shown to the admin or
/// the one in the sent mail (unknown, used or expired: 404).
pub fn by_token(
    conn: &mut DbConn,
    now: NaiveDateTime,
    token: &str,
) -> Result<InvitationTarget, AppError> {
    if !crypto::is_token(token) {
        return Err(AppError::NotFound);
    }
    let hash = crypto::sha256_hex(token.as_bytes());
    let invitation: Invitation = invitations::table
        .filter(
            invitations::token_hash
                .eq(&hash)
                .or(invitations::mail_token_hash.eq(&hash)),
        )
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .select(Invitation::as_select())
        .first(conn)?;
    let organization_name = organizations::table
        .find(&invitation.organization_id)
        .select(organizations::name)
        .first(conn)?;
    Ok(InvitationTarget {
        invitation,
        organization_name,
    })
}

/// Accept an invitation by creating the account of its e-mail (`name` and
/// the new password's hash): single use. An e-mail that already has an
/// account is refused (`email`: [`ErrorCode::EmailTaken`]): its owner logs
/// in and accepts with [`accept_signed_in`]. Returns the organisation and
/// the token of the new account's first login.
pub fn accept_new(
    conn: &mut DbConn,
    now: NaiveDateTime,
    token: &str,
    name: &str,
    password_hash: &str,
    ip: Option<String>,
) -> Result<(String, String), AppError> {
    db::write(conn, |conn| {
        let target = by_token(conn, now, token)?;
        let inv = &target.invitation;
        let anonymous = AuditActor {
            kind: "anonymous",
            id: None,
            label: inv.email.clone(),
            ip: ip.clone(),
        };
        let user = accounts::create(
            conn,
            now,
            &anonymous,
            Some(&inv.organization_id),
            &inv.email,
            name,
            password_hash,
        )?;
        use_invitation(conn, now, inv, &user.id, &user.name, ip)?;
        Ok((
            inv.organization_id.clone(),
            sessions::start(conn, now, &user.id)?,
        ))
    })
}

/// Accept an invitation as the signed-in user `user_id`, whose e-mail must
/// be the invited one (another answers 403). Single use. Returns the
/// organisation joined.
pub fn accept_signed_in(
    conn: &mut DbConn,
    now: NaiveDateTime,
    token: &str,
    user_id: &str,
    ip: Option<String>,
) -> Result<String, AppError> {
    db::write(conn, |conn| {
        let target = by_token(conn, now, token)?;
        let inv = &target.invitation;
        let user = accounts::find(conn, user_id)?.ok_or(AppError::NotFound)?;
        if user.email != inv.email {
            return Err(AppError::Forbidden {
                operation: None,
                missing: None,
            });
        }
        use_invitation(conn, now, inv, &user.id, &user.name, ip)?;
        Ok(inv.organization_id.clone())
    })
}

/// Mark the invitation used (only the first of two racing accepts does) and
/// give `user_id` the membership it offers; audited.
fn use_invitation(
    conn: &mut DbConn,
    now: NaiveDateTime,
    inv: &Invitation,
    user_id: &str,
    user_name: &str,
    ip: Option<String>,
) -> Result<(), AppError> {
    let used = diesel::update(invitations::table.find(&inv.id))
        .filter(invitations::accepted_at.is_null())
        .set(invitations::accepted_at.eq(now))
        .execute(conn)?;
    if used == 0 {
        return Err(AppError::NotFound);
    }
    let member: Option<String> = memberships::table
        .filter(memberships::organization_id.eq(&inv.organization_id))
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::id)
        .first(conn)
        .optional()?;
    if member.is_some() {
        return Err(AppError::Validation(FieldErrors(vec![(
            "email",
            ErrorCode::AlreadyMember,
        )])));
    }
    refuse_no_seat(conn, now, &inv.organization_id, true)?;
    let role = Role::parse(&inv.role).unwrap_or(Role::Access);
    let actor = AuditActor {
        kind: "user",
        id: Some(user_id.to_string()),
        label: user_name.to_string(),
        ip,
    };
    accounts::add_membership(conn, now, &actor, &inv.organization_id, user_id, role)?;
    audit::record(
        conn,
        now,
        &actor,
        Event::new(
            Some(&inv.organization_id),
            "invitation.accepted",
            "invitation",
            Some(&inv.id),
        ),
    )?;
    Ok(())
}

fn membership(conn: &mut DbConn, org: &str, id: &str) -> Result<(String, String), AppError> {
    Ok(memberships::table
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::id.eq(id))
        .select((memberships::user_id, memberships::role))
        .first(conn)?)
}

/// The organisation's enabled admins other than `except_user`.
fn other_admins(conn: &mut DbConn, org: &str, except_user: &str) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::role.eq(Role::Backoffice.as_str()))
        .filter(memberships::user_id.ne(except_user))
        .filter(memberships::disabled.eq(false))
        .count()
        .get_result(conn)
}

fn last_admin() -> AppError {
    AppError::Validation(FieldErrors(vec![("role", ErrorCode::LastAdmin)]))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleView<'a> {
    user_id: &'a str,
    role: &'a str,
}

/// Change a member's role; the last admin cannot be demoted.
pub fn change_role(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    membership_id: &str,
    role: Role,
) -> Result<(), AppError> {
    actor.require(Operation::UserRoleUpdate)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let (user_id, old) = membership(conn, &org, membership_id)?;
        if old == role.as_str() {
            return Ok(());
        }
        if old == Role::Backoffice.as_str() && other_admins(conn, &org, &user_id)? == 0 {
            return Err(last_admin());
        }
        diesel::update(memberships::table.find(membership_id))
            .set((
                memberships::role.eq(role.as_str()),
                memberships::version.eq(memberships::version + 1),
                memberships::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                "membership.role_changed",
                "membership",
                Some(membership_id),
            )
            .values(
                Some(&RoleView {
                    user_id: &user_id,
                    role: &old,
                }),
                Some(&RoleView {
                    user_id: &user_id,
                    role: role.as_str(),
                }),
            ),
        )?;
        Ok(())
    })
}

/// Remove a member from the organisation; the last admin cannot go.
pub fn remove(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    membership_id: &str,
) -> Result<(), AppError> {
    actor.require(Operation::UserRemove)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let (user_id, role) = membership(conn, &org, membership_id)?;
        if role == Role::Backoffice.as_str() && other_admins(conn, &org, &user_id)? == 0 {
            return Err(last_admin());
        }
        diesel::delete(memberships::table.find(membership_id)).execute(conn)?;
        subscriptions::follow_members_in_trial(conn, &org)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                "membership.removed",
                "membership",
                Some(membership_id),
            )
            .values(
                Some(&RoleView {
                    user_id: &user_id,
                    role: &role,
                }),
                None::<&()>,
            ),
        )?;
        Ok(())
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DisabledView<'a> {
    user_id: &'a str,
    role: &'a str,
    disabled: bool,
}

/// Disable (or re-enable) a membership: a disabled member keeps their
/// account and their other organisations, but has no access to this one
/// (their logins lose it at once: every request reads the memberships). The
/// last enabled admin cannot be disabled.
pub fn set_disabled(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    membership_id: &str,
    disabled: bool,
) -> Result<(), AppError> {
    actor.require(Operation::UserDisable)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let (user_id, role, was): (String, String, bool) = memberships::table
            .filter(memberships::organization_id.eq(&org))
            .filter(memberships::id.eq(membership_id))
            .select((
                memberships::user_id,
                memberships::role,
                memberships::disabled,
            ))
            .first(conn)?;
        if was == disabled {
            return Ok(());
        }
        if disabled && role == Role::Backoffice.as_str() && other_admins(conn, &org, &user_id)? == 0
        {
            return Err(last_admin());
        }
        diesel::update(memberships::table.find(membership_id))
            .set((
                memberships::disabled.eq(disabled),
                memberships::version.eq(memberships::version + 1),
                memberships::updated_at.eq(now),
            ))
            .execute(conn)?;
        let view = |disabled| DisabledView {
            user_id: &user_id,
            role: &role,
            disabled,
        };
        let action = if disabled {
            "membership.disabled"
        } else {
            "membership.enabled"
        };
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), action, "membership", Some(membership_id))
                .values(Some(&view(was)), Some(&view(disabled))),
        )?;
        subscriptions::follow_members_in_trial(conn, &org)?;
        Ok(())
    })
}
