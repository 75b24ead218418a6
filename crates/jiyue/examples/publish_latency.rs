//! Publish-to-live latency: from a reviewer's approval until the item page, its column page,
//! the site's home page, the column's Atom feed and search all show the new item.
//!
//! Builds the demo province with enough sample items to pass `--items` (10,000 by default),
//! starts the real server on it, then publishes `--publications` items (200 by default) one
//! after another through the review workflow and polls the public listener over HTTP until
//! every page shows each one. Prints the p50, p90, p99 and maximum as one JSON line.
//!
//! ```text
//! cargo run --release -p jiyue --example publish_latency -- --backend sqlite
//! JIYUE_BENCH_DATABASE_URL=postgres://… cargo run --release -p jiyue --example publish_latency -- --backend postgres
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use jiyue::settings::{DataArgs, ServeArgs};
use jiyue_core::{Clock, ItemMeta};
use jiyue_db::{DraftInput, NewStaff, Scope};

struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

struct Options {
    backend: String,
    items: usize,
    publications: usize,
}

fn options() -> Options {
    let mut options = Options {
        backend: "sqlite".to_string(),
        items: 10_000,
        publications: 200,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--backend" => options.backend = value,
            "--items" => options.items = value.parse().expect("--items takes a number"),
            "--publications" => {
                options.publications = value.parse().expect("--publications takes a number")
            }
            other => panic!("unknown option {other}; use --backend, --items, --publications"),
        }
    }
    options
}

