//! Atom feeds (RFC 4287) for columns.

use std::fmt::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use jiyue_core::clock::to_china;
use serde::Serialize;

use crate::xml::escape_xml;

/// One column's feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedView {
    /// Feed title, such as `要闻 - 吉林省人民政府`.
    pub title: String,
    pub subtitle: Option<String>,
    /// BCP 47 tag of the column's site, written as `xml:lang`.
    pub lang: String,
    /// URL of the column page; also the feed's `id`, since published URLs never change.
    pub column_url: String,
    /// URL of the feed itself (`rel="self"`).
    pub feed_url: String,
    /// Name of the feed author, normally the site's sponsor (主办单位).
    pub author_name: String,
    /// Time of the latest change to the column; the caller supplies it so an empty column
    /// still has a valid feed.
    pub updated: DateTime<Utc>,
    pub entries: Vec<FeedEntry>,
}

/// One item in a feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedEntry {
    pub title: String,
    /// URL of the item page; also the entry's `id`.
    pub url: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Plain-text summary.
    pub summary: Option<String>,
}

/// Formats an instant as RFC 3339 in China Standard Time, such as `2018-10-29T09:30:00+08:00`.
pub fn rfc3339_china(at: DateTime<Utc>) -> String {
    to_china(at).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Writes a column's Atom 1.0 feed.
pub fn atom_feed(feed: &FeedView) -> String {
    let mut xml = String::with_capacity(1024 + feed.entries.len() * 512);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");

    // `write!` into a String cannot fail, so its results are ignored throughout.
    let _ = writeln!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape_xml(&feed.lang)
    );

    let _ = writeln!(xml, "  <id>{}</id>", escape_xml(&feed.column_url));
    let _ = writeln!(xml, "  <title>{}</title>", escape_xml(&feed.title));
    if let Some(subtitle) = &feed.subtitle {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape_xml(subtitle));
    }
    let _ = writeln!(xml, "  <updated>{}</updated>", rfc3339_china(feed.updated));

    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape_xml(&feed.feed_url)
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_xml(&feed.column_url)
    );
    let _ = writeln!(
        xml,
        "  <author><name>{}</name></author>",
        escape_xml(&feed.author_name)
    );

    for entry in &feed.entries {
        write_entry(&mut xml, entry);
    }
    xml.push_str("</feed>\n");
    xml
}

fn write_entry(xml: &mut String, entry: &FeedEntry) {
    let url = escape_xml(&entry.url);
    xml.push_str("  <entry>\n");
    let _ = writeln!(xml, "    <id>{url}</id>");
    let _ = writeln!(xml, "    <title>{}</title>", escape_xml(&entry.title));
    let _ = writeln!(
        xml,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>"
    );
    let _ = writeln!(
        xml,
        "    <published>{}</published>",
        rfc3339_china(entry.published)
    );
    let _ = writeln!(
        xml,
        "    <updated>{}</updated>",
        rfc3339_china(entry.updated)
    );
    if let Some(summary) = &entry.summary {
        let _ = writeln!(xml, "    <summary>{}</summary>", escape_xml(summary));
    }
    xml.push_str("  </entry>\n");
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn feed() -> FeedView {
        let at = Utc.with_ymd_and_hms(2018, 10, 29, 1, 30, 0).unwrap();
        FeedView {
            title: "要闻 - 吉林省人民政府".to_owned(),
            subtitle: None,
            lang: "zh-CN".to_owned(),
            column_url: "https://www.jl.gov.cn/zw/yw/".to_owned(),
            feed_url: "https://www.jl.gov.cn/zw/yw/feed.xml".to_owned(),
            author_name: "吉林省人民政府办公厅".to_owned(),
            updated: at,
            entries: vec![FeedEntry {
                title: "标题 <含尖括号> & 符号".to_owned(),
                url: "https://www.jl.gov.cn/zw/yw/201810/t20181029_1.html?a=1&b=2".to_owned(),
                published: at,
                updated: at,
                summary: Some("摘要".to_owned()),
            }],
        }
    }

    #[test]
    fn dates_are_china_time() {
        let at = Utc.with_ymd_and_hms(2018, 10, 29, 1, 30, 0).unwrap();
        assert_eq!(rfc3339_china(at), "2018-10-29T09:30:00+08:00");
    }

    #[test]
    fn feed_escapes_text_and_urls() {
        let xml = atom_feed(&feed());
        assert!(xml.contains("<title>标题 &lt;含尖括号&gt; &amp; 符号</title>"));
        assert!(xml.contains("t20181029_1.html?a=1&amp;b=2"));
        assert!(!xml.contains("a=1&b=2"));
    }

    #[test]
    fn feed_has_required_elements() {
        let xml = atom_feed(&feed());
        assert!(xml.contains("<id>https://www.jl.gov.cn/zw/yw/</id>"));
        assert!(xml.contains("<updated>2018-10-29T09:30:00+08:00</updated>"));
        assert!(xml.contains("rel=\"self\""));
        assert!(xml.contains("<author><name>吉林省人民政府办公厅</name></author>"));
        assert_eq!(xml.matches("<entry>").count(), 1);
    }
}
