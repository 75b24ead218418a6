//! Sitemap splitting at the URL-count and byte limits of the sitemaps.org protocol.

use jiyue_render::{
    split_sitemaps, split_sitemaps_with_limits, SitemapEntry, SITEMAP_MAX_BYTES, SITEMAP_MAX_URLS,
};

fn entries(count: usize, path_length: usize) -> Vec<SitemapEntry> {
    (0..count)
        .map(|index| SitemapEntry {
            loc: format!(
                "https://www.jl.gov.cn/{index:08}/{}",
                "a".repeat(path_length)
            ),
            lastmod: None,
        })
        .collect()
}

fn url_count(file: &str) -> usize {
    file.matches("<url>").count()
}

#[test]
fn limits_follow_protocol() {
    assert_eq!(SITEMAP_MAX_URLS, 50_000);
    assert_eq!(SITEMAP_MAX_BYTES, 50 * 1024 * 1024);
}

#[test]
fn split_at_url_limit() {
    let exactly = split_sitemaps(&entries(SITEMAP_MAX_URLS, 10)).unwrap();
    assert_eq!(exactly.len(), 1);
    assert_eq!(url_count(&exactly[0]), SITEMAP_MAX_URLS);

    let one_more = split_sitemaps(&entries(SITEMAP_MAX_URLS + 1, 10)).unwrap();
    assert_eq!(one_more.len(), 2);
    assert_eq!(url_count(&one_more[0]), SITEMAP_MAX_URLS);
    assert_eq!(url_count(&one_more[1]), 1);
    assert!(one_more[1].contains(&format!("/{:08}/", SITEMAP_MAX_URLS)));
}

#[test]
fn split_at_byte_limit() {
    // 30,000 URLs of about 2,000 characters come to about 60 MB: past the byte limit while
    // far below the URL limit.
    let list = entries(30_000, 1_960);
    let files = split_sitemaps(&list).unwrap();
    assert_eq!(files.len(), 2);
    for file in &files {
        assert!(
            file.len() <= SITEMAP_MAX_BYTES,
            "file of {} bytes",
            file.len()
        );
        assert!(file.ends_with("</urlset>\n"));
    }
    assert_eq!(url_count(&files[0]) + url_count(&files[1]), list.len());
    assert!(
        files[0].len() > SITEMAP_MAX_BYTES - 2_100,
        "first file not filled"
    );
    assert!(files[1].contains(&format!("/{:08}/", list.len() - 1)));
}

#[test]
fn file_may_fill_byte_limit_exactly() {
    let list = entries(4, 20);
    let one_file = split_sitemaps_with_limits(&list, 100, usize::MAX).unwrap();
    let exact = one_file[0].len();

    assert_eq!(
        split_sitemaps_with_limits(&list, 100, exact).unwrap().len(),
        1
    );
    assert_eq!(
        split_sitemaps_with_limits(&list, 100, exact - 1)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn split_keeps_order() {
    let list = entries(7, 5);
    let files = split_sitemaps_with_limits(&list, 3, usize::MAX).unwrap();
    assert_eq!(
        files.iter().map(|file| url_count(file)).collect::<Vec<_>>(),
        vec![3, 3, 1]
    );
    let joined = files.concat();
    let positions: Vec<usize> = list
        .iter()
        .map(|entry| joined.find(&entry.loc).unwrap())
        .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));
}
