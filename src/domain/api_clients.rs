//! API clients: machines with a client id, argon2-hashed secrets (rotated
//! with a grace period), scopes from the catalogue, an optional expiry, and a
//! disabled switch. Only admins (`api_client_*` operations) manage them.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::Serialize;

use crate::crypto;
use crate::db::schema::{api_client_secrets, api_clients};
use crate::db::{self, DbConn, new_id, search};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, Event};
use crate::domain::local_time::day_start;
use crate::domain::organizations;
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::scopes::{Operation, ScopeDiff, ScopeSet};
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Longest client name.
pub const MAX_NAME: usize = 100;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 500;

/// An API client row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_clients)]
pub struct ApiClient {
    pub id: String,
    pub organization_id: String,
    pub client_id: String,
    pub name: String,
    pub description: String,
    pub scopes: String,
    pub expires_at: Option<NaiveDateTime>,
    pub disabled: bool,
    pub created_by_id: Option<String>,
    pub created_by_label: String,
    pub last_used_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A secret of a client (never the secret itself).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_client_secrets)]
pub struct Secret {
    pub id: String,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Secret {
    /// Still accepted at `now`?
    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.expires_at.is_none_or(|e| e > now)
    }
}

/// A client's state as people see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Disabled,
    Expired,
}

/// How long a client has not been used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    Days30,
    Days90,
}

/// A client expiring within this many days needs an admin's attention.
pub const EXPIRING_DAYS: i64 = 30;
/// A client unused for this many days needs an admin's attention.
pub const UNUSED_DAYS: i64 = 90;

/// Why a client needs an admin's attention (see [`ApiClient::attention`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attention {
    Disabled,
    Expired,
    Expiring,
    Unused,
}

/// Most clients [`needing_attention`] returns.
const ATTENTION_LIMIT: i64 = 20;

/// The organisation's clients that need an admin's attention at `now`
/// (disabled, expired or expiring, unused: see [`ApiClient::attention`]),
/// by name, at most [`ATTENTION_LIMIT`].
pub fn needing_attention(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<ApiClient>, AppError> {
    actor.require(Operation::ApiClientList)?;
    let soon = now + Duration::days(EXPIRING_DAYS);
    let idle_since = now - Duration::days(UNUSED_DAYS);
    let rows: Vec<ApiClient> = api_clients::table
        .filter(api_clients::organization_id.eq(&actor.organization_id))
        .filter(
            api_clients::disabled
                .eq(true)
                .nullable()
                .or(api_clients::expires_at.le(soon))
                .or(api_clients::last_used_at.le(idle_since))
                .or(api_clients::last_used_at
                    .is_null()
                    .and(api_clients::created_at.le(idle_since))
                    .nullable()),
        )
        .order((api_clients::name.asc(), api_clients::id.asc()))
        .limit(ATTENTION_LIMIT)
        .select(ApiClient::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|c| c.attention(now).is_some())
        .collect())
}

impl ApiClient {
    /// The granted scopes (stored normalised; unknown ones are dropped).
    pub fn scope_set(&self) -> ScopeSet {
        ScopeSet::parse(&self.scopes).unwrap_or_default()
    }

    /// The last day it works, in `tz` (it expires when the next begins).
    pub fn last_day(&self, tz: Tz) -> Option<chrono::NaiveDate> {
        self.expires_at
            .map(|e| crate::domain::local_time::utc_to_local(tz, e - Duration::seconds(1)).date())
    }

    /// Active, disabled or expired at `now`.
    pub fn status(&self, now: NaiveDateTime) -> Status {
        if self.disabled {
            Status::Disabled
        } else if self.expires_at.is_some_and(|e| e <= now) {
            Status::Expired
        } else {
            Status::Active
        }
    }

    /// Not used (or, never used, not created) for 30 or 90 days.
    pub fn idle(&self, now: NaiveDateTime) -> Option<Idle> {
        let since = now - self.last_used_at.unwrap_or(self.created_at);
        if since >= Duration::days(90) {
            Some(Idle::Days90)
        } else if since >= Duration::days(30) {
            Some(Idle::Days30)
        } else {
            None
        }
    }

