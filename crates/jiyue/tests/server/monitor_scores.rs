//! The scorecard pages of the admin listener over HTTP. Monthly snapshots of the demo sites
//! are stored twice without duplicates. The tests read the ranking with pass and fail, a
//! scorecard with its evidence and an SVG trend chart that parses as XML, and the CSV export.
//! They edit the rule table with validation, CSRF and audit, limit a site administrator to
//! their own site, and compare the seeded rules with reference/scorecard-rules-2019.toml.

use jiyue_auth::Role;
use jiyue_db::{AuditFilter, GrantRef, Site};
use jiyue_monitor::score::{
    rules_from_stored, score, snapshot_month, Observation, ProbeSummary, Scorecard, SiteState,
};

use crate::admin_support::{create_account, start, AdminClient, Page};
use crate::support::{backends, TestServer};

const PORTAL: &str = "2200000001";
const BROKEN_LINK: &str = "https://www.jl.gov.cn/zwgk/broken.html";

fn clean() -> SiteState {
    SiteState {
        probes: ProbeSummary {
            days: 30,
            visits: 30 * 96,
            failures: 0,
            evidence: Vec::new(),
        },
        home_days_since_update: Some(2),
        ..SiteState::default()
    }
}

/// Scores every demo site: the portal loses points for broken links, the last site has a
/// message unanswered for four months, the others are clean.
async fn cards(server: &TestServer, broken: usize) -> (Vec<Site>, Vec<(i64, Scorecard)>) {
    let db = &server.app().db;
    let rules = rules_from_stored(&db.score_rules().await.unwrap());
    let mut sites = db.sites().await.unwrap();
    sites.sort_by(|a, b| a.code.cmp(&b.code));
    let vetoed = sites.last().unwrap().code.clone();
    let mut cards = Vec::new();
    for site in &sites {
        let mut state = clean();
        if site.code == PORTAL {
            state.home_broken_links = (0..broken)
                .map(|_| Observation::new(BROKEN_LINK, "HTTP 404 on 2026-11-20"))
                .collect();
        }
        if site.code == vetoed {
            state.unanswered_messages = vec![Observation::new(
                "留言 2026-0001",
                "received 2026-07-02, no answer",
            )];
        }
        cards.push((site.id, score(&state, &rules)));
    }
    (sites, cards)
}

async fn operator(server: &TestServer) -> AdminClient {
    let account = create_account(
        server,
        "pingtai",
        Role::SystemAdmin,
        GrantRef::Platform,
        true,
    )
    .await;
    let client = AdminClient::new(server);
    client.sign_in(server, &account).await;
    client
}

/// Returns the `<svg>…</svg>` element of a page.
fn svg_of(page: &Page) -> &str {
    let start = page
        .body
        .find("<svg")
        .expect("the card page has an SVG chart");
    let end = page.body[start..].find("</svg>").unwrap() + start + "</svg>".len();
    &page.body[start..end]
}

/// Parses `xml` to the end with quick-xml and returns the names of its elements.
fn parse_xml(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut names = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(tag) | quick_xml::events::Event::Empty(tag)) => {
                names.push(String::from_utf8_lossy(tag.name().as_ref()).to_string())
            }
            Ok(_) => {}
            Err(error) => panic!("the SVG is not well-formed XML: {error}\n{xml}"),
        }
    }
    names
}

async fn rule_audits(server: &TestServer, code: &str) -> Vec<String> {
    let filter = AuditFilter {
        action: Some("score.rule_update".to_string()),
        ..AuditFilter::default()
    };
    let records = server.app().db.audit_query(&filter, 100).await.unwrap();
    records
        .into_iter()
        .filter(|record| record.target == code)
        .map(|record| record.result.as_str().to_string())
        .collect()
}

