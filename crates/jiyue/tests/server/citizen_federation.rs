//! Sign-in delegated to an upstream provider: a second server instance (B) plays the
//! provincial identity platform, and the platform under test (A) is its relying party through
//! `[citizens.upstream]`. Both serve `id.jl.localhost`, on different ports.

use jiyue_db::{Assurance, OidcClient};

use crate::citizen_accounts::{citizen_by_mobile, id_url, sign_in_mobile, Browser, Page};
use crate::support::{backends, free_port, start_demo_config, TestServer};

const CLIENT_ID: &str = "jl-city-a";
const CLIENT_SECRET: &str = "federation-secret-2026";
const UPSTREAM_NAME: &str = "吉林省统一身份认证平台";

/// The upstream B and the platform A, with A registered at B as a client.
struct Pair {
    upstream: TestServer,
    platform: TestServer,
}

impl Pair {
    fn issuer(&self) -> String {
        id_url(&self.upstream, "")
    }
}

/// Starts B, registers A's callback at B, and starts A with B as its upstream. `allow_private`
/// goes into A's upstream settings.
async fn start_pair(backend: &'static str, allow_private: bool) -> Pair {
    let upstream = start_demo_config(backend, "", None).await;
    let port = free_port();
    upstream
        .app()
        .db
        .save_oidc_client(&OidcClient {
            client_id: CLIENT_ID.into(),
            name: "长春市".into(),
            secret_hash: Some(jiyue_auth::hash_password(CLIENT_SECRET).unwrap()),
            redirect_uris: vec![format!("http://id.jl.localhost:{port}/federation/callback")],
            post_logout_uris: Vec::new(),
            disabled: false,
        })
        .await
        .unwrap();
    let config = format!(
        "[citizens.upstream]\nissuer = \"http://id.jl.localhost:{b}\"\nclient_id = \"{CLIENT_ID}\"\n\
         client_secret = \"{CLIENT_SECRET}\"\nname = \"{UPSTREAM_NAME}\"\n\
         allow_private = {allow_private}\nconnect_to = \"127.0.0.1:{b}\"\n",
        b = upstream.port
    );
    let platform = start_demo_config(backend, &config, Some(port)).await;
    Pair { upstream, platform }
}

/// Follows `/federation/start` on A to its end and returns the last page and its URL.
async fn federate(pair: &Pair, browser: &Browser) -> (Page, String) {
    browser
        .follow(&id_url(&pair.platform, "/federation/start?next=/"))
        .await
}

#[tokio::test]
async fn federated_sign_in_verifies_and_links() {
    for backend in backends() {
        let pair = start_pair(backend, true).await;
        let platform = &pair.platform;
        let browser = Browser::new("10.30.0.1");
        let mobile = "13800138031";

        let page = browser.get(&id_url(platform, "/signin")).await;
        assert!(
            page.body.contains(UPSTREAM_NAME),
            "{backend}: no upstream sign-in link"
        );

        sign_in_mobile(&pair.upstream, &browser, mobile, "陈十二").await;
        let (page, url) = federate(&pair, &browser).await;
        assert_eq!(page.status, 200, "{backend}: {url}\n{}", page.body);
        assert_eq!(url, id_url(platform, "/"), "{backend}");
        assert!(browser.cookie(&id_url(platform, "/"), "jiyue_id").is_some());

        let account = citizen_by_mobile(platform, mobile).await.unwrap();
        assert_eq!(account.assurance, Assurance::Verified, "{backend}");
        assert_eq!(
            account.assurance_source.as_deref(),
            Some(pair.issuer().as_str())
        );
        assert_eq!(account.display_name, "陈十二", "{backend}");

        // A second federated sign-in finds the same account through the link.
        let page = browser.get(&id_url(platform, "/")).await;
        let out = browser
            .post(
                &id_url(platform, "/signout"),
                &[("form_token", &page.form_token())],
            )
            .await;
        assert_eq!(out.status, 303, "{backend}: {}", out.body);
        let (page, _) = federate(&pair, &browser).await;
        assert_eq!(page.status, 200, "{backend}");
        let again = citizen_by_mobile(platform, mobile).await.unwrap();
        assert_eq!(again.id, account.id, "{backend}: a second account");
    }
}

