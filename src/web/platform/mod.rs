//! `/platform`: the screens of the people who run Portaal itself
//! (operators). Every handler starts from the `web::extract::Operator`
//! extractor, which answers 404 to anyone else. The pages have a layout of
//! their own (`templates/platform/base.html`): an operator need not belong
//! to any organisation, and the backoffice's layout is an organisation's.

pub mod organizations;

use actix_web::web;

use crate::i18n::{Lang, Messages};
use crate::web::extract::Operator;

/// Mount `/platform`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    organizations::routes(cfg);
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
}

impl PlatformLayout {
    /// The layout of a platform page for `o`.
    pub fn new(o: &Operator) -> Self {
        Self {
            lang: o.lang,
            t: o.lang.t(),
            csrf: o.csrf.clone(),
            user_name: o.user.name.clone(),
            path: o.path.clone(),
            in_organization: o.in_organization,
        }
    }
}
