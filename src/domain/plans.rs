//! Plans: what an organisation can subscribe to — a price per seat per
//! month and per year, the modules included, and add-on modules with their
//! own flat price. Plans are archived, never deleted: a subscription keeps
//! its plan. A price change applies from each subscription's next period
//! (a subscription keeps the prices of its current period).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{plan_addons, plans};
use crate::domain::modules::{Module, Modules};
use crate::domain::proration::Interval;
use crate::i18n::Lang;

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = plans)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub id: String,
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub currency: String,
    pub seat_price_month: i64,
    pub seat_price_year: i64,
    pub modules: String,
    pub is_default: bool,
    pub sort_order: i32,
    pub archived_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Plan {
    /// The plan's name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.name_nl,
            Lang::En => &self.name_en,
        }
    }

    /// The modules the plan includes.
    pub fn included(&self) -> Modules {
        Modules::from_stored(&self.modules)
    }

    /// The price of one seat for one period of `interval`.
    pub fn seat_price(&self, interval: Interval) -> i64 {
        match interval {
            Interval::Month => self.seat_price_month,
            Interval::Year => self.seat_price_year,
        }
    }

    /// Archived plans take no new subscriptions.
    pub fn archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

/// An add-on module a plan offers.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = plan_addons)]
#[serde(rename_all = "camelCase")]
pub struct PlanAddon {
    pub plan_id: String,
    pub module: String,
    pub price_month: i64,
    pub price_year: i64,
}

impl PlanAddon {
    /// The module, if the code still knows it.
    pub fn module(&self) -> Option<Module> {
        Module::parse(&self.module)
    }

    /// The add-on's price for one period of `interval`.
    pub fn price(&self, interval: Interval) -> i64 {
        match interval {
            Interval::Month => self.price_month,
            Interval::Year => self.price_year,
        }
    }
}

/// A plan with its add-ons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanWithAddons {
    pub plan: Plan,
    pub addons: Vec<PlanAddon>,
}

impl PlanWithAddons {
    /// The add-on offer for `m`, if the plan has one.
    pub fn addon(&self, m: Module) -> Option<&PlanAddon> {
        self.addons.iter().find(|a| a.module() == Some(m))
    }

    /// Every module the plan can give: included and add-ons.
    pub fn all_modules(&self) -> Modules {
        self.addons
            .iter()
            .filter_map(PlanAddon::module)
            .fold(self.plan.included(), Modules::with)
    }
}

fn with_addons(conn: &mut DbConn, plan: Plan) -> QueryResult<PlanWithAddons> {
    let addons = plan_addons::table
        .filter(plan_addons::plan_id.eq(&plan.id))
        .order(plan_addons::module.asc())
        .select(PlanAddon::as_select())
        .load(conn)?;
    Ok(PlanWithAddons { plan, addons })
}

/// The plan new organisations try (`None` only if the operator left none).
pub fn default_plan(conn: &mut DbConn) -> QueryResult<Option<PlanWithAddons>> {
    let plan = plans::table
        .filter(plans::is_default.eq(true))
        .select(Plan::as_select())
        .first(conn)
        .optional()?;
    plan.map(|p| with_addons(conn, p)).transpose()
}

/// A plan by id, archived or not.
pub fn by_id(conn: &mut DbConn, id: &str) -> QueryResult<Option<PlanWithAddons>> {
    let plan = plans::table
        .find(id)
        .select(Plan::as_select())
        .first(conn)
        .optional()?;
    plan.map(|p| with_addons(conn, p)).transpose()
}

/// A plan by code (case-insensitive), archived or not.
pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<PlanWithAddons>> {
    let plan = plans::table
        .filter(plans::code.eq(code.trim().to_ascii_lowercase()))
        .select(Plan::as_select())
        .first(conn)
        .optional()?;
    plan.map(|p| with_addons(conn, p)).transpose()
}

/// Every plan with its add-ons, in the order they are offered; archived
/// ones only when asked for.
pub fn list(conn: &mut DbConn, include_archived: bool) -> QueryResult<Vec<PlanWithAddons>> {
    let mut q = plans::table.into_boxed();
    if !include_archived {
        q = q.filter(plans::archived_at.is_null());
    }
    let all: Vec<Plan> = q
        .order((plans::sort_order.asc(), plans::code.asc()))
        .select(Plan::as_select())
        .load(conn)?;
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    let addons: Vec<PlanAddon> = plan_addons::table
        .filter(plan_addons::plan_id.eq_any(&ids))
        .order((plan_addons::plan_id.asc(), plan_addons::module.asc()))
        .select(PlanAddon::as_select())
        .load(conn)?;
    Ok(all
        .into_iter()
        .map(|plan| PlanWithAddons {
            addons: addons
                .iter()
                .filter(|a| a.plan_id == plan.id)
                .cloned()
                .collect(),
            plan,
        })
        .collect())
}
