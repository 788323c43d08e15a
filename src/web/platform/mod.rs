//! `/platform`: the screens of the people who run Portaal itself
//! (operators). Every handler starts from the `web::extract::Operator`
//! extractor, which answers 404 to anyone else. The pages have a layout of
//! their own (`templates/platform/base.html`): an operator need not belong
//! to any organisation, and the backoffice's layout is an organisation's.

pub mod coupons;
pub mod invoices;
pub mod organizations;
pub mod plans;
pub mod seller;
pub mod seller_logo;

use actix_web::web;
use askama::Template;

use crate::i18n::{Lang, Messages};
use crate::web::extract::Operator;
use crate::web::form::ErrorLink;
use crate::web::layout::FlashView;

/// Mount `/platform`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    organizations::routes(cfg);
    plans::routes(cfg);
    coupons::routes(cfg);
    invoices::routes(cfg);
    seller_logo::routes(cfg);
    seller::routes(cfg);
}

/// One link of the platform's navigation.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What `platform/base.html` needs.
pub struct PlatformLayout {
    pub lang: Lang,
    pub t: &'static Messages,
    pub csrf: String,
    pub user_name: String,
    pub path: String,
    /// The operator also works in an organisation: a link back to it.
    pub in_organization: bool,
    /// A message to show once.
    pub flash: Option<FlashView>,
    /// The platform's navigation.
    pub nav: Vec<NavLink>,
    /// The form's error summary.
    pub errors: Vec<ErrorLink>,
}

impl PlatformLayout {
    /// The layout of a platform page for `o`.
    pub fn new(o: &Operator) -> Self {
        let t = o.lang.t();
        let in_plans = o.path.starts_with("/platform/plans");
        let in_coupons = o.path.starts_with("/platform/coupons");
        let in_invoices = o.path.starts_with("/platform/invoices");
        let in_seller = o.path.starts_with("/platform/seller");
        Self {
            lang: o.lang,
            t,
            csrf: o.csrf.clone(),
            user_name: o.user.name.clone(),
            path: o.path.clone(),
            in_organization: o.in_organization,
            flash: o.flash.map(|f| FlashView::of(f, t)),
            nav: vec![
                NavLink {
                    href: "/platform",
                    label: t.platform_organizations,
                    current: !in_plans && !in_coupons && !in_invoices && !in_seller,
                },
                NavLink {
                    href: "/platform/plans",
                    label: t.platform_plans,
                    current: in_plans,
                },
                NavLink {
                    href: "/platform/coupons",
                    label: t.platform_coupons,
                    current: in_coupons,
                },
                NavLink {
                    href: "/platform/invoices",
                    label: t.pinv_nav_invoices,
                    current: in_invoices,
                },
                NavLink {
                    href: "/platform/seller",
                    label: t.pinv_nav_seller,
                    current: in_seller,
                },
            ],
            errors: vec![],
        }
    }
}

/// "Are you sure?" on the platform: what will happen, the button that does
/// it (posting `fields` along), and a way back.
#[derive(Template)]
#[template(path = "platform/confirm.html")]
pub struct ConfirmPage {
    pub l: PlatformLayout,
    pub title: &'static str,
    pub text: String,
    pub action: String,
    pub button: &'static str,
    /// Whether the button is a danger button.
    pub danger: bool,
    /// Hidden fields carried to the action (name, value).
    pub fields: Vec<(&'static str, String)>,
    pub cancel: String,
}
