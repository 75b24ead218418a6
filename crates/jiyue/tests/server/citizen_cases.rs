//! The case forms and public interaction pages of a site, spoken to like a browser: a citizen
//! signs in through the identity host with a code read from the SMS folder, writes messages
//! (with a contact number, a sensitive word, refused inputs, the rate limit and its
//! challenge), reports an error without an account and applies for government information.
//! A reply approved through storage then appears on the cached `/hudong/` pages, masked,
//! within a second; the statistics count it; opinions are taken only within a
//! consultation's dates.

use std::collections::HashMap;

use chrono::Duration;
use jiyue_auth::personal::Field;
use jiyue_db::{CaseKind, CaseState, NewConsultation, NewStaff, Scope};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Method, Url};

use crate::support::{backends, start_demo, unescape, TestServer};

const SITE: &str = "www.jl.localhost";
const MOBILE: &str = "13800138000";
const DISPLAY_NAME: &str = "王小明";

/// A client that keeps cookies per host and follows redirects itself, like a browser.
struct Browser<'a> {
    server: &'a TestServer,
    cookies: HashMap<String, HashMap<String, String>>,
}

/// A response's status, final URL and text.
struct Page {
    status: u16,
    url: Url,
    text: String,
}

impl<'a> Browser<'a> {
    fn new(server: &'a TestServer) -> Self {
        Browser {
            server,
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self, host: &str) -> String {
        self.cookies
            .get(host)
            .map(|jar| {
                jar.iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    }

    fn keep_cookies(&mut self, host: &str, response: &reqwest::Response) {
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let jar = self.cookies.entry(host.to_string()).or_default();
            if value.is_empty() || text.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), value.to_string());
            }
        }
    }

    /// Sends a request and follows redirects with GET, keeping cookies on the way.
    async fn send(
        &mut self,
        method: Method,
        url: Url,
        body: Option<(String, Vec<u8>)>,
        origin: Option<&str>,
    ) -> Page {
        let mut method = method;
        let mut url = url;
        let mut body = body;
        for _ in 0..10 {
            let host = url.host_str().unwrap().to_string();
            let mut request = self
                .server
                .raw
                .request(method.clone(), url.clone())
                .header(COOKIE, self.cookie_header(&host));
            if let Some((content_type, bytes)) = body.take() {
                request = request.header(CONTENT_TYPE, content_type).body(bytes);
                let origin = origin.map_or_else(
                    || format!("http://{host}:{}", self.server.port),
                    str::to_string,
                );
                request = request.header(ORIGIN, origin);
            }
            let response = request.send().await.unwrap();
            self.keep_cookies(&host, &response);
            let status = response.status().as_u16();
            if (300..400).contains(&status) {
                let location = response.headers()[LOCATION].to_str().unwrap().to_string();
                url = url.join(&location).unwrap();
                method = Method::GET;
                continue;
            }
            let text = response.text().await.unwrap();
            return Page { status, url, text };
        }
        panic!("too many redirects from {url}");
    }

    async fn get(&mut self, host: &str, path: &str) -> Page {
        let url = Url::parse(&self.server.url(host, path)).unwrap();
        self.send(Method::GET, url, None, None).await
    }

    async fn post_form(&mut self, host: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form_from(host, path, fields, None).await
    }

    async fn post_form_from(
        &mut self,
        host: &str,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let url = Url::parse(&self.server.url(host, path)).unwrap();
        let content = (
            "application/x-www-form-urlencoded".to_string(),
            body.into_bytes(),
        );
        self.send(Method::POST, url, Some(content), origin).await
    }

    /// Posts a multipart form with the text fields and files `(name, bytes)` as `attachment`.
    async fn post_multipart(
        &mut self,
        host: &str,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Page {
        let boundary = "----jiyue-test-boundary-7d93";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (file_name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; \
                     filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let url = Url::parse(&self.server.url(host, path)).unwrap();
        let content = (format!("multipart/form-data; boundary={boundary}"), body);
        self.send(Method::POST, url, Some(content), None).await
    }
}

/// Returns the value of the hidden input `name` in a page.
fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(unescape(&html[start..start + end]))
}

/// Returns the text of the `<dd>` after the `<dt>` labelled `label`.
fn fact(html: &str, label: &str) -> Option<String> {
    let marker = format!("<dt>{label}</dt>");
    let start = html.find(&marker)? + marker.len();
    let rest = &html[start..];
    let value_start = rest.find('>')? + 1;
    let value_end = rest.find("</dd>")?;
    Some(unescape(&rest[value_start..value_end]))
}

