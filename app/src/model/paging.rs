//! Pages of lists, shared by every area: keyset cursors, never `OFFSET` over a table.

use serde::{Deserialize, Serialize};

/// Rows per list page.
pub const PAGE_SIZE: i64 = 50;

/// Lists count their matches up to this many: a total above it means "more than
/// this" (counting a million rows for a pager line costs more than the page; a
/// thousand costs a fraction of a millisecond). The pager texts name the number.
pub const COUNT_LIMIT: i64 = 1_000;

/// Up to this many records, a list can be ordered by name: names are sealed, so the
/// order is made in memory after decrypting every match.
pub const NAME_SORT_LIMIT: i64 = 20_000;

/// How far a list counts its matches: name order must know whether they stay within
/// [`NAME_SORT_LIMIT`], any other order only what the pager shows.
pub fn count_limit(by_name: bool) -> i64 {
    if by_name {
        NAME_SORT_LIMIT
    } else {
        COUNT_LIMIT
    }
}

/// The total a list reports for `counted` matches: exact up to [`COUNT_LIMIT`], above
/// it `COUNT_LIMIT + 1`, which reads "more than".
pub fn reported_total(counted: i64) -> i64 {
    counted.min(COUNT_LIMIT + 1)
}

/// Whether a list's `total` is the exact number of matches (not "more than").
pub fn total_is_exact(total: i64) -> bool {
    total <= COUNT_LIMIT
}

/// Where a page starts: after one opaque cursor (next page) or before one (previous).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub after: Option<String>,
    pub before: Option<String>,
}

/// One page of a list with the cursors of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor for the next page, if there is one.
    pub next: Option<String>,
    /// Cursor for the previous page, if there is one.
    pub prev: Option<String>,
}

impl<T> Page<T> {
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            next: None,
            prev: None,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
            prev: self.prev,
        }
    }
}
