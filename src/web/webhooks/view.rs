//! View models of the webhook screens: an endpoint's status, its event
//! types, the success rate, the grouped checkboxes and the delivery log, in
//! the user's language and the organisation's time zone.

use chrono::NaiveDateTime;

use crate::domain::webhook_deliveries::{Attempt, LogRow};
use crate::domain::webhook_events;
use crate::domain::webhook_outbox::{DELIVERED, FAILED, PENDING};
use crate::domain::webhooks::{DisabledReason, Endpoint};
use crate::i18n::{self, Lang, Messages, fill};
use crate::jobs::webhooks::Answer;

/// A badge: its text and its style (`success`, `danger`, …).
pub struct Badge {
    pub text: String,
    pub class: &'static str,
}

/// On, off (and why), and failing since when.
pub fn status_badges(lang: Lang, tz: chrono_tz::Tz, e: &Endpoint) -> Vec<Badge> {
    let t = lang.t();
    let mut out = vec![match e.disabled_reason() {
        None => Badge {
            text: t.whs_enabled.into(),
            class: "success",
        },
        Some(DisabledReason::Manual) => Badge {
            text: t.whs_disabled_manual.into(),
            class: "muted",
        },
        Some(DisabledReason::Failing) => Badge {
            text: t.whs_disabled_failing.into(),
            class: "danger",
        },
        Some(DisabledReason::Gone) => Badge {
            text: t.whs_disabled_gone.into(),
            class: "danger",
        },
    }];
    if let Some(since) = e.failing_since {
        out.push(Badge {
            text: fill(t.whs_failing_since, &[&lang.datetime(since, tz)]),
            class: "warning",
        });
    }
    out
}

/// "All events", "1 event", "12 events".
pub fn types_summary(t: &Messages, e: &Endpoint) -> String {
    match e.types().len() {
        0 => t.whs_all_events.into(),
        1 => t.whs_one_event.into(),
        n => fill(t.whs_n_events, &[&n]),
    }
}

/// "3 of 4 attempts (75 %)", or "No attempts".
pub fn rate(t: &Messages, (ok, total): (i64, i64)) -> String {
    if total == 0 {
        return t.whs_rate_none.into();
    }
    let percent = ok * 100 / total;
    fill(t.whs_rate_value, &[&ok, &total, &percent])
}

/// One tick box of the event types.
pub struct TypeBox {
    pub value: &'static str,
    pub id: String,
    pub label: String,
    pub checked: bool,
}

/// One group of tick boxes (a fieldset).
pub struct TypeGroup {
    pub label: String,
    pub boxes: Vec<TypeBox>,
}

/// The event types in their groups, `ticked` ticked.
pub fn type_groups(lang: Lang, ticked: &[String]) -> Vec<TypeGroup> {
    webhook_events::groups()
        .into_iter()
        .map(|(group, types)| TypeGroup {
            label: i18n::webhook_group(lang, group),
            boxes: types
                .into_iter()
                .map(|ty| TypeBox {
                    value: ty,
                    id: format!("type-{}", ty.replace(['.', '_'], "-")),
                    label: i18n::webhook_event(lang, ty),
                    checked: ticked.iter().any(|t| t == ty),
                })
                .collect(),
        })
        .collect()
}

/// The event types of an endpoint, for people: (group, label, type).
pub fn type_list(lang: Lang, e: &Endpoint) -> Vec<(String, String, String)> {
    e.types()
        .into_iter()
        .map(|ty| {
            let group = ty.split('.').next().unwrap_or(ty);
            (
                i18n::webhook_group(lang, group),
                i18n::webhook_event(lang, ty),
                ty.to_string(),
            )
        })
        .collect()
}

/// A message's status for people.
pub fn message_badge(t: &Messages, status: &str) -> Badge {
    let (text, class) = match status {
        DELIVERED => (t.whs_msg_delivered, "success"),
        FAILED => (t.whs_msg_failed, "danger"),
        PENDING => (t.whs_msg_pending, "warning"),
        other => {
            return Badge {
                text: other.to_string(),
                class: "muted",
            };
        }
    };
    Badge {
        text: text.into(),
        class,
    }
}

