//! THE catalogue: resources, levels, sub-paths, every operation with the scope
//! it needs, and the two roles expressed as scope sets.
//!
//! The backoffice's role checks, the API's scope checks, the API-client forms
//! and the permission matrix all read this one table, so they cannot disagree.
//!
//! Scope grammar: `LEVEL:RESOURCE[:/SUBPATH]`, with `admin` ⊇ `write` ⊇ `read`,
//! and a sub-path scope granting only that part of its resource.
//!
//! Over 700 lines on purpose: the table of operations (a line each, with
//! its descriptions in both languages) is read as one page, and splitting
//! it would hide the one place the rules live.

use std::fmt;

use crate::domain::modules::{Module, Modules};

/// How much a scope allows; higher levels include the lower ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Reading.
    Read,
    /// Creating and changing.
    Write,
    /// Deleting and settings-level actions.
    Admin,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 3] = [Level::Read, Level::Write, Level::Admin];

    /// The level's name in scope strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Read => "read",
            Level::Write => "write",
            Level::Admin => "admin",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// A resource of the catalogue, with the sub-paths it offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    Organization,
    Users,
    Locations,
    Meetings,
    Customers,
    Subscriptions,
    Invoices,
    Languages,
    Countries,
    Audit,
    ApiClients,
    Webhooks,
}

impl Resource {
    /// Every resource, in the order screens show them.
    pub const ALL: [Resource; 12] = [
        Resource::Organization,
        Resource::Users,
        Resource::Locations,
        Resource::Meetings,
        Resource::Customers,
        Resource::Subscriptions,
        Resource::Invoices,
        Resource::Languages,
        Resource::Countries,
        Resource::Audit,
        Resource::ApiClients,
        Resource::Webhooks,
    ];

    /// The resource's name in scope strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Organization => "organization",
            Resource::Users => "users",
            Resource::Locations => "locations",
            Resource::Meetings => "meetings",
            Resource::Customers => "customers",
            Resource::Subscriptions => "subscriptions",
            Resource::Invoices => "invoices",
            Resource::Languages => "languages",
            Resource::Countries => "countries",
            Resource::Audit => "audit",
            Resource::ApiClients => "api-clients",
            Resource::Webhooks => "webhooks",
        }
    }

    /// The sub-paths a scope may narrow this resource to.
    pub fn subpaths(self) -> &'static [&'static str] {
        match self {
            Resource::Organization => &["/mail-footer", "/logo", "/icon"],
            Resource::Customers => &["/contacts"],
            _ => &[],
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The module every operation on this resource belongs to; `None`:
    /// core, always on (login, settings, users, locations, the
    /// subscription, reference data, the audit log).
    pub fn module(self) -> Option<Module> {
        match self {
            Resource::Meetings => Some(Module::Meetings),
            Resource::Customers => Some(Module::Customers),
            Resource::ApiClients => Some(Module::Api),
            Resource::Webhooks => Some(Module::Webhooks),
            Resource::Organization
            | Resource::Users
            | Resource::Locations
            | Resource::Subscriptions
            | Resource::Invoices
            | Resource::Languages
            | Resource::Countries
            | Resource::Audit => None,
        }
    }
}

/// One granted (or required) permission: `LEVEL:RESOURCE[:/SUBPATH]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    pub resource: Resource,
    pub subpath: Option<&'static str>,
    pub level: Level,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level.as_str(), self.resource.as_str())?;
        if let Some(sub) = self.subpath {
            write!(f, ":{sub}")?;
        }
        Ok(())
    }
}

/// Why a scope string was refused; every variant names the offending text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("malformed scope `{0}` (expected LEVEL:RESOURCE[:/SUBPATH])")]
    Malformed(String),
    #[error("unknown level in scope `{0}` (use read, write or admin)")]
    UnknownLevel(String),
    #[error("unknown resource in scope `{0}`")]
    UnknownResource(String),
    #[error("unknown sub-path in scope `{0}`")]
    UnknownSubpath(String),
}

