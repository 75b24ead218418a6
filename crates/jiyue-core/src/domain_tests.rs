use proptest::prelude::*;

use super::*;

fn domain(text: &str) -> Domain {
    Domain::parse(text).unwrap()
}

fn reason(text: &str) -> String {
    Domain::parse(text).unwrap_err().reason().to_owned()
}

#[test]
fn ascii_names_are_normalized() {
    assert_eq!(domain("www.jl.gov.cn").as_str(), "www.jl.gov.cn");
    assert_eq!(domain("  WWW.JL.Gov.CN. ").as_str(), "www.jl.gov.cn");
    assert_eq!(domain("sthjt.jl.gov.cn").to_string(), "sthjt.jl.gov.cn");
    assert_eq!(domain("localhost").as_str(), "localhost");
}

#[test]
fn chinese_labels_become_punycode() {
    let name = domain("吉林.政务");
    assert!(name.as_str().starts_with("xn--"), "{name}");
    assert!(name.as_str().contains(".xn--"), "{name}");
    assert!(name.as_str().is_ascii());
    assert_eq!(name.to_unicode(), "吉林.政务");
    assert_eq!(domain(name.as_str()), name);
}

#[test]
fn fullwidth_dot_is_a_separator() {
    assert_eq!(domain("www。jl。gov。cn").as_str(), "www.jl.gov.cn");
}

#[test]
fn one_trailing_dot_only() {
    assert_eq!(domain("jl.gov.cn.").as_str(), "jl.gov.cn");
    assert_eq!(
        reason("jl.gov.cn.."),
        "a label is empty; remove the extra dot"
    );
}

#[test]
fn empty_names_and_labels_are_rejected() {
    assert!(reason("").starts_with("the name is empty"));
    assert!(reason("  ").starts_with("the name is empty"));
    assert!(reason(".").starts_with("the name is empty"));
    assert!(reason("www..jl.gov.cn").starts_with("a label is empty"));
    assert!(reason(".jl.gov.cn").starts_with("a label is empty"));
}

#[test]
fn urls_ports_and_wildcards_are_rejected() {
    assert!(reason("https://www.jl.gov.cn").contains("without scheme or path"));
    assert!(reason("www.jl.gov.cn/index.html").contains("without scheme or path"));
    assert!(reason("www.jl.gov.cn:8080").contains("without port"));
    assert!(reason("*.jl.gov.cn").starts_with("wildcard names are not allowed"));
    assert!(reason("www jl.gov.cn").starts_with("host names cannot contain spaces"));
}

#[test]
fn ip_addresses_are_rejected() {
    for text in [
        "127.0.0.1",
        "10.1.2.3",
        "0x7f.1",
        "192.168.1",
        "[::1]",
        "::1",
    ] {
        let error = Domain::parse(text).unwrap_err();
        assert!(error.reason().contains("IP addresses"), "{text}: {error}");
    }
    assert!(reason("１２７.０.０.１").contains("IP addresses"));
}

#[test]
fn bad_characters_and_hyphens_are_rejected() {
    for text in [
        "www_jl.gov.cn",
        "-www.jl.gov.cn",
        "www-.jl.gov.cn",
        "a@b.cn",
        "a!b.cn",
    ] {
        let error = Domain::parse(text).unwrap_err();
        assert!(
            error.reason().starts_with("not a valid internationalized"),
            "{text}: {error}"
        );
    }
}

#[test]
fn length_limits_apply_to_ascii_form() {
    let label63 = "a".repeat(63);
    assert!(Domain::parse(&format!("{label63}.cn")).is_ok());
    assert!(reason(&format!("{}.cn", "a".repeat(64))).contains("longer than 63"));

    let name253 = format!("{0}.{0}.{0}.{1}", label63, "a".repeat(61));
    assert_eq!(name253.len(), 253);
    assert!(Domain::parse(&name253).is_ok());
    assert!(reason(&format!("{name253}a")).contains("longer than 253"));

    // 31 distinct Chinese characters take 96 characters in xn-- form.
    let long_unicode = "吉林省人民政府办公厅生态环境厅长春市政务服务和数字化建设管理局.cn";
    assert!(reason(long_unicode).contains("longer than 63"));
}

