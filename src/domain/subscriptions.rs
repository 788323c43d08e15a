//! Subscriptions: one state machine, and one function ([`in_effect`]) that
//! says what an organisation is entitled to at an instant.
//!
//! ```text
//!   (new organisation) ──► trialing ──(trial ends)──► awaiting
//!        │                    │                          │
//!        │                  start                      start
//!        ▼                    ▼                          ▼
//!                          active ◄──(renews each period end)
//!                    cancel ▼    ▲ undo (before cancelAt)
//!                 active + cancelAt ──(cancelAt comes)──► canceled ──start──► (a new active one)
//!                          past_due (reserved: an unpaid invoice)
//! ```
//!
//! The stored status can lag behind the clock (the job moves it when it
//! runs); [`in_effect`] never does: a trial that ended a second ago is
//! `awaiting` at once, a cancellation that came is `canceled` at once.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{memberships, organizations, subscription_charges, subscriptions};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::{Actor, AuditActor};
use crate::domain::audit::{self, Event};
use crate::domain::billing;
use crate::domain::coupons;
use crate::domain::invoices::{self, DraftLine, NewDraft};
use crate::domain::modules::{Module, Modules};
use crate::domain::plans::{self, PlanWithAddons};
use crate::domain::proration::{self, Interval, Preview, Priced, period_end};
use crate::domain::scopes::Operation;

pub use crate::domain::entitlement::{InEffect, Status, in_effect};
use crate::error::{AppError, ErrorCode, FieldErrors};

/// How long a new organisation's trial lasts unless `PORTAAL_TRIAL_DAYS`
/// says otherwise.
pub const DEFAULT_TRIAL_DAYS: i64 = 30;

/// Most seats a subscription may have.
pub const MAX_SEATS: i64 = 10_000;

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscriptions)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: String,
    pub organization_id: String,
    pub plan_id: String,
    pub status: String,
    pub billing_interval: String,
    pub seats: i32,
    pub seat_price: i64,
    pub addons: String,
    pub modules: String,
    pub trial_end: Option<NaiveDateTime>,
    pub period_anchor: Option<NaiveDateTime>,
    pub period_number: i32,
    pub current_period_start: Option<NaiveDateTime>,
    pub current_period_end: Option<NaiveDateTime>,
    pub cancel_at: Option<NaiveDateTime>,
    pub canceled_at: Option<NaiveDateTime>,
    pub scheduled_plan_id: Option<String>,
    pub scheduled_interval: Option<String>,
    pub scheduled_seats: Option<i32>,
    pub scheduled_addons: Option<String>,
    pub is_current: bool,
    pub external_id: Option<String>,
    pub metadata: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Subscription {
    /// The stored status (unknown: treated as awaiting, which gives nothing).
    pub fn stored_status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Awaiting)
    }

    /// The modules it entitles to while it runs.
    pub fn module_set(&self) -> Modules {
        Modules::from_stored(&self.modules)
    }

    /// What it gives at `now`.
    pub fn in_effect(&self, now: NaiveDateTime) -> InEffect {
        in_effect(
            self.stored_status(),
            self.module_set(),
            self.trial_end,
            self.cancel_at,
            now,
        )
    }

    /// Monthly or yearly.
    pub fn interval(&self) -> Interval {
        Interval::parse(&self.billing_interval).unwrap_or(Interval::Month)
    }

    /// The add-ons with their prices for this period.
    pub fn addon_prices(&self) -> Vec<(Module, i64)> {
        parse_addons(&self.addons)
    }

    /// The plan the next period runs on: the scheduled one, else this one.
    pub fn next_plan_id(&self) -> &str {
        self.scheduled_plan_id.as_deref().unwrap_or(&self.plan_id)
    }

    /// The next period as renewal will bill it on `plan` (the one
    /// [`Self::next_plan_id`] names): the scheduled change applied, the
    /// plan's prices of then, add-ons the plan no longer offers dropped.
    /// The renewal and the next invoice's preview both use this, so they
    /// cannot disagree.
    pub fn next_period(&self, plan: &PlanWithAddons) -> Priced {
        let interval = self
            .scheduled_interval
            .as_deref()
            .and_then(Interval::parse)
            .unwrap_or(self.interval());
        let wanted = match &self.scheduled_addons {
            Some(stored) => Modules::from_stored(stored),
            None => self.addon_prices().iter().map(|(m, _)| *m).collect(),
        };
        Priced {
            plan_code: plan.plan.code.clone(),
            seat_price: plan.plan.seat_price(interval),
            seats: i64::from(self.scheduled_seats.unwrap_or(self.seats)),
            addons: wanted
                .iter()
                .filter_map(|m| plan.addon(m).map(|a| (m, a.price(interval))))
                .collect(),
            interval,
        }
    }

    /// Is a change waiting for the period end?
    pub fn has_scheduled_change(&self) -> bool {
        self.scheduled_plan_id.is_some()
            || self.scheduled_interval.is_some()
            || self.scheduled_seats.is_some()
            || self.scheduled_addons.is_some()
    }
}

