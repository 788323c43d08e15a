//! What operators see of every organisation (`/platform`): the list of
//! organisations with a search, each with its members, its current
//! subscription and what it brings in a month; one organisation with the
//! operator's corrections (change plan; extend trial and cancel now are in
//! `subscriptions`). Only an [`Operator`] may ask.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;

use crate::db::schema::{organizations, plans, subscriptions};
use crate::db::{self, DbConn, search};
use crate::domain::audit::{self, Event};
use crate::domain::entitlement::{InEffect, in_effect};
use crate::domain::modules::Modules;
use crate::domain::operators::Operator;
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::plans::{self as plan_rules, PlanWithAddons};
use crate::domain::proration::Interval;
use crate::domain::subscriptions::{self as subs, Status, Subscription};
use crate::error::{AppError, ErrorCode, FieldErrors};

/// The sorts of the organisations list.
pub const SORT: SortSpec = SortSpec {
    fields: &["name", "createdAt"],
    default: "name",
    default_desc: false,
};

/// What the list shows of an organisation's current subscription.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct SubscriptionSummary {
    pub status: String,
    pub billing_interval: String,
    pub seats: i32,
    pub seat_price: i64,
    pub addons: String,
    pub modules: String,
    pub trial_end: Option<NaiveDateTime>,
    pub cancel_at: Option<NaiveDateTime>,
}

/// The columns of a [`SubscriptionSummary`].
type SummaryColumns = (
    subscriptions::status,
    subscriptions::billing_interval,
    subscriptions::seats,
    subscriptions::seat_price,
    subscriptions::addons,
    subscriptions::modules,
    subscriptions::trial_end,
    subscriptions::cancel_at,
);

const SUMMARY: SummaryColumns = (
    subscriptions::status,
    subscriptions::billing_interval,
    subscriptions::seats,
    subscriptions::seat_price,
    subscriptions::addons,
    subscriptions::modules,
    subscriptions::trial_end,
    subscriptions::cancel_at,
);

impl SubscriptionSummary {
    /// What it gives at `now`.
    pub fn in_effect(&self, now: NaiveDateTime) -> InEffect {
        in_effect(
            Status::parse(&self.status).unwrap_or(Status::Awaiting),
            Modules::from_stored(&self.modules),
            self.trial_end,
            self.cancel_at,
            now,
        )
    }

    /// Monthly recurring revenue at `now`, in cents: for a running paid
    /// subscription (active or past due) its seats × seat price plus its
    /// add-ons, per month — a yearly price divided by 12, rounded half-up
    /// to the cent; 0 for a trial, an awaiting or a canceled one.
    pub fn mrr(&self, now: NaiveDateTime) -> i64 {
        if !matches!(self.in_effect(now).status, Status::Active | Status::PastDue) {
            return 0;
        }
        let per_period = i64::from(self.seats) * self.seat_price
            + subs::parse_addons(&self.addons)
                .iter()
                .map(|(_, p)| p)
                .sum::<i64>();
        match Interval::parse(&self.billing_interval).unwrap_or(Interval::Month) {
            Interval::Month => per_period,
            // Half-up: floor(x / 12 + 1/2) for x ≥ 0.
            Interval::Year => (2 * per_period + 12) / 24,
        }
    }
}

/// One organisation in the list.
#[derive(Debug, Clone)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    /// Members whose membership is not disabled.
    pub members: i64,
    /// The current subscription, if any.
    pub subscription: Option<SubscriptionSummary>,
    /// Its plan's names (nl, en).
    pub plan_names: Option<(String, String)>,
}

impl OrganizationRow {
    /// What the subscription gives at `now` (none: [`Status::Awaiting`]).
    pub fn status(&self, now: NaiveDateTime) -> Status {
        self.subscription
            .as_ref()
            .map_or(Status::Awaiting, |s| s.in_effect(now).status)
    }

    /// The monthly recurring revenue at `now`, in cents.
    pub fn mrr(&self, now: NaiveDateTime) -> i64 {
        self.subscription.as_ref().map_or(0, |s| s.mrr(now))
    }
}

/// The organisations list: a page and the platform's total MRR.
#[derive(Debug, Clone)]
pub struct OrganizationsPage {
    pub page: Page<OrganizationRow>,
    /// Every organisation's MRR together, in cents (not only this page's).
    pub total_mrr: i64,
}

/// Members whose membership is not disabled, counted beside each row.
fn member_count() -> diesel::expression::SqlLiteral<BigInt> {
    diesel::dsl::sql::<BigInt>(
        "(SELECT COUNT(*) FROM memberships m \
         WHERE m.organization_id = organizations.id AND NOT m.disabled)",
    )
}

