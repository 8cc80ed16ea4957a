//! The contact list: its rows, sort orders, filters, query and page.

use super::*;

/// One row of the contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub organisation: Option<RecordRef>,
    pub owner_id: Option<Uuid>,
    pub stage: LifecycleStage,
    pub classification: Option<Classification>,
    pub tags: Vec<String>,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray,
)]
pub enum ContactSort {
    #[default]
    NameAsc,
    NameDesc,
    NewestFirst,
    OldestFirst,
    RecentlyChanged,
}

impl ContactSort {
    /// Every variant, in declaration order.
    pub fn all() -> impl Iterator<Item = ContactSort> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    pub fn as_param(self) -> &'static str {
        match self {
            ContactSort::NameAsc => "name",
            ContactSort::NameDesc => "-name",
            ContactSort::NewestFirst => "-created",
            ContactSort::OldestFirst => "created",
            ContactSort::RecentlyChanged => "-updated",
        }
    }

    pub fn from_param(value: &str) -> Self {
        Self::all()
            .find(|s| s.as_param() == value)
            .unwrap_or_default()
    }
}

/// Filters on a record list's plaintext metadata (owner, tags, stage, class, period).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordFilter {
    #[serde(with = "records::optional")]
    pub owner: Option<Uuid>,
    pub tag: String,
    #[serde(with = "records::optional")]
    pub stage: Option<LifecycleStage>,
    #[serde(with = "records::optional")]
    pub classification: Option<Classification>,
    #[serde(with = "records::optional")]
    pub organisation: Option<Uuid>,
    /// `created` or `updated`, with the inclusive dates below.
    pub period_field: String,
    pub from: String,
    pub to: String,
}

impl RecordFilter {
    pub fn is_empty(&self) -> bool {
        *self == RecordFilter::default()
    }

    /// The period as half-open UTC day bounds; `BadRequest`-worthy dates are ignored.
    pub fn period(&self) -> (Option<time::Date>, Option<time::Date>) {
        (
            validation::parse_date(&self.from),
            validation::parse_date(&self.to),
        )
    }

    pub fn by_updated(&self) -> bool {
        self.period_field == "updated"
    }
}

/// A page request: text filter, metadata filters, sort order and a keyset cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactListQuery {
    pub q: String,
    pub filter: RecordFilter,
    pub sort: ContactSort,
    /// Rows after this cursor (next page).
    pub after: Option<String>,
    /// Rows before this cursor (previous page).
    pub before: Option<String>,
}

impl ContactListQuery {
    pub fn page_request(&self) -> PageRequest {
        PageRequest {
            after: self.after.clone(),
            before: self.before.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub items: Vec<ContactSummary>,
    /// Cursor for the next page, if there is one.
    pub next: Option<String>,
    /// Cursor for the previous page, if there is one.
    pub prev: Option<String>,
    /// How many contacts match the filter in total.
    pub total: i64,
    /// The order actually applied: name order falls back to newest-first for
    /// tenants with more than [`NAME_SORT_LIMIT`] contacts (names are encrypted).
    pub sort: ContactSort,
    /// Whether `q` was a search (ranked by relevance) rather than no filter.
    pub ranked: bool,
}

impl ContactPage {
    pub fn from_page(
        page: Page<ContactSummary>,
        total: i64,
        sort: ContactSort,
        ranked: bool,
    ) -> Self {
        Self {
            items: page.items,
            next: page.next,
            prev: page.prev,
            total,
            sort,
            ranked,
        }
    }
}

pub use crate::model::paging::NAME_SORT_LIMIT;
