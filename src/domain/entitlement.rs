//! What a subscription gives at an instant: the status as of that instant
//! and the modules on. One pure function ([`in_effect`]) decides it, for
//! the login check (`sessions`, `oauth`), the permission check (`actor`)
//! and the subscription's own screens; the state machine that moves the
//! stored status lives in `subscriptions`.

use chrono::NaiveDateTime;

use crate::domain::modules::Modules;

/// Where a subscription stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Trying the default plan, free, until `trial_end`.
    Trialing,
    /// Paid and running; renews at each period end.
    Active,
    /// The trial ended without a start: modules off, nothing deleted.
    Awaiting,
    /// An invoice is unpaid (the invoices issue sets it).
    PastDue,
    /// Ended: admins may still read, modules off.
    Canceled,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 5] = [
        Status::Trialing,
        Status::Active,
        Status::Awaiting,
        Status::PastDue,
        Status::Canceled,
    ];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Trialing => "trialing",
            Status::Active => "active",
            Status::Awaiting => "awaiting",
            Status::PastDue => "past_due",
            Status::Canceled => "canceled",
        }
    }

    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What is in effect at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InEffect {
    /// The status as of that instant.
    pub status: Status,
    /// The modules the organisation may use.
    pub modules: Modules,
    /// Modules whose data admins may still read (a canceled subscription's).
    pub readable: Modules,
}

impl InEffect {
    /// An organisation with no subscription at all (only before the
    /// migration that gave every organisation one; kept for safety): core only.
    pub const NOTHING: InEffect = InEffect {
        status: Status::Awaiting,
        modules: Modules::NONE,
        readable: Modules::NONE,
    };

    /// The seed's `active`: the subscription gives access now.
    pub fn active(&self) -> bool {
        matches!(
            self.status,
            Status::Trialing | Status::Active | Status::PastDue
        )
    }

    /// The seed's `awaiting`: the trial ended and nothing was started.
    pub fn awaiting(&self) -> bool {
        self.status == Status::Awaiting
    }
}

/// THE function that says what a subscription gives at `now`, from its
/// stored status, modules, trial end and cancellation.
pub fn in_effect(
    stored: Status,
    modules: Modules,
    trial_end: Option<NaiveDateTime>,
    cancel_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> InEffect {
    let on = |status| InEffect {
        status,
        modules,
        readable: modules,
    };
    let ended = |status, readable| InEffect {
        status,
        modules: Modules::NONE,
        readable,
    };
    match stored {
        Status::Trialing if trial_end.is_some_and(|end| now >= end) => {
            ended(Status::Awaiting, Modules::NONE)
        }
        Status::Trialing => on(Status::Trialing),
        Status::Active | Status::PastDue if cancel_at.is_some_and(|at| now >= at) => {
            ended(Status::Canceled, modules)
        }
        Status::Active | Status::PastDue => on(stored),
        Status::Awaiting => ended(Status::Awaiting, Modules::NONE),
        Status::Canceled => ended(Status::Canceled, modules),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn what_is_in_effect_follows_the_clock() {
        let all = Modules::all();
        let end = Some(at("2026-12-31 00:00:00"));
        let trial = in_effect(Status::Trialing, all, end, None, at("2026-12-30 23:59:59"));
        assert_eq!(trial.status, Status::Trialing);
        assert!(trial.active() && !trial.awaiting());
        assert_eq!(trial.modules, all);
        let over = in_effect(Status::Trialing, all, end, None, at("2026-12-31 00:00:00"));
        assert_eq!(over.status, Status::Awaiting);
        assert!(over.awaiting() && !over.active());
        assert_eq!(over.modules, Modules::NONE);
        assert_eq!(over.readable, Modules::NONE);
        let running = in_effect(Status::Active, all, None, end, at("2026-12-30 00:00:00"));
        assert_eq!(running.status, Status::Active);
        assert_eq!(running.modules, all);
        let ended = in_effect(Status::Active, all, None, end, at("2026-12-31 00:00:01"));
        assert_eq!(ended.status, Status::Canceled);
        assert_eq!(ended.modules, Modules::NONE);
        assert_eq!(ended.readable, all);
        assert!(!ended.active());
        let stored = in_effect(Status::Canceled, all, None, None, at("2026-01-01 00:00:00"));
        assert_eq!(stored.status, Status::Canceled);
        assert_eq!(
            in_effect(Status::PastDue, all, None, None, at("2026-01-01 00:00:00")).modules,
            all
        );
    }
}
