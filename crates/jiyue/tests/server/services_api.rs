//! The JSON API for services over HTTP: the list with its filters and pagination bounds,
//! errors that name the bad value, one guide, imported statistics, HEAD and 405, and the
//! OpenAPI contract checked by schemathesis.

use jiyue_core::{
    BusinessStage, Fee, GuideFile, ItemMeta, LifeEvent, Material, ProcessStep, ServiceAudience,
    ServiceGuide, ServiceKind, ServicePlace,
};
use jiyue_db::{ColumnRef, ItemInput, Scope, StatsInput};
use serde_json::Value;

use crate::support::{backends, start_demo, TestServer};

const HOST: &str = "www.jl.localhost";
/// 吉林省政务服务和数字化建设管理局 of the demo.
const ORG: &str = "11220000000000051R";
const IDENTITY: &str = "APITEST-ID-001";
const COMPANY: &str = "APITEST-BIZ-002";
const PENSION: &str = "APITEST-INC-003";
const DRAFT: &str = "APITEST-DRAFT-004";

fn guide(code: &str, kind: ServiceKind, audience: ServiceAudience) -> ServiceGuide {
    ServiceGuide {
        code: code.to_string(),
        kind: Some(kind),
        implementing_org: "吉林省公安厅".to_string(),
        legal_basis: "《中华人民共和国居民身份证法》第十一条".to_string(),
        conditions: "居民身份证有效期满".to_string(),
        materials: vec![Material {
            name: "居民身份证申领登记表".to_string(),
            originals: 1,
            copies: 0,
            blank_form: Some(GuideFile {
                name: "登记表.docx".to_string(),
                href: "/files/apitest-form.docx".to_string(),
            }),
            example: Some(GuideFile {
                name: "样表.pdf".to_string(),
                href: "https://zwfw.jl.gov.cn/example.pdf".to_string(),
            }),
            issuer: Some("申请人自备".to_string()),
            note: None,
        }],
        fee: Some(Fee {
            free: false,
            standard: "20元/证".to_string(),
            basis: "发改价格〔2003〕2322号".to_string(),
        }),
        steps: vec![ProcessStep {
            name: "受理".to_string(),
            description: "窗口核验材料并采集照片".to_string(),
        }],
        statutory_days: Some(60),
        promised_days: Some(5),
        places: vec![ServicePlace {
            address: "长春市人民大街".to_string(),
            hours: "周一至周五 8:30-16:30".to_string(),
        }],
        online_url: Some("https://zwfw.jl.gov.cn/".to_string()),
        consult_phone: Some("0431-12345".to_string()),
        complaint_phone: Some("12345".to_string()),
        audiences: vec![audience],
        life_events: match audience {
            ServiceAudience::Individual => vec![LifeEvent::Housing],
            ServiceAudience::Business => Vec::new(),
        },
        business_stages: match audience {
            ServiceAudience::Individual => Vec::new(),
            ServiceAudience::Business => vec![BusinessStage::Opening],
        },
        incomplete_reason: None,
    }
}

fn input(title: &str, keywords: &[&str], guide: ServiceGuide, publish: bool) -> ItemInput {
    ItemInput {
        external_id: format!("apitest-{}", guide.code),
        org_credit_code: ORG.to_string(),
        meta: ItemMeta {
            title: title.to_string(),
            lang: "zh-CN".to_string(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            service: Some(guide),
            ..ItemMeta::default()
        },
        body_html: String::new(),
        home: ColumnRef {
            site_code: "2200000001".to_string(),
            column_path: "bsfw".to_string(),
        },
        extra_placements: Vec::new(),
        translation_of: None,
        legacy_urls: Vec::new(),
        publish,
        sample: false,
    }
}

/// Stores three published services and one draft; returns the id of their organization.
async fn add_services(server: &TestServer) -> i64 {
    let identity = guide(
        IDENTITY,
        ServiceKind::Confirmation,
        ServiceAudience::Individual,
    );
    let company = guide(COMPANY, ServiceKind::Licensing, ServiceAudience::Business);
    let mut pension = guide(
        PENSION,
        ServiceKind::PublicService,
        ServiceAudience::Individual,
    );
    pension.life_events = vec![LifeEvent::Retirement];
    pension.fee = None;
    pension.promised_days = Some(30);
    pension.incomplete_reason = Some("来源平台尚未提供收费依据".to_string());
    let draft = guide(DRAFT, ServiceKind::Benefit, ServiceAudience::Individual);

    let db = &server.app().db;
    db.save_items(
        &Scope::Platform,
        &[
            input("居民身份证换领", &["身份证", "换证"], identity, true),
            input("企业设立登记", &["营业执照"], company, true),
            input("城乡居民养老保险待遇领取", &["养老金"], pension, true),
            input("未发布的事项", &[], draft, false),
        ],
    )
    .await
    .unwrap();

    db.orgs()
        .await
        .unwrap()
        .into_iter()
        .find(|org| org.credit_code == ORG)
        .expect("the demo has the government-service bureau")
        .id
}

async fn get_json(server: &TestServer, host: &str, path: &str) -> (u16, Value) {
    let response = server
        .client
        .get(server.url(host, path))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, json)
}

