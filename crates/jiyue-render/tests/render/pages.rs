//! Every page rendered from a realistic Jilin portal model, checked for the national meta
//! tags, the footer, the language attributes, escaping and the content security rules.

use jiyue_core::Validity;
use jiyue_render::model::*;
use jiyue_render::Renderer;

use crate::fixtures::{self, HOSTILE_TITLE};

fn renderer() -> Renderer {
    Renderer::embedded().unwrap()
}

fn meta(html: &str, name: &str, content: &str) -> bool {
    html.contains(&format!("<meta name=\"{name}\" content=\"{content}\">"))
}

/// Checks what every page must satisfy, whatever its kind.
fn assert_page_rules(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "no doctype");
    assert!(html.contains("name=\"viewport\""), "no viewport meta");
    assert!(
        html.contains("<a class=\"skip-link\" href=\"#main\">"),
        "no skip link"
    );
    assert!(html.contains("<main id=\"main\""), "no main landmark");
    assert!(!html.contains("style="), "style attribute found");
    assert!(!html.contains("<style"), "style element found");
    for (index, _) in html.match_indices("<script") {
        let tag = &html[index..index + html[index..].find('>').unwrap()];
        assert!(tag.contains(" src=\""), "script without src: {tag}");
    }
}

/// Checks the header and footer elements of a page on the Jilin portal.
fn assert_site_frame(html: &str) {
    assert_page_rules(html);
    assert!(html.contains("<html lang=\"zh-CN\" dir=\"ltr\">"));
    assert!(meta(html, "SiteName", "吉林省人民政府"));
    assert!(meta(html, "SiteDomain", "www.jl.gov.cn"));
    assert!(meta(html, "SiteIDCode", "2200000001"));
    assert!(html.contains("<meta name=\"ColumnName\""));
    assert!(html.contains("<meta name=\"ColumnDescription\""));
    assert!(html.contains("<meta name=\"ColumnKeywords\""));
    assert!(html.contains("<meta name=\"ColumnType\""));

    assert!(html.contains("网站标识码：2200000001"));
    assert!(html.contains("ICP备案号：吉ICP备05002208号"));
    assert!(html.contains("公安机关备案号：吉公网安备22010402000123号"));
    assert!(html.contains("主办单位：吉林省人民政府办公厅"));
    assert!(html.contains("承办单位：吉林省政务服务和数字化建设管理局"));
    assert!(html.contains("联系电话：0431-88904523"));
    assert!(html.contains("<a href=\"mailto:webmaster@jl.gov.cn\">"));
    assert!(html.contains("<a href=\"https://www.jl.gov.cn/wzdt/\">网站地图</a>"));
    assert!(html.contains("<a href=\"https://www.jl.gov.cn/jiucuo/\">我为政府网站找错</a>"));
    assert!(html.contains("<span class=\"badge-text\">党政机关网站</span>"));

    assert!(
        html.contains("class=\"demo-banner\""),
        "demo site without demo label"
    );
    assert!(html.contains("action=\"https://www.jl.gov.cn/search\""));
    assert!(html
        .contains("<a href=\"https://www.jl.gov.cn/zw/yw/\" aria-current=\"true\">要闻动态</a>"));
    assert!(html.contains("hreflang=\"en\""));
}

#[test]
fn home_page_frame_and_meta() {
    let html = renderer().home(&fixtures::home_page()).unwrap();
    assert_site_frame(&html);
    assert!(meta(&html, "ColumnName", "首页"));
    assert!(meta(&html, "ColumnType", "首页"));
    assert!(meta(&html, "ColumnKeywords", "吉林,政府,政务公开"));
    assert!(meta(&html, "ColumnDescription", "吉林省人民政府门户网站"));
    assert!(!html.contains("ArticleTitle"));
    assert!(html.contains("吉林省推进政府网站集约化试点工作"));
    assert!(html.contains("aria-label=\"更多要闻\""));
}

