//! The week grid as data: which meeting shows in which hour of which day,
//! how many fit an hour, which hours are shown. A pure function of the
//! week's meetings, the week, today and the viewer, unit-tested here.

use super::*;

/// `2026-W48` → the Monday of that ISO week.
pub(super) fn parse_week(s: &str) -> Option<NaiveDate> {
    let (year, week) = s.trim().split_once(['W', 'w'])?;
    let year = year.strip_suffix('-').unwrap_or(year);
    NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)
        .filter(|d| validate::in_range(*d))
}

/// The ISO week of a Monday as `2026-W48`.
pub(super) fn week_key(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

pub(super) struct DayHead {
    pub(super) label: String,
    pub(super) today: bool,
}

#[derive(Clone)]
pub(super) struct WeekItem {
    pub(super) href: String,
    /// What it is about (its subject, else its notes' first line).
    pub(super) subject: String,
    /// The employee's colour, one of eight (`e0` … `e7` in the style
    /// sheet), the same on every page; the name is shown too.
    pub(super) colour: u8,
    pub(super) time: String,
    pub(super) employee: String,
    pub(super) location: Option<String>,
    /// The whole span with its dates, as a tooltip, for a meeting that
    /// began on an earlier day or ends on a later one (its time shows "…").
    pub(super) title: Option<String>,
}

pub(super) struct Slot {
    pub(super) href: String,
    pub(super) label: String,
}

/// "+5 more": the meetings of a full hour past the first few, in the list.
pub(super) struct More {
    pub(super) href: String,
    pub(super) text: String,
    pub(super) label: String,
}

pub(super) struct Cell {
    pub(super) today: bool,
    /// A meeting that started earlier is still going on in this hour.
    pub(super) busy: bool,
    /// This hour does not exist (the spring daylight-saving change).
    pub(super) gap: bool,
    pub(super) items: Vec<WeekItem>,
    pub(super) more: Option<More>,
    pub(super) slot: Option<Slot>,
}

pub(super) struct HourRow {
    pub(super) label: String,
    pub(super) cells: Vec<Cell>,
}

/// One day of the phone's agenda: a tab and its panel.
pub(super) struct AgendaDay {
    /// "di" / "Tue", above the day's number on the tab.
    pub(super) weekday: &'static str,
    pub(super) number: u32,
    /// The day's month, for the tab's accessible name.
    pub(super) month: &'static str,
    pub(super) today: bool,
    /// The tab shown first: today's, else Monday's.
    pub(super) selected: bool,
    /// The meetings the grid shows on this day, each once, in time order.
    pub(super) items: Vec<WeekItem>,
    /// The rest of the day's full hours, in the list.
    pub(super) more: Option<More>,
    /// A new meeting on this day at 09:00, for those who may.
    pub(super) new_href: Option<String>,
}

/// The week's day heads and hour rows, and the same week as an agenda.
pub(super) struct WeekGrid {
    pub(super) days: Vec<DayHead>,
    pub(super) rows: Vec<HourRow>,
    pub(super) agenda: Vec<AgendaDay>,
}

/// The day of the week the agenda opens at: today's when today is in the
/// week of this Monday, else Monday (0).
pub(super) fn open_day(monday: NaiveDate, today: NaiveDate) -> usize {
    let i = (today - monday).num_days();
    usize::try_from(i).ok().filter(|i| *i < 7).unwrap_or(0)
}

/// Most meetings shown in one hour of the week; the rest are a link to the
/// day in the list.
pub(super) const CELL_LIMIT: usize = 3;

/// The hours shown when the week has nothing earlier or later.
pub(super) const FIRST_HOUR: u32 = 7;
pub(super) const LAST_HOUR: u32 = 19;

/// One meeting placed on one day of the grid.
pub(super) struct Placed {
    pub(super) day: usize,
    /// The local hour it starts in, or `None` when it started on an earlier
    /// day (it is shown in the first row).
    pub(super) hour: Option<u32>,
    pub(super) from: NaiveDateTime,
    pub(super) to: NaiveDateTime,
    pub(super) item: WeekItem,
}

/// One of eight colours for an employee: the same for the same id on every
/// page and every day (FNV-1a of the id).
pub(super) fn colour_of(employee_id: &str) -> u8 {
    let hash = employee_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash % 8) as u8
}

