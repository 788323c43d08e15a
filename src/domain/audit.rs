//! The audit log: `record(...)` is called by every write, inside the write's
//! own transaction, with the values before and after (never secrets).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{audit_events, data_versions};
use crate::db::{DbConn, new_id};
use crate::domain::actor::AuditActor;
use crate::domain::{webhook_events, webhook_outbox};

/// One change to record.
pub struct Event<'a> {
    pub organization_id: Option<&'a str>,
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource_id: Option<&'a str>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Event<'a> {
    /// An event without values.
    pub fn new(
        organization_id: Option<&'a str>,
        action: &'a str,
        resource_type: &'a str,
        resource_id: Option<&'a str>,
    ) -> Self {
        Self {
            organization_id,
            action,
            resource_type,
            resource_id,
            before: None,
            after: None,
        }
    }

    /// With the values before and after (serialisable views without secrets).
    pub fn values<B: Serialize, A: Serialize>(
        mut self,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Self {
        self.before = before.and_then(|b| serde_json::to_value(b).ok());
        self.after = after.and_then(|a| serde_json::to_value(a).ok());
        self
    }
}

/// Write `event` by `actor` at `now`, and raise the organisation's data
/// version in the same transaction (see [`crate::domain::cache`]).
pub fn record(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    event: Event<'_>,
) -> QueryResult<()> {
    record_raising(conn, now, actor, event).map(|_| ())
}

/// [`record`], saying which data version the event's organisation (if it
/// has one) now has: the version before it plus this transaction's change.
pub fn record_raising(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    event: Event<'_>,
) -> QueryResult<Option<i64>> {
    debug_assert!(
        webhook_events::is_catalogued(event.action),
        "audit action {} is not in webhook_events::AUDIT_KINDS",
        event.action
    );
    let id = new_id();
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(&id),
            audit_events::organization_id.eq(event.organization_id),
            audit_events::actor_type.eq(actor.kind),
            audit_events::actor_id.eq(actor.id.as_deref()),
            audit_events::actor_label.eq(&actor.label),
            audit_events::action.eq(event.action),
            audit_events::resource_type.eq(event.resource_type),
            audit_events::resource_id.eq(event.resource_id),
            audit_events::before_json.eq(event.before.map(|v| v.to_string())),
            audit_events::after_json.eq(event.after.map(|v| v.to_string())),
            audit_events::ip.eq(actor.ip.as_deref()),
            audit_events::created_at.eq(now),
        ))
        .execute(conn)?;
    let Some(org) = event.organization_id else {
        return Ok(None);
    };
    let version = raise_data_version(conn, org)?;
    // Queued for its webhook endpoints in this transaction: it exists
    // exactly when the change committed (the message is made from this
    // audit event by the delivery runner).
    webhook_outbox::enqueue(conn, org, event.action, &id)?;
    Ok(Some(version))
}

/// How long after a deletion its Undo works.
pub const UNDO_MINUTES: i64 = 10;

/// What an Undo brings back: the newest `action` (a deletion) by `actor` in
/// the organisation in the last [`UNDO_MINUTES`], as the id of the record
/// and the values the deletion kept of it (`before`).
pub fn undoable(
    conn: &mut DbConn,
    now: NaiveDateTime,
    organization_id: &str,
    actor: &AuditActor,
    action: &str,
) -> QueryResult<Option<(String, serde_json::Value)>> {
    let Some(actor_id) = actor.id.as_deref() else {
        return Ok(None);
    };
    let since = now - chrono::Duration::minutes(UNDO_MINUTES);
    let found: Option<(Option<String>, Option<String>)> = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::action.eq(action))
        .filter(audit_events::actor_type.eq(actor.kind))
        .filter(audit_events::actor_id.eq(actor_id))
        .filter(audit_events::created_at.ge(since))
        .order((audit_events::created_at.desc(), audit_events::id.desc()))
        .select((audit_events::resource_id, audit_events::before_json))
        .first(conn)
        .optional()?;
    Ok(found.and_then(|(id, before)| Some((id?, serde_json::from_str(&before?).ok()?))))
}

/// A recorded event, as lists show it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: String,
    pub actor_type: String,
    pub actor_label: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
}

