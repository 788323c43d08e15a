//! Sending the outbox through SMTP when `PORTAAL_SMTP_URL` is set. Mails are
//! always stored first (`domain::mail`); this only delivers them, records
//! failures and retries later — a mail is never lost.

use lettre::message::{Mailbox, MultiPart};
use lettre::{Message, SmtpTransport, Transport};

use crate::AppState;
use crate::domain::mail::{self, Mail};
use crate::domain::members;

/// An SMTP connection setting and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    /// From a URL such as `smtp://relay:25`, `smtp://user:pass@host:587?tls=required`
    /// or `smtps://host:465`, and a sender such as `Portaal <noreply@example.org>`.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| format!("PORTAAL_SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("PORTAAL_MAIL_FROM: {e}"))?;
        Ok(Self { transport, from })
    }

    /// Send one stored mail (HTML with its text alternative).
    pub fn send(&self, mail: &Mail) -> Result<(), String> {
        let to = mail
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| e.to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                mail.body_html.clone(),
            ))
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Deliver what is due; returns (sent, failed). Without a mail server
/// configured, nothing happens and mails stay `stored`.
pub async fn deliver_due(state: &AppState) -> (usize, usize) {
    let Some(mailer) = state.mailer.clone() else {
        return (0, 0);
    };
    let now = state.clock.now();
    let Ok(due) = state.db(move |conn| Ok(mail::due(conn, now, 50)?)).await else {
        return (0, 0);
    };
    let (mut sent, mut failed) = (0, 0);
    for mut m in due {
        // An invitation gets its link now, with a token of the mail's own;
        // the stored copy never holds one.
        if let Some(invitation) = m.invitation_id.clone() {
            let (now, url) = (state.clock.now(), state.config.public_url.clone());
            let link = state
                .db(move |conn| Ok(members::mail_link(conn, now, &invitation, &url)?))
                .await;
            let token = match link {
                Ok(Some(link)) => link.rsplit('/').next().unwrap_or_default().to_string(),
                Ok(None) => {
                    let id = m.id.clone();
                    let _ = state
                        .db(move |conn| Ok(mail::mark_canceled(conn, &id)?))
                        .await;
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not prepare an invitation mail");
                    continue;
                }
            };
            m.body_text = m.body_text.replace(members::MAIL_TOKEN, &token);
            m.body_html = m.body_html.replace(members::MAIL_TOKEN, &token);
        }
        let mailer = mailer.clone();
        let outcome = actix_web::web::block(move || {
            let result = mailer.send(&m);
            (m, result)
        })
        .await;
        let Ok((m, result)) = outcome else { continue };
        let now = state.clock.now();
        let recorded = match result {
            Ok(()) => {
                sent += 1;
                state
                    .db(move |conn| Ok(mail::mark_sent(conn, now, &m.id)?))
                    .await
            }
            Err(error) => {
                failed += 1;
                tracing::warn!(mail = %m.id, %error, "mail not sent; will retry");
                state
                    .db(move |conn| Ok(mail::mark_failed(conn, now, &m.id, m.attempts, &error)?))
                    .await
            }
        };
        if let Err(e) = recorded {
            tracing::error!(error = %e, "could not record a mail delivery");
        }
    }
    (sent, failed)
}
