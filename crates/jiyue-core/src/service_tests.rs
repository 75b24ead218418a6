use super::*;

/// A complete guide for renewing an identity card, the shape the demo ships.
fn identity_card() -> ServiceGuide {
    ServiceGuide {
        code: "11220000013544000P3000117004000".to_string(),
        kind: Some(ServiceKind::Confirmation),
        implementing_org: "吉林省公安厅".to_string(),
        legal_basis: "《中华人民共和国居民身份证法》第十一条".to_string(),
        conditions: "居民身份证有效期满".to_string(),
        materials: vec![Material {
            name: "原居民身份证".to_string(),
            originals: 1,
            copies: 0,
            issuer: Some("申请人自备".to_string()),
            ..Material::default()
        }],
        fee: Some(Fee {
            free: false,
            standard: "20元/证".to_string(),
            basis: "发改价格〔2003〕2322号".to_string(),
        }),
        steps: vec![ProcessStep {
            name: "受理".to_string(),
            description: "窗口核验材料并采集照片".to_string(),
        }],
        statutory_days: Some(60),
        promised_days: Some(20),
        places: vec![ServicePlace {
            address: "长春市人民大街".to_string(),
            hours: "周一至周五 8:30-16:30".to_string(),
        }],
        online_url: Some("https://zwfw.jl.gov.cn/".to_string()),
        consult_phone: Some("0431-12345".to_string()),
        complaint_phone: Some("12345".to_string()),
        audiences: vec![ServiceAudience::Individual],
        life_events: vec![LifeEvent::Employment],
        business_stages: Vec::new(),
        incomplete_reason: None,
    }
}

#[test]
fn complete_guide_misses_nothing_and_is_valid() {
    let guide = identity_card();
    assert_eq!(guide.missing(), Vec::<GuideElement>::new());
    assert!(guide.may_publish());
    assert_eq!(guide.validate(), Vec::new());
}

#[test]
fn each_missing_element_is_named() {
    let mut guide = identity_card();
    guide.legal_basis = "  ".to_string();
    guide.fee = None;
    guide.places[0].hours.clear();
    guide.materials[0].issuer = None;
    assert_eq!(
        guide.missing(),
        vec![
            GuideElement::LegalBasis,
            GuideElement::Materials,
            GuideElement::Fee,
            GuideElement::Places
        ]
    );
    assert!(!guide.may_publish());
    guide.incomplete_reason = Some("来源平台尚未提供收费依据".to_string());
    assert!(guide.may_publish());
}

#[test]
fn free_service_needs_no_fee_basis() {
    let mut guide = identity_card();
    guide.fee = Some(Fee {
        free: true,
        ..Fee::default()
    });
    assert!(guide.is_complete());
}

#[test]
fn audience_decides_which_browsing_element_is_required() {
    let mut guide = identity_card();
    guide.life_events.clear();
    assert_eq!(guide.missing(), vec![GuideElement::LifeEvents]);
    guide.audiences = vec![ServiceAudience::Business];
    assert_eq!(guide.missing(), vec![GuideElement::BusinessStages]);
    guide.business_stages.push(BusinessStage::Opening);
    assert!(guide.is_complete());
}

#[test]
fn malformed_values_are_refused_by_name() {
    let mut guide = identity_card();
    guide.code = "1122 0000".to_string();
    guide.promised_days = Some(90);
    guide.online_url = Some("zwfw.jl.gov.cn".to_string());
    guide.consult_phone = Some("请拨打热线".to_string());
    let fields: Vec<&str> = guide.validate().iter().map(|error| error.field).collect();
    assert_eq!(
        fields,
        vec!["code", "promised_days", "consult_phone", "online_url"]
    );
    let messages: Vec<String> = guide.validate().into_iter().map(|e| e.message).collect();
    assert!(messages[0].contains("1122 0000"), "{messages:?}");
    assert!(messages[1].contains("statutory 60"), "{messages:?}");
}

#[test]
fn vocabularies_parse_codes_and_chinese_names() {
    assert_eq!(ServiceKind::parse("行政许可"), Some(ServiceKind::Licensing));
    assert_eq!(
        ServiceKind::parse(" public_service "),
        Some(ServiceKind::PublicService)
    );
    assert_eq!(LifeEvent::parse("身后"), Some(LifeEvent::AfterDeath));
    assert_eq!(BusinessStage::parse("注销"), Some(BusinessStage::Closing));
    assert_eq!(
        ServiceAudience::parse("法人"),
        Some(ServiceAudience::Business)
    );
    assert_eq!(ServiceKind::parse("许可"), None);
    assert_eq!(ServiceKind::ALL.len(), 8);
    assert_eq!(LifeEvent::ALL.len(), 9);
}

#[test]
fn guide_round_trips_through_json_with_codes() {
    let guide = identity_card();
    let json = serde_json::to_string(&guide).unwrap();
    assert!(json.contains("\"kind\":\"confirmation\""), "{json}");
    assert!(json.contains("\"life_events\":[\"employment\"]"), "{json}");
    let back: ServiceGuide = serde_json::from_str(&json).unwrap();
    assert_eq!(back, guide);
    let error = serde_json::from_str::<ServiceGuide>(r#"{"kind":"permit"}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("\"permit\" is not one of licensing"),
        "{error}"
    );
}

#[test]
fn service_codes_and_urls() {
    assert!(is_service_code("11220000013544000P3000117004000"));
    assert!(is_service_code("JL-GA-001.2"));
    assert!(!is_service_code(""));
    assert!(!is_service_code("编码"));
    assert!(!is_service_code(&"1".repeat(65)));
    assert!(is_web_url("https://zwfw.jl.gov.cn/apply?id=1"));
    assert!(!is_web_url("javascript:alert(1)"));
    assert!(!is_web_url("https:// x"));
    assert!(!is_web_url("https:///path"));
    assert!(is_file_path("/files/3f2a9c.pdf"));
    assert!(!is_file_path("/files/../../etc/passwd"));
    assert!(!is_file_path("/files/a/b.pdf"));
    assert!(!is_file_path("/files/"));
    assert!(!is_file_path("/upload/a.pdf"));
}
