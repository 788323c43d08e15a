//! Meetings: the list with filters, the week view (Monday to Sunday, an htmx
//! swap per week, a click on a free hour starts a new meeting), and the form
//! (create, edit, the overlap warning with "save anyway", delete). Times are
//! typed and shown in the organisation's time zone.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::AppState;
use crate::domain::actor::Actor;
use crate::domain::cache;
use crate::domain::meetings::{
    self, Filter, MeetingInput, MeetingRow, Outcome, day_start, local_to_utc, monday_of,
    parse_local, utc_to_local,
};
use crate::domain::paging::ListParams;
use crate::domain::scopes::Operation;
use crate::domain::validate;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Lang, Messages, fill};
use crate::web::confirm::ConfirmPage;
use crate::web::extract::{Locale, Member, member_with};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::organization::Choice;
use crate::web::{is_htmx, render};

const BASE: &str = "/meetings";
const WEEK: &str = "/meetings/week";

/// Mount `/meetings`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(BASE)
            .route("", web::get().to(list))
            .route("", web::post().to(create))
            .route("/new", web::get().to(new_form))
            .route("/week", web::get().to(week))
            .route("/{id}", web::get().to(edit_form))
            .route("/{id}", web::post().to(update))
            .route("/{id}/delete", web::get().to(confirm_delete))
            .route("/{id}/delete", web::post().to(delete)),
    );
}

// ---------------------------------------------------------------- formatting

/// "23 nov. 2026" / "23 Nov 2026".
fn date_label(t: &Messages, d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), t.months[d.month0() as usize], d.year())
}

fn hm(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "23 nov. 2026 14:05 – 15:05", or both moments in full across days.
fn range(lang: Lang, tz: Tz, from: NaiveDateTime, to: NaiveDateTime) -> String {
    let (f, t) = (utc_to_local(tz, from), utc_to_local(tz, to));
    if f.date() == t.date() {
        format!("{} – {}", lang.datetime(from, tz), hm(t))
    } else {
        format!("{} – {}", lang.datetime(from, tz), lang.datetime(to, tz))
    }
}

/// The value of a `datetime-local` input.
fn input_value(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

fn weekday(t: &Messages, d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => t.meet_mon,
        Weekday::Tue => t.meet_tue,
        Weekday::Wed => t.meet_wed,
        Weekday::Thu => t.meet_thu,
        Weekday::Fri => t.meet_fri,
        Weekday::Sat => t.meet_sat,
        Weekday::Sun => t.meet_sun,
    }
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

fn parse_day(v: &Option<String>) -> Option<NaiveDate> {
    nonempty(v).and_then(|d| validate::day(&d))
}

fn choices(all: &[(String, String)], selected: Option<&str>) -> Vec<Choice> {
    all.iter()
        .map(|(id, name)| Choice {
            value: id.clone(),
            label: name.clone(),
            selected: selected == Some(id.as_str()),
        })
        .collect()
}

/// The organisation's members and locations, for selects.
struct Choices {
    employees: Vec<(String, String)>,
    locations: Vec<(String, String)>,
}

async fn load_choices(state: &AppState, m: &Member) -> Result<Choices, AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| {
            Ok(Choices {
                employees: meetings::employee_choices(conn, &actor)?,
                locations: meetings::location_choices(conn, &actor)?,
            })
        })
        .await
}

// ---------------------------------------------------------------- list

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(flatten)]
    list: ListParams,
    employee: Option<String>,
    location: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

struct RowView {
    id: String,
    when: String,
    employee: String,
    location: String,
    notes: String,
}

#[derive(Template)]
#[template(path = "meetings/list.html")]
struct ListPage {
    l: LayoutCtx,
    rows: Vec<RowView>,
    employees: Vec<Choice>,
    locations: Vec<Choice>,
    from: String,
    to: String,
    filtered: bool,
    can_create: bool,
    pager: Pager,
    showing: String,
    sort_when: SortHeader,
    sort_employee: SortHeader,
    sort_location: SortHeader,
}

/// Notes in a list cell: the first line, at most 80 characters.
fn short(notes: &str) -> String {
    let line = notes.lines().next().unwrap_or_default();
    let mut s: String = line.chars().take(80).collect();
    if s.chars().count() < notes.chars().count() {
        s.push('…');
    }
    s
}

