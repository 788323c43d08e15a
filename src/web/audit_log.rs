//! Settings → Audit log: every event of the organisation, filtered by actor,
//! kind of record and date range (in the organisation's time zone), paged
//! and sorted with the shared list helper.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDateTime, TimeZone};
use serde::Deserialize;

use crate::AppState;
use crate::domain::audit::{self, Filter, Listed};
use crate::domain::audit_changes::{Shown, changes, readable};
use crate::domain::paging::ListParams;
use crate::domain::scopes::{Operation, Role};
use crate::error::AppError;
use crate::i18n::{Lang, Messages, audit_action, audit_field, audit_resource, fill};
use crate::web::extract::Member;
use crate::web::form::Choice;
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, SortHeader, export_href, pager, sort_header};
use crate::web::record_page::{deleted, href};
use crate::web::render;

const PATH: &str = "/settings/audit-log";

/// Mount `/settings/audit-log`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show));
}

#[derive(Deserialize, Default)]
pub(crate) struct AuditQuery {
    #[serde(flatten)]
    pub(crate) list: ListParams,
    actor: Option<String>,
    resource: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl AuditQuery {
    /// The filter, and the days asked for (as typed, trimmed).
    pub(crate) fn filter(&self, tz: chrono_tz::Tz) -> (Filter, String, String) {
        let nonempty = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let (from, to) = (
            nonempty(&self.from).unwrap_or_default(),
            nonempty(&self.to).unwrap_or_default(),
        );
        let filter = Filter {
            actor_id: nonempty(&self.actor),
            resource_type: nonempty(&self.resource),
            from: day_start(&from, tz),
            // "Until" includes the whole chosen day.
            until: crate::domain::validate::day(&to)
                .and_then(|d| d.succ_opt())
                .and_then(|d| day_start(&d.to_string(), tz)),
        };
        (filter, from, to)
    }
}

struct EntryView {
    when: String,
    who: String,
    kind: &'static str,
    what: String,
    /// The kind of record, in the reader's language.
    resource: String,
    /// The record's name; its id when it has none.
    name: Option<String>,
    resource_id: String,
    /// The record's page, while it exists.
    href: Option<String>,
    /// The record was deleted since.
    gone: bool,
    ip: String,
    /// Only the fields that changed.
    changes: Vec<ChangeView>,
    /// Whether the changes have a before and an after column.
    before_column: bool,
    after_column: bool,
}

/// One changed field, written out.
struct ChangeView {
    field: String,
    before: Option<String>,
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    l: LayoutCtx,
    entries: Vec<EntryView>,
    actors: Vec<Choice>,
    resources: Vec<Choice>,
    from: String,
    to: String,
    pager: Pager,
    showing: String,
    sort_time: SortHeader,
    sort_action: SortHeader,
    sort_resource: SortHeader,
    export: String,
}

pub(crate) fn kind_label(t: &Messages, kind: &str) -> &'static str {
    match kind {
        "api_client" => t.audit_kind_api_client,
        "system" => t.audit_kind_system,
        "anonymous" => t.audit_kind_anonymous,
        _ => t.audit_kind_user,
    }
}

/// A changed value, written out in the reader's language and time zone.
fn shown(lang: Lang, tz: chrono_tz::Tz, field: &str, value: Shown) -> String {
    let t = lang.t();
    match value {
        Shown::Empty => t.audit_empty_value.to_string(),
        Shown::Yes => t.audit_yes.to_string(),
        Shown::No => t.audit_no.to_string(),
        Shown::Moment(at) => lang.datetime(at, tz),
        Shown::Text(role) if field == "role" => {
            Role::parse(&role).map_or(role, |r| crate::web::layout::role_label(t, r).to_string())
        }
        Shown::Text(text) => text,
    }
}