/// What an event was about: the record's name and whether it still exists
/// (so a screen may link to it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    /// The record's name (a location's, a contact's first and last name, a
    /// meeting's employee, an invitation's address), from the values after
    /// the change (or before a deletion); for a member, the person's name
    /// now.
    pub name: Option<String>,
    /// The record exists now, in the organisation.
    pub exists: bool,
    /// A contact's customer (its page shows the contact).
    pub customer_id: Option<String>,
}

/// One of the newest events, with what it was about.
#[derive(Debug, Clone)]
pub struct RecentEvent {
    pub row: AuditRow,
    pub about: About,
}

/// The name a record goes by, read from its audited values.
fn name_in(resource_type: &str, values: &serde_json::Value) -> Option<String> {
    // A deletion may keep the record under its kind, beside what went
    // with it (`{"customer": {…}, "contactsDeleted": 2}`).
    let values = values
        .get(resource_type)
        .filter(|v| v.is_object())
        .unwrap_or(values);
    let text = |key: &str| {
        values
            .get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    match resource_type {
        "contact" => {
            let name = [text("firstname"), text("lastname")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            (!name.is_empty()).then_some(name)
        }
        "meeting" => text("employeeName").map(str::to_string),
        "location" | "customer" | "api_client" | "organization" => text("name").map(str::to_string),
        "user" => text("name").or(text("email")).map(str::to_string),
        "invitation" => text("email").map(str::to_string),
        _ => None,
    }
}

/// A record found by [`existing`]: its id, a contact's customer, and the
/// name it goes by now where its audited values give none (a member's).
struct Found {
    id: String,
    customer_id: Option<String>,
    name: Option<String>,
}

/// The records of `ids` that exist in the organisation's `resource_type`
/// table, in one query per kind of record.
fn existing(
    conn: &mut DbConn,
    organization_id: &str,
    resource_type: &str,
    ids: &[String],
) -> QueryResult<Vec<Found>> {
    use crate::db::schema::{
        api_clients, contacts, customers, invitations, locations, meetings, memberships,
        organizations, users,
    };
    let plain = |ids: Vec<String>| {
        ids.into_iter()
            .map(|id| Found {
                id,
                customer_id: None,
                name: None,
            })
            .collect()
    };
    let named = |rows: Vec<(String, String)>| {
        rows.into_iter()
            .map(|(id, name)| Found {
                id,
                customer_id: None,
                name: Some(name),
            })
            .collect()
    };
    Ok(match resource_type {
        "location" => plain(
            locations::table
                .filter(locations::organization_id.eq(organization_id))
                .filter(locations::id.eq_any(ids))
                .select(locations::id)
                .load(conn)?,
        ),
        "customer" => plain(
            customers::table
                .filter(customers::organization_id.eq(organization_id))
                .filter(customers::id.eq_any(ids))
                .select(customers::id)
                .load(conn)?,
        ),
        "meeting" => plain(
            meetings::table
                .filter(meetings::organization_id.eq(organization_id))
                .filter(meetings::id.eq_any(ids))
                .select(meetings::id)
                .load(conn)?,
        ),
        "api_client" => plain(
            api_clients::table
                .filter(api_clients::organization_id.eq(organization_id))
                .filter(api_clients::id.eq_any(ids))
                .select(api_clients::id)
                .load(conn)?,
        ),
        // An open invitation (an accepted one became a membership).
        "invitation" => plain(
            invitations::table
                .filter(invitations::organization_id.eq(organization_id))
                .filter(invitations::id.eq_any(ids))
                .filter(invitations::accepted_at.is_null())
                .select(invitations::id)
                .load(conn)?,
        ),
        "membership" => named(
            memberships::table
                .inner_join(users::table)
                .filter(memberships::organization_id.eq(organization_id))
                .filter(memberships::id.eq_any(ids))
                .select((memberships::id, users::name))
                .load(conn)?,
        ),
        // A person, while a member of the organisation.
        "user" => named(
            memberships::table
                .inner_join(users::table)
                .filter(memberships::organization_id.eq(organization_id))
                .filter(memberships::user_id.eq_any(ids))
                .select((users::id, users::name))
                .load(conn)?,
        ),
        // The organisation itself, by its name now.
        "organization" => named(
            organizations::table
                .filter(organizations::id.eq(organization_id))
                .filter(organizations::id.eq_any(ids))
                .select((organizations::id, organizations::name))
                .load(conn)?,
        ),
        "contact" => contacts::table
            .filter(contacts::organization_id.eq(organization_id))
            .filter(contacts::id.eq_any(ids))
            .select((contacts::id, contacts::customer_id))
            .load::<(String, String)>(conn)?
            .into_iter()
            .map(|(id, customer)| Found {
                id,
                customer_id: Some(customer),
                name: None,
            })
            .collect(),
        _ => vec![],
    })
}

/// The record an event was about, as the event holds it.
pub struct Subject<'a> {
    /// The kind of record (`location`, `contact`, …).
    pub kind: &'a str,
    pub id: Option<&'a str>,
    /// Its audited values before and after (JSON).
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// What each event was about, for events of one organisation: the
/// record's name from its values and whether it still exists, in one
/// query per kind of record among them (never one per event).
pub fn about(
    conn: &mut DbConn,
    organization_id: &str,
    events: &[Subject<'_>],
) -> QueryResult<Vec<About>> {
    let mut wanted: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for Subject { kind, id, .. } in events {
        if let Some(id) = id {
            let ids = wanted.entry(kind).or_default();
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_string());
            }
        }
    }
    let mut found = std::collections::HashMap::new();
    for (kind, ids) in &wanted {
        for f in existing(conn, organization_id, kind, ids)? {
            found.insert((*kind, f.id.clone()), f);
        }
    }
    Ok(events
        .iter()
        .map(
            |Subject {
                 kind,
                 id,
                 before,
                 after,
             }| {
                let values = after
                    .or(*before)
                    .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
                let here = id.and_then(|id| found.get(&(*kind, id.to_string())));
                About {
                    name: values
                        .and_then(|v| name_in(kind, &v))
                        .or_else(|| here.and_then(|f| f.name.clone())),
                    exists: here.is_some(),
                    customer_id: here.and_then(|f| f.customer_id.clone()),
                }
            },
        )
        .collect())
}

/// Events that change nothing in the organisation's data: logins, logouts,
/// failed attempts, a request for a new password. The audit log keeps
/// them; the dashboard's recent activity leaves them out.
pub const NOT_CHANGES: [&str; 4] = [
    "auth.login",
    "auth.login_failed",
    "auth.logout",
    "user.password_reset_requested",
];

/// The newest `limit` changes of one organisation (no logins: see
/// [`NOT_CHANGES`]), each with what it was about (see [`about`]).
pub fn recent(
    conn: &mut DbConn,
    organization_id: &str,
    limit: i64,
) -> QueryResult<Vec<RecentEvent>> {
    let rows: Vec<(AuditRow, Option<String>, Option<String>)> = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::action.ne_all(NOT_CHANGES))
        // Ids grow with time: they order what happened in the same instant.
        .order((audit_events::created_at.desc(), audit_events::id.desc()))
        .limit(limit)
        .select((
            AuditRow::as_select(),
            audit_events::before_json,
            audit_events::after_json,
        ))
        .load(conn)?;
    let keys: Vec<_> = rows
        .iter()
        .map(|(row, before, after)| Subject {
            kind: &row.resource_type,
            id: row.resource_id.as_deref(),
            before: before.as_deref(),
            after: after.as_deref(),
        })
        .collect();
    let abouts = about(conn, organization_id, &keys)?;
    Ok(rows
        .into_iter()
        .zip(abouts)
        .map(|((row, _, _), about)| RecentEvent { row, about })
        .collect())
}

