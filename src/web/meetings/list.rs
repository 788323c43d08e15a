//! The meetings list: filters by employee, location, customer and dates,
//! sorting and paging.

use super::*;

// ---------------------------------------------------------------- list

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(flatten)]
    pub(super) list: ListParams,
    pub(super) employee: Option<String>,
    pub(super) location: Option<String>,
    pub(super) customer: Option<String>,
    /// The searches that narrow the location and customer selects (see
    /// [`ChoiceSearch`]).
    pub(super) location_q: Option<String>,
    pub(super) customer_q: Option<String>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
}

impl ListQuery {
    /// The period the list shows (on `today`) and the filter it asks for.
    pub(super) fn filter(&self, tz: Tz, today: NaiveDate) -> (Period, Filter) {
        let period = Period::of(self, today);
        let filter = Filter {
            employee_id: nonempty(&self.employee),
            location_id: nonempty(&self.location),
            customer_id: nonempty(&self.customer),
            from: period.from.map(|d| day_start(tz, d)),
            // "Until" includes the whole chosen day.
            until: period
                .to
                .and_then(|d| d.succ_opt())
                .map(|d| day_start(tz, d)),
        };
        (period, filter)
    }
}

pub(super) struct RowView {
    pub(super) id: String,
    pub(super) when: String,
    pub(super) employee: String,
    pub(super) location: String,
    /// The customer: (id, name).
    pub(super) customer: Option<(String, String)>,
    /// What it is about (the subject, else the notes' first line), short.
    pub(super) subject: String,
}

#[derive(Template)]
#[template(path = "meetings/list.html")]
pub(super) struct ListPage {
    pub(super) l: LayoutCtx,
    /// What the list shows, in words ("Meetings from … to …").
    pub(super) intro: String,
    pub(super) earlier: String,
    pub(super) later: Option<String>,
    pub(super) all_upcoming: Option<String>,
    pub(super) rows: Vec<RowView>,
    pub(super) employees: Vec<Choice>,
    pub(super) locations: Vec<Choice>,
    pub(super) location_search: Option<ChoiceSearch>,
    pub(super) customers: Vec<Choice>,
    pub(super) customer_search: Option<ChoiceSearch>,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) filtered: bool,
    pub(super) can_create: bool,
    /// The customers module is on: a meeting's customer links to its page.
    pub(super) customer_links: bool,
    /// Customers may be listed: the customer filter shows.
    pub(super) with_customers: bool,
    pub(super) pager: Pager,
    pub(super) showing: String,
    pub(super) sort_when: SortHeader,
    pub(super) sort_employee: SortHeader,
    pub(super) sort_location: SortHeader,
    /// The CSV export of what the list shows.
    pub(super) export: String,
}

/// Notes in a list cell: the first line, at most 80 characters.
pub(super) fn short(notes: &str) -> String {
    let line = notes.lines().next().unwrap_or_default();
    let mut s: String = line.chars().take(80).collect();
    if s.chars().count() < notes.chars().count() {
        s.push('…');
    }
    s
}

/// The period a list shows. Without `from` and `to` in the address it is
/// this week from today on (today first); an emptied field means no bound,
/// so both emptied is every upcoming meeting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Period {
    pub(super) from: Option<NaiveDate>,
    pub(super) to: Option<NaiveDate>,
}

impl Period {
    pub(super) fn of(q: &ListQuery, today: NaiveDate) -> Period {
        if q.from.is_none() && q.to.is_none() {
            return Period {
                from: Some(today),
                to: Some(monday_of(today) + Duration::days(6)),
            };
        }
        Period {
            from: parse_day(&q.from),
            to: parse_day(&q.to),
        }
    }

    /// The seven days before this period, when it has a start (the list
    /// of every upcoming meeting starts today).
    pub(super) fn earlier(self, today: NaiveDate) -> Period {
        let start = self.from.unwrap_or(today);
        Period {
            from: start.checked_sub_signed(Duration::days(7)),
            to: start.pred_opt(),
        }
    }

    /// The seven days after this period, when it has an end.
    pub(super) fn later(self) -> Option<Period> {
        let end = self.to?;
        Some(Period {
            from: end.succ_opt(),
            to: end.checked_add_signed(Duration::days(7)),
        })
    }

    /// The sentence above the list that says what it shows.
    fn intro(self, t: &Messages) -> String {
        let day = |d: NaiveDate| format!("{} {}", weekday(t, d.weekday()), date_label(t, d));
        match (self.from, self.to) {
            (Some(f), Some(u)) => fill(t.meet_intro_between, &[&day(f), &day(u)]),
            (Some(f), None) => fill(t.meet_intro_from, &[&day(f)]),
            (None, Some(u)) => fill(t.meet_intro_until, &[&day(u)]),
            (None, None) => t.meet_intro.to_string(),
        }
    }
}

