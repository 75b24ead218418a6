//! Uploads on the admin listener over HTTP. The tests cover an image with its renditions, a
//! text file named like an image, and an SVG with a script, which is offered only as a
//! download. They also cover a decompression bomb that fails on its header, the CSRF check,
//! and data-URI images of an item body, stored and then served by the public listener.

use std::io::Cursor;
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat};
use jiyue_auth::Role;
use jiyue_db::GrantRef;

use crate::admin_support::{create_account, start, AdminClient};
use crate::support::TestServer;

const BOUNDARY: &str = "jiyue-test-boundary-7f3a";

/// A multipart part: field name, file name (for file fields) and bytes.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match file_name {
            Some(file) => format!("form-data; name=\"{name}\"; filename=\"{file}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if file_name.is_some() {
            // The declared type is a lie on purpose: the server must not believe it.
            body.extend(b"Content-Type: image/png\r\n");
        }
        body.extend(b"\r\n");
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A response as the tests read it.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.bytes)))
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        bytes: response.bytes().await.unwrap().to_vec(),
    }
}

/// Sends a signed-in request to the admin listener.
fn admin_request(
    server: &TestServer,
    client: &AdminClient,
    method: &str,
    path: &str,
) -> reqwest::RequestBuilder {
    let session = client.cookie("jiyue_admin").unwrap();
    let url = format!("http://{}{path}", server.admin);
    let http = reqwest::Client::new();
    let builder = if method == "POST" {
        http.post(url)
    } else {
        http.get(url)
    };
    builder.header("cookie", format!("jiyue_admin={session}"))
}

async fn upload(server: &TestServer, client: &AdminClient, parts: &[Part<'_>]) -> Answer {
    let request = admin_request(server, client, "POST", "/uploads")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts));
    answer(request).await
}

/// Starts the demo and signs in an editor; returns the server, the client and a CSRF token.
async fn signed_in_editor() -> (TestServer, AdminClient, String) {
    let server = start("sqlite").await;
    let editor = create_account(&server, "uploader", Role::Editor, GrantRef::Platform, true).await;
    let client = AdminClient::new(&server);
    client.sign_in(&server, &editor).await;
    let csrf = client.get("/").await.csrf();
    (server, client, csrf)
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = DynamicImage::new_rgb8(width, height);
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .unwrap();
    bytes
}

/// Returns a PNG whose header declares `width` × `height` pixels over one tiny data chunk,
/// with correct CRCs (ISO/IEC 15948, CRC-32 over chunk type and data).
fn declared_png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(kind);
        out.extend(data);
        out.extend(crc32(kind, data));
    }
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    // A zlib stream of a few zero bytes; a real bomb would inflate to gigabytes.
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

