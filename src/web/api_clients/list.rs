//! The list of API clients, with each secret's last use and the idle badges.

use super::*;

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "api_clients/list.html")]
pub(super) struct ListPage {
    pub(super) l: LayoutCtx,
    pub(super) rows: Vec<RowView>,
    pub(super) pager: Pager,
    pub(super) showing: String,
    pub(super) q: String,
    pub(super) sort_name: SortHeader,
    pub(super) sort_created: SortHeader,
    pub(super) sort_used: SortHeader,
}

pub(super) async fn list(
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&api_clients::SORT);
    let actor = m.actor.clone();
    let page = state
        .db(move |conn| api_clients::list(conn, &actor, request.clone()))
        .await?;
    let now = state.clock.now();
    let l = LayoutCtx::new(&m, Nav::ApiClients);
    let r = &page.request;
    let pager = pager(BASE, &page);
    let p = ListPage {
        showing: fill(l.t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|row| row_view(m.lang, m.tz, now, &row.client, &row.secrets))
            .collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(BASE, r, "name"),
        sort_created: sort_header(BASE, r, "createdAt"),
        sort_used: sort_header(BASE, r, "lastUsedAt"),
        pager,
        l,
    };
    render(StatusCode::OK, &p)
}