async fn list(
    m: Member,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingList)?;
    let q = query.into_inner();
    let (from_day, to_day) = (parse_day(&q.from), parse_day(&q.to));
    let filter = Filter {
        employee_id: nonempty(&q.employee),
        location_id: nonempty(&q.location),
        from: from_day.map(|d| day_start(m.tz, d)),
        // "Until" includes the whole chosen day.
        until: to_day
            .and_then(|d| d.succ_opt())
            .map(|d| day_start(m.tz, d)),
    };
    let request = q.list.lenient(&meetings::SORT);
    let now = state.clock.now();
    let (actor, f) = (m.actor.clone(), filter.clone());
    let (page, options) = state
        .db(move |conn| {
            Ok((
                meetings::list(conn, &actor, now, &f, request.clone())?,
                Choices {
                    employees: meetings::employee_choices(conn, &actor)?,
                    locations: meetings::location_choices(conn, &actor)?,
                },
            ))
        })
        .await?;
    let (from, to) = (
        from_day.map(|d| d.to_string()).unwrap_or_default(),
        to_day.map(|d| d.to_string()).unwrap_or_default(),
    );
    let mut pairs: Vec<(&str, String)> = vec![];
    if let Some(e) = &filter.employee_id {
        pairs.push(("employee", e.clone()));
    }
    if let Some(l) = &filter.location_id {
        pairs.push(("location", l.clone()));
    }
    if !from.is_empty() {
        pairs.push(("from", from.clone()));
    }
    if !to.is_empty() {
        pairs.push(("to", to.clone()));
    }
    let base = if pairs.is_empty() {
        BASE.to_string()
    } else {
        format!(
            "{BASE}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let l = LayoutCtx::new(&m, Nav::Meetings);
    let r = &page.request;
    let pager = pager(&base, &page);
    let p = ListPage {
        showing: fill(l.t.showing, &[&pager.from, &pager.to, &pager.total]),
        sort_when: sort_header(&base, r, "dateFrom"),
        sort_employee: sort_header(&base, r, "employee"),
        sort_location: sort_header(&base, r, "location"),
        rows: page
            .items
            .iter()
            .map(|row| RowView {
                id: row.meeting.id.clone(),
                when: range(m.lang, m.tz, row.meeting.date_from, row.meeting.date_to),
                employee: row.employee_name.clone(),
                location: row.location_name.clone().unwrap_or_default(),
                notes: short(&row.meeting.notes),
            })
            .collect(),
        employees: choices(&options.employees, filter.employee_id.as_deref()),
        locations: choices(&options.locations, filter.location_id.as_deref()),
        filtered: !pairs.is_empty(),
        can_create: m.actor.can(Operation::MeetingCreate),
        from,
        to,
        pager,
        l,
    };
    render(StatusCode::OK, &p)
}

// ---------------------------------------------------------------- week view

#[derive(Deserialize, Default)]
struct WeekQuery {
    week: Option<String>,
    date: Option<String>,
}

/// `2026-W48` → the Monday of that ISO week.
fn parse_week(s: &str) -> Option<NaiveDate> {
    let (year, week) = s.trim().split_once(['W', 'w'])?;
    let year = year.strip_suffix('-').unwrap_or(year);
    NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)
        .filter(|d| validate::in_range(*d))
}

/// The ISO week of a Monday as `2026-W48`.
fn week_key(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

struct DayHead {
    label: String,
    today: bool,
}

struct WeekItem {
    href: String,
    time: String,
    employee: String,
    location: Option<String>,
    /// The whole span with its dates, as a tooltip, for a meeting that
    /// began on an earlier day or ends on a later one (its time shows "…").
    title: Option<String>,
}

struct Slot {
    href: String,
    label: String,
}

/// "+5 more": the meetings of a full hour past the first few, in the list.
struct More {
    href: String,
    text: String,
    label: String,
}

struct Cell {
    today: bool,
    /// A meeting that started earlier is still going on in this hour.
    busy: bool,
    /// This hour does not exist (the spring daylight-saving change).
    gap: bool,
    items: Vec<WeekItem>,
    more: Option<More>,
    slot: Option<Slot>,
}

struct HourRow {
    label: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "meetings/week.html")]
