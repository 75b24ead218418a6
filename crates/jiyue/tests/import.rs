//! Import files and the demo province against a real database: SQLite in a temporary folder,
//! and PostgreSQL too when `JIYUE_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::path::Path;

use jiyue::import::{import_paths, parse_jsonl, parse_markdown, ImportReport};
use jiyue_core::clock::parse_china_time;
use jiyue_db::{Db, PublishedItem, RouteTarget};

mod common;

use common::write;

/// Runs `test` on every backend with the demo, the clock at 2025-06-02 12:00 China time.
async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Db, String) -> Fut,
    Fut: Future<Output = ()>,
{
    common::each_backend_at("2025-06-02 12:00", test).await;
}

fn markdown_item(id: &str, column: &str, title: &str) -> String {
    format!(
        "+++\n\
         id = \"{id}\"\n\
         org = \"11220000000000019E\"\n\
         site = \"2200000001\"\n\
         column = \"{column}\"\n\
         title = \"{title}\"\n\
         published_at = \"2025-06-01 09:00\"\n\
         +++\n\n\
         第一段。\n\n\
         第二段，含**重点**。\n"
    )
}

fn json_item(id: &str, title: &str) -> String {
    format!(
        "{{\"id\": \"{id}\", \"org\": \"11220000000000019E\", \"site\": \"2200000001\", \
         \"column\": \"tzgg\", \"title\": \"{title}\", \"published_at\": \"2025-06-01 10:00\", \
         \"body_markdown\": \"通知正文。\"}}"
    )
}

fn only_rejection(report: &ImportReport) -> &jiyue::import::Diagnostic {
    assert_eq!(report.rejected.len(), 1, "{report}");
    let diagnostics = report.rejected[0].error.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{report}");
    &diagnostics[0]
}

#[test]
fn markdown_missing_title_names_line() {
    let text = "+++\nid = \"a\"\norg = \"11220000000000019E\"\nsite = \"2200000001\"\n\
                column = \"yw\"\n+++\nBody\n";
    let error = parse_markdown(Path::new("news/a.md"), text).unwrap_err();
    let diagnostics = error.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{error}");
    assert_eq!(diagnostics[0].field.as_deref(), Some("title"));
    assert_eq!(diagnostics[0].line, 1);
    assert!(
        error
            .to_string()
            .starts_with("news/a.md:1: field \"title\": "),
        "{error}"
    );
}

#[test]
fn markdown_bad_date_names_line() {
    let text = "+++\nid = \"a\"\norg = \"11220000000000019E\"\nsite = \"2200000001\"\n\
                column = \"yw\"\ntitle = \"标题\"\npublished_at = \"2018-13-09\"\n+++\nBody\n";
    let error = parse_markdown(Path::new("news/pilot.md"), text).unwrap_err();
    assert_eq!(
        error.to_string(),
        "news/pilot.md:7: field \"published_at\": invalid time \"2018-13-09\": expected \
         YYYY-MM-DD HH:MM in China Standard Time"
    );
}

#[test]
fn markdown_unknown_key_is_error() {
    let text = "+++\nid = \"a\"\norg = \"11220000000000019E\"\nsite = \"2200000001\"\n\
                column = \"yw\"\ntitle = \"标题\"\ntitel = \"标题\"\n+++\nBody\n";
    let error = parse_markdown(Path::new("a.md"), text).unwrap_err();
    let diagnostics = error.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{error}");
    assert_eq!(diagnostics[0].line, 7);
    assert_eq!(diagnostics[0].field.as_deref(), Some("titel"));
    assert!(
        diagnostics[0].message.contains("did you mean \"title\""),
        "{error}"
    );
}

#[test]
fn markdown_reports_every_error() {
    let text = "+++\nid = \"a\"\norg = \"11220000000000019X\"\nsite = \"2200000001\"\n\
                column = \"Y W\"\ntitle = \"标题\"\nvalidity = \"maybe\"\naudience = 3\n+++\n";
    let error = parse_markdown(Path::new("a.md"), text).unwrap_err();
    let fields: Vec<(usize, Option<&str>)> = error
        .diagnostics()
        .iter()
        .map(|d| (d.line, d.field.as_deref()))
        .collect();
    assert_eq!(
        fields,
        vec![
            (3, Some("org")),
            (5, Some("column")),
            (7, Some("validity")),
            (8, Some("audience"))
        ]
    );
}

