//! SMTP delivery to aiosmtpd on 127.0.0.1, with Python's email package judging the result.

use std::path::Path;

use jiyue_notify::{mail_channel, Mail, MailConfig, NotifyError, SmtpSecurity};

use crate::peers::{crlf, parse_mail, wait_for, Peer};

const SUBJECT: &str = "【吉粤政务】请验证您的电子邮箱";
const TEXT: &str = "李四，您好：\n\n请打开以下链接完成邮箱验证：\nhttp://www.jy.gov.cn/verify?t=abc123\n\n此链接 24 小时内有效。\n";
const HTML: &str =
    "<p>李四，您好：</p><p><a href=\"http://www.jy.gov.cn/verify?t=abc123\">验证邮箱</a></p>";
const PASSWORD: &str = "s3cret-smtp-password";

fn smtp_config(port: u16, username: Option<&str>) -> MailConfig {
    MailConfig::Smtp {
        host: "127.0.0.1".to_owned(),
        port,
        security: SmtpSecurity::None,
        username: username.map(str::to_owned),
        password: username.map(|_| PASSWORD.to_owned()),
        from: "noreply@jy.gov.cn".to_owned(),
        timeout_secs: 5,
    }
}

fn mail_to(to: &str, html: Option<&str>) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: SUBJECT.to_owned(),
        text: TEXT.to_owned(),
        html: html.map(str::to_owned),
    }
}

fn start_sink(out: &Path) -> Peer {
    Peer::start("smtp_sink.py", out)
}

#[tokio::test]
async fn smtp_delivers_chinese_mail() {
    let out = tempfile::tempdir().unwrap();
    let sink = start_sink(out.path());
    let channel = mail_channel(&smtp_config(sink.port, None)).unwrap();

    let delivery = channel
        .send(&mail_to("lisi@example.cn", None))
        .await
        .unwrap();

    assert_eq!(delivery.id, "Q1");
    let stored = out.path().join("1.eml");
    wait_for(&stored);
    let parsed = parse_mail(&stored);
    assert_eq!(parsed["subject"], SUBJECT);
    assert_eq!(parsed["text"], crlf(TEXT));
    assert_eq!(parsed["to"], "lisi@example.cn");
    assert_eq!(parsed["from"], "noreply@jy.gov.cn");
    assert_eq!(parsed["text_charset"], "utf-8");
    assert_eq!(parsed["headers_ascii"], true);
    assert_eq!(parsed["defects"], serde_json::json!([]));
    assert!(
        parsed["message_id"]
            .as_str()
            .unwrap()
            .ends_with("@jy.gov.cn>"),
        "{parsed}"
    );
}

#[tokio::test]
async fn smtp_delivers_alternative_html() {
    let out = tempfile::tempdir().unwrap();
    let sink = start_sink(out.path());
    let channel = mail_channel(&smtp_config(sink.port, None)).unwrap();

    channel
        .send(&mail_to("lisi@example.cn", Some(HTML)))
        .await
        .unwrap();

    let stored = out.path().join("1.eml");
    wait_for(&stored);
    let parsed = parse_mail(&stored);
    assert_eq!(parsed["content_type"], "multipart/alternative");
    assert_eq!(parsed["text"], crlf(TEXT));
    assert_eq!(parsed["html"].as_str().map(str::trim_end), Some(HTML));
}

#[tokio::test]
async fn smtp_login_accepted() {
    let out = tempfile::tempdir().unwrap();
    let sink = start_sink(out.path());
    let channel = mail_channel(&smtp_config(sink.port, Some("noreply"))).unwrap();

    let delivery = channel
        .send(&mail_to("lisi@example.cn", None))
        .await
        .unwrap();

    assert_eq!(delivery.id, "Q1");
}

