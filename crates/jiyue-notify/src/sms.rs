//! The SMS channels: a folder of JSON files, and an HTTP gateway that takes JSON.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use jiyue_core::{mask_personal_data, Clock};
use serde::Serialize;

use crate::{mask_address, outbox, Delivery, NotifyError, Sms, SmsChannel};

/// Maximum number of characters of a gateway's error body kept in the error message.
const MAX_ERROR_BODY_CHARS: usize = 200;

/// SMS channel that writes each message as a `.json` file into a folder.
pub(crate) struct FolderSms {
    pub(crate) dir: PathBuf,
    pub(crate) clock: Arc<dyn Clock>,
}

/// The JSON stored for one message in the SMS outbox folder.
#[derive(Serialize)]
struct StoredSms<'a> {
    #[serde(flatten)]
    sms: &'a Sms,
    at: DateTime<Utc>,
}

impl SmsChannel for FolderSms {
    fn send(&self, sms: &Sms) -> BoxFuture<'_, Result<Delivery, NotifyError>> {
        let at = self.clock.now();
        let prepared = sms.validate().and_then(|()| {
            serde_json::to_vec_pretty(&StoredSms { sms, at })
                .map_err(|error| NotifyError::Build(error.to_string()))
        });
        let masked_to = mask_address(&sms.to);

        Box::pin(async move {
            let bytes = prepared?;
            let name = outbox::file_name(at, "json");
            outbox::write_off_runtime(self.dir.clone(), name.clone(), bytes).await?;

            tracing::info!(to = %masked_to, file = %name, "SMS written to the outbox folder");
            Ok(Delivery { id: name })
        })
    }

    fn describe(&self) -> String {
        format!("folder {}", self.dir.display())
    }
}

/// Reads every message in an SMS outbox folder, oldest first. A missing folder has none.
///
/// # Errors
///
/// [`NotifyError::Io`] when the folder or a file cannot be read, and
/// [`NotifyError::Unreadable`] for a `.json` file that is not a stored message.
pub fn read_folder_sms(dir: &Path) -> Result<Vec<Sms>, NotifyError> {
    let mut messages = Vec::new();
    for path in outbox::list(dir, "json")? {
        let bytes = outbox::read(&path)?;
        let sms = serde_json::from_slice(&bytes).map_err(|error| NotifyError::Unreadable {
            path,
            reason: error.to_string(),
        })?;
        messages.push(sms);
    }
    Ok(messages)
}

/// SMS channel that posts JSON to an HTTP gateway.
pub(crate) struct HttpSms {
    client: reqwest::Client,
    url: reqwest::Url,
    display_url: String,
    token: Option<String>,
    timeout_secs: u64,
}

/// The JSON body posted to the gateway.
#[derive(Serialize)]
struct GatewayRequest<'a> {
    to: &'a str,
    template: &'a str,
    params: &'a std::collections::BTreeMap<String, String>,
    text: &'a str,
}

impl HttpSms {
    /// Checks the settings and builds the HTTP client. Connects only when sending.
    pub(crate) fn new(
        url: &str,
        token: Option<&str>,
        timeout_secs: u64,
    ) -> Result<Self, NotifyError> {
        let invalid = |message: String| NotifyError::InvalidConfig {
            setting: "sms.url",
            message,
        };

        let parsed = reqwest::Url::parse(url)
            .map_err(|error| invalid(format!("{error}; use a URL such as http://host/send")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "scheme {} is not http or https",
                parsed.scheme()
            )));
        }
        if timeout_secs == 0 {
            return Err(NotifyError::InvalidConfig {
                setting: "sms.timeout_secs",
                message: "0 s would time out at once; use a value such as 30".into(),
            });
        }

        // An https:// gateway is verified against the webpki-roots bundle (reqwest with rustls).
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(timeout_secs))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| invalid(format!("cannot build the HTTP client: {error}")))?;

        Ok(Self {
            client,
            display_url: display_url(&parsed),
            url: parsed,
            token: token.map(str::to_owned),
            timeout_secs,
        })
    }

    async fn post(&self, body: Vec<u8>) -> Result<Delivery, NotifyError> {
        let mut request = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }

        let response = request
            .send()
            .await
            .map_err(|error| self.map_error(error))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|error| self.map_error(error))?;

        if !status.is_success() {
            return Err(NotifyError::GatewayStatus {
                url: self.display_url.clone(),
                status: status.as_u16(),
                body: masked_snippet(&text),
            });
        }

        Ok(Delivery {
            id: gateway_id(&text).unwrap_or_default(),
        })
    }

    fn map_error(&self, error: reqwest::Error) -> NotifyError {
        let url = self.display_url.clone();
        if error.is_timeout() {
            return NotifyError::GatewayTimedOut {
                url,
                secs: self.timeout_secs,
            };
        }

        // The URL may carry credentials in its query, and `display_url` already names the gateway.
        let error = error.without_url();
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            detail.push_str(": ");
            detail.push_str(&cause.to_string());
            source = cause.source();
        }
        NotifyError::GatewayFailed { url, detail }
    }
}

impl SmsChannel for HttpSms {
    fn send(&self, sms: &Sms) -> BoxFuture<'_, Result<Delivery, NotifyError>> {
        let body = sms.validate().and_then(|()| {
            let request = GatewayRequest {
                to: &sms.to,
                template: &sms.template,
                params: &sms.params,
                text: &sms.text,
            };
            serde_json::to_vec(&request).map_err(|error| NotifyError::Build(error.to_string()))
        });
        let masked_to = mask_address(&sms.to);

        Box::pin(async move {
            let delivery = self.post(body?).await?;
            tracing::info!(to = %masked_to, gateway = %self.display_url, id = %delivery.id, "SMS sent");
            Ok(delivery)
        })
    }

    fn describe(&self) -> String {
        format!("HTTP SMS gateway {}", self.display_url)
    }
}

/// Returns the URL without user info, query and fragment, for messages and logs.
pub(crate) fn display_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    // Both setters fail only for URLs that cannot have user info, which then have none.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Returns the `id` field of a JSON object response, as text, or `None` when there is none.
fn gateway_id(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    match value.get("id")? {
        serde_json::Value::String(id) => Some(id.clone()),
        serde_json::Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// Returns the start of an error body with personal data masked, because gateways may echo
/// the recipient's number.
fn masked_snippet(body: &str) -> String {
    let snippet: String = body
        .chars()
        .take(MAX_ERROR_BODY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let snippet = snippet.trim();
    if snippet.is_empty() {
        return "(empty body)".to_owned();
    }
    mask_personal_data(snippet, &[]).text
}
