//! `/`: the dashboard. Everyone: their meetings today and later this week,
//! quick actions, the customers they changed lately. Admins (those who may
//! see users, API clients and the outbox) also: what needs a look, the
//! recent activity, and the open invoice to pay first.

use std::sync::Arc;

use actix_session::SessionExt;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::AppState;
use crate::domain::api_clients::{self, ApiClient, Attention};
use crate::domain::invoices::{self, Invoice};
use crate::domain::local_time::{day_start, iso_utc, monday_of, utc_to_local};
use crate::domain::meetings::{self, Filter, MeetingRow};
use crate::domain::scopes::Operation;
use crate::domain::subscriptions::{self, Status};
use crate::domain::{audit, cache, customers, mail, members, sessions, users};
use crate::error::AppError;
use crate::i18n::{Lang, Messages, audit_action, fill};
use crate::web::extract::{Locale, SID_KEY, load_login, member_with};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::meetings::format::{hm, weekday};
use crate::web::record_page::href;
use crate::web::see_other;

/// Mount `/`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(show));
}

/// How many customers "Customers you changed recently" lists.
const MY_CUSTOMERS: usize = 5;

#[derive(Debug)]
struct ActivityRow {
    when: String,
    who: String,
    what: String,
    /// The record's name, if its values give one.
    name: Option<String>,
    /// Its page, while it exists.
    href: Option<String>,
}

/// The member's own part of the dashboard, read from audited data only: kept
/// per data version under the user's id and the week (never shared between
/// users).
#[derive(Debug, Default)]
struct Mine {
    /// The week's meetings of the member (`None`: may not see meetings).
    meetings: Option<Vec<MeetingRow>>,
    /// `(id, name)` of the customers they changed lately (`None`: may not
    /// see customers).
    customers: Option<Vec<(String, String)>>,
}

crate::domain::cache::weigh_by_debug!(ActivityRow, Mine);

struct MeetingItem {
    when: String,
    /// The start as `<time datetime>` reads it.
    datetime: String,
    title: String,
    location: Option<String>,
    href: String,
}

struct MyMeetings {
    today: Vec<MeetingItem>,
    /// Today's past the first [`MY_MEETINGS`]: a link to the week.
    today_more: Option<Link>,
    later: Vec<MeetingItem>,
    later_more: Option<Link>,
}

/// The most meetings each of the dashboard's two lists shows; the rest are
/// a link to the member's week.
const MY_MEETINGS: usize = 10;

#[derive(Clone)]
struct Link {
    label: String,
    href: String,
}

struct ClientItem {
    name: String,
    href: String,
    why: String,
}

/// What needs an admin's look; each part only for those who may see it.
#[derive(Default)]
struct Needs {
    invitations: Option<i64>,
    clients: Option<Vec<ApiClient>>,
    failed_mail: Option<i64>,
}

/// What an admin sees under "Needs attention" (empty: all fine).
struct AttentionView {
    invitations: Option<Link>,
    clients: Vec<ClientItem>,
    failed_mail: Option<Link>,
}

impl AttentionView {
    fn all_fine(&self) -> bool {
        self.invitations.is_none() && self.clients.is_empty() && self.failed_mail.is_none()
    }
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    l: LayoutCtx,
    welcome: String,
    intro: String,
    member_count: i64,
    organization_count: usize,
    last_login: String,
    actions: Vec<Link>,
    meetings: Option<MyMeetings>,
    can_plan: bool,
    customers: Option<Vec<Link>>,
    attention: Option<AttentionView>,
    activity: Option<Arc<Vec<ActivityRow>>>,
    subscription: Option<SubscriptionCard>,
    invoice: Option<InvoiceCard>,
}

/// The open invoice to pay first: its number, amount and due date.
struct InvoiceCard {
    text: String,
    /// Past its due date: shown as a warning.
    overdue: bool,
    href: String,
}

/// The subscription's state in one sentence, with where to go next.
struct SubscriptionCard {
    text: String,
    link: Link,
}

/// Everything the page reads, in its one database job.
struct Loaded {
    member_count: i64,
    activity: Option<Arc<Vec<ActivityRow>>>,
    mine: Arc<Mine>,
    attention: Option<Needs>,
    previous_login_at: Option<NaiveDateTime>,
    /// The next invoice's date and total, for a running subscription.
    next_invoice: Option<Arc<Option<(NaiveDateTime, i64)>>>,
    /// The open invoice to pay first (admins).
    open_invoice: Option<Arc<Option<Invoice>>>,
}