#[tokio::main]
async fn main() {
    let options = options();
    let dir = tempfile::tempdir().unwrap();
    let database_url = match options.backend.as_str() {
        "sqlite" => None,
        "postgres" => Some(
            std::env::var("JIYUE_BENCH_DATABASE_URL")
                .expect("set JIYUE_BENCH_DATABASE_URL to an empty PostgreSQL database"),
        ),
        other => panic!("unknown backend {other}; use sqlite or postgres"),
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let items_present = build_demo(&options, dir.path(), database_url.as_deref(), &clock).await;

    let args = ServeArgs {
        data: DataArgs {
            data_dir: Some(dir.path().to_path_buf()),
            database_url,
            config: None,
        },
        demo: true,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        admin_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..ServeArgs::default()
    };
    let running = jiyue::serve::start(&args, clock.clone()).await.unwrap();
    let addr = running.public_addr;
    let client = reqwest::Client::builder()
        .resolve("www.jl.localhost", addr)
        .build()
        .unwrap();
    let base = format!("http://www.jl.localhost:{}", addr.port());

    let db = &running.app.db;
    let editor = add_staff(db, "bench-editor").await;
    let reviewer = add_staff(db, "bench-reviewer").await;
    let site = db.site_by_code("2200000001").await.unwrap().unwrap();
    let column = db.column_by_path(site.id, "yw").await.unwrap();
    let column = match column {
        Some(column) => column,
        None => db
            .columns(site.id)
            .await
            .unwrap()
            .into_iter()
            .next()
            .unwrap(),
    };
    warm(&client, &base, &column.path).await;

    let mut samples = Vec::with_capacity(options.publications);
    for n in 0..options.publications {
        let token = format!("bench{n}x{}", std::process::id());
        let title = format!("发布时延测试 {token}");
        let draft = DraftInput {
            item_id: None,
            base_revision_id: None,
            org_id: site.org_id,
            meta: ItemMeta {
                title: title.clone(),
                lang: "zh-CN".to_string(),
                ..ItemMeta::default()
            },
            body_html: format!("<p>{title}</p>"),
            home_column: column.id,
            extra_columns: Vec::new(),
            translation_of: None,
            publish_at: None,
        };
        let saved = db
            .save_draft(&Scope::Platform, editor, &draft)
            .await
            .unwrap();
        set_one_level(db, &column).await;
        db.submit_revision(&Scope::Platform, editor, saved.revision_id)
            .await
            .unwrap();

        let started = Instant::now();
        let outcome = db
            .approve_revision(&Scope::Platform, reviewer, saved.revision_id)
            .await
            .unwrap();
        assert!(outcome.published);
        let item = db.published_item(saved.item_id).await.unwrap().unwrap();
        let pages = [
            item.placements[0].path.clone(),
            format!("/{}/index.html", column.path),
            "/".to_string(),
            format!("/{}/atom.xml", column.path),
            format!("/search?q={token}&scope=site"),
        ];
        wait_until_all_show(&client, &base, &pages, &token).await;
        samples.push(started.elapsed());
    }
    running.stop().await;
    report(&options, items_present, samples);
}

async fn build_demo(
    options: &Options,
    dir: &std::path::Path,
    database_url: Option<&str>,
    clock: &Arc<dyn Clock>,
) -> i64 {
    let default_url = format!("sqlite://{}/jiyue.db", dir.display());
    let url = database_url.unwrap_or(&default_url);
    let db = jiyue::serve::open_db(url, dir, clock.clone())
        .await
        .unwrap();
    let first = jiyue::demo::build(&db, clock.as_ref(), 3).await.unwrap();
    let columns = first.columns.max(1);
    let per_column = options.items.div_ceil(columns);
    jiyue::demo::build(&db, clock.as_ref(), per_column)
        .await
        .unwrap();
    let present = db.all_published_items(0, i64::MAX).await.unwrap().len() as i64;
    db.close().await;
    eprintln!("demo built: {present} published items in {columns} columns");
    present
}

async fn add_staff(db: &jiyue_db::Db, name: &str) -> i64 {
    if let Some(staff) = db.staff_by_username(name).await.unwrap() {
        return staff.id;
    }
    db.create_staff(&NewStaff {
        username: name.to_string(),
        display_name: name.to_string(),
        org_id: None,
        password_hash: "$argon2id$benchmark-account-never-signs-in".to_string(),
    })
    .await
    .unwrap()
}

/// Gives the column one review level, the common case the approval step measures.
async fn set_one_level(db: &jiyue_db::Db, column: &jiyue_db::Column) {
    if column.review_levels == 1 {
        return;
    }
    let site = db.site(column.site_id).await.unwrap().unwrap();
    let update = jiyue_db::NewColumn {
        site_code: site.code,
        path: column.path.clone(),
        name: column.name.clone(),
        column_type: column.column_type,
        description: column.description.clone(),
        keywords: column.keywords.clone(),
        position: column.position,
        review_levels: 1,
        accepts_shared: column.accepts_shared,
    };
    db.upsert_column(&Scope::Platform, &update).await.unwrap();
}

/// Fetches the pages once, so the measured runs start from a warm cache as in production.
async fn warm(client: &reqwest::Client, base: &str, column: &str) {
    for path in ["/".to_string(), format!("/{column}/index.html")] {
        let _ = client.get(format!("{base}{path}")).send().await;
    }
}

async fn wait_until_all_show(client: &reqwest::Client, base: &str, pages: &[String], token: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut pending: Vec<&String> = pages.iter().collect();
    while !pending.is_empty() {
        let mut still = Vec::new();
        for path in pending {
            let response = client.get(format!("{base}{path}")).send().await.unwrap();
            let ok = response.status().is_success();
            let body = response.text().await.unwrap_or_default();
            if !(ok && body.contains(token)) {
                still.push(path);
            }
        }
        pending = still;
        if Instant::now() > deadline {
            panic!("after 30 s these pages still lack {token}: {pending:?}");
        }
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

fn report(options: &Options, items: i64, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| {
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[index].as_secs_f64() * 1000.0
    };
    println!(
        "{{\"backend\":\"{}\",\"items\":{},\"publications\":{},\"p50_ms\":{:.1},\"p90_ms\":{:.1},\"p99_ms\":{:.1},\"max_ms\":{:.1}}}",
        options.backend,
        items,
        samples.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}