struct WeekPage {
    l: LayoutCtx,
    /// Why this week is shown instead of the one asked for.
    notice: Option<&'static str>,
    /// The rendered [`WeekGridView`].
    grid_html: Arc<String>,
    can_create: bool,
}

/// The grid of one week with its navigation.
#[derive(Template)]
#[template(path = "meetings/week_grid.html")]
struct WeekGridView<'a> {
    t: &'static Messages,
    title: String,
    prev_href: String,
    next_href: String,
    this_href: String,
    is_this_week: bool,
    times_in: String,
    grid: &'a WeekGrid,
}

impl<'a> WeekGridView<'a> {
    fn new(locale: Locale, monday: NaiveDate, today: NaiveDate, grid: &'a WeekGrid) -> Self {
        let t = locale.lang.t();
        let sunday = monday + Duration::days(6);
        Self {
            t,
            title: format!(
                "{} · {} – {}",
                fill(t.meet_week_label, &[&monday.iso_week().week()]),
                date_label(t, monday),
                date_label(t, sunday)
            ),
            prev_href: format!("{WEEK}?week={}", week_key(monday - Duration::days(7))),
            next_href: format!("{WEEK}?week={}", week_key(monday + Duration::days(7))),
            this_href: format!("{WEEK}?week={}", week_key(monday_of(today))),
            is_this_week: monday == monday_of(today),
            times_in: fill(t.meet_times_in, &[&locale.tz.name()]),
            grid,
        }
    }
}

/// The week's day heads and hour rows.
struct WeekGrid {
    days: Vec<DayHead>,
    rows: Vec<HourRow>,
}

/// Most meetings shown in one hour of the week; the rest are a link to the
/// day in the list.
const CELL_LIMIT: usize = 3;

/// The hours shown when the week has nothing earlier or later.
const FIRST_HOUR: u32 = 7;
const LAST_HOUR: u32 = 19;

/// One meeting placed on one day of the grid.
struct Placed {
    day: usize,
    /// The local hour it starts in, or `None` when it started on an earlier
    /// day (it is shown in the first row).
    hour: Option<u32>,
    from: NaiveDateTime,
    to: NaiveDateTime,
    item: WeekItem,
}

