//! Building RFC 5322 messages with lettre, the folder mail channel and its reader.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use jiyue_core::Clock;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use rand_core::{OsRng, RngCore};

use crate::message::validate_email;
use crate::{mask_address, outbox, Delivery, Mail, MailChannel, NotifyError};

/// From address of messages in the folder outbox, under the reserved `.invalid` domain
/// (RFC 2606) because nothing is sent from it.
const FOLDER_FROM: &str = "noreply@jiyue.invalid";

/// Builds the RFC 5322 message for `mail`.
///
/// Headers with non-ASCII text are encoded per RFC 2047. Bodies are `charset=utf-8` with
/// the transfer encoding lettre picks (7bit, quoted-printable or base64). An HTML body makes
/// the message `multipart/alternative` with the text part first.
pub(crate) fn build_message(
    mail: &Mail,
    from: &Address,
    at: DateTime<Utc>,
) -> Result<Message, NotifyError> {
    mail.validate()?;

    let to: Address = mail.to.parse().map_err(|_| NotifyError::InvalidAddress {
        value: mask_address(&mail.to),
        reason: "it is not a valid RFC 5322 address",
    })?;

    let builder = Message::builder()
        .from(Mailbox::new(None, from.clone()))
        .to(Mailbox::new(None, to))
        .subject(mail.subject.as_str())
        .date(SystemTime::from(at))
        .message_id(Some(message_id(at, from.domain())));

    let built = match &mail.html {
        None => builder.singlepart(SinglePart::plain(mail.text.clone())),
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            html.clone(),
        )),
    };
    built.map_err(|error| NotifyError::Build(error.to_string()))
}

/// Parses and checks a configured From address.
pub(crate) fn parse_from(from: &str) -> Result<Address, NotifyError> {
    validate_email(from).map_err(|error| NotifyError::InvalidConfig {
        setting: "mail.from",
        message: error.to_string(),
    })?;
    from.parse().map_err(|_| NotifyError::InvalidConfig {
        setting: "mail.from",
        message: format!("{} is not a valid RFC 5322 address", mask_address(from)),
    })
}

/// Returns a unique Message-ID such as `<20261205T013000.123456Z.1f2e3d4c5b6a7988@example.cn>`.
fn message_id(at: DateTime<Utc>, domain: &str) -> String {
    let mut random = [0u8; 8];
    OsRng.fill_bytes(&mut random);
    format!(
        "<{}.{}@{domain}>",
        at.format("%Y%m%dT%H%M%S%.6fZ"),
        hex::encode(random)
    )
}

/// Mail channel that writes each message as an `.eml` file into a folder.
pub(crate) struct FolderMail {
    pub(crate) dir: PathBuf,
    pub(crate) clock: Arc<dyn Clock>,
}

impl MailChannel for FolderMail {
    fn send(&self, mail: &Mail) -> BoxFuture<'_, Result<Delivery, NotifyError>> {
        let at = self.clock.now();
        let prepared = FOLDER_FROM
            .parse::<Address>()
            .map_err(|error| NotifyError::Build(error.to_string()))
            .and_then(|from| build_message(mail, &from, at));
        let masked_to = mask_address(&mail.to);

        Box::pin(async move {
            let bytes = prepared?.formatted();
            let name = outbox::file_name(at, "eml");
            outbox::write_off_runtime(self.dir.clone(), name.clone(), bytes).await?;

            tracing::info!(to = %masked_to, file = %name, "mail written to the outbox folder");
            Ok(Delivery { id: name })
        })
    }

    fn describe(&self) -> String {
        format!("folder {}", self.dir.display())
    }
}

/// A message read back from the folder outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMail {
    /// The file name, which is also the [`Delivery::id`] the folder channel returned.
    pub file_name: String,
    /// The recipient address.
    pub to: String,
    /// The decoded subject.
    pub subject: String,
    /// The decoded plain text body, with the CRLF line breaks of the message turned back
    /// into LF.
    pub text: String,
    /// The decoded HTML body, when the message has one.
    pub html: Option<String>,
}

/// Reads every message in a mail outbox folder, oldest first. A missing folder has none.
///
/// # Errors
///
/// [`NotifyError::Io`] when the folder or a file cannot be read, and
/// [`NotifyError::Unreadable`] for a `.eml` file that is not a message with a recipient.
pub fn read_folder_mail(dir: &Path) -> Result<Vec<StoredMail>, NotifyError> {
    outbox::list(dir, "eml")?
        .iter()
        .map(|path| parse_stored(path))
        .collect()
}

fn parse_stored(path: &Path) -> Result<StoredMail, NotifyError> {
    let bytes = outbox::read(path)?;
    let unreadable = |reason: &str| NotifyError::Unreadable {
        path: path.into(),
        reason: reason.to_owned(),
    };

    let parsed = mail_parser::MessageParser::default()
        .parse(&bytes)
        .ok_or_else(|| unreadable("it is not an RFC 5322 message"))?;
    let to = parsed
        .to()
        .and_then(|to| to.first())
        .and_then(|to| to.address())
        .ok_or_else(|| unreadable("it has no To address"))?;
    let html = parsed.html_bodies().find(|part| part.is_text_html());

    Ok(StoredMail {
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        to: to.to_owned(),
        subject: parsed.subject().unwrap_or_default().to_owned(),
        text: parsed
            .body_text(0)
            .map(|text| text.replace("\r\n", "\n"))
            .unwrap_or_default(),
        html: html
            .and_then(|part| part.text_contents())
            .map(|html| html.replace("\r\n", "\n")),
    })
}
