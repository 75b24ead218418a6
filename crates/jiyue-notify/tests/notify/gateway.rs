//! The HTTP SMS gateway channel against Python's http.server on 127.0.0.1.

use std::collections::BTreeMap;
use std::path::Path;

use jiyue_notify::{sms_channel, NotifyError, Sms, SmsConfig};

use crate::peers::{wait_for, Peer};

const TOKEN: &str = "gateway-token-7f3a";

fn http_config(port: u16, path: &str, token: Option<&str>) -> SmsConfig {
    SmsConfig::Http {
        url: format!("http://127.0.0.1:{port}{path}"),
        token: token.map(str::to_owned),
        timeout_secs: 2,
    }
}

fn code_sms() -> Sms {
    Sms {
        to: "13912345678".to_owned(),
        template: "sign_in_code".to_owned(),
        params: BTreeMap::from([
            ("code".to_owned(), "604217".to_owned()),
            ("minutes".to_owned(), "5".to_owned()),
        ]),
        text: "【吉粤政务】您的登录验证码是 604217，5 分钟内有效。".to_owned(),
    }
}

fn requests(path: &Path) -> Vec<serde_json::Value> {
    wait_for(path);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test]
async fn gateway_receives_json_and_bearer() {
    let out = tempfile::tempdir().unwrap();
    let log = out.path().join("requests.jsonl");
    let gateway = Peer::start("sms_gateway.py", &log);
    let channel = sms_channel(&http_config(gateway.port, "/send", Some(TOKEN))).unwrap();

    let delivery = channel.send(&code_sms()).await.unwrap();

    assert_eq!(delivery.id, "gw-1");
    let received = requests(&log);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["path"], "/send");
    assert_eq!(received[0]["authorization"], format!("Bearer {TOKEN}"));
    assert_eq!(received[0]["content_type"], "application/json");
    assert_eq!(
        received[0]["body"],
        serde_json::json!({
            "to": "13912345678",
            "template": "sign_in_code",
            "params": {"code": "604217", "minutes": "5"},
            "text": "【吉粤政务】您的登录验证码是 604217，5 分钟内有效。",
        })
    );
}

#[tokio::test]
async fn gateway_without_token_or_id() {
    let out = tempfile::tempdir().unwrap();
    let log = out.path().join("requests.jsonl");
    let gateway = Peer::start("sms_gateway.py", &log);
    let channel = sms_channel(&http_config(gateway.port, "/no-id", None)).unwrap();

    let delivery = channel.send(&code_sms()).await.unwrap();

    assert_eq!(delivery.id, "");
    assert_eq!(requests(&log)[0]["authorization"], serde_json::Value::Null);
}

#[tokio::test]
async fn gateway_500_is_error() {
    let out = tempfile::tempdir().unwrap();
    let log = out.path().join("requests.jsonl");
    let gateway = Peer::start("sms_gateway.py", &log);
    let channel = sms_channel(&http_config(gateway.port, "/fail", Some(TOKEN))).unwrap();

    let error = channel.send(&code_sms()).await.unwrap_err();

    assert!(
        matches!(error, NotifyError::GatewayStatus { status: 500, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("HTTP 500"), "{message}");
    assert!(
        message.contains(&format!("http://127.0.0.1:{}/fail", gateway.port)),
        "{message}"
    );
    assert!(
        message.contains("internal error while sending to 139****5678"),
        "{message}"
    );
    assert!(!message.contains("13912345678"), "{message}");
    assert!(!message.contains(TOKEN), "{message}");
    assert!(error.is_transient());
}

#[tokio::test]
async fn gateway_slow_times_out() {
    let out = tempfile::tempdir().unwrap();
    let log = out.path().join("requests.jsonl");
    let gateway = Peer::start("sms_gateway.py", &log);
    let channel = sms_channel(&http_config(gateway.port, "/slow", None)).unwrap();

    let error = channel.send(&code_sms()).await.unwrap_err();

    assert!(
        matches!(error, NotifyError::GatewayTimedOut { secs: 2, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn gateway_down_is_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let channel = sms_channel(&http_config(port, "/send?key=query-secret", Some(TOKEN))).unwrap();

    let error = channel.send(&code_sms()).await.unwrap_err();

    assert!(
        matches!(error, NotifyError::GatewayFailed { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("http://127.0.0.1:{port}/send")),
        "{message}"
    );
    assert!(!message.contains("query-secret"), "{message}");
    assert!(!message.contains(TOKEN), "{message}");
}

#[test]
fn gateway_describe_hides_secrets() {
    let config = SmsConfig::Http {
        url: "http://user:pw@sms.internal:8080/send?key=query-secret".to_owned(),
        token: Some(TOKEN.to_owned()),
        timeout_secs: 30,
    };
    let channel = sms_channel(&config).unwrap();
    assert_eq!(
        channel.describe(),
        "HTTP SMS gateway http://sms.internal:8080/send"
    );
}

#[test]
fn gateway_bad_url_rejected() {
    for url in ["", "sms.internal/send", "ftp://sms.internal/send"] {
        let config = SmsConfig::Http {
            url: url.to_owned(),
            token: None,
            timeout_secs: 30,
        };
        let error = sms_channel(&config).err().unwrap().to_string();
        assert!(error.contains("sms.url"), "{url}: {error}");
    }
}
