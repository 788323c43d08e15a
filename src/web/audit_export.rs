//! Settings → Audit log → Export (CSV): every event the log's filters show,
//! in its order, with the values before and after as they were recorded
//! (JSON). Kept apart from the log's screen (`audit_log`), which only links
//! here.

use actix_web::{HttpResponse, web};

use crate::AppState;
use crate::domain::audit;
use crate::domain::export;
use crate::domain::scopes::Operation;
use crate::error::AppError;
use crate::i18n::audit_action;
use crate::web::audit_log::{AuditQuery, kind_label};
use crate::web::csv;
use crate::web::extract::Member;

/// Mount `/settings/audit-log/export`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/audit-log/export", web::get().to(download));
}

async fn download(
    m: Member,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::AuditList)?;
    let q = query.into_inner();
    let (filter, _, _) = q.filter(m.tz);
    let request = q.list.lenient(&audit::SORT);
    let (now, actor, lang, tz) = (state.clock.now(), m.actor.clone(), m.lang, m.tz);
    let t = lang.t();
    let header = [
        t.audit_time,
        t.audit_actor,
        t.audit_actor_kind,
        t.audit_action,
        t.audit_record,
        t.audit_record_id,
        t.audit_ip,
        t.audit_before,
        t.audit_after,
    ];
    csv::download(
        &state,
        &m,
        t.audit_export_file,
        &header,
        move |conn, out| {
            export::audit_log(conn, now, &actor, &filter, &request, &mut |rows| {
                rows.iter().all(|e| {
                    out.row(&[
                        csv::local(tz, e.created_at).as_str(),
                        &e.actor_label,
                        kind_label(t, &e.actor_type),
                        &audit_action(lang, &e.action),
                        &e.resource_type,
                        e.resource_id.as_deref().unwrap_or_default(),
                        e.ip.as_deref().unwrap_or_default(),
                        e.before_json.as_deref().unwrap_or_default(),
                        e.after_json.as_deref().unwrap_or_default(),
                    ])
                })
            })
        },
    )
    .await
}