/// This week (Monday to Sunday in `tz`) in UTC: `[start, end)`.
fn week_of(tz: Tz, today: NaiveDate) -> (NaiveDate, NaiveDateTime, NaiveDateTime) {
    let monday = monday_of(today);
    let next = monday + Duration::days(7);
    (monday, day_start(tz, monday), day_start(tz, next))
}

async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let token: Option<String> = req.get_session().get(SID_KEY).unwrap_or(None);
    // The member count, the activity and the member's own meetings and
    // customers change only with an audited change, which raises the data
    // version: read once per version (and user, week, language and time
    // zone). What needs an admin's look depends on the time and on
    // bookkeeping (last use, mail delivery), and the previous login is the
    // session's: read on every visit, each with one indexed query.
    let loaded = member_with(&req, move |conn, actor, locale| {
        let org_id = &actor.organization_id;
        let member_count = *cache::for_actor(actor, "dashboard#members".into(), || {
            users::member_count(conn, org_id)
        })?;
        let activity = if actor.can(Operation::AuditList) {
            let key = format!("dashboard#events#{}#{}", locale.lang.code(), locale.tz);
            Some(cache::for_actor(actor, key, || {
                activity_rows(conn, org_id, locale)
            })?)
        } else {
            None
        };
        let mine = match actor.user_id() {
            Some(user_id) => {
                let today = utc_to_local(locale.tz, now).date();
                let (monday, start, end) = week_of(locale.tz, today);
                let key = format!("dashboard#mine#{user_id}#{monday}#{}", locale.tz);
                cache::for_actor(actor, key, || mine(conn, actor, user_id, start, end))?
            }
            None => Arc::new(Mine::default()),
        };
        let admin = [
            Operation::UserList,
            Operation::ApiClientList,
            Operation::AuditList,
        ]
        .into_iter()
        .any(|op| actor.can(op));
        let attention = if admin {
            Some(Needs {
                invitations: actor
                    .can(Operation::UserList)
                    .then(|| members::pending_invitation_count(conn, actor, now))
                    .transpose()?,
                clients: actor
                    .can(Operation::ApiClientList)
                    .then(|| api_clients::needing_attention(conn, actor, now))
                    .transpose()?,
                failed_mail: actor
                    .can(Operation::AuditList)
                    .then(|| mail::failed_count(conn, actor))
                    .transpose()?,
            })
        } else {
            None
        };
        let previous_login_at = match &token {
            Some(token) => sessions::previous_login_at(conn, token)?,
            None => None,
        };
        // A renewal or a change is audited: read once per data version.
        let running = matches!(actor.entitlement().status, Status::Active | Status::PastDue);
        let next_invoice = if running && actor.can(Operation::SubscriptionGet) {
            Some(cache::for_actor(
                actor,
                "dashboard#next_invoice".into(),
                || -> Result<_, AppError> {
                    Ok(match subscriptions::current_of(conn, org_id)? {
                        Some(sub) => {
                            subscriptions::next_invoice(conn, now, &sub)?.map(|n| (n.date, n.total))
                        }
                        None => None,
                    })
                },
            )?)
        } else {
            None
        };
        // Issuing and paying an invoice are audited: read once per data
        // version (whether it is overdue is the clock's, decided below).
        let open_invoice = if actor.can(Operation::SubscriptionInvoices) {
            Some(cache::for_actor(
                actor,
                "dashboard#open_invoice".into(),
                || invoices::oldest_open(conn, actor),
            )?)
        } else {
            None
        };
        Ok(Loaded {
            next_invoice,
            open_invoice,
            member_count,
            activity,
            mine,
            attention,
            previous_login_at,
        })
    })
    .await;
    let (member, loaded) = match loaded {
        // An operator in no organisation starts on the platform.
        Err(AppError::NoOrganization) if load_login(&req).await?.is_some_and(|u| u.operator) => {
            return Ok(see_other("/platform"));
        }
        other => other?,
    };
    let l = LayoutCtx::new(&member, Nav::Dashboard);
    let (lang, t, tz) = (member.lang, l.t, member.tz);
    let actor = &member.actor;
    let actions = [
        (Operation::MeetingCreate, t.meet_new, "/meetings/new"),
        (Operation::CustomerCreate, t.cust_new, "/customers/new"),
    ]
    .into_iter()
    .filter(|(op, _, _)| actor.can(*op))
    .map(|(_, label, href)| Link {
        label: label.to_string(),
        href: href.to_string(),
    })
    .collect();
    let mine = &loaded.mine;
    let page = DashboardPage {
        welcome: fill(t.dashboard_welcome, &[&member.user.name]),
        intro: fill(
            t.dashboard_intro,
            &[&member.current.organization_name, &l.role_label],
        ),
        member_count: loaded.member_count,
        organization_count: member.memberships.len(),
        last_login: loaded
            .previous_login_at
            .map_or_else(|| t.never.to_string(), |at| lang.datetime(at, tz)),
        actions,
        meetings: mine
            .meetings
            .as_deref()
            .map(|rows| my_meetings(lang, tz, now, rows, &member.user.id)),
        can_plan: actor.can(Operation::MeetingCreate),
        customers: mine.customers.as_ref().map(|rows| {
            rows.iter()
                .map(|(id, name)| Link {
                    label: name.clone(),
                    href: format!("/customers/{id}"),
                })
                .collect()
        }),
        attention: loaded.attention.map(|a| attention_view(lang, tz, now, a)),
        activity: loaded.activity,
        subscription: subscription_card(&member, now, loaded.next_invoice.as_deref()),
        invoice: loaded
            .open_invoice
            .as_deref()
            .and_then(Option::as_ref)
            .map(|i| invoice_card(lang, tz, now, i)),
        l,
    };
    crate::web::page(&page)
}

