//! Saved list views and bulk actions on lists.

use super::contacts::{choice, LifecycleStage};
use super::records;
use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Records changed by one bulk action at most (a page of a list is 50).
pub const BULK_MAX: usize = 500;
pub const VIEW_NAME_MAX: usize = 80;
pub const VIEW_QUERY_MAX: usize = 2_000;

choice! {
    /// The list a view belongs to.
    ViewArea { Organisations } default Contacts
}

impl ViewArea {
    pub fn path(self) -> &'static str {
        match self {
            ViewArea::Contacts => "/contacts",
            ViewArea::Organisations => "/organisations",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedViewInput {
    pub area: ViewArea,
    pub name: String,
    /// The list's URL query string, without `?` and without page cursors.
    pub query: String,
    #[serde(with = "records::checkbox")]
    pub shared: bool,
}

impl SavedViewInput {
    pub fn normalized(&self) -> Self {
        let query = self
            .query
            .trim()
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("after=") && !p.starts_with("before="))
            .collect::<Vec<_>>()
            .join("&");
        Self {
            area: self.area,
            name: self.name.trim().to_owned(),
            query,
            shared: self.shared,
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("name", validation::required(&self.name, VIEW_NAME_MAX));
        if self.query.len() > VIEW_QUERY_MAX {
            errors.add(
                "query",
                Problem::TooLong {
                    max: VIEW_QUERY_MAX,
                },
            );
        }
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: Uuid,
    pub area: ViewArea,
    pub name: String,
    pub query: String,
    pub shared: bool,
    /// Whether the signed-in user saved it (and may delete it).
    pub mine: bool,
}

impl SavedView {
    pub fn href(&self) -> String {
        if self.query.is_empty() {
            self.area.path().to_owned()
        } else {
            format!("{}?{}", self.area.path(), self.query)
        }
    }
}

/// What a bulk action does to each selected record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkChange {
    AddTag(String),
    Owner(Option<Uuid>),
    Stage(LifecycleStage),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRequest {
    pub ids: Vec<Uuid>,
    pub change: BulkChange,
    /// The count the user confirmed; it must match the selection.
    pub confirmed: usize,
}

impl BulkRequest {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.ids.is_empty() {
            errors.add("ids", Problem::Required);
        } else if self.ids.len() > BULK_MAX {
            errors.add("ids", Problem::TooMany { max: BULK_MAX });
        }
        if self.confirmed != self.ids.len() {
            errors.add("confirmed", Problem::InvalidNumber);
        }
        if let BulkChange::AddTag(tag) = &self.change {
            errors.check("tag", validation::required(tag, 40));
            if tag.contains(',') {
                errors.add("tag", Problem::InvalidChoice);
            }
        }
        errors
    }
}

/// Adds `tag` to a comma-separated tag list unless it is there (case-insensitive).
pub fn with_tag(tags: &str, tag: &str) -> String {
    let tag = tag.trim();
    let mut all: Vec<&str> = tags
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if !all.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
        all.push(tag);
    }
    all.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_keeps_the_filter_but_not_the_page() {
        let input = SavedViewInput {
            name: " Kunden A ".into(),
            query: "?stage=customer&after=abc&class=a".into(),
            ..Default::default()
        }
        .normalized();
        assert_eq!(input.name, "Kunden A");
        assert_eq!(input.query, "stage=customer&class=a");
    }

    #[test]
    fn the_confirmed_count_must_match_the_selection() {
        let request = BulkRequest {
            ids: vec![Uuid::nil(), Uuid::max()],
            change: BulkChange::Delete,
            confirmed: 1,
        };
        assert!(request.validate().get("confirmed").is_some());
        let request = BulkRequest {
            confirmed: 2,
            ..request
        };
        assert!(request.validate().is_empty());
    }

    #[test]
    fn tags_are_added_once() {
        assert_eq!(with_tag("VIP, Messe", "vip"), "VIP, Messe");
        assert_eq!(with_tag("", "Messe 2026"), "Messe 2026");
        assert_eq!(with_tag("VIP", "Messe"), "VIP, Messe");
    }
}
