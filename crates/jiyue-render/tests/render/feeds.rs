//! Atom feeds parsed by an independent implementation: Python's feedparser.
//!
//! The interpreter comes from `JIYUE_TEST_PYTHON` (default `python3`) and needs feedparser:
//! `python3 -m venv .venv && .venv/bin/pip install feedparser`, then run the tests with
//! `JIYUE_TEST_PYTHON=.venv/bin/python`.

use std::process::Command;

use chrono::{Duration, TimeZone, Utc};
use jiyue_render::{atom_feed, FeedEntry, FeedView};

const CHECK_SCRIPT: &str = r#"
import json, sys
try:
    import feedparser
except ImportError:
    print("feedparser is not installed for " + sys.executable + "; run: python3 -m venv .venv && .venv/bin/pip install feedparser, then set JIYUE_TEST_PYTHON=.venv/bin/python", file=sys.stderr)
    sys.exit(3)
parsed = feedparser.parse(open(sys.argv[1], "rb").read())
print(json.dumps({
    "bozo": int(parsed.bozo),
    "bozo_exception": str(parsed.get("bozo_exception", "")),
    "version": parsed.version,
    "title": parsed.feed.get("title", ""),
    "entries": len(parsed.entries),
    "first_title": parsed.entries[0].title if parsed.entries else "",
    "first_link": parsed.entries[0].link if parsed.entries else "",
    "first_published": parsed.entries[0].get("published", "") if parsed.entries else "",
}, ensure_ascii=False))
"#;

fn feed(entry_count: usize) -> FeedView {
    let start = Utc.with_ymd_and_hms(2018, 10, 29, 1, 30, 0).unwrap();
    let entries = (0..entry_count)
        .map(|index| {
            let at = start + Duration::hours(i64::try_from(index).unwrap());
            FeedEntry {
                title: format!("第{index}条：政府网站集约化 <试点> & 推进"),
                url: format!(
                    "https://www.jl.gov.cn/zw/yw/201810/t20181029_{index}.html?from=feed&x=1"
                ),
                published: at,
                updated: at,
                summary: (index % 2 == 0).then(|| "摘要：\u{1}包含控制字符".to_owned()),
            }
        })
        .collect();
    FeedView {
        title: "要闻 - 吉林省人民政府".to_owned(),
        subtitle: Some("吉林省政务要闻".to_owned()),
        lang: "zh-CN".to_owned(),
        column_url: "https://www.jl.gov.cn/zw/yw/".to_owned(),
        feed_url: "https://www.jl.gov.cn/zw/yw/feed.xml".to_owned(),
        author_name: "吉林省人民政府办公厅".to_owned(),
        updated: start,
        entries,
    }
}

/// Parses `xml` with feedparser and returns its summary as JSON.
fn parse_with_feedparser(xml: &str) -> serde_json::Value {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("feed.xml");
    std::fs::write(&path, xml).unwrap();

    let python = std::env::var("JIYUE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let output = Command::new(&python)
        .arg("-c")
        .arg(CHECK_SCRIPT)
        .arg(&path)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {python}: {error}; set JIYUE_TEST_PYTHON to a Python 3 interpreter with feedparser installed"));
    assert!(
        output.status.success(),
        "feedparser check failed with {python}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn feedparser_accepts_feed() {
    let parsed = parse_with_feedparser(&atom_feed(&feed(3)));
    assert_eq!(
        parsed["bozo"], 0,
        "feedparser error: {}",
        parsed["bozo_exception"]
    );
    assert_eq!(parsed["version"], "atom10");
    assert_eq!(parsed["entries"], 3);
    assert_eq!(parsed["title"], "要闻 - 吉林省人民政府");
    assert_eq!(parsed["first_title"], "第0条：政府网站集约化 <试点> & 推进");
    assert_eq!(
        parsed["first_link"],
        "https://www.jl.gov.cn/zw/yw/201810/t20181029_0.html?from=feed&x=1"
    );
    assert_eq!(parsed["first_published"], "2018-10-29T09:30:00+08:00");
}

#[test]
fn feedparser_accepts_empty_feed() {
    let parsed = parse_with_feedparser(&atom_feed(&feed(0)));
    assert_eq!(
        parsed["bozo"], 0,
        "feedparser error: {}",
        parsed["bozo_exception"]
    );
    assert_eq!(parsed["version"], "atom10");
    assert_eq!(parsed["entries"], 0);
}