#[tokio::test]
async fn smtp_wrong_password_is_error() {
    let out = tempfile::tempdir().unwrap();
    let sink = start_sink(out.path());
    let channel = mail_channel(&smtp_config(sink.port, Some("intruder"))).unwrap();

    let error = channel
        .send(&mail_to("lisi@example.cn", None))
        .await
        .unwrap_err();

    assert!(
        matches!(error, NotifyError::SmtpRejected { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("535"), "{message}");
    assert!(!message.contains(PASSWORD), "{message}");
    assert!(!out.path().join("1.eml").exists());
}

#[tokio::test]
async fn smtp_rejected_recipient_is_error() {
    let out = tempfile::tempdir().unwrap();
    let sink = start_sink(out.path());
    let channel = mail_channel(&smtp_config(sink.port, None)).unwrap();

    let error = channel
        .send(&mail_to("nobody@example.cn", None))
        .await
        .unwrap_err();

    assert!(
        matches!(error, NotifyError::SmtpRejected { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("127.0.0.1:{}", sink.port)),
        "{message}"
    );
    assert!(message.contains("No such user"), "{message}");
    assert!(!message.contains("nobody@example.cn"), "{message}");
    assert!(!error.is_transient());
}

#[tokio::test]
async fn smtp_server_down_is_error() {
    // Bind and release a port so nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let channel = mail_channel(&smtp_config(port, Some("noreply"))).unwrap();

    let error = channel
        .send(&mail_to("lisi@example.cn", None))
        .await
        .unwrap_err();

    assert!(matches!(error, NotifyError::SmtpFailed { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.to_lowercase().contains("refused"), "{message}");
    assert!(!message.contains(PASSWORD), "{message}");
    assert!(error.is_transient());
}

#[tokio::test]
async fn smtp_silent_server_times_out() {
    // Accept connections but never send the greeting.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut config = smtp_config(port, None);
    if let MailConfig::Smtp { timeout_secs, .. } = &mut config {
        *timeout_secs = 1;
    }
    let channel = mail_channel(&config).unwrap();

    let started = std::time::Instant::now();
    let error = channel
        .send(&mail_to("lisi@example.cn", None))
        .await
        .unwrap_err();

    assert!(
        matches!(error, NotifyError::SmtpTimedOut { secs: 1, .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    drop(listener);
}

#[test]
fn smtp_describe_hides_password() {
    let channel = mail_channel(&smtp_config(2525, Some("noreply"))).unwrap();
    let described = channel.describe();
    assert_eq!(
        described,
        "SMTP 127.0.0.1:2525 (no encryption), from noreply@jy.gov.cn"
    );
}

#[test]
fn smtp_config_checked_early() {
    let mut config = smtp_config(25, None);
    if let MailConfig::Smtp { from, .. } = &mut config {
        *from = "not-an-address".to_owned();
    }
    let error = mail_channel(&config).err().unwrap().to_string();
    assert!(error.contains("mail.from"), "{error}");

    let mut config = smtp_config(25, None);
    if let MailConfig::Smtp { username, .. } = &mut config {
        *username = Some("noreply".to_owned());
    }
    let error = mail_channel(&config).err().unwrap().to_string();
    assert!(
        error.contains("username and password must be set together"),
        "{error}"
    );
}

#[tokio::test]
async fn smtp_starttls_required_not_offered() {
    let out = tempfile::tempdir().unwrap();
    let sink = start_sink(out.path());
    let mut config = smtp_config(sink.port, None);
    if let MailConfig::Smtp { security, .. } = &mut config {
        *security = SmtpSecurity::StartTls;
    }
    let channel = mail_channel(&config).unwrap();

    let error = channel
        .send(&mail_to("lisi@example.cn", None))
        .await
        .unwrap_err();

    // The sink offers no STARTTLS, and the channel must not fall back to plain text.
    assert!(matches!(error, NotifyError::SmtpFailed { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains(&format!("127.0.0.1:{}", sink.port)),
        "{error}"
    );
    assert!(!out.path().join("1.eml").exists());
}