#[test]
fn markdown_reads_every_field() {
    let text = "+++\n\
        id = \"full\"\n\
        org = \"11220000000000019e\"\n\
        site = \"2200000001\"\n\
        column = \"zcwj\"\n\
        placements = [\"2200000005:yw\", { site = \"2201000001\", column = \"yw\" }]\n\
        translation_of = \"orig\"\n\
        legacy_urls = [\"http://www.jl.gov.cn/old/1.html\"]\n\
        publish = false\n\
        sample = true\n\
        title = \"标题\"\n\
        subtitle = \"副标题\"\n\
        lang = \"zh-CN\"\n\
        index_number = \"000000001/2018-00001\"\n\
        issuing_org = \"吉林省人民政府办公厅\"\n\
        written_date = 2018-11-09\n\
        document_number = \"吉政办函〔2018〕1号\"\n\
        published_at = \"2018-11-10 09:00\"\n\
        source = \"来源\"\n\
        author = \"作者\"\n\
        editor = \"编辑\"\n\
        subject = \"01\"\n\
        genre = \"新闻\"\n\
        audience = [\"公众\", \"02\"]\n\
        keywords = [\"甲\", \"乙\"]\n\
        summary = \"摘要\"\n\
        validity = \"已修订\"\n\
        superseded_by = [\"newer\"]\n\
        interprets = [\"policy\"]\n\
        +++\n\n# 小标题\n\n正文<script>alert(1)</script>\n";
    let item = parse_markdown(Path::new("full.md"), text).unwrap();

    assert_eq!(item.external_id, "full");
    assert_eq!(item.org_credit_code, "11220000000000019E");
    assert_eq!(item.home.site_code, "2200000001");
    assert_eq!(item.home.column_path, "zcwj");
    assert_eq!(item.extra_placements.len(), 2);
    assert_eq!(item.extra_placements[0].column_path, "yw");
    assert_eq!(item.extra_placements[1].site_code, "2201000001");
    assert_eq!(item.translation_of.as_deref(), Some("orig"));
    assert_eq!(
        item.legacy_urls,
        vec!["http://www.jl.gov.cn/old/1.html".to_owned()]
    );
    assert!(!item.publish);
    assert!(item.sample);

    let meta = &item.meta;
    assert_eq!(meta.title, "标题");
    assert_eq!(meta.subtitle.as_deref(), Some("副标题"));
    assert_eq!(meta.lang, "zh-CN");
    assert_eq!(
        meta.index_number.as_ref().unwrap().as_str(),
        "000000001/2018-00001"
    );
    assert_eq!(meta.issuing_org.as_deref(), Some("吉林省人民政府办公厅"));
    assert_eq!(meta.written_date.unwrap().to_string(), "2018-11-09");
    assert_eq!(meta.document_number.as_deref(), Some("吉政办函〔2018〕1号"));
    assert_eq!(meta.published_at, parse_china_time("2018-11-10 09:00"));
    assert_eq!(meta.source.as_deref(), Some("来源"));
    assert_eq!(meta.author.as_deref(), Some("作者"));
    assert_eq!(meta.editor.as_deref(), Some("编辑"));
    assert_eq!(meta.subject.as_deref(), Some("01"));
    assert_eq!(meta.genre.as_deref(), Some("24"));
    assert_eq!(meta.audience, vec!["01".to_owned(), "02".to_owned()]);
    assert_eq!(meta.keywords, vec!["甲".to_owned(), "乙".to_owned()]);
    assert_eq!(meta.summary.as_deref(), Some("摘要"));
    assert_eq!(meta.validity, jiyue_core::Validity::Amended);
    assert_eq!(meta.superseded_by, vec!["newer".to_owned()]);
    assert_eq!(meta.interprets, vec!["policy".to_owned()]);

    assert!(item.body_html.contains("小标题"));
    assert!(!item.body_html.contains("<script"), "{}", item.body_html);
}

