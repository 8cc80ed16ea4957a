//! Keyset pagination, written once: opaque cursors, pages out of SQL keyset queries,
//! pages out of sequences ordered in memory (ciphertext cannot be ordered by SQL),
//! and offset pages for ranked results (ranks are not a stable keyset).

use crate::model::paging::{Page, PageRequest, PAGE_SIZE};
use crate::{AppError, AppResult};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Opaque position in a list: a sort key and the row id that breaks ties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub k: String,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("cursor serializes"))
    }

    pub fn decode(value: &str) -> AppResult<Self> {
        let bytes = URL_SAFE_NO_PAD
            .decode(value)
            .map_err(|_| AppError::BadRequest)?;
        serde_json::from_slice(&bytes).map_err(|_| AppError::BadRequest)
    }
}

/// A page request against an SQL keyset: fetch `limit()` rows past `cursor` in the
/// list's order (reversed when `backwards`), then [`Keyset::page`] them.
pub struct Keyset {
    pub cursor: Option<Cursor>,
    /// Paging to the previous page: the SQL runs in reverse order.
    pub backwards: bool,
    first_page: bool,
}

impl Keyset {
    pub fn new(request: &PageRequest) -> AppResult<Self> {
        let cursor = match (&request.after, &request.before) {
            (Some(c), _) | (None, Some(c)) => Some(Cursor::decode(c)?),
            (None, None) => None,
        };
        Ok(Self {
            cursor,
            backwards: request.after.is_none() && request.before.is_some(),
            first_page: request.after.is_none() && request.before.is_none(),
        })
    }

    /// Whether the SQL should ascend, for a list that ascends when `list_ascends`.
    pub fn sql_ascends(&self, list_ascends: bool) -> bool {
        list_ascends != self.backwards
    }

    /// Rows to fetch: one more than a page, to learn whether another page follows.
    pub fn limit(&self) -> i64 {
        PAGE_SIZE + 1
    }

    /// The page out of the fetched rows, in list order, with neighbour cursors.
    pub fn page<R>(&self, mut rows: Vec<R>, cursor_of: impl Fn(&R) -> Cursor) -> Page<R> {
        let more = rows.len() as i64 > PAGE_SIZE;
        rows.truncate(PAGE_SIZE as usize);
        if self.backwards {
            rows.reverse();
        }
        let encode = |row: &R| cursor_of(row).encode();
        let (next, prev) = match (rows.first(), rows.last()) {
            (Some(first), Some(last)) if self.backwards => {
                (Some(encode(last)), more.then(|| encode(first)))
            }
            (Some(first), Some(last)) => (
                more.then(|| encode(last)),
                (!self.first_page).then(|| encode(first)),
            ),
            _ => (None, None),
        };
        Page {
            items: rows,
            next,
            prev,
        }
    }
}

/// One page out of a sequence already in list order, as `(key, id, item)`, by keyset
/// cursor over `(key, id)`.
pub fn page_in_memory<T>(
    sorted: Vec<(String, Uuid, T)>,
    request: &PageRequest,
) -> AppResult<Page<T>> {
    let page = PAGE_SIZE as usize;
    let (start, end) = match (&request.after, &request.before) {
        (Some(after), _) => {
            let c = Cursor::decode(after)?;
            let start =
                sorted.partition_point(|(k, id, _)| (k.as_str(), *id) <= (c.k.as_str(), c.id));
            (start, (start + page).min(sorted.len()))
        }
        (None, Some(before)) => {
            let c = Cursor::decode(before)?;
            let end = sorted.partition_point(|(k, id, _)| (k.as_str(), *id) < (c.k.as_str(), c.id));
            (end.saturating_sub(page), end)
        }
        (None, None) => (0, page.min(sorted.len())),
    };
    let cursor = |i: usize| {
        Cursor {
            k: sorted[i].0.clone(),
            id: sorted[i].1,
        }
        .encode()
    };
    let next = (end < sorted.len() && end > start).then(|| cursor(end - 1));
    let prev = (start > 0 && end > start).then(|| cursor(start));
    let items = sorted
        .into_iter()
        .skip(start)
        .take(end - start)
        .map(|(_, _, item)| item)
        .collect();
    Ok(Page { items, next, prev })
}

