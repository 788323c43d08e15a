//! An organisation's webhook endpoints (Settings → Webhooks, and the API's
//! `/webhooks`): where events go, which ones, and the signing secret.
//!
//! The secret is made here (never typed), kept sealed with the data key
//! (`domain::secret_box`, bound to the endpoint's id), shown in the answer
//! to create and rotate, and revealed to admins with an audit event. A
//! rotation keeps the previous secret signing beside the new one for
//! [`ROTATION_OVERLAP_HOURS`]. Messages and their attempts are in
//! [`crate::domain::webhook_deliveries`].

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use std::collections::HashMap;

use crate::db::schema::{webhook_attempts, webhook_endpoints, webhook_messages};
use crate::db::{self, DbConn, new_id, search};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, Event};
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::scopes::Operation;
use crate::domain::secret_box::{self, DataKey};
use crate::domain::webhook_events;
use crate::domain::webhook_outbox;
use crate::domain::webhook_policy::{self, Host, Network};
use crate::domain::webhook_signing;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 500;
/// How long a rotated-out secret still signs.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

/// An endpoint, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: String,
    pub organization_id: String,
    pub url: String,
    pub description: String,
    /// Space-separated; empty: every type.
    pub event_types: String,
    pub enabled: bool,
    /// `manual`, `failing` or `gone`.
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<NaiveDateTime>,
    pub secret_sealed: String,
    pub previous_secret_sealed: Option<String>,
    pub previous_secret_until: Option<NaiveDateTime>,
    /// The first failure since the last success.
    pub failing_since: Option<NaiveDateTime>,
    pub last_success_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Why an endpoint is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisabledReason {
    /// Switched off by hand.
    Manual,
    /// It failed without a success for 5 days.
    Failing,
    /// It answered `410 Gone`.
    Gone,
}

impl DisabledReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DisabledReason::Manual => "manual",
            DisabledReason::Failing => "failing",
            DisabledReason::Gone => "gone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Manual, Self::Failing, Self::Gone]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

impl Endpoint {
    /// The event types it asked for (empty: all).
    pub fn types(&self) -> Vec<&str> {
        self.event_types.split_whitespace().collect()
    }

    /// Why it is off, when it is.
    pub fn disabled_reason(&self) -> Option<DisabledReason> {
        if self.enabled {
            None
        } else {
            Some(
                self.disabled_reason
                    .as_deref()
                    .and_then(DisabledReason::parse)
                    .unwrap_or(DisabledReason::Manual),
            )
        }
    }

    /// The keys that sign a message at `now`: the current secret's, and the
    /// previous one's while its overlap lasts.
    pub fn signing_keys(
        &self,
        key: &DataKey,
        now: NaiveDateTime,
    ) -> Result<Vec<Vec<u8>>, AppError> {
        let mut keys = vec![secret_key(&open_secret(
            key,
            &self.id,
            &self.secret_sealed,
        )?)?];
        if let (Some(prev), Some(until)) =
            (&self.previous_secret_sealed, self.previous_secret_until)
            && until > now
        {
            keys.push(secret_key(&open_secret(key, &self.id, prev)?)?);
        }
        Ok(keys)
    }

    fn view(&self) -> EndpointView<'_> {
        EndpointView {
            url: &self.url,
            description: &self.description,
            event_types: &self.event_types,
            enabled: self.enabled,
            disabled_reason: self.disabled_reason.as_deref(),
        }
    }
}

fn secret_key(secret: &str) -> Result<Vec<u8>, AppError> {
    webhook_signing::secret_key(secret)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("a stored webhook secret is malformed")))
}

fn open_secret(key: &DataKey, endpoint_id: &str, sealed: &str) -> Result<String, AppError> {
    let plain = secret_box::open_bound(key, endpoint_id.as_bytes(), sealed).map_err(|e| {
        AppError::Internal(anyhow::anyhow!("a webhook secret does not open: {e:?}"))
    })?;
    String::from_utf8(plain)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("a webhook secret is not text")))
}

fn seal_secret(key: &DataKey, endpoint_id: &str, secret: &str) -> String {
    secret_box::seal_bound(key, endpoint_id.as_bytes(), secret.as_bytes())
}

/// What the audit log keeps of an endpoint (never its secret).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EndpointView<'a> {
    url: &'a str,
    description: &'a str,
    event_types: &'a str,
    enabled: bool,
    disabled_reason: Option<&'a str>,
}

/// The form (and the API's body).
#[derive(Debug, Clone, Default)]
pub struct EndpointInput {
    pub url: String,
    pub description: String,
    /// Ticked types; none: every type.
    pub event_types: Vec<String>,
}

