//! The new secret, shown once (see `web::once`).

use super::*;

// ---------------------------------------------------------------- the secret, once

#[derive(Template)]
#[template(path = "api_clients/secret.html")]
pub(super) struct SecretPage {
    pub(super) l: LayoutCtx,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) client_id: String,
    pub(super) secret: Option<String>,
}

pub(super) async fn secret(
    req: HttpRequest,
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (client, _) = load(&state, &m, id.into_inner()).await?;
    let secret = once::take(&req, &state).await.and_then(|v| {
        let (owner, secret) = v.split_once(' ')?;
        (owner == client.id).then(|| secret.to_string())
    });
    let p = SecretPage {
        l: LayoutCtx::new(&m, Nav::ApiClients),
        id: client.id.clone(),
        name: client.name.clone(),
        client_id: client.client_id.clone(),
        secret,
    };
    let mut res = render(StatusCode::OK, &p)?;
    // Shown now, never again.
    once::forget(&mut res, &format!("{BASE}/{}/secret", client.id));
    Ok(res)
}