fn week_grid(
    actor: &Actor,
    locale: Locale,
    monday: NaiveDate,
    today: NaiveDate,
    meetings: &[MeetingRow],
) -> WeekGrid {
    let (t, tz, lang) = (locale.lang.t(), locale.tz, locale.lang);
    let can_create = actor.can(Operation::MeetingCreate);
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let bounds: Vec<(NaiveDateTime, NaiveDateTime)> = days
        .iter()
        .map(|d| (day_start(tz, *d), day_start(tz, *d + Duration::days(1))))
        .collect();
    let mut placed = vec![];
    let (mut first, mut last) = (FIRST_HOUR, LAST_HOUR);
    for row in meetings {
        let (from, to) = (row.meeting.date_from, row.meeting.date_to);
        let (lf, lt) = (utc_to_local(tz, from), utc_to_local(tz, to));
        for (i, (start, end)) in bounds.iter().enumerate() {
            if !(from < *end && *start < to) {
                continue;
            }
            let day = days[i];
            let starts = lf.date() == day;
            let ends = lt.date() == day
                || (lt.date() == day + Duration::days(1) && lt.time() == chrono::NaiveTime::MIN);
            let hour = starts.then(|| lf.hour());
            if let Some(h) = hour {
                first = first.min(h);
                last = last.max(h);
            }
            if ends && lt.date() == day {
                let end_hour = if lt.minute() == 0 && lt.hour() > 0 {
                    lt.hour() - 1
                } else {
                    lt.hour()
                };
                last = last.max(end_hour);
            }
            let time = format!(
                "{}–{}",
                if starts { hm(lf) } else { "…".into() },
                if ends { hm(lt) } else { "…".into() }
            );
            let location = row.location_name.clone();
            placed.push(Placed {
                day: i,
                hour,
                from,
                to,
                item: WeekItem {
                    href: format!("{BASE}/{}?back=week", row.meeting.id),
                    title: (!starts || !ends).then(|| range(lang, tz, from, to)),
                    time,
                    employee: row.employee_name.clone(),
                    location,
                },
            });
        }
    }
    let heads = days
        .iter()
        .map(|d| DayHead {
            label: format!(
                "{} {} {}",
                weekday(t, d.weekday()),
                d.day(),
                t.months[d.month0() as usize]
            ),
            today: *d == today,
        })
        .collect();
    let mut rows: Vec<HourRow> = (first..=last)
        .map(|h| HourRow {
            label: format!("{h:02}:00"),
            cells: days
                .iter()
                .map(|d| {
                    let local = d.and_hms_opt(h, 0, 0);
                    let start = local.and_then(|l| local_to_utc(tz, l).ok());
                    // Still going on at the start of this hour.
                    let busy = start.is_some_and(|s| {
                        meetings
                            .iter()
                            .any(|r| r.meeting.date_from < s && s < r.meeting.date_to)
                    });
                    Cell {
                        today: *d == today,
                        busy,
                        gap: start.is_none(),
                        items: vec![],
                        more: None,
                        slot: match (local, start) {
                            (Some(l), Some(s)) if can_create => Some(Slot {
                                href: format!("{BASE}/new?start={}&back=week", input_value(l)),
                                label: fill(t.meet_add_at, &[&lang.datetime(s, tz)]),
                            }),
                            _ => None,
                        },
                    }
                })
                .collect(),
        })
        .collect();
    placed.sort_by_key(|p| (p.from, p.to));
    for p in placed {
        let h = p.hour.unwrap_or(first);
        if let Some(cell) = rows
            .get_mut((h - first) as usize)
            .and_then(|r| r.cells.get_mut(p.day))
        {
            cell.items.push(p.item);
        }
    }
    for row in rows.iter_mut() {
        for (day, cell) in days.iter().zip(row.cells.iter_mut()) {
            if !cell.items.is_empty() {
                cell.slot = None;
            }
            if cell.items.len() > CELL_LIMIT {
                let rest = cell.items.len() - CELL_LIMIT;
                cell.items.truncate(CELL_LIMIT);
                let n = rest.to_string();
                cell.more = Some(More {
                    href: format!("{BASE}?from={day}&to={day}"),
                    text: fill(t.meet_more, &[&n]),
                    label: fill(t.meet_more_label, &[&n, &date_label(t, *day)]),
                });
            }
        }
    }
    WeekGrid { days: heads, rows }
}

async fn week(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<WeekQuery>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let query = query.into_inner();
    // The week is settled in the organisation's time zone, inside the job
    // that also checks the login (one trip to the database).
    let (m, (grid_html, unreadable)) = member_with(&req, move |conn, actor, locale| {
        actor.require(Operation::MeetingList)?;
        let tz = locale.tz;
        let today = utc_to_local(tz, now).date();
        let asked = query
            .week
            .as_deref()
            .and_then(parse_week)
            .or_else(|| parse_day(&query.date).map(monday_of));
        // A week or date that cannot be read (or lies beyond year 9999):
        // this week, saying why.
        let unreadable =
            asked.is_none() && (nonempty(&query.week).is_some() || nonempty(&query.date).is_some());
        let monday = asked.unwrap_or_else(|| monday_of(today));
        let (start, end) = (
            day_start(tz, monday),
            day_start(tz, monday + Duration::days(7)),
        );
        // The grid depends on the meetings (audited data), the week, today,
        // the language, the time zone and whether slots may be clicked; it
        // is rendered once and kept as HTML while none of these changes.
        let key = format!(
            "week-grid\u{1f}{monday}\u{1f}{today}\u{1f}{}\u{1f}{}\u{1f}{}",
            locale.lang.code(),
            tz.name(),
            actor.can(Operation::MeetingCreate)
        );
        let grid = cache::for_actor(actor, key, || {
            let rows = meetings::week(conn, actor, start, end)?;
            let grid = week_grid(actor, locale, monday, today, &rows);
            WeekGridView::new(locale, monday, today, &grid)
                .render()
                .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))
        })?;
        Ok((grid, unreadable))
    })
    .await?;
    // htmx asks for the grid only; a history restore wants the whole page.
    let mut res = if is_htmx(&req) && !req.headers().contains_key("HX-History-Restore-Request") {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(grid_html.as_str().to_owned())
    } else {
        let l = LayoutCtx::new(&m, Nav::Meetings);
        let p = WeekPage {
            notice: unreadable.then_some(l.t.meet_week_unreadable),
            l,
            grid_html,
            can_create: m.actor.can(Operation::MeetingCreate),
        };
        render(StatusCode::OK, &p)?
    };
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("HX-Request"));
    Ok(res)
}

