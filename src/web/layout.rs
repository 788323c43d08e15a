//! The context every page's layout reads: language, texts, CSRF token, who is
//! logged in, the organisation, the navigation and a flash message.

use actix_web::HttpRequest;

use crate::domain::entitlement::Status;
use crate::domain::scopes::{Operation, Role};
use crate::http::request::request_lang;
use crate::i18n::{Lang, Messages};
use crate::web::csrf;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::form::ErrorLink;

/// The areas of the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Dashboard,
    Locations,
    Meetings,
    Customers,
    Account,
    Organization,
    Subscription,
    Languages,
    Users,
    MailFooter,
    ApiClients,
    Webhooks,
    AuditLog,
    Outbox,
    /// No area (a page that is not there).
    Nowhere,
}

impl Nav {
    /// The area a path belongs to (for pages that are not a screen's own,
    /// such as an error inside one).
    pub fn of_path(path: &str) -> Nav {
        let areas = [
            ("/locations", Nav::Locations),
            ("/meetings", Nav::Meetings),
            ("/customers", Nav::Customers),
            ("/account", Nav::Account),
            ("/settings/organization", Nav::Organization),
            ("/settings/subscription", Nav::Subscription),
            ("/settings/languages", Nav::Languages),
            ("/settings/users", Nav::Users),
            ("/settings/mail-footer", Nav::MailFooter),
            ("/settings/api-clients", Nav::ApiClients),
            ("/settings/webhooks", Nav::Webhooks),
            ("/settings/audit-log", Nav::AuditLog),
            ("/settings/outbox", Nav::Outbox),
        ];
        areas
            .into_iter()
            .find(|(prefix, _)| {
                path.strip_prefix(prefix)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .map_or(Nav::Nowhere, |(_, nav)| nav)
    }
}

/// One link of the navigation.
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

/// An organisation in the switcher.
pub struct OrgOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// A message shown at the top of the content.
pub struct FlashView {
    pub kind: &'static str,
    pub text: String,
    /// Where its Undo button posts (see [`Flash::undo`]).
    pub undo: Option<&'static str>,
}

impl FlashView {
    pub fn of(f: Flash, t: &Messages) -> Self {
        FlashView {
            kind: f.kind(),
            text: f.text(t).to_string(),
            undo: f.undo(),
        }
    }
}

/// What the base layout needs, for a logged-in page.
pub struct LayoutCtx {
    pub lang: Lang,
    pub t: &'static Messages,
    pub csrf: String,
    pub user_name: String,
    pub org_name: String,
    pub org_initial: String,
    /// `/organization/icon?v=…` when there is an icon.
    pub icon_src: Option<String>,
    /// `/organization/logo?v=…` when there is a logo.
    pub logo_src: Option<String>,
    pub role_label: &'static str,
    pub organizations: Vec<OrgOption>,
    pub nav: Vec<NavItem>,
    pub settings_nav: Vec<NavItem>,
    pub flash: Option<FlashView>,
    pub path: String,
    /// The error summary at the top of the page (see `web::form::apply_errors`).
    pub errors: Vec<ErrorLink>,
    /// Errors shown further down (a section's own form): the title says so.
    pub errors_below: bool,
    /// The user runs Portaal itself: the header links `/platform`.
    pub is_operator: bool,
    /// The subscription is awaiting a start or has ended, or (admins) an
    /// invoice is overdue: every page says so.
    pub banner: Option<Banner>,
}

/// The banner of an organisation whose subscription gives nothing now, or
/// (admins) has an invoice unpaid past its due date.
pub struct Banner {
    pub text: &'static str,
    /// Where to go about it (admins only): start the subscription, or see
    /// the invoices.
    pub link: Option<BannerLink>,
}

/// The banner's button.
pub struct BannerLink {
    pub label: &'static str,
    pub href: &'static str,
}

impl Banner {
    /// The banner for what is in effect (`None`: the subscription runs and
    /// is paid; and for staff while it is past due, as they cannot pay).
    pub fn of(m: &Member, t: &'static Messages) -> Option<Self> {
        // Not on the page the link leads to: what it offers is right there.
        let link = |op, label, href: &'static str| {
            (m.actor.can(op) && !m.path.starts_with(href)).then_some(BannerLink { label, href })
        };
        let start = || {
            link(
                Operation::SubscriptionCreate,
                t.banner_start,
                "/settings/subscription",
            )
        };
        let (text, link) = match m.actor.entitlement().status {
            Status::Awaiting => (t.banner_awaiting, start()),
            Status::Canceled => (t.banner_canceled, start()),
            // Modules stay on (`domain::entitlement`); only admins can pay.
            Status::PastDue if m.actor.can(Operation::SubscriptionInvoices) => (
                t.tinv_banner_past_due,
                link(
                    Operation::SubscriptionInvoices,
                    t.tinv_card_link,
                    "/settings/subscription/invoices",
                ),
            ),
            _ => return None,
        };
        Some(Banner { text, link })
    }
}

/// The label of a role in a language.
pub fn role_label(t: &'static Messages, role: Role) -> &'static str {
    match role {
        Role::Access => t.role_access,
        Role::Backoffice => t.role_backoffice,
    }
}

type Area = (Nav, &'static str, &'static str, Option<Operation>);

fn links<const N: usize>(m: &Member, active: Nav, areas: [Area; N]) -> Vec<NavItem> {
    areas
        .into_iter()
        .filter(|(_, _, _, op)| op.is_none_or(|op| m.actor.can(op)))
        .map(|(area, label, href, _)| NavItem {
            label,
            href,
            current: area == active,
        })
        .collect()
}

impl LayoutCtx {
    /// The layout of a logged-in page in area `active`.
    pub fn new(m: &Member, active: Nav) -> Self {
        let t = m.lang.t();
        // Screens join the navigation as they are built; a link shows only
        // when its screen exists and the actor may use it.
        let nav = links(
            m,
            active,
            [
                (Nav::Dashboard, t.nav_dashboard, "/", None),
                (
                    Nav::Locations,
                    t.nav_locations,
                    "/locations",
                    Some(Operation::LocationList),
                ),
                (
                    Nav::Meetings,
                    t.nav_meetings,
                    "/meetings",
                    Some(Operation::MeetingList),
                ),
                (
                    Nav::Customers,
                    t.nav_customers,
                    "/customers",
                    Some(Operation::CustomerList),
                ),
            ],
        );
        let settings_nav = links(
            m,
            active,
            [
                (
                    Nav::Organization,
                    t.nav_organization,
                    "/settings/organization",
                    Some(Operation::OrganizationUpdate),
                ),
                (
                    Nav::Subscription,
                    t.nav_subscription,
                    "/settings/subscription",
                    Some(Operation::SubscriptionGet),
                ),
                (
                    Nav::Languages,
                    t.nav_languages,
                    "/settings/languages",
                    Some(Operation::LanguageEnable),
                ),
                (
                    Nav::Users,
                    t.nav_users,
                    "/settings/users",
                    Some(Operation::UserList),
                ),
                (
                    Nav::MailFooter,
                    t.nav_mail_footer,
                    "/settings/mail-footer",
                    Some(Operation::OrganizationMailFooterUpdate),
                ),
                (
                    Nav::ApiClients,
                    t.nav_api_clients,
                    "/settings/api-clients",
                    Some(Operation::ApiClientList),
                ),
                (
                    Nav::Webhooks,
                    t.whs_nav,
                    "/settings/webhooks",
                    Some(Operation::WebhookList),
                ),
                (
                    Nav::AuditLog,
                    t.nav_audit_log,
                    "/settings/audit-log",
                    Some(Operation::AuditList),
                ),
                (
                    Nav::Outbox,
                    t.nav_outbox,
                    "/settings/outbox",
                    Some(Operation::AuditList),
                ),
            ],
        );
        Self {
            lang: m.lang,
            t,
            csrf: m.csrf.clone(),
            user_name: m.user.name.clone(),
            org_name: m.current.organization_name.clone(),
            org_initial: m
                .current
                .organization_name
                .chars()
                .next()
                .map(|c| c.to_uppercase().to_string())
                .unwrap_or_default(),
            icon_src: m.icon.as_ref().map(|v| format!("/organization/icon?v={v}")),
            logo_src: m.logo.as_ref().map(|v| format!("/organization/logo?v={v}")),
            role_label: role_label(t, m.current.role()),
            organizations: m
                .memberships
                .iter()
                .map(|o| OrgOption {
                    id: o.organization_id.clone(),
                    name: o.organization_name.clone(),
                    selected: o.organization_id == m.current.organization_id,
                })
                .collect(),
            nav,
            settings_nav,
            flash: m.flash.map(|f| FlashView::of(f, t)),
            path: m.path.clone(),
            errors: vec![],
            errors_below: false,
            is_operator: m.user.operator,
            banner: Banner::of(m, t),
        }
    }
}

/// What the layout of the pages before login (login, setup) needs.
pub struct AuthLayout {
    pub lang: Lang,
    pub t: &'static Messages,
    pub csrf: String,
    pub flash: Option<FlashView>,
    pub path: String,
    /// The error summary at the top of the page.
    pub errors: Vec<ErrorLink>,
}

impl AuthLayout {
    /// From the request.
    pub fn new(req: &HttpRequest) -> Self {
        let lang = request_lang(req).unwrap_or_default();
        let t = lang.t();
        Self {
            lang,
            t,
            csrf: csrf::token_of(req).0,
            flash: Flash::from_request(req).map(|f| FlashView::of(f, t)),
            path: crate::web::return_path(req),
            errors: vec![],
        }
    }
}
