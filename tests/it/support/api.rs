//! The API test client: JSON calls with a bearer token, the OAuth endpoints
//! (with HTTP Basic), and clients and tokens of the demo organisations.

use awc::http::StatusCode;
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::organizations;
use portaal::domain::actor::Actor;
use portaal::domain::api_clients::{self as clients, ClientInput};
use portaal::domain::scopes::Role;
use serde_json::Value;

use super::*;

/// A JSON answer.
pub struct Answer {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    /// The field errors of a 422: (field, code).
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
                        (text("field"), text("code"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn http() -> awc::Client {
    awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(30))
        .finish()
}

async fn finish(
    mut res: awc::ClientResponse<
        impl futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
        + Unpin,
    >,
) -> Answer {
    let bytes = res.body().limit(4 * 1024 * 1024).await.expect("body");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Answer {
        status: res.status(),
        headers: res.headers().clone(),
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

/// Call the API: `method path` with an optional bearer token and JSON body.
pub async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    call_with(
        app,
        method,
        path,
        token,
        body.map(|b| ("application/json", b.to_string().into_bytes())),
        &[],
    )
    .await
}

/// Call with a raw body of any content type and extra headers.
pub async fn call_with(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
    headers: &[(&str, &str)],
) -> Answer {
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = http().request(method, app.url(path));
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    for (k, v) in headers {
        req = req.insert_header((*k, *v));
    }
    let res = match body {
        Some((ct, b)) => req.insert_header(("Content-Type", ct)).send_body(b).await,
        None => req.send().await,
    }
    .expect("request");
    finish(res).await
}

/// POST a form to an OAuth endpoint, with HTTP Basic when `basic` is given.
pub async fn oauth(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> Answer {
    let mut req = http().post(app.url(path));
    if let Some((id, secret)) = basic {
        req = req.insert_header((
            "Authorization",
            format!("Basic {}", b64(&format!("{id}:{secret}"))),
        ));
    }
    let res = req
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .send_body(serde_urlencoded::to_string(fields).unwrap())
        .await
        .expect("request");
    finish(res).await
}

fn b64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The demo organisation's id (or the partner's).
pub async fn org_id(app: &TestApp, partner: bool) -> String {
    app.db(move |c| {
        organizations::table
            .filter(organizations::slug.eq(if partner {
                "demo-partner-bv"
            } else {
                "demo-bv"
            }))
            .select(organizations::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

/// A new client of an organisation with `scopes`: `(row id, client id, secret)`.
pub async fn new_client(
    app: &TestApp,
    partner: bool,
    name: &str,
    scopes: &str,
) -> (String, String, String) {
    let org = org_id(app, partner).await;
    let secret = clients::new_secret();
    let hash = portaal::password::hash_blocking(&secret).unwrap();
    let (name, scopes) = (name.to_string(), scopes.to_string());
    let now = app.clock.now();
    let client = app
        .db(move |c| {
            let admin = portaal::domain::users::find_by_email(c, ADMIN)
                .unwrap()
                .unwrap();
            let actor = Actor::member(org, admin.id, admin.name, Role::Backoffice, None);
            clients::create(
                c,
                now,
                &actor,
                &ClientInput {
                    name,
                    description: String::new(),
                    scopes: scopes.split_whitespace().map(str::to_string).collect(),
                    expires_on: String::new(),
                },
                &hash,
            )
            .unwrap()
        })
        .await;
    (client.id, client.client_id, secret)
}

/// A token for a client (all its scopes, or `scope`).
pub async fn token_for(
    app: &TestApp,
    client_id: &str,
    secret: &str,
    scope: Option<&str>,
) -> String {
    let mut fields = vec![("grant_type", "client_credentials")];
    if let Some(s) = scope {
        fields.push(("scope", s));
    }
    let a = oauth(app, "/oauth/token", &fields, Some((client_id, secret))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body["access_token"].as_str().unwrap().to_string()
}

/// A client with `scopes` of the demo organisation, and a token for it.
pub async fn token(app: &TestApp, scopes: &str) -> String {
    let (_, id, secret) =
        new_client(app, false, &format!("t {}", portaal::db::new_id()), scopes).await;
    token_for(app, &id, &secret, None).await
}
