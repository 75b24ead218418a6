//! The SMTP mail channel: lettre's async transport on tokio, one connection per message.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use jiyue_core::Clock;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::mail::{build_message, parse_from};
use crate::{mask_address, Delivery, Mail, MailChannel, NotifyError, SmtpSecurity};

/// Settings of the SMTP channel, taken from [`crate::MailConfig::Smtp`].
pub(crate) struct SmtpSettings<'a> {
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) security: SmtpSecurity,
    pub(crate) username: Option<&'a str>,
    pub(crate) password: Option<&'a str>,
    pub(crate) from: &'a str,
    pub(crate) timeout_secs: u64,
}

/// Mail channel that sends through an SMTP server.
pub(crate) struct SmtpMail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Address,
    server: String,
    security: SmtpSecurity,
    timeout_secs: u64,
    clock: Arc<dyn Clock>,
}

impl SmtpMail {
    /// Checks the settings and prepares the transport. Connects only when sending.
    pub(crate) fn new(
        settings: &SmtpSettings<'_>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, NotifyError> {
        let from = parse_from(settings.from)?;
        if settings.host.is_empty() {
            return Err(NotifyError::InvalidConfig {
                setting: "mail.host",
                message: "the host is empty; set it to the SMTP server's name or address".into(),
            });
        }
        if settings.timeout_secs == 0 {
            return Err(NotifyError::InvalidConfig {
                setting: "mail.timeout_secs",
                message: "0 s would time out at once; use a value such as 30".into(),
            });
        }

        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host)
            .port(settings.port)
            .tls(tls(settings.host, settings.security)?)
            .timeout(Some(Duration::from_secs(settings.timeout_secs)));

        match (settings.username, settings.password) {
            (Some(username), Some(password)) => {
                builder =
                    builder.credentials(Credentials::new(username.to_owned(), password.to_owned()));
            }
            (None, None) => {}
            _ => {
                return Err(NotifyError::InvalidConfig {
                    setting: "mail.username",
                    message: "username and password must be set together, or both left out".into(),
                })
            }
        }

        Ok(Self {
            transport: builder.build(),
            from,
            server: format!("{}:{}", settings.host, settings.port),
            security: settings.security,
            timeout_secs: settings.timeout_secs,
            clock,
        })
    }

    fn map_error(&self, error: &lettre::transport::smtp::Error) -> NotifyError {
        let server = self.server.clone();
        let detail = error.to_string();

        if error.is_timeout() {
            NotifyError::SmtpTimedOut {
                server,
                secs: self.timeout_secs,
            }
        } else if error.is_permanent() {
            NotifyError::SmtpRejected { server, detail }
        } else if error.is_transient() {
            NotifyError::SmtpDeferred { server, detail }
        } else {
            NotifyError::SmtpFailed { server, detail }
        }
    }
}

/// Returns lettre's TLS mode for `security`. Certificates are checked with rustls against the
/// Mozilla roots bundled by the `webpki-roots` crate, not the system store.
///
/// NOTE: the tests cover only the plain mode and a server that lacks STARTTLS. No test runs
/// a TLS handshake, because the test server has no certificate.
fn tls(host: &str, security: SmtpSecurity) -> Result<Tls, NotifyError> {
    let parameters = || {
        TlsParameters::new(host.to_owned()).map_err(|error| NotifyError::InvalidConfig {
            setting: "mail.host",
            message: format!("cannot set up TLS for {host}: {error}"),
        })
    };

    Ok(match security {
        SmtpSecurity::None => Tls::None,
        SmtpSecurity::StartTls => Tls::Required(parameters()?),
        SmtpSecurity::Tls => Tls::Wrapper(parameters()?),
    })
}

impl MailChannel for SmtpMail {
    fn send(&self, mail: &Mail) -> BoxFuture<'_, Result<Delivery, NotifyError>> {
        let message = build_message(mail, &self.from, self.clock.now());
        let masked_to = mask_address(&mail.to);

        Box::pin(async move {
            let message = message?;
            let message_id = message
                .headers()
                .get_raw("Message-ID")
                .map(str::to_owned)
                .unwrap_or_default();

            // lettre's own timeout covers only connecting, so a server that accepts the
            // connection and then stalls would hold the caller forever without this one.
            let limit = Duration::from_secs(self.timeout_secs);
            let response = match tokio::time::timeout(limit, self.transport.send(message)).await {
                Ok(sent) => sent.map_err(|error| self.map_error(&error))?,
                Err(_) => {
                    return Err(NotifyError::SmtpTimedOut {
                        server: self.server.clone(),
                        secs: self.timeout_secs,
                    })
                }
            };

            // Servers such as Postfix reply `250 2.0.0 Ok: queued as 4Xb7Qd1Zz9z`, and that
            // queue id finds the message in the server's log. Other replies have no id, so the
            // Message-ID is used instead.
            let queue_id = response
                .message()
                .find_map(|line| line.split_once("queued as ").map(|(_, id)| id.trim()))
                .filter(|id| !id.is_empty())
                .map(str::to_owned);
            let id = queue_id.unwrap_or(message_id);

            tracing::info!(to = %masked_to, server = %self.server, id = %id, "mail sent");
            Ok(Delivery { id })
        })
    }

    fn describe(&self) -> String {
        let security = match self.security {
            SmtpSecurity::None => "no encryption",
            SmtpSecurity::StartTls => "STARTTLS",
            SmtpSecurity::Tls => "TLS",
        };
        format!("SMTP {} ({security}), from {}", self.server, self.from)
    }
}
