//! The OpenID Connect provider on the identity host against an independent relying party
//! (Python Authlib 1.9 with joserfc, `oidc/authlib_flow.py`), the protocol errors a client can
//! meet, and the `jiyue oidc-client` command that registers clients.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use jiyue_auth::PkcePair;
use jiyue_db::OidcClient;
use serde_json::Value;

use crate::citizen_accounts::{id_url, python, script, sign_in_mobile, Browser};
use crate::support::{backends, start_demo_config, TestServer};

/// The redirect URI of the test clients; nothing listens there, the browser stops before it.
const REDIRECT_URI: &str = "http://rp.localhost:9/callback";
/// The post-logout URI of the test clients.
const POST_LOGOUT_URI: &str = "http://rp.localhost:9/bye";

/// Runs `jiyue oidc-client` with `args` on the server's data. The server runs on this
/// test's runtime and may hold the SQLite write lock, so the command waits on another thread.
async fn jiyue(server: &TestServer, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jiyue"));
    command
        .arg("oidc-client")
        .args(args)
        .arg("--data-dir")
        .arg(server.data_dir())
        .env_remove("JIYUE_CONFIG")
        .env_remove("JIYUE_DATABASE_URL");
    if let Some(url) = server.database_url() {
        command.arg("--database-url").arg(url);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// Registers a confidential client through the command line and returns its secret.
async fn add_client(server: &TestServer, id: &str) -> String {
    let output = jiyue(
        server,
        &[
            "add",
            "--id",
            id,
            "--name",
            "省政务服务网",
            "--redirect-uri",
            REDIRECT_URI,
            "--post-logout-uri",
            POST_LOGOUT_URI,
        ],
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("client secret: "))
        .unwrap_or_else(|| panic!("no secret in:\n{stdout}"))
        .trim()
        .to_string()
}

#[tokio::test]
async fn cli_adds_lists_and_disables_clients() {
    for backend in backends() {
        let server = start_demo_config(backend, "", None).await;
        let secret = add_client(&server, "hall").await;
        let stored = server.app().db.oidc_client("hall").await.unwrap().unwrap();
        let hash = stored.secret_hash.clone().unwrap();
        assert!(hash.starts_with("$argon2id$"), "{backend}: {hash}");
        assert!(!hash.contains(&secret), "{backend}");
        assert!(
            matches!(
                jiyue_auth::verify_password(&secret, &hash),
                jiyue_auth::PasswordCheck::Valid { .. }
            ),
            "{backend}"
        );
        assert_eq!(
            stored.redirect_uris,
            vec![REDIRECT_URI.to_string()],
            "{backend}"
        );
        assert_eq!(
            stored.post_logout_uris,
            vec![POST_LOGOUT_URI.to_string()],
            "{backend}"
        );

        let public = jiyue(
            &server,
            &[
                "add",
                "--id",
                "app",
                "--name",
                "吉事办",
                "--redirect-uri",
                REDIRECT_URI,
                "--public",
            ],
        )
        .await;
        assert!(
            public.status.success(),
            "{backend}: {}",
            String::from_utf8_lossy(&public.stderr)
        );
        assert!(String::from_utf8_lossy(&public.stdout).contains("public client"));
        let app = server.app().db.oidc_client("app").await.unwrap().unwrap();
        assert!(app.secret_hash.is_none(), "{backend}");

        let cases: [(&[&str], &str); 4] = [
            (
                &[
                    "add",
                    "--id",
                    "site-www",
                    "--name",
                    "x",
                    "--redirect-uri",
                    REDIRECT_URI,
                ],
                "invalid client id \"site-www\": ids starting with \"site-\" are reserved",
            ),
            (
                &[
                    "add",
                    "--id",
                    "a b",
                    "--name",
                    "x",
                    "--redirect-uri",
                    REDIRECT_URI,
                ],
                "invalid client id \"a b\"",
            ),
            (
                &[
                    "add",
                    "--id",
                    "plain",
                    "--name",
                    "x",
                    "--redirect-uri",
                    "http://example.com/cb",
                ],
                "invalid --redirect-uri \"http://example.com/cb\"",
            ),
            (
                &[
                    "add",
                    "--id",
                    "frag",
                    "--name",
                    "x",
                    "--redirect-uri",
                    REDIRECT_URI,
                    "--post-logout-uri",
                    "https://rp.example.cn/bye#top",
                ],
                "invalid --post-logout-uri \"https://rp.example.cn/bye#top\"",
            ),
        ];
        for (args, expected) in cases {
            let output = jiyue(&server, args).await;
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success(), "{backend}: {args:?}");
            assert!(stderr.contains(expected), "{backend}: {args:?}: {stderr}");
        }
        assert!(server
            .app()
            .db
            .oidc_client("plain")
            .await
            .unwrap()
            .is_none());

        let list = jiyue(&server, &["list"]).await;
        let listed = String::from_utf8_lossy(&list.stdout);
        assert!(list.status.success(), "{backend}");
        assert!(
            listed.contains("hall  confidential  enabled  省政务服务网"),
            "{listed}"
        );
        assert!(listed.contains("app  public  enabled  吉事办"), "{listed}");

        let disabled = jiyue(&server, &["disable", "hall"]).await;
        assert!(disabled.status.success(), "{backend}");
        let stored = server.app().db.oidc_client("hall").await.unwrap().unwrap();
        assert!(stored.disabled, "{backend}");
        assert_eq!(
            stored.secret_hash,
            Some(hash),
            "{backend}: the secret hash is kept"
        );
        let listed = jiyue(&server, &["list"]).await;
        assert!(String::from_utf8_lossy(&listed.stdout).contains("hall  confidential  disabled"));
        let (status, body) = server
            .get(
                "id.jl.localhost",
                &format!("/authorize?client_id=hall&redirect_uri={REDIRECT_URI}"),
            )
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            body.contains("unknown client_id \"hall\""),
            "{backend}: {body}"
        );

        let missing = jiyue(&server, &["disable", "nobody"]).await;
        assert!(
            String::from_utf8_lossy(&missing.stderr).contains("no client has the id \"nobody\"")
        );
    }
}