/// The stored form of add-ons with prices: `api:2500 webhooks:1500`.
pub fn stored_addons(addons: &[(Module, i64)]) -> String {
    addons
        .iter()
        .map(|(m, price)| format!("{}:{price}", m.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Read the stored add-ons (unknown modules and bad prices are skipped).
pub fn parse_addons(s: &str) -> Vec<(Module, i64)> {
    s.split_whitespace()
        .filter_map(|part| {
            let (m, price) = part.split_once(':')?;
            Some((Module::parse(m)?, price.parse().ok()?))
        })
        .collect()
}

/// The organisation's time zone, for period arithmetic.
fn zone_of(conn: &mut DbConn, organization_id: &str) -> QueryResult<Tz> {
    let name: String = organizations::table
        .find(organization_id)
        .select(organizations::time_zone)
        .first(conn)?;
    Ok(name.parse().unwrap_or(chrono_tz::UTC))
}

/// How many enabled members the organisation has (what seats must cover).
pub fn active_members(conn: &mut DbConn, organization_id: &str) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::disabled.eq(false))
        .count()
        .get_result(conn)
}

/// During a trial the seats follow the members ("as many seats as
/// members", at least one): called in the transaction of every change of
/// the organisation's members, which is audited there. A running
/// subscription's seats change only by the admin's order.
pub fn follow_members_in_trial(conn: &mut DbConn, organization_id: &str) -> QueryResult<usize> {
    let members = active_members(conn, organization_id)?.max(1) as i32;
    diesel::update(
        subscriptions::table
            .filter(subscriptions::organization_id.eq(organization_id))
            .filter(subscriptions::is_current.eq(true))
            .filter(subscriptions::status.eq(Status::Trialing.as_str()))
            .filter(subscriptions::seats.ne(members)),
    )
    .set(subscriptions::seats.eq(members))
    .execute(conn)
}

/// The organisation's current subscription, without a permission check
/// (for the lifecycle and the login's own reads).
pub fn current_of(conn: &mut DbConn, organization_id: &str) -> QueryResult<Option<Subscription>> {
    subscriptions::table
        .filter(subscriptions::organization_id.eq(organization_id))
        .filter(subscriptions::is_current.eq(true))
        .select(Subscription::as_select())
        .first(conn)
        .optional()
}

/// A new organisation's trial: the default plan with all its modules
/// (included and add-ons), for `trial_days`. Called in the transaction
/// that creates the organisation; audited as `subscription.created`.
pub fn start_trial(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    organization_id: &str,
    trial_days: i64,
) -> QueryResult<Option<Subscription>> {
    let Some(plan) = plans::default_plan(conn)? else {
        return Ok(None);
    };
    let id = new_id();
    diesel::insert_into(subscriptions::table)
        .values((
            subscriptions::id.eq(&id),
            subscriptions::organization_id.eq(organization_id),
            subscriptions::plan_id.eq(&plan.plan.id),
            subscriptions::status.eq(Status::Trialing.as_str()),
            subscriptions::billing_interval.eq(Interval::Month.as_str()),
            subscriptions::seats.eq(1),
            subscriptions::seat_price.eq(plan.plan.seat_price_month),
            subscriptions::modules.eq(plan.all_modules().to_stored()),
            subscriptions::trial_end.eq(now + Duration::days(trial_days)),
            subscriptions::is_current.eq(true),
            subscriptions::created_at.eq(now),
            subscriptions::updated_at.eq(now),
        ))
        .execute(conn)?;
    let sub = subscriptions::table
        .find(&id)
        .select(Subscription::as_select())
        .first(conn)?;
    audit::record(
        conn,
        now,
        actor,
        Event::new(
            Some(organization_id),
            "subscription.created",
            "subscription",
            Some(&id),
        )
        .values(None::<&()>, Some(&sub)),
    )?;
    Ok(Some(sub))
}

/// The actor's organisation's subscriptions, the current one first.
pub fn list(conn: &mut DbConn, actor: &Actor) -> Result<Vec<Subscription>, AppError> {
    actor.require(Operation::SubscriptionList)?;
    Ok(subscriptions::table
        .filter(subscriptions::organization_id.eq(&actor.organization_id))
        .order((
            subscriptions::is_current.desc(),
            subscriptions::created_at.desc(),
            subscriptions::id.desc(),
        ))
        .select(Subscription::as_select())
        .load(conn)?)
}

/// One of the actor's organisation's subscriptions (another's: 404).
pub fn get(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<Subscription, AppError> {
    actor.require(Operation::SubscriptionGet)?;
    subscriptions::table
        .filter(subscriptions::organization_id.eq(&actor.organization_id))
        .filter(subscriptions::id.eq(id))
        .select(Subscription::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The actor's organisation's current subscription.
pub fn current(conn: &mut DbConn, actor: &Actor) -> Result<Subscription, AppError> {
    actor.require(Operation::SubscriptionGet)?;
    current_of(conn, &actor.organization_id)?.ok_or(AppError::NotFound)
}

/// What an admin asks for when starting (or changing) a subscription.
#[derive(Debug, Clone)]
pub struct Order {
    /// The plan's code.
    pub plan: String,
    pub interval: Interval,
    pub seats: i64,
    /// Add-on modules wanted (each must be offered by the plan and not
    /// already included).
    pub addons: Modules,
}

/// A checked order: the plan, and the add-ons with their prices.
#[derive(Debug, Clone)]
pub struct PricedOrder {
    pub plan: PlanWithAddons,
    pub interval: Interval,
    pub seats: i64,
    pub addons: Vec<(Module, i64)>,
}

impl PricedOrder {
    /// Every module the order gives.
    pub fn modules(&self) -> Modules {
        self.addons
            .iter()
            .map(|(m, _)| *m)
            .fold(self.plan.plan.included(), Modules::with)
    }
}

/// Check an order against the plans and the organisation's members: a
/// plan that exists and is not archived (unless `keep_plan_id` is the
/// subscription's own), seats between the members and [`MAX_SEATS`],
/// add-ons the plan offers.
pub fn check_order(
    conn: &mut DbConn,
    organization_id: &str,
    order: &Order,
    keep_plan_id: Option<&str>,
) -> Result<PricedOrder, AppError> {
    let mut e = FieldErrors::default();
    let plan = plans::by_code(conn, &order.plan)?;
    let plan = match plan {
        None => {
            e.add("plan", ErrorCode::InvalidChoice);
            None
        }
        Some(p) if p.plan.archived() && Some(p.plan.id.as_str()) != keep_plan_id => {
            e.add("plan", ErrorCode::PlanArchived);
            None
        }
        Some(p) => Some(p),
    };
    let members = active_members(conn, organization_id)?;
    if order.seats < 1 {
        e.add("seats", ErrorCode::SeatsAtLeastOne);
    } else if order.seats > MAX_SEATS {
        e.add("seats", ErrorCode::SeatsAtMost(MAX_SEATS));
    } else if order.seats < members {
        e.add("seats", ErrorCode::SeatsBelowMembers(members));
    }
    let mut addons = Vec::new();
    if let Some(p) = &plan {
        for m in order.addons.iter() {
            if p.plan.included().has(m) {
                continue;
            }
            match p.addon(m) {
                Some(a) => addons.push((m, a.price(order.interval))),
                None => {
                    e.add("modules", ErrorCode::ModuleNotOffered(m.as_str().into()));
                    break;
                }
            }
        }
    }
    e.into_result()?;
    let plan = plan.ok_or(AppError::NotFound)?;
    Ok(PricedOrder {
        plan,
        interval: order.interval,
        seats: order.seats,
        addons,
    })
}

/// Start a paid subscription (admins): from a trial or after the trial
/// ended, the same record becomes `active`; after a cancellation a new one
/// is made. Billing details must be complete. The first period starts now.
pub fn start(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    order: &Order,
) -> Result<Subscription, AppError> {
    actor.require(Operation::SubscriptionCreate)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let current = current_of(conn, &org)?;
        // The subscription's permission covers reading the details it needs.
        let details = billing::details_of(conn, &org)?;
        if !details.as_ref().is_some_and(billing::complete) {
            return Err(AppError::Validation(FieldErrors(vec![(
                "organizationAddress",
                ErrorCode::BillingDetailsMissing,
            )])));
        }
        if let Some(c) = &current {
            let effect = c.in_effect(now);
            if matches!(effect.status, Status::Active | Status::PastDue) {
                return Err(AppError::Validation(FieldErrors(vec![(
                    "status",
                    ErrorCode::AlreadySubscribed,
                )])));
            }
        }
        let priced = check_order(conn, &org, order, None)?;
        let tz = zone_of(conn, &org)?;
        let end = period_end(now, priced.interval, 1, tz);
        let before = current.clone();
        let values = (
            subscriptions::plan_id.eq(priced.plan.plan.id.clone()),
            subscriptions::status.eq(Status::Active.as_str()),
            subscriptions::billing_interval.eq(priced.interval.as_str()),
            subscriptions::seats.eq(priced.seats as i32),
            subscriptions::seat_price.eq(priced.plan.plan.seat_price(priced.interval)),
            subscriptions::addons.eq(stored_addons(&priced.addons)),
            subscriptions::modules.eq(priced.modules().to_stored()),
            subscriptions::period_anchor.eq(Some(now)),
            subscriptions::period_number.eq(1),
            subscriptions::current_period_start.eq(Some(now)),
            subscriptions::current_period_end.eq(Some(end)),
            subscriptions::cancel_at.eq(None::<NaiveDateTime>),
            subscriptions::canceled_at.eq(None::<NaiveDateTime>),
            subscriptions::updated_at.eq(now),
        );
        let id = match current {
            Some(c) if c.stored_status() != Status::Canceled && c.cancel_at.is_none() => {
                diesel::update(subscriptions::table.find(&c.id))
                    .set((
                        values,
                        subscriptions::version.eq(subscriptions::version + 1),
                    ))
                    .execute(conn)?;
                c.id
            }
            previous => {
                if let Some(p) = previous {
                    diesel::update(subscriptions::table.find(&p.id))
                        .set((
                            subscriptions::is_current.eq(false),
                            subscriptions::status.eq(Status::Canceled.as_str()),
                            subscriptions::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                let id = new_id();
                diesel::insert_into(subscriptions::table)
                    .values((
                        subscriptions::id.eq(&id),
                        subscriptions::organization_id.eq(&org),
                        subscriptions::is_current.eq(true),
                        subscriptions::created_at.eq(now),
                        values,
                    ))
                    .execute(conn)?;
                id
            }
        };
        let after = subscriptions::table
            .find(&id)
            .select(Subscription::as_select())
            .first(conn)?;
        // The first period is invoiced in advance, now.
        let priced = priced_now(conn, &after)?;
        let first = bill(conn, &after, &priced, now, end)?;
        invoices::create_draft(conn, now, first.draft(&after, "start", end))?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                "subscription.started",
                "subscription",
                Some(&id),
            )
            .values(before.as_ref(), Some(&after)),
        )?;
        Ok(after)
    })
}

/// Cancel the current subscription. At the period end by default: it stays
/// `active` with `cancel_at` (undo until then). At once (`at_period_end =
/// false`) only for the operator (see `platform`); a trial ends at once.
pub fn cancel(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
) -> Result<Subscription, AppError> {
    actor.require(Operation::SubscriptionCancel)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let c = current_of(conn, &org)?.ok_or(AppError::NotFound)?;
        let effect = c.in_effect(now);
        let (cancel_at, status) = match effect.status {
            Status::Active | Status::PastDue if c.cancel_at.is_none() => (
                c.current_period_end.unwrap_or(now),
                c.stored_status().as_str(),
            ),
            Status::Trialing => (now, Status::Canceled.as_str()),
            _ => {
                return Err(AppError::Validation(FieldErrors(vec![(
                    "status",
                    ErrorCode::NothingToCancel,
                )])));
            }
        };
        set_cancel(conn, now, &actor.audit(), &c, Some(cancel_at), status)
    })
}

/// Withdraw a cancellation before it takes effect.
pub fn undo_cancel(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
) -> Result<Subscription, AppError> {
    actor.require(Operation::SubscriptionUndoCancel)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let c = current_of(conn, &org)?.ok_or(AppError::NotFound)?;
        let pending = c.cancel_at.is_some_and(|at| at > now)
            && matches!(c.stored_status(), Status::Active | Status::PastDue);
        if !pending {
            return Err(AppError::Validation(FieldErrors(vec![(
                "status",
                ErrorCode::NothingToUndo,
            )])));
        }
        let status = c.stored_status().as_str();
        set_cancel(conn, now, &actor.audit(), &c, None, status)
    })
}