/// Returns the case id of a confirmation page from its number (date, then the id).
fn case_id(page: &Page) -> i64 {
    let no = fact(&page.text, "编号")
        .unwrap_or_else(|| panic!("no case number in {}: {}", page.url, page.text));
    no[8..].parse().unwrap()
}

/// Signs a citizen in on the identity host with an SMS code, then on `site` through
/// `/account/login`, and returns the browser.
async fn signed_in<'a>(server: &'a TestServer, site: &str) -> Browser<'a> {
    let mut browser = Browser::new(server);
    let id_host = "id.jl.localhost";
    let page = browser.get(id_host, "/signin").await;
    assert_eq!(page.status, 200, "sign-in page");
    let token = hidden(&page.text, "form_token").unwrap();
    let page = browser
        .post_form(
            id_host,
            "/signin/code",
            &[("form_token", &token), ("mobile", MOBILE), ("next", "/")],
        )
        .await;
    assert_eq!(page.status, 200, "code sent: {}", page.text);

    let sms = jiyue_notify::read_folder_sms(&server.data_dir().join("outbox-sms")).unwrap();
    let code = sms
        .iter()
        .rev()
        .find(|sms| sms.to == MOBILE)
        .and_then(|sms| sms.params.get("code"))
        .expect("a sign-in code in the SMS folder")
        .clone();
    let page = browser
        .post_form(
            id_host,
            "/signin/mobile",
            &[
                ("form_token", &token),
                ("mobile", MOBILE),
                ("code", &code),
                ("display_name", DISPLAY_NAME),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(
        page.status, 200,
        "signed in on the identity host: {}",
        page.text
    );

    let page = browser.get(site, "/account/login?return=/account/").await;
    assert_eq!(page.status, 200, "signed in on {site}: {}", page.text);
    assert_eq!(
        page.url.path(),
        "/account/",
        "back on the site's account page"
    );
    browser
}

async fn staff(server: &TestServer, name: &str) -> i64 {
    server
        .app()
        .db
        .create_staff(&NewStaff {
            username: name.to_string(),
            display_name: name.to_string(),
            org_id: None,
            password_hash: "$argon2id$placeholder".to_string(),
        })
        .await
        .unwrap()
}

fn site_id(server: &TestServer, domain: &str) -> (i64, i64) {
    let directory = server.app().directory();
    let Some(jiyue_web::hosts::HostTarget::Site(id)) = directory.hosts.lookup(domain) else {
        panic!("{domain} is not a site");
    };
    let site = &directory.sites[id];
    (site.id, site.org_id)
}

/// Returns the value of the second `<option>` of the organization select: an organization
/// below the site's own.
fn sub_org(form: &str) -> String {
    let select = &form[form.find("name=\"org\"").unwrap()..];
    let options: Vec<&str> = select.split("<option value=\"").skip(1).take(2).collect();
    assert_eq!(options.len(), 2, "the site's organization and one below it");
    options[1].split('"').next().unwrap().to_string()
}

/// Fills in the message form with `changes` over valid values.
fn message_fields<'f>(
    token: &'f str,
    org: &'f str,
    changes: &[(&'f str, &'f str)],
) -> Vec<(&'f str, &'f str)> {
    let mut fields = vec![
        ("form_token", token),
        ("org", org),
        ("category", "consultation"),
        ("subject", "新能源汽车补贴怎么申请"),
        ("body", "我是王小明，请问补贴如何申请？请回电13812345678。"),
        ("contact_mobile", "139 0000 1111"),
        ("visibility", "public"),
        ("consent", "1"),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(key, _)| key == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

/// A message form with one bad value, the status it gets and a part of its error message.
type Refusal<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str);

#[tokio::test]
async fn citizen_cases_end_to_end() {
    for backend in backends() {
        let server = start_demo(backend).await;
        let mut browser = signed_in(&server, SITE).await;
        messages_and_limits(&server, &mut browser).await;
        error_report_without_account(&server).await;
        disclosure_application(&server, &mut browser).await;
        consultation_opinions(&server, &mut browser).await;

        // The identity session signs the citizen in on a second site without typing.
        let page = browser.get("english.jl.localhost", "/hudong/write").await;
        assert_eq!(page.status, 200, "{backend}: English message form");
        assert_eq!(
            page.url.path(),
            "/hudong/write",
            "{backend}: back on the form"
        );
        assert!(
            page.text.contains("Write a message"),
            "{backend}: English form"
        );
        english_pages(&server).await;
    }
}

async fn messages_and_limits(server: &TestServer, browser: &mut Browser<'_>) {
    let app = server.app();
    let backend = server.backend;
    let (site, site_org) = site_id(server, SITE);

    // A visitor without a site session is sent to sign in and comes back to the form.
    let mut stranger = Browser::new(server);
    let page = stranger.get(SITE, "/hudong/write").await;
    assert_eq!(
        page.url.host_str(),
        Some("id.jl.localhost"),
        "{backend}: to sign-in"
    );

    let form = browser.get(SITE, "/hudong/write").await;
    assert_eq!(form.status, 200, "{backend}: message form");
    assert!(form.text.contains("name=\"ArticleTitle\"") || form.text.contains("name=\"SiteName\""));
    let token = hidden(&form.text, "form_token").unwrap();
    let org = sub_org(&form.text);
    assert_ne!(
        org,
        site_org.to_string(),
        "{backend}: a sub-organization is offered"
    );

    // A message with a phone number in its body and a PNG attachment.
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    let fields = message_fields(&token, &org, &[]);
    let page = browser
        .post_multipart(SITE, "/hudong/write", &fields, &[("截图.png", &png)])
        .await;
    assert_eq!(page.status, 200, "{backend}: message sent: {}", page.text);
    assert!(page.text.contains("提交成功"), "{backend}: confirmation");
    assert!(
        page.text.contains("href=\"/account/\""),
        "{backend}: link to my cases"
    );
    let first = case_id(&page);
    let case = app.db.case(&Scope::Platform, first).await.unwrap();
    assert_eq!(case.kind, CaseKind::Message);
    assert_eq!(
        case.org_id.to_string(),
        org,
        "{backend}: chosen organization"
    );
    assert_eq!(case.site_id, site);
    assert_eq!(case.state, CaseState::Received);
    assert_eq!(case.received_on, app.today());
    assert!(case.public_requested, "{backend}: public requested");
    assert!(case.consent_to_publish, "{backend}: consent recorded");
    assert_eq!(case.attachments.len(), 1, "{backend}: attachment stored");
    assert_eq!(case.attachments[0].mime, "image/png");
    let sealed = case.contact.mobile.clone().expect("sealed contact number");
    assert!(
        !sealed.contains("13900001111"),
        "{backend}: contact number sealed"
    );
    let cipher = &app.citizens.as_ref().unwrap().cipher;
    let opened = cipher
        .open(Field::Mobile, &jiyue_auth::Sealed::parse(&sealed).unwrap())
        .unwrap();
    assert_eq!(opened, "13900001111");
    let citizen = case.citizen_id.unwrap();

    // The "my" page lists it.
    let mine = browser.get(SITE, "/account/").await;
    assert!(
        mine.text.contains(&case.no),
        "{backend}: case on the my page"
    );

    // A sensitive word, in another case, holds the message; the citizen sees the same page.
    let reviewer = staff(server, "word-keeper").await;
    app.db
        .add_sensitive_word("BadWord", reviewer)
        .await
        .unwrap();
    let held_body = "这里有 badword 一词";
    let fields = message_fields(
        &token,
        &org,
        &[("body", held_body), ("visibility", "private")],
    );
    let page = browser.post_form(SITE, "/hudong/write", &fields).await;
    assert_eq!(page.status, 200, "{backend}: held message: {}", page.text);
    assert!(page.text.contains("提交成功"));
    assert!(
        !page.text.to_lowercase().contains("badword"),
        "{backend}: word not named"
    );
    let held = app.db.case(&Scope::Platform, case_id(&page)).await.unwrap();
    assert_eq!(held.state, CaseState::Held, "{backend}: held for review");
    assert_eq!(held.held_for.as_deref(), Some("BadWord"));
    assert!(
        !held.consent_to_publish,
        "{backend}: no consent when private"
    );

    // Refused inputs: a clear error each, and nothing stored.
    let stored = app.db.citizen_cases(citizen).await.unwrap().len();
    let long_subject = "长".repeat(101);
    let refusals: Vec<Refusal<'_>> = vec![
        (
            message_fields(&token, &org, &[("subject", "  ")]),
            422,
            "请填写“标题”",
        ),
        (
            message_fields(&token, &org, &[("subject", &long_subject)]),
            422,
            "101 个字",
        ),
        (
            message_fields(&token, &org, &[("contact_mobile", "12345")]),
            422,
            "手机号码“12345”无效",
        ),
        (
            message_fields(&token, &org, &[("org", "999999")]),
            422,
            "所选单位“999999”",
        ),
        (
            message_fields(&token, &org, &[("category", "praise")]),
            422,
            "留言类别“praise”无效",
        ),
        (message_fields("forged", &org, &[]), 403, "表单已过期"),
    ];
    for (fields, status, message) in &refusals {
        let page = browser.post_form(SITE, "/hudong/write", fields).await;
        assert_eq!(page.status, *status, "{backend}: {message}: {}", page.text);
        assert!(
            page.text.contains(message),
            "{backend}: {message} in {}",
            page.text
        );
    }
    let fields = message_fields(&token, &org, &[]);
    let page = browser
        .post_form_from(SITE, "/hudong/write", &fields, Some("http://evil.example"))
        .await;
    assert_eq!(page.status, 403, "{backend}: foreign origin");
    assert!(
        page.text.contains("来自其他网站"),
        "{backend}: foreign origin message"
    );
    let exe = b"MZ\x90\x00program";
    let page = browser
        .post_multipart(SITE, "/hudong/write", &fields, &[("run.exe", exe)])
        .await;
    assert_eq!(page.status, 422, "{backend}: executable attachment");
    assert!(page
        .text
        .contains("附件“run.exe”不是 PDF、JPEG 或 PNG 文件"));
    let big = vec![b'%'; 5 * 1024 * 1024 + 1];
    let page = browser
        .post_multipart(SITE, "/hudong/write", &fields, &[("big.pdf", &big)])
        .await;
    assert_eq!(page.status, 422, "{backend}: attachment over 5 MB");
    assert!(page.text.contains("附件“big.pdf”超过 5 MB"));
    let four: Vec<(&str, &[u8])> = (0..4).map(|_| ("scan.png", &png[..])).collect();
    let page = browser
        .post_multipart(SITE, "/hudong/write", &fields, &four)
        .await;
    assert_eq!(page.status, 422, "{backend}: four attachments");
    assert!(
        page.text.contains("附件最多 3 个"),
        "{backend}: attachment count named"
    );
    assert_eq!(
        app.db.citizen_cases(citizen).await.unwrap().len(),
        stored,
        "{backend}: refused forms store nothing"
    );

    // Two messages were counted. The third goes through; from then on, past half of the hourly
    // limit of 5, the form needs the challenge, and the sixth is refused.
    let fields = message_fields(&token, &org, &[("visibility", "private")]);
    let page = browser.post_form(SITE, "/hudong/write", &fields).await;
    assert_eq!(page.status, 200, "{backend}: third message: {}", page.text);
    let page = browser.post_form(SITE, "/hudong/write", &fields).await;
    assert_eq!(
        page.status, 422,
        "{backend}: challenge wanted: {}",
        page.text
    );
    assert!(
        page.text.contains("验证未通过"),
        "{backend}: challenge message"
    );
    for round in 4..=5 {
        let form = browser.get(SITE, "/hudong/write").await;
        let seed = hidden(&form.text, "challenge_seed").expect("a challenge on the form");
        let answer = jiyue_web::citizen::challenge::solve_work(&seed);
        let mut fields = fields.clone();
        fields.push(("challenge_seed", &seed));
        fields.push(("challenge_answer", &answer));
        let page = browser.post_form(SITE, "/hudong/write", &fields).await;
        assert_eq!(
            page.status, 200,
            "{backend}: message {round} with the challenge"
        );
    }
    let page = browser.post_form(SITE, "/hudong/write", &fields).await;
    assert_eq!(page.status, 429, "{backend}: limit reached");
    assert!(page.text.contains("已达到上限"), "{backend}: limit message");
    assert_eq!(
        app.db.citizen_cases(citizen).await.unwrap().len(),
        stored + 3
    );

    publication(server, first, &org).await;
}

