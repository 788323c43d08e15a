//! Who is acting, in which organisation, and the one permission check.

use crate::domain::scopes::{Operation, Role, ScopeSet};
use crate::error::AppError;

/// What kind of actor this is.
#[derive(Clone, Debug)]
pub enum ActorKind {
    /// A person with a membership (and a role) in the organisation.
    Member {
        user_id: String,
        name: String,
        role: Role,
    },
    /// An API client, with the scopes of the token it called with.
    ApiClient {
        /// The client's row id.
        id: String,
        /// The public client id (`pc_…`).
        client_id: String,
        name: String,
    },
}

/// Someone acting inside one organisation (the tenant).
#[derive(Clone, Debug)]
pub struct Actor {
    /// The tenant every query of this actor is scoped to.
    pub organization_id: String,
    /// Who.
    pub kind: ActorKind,
    /// The caller's address, recorded in audit events.
    pub ip: Option<String>,
    /// The organisation's data version as read for this request, when known
    /// (lets lists reuse a cached total; see `paging::cached_count`).
    pub data_version: Option<i64>,
    scopes: ScopeSet,
}

impl Actor {
    /// A member of `organization_id` with `role`.
    pub fn member(
        organization_id: String,
        user_id: String,
        name: String,
        role: Role,
        ip: Option<String>,
    ) -> Self {
        Self {
            organization_id,
            scopes: role.scopes(),
            kind: ActorKind::Member {
                user_id,
                name,
                role,
            },
            ip,
            data_version: None,
        }
    }

    /// An API client of `organization_id` calling with `scopes` (its token's
    /// scopes that the client still has).
    pub fn api_client(
        organization_id: String,
        id: String,
        client_id: String,
        name: String,
        scopes: ScopeSet,
        ip: Option<String>,
    ) -> Self {
        Self {
            organization_id,
            scopes,
            kind: ActorKind::ApiClient {
                id,
                client_id,
                name,
            },
            ip,
            data_version: None,
        }
    }

    /// The same actor, knowing the organisation's current data version.
    pub fn with_data_version(mut self, version: i64) -> Self {
        self.data_version = Some(version);
        self
    }

    /// What this actor may do.
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }

    /// May this actor do `op`?
    pub fn can(&self, op: Operation) -> bool {
        self.scopes.allows(op)
    }

    /// The one permission check: `Ok` or 403 naming the missing scope.
    pub fn require(&self, op: Operation) -> Result<(), AppError> {
        if self.can(op) {
            Ok(())
        } else {
            Err(AppError::forbidden(op))
        }
    }

    /// The user id, for members.
    pub fn user_id(&self) -> Option<&str> {
        match &self.kind {
            ActorKind::Member { user_id, .. } => Some(user_id),
            ActorKind::ApiClient { .. } => None,
        }
    }

    /// How this actor appears in audit events.
    pub fn audit(&self) -> AuditActor {
        match &self.kind {
            ActorKind::Member { user_id, name, .. } => AuditActor {
                kind: "user",
                id: Some(user_id.clone()),
                label: name.clone(),
                ip: self.ip.clone(),
            },
            ActorKind::ApiClient { id, name, .. } => AuditActor {
                kind: "api_client",
                id: Some(id.clone()),
                label: name.clone(),
                ip: self.ip.clone(),
            },
        }
    }
}

/// Who did it, as written into the log.
#[derive(Clone, Debug)]
pub struct AuditActor {
    /// `user`, `api_client`, `anonymous` or `system`.
    pub kind: &'static str,
    /// The user's or client's id.
    pub id: Option<String>,
    /// A readable name (user name, client name, or the e-mail tried).
    pub label: String,
    /// Where the request came from.
    pub ip: Option<String>,
}

impl AuditActor {
    /// The command line or start-up code.
    pub fn system(label: &str) -> Self {
        Self {
            kind: "system",
            id: None,
            label: format!("Portaal ({label})"),
            ip: None,
        }
    }
}