/// Ranked results are paged by offset; the cursor carries the offset.
pub struct OffsetPage {
    pub offset: i64,
}

impl OffsetPage {
    pub fn new(request: &PageRequest) -> AppResult<Self> {
        let offset = match (&request.after, &request.before) {
            (Some(c), _) | (None, Some(c)) => Cursor::decode(c)?
                .k
                .parse()
                .map_err(|_| AppError::BadRequest)?,
            (None, None) => 0,
        };
        Ok(Self {
            offset: i64::max(offset, 0),
        })
    }

    /// The page of `items` (already this page's rows) out of `total` results.
    pub fn page<T>(&self, items: Vec<T>, total: i64) -> Page<T> {
        let cursor = |k: i64| {
            Cursor {
                k: k.to_string(),
                id: Uuid::nil(),
            }
            .encode()
        };
        let offset = self.offset;
        Page {
            items,
            next: (offset + PAGE_SIZE < total).then(|| cursor(offset + PAGE_SIZE)),
            prev: (offset > 0).then(|| cursor((offset - PAGE_SIZE).max(0))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<(String, Uuid, usize)> {
        (0..n)
            .map(|i| (format!("{i:04}"), Uuid::from_u128(i as u128), i))
            .collect()
    }

    fn after(cursor: Option<String>) -> PageRequest {
        PageRequest {
            after: cursor,
            before: None,
        }
    }

    fn before(cursor: Option<String>) -> PageRequest {
        PageRequest {
            after: None,
            before: cursor,
        }
    }

    #[test]
    fn in_memory_pages_cover_everything_once_in_both_directions() {
        let first = page_in_memory(entries(120), &PageRequest::default()).unwrap();
        assert_eq!((first.items.len(), &first.prev), (50, &None));
        let second = page_in_memory(entries(120), &after(first.next.clone())).unwrap();
        assert_eq!(second.items[0], 50);
        let third = page_in_memory(entries(120), &after(second.next.clone())).unwrap();
        assert_eq!((third.items.len(), &third.next), (20, &None));
        let back = page_in_memory(entries(120), &before(third.prev.clone())).unwrap();
        assert_eq!(back.items, second.items);
        let back2 = page_in_memory(entries(120), &before(second.prev.clone())).unwrap();
        assert_eq!(back2.items, first.items);
    }

    #[test]
    fn sql_keyset_pages_link_both_ways() {
        let cursor_of = |i: &usize| Cursor {
            k: format!("{i:04}"),
            id: Uuid::nil(),
        };
        let first = Keyset::new(&PageRequest::default()).unwrap();
        let page = first.page((0..51).collect(), cursor_of);
        assert_eq!(
            (page.items.len(), page.prev.is_none(), page.next.is_some()),
            (50, true, true)
        );
        // Going back from page 2: the SQL ran in reverse and fetched 51 rows.
        let back = Keyset::new(&before(Some(cursor_of(&50).encode()))).unwrap();
        assert!(back.backwards && !back.sql_ascends(true));
        let page = back.page((0..51).rev().collect(), cursor_of);
        assert_eq!(page.items.first(), Some(&1), "list order restored");
        assert!(page.prev.is_some() && page.next.is_some());
    }

    #[test]
    fn offsets_page_ranked_results() {
        let page = OffsetPage::new(&PageRequest::default())
            .unwrap()
            .page(vec![1; 50], 120);
        let next = OffsetPage::new(&after(page.next.clone())).unwrap();
        assert_eq!(next.offset, 50);
        assert!(page.prev.is_none());
        assert!(next.page(vec![1; 50], 120).prev.is_some());
        assert!(OffsetPage::new(&after(Some("!!!".into()))).is_err());
    }

    #[test]
    fn cursors_reject_garbage() {
        assert_eq!(Cursor::decode("!!!").err(), Some(AppError::BadRequest));
    }
}