/// Cancel at once (the operator's action; see `platform`).
pub fn cancel_now(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    organization_id: &str,
) -> Result<Subscription, AppError> {
    db::write(conn, |conn| {
        let c = current_of(conn, organization_id)?.ok_or(AppError::NotFound)?;
        if c.in_effect(now).status == Status::Canceled {
            return Err(AppError::Validation(FieldErrors(vec![(
                "status",
                ErrorCode::NothingToCancel,
            )])));
        }
        set_cancel(conn, now, actor, &c, Some(now), Status::Canceled.as_str())
    })
}

fn set_cancel(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    c: &Subscription,
    cancel_at: Option<NaiveDateTime>,
    status: &str,
) -> Result<Subscription, AppError> {
    let canceled_at = (status == Status::Canceled.as_str()).then_some(now);
    let changed = diesel::update(
        subscriptions::table
            .find(&c.id)
            .filter(subscriptions::version.eq(c.version)),
    )
    .set((
        subscriptions::cancel_at.eq(cancel_at),
        subscriptions::canceled_at.eq(canceled_at),
        subscriptions::status.eq(status),
        subscriptions::updated_at.eq(now),
        subscriptions::version.eq(subscriptions::version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(AppError::Conflict);
    }
    let after = subscriptions::table
        .find(&c.id)
        .select(Subscription::as_select())
        .first(conn)?;
    let action = match (cancel_at, status == Status::Canceled.as_str()) {
        (None, _) => "subscription.cancel_undone",
        (Some(_), true) => "subscription.canceled",
        (Some(_), false) => "subscription.cancel_scheduled",
    };
    audit::record(
        conn,
        now,
        actor,
        Event::new(
            Some(&c.organization_id),
            action,
            "subscription",
            Some(&c.id),
        )
        .values(Some(c), Some(&after)),
    )?;
    Ok(after)
}

/// Extend a trial by `days` (the operator's action; see `platform`); a
/// trial that had ended (awaiting) runs again from now.
pub fn extend_trial(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    organization_id: &str,
    days: i64,
) -> Result<Subscription, AppError> {
    if !(1..=365).contains(&days) {
        return Err(AppError::Validation(FieldErrors(vec![(
            "days",
            ErrorCode::DaysRange(365),
        )])));
    }
    db::write(conn, |conn| {
        let c = current_of(conn, organization_id)?.ok_or(AppError::NotFound)?;
        let status = c.in_effect(now).status;
        if !matches!(status, Status::Trialing | Status::Awaiting) {
            return Err(AppError::Validation(FieldErrors(vec![(
                "status",
                ErrorCode::NotTrialing,
            )])));
        }
        let from = c.trial_end.filter(|end| *end > now).unwrap_or(now);
        diesel::update(subscriptions::table.find(&c.id))
            .set((
                subscriptions::status.eq(Status::Trialing.as_str()),
                subscriptions::trial_end.eq(Some(from + Duration::days(days))),
                subscriptions::updated_at.eq(now),
                subscriptions::version.eq(subscriptions::version + 1),
            ))
            .execute(conn)?;
        let after = subscriptions::table
            .find(&c.id)
            .select(Subscription::as_select())
            .first(conn)?;
        audit::record(
            conn,
            now,
            actor,
            Event::new(
                Some(organization_id),
                "subscription.trial_extended",
                "subscription",
                Some(&c.id),
            )
            .values(Some(&c), Some(&after)),
        )?;
        Ok(after)
    })
}

/// A change previewed: what is charged now, what waits for the period end,
/// and what the next invoice will say.
#[derive(Debug, Clone)]
pub struct ChangePreview {
    /// The subscription as it is.
    pub current: Subscription,
    /// The order as checked and priced.
    pub order: PricedOrder,
    /// The lines and totals (see `proration::preview`).
    pub preview: Preview,
    /// Prorated charges already waiting for the next invoice (from earlier
    /// changes this period).
    pub pending: Vec<Charge>,
    /// What the applied coupon takes off the next invoice after the
    /// change, with its code.
    pub discount: Option<(String, i64)>,
    /// What it takes off the invoice made when the change is confirmed
    /// (see [`ChangePreview::bills_now`]).
    pub discount_now: Option<(String, i64)>,
}

impl ChangePreview {
    /// Is the subscription yearly, so that an increase is invoiced at once
    /// (when the change is confirmed) rather than on the next invoice, a
    /// year later? A monthly plan's waits for the next invoice.
    pub fn invoiced_now(&self) -> bool {
        self.current.interval() == Interval::Year
    }

    /// Does confirming make an invoice at once: a yearly plan's increase?
    /// It carries this change's charges and any still waiting.
    pub fn bills_now(&self) -> bool {
        self.invoiced_now() && !self.preview.immediate.is_empty()
    }

    /// The waiting charges and this change's, before any discount.
    pub fn charges_total(&self) -> i64 {
        self.pending.iter().map(|c| c.amount).sum::<i64>() + self.preview.immediate_total
    }

    /// What the invoice made at confirmation totals, less its discount
    /// (excluding VAT); 0 when none is made.
    pub fn invoiced_now_total(&self) -> i64 {
        if self.bills_now() {
            self.charges_total() - self.discount_now.as_ref().map_or(0, |(_, d)| *d)
        } else {
            0
        }
    }

    /// What the next invoice will total: the next period, and the waiting
    /// charges and this change's unless they are invoiced at once.
    pub fn next_invoice_total(&self) -> i64 {
        self.next_invoice_subtotal() - self.discount.as_ref().map_or(0, |(_, d)| *d)
    }

    /// The next invoice before any discount.
    pub fn next_invoice_subtotal(&self) -> i64 {
        let charges = if self.bills_now() {
            0
        } else {
            self.charges_total()
        };
        charges + self.preview.next_total
    }

    /// Does the change change nothing (the same order, nothing scheduled
    /// before that it would withdraw)?
    pub fn is_empty(&self) -> bool {
        self.preview.immediate.is_empty()
            && self.preview.scheduled.is_none()
            && !self.current.has_scheduled_change()
    }
}

/// A prorated charge waiting for an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscription_charges)]
#[serde(rename_all = "camelCase")]
pub struct Charge {
    pub id: String,
    pub subscription_id: String,
    pub kind: String,
    pub detail: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub period_from: NaiveDateTime,
    pub period_to: NaiveDateTime,
    pub invoice_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The charges of `subscription_id` not yet invoiced, oldest first.
pub fn pending_charges(conn: &mut DbConn, subscription_id: &str) -> QueryResult<Vec<Charge>> {
    subscription_charges::table
        .filter(subscription_charges::subscription_id.eq(subscription_id))
        .filter(subscription_charges::invoice_id.is_null())
        .order((
            subscription_charges::created_at.asc(),
            subscription_charges::id.asc(),
        ))
        .select(Charge::as_select())
        .load(conn)
}

/// The subscription as priced for its current period.
fn priced_now(conn: &mut DbConn, s: &Subscription) -> Result<Priced, AppError> {
    let plan = plans::by_id(conn, &s.plan_id)?.ok_or(AppError::NotFound)?;
    Ok(Priced {
        plan_code: plan.plan.code,
        seat_price: s.seat_price,
        seats: i64::from(s.seats),
        addons: s.addon_prices(),
        interval: s.interval(),
    })
}

/// The order as it would be billed: on the same plan and interval a seat
/// keeps this period's price and a kept add-on its price (a plan's price
/// change applies from the next period); otherwise the plan's prices now.
fn priced_wanted(current: &Subscription, order: &PricedOrder) -> Priced {
    let same = order.plan.plan.id == current.plan_id && order.interval == current.interval();
    let kept = current.addon_prices();
    Priced {
        plan_code: order.plan.plan.code.clone(),
        seat_price: if same {
            current.seat_price
        } else {
            order.plan.plan.seat_price(order.interval)
        },
        seats: order.seats,
        addons: order
            .addons
            .iter()
            .map(|&(m, price)| {
                let locked = kept.iter().find(|(k, _)| *k == m).map(|(_, p)| *p);
                (m, if same { locked.unwrap_or(price) } else { price })
            })
            .collect(),
        interval: order.interval,
    }
}

/// Preview changing the current subscription into `order` at `now`
/// (admins; nothing is written). Only a running subscription without a
/// pending cancellation can change.
pub fn preview_change(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    order: &Order,
) -> Result<ChangePreview, AppError> {
    actor.require(Operation::SubscriptionUpdate)?;
    let org = actor.organization_id.clone();
    let current = current_of(conn, &org)?.ok_or(AppError::NotFound)?;
    let effect = current.in_effect(now);
    if !matches!(effect.status, Status::Active | Status::PastDue) {
        return Err(AppError::Validation(FieldErrors(vec![(
            "status",
            ErrorCode::NotRunning,
        )])));
    }
    if current.cancel_at.is_some() {
        return Err(AppError::Validation(FieldErrors(vec![(
            "status",
            ErrorCode::CancelPending,
        )])));
    }
    let (Some(anchor), Some(start), Some(end)) = (
        current.period_anchor,
        current.current_period_start,
        current.current_period_end,
    ) else {
        return Err(AppError::NotFound);
    };
    let priced = check_order(conn, &org, order, Some(&current.plan_id))?;
    let tz = zone_of(conn, &org)?;
    let now_priced = priced_now(conn, &current)?;
    let wanted = priced_wanted(&current, &priced);
    let next_end = if wanted.interval == current.interval() {
        period_end(
            anchor,
            wanted.interval,
            current.period_number as u32 + 1,
            tz,
        )
    } else {
        period_end(end, wanted.interval, 1, tz)
    };
    // A period that ended while the renewal has not run yet: the change
    // is priced as of the last instant of that period.
    let at = now.min(end - Duration::seconds(1)).max(start);
    let preview = proration::preview(&now_priced, &wanted, start, end, next_end, at)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("proration: {e}")))?;
    let pending = pending_charges(conn, &current.id)?;
    let mut p = ChangePreview {
        current,
        order: priced,
        preview,
        pending,
        discount: None,
        discount_now: None,
    };
    if p.bills_now() {
        p.discount_now = discount_on(conn, &p.current, now, p.charges_total())?;
    }
    // The invoice made now comes before the next one.
    p.discount = discount_after(
        conn,
        &p.current,
        p.preview.next_date,
        p.next_invoice_subtotal(),
        p.discount_now.is_some(),
    )?;
    Ok(p)
}

/// Change the current subscription into `order` (admins): increases take
/// effect now and their prorated charges wait for the next invoice;
/// decreases are scheduled for the period end (replacing any change
/// scheduled before). `version` is the subscription's version the admin
/// saw (a stale one: 409). Audited as `subscription.updated`.
pub fn change(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    order: &Order,
    version: i32,
) -> Result<(Subscription, ChangePreview), AppError> {
    db::write(conn, |conn| {
        let p = preview_change(conn, now, actor, order)?;
        if p.current.version != version {
            return Err(AppError::Conflict);
        }
        let eff = &p.preview.effective_now;
        let plan_now = if eff.plan_code == p.order.plan.plan.code {
            p.order.plan.clone()
        } else {
            plans::by_code(conn, &eff.plan_code)?.ok_or(AppError::NotFound)?
        };
        let modules_now = eff
            .addons
            .iter()
            .map(|(m, _)| *m)
            .fold(plan_now.plan.included(), Modules::with);
        let scheduled = p.preview.scheduled.as_ref();
        let changed = diesel::update(
            subscriptions::table
                .find(&p.current.id)
                .filter(subscriptions::version.eq(version)),
        )
        .set((
            subscriptions::plan_id.eq(&plan_now.plan.id),
            subscriptions::seats.eq(eff.seats as i32),
            subscriptions::seat_price.eq(eff.seat_price),
            subscriptions::addons.eq(stored_addons(&eff.addons)),
            subscriptions::modules.eq(modules_now.to_stored()),
            subscriptions::scheduled_plan_id.eq(scheduled.map(|_| p.order.plan.plan.id.clone())),
            subscriptions::scheduled_interval.eq(scheduled.map(|w| w.interval.as_str())),
            subscriptions::scheduled_seats.eq(scheduled.map(|w| w.seats as i32)),
            subscriptions::scheduled_addons.eq(scheduled.map(|w| {
                w.addons
                    .iter()
                    .map(|(m, _)| *m)
                    .collect::<Modules>()
                    .to_stored()
            })),
            subscriptions::updated_at.eq(now),
            subscriptions::version.eq(subscriptions::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(AppError::Conflict);
        }
        for line in &p.preview.immediate {
            let (kind, detail) = crate::domain::charge_text::stored(&line.kind);
            diesel::insert_into(subscription_charges::table)
                .values((
                    subscription_charges::id.eq(new_id()),
                    subscription_charges::subscription_id.eq(&p.current.id),
                    subscription_charges::kind.eq(kind),
                    subscription_charges::detail.eq(detail),
                    subscription_charges::quantity.eq(line.quantity),
                    subscription_charges::unit_price.eq(line.unit_price),
                    subscription_charges::amount.eq(line.amount),
                    subscription_charges::period_from.eq(line.from),
                    subscription_charges::period_to.eq(line.to),
                    subscription_charges::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        let after = subscriptions::table
            .find(&p.current.id)
            .select(Subscription::as_select())
            .first(conn)?;
        // A yearly plan's increase is invoiced at once, not a year later
        // (a monthly plan's waits for the next invoice, within a month):
        // the bill the preview showed.
        if p.bills_now()
            && let Some(end) = p.current.current_period_end
        {
            let bill = NextInvoice {
                date: now,
                pending: pending_charges(conn, &after.id)?,
                lines: Vec::new(),
                total: p.invoiced_now_total(),
                discount: p.discount_now.clone(),
            };
            invoices::create_draft(conn, now, bill.draft(&after, "change", end))?;
        }
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&actor.organization_id),
                "subscription.updated",
                "subscription",
                Some(&after.id),
            )
            .values(Some(&p.current), Some(&after)),
        )?;
        Ok((after, p))
    })
}

/// Withdraw the change scheduled for the period end (admins).
pub fn withdraw_scheduled(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
) -> Result<Subscription, AppError> {
    actor.require(Operation::SubscriptionUpdate)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let c = current_of(conn, &org)?.ok_or(AppError::NotFound)?;
        if !c.has_scheduled_change() {
            return Err(AppError::Validation(FieldErrors(vec![(
                "status",
                ErrorCode::NothingToUndo,
            )])));
        }
        diesel::update(subscriptions::table.find(&c.id))
            .set((
                subscriptions::scheduled_plan_id.eq(None::<String>),
                subscriptions::scheduled_interval.eq(None::<String>),
                subscriptions::scheduled_seats.eq(None::<i32>),
                subscriptions::scheduled_addons.eq(None::<String>),
                subscriptions::updated_at.eq(now),
                subscriptions::version.eq(subscriptions::version + 1),
            ))
            .execute(conn)?;
        let after = subscriptions::table
            .find(&c.id)
            .select(Subscription::as_select())
            .first(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                "subscription.change_withdrawn",
                "subscription",
                Some(&c.id),
            )
            .values(Some(&c), Some(&after)),
        )?;
        Ok(after)
    })
}