impl ScopeError {
    /// The scope text that was refused.
    pub fn scope(&self) -> &str {
        match self {
            ScopeError::Malformed(s)
            | ScopeError::UnknownLevel(s)
            | ScopeError::UnknownResource(s)
            | ScopeError::UnknownSubpath(s) => s,
        }
    }
}

impl Scope {
    /// Parse one scope strictly; no whitespace, no empty parts.
    pub fn parse(s: &str) -> Result<Self, ScopeError> {
        let malformed = || ScopeError::Malformed(s.to_string());
        if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(malformed());
        }
        let mut parts = s.splitn(3, ':');
        let (Some(level), Some(resource)) = (parts.next(), parts.next()) else {
            return Err(malformed());
        };
        if level.is_empty() || resource.is_empty() {
            return Err(malformed());
        }
        let level = Level::parse(level).ok_or_else(|| ScopeError::UnknownLevel(s.to_string()))?;
        let resource =
            Resource::parse(resource).ok_or_else(|| ScopeError::UnknownResource(s.to_string()))?;
        let subpath = match parts.next() {
            None => None,
            Some(sub) => Some(
                resource
                    .subpaths()
                    .iter()
                    .copied()
                    .find(|known| *known == sub)
                    .ok_or_else(|| ScopeError::UnknownSubpath(s.to_string()))?,
            ),
        };
        Ok(Scope {
            resource,
            subpath,
            level,
        })
    }

    /// Does this granted scope cover `required`?
    pub fn covers(&self, required: &Scope) -> bool {
        self.resource == required.resource
            && self.level >= required.level
            && (self.subpath.is_none() || self.subpath == required.subpath)
    }
}

/// A normalised set of scopes (sorted, without duplicates).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeSet(Vec<Scope>);

impl ScopeSet {
    /// A set from scopes, normalised.
    pub fn new(mut scopes: Vec<Scope>) -> Self {
        scopes.sort();
        scopes.dedup();
        Self(scopes)
    }

    /// Parse a space-separated list (as in OAuth's `scope`). Every bad scope is
    /// reported, each with its text; duplicates are harmless.
    pub fn parse(list: &str) -> Result<Self, Vec<ScopeError>> {
        let (ok, errors): (Vec<_>, Vec<_>) = list
            .split_whitespace()
            .map(Scope::parse)
            .partition(Result::is_ok);
        if errors.is_empty() {
            Ok(Self::new(ok.into_iter().filter_map(Result::ok).collect()))
        } else {
            Err(errors.into_iter().filter_map(Result::err).collect())
        }
    }

    /// The scopes, sorted.
    pub fn scopes(&self) -> &[Scope] {
        &self.0
    }

    /// The scope that decides that `op` is allowed (the narrowest, lowest one
    /// that covers it), or `None` when nothing does.
    pub fn decide(&self, op: Operation) -> Option<Scope> {
        let required = op.required_scope();
        self.0
            .iter()
            .filter(|s| s.covers(&required))
            .min_by_key(|s| (s.subpath.is_none(), s.level))
            .copied()
    }

    /// Is `op` allowed?
    pub fn allows(&self, op: Operation) -> bool {
        self.decide(op).is_some()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

/// The two roles of a membership.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Staff: read and edit the organisation's data; no deletes, no settings.
    Access,
    /// Admins: everything.
    Backoffice,
}

impl Role {
    /// Both roles.
    pub const ALL: [Role; 2] = [Role::Access, Role::Backoffice];

    /// The role's stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Access => "TENANT.ACCESS",
            Role::Backoffice => "TENANT.BACKOFFICE",
        }
    }

    /// Parse a stored role name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// What the role may do, in the same terms as an API client's scopes.
    pub fn scopes(self) -> ScopeSet {
        let whole = |level, resource| Scope {
            resource,
            subpath: None,
            level,
        };
        match self {
            Role::Access => ScopeSet::new(vec![
                whole(Level::Read, Resource::Organization),
                whole(Level::Write, Resource::Locations),
                whole(Level::Write, Resource::Meetings),
                whole(Level::Write, Resource::Customers),
                whole(Level::Read, Resource::Countries),
                whole(Level::Read, Resource::Languages),
                whole(Level::Read, Resource::Subscriptions),
            ]),
            Role::Backoffice => ScopeSet::new(
                Resource::ALL
                    .into_iter()
                    .map(|r| whole(Level::Admin, r))
                    .collect(),
            ),
        }
    }
}