#[test]
fn jsonl_bad_line_three_of_five() {
    let mut lines: Vec<String> = (1..=5)
        .map(|n| json_item(&format!("j{n}"), "标题"))
        .collect();
    lines[2] = "{\"id\": \"j3\", \"title\": ".to_owned();
    let error = parse_jsonl(Path::new("bulk.jsonl"), &lines.join("\n")).unwrap_err();
    let diagnostics = error.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{error}");
    assert_eq!(diagnostics[0].line, 3);
    assert!(
        error.to_string().starts_with("bulk.jsonl:3: invalid JSON"),
        "{error}"
    );
}

#[test]
fn jsonl_field_errors_name_record_line() {
    let lines = [
        json_item("j1", "标题"),
        String::new(),
        json_item("j2", "标题").replace("\"body_markdown\"", "\"body_markdwn\""),
    ];
    let error = parse_jsonl(Path::new("bulk.jsonl"), &lines.join("\n")).unwrap_err();
    let found: Vec<String> = error
        .diagnostics()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        vec![
            "bulk.jsonl:3: field \"body_markdown\": missing; add body_markdown or body_html",
            "bulk.jsonl:3: field \"body_markdwn\": unknown key; did you mean \"body_markdown\"?",
        ]
    );
}

#[tokio::test]
async fn import_rejects_unknown_column() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let id = format!("{tag}-nocolumn");
        let path = write(dir.path(), "a.md", &markdown_item(&id, "nosuch", "标题"));
        let report = import_paths(&db, &[path], false).await.unwrap();

        let diagnostic = only_rejection(&report);
        assert_eq!(diagnostic.line, 5);
        assert_eq!(diagnostic.field.as_deref(), Some("column"));
        assert!(
            diagnostic.message.contains("\"nosuch\" not found"),
            "{report}"
        );
        assert!(db.item_by_external_id(&id).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn invalid_jsonl_stores_nothing() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let ids: Vec<String> = (1..=5).map(|n| format!("{tag}-bulk-{n}")).collect();
        let mut lines: Vec<String> = ids.iter().map(|id| json_item(id, "标题")).collect();
        lines[2] = lines[2].replace("\"tzgg\"", "\"nosuch\"");
        let path = write(dir.path(), "bulk.jsonl", &lines.join("\n"));
        let report = import_paths(&db, &[path], false).await.unwrap();

        let diagnostic = only_rejection(&report);
        assert_eq!(diagnostic.line, 3);
        assert_eq!(report.items_created, 0);
        for id in &ids {
            assert!(db.item_by_external_id(id).await.unwrap().is_none(), "{id}");
        }
    })
    .await;
}

#[tokio::test]
async fn import_twice_updates_not_duplicates() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let md_id = format!("{tag}-md");
        let md = write(
            dir.path(),
            "news/a.md",
            &markdown_item(&md_id, "gzdt", "初稿标题"),
        );
        let jsonl: Vec<String> = (1..=2)
            .map(|n| json_item(&format!("{tag}-j{n}"), "通知"))
            .collect();
        write(dir.path(), "bulk/b.jsonl", &jsonl.join("\n"));
        let paths = [dir.path().to_owned()];

        let first = import_paths(&db, &paths, false).await.unwrap();
        assert!(first.is_success(), "{first}");
        assert_eq!(first.files, 2);
        assert_eq!(first.items_created, 3);
        let stored = db.item_by_external_id(&md_id).await.unwrap().unwrap();

        let second = import_paths(&db, &paths, false).await.unwrap();
        assert_eq!(second.items_created, 0, "{second}");
        assert_eq!(second.items_updated, 0, "{second}");
        assert_eq!(second.items_unchanged, 3, "{second}");

        std::fs::write(&md, markdown_item(&md_id, "gzdt", "改后标题")).unwrap();
        let third = import_paths(&db, &paths, false).await.unwrap();
        assert_eq!(third.items_created, 0, "{third}");
        assert_eq!(third.items_updated, 1, "{third}");
        assert_eq!(third.items_unchanged, 2, "{third}");

        let updated = db.item_by_external_id(&md_id).await.unwrap().unwrap();
        assert_eq!(updated.id, stored.id);
        let page = db.published_item(updated.id).await.unwrap().unwrap();
        assert_eq!(page.meta.title, "改后标题");
    })
    .await;
}