/// A checked form.
#[derive(Debug, Clone)]
pub struct ValidEndpoint {
    /// The URL as it will be requested (normalised).
    pub url: String,
    pub description: String,
    /// Space-separated, in catalogue order.
    pub event_types: String,
    /// Its host, for the address check by name (`webhook_client`).
    pub host: Host,
}

impl EndpointInput {
    /// Check the URL's form (and an IP literal's address; a name's
    /// addresses are checked by the caller that can resolve it, and again
    /// at every connection), the description and the event types.
    pub fn validate(&self, allowed: &[Network]) -> Result<ValidEndpoint, FieldErrors> {
        let mut e = FieldErrors::default();
        let url = match webhook_policy::check_url(&self.url, true) {
            Ok(target) => {
                let http = target.url.scheme() == "http";
                match &target.host {
                    Host::Ip(ip) => {
                        if let Err(code) = webhook_policy::check_address(*ip, allowed) {
                            e.add("url", code);
                        } else if http && !allowed.iter().any(|n| n.contains(*ip)) {
                            e.add("url", ErrorCode::WebhookUrlScheme);
                        }
                    }
                    // Plain http only where the operator allows networks
                    // (each resolved address must then be in one).
                    Host::Name(_) if http && allowed.is_empty() => {
                        e.add("url", ErrorCode::WebhookUrlScheme);
                    }
                    Host::Name(_) => {}
                }
                Some(target)
            }
            Err(code) => {
                e.add("url", code);
                None
            }
        };
        let description = self.description.trim().to_string();
        if description.chars().count() > MAX_DESCRIPTION {
            e.add("description", ErrorCode::TooLong(MAX_DESCRIPTION));
        }
        let mut types: Vec<&str> = Vec::new();
        for t in &self.event_types {
            let t = t.trim();
            if t.is_empty() {
                continue;
            }
            if webhook_events::is_type(t) {
                types.push(t);
            } else {
                e.add(
                    "eventTypes",
                    ErrorCode::WebhookEventTypeUnknown(t.chars().take(80).collect()),
                );
            }
        }
        let event_types = webhook_events::TYPES
            .iter()
            .filter(|t| types.contains(t))
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        match url {
            Some(target) if e.is_empty() => Ok(ValidEndpoint {
                url: target.url.to_string(),
                description,
                event_types,
                host: target.host,
            }),
            _ => Err(e),
        }
    }
}

/// A new endpoint or a rotated secret, with the secret in plain: shown
/// this once (and on an audited reveal).
pub struct WithSecret {
    pub endpoint: Endpoint,
    pub secret: String,
}

/// The sorting the list offers.
pub const SORT: SortSpec = SortSpec {
    fields: &["url", "createdAt"],
    default: "createdAt",
    default_desc: false,
};

/// One row of the list: the endpoint and its answers of the last 24 hours
/// (successful, all).
pub struct ListRow {
    pub endpoint: Endpoint,
    pub last_day: (i64, i64),
}

/// What a search of webhook endpoints looks in.
static SEARCH: search::Searched = search::Searched {
    table: "webhook_endpoints",
    index: "webhook_endpoints_search",
    columns: &["url", "description"],
};

/// The organisation's endpoints, one page.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    page: PageRequest,
) -> Result<Page<ListRow>, AppError> {
    actor.require(Operation::WebhookList)?;
    let org = actor.organization_id.as_str();
    let filtered = || {
        let mut q = webhook_endpoints::table
            .filter(webhook_endpoints::organization_id.eq(org))
            .into_boxed();
        if let Some(term) = page.q.as_deref() {
            q = q.filter(search::contains(&SEARCH, term));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let q = match (page.sort, page.desc) {
        ("url", false) => {
            filtered().order((webhook_endpoints::url.asc(), webhook_endpoints::id.asc()))
        }
        ("url", true) => {
            filtered().order((webhook_endpoints::url.desc(), webhook_endpoints::id.desc()))
        }
        (_, false) => filtered().order((
            webhook_endpoints::created_at.asc(),
            webhook_endpoints::id.asc(),
        )),
        (_, true) => filtered().order((
            webhook_endpoints::created_at.desc(),
            webhook_endpoints::id.desc(),
        )),
    };
    let endpoints: Vec<Endpoint> = q
        .limit(page.size)
        .offset(page.offset())
        .select(Endpoint::as_select())
        .load(conn)?;
    let ids: Vec<&str> = endpoints.iter().map(|e| e.id.as_str()).collect();
    let rates = last_day(conn, now, &ids)?;
    let items = endpoints
        .into_iter()
        .map(|endpoint| {
            let last_day = rates.get(&endpoint.id).copied().unwrap_or((0, 0));
            ListRow { endpoint, last_day }
        })
        .collect();
    Ok(Page {
        items,
        request: page,
        total,
    })
}

/// One endpoint of the actor's organisation (another's answers 404).
pub fn get(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<Endpoint, AppError> {
    actor.require(Operation::WebhookGet)?;
    find(conn, &actor.organization_id, id)
}

/// The endpoint `id` of `organization_id`, or 404.
pub fn find(conn: &mut DbConn, organization_id: &str, id: &str) -> Result<Endpoint, AppError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization_id))
        .filter(webhook_endpoints::id.eq(id))
        .select(Endpoint::as_select())
        .first(conn)?)
}

