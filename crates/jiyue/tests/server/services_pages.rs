//! The one-stop service pages (`/zwfw/…`): the hub and its counts, the list of a life event,
//! the guide with every key element and its computed due date, and 404s for unknown codes.
//! Also cache invalidation through the `services` tag, English labels and print styles.

use std::time::Duration;

use jiyue_core::{
    BusinessStage, Fee, GuideFile, ItemMeta, LifeEvent, Material, ProcessStep, ServiceAudience,
    ServiceGuide, ServiceKind, ServicePlace,
};
use jiyue_db::{ColumnRef, ItemInput, PublishedService, Scope};

use crate::support::{meta, start_demo, TestServer};

const PORTAL: &str = "www.jl.localhost";
const ENGLISH: &str = "english.jl.localhost";
/// 吉林省政务服务和数字化建设管理局 and 吉林省教育厅 in the demo.
const SERVICES_BUREAU: &str = "11220000000000051R";
const EDUCATION: &str = "11220000000000078H";

/// Returns a complete guide for individuals, promised in 30 working days. From 2026-12-01 the
/// due date falls in 2027, whose holidays are not loaded.
fn birth_guide() -> ServiceGuide {
    ServiceGuide {
        code: "TEST-JL-0001".into(),
        kind: Some(ServiceKind::Confirmation),
        implementing_org: "测试市公安局出入境管理支队".into(),
        legal_basis: "《测试条例》第十二条".into(),
        conditions: "申请人为本省常住户口居民。".into(),
        materials: vec![Material {
            name: "出生医学证明测试件".into(),
            originals: 1,
            copies: 2,
            blank_form: Some(GuideFile {
                name: "申请表空白表".into(),
                href: "/files/test-blank.docx".into(),
            }),
            example: Some(GuideFile {
                name: "申请表样表".into(),
                href: "/files/test-example.docx".into(),
            }),
            issuer: Some("测试医院".into()),
            note: None,
        }],
        fee: Some(Fee {
            free: false,
            standard: "每件二十元测试费".into(),
            basis: "测试价格文件".into(),
        }),
        steps: vec![
            ProcessStep {
                name: "测试受理".into(),
                description: "窗口核对材料。".into(),
            },
            ProcessStep {
                name: "测试办结".into(),
                description: "制发证件。".into(),
            },
        ],
        statutory_days: Some(40),
        promised_days: Some(30),
        places: vec![ServicePlace {
            address: "测试市政务服务中心一楼".into(),
            hours: "工作日 9:00-17:00".into(),
        }],
        online_url: Some("https://zwfw.example.org/apply/test-1".into()),
        consult_phone: Some("0431-12345678".into()),
        complaint_phone: Some("12345".into()),
        audiences: vec![ServiceAudience::Individual],
        life_events: vec![LifeEvent::Birth, LifeEvent::Medical],
        business_stages: Vec::new(),
        incomplete_reason: None,
    }
}

/// Returns an incomplete guide for businesses, published with a reason. It lacks its legal basis.
fn opening_guide() -> ServiceGuide {
    ServiceGuide {
        code: "TEST-JL-0002".into(),
        kind: Some(ServiceKind::Licensing),
        implementing_org: "测试教育局".into(),
        legal_basis: String::new(),
        conditions: "测试条件乙。".into(),
        materials: vec![Material {
            name: "测试营业执照".into(),
            originals: 1,
            copies: 0,
            blank_form: None,
            example: None,
            issuer: Some("测试市场监管局".into()),
            note: None,
        }],
        fee: Some(Fee {
            free: true,
            standard: String::new(),
            basis: String::new(),
        }),
        steps: vec![ProcessStep {
            name: "测试审批".into(),
            description: String::new(),
        }],
        statutory_days: Some(20),
        promised_days: Some(5),
        places: vec![ServicePlace {
            address: "测试大厅".into(),
            hours: "工作日".into(),
        }],
        online_url: Some("https://zwfw.example.org/apply/test-2".into()),
        consult_phone: Some("0431-87654321".into()),
        complaint_phone: Some("12345".into()),
        audiences: vec![ServiceAudience::Business],
        life_events: Vec::new(),
        business_stages: vec![BusinessStage::Opening],
        incomplete_reason: Some("设定依据正在核对".into()),
    }
}

fn service_input(id: &str, title: &str, org: &str, guide: ServiceGuide) -> ItemInput {
    ItemInput {
        external_id: id.into(),
        org_credit_code: org.into(),
        meta: ItemMeta {
            title: title.into(),
            lang: "zh-CN".into(),
            keywords: vec!["测试别名".into()],
            service: Some(guide),
            ..ItemMeta::default()
        },
        body_html: String::new(),
        home: ColumnRef {
            site_code: "2200000001".into(),
            column_path: "bsfw".into(),
        },
        extra_placements: Vec::new(),
        translation_of: None,
        legacy_urls: Vec::new(),
        publish: true,
        sample: false,
    }
}

