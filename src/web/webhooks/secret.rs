//! The signing secret: shown once after create and rotate (see `web::once`),
//! and revealed again on an admin's request (audited by the domain).

use super::*;

/// The new secret goes to the one page that shows it: it travels in the
/// once-cookie, never in a URL.
pub(super) fn with_secret(state: &AppState, id: &str, secret: &str) -> HttpResponse {
    once::redirect(
        state,
        &format!("{BASE}/{id}/secret"),
        &format!("{id} {secret}"),
    )
}

#[derive(Template)]
#[template(path = "webhooks/secret.html")]
pub(super) struct SecretPage {
    pub(super) l: LayoutCtx,
    pub(super) id: String,
    pub(super) url: String,
    pub(super) secret: Option<String>,
    /// After a rotation: until when the previous secret signs too (said).
    pub(super) previous_until: Option<String>,
}

pub(super) async fn secret(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let e = load(&state, &m, id.into_inner()).await?;
    let secret = once::take(&req, &state).await.and_then(|v| {
        let (owner, secret) = v.split_once(' ')?;
        (owner == e.id).then(|| secret.to_string())
    });
    let now = state.clock.now();
    let p = SecretPage {
        l: LayoutCtx::new(&m, Nav::Webhooks),
        id: e.id.clone(),
        url: e.url.clone(),
        previous_until: e
            .previous_secret_until
            .filter(|u| *u > now)
            .map(|u| fill(m.lang.t().whs_secret_rotated, &[&m.lang.datetime(u, m.tz)])),
        secret,
    };
    let mut res = render(StatusCode::OK, &p)?;
    // Shown now, never again from this page.
    once::forget(&mut res, &format!("{BASE}/{}/secret", e.id));
    Ok(res)
}

/// "Reveal": the endpoint's page with its secret in plain (audited); as a
/// fragment for htmx.
pub(super) async fn reveal(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let (actor, key, eid) = (m.actor.clone(), state.data_key.clone(), id.clone());
    let secret = state
        .db(move |conn| webhooks::reveal_secret(conn, now, &actor, &key, &eid))
        .await?;
    let mut p = show_page(&m, &state, id, &LogQuery::default(), None).await?;
    p.revealed = Some(secret);
    if Htmx::of(&req).request {
        return render_fragment(&p.as_secret_block());
    }
    render(StatusCode::OK, &p)
}
