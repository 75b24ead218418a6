//! Running a [`SearchQuery`]: filters, the current-site boost, ranking, pagination, facets
//! and highlighted hits.

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Term, Value};
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};

use crate::build::{naming_query, text_query, Strictness};
use crate::error::{index_error, SearchError};
use crate::facets::{Facet, FacetCollector, FacetCounts};
use crate::highlight::Highlighter;
use crate::index::SearchIndex;
use crate::query::{QueryPlan, Scope, SearchQuery};
use crate::rank::{ranked, NamedDocs, RankKey};

/// Score added to documents placed on the current site.
const CURRENT_SITE_BOOST: Score = 2.0;
/// Hits per page when the request sets 0.
const DEFAULT_PER_PAGE: u32 = 10;
/// Largest page size served.
const MAX_PER_PAGE: u32 = 100;
/// Deepest result offset served; later pages come back without hits, but with the total.
const MAX_OFFSET: usize = 10_000;

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// Item id.
    pub item_id: u64,
    /// URL of the home placement.
    pub url: String,
    /// Home site code.
    pub site_code: String,
    /// Home site name.
    pub site_name: String,
    /// Title as escaped HTML, matches in `<mark>`.
    pub title_html: String,
    /// Up to about 160 characters of the body as escaped HTML, matches in `<mark>`.
    pub snippet_html: String,
    /// Publication time in Unix seconds.
    pub published_at: i64,
    /// BCP 47 language tag.
    pub lang: String,
    /// Column name of the home placement.
    pub column_name: String,
    /// Kind of document, such as `item` or `service`.
    #[serde(default)]
    pub kind: String,
}

/// The page of hits of one search, with totals and facets over every match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Number of matching documents.
    pub total: usize,
    /// Hits of the requested page, best first.
    pub hits: Vec<Hit>,
    /// Matches per home site, most first.
    pub site_facets: Vec<Facet>,
    /// Matches per publication year, newest first.
    pub year_facets: Vec<Facet>,
    /// Whether the query was longer than the searched maximum and was cut.
    pub truncated: bool,
    /// Whether the query had nothing to search for (blank or only punctuation).
    pub empty_query: bool,
}

/// A clause of a boolean query.
type Clause = (Occur, Box<dyn Query>);

/// The parts of one search that every collect pass shares.
struct Request<'a> {
    plan: &'a QueryPlan,
    /// Query matching the services the plan names, if it has words to match.
    naming: Option<&'a dyn Query>,
    named: &'a NamedDocs,
    filters: &'a [Clause],
    query: &'a SearchQuery,
}

/// Scored documents of one page with the total and facets of the whole match set.
struct Matches {
    top: Vec<(RankKey, DocAddress)>,
    total: usize,
    facets: FacetCounts,
}

impl SearchIndex {
    /// Searches every committed document for `query`.
    ///
    /// This is blocking, CPU-bound work (tantivy search plus highlighting of one page); async
    /// callers should run it on a blocking thread.
    ///
    /// A document must contain the query's words or their synonyms, most of them for queries
    /// of four words or more. When none does, any single word is enough.
    ///
    /// Services the query names come first. A service is named when its title or one of its
    /// names equals the whole query, or when its title and names contain every query word.
    /// Within each group, results are ordered by relevance, then newest first.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let synonyms = self.synonyms();
        let plan = QueryPlan::with_synonyms(&query.text, &synonyms);
        if plan.is_empty() {
            return Ok(SearchResults {
                truncated: plan.truncated,
                empty_query: true,
                ..SearchResults::default()
            });
        }
        let filters = self.filter_clauses(query)?;
        let searcher = self.reader.searcher();
        let naming = naming_query(&plan, &self.fields, &synonyms.name_variants(&query.text));
        let named = match &naming {
            Some(naming) => NamedDocs::find(&searcher, naming.as_ref())?,
            None => NamedDocs::default(),
        };

        let request = Request {
            plan: &plan,
            naming: naming.as_deref(),
            named: &named,
            filters: &filters,
            query,
        };
        let mut matches = self.collect(&searcher, &request, Strictness::Most)?;
        if matches.total == 0 {
            matches = self.collect(&searcher, &request, Strictness::Any)?;
        }

