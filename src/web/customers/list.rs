//! The customers list: search, sort and paging, its `#list` section kept as
//! HTML per data version.

use super::*;

// ---------------------------------------------------------------- list

pub(super) struct Row {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) kind: &'static str,
    pub(super) email: String,
    pub(super) phone: String,
}

#[derive(Template)]
#[template(path = "customers/list.html")]
pub(super) struct ListPage {
    pub(super) l: LayoutCtx,
    /// The rendered [`ListSection`].
    pub(super) list_html: Arc<String>,
    pub(super) can_create: bool,
}

/// The `#list` section: search, table and paging.
#[derive(Template)]
#[template(path = "customers/_list_section.html")]
pub(super) struct ListSection {
    pub(super) t: &'static Messages,
    pub(super) rows: Vec<Row>,
    pub(super) pager: Pager,
    pub(super) showing: String,
    pub(super) q: String,
    pub(super) sort_name: SortHeader,
    pub(super) sort_email: SortHeader,
    pub(super) can_create: bool,
    /// The CSV export of what the list shows.
    pub(super) export: String,
}

pub(super) async fn list(
    req: HttpRequest,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&customers::SORT);
    let (m, section) = member_with(&req, move |conn, actor, locale| {
        let can_create = actor.can(Operation::CustomerCreate);
        Section::kept_or(
            actor,
            BASE,
            &request.clone(),
            locale.lang,
            &[can_create],
            || customers::list(conn, actor, request),
        )
    })
    .await?;
    let can_create = m.actor.can(Operation::CustomerCreate);
    let list_html = section.html(&m.actor, |page| {
        render_html(&list_section(m.lang.t(), &page, can_create))
    })?;
    let p = ListPage {
        l: LayoutCtx::new(&m, Nav::Customers),
        list_html,
        can_create,
    };
    render(StatusCode::OK, &p)
}

pub(super) fn list_section(
    t: &'static Messages,
    page: &Page<Customer>,
    can_create: bool,
) -> ListSection {
    let r = &page.request;
    let pager = pager(BASE, page).seeking(page.items.last().map(|c| c.id.as_str()));
    ListSection {
        t,
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|c| Row {
                id: c.id.clone(),
                name: c.name.clone(),
                kind: type_label(t, &c.customer_type),
                email: c.email.clone(),
                phone: c.phone_display(),
            })
            .collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(BASE, r, "name"),
        sort_email: sort_header(BASE, r, "email"),
        export: export_href(BASE, r),
        can_create,
        pager,
    }
}
