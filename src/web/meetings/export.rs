//! The meetings list as CSV: every meeting its filters (employee, location,
//! period) find, in its order, with local start and end times.

use super::*;
use crate::web::csv;

pub(super) async fn export(
    m: Member,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingList)?;
    let q = query.into_inner();
    let now = state.clock.now();
    let (_, filter) = q.filter(m.tz, utc_to_local(m.tz, now).date());
    let request = q.list.lenient(&meetings::SORT);
    let (actor, tz, t) = (m.actor.clone(), m.tz, m.lang.t());
    let header = [
        t.meet_from,
        t.meet_to,
        t.meet_subject,
        t.meet_employee,
        t.meet_location,
        t.meet_notes,
    ];
    csv::download(&state, &m, t.meet_export_file, &header, move |conn, out| {
        meetings::export(conn, now, &actor, &filter, &request, &mut |rows| {
            rows.iter().all(|row| {
                let meeting = &row.meeting;
                out.row(&[
                    csv::local(tz, meeting.date_from).as_str(),
                    &csv::local(tz, meeting.date_to),
                    &meeting.subject,
                    &row.employee_name,
                    row.location_name.as_deref().unwrap_or_default(),
                    &meeting.notes,
                ])
            })
        })
    })
    .await
}
