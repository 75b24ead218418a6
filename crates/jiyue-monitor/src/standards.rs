//! The standards check of one rendered page: the national meta tags and the footer elements
//! that every government website page must carry.
//!
//! The required set follows the page-design rules of the State Council's 《政府网站发展指引》
//! (国办发〔2017〕47号). Every page names its site (`SiteName`, `SiteDomain`, `SiteIDCode`) and
//! column (`ColumnName`, `ColumnDescription`, `ColumnKeywords`, `ColumnType`). Article pages
//! add `ArticleTitle`, `PubDate` and `ContentSource`. The footer shows the party-and-government
//! site badge (党政机关网站标识), the site code (网站标识码), the ICP and public-security filing
//! numbers, the sponsor (主办单位) and operator (承办单位), contact details, a site-map link and
//! the error-report entry (我为政府网站找错). The platform's base layout (`base.html`,
//! `site_footer.html` of the default theme) emits exactly these.
//!
//! NOTE: the optional article tags (`Keywords`, `Author`, `Description`, `Image`, `Url`) are
//! neither emitted by the templates nor checked here.
//!
//! The page is scanned as text, not parsed as a document: it reads the markup the platform's
//! own templates produce (double-quoted attributes, escaped values), so a hand-edited page in
//! another style may be reported as missing an element it has.

use std::fmt;

use jiyue_core::{ColumnType, SiteCode};

/// Meta tags every page of a site carries.
pub const SITE_TAGS: [&str; 7] = [
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "ColumnName",
    "ColumnDescription",
    "ColumnKeywords",
    "ColumnType",
];

/// Meta tags an article page adds.
pub const ARTICLE_TAGS: [&str; 3] = ["ArticleTitle", "PubDate", "ContentSource"];

/// The values a page of a site should show, from the site's stored settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    pub site_code: String,
    pub site_name: String,
    /// The host without scheme and port, such as `www.jl.gov.cn`.
    pub site_domain: String,
    pub sponsor: String,
    pub operator: String,
    pub icp_filing: String,
    pub public_security_filing: String,
    /// The URL the footer's site-map link points to.
    pub site_map_url: String,
    /// Whether the page is an article (an item page), which adds the article tags.
    pub article: bool,
}

/// One way a page falls short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The element is absent.
    Missing,
    /// The element appears more than once.
    Repeated,
    /// The element is present but empty.
    Empty,
    /// The element shows another value than the site's settings.
    Wrong { found: String, expected: String },
    /// The value does not have the required form.
    BadFormat { found: String, format: &'static str },
    /// The site's settings lack the value, so no page can show it.
    NotConfigured,
}

/// One problem, naming the element it concerns (`meta SiteIDCode`, `footer ICP filing`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub element: String,
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ProblemKind::Missing => write!(f, "{}: missing", self.element),
            ProblemKind::Repeated => write!(f, "{}: appears more than once", self.element),
            ProblemKind::Empty => write!(f, "{}: empty", self.element),
            ProblemKind::Wrong { found, expected } => write!(
                f,
                "{}: found \"{found}\", expected \"{expected}\"",
                self.element
            ),
            ProblemKind::BadFormat { found, format } => write!(
                f,
                "{}: found \"{found}\", expected the form {format}",
                self.element
            ),
            ProblemKind::NotConfigured => write!(
                f,
                "{}: not set in the site's settings; set it in the site administration",
                self.element
            ),
        }
    }
}

fn problem(element: impl Into<String>, kind: ProblemKind) -> Problem {
    Problem {
        element: element.into(),
        kind,
    }
}

/// Checks a rendered HTML page of a site against the national meta tags and footer elements.
pub fn check_page(html: &str, expected: &Expected) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_meta(html, expected, &mut problems);
    check_footer(html, expected, &mut problems);
    problems
}

fn check_meta(html: &str, expected: &Expected, problems: &mut Vec<Problem>) {
    let head = html.find("</head>").map_or(html, |end| &html[..end]);
    let tags = meta_tags(head);
    let mut required: Vec<&str> = SITE_TAGS.to_vec();
    if expected.article {
        required.extend(ARTICLE_TAGS);
    }
    for name in required {
        let element = format!("meta {name}");
        let values: Vec<&String> = tags
            .iter()
            .filter(|(tag, _)| tag == name)
            .map(|(_, content)| content)
            .collect();
        let value = match values.as_slice() {
            [] => {
                problems.push(problem(element, ProblemKind::Missing));
                continue;
            }
            [value] => value.as_str(),
            _ => {
                problems.push(problem(element, ProblemKind::Repeated));
                continue;
            }
        };
        if let Some(kind) = judge_meta(name, value, expected) {
            problems.push(problem(element, kind));
        }
    }
}