/// What the next invoice of the current subscription will say, if any:
/// its date, the waiting charges, and the next period's lines (as renewed:
/// with the scheduled change and the plan's prices then).
#[derive(Debug, Clone)]
pub struct NextInvoice {
    pub date: NaiveDateTime,
    pub pending: Vec<Charge>,
    pub lines: Vec<proration::Line>,
    /// The applied coupon's code and what it takes off, when it covers
    /// this invoice.
    pub discount: Option<(String, i64)>,
    /// Charges and lines, less the discount.
    pub total: i64,
}

/// The next invoice of `s` (a running subscription that will renew), else `None`.
pub fn next_invoice(
    conn: &mut DbConn,
    now: NaiveDateTime,
    s: &Subscription,
) -> Result<Option<NextInvoice>, AppError> {
    let effect = s.in_effect(now);
    let (Some(anchor), Some(end)) = (s.period_anchor, s.current_period_end) else {
        return Ok(None);
    };
    if !matches!(effect.status, Status::Active | Status::PastDue) || s.cancel_at.is_some() {
        return Ok(None);
    }
    let tz = zone_of(conn, &s.organization_id)?;
    let plan = plans::by_id(conn, s.next_plan_id())?.ok_or(AppError::NotFound)?;
    let next = s.next_period(&plan);
    let interval = next.interval;
    let next_end = if interval == s.interval() {
        period_end(anchor, interval, s.period_number as u32 + 1, tz)
    } else {
        period_end(end, interval, 1, tz)
    };
    bill(conn, s, &next, end, next_end).map(Some)
}

