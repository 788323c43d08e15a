//! `/platform`: every organisation, with a search by name, paging and its
//! number of members (operators only).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::paging::{ListParams, Page};
use crate::domain::platform::{self, OrganizationRow};
use crate::error::AppError;
use crate::i18n::{Messages, fill};
use crate::web::extract::operator_with;
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::platform::PlatformLayout;
use crate::web::{render, render_html};

const BASE: &str = "/platform";

/// Mount the organisations list.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list));
}

struct Row {
    name: String,
    members: i64,
    created: String,
}

#[derive(Template)]
#[template(path = "platform/organizations.html")]
struct ListPage {
    l: PlatformLayout,
    /// The rendered [`ListSection`].
    list: String,
}

/// The `#list` section: search, table and paging.
#[derive(Template)]
#[template(path = "platform/_organizations_list.html")]
struct ListSection {
    t: &'static Messages,
    rows: Vec<Row>,
    pager: Pager,
    showing: String,
    q: String,
    sort_name: SortHeader,
    sort_created: SortHeader,
}

async fn list(req: HttpRequest, params: web::Query<ListParams>) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&platform::SORT);
    let (o, page) = operator_with(&req, move |conn, operator| {
        platform::organizations(conn, operator, request)
    })
    .await?;
    let list = render_html(&list_section(o.lang, &page))?;
    let p = ListPage {
        l: PlatformLayout::new(&o),
        list,
    };
    render(StatusCode::OK, &p)
}

fn list_section(lang: crate::i18n::Lang, page: &Page<OrganizationRow>) -> ListSection {
    let t = lang.t();
    let r = &page.request;
    let pager = pager(BASE, page);
    ListSection {
        t,
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|o| Row {
                name: o.name.clone(),
                members: o.members,
                created: lang.date(o.created_at.date()),
            })
            .collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(BASE, r, "name"),
        sort_created: sort_header(BASE, r, "createdAt"),
        pager,
    }
}
