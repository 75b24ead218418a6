//! Facet counts over the whole match set: matches per home site and per publication year.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};

/// One value of a facet and how many matches have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    /// Site code or year.
    pub value: String,
    /// Number of matching documents with this value.
    pub count: u64,
}

/// Facet counts of one search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FacetCounts {
    /// Sites by count, most first, then by site code.
    pub(crate) sites: Vec<Facet>,
    /// Years, newest first.
    pub(crate) years: Vec<Facet>,
}

/// Collector counting matches per value of the `home_site` and `year` fast fields.
pub(crate) struct FacetCollector;

/// Counts of one segment, keyed by home-site code and by year.
pub(crate) struct SegmentCounts {
    sites: HashMap<String, u64>,
    years: HashMap<u64, u64>,
}

/// Per-segment state: the fast-field columns and counts keyed by term ordinal.
pub(crate) struct FacetSegmentCollector {
    site_column: Option<StrColumn>,
    year_column: Column<u64>,
    site_ordinals: HashMap<u64, u64>,
    years: HashMap<u64, u64>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        Ok(FacetSegmentCollector {
            site_column: segment.fast_fields().str("home_site")?,
            year_column: segment.fast_fields().u64("year")?,
            site_ordinals: HashMap::new(),
            years: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<Result<SegmentCounts, TantivyError>>,
    ) -> tantivy::Result<FacetCounts> {
        let mut sites: HashMap<String, u64> = HashMap::new();
        let mut years: HashMap<u64, u64> = HashMap::new();
        for fruit in segment_fruits {
            let counts = fruit?;
            for (site, count) in counts.sites {
                *sites.entry(site).or_default() += count;
            }
            for (year, count) in counts.years {
                *years.entry(year).or_default() += count;
            }
        }
        Ok(sorted_counts(sites, years))
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = Result<SegmentCounts, TantivyError>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(column) = &self.site_column {
            for ordinal in column.term_ords(doc) {
                *self.site_ordinals.entry(ordinal).or_default() += 1;
            }
        }
        if let Some(year) = self.year_column.first(doc) {
            *self.years.entry(year).or_default() += 1;
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut sites = HashMap::with_capacity(self.site_ordinals.len());
        if let Some(column) = &self.site_column {
            let mut site = String::new();
            for (ordinal, count) in self.site_ordinals {
                if column.ord_to_str(ordinal, &mut site)? {
                    sites.insert(site.clone(), count);
                }
            }
        }
        Ok(SegmentCounts {
            sites,
            years: self.years,
        })
    }
}

fn sorted_counts(sites: HashMap<String, u64>, years: HashMap<u64, u64>) -> FacetCounts {
    let mut sites: Vec<Facet> = sites
        .into_iter()
        .map(|(value, count)| Facet { value, count })
        .collect();
    sites.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));

    let mut years: Vec<(u64, u64)> = years.into_iter().collect();
    years.sort_by_key(|(year, _)| std::cmp::Reverse(*year));
    let years = years
        .into_iter()
        .map(|(year, count)| Facet {
            value: year.to_string(),
            count,
        })
        .collect();
    FacetCounts { sites, years }
}
