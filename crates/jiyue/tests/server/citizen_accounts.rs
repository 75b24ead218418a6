//! Citizen accounts on the identity host `id.jl.localhost`. The tests cover sign-up and
//! sign-in by mobile code and by e-mail (through a real SMTP server), password reset, profile,
//! deletion, personal data at rest, rate limits with the challenge, form protection, and
//! single sign-on across sites. The browser-like client here is shared by the other citizen
//! tests.
//!
//! Every server here trusts the loopback address as a proxy, so each browser sends its own
//! `X-Forwarded-For` address and the per-address limits of one check do not spill into
//! another.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use jiyue_auth::personal::Field;
use jiyue_db::Citizen;

use crate::support::{backends, start_demo_config, unescape, TestServer, HOSTS};

/// The identity host of the demo province.
pub const ID_HOST: &str = "id.jl.localhost";

/// A response as a browser receives it, redirects not followed.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub body: String,
}

impl Page {
    /// Returns the value of the first field `name` of the page, decoded.
    pub fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no field {name} in:\n{}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap();
        unescape(&self.body[start..start + end])
    }

    /// Returns the page's form token.
    pub fn form_token(&self) -> String {
        self.field("form_token")
    }
}

/// A browser: cookies per host and port, no automatic redirects, every demo host on the
/// loopback address, and a client address sent as `X-Forwarded-For`.
pub struct Browser {
    http: reqwest::Client,
    cookies: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
    address: String,
}

impl Browser {
    /// Creates a browser that acts from `address`.
    pub fn new(address: &str) -> Self {
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_gzip()
            .no_brotli();
        for host in HOSTS {
            builder = builder.resolve(host, loopback);
        }
        Self {
            http: builder.build().unwrap(),
            cookies: Mutex::new(BTreeMap::new()),
            address: address.to_string(),
        }
    }

    fn authority(url: &reqwest::Url) -> String {
        format!(
            "{}:{}",
            url.host_str().unwrap(),
            url.port_or_known_default().unwrap()
        )
    }

    /// Returns the value of cookie `name` set by `url`'s host and port.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        let url = reqwest::Url::parse(url).unwrap();
        let cookies = self.cookies.lock().unwrap();
        cookies.get(&Self::authority(&url))?.get(name).cloned()
    }

    async fn send(&self, url: &str, builder: reqwest::RequestBuilder) -> Page {
        let parsed = reqwest::Url::parse(url).unwrap();
        let authority = Self::authority(&parsed);
        let header = {
            let cookies = self.cookies.lock().unwrap();
            cookies
                .get(&authority)
                .map(|jar| {
                    jar.iter()
                        .map(|(name, value)| format!("{name}={value}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default()
        };
        let mut builder = builder.header("x-forwarded-for", &self.address);
        if !header.is_empty() {
            builder = builder.header("cookie", header);
        }
        let response = builder.send().await.unwrap();
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let mut cookies = self.cookies.lock().unwrap();
            let jar = cookies.entry(authority.clone()).or_default();
            if attributes.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), value.to_string());
            }
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|value| value.to_str().unwrap().to_string())
            .unwrap_or_default();
        let location = if location.is_empty() {
            location
        } else {
            parsed.join(&location).unwrap().to_string()
        };
        Page {
            status,
            location,
            body: response.text().await.unwrap(),
        }
    }

    /// Sends GET `url`.
    pub async fn get(&self, url: &str) -> Page {
        self.send(url, self.http.get(url)).await
    }

    /// Sends POST `url` with a URL-encoded form.
    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> Page {
        self.send(url, self.http.post(url).form(form)).await
    }

    /// Sends POST `url` with a form and extra headers.
    pub async fn post_with(
        &self,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut builder = self.http.post(url).form(form);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        self.send(url, builder).await
    }

    /// Sends GET `url` and follows redirects (at most ten); returns the last page and its URL.
    pub async fn follow(&self, url: &str) -> (Page, String) {
        let mut current = url.to_string();
        for _ in 0..10 {
            let page = self.get(&current).await;
            if !(300..400).contains(&page.status) {
                return (page, current);
            }
            current = page.location.clone();
        }
        panic!("more than ten redirects from {url}");
    }
}

/// Returns the URL of `path` on the identity host of `server`.
pub fn id_url(server: &TestServer, path: &str) -> String {
    server.url(ID_HOST, path)
}

/// Starts the demo with an otherwise empty config file and the loopback address as a proxy.
async fn start(backend: &'static str) -> TestServer {
    start_demo_config(backend, "", None).await
}

