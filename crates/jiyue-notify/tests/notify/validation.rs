//! Validation of mail and SMS before sending, and masking of recipients.

use std::collections::BTreeMap;

use jiyue_notify::{
    mail_channel, mask_address, sms_channel, Mail, MailConfig, NotifyError, Sms, SmsConfig,
};

#[test]
fn mask_address_cases() {
    let cases = [
        ("13812345678", "138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("zhangsan@example.cn", "z***@example.cn"),
        ("张三丰@例子.中国", "张***@例子.中国"),
        ("ab@example.cn", "***@example.cn"),
        ("@example.cn", "***@example.cn"),
        ("a@b@example.cn", "a***@example.cn"),
        ("x\r\nBcc: evil@example.cn", "x***@example.cn"),
        ("0431-88886666", "***"),
        ("12345678", "******78"),
        ("12345", "***"),
        ("", "***"),
        ("not an address", "***"),
    ];
    for (input, expected) in cases {
        assert_eq!(mask_address(input), expected, "input {input:?}");
    }
}

fn mail(to: &str, subject: &str) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: "正文".to_owned(),
        html: None,
    }
}

#[test]
fn mail_invalid_addresses_rejected() {
    let cases = [
        ("", "empty"),
        ("zhangsan", "no @"),
        ("@example.cn", "before @ is empty"),
        ("zhangsan@localhost", "no dot"),
        ("zhangsan@example..cn", "empty label"),
        ("zhang san@example.cn", "whitespace"),
        ("zhangsan@example.cn\r\nBcc: x@evil.cn", "line break"),
        ("a@b@example.cn", "more than one @"),
        ("张三 <zhangsan@example.cn>", "whitespace"),
        ("zhangsan@example.cn,lisi@example.cn", "one of"),
    ];
    for (to, reason) in cases {
        let error = mail(to, "验证码").validate().unwrap_err();
        assert!(
            matches!(error, NotifyError::InvalidAddress { .. }),
            "{to:?}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(reason), "{to:?}: {message}");
        assert!(message.contains("local@domain"), "{to:?}: {message}");
        if to.len() > 3 && !to.starts_with('@') {
            assert!(!message.contains(to), "{to:?} appears unmasked: {message}");
        }
    }
}

#[test]
fn mail_subject_injection_rejected() {
    for subject in ["验证码\r\nBcc: evil@example.cn", "a\nb", "a\rb"] {
        let error = mail("zhangsan@example.cn", subject).validate().unwrap_err();
        assert!(
            matches!(error, NotifyError::HeaderInjection { field: "subject" }),
            "{error:?}"
        );
        assert!(error.to_string().contains("remove CR and LF"), "{error}");
    }
}

#[tokio::test]
async fn invalid_mail_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("outbox-mail");
    let channel = mail_channel(&MailConfig::Folder { dir: dir.clone() }).unwrap();

    let error = channel
        .send(&mail("zhangsan@example.cn", "a\r\nBcc: x@y.cn"))
        .await
        .unwrap_err();

    assert!(
        matches!(error, NotifyError::HeaderInjection { .. }),
        "{error:?}"
    );
    assert!(!dir.exists());
}

fn sms(to: &str, template: &str) -> Sms {
    Sms {
        to: to.to_owned(),
        template: template.to_owned(),
        params: BTreeMap::new(),
        text: "验证码 123456".to_owned(),
    }
}

#[test]
fn sms_invalid_numbers_rejected() {
    for to in [
        "",
        "1381234567",
        "138123456789",
        "23812345678",
        "+8613812345678",
        "138-1234-5678",
        "１３８１２３４５６７８",
    ] {
        let error = sms(to, "sign_in_code").validate().unwrap_err();
        assert!(
            matches!(error, NotifyError::InvalidMobile { .. }),
            "{to:?}: {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("11 digits starting with 1"),
            "{to:?}: {message}"
        );
        if !to.is_empty() {
            assert!(!message.contains(to), "{to:?} appears unmasked: {message}");
        }
    }
    assert!(sms("13812345678", "sign_in_code").validate().is_ok());
}

#[test]
fn sms_invalid_templates_rejected() {
    for template in ["", "sign in", "码", "a/b"] {
        let error = sms("13812345678", template).validate().unwrap_err();
        assert!(
            matches!(error, NotifyError::InvalidTemplate { .. }),
            "{template:?}: {error:?}"
        );
    }
}

#[tokio::test]
async fn invalid_sms_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("outbox-sms");
    let channel = sms_channel(&SmsConfig::Folder { dir: dir.clone() }).unwrap();

    let error = channel
        .send(&sms("1381234567", "sign_in_code"))
        .await
        .unwrap_err();

    assert!(
        matches!(error, NotifyError::InvalidMobile { .. }),
        "{error:?}"
    );
    assert!(!dir.exists());
}