#[test]
fn list_entries_escape_titles() {
    let html = renderer().home(&fixtures::home_page()).unwrap();
    assert!(!html.contains(HOSTILE_TITLE));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("关于&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;的通知"));
}

#[test]
fn sample_entries_are_labelled() {
    let html = renderer().home(&fixtures::home_page()).unwrap();
    assert_eq!(
        html.matches("<span class=\"label label-sample\">示例内容</span>")
            .count(),
        1
    );
}

#[test]
fn column_page_links_feed_and_pages() {
    let html = renderer().column(&fixtures::column_page()).unwrap();
    assert_site_frame(&html);
    assert!(meta(&html, "ColumnName", "要闻"));
    assert!(meta(&html, "ColumnType", "要闻"));
    assert!(meta(&html, "ColumnKeywords", "要闻,动态"));
    assert!(html.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"要闻 - 吉林省人民政府\" \
         href=\"https://www.jl.gov.cn/zw/yw/feed.xml\">"
    ));
    assert!(html.contains("href=\"https://www.jl.gov.cn/zw/yw/index.html\" rel=\"prev\""));
    assert!(html.contains("href=\"https://www.jl.gov.cn/zw/yw/index_2.html\" rel=\"next\""));
    assert!(html.contains("aria-current=\"page\">2</a>"));
    assert!(html.contains("共 95 条，第 2/5 页"));
    assert!(html.contains("<title>要闻 - 吉林省人民政府</title>"));
    assert!(html.contains(
        "<li><a href=\"https://www.jl.gov.cn/\">首页</a></li>\n<li aria-current=\"page\">要闻</li>"
    ));
}

#[test]
fn empty_column_says_so() {
    let mut page = fixtures::column_page();
    page.entries.clear();
    page.pagination = Pagination::new(0, 0, 20, |_| "index.html".to_owned());
    let html = renderer().column(&page).unwrap();
    assert!(html.contains("本栏目暂无信息。"));
    assert!(!html.contains("class=\"pagination\""));
}

#[test]
fn item_page_article_meta() {
    let html = renderer().item(&fixtures::item_page()).unwrap();
    assert_site_frame(&html);
    assert!(meta(
        &html,
        "ArticleTitle",
        "国务院办公厅关于印发政府网站集约化试点工作方案的通知"
    ));
    assert!(meta(&html, "PubDate", "2018-10-29 09:30"));
    assert!(meta(&html, "ContentSource", "中国政府网"));
    assert!(meta(&html, "ColumnType", "要闻"));
    assert!(!html.contains("rel=\"canonical\""));
    assert!(html.contains(
        "<link rel=\"alternate\" hreflang=\"en\" \
         href=\"https://english.jl.gov.cn/news/201810/t20181029_3.html\">"
    ));
}

#[test]
fn item_page_body_and_metadata() {
    let html = renderer().item(&fixtures::item_page()).unwrap();
    assert!(html.contains("<p>各省、自治区、直辖市人民政府：</p>"));
    assert!(html.contains("<th scope=\"row\">发文字号</th><td>国办函〔2018〕71号</td>"));
    assert!(html.contains("<th scope=\"row\">索引号</th><td>013722045/2018-00071</td>"));
    assert!(html.contains("<th scope=\"row\">主题分类</th><td>综合政务\\政务公开</td>"));
    assert!(html.contains("<th scope=\"row\">有效性</th><td>有效</td>"));
    assert!(!html.contains("<th scope=\"row\">作者</th>"));
    assert!(html.contains("责任编辑：王丽"));
    assert!(html.contains("关键词：政府网站，集约化"));
    assert!(html.contains("<a href=\"https://www.jl.gov.cn/files/fa.pdf\">"));
    assert!(html.contains("吉林省生态环境厅"));
    assert!(!html.contains("class=\"banner"));
    assert!(html.contains("<li><a href=\"https://www.jl.gov.cn/zw/yw/\">要闻</a></li>\n<li aria-current=\"page\">国务院办公厅"));
}

