//! `/`: the dashboard.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::scopes::Operation;
use crate::domain::users;
use crate::domain::{audit, cache};
use crate::error::AppError;
use crate::i18n::{audit_action, fill};
use crate::web::extract::{Locale, member_with};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::record_page::href;

/// Mount `/`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(show));
}

struct ActivityRow {
    when: String,
    who: String,
    what: String,
    /// The record's name, if its values give one.
    name: Option<String>,
    /// Its page, while it exists.
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    l: LayoutCtx,
    welcome: String,
    intro: String,
    member_count: i64,
    organization_count: usize,
    last_login: String,
    activity: Option<std::sync::Arc<Vec<ActivityRow>>>,
}

async fn show(req: HttpRequest) -> Result<HttpResponse, AppError> {
    // The member count and the activity change only with an audited change
    // (memberships, events), which raises the data version: read and
    // written out once per version (and language and time zone). The last
    // login is bookkeeping, read on every visit.
    let (member, (member_count, activity, last_login_at)) =
        member_with(&req, |conn, actor, locale| {
            let org_id = &actor.organization_id;
            let count = cache::for_actor(actor, "dashboard#members".into(), || {
                users::member_count(conn, org_id)
            })?;
            let activity = if actor.can(Operation::AuditList) {
                let key = format!("dashboard#events#{}#{}", locale.lang.code(), locale.tz);
                Some(cache::for_actor(actor, key, || {
                    activity_rows(conn, org_id, locale)
                })?)
            } else {
                None
            };
            let last_login_at = match actor.user_id() {
                Some(id) => users::last_login_at(conn, id)?,
                None => None,
            };
            Ok((*count, activity, last_login_at))
        })
        .await?;
    let l = LayoutCtx::new(&member, Nav::Dashboard);
    let (lang, t, tz) = (member.lang, l.t, member.tz);
    let page = DashboardPage {
        welcome: fill(t.dashboard_welcome, &[&member.user.name]),
        intro: fill(
            t.dashboard_intro,
            &[&member.current.organization_name, &l.role_label],
        ),
        member_count,
        organization_count: member.memberships.len(),
        last_login: last_login_at.map_or_else(|| t.never.to_string(), |at| lang.datetime(at, tz)),
        activity,
        l,
    };
    crate::web::page(&page)
}

/// The latest events of an organisation, written out for the dashboard.
fn activity_rows(
    conn: &mut crate::db::DbConn,
    organization_id: &str,
    locale: Locale,
) -> Result<Vec<ActivityRow>, AppError> {
    let Locale { lang, tz } = locale;
    Ok(audit::recent(conn, organization_id, 8)?
        .into_iter()
        .map(|e| {
            let href = href(&e.row.resource_type, e.row.resource_id.as_deref(), &e.about);
            ActivityRow {
                when: lang.datetime(e.row.created_at, tz),
                who: e.row.actor_label,
                what: audit_action(lang, &e.row.action),
                name: e.about.name,
                href,
            }
        })
        .collect())
}
