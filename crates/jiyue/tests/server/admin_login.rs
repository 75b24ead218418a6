//! Signing in to the admin listener over HTTP: password then one-time code, enrollment at the
//! first sign-in, replayed codes, lockout that hides its reason, token renewal, sign-out, idle
//! timeout, revocation and the security headers.

use chrono::Duration;
use jiyue_auth::{totp_code, totp_step, Role, TotpSecret};
use jiyue_core::Clock;
use jiyue_db::GrantRef;

use crate::admin_support::{
    code_now, create_account, start, AdminClient, FACTOR_FAILED, LOGIN_FAILED, PASSWORD,
};
use crate::support::backends;

#[tokio::test]
async fn sign_in_with_password_and_code() {
    for backend in backends() {
        let server = start(backend).await;
        let editor =
            create_account(&server, "editor1", Role::Editor, GrantRef::Platform, true).await;
        let client = AdminClient::new(&server);

        // Pages send an anonymous visitor to the sign-in form, which comes back afterwards.
        let page = client.get("/account").await;
        assert_eq!(page.status, 303, "{backend}");
        assert_eq!(page.location, "/login?next=%2Faccount");

        let page = client.sign_in_password("editor1", PASSWORD).await;
        assert_eq!(page.status, 303, "{backend}: {}", page.body);
        assert_eq!(page.location, "/login/factor");
        let password_stage = client.cookie("jiyue_admin").unwrap();
        assert_eq!(
            client.get("/").await.status,
            303,
            "the password alone is not enough"
        );

        let code = code_now(&server, editor.secret.as_ref().unwrap());
        let page = client.submit_code(&code).await;
        assert_eq!(page.status, 303, "{backend}: {}", page.body);
        assert_eq!(page.location, "/");
        let complete = client.cookie("jiyue_admin").unwrap();
        assert_ne!(complete, password_stage, "the token is renewed at sign-in");

        let page = client.get("/").await;
        assert_eq!(page.status, 200, "{backend}");
        assert!(page.body.contains("<h1>我的工作</h1>"), "{}", page.body);
        assert!(
            page.body.contains("href=\"/items\""),
            "an editor sees items"
        );
        assert!(
            !page.body.contains("href=\"/staff\""),
            "an editor does not see staff"
        );
        assert!(page.body.contains("测试editor1"));

        // The password-stage token stopped working when the factor passed.
        let old = AdminClient::new(&server);
        old.set_cookie("jiyue_admin", &password_stage);
        assert_eq!(old.get("/").await.status, 303);
        assert_eq!(
            old.get("/login/factor").await.location,
            "/login?notice=restart"
        );

        server.running.unwrap().stop().await;
    }
}

