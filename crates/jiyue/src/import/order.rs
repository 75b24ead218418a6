//! The order in which items are stored: an original before the items that translate it,
//! within a file and across files.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::record::ParsedItem;

/// Orders items so that every original comes before the items that translate it.
pub(crate) fn originals_first(items: Vec<ParsedItem>) -> Vec<ParsedItem> {
    let ids: HashSet<String> = items
        .iter()
        .map(|item| item.input.external_id.clone())
        .collect();
    let mut placed: HashSet<String> = HashSet::new();
    let mut pending: BTreeMap<usize, ParsedItem> = items.into_iter().enumerate().collect();
    let mut ordered = Vec::with_capacity(pending.len());

    while !pending.is_empty() {
        let ready: Vec<usize> = pending
            .iter()
            .filter(|(_, item)| match &item.input.translation_of {
                Some(original) => !ids.contains(original) || placed.contains(original),
                None => true,
            })
            .map(|(index, _)| *index)
            .collect();
        // A translation cycle has no first item, so keep file order and let storage reject it.
        let ready = if ready.is_empty() {
            pending.keys().copied().collect()
        } else {
            ready
        };
        for index in ready {
            if let Some(item) = pending.remove(&index) {
                placed.insert(item.input.external_id.clone());
                ordered.push(item);
            }
        }
    }
    ordered
}

/// Returns the indexes of `files` in storing order, so that a file containing the original of
/// a translation in another file comes first. Files with no such link keep their order.
pub(crate) fn dependency_order(files: &[&[ParsedItem]]) -> Vec<usize> {
    let (mut waiting_on, unblocks) = translation_links(files);
    let mut ready: BTreeSet<usize> = (0..files.len()).filter(|i| waiting_on[*i] == 0).collect();
    let mut order = Vec::with_capacity(files.len());
    let mut placed = vec![false; files.len()];

    while order.len() < files.len() {
        // A cycle between files has no first file, so take the lowest remaining one and let
        // storage reject what it cannot link.
        let next = match ready.pop_first() {
            Some(next) => next,
            None => placed.iter().position(|done| !done).unwrap_or_default(),
        };
        order.push(next);
        placed[next] = true;
        for waiter in &unblocks[next] {
            if placed[*waiter] {
                continue;
            }
            waiting_on[*waiter] = waiting_on[*waiter].saturating_sub(1);
            if waiting_on[*waiter] == 0 {
                ready.insert(*waiter);
            }
        }
    }
    order
}

/// Returns, per file, the number of other files it translates from, and the files waiting on
/// each file.
fn translation_links(files: &[&[ParsedItem]]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut file_of_id: HashMap<&str, usize> = HashMap::new();
    for (index, items) in files.iter().enumerate() {
        for item in items.iter() {
            file_of_id.insert(item.input.external_id.as_str(), index);
        }
    }

    let mut waiting_on = vec![0; files.len()];
    let mut unblocks: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for (index, items) in files.iter().enumerate() {
        let originals: BTreeSet<usize> = items
            .iter()
            .filter_map(|item| item.input.translation_of.as_deref())
            .filter_map(|original| file_of_id.get(original).copied())
            .filter(|other| *other != index)
            .collect();
        waiting_on[index] = originals.len();
        for other in originals {
            unblocks[other].push(index);
        }
    }
    (waiting_on, unblocks)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use jiyue_core::ItemMeta;
    use jiyue_db::{ColumnRef, ItemInput};

    use super::*;

    fn item(id: &str, translation_of: Option<&str>) -> ParsedItem {
        let input = ItemInput {
            external_id: id.to_owned(),
            org_credit_code: String::new(),
            meta: ItemMeta::default(),
            body_html: String::new(),
            home: ColumnRef {
                site_code: String::new(),
                column_path: String::new(),
            },
            extra_placements: Vec::new(),
            translation_of: translation_of.map(str::to_owned),
            legacy_urls: Vec::new(),
            publish: true,
            sample: false,
        };
        ParsedItem {
            input,
            file: "a.md".to_owned(),
            line: 1,
            lines: BTreeMap::new(),
        }
    }

    fn ids(items: &[ParsedItem]) -> Vec<&str> {
        items
            .iter()
            .map(|item| item.input.external_id.as_str())
            .collect()
    }

    #[test]
    fn originals_first_moves_translations_back() {
        let items = vec![
            item("en", Some("zh")),
            item("zh", None),
            item("x", Some("stored")),
        ];
        assert_eq!(ids(&originals_first(items)), vec!["zh", "x", "en"]);
    }

    #[test]
    fn originals_first_keeps_cycle() {
        let items = vec![item("a", Some("b")), item("b", Some("a"))];
        assert_eq!(ids(&originals_first(items)), vec!["a", "b"]);
    }

    #[test]
    fn dependency_order_puts_originals_first() {
        let english = [item("en", Some("zh"))];
        let chinese = [item("zh", None)];
        let other = [item("x", None)];
        let files: Vec<&[ParsedItem]> = vec![&english, &chinese, &other];
        assert_eq!(dependency_order(&files), vec![1, 0, 2]);
    }

    #[test]
    fn dependency_order_survives_cycle() {
        let first = [item("a", Some("b"))];
        let second = [item("b", Some("a"))];
        let files: Vec<&[ParsedItem]> = vec![&first, &second];
        assert_eq!(dependency_order(&files), vec![0, 1]);
    }
}