/// The audit log's filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this actor (user or client id).
    pub actor_id: Option<String>,
    /// Only this kind of record (`user`, `api_client`, …).
    pub resource_type: Option<String>,
    /// From this moment (UTC), inclusive.
    pub from: Option<NaiveDateTime>,
    /// Until this moment (UTC), exclusive.
    pub until: Option<NaiveDateTime>,
}

/// An event with its values, for the audit-log screen.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEntry {
    pub id: String,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
}

/// How the audit log may be sorted.
pub const SORT: crate::domain::paging::SortSpec = crate::domain::paging::SortSpec {
    fields: &["createdAt", "action", "resourceType"],
    default: "createdAt",
    default_desc: true,
};

/// An event of the audit log with what it was about.
#[derive(Debug, Clone)]
pub struct Listed {
    pub entry: AuditEntry,
    pub about: About,
}

/// One page of the actor's organisation's audit log, each event with what
/// it was about (see [`about`]).
pub fn list(
    conn: &mut DbConn,
    actor: &crate::domain::actor::Actor,
    filter: &Filter,
    page: crate::domain::paging::PageRequest,
) -> Result<crate::domain::paging::Page<Listed>, crate::error::AppError> {
    actor.require(crate::domain::scopes::Operation::AuditList)?;
    let org = actor.organization_id.as_str();
    let total: i64 = filtered(org, filter).count().get_result(conn)?;
    let entries: Vec<AuditEntry> = sorted(org, filter, &page)
        .limit(page.size)
        .offset(page.offset())
        .select(AuditEntry::as_select())
        .load(conn)?;
    let keys: Vec<_> = entries
        .iter()
        .map(|e| Subject {
            kind: &e.resource_type,
            id: e.resource_id.as_deref(),
            before: e.before_json.as_deref(),
            after: e.after_json.as_deref(),
        })
        .collect();
    let abouts = about(conn, org, &keys)?;
    Ok(crate::domain::paging::Page {
        items: entries
            .into_iter()
            .zip(abouts)
            .map(|(entry, about)| Listed { entry, about })
            .collect(),
        request: page,
        total,
    })
}