    /// Why an admin should look at this client at `now`, if at all: the
    /// first of disabled, expired, expiring within [`EXPIRING_DAYS`],
    /// unused for [`UNUSED_DAYS`].
    pub fn attention(&self, now: NaiveDateTime) -> Option<Attention> {
        match self.status(now) {
            Status::Disabled => return Some(Attention::Disabled),
            Status::Expired => return Some(Attention::Expired),
            Status::Active => {}
        }
        if self
            .expires_at
            .is_some_and(|e| e <= now + Duration::days(EXPIRING_DAYS))
        {
            Some(Attention::Expiring)
        } else if self.idle(now) == Some(Idle::Days90) {
            Some(Attention::Unused)
        } else {
            None
        }
    }

    fn view(&self) -> ClientView<'_> {
        ClientView {
            client_id: &self.client_id,
            name: &self.name,
            description: &self.description,
            scopes: &self.scopes,
            expires_at: self.expires_at,
            disabled: self.disabled,
        }
    }
}

/// What the audit log keeps of a client: never a secret or its hash.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClientView<'a> {
    client_id: &'a str,
    name: &'a str,
    description: &'a str,
    scopes: &'a str,
    expires_at: Option<NaiveDateTime>,
    disabled: bool,
}

/// The create / edit form.
#[derive(Debug, Clone, Default)]
pub struct ClientInput {
    pub name: String,
    pub description: String,
    /// Ticked scopes, as strings.
    pub scopes: Vec<String>,
    /// `YYYY-MM-DD` or empty.
    pub expires_on: String,
}

/// A validated form.
#[derive(Debug, Clone)]
pub struct ValidClient {
    pub name: String,
    pub description: String,
    pub scopes: ScopeSet,
    pub expires_at: Option<NaiveDateTime>,
}

impl ClientInput {
    /// Check every rule; the scopes are parsed strictly, each bad one named.
    /// The expiry day is a day in `tz`, the organisation's time zone.
    pub fn validate(&self, now: NaiveDateTime, tz: Tz) -> Result<ValidClient, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = crate::domain::validate::required(&mut e, "name", &self.name, MAX_NAME);
        let description = self.description.trim().to_string();
        if description.chars().count() > MAX_DESCRIPTION {
            e.add("description", ErrorCode::TooLong(MAX_DESCRIPTION));
        }
        let scopes = match ScopeSet::parse(&self.scopes.join(" ")) {
            Ok(set) if set.scopes().is_empty() => {
                e.add("scopes", ErrorCode::NoScope);
                ScopeSet::default()
            }
            Ok(set) => set,
            Err(bad) => {
                for b in bad {
                    e.add("scopes", ErrorCode::InvalidScope(b.scope().to_string()));
                }
                ScopeSet::default()
            }
        };
        let expires_at = match self.expires_on.trim() {
            "" => None,
            day => match validate::day(day) {
                // The client works through the whole chosen day in the
                // organisation's time zone: it ends when the next begins.
                Some(d) => {
                    let end = day_start(tz, d.succ_opt().unwrap_or(d));
                    if end <= now {
                        e.add("expires_on", ErrorCode::DateInPast);
                    }
                    Some(end)
                }
                None => {
                    e.add("expires_on", ErrorCode::InvalidDate);
                    None
                }
            },
        };
        if e.is_empty() {
            Ok(ValidClient {
                name,
                description,
                scopes,
                expires_at,
            })
        } else {
            Err(e)
        }
    }
}

/// A new client id: public, random, recognisable.
pub fn new_client_id() -> String {
    format!("pc_{}", &crypto::random_token()[..24])
}

/// A new secret: 256 random bits, shown once, stored only as a hash.
pub fn new_secret() -> String {
    format!("pcs_{}", crypto::random_token())
}

/// The sorting the list offers.
pub const SORT: SortSpec = SortSpec {
    fields: &["name", "createdAt", "lastUsedAt"],
    default: "name",
    default_desc: false,
};

/// One row of the list, with its secrets' last use.
pub struct ListRow {
    pub client: ApiClient,
    pub secrets: Vec<Secret>,
}

/// What a search of API clients looks in.
static SEARCH: search::Searched = search::Searched {
    table: "api_clients",
    index: "api_clients_search",
    columns: &["name", "client_id"],
};