fn judge_meta(name: &str, value: &str, expected: &Expected) -> Option<ProblemKind> {
    let must_equal = |wanted: &str| {
        (value != wanted).then(|| ProblemKind::Wrong {
            found: value.to_string(),
            expected: wanted.to_string(),
        })
    };
    match name {
        "SiteName" => must_equal(&expected.site_name),
        "SiteDomain" => must_equal(&expected.site_domain),
        "SiteIDCode" => {
            if SiteCode::parse(value).is_err() {
                return Some(ProblemKind::BadFormat {
                    found: value.to_string(),
                    format: "6-digit division code and 4 digits, or bm and 8 digits",
                });
            }
            must_equal(&expected.site_code)
        }
        "ColumnType" => {
            let known = ColumnType::ALL.iter().any(|kind| kind.name_zh() == value);
            (!known).then(|| ProblemKind::BadFormat {
                found: value.to_string(),
                format: "a column type name of the national page-design rules, such as 要闻",
            })
        }
        "PubDate" => {
            let valid = value.len() == 16
                && chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M").is_ok();
            (!valid).then(|| ProblemKind::BadFormat {
                found: value.to_string(),
                format: "YYYY-MM-DD HH:MM",
            })
        }
        "ColumnName" | "ArticleTitle" => value.trim().is_empty().then_some(ProblemKind::Empty),
        // Descriptions, keywords and the source may be blank when the editors left them blank;
        // the rules ask for the tag.
        _ => None,
    }
}

fn check_footer(html: &str, expected: &Expected, problems: &mut Vec<Problem>) {
    let Some(start) = html.find("<footer class=\"site-footer\"") else {
        problems.push(problem("footer", ProblemKind::Missing));
        return;
    };
    let end = html[start..]
        .find("</footer>")
        .map_or(html.len(), |end| start + end);
    let raw = &html[start..end];
    let footer = unescape(raw);

    let badge = raw.contains("id=\"_ideConac\"") || raw.contains("class=\"badge-text\"");
    if !badge {
        problems.push(problem(
            "footer party-and-government badge",
            ProblemKind::Missing,
        ));
    }
    let error_report = section(raw, "class=\"error-report\"", "</li>")
        .is_some_and(|entry| entry.contains("<a href=\"") || entry.contains("id=\"_jiucuo_\""));
    if !error_report {
        problems.push(problem("footer error-report entry", ProblemKind::Missing));
    }
    let site_map_link = format!("href=\"{}\"", expected.site_map_url);
    if expected.site_map_url.is_empty() || !footer.contains(&site_map_link) {
        problems.push(problem("footer site map link", ProblemKind::Missing));
    }
    if !raw.contains("<address") {
        problems.push(problem("footer contact details", ProblemKind::Missing));
    }
    let values = [
        ("footer site code", &expected.site_code),
        ("footer ICP filing", &expected.icp_filing),
        (
            "footer public-security filing",
            &expected.public_security_filing,
        ),
        ("footer sponsor", &expected.sponsor),
        ("footer operator", &expected.operator),
    ];
    for (element, value) in values {
        if value.trim().is_empty() {
            problems.push(problem(element, ProblemKind::NotConfigured));
        } else if !footer.contains(value.as_str()) {
            problems.push(problem(element, ProblemKind::Missing));
        }
    }
}

/// Returns the text from `marker` to the next `end`, if `marker` occurs.
fn section<'a>(text: &'a str, marker: &str, end: &str) -> Option<&'a str> {
    let start = text.find(marker)?;
    let rest = &text[start..];
    Some(rest.find(end).map_or(rest, |stop| &rest[..stop]))
}

/// Returns the `name` and decoded `content` of every `<meta name="…" content="…">` tag.
fn meta_tags(head: &str) -> Vec<(String, String)> {
    let mut tags = Vec::new();
    for piece in head.split("<meta ").skip(1) {
        let tag = piece.split('>').next().unwrap_or(piece);
        if let (Some(name), Some(content)) = (attribute(tag, "name"), attribute(tag, "content")) {
            tags.push((unescape(name), unescape(content)));
        }
    }
    tags
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!("{name}=\"");
    let mut offset = 0;
    while let Some(found) = tag[offset..].find(&marker) {
        let at = offset + found;
        // Skip a longer attribute name that ends in `name`, such as `data-name`.
        let boundary = at == 0 || tag[..at].ends_with(char::is_whitespace);
        let start = at + marker.len();
        if boundary {
            let end = tag[start..].find('"')?;
            return Some(&tag[start..start + end]);
        }
        offset = start;
    }
    None
}

/// Decodes the character references the templates' escaping produces, and numeric ones.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[path = "standards_tests.rs"]
mod tests;