/// The organisation's events that `filter` lets through.
pub(crate) fn filtered<'a>(
    org: &'a str,
    filter: &Filter,
) -> audit_events::BoxedQuery<'a, crate::db::Backend> {
    let mut q = audit_events::table
        .filter(audit_events::organization_id.eq(org))
        .into_boxed();
    if let Some(a) = &filter.actor_id {
        q = q.filter(audit_events::actor_id.eq(a.clone()));
    }
    if let Some(r) = &filter.resource_type {
        q = q.filter(audit_events::resource_type.eq(r.clone()));
    }
    if let Some(f) = filter.from {
        q = q.filter(audit_events::created_at.ge(f));
    }
    if let Some(u) = filter.until {
        q = q.filter(audit_events::created_at.lt(u));
    }
    q
}

/// [`filtered`] in `page`'s order (the id last, so the order is total).
pub(crate) fn sorted<'a>(
    org: &'a str,
    filter: &Filter,
    page: &crate::domain::paging::PageRequest,
) -> audit_events::BoxedQuery<'a, crate::db::Backend> {
    use audit_events::{action, created_at, id, resource_type};
    let q = filtered(org, filter);
    match (page.sort, page.desc) {
        ("action", false) => q.order((action.asc(), created_at.desc(), id.desc())),
        ("action", true) => q.order((action.desc(), created_at.desc(), id.desc())),
        ("resourceType", false) => q.order((resource_type.asc(), created_at.desc(), id.desc())),
        ("resourceType", true) => q.order((resource_type.desc(), created_at.desc(), id.desc())),
        (_, false) => q.order((created_at.asc(), id.asc())),
        (_, true) => q.order((created_at.desc(), id.desc())),
    }
}

/// The filter choices: actors as (id, label), and kinds of record.
pub type Facets = (Vec<(String, String)>, Vec<String>);

/// The actors and record kinds that appear in an organisation's log (for
/// the filter choices).
pub fn facets(conn: &mut DbConn, organization_id: &str) -> QueryResult<Facets> {
    let actors: Vec<(Option<String>, String)> = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .filter(audit_events::actor_id.is_not_null())
        .select((audit_events::actor_id, audit_events::actor_label))
        .distinct()
        .order(audit_events::actor_label.asc())
        .load(conn)?;
    let mut seen = std::collections::HashSet::new();
    let actors = actors
        .into_iter()
        .filter_map(|(id, label)| id.map(|id| (id, label)))
        .filter(|(id, _)| seen.insert(id.clone()))
        .collect();
    let kinds = audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .select(audit_events::resource_type)
        .distinct()
        .order(audit_events::resource_type.asc())
        .load(conn)?;
    Ok((actors, kinds))
}

