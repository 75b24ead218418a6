use std::collections::HashSet;

use super::*;

#[test]
fn subjects_have_21_top_level_terms() {
    let tops: Vec<_> = SUBJECTS.iter().filter(|t| t.parent.is_none()).collect();
    assert_eq!(tops.len(), 21);
    assert_eq!(tops[0].name_zh, "综合政务");
    assert_eq!(tops[20].name_zh, "其他");
}

#[test]
fn subject_codes_follow_parent() {
    for term in SUBJECTS {
        assert!(
            term.code.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            term.code
        );
        match term.parent {
            None => assert_eq!(term.code.len(), 2, "{}", term.code),
            Some(parent) => {
                assert_eq!(term.code.len(), 4, "{}", term.code);
                assert_eq!(&term.code[..2], parent, "{}", term.code);
                assert!(SUBJECTS
                    .iter()
                    .any(|t| t.code == parent && t.parent.is_none()));
            }
        }
    }
}

#[test]
fn codes_are_unique() {
    for terms in [SUBJECTS, GENRES, AUDIENCES] {
        let codes: HashSet<_> = terms.iter().map(|t| t.code).collect();
        assert_eq!(codes.len(), terms.len());
    }
}

#[test]
fn names_are_unique_except_other() {
    let names: Vec<_> = SUBJECTS
        .iter()
        .filter(|t| t.parent.is_some() && t.name_zh != "其他")
        .map(|t| t.name_zh)
        .collect();
    let unique: HashSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len());
    for terms in [GENRES, AUDIENCES] {
        let unique: HashSet<_> = terms.iter().map(|t| t.name_zh).collect();
        assert_eq!(unique.len(), terms.len());
    }
}

#[test]
fn every_term_has_english_name() {
    for term in SUBJECTS.iter().chain(GENRES).chain(AUDIENCES) {
        assert!(!term.name_en.is_empty(), "{}", term.code);
        assert!(
            term.name_en.is_ascii() || term.name_en.contains('é'),
            "{}",
            term.code
        );
    }
}

#[test]
fn other_is_always_99() {
    for term in SUBJECTS.iter().chain(GENRES).chain(AUDIENCES) {
        assert_eq!(
            term.name_zh == "其他",
            term.code.ends_with("99"),
            "{}",
            term.code
        );
    }
}

#[test]
fn every_top_level_subject_has_children_but_other() {
    for top in SUBJECTS.iter().filter(|t| t.parent.is_none()) {
        let children = subject_children(top.code);
        assert_eq!(children.is_empty(), top.code == "99", "{}", top.name_zh);
    }
}

#[test]
fn subject_found_by_code_path_and_name() {
    assert_eq!(subject("0101").unwrap().name_zh, "政务公开");
    assert_eq!(subject("综合政务\\政务公开").unwrap().code, "0101");
    assert_eq!(subject(" 综合政务 \\ 政务公开 ").unwrap().code, "0101");
    assert_eq!(subject("电子政务").unwrap().code, "0102");
    assert_eq!(
        subject("城乡建设、环境保护\\环境监测、保护与治理")
            .unwrap()
            .code,
        "0904"
    );
    assert_eq!(subject("综合政务").unwrap().code, "01");
    assert_eq!(subject("其他").unwrap().code, "99");
    assert_eq!(subject("卫生、体育\\其他").unwrap().code, "1299");
}

#[test]
fn subject_rejects_unknown_and_mismatched() {
    assert_eq!(subject("0100"), None);
    assert_eq!(subject(""), None);
    assert_eq!(subject("国防\\政务公开"), None);
    assert_eq!(subject("不存在\\政务公开"), None);
    assert_eq!(subject("政务"), None);
}

#[test]
fn subject_path_shows_both_levels() {
    assert_eq!(subject_path("0101").as_deref(), Some("综合政务\\政务公开"));
    assert_eq!(
        subject_path("0904").as_deref(),
        Some("城乡建设、环境保护\\环境监测、保护与治理")
    );
    assert_eq!(subject_path("01").as_deref(), Some("综合政务"));
    assert_eq!(subject_path("0000"), None);
}

#[test]
fn every_subject_path_resolves_back() {
    for term in SUBJECTS {
        let path = subject_path(term.code).unwrap();
        assert_eq!(subject(&path).unwrap().code, term.code, "{path}");
    }
}

#[test]
fn genre_and_audience_lookups() {
    assert_eq!(genre("通知").unwrap().code, "04");
    assert_eq!(genre("04").unwrap().name_zh, "通知");
    assert_eq!(genre("解读").unwrap().name_en, "Interpretation");
    assert_eq!(genre("小说"), None);
    assert_eq!(audience("企业").unwrap().code, "02");
    assert_eq!(audience("01").unwrap().name_zh, "公众");
    assert_eq!(audience("98"), None);
}

#[test]
fn required_genres_are_present() {
    for name in [
        "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "函", "纪要", "决定",
        "议案", "规定", "办法", "细则", "方案", "规划", "解读", "新闻", "其他",
    ] {
        assert!(genre(name).is_some(), "{name}");
    }
    for name in ["公众", "企业", "社会组织", "政府部门", "其他"] {
        assert!(audience(name).is_some(), "{name}");
    }
}
