//! Link extraction: the addresses an HTML page points at, its `<base href>`, and the anchors
//! (`id` on any element, `name` on `<a>`) that a fragment can land on.

use std::cell::RefCell;
use std::collections::HashSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::TokenizerResult;

/// One address written in a page, as written (entities already decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLink {
    /// The element and attribute it came from, such as `a href` or `img srcset`.
    pub source: &'static str,
    pub value: String,
}

/// The links, base address and anchors of one page.
#[derive(Debug, Default, Clone)]
pub struct ParsedPage {
    pub links: Vec<RawLink>,
    /// The first `<base href>`, which relative links resolve against.
    pub base_href: Option<String>,
    /// Every `id`, and every `name` of an `<a>`, that a fragment may point at.
    pub anchors: HashSet<String>,
}

#[derive(Default)]
struct Sink {
    page: RefCell<ParsedPage>,
}

/// Parses a page with the HTML tokenizer, so that entities, unquoted attributes and
/// `<script>` bodies are read as a browser reads them.
pub fn parse_html(html: &str) -> ParsedPage {
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    // The sink never returns `Script`, so `feed` returns `Done` on the first call.
    while let TokenizerResult::Script(_) = tokenizer.feed(&queue) {}
    tokenizer.end();
    tokenizer.sink.page.take()
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind == TagKind::EndTag {
            return TokenSinkResult::Continue;
        }
        self.read_tag(&tag);
        if tag.self_closing {
            return TokenSinkResult::Continue;
        }
        // The tokenizer alone does not know which elements hold raw text; without these
        // switches a `<a href>` inside a script string would count as a link.
        match &*tag.name {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

impl Sink {
    fn read_tag(&self, tag: &Tag) {
        let mut page = self.page.borrow_mut();
        let name = &*tag.name;
        for attr in &tag.attrs {
            let attr_name = &*attr.name.local;
            let value = &*attr.value;
            if attr_name == "id" || (attr_name == "name" && name == "a") {
                if !value.is_empty() {
                    page.anchors.insert(value.to_string());
                }
                continue;
            }
            if name == "base" && attr_name == "href" {
                if page.base_href.is_none() {
                    page.base_href = Some(value.trim().to_string());
                }
                continue;
            }
            let Some(source) = link_source(name, attr_name) else {
                continue;
            };
            if attr_name == "srcset" {
                for candidate in srcset_urls(value) {
                    page.links.push(RawLink {
                        source,
                        value: candidate.to_string(),
                    });
                }
            } else if !value.trim().is_empty() {
                page.links.push(RawLink {
                    source,
                    value: value.trim().to_string(),
                });
            }
        }
    }
}

/// Names the element and attribute pairs that load or lead to another address.
fn link_source(element: &str, attr: &str) -> Option<&'static str> {
    Some(match (element, attr) {
        ("a", "href") => "a href",
        ("area", "href") => "area href",
        ("link", "href") => "link href",
        ("img", "src") => "img src",
        ("img", "srcset") => "img srcset",
        ("script", "src") => "script src",
        ("iframe", "src") => "iframe src",
        ("source", "src") => "source src",
        ("source", "srcset") => "source srcset",
        ("video", "src") => "video src",
        ("video", "poster") => "video poster",
        ("audio", "src") => "audio src",
        ("embed", "src") => "embed src",
        _ => return None,
    })
}

/// Splits a `srcset` into its addresses: candidates are separated by commas, and each is an
/// address followed by an optional width or density descriptor.
pub fn srcset_urls(srcset: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    let mut rest = srcset;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (candidate, after) = rest.split_at(end);
        // As in the HTML standard, a comma inside an address belongs to it, and only trailing
        // commas end the candidate without a descriptor.
        let url = candidate.trim_end_matches(',');
        if !url.is_empty() {
            urls.push(url);
        }
        rest = if candidate.ends_with(',') {
            after
        } else {
            // Skip the descriptor up to the comma that ends this candidate.
            after.find(',').map_or("", |comma| &after[comma + 1..])
        };
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_anchors() {
        let page = parse_html(
            r##"<html><head><base href="/docs/"><link rel=stylesheet href="s.css">
            <script src="/a.js"></script><script>var x = '<a href="/no">';</script></head>
            <body><a href="x.html?a=1&amp;b=2">x</a><a name="旧锚">old</a>
            <h2 id="第一章">一</h2><img src="i.png" srcset="i1.png 1x, i2.png 2x">
            <area href="m.html"><iframe src="f.html"></iframe><source srcset="v.webp">
            <a href="  ">blank</a></body></html>"##,
        );
        let values: Vec<&str> = page.links.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(
            values,
            [
                "s.css",
                "/a.js",
                "x.html?a=1&b=2",
                "i.png",
                "i1.png",
                "i2.png",
                "m.html",
                "f.html",
                "v.webp"
            ]
        );
        assert_eq!(page.base_href.as_deref(), Some("/docs/"));
        assert!(page.anchors.contains("第一章"));
        assert!(page.anchors.contains("旧锚"));
    }

    #[test]
    fn srcset_candidates() {
        assert_eq!(srcset_urls("a.png"), ["a.png"]);
        assert_eq!(srcset_urls(" a.png 1x , b.png 2x"), ["a.png", "b.png"]);
        assert_eq!(srcset_urls("a.png,b.png 480w"), ["a.png,b.png"]);
        assert_eq!(srcset_urls("a.png, b.png"), ["a.png", "b.png"]);
        assert_eq!(srcset_urls("a.png,, b.png 2x"), ["a.png", "b.png"]);
        assert!(srcset_urls(" , ").is_empty());
    }
}