/// Raise every organisation's data version: for a change that shows in
/// every organisation (an operator's change of a plan), so what each keeps
/// per version is read again. An organisation that has changed nothing yet
/// gets its row here.
pub fn raise_every_data_version(conn: &mut DbConn) -> QueryResult<()> {
    diesel::update(data_versions::table)
        .set(data_versions::version.eq(data_versions::version + 1))
        .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO data_versions (organization_id, version) \
         SELECT id, 1 FROM organizations \
         WHERE id NOT IN (SELECT organization_id FROM data_versions)",
    )
    .execute(conn)?;
    let versions: Vec<(String, i64)> = data_versions::table
        .select((data_versions::organization_id, data_versions::version))
        .load(conn)?;
    for (org, version) in versions {
        crate::domain::cache::saw_version(&org, version);
    }
    Ok(())
}

/// Raise `org`'s data version (inside the caller's write transaction): what
/// is cached of its data is outdated. [`record`] does this for the event's
/// organisation; a change that shows in other organisations as well (a
/// user's name, in every organisation the user belongs to) raises theirs.
pub fn raise_data_version(conn: &mut DbConn, org: &str) -> QueryResult<i64> {
    let raised = diesel::update(data_versions::table.find(org))
        .set(data_versions::version.eq(data_versions::version + 1))
        .execute(conn)?;
    if raised == 0 {
        // The organisation's first change (its row is made with it).
        diesel::insert_into(data_versions::table)
            .values((
                data_versions::organization_id.eq(org),
                data_versions::version.eq(1),
            ))
            .execute(conn)?;
    }
    // This process stops serving values of older versions at once, also
    // to the request that made the change (its actor read the old one).
    let version: i64 = data_versions::table
        .find(org)
        .select(data_versions::version)
        .first(conn)?;
    crate::domain::cache::saw_version(org, version);
    Ok(version)
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, audit_action};

    /// Every action string the code audits with: the literals shaped like
    /// `kind.what_happened` in `src/` (outside the messages), the images'
    /// `organization.{}_updated` spelled out per kind of image.
    fn actions_in_source() -> std::collections::BTreeSet<String> {
        let literal = regex::Regex::new(r#""((?:[a-z]+_)*[a-z]+\.(?:[a-z{}]+_?)+)""#).unwrap();
        let kinds = [
            "setup",
            "auth",
            "user",
            "membership",
            "organization",
            "language",
            "invitation",
            "location",
            "customer",
            "contact",
            "meeting",
            "api_client",
        ];
        let mut found = std::collections::BTreeSet::new();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("i18n") {
                        dirs.push(path);
                    }
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap();
                for c in literal.captures_iter(&source) {
                    let action = &c[1];
                    if !kinds.iter().any(|k| action.starts_with(&format!("{k}."))) {
                        continue;
                    }
                    if action.contains("{}") {
                        for image in [
                            crate::domain::images::Kind::Logo,
                            crate::domain::images::Kind::Icon,
                        ] {
                            found.insert(action.replace("{}", image.as_str()));
                        }
                    } else {
                        found.insert(action.to_string());
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_audited_action_reads_in_both_languages() {
        let actions = actions_in_source();
        // The collection itself works: actions set through a variable, a
        // format!, and the newest ones are among them.
        for known in [
            "auth.login_failed",
            "language.disabled",
            "organization.icon_removed",
            "meeting.restored",
            "contact.restored",
            "invitation.resent",
            "invitation.revoked",
            "membership.enabled",
            "user.password_reset_requested",
            "api_client.secret_rotated",
        ] {
            assert!(actions.contains(known), "{known} not found in src/");
        }
        assert!(actions.len() >= 50, "{actions:?}");
        for action in &actions {
            let (nl, en) = (
                audit_action(Lang::Nl, action),
                audit_action(Lang::En, action),
            );
            assert_ne!(nl, *action, "{action} has no Dutch label");
            assert_ne!(en, *action, "{action} has no English label");
            assert_ne!(nl, en, "{action} reads the same in both languages");
            // …and is sent as a webhook event, or says why not.
            assert!(
                crate::domain::webhook_events::is_catalogued(action),
                "{action} is not in webhook_events::AUDIT_KINDS"
            );
        }
    }
}
