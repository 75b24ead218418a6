use super::*;

fn expected() -> Expected {
    Expected {
        site_code: "2200000001".into(),
        site_name: "吉林省人民政府".into(),
        site_domain: "www.jl.gov.cn".into(),
        sponsor: "吉林省人民政府办公厅".into(),
        operator: "吉林省政务服务和数字化建设管理局".into(),
        icp_filing: "吉ICP备05002208号".into(),
        public_security_filing: "吉公网安备22010202000001号".into(),
        site_map_url: "https://www.jl.gov.cn/sitemap.html".into(),
        article: true,
    }
}

/// A page as the default theme renders it, with the escaping minijinja applies.
fn page() -> String {
    r#"<!DOCTYPE html>
<html lang="zh-CN" dir="ltr">
<head>
<meta charset="utf-8">
<title>通知 - 吉林省人民政府</title>
<meta name="SiteName" content="吉林省人民政府">
<meta name="SiteDomain" content="www.jl.gov.cn">
<meta name="SiteIDCode" content="2200000001">
<meta name="ColumnName" content="通知公告">
<meta name="ColumnDescription" content="">
<meta name="ColumnKeywords" content="通知,公告">
<meta name="ColumnType" content="通知公告">
<meta name="ArticleTitle" content="关于&quot;春节&quot;放假的通知">
<meta name="PubDate" content="2026-12-01 09:30">
<meta name="ContentSource" content="吉林省人民政府办公厅">
</head>
<body>
<main id="main">正文</main>
<footer class="site-footer">
<ul class="footer-links">
<li><a href="https:&#x2f;&#x2f;www.jl.gov.cn&#x2f;sitemap.html">网站地图</a></li>
<li class="error-report">
<a href="https:&#x2f;&#x2f;www.jl.gov.cn&#x2f;zhaocuo">我为政府网站找错</a>
</li>
</ul>
<div class="footer-badge">
<span class="badge-text">党政机关网站</span>
</div>
<p><span>主办单位：吉林省人民政府办公厅</span> <span>承办单位：吉林省政务服务和数字化建设管理局</span></p>
<p><span>网站标识码：2200000001</span> <span>ICP备案号：吉ICP备05002208号</span> <span>公安机关备案号：吉公网安备22010202000001号</span></p>
<address><span>联系电话：0431-88904567</span></address>
</footer>
</body>
</html>"#
        .to_string()
}

fn problems_after(from: &str, to: &str) -> Vec<Problem> {
    let html = page();
    assert!(html.contains(from), "the sample page contains {from:?}");
    check_page(&html.replacen(from, to, 1), &expected())
}

fn has(problems: &[Problem], element: &str, kind: &ProblemKind) -> bool {
    problems
        .iter()
        .any(|problem| problem.element == element && &problem.kind == kind)
}

#[test]
fn rendered_page_passes() {
    assert_eq!(check_page(&page(), &expected()), Vec::new());
}

#[test]
fn missing_meta_tags_are_named() {
    for name in SITE_TAGS.iter().chain(ARTICLE_TAGS.iter()) {
        let marker = format!("<meta name=\"{name}\"");
        let problems = problems_after(&marker, "<meta name=\"Other\"");
        let element = format!("meta {name}");
        assert!(
            has(&problems, &element, &ProblemKind::Missing),
            "{name}: {problems:?}"
        );
        assert_eq!(problems.len(), 1, "{name}: {problems:?}");
    }
}

#[test]
fn article_tags_only_on_articles() {
    let html = page().replace("<meta name=\"ArticleTitle\"", "<meta name=\"Other\"");
    let listing = Expected {
        article: false,
        ..expected()
    };
    assert_eq!(check_page(&html, &listing), Vec::new());
}

#[test]
fn wrong_meta_values_are_reported() {
    let problems = problems_after("content=\"2200000001\"", "content=\"2200000009\"");
    assert!(has(
        &problems,
        "meta SiteIDCode",
        &ProblemKind::Wrong {
            found: "2200000009".into(),
            expected: "2200000001".into()
        }
    ));
    let problems = problems_after("content=\"2200000001\"", "content=\"22000\"");
    assert!(matches!(problems[0].kind, ProblemKind::BadFormat { .. }));
    let problems = problems_after("content=\"www.jl.gov.cn\"", "content=\"jl.gov.cn\"");
    assert!(matches!(
        &problems[0],
        Problem { element, kind: ProblemKind::Wrong { .. } } if element == "meta SiteDomain"
    ));
    let problems = problems_after(
        "<meta name=\"SiteName\" content=\"吉林省人民政府\">",
        "<meta name=\"SiteName\" content=\"吉林省政府\">",
    );
    assert_eq!(problems[0].element, "meta SiteName");
    let problems = problems_after(
        "<meta name=\"ColumnType\" content=\"通知公告\">",
        "<meta name=\"ColumnType\" content=\"新闻\">",
    );
    assert_eq!(problems[0].element, "meta ColumnType");
    let problems = problems_after(
        "<meta name=\"ArticleTitle\" content=\"关于&quot;春节&quot;放假的通知\">",
        "<meta name=\"ArticleTitle\" content=\" \">",
    );
    assert!(has(&problems, "meta ArticleTitle", &ProblemKind::Empty));
}

