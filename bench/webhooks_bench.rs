//! The webhook benchmark's helper (`bench/webhooks.sh` runs it): on the
//! database in `DATABASE_URL` (the demo data seeded),
//!
//! - `endpoint URL [TYPE…]`: give Demo BV an enabled endpoint; prints its id.
//! - `set ID on|off`: switch endpoint ID on or off.
//! - `receiver PORT [HANG_SECS]`: a receiver answering 200 at once (or after
//!   HANG_SECS) until killed.
//! - `deliver RATE SECONDS ENDPOINTS [HANGING]`: receivers and endpoints in
//!   this process (plus HANGING endpoints whose receiver hangs 15 s), the
//!   real delivery runner (`jobs::webhooks::run`), and RATE messages a
//!   second for SECONDS made by real changes (a location created: audited,
//!   queued in its transaction, made into one message per endpoint by the
//!   runner), so RATE / endpoints writes a second; RATE 0: SECONDS × 1000
//!   messages queued at once, a backlog. Endpoints of earlier runs are
//!   switched off first. Prints deliveries a second and the change-to-
//!   delivery percentiles of the quick endpoints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use portaal::AppState;
use portaal::clock::{Clock, SystemClock};
use portaal::config::{Config, RawConfig};
use portaal::db::schema::{organizations, users, webhook_endpoints, webhook_messages};
use portaal::domain::actor::Actor;
use portaal::domain::scopes::Role;
use portaal::domain::webhooks::{self, EndpointInput};
use portaal::domain::{demo, webhook_outbox};

type Arrivals = Arc<Mutex<Vec<(String, NaiveDateTime)>>>;

fn state() -> anyhow::Result<AppState> {
    let config = Config::from_raw(RawConfig::from_env())?;
    AppState::new(config, Arc::new(SystemClock))
}

fn admin(state: &AppState) -> anyhow::Result<Actor> {
    let mut conn = state.pool.get()?;
    let org: String = organizations::table
        .filter(organizations::slug.eq(demo::ORG_SLUG))
        .select(organizations::id)
        .first(&mut conn)?;
    let (id, name): (String, String) = users::table
        .filter(users::email.eq(demo::ADMIN_EMAIL))
        .select((users::id, users::name))
        .first(&mut conn)?;
    Ok(Actor::member(org, id, name, Role::Backoffice, None))
}

fn endpoint(
    state: &AppState,
    actor: &Actor,
    url: &str,
    types: &[String],
) -> anyhow::Result<String> {
    let valid = EndpointInput {
        url: url.into(),
        description: "bench".into(),
        event_types: types.to_vec(),
    }
    .validate(state.webhooks.allowed())
    .map_err(|e| anyhow::anyhow!("{url}: {e:?}"))?;
    let mut conn = state.pool.get()?;
    let made = webhooks::create(&mut conn, SystemClock.now(), actor, &state.data_key, &valid)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(made.endpoint.id)
}