/// The list's address for a period with the people filters kept.
fn list_href(people: &[(&str, String)], period: Period) -> String {
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut pairs = people.to_vec();
    pairs.push(("from", day(period.from)));
    pairs.push(("to", day(period.to)));
    format!(
        "{BASE}?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

pub(super) async fn list(
    m: Member,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingList)?;
    let q = query.into_inner();
    let now = state.clock.now();
    let today = utc_to_local(m.tz, now).date();
    let (period, filter) = q.filter(m.tz, today);
    let request = q.list.lenient(&meetings::SORT);
    let (actor, f) = (m.actor.clone(), filter.clone());
    let (location_q, customer_q) = (
        meetings::choice_term(q.location_q.as_deref()),
        meetings::choice_term(q.customer_q.as_deref()),
    );
    let (lq, cq) = (location_q.clone(), customer_q.clone());
    let (page, options, customers) = state
        .db(move |conn| {
            Ok((
                meetings::list(conn, &actor, now, &f, request.clone())?,
                Choices {
                    employees: meetings::employee_choices(conn, &actor)?,
                    locations: meetings::location_choices(
                        conn,
                        &actor,
                        lq.as_deref(),
                        f.location_id.as_deref(),
                    )?,
                },
                // Customers are offered only where their module is on.
                if actor.can(Operation::CustomerList) {
                    meetings::customer_choices(
                        conn,
                        &actor,
                        cq.as_deref(),
                        f.customer_id.as_deref(),
                    )?
                } else {
                    meetings::Offered::default()
                },
            ))
        })
        .await?;
    let mut people: Vec<(&str, String)> = vec![];
    if let Some(e) = &filter.employee_id {
        people.push(("employee", e.clone()));
    }
    if let Some(l) = &filter.location_id {
        people.push(("location", l.clone()));
    }
    if let Some(c) = &filter.customer_id {
        people.push(("customer", c.clone()));
    }
    let base = list_href(&people, period);
    let l = LayoutCtx::new(&m, Nav::Meetings);
    let r = &page.request;
    let pager = pager(&base, &page);
    let p = ListPage {
        customer_links: m.actor.can(Operation::CustomerGet),
        with_customers: m.actor.can(Operation::CustomerList),
        intro: period.intro(l.t),
        earlier: list_href(&people, period.earlier(today)),
        later: period.later().map(|p| list_href(&people, p)),
        all_upcoming: (period.from.is_some() || period.to.is_some()).then(|| {
            list_href(
                &people,
                Period {
                    from: None,
                    to: None,
                },
            )
        }),
        showing: fill(l.t.showing, &[&pager.from, &pager.to, &pager.total]),
        sort_when: sort_header(&base, r, "dateFrom"),
        sort_employee: sort_header(&base, r, "employee"),
        sort_location: sort_header(&base, r, "location"),
        export: export_href(&base, r),
        rows: page
            .items
            .iter()
            .map(|row| RowView {
                id: row.meeting.id.clone(),
                when: range(m.lang, m.tz, row.meeting.date_from, row.meeting.date_to),
                employee: row.employee_name.clone(),
                location: row.location_name.clone().unwrap_or_default(),
                customer: row
                    .meeting
                    .customer_id
                    .clone()
                    .zip(row.customer_name.clone()),
                subject: short(row.meeting.title()),
            })
            .collect(),
        employees: choices(&options.employees, filter.employee_id.as_deref()),
        locations: choices(&options.locations.items, filter.location_id.as_deref()),
        location_search: choice_search(
            l.t,
            "location",
            l.t.meet_find_location,
            options.locations.more,
            location_q.as_deref(),
        ),
        customers: choices(&customers.items, filter.customer_id.as_deref()),
        customer_search: choice_search(
            l.t,
            "customer",
            l.t.meet_find_customer,
            customers.more,
            customer_q.as_deref(),
        ),
        filtered: !people.is_empty(),
        can_create: m.actor.can(Operation::MeetingCreate),
        from: period.from.map(|d| d.to_string()).unwrap_or_default(),
        to: period.to.map(|d| d.to_string()).unwrap_or_default(),
        pager,
        l,
    };
    render(StatusCode::OK, &p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_shortened() {
        assert_eq!(short("kort"), "kort");
        assert_eq!(short("regel één\nregel twee"), "regel één…");
        assert_eq!(short(&"x".repeat(100)).chars().count(), 81);
    }

    fn query(from: Option<&str>, to: Option<&str>) -> ListQuery {
        ListQuery {
            from: from.map(String::from),
            to: to.map(String::from),
            ..ListQuery::default()
        }
    }

    fn day(s: &str) -> Option<NaiveDate> {
        validate::day(s)
    }

    #[test]
    fn the_list_opens_at_this_week_from_today() {
        // Saturday 5 December 2026: the rest of the week is the weekend.
        let today = day("2026-12-05").unwrap();
        let p = Period::of(&query(None, None), today);
        assert_eq!((p.from, p.to), (day("2026-12-05"), day("2026-12-06")));
        assert_eq!(
            (p.earlier(today).from, p.earlier(today).to),
            (day("2026-11-28"), day("2026-12-04"))
        );
        let later = p.later().unwrap();
        assert_eq!(
            (later.from, later.to),
            (day("2026-12-07"), day("2026-12-13"))
        );
        // Emptied fields: every upcoming meeting, and nothing later than that.
        let all = Period::of(&query(Some(""), Some("")), today);
        assert_eq!((all.from, all.to), (None, None));
        assert!(all.later().is_none());
        assert_eq!(all.earlier(today).to, day("2026-12-04"));
    }

    #[test]
    fn the_intro_says_what_the_list_shows() {
        let t = Lang::En.t();
        let p = Period {
            from: day("2026-12-05"),
            to: day("2026-12-06"),
        };
        assert_eq!(
            p.intro(t),
            format!(
                "Meetings from {} 5 {} 2026 to {} 6 {} 2026.",
                t.meet_sat, t.months[11], t.meet_sun, t.months[11]
            )
        );
        let open = Period {
            from: None,
            to: None,
        };
        assert_eq!(open.intro(Lang::Nl.t()), "Alle komende afspraken.");
    }
}