// ---------------------------------------------------------------- form

/// Where the form was opened from, and where saving returns to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Back {
    List,
    Week,
}

impl Back {
    fn parse(v: Option<&str>) -> Self {
        if v == Some("week") {
            Back::Week
        } else {
            Back::List
        }
    }

    fn key(self) -> &'static str {
        match self {
            Back::List => "list",
            Back::Week => "week",
        }
    }

    /// The list, or the week of `local` (a local time typed or stored).
    fn href(self, local: Option<NaiveDateTime>) -> String {
        match (self, local) {
            (Back::List, _) => BASE.to_string(),
            (Back::Week, Some(t)) => format!("{WEEK}?date={}", t.date()),
            (Back::Week, None) => WEEK.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct MeetingForm {
    #[serde(default)]
    employee_id: String,
    #[serde(default)]
    location_id: String,
    #[serde(default)]
    date_from: String,
    #[serde(default)]
    date_to: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    confirm_overlap: String,
    #[serde(default)]
    back: String,
}

impl MeetingForm {
    fn input(&self) -> MeetingInput {
        MeetingInput {
            employee_id: self.employee_id.clone(),
            location_id: Some(self.location_id.clone()).filter(|l| !l.trim().is_empty()),
            date_from: self.date_from.clone(),
            date_to: self.date_to.clone(),
            notes: self.notes.clone(),
            version: self.version.trim().parse().unwrap_or(-1),
        }
    }
}

struct OverlapView {
    who: String,
    when: String,
    location: Option<String>,
}

struct StaleView {
    employee: String,
    when: String,
    location: String,
    notes: String,
}

#[derive(Template)]
#[template(path = "meetings/form.html")]
struct FormPage {
    l: LayoutCtx,
    title: &'static str,
    action: String,
    cancel: String,
    back: &'static str,
    version: i32,
    employees: Vec<Choice>,
    employee_error: Option<String>,
    employee_focus: bool,
    locations: Vec<Choice>,
    location_error: Option<String>,
    location_focus: bool,
    date_from: Field,
    date_to: Field,
    notes: Field,
    times_in: String,
    overlaps: Vec<OverlapView>,
    stale: Option<StaleView>,
    delete_href: Option<String>,
    has_errors: bool,
}

fn form_page(
    m: &Member,
    editing: Option<&MeetingRow>,
    input: &MeetingInput,
    options: &Choices,
    back: Back,
) -> FormPage {
    let l = LayoutCtx::new(m, Nav::Meetings);
    let t = l.t;
    let id = editing.map(|r| r.meeting.id.clone());
    FormPage {
        title: if editing.is_some() {
            t.meet_edit_title
        } else {
            t.meet_new
        },
        action: id
            .as_ref()
            .map_or_else(|| BASE.to_string(), |id| format!("{BASE}/{id}")),
        cancel: back.href(parse_local(&input.date_from)),
        back: back.key(),
        version: input.version,
        employees: choices(&options.employees, Some(input.employee_id.trim())),
        employee_error: None,
        // A new meeting starts with choosing whom it is for.
        employee_focus: editing.is_none(),
        locations: choices(&options.locations, input.location_id.as_deref()),
        location_error: None,
        location_focus: false,
        date_from: Field::new("date_from", t.meet_from, input.date_from.trim())
            .kind("datetime-local")
            .required(),
        date_to: Field::new("date_to", t.meet_to, input.date_to.trim())
            .kind("datetime-local")
            .required(),
        notes: Field::new("notes", t.meet_notes, &input.notes)
            .kind("textarea")
            .max(meetings::MAX_NOTES),
        times_in: fill(t.meet_times_in, &[&m.tz.name()]),
        overlaps: vec![],
        stale: None,
        delete_href: id
            .filter(|_| m.actor.can(Operation::MeetingDelete))
            .map(|id| format!("{BASE}/{id}/delete")),
        has_errors: false,
        l,
    }
}

fn with_errors(mut p: FormPage, errors: &FieldErrors) -> FormPage {
    let t = p.l.t;
    apply_errors(
        &mut [&mut p.date_from, &mut p.date_to, &mut p.notes],
        errors,
        t,
    );
    p.employee_error = errors.get("employee_id").map(|c| c.message(t));
    p.location_error = errors.get("location_id").map(|c| c.message(t));
    // Focus the first field with an error, in the order of the form.
    let first = [
        "employee_id",
        "date_from",
        "date_to",
        "location_id",
        "notes",
    ]
    .into_iter()
    .find(|f| errors.get(f).is_some());
    p.employee_focus = first == Some("employee_id");
    p.location_focus = first == Some("location_id");
    for f in [&mut p.date_from, &mut p.date_to, &mut p.notes] {
        f.autofocus = first == Some(f.name);
    }
    p.has_errors = true;
    p
}

fn overlap_view(lang: Lang, tz: Tz, r: &MeetingRow) -> OverlapView {
    OverlapView {
        who: r.employee_name.clone(),
        when: range(lang, tz, r.meeting.date_from, r.meeting.date_to),
        location: r.location_name.clone(),
    }
}

fn input_of(tz: Tz, r: &MeetingRow) -> MeetingInput {
    MeetingInput {
        employee_id: r.meeting.employee_id.clone(),
        location_id: r.meeting.location_id.clone(),
        date_from: input_value(utc_to_local(tz, r.meeting.date_from)),
        date_to: input_value(utc_to_local(tz, r.meeting.date_to)),
        notes: r.meeting.notes.clone(),
        version: r.meeting.version,
    }
}

#[derive(Deserialize, Default)]
struct NewQuery {
    start: Option<String>,
    back: Option<String>,
}

async fn new_form(
    m: Member,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingCreate)?;
    // From a free hour of the week view, or the next whole hour.
    let start = query
        .start
        .as_deref()
        .and_then(parse_local)
        .unwrap_or_else(|| {
            let now = utc_to_local(m.tz, state.clock.now());
            now.date().and_hms_opt(now.hour(), 0, 0).unwrap_or(now) + Duration::hours(1)
        });
    let options = load_choices(&state, &m).await?;
    // Most people plan their own meetings: themselves, when they can be chosen.
    let me = options
        .employees
        .iter()
        .find(|(id, _)| *id == m.user.id)
        .map(|(id, _)| id.clone())
        .unwrap_or_default();
    let input = MeetingInput {
        employee_id: me,
        location_id: None,
        date_from: input_value(start),
        date_to: input_value(start + Duration::hours(1)),
        notes: String::new(),
        version: 0,
    };
    let back = Back::parse(query.back.as_deref());
    render(StatusCode::OK, &form_page(&m, None, &input, &options, back))
}

async fn load(state: &AppState, m: &Member, id: String) -> Result<MeetingRow, AppError> {
    let actor = m.actor.clone();
    state.db(move |conn| meetings::get(conn, &actor, &id)).await
}

#[derive(Deserialize, Default)]
struct EditQuery {
    back: Option<String>,
}

async fn edit_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let row = load(&state, &m, id.into_inner()).await?;
    let options = load_choices(&state, &m).await?;
    let back = Back::parse(query.back.as_deref());
    render(
        StatusCode::OK,
        &form_page(&m, Some(&row), &input_of(m.tz, &row), &options, back),
    )
}