/// A receiver on 127.0.0.1 (port 0: any); its port.
fn receiver(
    port: u16,
    hang: Duration,
    arrivals: Arrivals,
) -> anyhow::Result<(u16, actix_web::dev::Server)> {
    let server = HttpServer::new(move || {
        let arrivals = arrivals.clone();
        App::new().default_service(web::to(move |req: HttpRequest| {
            let arrivals = arrivals.clone();
            async move {
                if !hang.is_zero() {
                    actix_web::rt::time::sleep(hang).await;
                }
                let id = req
                    .headers()
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                arrivals.lock().unwrap().push((id, Utc::now().naive_utc()));
                HttpResponse::Ok().body("ok")
            }
        }))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", port))?;
    let port = server.addrs()[0].port();
    Ok((port, server.run()))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn deliver(rate: u64, seconds: u64, endpoints: usize, hanging: usize) -> anyhow::Result<()> {
    let state = web::Data::new(state()?);
    let actor = admin(&state)?;
    actix_web::rt::System::new().block_on(async move {
        let quick: Arrivals = Arc::default();
        let (port, server) = receiver(0, Duration::ZERO, quick.clone())?;
        actix_web::rt::spawn(server);
        let (slow_port, slow) = receiver(0, Duration::from_secs(15), Arc::default())?;
        actix_web::rt::spawn(slow);
        {
            let mut conn = state.pool.get()?;
            diesel::update(webhook_endpoints::table)
                .filter(webhook_endpoints::organization_id.eq(&actor.organization_id))
                .set(webhook_endpoints::enabled.eq(false))
                .execute(&mut conn)?;
        }
        let mut ids = Vec::new();
        for i in 0..endpoints {
            ids.push(endpoint(&state, &actor, &format!("http://127.0.0.1:{port}/q{i}"), &[])?);
        }
        let mut slow_ids = Vec::new();
        for i in 0..hanging {
            slow_ids.push(endpoint(&state, &actor, &format!("http://127.0.0.1:{slow_port}/h{i}"), &[])?);
        }
        let all: Vec<String> = ids.iter().chain(&slow_ids).cloned().collect();
        let org = actor.organization_id.clone();
        let body = |n: u64| {
            serde_json::json!({"type": "location.updated", "timestamp": "", "data": {"object": "location", "id": n, "name": "Bench"}}).to_string()
        };
        let backlog = rate == 0;
        let total = if backlog { seconds * 1000 } else { rate * seconds };
        let mut quick_total = 0u64;
        let queue_for = |n: u64| &all[(n as usize) % all.len()];
        if backlog {
            for n in 0..total {
                if ids.contains(queue_for(n)) {
                    quick_total += 1;
                }
            }
            let mut conn = state.pool.get()?;
            let now = SystemClock.now();
            portaal::db::write(&mut conn, |c| {
                for n in 0..total {
                    webhook_outbox::insert(c, now, &org, queue_for(n), "location.updated", &body(n))?;
                }
                QueryResult::Ok(())
            })?;
        }
        // Steady: real changes (a location created, audited, queued in its
        // transaction), each wanted by every endpoint, so `rate` messages a
        // second are `rate / endpoints` writes a second.
        let writes = total / all.len() as u64;
        if !backlog {
            quick_total = writes * ids.len() as u64;
        }
        let started = Instant::now();
        actix_web::rt::spawn(portaal::jobs::webhooks::run(state.clone()));
        if !backlog {
            // The writes at their rate, from a thread of their own.
            let (pool, actor) = (state.pool.clone(), actor.clone());
            let per_second = rate as f64 / all.len() as f64;
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                let every = Duration::from_secs_f64(1.0 / per_second);
                for n in 0..writes {
                    let due = started + every * u32::try_from(n).unwrap();
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let now = SystemClock.now();
                    let input = portaal::domain::locations::LocationInput {
                        name: format!("Bench {n}"),
                        city: "Gouda".into(),
                        ..Default::default()
                    };
                    portaal::db::write(&mut conn, |c| {
                        portaal::domain::locations::create(c, now, &actor, &input).map(|_| ())
                    })
                    .unwrap();
                }
            });
        }
        let limit = Duration::from_secs(seconds * 4 + 120);
        loop {
            let got = quick.lock().unwrap().len() as u64;
            if got >= quick_total || started.elapsed() > limit {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        let took = started.elapsed().as_secs_f64();
        let arrivals = quick.lock().unwrap().clone();
        let created: HashMap<String, NaiveDateTime> = {
            let mut conn = state.pool.get()?;
            webhook_messages::table
                .filter(webhook_messages::endpoint_id.eq_any(&ids))
                .select((webhook_messages::id, webhook_messages::created_at))
                .load::<(String, NaiveDateTime)>(&mut conn)?
                .into_iter()
                .collect()
        };
        let mut latency: Vec<f64> = arrivals
            .iter()
            .filter_map(|(id, at)| created.get(id).map(|c| (*at - *c).num_microseconds().unwrap_or(0) as f64 / 1000.0))
            .collect();
        latency.sort_by(f64::total_cmp);
        let mut unique: Vec<&String> = arrivals.iter().map(|(id, _)| id).collect();
        unique.sort();
        unique.dedup();
        println!(
            "{} {} messages to {} quick endpoint(s){}: {} delivered ({} twice) in {:.2} s = {:.0} deliveries/s; enqueue→delivery p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            if backlog { "backlog of".to_string() } else { format!("{rate}/s for {seconds} s,") },
            total,
            endpoints,
            if hanging > 0 { format!(" + {hanging} hanging 15 s") } else { String::new() },
            unique.len(),
            arrivals.len() - unique.len(),
            took,
            arrivals.len() as f64 / took,
            percentile(&latency, 0.5),
            percentile(&latency, 0.99),
            latency.last().copied().unwrap_or(f64::NAN),
        );
        anyhow::Ok(())
    })
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let num = |i: usize, default: u64| arg(i).parse().unwrap_or(default);
    match arg(0) {
        "endpoint" => {
            let state = state()?;
            let actor = admin(&state)?;
            println!("{}", endpoint(&state, &actor, arg(1), &args[2..])?);
            Ok(())
        }
        "set" => {
            let state = state()?;
            let actor = admin(&state)?;
            let mut conn = state.pool.get()?;
            webhooks::set_enabled(
                &mut conn,
                SystemClock.now(),
                &actor,
                arg(1),
                None,
                arg(2) == "on",
            )
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            Ok(())
        }
        "receiver" => actix_web::rt::System::new().block_on(async {
            let (_, server) = receiver(
                u16::try_from(num(1, 0))?,
                Duration::from_secs(num(2, 0)),
                Arc::default(),
            )?;
            server.await?;
            anyhow::Ok(())
        }),
        "deliver" => deliver(
            num(1, 500),
            num(2, 20),
            usize::try_from(num(3, 4))?,
            usize::try_from(num(4, 0))?,
        ),
        _ => anyhow::bail!(
            "usage: webhooks_bench endpoint URL [TYPE…] | set ID on|off | receiver PORT [HANG_SECS] | deliver RATE SECONDS ENDPOINTS [HANGING]"
        ),
    }
}