#[test]
fn news_item_has_no_document_table() {
    let mut page = fixtures::item_page();
    page.item.index_number = None;
    page.item.document_number = None;
    page.item.issuing_org = None;
    let html = renderer().item(&page).unwrap();
    assert!(!html.contains("class=\"item-meta\""));
    assert!(html.contains("发布日期：<time datetime=\"2018-10-29T09:30\">2018-10-29 09:30</time>"));
}

#[test]
fn placement_links_canonical() {
    let mut page = fixtures::item_page();
    page.item.canonical_url = Some("https://www.gov.cn/zhengce/content/t1.html".to_owned());
    let html = renderer().item(&page).unwrap();
    assert!(html
        .contains("<link rel=\"canonical\" href=\"https://www.gov.cn/zhengce/content/t1.html\">"));
}

#[test]
fn repealed_item_shows_banner() {
    let mut page = fixtures::item_page();
    page.item.validity = Validity::Repealed;
    let html = renderer().item(&page).unwrap();
    assert!(html.contains("<p class=\"banner banner-repealed\" role=\"note\">本文件已废止"));
    assert!(html.contains("<th scope=\"row\">有效性</th><td>废止</td>"));
}

#[test]
fn item_title_is_escaped_everywhere() {
    let mut page = fixtures::item_page();
    page.item.title = HOSTILE_TITLE.to_owned();
    page.item.sample = true;
    let html = renderer().item(&page).unwrap();
    assert_page_rules(&html);
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("<meta name=\"ArticleTitle\" content=\"关于&lt;script&gt;"));
    assert!(html.contains("<h1>关于&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;的通知</h1>"));
    assert!(html.contains("<span class=\"label label-sample\">示例内容</span>"));
}

#[test]
fn national_scripts_when_configured() {
    let mut page = fixtures::home_page();
    page.site.footer.badge_script_url =
        Some("https://dcs.conac.cn/js/22/000/0000/60000001/CA220000000000000000.js".to_owned());
    page.site.footer.error_report_script_url =
        Some("https://zfwzgl.www.gov.cn/exposure/jiucuo.js".to_owned());
    let html = renderer().home(&page).unwrap();
    assert_page_rules(&html);
    assert!(html.contains("<script src=\"https://dcs.conac.cn/js/22/000/0000/60000001/CA220000000000000000.js\"></script>"));
    assert!(html.contains(
        "sitecode=\"2200000001\" src=\"https://zfwzgl.www.gov.cn/exposure/jiucuo.js\"></script>"
    ));
    assert!(!html.contains("class=\"badge-text\""));
    assert!(!html.contains("我为政府网站找错</a>"));
}

#[test]
fn english_site_uses_english_messages() {
    let mut page = fixtures::home_page();
    page.site.lang = "en".to_owned();
    page.site.demo = false;
    let html = renderer().home(&page).unwrap();
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(html.contains("Skip to main content"));
    assert!(html.contains("Website code: 2200000001"));
    assert!(html.contains("Report an error on this site"));
    assert!(meta(&html, "ColumnName", "Home"));
    assert!(
        meta(&html, "ColumnType", "首页"),
        "ColumnType stays Chinese"
    );
    assert!(!html.contains("class=\"demo-banner\""));
}

#[test]
fn right_to_left_site_sets_dir() {
    let mut page = fixtures::home_page();
    page.site.lang = "ug".to_owned();
    page.site.dir = "rtl".to_owned();
    let html = renderer().home(&page).unwrap();
    assert!(html.contains("<html lang=\"ug\" dir=\"rtl\">"));
    assert!(
        html.contains("跳到主要内容"),
        "Uyghur falls back to zh-CN messages"
    );
}

