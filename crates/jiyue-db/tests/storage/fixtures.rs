//! A small province to test against: three organizations, four sites and their columns.

use chrono::{DateTime, TimeZone, Utc};
use jiyue_core::credit_code::{compute_check_char, compute_org_check_char};
use jiyue_core::{ColumnType, ItemMeta};
use jiyue_db::testing::{fresh_dbs, TestDb};
use jiyue_db::{
    ColumnRef, Db, ItemInput, NewColumn, NewOrg, NewSite, OrgId, Scope, SiteId, SiteSettings,
};

/// Builds a valid credit code of an organ (authority 1, kind 1) from a division and 8 digits.
pub fn credit_code(division: &str, first8: &str) -> String {
    let org_check = compute_org_check_char(first8).unwrap();
    let first17 = format!("11{division}{first8}{org_check}");
    format!("{first17}{}", compute_check_char(&first17).unwrap())
}

pub fn province_code() -> String {
    credit_code("220000", "00000001")
}

pub fn department_code() -> String {
    credit_code("220000", "00000002")
}

pub fn city_code() -> String {
    credit_code("220100", "00000003")
}

pub const PORTAL: &str = "2200000001";
pub const ENGLISH: &str = "2200000002";
pub const DEPARTMENT_SITE: &str = "2200000003";
pub const CITY_SITE: &str = "2201000001";

/// Ids of the fixture rows.
pub struct World {
    pub province: OrgId,
    pub department: OrgId,
    pub city: OrgId,
    pub portal: SiteId,
    pub english: SiteId,
    pub department_site: SiteId,
    pub city_site: SiteId,
}

/// Opens a fresh database on every available backend.
pub async fn dbs() -> Vec<TestDb> {
    fresh_dbs().await.unwrap()
}

pub fn new_org(code: &str, name: &str, parent: Option<&str>, division: &str) -> NewOrg {
    NewOrg {
        credit_code: code.to_string(),
        name: name.to_string(),
        name_en: None,
        parent_credit_code: parent.map(str::to_string),
        division_code: division.to_string(),
    }
}

pub fn new_site(code: &str, org: &str, primary: &str, aliases: &[&str], lang: &str) -> NewSite {
    NewSite {
        code: code.to_string(),
        org_credit_code: org.to_string(),
        name: format!("site {code}"),
        lang: lang.to_string(),
        description: Some("a test site".to_string()),
        keywords: None,
        primary_domain: primary.to_string(),
        aliases: aliases.iter().map(|alias| alias.to_string()).collect(),
        language_version_of: None,
        theme: "default".to_string(),
        settings: SiteSettings {
            icp_filing: Some("吉ICP备00000000号".to_string()),
            demo: true,
            ..SiteSettings::default()
        },
    }
}

pub fn new_column(
    site: &str,
    path: &str,
    column_type: ColumnType,
    accepts_shared: bool,
) -> NewColumn {
    NewColumn {
        site_code: site.to_string(),
        path: path.to_string(),
        name: format!("column {path}"),
        column_type,
        description: None,
        keywords: None,
        position: 0,
        review_levels: 1,
        accepts_shared,
    }
}

/// Creates the fixture organizations, sites and columns in the platform scope.
pub async fn build_world(db: &Db) -> World {
    let platform = Scope::Platform;
    let province = db
        .upsert_org(
            &platform,
            &new_org(&province_code(), "吉林省人民政府", None, "220000"),
        )
        .await
        .unwrap();
    let department = db
        .upsert_org(
            &platform,
            &new_org(
                &department_code(),
                "吉林省生态环境厅",
                Some(&province_code()),
                "220000",
            ),
        )
        .await
        .unwrap();
    let city = db
        .upsert_org(
            &platform,
            &new_org(
                &city_code(),
                "长春市人民政府",
                Some(&province_code()),
                "220100",
            ),
        )
        .await
        .unwrap();

    let portal = db
        .upsert_site(
            &platform,
            &new_site(
                PORTAL,
                &province_code(),
                "www.jl.gov.cn",
                &["jl.gov.cn"],
                "zh-CN",
            ),
        )
        .await
        .unwrap();
    let mut english_site = new_site(ENGLISH, &province_code(), "english.jl.gov.cn", &[], "en");
    english_site.language_version_of = Some(PORTAL.to_string());
    let english = db.upsert_site(&platform, &english_site).await.unwrap();
    let department_site = db
        .upsert_site(
            &platform,
            &new_site(
                DEPARTMENT_SITE,
                &department_code(),
                "sthjt.jl.gov.cn",
                &[],
                "zh-CN",
            ),
        )
        .await
        .unwrap();
    let city_site = db
        .upsert_site(
            &platform,
            &new_site(
                CITY_SITE,
                &city_code(),
                "www.changchun.gov.cn",
                &[],
                "zh-CN",
            ),
        )
        .await
        .unwrap();

    let columns = [
        new_column(PORTAL, "yw", ColumnType::KeyNews, false),
        new_column(PORTAL, "zwgk", ColumnType::Other, false),
        new_column(PORTAL, "zwgk/tzgg", ColumnType::Notices, false),
        new_column(ENGLISH, "news", ColumnType::KeyNews, false),
        new_column(DEPARTMENT_SITE, "gzdt", ColumnType::WorkNews, false),
        new_column(CITY_SITE, "yw", ColumnType::KeyNews, true),
    ];
    for column in &columns {
        db.upsert_column(&platform, column).await.unwrap();
    }
    World {
        province,
        department,
        city,
        portal,
        english,
        department_site,
        city_site,
    }
}

/// 2024-03-01 09:30 China Standard Time.
pub fn march_first() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 1, 30, 0).unwrap()
}

pub fn column_ref(site: &str, path: &str) -> ColumnRef {
    ColumnRef {
        site_code: site.to_string(),
        column_path: path.to_string(),
    }
}

/// Builds a published Chinese news item of the province on the portal's `yw` column.
pub fn news(external_id: &str, title: &str) -> ItemInput {
    ItemInput {
        external_id: external_id.to_string(),
        org_credit_code: province_code(),
        meta: ItemMeta {
            title: title.to_string(),
            lang: "zh-CN".to_string(),
            published_at: Some(march_first()),
            summary: Some(format!("summary of {title}")),
            ..ItemMeta::default()
        },
        body_html: format!("<p>{title}</p>"),
        home: column_ref(PORTAL, "yw"),
        extra_placements: Vec::new(),
        translation_of: None,
        legacy_urls: Vec::new(),
        publish: true,
        sample: false,
    }
}

/// Counts the rows of a table.
pub async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match db.pool() {
        jiyue_db::Pool::Sqlite { readers, .. } => {
            sqlx::query_scalar(&sql).fetch_one(readers).await.unwrap()
        }
        jiyue_db::Pool::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
    }
}