macro_rules! catalogue {
    ($( $variant:ident = $name:literal, $resource:ident, $sub:expr, $level:ident, $api:expr,
        nl: $nl:literal, en: $en:literal; )*) => {
        /// Every operation of the product, named as in the API and the matrix.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operation { $( $variant ),* }

        impl Operation {
            /// Every operation, grouped by resource.
            pub const ALL: &'static [Operation] = &[ $( Operation::$variant ),* ];

            /// The snake_case name (`location_create`).
            pub fn name(self) -> &'static str {
                match self { $( Operation::$variant => $name ),* }
            }

            /// The scope this operation needs.
            pub fn required_scope(self) -> Scope {
                match self { $( Operation::$variant => Scope {
                    resource: Resource::$resource, subpath: $sub, level: Level::$level,
                } ),* }
            }

            /// The module this operation belongs to (`None`: core, always
            /// on): its resource's.
            pub fn module(self) -> Option<Module> {
                self.required_scope().resource.module()
            }

            /// The API route (`("GET", "/locations")`), if the API offers it.
            pub fn api_route(self) -> Option<(&'static str, &'static str)> {
                match self { $( Operation::$variant => $api ),* }
            }

            /// A one-line description in Dutch and English.
            pub fn description(self, lang: crate::i18n::Lang) -> &'static str {
                match (self, lang) {
                    $( (Operation::$variant, crate::i18n::Lang::Nl) => $nl,
                       (Operation::$variant, crate::i18n::Lang::En) => $en, )*
                }
            }
        }
    };
}

const MAIL_FOOTER: Option<&str> = Some("/mail-footer");
const LOGO: Option<&str> = Some("/logo");
const ICON: Option<&str> = Some("/icon");
const CONTACTS: Option<&str> = Some("/contacts");

