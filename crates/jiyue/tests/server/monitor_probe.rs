//! The availability probe run as its own process against the real demo server and against a
//! loopback fixture that responds 500 or stalls, and the security signals of a real server:
//! failed admin sign-ins, a request-rate spike and scanner requests.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use jiyue_auth::Role;
use jiyue_db::{GrantRef, ProbeResult, Site};
use jiyue_monitor::availability::{check_site, AvailabilityRules};
use jiyue_monitor::signals::SignalRules;
use jiyue_monitor::{Check, Fault, Severity};
use jiyue_render::MessageArg;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::admin_support::{self, create_account, AdminClient};
use crate::support::{backends, start_demo, TestServer};

/// Runs `jiyue probe --once --allow-private` with a config file whose public port is `port`,
/// and returns whether it succeeded and its standard output followed by its error output.
async fn run_probe(dir: &Path, database_url: &str, port: u16, timeout: &str) -> (bool, String) {
    let config = dir.join("probe.toml");
    std::fs::write(&config, format!("demo = true\npublic_port = {port}\n")).unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_jiyue"))
        .args(["probe", "--once", "--allow-private", "--timeout", timeout])
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(database_url)
        .env("JIYUE_LOG", "warn")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{stdout}{stderr}"))
}

fn database_url(server: &TestServer) -> String {
    server
        .database_url()
        .unwrap_or_else(|| format!("sqlite://{}", server.data_dir().join("jiyue.db").display()))
}

async fn visits(server: &TestServer, site: &Site) -> Vec<ProbeResult> {
    let from = DateTime::<Utc>::UNIX_EPOCH;
    let to = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
    server
        .app()
        .db
        .probe_results(site.id, from, to)
        .await
        .unwrap()
}

#[tokio::test]
async fn probe_visits_demo_sites() {
    for backend in backends() {
        let server = start_demo(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let url = database_url(&server);
        let (success, output) = run_probe(dir.path(), &url, server.port, "10").await;
        assert!(success, "{output}");

        let sites = server.app().db.sites().await.unwrap();
        assert!(sites.len() >= 3, "{backend}: demo sites {}", sites.len());
        assert!(
            output.contains(&format!("visited {} site(s), 0 failed", sites.len())),
            "{backend}: {output}"
        );
        for site in &sites {
            let found = visits(&server, site).await;
            assert_eq!(found.len(), 1, "{backend}: visits of {}", site.code);
            assert!(found[0].ok, "{backend}: {} {:?}", site.code, found[0]);
            assert_eq!(found[0].status, Some(200), "{backend}: {}", site.code);
            assert!(found[0].url.ends_with(&format!(":{}/", server.port)));
        }

        // With the database out of reach the visits go to the spool file; the next run with
        // the database stores them along with its own.
        let (success, output) = run_probe(
            dir.path(),
            "sqlite:///proc/no-such-folder/jiyue.db",
            server.port,
            "10",
        )
        .await;
        assert!(success, "{output}");
        assert!(
            output.contains(&format!("0 visit(s) stored, {} spooled", sites.len())),
            "{backend}: {output}"
        );
        assert!(dir.path().join("probe-spool.jsonl").exists());
        let (success, output) = run_probe(dir.path(), &url, server.port, "10").await;
        assert!(success, "{output}");
        assert!(
            output.contains(&format!("{} visit(s) stored, 0 spooled", sites.len() * 2)),
            "{backend}: {output}"
        );
        assert!(!dir.path().join("probe-spool.jsonl").exists());
        assert_eq!(visits(&server, &sites[0]).await.len(), 3);

        server.running.unwrap().stop().await;
    }
}

/// Starts a fixture that responds 500 to requests for the provincial portal and never responds
/// to the others, and returns its port.
async fn start_fixture() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16_384 {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                if head.contains("\r\nhost: www.jl.localhost") {
                    let reply = "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 6\r\n\
                                 connection: close\r\n\r\nbroken";
                    let _ = stream.write_all(reply.as_bytes()).await;
                } else {
                    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn probe_records_errors_and_stalls() {
    let server = start_demo("sqlite").await;
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let (success, output) = run_probe(dir.path(), &database_url(&server), fixture, "1").await;
    assert!(success, "{output}");

    let sites = server.app().db.sites().await.unwrap();
    assert!(output.contains(&format!(
        "visited {} site(s), {} failed",
        sites.len(),
        sites.len()
    )));
    for site in &sites {
        let found = visits(&server, site).await;
        assert_eq!(found.len(), 1, "visits of {}", site.code);
        let visit = &found[0];
        assert!(!visit.ok, "{visit:?}");
        if site.primary_domain == "www.jl.gov.cn" {
            assert_eq!(visit.status, Some(500));
            assert_eq!(visit.reason.as_deref(), Some("status 500"));
        } else {
            assert_eq!(visit.status, None, "{visit:?}");
            assert_eq!(visit.reason.as_deref(), Some("timed out after 1 s"));
            assert!(visit.elapsed_ms >= 1_000, "{visit:?}");
            assert!(visit.elapsed_ms < 10_000, "{visit:?}");
        }
    }

    // The stored visits feed the availability check: one failed visit today is a warning.
    let portal = sites
        .iter()
        .find(|site| site.primary_domain == "www.jl.gov.cn")
        .unwrap();
    let found = visits(&server, portal).await;
    let today = found[0].day;
    let faults = check_site(portal.id, &found, today, &AvailabilityRules::default());
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0].severity, Severity::Warning);
    assert_eq!(faults[0].message, "probe-warning-share");
    assert!(
        faults[0].evidence.contains("status 500"),
        "{}",
        faults[0].evidence
    );
    assert_messages_render(&server, &faults);
    server.running.unwrap().stop().await;
}

/// Checks that every fault's message exists in both languages and takes all its arguments.
fn assert_messages_render(server: &TestServer, faults: &[Fault]) {
    let catalog = server.app().renderer.catalog();
    for fault in faults {
        let args: Vec<(&str, MessageArg)> = fault
            .args
            .iter()
            .map(|(name, value)| (name.as_str(), MessageArg::Text(value.clone())))
            .collect();
        for lang in ["zh-CN", "en"] {
            let text = catalog.format(lang, &fault.message, &args);
            assert_ne!(text, fault.message, "{lang}: no message {}", fault.message);
            assert!(!text.contains('{'), "{lang} {}: {text}", fault.message);
        }
    }
}

async fn security_faults(server: &TestServer) -> Vec<Fault> {
    // The server's monitor loop drains the recorder too and raises what it finds as alerts, so
    // the faults are what is left in the recorder and what the loop already raised.
    let mut faults = server.app().signals.drain();
    let raised = server
        .app()
        .db
        .alerts(&jiyue_db::AlertFilter {
            check: Some("security".to_string()),
            ..Default::default()
        })
        .await
        .unwrap();
    for alert in raised {
        if faults.iter().all(|fault| fault.key != alert.fault_key) {
            let args: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&alert.args).unwrap();
            faults.push(Fault {
                check: Check::Security,
                site_id: alert.site_id,
                key: alert.fault_key,
                severity: jiyue_monitor::Severity::parse(&alert.severity).unwrap(),
                message: alert.message,
                args,
                evidence: alert.evidence,
            });
        }
    }
    faults.sort_by(|a, b| a.key.cmp(&b.key));
    assert_messages_render(server, &faults);
    for fault in &faults {
        assert_eq!(fault.check, Check::Security);
        assert!(
            !fault.evidence.contains("203.0.113.9"),
            "{}",
            fault.evidence
        );
        assert!(!fault.evidence.contains("127.0.0.1"), "{}", fault.evidence);
    }
    faults
}

