//! Turns published items into search documents, and rebuilds the index from the database.

use jiyue_db::{Db, DbError, PublishedItem};
use jiyue_search::{SearchDoc, SearchIndex};

use crate::SiteDirectory;

/// A failure while indexing.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("search index: {0}")]
    Search(#[from] jiyue_search::SearchError),
}

/// Builds the search document of an item, or `None` when its home site is unknown.
pub async fn search_doc(
    db: &Db,
    directory: &SiteDirectory,
    item: &PublishedItem,
) -> Result<Option<SearchDoc>, DbError> {
    let Some(home) = item.placements.iter().find(|p| p.is_home) else {
        return Ok(None);
    };
    let Some(site) = directory.sites.get(&home.site_id) else {
        return Ok(None);
    };
    let column_name = db
        .column(home.column_id)
        .await?
        .map(|column| column.name)
        .unwrap_or_default();
    let mut site_codes: Vec<String> = item
        .placements
        .iter()
        .filter_map(|p| directory.sites.get(&p.site_id).map(|s| s.code.clone()))
        .collect();
    site_codes.sort();
    site_codes.dedup();

    let published = item.meta.published_at.unwrap_or(item.first_published_at);
    let mut body = jiyue_render::html_to_text(&item.body_html);
    for extra in [
        &item.meta.summary,
        &item.meta.document_number,
        &item.meta.issuing_org,
    ]
    .into_iter()
    .flatten()
    {
        body.push('\n');
        body.push_str(extra);
    }
    if !item.meta.keywords.is_empty() {
        body.push('\n');
        body.push_str(&item.meta.keywords.join(" "));
    }

    let mut names = Vec::new();
    let kind = match &item.meta.service {
        Some(guide) => {
            // A service is found by its name, the names editors list as keywords, its code and
            // what the guide says an applicant needs.
            names.extend(item.meta.keywords.iter().cloned());
            names.push(guide.code.clone());
            for text in [&guide.implementing_org, &guide.conditions] {
                body.push('\n');
                body.push_str(text);
            }
            for material in &guide.materials {
                body.push('\n');
                body.push_str(&material.name);
            }
            "service"
        }
        None => "item",
    };

    Ok(Some(SearchDoc {
        item_id: item.id as u64,
        site_codes,
        home_site: site.code.clone(),
        site_name: site.name.clone(),
        lang: item.meta.lang.clone(),
        kind: kind.to_string(),
        names,
        title: item.meta.title.clone(),
        body,
        // The path only: the host and port are added when results are shown, so the index
        // stays valid when the platform's public address changes.
        url: home.path.clone(),
        column_name,
        published_at: published.timestamp(),
    }))
}

/// Brings one item up to date in the index: added or replaced when published, removed when
/// not. The caller commits.
pub async fn index_item(
    db: &Db,
    search: &SearchIndex,
    directory: &SiteDirectory,
    item_id: i64,
) -> Result<(), IndexError> {
    match db.published_item(item_id).await? {
        Some(item) => match search_doc(db, directory, &item).await? {
            Some(doc) => search.upsert(&doc)?,
            None => search.delete(item_id as u64)?,
        },
        None => search.delete(item_id as u64)?,
    }
    Ok(())
}

/// Rebuilds the whole index from the database and commits it at the current outbox head.
/// `progress` is called with the number of items indexed so far.
pub async fn reindex(
    db: &Db,
    search: &SearchIndex,
    directory: &SiteDirectory,
    mut progress: impl FnMut(u64),
) -> Result<u64, IndexError> {
    let head = db.outbox_head().await?;
    search.clear()?;
    let mut after = 0;
    let mut count = 0;
    loop {
        let batch = db.all_published_items(after, 200).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.id;
        for item in &batch {
            if let Some(doc) = search_doc(db, directory, item).await? {
                search.upsert(&doc)?;
                count += 1;
            }
        }
        progress(count);
    }
    search.commit(head)?;
    Ok(count)
}
