//! Sending alert deliveries: mail through the configured channel and JSON posts to webhooks.
//!
//! A node claims a delivery before it sends, by moving its next attempt into the future and
//! counting the attempt in one conditional update, so two nodes never send it at once. A
//! failure is retried later with growing pauses and given up after a few attempts. Each webhook
//! post carries the delivery id in a header and in the body, so a receiver that gets a retried
//! post twice can drop the second.

use std::net::SocketAddr;
use std::time::Duration;

use hmac::{Hmac, Mac};
use jiyue_db::{AlertRecord, DbError, DeliveryRecord};
use serde::Serialize;

use crate::App;

/// Deliveries sent per cycle at most.
const BATCH: i64 = 50;

/// Attempts before a delivery is given up.
const MAX_ATTEMPTS: i64 = 6;

/// Time one webhook post may take.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// The header that carries the signature of a webhook body.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "x-jiyue-signature";

/// The header that carries the delivery id of a webhook post.
const DELIVERY_HEADER: &str = "x-jiyue-delivery";

/// A webhook receiving alert events.
#[derive(Clone)]
pub struct Webhook {
    pub url: url::Url,
    /// The key of the HMAC-SM3 signature of each body; empty sends no signature.
    pub secret: String,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url.as_str())
            .field("secret", &if self.secret.is_empty() { "" } else { "***" })
            .finish()
    }
}

/// Returns the signature of a webhook body: `hmac-sm3=` and the lowercase hex HMAC-SM3 of the body
/// under the webhook's secret.
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    match Hmac::<sm3::Sm3>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            format!("hmac-sm3={}", hex::encode(mac.finalize().into_bytes()))
        }
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => String::new(),
    }
}

/// Returns the pause before the next attempt after `attempts` attempts: 1, 5, 30, 120 and 360 minutes.
fn backoff(attempts: i64) -> chrono::Duration {
    let minutes = match attempts {
        0 => 1,
        1 => 5,
        2 => 30,
        3 => 120,
        _ => 360,
    };
    chrono::Duration::minutes(minutes)
}

/// Sends every due delivery of this cycle; returns how many were sent.
pub(super) async fn send_due(app: &App) -> Result<usize, DbError> {
    let due = app.db.due_deliveries(BATCH).await?;
    let mut sent = 0;
    for delivery in due {
        let retry_at = app.clock.now() + backoff(delivery.attempts);
        if !app
            .db
            .claim_delivery(delivery.id, delivery.attempts, retry_at)
            .await?
        {
            continue;
        }
        let Some(alert) = app.db.alert(delivery.alert_id).await? else {
            app.db
                .delivery_failed(delivery.id, "the alert no longer exists", true)
                .await?;
            continue;
        };
        let result = match delivery.channel.as_str() {
            "mail" => send_mail(app, &alert, &delivery).await,
            "webhook" => send_webhook(app, &alert, &delivery).await,
            other => Err(format!("unknown delivery channel {other:?}")),
        };
        match result {
            Ok(()) => {
                app.db.delivery_sent(delivery.id).await?;
                tracing::info!(
                    delivery = delivery.id,
                    alert = alert.id,
                    channel = %delivery.channel,
                    event = %delivery.event,
                    "alert delivered"
                );
                sent += 1;
            }
            Err(error) => {
                let give_up = delivery.attempts + 1 >= MAX_ATTEMPTS;
                tracing::warn!(
                    delivery = delivery.id,
                    alert = alert.id,
                    channel = %delivery.channel,
                    attempts = delivery.attempts + 1,
                    give_up,
                    %error,
                    "an alert delivery failed"
                );
                app.db.delivery_failed(delivery.id, &error, give_up).await?;
            }
        }
    }
    Ok(sent)
}

/// Formats the one-line summary of an alert in the admin language.
pub(crate) fn summary(alert: &AlertRecord) -> String {
    let args: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&alert.args).unwrap_or_default();
    let pairs: Vec<(&str, String)> = args
        .iter()
        .map(|(name, value)| (name.as_str(), value.clone()))
        .collect();
    crate::admin::render::format(&alert.message, &pairs)
}

fn site_label(app: &App, alert: &AlertRecord) -> String {
    alert
        .site_id
        .and_then(|id| app.directory().sites.get(&id).map(|site| site.name.clone()))
        .unwrap_or_else(|| crate::admin::render::message("monitor-platform"))
}

fn event_label(event: &str) -> String {
    let key = match event.split(':').next().unwrap_or(event) {
        "raised" => "monitor-event-raised",
        "worsened" => "monitor-event-worsened",
        "escalated" => "monitor-event-escalated",
        "resolved" => "monitor-event-resolved",
        _ => "monitor-event-other",
    };
    crate::admin::render::message(key)
}

fn alert_url(app: &App, alert: &AlertRecord) -> Option<String> {
    let base = app.desk().admin_url.trim_end_matches('/').to_string();
    (!base.is_empty()).then(|| format!("{base}/monitor/alerts/{}", alert.id))
}

