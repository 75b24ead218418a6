//! Channel configs read from TOML, and their `Debug` output.

use jiyue_notify::{MailConfig, SmsConfig, SmtpSecurity, DEFAULT_TIMEOUT_SECS};

#[derive(Debug, serde::Deserialize)]
struct File {
    mail: MailConfig,
    sms: SmsConfig,
}

#[test]
fn config_smtp_and_http_from_toml() {
    let file: File = toml::from_str(
        r#"
        [mail]
        kind = "smtp"
        host = "smtp.jy.gov.cn"
        port = 465
        security = "tls"
        username = "noreply"
        password = "mail-secret"
        from = "noreply@jy.gov.cn"

        [sms]
        kind = "http"
        url = "http://sms.internal/send?key=query-secret"
        token = "sms-secret"
        timeout_secs = 10
        "#,
    )
    .unwrap();

    assert_eq!(
        file.mail,
        MailConfig::Smtp {
            host: "smtp.jy.gov.cn".to_owned(),
            port: 465,
            security: SmtpSecurity::Tls,
            username: Some("noreply".to_owned()),
            password: Some("mail-secret".to_owned()),
            from: "noreply@jy.gov.cn".to_owned(),
            timeout_secs: DEFAULT_TIMEOUT_SECS,
        }
    );
    assert_eq!(
        file.sms,
        SmsConfig::Http {
            url: "http://sms.internal/send?key=query-secret".to_owned(),
            token: Some("sms-secret".to_owned()),
            timeout_secs: 10,
        }
    );

    let debug = format!("{file:?}");
    assert!(!debug.contains("mail-secret"), "{debug}");
    assert!(!debug.contains("sms-secret"), "{debug}");
    assert!(!debug.contains("query-secret"), "{debug}");
    assert!(debug.contains("http://sms.internal/send"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

#[test]
fn config_folder_and_defaults() {
    let file: File = toml::from_str(
        r#"
        mail = { kind = "folder", dir = "/srv/jiyue/outbox-mail" }
        sms = { kind = "folder", dir = "/srv/jiyue/outbox-sms" }
        "#,
    )
    .unwrap();
    assert_eq!(file.mail, MailConfig::folder_in("/srv/jiyue".as_ref()));
    assert_eq!(file.sms, SmsConfig::folder_in("/srv/jiyue".as_ref()));

    let mail: MailConfig =
        toml::from_str("kind = \"smtp\"\nhost = \"relay\"\nport = 587\nfrom = \"a@jy.gov.cn\"")
            .unwrap();
    let MailConfig::Smtp {
        security,
        username,
        timeout_secs,
        ..
    } = mail
    else {
        panic!("expected smtp: {mail:?}");
    };
    assert_eq!(security, SmtpSecurity::StartTls);
    assert_eq!(username, None);
    assert_eq!(timeout_secs, DEFAULT_TIMEOUT_SECS);
}

#[test]
fn config_unknown_kind_or_field_rejected() {
    let error = toml::from_str::<MailConfig>("kind = \"pigeon\"")
        .unwrap_err()
        .to_string();
    assert!(error.contains("pigeon"), "{error}");

    let error = toml::from_str::<SmsConfig>("kind = \"folder\"\ndir = \"x\"\ndri = \"y\"")
        .unwrap_err()
        .to_string();
    assert!(error.contains("dri"), "{error}");
}
