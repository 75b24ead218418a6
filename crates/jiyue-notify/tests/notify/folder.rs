//! Folder outboxes: round trips, file names, permissions, and Python's view of the `.eml`.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use jiyue_core::FixedClock;
use jiyue_notify::{
    mail_channel, mail_channel_with_clock, read_folder_mail, read_folder_sms,
    sms_channel_with_clock, Mail, MailConfig, Sms, SmsConfig,
};

use crate::peers::{crlf, parse_mail};

const SUBJECT: &str = "【吉粤政务】注册验证码 Sign-up code";
const TEXT: &str = "您好，张三：\n\n您的注册验证码是 482913，10 分钟内有效。请勿泄露给他人。\n\n吉粤省人民政府门户网站\n";
const HTML: &str = "<p>您好，张三：</p><p>您的注册验证码是 <b>482913</b>。</p>";

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 12, 5, 1, 30, 0).unwrap(),
    ))
}

fn chinese_mail(html: Option<&str>) -> Mail {
    Mail {
        to: "zhangsan@example.cn".to_owned(),
        subject: SUBJECT.to_owned(),
        text: TEXT.to_owned(),
        html: html.map(str::to_owned),
    }
}

#[tokio::test]
async fn folder_mail_round_trip_chinese() {
    let data = tempfile::tempdir().unwrap();
    let config = MailConfig::folder_in(data.path());
    let channel = mail_channel_with_clock(&config, clock()).unwrap();

    let delivery = channel.send(&chinese_mail(None)).await.unwrap();

    let stored = read_folder_mail(&data.path().join("outbox-mail")).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].file_name, delivery.id);
    assert_eq!(stored[0].to, "zhangsan@example.cn");
    assert_eq!(stored[0].subject, SUBJECT);
    assert_eq!(stored[0].text, TEXT);
    assert_eq!(stored[0].html, None);
    assert!(
        delivery.id.starts_with("20261205T013000.000000Z-"),
        "{}",
        delivery.id
    );
    assert!(delivery.id.ends_with(".eml"), "{}", delivery.id);
}

#[tokio::test]
async fn folder_mail_python_reads_it() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("outbox-mail");
    let channel =
        mail_channel_with_clock(&MailConfig::Folder { dir: dir.clone() }, clock()).unwrap();

    let plain = channel.send(&chinese_mail(None)).await.unwrap();
    let both = channel.send(&chinese_mail(Some(HTML))).await.unwrap();

    let parsed = parse_mail(&dir.join(&plain.id));
    assert_eq!(parsed["subject"], SUBJECT);
    assert_eq!(parsed["to"], "zhangsan@example.cn");
    assert_eq!(parsed["content_type"], "text/plain");
    assert_eq!(parsed["text_charset"], "utf-8");
    assert_eq!(parsed["text"], crlf(TEXT));
    assert_eq!(parsed["headers_ascii"], true);
    assert_eq!(parsed["date"], "Sat, 05 Dec 2026 01:30:00 +0000");
    assert_eq!(parsed["defects"], serde_json::json!([]));

    let parsed = parse_mail(&dir.join(&both.id));
    assert_eq!(parsed["content_type"], "multipart/alternative");
    assert_eq!(parsed["subject"], SUBJECT);
    assert_eq!(parsed["text"], crlf(TEXT));
    assert_eq!(parsed["html"].as_str().map(str::trim_end), Some(HTML));
    assert_eq!(parsed["defects"], serde_json::json!([]));

    // Both files share a timestamp, so find the HTML one by name, not by position.
    let stored = read_folder_mail(&dir).unwrap();
    let with_html = stored
        .iter()
        .find(|mail| mail.file_name == both.id)
        .unwrap();
    assert_eq!(with_html.html.as_deref().map(str::trim_end), Some(HTML));
    assert_eq!(with_html.text, TEXT);
}