/// Runs the Authlib relying party and returns what it observed.
fn run_authlib(settings: &Value) -> Value {
    let mut child = Command::new(python())
        .arg(script("authlib_flow.py"))
        // Authlib rejects plain HTTP unless AUTHLIB_INSECURE_TRANSPORT is set.
        .env("AUTHLIB_INSECURE_TRANSPORT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}; set JIYUE_TEST_PYTHON", python()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(settings.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "authlib_flow.py failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn authlib_relying_party_full_flow() {
    for backend in backends() {
        let server = start_demo_config(backend, "", None).await;
        let secret = add_client(&server, "hall").await;
        let browser = Browser::new("10.20.0.1");
        let mobile = "13800138021";
        let cookie = sign_in_mobile(&server, &browser, mobile, "郑十").await;
        let discovery: Value = server
            .client
            .get(id_url(&server, "/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let issuer = discovery["issuer"].as_str().unwrap().to_string();
        assert_eq!(issuer, id_url(&server, ""), "{backend}");

        let settings = serde_json::json!({
            "issuer": issuer,
            "client_id": "hall",
            "client_secret": secret,
            "redirect_uri": REDIRECT_URI,
            "post_logout_uri": POST_LOGOUT_URI,
            "cookie": cookie,
            "now": jiyue_core::Clock::now(server.clock.as_ref()).timestamp(),
        });
        // The server runs on this test's runtime, so the script waits on another thread.
        let observed = tokio::task::spawn_blocking(move || run_authlib(&settings))
            .await
            .unwrap();

        assert_eq!(observed["name"], "郑十", "{backend}: {observed}");
        assert!(observed["authorize_location"]
            .as_str()
            .unwrap()
            .contains(&format!(
                "iss={}",
                form_urlencoded::byte_serialize(issuer.as_bytes()).collect::<String>()
            )));
        assert_eq!(observed["userinfo"]["name"], "郑十", "{backend}");
        assert_eq!(
            observed["userinfo"]["phone_number"],
            format!("+86{mobile}"),
            "{backend}"
        );
        assert_eq!(observed["refreshed_sid_matches"], true, "{backend}");
        assert!(
            observed["forged_error"]
                .as_str()
                .unwrap()
                .contains("Signature"),
            "{backend}: {observed}"
        );
        assert_eq!(observed["userinfo_after_revoke"], 401, "{backend}");
        assert_eq!(observed["logout_status"], 303, "{backend}");
        assert_eq!(
            observed["logout_location"],
            format!("{POST_LOGOUT_URI}?state=bye"),
            "{backend}"
        );
        assert_eq!(observed["refresh_after_logout"][0], 400, "{backend}");
        assert_eq!(
            observed["refresh_after_logout"][1]["error"], "invalid_grant",
            "{backend}"
        );
        assert_eq!(
            observed["account_after_logout"][0], 303,
            "{backend}: still signed in"
        );
        assert!(
            observed["account_after_logout"][1]
                .as_str()
                .unwrap()
                .starts_with("/signin"),
            "{backend}: {observed}"
        );
    }
}

/// A registered client with a known secret, and a signed-in citizen's browser.
struct Setup {
    server: TestServer,
    browser: Browser,
}

async fn setup(backend: &'static str) -> Setup {
    let server = start_demo_config(backend, "", None).await;
    server
        .app()
        .db
        .save_oidc_client(&OidcClient {
            client_id: "hall".into(),
            name: "省政务服务网".into(),
            secret_hash: Some(jiyue_auth::hash_password("hall-secret-2026").unwrap()),
            redirect_uris: vec![REDIRECT_URI.into()],
            post_logout_uris: vec![POST_LOGOUT_URI.into()],
            disabled: false,
        })
        .await
        .unwrap();
    let browser = Browser::new("10.21.0.1");
    sign_in_mobile(&server, &browser, "13800138022", "冯十一").await;
    Setup { server, browser }
}

/// Returns an authorization URL of client `hall` with `extra` parameters.
fn authorize_url(server: &TestServer, params: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", "hall")
        .append_pair("scope", "openid profile offline_access")
        .append_pair("state", "s1");
    for (name, value) in params {
        query.append_pair(name, value);
    }
    id_url(server, &format!("/authorize?{}", query.finish()))
}

/// Returns the query parameter `name` of a URL.
fn param(url: &str, name: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).unwrap();
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Gets a code for `pkce` with the citizen's session.
async fn code_for(setup: &Setup, pkce: &PkcePair) -> String {
    let url = authorize_url(
        &setup.server,
        &[
            ("redirect_uri", REDIRECT_URI),
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let page = setup.browser.get(&url).await;
    assert_eq!(page.status, 303, "{}", page.body);
    param(&page.location, "code").unwrap()
}

/// Posts to the token endpoint with HTTP Basic client authentication.
async fn token_request(server: &TestServer, secret: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = server
        .client
        .post(id_url(server, "/token"))
        .basic_auth("hall", Some(secret))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn exchange(server: &TestServer, code: &str, verifier: &str) -> (u16, Value) {
    token_request(
        server,
        "hall-secret-2026",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", verifier),
        ],
    )
    .await
}

#[tokio::test]
async fn authorization_errors_stay_or_redirect() {
    for backend in backends() {
        let setup = setup(backend).await;
        let server = &setup.server;
        let pkce = PkcePair::generate();

        let wrong_uri = authorize_url(
            server,
            &[
                ("redirect_uri", "http://evil.localhost/callback"),
                ("code_challenge", &pkce.challenge),
                ("code_challenge_method", "S256"),
            ],
        );
        let page = setup.browser.get(&wrong_uri).await;
        assert_eq!(page.status, 400, "{backend}");
        assert!(
            page.location.is_empty(),
            "{backend}: redirected to {}",
            page.location
        );
        assert!(
            page.body.contains("is not registered for client hall"),
            "{backend}"
        );

        let no_pkce = setup
            .browser
            .get(&authorize_url(server, &[("redirect_uri", REDIRECT_URI)]))
            .await;
        assert_eq!(no_pkce.status, 303, "{backend}");
        assert!(no_pkce.location.starts_with(REDIRECT_URI), "{backend}");
        assert_eq!(
            param(&no_pkce.location, "error").as_deref(),
            Some("invalid_request")
        );
        assert_eq!(param(&no_pkce.location, "state").as_deref(), Some("s1"));
        assert!(param(&no_pkce.location, "code").is_none(), "{backend}");

        let plain = setup
            .browser
            .get(&authorize_url(
                server,
                &[
                    ("redirect_uri", REDIRECT_URI),
                    ("code_challenge", &pkce.verifier),
                    ("code_challenge_method", "plain"),
                ],
            ))
            .await;
        assert_eq!(
            param(&plain.location, "error").as_deref(),
            Some("invalid_request")
        );
        assert!(param(&plain.location, "code").is_none(), "{backend}");

        let stranger = Browser::new("10.21.0.2");
        let silent = stranger
            .get(&authorize_url(
                server,
                &[
                    ("redirect_uri", REDIRECT_URI),
                    ("code_challenge", &pkce.challenge),
                    ("code_challenge_method", "S256"),
                    ("prompt", "none"),
                ],
            ))
            .await;
        assert_eq!(silent.status, 303, "{backend}");
        assert_eq!(
            param(&silent.location, "error").as_deref(),
            Some("login_required")
        );
    }
}

#[tokio::test]
async fn token_endpoint_rejects_bad_exchanges() {
    for backend in backends() {
        let setup = setup(backend).await;
        let server = &setup.server;

        let pkce = PkcePair::generate();
        let code = code_for(&setup, &pkce).await;
        let other = PkcePair::generate();
        let (status, body) = exchange(server, &code, &other.verifier).await;
        assert_eq!(status, 400, "{backend}");
        assert_eq!(body["error"], "invalid_grant", "{backend}");
        assert!(body["error_description"]
            .as_str()
            .unwrap()
            .contains("code_verifier"));

        let code = code_for(&setup, &pkce).await;
        let (status, body) = token_request(
            server,
            "not-the-secret",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", &pkce.verifier),
            ],
        )
        .await;
        assert_eq!(status, 401, "{backend}");
        assert_eq!(body["error"], "invalid_client", "{backend}");

        // The code survived the failed client authentication and works once.
        let (status, first) = exchange(server, &code, &pkce.verifier).await;
        assert_eq!(status, 200, "{backend}: {first}");
        let access = first["access_token"].as_str().unwrap().to_string();
        let refresh = first["refresh_token"].as_str().unwrap().to_string();
        let userinfo = |token: String| async move {
            server
                .client
                .get(id_url(server, "/userinfo"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        };
        assert_eq!(userinfo(access.clone()).await, 200, "{backend}");

        let (status, replay) = exchange(server, &code, &pkce.verifier).await;
        assert_eq!(status, 400, "{backend}");
        assert_eq!(replay["error"], "invalid_grant", "{backend}");
        assert_eq!(
            userinfo(access).await,
            401,
            "{backend}: the first tokens still work"
        );
        let (status, refreshed) = token_request(
            server,
            "hall-secret-2026",
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
        assert_eq!(status, 400, "{backend}");
        assert_eq!(refreshed["error"], "invalid_grant", "{backend}");

        let (status, unsupported) =
            token_request(server, "hall-secret-2026", &[("grant_type", "password")]).await;
        assert_eq!(status, 400, "{backend}");
        assert_eq!(unsupported["error"], "unsupported_grant_type", "{backend}");
    }
}
