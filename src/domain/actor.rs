//! Who is acting, in which organisation, and the one permission check.

use crate::domain::entitlement::InEffect;
use crate::domain::modules::{Module, Modules};
use crate::domain::scopes::{Level, Operation, Role, ScopeSet};
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
    /// What the organisation's subscription gives now (see
    /// `subscriptions::in_effect`); set by the door the request came in by.
    entitlement: InEffect,
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
            entitlement: EVERYTHING,
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
            entitlement: EVERYTHING,
        }
    }

    /// The same actor, limited to what the organisation's subscription
    /// gives now.
    pub fn with_entitlement(mut self, entitlement: InEffect) -> Self {
        self.entitlement = entitlement;
        self
    }

    /// What the organisation's subscription gives now.
    pub fn entitlement(&self) -> &InEffect {
        &self.entitlement
    }

    /// Does the subscription let this actor use `module` for `op` now? A
    /// module that is on allows everything; a canceled subscription's
    /// modules stay readable for admins.
    pub fn module_allows(&self, module: Module, op: Operation) -> bool {
        self.entitlement.modules.has(module)
            || (self.entitlement.readable.has(module)
                && op.required_scope().level == Level::Read
                && self.is_admin())
    }

    /// Is this a member with the admin role?
    pub fn is_admin(&self) -> bool {
        matches!(
            self.kind,
            ActorKind::Member {
                role: Role::Backoffice,
                ..
            }
        )
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

    /// May this actor do `op` (its role or scopes, and the subscription's
    /// modules)?
    pub fn can(&self, op: Operation) -> bool {
        self.require(op).is_ok()
    }

    /// The one permission check: `Ok`, or 403 naming the missing scope, or
    /// 403 naming the module the subscription does not give.
    pub fn require(&self, op: Operation) -> Result<(), AppError> {
        if !self.scopes.allows(op) {
            return Err(AppError::forbidden(op));
        }
        match op.module() {
            Some(module) if !self.module_allows(module, op) => Err(AppError::ModuleNotSubscribed {
                module,
                operation: Some(op),
            }),
            _ => Ok(()),
        }
    }

    /// A whole door that belongs to a module (the API: `api`).
    pub fn require_module(&self, module: Module) -> Result<(), AppError> {
        if self.entitlement.modules.has(module) {
            Ok(())
        } else {
            Err(AppError::ModuleNotSubscribed {
                module,
                operation: None,
            })
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

/// What an actor made outside a request may use: everything (the command
/// line, the demo, tests that build actors by hand).
const EVERYTHING: InEffect = InEffect {
    status: crate::domain::entitlement::Status::Active,
    modules: Modules::ALL,
    readable: Modules::ALL,
};

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
