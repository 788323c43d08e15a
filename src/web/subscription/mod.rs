//! Settings → Subscription (`/settings/subscription`): the plan, status,
//! period, seats, modules and the next invoice's preview for everyone who
//! may read the subscription; start, change (previewed first), withdraw a
//! scheduled change, cancel and undo for admins; the invoices (admins). The
//! domain (`domain::subscriptions`, `domain::invoices`) checks, writes and
//! audits; this module shows.

mod cancel;
mod change;
mod coupon;
mod invoices;
mod show;
mod view;

use actix_web::web;

pub use invoices::invoice_href;
pub use view::days_left;

use crate::domain::modules::{Module, Modules};
use crate::domain::proration::Interval;
use crate::domain::subscriptions::Order;
use crate::error::{ErrorCode, FieldErrors};

/// The screen.
pub const PATH: &str = "/settings/subscription";

/// Mount `/settings/subscription` and its actions.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show::show))
        .route(
            "/settings/subscription/start",
            web::post().to(change::start),
        )
        .route(
            "/settings/subscription/preview",
            web::post().to(change::preview),
        )
        .route(
            "/settings/subscription/change",
            web::post().to(change::confirm),
        )
        .route(
            "/settings/subscription/withdraw",
            web::post().to(cancel::withdraw),
        )
        .route(
            "/settings/subscription/cancel",
            web::get().to(cancel::confirm_cancel),
        )
        .route(
            "/settings/subscription/cancel",
            web::post().to(cancel::cancel),
        )
        .route(
            "/settings/subscription/undo-cancel",
            web::post().to(cancel::undo),
        )
        .route(
            "/settings/subscription/coupon",
            web::post().to(coupon::apply),
        )
        .route(
            "/settings/subscription/coupon/clear",
            web::get().to(coupon::confirm_clear),
        )
        .route(
            "/settings/subscription/coupon/clear",
            web::post().to(coupon::clear),
        )
        .route(invoices::INVOICES, web::get().to(invoices::list))
        .route(
            "/settings/subscription/invoices/{id}",
            web::get().to(invoices::show),
        )
        .route(
            "/settings/subscription/invoices/{id}/pdf",
            web::get().to(invoices::pdf),
        );
}

/// The order as typed in the form (or carried by a link or the preview's
/// hidden fields): kept as text so a bad value is shown back.
#[derive(Clone, Debug, Default)]
pub struct OrderInput {
    pub plan: String,
    pub interval: String,
    pub seats: String,
    pub addons: Vec<String>,
    /// The subscription's version the admin saw (changes only).
    pub version: Option<i32>,
}

impl OrderInput {
    /// From form or query pairs (`addon` may repeat).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut input = OrderInput::default();
        for (k, v) in pairs {
            match k.as_str() {
                "plan" => input.plan = v.trim().to_string(),
                "interval" => input.interval = v.trim().to_string(),
                "seats" => input.seats = v.trim().to_string(),
                "addon" => input.addons.push(v.trim().to_string()),
                "version" => input.version = v.trim().parse().ok(),
                _ => {}
            }
        }
        input
    }

    /// Was anything given (a link that pre-fills the form)?
    pub fn given(&self) -> bool {
        !self.plan.is_empty()
            || !self.interval.is_empty()
            || !self.seats.is_empty()
            || !self.addons.is_empty()
    }

    /// The order, or the errors of the fields that cannot be read.
    pub fn order(&self) -> Result<Order, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.plan.is_empty() {
            e.add("plan", ErrorCode::Required);
        }
        let interval = Interval::parse(&self.interval);
        if interval.is_none() {
            e.add("interval", ErrorCode::InvalidChoice);
        }
        let seats = match self.seats.parse::<i64>() {
            Ok(n) => n,
            Err(_) if self.seats.is_empty() => {
                e.add("seats", ErrorCode::Required);
                0
            }
            Err(_) => {
                e.add("seats", ErrorCode::SeatsAtLeastOne);
                0
            }
        };
        let mut addons = Modules::NONE;
        for a in &self.addons {
            match Module::parse(a) {
                Some(m) => addons = addons.with(m),
                None => {
                    e.add("modules", ErrorCode::InvalidChoice);
                    break;
                }
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(Order {
            plan: self.plan.clone(),
            interval: interval.unwrap_or(Interval::Month),
            seats,
            addons,
        })
    }

    /// The order as query or form pairs (for "Back" and the hidden fields).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![
            ("plan", self.plan.clone()),
            ("interval", self.interval.clone()),
            ("seats", self.seats.clone()),
        ];
        p.extend(self.addons.iter().map(|a| ("addon", a.clone())));
        p
    }

    /// `/settings/subscription?plan=…` pre-filled with this order.
    pub fn link(&self) -> String {
        format!(
            "{PATH}?{}#order",
            serde_urlencoded::to_string(self.pairs()).unwrap_or_default()
        )
    }
}