#[test]
fn search_page_marks_only_prepared_html() {
    let html = renderer().search(&fixtures::search_page()).unwrap();
    assert_site_frame(&html);
    assert!(meta(&html, "ColumnType", "其他"));
    assert!(html.contains("政府网站<mark>集约化</mark>试点"));
    assert!(html.contains("推进政府网站<mark>集约化</mark>建设 &lt;b&gt;"));
    assert!(html.contains("value=\"集约化 &lt;b&gt;\""));
    assert!(html.contains("找到 1 条结果"));
    assert!(html.contains("scope=site\" aria-current=\"true\">本站</a>"));
    assert!(html.contains("scope=all\">全部网站</a>"));
    assert!(html.contains("<h2>按网站</h2>"));
    assert!(html.contains("<h2>按年份</h2>"));
    assert!(html.contains("site=2200000001\" aria-current=\"true\">吉林省人民政府"));
}

#[test]
fn search_notice_and_no_results() {
    let mut page = fixtures::search_page();
    page.results.clear();
    page.total = 0;
    page.notice = Some("搜索词过长，已截取前 100 个字。".to_owned());
    let html = renderer().search(&page).unwrap();
    assert!(html.contains("<p class=\"notice\" role=\"status\">搜索词过长"));
    assert!(html.contains("没有找到相关信息"));
}

#[test]
fn directory_is_a_platform_page() {
    let html = renderer().directory(&fixtures::directory_page()).unwrap();
    assert_page_rules(&html);
    assert!(html.contains("<html lang=\"zh-CN\" dir=\"ltr\">"));
    assert!(!html.contains("SiteIDCode"));
    assert!(html.contains("<title>吉林省政府网站集约化平台</title>"));
    assert!(html.contains("<h2>吉林省人民政府</h2>"));
    assert!(html.contains("hreflang=\"en\" lang=\"en\">Jilin Province</a>"));
    assert!(html.contains("网站标识码：2200000002"));
}

#[test]
fn unknown_host_names_host() {
    let page = NotFoundPage {
        site: None,
        host: "www.example.gov.cn<x>".to_owned(),
        path: "/".to_owned(),
    };
    let html = renderer().not_found(&page).unwrap();
    assert_page_rules(&html);
    assert!(html.contains("本平台没有托管网站 www.example.gov.cn&lt;x&gt;"));
    assert!(!html.contains("SiteIDCode"));
    assert!(!html.contains("网站标识码"));
}

#[test]
fn unknown_path_renders_in_site_layout() {
    let page = NotFoundPage {
        site: Some(fixtures::site()),
        host: "www.jl.gov.cn".to_owned(),
        path: "/zw/\"missing\".html".to_owned(),
    };
    let html = renderer().not_found(&page).unwrap();
    assert_site_frame(&html);
    assert!(html.contains("您访问的页面 /zw/&quot;missing&quot;.html 不存在"));
    assert!(meta(&html, "ColumnName", "页面不存在"));
}

#[test]
fn gone_page_shows_notice() {
    let page = GonePage {
        site: fixtures::site(),
        notice: "该信息已于2019年1月1日撤下。".to_owned(),
    };
    let html = renderer().gone(&page).unwrap();
    assert_site_frame(&html);
    assert!(html.contains("<h1>信息已撤下</h1>"));
    assert!(html.contains("该信息已于2019年1月1日撤下。"));
}

#[test]
fn rendering_is_deterministic() {
    let first = renderer().item(&fixtures::item_page()).unwrap();
    let second = renderer().item(&fixtures::item_page()).unwrap();
    assert_eq!(first, second);

    let shared = renderer();
    let page = fixtures::search_page();
    assert_eq!(shared.search(&page).unwrap(), shared.search(&page).unwrap());
}

#[test]
fn theme_folder_overrides_page_template() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("templates")).unwrap();
    std::fs::write(
        folder.path().join("templates/gone.html"),
        "{% extends \"base.html\" %}{% block content %}<p class=\"custom\">{{ page.notice }}</p>{% endblock %}",
    )
    .unwrap();

    let renderer = Renderer::from_dir(folder.path()).unwrap();
    let page = GonePage {
        site: fixtures::site(),
        notice: "已撤下".to_owned(),
    };
    let html = renderer.gone(&page).unwrap();
    assert!(html.contains("<p class=\"custom\">已撤下</p>"));
    assert_site_frame(&html);
}