fn codes(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["code"].as_str().unwrap().to_string())
        .collect()
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Asserts a 400 whose message names `value` and contains `hint`.
async fn assert_refused(server: &TestServer, query: &str, value: &str, hint: &str) {
    let (status, body) = get_json(server, HOST, &format!("/api/v1/services?{query}")).await;
    assert_eq!(status, 400, "{query}: {body}");
    assert_eq!(body["error"]["code"], "invalid_parameter", "{query}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(value), "{query}: {message}");
    assert!(message.contains(hint), "{query}: {message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_filters_and_pages() {
    for backend in backends() {
        let server = start_demo(backend).await;
        let org = add_services(&server).await;

        let (status, list) = get_json(&server, HOST, "/api/v1/services?q=apitest").await;
        assert_eq!(status, 200, "{backend}: {list}");
        assert_eq!(
            codes(&list),
            [COMPANY, IDENTITY, PENSION],
            "{backend}: sorted, no draft"
        );
        assert_eq!(list["total"], 3);
        assert_eq!(
            (list["page"].as_u64(), list["per_page"].as_u64()),
            (Some(1), Some(20))
        );
        let identity = &list["items"][1];
        assert_eq!(identity["title"], "居民身份证换领");
        assert_eq!(identity["kind"], "confirmation");
        assert_eq!(identity["org_id"], org);
        assert_eq!(identity["audiences"], serde_json::json!(["individual"]));
        assert_eq!(identity["life_events"], serde_json::json!(["housing"]));
        assert_eq!(identity["promised_days"], 5);
        assert_eq!(identity["statutory_days"], 60);
        assert_eq!(identity["origin"], "local");
        assert_eq!(
            identity["url"],
            format!("http://{HOST}:{}/zwfw/sx/{IDENTITY}.html", server.port)
        );
        let updated = identity["updated_at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(updated).is_ok(),
            "{updated}"
        );

        let filtered = [
            (format!("q={}", encode("身份证")), vec![IDENTITY]),
            ("q=ApiTest-BIZ".to_string(), vec![COMPANY]),
            ("q=apitest&life_event=retirement".to_string(), vec![PENSION]),
            (
                "q=apitest&business_stage=opening".to_string(),
                vec![COMPANY],
            ),
            (
                "q=apitest&audience=individual".to_string(),
                vec![IDENTITY, PENSION],
            ),
            ("q=apitest&kind=licensing".to_string(), vec![COMPANY]),
            (
                format!("q=apitest&department={org}"),
                vec![COMPANY, IDENTITY, PENSION],
            ),
            ("q=apitest&department=999999".to_string(), vec![]),
            ("q=apitest&per_page=2".to_string(), vec![COMPANY, IDENTITY]),
            ("q=apitest&per_page=2&page=2".to_string(), vec![PENSION]),
            ("q=apitest&per_page=2&page=9".to_string(), vec![]),
        ];
        for (query, expected) in filtered {
            let (status, list) =
                get_json(&server, HOST, &format!("/api/v1/services?{query}")).await;
            assert_eq!(status, 200, "{query}: {list}");
            let found: Vec<String> = codes(&list)
                .into_iter()
                .filter(|code| code.starts_with("APITEST"))
                .collect();
            assert_eq!(found, expected, "{backend} {query}");
        }
        let (_, page) = get_json(
            &server,
            HOST,
            "/api/v1/services?q=apitest&per_page=2&page=9",
        )
        .await;
        assert_eq!(page["total"], 3, "the total counts every page");

        // Other hosts respond too, with links to themselves.
        for host in ["english.jl.localhost", "sites.jl.localhost"] {
            let (status, list) = get_json(&server, host, "/api/v1/services?q=apitest").await;
            assert_eq!(status, 200, "{host}");
            let url = list["items"][0]["url"].as_str().unwrap();
            assert!(url.starts_with(&format!("http://{host}:")), "{url}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_are_named() {
    let server = start_demo("sqlite").await;
    assert_refused(&server, "per_page=101", "per_page=\"101\"", "from 1 to 100").await;
    assert_refused(&server, "per_page=0", "per_page=\"0\"", "from 1 to 100").await;
    assert_refused(&server, "page=0", "page=\"0\"", "from 1 to").await;
    assert_refused(&server, "page=two", "page=\"two\"", "whole number").await;
    assert_refused(
        &server,
        "department=abc",
        "department=\"abc\"",
        "organization id",
    )
    .await;
    assert_refused(
        &server,
        "life_event=wedding",
        "\"wedding\"",
        "birth, schooling",
    )
    .await;
    assert_refused(&server, "business_stage=x", "\"x\"", "opening, operating").await;
    assert_refused(
        &server,
        "audience=people",
        "\"people\"",
        "individual, business",
    )
    .await;
    assert_refused(&server, "kind=permit", "\"permit\"", "licensing").await;
    let long = "字".repeat(201);
    assert_refused(
        &server,
        &format!("q={}", encode(&long)),
        "201",
        "at most 200",
    )
    .await;

    let (status, body) = get_json(&server, HOST, "/api/v1/services/NO-SUCH-CODE").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("NO-SUCH-CODE"));
    let path = format!("/api/v1/services/{}", encode("编码"));
    let (status, body) = get_json(&server, HOST, &path).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("letters, digits"));
    let (status, body) = get_json(&server, HOST, "/api/v1/services/NO-SUCH-CODE/statistics").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    for path in [
        "/api/v1/nothing",
        "/api/v2/services",
        "/api/v1/services/A/B",
        "/api/v1/services/",
    ] {
        let (status, body) = get_json(&server, HOST, path).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("openapi.json"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guide_and_statistics() {
    for backend in backends() {
        let server = start_demo(backend).await;
        add_services(&server).await;
        let base = format!("http://{HOST}:{}", server.port);

        let (status, guide) =
            get_json(&server, HOST, &format!("/api/v1/services/{IDENTITY}")).await;
        assert_eq!(status, 200, "{backend}: {guide}");
        assert_eq!(guide["keywords"], serde_json::json!(["身份证", "换证"]));
        assert_eq!(
            guide["legal_basis"],
            "《中华人民共和国居民身份证法》第十一条"
        );
        assert_eq!(guide["conditions"], "居民身份证有效期满");
        let material = &guide["materials"][0];
        assert_eq!(material["name"], "居民身份证申领登记表");
        assert_eq!(
            material["blank_form"]["href"],
            format!("{base}/files/apitest-form.docx")
        );
        assert_eq!(
            material["example"]["href"],
            "https://zwfw.jl.gov.cn/example.pdf"
        );
        assert_eq!(material["issuer"], "申请人自备");
        assert_eq!(guide["fee"]["standard"], "20元/证");
        assert_eq!(guide["steps"][0]["name"], "受理");
        assert_eq!(guide["places"][0]["hours"], "周一至周五 8:30-16:30");
        assert_eq!(guide["consult_phone"], "0431-12345");
        assert_eq!(guide["complaint_phone"], "12345");
        assert_eq!(guide["online_url"], "https://zwfw.jl.gov.cn/");
        assert_eq!(
            (guide["complete"].as_bool(), guide["sample"].as_bool()),
            (Some(true), Some(false))
        );
        assert_eq!(guide["missing"], serde_json::json!([]));
        assert!(guide["incomplete_reason"].is_null());
        assert!(guide["source"].is_null());
        assert!(guide["synced_at"].is_null());

        // Five working days from Tuesday 2026-12-01 is Tuesday 2026-12-08.
        let due = &guide["promised_due"];
        assert_eq!(due["from"], "2026-12-01");
        assert_eq!(due["date"], "2026-12-08");
        assert_eq!(due["provisional"], false);

        // Thirty working days runs into 2027, whose calendar is not loaded.
        let (_, pension) = get_json(&server, HOST, &format!("/api/v1/services/{PENSION}")).await;
        let expected = server
            .app()
            .calendar()
            .add_working_days(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), 30);
        assert_eq!(pension["promised_due"]["date"], expected.value.to_string());
        assert_eq!(pension["promised_due"]["provisional"], true, "{pension}");
        assert_eq!(pension["complete"], false);
        assert_eq!(pension["missing"], serde_json::json!(["fee"]));
        assert_eq!(pension["incomplete_reason"], "来源平台尚未提供收费依据");
        assert!(pension["fee"].is_null());

        let (status, _) = get_json(&server, HOST, &format!("/api/v1/services/{DRAFT}")).await;
        assert_eq!(status, 404, "a draft is not published");

        let stats_path = format!("/api/v1/services/{IDENTITY}/statistics");
        let (status, stats) = get_json(&server, HOST, &stats_path).await;
        assert_eq!(status, 200, "{stats}");
        assert_eq!(
            stats["months"],
            serde_json::json!([]),
            "nothing is invented"
        );
        let rows = [("2026-10", 120, 118), ("2026-11", 140, 131)].map(|(month, r, c)| StatsInput {
            code: IDENTITY.to_string(),
            month: month.to_string(),
            received: r,
            completed: c,
        });
        server
            .app()
            .db
            .import_service_stats("吉林省政务服务网", &rows)
            .await
            .unwrap();
        let (_, stats) = get_json(&server, HOST, &stats_path).await;
        assert_eq!(stats["code"], IDENTITY);
        let months = stats["months"].as_array().unwrap();
        assert_eq!(months.len(), 2, "{stats}");
        assert_eq!(months[0]["month"], "2026-11", "newest first");
        assert_eq!(
            (
                months[0]["received"].as_i64(),
                months[0]["completed"].as_i64()
            ),
            (Some(140), Some(131))
        );
        assert_eq!(months[1]["month"], "2026-10");
        assert_eq!(months[1]["source"], "吉林省政务服务网");
        let imported = months[1]["imported_at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(imported).is_ok(),
            "{imported}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_head_and_methods() {
    let server = start_demo("sqlite").await;
    add_services(&server).await;
    let url = server.url(HOST, "/api/v1/services?q=apitest");

    let get = server.raw.get(&url).send().await.unwrap();
    assert_eq!(get.status().as_u16(), 200);
    let headers = get.headers().clone();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        header("cache-control").as_deref(),
        Some("public, max-age=60")
    );
    assert_eq!(header("access-control-allow-origin").as_deref(), Some("*"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert!(header("content-security-policy").is_some_and(|csp| csp.contains("default-src")));
    let body = get.bytes().await.unwrap();

    let head = server.raw.head(&url).send().await.unwrap();
    assert_eq!(head.status().as_u16(), 200);
    let length = head
        .headers()
        .get("content-length")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        length,
        body.len().to_string(),
        "HEAD announces the GET body"
    );
    assert!(head.bytes().await.unwrap().is_empty());

    for (method, path) in [
        (reqwest::Method::POST, "/api/v1/services"),
        (
            reqwest::Method::DELETE,
            &format!("/api/v1/services/{IDENTITY}") as &str,
        ),
        (reqwest::Method::PUT, "/api/v1/openapi.json"),
    ] {
        let response = server
            .raw
            .request(method.clone(), server.url(HOST, path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 405, "{method} {path}");
        assert_eq!(response.headers().get("allow").unwrap(), "GET, HEAD");
        assert_eq!(response.headers().get("cache-control").unwrap(), "no-store");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(method.as_str()));
    }

    // Other public paths still refuse other methods as before.
    let post = server.raw.post(server.url(HOST, "/")).send().await.unwrap();
    assert_eq!(post.status().as_u16(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_describes_the_endpoints() {
    let server = start_demo("sqlite").await;
    let (status, document) = get_json(&server, HOST, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    for path in [
        "/services",
        "/services/{code}",
        "/services/{code}/statistics",
    ] {
        assert!(document["paths"][path]["get"].is_object(), "{path}");
    }
    let schemas = &document["components"]["schemas"];
    let life_events = schemas["LifeEvent"]["enum"].as_array().unwrap();
    assert_eq!(life_events.len(), LifeEvent::ALL.len());
    assert!(life_events.contains(&Value::from("after_death")));
    for schema in ["Error", "ServiceList", "ServiceDetail", "Statistics"] {
        assert!(schemas[schema]["properties"].is_object(), "{schema}");
    }
}

/// Returns the Python that runs the test peers, or why it cannot run schemathesis.
fn schemathesis_python() -> Result<String, String> {
    let python = std::env::var("JIYUE_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = std::process::Command::new(&python)
        .args(["-c", "import schemathesis"])
        .output();
    match probe {
        Ok(output) if output.status.success() => Ok(python),
        Ok(output) => Err(format!(
            "{python} has no schemathesis ({}); install it with ./scripts/test or pip install \
             schemathesis",
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => Err(format!(
            "cannot run {python}: {error}; set JIYUE_TEST_PYTHON"
        )),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_contract_violation() {
    let python = match schemathesis_python() {
        Ok(python) => python,
        Err(reason) => {
            eprintln!("SKIPPED schemathesis_finds_no_contract_violation: {reason}");
            return;
        }
    };
    let server = start_demo("sqlite").await;
    add_services(&server).await;
    let schema = format!("http://127.0.0.1:{}/api/v1/openapi.json", server.port);
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(&python)
        .current_dir(dir.path())
        .args(["-m", "schemathesis.cli", "run", &schema])
        .args([
            "-n",
            "50",
            "--checks",
            "all",
            "--seed",
            "20261201",
            "--workers",
            "1",
        ])
        .args(["-H", &format!("Host: {HOST}")])
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis reported failures:\n{report}"
    );
    assert!(
        report.contains("3 selected"),
        "all three operations ran:\n{report}"
    );
}
