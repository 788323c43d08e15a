//! An endpoint's page: its details and status, the secret (hidden until
//! revealed), the test button and its answer, the success rate of the
//! last 24 hours, and the delivery log with resend and replay.

use super::*;

/// The log's own query: the status filter, and how many a replay queued.
#[derive(Deserialize, Default)]
pub(super) struct LogQuery {
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) replayed: Option<usize>,
}

impl LogQuery {
    /// The status asked for, if it is one.
    fn status(&self) -> Option<&'static str> {
        use crate::domain::webhook_outbox::{DELIVERED, FAILED, PENDING};
        [DELIVERED, FAILED, PENDING]
            .into_iter()
            .find(|s| *s == self.status)
    }
}

#[derive(Template)]
#[template(path = "webhooks/show.html", blocks = ["secret_block", "test_result"])]
pub(super) struct ShowPage {
    pub(super) l: LayoutCtx,
    pub(super) e: Endpoint,
    pub(super) badges: Vec<Badge>,
    pub(super) types_summary: String,
    pub(super) types: Vec<(String, String, String)>,
    pub(super) rate: String,
    pub(super) created: String,
    pub(super) last_success: String,
    pub(super) disabled_since: Option<String>,
    pub(super) revealed: Option<String>,
    pub(super) tested: Option<TestView>,
    /// A message above the log: (style, text).
    pub(super) notice: Option<(&'static str, String)>,
    pub(super) log: Vec<LogView>,
    pub(super) pager: Pager,
    pub(super) showing: String,
    pub(super) status: &'static str,
    pub(super) filters: Vec<(&'static str, &'static str)>,
    pub(super) since: Field,
    pub(super) log_hint: String,
    pub(super) replay_hint: String,
}

/// The page of endpoint `id` with page `params` of its log.
pub(super) async fn show_page(
    m: &Member,
    state: &AppState,
    id: String,
    q: &LogQuery,
    params: Option<&ListParams>,
) -> Result<ShowPage, AppError> {
    let request = params
        .cloned()
        .unwrap_or_default()
        .lenient(&webhook_deliveries::SORT);
    let status = q.status();
    let now = state.clock.now();
    let actor = m.actor.clone();
    let (e, last_day, page) = state
        .db(move |conn| {
            let e = webhooks::get(conn, &actor, &id)?;
            let rate = webhooks::last_day(conn, now, &[e.id.as_str()])?;
            let page = webhook_deliveries::log(conn, &actor, &e.id, status, request.clone())?;
            let last_day = rate.get(&e.id).copied().unwrap_or((0, 0));
            Ok((e, last_day, page))
        })
        .await?;
    let l = LayoutCtx::new(m, Nav::Webhooks);
    let t = l.t;
    let (lang, tz) = (m.lang, m.tz);
    let base = match status {
        Some(s) => format!("{}?status={s}", endpoint_path(&e.id)),
        None => endpoint_path(&e.id),
    };
    let pager = pager(&base, &page).within("#log");
    let notice = q.replayed.map(|n| ("success", fill(t.whs_replayed, &[&n])));
    Ok(ShowPage {
        badges: status_badges(lang, tz, &e),
        types_summary: types_summary(t, &e),
        types: type_list(lang, &e),
        rate: rate(t, last_day),
        created: lang.datetime(e.created_at, tz),
        last_success: e
            .last_success_at
            .map_or_else(|| t.whs_never.to_string(), |at| lang.datetime(at, tz)),
        disabled_since: e.disabled_at.map(|at| lang.datetime(at, tz)),
        revealed: None,
        tested: None,
        notice,
        log: log_views(lang, tz, &page.items),
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        pager,
        status: status.unwrap_or(""),
        filters: status_filters(t),
        since: Field::new(
            "since",
            t.whs_replay_since,
            local_input(tz, now - chrono::Duration::hours(24)),
        )
        .kind("datetime-local")
        .id_prefix("replay"),
        log_hint: fill(t.whs_log_hint, &[&tz.name()]),
        replay_hint: fill(t.whs_replay_hint, &[&tz.name()]),
        e,
        l,
    })
}

pub(super) async fn show(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<LogQuery>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let p = show_page(&m, &state, id.into_inner(), &q, Some(&params)).await?;
    let mut res = render(StatusCode::OK, &p)?;
    // The log's paging swaps `#log` out of this same page.
    crate::web::htmx::vary(&mut res);
    Ok(res)
}
