//! The SMTP connection used when `PORTAAL_SMTP_URL` is set. Mails are always
//! stored first (`domain::mail`); `jobs::mail` claims and delivers them,
//! records failures and retries later — a mail is never lost.

use lettre::message::{Attachment, Mailbox, MultiPart, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};

use crate::domain::mail::Mail;

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

    /// Send one stored mail (HTML with its text alternative), with a file
    /// attached when given (`(name, content type, bytes)`: an invoice's PDF).
    pub fn send(
        &self,
        mail: &Mail,
        attachment: Option<(String, &str, Vec<u8>)>,
    ) -> Result<(), String> {
        let to = mail
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| e.to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart({
                let body = MultiPart::alternative_plain_html(
                    mail.body_text.clone(),
                    mail.body_html.clone(),
                );
                match attachment {
                    Some((name, content_type, bytes)) => MultiPart::mixed()
                        .multipart(body)
                        .singlepart(Attachment::new(name).body(
                            bytes,
                            ContentType::parse(content_type).map_err(|e| e.to_string())?,
                        )),
                    None => body,
                }
            })
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
