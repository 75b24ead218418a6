//! Ordering of hits: services the query names first, then relevance, then newest first.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, TopDocs};
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader};

use crate::error::{index_error, SearchError};

/// Relevance scores are compared at this resolution, so near-equal scores fall back to date.
const SCORE_RESOLUTION: Score = 1_000.0;

/// Sort key of a hit: named by the query, relevance at [`SCORE_RESOLUTION`], publication time.
pub(crate) type RankKey = (bool, i64, i64);

/// Documents a query names, per segment, in ascending order.
#[derive(Debug, Clone, Default)]
pub(crate) struct NamedDocs {
    by_segment: Arc<HashMap<SegmentId, Vec<DocId>>>,
}

impl NamedDocs {
    /// Finds every document of `searcher` that `naming` matches, deleted ones included.
    ///
    /// Ranking only looks documents up here after the main query matched them, so deleted
    /// documents never reach it. A query names few services, so the lists stay short.
    pub(crate) fn find(searcher: &Searcher, naming: &dyn Query) -> Result<NamedDocs, SearchError> {
        let weight = naming
            .weight(EnableScoring::disabled_from_searcher(searcher))
            .map_err(index_error("prepare service naming query"))?;
        let mut by_segment = HashMap::new();
        for segment in searcher.segment_readers() {
            let mut docs = Vec::new();
            weight
                .for_each_no_score(segment, &mut |matched| docs.extend_from_slice(matched))
                .map_err(index_error("find named services"))?;
            if !docs.is_empty() {
                by_segment.insert(segment.segment_id(), docs);
            }
        }
        Ok(NamedDocs {
            by_segment: Arc::new(by_segment),
        })
    }

    fn in_segment(&self, segment: SegmentId) -> Vec<DocId> {
        self.by_segment.get(&segment).cloned().unwrap_or_default()
    }
}

/// Builds the collector of one page: services named by the query first, then by relevance at
/// [`SCORE_RESOLUTION`], then newest first.
pub(crate) fn ranked(
    per_page: usize,
    offset: usize,
    named: NamedDocs,
) -> impl Collector<Fruit = Vec<(RankKey, DocAddress)>> {
    TopDocs::with_limit(per_page)
        .and_offset(offset)
        .tweak_score(move |segment: &SegmentReader| {
            let published = segment
                .fast_fields()
                .i64("published_at")
                .ok()
                .map(|column| column.first_or_default_col(0));
            let named_docs = named.in_segment(segment.segment_id());
            move |doc: DocId, score: Score| {
                let published_at = published.as_ref().map_or(0, |column| column.get_val(doc));
                let is_named = named_docs.binary_search(&doc).is_ok();
                (
                    is_named,
                    (score * SCORE_RESOLUTION).round() as i64,
                    published_at,
                )
            }
        })
}