/// Answers the first message through storage and finds it on the cached public pages.
async fn publication(server: &TestServer, id: i64, org: &str) {
    let app = server.app();
    let backend = server.backend;
    let hub = server.get(SITE, "/hudong/").await;
    assert_eq!(hub.0, 200, "{backend}: hub");
    assert!(
        hub.1.contains("暂无公开的留言"),
        "{backend}: nothing published yet"
    );

    let handler = staff(server, "case-handler").await;
    let reviewer = staff(server, "case-reviewer").await;
    let scope = Scope::Platform;
    let today = app.today();
    app.db
        .accept_case(&scope, id, handler, today, 10)
        .await
        .unwrap();
    app.db
        .submit_reply(
            &scope,
            id,
            handler,
            "王小明您好：已为您办理，咨询电话13812345678。",
        )
        .await
        .unwrap();
    app.db
        .review_reply(&scope, id, reviewer, true, "", &app.calendar(), today)
        .await
        .unwrap();
    let case = app.db.case(&scope, id).await.unwrap();
    assert!(case.published, "{backend}: published");

    let mut shown = String::new();
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        shown = server.get(SITE, "/hudong/").await.1;
        if shown.contains("新能源汽车补贴怎么申请") {
            break;
        }
    }
    assert!(
        shown.contains("新能源汽车补贴怎么申请"),
        "{backend}: hub lists the reply within a second"
    );
    let detail_path = format!("/hudong/xx/{}.html", case.no);
    assert!(
        shown.contains(&detail_path),
        "{backend}: link to the message"
    );
    let (status, detail) = server.get(SITE, &detail_path).await;
    assert_eq!(status, 200, "{backend}: message page");
    assert!(detail.contains("已为您办理"), "{backend}: reply text");
    assert!(
        !detail.contains("13812345678"),
        "{backend}: phone number masked"
    );
    assert!(
        !detail.contains(DISPLAY_NAME),
        "{backend}: display name masked"
    );
    assert!(
        detail.contains("name=\"ColumnType\""),
        "{backend}: national meta tags"
    );

    // The statistics count the answered message for its organization.
    let (status, stats) = server.get(SITE, "/hudong/tj.html").await;
    assert_eq!(status, 200, "{backend}: statistics");
    let org_name = app
        .db
        .org(org.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .name;
    let days = f64::from(case.working_days_used.unwrap());
    // Received: the first message and the three sent around the limit; the held one is not
    // counted. Answered and on time: the first.
    let row = format!(
        "<th scope=\"row\">{org_name}</th><td>留言</td><td>4</td><td>1</td><td>1</td><td>{days:.1}</td>"
    );
    assert!(
        stats.contains(&row),
        "{backend}: statistics row {row} in {stats}"
    );
    assert!(
        stats.contains(&format!("{}", today.format("%Y-%m"))),
        "{backend}: month"
    );
}