/// The status filter of the log: (value, label).
pub fn status_filters(t: &Messages) -> Vec<(&'static str, &'static str)> {
    vec![
        ("", t.whs_filter_all),
        (DELIVERED, t.whs_msg_delivered),
        (FAILED, t.whs_msg_failed),
        (PENDING, t.whs_msg_pending),
    ]
}

/// One attempt, for people.
pub struct AttemptView {
    pub at: String,
    pub code: String,
    pub duration: String,
    pub excerpt: String,
    pub error: String,
    pub ok: bool,
}

/// One message of the log, for people.
pub struct LogView {
    pub id: String,
    pub event_type: String,
    pub at: String,
    pub status: Badge,
    pub attempts: i32,
    pub next: Option<String>,
    pub last_code: String,
    pub rows: Vec<AttemptView>,
    /// "Resend message location.created, 3 Dec 2026 14:05" (the button's name).
    pub resend_label: String,
    /// "Attempts of location.created (3)".
    pub attempts_label: String,
}

fn attempt_view(lang: Lang, tz: chrono_tz::Tz, a: &Attempt) -> AttemptView {
    let t = lang.t();
    AttemptView {
        at: lang.datetime(a.attempted_at, tz),
        code: a.status_code.map(|c| c.to_string()).unwrap_or_default(),
        duration: fill(t.whs_ms, &[&a.duration_ms]),
        excerpt: a.response_excerpt.clone(),
        error: a.error.clone().unwrap_or_default(),
        ok: a.succeeded,
    }
}

/// The log's rows.
pub fn log_views(lang: Lang, tz: chrono_tz::Tz, rows: &[LogRow]) -> Vec<LogView> {
    let t = lang.t();
    rows.iter()
        .map(|r| {
            let m = &r.message;
            LogView {
                id: m.id.clone(),
                event_type: m.event_type.clone(),
                at: lang.datetime(m.created_at, tz),
                status: message_badge(t, &m.status),
                attempts: m.attempts,
                next: m
                    .next_attempt_at
                    .filter(|_| m.status == PENDING)
                    .map(|n| fill(t.whs_next_attempt, &[&lang.datetime(n, tz)])),
                last_code: m
                    .last_status_code
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                rows: r
                    .attempts
                    .iter()
                    .map(|a| attempt_view(lang, tz, a))
                    .collect(),
                resend_label: fill(
                    t.whs_resend_label,
                    &[&format!(
                        "{} {}",
                        m.event_type,
                        lang.datetime(m.created_at, tz)
                    )],
                ),
                attempts_label: format!(
                    "{} ({})",
                    fill(t.whs_attempts_of, &[&m.event_type]),
                    r.attempts.len()
                ),
            }
        })
        .collect()
}

/// What the test button got back.
pub struct TestView {
    pub ok: bool,
    pub headline: String,
    pub excerpt: String,
    pub error: String,
}

/// The answer to a test (`None`: another attempt held the message).
pub fn test_view(t: &Messages, answer: &Answer) -> TestView {
    let waiting = |headline: &str| TestView {
        ok: false,
        headline: headline.into(),
        excerpt: String::new(),
        error: String::new(),
    };
    match answer {
        Answer::Held => waiting(t.whs_test_busy),
        Answer::StillRunning => waiting(t.whs_test_running),
        Answer::Done(_, o) => {
            let ok = o.succeeded();
            let verdict = if ok { t.whs_test_ok } else { t.whs_test_failed };
            let answer = match o.status_code {
                Some(code) => fill(t.whs_test_answer, &[&code, &o.duration_ms]),
                None => fill(t.whs_test_no_answer, &[&o.duration_ms]),
            };
            TestView {
                ok,
                headline: format!("{verdict}: {answer}"),
                excerpt: o.excerpt.clone(),
                error: o.error.clone().unwrap_or_default(),
            }
        }
    }
}

/// A moment as `<input type="datetime-local">` shows it, local in `tz`.
pub fn local_input(tz: chrono_tz::Tz, utc: NaiveDateTime) -> String {
    crate::domain::local_time::utc_to_local(tz, utc)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}