/// Create an endpoint (enabled) with a new secret. `valid` is the form the
/// caller checked with [`EndpointInput::validate`] and, for a name, the
/// address check of `webhook_client`.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    key: &DataKey,
    valid: &ValidEndpoint,
) -> Result<WithSecret, AppError> {
    actor.require(Operation::WebhookCreate)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    let id = new_id();
    let secret = webhook_signing::new_secret();
    let sealed = seal_secret(key, &id, &secret);
    db::write(conn, |conn| {
        diesel::insert_into(webhook_endpoints::table)
            .values((
                webhook_endpoints::id.eq(&id),
                webhook_endpoints::organization_id.eq(&org),
                webhook_endpoints::url.eq(&valid.url),
                webhook_endpoints::description.eq(&valid.description),
                webhook_endpoints::event_types.eq(&valid.event_types),
                webhook_endpoints::enabled.eq(true),
                webhook_endpoints::secret_sealed.eq(&sealed),
                webhook_endpoints::created_at.eq(now),
                webhook_endpoints::updated_at.eq(now),
            ))
            .execute(conn)?;
        let endpoint = find(conn, &org, &id)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "webhook.created", "webhook", Some(&id))
                .values(None::<&()>, Some(&endpoint.view())),
        )?;
        Ok(WithSecret {
            endpoint,
            secret: secret.clone(),
        })
    })
}

/// Change an endpoint's URL, description and event types, if it is still
/// at `version` (409 otherwise).
pub fn update(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
    version: i32,
    valid: &ValidEndpoint,
) -> Result<Endpoint, AppError> {
    actor.require(Operation::WebhookUpdate)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        if before.version != version {
            return Err(AppError::Conflict);
        }
        diesel::update(webhook_endpoints::table.find(id))
            .set((
                webhook_endpoints::url.eq(&valid.url),
                webhook_endpoints::description.eq(&valid.description),
                webhook_endpoints::event_types.eq(&valid.event_types),
                webhook_endpoints::version.eq(before.version + 1),
                webhook_endpoints::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = find(conn, &org, id)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "webhook.updated", "webhook", Some(id))
                .values(Some(&before.view()), Some(&after.view())),
        )?;
        Ok(after)
    })
}

/// Switch an endpoint on or off by hand (at `version`, when given). Off
/// fails its waiting messages (replay sends them again); on clears the
/// failure streak.
pub fn set_enabled(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
    version: Option<i32>,
    enabled: bool,
) -> Result<Endpoint, AppError> {
    actor.require(Operation::WebhookUpdate)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        if version.is_some_and(|v| v != before.version) {
            return Err(AppError::Conflict);
        }
        if before.enabled == enabled {
            return Ok(before);
        }
        if enabled {
            diesel::update(webhook_endpoints::table.find(id))
                .set((
                    webhook_endpoints::enabled.eq(true),
                    webhook_endpoints::disabled_reason.eq(None::<String>),
                    webhook_endpoints::disabled_at.eq(None::<NaiveDateTime>),
                    webhook_endpoints::failing_since.eq(None::<NaiveDateTime>),
                    webhook_endpoints::version.eq(before.version + 1),
                    webhook_endpoints::updated_at.eq(now),
                ))
                .execute(conn)?;
        } else {
            disable(conn, now, id, DisabledReason::Manual)?;
        }
        let after = find(conn, &org, id)?;
        let action = if enabled {
            "webhook.enabled"
        } else {
            "webhook.disabled"
        };
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), action, "webhook", Some(id))
                .values(Some(&before.view()), Some(&after.view())),
        )?;
        Ok(after)
    })
}