/// What an invoice of `s` for the period `[from, to)` priced as `p` bills:
/// the charges waiting, the period's lines, the coupon's discount. The one
/// computation behind the preview of the next invoice and the draft made
/// when the period starts, so the two cannot differ.
fn bill(
    conn: &mut DbConn,
    s: &Subscription,
    p: &Priced,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<NextInvoice, AppError> {
    let lines = proration::period_lines(p, from, to);
    let pending = pending_charges(conn, &s.id)?;
    let subtotal =
        lines.iter().map(|l| l.amount).sum::<i64>() + pending.iter().map(|c| c.amount).sum::<i64>();
    let discount = discount_on(conn, s, from, subtotal)?;
    Ok(NextInvoice {
        date: from,
        pending,
        lines,
        total: subtotal - discount.as_ref().map_or(0, |(_, d)| *d),
        discount,
    })
}

impl NextInvoice {
    /// The draft invoice of this bill for subscription `s`, period
    /// `[self.date, to)`.
    pub fn draft(&self, s: &Subscription, reason: &'static str, to: NaiveDateTime) -> NewDraft {
        let charges = self.pending.iter().map(|c| DraftLine {
            kind: stored_kind(&c.kind),
            detail: c.detail.clone(),
            period: Some((c.period_from, c.period_to)),
            quantity: c.quantity,
            unit_price: c.unit_price,
            amount: c.amount,
        });
        let lines = self.lines.iter().map(|l| {
            let (kind, detail) = crate::domain::charge_text::stored(&l.kind);
            DraftLine {
                kind,
                detail,
                period: Some((l.from, l.to)),
                quantity: l.quantity,
                unit_price: l.unit_price,
                amount: l.amount,
            }
        });
        let discount = self.discount.iter().map(|(code, cents)| DraftLine {
            kind: "discount",
            detail: code.clone(),
            period: None,
            quantity: 1,
            unit_price: -cents,
            amount: -cents,
        });
        NewDraft {
            organization_id: s.organization_id.clone(),
            subscription_id: s.id.clone(),
            reason,
            period: (self.date, to),
            lines: charges.chain(lines).chain(discount).collect(),
            charge_ids: self.pending.iter().map(|c| c.id.clone()).collect(),
        }
    }
}

/// A stored charge kind as the static name an invoice line keeps.
fn stored_kind(kind: &str) -> &'static str {
    [
        "seats_added",
        "addon_added",
        "plan_upgrade",
        "seats",
        "addon",
    ]
    .into_iter()
    .find(|k| *k == kind)
    .unwrap_or("seats")
}