#[tokio::test]
async fn failed_admin_sign_ins_make_a_fault() {
    let server = admin_support::start("sqlite").await;
    create_account(&server, "target", Role::Editor, GrantRef::Platform, true).await;
    server.app().signals.drain();
    let client = AdminClient::new(&server).acting_from("203.0.113.9");
    for _ in 0..5 {
        client.sign_in_password("target", "Wrong-Pass-1").await;
    }
    let faults = security_faults(&server).await;
    let keys: Vec<&str> = faults.iter().map(|fault| fault.key.as_str()).collect();
    assert!(
        keys.contains(&"security:sign-in:admin:account:target"),
        "{keys:?}"
    );
    let burst = faults
        .iter()
        .find(|fault| fault.message == "signals-sign-in-account")
        .unwrap();
    assert_eq!(burst.args["count"], "5");
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn rate_spike_and_scanner_make_faults() {
    let server = start_demo("sqlite").await;
    server.app().signals.set_rules(SignalRules {
        rate_max_requests: 40,
        ..SignalRules::default()
    });
    server.app().signals.drain();

    for _ in 0..5 {
        assert_eq!(server.get("www.jl.localhost", "/").await.0, 200);
    }
    let quiet = security_faults(&server).await;
    assert!(quiet.is_empty(), "{quiet:?}");

    for _ in 0..40 {
        server.get("www.jl.localhost", "/").await;
    }
    let (status, _) = server.get("www.jl.localhost", "/.env").await;
    assert!(status >= 400, "/.env answered {status}");
    server
        .get(
            "www.jl.localhost",
            "/search?q=1%20UNION%20SELECT%20password",
        )
        .await;
    let faults = security_faults(&server).await;
    let keys: Vec<&str> = faults.iter().map(|fault| fault.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "security:rate:127.0.0.0/24",
            "security:scanner:127.0.0.0/24"
        ]
    );
    assert_eq!(faults[1].args["patterns"], "dotenv, sql-injection");
    assert_eq!(faults[1].args["count"], "2");
    server.running.unwrap().stop().await;
}
