//! The wording check on the real Chinese text of the State Council's November 2018 news digest
//! (kept with the demo, source in `crates/jiyue/demo/source/README.md`), which misspells two
//! officials' names and calls a leading group's office 集团办公室 (a company's office).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiyue_monitor::{FindingKind, Official, WordLists};

const DIGEST: &str = include_str!("../../jiyue/demo/source/news-digest-2018-11.txt");

fn lists() -> WordLists {
    WordLists {
        typos: vec![("通迅".to_string(), "通讯".to_string())],
        misstatements: vec![("集团办公室".to_string(), "领导小组办公室".to_string())],
        forbidden: vec!["示例禁用词".to_string()],
        officials: vec![
            Official {
                title: "生态环境部长".to_string(),
                name: "李干杰".to_string(),
            },
            Official {
                title: "国家统计局局长".to_string(),
                name: "宁吉喆".to_string(),
            },
            Official {
                title: "国务院副秘书长".to_string(),
                name: "丁学东".to_string(),
            },
        ],
    }
}

/// Returns the Chinese part of the digest: the text before its first English line.
fn chinese_part() -> &'static str {
    DIGEST.lines().next().unwrap()
}

#[test]
fn digest_names_and_office_flagged() {
    let findings = lists().check(chinese_part());
    let found: Vec<(&str, &str, FindingKind)> = findings
        .iter()
        .map(|finding| {
            (
                finding.found.as_str(),
                finding.suggestion.as_str(),
                finding.kind,
            )
        })
        .collect();
    assert!(
        found.contains(&("李甘杰", "李干杰", FindingKind::WrongOfficialName)),
        "{found:?}"
    );
    assert!(
        found.contains(&("宁继哲", "宁吉喆", FindingKind::WrongOfficialName)),
        "{found:?}"
    );
    let offices = found
        .iter()
        .filter(|(text, _, kind)| *text == "集团办公室" && *kind == FindingKind::Misstatement)
        .count();
    assert_eq!(offices, 2, "{found:?}");
}

#[test]
fn right_names_pass() {
    let findings = lists().check("国务院副秘书长丁学东和国家统计局局长宁吉喆出席。");
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn typo_and_forbidden_word_found_in_order() {
    let findings = lists().check("通迅地址：示例禁用词");
    let kinds: Vec<FindingKind> = findings.iter().map(|finding| finding.kind).collect();
    assert_eq!(kinds, vec![FindingKind::Typo, FindingKind::Forbidden]);
    assert_eq!(findings[1].at, 5);
}

#[test]
fn title_without_name_passes() {
    let lists = lists();
    assert!(lists.check("会见国家统计局局长").is_empty());
    assert!(lists.check("国家统计局局长、副局长出席").is_empty());
}

#[test]
fn empty_lists_and_text_find_nothing() {
    assert!(WordLists::default().check(chinese_part()).is_empty());
    assert!(lists().check("").is_empty());
}