/// The organisation's clients, one page.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<ListRow>, AppError> {
    actor.require(Operation::ApiClientList)?;
    let org = actor.organization_id.as_str();
    let filtered = || {
        let mut q = api_clients::table
            .filter(api_clients::organization_id.eq(org))
            .into_boxed();
        if let Some(term) = page.q.as_deref() {
            q = q.filter(search::contains(&SEARCH, term));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let mut q = filtered();
    q = match (page.sort, page.desc) {
        ("createdAt", false) => q.order((api_clients::created_at.asc(), api_clients::id.asc())),
        ("createdAt", true) => q.order((api_clients::created_at.desc(), api_clients::id.desc())),
        // Never used counts as oldest, on both backends (PostgreSQL would put
        // NULLs last when ascending and first when descending).
        ("lastUsedAt", false) => q.order((
            api_clients::last_used_at.is_null().desc(),
            api_clients::last_used_at.asc(),
            api_clients::id.asc(),
        )),
        ("lastUsedAt", true) => q.order((
            api_clients::last_used_at.is_null().asc(),
            api_clients::last_used_at.desc(),
            api_clients::id.desc(),
        )),
        (_, false) => q.order((api_clients::name.asc(), api_clients::id.asc())),
        (_, true) => q.order((api_clients::name.desc(), api_clients::id.desc())),
    };
    let clients: Vec<ApiClient> = q
        .limit(page.size)
        .offset(page.offset())
        .select(ApiClient::as_select())
        .load(conn)?;
    // One query for the secrets of the whole page (no N+1).
    let ids: Vec<&str> = clients.iter().map(|c| c.id.as_str()).collect();
    let secrets: Vec<(String, Secret)> = api_client_secrets::table
        .filter(api_client_secrets::api_client_id.eq_any(&ids))
        .order(api_client_secrets::created_at.desc())
        .select((api_client_secrets::api_client_id, Secret::as_select()))
        .load(conn)?;
    let items = clients
        .into_iter()
        .map(|client| {
            let mine = secrets
                .iter()
                .filter(|(owner, _)| *owner == client.id)
                .map(|(_, s)| s.clone())
                .collect();
            ListRow {
                client,
                secrets: mine,
            }
        })
        .collect();
    Ok(Page {
        items,
        request: page,
        total,
    })
}

/// One client of the actor's organisation (another's answers 404).
pub fn get(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
) -> Result<(ApiClient, Vec<Secret>), AppError> {
    actor.require(Operation::ApiClientList)?;
    let client = find(conn, &actor.organization_id, id)?;
    let secrets = api_client_secrets::table
        .filter(api_client_secrets::api_client_id.eq(&client.id))
        .order(api_client_secrets::created_at.desc())
        .select(Secret::as_select())
        .load(conn)?;
    Ok((client, secrets))
}

fn find(conn: &mut DbConn, organization_id: &str, id: &str) -> Result<ApiClient, AppError> {
    Ok(api_clients::table
        .filter(api_clients::organization_id.eq(organization_id))
        .filter(api_clients::id.eq(id))
        .select(ApiClient::as_select())
        .first(conn)?)
}

fn name_taken(
    conn: &mut DbConn,
    organization_id: &str,
    name: &str,
    except: Option<&str>,
) -> QueryResult<bool> {
    let mut q = api_clients::table
        .filter(api_clients::organization_id.eq(organization_id))
        .filter(api_clients::name.eq(name))
        .select(api_clients::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(api_clients::id.ne(id));
    }
    Ok(q.first::<String>(conn).optional()?.is_some())
}

fn taken() -> AppError {
    AppError::Validation(FieldErrors(vec![("name", ErrorCode::Taken)]))
}

fn insert_secret(
    conn: &mut DbConn,
    now: NaiveDateTime,
    client: &str,
    hash: &str,
) -> QueryResult<()> {
    diesel::insert_into(api_client_secrets::table)
        .values((
            api_client_secrets::id.eq(new_id()),
            api_client_secrets::api_client_id.eq(client),
            api_client_secrets::secret_hash.eq(hash),
            api_client_secrets::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Create a client with its first secret (already hashed by the caller).
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    input: &ClientInput,
    secret_hash: &str,
) -> Result<ApiClient, AppError> {
    actor.require(Operation::ApiClientCreate)?;
    let tz = organizations::time_zone_of(conn, &actor.organization_id)?;
    let valid = input.validate(now, tz).map_err(AppError::Validation)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        if name_taken(conn, &org, &valid.name, None)? {
            return Err(taken());
        }
        let id = new_id();
        let inserted = diesel::insert_into(api_clients::table)
            .values((
                api_clients::id.eq(&id),
                api_clients::organization_id.eq(&org),
                api_clients::client_id.eq(new_client_id()),
                api_clients::name.eq(&valid.name),
                api_clients::description.eq(&valid.description),
                api_clients::scopes.eq(valid.scopes.to_string()),
                api_clients::expires_at.eq(valid.expires_at),
                api_clients::created_by_id.eq(who.id.as_deref()),
                api_clients::created_by_label.eq(&who.label),
                api_clients::created_at.eq(now),
                api_clients::updated_at.eq(now),
            ))
            .execute(conn);
        match inserted {
            Err(e) if db::is_unique_violation(&e) => return Err(taken()),
            other => other?,
        };
        insert_secret(conn, now, &id, secret_hash)?;
        let client = find(conn, &org, &id)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "api_client.created", "api_client", Some(&id))
                .values(None::<&()>, Some(&client.view())),
        )?;
        Ok(client)
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Changes<'a> {
    #[serde(flatten)]
    client: ClientView<'a>,
    scopes_added: Vec<String>,
    scopes_removed: Vec<String>,
}

/// Save an edit (with a version check); returns the client and the scope
/// difference that was applied.
pub fn update(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
    version: i32,
    input: &ClientInput,
) -> Result<(ApiClient, ScopeDiff), AppError> {
    actor.require(Operation::ApiClientUpdate)?;
    let tz = organizations::time_zone_of(conn, &actor.organization_id)?;
    let valid = input.validate(now, tz).map_err(AppError::Validation)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        if before.version != version {
            return Err(AppError::Conflict);
        }
        if name_taken(conn, &org, &valid.name, Some(id))? {
            return Err(taken());
        }
        let diff = before.scope_set().diff(&valid.scopes);
        diesel::update(api_clients::table.find(id))
            .set((
                api_clients::name.eq(&valid.name),
                api_clients::description.eq(&valid.description),
                api_clients::scopes.eq(valid.scopes.to_string()),
                api_clients::expires_at.eq(valid.expires_at),
                api_clients::version.eq(before.version + 1),
                api_clients::updated_at.eq(now),
            ))
            .execute(conn)
            .map_err(|e| {
                if db::is_unique_violation(&e) {
                    taken()
                } else {
                    e.into()
                }
            })?;
        let after = find(conn, &org, id)?;
        let changes = Changes {
            client: after.view(),
            scopes_added: diff.added.iter().map(ToString::to_string).collect(),
            scopes_removed: diff.removed.iter().map(ToString::to_string).collect(),
        };
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), "api_client.updated", "api_client", Some(id))
                .values(Some(&before.view()), Some(&changes)),
        )?;
        Ok((after, diff))
    })
}