/// CRC-32 (IEEE 802.3 polynomial, reflected 0xEDB88320) of `kind` followed by `data`.
fn crc32(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut crc = 0xffff_ffffu32;
    for byte in kind.iter().chain(data) {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    (!crc).to_be_bytes().to_vec()
}

async fn public_get(server: &TestServer, path: &str) -> Answer {
    answer(server.raw.get(server.url("www.jl.localhost", path))).await
}

#[tokio::test]
async fn an_image_is_stored_with_renditions() {
    let (server, client, csrf) = signed_in_editor().await;
    let bytes = png(2000, 1000);
    let reply = upload(
        &server,
        &client,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("照片.png"), &bytes),
        ],
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.bytes)
    );
    let json = reply.json();
    assert!(json["file_id"].as_i64().unwrap() > 0);
    assert_eq!(json["content_type"], "image/png");
    let url = json["url"].as_str().unwrap();
    assert!(url.starts_with("/files/") && url.ends_with(".png"), "{url}");

    for width in ["1600", "480"] {
        let rendition = &json["renditions"][width];
        let url = rendition["url"]
            .as_str()
            .unwrap_or_else(|| panic!("no {width} rendition: {json}"));
        let got = answer(admin_request(&server, &client, "GET", url)).await;
        assert_eq!(got.status, 200, "{url}");
        let image = image::load_from_memory(&got.bytes).unwrap();
        assert!(
            image.width() <= width.parse().unwrap(),
            "{width}: {}",
            image.width()
        );
        assert_eq!(
            u64::from(image.width()),
            rendition["width"].as_u64().unwrap()
        );
    }

    // The public listener serves the original on every site, cached for long.
    let public = public_get(&server, url).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.header("content-type"), "image/png");
    assert_eq!(public.header("x-content-type-options"), "nosniff");
    assert!(public.header("cache-control").contains("max-age=31536000"));
    assert_eq!(public.bytes, bytes);
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn content_decides_what_a_file_is() {
    let (server, client, csrf) = signed_in_editor().await;

    // Text is an allowed kind, but a text file named like an image is refused by name.
    let text = "这不是图片".as_bytes();
    let reply = upload(
        &server,
        &client,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("fake.png"), text),
        ],
    )
    .await;
    assert_eq!(reply.status, 415);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("fake.png") && message.contains("TXT"),
        "{message}"
    );
    let reply = upload(
        &server,
        &client,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("说明.txt"), text),
        ],
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["content_type"], "text/plain; charset=utf-8");

    let binary = b"\x00\x01\x02\x03 not any allowed kind";
    let reply = upload(
        &server,
        &client,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("photo.png"), binary),
        ],
    )
    .await;
    assert_eq!(reply.status, 415);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("photo.png") && message.contains("PDF"),
        "{message}"
    );

    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let reply = upload(
        &server,
        &client,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("logo.svg"), svg),
        ],
    )
    .await;
    assert_eq!(reply.status, 200);
    let url = reply.json()["url"].as_str().unwrap().to_string();
    assert!(url.ends_with(".svg"), "{url}");
    for got in [
        public_get(&server, &url).await,
        answer(admin_request(&server, &client, "GET", &url)).await,
    ] {
        assert_eq!(got.status, 200);
        assert!(
            got.header("content-disposition").starts_with("attachment"),
            "{:?}",
            got.headers
        );
        assert_eq!(got.header("content-type"), "application/octet-stream");
        // The public listener sandboxes files; the admin listener's own policy runs nothing.
        let csp = got.header("content-security-policy");
        assert!(
            csp.contains("sandbox") || csp.starts_with("default-src 'none'"),
            "{csp}"
        );
    }
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn a_decompression_bomb_fails_fast() {
    let (server, client, csrf) = signed_in_editor().await;
    let bomb = declared_png(50_000, 50_000);
    let started = Instant::now();
    let reply = upload(
        &server,
        &client,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("bomb.png"), &bomb),
        ],
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reply.status, 422);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("bomb.png") && message.contains("过大"),
        "{message}"
    );

    // The server is still up and still takes uploads.
    assert_eq!(client.get("/healthz").await.status, 200);
    let reply = upload(
        &server,
        &client,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("ok.png"), &png(10, 10)),
        ],
    )
    .await;
    assert_eq!(reply.status, 200);
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn uploads_need_the_csrf_token() {
    let (server, client, csrf) = signed_in_editor().await;
    let bytes = png(10, 10);
    let reply = upload(&server, &client, &[("file", Some("a.png"), &bytes)]).await;
    assert_eq!(reply.status, 403);
    let reply = upload(
        &server,
        &client,
        &[("csrf", None, b"wrong"), ("file", Some("a.png"), &bytes)],
    )
    .await;
    assert_eq!(reply.status, 403);

    // The header works too, as the editor's script sends it.
    let request = admin_request(&server, &client, "POST", "/uploads")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("x-csrf-token", &csrf)
        .body(multipart(&[("file", Some("a.png"), &bytes)]));
    assert_eq!(answer(request).await.status, 200);

    // Without a session there is nothing to upload to.
    let anonymous = answer(
        reqwest::Client::new()
            .post(format!("http://{}/uploads", server.admin))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(&[
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("a.png"), &bytes),
            ])),
    )
    .await;
    assert_eq!(anonymous.status, 403);
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn inline_images_become_public_files() {
    use base64::Engine;
    let server = start("sqlite").await;
    let encoded = base64::engine::general_purpose::STANDARD.encode(png(40, 20));
    let html =
        format!(r#"<p>图：</p><p><img src="data:image/png;base64,{encoded}" alt="图一"></p>"#);
    let stored = jiyue_web::admin::uploads::store_inline_images(server.app(), &html)
        .await
        .unwrap();
    assert!(!stored.contains("data:"), "{stored}");
    let start = stored.find("src=\"").unwrap() + 5;
    let url = &stored[start..start + stored[start..].find('"').unwrap()];
    assert!(url.starts_with("/files/") && url.ends_with(".png"), "{url}");
    assert!(stored.contains("alt=\"图一\""));

    let public = public_get(&server, url).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.header("content-type"), "image/png");
    assert_eq!(image::load_from_memory(&public.bytes).unwrap().width(), 40);

    // The sanitizer keeps the rewritten address.
    assert!(jiyue_render::sanitize_html(&stored).contains(url));

    let svg = r#"<img src="data:image/png;base64,PHN2Zz48L3N2Zz4=">"#;
    let error = jiyue_web::admin::uploads::store_inline_images(server.app(), svg)
        .await
        .unwrap_err();
    assert!(error.contains("第 1 张图片"), "{error}");
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn files_up_to_twenty_megabytes_pass() {
    let (server, client, csrf) = signed_in_editor().await;
    let csrf = csrf.as_bytes();

    // Larger than axum's default 2 MB body limit, smaller than ours.
    let three_megabytes = "政务公开\n".repeat(3 * 1024 * 1024 / 13);
    let parts: [Part<'_>; 2] = [
        ("csrf", None, csrf),
        ("file", Some("长文.txt"), three_megabytes.as_bytes()),
    ];
    let reply = upload(&server, &client, &parts).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.bytes)
    );

    let too_large = vec![b'a'; 20 * 1024 * 1024 + 1];
    let parts: [Part<'_>; 2] = [("csrf", None, csrf), ("file", Some("过大.txt"), &too_large)];
    let reply = upload(&server, &client, &parts).await;
    assert_eq!(reply.status, 413);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("过大.txt") && message.contains("20 MB"),
        "{message}"
    );
    server.running.unwrap().stop().await;
}
