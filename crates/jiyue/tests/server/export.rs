//! Static export, the tampering checks on exported and served bytes, and the `export` and
//! `check standards` commands.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use jiyue_db::sm3_hex;
use jiyue_monitor::tamper::{EXPORT_ALTERED, EXPORT_MISSING, EXPORT_UNEXPECTED, SERVED_ALTERED};
use jiyue_monitor::{Check, Severity};
use jiyue_web::export::{check_export, check_served, export_site, read_manifest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{backends, start_demo, TestServer};

const PORTAL: &str = "2200000001";
const PORTAL_HOST: &str = "www.jl.localhost";

fn app(server: &TestServer) -> Arc<jiyue_web::App> {
    server.running.as_ref().unwrap().app.clone()
}

fn portal_id(server: &TestServer) -> i64 {
    let app = app(server);
    let directory = app.directory();
    directory
        .sites
        .values()
        .find(|site| site.code == PORTAL)
        .unwrap()
        .id
}

async fn served(server: &TestServer, path: &str) -> (u16, Vec<u8>) {
    let response = server
        .raw
        .get(server.url(PORTAL_HOST, path))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn export_matches_served_bytes() {
    for backend in backends() {
        let server = start_demo(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let report = export_site(&app(&server), PORTAL, dir.path())
            .await
            .unwrap();
        let manifest = read_manifest(dir.path()).unwrap();
        assert_eq!(manifest.files.len(), report.files, "{backend}");
        assert!(report.files > 30, "{backend}: only {} files", report.files);

        let paths: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
        for expected in [
            "/",
            "/sitemap.html",
            "/sitemap.xml",
            "/robots.txt",
            "/static/site.css",
        ] {
            assert!(
                paths.contains(&expected),
                "{backend}: {expected} not exported"
            );
        }
        assert!(
            paths.iter().any(|path| path.ends_with("/atom.xml")),
            "{backend}: no feed exported"
        );
        assert!(
            !paths
                .iter()
                .any(|path| path.starts_with("/search") || path.starts_with("/api/")),
            "{backend}: search or API exported"
        );

        for entry in &manifest.files {
            let on_disk = std::fs::read(dir.path().join(&entry.file)).unwrap();
            assert_eq!(sm3_hex(&on_disk), entry.sm3, "{backend}: {}", entry.path);
            assert_eq!(
                on_disk.len() as u64,
                entry.length,
                "{backend}: {}",
                entry.path
            );
            let (status, body) = served(&server, &entry.path).await;
            assert_eq!(status, 200, "{backend}: {}", entry.path);
            assert!(
                body == on_disk,
                "{backend}: {} differs from what the server sends",
                entry.path
            );
        }

        // The ledger contains the exported version of every file.
        let site_id = portal_id(&server);
        for entry in &manifest.files {
            let current = server
                .app()
                .db
                .ledger_current(site_id, &entry.path)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(current.digest, entry.sm3, "{backend}: {}", entry.path);
        }

        let nginx = std::fs::read_to_string(dir.path().join(".jiyue/nginx.conf")).unwrap();
        assert!(nginx.contains("server_name www.jl.localhost;"), "{nginx}");
        assert!(
            nginx.contains("add_header content-security-policy"),
            "{nginx}"
        );
        assert!(
            nginx.contains(
                "location = \"/index.html\" { default_type \"text/html; charset=utf-8\"; }"
            ),
            "{nginx}"
        );
        assert!(dir.path().join(".jiyue/redirects.conf").exists());
    }
}

#[tokio::test]
async fn tampered_export_is_restored() {
    for backend in backends() {
        let server = start_demo(backend).await;
        let app = app(&server);
        let dir = tempfile::tempdir().unwrap();
        export_site(&app, PORTAL, dir.path()).await.unwrap();
        assert_eq!(check_export(&app, dir.path()).await.unwrap(), Vec::new());

        let home = dir.path().join("index.html");
        let original = std::fs::read(&home).unwrap();
        let mut altered = original.clone();
        altered.extend_from_slice(b"<script src=\"https://evil.example/x.js\"></script>");
        std::fs::write(&home, &altered).unwrap();
        let css = dir.path().join("static/site.css");
        let css_original = std::fs::read(&css).unwrap();
        std::fs::remove_file(&css).unwrap();
        std::fs::write(dir.path().join("evil.html"), b"<h1>defaced</h1>").unwrap();

        let faults = check_export(&app, dir.path()).await.unwrap();
        let messages: Vec<&str> = faults.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(faults.len(), 3, "{backend}: {faults:#?}");
        assert!(
            messages.contains(&EXPORT_ALTERED),
            "{backend}: {messages:?}"
        );
        assert!(
            messages.contains(&EXPORT_MISSING),
            "{backend}: {messages:?}"
        );
        assert!(
            messages.contains(&EXPORT_UNEXPECTED),
            "{backend}: {messages:?}"
        );
        for fault in &faults {
            assert_eq!(fault.check, Check::Tampering);
            assert_eq!(fault.severity, Severity::Critical);
            assert_eq!(fault.site_id, Some(portal_id(&server)));
        }
        let altered_fault = faults.iter().find(|f| f.message == EXPORT_ALTERED).unwrap();
        assert_eq!(altered_fault.args["path"], "/");
        assert!(altered_fault.evidence.contains(&sm3_hex(&altered)));

        assert_eq!(
            std::fs::read(&home).unwrap(),
            original,
            "{backend}: home restored"
        );
        assert_eq!(
            std::fs::read(&css).unwrap(),
            css_original,
            "{backend}: file restored"
        );
        assert!(
            !dir.path().join("evil.html").exists(),
            "{backend}: unlisted file removed"
        );
        assert_eq!(served(&server, "/").await.1, original);
        assert_eq!(
            check_export(&app, dir.path()).await.unwrap(),
            Vec::new(),
            "{backend}: a second run finds nothing"
        );
    }
}

/// Starts a proxy on the loopback address that forwards each request to the server and
/// replaces `from` by `to` in the body of the response for `path`.
async fn start_altering_proxy(
    server: &TestServer,
    path: &'static str,
    from: &'static str,
    to: &'static str,
) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let upstream = format!("http://127.0.0.1:{}", server.port);
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let client = client.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request).to_string();
                let target = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                let host = text
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("host")
                            .then(|| value.trim().to_string())
                    })
                    .unwrap_or_default();
                let response = client
                    .get(format!("{upstream}{target}"))
                    .header("host", host)
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let mut body = response.bytes().await.unwrap().to_vec();
                if target == path {
                    body = String::from_utf8_lossy(&body)
                        .replacen(from, to, 1)
                        .into_bytes();
                }
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn served_tampering_is_detected() {
    for backend in backends() {
        let server = start_demo(backend).await;
        let app = app(&server);
        let dir = tempfile::tempdir().unwrap();
        export_site(&app, PORTAL, dir.path()).await.unwrap();
        let direct = format!("http://127.0.0.1:{}", server.port);
        assert_eq!(
            check_served(&app, PORTAL, &direct, 10_000).await.unwrap(),
            Vec::new(),
            "{backend}: the server itself sends ledger bytes"
        );

        let (_, home) = served(&server, "/").await;
        let home = String::from_utf8(home).unwrap();
        assert!(home.contains("</main>"));
        let proxy = start_altering_proxy(&server, "/", "</main>", "<p>篡改</p></main>").await;
        let site_id = portal_id(&server);
        let cached_before = app.cache.get(site_id, "/").unwrap();

        let faults = check_served(&app, PORTAL, &format!("http://127.0.0.1:{proxy}"), 10_000)
            .await
            .unwrap();
        assert_eq!(faults.len(), 1, "{backend}: {faults:#?}");
        let fault = &faults[0];
        assert_eq!(fault.message, SERVED_ALTERED);
        assert_eq!(fault.severity, Severity::Critical);
        assert_eq!(fault.args["path"], "/");
        assert_eq!(fault.key, format!("tampering:served:altered:{PORTAL}:/"));
        assert!(
            fault.evidence.contains(&format!("127.0.0.1:{proxy}/")),
            "{}",
            fault.evidence
        );

        let cached_after = app.cache.get(site_id, "/").unwrap();
        assert!(
            !Arc::ptr_eq(&cached_before, &cached_after),
            "{backend}: the cached page was replaced by a fresh render"
        );
        assert_eq!(cached_after.identity.body, home.as_bytes());
    }
}