#[tokio::test]
async fn folder_mail_names_sort_by_time() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("outbox-mail");
    let clock = clock();
    let channel =
        mail_channel_with_clock(&MailConfig::Folder { dir: dir.clone() }, clock.clone()).unwrap();

    let mut ids = Vec::new();
    for n in 0..3 {
        let mut mail = chinese_mail(None);
        mail.subject = format!("第 {n} 封");
        ids.push(channel.send(&mail).await.unwrap().id);
        if n == 0 {
            clock.advance(Duration::milliseconds(1));
        }
    }

    // The last two share a timestamp, so only their random parts tell them apart.
    assert_ne!(ids[1], ids[2]);
    let subjects: Vec<String> = read_folder_mail(&dir)
        .unwrap()
        .into_iter()
        .map(|mail| mail.subject)
        .collect();
    assert_eq!(subjects[0], "第 0 封");
    assert_eq!(subjects.len(), 3);
}

#[cfg(unix)]
#[tokio::test]
async fn folder_permissions_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let data = tempfile::tempdir().unwrap();
    let mail_dir = data.path().join("outbox-mail");
    let sms_dir = data.path().join("outbox-sms");
    let mail = mail_channel(&MailConfig::Folder {
        dir: mail_dir.clone(),
    })
    .unwrap();
    let sms = jiyue_notify::sms_channel(&SmsConfig::Folder {
        dir: sms_dir.clone(),
    })
    .unwrap();

    let mail_id = mail.send(&chinese_mail(None)).await.unwrap().id;
    let sms_id = sms.send(&code_sms()).await.unwrap().id;

    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&mail_dir), 0o700);
    assert_eq!(mode(&sms_dir), 0o700);
    assert_eq!(mode(&mail_dir.join(mail_id)), 0o600);
    assert_eq!(mode(&sms_dir.join(sms_id)), 0o600);

    let leftovers: Vec<_> = std::fs::read_dir(&mail_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

fn code_sms() -> Sms {
    Sms {
        to: "13812345678".to_owned(),
        template: "sign_in_code".to_owned(),
        params: BTreeMap::from([("code".to_owned(), "482913".to_owned())]),
        text: "【吉粤政务】您的登录验证码是 482913，5 分钟内有效。".to_owned(),
    }
}

#[tokio::test]
async fn folder_sms_round_trip() {
    let data = tempfile::tempdir().unwrap();
    let config = SmsConfig::folder_in(data.path());
    let channel = sms_channel_with_clock(&config, clock()).unwrap();

    let delivery = channel.send(&code_sms()).await.unwrap();

    let dir = data.path().join("outbox-sms");
    assert_eq!(read_folder_sms(&dir).unwrap(), vec![code_sms()]);

    let raw: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(&delivery.id)).unwrap()).unwrap();
    assert_eq!(raw["to"], "13812345678");
    assert_eq!(raw["template"], "sign_in_code");
    assert_eq!(raw["params"]["code"], "482913");
    assert_eq!(raw["at"], "2026-12-05T01:30:00Z");
    assert!(delivery.id.ends_with(".json"), "{}", delivery.id);
}

#[test]
fn folder_missing_reads_empty() {
    let data = tempfile::tempdir().unwrap();
    assert!(read_folder_mail(&data.path().join("none"))
        .unwrap()
        .is_empty());
    assert!(read_folder_sms(&data.path().join("none"))
        .unwrap()
        .is_empty());
}

#[test]
fn folder_foreign_file_is_error() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("20260101T000000.000000Z-x.json"),
        "not json",
    )
    .unwrap();
    std::fs::write(data.path().join("notes.txt"), "ignored").unwrap();

    let error = read_folder_sms(data.path()).unwrap_err().to_string();
    assert!(error.contains("20260101T000000.000000Z-x.json"), "{error}");
    assert!(error.contains("move the file out"), "{error}");
}

#[test]
fn describe_names_folder() {
    let config = MailConfig::Folder {
        dir: "/srv/jiyue/outbox-mail".into(),
    };
    let channel = mail_channel(&config).unwrap();
    assert_eq!(channel.describe(), "folder /srv/jiyue/outbox-mail");
}
