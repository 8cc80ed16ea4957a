//! The command palette's type-ahead.

use crate::model::palette::PaletteResults;
use crate::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::palette};

#[server(prefix = "/rpc", endpoint = "palette")]
pub async fn palette_search(q: String) -> Result<PaletteResults, AppError> {
    in_scope(async |s| palette::search(s, &q).await).await
}
