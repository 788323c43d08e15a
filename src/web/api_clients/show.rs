//! A client's page: its matrix, the dry-run tester, and the secret rotation,
//! disabling and deleting it offers.

use super::*;

// ---------------------------------------------------------------- the client page

#[derive(Template)]
#[template(path = "api_clients/show.html", blocks = ["tester_result"])]
pub(super) struct ShowPage {
    pub(super) l: LayoutCtx,
    pub(super) c: ApiClient,
    pub(super) status: Badge,
    pub(super) idle: Option<Badge>,
    pub(super) scopes: Vec<String>,
    pub(super) expires: String,
    pub(super) created: String,
    pub(super) created_by: String,
    pub(super) last_used: String,
    pub(super) secrets: Vec<SecretView>,
    pub(super) graces: Vec<(&'static str, &'static str)>,
    pub(super) operations: Vec<(&'static str, &'static str, bool)>,
    pub(super) tested: Option<(bool, String)>,
    pub(super) matrix: MatrixView,
}

pub(super) fn show_page(
    m: &Member,
    now: chrono::NaiveDateTime,
    c: ApiClient,
    secrets: &[Secret],
    tested: Option<Operation>,
) -> ShowPage {
    let l = LayoutCtx::new(m, Nav::ApiClients);
    let t = l.t;
    let (lang, tz) = (m.lang, m.tz);
    let set = c.scope_set();
    let modules = m.actor.entitlement().modules;
    let tested_result = tested.map(|op| match (set.decide(op), op.module()) {
        (Some(_), Some(module)) if !modules.has(module) => {
            (false, fill(t.ac_module_off, &[&module.label(lang)]))
        }
        (Some(scope), _) => (true, fill(t.ac_tester_allowed, &[&scope])),
        (None, _) => (false, fill(t.ac_tester_denied, &[&op.required_scope()])),
    });
    ShowPage {
        status: status_badge(t, c.status(now)),
        idle: idle_badge(t, c.idle(now)),
        scopes: set.scopes().iter().map(ToString::to_string).collect(),
        expires: c.last_day(tz).map_or_else(
            || t.ac_expires_never.to_string(),
            |d| fill(t.ac_expires_through, &[&lang.date(d)]),
        ),
        created: lang.datetime(c.created_at, tz),
        created_by: c.created_by_label.clone(),
        last_used: c
            .last_used_at
            .map_or_else(|| t.ac_never_used.to_string(), |u| lang.datetime(u, tz)),
        secrets: secret_views(lang, tz, now, secrets),
        graces: Grace::ALL
            .iter()
            .map(|g| {
                (
                    g.key(),
                    match g {
                        Grace::Now => t.ac_grace_now,
                        Grace::OneHour => t.ac_grace_1h,
                        Grace::OneDay => t.ac_grace_24h,
                        Grace::SevenDays => t.ac_grace_7d,
                    },
                )
            })
            .collect(),
        operations: Operation::ALL
            .iter()
            .map(|o| (o.name(), o.description(lang), tested == Some(*o)))
            .collect(),
        tested: tested_result,
        matrix: matrix_view(lang, &set, None, modules).allowed_first(),
        c,
        l,
    }
}

pub(super) async fn show(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (client, secrets) = load(&state, &m, id.into_inner()).await?;
    render(
        StatusCode::OK,
        &show_page(&m, state.clock.now(), client, &secrets, None),
    )
}

#[derive(Deserialize)]
pub(super) struct TestQuery {
    pub(super) operation: String,
}

/// The dry-run tester: allowed or not, and which scope decided.
pub(super) async fn test(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<TestQuery>,
) -> Result<HttpResponse, AppError> {
    let (client, secrets) = load(&state, &m, id.into_inner()).await?;
    let op = Operation::by_name(&q.operation)
        .ok_or_else(|| AppError::BadRequest("unknown operation".into()))?;
    let p = show_page(&m, state.clock.now(), client, &secrets, Some(op));
    if Htmx::of(&req).request {
        return render_fragment(&p.as_tester_result());
    }
    render(StatusCode::OK, &p)
}