#[tokio::test]
async fn scores_ranked_and_explained() {
    for backend in backends() {
        let server = start(backend).await;
        let db = &server.app().db;
        let (_, october) = cards(&server, 1).await;
        snapshot_month(db, "2026-10", &october).await.unwrap();
        let (sites, first) = cards(&server, 2).await;
        snapshot_month(db, "2026-11", &first).await.unwrap();
        let (_, november) = cards(&server, 3).await;
        snapshot_month(db, "2026-11", &november).await.unwrap();
        let stored = db
            .score_ranking(&jiyue_db::Scope::Platform, "2026-11")
            .await
            .unwrap();
        assert_eq!(
            stored.len(),
            sites.len(),
            "re-running a month replaces ({backend})"
        );

        let client = operator(&server).await;
        let ranking = client.get("/monitor/scores").await;
        assert_eq!(ranking.status, 200, "{}", ranking.body);
        assert!(
            ranking.body.contains("2026-11 各网站得分排名"),
            "latest month first"
        );
        for site in &sites {
            assert!(ranking.body.contains(&site.name), "{} missing", site.name);
        }
        let vetoed = &sites.last().unwrap().name;
        let last_row = ranking.body.rfind("<tr>").unwrap();
        assert!(
            ranking.body[last_row..].contains(vetoed),
            "the vetoed site ranks last"
        );
        assert!(ranking.body[last_row..].contains("不合格"));

        let card = client
            .get(&format!("/monitor/scores/{PORTAL}?month=2026-11"))
            .await;
        assert_eq!(card.status, 200, "{}", card.body);
        assert!(
            card.body.contains("总分 97 分"),
            "3 broken home links at 1 point each"
        );
        assert!(card
            .body
            .contains(&format!("{BROKEN_LINK}: HTTP 404 on 2026-11-20")));
        assert!(card.body.contains("3 处，每处 1 分，共扣 3 分"));
        let svg = svg_of(&card);
        assert!(svg.contains("role=\"img\""));
        let names = parse_xml(svg);
        assert_eq!(names[0], "svg");
        assert!(names.contains(&"title".to_string()));
        assert!(names.contains(&"desc".to_string()));
        assert!(
            names.contains(&"polyline".to_string()),
            "two months draw a line"
        );
        assert!(card
            .body
            .contains("<th scope=\"row\">2026-10</th><td>99</td>"));
        assert!(card
            .body
            .contains("<th scope=\"row\">2026-11</th><td>97</td>"));

        let csv = client.get("/monitor/scores.csv?month=2026-11").await;
        assert_eq!(csv.status, 200);
        assert!(csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(csv
            .body
            .starts_with("\u{feff}排名,网站标识码,网站名称,月份,总分,结果\n"));
        assert_eq!(csv.body.lines().count(), sites.len() + 1);
        assert!(csv.body.contains(&format!(",{PORTAL},")));

        let bad_month = client.get("/monitor/scores?month=2026-13").await;
        assert_eq!(bad_month.status, 400);
        let unknown = client.get("/monitor/scores/9999999999").await;
        assert_eq!(unknown.status, 404);
    }
}

#[tokio::test]
async fn rules_edited_with_checks() {
    for backend in backends() {
        let server = start(backend).await;
        let client = operator(&server).await;
        let code = "function-home-broken-link";

        let page = client.get("/monitor/scores/rules").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("分值待核实"), "placeholders are marked");
        assert!(page.body.contains("kunmingchi.com"), "sources are shown");

        let fields = |points: &'static str| {
            vec![
                ("code", code),
                ("description", "首页不可用链接（每个链接）"),
                ("points", points),
                ("cap", "5"),
                ("threshold", ""),
                ("confirmed", "on"),
            ]
        };
        let rejected = client
            .post_form(
                "/monitor/scores/rules",
                "/monitor/scores/rules",
                &fields("120"),
            )
            .await;
        assert_eq!(rejected.status, 422, "{}", rejected.body);
        assert!(
            rejected.body.contains("“每处扣分”的值“120”无效"),
            "{}",
            rejected.body
        );
        let rejected = client
            .post_form(
                "/monitor/scores/rules",
                "/monitor/scores/rules",
                &fields("abc"),
            )
            .await;
        assert_eq!(rejected.status, 422);

        let without_token = client.post("/monitor/scores/rules", &fields("2")).await;
        assert_eq!(
            without_token.status, 403,
            "a form without CSRF token is refused"
        );

        let saved = client
            .post_form(
                "/monitor/scores/rules",
                "/monitor/scores/rules",
                &fields("2.5"),
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let rules = server.app().db.score_rules().await.unwrap();
        let rule = rules.iter().find(|rule| rule.code == code).unwrap();
        assert_eq!(rule.points, 250);
        assert!(rule.confirmed);
        assert_eq!(rule_audits(&server, code).await, vec!["ok"], "{backend}");
    }
}