catalogue! {
    OrganizationList = "organization_list", Organization, None, Read, Some(("GET", "/organizations")),
        nl: "Eigen organisatie opvragen", en: "List your own organisation";
    OrganizationCreate = "organization_create", Organization, None, Admin, Some(("POST", "/organizations")),
        nl: "Nieuwe organisatie starten (op proef, beheerd door wie de client aanmaakte)", en: "Start a new organisation (on a trial, administered by the client's creator)";
    OrganizationGet = "organization_get", Organization, None, Read, Some(("GET", "/organizations/{id}")),
        nl: "Organisatie bekijken", en: "View the organisation";
    OrganizationUpdate = "organization_update", Organization, None, Admin, None,
        nl: "Organisatie-instellingen wijzigen", en: "Change organisation settings";
    OrganizationMailFooterGet = "organization_mail_footer_get", Organization, MAIL_FOOTER, Read, Some(("GET", "/organizations/mail-footer")),
        nl: "Mailvoettekst bekijken", en: "View the mail footer";
    OrganizationMailFooterUpdate = "organization_mail_footer_update", Organization, MAIL_FOOTER, Write, Some(("PATCH", "/organizations/mail-footer")),
        nl: "Mailvoettekst wijzigen", en: "Change the mail footer";
    OrganizationLogoUpdate = "organization_logo_update", Organization, LOGO, Write, Some(("POST", "/organizations/logo")),
        nl: "Logo uploaden of verwijderen", en: "Upload or remove the logo";
    OrganizationIconUpdate = "organization_icon_update", Organization, ICON, Write, Some(("POST", "/organizations/icon")),
        nl: "Icoon uploaden of verwijderen", en: "Upload or remove the icon";
    OrganizationClear = "organization_clear", Organization, None, Admin, None,
        nl: "Demogegevens wissen", en: "Clear demo data";

    UserList = "user_list", Users, None, Read, None,
        nl: "Gebruikers bekijken", en: "List users";
    UserInvite = "user_invite", Users, None, Write, None,
        nl: "Gebruikers uitnodigen", en: "Invite users";
    UserRoleUpdate = "user_role_update", Users, None, Write, None,
        nl: "Rol van een gebruiker wijzigen", en: "Change a user's role";
    UserRemove = "user_remove", Users, None, Admin, None,
        nl: "Gebruiker uit de organisatie verwijderen", en: "Remove a user from the organisation";
    UserDisable = "user_disable", Users, None, Admin, None,
        nl: "Gebruiker blokkeren", en: "Disable a user";

    LocationList = "location_list", Locations, None, Read, Some(("GET", "/locations")),
        nl: "Locaties opvragen", en: "List locations";
    LocationGet = "location_get", Locations, None, Read, Some(("GET", "/locations/{id}")),
        nl: "Locatie bekijken", en: "View a location";
    LocationCreate = "location_create", Locations, None, Write, Some(("POST", "/locations")),
        nl: "Locatie aanmaken", en: "Create a location";
    LocationUpdate = "location_update", Locations, None, Write, Some(("PATCH", "/locations/{id}")),
        nl: "Locatie wijzigen", en: "Change a location";
    LocationDelete = "location_delete", Locations, None, Admin, Some(("DELETE", "/locations/{id}")),
        nl: "Locatie verwijderen", en: "Delete a location";

    MeetingList = "meeting_list", Meetings, None, Read, Some(("GET", "/meetings")),
        nl: "Afspraken opvragen", en: "List meetings";
    MeetingGet = "meeting_get", Meetings, None, Read, Some(("GET", "/meetings/{id}")),
        nl: "Afspraak bekijken", en: "View a meeting";
    MeetingCreate = "meeting_create", Meetings, None, Write, Some(("POST", "/meetings")),
        nl: "Afspraak aanmaken", en: "Create a meeting";
    MeetingUpdate = "meeting_update", Meetings, None, Write, Some(("PATCH", "/meetings/{id}")),
        nl: "Afspraak wijzigen", en: "Change a meeting";
    MeetingDelete = "meeting_delete", Meetings, None, Admin, Some(("DELETE", "/meetings/{id}")),
        nl: "Afspraak verwijderen", en: "Delete a meeting";

    CustomerList = "customer_list", Customers, None, Read, Some(("GET", "/customers")),
        nl: "Klanten opvragen", en: "List customers";
    CustomerGet = "customer_get", Customers, None, Read, Some(("GET", "/customers/{id}")),
        nl: "Klant bekijken", en: "View a customer";
    CustomerCreate = "customer_create", Customers, None, Write, Some(("POST", "/customers")),
        nl: "Klant aanmaken", en: "Create a customer";
    CustomerUpdate = "customer_update", Customers, None, Write, Some(("PATCH", "/customers/{id}")),
        nl: "Klant wijzigen", en: "Change a customer";
    CustomerDelete = "customer_delete", Customers, None, Admin, Some(("DELETE", "/customers/{id}")),
        nl: "Klant verwijderen", en: "Delete a customer";

    ContactList = "contact_list", Customers, CONTACTS, Read, Some(("GET", "/customers/{customerId}/contacts")),
        nl: "Contactpersonen van een klant opvragen", en: "List a customer's contacts";
    ContactGet = "contact_get", Customers, CONTACTS, Read, Some(("GET", "/customers/{customerId}/contacts/{contactId}")),
        nl: "Contactpersoon bekijken", en: "View a contact";
    ContactCreate = "contact_create", Customers, CONTACTS, Write, Some(("POST", "/customers/{customerId}/contacts")),
        nl: "Contactpersoon toevoegen", en: "Add a contact";
    ContactUpdate = "contact_update", Customers, CONTACTS, Write, Some(("PATCH", "/customers/{customerId}/contacts/{contactId}")),
        nl: "Contactpersoon wijzigen", en: "Change a contact";
    ContactExtensionAdd = "contact_extension_add", Customers, CONTACTS, Write, Some(("POST", "/customers/{customerId}/contacts/{contactId}/extensions/TWO_INVOICE")),
        nl: "Extensie TWO_INVOICE toevoegen", en: "Add the TWO_INVOICE extension";
    ContactExtensionRemove = "contact_extension_remove", Customers, CONTACTS, Write, Some(("DELETE", "/customers/{customerId}/contacts/{contactId}/extensions/TWO_INVOICE")),
        nl: "Extensie TWO_INVOICE verwijderen", en: "Remove the TWO_INVOICE extension";
    ContactDelete = "contact_delete", Customers, CONTACTS, Admin, Some(("DELETE", "/customers/{customerId}/contacts/{contactId}")),
        nl: "Contactpersoon verwijderen", en: "Delete a contact";

    SubscriptionList = "subscription_list", Subscriptions, None, Read, Some(("GET", "/subscriptions")),
        nl: "Abonnementen opvragen", en: "List subscriptions";
    SubscriptionGet = "subscription_get", Subscriptions, None, Read, Some(("GET", "/subscriptions/{id}")),
        nl: "Abonnement bekijken", en: "View a subscription";
    SubscriptionApplyCoupon = "subscription_apply_coupon", Subscriptions, None, Write, Some(("POST", "/subscriptions/apply-coupon")),
        nl: "Kortingscode toepassen", en: "Apply a coupon";
    SubscriptionClearCoupon = "subscription_clear_coupon", Subscriptions, None, Write, Some(("POST", "/subscriptions/clear-coupon")),
        nl: "Kortingscode verwijderen", en: "Clear the coupon";
    SubscriptionCreate = "subscription_create", Subscriptions, None, Admin, Some(("POST", "/subscriptions")),
        nl: "Abonnement starten", en: "Start a subscription";
    SubscriptionUpdate = "subscription_update", Subscriptions, None, Admin, Some(("PATCH", "/subscriptions/{id}")),
        nl: "Abonnement wijzigen (plaatsen, modules, pakket)", en: "Change a subscription (seats, modules, plan)";
    SubscriptionCancel = "subscription_cancel", Subscriptions, None, Admin, Some(("POST", "/subscriptions/{id}/cancel")),
        nl: "Abonnement opzeggen", en: "Cancel a subscription";
    SubscriptionUndoCancel = "subscription_undo_cancel", Subscriptions, None, Admin, Some(("POST", "/subscriptions/{id}/undo-cancel")),
        nl: "Opzegging intrekken", en: "Withdraw a cancellation";

    SubscriptionInvoices = "subscription_invoices", Invoices, None, Read, Some(("GET", "/subscriptions/{id}/invoices")),
        nl: "Facturen en creditnota's van een abonnement opvragen", en: "List a subscription's invoices and credit notes";
    InvoiceGet = "invoice_get", Invoices, None, Read, Some(("GET", "/invoices/{id}")),
        nl: "Factuur bekijken", en: "View an invoice";
    InvoicePdf = "invoice_pdf", Invoices, None, Read, Some(("GET", "/invoices/{id}/pdf")),
        nl: "PDF van een factuur downloaden", en: "Download an invoice's PDF";

    LanguageList = "language_list", Languages, None, Read, Some(("GET", "/languages")),
        nl: "Talen opvragen", en: "List languages";
    LanguageGet = "language_get", Languages, None, Read, Some(("GET", "/languages/{id}")),
        nl: "Taal bekijken", en: "View a language";
    LanguageEnable = "language_enable", Languages, None, Write, Some(("POST", "/languages")),
        nl: "Taal inschakelen", en: "Enable a language";
    LanguageDisable = "language_disable", Languages, None, Admin, None,
        nl: "Taal uitschakelen", en: "Disable a language";

    CountryList = "country_list", Countries, None, Read, Some(("GET", "/countries")),
        nl: "Landen opvragen", en: "List countries";
    CountryGet = "country_get", Countries, None, Read, Some(("GET", "/countries/{id}")),
        nl: "Land bekijken", en: "View a country";

    AuditList = "audit_list", Audit, None, Read, None,
        nl: "Auditlog bekijken", en: "View the audit log";

    WebhookList = "webhook_list", Webhooks, None, Read, Some(("GET", "/webhooks")),
        nl: "Webhooks opvragen", en: "List webhooks";
    WebhookGet = "webhook_get", Webhooks, None, Read, Some(("GET", "/webhooks/{id}")),
        nl: "Webhook bekijken", en: "View a webhook";
    WebhookDeliveries = "webhook_deliveries", Webhooks, None, Read, Some(("GET", "/webhooks/{id}/deliveries")),
        nl: "Afleveringen van een webhook bekijken", en: "View a webhook's deliveries";
    WebhookCreate = "webhook_create", Webhooks, None, Write, Some(("POST", "/webhooks")),
        nl: "Webhook aanmaken", en: "Create a webhook";
    WebhookUpdate = "webhook_update", Webhooks, None, Write, Some(("PATCH", "/webhooks/{id}")),
        nl: "Webhook wijzigen, in- of uitschakelen", en: "Change, enable or disable a webhook";
    WebhookDelete = "webhook_delete", Webhooks, None, Write, Some(("DELETE", "/webhooks/{id}")),
        nl: "Webhook verwijderen", en: "Delete a webhook";
    WebhookTest = "webhook_test", Webhooks, None, Write, Some(("POST", "/webhooks/{id}/test")),
        nl: "Testbericht naar een webhook sturen", en: "Send a test message to a webhook";
    WebhookRotateSecret = "webhook_rotate_secret", Webhooks, None, Write, Some(("POST", "/webhooks/{id}/rotate-secret")),
        nl: "Ondertekeningsgeheim van een webhook vervangen", en: "Rotate a webhook's signing secret";
    WebhookResend = "webhook_resend", Webhooks, None, Write, Some(("POST", "/webhook-messages/{id}/resend")),
        nl: "Webhookbericht opnieuw versturen", en: "Resend a webhook message";
    WebhookReplay = "webhook_replay", Webhooks, None, Write, None,
        nl: "Mislukte webhookberichten opnieuw versturen", en: "Replay a webhook's failed messages";
    WebhookSecretReveal = "webhook_secret_reveal", Webhooks, None, Admin, None,
        nl: "Ondertekeningsgeheim van een webhook tonen", en: "Reveal a webhook's signing secret";

    ApiClientList = "api_client_list", ApiClients, None, Read, None,
        nl: "API-clients bekijken", en: "List API clients";
    ApiClientCreate = "api_client_create", ApiClients, None, Admin, None,
        nl: "API-client aanmaken", en: "Create an API client";
    ApiClientUpdate = "api_client_update", ApiClients, None, Admin, None,
        nl: "API-client wijzigen, blokkeren of geheim vernieuwen", en: "Change, disable or rotate an API client";
    ApiClientDelete = "api_client_delete", ApiClients, None, Admin, None,
        nl: "API-client verwijderen", en: "Delete an API client";
}