/// What the applied coupon (if any) takes off an invoice of `subtotal`
/// dated `date`, with its code.
pub fn discount_on(
    conn: &mut DbConn,
    s: &Subscription,
    date: NaiveDateTime,
    subtotal: i64,
) -> QueryResult<Option<(String, i64)>> {
    discount_after(conn, s, date, subtotal, false)
}

/// [`discount_on`] for an invoice that follows one not yet made which
/// takes the discount too (`discounted_before`: the invoice a yearly plan's
/// increase makes at once). A once-only coupon covers one invoice: it is
/// used up by an invoice made since it was applied that took a discount
/// (such as that one), not only by the next period's.
fn discount_after(
    conn: &mut DbConn,
    s: &Subscription,
    date: NaiveDateTime,
    subtotal: i64,
    discounted_before: bool,
) -> QueryResult<Option<(String, i64)>> {
    let Some((c, redeemed_at)) = coupons::applied(conn, &s.id)? else {
        return Ok(None);
    };
    if !c.covers(redeemed_at, s.current_period_start, date) {
        return Ok(None);
    }
    if c.duration() == coupons::Duration::Once
        && (discounted_before || invoices::discounted_since(conn, &s.id, redeemed_at)?)
    {
        return Ok(None);
    }
    Ok(Some((c.code.to_uppercase(), c.discount(subtotal))))
}