#[tokio::test]
async fn replayed_code_and_sign_out() {
    let server = start("sqlite").await;
    let editor = create_account(&server, "editor2", Role::Editor, GrantRef::Platform, true).await;
    let secret = editor.secret.as_ref().unwrap();
    let client = AdminClient::new(&server);
    client.sign_in(&server, &editor).await;

    // Signing out needs the CSRF token.
    let page = client.post("/logout", &[]).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("表单已过期"), "{}", page.body);
    assert_eq!(client.get("/").await.status, 200, "still signed in");
    let page = client.post_form("/", "/logout", &[]).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location, "/login?notice=signed-out");
    assert_eq!(client.get("/").await.status, 303, "signed out");

    // The same code a second time, within its 30 seconds, is refused.
    let page = client.sign_in_password("editor2", PASSWORD).await;
    assert_eq!(page.location, "/login/factor");
    let page = client.submit_code(&code_now(&server, secret)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(FACTOR_FAILED), "{}", page.body);

    // The next step's code works.
    server.clock.advance(Duration::seconds(30));
    let page = client.submit_code(&code_now(&server, secret)).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(client.get("/").await.status, 200);

    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn first_sign_in_enrolls_the_factor() {
    let server = start("sqlite").await;
    let account =
        create_account(&server, "newbie", Role::Reviewer, GrantRef::Platform, false).await;
    let client = AdminClient::new(&server);

    let page = client.sign_in_password("newbie", PASSWORD).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location, "/login/enroll");
    assert_eq!(client.get("/login/factor").await.location, "/login/enroll");

    let page = client.get("/login/enroll").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("src=\"data:image/svg+xml;base64,"),
        "QR code as an image"
    );
    assert!(page.body.contains("otpauth://totp/"), "{}", page.body);
    let secret_text = page.field("secret");
    let grouped: Vec<String> = secret_text
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8(chunk.to_vec()).unwrap())
        .collect();
    assert!(
        page.body.contains(&grouped.join(" ")),
        "secret shown in groups of four"
    );
    let secret = TotpSecret::from_base32(&secret_text).unwrap();

    let csrf = page.csrf();
    let wrong = client
        .post(
            "/login/enroll",
            &[
                ("csrf", &csrf),
                ("secret", &secret_text),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 200);
    assert!(wrong.body.contains(FACTOR_FAILED));
    assert_eq!(
        wrong.field("secret"),
        secret_text,
        "the same secret is offered again"
    );

    let code = totp_code(&secret, totp_step(server.clock.now()));
    let page = client
        .post(
            "/login/enroll",
            &[("csrf", &csrf), ("secret", &secret_text), ("code", &code)],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(client.get("/").await.status, 200);
    let stored = server.app().db.staff(account.id).await.unwrap().unwrap();
    assert_eq!(stored.factor.unwrap().secret, secret_text);

    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn lockout_looks_like_any_failure() {
    let server = start("sqlite").await;
    let first = create_account(&server, "first", Role::Editor, GrantRef::Platform, true).await;
    create_account(&server, "second", Role::Editor, GrantRef::Platform, true).await;
    let a = AdminClient::new(&server).acting_from("203.0.113.10");

    // Unknown user and wrong password: the same message and the same page.
    let unknown = a.sign_in_password("nosuchuser", "Wrong-Pass-1").await;
    let wrong = a.sign_in_password("first", "Wrong-Pass-1").await;
    assert_eq!(unknown.status, 200);
    assert!(unknown.body.contains(LOGIN_FAILED), "{}", unknown.body);
    assert_eq!(
        unknown.body.replace("nosuchuser", "first"),
        wrong.body,
        "unknown user and wrong password answer alike"
    );

    // Five failures lock the account and this address; the right password then fails alike.
    for _ in 0..4 {
        a.sign_in_password("first", "Wrong-Pass-1").await;
    }
    let locked = a.sign_in_password("first", PASSWORD).await;
    assert_eq!(locked.status, 200);
    assert_eq!(
        locked.body, wrong.body,
        "a locked account answers like a wrong password"
    );

    // The address lock catches another account from the same address (its /64 for IPv6)...
    let second_here = a.sign_in_password("second", PASSWORD).await;
    assert!(second_here.body.contains(LOGIN_FAILED));
    // ...but not from elsewhere; the account lock catches the first account everywhere.
    let b = AdminClient::new(&server).acting_from("198.51.100.20");
    assert_eq!(b.sign_in_password("second", PASSWORD).await.status, 303);
    let c = AdminClient::new(&server).acting_from("198.51.100.30");
    assert!(c
        .sign_in_password("first", PASSWORD)
        .await
        .body
        .contains(LOGIN_FAILED));

    let v6 = AdminClient::new(&server).acting_from("2001:db8:1:2::5");
    for _ in 0..5 {
        v6.sign_in_password("nosuchuser", "Wrong-Pass-1").await;
    }
    let same_net = AdminClient::new(&server).acting_from("2001:db8:1:2:ffff::9");
    assert!(same_net
        .sign_in_password("second", PASSWORD)
        .await
        .body
        .contains(LOGIN_FAILED));

    // After fifteen minutes the lock is over.
    server.clock.advance(Duration::minutes(16));
    let page = c.sign_in(&server, &first).await;
    assert_eq!(page.location, "/");

    let audit = audit_entries(&server, "login.password").await;
    assert!(audit
        .iter()
        .any(|e| e.result == "denied" && e.detail == "unknown account"));
    assert!(audit.iter().any(|e| e.detail.contains("locked")));
    assert!(audit.iter().all(|e| !e.detail.contains(PASSWORD)));
    server.running.unwrap().stop().await;
}

/// Returns the audit entries of `action`, newest first.
pub async fn audit_entries(
    server: &crate::support::TestServer,
    action: &str,
) -> Vec<jiyue_db::AuditRecord> {
    let filter = jiyue_db::AuditFilter {
        action: Some(action.to_string()),
        ..Default::default()
    };
    server.app().db.audit_query(&filter, 1000).await.unwrap()
}

#[tokio::test]
async fn csrf_idle_timeout_and_revocation() {
    let server = start("sqlite").await;
    let editor = create_account(&server, "editor3", Role::Editor, GrantRef::Platform, true).await;
    let client = AdminClient::new(&server);
    client.sign_in(&server, &editor).await;
    let before = server.app().db.staff(editor.id).await.unwrap().unwrap();

    // A state change without the token, or from another origin, is refused and changes nothing.
    let change = [
        ("current", PASSWORD),
        ("new", "Another-Pass-9"),
        ("repeat", "Another-Pass-9"),
    ];
    let page = client.post("/account/password", &change).await;
    assert_eq!(page.status, 403);
    let csrf = client.get("/account").await.csrf();
    let mut with_token = vec![("csrf", csrf.as_str())];
    with_token.extend_from_slice(&change);
    let cross = client
        .post_with(
            "/account/password",
            &with_token,
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(cross.status, 403);
    let after = server.app().db.staff(editor.id).await.unwrap().unwrap();
    assert_eq!(before.password_hash, after.password_hash, "nothing changed");

    // A revoked session stops working at once.
    let other = AdminClient::new(&server);
    server.clock.advance(Duration::seconds(30));
    other.sign_in(&server, &editor).await;
    let sessions = server.app().db.open_sessions(editor.id).await.unwrap();
    let mine = jiyue_auth::token_digest(&client.cookie("jiyue_admin").unwrap());
    let theirs = sessions.iter().find(|s| s.token_digest != mine).unwrap();
    let page = client
        .post_form(
            "/account",
            "/account/sessions/revoke",
            &[("session", &theirs.token_digest)],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(
        other.get("/").await.status,
        303,
        "the revoked session is out"
    );
    assert_eq!(client.get("/").await.status, 200);

    let missing = client.get("/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("<h1>页面不存在</h1>"),
        "{}",
        missing.body
    );

    // An API path gets 401 with JSON instead of a redirect.
    let api = AdminClient::new(&server).get("/api/anything").await;
    assert_eq!(api.status, 401);
    assert!(api.body.contains("\"sign_in_required\""), "{}", api.body);

    // Eleven idle minutes end the session.
    server.clock.advance(Duration::minutes(11));
    let page = client.get("/account").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location, "/login?next=%2Faccount&notice=idle");
    let login = client.get(&page.location).await;
    assert!(login.body.contains("10 分钟没有操作"), "{}", login.body);
    server.clock.advance(Duration::seconds(30));
    assert_eq!(client.get("/account").await.status, 303, "still out");

    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn admin_is_separate_from_the_public_listener() {
    let server = start("sqlite").await;
    let (status, body) = server.get("www.jl.localhost", "/login").await;
    assert_eq!(status, 404);
    assert!(!body.contains("登录管理后台"));
    let (status, _) = server.get("www.jl.localhost", "/staff").await;
    assert_eq!(status, 404);

    let client = AdminClient::new(&server);
    for path in ["/login", "/static/admin.css", "/healthz", "/no/such/page"] {
        let page = client.get(path).await;
        let header = |name: &str| {
            page.headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        let csp = header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
        assert_eq!(
            header("cross-origin-opener-policy").as_deref(),
            Some("same-origin")
        );
        let cache = header("cache-control").unwrap();
        assert!(
            cache == "no-store" || path == "/static/admin.css",
            "{path}: {cache}"
        );
    }
    let login = client.get("/login").await;
    let cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("jiyue_login_csrf="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "no Secure on a loopback listener: {cookie}"
    );
    assert_eq!(
        client.get("/no/such/page").await.status,
        303,
        "anonymous: sign in first"
    );

    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn allowlist_guards_admin_pages() {
    let dir = tempfile::tempdir().unwrap();
    let server = crate::support::start_demo_with("sqlite", dir, |args| {
        args.trusted_proxies = Some("127.0.0.1".into());
        args.admin_allow = Some("192.0.2.0/24, 2001:db8::/32".into());
    })
    .await;

    let outside = AdminClient::new(&server).acting_from("198.51.100.7");
    let page = outside.get("/login").await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("不允许从此地址访问"), "{}", page.body);
    assert_eq!(
        outside.post("/login", &[("username", "x")]).await.status,
        403
    );
    assert_eq!(
        outside.get("/healthz").await.status,
        200,
        "monitoring stays reachable"
    );

    for inside in ["192.0.2.44", "2001:db8:5::1"] {
        let client = AdminClient::new(&server).acting_from(inside);
        assert_eq!(client.get("/login").await.status, 200, "{inside}");
    }

    server.running.unwrap().stop().await;
}