#[tokio::test]
async fn legacy_urls_become_redirects() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let id = format!("{tag}-legacy");
        let old_path = format!("/art/2018/11/10/{tag}.html");
        let text = markdown_item(&id, "gzdt", "迁移的文章").replacen(
            "+++\n\n",
            &format!("legacy_urls = [\"http://www.jl.gov.cn{old_path}\"]\n+++\n\n"),
            1,
        );
        let path = write(dir.path(), "legacy.md", &text);
        let report = import_paths(&db, &[path], false).await.unwrap();
        assert!(report.is_success(), "{report}");

        let site = db.site_by_code("2200000001").await.unwrap().unwrap();
        let route = db.route(site.id, &old_path).await.unwrap().unwrap();
        let item = db.item_by_external_id(&id).await.unwrap().unwrap();
        let page = db.published_item(item.id).await.unwrap().unwrap();
        let home = page.placements.iter().find(|p| p.is_home).unwrap();
        assert_eq!(route.target, RouteTarget::Redirect(home.path.clone()));
    })
    .await;
}

#[tokio::test]
async fn legacy_url_on_unknown_host_rejected() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let text = markdown_item(&format!("{tag}-far"), "gzdt", "标题").replacen(
            "+++\n\n",
            "legacy_urls = [\"http://www.example.org/1.html\"]\n+++\n\n",
            1,
        );
        let path = write(dir.path(), "far.md", &text);
        let report = import_paths(&db, &[path], false).await.unwrap();
        let diagnostic = only_rejection(&report);
        assert_eq!(diagnostic.field.as_deref(), Some("legacy_urls"));
        assert_eq!(diagnostic.line, 8);
    })
    .await;
}

#[tokio::test]
async fn translation_stored_after_original() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let original = format!("{tag}-orig");
        // The translation's file sorts first, so the importer must reorder the files.
        let english = format!(
            "+++\nid = \"{tag}-en\"\ntranslation_of = \"{original}\"\n\
             org = \"11220000000000019E\"\nsite = \"2200000002\"\ncolumn = \"news\"\n\
             title = \"Title\"\n+++\nText\n"
        );
        write(dir.path(), "a-en.md", &english);
        write(
            dir.path(),
            "b-zh.md",
            &markdown_item(&original, "yw", "标题"),
        );
        let report = import_paths(&db, &[dir.path().to_owned()], false)
            .await
            .unwrap();
        assert!(report.is_success(), "{report}");

        let stored = db
            .item_by_external_id(&format!("{tag}-en"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.lang, "en", "language comes from the English site");
        let page = db.published_item(stored.id).await.unwrap().unwrap();
        assert_eq!(page.translations.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn missing_translation_original_rejected() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let text = markdown_item(&format!("{tag}-orphan"), "yw", "标题").replacen(
            "+++\n\n",
            "translation_of = \"no-such-item\"\n+++\n\n",
            1,
        );
        let path = write(dir.path(), "orphan.md", &text);
        let report = import_paths(&db, &[path], false).await.unwrap();
        let diagnostic = only_rejection(&report);
        assert_eq!(diagnostic.field.as_deref(), Some("translation_of"));
    })
    .await;
}

/// Reads every published item.
async fn published_items(db: &Db) -> Vec<PublishedItem> {
    let mut items = Vec::new();
    loop {
        let after = items.last().map_or(0, |item: &PublishedItem| item.id);
        let page = db.all_published_items(after, 500).await.unwrap();
        if page.is_empty() {
            return items;
        }
        items.extend(page);
    }
}