#[tokio::test]
async fn upstream_phone_joins_existing_account() {
    for backend in backends() {
        let pair = start_pair(backend, true).await;
        let mobile = "13800138032";
        let local = Browser::new("10.31.0.1");
        sign_in_mobile(&pair.platform, &local, mobile, "本地账号").await;
        let existing = citizen_by_mobile(&pair.platform, mobile).await.unwrap();
        assert_eq!(existing.assurance, Assurance::Unverified, "{backend}");

        let browser = Browser::new("10.31.0.2");
        sign_in_mobile(&pair.upstream, &browser, mobile, "褚十三").await;
        let (page, _) = federate(&pair, &browser).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        let joined = citizen_by_mobile(&pair.platform, mobile).await.unwrap();
        assert_eq!(
            joined.id, existing.id,
            "{backend}: the number made a second account"
        );
        assert_eq!(joined.assurance, Assurance::Verified, "{backend}");
        assert_eq!(
            joined.display_name, "本地账号",
            "{backend}: the name is kept"
        );
    }
}

/// Returns the query parameter `name` of a URL.
fn param(url: &str, name: &str) -> String {
    let url = reqwest::Url::parse(url).unwrap();
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

/// Walks the first two steps by hand and returns A's callback URL with B's code.
async fn callback_url(pair: &Pair, browser: &Browser) -> String {
    let start = browser
        .get(&id_url(&pair.platform, "/federation/start"))
        .await;
    assert_eq!(start.status, 303, "{}", start.body);
    assert!(start
        .location
        .starts_with(&id_url(&pair.upstream, "/authorize?")));
    let authorize = browser.get(&start.location).await;
    assert_eq!(authorize.status, 303, "{}", authorize.body);
    authorize.location
}

#[tokio::test]
async fn tampered_state_and_code_replay_fail() {
    for backend in backends() {
        let pair = start_pair(backend, true).await;
        let browser = Browser::new("10.32.0.1");
        sign_in_mobile(&pair.upstream, &browser, "13800138033", "卫十四").await;

        let first = callback_url(&pair, &browser).await;
        let code = param(&first, "code");
        let tampered = id_url(
            &pair.platform,
            &format!("/federation/callback?code={code}&state=forged-state"),
        );
        let page = browser.get(&tampered).await;
        assert_eq!(page.status, 502, "{backend}");
        assert!(
            page.body.contains("通过上级统一身份认证登录失败"),
            "{backend}"
        );
        assert!(page
            .body
            .contains("the sign-in expired or was already used"));
        assert!(browser.cookie(&first, "jiyue_id").is_none(), "{backend}");

        let done = browser.get(&first).await;
        assert_eq!(done.status, 303, "{backend}: {}", done.body);
        let replayed = browser.get(&first).await;
        assert_eq!(
            replayed.status, 502,
            "{backend}: the same callback worked twice"
        );

        // B's used code under a fresh state: B refuses it at its token endpoint.
        let second = callback_url(&pair, &browser).await;
        let state = param(&second, "state");
        let replay = id_url(
            &pair.platform,
            &format!("/federation/callback?code={code}&state={state}"),
        );
        let page = browser.get(&replay).await;
        assert_eq!(page.status, 502, "{backend}");
        assert!(
            page.body.contains("invalid_grant"),
            "{backend}: {}",
            page.body
        );
    }
}

#[tokio::test]
async fn loopback_upstream_needs_allow_private() {
    for backend in backends() {
        let pair = start_pair(backend, false).await;
        let browser = Browser::new("10.33.0.1");
        let page = browser
            .get(&id_url(&pair.platform, "/federation/start"))
            .await;
        assert_eq!(page.status, 502, "{backend}");
        assert!(
            page.body.contains("private address"),
            "{backend}: {}",
            page.body
        );
        assert!(
            page.body.contains("allow_private"),
            "{backend}: {}",
            page.body
        );
    }
}