/// The subscription card: the trial's days left, the next renewal and its
/// amount, the end of a cancelled one, or that it waits to be started.
fn subscription_card(
    m: &crate::web::extract::Member,
    now: NaiveDateTime,
    next: Option<&Option<(NaiveDateTime, i64)>>,
) -> Option<SubscriptionCard> {
    let actor = &m.actor;
    if !actor.can(Operation::SubscriptionGet) {
        return None;
    }
    let (lang, t) = (m.lang, m.lang.t());
    let date = |at: NaiveDateTime| lang.long_date(utc_to_local(m.tz, at).date());
    let view = Link {
        label: t.dash_sub_manage.to_string(),
        href: "/settings/subscription".into(),
    };
    let start = || {
        if actor.can(Operation::SubscriptionCreate) {
            Link {
                label: t.banner_start.to_string(),
                href: "/settings/subscription#order".into(),
            }
        } else {
            view.clone()
        }
    };
    let (text, link) = match actor.entitlement().status {
        Status::Trialing => {
            let left = m
                .current
                .trial_end
                .map_or(0, |end| crate::web::subscription::days_left(end, now));
            let text = if left == 1 {
                t.sub_status_trialing_one.to_string()
            } else {
                fill(t.sub_status_trialing, &[&left])
            };
            (text, start())
        }
        Status::Active | Status::PastDue => match (m.current.cancel_at, next.copied().flatten()) {
            (Some(at), _) => (fill(t.sub_status_ends, &[&date(at)]), view.clone()),
            (None, Some((at, total))) => (
                fill(t.dash_sub_renews, &[&date(at), &lang.money(total)]),
                view.clone(),
            ),
            (None, None) => (t.sub_status_active.to_string(), view.clone()),
        },
        Status::Awaiting => (t.sub_status_awaiting.to_string(), start()),
        Status::Canceled => (t.sub_status_canceled.to_string(), start()),
    };
    Some(SubscriptionCard { text, link })
}

/// "Factuur PF-000005 van € 1.234,56 — te betalen vóór 17 december 2026".
fn invoice_card(lang: Lang, tz: Tz, now: NaiveDateTime, i: &Invoice) -> InvoiceCard {
    let t = lang.t();
    let overdue = i.overdue(now);
    let due = i
        .due_at
        .map(|at| lang.long_date(utc_to_local(tz, at).date()))
        .unwrap_or_default();
    InvoiceCard {
        text: fill(
            if overdue {
                t.tinv_dash_overdue
            } else {
                t.tinv_dash_due
            },
            &[
                &i.number.as_deref().unwrap_or_default(),
                &lang.money(i.total),
                &due,
            ],
        ),
        overdue,
        href: crate::web::subscription::invoice_href(&i.id),
    }
}

