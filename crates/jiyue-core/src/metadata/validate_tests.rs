use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

/// Metadata that passes every rule, for tests to break one field at a time.
fn valid() -> ItemMeta {
    ItemMeta {
        title: "吉林省人民政府办公厅关于推进政府网站集约化建设的通知".to_owned(),
        lang: "zh-CN".to_owned(),
        written_date: NaiveDate::from_ymd_opt(2018, 9, 20),
        published_at: Some(Utc.with_ymd_and_hms(2018, 9, 20, 16, 30, 0).unwrap()),
        document_number: Some("吉政办函〔2018〕71号".to_owned()),
        subject: Some("0101".to_owned()),
        genre: Some("04".to_owned()),
        audience: vec!["01".to_owned(), "04".to_owned()],
        keywords: vec!["集约化".to_owned(), "政府网站".to_owned()],
        summary: Some("推进全省政府网站集约化建设。".to_owned()),
        ..ItemMeta::default()
    }
}

/// Returns the fields that failed, in order.
fn failed_fields(meta: &ItemMeta) -> Vec<&'static str> {
    meta.validate().iter().map(|e| e.field).collect()
}

fn only_message(meta: &ItemMeta) -> String {
    let errors = meta.validate();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors[0].message.clone()
}

#[test]
fn valid_metadata_passes() {
    assert_eq!(valid().validate(), vec![]);
}

#[test]
fn default_metadata_needs_title_and_lang() {
    assert_eq!(failed_fields(&ItemMeta::default()), ["title", "lang"]);
}

#[test]
fn title_rules() {
    let mut meta = valid();
    meta.title = "   ".to_owned();
    assert!(only_message(&meta).starts_with("title is missing"));

    meta.title = "长".repeat(200);
    assert!(meta.validate().is_empty());
    meta.title = "长".repeat(201);
    assert_eq!(
        only_message(&meta),
        "title has 201 characters; shorten it to 200"
    );

    meta.title = "第一行\n第二行".to_owned();
    assert!(only_message(&meta).starts_with("title contains the control character U+000A"));
    meta.title = "制表\t符".to_owned();
    assert_eq!(failed_fields(&meta), ["title"]);
}

#[test]
fn supported_language_tags() {
    for tag in [
        "zh-CN",
        "zh",
        "en",
        "zh-Hant",
        "zh-Hant-TW",
        "bo",
        "ug",
        "ug-Arab-CN",
        "en-001",
    ] {
        assert!(is_language_tag(tag), "{tag}");
    }
    assert!(is_language_tag("de-CH-1996"));
    assert!(is_language_tag("sl-rozaj"));
}

#[test]
fn unsupported_language_tags() {
    for tag in [
        "",
        "z",
        "zh_CN",
        "zh-",
        "-zh",
        "zh--CN",
        "中文",
        "zh-CN-CN",
        "zh-Hant-Hans",
        "english",
        "zh-x-private",
        "1a",
        "zh-CN-Hant",
    ] {
        assert!(!is_language_tag(tag), "{tag}");
    }
    let mut meta = valid();
    meta.lang = "zh_CN".to_owned();
    assert!(only_message(&meta).starts_with("\"zh_CN\" is not a BCP 47 language tag"));
    meta.lang = String::new();
    assert!(only_message(&meta).starts_with("language is missing"));
}

#[test]
fn document_number_forms() {
    for number in [
        "国办函〔2018〕71号",
        "吉政发〔2019〕3号",
        "国发[2016]55号",
        "吉政办发［2020］12号",
        "长府发(2021)8号",
        "吉环发（2022）第15号",
    ] {
        assert!(is_document_number(number), "{number}");
    }
    for number in [
        "〔2018〕71号",
        "国办函2018年71号",
        "国办函〔18〕71号",
        "国办函〔2018〕71",
        "国办函〔2018〕号",
        "国办函〔2018〕七十一号",
        "国办函〔2018〕71号附件",
        "国办函〔2018]71号",
        "国务院令第708号",
        "",
    ] {
        assert!(!is_document_number(number), "{number}");
    }
}

#[test]
fn bad_document_number_is_reported() {
    let mut meta = valid();
    meta.document_number = Some("国务院令第708号".to_owned());
    assert!(only_message(&meta).starts_with("\"国务院令第708号\" is not a document number"));
    meta.document_number = None;
    assert!(meta.validate().is_empty());
}

#[test]
fn written_date_compares_in_china_time() {
    let mut meta = valid();
    // 2018-09-20 16:30 UTC is 2018-09-21 00:30 in China, so the 21st is not in the future.
    meta.written_date = NaiveDate::from_ymd_opt(2018, 9, 21);
    assert!(meta.validate().is_empty());
    meta.written_date = NaiveDate::from_ymd_opt(2018, 9, 22);
    assert_eq!(
        only_message(&meta),
        "written date 2018-09-22 is after the publication date 2018-09-21; correct one of them"
    );
    meta.published_at = None;
    assert!(meta.validate().is_empty());
}