/// The answer to a save: a redirect, the overlap warning, the form with its
/// errors (422) or the stale-edit page (409), always keeping the input.
async fn answer(
    m: &Member,
    state: &AppState,
    result: Result<Outcome, AppError>,
    editing: Option<String>,
    input: &MeetingInput,
    back: Back,
) -> Result<HttpResponse, AppError> {
    let (status, overlaps, errors) = match result {
        Ok(Outcome::Saved { meeting, .. }) => {
            let local = utc_to_local(m.tz, meeting.meeting.date_from);
            return Ok(Flash::MeetingSaved.redirect(&back.href(Some(local))));
        }
        Ok(Outcome::Overlaps(list)) => (StatusCode::OK, list, None),
        Err(AppError::Validation(e)) => (StatusCode::UNPROCESSABLE_ENTITY, vec![], Some(e)),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, vec![], None),
        Err(e) => return Err(e),
    };
    let current = match editing {
        Some(id) => Some(load(state, m, id).await?),
        None => None,
    };
    let options = load_choices(state, m).await?;
    let mut p = form_page(m, current.as_ref(), input, &options, back);
    p.overlaps = overlaps
        .iter()
        .map(|r| overlap_view(m.lang, m.tz, r))
        .collect();
    if let Some(e) = &errors {
        p = with_errors(p, e);
    }
    if status == StatusCode::CONFLICT
        && let Some(cur) = &current
    {
        // Keep the input; show what is stored now; a second save is
        // deliberate (it carries the current version).
        p.version = cur.meeting.version;
        p.stale = Some(StaleView {
            employee: cur.employee_name.clone(),
            when: range(m.lang, m.tz, cur.meeting.date_from, cur.meeting.date_to),
            location: cur.location_name.clone().unwrap_or_default(),
            notes: cur.meeting.notes.clone(),
        });
    }
    if !p.overlaps.is_empty() {
        p.employee_focus = false;
    }
    render(status, &p)
}