pub(super) fn week_grid(
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
                    subject: row.meeting.title().to_string(),
                    colour: colour_of(&row.meeting.employee_id),
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
    let more = |day: NaiveDate, rest: usize| {
        let n = rest.to_string();
        More {
            href: format!("{BASE}?from={day}&to={day}"),
            text: fill(t.meet_more, &[&n]),
            label: fill(t.meet_more_label, &[&n, &date_label(t, day)]),
        }
    };
    let mut rests = [0; 7];
    for row in rows.iter_mut() {
        for (i, (day, cell)) in days.iter().zip(row.cells.iter_mut()).enumerate() {
            if !cell.items.is_empty() {
                cell.slot = None;
            }
            if cell.items.len() > CELL_LIMIT {
                let rest = cell.items.len() - CELL_LIMIT;
                cell.items.truncate(CELL_LIMIT);
                rests[i] += rest;
                cell.more = Some(more(*day, rest));
            }
        }
    }
    // The agenda: each day's meetings as the grid shows them, hour after
    // hour (the first row also holds those begun the day before).
    let open = open_day(monday, today);
    let agenda = days
        .iter()
        .enumerate()
        .map(|(i, d)| AgendaDay {
            weekday: weekday(t, d.weekday()),
            number: d.day(),
            month: t.months[d.month0() as usize],
            today: *d == today,
            selected: i == open,
            items: rows
                .iter()
                .flat_map(|r| r.cells[i].items.iter().cloned())
                .collect(),
            more: (rests[i] > 0).then(|| more(*d, rests[i])),
            new_href: can_create
                .then(|| d.and_hms_opt(9, 0, 0))
                .flatten()
                .map(|l| format!("{BASE}/new?start={}&back=week", input_value(l))),
        })
        .collect();
    WeekGrid {
        days: heads,
        rows,
        agenda,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::meetings::Meeting;
    use crate::domain::scopes::Role;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A moment given in Amsterdam time, as the UTC it is stored in.
    fn at(local: &str) -> NaiveDateTime {
        let l = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
        local_to_utc(chrono_tz::Europe::Amsterdam, l).unwrap()
    }

    fn meeting(id: &str, from: &str, to: &str) -> MeetingRow {
        MeetingRow {
            meeting: Meeting {
                id: id.into(),
                organization_id: "org".into(),
                employee_id: "u".into(),
                location_id: None,
                date_from: at(from),
                date_to: at(to),
                notes: String::new(),
                version: 1,
                created_at: at(from),
                updated_at: at(from),
                subject: format!("Overleg {id}"),
                customer_id: None,
                contact_id: None,
            },
            employee_name: "Mo".into(),
            location_name: Some("Utrecht".into()),
            customer_name: None,
            contact_name: None,
        }
    }

    fn grid(role: Role, rows: &[MeetingRow]) -> WeekGrid {
        let actor = Actor::member("org".into(), "u".into(), "Mo".into(), role, None);
        let locale = Locale {
            lang: Lang::Nl,
            tz: chrono_tz::Europe::Amsterdam,
        };
        // The week of Monday 23 November 2026; today is the Wednesday.
        week_grid(&actor, locale, d("2026-11-23"), d("2026-11-25"), rows)
    }

    /// The items of the cell of `hour` on `day` (0 = Monday).
    fn cell(g: &WeekGrid, hour: &str, day: usize) -> Vec<String> {
        let row = g.rows.iter().find(|r| r.label == hour).expect("the hour");
        row.cells[day]
            .items
            .iter()
            .map(|i| i.time.clone())
            .collect()
    }

    #[test]
    fn weeks() {
        assert_eq!(parse_week("2026-W48"), Some(d("2026-11-23")));
        assert_eq!(parse_week("2026w01"), Some(d("2025-12-29")));
        assert_eq!(parse_week("2026-W54"), None);
        assert_eq!(parse_week("nonsense"), None);
        assert_eq!(parse_week("-262143-W01"), None, "out of range");
        assert_eq!(week_key(d("2025-12-29")), "2026-W01");
        assert_eq!(week_key(d("2026-11-23")), "2026-W48");
    }

    #[test]
    fn an_employee_keeps_one_colour() {
        assert_eq!(colour_of("u1"), colour_of("u1"));
        let colours: std::collections::BTreeSet<u8> =
            (0..50).map(|i| colour_of(&format!("user-{i}"))).collect();
        assert!(colours.len() > 4, "spread over the eight: {colours:?}");
        assert!(colours.iter().all(|c| *c < 8));
    }

    #[test]
    fn a_meeting_sits_in_its_hour_of_its_day() {
        let g = grid(
            Role::Access,
            &[meeting("a", "2026-11-24 09:30", "2026-11-24 10:30")],
        );
        assert_eq!(g.days.len(), 7);
        assert!(g.days[2].today && !g.days[1].today);
        assert_eq!(g.days[1].label, "di 24 nov.");
        assert_eq!(cell(&g, "09:00", 1), ["09:30–10:30"]);
        let item = &g.rows.iter().find(|r| r.label == "09:00").unwrap().cells[1].items[0];
        assert_eq!(item.subject, "Overleg a");
        assert_eq!(item.colour, colour_of("u"));
        assert!(cell(&g, "09:00", 0).is_empty());
        let busy = &g.rows.iter().find(|r| r.label == "10:00").unwrap().cells[1];
        assert!(busy.busy, "still going on at ten");
        // The usual hours are shown, 07:00 to 19:00.
        assert_eq!(g.rows.first().unwrap().label, "07:00");
        assert_eq!(g.rows.last().unwrap().label, "19:00");
    }

    #[test]
    fn early_and_late_meetings_widen_the_hours() {
        let g = grid(
            Role::Access,
            &[
                meeting("a", "2026-11-23 05:00", "2026-11-23 06:00"),
                meeting("b", "2026-11-27 21:00", "2026-11-27 23:00"),
            ],
        );
        assert_eq!(g.rows.first().unwrap().label, "05:00");
        assert_eq!(g.rows.last().unwrap().label, "22:00");
    }

    #[test]
    fn a_meeting_across_midnight_shows_on_both_days() {
        let g = grid(
            Role::Access,
            &[meeting("a", "2026-11-24 22:00", "2026-11-25 02:00")],
        );
        assert_eq!(cell(&g, "22:00", 1), ["22:00–…"]);
        // On the next day it is in the first row, with its whole span.
        let first = &g.rows[0].cells[2];
        assert_eq!(first.items[0].time, "…–02:00");
        assert!(first.items[0].title.is_some());
    }

    #[test]
    fn a_full_hour_shows_a_few_and_links_the_rest() {
        let rows: Vec<MeetingRow> = (0..5)
            .map(|i| meeting(&format!("m{i}"), "2026-11-26 14:00", "2026-11-26 15:00"))
            .collect();
        let g = grid(Role::Access, &rows);
        assert_eq!(cell(&g, "14:00", 3).len(), CELL_LIMIT);
        let cell = &g.rows.iter().find(|r| r.label == "14:00").unwrap().cells[3];
        let more = cell.more.as_ref().expect("+2");
        assert_eq!(more.href, "/meetings?from=2026-11-26&to=2026-11-26");
        assert!(more.text.contains('2'));
    }

    #[test]
    fn free_hours_start_a_meeting_for_those_who_may() {
        let g = grid(
            Role::Access,
            &[meeting("a", "2026-11-24 09:00", "2026-11-24 10:00")],
        );
        let row = g.rows.iter().find(|r| r.label == "11:00").unwrap();
        let slot = row.cells[0].slot.as_ref().expect("a free hour");
        assert_eq!(slot.href, "/meetings/new?start=2026-11-23T11:00&back=week");
        let busy = g.rows.iter().find(|r| r.label == "09:00").unwrap();
        assert!(busy.cells[1].slot.is_none(), "not where a meeting is");
    }
    /// The times of the agenda's day (0 = Monday).
    fn agenda(g: &WeekGrid, day: usize) -> Vec<String> {
        g.agenda[day].items.iter().map(|i| i.time.clone()).collect()
    }

    #[test]
    fn the_agenda_lists_each_day_in_time_order() {
        let g = grid(
            Role::Access,
            &[
                meeting("late", "2026-11-24 14:00", "2026-11-24 15:00"),
                meeting("early", "2026-11-24 09:30", "2026-11-24 10:30"),
                meeting("night", "2026-11-23 22:00", "2026-11-24 02:00"),
            ],
        );
        assert_eq!(g.agenda.len(), 7);
        assert_eq!(agenda(&g, 0), ["22:00–…"]);
        assert_eq!(agenda(&g, 1), ["…–02:00", "09:30–10:30", "14:00–15:00"]);
        assert!(agenda(&g, 2).is_empty());
        let tue = &g.agenda[1];
        assert_eq!((tue.weekday, tue.number, tue.month), ("di", 24, "nov."));
        assert_eq!(tue.items[1].subject, "Overleg early");
        assert_eq!(tue.items[1].colour, colour_of("u"));
        assert_eq!(tue.items[1].location.as_deref(), Some("Utrecht"));
        assert_eq!(
            tue.new_href.as_deref(),
            Some("/meetings/new?start=2026-11-24T09:00&back=week")
        );
        // It opens at today, the Wednesday; only today is marked.
        let open: Vec<usize> = (0..7).filter(|i| g.agenda[*i].selected).collect();
        assert_eq!(open, [2]);
        assert!(g.agenda[2].today && !g.agenda[1].today);
    }

    #[test]
    fn the_agenda_shows_what_the_grid_shows_and_links_the_rest() {
        let rows: Vec<MeetingRow> = (0..5)
            .map(|i| meeting(&format!("m{i}"), "2026-11-26 14:00", "2026-11-26 15:00"))
            .collect();
        let g = grid(Role::Access, &rows);
        assert_eq!(g.agenda[3].items.len(), CELL_LIMIT);
        let more = g.agenda[3].more.as_ref().expect("+2");
        assert_eq!(more.href, "/meetings?from=2026-11-26&to=2026-11-26");
        assert!(more.text.contains('2'));
        assert!(g.agenda[2].more.is_none());
    }

    #[test]
    fn the_agenda_opens_at_today_in_this_week_else_monday() {
        let monday = d("2026-11-23");
        assert_eq!(open_day(monday, d("2026-11-23")), 0);
        assert_eq!(open_day(monday, d("2026-11-25")), 2);
        assert_eq!(open_day(monday, d("2026-11-29")), 6);
        assert_eq!(open_day(monday, d("2026-11-30")), 0, "next week");
        assert_eq!(open_day(monday, d("2026-11-22")), 0, "last week");
        assert_eq!(open_day(monday, d("1990-01-01")), 0);
    }
}