#[test]
fn codes_must_exist() {
    let mut meta = valid();
    meta.subject = Some("0100".to_owned());
    assert_eq!(
        only_message(&meta),
        "unknown subject code \"0100\"; use a code of the subject vocabulary"
    );
    meta.subject = Some("综合政务\\政务公开".to_owned());
    assert_eq!(
        only_message(&meta),
        "\"综合政务\\政务公开\" is a name, not a subject code; use the code 0101 (政务公开)"
    );

    let mut meta = valid();
    meta.genre = Some("通知".to_owned());
    assert!(only_message(&meta).contains("use the code 04 (通知)"));
    meta.genre = Some("77".to_owned());
    assert!(only_message(&meta).starts_with("unknown genre code \"77\""));

    let mut meta = valid();
    meta.audience = vec!["01".to_owned(), "外星人".to_owned(), "66".to_owned()];
    assert_eq!(failed_fields(&meta), ["audience", "audience"]);
}

#[test]
fn keyword_rules() {
    let mut meta = valid();
    meta.keywords = vec!["政务".to_owned(), " ".to_owned()];
    assert_eq!(only_message(&meta), "keyword 2 is empty; remove it");

    meta.keywords = vec!["字".repeat(21)];
    assert!(only_message(&meta).ends_with("has 21 characters; shorten it to 20"));
    meta.keywords = vec!["字".repeat(20)];
    assert!(meta.validate().is_empty());

    meta.keywords = (0..21).map(|i| format!("关键词{i}")).collect();
    assert_eq!(only_message(&meta), "21 keywords given; keep at most 20");
    meta.keywords.pop();
    assert!(meta.validate().is_empty());
}

#[test]
fn summary_limit() {
    let mut meta = valid();
    meta.summary = Some("摘".repeat(500));
    assert!(meta.validate().is_empty());
    meta.summary = Some("摘".repeat(501));
    assert_eq!(
        only_message(&meta),
        "summary has 501 characters; shorten it to 500"
    );
}

#[test]
fn repealed_and_amended_need_successor() {
    let mut meta = valid();
    meta.validity = Validity::Repealed;
    assert!(only_message(&meta).starts_with("validity is 废止 but no document that repeals it"));
    meta.superseded_by = vec![" ".to_owned()];
    assert_eq!(failed_fields(&meta), ["superseded_by"]);
    meta.superseded_by = vec!["jl-2020-0001".to_owned()];
    assert!(meta.validate().is_empty());

    meta.validity = Validity::Amended;
    meta.superseded_by.clear();
    assert!(only_message(&meta).starts_with("validity is 已修订 but no document that amends it"));

    meta.validity = Validity::Expired;
    assert!(meta.validate().is_empty());
}

#[test]
fn all_errors_are_reported_together() {
    let mut meta = valid();
    meta.title = String::new();
    meta.lang = "??".to_owned();
    meta.genre = Some("x".to_owned());
    meta.validity = Validity::Repealed;
    assert_eq!(
        failed_fields(&meta),
        ["title", "lang", "genre", "superseded_by"]
    );
}

#[test]
fn validity_codes_round_trip() {
    for validity in Validity::ALL {
        assert_eq!(Validity::parse(validity.code()), Some(validity));
        assert_eq!(Validity::parse(validity.name_zh()), Some(validity));
    }
    assert_eq!(Validity::parse("unknown"), None);
    assert_eq!(
        serde_json::to_string(&Validity::Repealed).unwrap(),
        "\"repealed\""
    );
}

proptest! {
    #[test]
    fn validate_never_panics(
        title in "\\PC{0,250}",
        lang in "\\PC{0,12}",
        number in proptest::option::of("\\PC{0,30}"),
        subject in proptest::option::of("\\PC{0,6}"),
    ) {
        let meta = ItemMeta { title, lang, document_number: number, subject, ..valid() };
        let _ = meta.validate();
    }

    #[test]
    fn formatted_document_numbers_pass(
        issuer in "[\\p{Han}]{1,8}",
        year in 1949u32..=2100,
        serial in 1u32..100_000,
    ) {
        let number = format!("{issuer}〔{year}〕{serial}号");
        prop_assert!(is_document_number(&number), "{}", number);
    }

    #[test]
    fn formatted_language_tags_pass(
        language in "[a-z]{2,3}",
        script in proptest::option::of("[A-Z][a-z]{3}"),
        region in proptest::option::of("[A-Z]{2}"),
    ) {
        let mut tag = language;
        for part in [script, region].into_iter().flatten() {
            tag = format!("{tag}-{part}");
        }
        prop_assert!(is_language_tag(&tag), "{}", tag);
    }
}

#[test]
fn dates_outside_the_years_are_refused() {
    let mut meta = ItemMeta {
        title: "年份".to_string(),
        lang: "zh-CN".to_string(),
        ..ItemMeta::default()
    };
    meta.published_at = chrono::DateTime::parse_from_rfc3339("0000-01-01T00:00:00+08:00")
        .ok()
        .map(|at| at.with_timezone(&chrono::Utc));
    meta.written_date = chrono::NaiveDate::from_ymd_opt(2101, 1, 1);
    let fields: Vec<&str> = meta.validate().iter().map(|error| error.field).collect();
    assert!(fields.contains(&"published_at"), "{fields:?}");
    assert!(fields.contains(&"written_date"), "{fields:?}");
}
