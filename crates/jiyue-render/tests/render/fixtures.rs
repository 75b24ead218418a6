//! Realistic page models: the Jilin provincial portal with Chinese content.

use jiyue_core::{ColumnType, Validity};
use jiyue_render::model::*;

pub const HOSTILE_TITLE: &str = "关于<script>alert('x')</script>的通知";

pub fn site() -> SiteView {
    SiteView {
        code: "2200000001".to_owned(),
        name: "吉林省人民政府".to_owned(),
        lang: "zh-CN".to_owned(),
        dir: "ltr".to_owned(),
        base_url: "https://www.jl.gov.cn".to_owned(),
        description: "吉林省人民政府门户网站".to_owned(),
        keywords: vec!["吉林".to_owned(), "政府".to_owned(), "政务公开".to_owned()],
        footer: footer(),
        nav: vec![
            NavLink {
                name: "首页".to_owned(),
                url: "https://www.jl.gov.cn/".to_owned(),
                current: false,
            },
            NavLink {
                name: "要闻动态".to_owned(),
                url: "https://www.jl.gov.cn/zw/yw/".to_owned(),
                current: true,
            },
            NavLink {
                name: "政务公开".to_owned(),
                url: "https://www.jl.gov.cn/zw/xxgk/".to_owned(),
                current: false,
            },
        ],
        language_links: vec![LangLink {
            lang: "en".to_owned(),
            label: "English".to_owned(),
            url: "https://english.jl.gov.cn/".to_owned(),
        }],
        demo: true,
        search_url: "https://www.jl.gov.cn/search".to_owned(),
        directory_url: "https://sites.jl.gov.cn/".to_owned(),
    }
}

pub fn footer() -> FooterView {
    FooterView {
        sponsor: "吉林省人民政府办公厅".to_owned(),
        operator: "吉林省政务服务和数字化建设管理局".to_owned(),
        icp_filing: "吉ICP备05002208号".to_owned(),
        public_security_filing: "吉公网安备22010402000123号".to_owned(),
        contact_phone: Some("0431-88904523".to_owned()),
        contact_email: Some("webmaster@jl.gov.cn".to_owned()),
        address: Some("长春市人民大街1号".to_owned()),
        badge_script_url: None,
        error_report_script_url: None,
        site_map_url: "https://www.jl.gov.cn/wzdt/".to_owned(),
        error_report_url: "https://www.jl.gov.cn/jiucuo/".to_owned(),
    }
}

pub fn news_column() -> ColumnView {
    ColumnView {
        name: "要闻".to_owned(),
        url: "https://www.jl.gov.cn/zw/yw/".to_owned(),
        column_type: ColumnType::KeyNews,
        description: "吉林省政务要闻".to_owned(),
        keywords: vec!["要闻".to_owned(), "动态".to_owned()],
        feed_url: Some("https://www.jl.gov.cn/zw/yw/feed.xml".to_owned()),
    }
}

pub fn entries() -> Vec<ListEntry> {
    vec![
        ListEntry {
            title: "吉林省推进政府网站集约化试点工作".to_owned(),
            url: "https://www.jl.gov.cn/zw/yw/201810/t20181029_1.html".to_owned(),
            date: "2018-10-29".to_owned(),
            summary: Some("全省政府网站统一平台建设取得阶段性进展。".to_owned()),
            sample: false,
            site_name: None,
        },
        ListEntry {
            title: HOSTILE_TITLE.to_owned(),
            url: "https://www.jl.gov.cn/zw/yw/201810/t20181030_2.html".to_owned(),
            date: "2018-10-30".to_owned(),
            summary: None,
            sample: true,
            site_name: None,
        },
    ]
}

/// Returns the trail above the news column's pages; item pages add the column itself.
pub fn breadcrumbs() -> Vec<Breadcrumb> {
    vec![Breadcrumb {
        name: "首页".to_owned(),
        url: "https://www.jl.gov.cn/".to_owned(),
    }]
}

fn item_breadcrumbs() -> Vec<Breadcrumb> {
    let mut trail = breadcrumbs();
    trail.push(Breadcrumb {
        name: "要闻".to_owned(),
        url: "https://www.jl.gov.cn/zw/yw/".to_owned(),
    });
    trail
}

pub fn home_page() -> HomePage {
    HomePage {
        site: site(),
        sections: vec![HomeSection {
            column: news_column(),
            entries: entries(),
        }],
    }
}

