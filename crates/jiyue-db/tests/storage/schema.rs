//! Migrations apply on both backends, and the two migrated schemas agree.

use std::collections::BTreeSet;

use jiyue_db::testing::{fresh_db, fresh_postgres_from_env};
use jiyue_db::Pool;
use sqlx::{PgPool, SqlitePool};

use crate::fixtures::dbs;

/// One column as both backends can describe it: table, column, common type, nullable.
type ColumnShape = (String, String, &'static str, bool);

const TABLES: &[&str] = &[
    "organizations",
    "sites",
    "site_language_versions",
    "domains",
    "columns",
    "items",
    "revisions",
    "placements",
    "translations",
    "routes",
    "files",
    "item_files",
    "index_serials",
    "outbox",
    "consumer_positions",
    "staff",
    "grants",
    "sessions",
    "login_failures",
    "review_steps",
    "preview_tokens",
    "schedule_reports",
    "audit_log",
    "audit_segments",
    "audit_head",
    "access_log",
    "service_records",
    "service_stats",
    "search_synonyms",
    "search_misses",
    "calendar_days",
    "calendar_years",
    "citizens",
    "citizen_links",
    "citizen_codes",
    "id_sessions",
    "site_sessions",
    "sign_in_requests",
    "oidc_clients",
    "oidc_grants",
    "oidc_keys",
    "rate_counters",
    "cases",
    "case_attachments",
    "case_events",
    "case_deadlines",
    "sensitive_words",
    "consultations",
    "consultation_opinions",
    "alerts",
    "alert_deliveries",
    "monitor_jobs",
    "page_ledger",
    "wording_entries",
    "score_rules",
    "score_snapshots",
    "probe_results",
    "analytics_page_views",
    "analytics_search_queries",
    "analytics_search_withheld",
];

fn common_type(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "smallint" => "integer",
        "text" => "text",
        "boolean" => "boolean",
        _ => "other",
    }
}

async fn sqlite_columns(pool: &SqlitePool) -> BTreeSet<ColumnShape> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut shapes = BTreeSet::new();
    for table in tables {
        let rows: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
                .bind(&table)
                .fetch_all(pool)
                .await
                .unwrap();
        for (name, declared, not_null, pk) in rows {
            // SQLite reports primary-key columns as nullable, though a rowid key never is.
            let nullable = not_null == 0 && pk == 0;
            shapes.insert((table.clone(), name, common_type(&declared), nullable));
        }
    }
    shapes
}

async fn pg_columns(pool: &PgPool) -> BTreeSet<ColumnShape> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(table, name, declared, nullable)| {
            (table, name, common_type(&declared), nullable == "YES")
        })
        .collect()
}

/// Named indexes with their uniqueness; primary keys are left out.
async fn sqlite_indexes(pool: &SqlitePool) -> BTreeSet<(String, bool)> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT il.name, il.\"unique\" FROM sqlite_master m, pragma_index_list(m.name) il \
         WHERE m.type = 'table' AND il.origin <> 'pk'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(name, unique)| (name, unique == 1))
        .collect()
}

async fn pg_indexes(pool: &PgPool) -> BTreeSet<(String, bool)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() \
         AND indexname NOT LIKE '%_pkey'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(name, definition)| (name, definition.contains("UNIQUE")))
        .collect()
}

fn sqlite_pool(pool: &Pool) -> &SqlitePool {
    match pool {
        Pool::Sqlite { writer, .. } => writer,
        Pool::Postgres(_) => panic!("expected a SQLite pool"),
    }
}

#[tokio::test]
async fn migrations_apply() {
    for db in dbs().await {
        let applied: i64 = match db.pool() {
            Pool::Sqlite { writer, .. } => {
                sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                    .fetch_one(writer)
                    .await
                    .unwrap()
            }
            Pool::Postgres(pool) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                    .fetch_one(pool)
                    .await
                    .unwrap()
            }
        };
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .unwrap()
            .count();
        assert_eq!(applied, files as i64, "{}", db.label());
        assert_eq!(db.outbox_head().await.unwrap(), 0, "{}", db.label());
    }
}

#[tokio::test]
async fn sqlite_schema_has_every_table() {
    let db = fresh_db().await.unwrap();
    let tables: BTreeSet<String> = sqlite_columns(sqlite_pool(db.pool()))
        .await
        .into_iter()
        .map(|shape| shape.0)
        .collect();
    let expected: BTreeSet<String> = TABLES.iter().map(|table| table.to_string()).collect();
    assert_eq!(tables, expected);
}

#[tokio::test]
async fn sqlite_pragmas_set() {
    let db = fresh_db().await.unwrap();
    let pool = sqlite_pool(db.pool());
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    let busy_timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(foreign_keys, 1);
    assert!(busy_timeout > 0, "busy timeout {busy_timeout}");
}

#[tokio::test]
async fn schemas_match_across_backends() {
    let Some(pg) = fresh_postgres_from_env().await.unwrap() else {
        eprintln!("JIYUE_TEST_DATABASE_URL is not set: the PostgreSQL schema was not compared");
        return;
    };
    let sqlite = fresh_db().await.unwrap();
    let Pool::Postgres(pg_pool) = pg.pool() else {
        panic!("expected a PostgreSQL pool")
    };
    let sqlite_pool = sqlite_pool(sqlite.pool());

    let sqlite_shapes = sqlite_columns(sqlite_pool).await;
    let pg_shapes = pg_columns(pg_pool).await;
    let only_sqlite: Vec<_> = sqlite_shapes.difference(&pg_shapes).collect();
    let only_pg: Vec<_> = pg_shapes.difference(&sqlite_shapes).collect();
    assert!(
        only_sqlite.is_empty(),
        "columns only in the SQLite schema: {only_sqlite:?}"
    );
    assert!(
        only_pg.is_empty(),
        "columns only in the PostgreSQL schema: {only_pg:?}"
    );

    let sqlite_indexes = sqlite_indexes(sqlite_pool).await;
    let pg_indexes = pg_indexes(pg_pool).await;
    // Each backend names the indexes of composite primary keys its own way, so only the named
    // indexes of the migrations are compared.
    let named = |set: &BTreeSet<(String, bool)>| -> BTreeSet<(String, bool)> {
        set.iter()
            .filter(|(name, _)| !name.starts_with("sqlite_autoindex"))
            .cloned()
            .collect()
    };
    assert_eq!(named(&sqlite_indexes), named(&pg_indexes));
}