        let highlighter = Highlighter::new(&plan);
        let mut hits = Vec::with_capacity(matches.top.len());
        for (_, address) in matches.top {
            let document: TantivyDocument = searcher
                .doc(address)
                .map_err(index_error("read stored document"))?;
            hits.push(self.hit(&document, &highlighter));
        }
        Ok(SearchResults {
            total: matches.total,
            hits,
            site_facets: matches.facets.sites,
            year_facets: matches.facets.years,
            truncated: plan.truncated,
            empty_query: false,
        })
    }

    /// Builds the clauses that restrict or boost by site and year.
    fn filter_clauses(&self, query: &SearchQuery) -> Result<Vec<Clause>, SearchError> {
        let fields = &self.fields;
        let mut clauses = Vec::new();

        if query.scope == Scope::CurrentSite {
            let site = query
                .current_site
                .as_deref()
                .ok_or(SearchError::MissingCurrentSite)?;
            clauses.push((
                Occur::Must,
                constant(text_term(fields.site_codes, site), 0.0),
            ));
        }
        if let Some(site) = &query.site_filter {
            clauses.push((
                Occur::Must,
                constant(text_term(fields.home_site, site), 0.0),
            ));
        }
        if let Some(year) = query.year {
            let stored_year = u64::try_from(year)
                .ok()
                .filter(|year| *year <= 9999)
                .ok_or(SearchError::InvalidYear { year })?;
            let term = Term::from_field_u64(fields.year, stored_year);
            clauses.push((Occur::Must, constant(term, 0.0)));
        }
        if let Some(kind) = &query.kind {
            clauses.push((Occur::Must, constant(text_term(fields.kind, kind), 0.0)));
        }
        if let Some(site) = &query.current_site {
            let term = text_term(fields.site_codes, site);
            clauses.push((Occur::Should, constant(term, CURRENT_SITE_BOOST)));
        }
        Ok(clauses)
    }

    fn collect(
        &self,
        searcher: &Searcher,
        request: &Request<'_>,
        strictness: Strictness,
    ) -> Result<Matches, SearchError> {
        let Some(text) = text_query(request.plan, &self.fields, strictness) else {
            return Ok(Matches {
                top: Vec::new(),
                total: 0,
                facets: FacetCounts::default(),
            });
        };
        // A named service matches even when the text query misses it, for example when its
        // name is a synonym of the query. Its rank comes from `named`, not from this score.
        let text = match request.naming {
            Some(naming) => {
                let named: Box<dyn Query> = Box::new(ConstScoreQuery::new(naming.box_clone(), 0.0));
                Box::new(BooleanQuery::union(vec![text, named]))
            }
            None => text,
        };
        let mut clauses = vec![(Occur::Must, text)];
        clauses.extend(
            request
                .filters
                .iter()
                .map(|(occur, clause)| (*occur, clause.box_clone())),
        );
        let query = request.query;
        let combined = BooleanQuery::new(clauses);

        let per_page = match query.per_page {
            0 => DEFAULT_PER_PAGE,
            per_page => per_page.min(MAX_PER_PAGE),
        } as usize;
        let offset = (query.page as usize).saturating_mul(per_page);
        let top_docs =
            (offset <= MAX_OFFSET).then(|| ranked(per_page, offset, request.named.clone()));

        let (top, total, facets) = searcher
            .search(&combined, &(top_docs, Count, FacetCollector))
            .map_err(index_error("search"))?;
        Ok(Matches {
            top: top.unwrap_or_default(),
            total,
            facets,
        })
    }

    fn hit(&self, document: &TantivyDocument, highlighter: &Highlighter) -> Hit {
        let fields = &self.fields;
        let text = |field: Field| stored_text(document, field);
        Hit {
            item_id: document
                .get_first(fields.item_id)
                .and_then(|value| value.as_u64())
                .unwrap_or(0),
            url: text(fields.url),
            site_code: text(fields.home_site),
            site_name: text(fields.site_name),
            title_html: highlighter.title_html(&text(fields.title)),
            snippet_html: highlighter.snippet_html(&text(fields.body)),
            published_at: document
                .get_first(fields.published_at)
                .and_then(|value| value.as_i64())
                .unwrap_or(0),
            lang: text(fields.lang),
            column_name: text(fields.column_name),
            kind: text(fields.kind),
        }
    }
}

fn text_term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn constant(term: Term, score: Score) -> Box<dyn Query> {
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    Box::new(ConstScoreQuery::new(Box::new(query), score))
}

fn stored_text(document: &TantivyDocument, field: Field) -> String {
    document
        .get_first(field)
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .to_string()
}
