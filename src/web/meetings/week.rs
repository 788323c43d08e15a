//! The week view: the grid of one week (rendered once per data version and
//! kept as HTML), its navigation by htmx, and a notice when the week asked
//! for cannot be read.

use super::*;

// ---------------------------------------------------------------- week view

#[derive(Deserialize, Default)]
pub(super) struct WeekQuery {
    pub(super) week: Option<String>,
    pub(super) date: Option<String>,
    /// Only this employee's meetings (as in the list).
    pub(super) employee: Option<String>,
    /// Only the meetings at this location.
    pub(super) location: Option<String>,
    /// The search that narrows the location select (see [`ChoiceSearch`]).
    pub(super) location_q: Option<String>,
}

/// The filters as a query string tail (`&employee=…&location=…`), for the
/// week's navigation links, which keep them.
fn filter_query(filter: &Filter) -> String {
    let mut pairs = vec![];
    if let Some(e) = &filter.employee_id {
        pairs.push(("employee", e.as_str()));
    }
    if let Some(l) = &filter.location_id {
        pairs.push(("location", l.as_str()));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!(
            "&{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

#[derive(Template)]
#[template(path = "meetings/week.html")]
pub(super) struct WeekPage {
    pub(super) l: LayoutCtx,
    /// Why this week is shown instead of the one asked for.
    pub(super) notice: Option<&'static str>,
    /// The rendered [`WeekGridView`].
    pub(super) grid_html: Arc<String>,
    pub(super) can_create: bool,
    /// The monday shown, kept when the filters change.
    pub(super) week: String,
    pub(super) employees: Vec<Choice>,
    pub(super) locations: Vec<Choice>,
    pub(super) location_search: Option<ChoiceSearch>,
    pub(super) filtered: bool,
}

/// The grid of one week with its navigation.
#[derive(Template)]
#[template(path = "meetings/_week_grid.html")]
pub(super) struct WeekGridView<'a> {
    pub(super) t: &'static Messages,
    pub(super) title: String,
    pub(super) prev_href: String,
    pub(super) next_href: String,
    pub(super) this_href: String,
    pub(super) is_this_week: bool,
    pub(super) times_in: String,
    pub(super) grid: &'a WeekGrid,
}

impl<'a> WeekGridView<'a> {
    fn new(
        locale: Locale,
        monday: NaiveDate,
        today: NaiveDate,
        filter: &Filter,
        grid: &'a WeekGrid,
    ) -> Self {
        let t = locale.lang.t();
        let sunday = monday + Duration::days(6);
        let keep = filter_query(filter);
        Self {
            t,
            title: format!(
                "{} · {} – {}",
                fill(t.meet_week_label, &[&monday.iso_week().week()]),
                date_label(t, monday),
                date_label(t, sunday)
            ),
            prev_href: format!("{WEEK}?week={}{keep}", week_key(monday - Duration::days(7))),
            next_href: format!("{WEEK}?week={}{keep}", week_key(monday + Duration::days(7))),
            this_href: format!("{WEEK}?week={}{keep}", week_key(monday_of(today))),
            is_this_week: monday == monday_of(today),
            times_in: fill(t.meet_times_in, &[&locale.tz.name()]),
            grid,
        }
    }
}

pub(super) async fn week(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<WeekQuery>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let query = query.into_inner();
    // The week is settled in the organisation's time zone, inside the job
    // that also checks the login (one trip to the database).
    let filter = Filter {
        employee_id: nonempty(&query.employee),
        location_id: nonempty(&query.location),
        ..Filter::default()
    };
    let f = filter.clone();
    let (m, (grid_html, unreadable, monday, (options, location_q))) =
        member_with(&req, move |conn, actor, locale| {
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
            let unreadable = asked.is_none()
                && (nonempty(&query.week).is_some() || nonempty(&query.date).is_some());
            let monday = asked.unwrap_or_else(|| monday_of(today));
            let (start, end) = (
                day_start(tz, monday),
                day_start(tz, monday + Duration::days(7)),
            );
            // The grid depends on the meetings (audited data), the week, today,
            // the language, the time zone and whether slots may be clicked; it
            // is rendered once and kept as HTML while none of these changes.
            let key = format!(
                "week-grid\u{1f}{monday}\u{1f}{today}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                locale.lang.code(),
                tz.name(),
                actor.can(Operation::MeetingCreate),
                filter_query(&f),
            );
            let grid = cache::for_actor(actor, key, || {
                let rows = meetings::week(conn, actor, start, end, &f)?;
                let grid = week_grid(actor, locale, monday, today, &rows);
                WeekGridView::new(locale, monday, today, &f, &grid)
                    .render()
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))
            })?;
            // The filters' choices change only with audited data.
            let location_q = meetings::choice_term(query.location_q.as_deref());
            let key = format!(
                "meetings#choices\u{1f}{}\u{1f}{}",
                location_q.as_deref().unwrap_or_default(),
                f.location_id.as_deref().unwrap_or_default(),
            );
            let options = cache::for_actor(actor, key, || {
                Ok::<_, AppError>(Choices {
                    employees: meetings::employee_choices(conn, actor)?,
                    locations: meetings::location_choices(
                        conn,
                        actor,
                        location_q.as_deref(),
                        f.location_id.as_deref(),
                    )?,
                })
            })?;
            Ok((grid, unreadable, monday, (options, location_q)))
        })
        .await?;
    // htmx asks for the grid only; a history restore wants the whole page.
    if Htmx::of(&req).wants_fragment() {
        return Ok(fragment(grid_html.as_str()));
    }
    let mut res = {
        let l = LayoutCtx::new(&m, Nav::Meetings);
        let t = l.t;
        let p = WeekPage {
            notice: unreadable.then_some(l.t.meet_week_unreadable),
            l,
            grid_html,
            can_create: m.actor.can(Operation::MeetingCreate),
            week: week_key(monday),
            employees: choices(&options.employees, filter.employee_id.as_deref()),
            locations: choices(&options.locations.items, filter.location_id.as_deref()),
            location_search: choice_search(
                t,
                "location",
                t.meet_find_location,
                options.locations.more,
                location_q.as_deref(),
            ),
            filtered: filter.employee_id.is_some() || filter.location_id.is_some(),
        };
        render(StatusCode::OK, &p)?
    };
    vary(&mut res);
    Ok(res)
}
