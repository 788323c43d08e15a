//! How a subscription reads: status in words, lines of an invoice, dates
//! and amounts in the member's language and the organisation's zone; an
//! issued invoice's status and period.

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use crate::domain::charge_text;
use crate::domain::invoices::{self, Invoice, Status as InvoiceStatus};
use crate::domain::local_time::utc_to_local;
use crate::domain::modules::Modules;
use crate::domain::plans::PlanWithAddons;
use crate::domain::proration::{Interval, Line};
use crate::domain::subscriptions::{Charge, Status, Subscription};
use crate::i18n::{Lang, fill};

/// One line of an invoice as the screen shows it.
pub struct LineView {
    pub description: String,
    pub period: String,
    pub amount: String,
}

/// Writes dates, amounts and plan names for one member.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    pub lang: Lang,
    pub tz: Tz,
    pub plans: &'a [PlanWithAddons],
}

impl Words<'_> {
    /// "31 maart 2027" in the organisation's zone.
    pub fn date(&self, at: NaiveDateTime) -> String {
        self.lang.long_date(utc_to_local(self.tz, at).date())
    }

    /// "31 mrt. 2027" (tables).
    pub fn short_date(&self, at: NaiveDateTime) -> String {
        self.lang.date(utc_to_local(self.tz, at).date())
    }

    pub fn money(&self, cents: i64) -> String {
        self.lang.money(cents)
    }

    /// A plan's name by its code (the code when unknown).
    pub fn plan_name(&self, code: &str) -> String {
        self.plans
            .iter()
            .find(|p| p.plan.code == code)
            .map_or_else(|| code.to_string(), |p| p.plan.name(self.lang).to_string())
    }

    /// A plan's name by its id.
    pub fn plan_name_by_id(&self, id: &str) -> String {
        self.plans
            .iter()
            .find(|p| p.plan.id == id)
            .map_or_else(|| id.to_string(), |p| p.plan.name(self.lang).to_string())
    }

    /// "Vergaderingen, Klanten" (or "Geen").
    pub fn modules(&self, m: Modules) -> String {
        let names: Vec<&str> = m.iter().map(|m| m.label(self.lang)).collect();
        if names.is_empty() {
            self.lang.t().sub_no_modules.to_string()
        } else {
            names.join(", ")
        }
    }

    pub fn interval(&self, i: Interval) -> &'static str {
        let t = self.lang.t();
        match i {
            Interval::Month => t.sub_month,
            Interval::Year => t.sub_year,
        }
    }

    fn period(&self, from: NaiveDateTime, to: NaiveDateTime) -> String {
        format!("{} – {}", self.short_date(from), self.short_date(to))
    }

    /// An invoice's period (or a line's) to its last day, as its PDF says
    /// it (`to` is exclusive): "1 jan. 2026 – 31 dec. 2026".
    pub fn days(&self, from: NaiveDateTime, to: NaiveDateTime) -> String {
        format!(
            "{} – {}",
            self.short_date(from),
            self.lang.date(invoices::last_day_of(self.tz, from, to))
        )
    }

    /// An invoice's status in words at `now`; `badge` is its style.
    pub fn invoice_status(&self, i: &Invoice, now: NaiveDateTime) -> (&'static str, &'static str) {
        let t = self.lang.t();
        if i.is_credit_note() {
            return (t.tinv_status_credit_note, "badge-muted");
        }
        match i.status() {
            InvoiceStatus::Open if i.overdue(now) => (t.tinv_status_overdue, "badge-warning"),
            InvoiceStatus::Open | InvoiceStatus::Draft => (t.tinv_status_open, "badge-info"),
            InvoiceStatus::Paid => (t.tinv_status_paid, "badge-success"),
            InvoiceStatus::Void => (t.tinv_status_void, "badge-muted"),
        }
    }

    /// "factuur PF-000005" / "creditnota CN-000001".
    pub fn invoice_word(&self, i: &Invoice) -> String {
        let t = self.lang.t();
        let word = if i.is_credit_note() {
            t.tinv_credit_note_word
        } else {
            t.tinv_invoice_word
        };
        fill(word, &[&i.number.as_deref().unwrap_or_default()])
    }

    /// A line of a preview or of the next period.
    pub fn line(&self, l: &Line) -> LineView {
        LineView {
            description: charge_text::describe_line(self.lang, l, &|c| self.plan_name(c)),
            period: self.period(l.from, l.to),
            amount: self.money(l.amount),
        }
    }

    /// The applied coupon's line: its code and what it takes off.
    pub fn discount(&self, (code, cents): &(String, i64)) -> LineView {
        LineView {
            description: fill(self.lang.t().sub_line_discount, &[code]),
            period: String::new(),
            amount: self.money(-cents),
        }
    }

    /// A prorated charge waiting for the next invoice.
    pub fn charge(&self, c: &Charge) -> LineView {
        let description = charge_text::describe(self.lang, &c.kind, &c.detail, c.quantity, &|p| {
            self.plan_name(p)
        });
        LineView {
            description,
            period: self.period(c.period_from, c.period_to),
            amount: self.money(c.amount),
        }
    }

    /// The status in words; `badge` is its style.
    pub fn status(&self, s: &Subscription, now: NaiveDateTime) -> (String, &'static str) {
        let t = self.lang.t();
        match s.in_effect(now).status {
            Status::Trialing => {
                let left = s.trial_end.map_or(0, |end| days_left(end, now));
                let text = if left == 1 {
                    t.sub_status_trialing_one.to_string()
                } else {
                    fill(t.sub_status_trialing, &[&left])
                };
                (text, "badge-info")
            }
            Status::Active => match s.cancel_at {
                Some(at) => (fill(t.sub_status_ends, &[&self.date(at)]), "badge-warning"),
                None => (t.sub_status_active.to_string(), "badge-success"),
            },
            Status::PastDue => (t.sub_status_past_due.to_string(), "badge-danger"),
            Status::Awaiting => (t.sub_status_awaiting.to_string(), "badge-warning"),
            Status::Canceled => (t.sub_status_canceled.to_string(), "badge-muted"),
        }
    }

    /// The change scheduled for the period end, in words.
    pub fn scheduled(&self, s: &Subscription) -> Option<String> {
        if !s.has_scheduled_change() {
            return None;
        }
        let t = self.lang.t();
        let plan_id = s.scheduled_plan_id.as_deref().unwrap_or(&s.plan_id);
        let interval = s
            .scheduled_interval
            .as_deref()
            .and_then(Interval::parse)
            .unwrap_or(s.interval());
        let seats = s.scheduled_seats.unwrap_or(s.seats);
        let plan = self.plans.iter().find(|p| p.plan.id == plan_id);
        let addons = match &s.scheduled_addons {
            Some(stored) => Modules::from_stored(stored),
            None => s.addon_prices().iter().map(|(m, _)| *m).collect(),
        };
        let modules = plan.map_or(addons, |p| addons.union(p.plan.included()));
        let what = format!(
            "{} · {}: {} · {} · {}: {}",
            self.plan_name_by_id(plan_id),
            t.sub_seats,
            seats,
            self.interval(interval),
            t.sub_modules,
            self.modules(modules)
        );
        let from = s.current_period_end?;
        Some(fill(t.sub_scheduled_from, &[&self.date(from), &what]))
    }
}

/// Whole days left until `end`, rounded up (a trial ending in 3 hours has
/// 1 day left).
pub fn days_left(end: NaiveDateTime, now: NaiveDateTime) -> i64 {
    let secs = (end - now).num_seconds().max(0);
    (secs + 86_399) / 86_400
}
