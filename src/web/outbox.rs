//! Settings → Mail: the organisation's mail outbox, listed and shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::AppState;
use crate::domain::mail::{self, Mail};
use crate::domain::paging::ListParams;
use crate::error::AppError;
use crate::i18n::{Messages, fill};
use crate::web::extract::Member;
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, pager};
use crate::web::render;

const BASE: &str = "/settings/outbox";

/// Mount `/settings/outbox`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route("/settings/outbox/{id}", web::get().to(show));
}

struct MailView {
    id: String,
    to: String,
    subject: String,
    when: String,
    status: &'static str,
}

fn status_label(t: &Messages, status: &str) -> &'static str {
    match status {
        "sent" => t.outbox_status_sent,
        "failed" => t.outbox_status_failed,
        "canceled" => t.outbox_status_canceled,
        _ => t.outbox_status_stored,
    }
}

#[derive(Template)]
#[template(path = "outbox/list.html")]
struct ListPage {
    l: LayoutCtx,
    mails: Vec<MailView>,
    pager: Pager,
    showing: String,
}

async fn list(
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&mail::SORT);
    let actor = m.actor.clone();
    let page = state
        .db(move |conn| mail::list(conn, &actor, request.clone()))
        .await?;
    let l = LayoutCtx::new(&m, Nav::Outbox);
    let t = l.t;
    let pager = pager(BASE, &page);
    let p = ListPage {
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        mails: page
            .items
            .iter()
            .map(|mail| MailView {
                id: mail.id.clone(),
                to: mail.recipient.clone(),
                subject: mail.subject.clone(),
                when: m.lang.datetime(mail.created_at, m.tz),
                status: status_label(t, &mail.status),
            })
            .collect(),
        pager,
        l,
    };
    render(StatusCode::OK, &p)
}

#[derive(Template)]
#[template(path = "outbox/show.html")]
struct ShowPage {
    l: LayoutCtx,
    mail: Mail,
    when: String,
    status: &'static str,
}

async fn show(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (m.actor.clone(), id.into_inner());
    let mail = state.db(move |conn| mail::get(conn, &actor, &id)).await?;
    let l = LayoutCtx::new(&m, Nav::Outbox);
    let p = ShowPage {
        when: m.lang.datetime(mail.created_at, m.tz),
        status: status_label(l.t, &mail.status),
        mail,
        l,
    };
    render(StatusCode::OK, &p)
}