async fn error_report_without_account(server: &TestServer) {
    let app = server.app();
    let backend = server.backend;
    let (_, site_org) = site_id(server, SITE);
    let home = server.get(SITE, "/").await.1;
    assert!(
        home.contains("/zhaocuo\">我为政府网站找错</a>"),
        "{backend}: footer link"
    );

    let mut browser = Browser::new(server);
    let form = browser.get(SITE, "/zhaocuo?page=/xxgk/index.html").await;
    assert_eq!(
        form.status, 200,
        "{backend}: report form without an account"
    );
    assert!(
        form.text.contains("value=\"/xxgk/index.html\""),
        "{backend}: page prefilled"
    );
    let token = hidden(&form.text, "form_token").unwrap();
    let bad = browser
        .post_form(
            SITE,
            "/zhaocuo",
            &[
                ("form_token", &token),
                ("page", "javascript:alert(1)"),
                ("description", "链接失效"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{backend}: invalid page address");
    assert!(bad.text.contains("页面地址“javascript:alert(1)”无效"));
    let page = browser
        .post_form(
            SITE,
            "/zhaocuo",
            &[
                ("form_token", &token),
                ("page", "/xxgk/index.html"),
                ("description", "页面中的附件链接打不开"),
                ("email", "reader@example.cn"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{backend}: report sent: {}", page.text);
    let case = app.db.case(&Scope::Platform, case_id(&page)).await.unwrap();
    assert_eq!(case.kind, CaseKind::ErrorReport);
    assert_eq!(case.org_id, site_org, "{backend}: the site's organization");
    assert_eq!(case.citizen_id, None);
    assert!(case.page_url.unwrap().ends_with("/xxgk/index.html"));
    assert!(
        !case.contact.email.unwrap().contains("reader@"),
        "{backend}: e-mail sealed"
    );
}

async fn disclosure_application(server: &TestServer, browser: &mut Browser<'_>) {
    let app = server.app();
    let backend = server.backend;
    let form = browser.get(SITE, "/ysqgk").await;
    assert_eq!(form.status, 200, "{backend}: application form");
    assert!(
        form.text.contains("20 个工作日"),
        "{backend}: statutory rule shown"
    );
    let token = hidden(&form.text, "form_token").unwrap();
    let (_, site_org) = site_id(server, SITE);
    let org = site_org.to_string();
    let fields = |id_number: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("form_token", token.clone()),
            ("org", org.clone()),
            ("name", "张三".to_string()),
            ("id_number", id_number.to_string()),
            ("mobile", "13800138000".to_string()),
            ("address", "长春市南关区人民大街1号".to_string()),
            ("request", "2025年长春市空气质量监测月报".to_string()),
            ("purpose", "研究".to_string()),
            ("delivery", "email".to_string()),
            ("email", "zhang@example.cn".to_string()),
        ]
    };
    let invalid = fields("110105194912310021");
    let invalid: Vec<(&str, &str)> = invalid.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = browser.post_form(SITE, "/ysqgk", &invalid).await;
    assert_eq!(page.status, 422, "{backend}: wrong check digit");
    assert!(page.text.contains("身份证号码“110105194912310021”无效"));

    let valid = fields("11010519491231002X");
    let valid: Vec<(&str, &str)> = valid.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = browser.post_form(SITE, "/ysqgk", &valid).await;
    assert_eq!(
        page.status, 200,
        "{backend}: application sent: {}",
        page.text
    );
    assert!(
        page.text.contains("20 个工作日"),
        "{backend}: rule in the confirmation"
    );
    let case = app.db.case(&Scope::Platform, case_id(&page)).await.unwrap();
    assert_eq!(case.kind, CaseKind::Disclosure);
    let cipher = &app.citizens.as_ref().unwrap().cipher;
    let id_number = case.contact.id_number.unwrap();
    assert!(
        !id_number.contains("11010519491231002X"),
        "{backend}: ID number sealed"
    );
    let opened = cipher
        .open(
            Field::IdentityNumber,
            &jiyue_auth::Sealed::parse(&id_number).unwrap(),
        )
        .unwrap();
    assert_eq!(opened, "11010519491231002X");
    assert!(case.contact.name.is_some(), "{backend}: name sealed");
    assert!(case.contact.address.is_some(), "{backend}: address sealed");
    assert!(
        case.body.contains("电子邮件"),
        "{backend}: form of delivery recorded"
    );
}

async fn consultation_opinions(server: &TestServer, browser: &mut Browser<'_>) {
    let app = server.app();
    let backend = server.backend;
    let (site, site_org) = site_id(server, SITE);
    let creator = staff(server, "consultation-editor").await;
    let today = app.today();
    let new = |title: &str, starts: i64, ends: i64| NewConsultation {
        site_id: site,
        org_id: site_org,
        title: title.to_string(),
        body: "请就草案提出意见。".to_string(),
        starts_on: today + Duration::days(starts),
        ends_on: today + Duration::days(ends),
    };
    let scope = Scope::Platform;
    let open = app
        .db
        .create_consultation(&scope, new("开放中的征集", -1, 5), creator)
        .await
        .unwrap();
    let closed = app
        .db
        .create_consultation(&scope, new("已结束的征集", -10, -2), creator)
        .await
        .unwrap();

    let (status, list) = server.get(SITE, "/hudong/zj/").await;
    assert_eq!(status, 200, "{backend}: consultations");
    assert!(
        list.contains("开放中的征集"),
        "{backend}: open consultation listed"
    );
    assert!(
        list.contains("已结束的征集"),
        "{backend}: closed consultation listed"
    );
    let (_, detail) = server.get(SITE, &format!("/hudong/zj/{open}.html")).await;
    assert!(
        detail.contains(&format!("/hudong/zj/{open}/opinion")),
        "{backend}: form link"
    );

    let form = browser
        .get(SITE, &format!("/hudong/zj/{open}/opinion"))
        .await;
    assert_eq!(form.status, 200, "{backend}: opinion form");
    let token = hidden(&form.text, "form_token").unwrap();
    let fields = [("form_token", token.as_str()), ("body", "建议延长过渡期。")];
    let page = browser
        .post_form(SITE, &format!("/hudong/zj/{open}/opinion"), &fields)
        .await;
    assert_eq!(page.status, 200, "{backend}: opinion sent: {}", page.text);
    assert!(page.text.contains("意见已收到"));
    let page = browser
        .post_form(SITE, &format!("/hudong/zj/{closed}/opinion"), &fields)
        .await;
    assert_eq!(page.status, 422, "{backend}: closed consultation");
    assert!(page.text.contains("不在征集期内"), "{backend}: dates named");
    assert_eq!(app.db.opinions(&scope, open).await.unwrap().len(), 1);
    assert_eq!(app.db.opinions(&scope, closed).await.unwrap().len(), 0);

    // Publishing the result drops the cached detail page.
    app.db
        .publish_consultation_result(&scope, closed, creator, "共收到意见12条。", "采纳3条。")
        .await
        .unwrap();
    let mut shown = String::new();
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        shown = server
            .get(SITE, &format!("/hudong/zj/{closed}.html"))
            .await
            .1;
        if shown.contains("共收到意见12条") {
            break;
        }
    }
    assert!(
        shown.contains("共收到意见12条") && shown.contains("采纳3条"),
        "{backend}: result"
    );
}

async fn english_pages(server: &TestServer) {
    let backend = server.backend;
    let (status, hub) = server.get("english.jl.localhost", "/hudong/").await;
    assert_eq!(status, 200, "{backend}: English hub");
    assert!(
        hub.contains("Write a message"),
        "{backend}: English strings"
    );
    let (status, form) = server.get("english.jl.localhost", "/zhaocuo").await;
    assert_eq!(status, 200, "{backend}: English report form");
    assert!(form.contains("Report an error on this site"));
    let (status, _) = server.get(SITE, "/hudong/xx/2026120199999.html").await;
    assert_eq!(status, 404, "{backend}: unknown message");
}

#[tokio::test(flavor = "multi_thread")]
async fn citizen_pages_axe_and_360px_fit() {
    use crate::browser_checks::{axe_violations, describe, fit_problems};
    use crate::browser_driver::{axe_path, tools_present, Browser as Chromium};

    if !tools_present("citizen_pages_axe_and_360px_fit", true) {
        return;
    }
    let axe = std::fs::read_to_string(axe_path()).unwrap();
    let server = start_demo("sqlite").await;
    let app = server.app();
    let (site, site_org) = site_id(&server, SITE);
    let today = app.today();
    app.db
        .submit_case(jiyue_db::NewCase {
            kind: CaseKind::ErrorReport,
            category: None,
            site_id: site,
            org_id: site_org,
            citizen_id: None,
            subject: "链接失效".to_string(),
            body: "首页的链接打不开".to_string(),
            page_url: Some("https://www.jl.gov.cn/".to_string()),
            contact: jiyue_db::SealedContact::default(),
            public_requested: false,
            consent_to_publish: false,
            held_for: None,
            attachments: Vec::new(),
            received_on: today,
        })
        .await
        .unwrap();
    let creator = staff(&server, "consultation-editor").await;
    let consultation = app
        .db
        .create_consultation(
            &Scope::Platform,
            NewConsultation {
                site_id: site,
                org_id: site_org,
                title: "关于优化营商环境条例草案的意见征集".to_string(),
                body: "请就草案第三条提出意见。".to_string(),
                starts_on: today - Duration::days(1),
                ends_on: today + Duration::days(10),
            },
            creator,
        )
        .await
        .unwrap();
    let pages = [
        ("hub", server.url(SITE, "/hudong/")),
        ("statistics", server.url(SITE, "/hudong/tj.html")),
        ("consultations", server.url(SITE, "/hudong/zj/")),
        (
            "consultation",
            server.url(SITE, &format!("/hudong/zj/{consultation}.html")),
        ),
        ("error report", server.url(SITE, "/zhaocuo?page=/xxgk/")),
        (
            "English error report",
            server.url("english.jl.localhost", "/zhaocuo"),
        ),
        (
            "English hub",
            server.url("english.jl.localhost", "/hudong/"),
        ),
    ];

    let browser = Chromium::start(1280, 900).await;
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

    let phone = Chromium::start(360, 740).await;
    let mut problems = Vec::new();
    for (name, url) in &pages {
        phone.open(url).await;
        problems.extend(fit_problems(&phone, name, 360).await);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    server.running.unwrap().stop().await;
}
