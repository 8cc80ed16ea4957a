//! The command palette: type-ahead over contacts and organisations, plus commands.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Hits per kind of record.
pub const HITS: i64 = 6;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaletteHit {
    pub id: Uuid,
    /// `/contacts/<id>` or `/organisations/<id>`.
    pub href: String,
    pub title: String,
    /// E-mail, organisation or city: what tells two namesakes apart.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaletteResults {
    pub contacts: Vec<PaletteHit>,
    pub organisations: Vec<PaletteHit>,
}
