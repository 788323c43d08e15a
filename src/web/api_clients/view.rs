//! View models of the API-client screens: list rows, the scope grid, the
//! permission matrix and the scope difference, in the user's language.

use chrono::NaiveDateTime;

use crate::domain::api_clients::{ApiClient, Idle, Secret, Status};
use crate::domain::modules::Modules;
use crate::domain::scopes::{Access, Level, Operation, Resource, Scope, ScopeDiff, ScopeSet};
use crate::i18n::{Lang, Messages, fill};

/// A badge: its text and its style (`success`, `danger`, …).
pub struct Badge {
    pub text: &'static str,
    pub class: &'static str,
}

/// The status badge of a client.
pub fn status_badge(t: &Messages, status: Status) -> Badge {
    match status {
        Status::Active => Badge {
            text: t.ac_status_active,
            class: "success",
        },
        Status::Disabled => Badge {
            text: t.ac_status_disabled,
            class: "danger",
        },
        Status::Expired => Badge {
            text: t.ac_status_expired,
            class: "muted",
        },
    }
}

/// The idle badge of a client, if any.
pub fn idle_badge(t: &Messages, idle: Option<Idle>) -> Option<Badge> {
    idle.map(|i| match i {
        Idle::Days30 => Badge {
            text: t.ac_idle_30,
            class: "warning",
        },
        Idle::Days90 => Badge {
            text: t.ac_idle_90,
            class: "danger",
        },
    })
}

/// One secret as a row.
pub struct SecretView {
    pub created: String,
    pub last_used: String,
    pub valid_until: String,
    pub live: bool,
}

/// Secrets as rows, newest first.
pub fn secret_views(
    lang: Lang,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
    secrets: &[Secret],
) -> Vec<SecretView> {
    let t = lang.t();
    secrets
        .iter()
        .map(|s| SecretView {
            created: lang.datetime(s.created_at, tz),
            last_used: s
                .last_used_at
                .map_or_else(|| t.ac_never_used.to_string(), |u| lang.datetime(u, tz)),
            valid_until: s
                .expires_at
                .map_or_else(|| t.ac_secret_no_end.to_string(), |e| lang.datetime(e, tz)),
            live: s.is_live(now),
        })
        .collect()
}

/// One client in the list.
pub struct RowView {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub more_scopes: usize,
    pub status: Badge,
    pub idle: Option<Badge>,
    pub created: String,
    pub created_by: String,
    pub last_used: String,
    pub secrets: Vec<SecretView>,
}

/// A list row.
pub fn row_view(
    lang: Lang,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
    c: &ApiClient,
    secrets: &[Secret],
) -> RowView {
    let t = lang.t();
    let all: Vec<String> = c
        .scope_set()
        .scopes()
        .iter()
        .map(ToString::to_string)
        .collect();
    RowView {
        id: c.id.clone(),
        name: c.name.clone(),
        client_id: c.client_id.clone(),
        more_scopes: all.len().saturating_sub(3),
        scopes: all.into_iter().take(3).collect(),
        status: status_badge(t, c.status(now)),
        idle: idle_badge(t, c.idle(now)),
        created: lang.datetime(c.created_at, tz),
        created_by: fill(t.ac_created_by, &[&c.created_by_label]),
        last_used: c
            .last_used_at
            .map_or_else(|| t.ac_never_used.to_string(), |u| lang.datetime(u, tz)),
        secrets: secret_views(lang, tz, now, secrets),
    }
}

/// One tick box of the grid.
pub struct GridCell {
    pub value: String,
    pub id: String,
    pub level: &'static str,
    pub checked: bool,
}

/// One row of the grid: a resource or one of its sub-paths.
pub struct GridRow {
    pub label: String,
    pub scope_name: String,
    pub sub: bool,
    pub cells: Vec<GridCell>,
}

/// The label of a level.
pub fn level_label(t: &Messages, l: Level) -> &'static str {
    match l {
        Level::Read => t.ac_level_read,
        Level::Write => t.ac_level_write,
        Level::Admin => t.ac_level_admin,
    }
}

/// The scope grid with the given scopes ticked (kept as typed, so a refused
/// form shows what was ticked).
pub fn grid(t: &Messages, ticked: &[String]) -> Vec<GridRow> {
    let mut rows = vec![];
    for r in Resource::ALL {
        let mut subs: Vec<Option<&'static str>> = vec![None];
        subs.extend(r.subpaths().iter().map(|s| Some(*s)));
        for sub in subs {
            let cells = Level::ALL
                .iter()
                .map(|&level| {
                    let value = Scope {
                        resource: r,
                        subpath: sub,
                        level,
                    }
                    .to_string();
                    GridCell {
                        id: format!("scope-{}", value.replace([':', '/'], "-")),
                        checked: ticked.contains(&value),
                        level: level_label(t, level),
                        value,
                    }
                })
                .collect();
            rows.push(GridRow {
                label: match sub {
                    None => resource_label(t, r).to_string(),
                    Some(s) => s.to_string(),
                },
                scope_name: match sub {
                    None => r.as_str().to_string(),
                    Some(s) => format!("{}:{s}", r.as_str()),
                },
                sub: sub.is_some(),
                cells,
            });
        }
    }
    rows
}

/// One cell of the matrix.
pub struct AccessView {
    pub text: String,
    pub class: &'static str,
}

