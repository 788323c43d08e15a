//! How meetings read on the screens: dates and times in the organisation's
//! time zone and the user's language, and the choices of the selects.

use super::*;

// ---------------------------------------------------------------- formatting

/// "23 nov. 2026" / "23 Nov 2026".
pub(super) fn date_label(t: &Messages, d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), t.months[d.month0() as usize], d.year())
}

pub(crate) fn hm(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "23 nov. 2026 14:05 – 15:05", or both moments in full across days.
pub(super) fn range(lang: Lang, tz: Tz, from: NaiveDateTime, to: NaiveDateTime) -> String {
    let (f, t) = (utc_to_local(tz, from), utc_to_local(tz, to));
    if f.date() == t.date() {
        format!("{} – {}", lang.datetime(from, tz), hm(t))
    } else {
        format!("{} – {}", lang.datetime(from, tz), lang.datetime(to, tz))
    }
}

/// The value of a `datetime-local` input.
pub(super) fn input_value(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

pub(crate) fn weekday(t: &Messages, d: Weekday) -> &'static str {
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

pub(super) fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

pub(super) fn parse_day(v: &Option<String>) -> Option<NaiveDate> {
    nonempty(v).and_then(|d| validate::day(&d))
}

pub(super) fn choices(all: &[(String, String)], selected: Option<&str>) -> Vec<Choice> {
    all.iter()
        .map(|(id, name)| Choice {
            value: id.clone(),
            label: name.clone(),
            selected: selected == Some(id.as_str()),
        })
        .collect()
}

/// The search that narrows a select offering only the first choices (see
/// `meetings::Offered`): shown then, or while a search is under way. It
/// asks for the select's options as the user types (htmx); without
/// JavaScript a filter form's submit narrows them the same way.
pub(crate) struct ChoiceSearch {
    /// The select's name; the search's is `{name}_q`, its id `f-{name}-q`.
    pub(crate) name: &'static str,
    pub(crate) label: &'static str,
    pub(crate) hint: String,
    pub(crate) q: String,
    /// In a form that saves (POST): Enter in the search must not submit it.
    pub(crate) keeps_enter: bool,
}

/// The search for the select `name`, when it is needed (`more` choices
/// than offered, or a search `q` under way).
pub(super) fn choice_search(
    t: &Messages,
    name: &'static str,
    label: &'static str,
    more: bool,
    q: Option<&str>,
) -> Option<ChoiceSearch> {
    let q = meetings::choice_term(q).unwrap_or_default();
    (more || !q.is_empty()).then(|| ChoiceSearch {
        name,
        label,
        hint: fill(t.meet_choices_first, &[&meetings::MAX_OFFERED]),
        q,
        keeps_enter: name.ends_with("_id"),
    })
}

/// The organisation's members and the locations offered, for selects.
#[derive(Debug)]
pub(super) struct Choices {
    pub(super) employees: Vec<(String, String)>,
    pub(super) locations: meetings::Offered<(String, String)>,
}

crate::domain::cache::weigh_by_debug!(Choices);

/// The choices of the meeting form: the locations offered with `location`
/// (the meeting's) among them.
pub(super) async fn load_choices(
    state: &AppState,
    m: &Member,
    location: Option<String>,
) -> Result<Choices, AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| {
            Ok(Choices {
                employees: meetings::employee_choices(conn, &actor)?,
                locations: meetings::location_choices(conn, &actor, None, location.as_deref())?,
            })
        })
        .await
}