/// How long a rotated-away secret keeps working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grace {
    Now,
    OneHour,
    OneDay,
    SevenDays,
}

impl Grace {
    /// Every choice, shortest first.
    pub const ALL: [Grace; 4] = [Grace::Now, Grace::OneHour, Grace::OneDay, Grace::SevenDays];

    /// The form value.
    pub fn key(self) -> &'static str {
        match self {
            Grace::Now => "now",
            Grace::OneHour => "1h",
            Grace::OneDay => "24h",
            Grace::SevenDays => "7d",
        }
    }

    /// Parse a form value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.key() == s)
    }

    fn duration(self) -> Duration {
        match self {
            Grace::Now => Duration::zero(),
            Grace::OneHour => Duration::hours(1),
            Grace::OneDay => Duration::hours(24),
            Grace::SevenDays => Duration::days(7),
        }
    }
}

/// Add a new secret (hashed by the caller); the live old ones keep working
/// until the end of the grace period.
pub fn rotate(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
    grace: Grace,
    new_hash: &str,
) -> Result<ApiClient, AppError> {
    actor.require(Operation::ApiClientUpdate)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let client = find(conn, &org, id)?;
        let until = now + grace.duration();
        // Old secrets end at the grace period's end, or earlier if they
        // already were going to.
        let live: Vec<Secret> = api_client_secrets::table
            .filter(api_client_secrets::api_client_id.eq(id))
            .select(Secret::as_select())
            .load(conn)?;
        for s in live
            .iter()
            .filter(|s| s.expires_at.is_none_or(|e| e > until))
        {
            diesel::update(api_client_secrets::table.find(&s.id))
                .set(api_client_secrets::expires_at.eq(Some(until)))
                .execute(conn)?;
        }
        insert_secret(conn, now, id, new_hash)?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Rotation<'a> {
            grace: &'a str,
            old_secrets_valid_until: NaiveDateTime,
        }
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                "api_client.secret_rotated",
                "api_client",
                Some(id),
            )
            .values(
                None::<&()>,
                Some(&Rotation {
                    grace: grace.key(),
                    old_secrets_valid_until: until,
                }),
            ),
        )?;
        Ok(client)
    })
}