/// What a search of organisations looks in.
static SEARCH: search::Searched = search::Searched {
    table: "organizations",
    index: "organizations_search",
    columns: &["name"],
};

/// One page of the organisations whose name holds `page`'s search (any
/// case), each with its member count and its current subscription and
/// plan: one query for the page (the subscription and plan by a left join,
/// the members counted in a subquery on `memberships (organization_id,
/// user_id)`), one for the total, one for the total MRR.
pub fn organizations(
    conn: &mut DbConn,
    _operator: &Operator,
    now: NaiveDateTime,
    page: PageRequest,
) -> Result<OrganizationsPage, AppError> {
    let mut count = organizations::table.into_boxed::<db::Backend>();
    if let Some(term) = page.q.as_deref() {
        count = count.filter(search::contains(&SEARCH, term));
    }
    let total: i64 = count.count().get_result(conn)?;
    let mut q = organizations::table
        .left_join(
            subscriptions::table.on(subscriptions::organization_id
                .eq(organizations::id)
                .and(subscriptions::is_current.eq(true))),
        )
        .left_join(plans::table.on(plans::id.eq(subscriptions::plan_id)))
        .select((
            organizations::id,
            organizations::name,
            organizations::created_at,
            member_count(),
            SUMMARY.nullable(),
            (plans::name_nl, plans::name_en).nullable(),
        ))
        .into_boxed::<db::Backend>();
    if let Some(term) = page.q.as_deref() {
        q = q.filter(search::contains(&SEARCH, term));
    }
    q = match (page.sort, page.desc) {
        ("createdAt", false) => q.order((organizations::created_at.asc(), organizations::id.asc())),
        ("createdAt", true) => {
            q.order((organizations::created_at.desc(), organizations::id.desc()))
        }
        (_, false) => q.order((organizations::name.asc(), organizations::id.asc())),
        (_, true) => q.order((organizations::name.desc(), organizations::id.desc())),
    };
    type Loaded = (
        String,
        String,
        NaiveDateTime,
        i64,
        Option<SubscriptionSummary>,
        Option<(String, String)>,
    );
    let items = q
        .limit(page.size)
        .offset(page.offset())
        .load::<Loaded>(conn)?
        .into_iter()
        .map(
            |(id, name, created_at, members, subscription, plan_names)| OrganizationRow {
                id,
                name,
                created_at,
                members,
                subscription,
                plan_names,
            },
        )
        .collect();
    let paying: Vec<SubscriptionSummary> = subscriptions::table
        .filter(subscriptions::is_current.eq(true))
        .filter(subscriptions::status.eq_any([Status::Active.as_str(), Status::PastDue.as_str()]))
        .select(SUMMARY)
        .load(conn)?;
    Ok(OrganizationsPage {
        page: Page {
            items,
            request: page,
            total,
        },
        total_mrr: paying.iter().map(|s| s.mrr(now)).sum(),
    })
}

/// One organisation as the operator sees it.
#[derive(Debug, Clone)]
pub struct OrganizationDetail {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub members: i64,
    pub subscription: Option<Subscription>,
    pub plan: Option<PlanWithAddons>,
    /// The plans it can be moved to: not archived, not its own.
    pub other_plans: Vec<PlanWithAddons>,
}