fn jiyue(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jiyue"))
        .args(args)
        .env_remove("JIYUE_DATABASE_URL")
        .env("JIYUE_LOG", "warn")
        .output()
        .unwrap()
}

fn output_text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn standards_and_export_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let output = jiyue(&["demo", "--data-dir", data, "--items", "1"]);
    assert!(output.status.success(), "{}", output_text(&output));

    let output = jiyue(&["check", "standards", "--data-dir", data]);
    let text = output_text(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("page(s) of 6 site(s) checked"), "{text}");

    let output = jiyue(&["check", "standards", "--data-dir", data, "--site", PORTAL]);
    assert!(output.status.success(), "{}", output_text(&output));

    let output = jiyue(&[
        "check",
        "standards",
        "--data-dir",
        data,
        "--site",
        "2299999999",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output_text(&output).contains("site 2299999999 not found"));

    let out = dir.path().join("mirror");
    let output = jiyue(&[
        "export",
        "static",
        "--data-dir",
        data,
        "--site",
        PORTAL,
        out.to_str().unwrap(),
    ]);
    let text = output_text(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("site 2200000001 exported"), "{text}");
    let home = std::fs::read_to_string(Path::new(&out).join("index.html")).unwrap();
    assert!(home.contains("<meta name=\"SiteIDCode\" content=\"2200000001\">"));
    let nginx = std::fs::read_to_string(out.join(".jiyue/nginx.conf")).unwrap();
    assert!(nginx.contains("server_name www.jl.gov.cn;"), "{nginx}");

    let output = jiyue(&[
        "export",
        "static",
        "--data-dir",
        data,
        "--site",
        "2299999999",
        "x",
    ]);
    assert!(!output.status.success());
    assert!(output_text(&output).contains("site 2299999999 not found"));
}