/// What one run of the lifecycle did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleRun {
    pub renewed: usize,
    pub trials_ended: usize,
    pub canceled: usize,
}

impl LifecycleRun {
    /// Rows changed in all.
    pub fn total(&self) -> usize {
        self.renewed + self.trials_ended + self.canceled
    }
}

/// How many subscriptions one transaction of the lifecycle moves.
pub const LIFECYCLE_BATCH: i64 = 500;

/// Move every subscription whose moment has come: a trial that ended
/// becomes `awaiting`; a running one (active or past due) whose `cancel_at` came becomes
/// `canceled`; an active one whose period ended renews (a scheduled change
/// applies, the plan's current prices apply). Each row is changed with a
/// compare-and-set on its version, so a second run — or another instance
/// running at the same time — changes nothing twice. Returns what changed.
pub fn run_lifecycle(conn: &mut DbConn, now: NaiveDateTime) -> Result<LifecycleRun, AppError> {
    let mut run = LifecycleRun::default();
    let system = AuditActor::system("subscriptions");
    loop {
        let done = db::write(conn, |conn| -> Result<LifecycleRun, AppError> {
            let mut batch = LifecycleRun::default();
            let trials: Vec<Subscription> = subscriptions::table
                .filter(subscriptions::status.eq(Status::Trialing.as_str()))
                .filter(subscriptions::trial_end.le(now))
                .order(subscriptions::trial_end.asc())
                .limit(LIFECYCLE_BATCH)
                .select(Subscription::as_select())
                .load(conn)?;
            for s in &trials {
                if move_status(conn, now, &system, s, Status::Awaiting)? {
                    batch.trials_ended += 1;
                }
            }
            // A past-due subscription renews too (its new period is
            // invoiced as well); only paying makes it active again.
            let due: Vec<Subscription> = subscriptions::table
                .filter(
                    subscriptions::status
                        .eq_any([Status::Active.as_str(), Status::PastDue.as_str()]),
                )
                .filter(subscriptions::current_period_end.le(now))
                .order(subscriptions::current_period_end.asc())
                .limit(LIFECYCLE_BATCH)
                .select(Subscription::as_select())
                .load(conn)?;
            // What renewals need, read once per batch rather than per row:
            // the organisations' time zones and the plans (at most a few).
            let org_ids: Vec<&str> = due.iter().map(|s| s.organization_id.as_str()).collect();
            let zones: std::collections::HashMap<String, Tz> = organizations::table
                .filter(organizations::id.eq_any(&org_ids))
                .select((organizations::id, organizations::time_zone))
                .load::<(String, String)>(conn)?
                .into_iter()
                .map(|(id, zone)| (id, zone.parse().unwrap_or(chrono_tz::UTC)))
                .collect();
            let mut plans_seen: Vec<PlanWithAddons> = Vec::new();
            for s in &due {
                if s.cancel_at.is_some_and(|at| at <= now) {
                    if move_status(conn, now, &system, s, Status::Canceled)? {
                        batch.canceled += 1;
                    }
                    continue;
                }
                let tz = match zones.get(&s.organization_id) {
                    Some(tz) => *tz,
                    None => zone_of(conn, &s.organization_id)?,
                };
                if renew(conn, now, &system, s, tz, &mut plans_seen)? {
                    batch.renewed += 1;
                }
            }
            Ok(batch)
        })?;
        run.renewed += done.renewed;
        run.trials_ended += done.trials_ended;
        run.canceled += done.canceled;
        if done.total() == 0 {
            return Ok(run);
        }
    }
}