/// Saves the two test services and returns every published service.
async fn seed(server: &TestServer) -> Vec<PublishedService> {
    let db = &server.app().db;
    let inputs = [
        service_input(
            "test-svc-1",
            "测试出生证明办理",
            SERVICES_BUREAU,
            birth_guide(),
        ),
        service_input("test-svc-2", "测试学校开办许可", EDUCATION, opening_guide()),
    ];
    db.save_items(&Scope::Platform, &inputs).await.unwrap();
    db.published_services().await.unwrap()
}

/// Returns the count the hub shows after the link to `path`.
fn hub_count(html: &str, path: &str) -> Option<String> {
    let at = html.find(&format!("{path}\""))?;
    let rest = &html[at..];
    let start = rest.find("<span class=\"count\">")? + "<span class=\"count\">".len();
    let end = rest[start..].find("</span>")?;
    Some(rest[start..start + end].to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hub_group_counts_and_lists() {
    let server = start_demo("sqlite").await;
    let services = seed(&server).await;
    let count_of = |f: &dyn Fn(&ServiceGuide) -> bool| {
        services
            .iter()
            .filter(|s| s.item.meta.service.as_ref().is_some_and(f))
            .count()
    };

    let (status, hub) = server.get(PORTAL, "/zwfw/").await;
    assert_eq!(status, 200, "{hub}");
    for event in LifeEvent::ALL {
        let expected = count_of(&|g| g.life_events.contains(event));
        let path = format!("/zwfw/sj/{}.html", event.code());
        assert_eq!(
            hub_count(&hub, &path),
            Some(format!("{expected} 项")),
            "{path}"
        );
    }
    let opening = count_of(&|g| g.business_stages.contains(&BusinessStage::Opening));
    assert!(opening >= 1);
    assert_eq!(
        hub_count(&hub, "/zwfw/jd/opening.html"),
        Some(format!("{opening} 项"))
    );
    assert!(hub_count(&hub, "/zwfw/dx/individual.html").is_some());
    assert!(hub_count(&hub, "/zwfw/dx/business.html").is_some());
    let bureau = services
        .iter()
        .find(|s| s.record.code == "TEST-JL-0001")
        .unwrap();
    let department = format!("/zwfw/bm/{}.html", bureau.item.org_id);
    let in_department = services
        .iter()
        .filter(|s| s.item.org_id == bureau.item.org_id)
        .count();
    assert_eq!(
        hub_count(&hub, &department),
        Some(format!("{in_department} 项"))
    );
    assert!(hub.contains("吉林省政务服务和数字化建设管理局"));
    assert!(
        hub.contains("name=\"kind\" value=\"service\""),
        "services search form"
    );
    assert!(hub.contains("/zwfw/tj.html"));
    assert_eq!(meta(&hub, "ColumnName").as_deref(), Some("办事服务"));

    // The life-event list contains exactly the services of that event.
    let (status, birth) = server.get(PORTAL, "/zwfw/sj/birth.html").await;
    assert_eq!(status, 200);
    for service in &services {
        let guide = service.item.meta.service.as_ref().unwrap();
        let link = format!("/zwfw/sx/{}.html\"", service.record.code);
        assert_eq!(
            birth.contains(&link),
            guide.life_events.contains(&LifeEvent::Birth),
            "{}",
            service.record.code
        );
    }
    assert!(birth.contains("测试出生证明办理"));
    assert!(!birth.contains("测试学校开办许可"));

    // Unknown group codes, departments and service codes are the site's 404 page.
    for path in [
        "/zwfw/sj/wedding.html",
        "/zwfw/bm/999999.html",
        "/zwfw/sx/NO-SUCH-CODE.html",
        "/zwfw/sx/..%2F.html",
        "/zwfw/xx/birth.html",
    ] {
        let (status, page) = server.get(PORTAL, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            page.contains("吉林省人民政府"),
            "{path} uses the site layout"
        );
    }
    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guide_elements_and_due_date() {
    let server = start_demo("sqlite").await;
    seed(&server).await;
    let app = server.app();

    let (status, guide) = server.get(PORTAL, "/zwfw/sx/TEST-JL-0001.html").await;
    assert_eq!(status, 200, "{guide}");
    let g = birth_guide();
    for value in [
        g.code.as_str(),
        "行政确认",
        &g.implementing_org,
        &g.legal_basis,
        &g.conditions,
        "出生医学证明测试件",
        "/files/test-blank.docx",
        "/files/test-example.docx",
        "测试医院",
        "每件二十元测试费",
        "测试价格文件",
        "测试受理",
        "测试办结",
        "40 个工作日",
        "30 个工作日",
        "测试市政务服务中心一楼",
        "工作日 9:00-17:00",
        "https://zwfw.example.org/apply/test-1",
        "0431-12345678",
        "12345",
        "个人",
        "出生",
        "医疗",
        "本平台维护",
        "测试别名",
    ] {
        assert!(guide.contains(value), "the guide shows {value}");
    }
    let due = app.calendar().add_working_days(app.today(), 30);
    assert!(
        due.provisional,
        "30 working days from 2026-12-01 reach 2027"
    );
    assert!(guide.contains(&format!(
        "今日申请，预计 {} 前办结",
        due.value.format("%Y-%m-%d")
    )));
    assert!(guide.contains("暂定"));
    assert!(
        guide.contains("不涉及") && !guide.contains("暂未提供"),
        "a complete guide for individuals needs no business stage"
    );
    assert!(
        guide.contains("<th scope=\"col\">"),
        "table headers have a scope"
    );
    assert!(
        guide.contains("rel=\"canonical\""),
        "the /zwfw/ copy points at the item's own page"
    );
    assert!(guide.contains("尚未导入办事统计数据"));

    // The incomplete guide marks the missing element. Its due date is not provisional.
    let (status, second) = server.get(PORTAL, "/zwfw/sx/TEST-JL-0002.html").await;
    assert_eq!(status, 200);
    assert!(second.contains("暂未提供"));
    assert!(second.contains("设定依据正在核对"));
    assert!(second.contains("不收费"));
    assert!(!second.contains("暂定"));

    // Imported statistics appear on the guide and the statistics page.
    let stats = [
        jiyue_db::StatsInput {
            code: "TEST-JL-0001".into(),
            month: "2026-10".into(),
            received: 321,
            completed: 300,
        },
        jiyue_db::StatsInput {
            code: "TEST-JL-0001".into(),
            month: "2026-11".into(),
            received: 17,
            completed: 9,
        },
    ];
    app.db
        .import_service_stats("测试统计源", &stats)
        .await
        .unwrap();
    let guide_with_stats = wait_for(&server, PORTAL, "/zwfw/sx/TEST-JL-0001.html", "321").await;
    assert!(guide_with_stats.contains("测试统计源"));
    assert!(guide_with_stats.contains("以上 2 个月合计"));
    assert!(
        guide_with_stats.contains("338"),
        "the labelled sum of the listed months"
    );
    let (_, table) = server.get(PORTAL, "/zwfw/tj.html").await;
    assert!(table.contains("2026-11"));
    assert!(table.contains("2026-10"));
    assert!(
        table.find("2026-11") < table.find("2026-10"),
        "newest month first"
    );

    // The item's own route renders the guide too, under its column.
    let service = app
        .db
        .published_service("TEST-JL-0001")
        .await
        .unwrap()
        .unwrap();
    let home = service.item.placements.iter().find(|p| p.is_home).unwrap();
    let (status, own) = server.get(PORTAL, &home.path).await;
    assert_eq!(status, 200);
    assert!(own.contains("今日申请，预计"));
    assert!(own.contains("出生医学证明测试件"));

    // Loading 2027 recalculates the provisional date, and the guide drops 暂定.
    let day = |date: &str, name_zh: &str| jiyue_db::CalendarDay {
        day: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        kind: "holiday".to_string(),
        name_zh: name_zh.to_string(),
        name_en: "Holiday".to_string(),
    };
    let year_2027 = [
        day("2027-01-01", "元旦"),
        day("2027-02-08", "春节"),
        day("2027-04-05", "清明节"),
        day("2027-05-03", "劳动节"),
        day("2027-06-09", "端午节"),
        day("2027-10-01", "国庆节"),
    ];
    app.db
        .save_calendar_year(2027, &year_2027, "test")
        .await
        .unwrap();
    let entries = year_2027
        .iter()
        .map(|d| jiyue_core::CalendarEntry {
            date: d.day,
            kind: jiyue_core::DayKind::Holiday,
            name_zh: d.name_zh.clone(),
            name_en: d.name_en.clone(),
        })
        .collect();
    let loaded = jiyue_core::WorkCalendar::shipped()
        .with_year(2027, entries)
        .unwrap();
    let final_due = loaded.add_working_days(app.today(), 30);
    assert!(!final_due.provisional);
    let expected = format!(
        "今日申请，预计 {} 前办结",
        final_due.value.format("%Y-%m-%d")
    );
    let recalculated = wait_for(&server, PORTAL, "/zwfw/sx/TEST-JL-0001.html", &expected).await;
    assert!(!recalculated.contains("暂定"), "{recalculated}");
    server.running.unwrap().stop().await;
}

/// Fetches `path` until it contains `needle`, for at most about two seconds.
async fn wait_for(server: &TestServer, host: &str, path: &str, needle: &str) -> String {
    let mut page = String::new();
    for _ in 0..20 {
        page = server.get(host, path).await.1;
        if page.contains(needle) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} did not show {needle} in time:\n{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_dropped_on_service_change() {
    let server = start_demo("sqlite").await;
    seed(&server).await;
    let site = server
        .app()
        .db
        .sites()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.code == "2200000001")
        .unwrap();
    // The seed's own change event may still be on its way: fetch until the guide stays cached.
    let guide = "/zwfw/sx/TEST-JL-0001.html";
    let mut cached = false;
    for _ in 0..30 {
        server.get(PORTAL, guide).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        if server.app().cache.get(site.id, guide).is_some() {
            cached = true;
            break;
        }
    }
    assert!(cached, "the guide page is cached");
    let (_, before) = server.get(PORTAL, guide).await;
    let (_, hub) = server.get(PORTAL, "/zwfw/").await;
    assert!(before.contains("《测试条例》第十二条"));

    let mut changed = birth_guide();
    changed.legal_basis = "《测试条例》第十三条（修订）".into();
    changed.life_events = vec![LifeEvent::Birth];
    let input = service_input("test-svc-1", "测试出生证明办理", SERVICES_BUREAU, changed);
    server
        .app()
        .db
        .save_items(&Scope::Platform, &[input])
        .await
        .unwrap();
    wait_for(
        &server,
        PORTAL,
        "/zwfw/sx/TEST-JL-0001.html",
        "第十三条（修订）",
    )
    .await;
    let medical_before = hub_count(&hub, "/zwfw/sj/medical.html").unwrap();
    let (_, hub_after) = server.get(PORTAL, "/zwfw/").await;
    assert_ne!(
        hub_count(&hub_after, "/zwfw/sj/medical.html").unwrap(),
        medical_before,
        "the hub's counts follow the change"
    );
    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_labels_and_print_styles() {
    let server = start_demo("sqlite").await;
    seed(&server).await;

    let (status, hub) = server.get(ENGLISH, "/zwfw/").await;
    assert_eq!(status, 200);
    assert!(hub.contains("By life event") || hub.contains("by life event"));
    assert!(hub.contains(">Birth</a>"));
    assert!(hub.contains(">Opening</a>"));
    let (status, guide) = server.get(ENGLISH, "/zwfw/sx/TEST-JL-0001.html").await;
    assert_eq!(status, 200);
    assert!(guide.contains("Legal basis"));
    assert!(guide.contains("Administrative confirmation"));
    assert!(guide.contains("30 working days"));
    assert!(guide.contains("provisional"));
    assert!(
        guide.contains("<h1 lang=\"zh-CN\">测试出生证明办理</h1>"),
        "Chinese text carries its language"
    );

    let (status, css) = server.get(PORTAL, "/static/site.css").await;
    assert_eq!(status, 200);
    let print = css.rfind("@media print").unwrap();
    let rules = &css[print..];
    for selector in [
        ".site-header nav",
        ".footer-badge",
        ".services-search",
        "attr(href)",
    ] {
        assert!(rules.contains(selector), "print rules cover {selector}");
    }
    let (_, portal_guide) = server.get(PORTAL, "/zwfw/sx/TEST-JL-0001.html").await;
    assert!(portal_guide.contains("/static/site.css"));
    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_axe_and_360px_fit() {
    use crate::browser_checks::{axe_violations, describe, fit_problems};
    use crate::browser_driver::{axe_path, tools_present, Browser};

    if !tools_present("browser_axe_and_360px_fit", true) {
        return;
    }
    let axe = std::fs::read_to_string(axe_path()).unwrap();
    let server = start_demo("sqlite").await;
    seed(&server).await;
    let pages = [
        ("hub", server.url(PORTAL, "/zwfw/")),
        ("life event", server.url(PORTAL, "/zwfw/sj/birth.html")),
        ("guide", server.url(PORTAL, "/zwfw/sx/TEST-JL-0001.html")),
        (
            "English guide",
            server.url(ENGLISH, "/zwfw/sx/TEST-JL-0002.html"),
        ),
        ("statistics", server.url(PORTAL, "/zwfw/tj.html")),
    ];

    let browser = Browser::start(1280, 900).await;
    let mut blocking = Vec::new();
    for (name, url) in &pages {
        browser.open(url).await;
        for violation in axe_violations(&browser, &axe).await {
            let line = describe(name, &violation);
            println!("axe: {line}");
            if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
                blocking.push(line);
            }
        }
    }
    drop(browser);
    assert!(
        blocking.is_empty(),
        "axe violations:\n{}",
        blocking.join("\n")
    );

    let phone = Browser::start(360, 740).await;
    let mut problems = Vec::new();
    for (name, url) in &pages {
        phone.open(url).await;
        problems.extend(fit_problems(&phone, name, 360).await);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    server.running.unwrap().stop().await;
}
