//! The meetings list: filters by employee, location and dates, sorting and
//! paging.

use super::*;

// ---------------------------------------------------------------- list

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(flatten)]
    pub(super) list: ListParams,
    pub(super) employee: Option<String>,
    pub(super) location: Option<String>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
}

pub(super) struct RowView {
    pub(super) id: String,
    pub(super) when: String,
    pub(super) employee: String,
    pub(super) location: String,
    /// What it is about (the subject, else the notes' first line), short.
    pub(super) subject: String,
}

#[derive(Template)]
#[template(path = "meetings/list.html")]
pub(super) struct ListPage {
    pub(super) l: LayoutCtx,
    pub(super) rows: Vec<RowView>,
    pub(super) employees: Vec<Choice>,
    pub(super) locations: Vec<Choice>,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) filtered: bool,
    pub(super) can_create: bool,
    pub(super) pager: Pager,
    pub(super) showing: String,
    pub(super) sort_when: SortHeader,
    pub(super) sort_employee: SortHeader,
    pub(super) sort_location: SortHeader,
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

pub(super) async fn list(
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
                subject: short(row.meeting.title()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_shortened() {
        assert_eq!(short("kort"), "kort");
        assert_eq!(short("regel één\nregel twee"), "regel één…");
        assert_eq!(short(&"x".repeat(100)).chars().count(), 81);
    }
}