/// Organisation `id` with its subscription and plan ([`AppError::NotFound`]
/// if there is none).
pub fn organization(
    conn: &mut DbConn,
    _operator: &Operator,
    id: &str,
) -> Result<OrganizationDetail, AppError> {
    let (id, name, created_at): (String, String, NaiveDateTime) = organizations::table
        .find(id)
        .select((
            organizations::id,
            organizations::name,
            organizations::created_at,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let members = subs::active_members(conn, &id)?;
    let subscription = subs::current_of(conn, &id)?;
    let plan = match &subscription {
        Some(s) => plan_rules::by_id(conn, &s.plan_id)?,
        None => None,
    };
    let other_plans = plan_rules::list(conn, false)?
        .into_iter()
        .filter(|p| plan.as_ref().is_none_or(|own| own.plan.id != p.plan.id))
        .collect();
    Ok(OrganizationDetail {
        id,
        name,
        created_at,
        members,
        subscription,
        plan,
        other_plans,
    })
}

/// What the audit log keeps of a plan change.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanChange<'a> {
    plan: &'a str,
    seat_price: i64,
    addons: &'a str,
    modules: &'a str,
}

/// Move organisation `organization_id`'s current subscription to plan
/// `plan_id` at once, without proration (the operator's correction), as
/// seen at `version` (stale: [`AppError::Conflict`]). The seat price
/// becomes the new plan's for the subscription's interval; add-ons the new
/// plan still offers stay (at its prices), others go; a trial gets all the
/// new plan's modules. A change scheduled for the period end keeps its
/// seats and interval but no longer its plan or add-ons. Audited
/// `subscription.plan_changed` in the organisation's log, the operator as
/// actor.
pub fn change_plan(
    conn: &mut DbConn,
    now: NaiveDateTime,
    operator: &Operator,
    organization_id: &str,
    plan_id: &str,
    version: i32,
) -> Result<Subscription, AppError> {
    db::write(conn, |conn| {
        let c = subs::current_of(conn, organization_id)?.ok_or(AppError::NotFound)?;
        if c.version != version {
            return Err(AppError::Conflict);
        }
        let invalid = |code| AppError::Validation(FieldErrors(vec![("plan", code)]));
        let plan = plan_rules::by_id(conn, plan_id)?.ok_or(invalid(ErrorCode::InvalidChoice))?;
        if plan.plan.archived() {
            return Err(invalid(ErrorCode::PlanArchived));
        }
        if plan.plan.id == c.plan_id {
            return Err(invalid(ErrorCode::InvalidChoice));
        }
        let status = c.in_effect(now).status;
        if status == Status::Canceled {
            return Err(invalid(ErrorCode::NotRunning));
        }
        let interval = c.interval();
        let addons: Vec<_> = c
            .addon_prices()
            .into_iter()
            .filter(|(m, _)| !plan.plan.included().has(*m))
            .filter_map(|(m, _)| plan.addon(m).map(|a| (m, a.price(interval))))
            .collect();
        let modules = if status == Status::Trialing || status == Status::Awaiting {
            plan.all_modules()
        } else {
            addons
                .iter()
                .map(|(m, _)| *m)
                .fold(plan.plan.included(), Modules::with)
        };
        let addons = subs::stored_addons(&addons);
        let changed = diesel::update(
            subscriptions::table
                .find(&c.id)
                .filter(subscriptions::version.eq(version)),
        )
        .set((
            subscriptions::plan_id.eq(&plan.plan.id),
            subscriptions::seat_price.eq(plan.plan.seat_price(interval)),
            subscriptions::addons.eq(&addons),
            subscriptions::modules.eq(modules.to_stored()),
            subscriptions::scheduled_plan_id.eq(None::<String>),
            subscriptions::scheduled_addons.eq(None::<String>),
            subscriptions::updated_at.eq(now),
            subscriptions::version.eq(subscriptions::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(AppError::Conflict);
        }
        let after = subs::current_of(conn, organization_id)?.ok_or(AppError::NotFound)?;
        let old_plan = plan_rules::by_id(conn, &c.plan_id)?
            .map(|p| p.plan.code)
            .unwrap_or_default();
        audit::record(
            conn,
            now,
            &operator.audit(),
            Event::new(
                Some(organization_id),
                "subscription.plan_changed",
                "subscription",
                Some(&c.id),
            )
            .values(
                Some(&PlanChange {
                    plan: &old_plan,
                    seat_price: c.seat_price,
                    addons: &c.addons,
                    modules: &c.modules,
                }),
                Some(&PlanChange {
                    plan: &plan.plan.code,
                    seat_price: after.seat_price,
                    addons: &after.addons,
                    modules: &after.modules,
                }),
            ),
        )?;
        Ok(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(
        status: &str,
        interval: &str,
        seats: i32,
        price: i64,
        addons: &str,
    ) -> SubscriptionSummary {
        SubscriptionSummary {
            status: status.into(),
            billing_interval: interval.into(),
            seats,
            seat_price: price,
            addons: addons.into(),
            modules: String::new(),
            trial_end: None,
            cancel_at: None,
        }
    }

    #[test]
    fn mrr_per_month_half_up() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 6, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(sub("active", "year", 5, 15000, "").mrr(now), 6250);
        assert_eq!(
            sub("active", "month", 3, 900, "api:2500").mrr(now),
            3 * 900 + 2500
        );
        // 1 × 1 + 5 = 6 cents a year: 0.5 cent a month, half-up to 1.
        assert_eq!(sub("active", "year", 1, 1, "api:5").mrr(now), 1);
        // 5 cents a year: 0.4166… → 0.
        assert_eq!(sub("active", "year", 1, 5, "").mrr(now), 0);
        assert_eq!(sub("trialing", "month", 5, 1500, "").mrr(now), 0);
        assert_eq!(sub("awaiting", "month", 5, 1500, "").mrr(now), 0);
        assert_eq!(sub("canceled", "month", 5, 1500, "").mrr(now), 0);
    }
}
