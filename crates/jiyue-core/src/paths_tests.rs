use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn reason(path: &str) -> String {
    validate_column_path(path).unwrap_err().reason().to_owned()
}

#[test]
fn item_path_uses_china_date() {
    let at = utc(2024, 1, 5, 3, 0);
    assert_eq!(
        item_path("xxgk/zcwj", at, 42),
        "/xxgk/zcwj/202401/t20240105_42.html"
    );
}

#[test]
fn item_path_crosses_midnight_in_china() {
    // 16:30 UTC on 31 December is 00:30 on 1 January in China Standard Time.
    let at = utc(2023, 12, 31, 16, 30);
    assert_eq!(item_path("ywdt", at, 7), "/ywdt/202401/t20240101_7.html");
    let before = utc(2023, 12, 31, 15, 59);
    assert_eq!(
        item_path("ywdt", before, 7),
        "/ywdt/202312/t20231231_7.html"
    );
}

#[test]
fn item_path_trims_slashes_and_handles_root() {
    let at = utc(2019, 6, 1, 0, 0);
    assert_eq!(item_path("/ywdt/", at, 1), "/ywdt/201906/t20190601_1.html");
    assert_eq!(item_path("", at, 1), "/201906/t20190601_1.html");
}

#[test]
fn column_pages_are_numbered_after_zero() {
    assert_eq!(column_page_path("xxgk/zcwj", 0), "/xxgk/zcwj/index.html");
    assert_eq!(column_page_path("xxgk/zcwj", 1), "/xxgk/zcwj/index_1.html");
    assert_eq!(
        column_page_path("xxgk/zcwj", 12),
        "/xxgk/zcwj/index_12.html"
    );
    assert_eq!(column_page_path("", 0), "/index.html");
    assert_eq!(column_page_path("", 3), "/index_3.html");
    assert_eq!(column_page_path("/ywdt/", 0), "/ywdt/index.html");
}

#[test]
fn parse_column_page_inverts_formatting() {
    let parse = |path| parse_column_page(path);
    assert_eq!(
        parse("/xxgk/zcwj/index.html"),
        Some(("xxgk/zcwj".to_owned(), 0))
    );
    assert_eq!(
        parse("/xxgk/zcwj/index_12.html"),
        Some(("xxgk/zcwj".to_owned(), 12))
    );
    assert_eq!(parse("/index.html"), Some((String::new(), 0)));
    assert_eq!(parse("/index_2.html"), Some((String::new(), 2)));
    assert_eq!(parse("/xxgk/"), Some(("xxgk".to_owned(), 0)));
    assert_eq!(parse("/"), Some((String::new(), 0)));
}

#[test]
fn parse_column_page_rejects_other_paths() {
    for path in [
        "",
        "index.html",
        "/xxgk/index_0.html",
        "/xxgk/index_01.html",
        "/xxgk/index_.html",
        "/xxgk/index_1x.html",
        "/xxgk/index_99999999999.html",
        "/xxgk/index.htm",
        "/xxgk/202401/t20240105_42.html",
        "/search/index.html",
        "/XXGK/index.html",
        "//index.html",
        "/xxgk//index.html",
        "/xxgk",
    ] {
        assert_eq!(parse_column_page(path), None, "{path}");
    }
}

#[test]
fn valid_column_paths() {
    for path in [
        "",
        "ywdt",
        "xxgk/zcwj",
        "a/b/c/d/e/f",
        "zt_2024",
        "en-news",
        "searching",
    ] {
        assert!(validate_column_path(path).is_ok(), "{path}");
    }
    assert!(validate_column_path(&"a".repeat(40)).is_ok());
}

#[test]
fn column_path_slashes_are_rejected() {
    assert!(reason("/ywdt").starts_with("write it without a leading or trailing slash"));
    assert!(reason("ywdt/").starts_with("write it without a leading or trailing slash"));
    assert!(reason("/").starts_with("write it without a leading or trailing slash"));
    assert_eq!(
        reason("xxgk//zcwj"),
        "has an empty segment; remove the doubled slash"
    );
}

#[test]
fn column_path_limits_are_enforced() {
    assert_eq!(reason("a/b/c/d/e/f/g"), "has 7 segments; use at most 6");
    let long = "a".repeat(41);
    assert_eq!(
        reason(&long),
        format!("segment \"{long}\" has 41 characters; use at most 40")
    );
}

#[test]
fn column_path_characters_are_checked() {
    assert_eq!(
        reason("Ywdt"),
        "segment \"Ywdt\" contains \"Y\"; use only a-z, 0-9, _ and -"
    );
    assert!(reason("ywdt/新闻").contains("contains \"新\""));
    assert!(reason("yw dt").contains("contains \" \""));
    assert!(reason("ywdt/index.html").contains("contains \".\""));
}

#[test]
fn reserved_first_segments_are_rejected() {
    for first in ["search", "api", "static", "feeds"] {
        assert!(
            reason(first).contains("is reserved by the platform"),
            "{first}"
        );
        assert!(
            reason(&format!("{first}/x")).contains("is reserved"),
            "{first}"
        );
        assert!(
            validate_column_path(&format!("x/{first}")).is_ok(),
            "{first}"
        );
    }
    // These two contain a dot, so the character rule rejects them first.
    assert!(validate_column_path("sitemap.xml").is_err());
    assert!(validate_column_path("robots.txt").is_err());
}

#[test]
fn error_names_value() {
    let error = validate_column_path("api").unwrap_err();
    assert!(error
        .to_string()
        .starts_with("invalid column path \"api\": "));
}

fn column_path() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z0-9_-]{1,40}", 0..=MAX_DEPTH)
        .prop_map(|segments| segments.join("/"))
        .prop_filter("reserved first segment", |path| {
            validate_column_path(path).is_ok()
        })
}

proptest! {
    #[test]
    fn parse_column_page_never_panics(text in "\\PC*") {
        let _ = parse_column_page(&text);
    }

    #[test]
    fn validate_never_panics(text in "\\PC*") {
        let _ = validate_column_path(&text);
    }

    #[test]
    fn column_pages_round_trip(path in column_path(), page in any::<u32>()) {
        let formatted = column_page_path(&path, page);
        prop_assert_eq!(parse_column_page(&formatted), Some((path, page)));
    }

    #[test]
    fn item_paths_are_not_column_pages(
        path in column_path(),
        seconds in 0i64..4_000_000_000,
        item_no in 1i64..i64::MAX,
    ) {
        let at = DateTime::from_timestamp(seconds, 0).unwrap();
        let formatted = item_path(&path, at, item_no);
        let china = crate::clock::to_china(at);
        let expected_file = format!("/{}/t{}_{item_no}.html", china.format("%Y%m"), china.format("%Y%m%d"));
        prop_assert!(formatted.ends_with(&expected_file), "{} {}", formatted, expected_file);
        prop_assert_eq!(parse_column_page(&formatted), None);
    }
}