async fn send_mail(
    app: &App,
    alert: &AlertRecord,
    delivery: &DeliveryRecord,
) -> Result<(), String> {
    let desk = app.desk();
    let Some(mail) = &desk.mail else {
        return Err("no mail channel is configured".to_string());
    };
    let message = |key: &str| crate::admin::render::message(key);
    let severity = message(&format!("monitor-severity-{}", alert.severity));
    let site = site_label(app, alert);
    let summary = summary(alert);
    let subject = format!(
        "[{}][{severity}] {site}: {summary}",
        event_label(&delivery.event)
    )
    .replace(['\r', '\n'], " ");
    let mut text = format!(
        "{summary}\n\n{}: {site}\n{}: {severity}\n{}: {}\n{}: {}\n\n{}:\n{}\n",
        message("monitor-col-site"),
        message("monitor-col-severity"),
        message("monitor-col-check"),
        message(&format!("monitor-check-{}", alert.check)),
        message("monitor-col-due"),
        alert.due_on,
        message("monitor-evidence"),
        alert.evidence,
    );
    if let Some(url) = alert_url(app, alert) {
        text.push_str(&format!("\n{url}\n"));
    }
    let mail_message = jiyue_notify::Mail {
        to: delivery.target.clone(),
        subject,
        text,
        html: None,
    };
    mail.send(&mail_message)
        .await
        .map(|_| ())
        .map_err(|error| error.to_string())
}

/// The JSON body of a webhook post.
#[derive(Debug, Serialize)]
struct WebhookBody<'a> {
    delivery_id: i64,
    event: &'a str,
    alert: WebhookAlert<'a>,
}

#[derive(Debug, Serialize)]
struct WebhookAlert<'a> {
    id: i64,
    check: &'a str,
    severity: &'a str,
    status: &'a str,
    site_code: Option<String>,
    site_name: String,
    summary: String,
    evidence: &'a str,
    raised_at: String,
    due_on: String,
    level: i64,
    url: Option<String>,
}

async fn send_webhook(
    app: &App,
    alert: &AlertRecord,
    delivery: &DeliveryRecord,
) -> Result<(), String> {
    let desk = app.desk();
    let Some(hook) = desk
        .webhooks
        .iter()
        .find(|hook| hook.url.as_str() == delivery.target)
    else {
        return Err("the webhook is no longer configured".to_string());
    };
    let site_code = alert
        .site_id
        .and_then(|id| app.directory().sites.get(&id).map(|site| site.code.clone()));
    let body = WebhookBody {
        delivery_id: delivery.id,
        event: &delivery.event,
        alert: WebhookAlert {
            id: alert.id,
            check: &alert.check,
            severity: &alert.severity,
            status: &alert.status,
            site_code,
            site_name: site_label(app, alert),
            summary: summary(alert),
            evidence: &alert.evidence,
            raised_at: alert.raised_at.to_rfc3339(),
            due_on: alert.due_on.to_string(),
            level: alert.level,
            url: alert_url(app, alert),
        },
    };
    let bytes = serde_json::to_vec(&body).map_err(|error| error.to_string())?;
    let address = resolve_checked(&hook.url, desk.allow_private).await?;
    let host = hook.url.host_str().unwrap_or_default().to_string();
    let client = reqwest::Client::builder()
        .timeout(WEBHOOK_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&host, address)
        .build()
        .map_err(|error| format!("building the webhook client failed: {error}"))?;
    let mut request = client
        .post(hook.url.clone())
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(DELIVERY_HEADER, delivery.id.to_string())
        .header(http::header::USER_AGENT, "Jiyue-Alerts/1");
    if !hook.secret.is_empty() {
        request = request.header(
            WEBHOOK_SIGNATURE_HEADER,
            webhook_signature(&hook.secret, &bytes),
        );
    }
    let response = request
        .body(bytes)
        .send()
        .await
        .map_err(|error| format!("posting to the webhook failed: {error}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the webhook answered {status}"))
    }
}

/// Resolves the webhook's host once and returns the address to connect to, refusing private,
/// loopback and link-local addresses unless `allow_private`.
async fn resolve_checked(url: &url::Url, allow_private: bool) -> Result<SocketAddr, String> {
    let host = url
        .host_str()
        .ok_or_else(|| format!("webhook URL {url} has no host"))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| format!("webhook URL {url} has no port"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|error| format!("resolving webhook host {host} failed: {error}"))?;
    let mut refused = None;
    for address in addresses {
        if allow_private || crate::net::is_public(address.ip()) {
            return Ok(address);
        }
        refused = Some(address);
    }
    Err(match refused {
        Some(address) => format!(
            "webhook host {host} resolves to the private address {}; set [monitor] \
             allow_private = true only for tests",
            address.ip()
        ),
        None => format!("webhook host {host} has no address"),
    })
}