#[test]
fn error_names_value() {
    let error = Domain::parse("*.jl.gov.cn").unwrap_err();
    assert!(error
        .to_string()
        .starts_with("invalid domain name \"*.jl.gov.cn\": "));
}

#[test]
fn localhost_alias_replaces_gov_cn() {
    let alias = domain("www.jl.gov.cn").localhost_alias().unwrap();
    assert_eq!(alias.as_str(), "www.jl.localhost");
    assert_eq!(
        domain("jl.gov.cn").localhost_alias().unwrap().as_str(),
        "jl.localhost"
    );
    assert_eq!(domain("gov.cn").localhost_alias(), None);
    assert_eq!(domain("www.jl.gov.cn.example").localhost_alias(), None);
    assert_eq!(domain("www.example.cn").localhost_alias(), None);
    assert_eq!(domain("www.notgov.cn").localhost_alias(), None);
}

#[test]
fn is_within_checks_label_boundaries() {
    let parent = domain("jl.gov.cn");
    assert!(domain("www.jl.gov.cn").is_within(&parent));
    assert!(domain("jl.gov.cn").is_within(&parent));
    assert!(!domain("hjl.gov.cn").is_within(&parent));
    assert!(!domain("gov.cn").is_within(&parent));
}

#[test]
fn conflicts_report_second_claimant() {
    let portal = domain("www.jl.gov.cn");
    let english = domain("english.jl.gov.cn");
    let sites = [
        ("2200000001", &portal),
        ("2200000002", &english),
        ("2200000003", &portal),
        ("2200000001", &portal),
    ];
    let conflicts = find_conflicts(sites);
    assert_eq!(
        conflicts,
        vec![(
            portal.clone(),
            "2200000001".to_owned(),
            "2200000003".to_owned()
        )]
    );
}

#[test]
fn conflicts_list_every_extra_claimant() {
    let a = domain("a.jl.gov.cn");
    let b = domain("b.jl.gov.cn");
    let sites = [("s3", &b), ("s1", &a), ("s2", &a), ("s4", &b), ("s5", &a)];
    let conflicts: Vec<_> = find_conflicts(sites)
        .into_iter()
        .map(|(d, first, other)| format!("{d} {first} {other}"))
        .collect();
    assert_eq!(
        conflicts,
        [
            "a.jl.gov.cn s1 s2",
            "a.jl.gov.cn s1 s5",
            "b.jl.gov.cn s3 s4"
        ]
    );
}

#[test]
fn no_conflicts_for_distinct_domains() {
    let a = domain("a.jl.gov.cn");
    let b = domain("b.jl.gov.cn");
    assert!(find_conflicts([("s1", &a), ("s1", &b)]).is_empty());
    assert!(find_conflicts(std::iter::empty()).is_empty());
}

#[test]
fn serde_validates() {
    let name: Domain = serde_json::from_str("\"WWW.JL.GOV.CN\"").unwrap();
    assert_eq!(serde_json::to_string(&name).unwrap(), "\"www.jl.gov.cn\"");
    assert!(serde_json::from_str::<Domain>("\"127.0.0.1\"").is_err());
}

proptest! {
    #[test]
    fn parse_never_panics(text in "\\PC*") {
        let _ = Domain::parse(&text);
    }

    #[test]
    fn parse_is_idempotent(text in "[a-zA-Z0-9.-]{1,80}|[\\p{Han}a-z]{1,10}(\\.[\\p{Han}a-z]{1,10}){0,3}") {
        if let Ok(name) = Domain::parse(&text) {
            prop_assert_eq!(Domain::parse(name.as_str()).unwrap(), name.clone());
            prop_assert_eq!(Domain::parse(&name.to_unicode()).unwrap(), name);
        }
    }

    #[test]
    fn generated_names_parse(labels in prop::collection::vec("[a-z][a-z0-9]{0,20}", 1..5)) {
        let text = format!("{}.gov.cn", labels.join("."));
        let name = Domain::parse(&text).unwrap();
        prop_assert_eq!(name.as_str(), text.as_str());
        let alias = name.localhost_alias().unwrap();
        prop_assert_eq!(alias.as_str(), format!("{}.localhost", labels.join(".")));
    }
}