/// Returns the SMS messages the server wrote to its outbox folder for `mobile`.
pub fn sms_to(server: &TestServer, mobile: &str) -> Vec<jiyue_notify::Sms> {
    let dir = server.data_dir().join(jiyue_notify::SMS_OUTBOX_DIR);
    jiyue_notify::read_folder_sms(&dir)
        .unwrap()
        .into_iter()
        .filter(|sms| sms.to == mobile)
        .collect()
}

/// Returns the code of the newest SMS to `mobile`.
pub fn last_code(server: &TestServer, mobile: &str) -> String {
    let messages = sms_to(server, mobile);
    let last = messages
        .last()
        .unwrap_or_else(|| panic!("no SMS to {mobile}"));
    last.params["code"].clone()
}

/// Returns the account with `mobile`, if any.
pub async fn citizen_by_mobile(server: &TestServer, mobile: &str) -> Option<Citizen> {
    let services = server.app().citizens.as_ref().unwrap();
    let index = services.cipher.index(Field::Mobile, mobile);
    server.app().db.citizen_by_mobile(&index).await.unwrap()
}

/// Asks for a sign-in code for `mobile` and returns the page with the code form.
pub async fn request_code(server: &TestServer, browser: &Browser, mobile: &str) -> (Page, String) {
    let form = browser.get(&id_url(server, "/signin")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let token = form.form_token();
    let page = browser
        .post(
            &id_url(server, "/signin/code"),
            &[("form_token", &token), ("mobile", mobile), ("next", "/")],
        )
        .await;
    (page, token)
}

/// Submits a code for `mobile` with the display name a new account gets.
pub async fn submit_code(
    server: &TestServer,
    browser: &Browser,
    token: &str,
    mobile: &str,
    code: &str,
    name: &str,
) -> Page {
    browser
        .post(
            &id_url(server, "/signin/mobile"),
            &[
                ("form_token", token),
                ("mobile", mobile),
                ("code", code),
                ("display_name", name),
                ("kind", "person"),
                ("next", "/"),
            ],
        )
        .await
}

/// Signs `mobile` in on the identity host by SMS code (signing up when new) and returns the
/// session cookie `jiyue_id`.
pub async fn sign_in_mobile(
    server: &TestServer,
    browser: &Browser,
    mobile: &str,
    name: &str,
) -> String {
    let (sent, token) = request_code(server, browser, mobile).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let code = last_code(server, mobile);
    let done = submit_code(server, browser, &token, mobile, &code, name).await;
    assert_eq!(done.status, 303, "{}", done.body);
    browser
        .cookie(&id_url(server, "/"), "jiyue_id")
        .expect("no session cookie after sign-in")
}

/// Returns the interpreter for the Python peers: `JIYUE_TEST_PYTHON` or `python3`.
pub fn python() -> String {
    std::env::var("JIYUE_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Returns the path of a script in the `oidc` folder beside these tests.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/server/oidc")
        .join(name)
}

/// A local SMTP server that stores what it receives; stopped when dropped.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(python())
            .arg(script("smtp_sink.py"))
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot run {}: {error}; set JIYUE_TEST_PYTHON", python())
            });
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("smtp_sink.py printed {line:?}, not a port; is aiosmtpd installed?")
        });
        SmtpSink { child, port, dir }
    }

    /// Waits for message `n` (from 1) and returns its recipient, subject and text.
    pub async fn message(&self, n: usize) -> String {
        let path = self.dir.path().join(format!("{n}.txt"));
        for _ in 0..100 {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the SMTP server received no message {n} within 10 s");
    }

    pub fn count(&self) -> usize {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter(|entry| {
                entry
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".txt")
            })
            .count()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns the first URL in `text` that starts with `prefix`.
fn link(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no link {prefix} in:\n{text}"));
    text[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn mobile_sign_up_then_sign_in_again() {
    for backend in backends() {
        let server = start(backend).await;
        let mobile = "13800138001";
        let first = Browser::new("10.1.0.1");
        sign_in_mobile(&server, &first, mobile, "王小明").await;
        let account = citizen_by_mobile(&server, mobile).await.unwrap();
        assert_eq!(account.display_name, "王小明", "{backend}");

        let page = first.get(&id_url(&server, "/")).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        assert!(page.body.contains("王小明"), "{backend}");
        assert!(
            page.body.contains("138****8001"),
            "{backend}: masked number"
        );
        assert!(
            !page.body.contains(mobile),
            "{backend}: the page shows the whole number"
        );

        // One code a minute per number, so the second sign-in waits for the next minute.
        server.clock.advance(chrono::Duration::seconds(61));
        let second = Browser::new("10.1.0.2");
        sign_in_mobile(&server, &second, mobile, "另一个名字").await;
        let again = citizen_by_mobile(&server, mobile).await.unwrap();
        assert_eq!(again.id, account.id, "{backend}: the same account");
        assert_eq!(again.display_name, "王小明", "{backend}: the name is kept");
    }
}

#[tokio::test]
async fn wrong_code_counts_down_then_burns() {
    for backend in backends() {
        let server = start(backend).await;
        let mobile = "13800138002";
        let browser = Browser::new("10.2.0.1");
        let (sent, token) = request_code(&server, &browser, mobile).await;
        assert_eq!(sent.status, 200, "{backend}: {}", sent.body);
        let code = last_code(&server, mobile);
        let wrong = if code == "000000" { "111111" } else { "000000" };

        for left in (1..=4).rev() {
            let page = submit_code(&server, &browser, &token, mobile, wrong, "").await;
            assert_eq!(page.status, 422, "{backend}");
            let expected = format!("验证码不正确，还可尝试 {left} 次。");
            assert!(
                page.body.contains(&expected),
                "{backend}: {expected}\n{}",
                page.body
            );
        }
        let burned = submit_code(&server, &browser, &token, mobile, wrong, "").await;
        assert!(
            burned.body.contains("验证码不正确或已失效，请重新获取。"),
            "{backend}"
        );

        let right = submit_code(&server, &browser, &token, mobile, &code, "").await;
        assert_eq!(right.status, 422, "{backend}: a burned code must not work");
        assert!(right.body.contains("验证码不正确或已失效"), "{backend}");
        assert!(
            browser.cookie(&id_url(&server, "/"), "jiyue_id").is_none(),
            "{backend}"
        );
        assert!(
            citizen_by_mobile(&server, mobile).await.is_none(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn code_resend_is_limited() {
    for backend in backends() {
        let server = start(backend).await;
        let mobile = "13800138003";
        let browser = Browser::new("10.3.0.1");
        let (first, _) = request_code(&server, &browser, mobile).await;
        assert_eq!(first.status, 200, "{backend}");
        let (again, _) = request_code(&server, &browser, mobile).await;
        assert_eq!(again.status, 422, "{backend}");
        assert!(
            again.body.contains("每分钟最多 1 次"),
            "{backend}: {}",
            again.body
        );
        assert_eq!(sms_to(&server, mobile).len(), 1, "{backend}");

        // Five codes an hour: each from a new address, so the address limit stays out of it.
        for n in 2..=5 {
            server.clock.advance(chrono::Duration::seconds(61));
            let browser = Browser::new(&format!("10.3.{n}.1"));
            let (page, _) = request_code(&server, &browser, mobile).await;
            assert_eq!(page.status, 200, "{backend}: code {n}: {}", page.body);
        }
        server.clock.advance(chrono::Duration::seconds(61));
        let (sixth, _) = request_code(&server, &Browser::new("10.3.9.1"), mobile).await;
        assert_eq!(sixth.status, 422, "{backend}");
        assert!(sixth.body.contains("每小时最多 5 次"), "{backend}");
        assert_eq!(sms_to(&server, mobile).len(), 5, "{backend}");
    }
}

#[tokio::test]
async fn email_sign_up_through_smtp() {
    for backend in backends() {
        let smtp = SmtpSink::start();
        let config = format!(
            "[citizens]\nmail = {{ kind = \"smtp\", host = \"127.0.0.1\", port = {}, \
             security = \"none\", from = \"noreply@jl.gov.cn\" }}\n",
            smtp.port
        );
        let server = start_demo_config(backend, &config, None).await;
        let browser = Browser::new("10.4.0.1");
        let form = browser.get(&id_url(&server, "/signin")).await;
        let token = form.form_token();
        let address = "li.si@example.cn";
        let sent = browser
            .post(
                &id_url(&server, "/signup/email"),
                &[("form_token", &token), ("email", address), ("next", "/")],
            )
            .await;
        assert_eq!(sent.status, 200, "{backend}: {}", sent.body);
        assert!(
            sent.body.contains("l***@example.cn"),
            "{backend}: {}",
            sent.body
        );

        let mail = smtp.message(1).await;
        assert!(
            mail.starts_with(&format!("To: {address}\n")),
            "{backend}: {mail}"
        );
        let verify = link(&mail, &id_url(&server, "/verify?token="));
        let page = browser.get(&verify).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        let done = browser
            .post(
                &id_url(&server, "/verify"),
                &[
                    ("form_token", &page.form_token()),
                    ("token", &page.field("token")),
                    ("display_name", "李四"),
                    ("password", "长白山天池-2026"),
                    ("kind", "person"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{backend}: {}", done.body);
        let account = browser.get(&id_url(&server, "/")).await;
        assert!(account.body.contains("李四"), "{backend}");

        // A used link does not work twice.
        let replay = browser
            .post(
                &id_url(&server, "/verify"),
                &[
                    ("form_token", &page.form_token()),
                    ("token", &page.field("token")),
                    ("display_name", "李四"),
                    ("password", "长白山天池-2026"),
                ],
            )
            .await;
        assert_eq!(replay.status, 422, "{backend}");

        let signed_out = browser
            .post(&id_url(&server, "/signout"), &[("form_token", &token)])
            .await;
        assert_eq!(signed_out.status, 303, "{backend}");
        let wrong = password_sign_in(&server, &browser, address, "not-the-password").await;
        assert_eq!(wrong.status, 422, "{backend}");
        assert!(wrong.body.contains("账号或密码不正确"), "{backend}");
        let right = password_sign_in(&server, &browser, address, "长白山天池-2026").await;
        assert_eq!(right.status, 303, "{backend}: {}", right.body);

        // Signing up again with the address sends a notice, not a second account.
        let again = browser
            .post(
                &id_url(&server, "/signup/email"),
                &[("form_token", &token), ("email", address)],
            )
            .await;
        assert_eq!(again.status, 200, "{backend}");
        let notice = smtp.message(2).await;
        assert!(
            notice.contains(&id_url(&server, "/reset")),
            "{backend}: {notice}"
        );
        assert!(!notice.contains("/verify?token="), "{backend}: {notice}");
        assert_eq!(smtp.count(), 2, "{backend}");
    }
}

async fn password_sign_in(
    server: &TestServer,
    browser: &Browser,
    account: &str,
    password: &str,
) -> Page {
    let form = browser.get(&id_url(server, "/signin")).await;
    browser
        .post(
            &id_url(server, "/signin/password"),
            &[
                ("form_token", &form.form_token()),
                ("account", account),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
}

/// Returns the body of `page` with its form token and the account (`whole`, and `masked` as
/// the page shows it) replaced, for comparing the answers about two different accounts.
fn normalized(page: &Page, whole: &str, masked: &str) -> String {
    let mut body = page.body.clone();
    if body.contains("name=\"form_token\"") {
        body = body.replace(&page.form_token(), "TOKEN");
    }
    body.replace(whole, "ACCOUNT").replace(masked, "MASKED")
}

async fn request_reset(server: &TestServer, browser: &Browser, account: &str) -> Page {
    let form = browser.get(&id_url(server, "/reset")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    browser
        .post(
            &id_url(server, "/reset"),
            &[("form_token", &form.form_token()), ("account", account)],
        )
        .await
}

#[tokio::test]
async fn reset_answers_alike_and_ends_sessions() {
    for backend in backends() {
        let server = start(backend).await;
        let registered = "13800138005";
        let unknown = "13900139009";
        let owner = Browser::new("10.5.0.1");
        sign_in_mobile(&server, &owner, registered, "赵六").await;
        server.clock.advance(chrono::Duration::seconds(61));

        let known_page = request_reset(&server, &Browser::new("10.5.1.1"), registered).await;
        let unknown_page = request_reset(&server, &Browser::new("10.5.2.1"), unknown).await;
        assert_eq!(known_page.status, unknown_page.status, "{backend}");
        assert_eq!(
            normalized(&known_page, registered, "138****8005"),
            normalized(&unknown_page, unknown, "139****9009"),
            "{backend}: the answers differ"
        );
        assert_eq!(
            sms_to(&server, registered).len(),
            2,
            "{backend}: a reset code"
        );
        assert!(sms_to(&server, unknown).is_empty(), "{backend}");

        // The same by e-mail, with an account made straight in the database.
        let services = server.app().citizens.as_ref().unwrap();
        let email = "zhao@example.cn";
        server
            .app()
            .db
            .create_citizen(jiyue_db::NewCitizen {
                kind: jiyue_db::CitizenKind::Person,
                display_name: "赵".into(),
                mobile: None,
                email: Some(jiyue_db::SealedValue {
                    sealed: services
                        .cipher
                        .seal(Field::Email, email)
                        .unwrap()
                        .to_string(),
                    index: services.cipher.index(Field::Email, email),
                }),
                email_verified: true,
                password_hash: None,
                business_name: None,
                credit_code: None,
                upstream: None,
            })
            .await
            .unwrap();
        let known_mail = request_reset(&server, &Browser::new("10.5.3.1"), email).await;
        let unknown_mail =
            request_reset(&server, &Browser::new("10.5.4.1"), "qian@example.cn").await;
        assert_eq!(
            normalized(&known_mail, email, "z***@example.cn"),
            normalized(&unknown_mail, "qian@example.cn", "q***@example.cn"),
            "{backend}: the e-mail answers differ"
        );
        let mails =
            jiyue_notify::read_folder_mail(&server.data_dir().join(jiyue_notify::MAIL_OUTBOX_DIR))
                .unwrap();
        assert_eq!(
            mails.len(),
            1,
            "{backend}: one reset mail, to the registered address"
        );

        // Resetting by code ends the session the owner had.
        let code = last_code(&server, registered);
        let resetter = Browser::new("10.5.1.1");
        let form = resetter.get(&id_url(&server, "/reset")).await;
        let done = resetter
            .post(
                &id_url(&server, "/reset/mobile"),
                &[
                    ("form_token", &form.form_token()),
                    ("mobile", registered),
                    ("code", &code),
                    ("password", "新密码-松花江-2026"),
                ],
            )
            .await;
        assert_eq!(done.status, 200, "{backend}: {}", done.body);
        let old_session = owner.get(&id_url(&server, "/")).await;
        assert_eq!(
            old_session.status, 303,
            "{backend}: the old session still works"
        );
        assert!(old_session.location.contains("/signin"), "{backend}");
        let with_password = password_sign_in(
            &server,
            &Browser::new("10.5.6.1"),
            registered,
            "新密码-松花江-2026",
        )
        .await;
        assert_eq!(with_password.status, 303, "{backend}");
    }
}

#[tokio::test]
async fn profile_rejects_invalid_credit_code() {
    for backend in backends() {
        let server = start(backend).await;
        let mobile = "13800138006";
        let browser = Browser::new("10.6.0.1");
        let (sent, token) = request_code(&server, &browser, mobile).await;
        assert_eq!(sent.status, 200);
        let code = last_code(&server, mobile);
        let done = browser
            .post(
                &id_url(&server, "/signin/mobile"),
                &[
                    ("form_token", &token),
                    ("mobile", mobile),
                    ("code", &code),
                    ("display_name", "长春某公司"),
                    ("kind", "business"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{backend}: {}", done.body);

        let save = |credit: &'static str| {
            let browser = &browser;
            let server = &server;
            let token = token.clone();
            async move {
                browser
                    .post(
                        &id_url(server, "/"),
                        &[
                            ("form_token", &token),
                            ("display_name", "长春某公司"),
                            ("business_name", "长春某科技有限公司"),
                            ("credit_code", credit),
                        ],
                    )
                    .await
            }
        };
        let refused = save("91220101MA0000000X").await;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            refused
                .body
                .contains("统一社会信用代码“91220101MA0000000X”无效"),
            "{backend}: {}",
            refused.body
        );
        let stored = citizen_by_mobile(&server, mobile).await.unwrap();
        assert_eq!(stored.credit_code, None, "{backend}");

        let saved = save("11220000000000019E").await;
        assert_eq!(saved.status, 200, "{backend}: {}", saved.body);
        let stored = citizen_by_mobile(&server, mobile).await.unwrap();
        assert_eq!(
            stored.credit_code.as_deref(),
            Some("11220000000000019E"),
            "{backend}"
        );
    }
}

/// Returns the id of the provincial portal and of its organization.
fn portal(server: &TestServer) -> (i64, i64) {
    let directory = server.app().directory();
    let site = directory
        .sites
        .values()
        .find(|site| {
            directory
                .hosts
                .base_url(site.id)
                .is_some_and(|base| base.contains("//www.jl.localhost"))
        })
        .unwrap();
    (site.id, site.org_id)
}

#[tokio::test]
async fn deletion_frees_number_and_blanks_cases() {
    for backend in backends() {
        let server = start(backend).await;
        let mobile = "13800138007";
        let browser = Browser::new("10.7.0.1");
        sign_in_mobile(&server, &browser, mobile, "孙七").await;
        let account = citizen_by_mobile(&server, mobile).await.unwrap();

        let services = server.app().citizens.as_ref().unwrap();
        let (site, org) = portal(&server);
        let case = server
            .app()
            .db
            .submit_case(jiyue_db::NewCase {
                kind: jiyue_db::CaseKind::Message,
                category: Some(jiyue_db::MessageCategory::Consultation),
                site_id: site,
                org_id: org,
                citizen_id: Some(account.id),
                subject: "供暖问题".into(),
                body: "小区供暖温度不达标。".into(),
                page_url: None,
                contact: jiyue_db::SealedContact {
                    name: Some(
                        services
                            .cipher
                            .seal(Field::Name, "孙七")
                            .unwrap()
                            .to_string(),
                    ),
                    mobile: Some(
                        services
                            .cipher
                            .seal(Field::Mobile, mobile)
                            .unwrap()
                            .to_string(),
                    ),
                    ..jiyue_db::SealedContact::default()
                },
                public_requested: false,
                consent_to_publish: false,
                held_for: None,
                attachments: Vec::new(),
                received_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            })
            .await
            .unwrap();

        let form = browser.get(&id_url(&server, "/delete")).await;
        assert_eq!(form.status, 200, "{backend}");
        let wrong = browser
            .post(
                &id_url(&server, "/delete"),
                &[("form_token", &form.form_token()), ("confirm", "yes")],
            )
            .await;
        assert_eq!(wrong.status, 422, "{backend}");
        assert!(server.app().db.citizen(account.id).await.unwrap().is_some());
        let deleted = browser
            .post(
                &id_url(&server, "/delete"),
                &[("form_token", &form.form_token()), ("confirm", "注销")],
            )
            .await;
        assert_eq!(deleted.status, 200, "{backend}: {}", deleted.body);
        assert!(
            server.app().db.citizen(account.id).await.unwrap().is_none(),
            "{backend}"
        );
        assert!(
            citizen_by_mobile(&server, mobile).await.is_none(),
            "{backend}"
        );

        let kept = server
            .app()
            .db
            .case(&jiyue_db::Scope::Platform, case.id)
            .await
            .unwrap();
        assert_eq!(kept.subject, "供暖问题", "{backend}: the case stays");
        assert_eq!(kept.citizen_id, None, "{backend}");
        assert_eq!(
            kept.contact,
            jiyue_db::SealedContact::default(),
            "{backend}"
        );

        server.clock.advance(chrono::Duration::seconds(61));
        sign_in_mobile(&server, &Browser::new("10.7.1.1"), mobile, "孙七").await;
        let fresh = citizen_by_mobile(&server, mobile).await.unwrap();
        assert_ne!(fresh.id, account.id, "{backend}: a new account id");
    }
}

#[tokio::test]
async fn forms_refuse_foreign_origin_and_missing_token() {
    for backend in backends() {
        let server = start(backend).await;
        let mobile = "13800138009";
        let browser = Browser::new("10.9.0.1");
        let form = browser.get(&id_url(&server, "/signin")).await;
        let token = form.form_token();

        let foreign = browser
            .post_with(
                &id_url(&server, "/signin/code"),
                &[("form_token", &token), ("mobile", mobile)],
                &[("origin", "http://evil.example")],
            )
            .await;
        assert_eq!(foreign.status, 422, "{backend}");
        assert!(
            foreign.body.contains("该表单来自其他网站，已拒绝"),
            "{backend}"
        );

        let missing = browser
            .post(&id_url(&server, "/signin/code"), &[("mobile", mobile)])
            .await;
        assert_eq!(missing.status, 422, "{backend}");
        assert!(
            missing.body.contains("表单已过期或来自其他页面"),
            "{backend}"
        );

        // A token from another browser does not fit this browser's cookie.
        let other = Browser::new("10.9.0.2");
        let stolen = other
            .post(
                &id_url(&server, "/signin/code"),
                &[("form_token", &token), ("mobile", mobile)],
            )
            .await;
        assert!(
            stolen.body.contains("表单已过期或来自其他页面"),
            "{backend}"
        );
        assert!(
            sms_to(&server, mobile).is_empty(),
            "{backend}: no SMS went out"
        );

        let same_origin = browser
            .post_with(
                &id_url(&server, "/signin/code"),
                &[("form_token", &token), ("mobile", mobile)],
                &[("origin", &format!("http://{ID_HOST}:{}", server.port))],
            )
            .await;
        assert_eq!(same_origin.status, 200, "{backend}: {}", same_origin.body);
    }
}

/// Returns the answer to the arithmetic challenge on `page`, as a visitor without scripts
/// would type it.
fn challenge_sum(page: &Page) -> String {
    let start = page
        .body
        .find("请计算 ")
        .unwrap_or_else(|| panic!("no challenge question in:\n{}", page.body))
        + "请计算 ".len();
    let rest = &page.body[start..];
    let numbers: Vec<u32> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .take(2)
        .map(|part| part.parse().unwrap())
        .collect();
    (numbers[0] + numbers[1]).to_string()
}

#[tokio::test]
async fn sign_in_rate_limit_then_challenge() {
    for backend in backends() {
        let server = start(backend).await;
        let browser = Browser::new("10.10.0.1");
        let mut challenged = false;
        // 20 failed sign-ins per 15 minutes; the challenge comes from the 10th on.
        for attempt in 1..=20 {
            let form = browser.get(&id_url(&server, "/signin")).await;
            let mut fields = vec![
                ("form_token".to_string(), form.form_token()),
                ("account".to_string(), "13700137000".to_string()),
                ("password".to_string(), "wrong-password".to_string()),
            ];
            if form.body.contains("challenge_seed") {
                if !challenged {
                    assert_eq!(attempt, 11, "{backend}: the challenge came late or early");
                    challenged = true;
                    let unanswered: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    let page = browser
                        .post(&id_url(&server, "/signin/password"), &unanswered)
                        .await;
                    assert!(
                        page.body.contains("验证未通过或已过期"),
                        "{backend}: {}",
                        page.body
                    );
                }
                fields.push(("challenge_seed".into(), form.field("challenge_seed")));
                fields.push(("challenge_answer".into(), challenge_sum(&form)));
            }
            let borrowed: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let page = browser
                .post(&id_url(&server, "/signin/password"), &borrowed)
                .await;
            assert!(
                page.body.contains("账号或密码不正确"),
                "{backend}: attempt {attempt}"
            );
        }
        assert!(challenged, "{backend}: no challenge");
        let form = browser.get(&id_url(&server, "/signin")).await;
        let page = browser
            .post(
                &id_url(&server, "/signin/password"),
                &[
                    ("form_token", &form.form_token()),
                    ("account", "13700137000"),
                    ("password", "wrong-password"),
                    ("challenge_seed", &form.field("challenge_seed")),
                    ("challenge_answer", &challenge_sum(&form)),
                ],
            )
            .await;
        assert!(
            page.body.contains("操作过于频繁，请稍后再试。"),
            "{backend}: {}",
            page.body
        );

        // Sending codes: from the 6th request of an address the form wants the challenge.
        let sender = Browser::new("10.10.1.1");
        for n in 0..5 {
            let (page, _) = request_code(&server, &sender, &format!("1360013600{n}")).await;
            assert_eq!(page.status, 200, "{backend}: code {n}");
        }
        let (page, _) = request_code(&server, &sender, "13600136009").await;
        assert!(
            page.body.contains("验证未通过或已过期"),
            "{backend}: {}",
            page.body
        );
        assert!(sms_to(&server, "13600136009").is_empty(), "{backend}");
        let form = sender.get(&id_url(&server, "/signin")).await;
        let answered = sender
            .post(
                &id_url(&server, "/signin/code"),
                &[
                    ("form_token", &form.form_token()),
                    ("mobile", "13600136009"),
                    ("challenge_seed", &form.field("challenge_seed")),
                    ("challenge_answer", &challenge_sum(&form)),
                ],
            )
            .await;
        assert_eq!(answered.status, 200, "{backend}: {}", answered.body);
        assert_eq!(sms_to(&server, "13600136009").len(), 1, "{backend}");
    }
}

#[tokio::test]
async fn single_sign_on_across_sites() {
    for backend in backends() {
        let server = start(backend).await;
        let browser = Browser::new("10.11.0.1");
        sign_in_mobile(&server, &browser, "13800138011", "周八").await;

        for host in ["www.jl.localhost", "www.changchun.localhost"] {
            let start = server.url(host, "/account/login");
            let (page, url) = browser.follow(&start).await;
            assert_eq!(page.status, 200, "{backend} {host}: {url}\n{}", page.body);
            assert_eq!(url, server.url(host, "/account/"), "{backend} {host}");
            assert!(page.body.contains("周八"), "{backend} {host}");
            assert!(
                browser.cookie(&start, "jiyue_site").is_some(),
                "{backend} {host}"
            );
        }

        let my_page = browser
            .get(&server.url("www.jl.localhost", "/account/"))
            .await;
        let out = browser
            .post(
                &server.url("www.jl.localhost", "/account/logout"),
                &[("form_token", &my_page.form_token())],
            )
            .await;
        assert_eq!(out.status, 303, "{backend}: {}", out.body);
        assert!(
            out.location.starts_with(&id_url(&server, "/logout?")),
            "{backend}"
        );

        for host in ["www.jl.localhost", "www.changchun.localhost"] {
            let page = browser.get(&server.url(host, "/account/")).await;
            assert_eq!(page.status, 303, "{backend} {host}: still signed in");
            assert!(page.location.contains("/account/login"), "{backend} {host}");
        }
        let identity = browser.get(&id_url(&server, "/")).await;
        assert_eq!(
            identity.status, 303,
            "{backend}: the identity session is still live"
        );
    }
}

#[tokio::test]
async fn callback_link_from_another_browser_refused() {
    let server = start("sqlite").await;
    let attacker = Browser::new("10.12.0.1");
    sign_in_mobile(&server, &attacker, "13800138012", "钱七").await;

    // The attacker starts a sign-in on the portal and stops before the callback.
    let start_url = server.url("www.jl.localhost", "/account/login?return=/hudong/write");
    let started = attacker.get(&start_url).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let authorized = attacker.get(&started.location).await;
    assert_eq!(authorized.status, 303, "{}", authorized.body);
    let callback = authorized.location.clone();
    assert!(callback.contains("/account/callback?"), "{callback}");

    // A victim who opens that link in a browser of their own is not signed in as the attacker.
    let victim = Browser::new("10.12.0.2");
    let opened = victim.get(&callback).await;
    assert_eq!(opened.status, 400, "{}", opened.body);
    assert!(
        opened.body.contains("登录请求已过期或已使用"),
        "{}",
        opened.body
    );
    assert!(victim.cookie(&callback, "jiyue_site").is_none());
    let mine = victim
        .get(&server.url("www.jl.localhost", "/account/"))
        .await;
    assert_eq!(mine.status, 303, "the victim has no site session");

    // The browser that started the sign-in finishes it.
    let finished = attacker.get(&callback).await;
    assert_eq!(finished.status, 303, "{}", finished.body);
    assert!(
        finished.location.ends_with("/hudong/write"),
        "{}",
        finished.location
    );
    server.running.unwrap().stop().await;
}

/// Returns true when `needle` occurs in `haystack`.
fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn mobile_number_absent_from_database_and_log() {
    let data = tempfile::tempdir().unwrap();
    let log_path = data.path().join("server.log");
    let port = crate::support::free_port();
    let admin_port = crate::support::free_port();
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiyue"))
        .args(["serve", "--demo", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--admin-listen")
        .arg(format!("127.0.0.1:{admin_port}"))
        .arg("--data-dir")
        .arg(data.path())
        .env("JIYUE_LOG", "debug,tantivy=warn")
        .env_remove("JIYUE_DATABASE_URL")
        .env_remove("JIYUE_CONFIG")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let browser = Browser::new("127.0.0.1");
    let signin = format!("http://{ID_HOST}:{port}/signin");
    let mut ready = false;
    for _ in 0..300 {
        if let Ok(response) = reqwest::get(format!("http://127.0.0.1:{admin_port}/healthz")).await {
            ready = response.status().is_success();
            if ready {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        ready,
        "the server did not start; see {}",
        log_path.display()
    );

    let mobile = "13812345678";
    let form = browser.get(&signin).await;
    let token = form.form_token();
    let sent = browser
        .post(
            &format!("http://{ID_HOST}:{port}/signin/code"),
            &[("form_token", &token), ("mobile", mobile)],
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let dir = data.path().join(jiyue_notify::SMS_OUTBOX_DIR);
    let code = jiyue_notify::read_folder_sms(&dir).unwrap()[0].params["code"].clone();
    let done = browser
        .post(
            &format!("http://{ID_HOST}:{port}/signin/mobile"),
            &[
                ("form_token", &token),
                ("mobile", mobile),
                ("code", &code),
                ("display_name", "吴九"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let account = browser.get(&format!("http://{ID_HOST}:{port}/")).await;
    assert!(account.body.contains("138****5678"));

    let _ = child.kill();
    let _ = child.wait();
    for name in ["jiyue.db", "jiyue.db-wal"] {
        let path = data.path().join(name);
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !contains_bytes(&bytes, mobile.as_bytes()),
                "{name} holds the mobile number in plain text"
            );
        }
    }
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("sent a code by SMS"),
        "the log is empty:\n{log}"
    );
    assert!(
        !log.contains(mobile),
        "the server log holds the mobile number:\n{log}"
    );
}

#[tokio::test]
async fn wrong_sign_in_codes_make_a_signal() {
    let server = start("sqlite").await;
    let mobile = "13800138021";
    let browser = Browser::new("10.11.0.1");
    sign_in_mobile(&server, &browser, mobile, "王五").await;
    let account = citizen_by_mobile(&server, mobile).await.unwrap();
    server.app().signals.drain();

    // One code a minute per number, so the guesser requests a code after the first one's minute.
    server.clock.advance(chrono::Duration::minutes(2));
    let guesser = Browser::new("10.11.0.2");
    let (sent, token) = request_code(&server, &guesser, mobile).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let right = last_code(&server, mobile);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..5 {
        let page = submit_code(&server, &guesser, &token, mobile, wrong, "").await;
        assert_eq!(page.status, 422, "{}", page.body);
    }

    let faults = server.app().signals.drain();
    let key = format!("security:sign-in:citizen:account:{}", account.id);
    let burst = faults
        .iter()
        .find(|fault| fault.key == key)
        .unwrap_or_else(|| panic!("no burst for the account in {faults:?}"));
    assert!(!burst.evidence.contains(mobile), "{}", burst.evidence);
    assert!(!burst.evidence.contains("10.11.0.2"), "{}", burst.evidence);
}