fn entry_view(lang: Lang, tz: chrono_tz::Tz, listed: Listed) -> EntryView {
    let Listed { entry: e, about } = listed;
    let parse = |json: &Option<String>| {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
    };
    let changes: Vec<ChangeView> = changes(
        parse(&e.before_json).as_ref(),
        parse(&e.after_json).as_ref(),
    )
    .into_iter()
    .map(|c| {
        // A record kept under its kind (`customer.name`) reads as its own.
        let key = c
            .field
            .strip_prefix(e.resource_type.as_str())
            .and_then(|k| k.strip_prefix('.'))
            .unwrap_or(&c.field);
        ChangeView {
            before: c.before.map(|v| shown(lang, tz, key, v)),
            after: c.after.map(|v| shown(lang, tz, key, v)),
            field: audit_field(lang, &e.resource_type, key)
                .map_or_else(|| readable(key), str::to_string),
        }
    })
    .collect();
    let id = e.resource_id.as_deref();
    EntryView {
        when: lang.datetime(e.created_at, tz),
        kind: kind_label(lang.t(), &e.actor_type),
        who: e.actor_label,
        what: audit_action(lang, &e.action),
        resource: audit_resource(lang, &e.resource_type),
        href: href(&e.resource_type, id, &about),
        gone: deleted(&e.resource_type, id, &about),
        name: about.name,
        resource_id: e.resource_id.unwrap_or_default(),
        ip: e.ip.unwrap_or_default(),
        before_column: changes.iter().any(|c| c.before.is_some()),
        after_column: changes.iter().any(|c| c.after.is_some()),
        changes,
    }
}

/// The first moment of `day` in `tz`, as UTC.
fn day_start(day: &str, tz: chrono_tz::Tz) -> Option<NaiveDateTime> {
    let d = crate::domain::validate::day(day)?;
    tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.naive_utc())
}

async fn show(
    m: Member,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::AuditList)?;
    let q = query.into_inner();
    let (filter, from, to) = q.filter(m.tz);
    let request = q.list.lenient(&audit::SORT);
    let (actor, org) = (m.actor.clone(), m.actor.organization_id.clone());
    let f = filter.clone();
    let (page, (actors, kinds)) = state
        .db(move |conn| {
            Ok((
                audit::list(conn, &actor, &f, request.clone())?,
                audit::facets(conn, &org)?,
            ))
        })
        .await?;
    let mut base_pairs = vec![];
    for (k, v) in [
        ("actor", &filter.actor_id),
        ("resource", &filter.resource_type),
    ] {
        if let Some(v) = v {
            base_pairs.push((k, v.clone()));
        }
    }
    if !from.is_empty() {
        base_pairs.push(("from", from.clone()));
    }
    if !to.is_empty() {
        base_pairs.push(("to", to.clone()));
    }
    let base = if base_pairs.is_empty() {
        PATH.to_string()
    } else {
        format!(
            "{PATH}?{}",
            serde_urlencoded::to_string(&base_pairs).unwrap_or_default()
        )
    };
    let mut resources: Vec<Choice> = kinds
        .into_iter()
        .map(|k| Choice {
            selected: filter.resource_type.as_deref() == Some(k.as_str()),
            label: audit_resource(m.lang, &k),
            value: k,
        })
        .collect();
    resources.sort_by(|a, b| a.label.cmp(&b.label));
    let l = LayoutCtx::new(&m, Nav::AuditLog);
    let r = &page.request;
    let pager = pager(&base, &page);
    let p = AuditPage {
        showing: fill(l.t.showing, &[&pager.from, &pager.to, &pager.total]),
        sort_time: sort_header(&base, r, "createdAt"),
        sort_action: sort_header(&base, r, "action"),
        sort_resource: sort_header(&base, r, "resourceType"),
        export: export_href(&base, r),
        actors: actors
            .into_iter()
            .map(|(id, label)| Choice {
                selected: filter.actor_id.as_deref() == Some(id.as_str()),
                value: id,
                label,
            })
            .collect(),
        resources,
        entries: page
            .items
            .into_iter()
            .map(|e| entry_view(m.lang, m.tz, e))
            .collect(),
        from,
        to,
        pager,
        l,
    };
    render(StatusCode::OK, &p)
}
