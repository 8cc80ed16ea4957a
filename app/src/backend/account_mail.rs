//! Mail about accounts — invitations, password resets — sent from the operator's
//! SMTP server (not a workspace's own), after the request's transaction committed.
//!
//! Sent in the background, so that a response takes as long whether or not an
//! address has an account; a failure is logged by code and the user asks again.

use crate::model::mail::SmtpSecurity;
use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Where account mail goes out, from the server's configuration.
#[derive(Clone)]
pub struct AccountMailSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub credentials: Option<(String, String)>,
    /// E.g. `Tessera <no-reply@crm.example.com>`.
    pub from: String,
}

pub struct AccountMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl AccountMailer {
    pub fn new(settings: AccountMailSettings) -> Result<Arc<Self>, String> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|_| "the account mail sender address is invalid".to_owned())?;
        let host = settings.host.as_str();
        let builder = match settings.security {
            SmtpSecurity::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|_| "the account mail host is invalid".to_owned())?,
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|_| "the account mail host is invalid".to_owned())?,
        };
        let builder = builder
            .port(settings.port)
            .timeout(Some(Duration::from_secs(20)));
        let transport = match settings.credentials {
            Some((user, password)) => builder.credentials(Credentials::new(user, password)),
            None => builder,
        }
        .build();
        Ok(Arc::new(Self { transport, from }))
    }

    /// A plain-text mail to `to`, to be sent once the transaction committed.
    pub fn send_later(
        self: &Arc<Self>,
        to: &str,
        subject: String,
        body: String,
    ) -> impl Future<Output = ()> + Send + 'static {
        let (mailer, to) = (self.clone(), to.to_owned());
        async move {
            let Ok(to) = to.parse::<Mailbox>() else {
                tracing::warn!(code = "invalid_recipient", "account mail not sent");
                return;
            };
            let message = Message::builder()
                .from(mailer.from.clone())
                .to(to)
                .subject(subject)
                .header(ContentType::TEXT_PLAIN)
                .body(body);
            let Ok(message) = message else {
                tracing::warn!(code = "invalid_message", "account mail not sent");
                return;
            };
            match mailer.transport.send(message).await {
                Ok(_) => tracing::info!("account mail sent"),
                // The server's reply can quote the address: only the kind is logged.
                Err(err) if err.is_permanent() => {
                    tracing::warn!(code = "smtp_rejected", "account mail not sent")
                }
                Err(_) => tracing::warn!(code = "smtp_unreachable", "account mail not sent"),
            }
        }
    }
}