async fn create(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<MeetingForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingCreate)?;
    let f = form.into_inner();
    let input = f.input();
    let allow = f.confirm_overlap == "1";
    let (now, actor, tz, to_save) = (state.clock.now(), m.actor.clone(), m.tz, input.clone());
    let result = state
        .db(move |conn| meetings::create(conn, now, &actor, tz, &to_save, allow))
        .await;
    answer(&m, &state, result, None, &input, Back::parse(Some(&f.back))).await
}

async fn update(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<MeetingForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingUpdate)?;
    let id = id.into_inner();
    let f = form.into_inner();
    let input = f.input();
    let allow = f.confirm_overlap == "1";
    let (now, actor, tz, to_save, which) = (
        state.clock.now(),
        m.actor.clone(),
        m.tz,
        input.clone(),
        id.clone(),
    );
    let result = state
        .db(move |conn| meetings::update(conn, now, &actor, tz, &which, &to_save, allow))
        .await;
    answer(
        &m,
        &state,
        result,
        Some(id),
        &input,
        Back::parse(Some(&f.back)),
    )
    .await
}

// ---------------------------------------------------------------- delete

async fn confirm_delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingDelete)?;
    let row = load(&state, &m, id.into_inner()).await?;
    let l = LayoutCtx::new(&m, Nav::Meetings);
    let t = l.t;
    let id = &row.meeting.id;
    let p = ConfirmPage {
        title: t.meet_delete_title,
        text: fill(
            t.meet_delete_text,
            &[
                &row.employee_name,
                &range(m.lang, m.tz, row.meeting.date_from, row.meeting.date_to),
            ],
        ),
        action: format!("{BASE}/{id}/delete"),
        button: t.meet_delete,
        cancel: format!("{BASE}/{id}"),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

async fn delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingDelete)?;
    let (now, actor, id) = (state.clock.now(), m.actor.clone(), id.into_inner());
    state
        .db(move |conn| meetings::delete(conn, now, &actor, &id))
        .await?;
    Ok(Flash::MeetingDeleted.redirect(BASE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(parse_week("2026-W48"), Some(d("2026-11-23")));
        assert_eq!(parse_week("2026w01"), Some(d("2025-12-29")));
        assert_eq!(parse_week("2026-W54"), None);
        assert_eq!(parse_week("nonsense"), None);
        assert_eq!(week_key(d("2025-12-29")), "2026-W01");
        assert_eq!(week_key(d("2026-11-23")), "2026-W48");
    }

    #[test]
    fn notes_are_shortened() {
        assert_eq!(short("kort"), "kort");
        assert_eq!(short("regel één\nregel twee"), "regel één…");
        assert_eq!(short(&"x".repeat(100)).chars().count(), 81);
    }
}