/// Stops the nginx it holds when dropped: SIGTERM lets the master stop its worker too, where
/// SIGKILL would leave the worker running.
struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let stopped = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        if !stopped.is_ok_and(|status| status.success()) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Serves an export with the real nginx and its generated configuration: pages come from the
/// folder, while the forms and the search go to the platform behind it.
#[tokio::test]
async fn nginx_mirror_sends_forms_to_platform() {
    let server = start_demo("sqlite").await;
    let dir = tempfile::tempdir().unwrap();
    let mirror = dir.path().join("mirror");
    export_site(&app(&server), PORTAL, &mirror).await.unwrap();

    // The operator points the upstream at the platform and the server block at its port.
    let port = crate::support::free_port();
    let meta = mirror.join(".jiyue");
    let upstream = std::fs::read_to_string(meta.join("upstream.conf")).unwrap();
    assert!(upstream.contains("server 127.0.0.1:8080;"), "{upstream}");
    let upstream = upstream.replace("127.0.0.1:8080", &format!("127.0.0.1:{}", server.port));
    std::fs::write(meta.join("upstream.conf"), upstream).unwrap();
    let block = std::fs::read_to_string(meta.join("nginx.conf")).unwrap();
    let block = block.replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
    std::fs::write(meta.join("nginx.conf"), block).unwrap();
    let prefix = dir.path().join("nginx");
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    let main = format!(
        "daemon off;\nuser root;\nworker_processes 1;\npid {prefix}/nginx.pid;\n\
         error_log {prefix}/logs/error.log;\nevents {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {prefix}/body;\n\
         \x20 proxy_temp_path {prefix}/proxy;\n  fastcgi_temp_path {prefix}/fastcgi;\n\
         \x20 uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n\
         \x20 include {meta}/upstream.conf;\n  include {meta}/nginx.conf;\n}}\n",
        prefix = prefix.display(),
        meta = meta.display(),
    );
    std::fs::write(prefix.join("nginx.conf"), main).unwrap();
    let child = Command::new("nginx")
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(prefix.join("nginx.conf"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("nginx is installed (Debian package nginx)");
    let _nginx = Nginx(child);

    let client = reqwest::Client::builder()
        .resolve(PORTAL_HOST, ([127, 0, 0, 1], port).into())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = |path: &str| format!("http://{PORTAL_HOST}:{port}{path}");
    let mut home = None;
    for _ in 0..100 {
        if let Ok(response) = client.get(url("/")).send().await {
            home = Some(response);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let home = home.expect("nginx did not start");
    assert_eq!(home.status(), 200);
    let exported = std::fs::read(mirror.join("index.html")).unwrap();
    assert_eq!(home.bytes().await.unwrap().as_ref(), exported.as_slice());

    for path in ["/zhaocuo", "/search?q=%E5%90%89%E6%9E%97"] {
        let response = client.get(url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert_eq!(status, 200, "{path} through the mirror: {body}");
        assert!(
            body.contains("<form"),
            "{path} is the platform's page: {body}"
        );
    }
    // Writing a message needs a citizen account, so the platform sends the visitor to sign in,
    // through the mirror as directly.
    let write = client.get(url("/hudong/write")).send().await.unwrap();
    let (status, _) = served(&server, "/hudong/write").await;
    assert_eq!(write.status().as_u16(), status);
    assert_eq!(status, 303);
}
