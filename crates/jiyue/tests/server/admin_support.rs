//! Helpers of the admin tests. The demo server's admin listener believes `X-Forwarded-For`
//! from the loopback address, so one test can act from several client addresses. Accounts are
//! made straight in the database, and the client of the admin listener keeps its own cookies
//! and never follows redirects.

use std::collections::BTreeMap;
use std::sync::Mutex;

use jiyue_auth::{hash_password, totp_code, totp_step, Role, TotpSecret};
use jiyue_core::Clock;
use jiyue_db::{GrantRef, NewStaff};

use crate::support::{start_demo_with, TestServer};

/// The password of every test account; it meets the default policy.
pub const PASSWORD: &str = "Jiyue-Test-2026";

/// The message of every refused sign-in.
pub const LOGIN_FAILED: &str = "用户名或密码错误，或账户已暂时锁定。请稍后再试。";

/// The message of every refused one-time code.
pub const FACTOR_FAILED: &str = "验证码错误或已使用过，或账户已暂时锁定。请稍后再试。";

/// Starts the demo on `backend` with the loopback address as a trusted proxy.
pub async fn start(backend: &'static str) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    start_demo_with(backend, dir, |args| {
        args.trusted_proxies = Some("127.0.0.1".into());
    })
    .await
}

/// A staff account made for a test.
pub struct Account {
    pub id: i64,
    pub username: String,
    pub secret: Option<TotpSecret>,
}

/// Creates an account with `role` on `scope`, with a TOTP factor already enrolled when
/// `enrolled` is true.
pub async fn create_account(
    server: &TestServer,
    username: &str,
    role: Role,
    scope: GrantRef,
    enrolled: bool,
) -> Account {
    let db = &server.app().db;
    let new = NewStaff {
        username: username.to_string(),
        display_name: format!("测试{username}"),
        org_id: None,
        password_hash: hash_password(PASSWORD).unwrap(),
    };
    let id = db.create_staff(&new).await.unwrap();
    db.add_grant(id, role, scope, None).await.unwrap();
    let secret = enrolled.then(TotpSecret::generate);
    if let Some(secret) = &secret {
        db.set_factor(id, "totp", &secret.to_base32())
            .await
            .unwrap();
    }
    Account {
        id,
        username: username.to_string(),
        secret,
    }
}

/// Returns the code of `secret` at the server's current time.
pub fn code_now(server: &TestServer, secret: &TotpSecret) -> String {
    totp_code(secret, totp_step(server.clock.now()))
}

/// A response: status, `Location`, headers and body text.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// Returns the value of the first hidden field `name` of the page.
    pub fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no field {name} in:\n{}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap();
        self.body[start..start + end].to_string()
    }

    /// Returns the CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        self.field("csrf")
    }
}

/// A browser-like client of the admin listener.
pub struct AdminClient {
    base: String,
    http: reqwest::Client,
    cookies: Mutex<BTreeMap<String, String>>,
    forwarded_for: Option<String>,
}

impl AdminClient {
    /// Creates a client of `server`'s admin listener.
    pub fn new(server: &TestServer) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base: format!("http://{}", server.admin),
            http,
            cookies: Mutex::new(BTreeMap::new()),
            forwarded_for: None,
        }
    }

    /// Makes the client act from `address`, sent as `X-Forwarded-For`.
    pub fn acting_from(mut self, address: &str) -> Self {
        self.forwarded_for = Some(address.to_string());
        self
    }

    /// Returns the value of a cookie the client holds.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    /// Sets a cookie by hand, such as an old session token.
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert(name.to_string(), value.to_string());
    }

    fn prepare(&self, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let cookies = self.cookies.lock().unwrap();
        let header: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut builder = builder;
        if !header.is_empty() {
            builder = builder.header("cookie", header.join("; "));
        }
        if let Some(address) = &self.forwarded_for {
            builder = builder.header("x-forwarded-for", address);
        }
        builder
    }

    async fn send(&self, builder: reqwest::RequestBuilder) -> Page {
        let response = self.prepare(builder).send().await.unwrap();
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let mut cookies = self.cookies.lock().unwrap();
            if attributes.contains("Max-Age=0") {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_string(), value.to_string());
            }
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = response.text().await.unwrap();
        Page {
            status,
            location,
            headers,
            body,
        }
    }

    /// Sends GET `path`.
    pub async fn get(&self, path: &str) -> Page {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// Sends POST `path` with a URL-encoded form.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.send(self.http.post(format!("{}{path}", self.base)).form(form))
            .await
    }

    /// Sends POST `path` with a form and extra headers.
    pub async fn post_with(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut builder = self.http.post(format!("{}{path}", self.base)).form(form);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        self.send(builder).await
    }

    /// Opens the sign-in form and submits `username` and `password`.
    pub async fn sign_in_password(&self, username: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.csrf();
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }

    /// Submits the one-time code on the second-factor page.
    pub async fn submit_code(&self, code: &str) -> Page {
        let form = self.get("/login/factor").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.csrf();
        self.post("/login/factor", &[("csrf", &csrf), ("code", code)])
            .await
    }

    /// Signs in with password and the current code of an enrolled account.
    pub async fn sign_in(&self, server: &TestServer, account: &Account) -> Page {
        let page = self.sign_in_password(&account.username, PASSWORD).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location, "/login/factor");
        let code = code_now(server, account.secret.as_ref().unwrap());
        let page = self.submit_code(&code).await;
        assert_eq!(page.status, 303, "{}", page.body);
        page
    }

    /// Posts a form of the page at `from` (taking its CSRF token) to `path`.
    pub async fn post_form(&self, from: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(from).await;
        assert_eq!(page.status, 200, "{from}: {}", page.body);
        let csrf = page.csrf();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(path, &form).await
    }
}