impl Operation {
    /// Look an operation up by its snake_case name.
    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|op| op.name() == name)
    }
}

/// The answer of the permission matrix for one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `Allowed` / `Toegestaan`.
    Allowed,
    /// Only sub-paths of the resource are granted at this level.
    Partial,
    /// `Not Allowed` / `Niet toegestaan`.
    Denied,
    /// `Not Allowed — module …`: the organisation's subscription does not
    /// give the operation's module now (whatever the scopes say).
    ModuleOff(Module),
}

/// One operation's row of the matrix.
#[derive(Clone, Debug)]
pub struct OperationAccess {
    pub operation: Operation,
    /// The scope that decides, when allowed.
    pub decided_by: Option<Scope>,
    /// The operation's module, when the organisation does not have it.
    pub module_off: Option<Module>,
}

impl OperationAccess {
    /// Allowed or not; a module that is off wins over the scopes.
    pub fn access(&self) -> Access {
        if let Some(module) = self.module_off {
            Access::ModuleOff(module)
        } else if self.decided_by.is_some() {
            Access::Allowed
        } else {
            Access::Denied
        }
    }
}

/// One resource's block of the matrix: its levels, then its operations.
#[derive(Clone, Debug)]
pub struct ResourceAccess {
    pub resource: Resource,
    pub levels: Vec<(Level, Access)>,
    pub operations: Vec<OperationAccess>,
}

