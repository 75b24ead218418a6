//! The first-user walk-through: read the pilot-integration news in Chinese and English, find
//! it by searching, and see it referenced on the department site it concerns.

use crate::support::{backends, hrefs, meta, start_demo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_walkthrough_on_every_backend() {
    for backend in backends() {
        let server = start_demo(backend).await;
        walkthrough(&server).await;
        server.running.unwrap().stop().await;
    }
}

async fn walkthrough(server: &crate::support::TestServer) {
    let backend = server.backend;

    // The portal home page lists the news in 要闻 and carries the national meta tags.
    let (status, home) = server.get("www.jl.localhost", "/").await;
    assert_eq!(status, 200, "{backend}: portal home");
    assert!(
        home.contains("<html lang=\"zh-CN\""),
        "{backend}: lang of the portal"
    );
    assert_eq!(meta(&home, "SiteIDCode").as_deref(), Some("2200000001"));
    assert_eq!(meta(&home, "SiteName").as_deref(), Some("吉林省人民政府"));
    assert!(meta(&home, "ColumnType").is_some());
    let article = hrefs(&home)
        .into_iter()
        .find(|href| href.contains("/yw/201811/t20181110_"))
        .unwrap_or_else(|| panic!("{backend}: no link to the pilot news on the home page"));

    // The Chinese item page: title, publication date, source, layout and footer.
    let path = article
        .split(&format!(":{}", server.port))
        .nth(1)
        .unwrap()
        .to_string();
    let (status, zh) = server.get("www.jl.localhost", &path).await;
    assert_eq!(status, 200, "{backend}: Chinese item page");
    let title = meta(&zh, "ArticleTitle").unwrap();
    assert!(title.contains("政府网站集约化"), "{backend}: title {title}");
    assert!(meta(&zh, "PubDate").unwrap().starts_with("2018-11-"));
    assert!(meta(&zh, "ContentSource").is_some());
    assert!(zh.contains("<header"), "{backend}: header");
    assert!(zh.contains("<main"), "{backend}: main content");
    assert!(zh.contains("<footer"), "{backend}: footer");
    assert!(
        zh.contains("2200000001"),
        "{backend}: site code in the footer"
    );
    assert!(
        zh.contains("我为政府网站找错"),
        "{backend}: error-report entry"
    );
    assert!(zh.contains("吉ICP备"), "{backend}: ICP filing");

    // Chinese and English versions are linked both ways with the right lang.
    let english_url = hrefs(&zh)
        .into_iter()
        .find(|href| href.starts_with("http://english.jl.localhost") && href.ends_with(".html"))
        .unwrap_or_else(|| panic!("{backend}: no link to the English version"));
    let english_path = english_url
        .split(&format!(":{}", server.port))
        .nth(1)
        .unwrap();
    let (status, en) = server.get("english.jl.localhost", english_path).await;
    assert_eq!(status, 200, "{backend}: English item page");
    assert!(
        en.contains("<html lang=\"en\""),
        "{backend}: lang of the English site"
    );
    assert!(meta(&en, "ArticleTitle")
        .unwrap()
        .to_lowercase()
        .contains("pilot"));
    assert!(
        hrefs(&en).iter().any(|href| href.ends_with(&path)),
        "{backend}: English page links back to the Chinese one"
    );

    // The department site concerned (政数局) references the item, canonical to the portal.
    let (status, dept_column) = server.get("zsj.jl.localhost", "/yw/index.html").await;
    assert_eq!(status, 200, "{backend}: department column");
    let reference = hrefs(&dept_column)
        .into_iter()
        .find(|href| href.contains("/yw/201811/t20181110_"))
        .unwrap_or_else(|| panic!("{backend}: department site does not list the news"));
    let reference_path = reference
        .split(&format!(":{}", server.port))
        .nth(1)
        .unwrap();
    let (status, dept_item) = server.get("zsj.jl.localhost", reference_path).await;
    assert_eq!(status, 200);
    assert!(
        dept_item.contains(&format!(
            "rel=\"canonical\" href=\"http:&#x2f;&#x2f;www.jl.localhost:{}",
            server.port
        )) || dept_item.contains(&format!(
            "rel=\"canonical\" href=\"http://www.jl.localhost:{}",
            server.port
        )),
        "{backend}: canonical link to the portal placement"
    );
    assert_eq!(
        meta(&dept_item, "SiteIDCode").as_deref(),
        Some("2200000005")
    );

    // The pollution census item names the officials correctly.
    let (_, census_column) = server.get("sthjt.jl.localhost", "/yw/index.html").await;
    let census = hrefs(&census_column)
        .into_iter()
        .find(|href| href.contains("/yw/201811/t20181113_"))
        .unwrap_or_else(|| panic!("{backend}: 生态环境厅 does not list the census news"));
    let census_path = census.split(&format!(":{}", server.port)).nth(1).unwrap();
    let (_, census_page) = server.get("sthjt.jl.localhost", census_path).await;
    assert!(
        census_page.contains("李干杰"),
        "{backend}: 李干杰 spelled right"
    );
    assert!(
        census_page.contains("宁吉喆"),
        "{backend}: 宁吉喆 spelled right"
    );
    assert!(
        !census_page.contains("李甘杰"),
        "{backend}: misspelled 李甘杰"
    );
    assert!(
        !census_page.contains("集团办公室"),
        "{backend}: mistranslated 集团办公室"
    );

    // The directory of all sites on plain localhost lists every demo site.
    let (status, directory) = server.get("localhost", "/").await;
    assert_eq!(status, 200, "{backend}: directory");
    for name in ["吉林省人民政府", "吉林省生态环境厅", "长春市人民政府"] {
        assert!(
            directory.contains(name),
            "{backend}: directory lists {name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_column_has_items() {
    let server = start_demo("sqlite").await;
    let app = server.app();
    for site in app.db.sites().await.unwrap() {
        for column in app.db.columns(site.id).await.unwrap() {
            let (items, total) = app.db.column_items(site.id, column.id, 0, 1).await.unwrap();
            assert!(
                total > 0 && !items.is_empty(),
                "{} {} is blank",
                site.code,
                column.path
            );
        }
    }
    server.running.unwrap().stop().await;
}
