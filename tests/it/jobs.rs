//! The job runner: due work is claimed with a lease, so instances sharing a
//! database run each job once per attempt, and a dead instance's work is
//! taken over when its lease runs out.

use chrono::Duration;
use portaal::clock::Clock;
use portaal::config::RawConfig;
use portaal::domain::mail::{self, Outgoing};
use portaal::jobs;

use crate::mail_delivery::fake_smtp;
use crate::support::api::org_id;
use crate::support::*;

async fn app_with_smtp() -> (TestApp, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let (port, received) = fake_smtp();
    let app = TestApp::demo_with(RawConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..RawConfig::default()
    })
    .await;
    (app, received)
}

/// Put `n` mails in the demo organisation's outbox, to `mail{i}@jobs.test`.
async fn enqueue(app: &TestApp, n: usize) {
    let (org, now) = (org_id(app, false).await, app.clock.now());
    app.db(move |c| {
        for i in 0..n {
            mail::enqueue(
                c,
                now,
                &org,
                Outgoing {
                    recipient: &format!("mail{i}@jobs.test"),
                    subject: "Test",
                    html: "<p>Test</p>".into(),
                    text: "Test".into(),
                    invitation_id: None,
                    password_reset_id: None,
                    invoice_id: None,
                },
            )
            .unwrap();
        }
    })
    .await;
}

/// Deliver until nothing more is claimed; the mails this instance sent.
async fn drain(state: &portaal::AppState) -> usize {
    let mut total = 0;
    // Fifty mails take five batches; far more rounds means mails are sent
    // again and again (a claim that does not hold).
    for _ in 0..20 {
        let (sent, failed) = jobs::mail::deliver_due(state).await;
        assert_eq!(failed, 0);
        if sent == 0 {
            return total;
        }
        total += sent;
    }
    panic!("still delivering after 20 rounds ({total} sent)");
}

/// The recipients of what the fake server received, sorted.
fn recipients(received: &std::sync::Mutex<Vec<String>>) -> Vec<String> {
    let mut to: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .filter_map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("To: "))
                .map(str::to_string)
        })
        .collect();
    to.sort();
    to
}

#[actix_web::test]
async fn two_instances_deliver_each_mail_exactly_once() {
    let (app, received) = app_with_smtp().await;
    let other = app.second_instance().await;
    enqueue(&app, 50).await;
    let (a, b) = tokio::join!(drain(&app.state), drain(&other));
    assert_eq!(a + b, 50, "{a} + {b}");
    let to = recipients(&received);
    assert_eq!(to.len(), 50, "fifty mails arrived");
    let mut unique = to.clone();
    unique.dedup();
    assert_eq!(unique.len(), 50, "none twice: {to:?}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'sent' AND lease_owner IS NULL"
        )
        .await,
        50
    );
    // Nothing is left to claim, on either instance.
    assert_eq!(jobs::mail::deliver_due(&other).await, (0, 0));
    assert_eq!(jobs::mail::deliver_due(&app.state).await, (0, 0));
}

#[actix_web::test]
async fn a_dead_instances_mail_goes_out_when_its_lease_ends() {
    let (app, received) = app_with_smtp().await;
    let other = app.second_instance().await;
    enqueue(&app, 1).await;
    // An instance claims the mail and dies before sending it.
    let now = app.clock.now();
    let until = now + Duration::seconds(jobs::mail::LEASE_PER_MAIL_SECS * jobs::mail::BATCH);
    let claimed = app
        .db(move |c| mail::claim_due(c, now, "instance-that-died", until, 10).unwrap())
        .await;
    assert_eq!(claimed.len(), 1);
    // While the lease holds, nobody else sends it.
    assert_eq!(jobs::mail::deliver_due(&other).await, (0, 0));
    assert_eq!(jobs::mail::deliver_due(&app.state).await, (0, 0));
    assert!(received.lock().unwrap().is_empty());
    // Once it has run out, the next instance does.
    app.clock.advance(Duration::seconds(
        jobs::mail::LEASE_PER_MAIL_SECS * jobs::mail::BATCH + 1,
    ));
    assert_eq!(jobs::mail::deliver_due(&other).await, (1, 0));
    assert_eq!(recipients(&received), ["mail0@jobs.test"]);
    // The dead instance's owner can no longer settle it.
    let id = claimed[0].id.clone();
    let now = app.clock.now();
    app.db(move |c| mail::mark_failed(c, now, &id, "instance-that-died", 0, "late").unwrap())
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'sent'")
            .await,
        1
    );
}

#[actix_web::test]
async fn housekeeping_runs_once_an_hour_across_instances() {
    let app = TestApp::demo().await;
    let other = app.second_instance().await;
    let (a, b) = tokio::join!(
        jobs::housekeeping::run_if_due(&app.state),
        jobs::housekeeping::run_if_due(&other)
    );
    assert!(
        a.is_some() != b.is_some(),
        "one of the two ran it: {a:?} {b:?}"
    );
    assert_eq!(jobs::housekeeping::run_if_due(&other).await, None);
    app.clock
        .advance(Duration::minutes(jobs::housekeeping::EVERY_MINUTES));
    assert!(jobs::housekeeping::run_if_due(&other).await.is_some());
    assert_eq!(jobs::housekeeping::run_if_due(&app.state).await, None);
}

#[actix_web::test]
async fn an_invitation_wakes_the_runner() {
    let (app, received) = app_with_smtp().await;
    let runner = actix_web::rt::spawn(jobs::run(app.state.clone()));
    let mut admin = app.login(ADMIN).await;
    admin
        .post(
            "/settings/users/invite",
            &[("email", "nu@jobs.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    // Well before the next poll (jobs::POLL), the mail is out.
    let deadline = std::time::Instant::now() + jobs::POLL / 2;
    while recipients(&received).is_empty() && std::time::Instant::now() < deadline {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    runner.abort();
    assert_eq!(recipients(&received), ["nu@jobs.test"]);
}
