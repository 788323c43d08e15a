//! The "Upcoming meetings" card of a customer's page and a location's page:
//! the next few meetings (one indexed query), each linked, and a link to
//! the list filtered the same way.

use super::*;
use crate::db::DbConn;
use crate::domain::meetings::With;

/// How many meetings the card lists.
pub(crate) const SHOWN: i64 = 5;

/// One meeting on the card.
pub(crate) struct UpcomingItem {
    pub(crate) href: String,
    pub(crate) when: String,
    pub(crate) title: String,
    pub(crate) employee: String,
}

/// The card: its meetings and the list that shows them all.
pub(crate) struct UpcomingCard {
    pub(crate) items: Vec<UpcomingItem>,
    pub(crate) all_href: String,
}

/// The next meetings with a customer or at a location (inside a database
/// job); `None` when the actor may not list meetings (no card then).
pub(crate) fn read(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    with: With<'_>,
) -> Result<Option<Vec<MeetingRow>>, AppError> {
    if !actor.can(Operation::MeetingList) {
        return Ok(None);
    }
    meetings::upcoming(conn, actor, now, with, SHOWN).map(Some)
}

/// The card of what [`read`] read, times in the organisation's zone.
pub(crate) fn card(lang: Lang, tz: Tz, rows: &[MeetingRow], with: With<'_>) -> UpcomingCard {
    let filter = match with {
        With::Customer(id) => ("customer", id),
        With::Location(id) => ("location", id),
    };
    // Every upcoming meeting: both period bounds emptied.
    let query = serde_urlencoded::to_string([filter, ("from", ""), ("to", "")]).unwrap_or_default();
    UpcomingCard {
        items: rows
            .iter()
            .map(|r| UpcomingItem {
                href: format!("{BASE}/{}", r.meeting.id),
                when: range(lang, tz, r.meeting.date_from, r.meeting.date_to),
                title: short(r.meeting.title()),
                employee: r.employee_name.clone(),
            })
            .collect(),
        all_href: format!("{BASE}?{query}"),
    }
}