#[tokio::test]
async fn demo_build_is_idempotent() {
    each_backend(|db, _tag| async move {
        let head = db.outbox_head().await.unwrap();
        let again = jiyue::demo::build(&db, db.clock().as_ref(), 1)
            .await
            .unwrap();
        assert_eq!(again.organizations, 18);
        assert_eq!(again.sites, 6);
        assert_eq!(again.columns, 54);
        assert_eq!(again.items_created, 0, "{again:?}");
        assert_eq!(again.items_updated, 0, "{again:?}");
        assert_eq!(again.items_unchanged, again.items);
        assert_eq!(
            db.outbox_head().await.unwrap(),
            head,
            "a second build wrote events"
        );
    })
    .await;
}

#[tokio::test]
async fn demo_fills_every_column() {
    each_backend(|db, _tag| async move {
        let demo_codes = [
            "2200000001",
            "2200000002",
            "2200000003",
            "2200000004",
            "2200000005",
            "2201000001",
        ];
        for code in demo_codes {
            let site = db.site_by_code(code).await.unwrap().unwrap();
            assert!(site.settings.demo, "{code}");
            for column in db.columns(site.id).await.unwrap() {
                let (_, total) = db.column_items(site.id, column.id, 0, 1).await.unwrap();
                assert!(total >= 1, "column {code}:{} is blank", column.path);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn demo_samples_say_so() {
    each_backend(|db, _tag| async move {
        let samples: Vec<PublishedItem> = published_items(&db)
            .await
            .into_iter()
            .filter(|item| {
                item.external_id
                    .as_deref()
                    .is_some_and(|id| id.starts_with("demo-sample-"))
            })
            .collect();
        assert!(!samples.is_empty());
        for item in samples {
            assert!(item.sample, "{}", item.meta.title);
            let marked =
                item.meta.title.starts_with("【示例】") || item.meta.title.starts_with("[Sample] ");
            assert!(marked, "{}", item.meta.title);
            assert!(
                item.body_html.contains("演示内容") || item.body_html.contains("demo content"),
                "{}",
                item.body_html
            );
        }
    })
    .await;
}

#[tokio::test]
async fn demo_news_names_corrected() {
    each_backend(|db, _tag| async move {
        let news: Vec<PublishedItem> = published_items(&db)
            .await
            .into_iter()
            .filter(|item| {
                item.external_id
                    .as_deref()
                    .is_some_and(|id| id.starts_with("demo-news-"))
            })
            .collect();
        assert_eq!(news.len(), 4);
        let text: String = news
            .iter()
            .map(|item| {
                format!(
                    "{} {} {}",
                    item.meta.title,
                    item.meta.summary.clone().unwrap_or_default(),
                    item.body_html
                )
            })
            .collect();
        for right in [
            "李干杰",
            "宁吉喆",
            "领导小组办公室",
            "Li Ganjie",
            "Ning Jizhe",
        ] {
            assert!(text.contains(right), "missing {right}");
        }
        for wrong in ["李甘杰", "宁继哲", "集团办公室"] {
            assert!(!text.contains(wrong), "found {wrong}");
        }
        for item in &news {
            assert!(!item.sample);
            assert_eq!(item.translations.len(), 1, "{:?}", item.external_id);
        }
    })
    .await;
}

#[tokio::test]
async fn demo_news_placed_on_departments() {
    each_backend(|db, _tag| async move {
        let census = db
            .item_by_external_id("demo-news-2018-pollution-census")
            .await
            .unwrap()
            .unwrap();
        let page = db.published_item(census.id).await.unwrap().unwrap();
        let mut sites = Vec::new();
        for placement in &page.placements {
            sites.push(db.site(placement.site_id).await.unwrap().unwrap().code);
        }
        sites.sort();
        assert_eq!(sites, vec!["2200000001", "2200000003", "2200000004"]);
    })
    .await;
}

#[test]
fn source_digest_keeps_original_errors() {
    let digest = jiyue::demo::source_digest().unwrap();
    for wrong in ["李甘杰", "宁继哲", "集团办公室"] {
        assert!(digest.contains(wrong), "{wrong}");
    }
}