impl ScopeSet {
    /// How far this set reaches into `resource` at `level`.
    pub fn level_access(&self, resource: Resource, level: Level) -> Access {
        let granting = self
            .0
            .iter()
            .filter(|s| s.resource == resource && s.level >= level);
        let mut partial = false;
        for s in granting {
            if s.subpath.is_none() {
                return Access::Allowed;
            }
            partial = true;
        }
        if partial {
            Access::Partial
        } else {
            Access::Denied
        }
    }

    /// The effective-permission matrix: every resource, every operation,
    /// as if every module were on.
    pub fn matrix(&self) -> Vec<ResourceAccess> {
        self.matrix_in(Modules::ALL)
    }

    /// The matrix for an organisation that has `modules` now: an operation
    /// of a module that is off is `Access::ModuleOff`, whatever the scopes.
    pub fn matrix_in(&self, modules: Modules) -> Vec<ResourceAccess> {
        Resource::ALL
            .iter()
            .map(|&resource| ResourceAccess {
                resource,
                levels: Level::ALL
                    .iter()
                    .map(|&l| (l, self.level_access(resource, l)))
                    .collect(),
                operations: Operation::ALL
                    .iter()
                    .filter(|op| op.required_scope().resource == resource)
                    .map(|&operation| OperationAccess {
                        operation,
                        decided_by: self.decide(operation),
                        module_off: operation.module().filter(|m| !modules.has(*m)),
                    })
                    .collect(),
            })
            .collect()
    }

