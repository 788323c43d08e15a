//! `/`: the dashboard.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::scopes::Operation;
use crate::domain::users;
use crate::domain::{audit, cache};
use crate::error::AppError;
use crate::i18n::{audit_action, fill};
use crate::web::extract::member_with;
use crate::web::layout::{LayoutCtx, Nav};

/// Mount `/`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(show));
}

struct ActivityRow {
    when: String,
    who: String,
    what: String,
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
    activity: Option<Vec<ActivityRow>>,
}

async fn show(req: HttpRequest) -> Result<HttpResponse, AppError> {
    // Both change only with an audited change (memberships, events), which
    // raises the data version: read once per version.
    let (member, (member_count, events)) = member_with(&req, |conn, actor, _| {
        let org_id = &actor.organization_id;
        let count = cache::for_actor(actor, "dashboard#members".into(), || {
            users::member_count(conn, org_id)
        })?;
        let events = if actor.can(Operation::AuditList) {
            Some(cache::for_actor(actor, "dashboard#events".into(), || {
                audit::recent(conn, org_id, 8)
            })?)
        } else {
            None
        };
        Ok((*count, events))
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
        last_login: member
            .user
            .last_login_at
            .map_or_else(|| t.never.to_string(), |at| lang.datetime(at, tz)),
        activity: events.map(|rows| {
            rows.iter()
                .map(|e| ActivityRow {
                    when: lang.datetime(e.created_at, tz),
                    who: e.actor_label.clone(),
                    what: audit_action(lang, &e.action),
                })
                .collect()
        }),
        l,
    };
    crate::web::page(&page)
}