#[test]
fn pub_date_must_have_minutes() {
    for bad in [
        "2026-12-01",
        "2026-12-01 09:30:00",
        "2026/12/01 09:30",
        "2026-13-01 09:30",
    ] {
        let problems = problems_after("2026-12-01 09:30", bad);
        assert!(
            has(
                &problems,
                "meta PubDate",
                &ProblemKind::BadFormat {
                    found: bad.into(),
                    format: "YYYY-MM-DD HH:MM"
                }
            ),
            "{bad}: {problems:?}"
        );
    }
}

#[test]
fn repeated_meta_tag_is_reported() {
    let problems = problems_after(
        "<meta name=\"SiteName\"",
        "<meta name=\"SiteIDCode\" content=\"2200000001\">\n<meta name=\"SiteName\"",
    );
    assert!(has(&problems, "meta SiteIDCode", &ProblemKind::Repeated));
}

#[test]
fn footer_elements_are_checked() {
    let cases = [
        (
            "<span class=\"badge-text\">党政机关网站</span>",
            "",
            "footer party-and-government badge",
        ),
        (
            "<a href=\"https:&#x2f;&#x2f;www.jl.gov.cn&#x2f;zhaocuo\">我为政府网站找错</a>",
            "我为政府网站找错",
            "footer error-report entry",
        ),
        (
            "<a href=\"https:&#x2f;&#x2f;www.jl.gov.cn&#x2f;sitemap.html\">",
            "<a href=\"/other.html\">",
            "footer site map link",
        ),
        ("<address>", "<div>", "footer contact details"),
        ("网站标识码：2200000001", "网站标识码：", "footer site code"),
        ("吉ICP备05002208号</span>", "</span>", "footer ICP filing"),
        (
            "吉公网安备22010202000001号",
            "",
            "footer public-security filing",
        ),
        (
            "主办单位：吉林省人民政府办公厅",
            "主办单位：",
            "footer sponsor",
        ),
        (
            "承办单位：吉林省政务服务和数字化建设管理局",
            "承办单位：",
            "footer operator",
        ),
    ];
    for (from, to, element) in cases {
        let problems = problems_after(from, to);
        assert!(
            has(&problems, element, &ProblemKind::Missing),
            "{element}: {problems:?}"
        );
        assert_eq!(problems.len(), 1, "{element}: {problems:?}");
    }
}

#[test]
fn national_scripts_count_as_badge_and_entry() {
    let html = page()
        .replace(
            "<span class=\"badge-text\">党政机关网站</span>",
            "<span id=\"_ideConac\"><script src=\"https://dcs.conac.cn/js/x.js\"></script></span>",
        )
        .replace(
            "<a href=\"https:&#x2f;&#x2f;www.jl.gov.cn&#x2f;zhaocuo\">我为政府网站找错</a>",
            "<span id=\"_span_jiucuo\"><script id=\"_jiucuo_\" sitecode=\"2200000001\" src=\"x.js\"></script></span>",
        );
    assert_eq!(check_page(&html, &expected()), Vec::new());
}

#[test]
fn missing_footer_and_settings() {
    let html = page();
    let start = html.find("<footer").unwrap();
    let problems = check_page(&html[..start], &expected());
    assert_eq!(
        problems,
        vec![Problem {
            element: "footer".into(),
            kind: ProblemKind::Missing
        }]
    );

    let unset = Expected {
        operator: String::new(),
        ..expected()
    };
    let problems = check_page(&html, &unset);
    assert!(has(
        &problems,
        "footer operator",
        &ProblemKind::NotConfigured
    ));
    assert!(problems[0].to_string().contains("site administration"));
}

#[test]
fn unescape_decodes_references() {
    assert_eq!(unescape("a&amp;b&#x2f;c&#39;d&lt;"), "a&b/c'd<");
    assert_eq!(unescape("AT&T & co"), "AT&T & co");
}
