//! Page navigation for column lists and search results.

use serde::Serialize;

/// How many page links to show on each side of the current page.
const WINDOW: usize = 2;

/// Links to the previous, next and nearby pages of a paged list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pagination {
    /// The current page, counted from 0.
    pub current: usize,
    /// Number of pages, at least 1 (an empty list still has one empty page).
    pub total_pages: usize,
    pub total_items: u64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// The first page, the last page and the pages within two of the current one, in order.
    /// Listing every page would put hundreds of links on each page of a large column.
    pub pages: Vec<PageLink>,
}

/// A link to one page of a paged list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageLink {
    /// The page number shown to readers, counted from 1.
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Whether pages are left out between this link and the previous one; the template shows
    /// an ellipsis there.
    pub gap_before: bool,
}

impl Pagination {
    /// Builds the navigation for page `page` (counted from 0) of `total_items` items shown
    /// `per_page` at a time. `url_of` returns the URL of a page given its 0-based number.
    ///
    /// A `per_page` of 0 counts as 1. A `page` past the last page yields no next link; the
    /// caller should respond to such a request with 404 instead of rendering it.
    pub fn new(
        page: usize,
        total_items: u64,
        per_page: usize,
        mut url_of: impl FnMut(usize) -> String,
    ) -> Pagination {
        let per_page = per_page.max(1) as u64;
        let total_pages = usize::try_from(total_items.div_ceil(per_page))
            .unwrap_or(usize::MAX)
            .max(1);

        let prev_url = (page > 0 && page - 1 < total_pages).then(|| url_of(page - 1));
        let next_url = (page + 1 < total_pages).then(|| url_of(page + 1));

        let mut pages = Vec::new();
        let mut last_shown: Option<usize> = None;
        for number in window(page, total_pages) {
            pages.push(PageLink {
                number: number + 1,
                url: url_of(number),
                current: number == page,
                gap_before: last_shown.is_some_and(|last| number > last + 1),
            });
            last_shown = Some(number);
        }

        Pagination {
            current: page,
            total_pages,
            total_items,
            prev_url,
            next_url,
            pages,
        }
    }
}

/// Returns the 0-based page numbers to link, in ascending order without duplicates.
fn window(page: usize, total_pages: usize) -> Vec<usize> {
    let last = total_pages - 1;
    let low = page.saturating_sub(WINDOW).min(last);
    let high = page.saturating_add(WINDOW).min(last);

    let mut numbers = vec![0];
    numbers.extend(low.max(1)..=high);
    if last > high {
        numbers.push(last);
    }
    numbers.dedup();
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(page: usize) -> String {
        if page == 0 {
            "index.html".to_owned()
        } else {
            format!("index_{page}.html")
        }
    }

    fn numbers(pagination: &Pagination) -> Vec<usize> {
        pagination.pages.iter().map(|link| link.number).collect()
    }

    #[test]
    fn empty_list_has_one_page() {
        let pagination = Pagination::new(0, 0, 20, url);
        assert_eq!(pagination.total_pages, 1);
        assert_eq!(pagination.prev_url, None);
        assert_eq!(pagination.next_url, None);
        assert_eq!(numbers(&pagination), vec![1]);
        assert!(pagination.pages[0].current);
    }

    #[test]
    fn middle_page_links_neighbours() {
        let pagination = Pagination::new(10, 1000, 20, url);
        assert_eq!(pagination.total_pages, 50);
        assert_eq!(pagination.prev_url.as_deref(), Some("index_9.html"));
        assert_eq!(pagination.next_url.as_deref(), Some("index_11.html"));
        assert_eq!(numbers(&pagination), vec![1, 9, 10, 11, 12, 13, 50]);
        assert!(pagination.pages[1].gap_before);
        assert!(!pagination.pages[2].gap_before);
        assert!(pagination.pages[6].gap_before);
        assert!(pagination.pages[3].current);
    }

    #[test]
    fn last_page_has_no_next() {
        let pagination = Pagination::new(4, 100, 20, url);
        assert_eq!(pagination.total_pages, 5);
        assert_eq!(pagination.next_url, None);
        assert_eq!(numbers(&pagination), vec![1, 3, 4, 5]);
        assert!(pagination.pages[1].gap_before);
    }

    #[test]
    fn partial_last_page_counts() {
        assert_eq!(Pagination::new(0, 41, 20, url).total_pages, 3);
        assert_eq!(Pagination::new(0, 40, 20, url).total_pages, 2);
        assert_eq!(Pagination::new(0, 5, 0, url).total_pages, 5);
    }

    #[test]
    fn page_past_end_links_back_only_when_valid() {
        let pagination = Pagination::new(9, 20, 20, url);
        assert_eq!(pagination.next_url, None);
        assert_eq!(pagination.prev_url, None);
        assert!(pagination.pages.iter().all(|link| !link.current));
    }
}