/// The member's meetings this week and the customers they changed lately.
fn mine(
    conn: &mut crate::db::DbConn,
    actor: &crate::domain::actor::Actor,
    user_id: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<Mine, AppError> {
    let meetings = if actor.can(Operation::MeetingList) {
        let only_mine = Filter {
            employee_id: Some(user_id.to_string()),
            ..Filter::default()
        };
        Some(meetings::week(conn, actor, start, end, &only_mine)?)
    } else {
        None
    };
    let customers = if actor.can(Operation::CustomerList) {
        Some(customers::changed_by(conn, actor, MY_CUSTOMERS)?)
    } else {
        None
    };
    Ok(Mine {
        meetings,
        customers,
    })
}

/// The week's meetings split into today's (every one that touches today)
/// and those of the days after it.
fn my_meetings(
    lang: Lang,
    tz: Tz,
    now: NaiveDateTime,
    rows: &[MeetingRow],
    user_id: &str,
) -> MyMeetings {
    let t = lang.t();
    let today = utc_to_local(tz, now).date();
    let (today_start, tomorrow_start) = (
        day_start(tz, today),
        day_start(tz, today + Duration::days(1)),
    );
    let item = |row: &MeetingRow, with_day: bool| {
        let m = &row.meeting;
        let (from, to) = (utc_to_local(tz, m.date_from), utc_to_local(tz, m.date_to));
        let times = if from.date() == to.date() {
            format!("{} – {}", hm(from), hm(to))
        } else {
            format!(
                "{} – {}",
                lang.datetime(m.date_from, tz),
                lang.datetime(m.date_to, tz)
            )
        };
        let when = if with_day && from.date() == to.date() {
            format!("{} {}", day_label(t, from.date()), times)
        } else {
            times
        };
        MeetingItem {
            when,
            datetime: iso_utc(m.date_from),
            title: match m.title() {
                "" => t.dash_meeting_untitled.to_string(),
                title => title.to_string(),
            },
            location: row.location_name.clone(),
            href: format!("/meetings/{}", m.id),
        }
    };
    let today: Vec<&MeetingRow> = rows
        .iter()
        .filter(|r| r.meeting.date_from < tomorrow_start && r.meeting.date_to > today_start)
        .collect();
    let later: Vec<&MeetingRow> = rows
        .iter()
        .filter(|r| r.meeting.date_from >= tomorrow_start)
        .collect();
    let more = |n: usize| {
        (n > MY_MEETINGS).then(|| Link {
            label: fill(t.dash_more_meetings, &[&(n - MY_MEETINGS)]),
            href: format!("/meetings/week?employee={user_id}"),
        })
    };
    MyMeetings {
        today_more: more(today.len()),
        later_more: more(later.len()),
        today: today
            .iter()
            .take(MY_MEETINGS)
            .map(|r| item(r, false))
            .collect(),
        later: later
            .iter()
            .take(MY_MEETINGS)
            .map(|r| item(r, true))
            .collect(),
    }
}

/// "di 8 dec." / "Tue 8 Dec".
fn day_label(t: &Messages, d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        weekday(t, d.weekday()),
        d.day(),
        t.months[d.month0() as usize]
    )
}

fn attention_view(lang: Lang, tz: Tz, now: NaiveDateTime, a: Needs) -> AttentionView {
    let t = lang.t();
    let count_link = |n: Option<i64>, text: &str, href: &str| {
        n.filter(|n| *n > 0).map(|n| Link {
            label: fill(text, &[&n]),
            href: href.to_string(),
        })
    };
    AttentionView {
        invitations: count_link(
            a.invitations,
            t.dash_pending_invitations,
            "/settings/users#inv-title",
        ),
        clients: a
            .clients
            .unwrap_or_default()
            .iter()
            .filter_map(|c| {
                let on = |at: Option<NaiveDateTime>| at.map(|at| lang.datetime(at, tz));
                let why = match c.attention(now)? {
                    Attention::Disabled => t.dash_client_disabled.to_string(),
                    Attention::Expired => fill(t.dash_client_expired, &[&on(c.expires_at)?]),
                    Attention::Expiring => fill(t.dash_client_expiring, &[&on(c.expires_at)?]),
                    Attention::Unused => t.dash_client_unused.to_string(),
                };
                Some(ClientItem {
                    name: c.name.clone(),
                    href: format!("/settings/api-clients/{}", c.id),
                    why,
                })
            })
            .collect(),
        failed_mail: count_link(a.failed_mail, t.dash_failed_mail, "/settings/outbox"),
    }
}

/// The latest changes of an organisation, written out for the dashboard.
fn activity_rows(
    conn: &mut crate::db::DbConn,
    organization_id: &str,
    locale: Locale,
) -> Result<Vec<ActivityRow>, AppError> {
    let Locale { lang, tz } = locale;
    Ok(audit::recent(conn, organization_id, 8)?
        .into_iter()
        .map(|e| {
            let href = href(&e.row.resource_type, e.row.resource_id.as_deref(), &e.about);
            ActivityRow {
                when: lang.datetime(e.row.created_at, tz),
                who: e.row.actor_label,
                what: audit_action(lang, &e.row.action),
                name: e.about.name,
                href,
            }
        })
        .collect())
}
