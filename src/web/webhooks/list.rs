//! The list of endpoints: status (failing since when), event types and the
//! success rate of the last 24 hours.

use super::*;

/// One endpoint in the list.
pub(super) struct RowView {
    pub(super) id: String,
    pub(super) url: String,
    pub(super) description: String,
    pub(super) types: String,
    pub(super) badges: Vec<Badge>,
    pub(super) rate: String,
    pub(super) created: String,
}

#[derive(Template)]
#[template(path = "webhooks/list.html")]
pub(super) struct ListPage {
    pub(super) l: LayoutCtx,
    pub(super) rows: Vec<RowView>,
    pub(super) pager: Pager,
    pub(super) showing: String,
    pub(super) q: String,
    pub(super) sort_url: SortHeader,
    pub(super) sort_created: SortHeader,
}

pub(super) async fn list(
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&webhooks::SORT);
    let actor = m.actor.clone();
    let now = state.clock.now();
    let page = state
        .db(move |conn| webhooks::list(conn, &actor, now, request.clone()))
        .await?;
    let l = LayoutCtx::new(&m, Nav::Webhooks);
    let t = l.t;
    let r = &page.request;
    let pager = pager(BASE, &page);
    let p = ListPage {
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|row| {
                let e = &row.endpoint;
                RowView {
                    id: e.id.clone(),
                    url: e.url.clone(),
                    description: e.description.clone(),
                    types: types_summary(t, e),
                    badges: status_badges(m.lang, m.tz, e),
                    rate: rate(t, row.last_day),
                    created: m.lang.datetime(e.created_at, m.tz),
                }
            })
            .collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_url: sort_header(BASE, r, "url"),
        sort_created: sort_header(BASE, r, "createdAt"),
        pager,
        l,
    };
    render(StatusCode::OK, &p)
}