fn access_view(lang: Lang, a: Access) -> AccessView {
    let t = lang.t();
    let (text, class) = match a {
        Access::Allowed => (t.ac_allowed.to_string(), "success"),
        Access::Partial => (t.ac_partially.to_string(), "warning"),
        Access::Denied => (t.ac_not_allowed.to_string(), "muted"),
        Access::ModuleOff(module) => (fill(t.ac_module_off, &[&module.label(lang)]), "muted"),
    };
    AccessView { text, class }
}

/// Is this cell allowed, in full or in part?
fn is_allowed(a: Access) -> bool {
    matches!(a, Access::Allowed | Access::Partial)
}

/// One operation of the matrix.
pub struct MatrixOp {
    pub name: &'static str,
    pub description: &'static str,
    pub access: AccessView,
    /// Allowed in full or in part (what "only allowed" keeps).
    pub allowed: bool,
    /// (`added` / `removed`, its label) when editing changes it.
    pub change: Option<(&'static str, &'static str)>,
}

/// One resource of the matrix.
pub struct MatrixGroup {
    pub label: &'static str,
    pub name: &'static str,
    /// Some operation of it is allowed.
    pub any_allowed: bool,
    pub levels: Vec<(&'static str, AccessView)>,
    pub ops: Vec<MatrixOp>,
}

/// The whole matrix, plus the difference to `before` when editing.
pub struct MatrixView {
    pub groups: Vec<MatrixGroup>,
    pub diff: Option<DiffView>,
    /// "11 of 52 operations allowed" (and how many in part).
    pub summary: String,
}

impl MatrixView {
    /// Allowed operations first, in groups with something allowed first
    /// (a client's page, where what it may do matters most).
    pub fn allowed_first(mut self) -> Self {
        for g in &mut self.groups {
            g.ops.sort_by_key(|o| !o.allowed);
        }
        self.groups.sort_by_key(|g| !g.any_allowed);
        self
    }
}

/// A scope difference, for people.
pub struct DiffView {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub ops_added: Vec<(&'static str, &'static str)>,
    pub ops_removed: Vec<(&'static str, &'static str)>,
}

impl DiffView {
    /// Nothing changes.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// A difference as a view.
pub fn diff_view(lang: Lang, d: &ScopeDiff) -> DiffView {
    let ops = |v: &[Operation]| v.iter().map(|o| (o.name(), o.description(lang))).collect();
    DiffView {
        added: d.added.iter().map(ToString::to_string).collect(),
        removed: d.removed.iter().map(ToString::to_string).collect(),
        ops_added: ops(&d.operations_added),
        ops_removed: ops(&d.operations_removed),
    }
}

/// The matrix of `set` for an organisation that has `modules` now (an
/// operation of a module that is off reads "Not Allowed — module …"); with
/// `before`, marks what the change adds and removes.
pub fn matrix_view(
    lang: Lang,
    set: &ScopeSet,
    before: Option<&ScopeSet>,
    modules: Modules,
) -> MatrixView {
    let t = lang.t();
    let diff = before.map(|b| b.diff(set));
    let rows = set.matrix_in(modules);
    let groups = rows
        .iter()
        .map(|r| MatrixGroup {
            label: resource_label(t, r.resource),
            name: r.resource.as_str(),
            levels: r
                .levels
                .iter()
                .map(|(l, a)| (level_label(t, *l), access_view(lang, *a)))
                .collect(),
            any_allowed: r.operations.iter().any(|o| is_allowed(o.access())),
            ops: r
                .operations
                .iter()
                .map(|o| MatrixOp {
                    name: o.operation.name(),
                    description: o.operation.description(lang),
                    access: access_view(lang, o.access()),
                    allowed: is_allowed(o.access()),
                    change: diff.as_ref().and_then(|d| {
                        if d.operations_added.contains(&o.operation) {
                            Some(("added", t.ac_ops_added))
                        } else if d.operations_removed.contains(&o.operation) {
                            Some(("removed", t.ac_ops_removed))
                        } else {
                            None
                        }
                    }),
                })
                .collect(),
        })
        .collect();
    let count = |a: Access| {
        rows.iter()
            .flat_map(|r| &r.operations)
            .filter(|o| o.access() == a)
            .count()
    };
    let (allowed, partly) = (count(Access::Allowed), count(Access::Partial));
    let total = Operation::ALL.len();
    let mut summary = fill(t.ac_matrix_summary, &[&allowed, &total]);
    if partly > 0 {
        summary.push_str(&fill(t.ac_matrix_summary_partly, &[&partly]));
    }
    MatrixView {
        groups,
        diff: diff.as_ref().map(|d| diff_view(lang, d)),
        summary,
    }
}

/// A resource's name in the interface.
fn resource_label(t: &Messages, r: Resource) -> &'static str {
    use Resource as R;
    match r {
        R::Organization => t.res_organization,
        R::Users => t.res_users,
        R::Locations => t.res_locations,
        R::Meetings => t.res_meetings,
        R::Customers => t.res_customers,
        R::Subscriptions => t.res_subscriptions,
        R::Invoices => t.res_invoices,
        R::Languages => t.res_languages,
        R::Countries => t.res_countries,
        R::Audit => t.res_audit,
        R::ApiClients => t.res_api_clients,
        R::Webhooks => t.res_webhooks,
    }
}
