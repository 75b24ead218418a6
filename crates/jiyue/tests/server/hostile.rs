//! Hostile and malformed requests: none may crash the server or get a 5xx, and the server
//! keeps serving afterwards.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::start_demo;

/// Sends raw bytes and returns the status code of the reply, if the server sent one.
async fn send_raw(port: u16, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    stream.write_all(request).await.ok()?;
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut reply),
    )
    .await;
    let text = String::from_utf8_lossy(&reply);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_client_errors() {
    let server = start_demo("sqlite").await;
    let port = server.port;
    let long_path = format!("/{}", "a".repeat(8000));
    let huge_header = format!("X-Big: {}\r\n", "b".repeat(100_000));
    let cases: Vec<(String, Vec<u8>)> = vec![
        ("no host".into(), b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec()),
        ("empty host".into(), b"GET / HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n".to_vec()),
        ("host with junk".into(), b"GET / HTTP/1.1\r\nHost: www.jl.localhost:99999x\r\nConnection: close\r\n\r\n".to_vec()),
        ("non-ascii host".into(), "GET / HTTP/1.1\r\nHost: 吉林.政务\r\nConnection: close\r\n\r\n".as_bytes().to_vec()),
        ("dot segments".into(), b"GET /../../etc/passwd HTTP/1.1\r\nHost: www.jl.localhost\r\nConnection: close\r\n\r\n".to_vec()),
        ("encoded dot segments".into(), b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: www.jl.localhost\r\nConnection: close\r\n\r\n".to_vec()),
        ("static traversal".into(), b"GET /static/../../Cargo.toml HTTP/1.1\r\nHost: www.jl.localhost\r\nConnection: close\r\n\r\n".to_vec()),
        ("bad percent".into(), b"GET /search?q=%FF%00%zz HTTP/1.1\r\nHost: www.jl.localhost\r\nConnection: close\r\n\r\n".to_vec()),
        ("long path".into(), format!("GET {long_path} HTTP/1.1\r\nHost: www.jl.localhost\r\nConnection: close\r\n\r\n").into_bytes()),
        ("huge header".into(), format!("GET / HTTP/1.1\r\nHost: www.jl.localhost\r\n{huge_header}Connection: close\r\n\r\n").into_bytes()),
        ("large body".into(), b"POST / HTTP/1.1\r\nHost: www.jl.localhost\r\nContent-Length: 99999999\r\nConnection: close\r\n\r\n".to_vec()),
        ("absolute form".into(), b"GET http://www.jl.localhost/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".to_vec()),
        ("garbage".into(), b"\x00\x01\x02 nonsense\r\n\r\n".to_vec()),
        ("bad method".into(), b"DELETE / HTTP/1.1\r\nHost: www.jl.localhost\r\nConnection: close\r\n\r\n".to_vec()),
        ("column page overflow".into(), b"GET /yw/index_99999999999999999999.html HTTP/1.1\r\nHost: www.jl.localhost\r\nConnection: close\r\n\r\n".to_vec()),
        ("deep search page".into(), b"GET /search?q=a&page=4294967296&year=-1 HTTP/1.1\r\nHost: www.jl.localhost\r\nConnection: close\r\n\r\n".to_vec()),
    ];
    for (name, request) in cases {
        let status = send_raw(port, &request).await;
        if let Some(status) = status {
            assert!(status < 500, "{name}: server error {status}");
        }
        let (status, _) = server.get("www.jl.localhost", "/").await;
        assert_eq!(status, 200, "the server still answers after {name}");
    }

    // The static file route serves only the theme's own files.
    let (status, body) = server
        .get("www.jl.localhost", "/static/..%2f..%2fCargo.toml")
        .await;
    assert_eq!(status, 404);
    assert!(!body.contains("[workspace]"));

    server.running.unwrap().stop().await;
}