    /// What changes from `self` to `new`: scopes and operations gained and lost.
    pub fn diff(&self, new: &ScopeSet) -> ScopeDiff {
        ScopeDiff {
            added: new
                .0
                .iter()
                .filter(|s| !self.0.contains(s))
                .copied()
                .collect(),
            removed: self
                .0
                .iter()
                .filter(|s| !new.0.contains(s))
                .copied()
                .collect(),
            operations_added: Operation::ALL
                .iter()
                .filter(|op| !self.allows(**op) && new.allows(**op))
                .copied()
                .collect(),
            operations_removed: Operation::ALL
                .iter()
                .filter(|op| self.allows(**op) && !new.allows(**op))
                .copied()
                .collect(),
        }
    }
}

/// The difference between two scope sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeDiff {
    pub added: Vec<Scope>,
    pub removed: Vec<Scope>,
    pub operations_added: Vec<Operation>,
    pub operations_removed: Vec<Operation>,
}

impl ScopeDiff {
    /// No scope changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> ScopeSet {
        ScopeSet::parse(s).unwrap()
    }

    #[test]
    fn grammar() {
        assert_eq!(
            Scope::parse("write:organization:/mail-footer")
                .unwrap()
                .to_string(),
            "write:organization:/mail-footer"
        );
        assert!(matches!(
            Scope::parse("write"),
            Err(ScopeError::Malformed(_))
        ));
        assert!(matches!(
            Scope::parse("write:"),
            Err(ScopeError::Malformed(_))
        ));
        assert!(matches!(
            Scope::parse("own:locations"),
            Err(ScopeError::UnknownLevel(_))
        ));
        assert!(matches!(
            Scope::parse("read:planets"),
            Err(ScopeError::UnknownResource(_))
        ));
        assert!(matches!(
            Scope::parse("read:locations:/x"),
            Err(ScopeError::UnknownSubpath(_))
        ));
        assert!(matches!(
            Scope::parse("READ:locations"),
            Err(ScopeError::UnknownLevel(_))
        ));
        let errs = ScopeSet::parse("read:locations bad read:nope").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].scope(), "bad");
        assert_eq!(set("  read:locations   read:locations ").scopes().len(), 1);
    }

    #[test]
    fn hierarchy_and_subpaths() {
        let admin = set("admin:locations");
        assert!(admin.allows(Operation::LocationList));
        assert!(admin.allows(Operation::LocationCreate));
        assert!(admin.allows(Operation::LocationDelete));
        let write = set("write:locations");
        assert!(write.allows(Operation::LocationCreate));
        assert!(!write.allows(Operation::LocationDelete));
        let footer = set("write:organization:/mail-footer");
        assert!(footer.allows(Operation::OrganizationMailFooterUpdate));
        assert!(footer.allows(Operation::OrganizationMailFooterGet));
        assert!(!footer.allows(Operation::OrganizationLogoUpdate));
        assert!(!footer.allows(Operation::OrganizationGet));
        let whole = set("write:organization");
        assert!(whole.allows(Operation::OrganizationLogoUpdate));
        assert_eq!(
            set("admin:customers write:customers:/contacts")
                .decide(Operation::ContactCreate)
                .map(|s| s.to_string()),
            Some("write:customers:/contacts".to_string())
        );
    }

    #[test]
    fn catalogue_is_consistent() {
        let mut names: Vec<_> = Operation::ALL.iter().map(|o| o.name()).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "operation names are unique");
        for op in Operation::ALL {
            let req = op.required_scope();
            if let Some(sub) = req.subpath {
                assert!(req.resource.subpaths().contains(&sub), "{}", op.name());
            }
            assert!(Operation::by_name(op.name()) == Some(*op));
            assert!(
                Role::Backoffice.scopes().allows(*op),
                "admins may do {}",
                op.name()
            );
        }
        let staff = Role::Access.scopes();
        assert!(staff.allows(Operation::LocationUpdate));
        assert!(staff.allows(Operation::ContactCreate));
        assert!(!staff.allows(Operation::ContactDelete));
        assert!(!staff.allows(Operation::OrganizationUpdate));
        assert!(!staff.allows(Operation::ApiClientList));
    }

    #[test]
    fn matrix_levels_and_diff() {
        let footer = set("write:organization:/mail-footer read:locations");
        assert_eq!(
            footer.level_access(Resource::Organization, Level::Read),
            Access::Partial
        );
        assert_eq!(
            footer.level_access(Resource::Organization, Level::Write),
            Access::Partial
        );
        assert_eq!(
            footer.level_access(Resource::Organization, Level::Admin),
            Access::Denied
        );
        assert_eq!(
            footer.level_access(Resource::Locations, Level::Read),
            Access::Allowed
        );
        assert_eq!(
            footer.level_access(Resource::Locations, Level::Write),
            Access::Denied
        );
        let m = footer.matrix();
        assert_eq!(m.len(), Resource::ALL.len());
        let ops: usize = m.iter().map(|r| r.operations.len()).sum();
        assert_eq!(ops, Operation::ALL.len());
        let d = set("read:meetings write:locations").diff(&set("write:customers write:locations"));
        assert_eq!(
            d.added.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            ["write:customers"]
        );
        assert_eq!(
            d.removed.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            ["read:meetings"]
        );
        assert!(d.operations_added.contains(&Operation::CustomerCreate));
        assert!(d.operations_removed.contains(&Operation::MeetingList));
        assert!(!d.operations_added.contains(&Operation::LocationCreate));
    }

    #[test]
    fn matrix_shows_modules_that_are_off() {
        let admin = Role::Backoffice.scopes();
        let all = admin.matrix_in(Modules::ALL);
        assert!(
            all.iter()
                .flat_map(|r| &r.operations)
                .all(|o| o.access() == Access::Allowed)
        );
        assert_eq!(
            all.iter().map(|r| r.operations.len()).sum::<usize>(),
            Operation::ALL.len()
        );
        for module in Module::ALL {
            let m = admin.matrix_in(Modules::ALL.without(module));
            for o in m.iter().flat_map(|r| &r.operations) {
                let expected = if o.operation.module() == Some(module) {
                    Access::ModuleOff(module)
                } else {
                    Access::Allowed
                };
                assert_eq!(o.access(), expected, "{}", o.operation.name());
            }
        }
        // Core operations never depend on a module; a denied scope of a module
        // that is off still says why: the module.
        let none = set("read:locations").matrix_in(Modules::NONE);
        for o in none.iter().flat_map(|r| &r.operations) {
            match o.operation.module() {
                Some(module) => assert_eq!(o.access(), Access::ModuleOff(module)),
                None => assert!(
                    !matches!(o.access(), Access::ModuleOff(_)),
                    "{}",
                    o.operation.name()
                ),
            }
        }
        assert!(
            set("admin:customers")
                .matrix()
                .iter()
                .flat_map(|r| &r.operations)
                .all(|o| o.module_off.is_none())
        );
    }
}