/// Follow the invoices' payments: a running subscription with an invoice
/// unpaid past its due date becomes `past_due` (reminders go out, a banner
/// for admins; the modules stay on); a `past_due` one with nothing overdue
/// any more is `active` again. Compare-and-set per row, so a second run
/// changes nothing twice. Returns (now past due, settled).
pub fn follow_payments(conn: &mut DbConn, now: NaiveDateTime) -> Result<(usize, usize), AppError> {
    let system = AuditActor::system("invoices");
    db::write(conn, |conn| {
        let overdue = invoices::overdue_subscriptions(conn, now)?;
        let late: Vec<Subscription> = subscriptions::table
            .filter(subscriptions::id.eq_any(&overdue))
            .filter(subscriptions::status.eq(Status::Active.as_str()))
            .select(Subscription::as_select())
            .load(conn)?;
        let mut marked = 0;
        for s in &late {
            if move_status(conn, now, &system, s, Status::PastDue)? {
                marked += 1;
            }
        }
        let settled: Vec<Subscription> = subscriptions::table
            .filter(subscriptions::status.eq(Status::PastDue.as_str()))
            .filter(subscriptions::id.ne_all(&overdue))
            .select(Subscription::as_select())
            .load(conn)?;
        let mut back = 0;
        for s in &settled {
            if move_status(conn, now, &system, s, Status::Active)? {
                back += 1;
            }
        }
        Ok((marked, back))
    })
}

/// Change a subscription's status if nobody changed it since it was read.
fn move_status(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    s: &Subscription,
    to: Status,
) -> Result<bool, AppError> {
    let changed = diesel::update(
        subscriptions::table
            .find(&s.id)
            .filter(subscriptions::version.eq(s.version)),
    )
    .set((
        subscriptions::status.eq(to.as_str()),
        subscriptions::canceled_at
            .eq((to == Status::Canceled).then_some(s.cancel_at.unwrap_or(now))),
        subscriptions::updated_at.eq(now),
        subscriptions::version.eq(subscriptions::version + 1),
    ))
    .execute(conn)?;
    if changed == 1 {
        let action = match to {
            Status::Awaiting => "subscription.trial_ended",
            Status::PastDue => "subscription.past_due",
            Status::Active => "subscription.payment_settled",
            _ => "subscription.ended",
        };
        audit::record(
            conn,
            now,
            actor,
            Event::new(
                Some(&s.organization_id),
                action,
                "subscription",
                Some(&s.id),
            ),
        )?;
    }
    Ok(changed == 1)
}

/// Renew one subscription for its next period (several, if it was left
/// behind: it lands on the period that contains `now`). `plans_seen` keeps
/// the plans read so far in this run's transaction (their current prices),
/// so a batch reads each plan once.
fn renew(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    s: &Subscription,
    tz: Tz,
    plans_seen: &mut Vec<PlanWithAddons>,
) -> Result<bool, AppError> {
    let (Some(anchor), Some(mut start)) = (s.period_anchor, s.current_period_end) else {
        return Ok(false);
    };
    let plan_id = s.next_plan_id();
    let seen = match plans_seen.iter().position(|p| p.plan.id == plan_id) {
        Some(i) => i,
        None => {
            let Some(p) = plans::by_id(conn, plan_id)? else {
                return Ok(false);
            };
            plans_seen.push(p);
            plans_seen.len() - 1
        }
    };
    let plan = &plans_seen[seen];
    let next = s.next_period(plan);
    let (interval, seats, seat_price, addons) = (
        next.interval,
        next.seats as i32,
        next.seat_price,
        next.addons.clone(),
    );
    let modules = addons
        .iter()
        .map(|(m, _)| *m)
        .fold(plan.plan.included(), Modules::with);
    // A new interval starts its own count from the old period's end.
    let (anchor, mut n) = if interval == s.interval() {
        (anchor, s.period_number)
    } else {
        (start, 0)
    };
    let mut end;
    loop {
        n += 1;
        end = period_end(anchor, interval, n as u32, tz);
        if end > now {
            break;
        }
        start = end;
    }
    let changed = diesel::update(
        subscriptions::table
            .find(&s.id)
            .filter(subscriptions::version.eq(s.version)),
    )
    .set((
        subscriptions::plan_id.eq(&plan.plan.id),
        subscriptions::billing_interval.eq(interval.as_str()),
        subscriptions::seats.eq(seats),
        subscriptions::seat_price.eq(seat_price),
        subscriptions::addons.eq(stored_addons(&addons)),
        subscriptions::modules.eq(modules.to_stored()),
        subscriptions::period_anchor.eq(Some(anchor)),
        subscriptions::period_number.eq(n),
        subscriptions::current_period_start.eq(Some(start)),
        subscriptions::current_period_end.eq(Some(end)),
        subscriptions::scheduled_plan_id.eq(None::<String>),
        subscriptions::scheduled_interval.eq(None::<String>),
        subscriptions::scheduled_seats.eq(None::<i32>),
        subscriptions::scheduled_addons.eq(None::<String>),
        subscriptions::updated_at.eq(now),
        subscriptions::version.eq(subscriptions::version + 1),
    ))
    .execute(conn)?;
    if changed == 1 {
        // The new period is invoiced in advance: the bill the preview
        // showed (from the subscription as it was before renewing).
        let bill = bill(conn, s, &next, start, end)?;
        invoices::create_draft(conn, now, bill.draft(s, "renewal", end))?;
        audit::record(
            conn,
            now,
            actor,
            Event::new(
                Some(&s.organization_id),
                "subscription.renewed",
                "subscription",
                Some(&s.id),
            ),
        )?;
    }
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addons_are_stored_with_their_prices() {
        let a = vec![(Module::Api, 2500), (Module::Webhooks, 1500)];
        assert_eq!(stored_addons(&a), "api:2500 webhooks:1500");
        assert_eq!(parse_addons("api:2500 webhooks:1500 bad nope:1 api:x"), a);
        assert_eq!(parse_addons(""), vec![]);
    }
}