#[tokio::test]
async fn site_admin_sees_own_site() {
    for backend in backends() {
        let server = start(backend).await;
        let db = &server.app().db;
        let (sites, month) = cards(&server, 1).await;
        snapshot_month(db, "2026-11", &month).await.unwrap();
        let own = sites.iter().find(|site| site.code != PORTAL).unwrap();

        let account = create_account(
            &server,
            "zhanzhang",
            Role::SiteAdmin,
            GrantRef::Site(own.id),
            true,
        )
        .await;
        let client = AdminClient::new(&server);
        client.sign_in(&server, &account).await;

        let ranking = client.get("/monitor/scores").await;
        assert_eq!(ranking.status, 200, "{}", ranking.body);
        assert!(ranking.body.contains(&own.name));
        let portal = sites.iter().find(|site| site.code == PORTAL).unwrap();
        assert!(!ranking.body.contains(&portal.name), "{backend}");
        let other = client.get(&format!("/monitor/scores/{PORTAL}")).await;
        assert_eq!(other.status, 403);
        let card = client.get(&format!("/monitor/scores/{}", own.code)).await;
        assert_eq!(card.status, 200);

        let edit = client
            .post_form(
                "/monitor/scores/rules",
                "/monitor/scores/rules",
                &[
                    ("code", "veto-security"),
                    ("description", "x"),
                    ("points", "1"),
                    ("cap", "1"),
                ],
            )
            .await;
        assert_eq!(edit.status, 403, "only platform operators edit rules");
    }
}

#[tokio::test]
async fn seeded_rules_match_reference() {
    #[derive(serde::Deserialize)]
    struct Reference {
        rule: Vec<ReferenceRule>,
    }
    #[derive(serde::Deserialize)]
    struct ReferenceRule {
        code: String,
        category: String,
        veto: bool,
        threshold: Option<i64>,
        points: f64,
        cap: f64,
        confirmed: bool,
        description: String,
        source: String,
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reference/scorecard-rules-2019.toml"
    );
    let reference: Reference = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let db = jiyue_db::testing::fresh_db().await.unwrap();
    let stored = db.score_rules().await.unwrap();
    assert_eq!(stored.len(), reference.rule.len());
    for expected in &reference.rule {
        let rule = stored
            .iter()
            .find(|rule| rule.code == expected.code)
            .unwrap_or_else(|| panic!("{} is not seeded", expected.code));
        assert_eq!(rule.category, expected.category, "{}", rule.code);
        assert_eq!(rule.veto, expected.veto, "{}", rule.code);
        assert_eq!(rule.threshold, expected.threshold, "{}", rule.code);
        assert_eq!(
            rule.points,
            (expected.points * 100.0).round() as i64,
            "{}",
            rule.code
        );
        assert_eq!(
            rule.cap,
            (expected.cap * 100.0).round() as i64,
            "{}",
            rule.code
        );
        assert_eq!(rule.confirmed, expected.confirmed, "{}", rule.code);
        assert_eq!(rule.description, expected.description, "{}", rule.code);
        assert_eq!(rule.source, expected.source, "{}", rule.code);
    }
}