/// Switch endpoint `id` off for `reason` (no actor: the delivery job uses
/// this too) and fail its waiting messages. The caller audits.
pub fn disable(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: &str,
    reason: DisabledReason,
) -> QueryResult<()> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::enabled.eq(false),
            webhook_endpoints::disabled_reason.eq(reason.as_str()),
            webhook_endpoints::disabled_at.eq(now),
            webhook_endpoints::version.eq(webhook_endpoints::version + 1),
            webhook_endpoints::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(
        webhook_messages::table
            .filter(webhook_messages::endpoint_id.eq(id))
            .filter(webhook_messages::status.eq(webhook_outbox::PENDING)),
    )
    .set((
        webhook_messages::status.eq(webhook_outbox::FAILED),
        webhook_messages::next_attempt_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Delete an endpoint, its messages and their attempts.
pub fn delete(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
) -> Result<(), AppError> {
    actor.require(Operation::WebhookDelete)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        delete_of_endpoint(conn, id)?;
        diesel::delete(webhook_endpoints::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "webhook.deleted", "webhook", Some(id))
                .values(Some(&before.view()), None::<&()>),
        )?;
        Ok(())
    })
}

/// Give an endpoint a new secret; the one it had keeps signing beside it
/// for [`ROTATION_OVERLAP_HOURS`].
pub fn rotate_secret(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    key: &DataKey,
    id: &str,
) -> Result<WithSecret, AppError> {
    actor.require(Operation::WebhookRotateSecret)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    let secret = webhook_signing::new_secret();
    let sealed = seal_secret(key, id, &secret);
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        diesel::update(webhook_endpoints::table.find(id))
            .set((
                webhook_endpoints::secret_sealed.eq(&sealed),
                webhook_endpoints::previous_secret_sealed.eq(Some(&before.secret_sealed)),
                webhook_endpoints::previous_secret_until
                    .eq(Some(now + Duration::hours(ROTATION_OVERLAP_HOURS))),
                webhook_endpoints::version.eq(before.version + 1),
                webhook_endpoints::updated_at.eq(now),
            ))
            .execute(conn)?;
        let endpoint = find(conn, &org, id)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "webhook.secret_rotated", "webhook", Some(id)),
        )?;
        Ok(WithSecret {
            endpoint,
            secret: secret.clone(),
        })
    })
}

/// The current secret in plain, for an admin; audited.
pub fn reveal_secret(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    key: &DataKey,
    id: &str,
) -> Result<String, AppError> {
    actor.require(Operation::WebhookSecretReveal)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let endpoint = find(conn, &org, id)?;
        let secret = open_secret(key, id, &endpoint.secret_sealed)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "webhook.secret_revealed", "webhook", Some(id)),
        )?;
        Ok(secret)
    })
}

/// Queue a `webhook.test` message for endpoint `id` (enabled or not: the
/// test is how one checks a receiver before switching it on); returns the
/// message's id. The caller delivers it at once.
pub fn queue_test(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
) -> Result<String, AppError> {
    actor.require(Operation::WebhookTest)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let endpoint = find(conn, &org, id)?;
        let body = webhook_events::test_body(now, &endpoint.id);
        let message =
            webhook_outbox::insert(conn, now, &org, &endpoint.id, webhook_events::TEST, &body)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "webhook.tested", "webhook", Some(id)),
        )?;
        Ok(message)
    })
}

/// Attempts of the last 24 hours per endpoint: (successful, all).
pub fn last_day(
    conn: &mut DbConn,
    now: NaiveDateTime,
    endpoint_ids: &[&str],
) -> QueryResult<HashMap<String, (i64, i64)>> {
    if endpoint_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, bool, i64)> = webhook_attempts::table
        .filter(webhook_attempts::endpoint_id.eq_any(endpoint_ids))
        .filter(webhook_attempts::attempted_at.ge(now - Duration::hours(24)))
        .group_by((webhook_attempts::endpoint_id, webhook_attempts::succeeded))
        .select((
            webhook_attempts::endpoint_id,
            webhook_attempts::succeeded,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut out: HashMap<String, (i64, i64)> = HashMap::new();
    for (endpoint, ok, n) in rows {
        let e = out.entry(endpoint).or_default();
        if ok {
            e.0 += n;
        }
        e.1 += n;
    }
    Ok(out)
}

/// Delete the messages and attempts of an endpoint (it is being deleted).
pub fn delete_of_endpoint(conn: &mut DbConn, endpoint_id: &str) -> QueryResult<()> {
    diesel::delete(webhook_attempts::table.filter(webhook_attempts::endpoint_id.eq(endpoint_id)))
        .execute(conn)?;
    diesel::delete(webhook_messages::table.filter(webhook_messages::endpoint_id.eq(endpoint_id)))
        .execute(conn)?;
    Ok(())
}
