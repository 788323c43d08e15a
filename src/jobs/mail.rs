//! Mail delivery: due mails of the outbox are claimed with a lease, sent
//! through SMTP (`mailer`), and settled (sent, failed with a retry time, or
//! canceled). Without a mail server configured nothing is claimed: mails
//! stay `stored` in the outbox.

use chrono::Duration;

use crate::AppState;
use crate::domain::{invoices, mail, members, password_resets};

/// Mails claimed at a time.
pub const BATCH: i64 = 10;
/// How long a claim holds per mail of the batch: longer than a send can take
/// (the SMTP timeout is 20 s), so a live instance never loses its claim.
pub const LEASE_PER_MAIL_SECS: i64 = 60;

/// Claim and deliver what is due; returns (sent, failed).
pub async fn deliver_due(state: &AppState) -> (usize, usize) {
    let Some(mailer) = state.mailer.clone() else {
        return (0, 0);
    };
    let owner = state.jobs.owner().to_string();
    let now = state.clock.now();
    let until = now + Duration::seconds(LEASE_PER_MAIL_SECS * BATCH);
    let claimed = {
        let owner = owner.clone();
        state
            .db(move |conn| Ok(mail::claim_due(conn, now, &owner, until, BATCH)?))
            .await
    };
    let due = match claimed {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "could not claim the outbox");
            return (0, 0);
        }
    };
    let (mut sent, mut failed) = (0, 0);
    for mut m in due {
        // An invitation or a password reset gets its link now, with a token
        // of the mail's own; the stored copy never holds one.
        let linked = (m.invitation_id.clone(), m.password_reset_id.clone());
        if linked.0.is_some() || linked.1.is_some() {
            let (now, url, mail_id) = (
                state.clock.now(),
                state.config.public_url.clone(),
                m.id.clone(),
            );
            let link = state
                .db(move |conn| {
                    Ok(match &linked {
                        (Some(invitation), _) => {
                            members::mail_link(conn, now, invitation, &mail_id, &url)?
                        }
                        (None, Some(reset)) => password_resets::mail_link(conn, now, reset, &url)?,
                        (None, None) => None,
                    })
                })
                .await;
            let token = match link {
                Ok(Some(link)) => link.rsplit('/').next().unwrap_or_default().to_string(),
                Ok(None) => {
                    let (id, owner) = (m.id.clone(), owner.clone());
                    let _ = state
                        .db(move |conn| Ok(mail::mark_canceled(conn, &id, &owner)?))
                        .await;
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not prepare an invitation mail");
                    continue;
                }
            };
            m.body_text = m.body_text.replace(mail::MAIL_TOKEN, &token);
            m.body_html = m.body_html.replace(mail::MAIL_TOKEN, &token);
        }
        // An invoice's mail carries its stored PDF, the bytes as issued.
        let attachment = match m.invoice_id.clone() {
            Some(invoice) => {
                let pdf = state
                    .db(move |conn| {
                        let i = invoices::by_id(conn, &invoice)?;
                        Ok(invoices::pdf_of(conn, &invoice)?
                            .map(|(bytes, _)| (invoices::file_name(&i), bytes)))
                    })
                    .await;
                match pdf {
                    Ok(Some((name, bytes))) => Some((name, "application/pdf", bytes)),
                    Ok(None) => None,
                    Err(e) => {
                        tracing::error!(error = %e, "could not read an invoice's PDF");
                        continue;
                    }
                }
            }
            None => None,
        };
        let mailer = mailer.clone();
        let outcome = actix_web::web::block(move || {
            let result = mailer.send(&m, attachment);
            (m, result)
        })
        .await;
        let Ok((m, result)) = outcome else { continue };
        let (now, owner) = (state.clock.now(), owner.clone());
        let recorded = match result {
            Ok(()) => {
                sent += 1;
                state
                    .db(move |conn| Ok(mail::mark_sent(conn, now, &m.id, &owner)?))
                    .await
            }
            Err(error) => {
                failed += 1;
                tracing::warn!(mail = %m.id, %error, "mail not sent; will retry");
                state
                    .db(move |conn| {
                        Ok(mail::mark_failed(
                            conn, now, &m.id, &owner, m.attempts, &error,
                        )?)
                    })
                    .await
            }
        };
        if let Err(e) = recorded {
            tracing::error!(error = %e, "could not record a mail delivery");
        }
    }
    (sent, failed)
}