/// Disable (`true`) or re-enable a client.
pub fn set_disabled(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
    disabled: bool,
) -> Result<ApiClient, AppError> {
    actor.require(Operation::ApiClientUpdate)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        if before.disabled == disabled {
            return Ok(before);
        }
        diesel::update(api_clients::table.find(id))
            .set((
                api_clients::disabled.eq(disabled),
                api_clients::version.eq(before.version + 1),
                api_clients::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = find(conn, &org, id)?;
        let action = if disabled {
            "api_client.disabled"
        } else {
            "api_client.enabled"
        };
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), action, "api_client", Some(id))
                .values(Some(&before.view()), Some(&after.view())),
        )?;
        Ok(after)
    })
}

/// Delete a client after its exact name was typed as confirmation.
pub fn delete(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
    confirmation: &str,
) -> Result<ApiClient, AppError> {
    actor.require(Operation::ApiClientDelete)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let client = find(conn, &org, id)?;
        if confirmation.trim() != client.name {
            return Err(AppError::Validation(FieldErrors(vec![(
                "confirm_name",
                ErrorCode::ConfirmationMismatch,
            )])));
        }
        diesel::delete(api_clients::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), "api_client.deleted", "api_client", Some(id))
                .values(Some(&client.view()), None::<&()>),
        )?;
        Ok(client)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn validation() {
        let input = ClientInput {
            name: " Helpdesk ".into(),
            description: "".into(),
            scopes: vec!["read:customers".into(), "read:customers".into()],
            expires_on: "2027-01-31".into(),
        };
        let v = input.validate(now(), chrono_tz::Europe::Amsterdam).unwrap();
        assert_eq!(v.name, "Helpdesk");
        assert_eq!(v.scopes.to_string(), "read:customers");
        let bad = ClientInput {
            name: "".into(),
            description: "x".repeat(501),
            scopes: vec!["read:planets".into(), "delete:locations".into()],
            expires_on: "2020-01-01".into(),
        };
        let e = bad
            .validate(now(), chrono_tz::Europe::Amsterdam)
            .unwrap_err();
        assert_eq!(e.get("name"), Some(&ErrorCode::Required));
        assert_eq!(e.get("description"), Some(&ErrorCode::TooLong(500)));
        assert_eq!(
            e.get("scopes"),
            Some(&ErrorCode::InvalidScope("read:planets".into()))
        );
        assert_eq!(e.0.iter().filter(|(f, _)| *f == "scopes").count(), 2);
        assert_eq!(e.get("expires_on"), Some(&ErrorCode::DateInPast));
        let none = ClientInput {
            name: "x".into(),
            expires_on: "31-01-2027".into(),
            ..Default::default()
        };
        let e = none
            .validate(now(), chrono_tz::Europe::Amsterdam)
            .unwrap_err();
        assert_eq!(e.get("scopes"), Some(&ErrorCode::NoScope));
        assert_eq!(e.get("expires_on"), Some(&ErrorCode::InvalidDate));
    }

    #[test]
    fn ids_and_secrets() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert!(a.starts_with("pcs_") && a.len() == 68);
        assert!(new_client_id().starts_with("pc_"));
    }
}