pub fn column_page() -> ColumnPage {
    ColumnPage {
        site: site(),
        column: news_column(),
        breadcrumbs: breadcrumbs(),
        entries: entries(),
        pagination: Pagination::new(1, 95, 20, |page| match page {
            0 => "https://www.jl.gov.cn/zw/yw/index.html".to_owned(),
            n => format!("https://www.jl.gov.cn/zw/yw/index_{n}.html"),
        }),
    }
}

pub fn item() -> ItemView {
    ItemView {
        title: "国务院办公厅关于印发政府网站集约化试点工作方案的通知".to_owned(),
        subtitle: None,
        lang: "zh-CN".to_owned(),
        index_number: Some("013722045/2018-00071".to_owned()),
        issuing_org: Some("国务院办公厅".to_owned()),
        written_date: Some("2018-10-26".to_owned()),
        document_number: Some("国办函〔2018〕71号".to_owned()),
        pub_date: "2018-10-29 09:30".to_owned(),
        source: Some("中国政府网".to_owned()),
        author: None,
        editor: Some("王丽".to_owned()),
        subject_path: Some("综合政务\\政务公开".to_owned()),
        genre: Some("通知".to_owned()),
        keywords: vec!["政府网站".to_owned(), "集约化".to_owned()],
        summary: None,
        validity: Validity::Valid,
        body_html: "<p>各省、自治区、直辖市人民政府：</p><p>经国务院同意，现将方案印发给你们。</p>"
            .to_owned(),
        attachments: vec![Link {
            title: "政府网站集约化试点工作方案.pdf".to_owned(),
            url: "https://www.jl.gov.cn/files/fa.pdf".to_owned(),
        }],
        canonical_url: None,
        translations: vec![LangLink {
            lang: "en".to_owned(),
            label: "English".to_owned(),
            url: "https://english.jl.gov.cn/news/201810/t20181029_3.html".to_owned(),
        }],
        also_on: vec![Link {
            title: "吉林省生态环境厅".to_owned(),
            url: "https://sthjt.jl.gov.cn/xxgk/201810/t20181029_4.html".to_owned(),
        }],
        sample: false,
    }
}

pub fn item_page() -> ItemPage {
    ItemPage {
        site: site(),
        column: news_column(),
        breadcrumbs: item_breadcrumbs(),
        item: item(),
    }
}

pub fn search_page() -> SearchPage {
    SearchPage {
        site: site(),
        query: "集约化 <b>".to_owned(),
        scope_current: true,
        results: vec![SearchHitView {
            title_html: "政府网站<mark>集约化</mark>试点".to_owned(),
            snippet_html: "推进政府网站<mark>集约化</mark>建设 &lt;b&gt;".to_owned(),
            url: "https://www.jl.gov.cn/zw/yw/201810/t20181029_1.html".to_owned(),
            site_name: "吉林省人民政府".to_owned(),
            date: "2018-10-29".to_owned(),
            column_name: "要闻".to_owned(),
            service: false,
        }],
        total: 1,
        site_facets: vec![FacetView {
            label: "吉林省人民政府".to_owned(),
            count: 1,
            url: "https://www.jl.gov.cn/search?q=%E9%9B%86&site=2200000001".to_owned(),
            selected: true,
        }],
        year_facets: vec![FacetView {
            label: "2018".to_owned(),
            count: 1,
            url: "https://www.jl.gov.cn/search?q=%E9%9B%86&year=2018".to_owned(),
            selected: false,
        }],
        pagination: Pagination::new(0, 1, 10, |page| {
            format!("https://www.jl.gov.cn/search?q=%E9%9B%86&page={page}")
        }),
        switch_current_url: "https://www.jl.gov.cn/search?q=%E9%9B%86&scope=site".to_owned(),
        switch_all_url: "https://www.jl.gov.cn/search?q=%E9%9B%86&scope=all".to_owned(),
        services_only: false,
        all_kinds_url: "https://www.jl.gov.cn/search?q=%E9%9B%86".to_owned(),
        notice: None,
    }
}

pub fn directory_page() -> DirectoryPage {
    DirectoryPage {
        platform_name: "吉林省政府网站集约化平台".to_owned(),
        lang: "zh-CN".to_owned(),
        groups: vec![DirectoryGroup {
            org_name: "吉林省人民政府".to_owned(),
            sites: vec![
                DirectoryEntry {
                    name: "吉林省人民政府".to_owned(),
                    code: "2200000001".to_owned(),
                    url: "https://www.jl.gov.cn/".to_owned(),
                    lang: "zh-CN".to_owned(),
                },
                DirectoryEntry {
                    name: "Jilin Province".to_owned(),
                    code: "2200000002".to_owned(),
                    url: "https://english.jl.gov.cn/".to_owned(),
                    lang: "en".to_owned(),
                },
            ],
        }],
    }
}
