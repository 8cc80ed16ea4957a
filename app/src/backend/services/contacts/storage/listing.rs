//! Contact list queries: filters on plaintext metadata, keyset pages on time.

use super::{SealedSummary, SELECT_SUMMARY};
use crate::backend::listing::{capped_count, push_filter, push_time_page, ListTable};
use crate::backend::paging::Keyset;
use crate::model::contacts::RecordFilter;
use crate::AppResult;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

const CONTACTS: ListTable = ListTable {
    id: "contact_id",
    organisation: Some("organisation_id"),
    has_stage: true,
    // Contacts merged into another are kept (for undo) but never listed.
    always: Some("merged_into IS NULL"),
};

/// How many contacts match the filter, up to `limit` + 1 (lists pass
/// [`crate::model::paging::count_limit`]).
pub async fn count_filtered(
    conn: &mut PgConnection,
    filter: &RecordFilter,
    limit: i64,
) -> AppResult<i64> {
    capped_count(conn, "contacts", &CONTACTS, filter, limit).await
}

/// Every contact matching the filter (for name order in memory).
pub async fn all_summaries(
    conn: &mut PgConnection,
    filter: &RecordFilter,
) -> AppResult<Vec<SealedSummary>> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(SELECT_SUMMARY);
    push_filter(&mut sql, &CONTACTS, filter, false);
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

/// One keyset page's rows in creation (or change) order, newest first unless
/// `oldest_first`.
pub async fn summaries_by_time(
    conn: &mut PgConnection,
    filter: &RecordFilter,
    keyset: &Keyset,
    by_updated: bool,
    oldest_first: bool,
) -> AppResult<Vec<SealedSummary>> {
    let column = if by_updated {
        "updated_at"
    } else {
        "created_at"
    };
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(SELECT_SUMMARY);
    let has_where = push_filter(&mut sql, &CONTACTS, filter, false);
    push_time_page(&mut sql, &CONTACTS, keyset, column, oldest_first, has_where)?;
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

/// The rows of `ids` that also match the filter.
pub async fn summaries_by_ids(
    conn: &mut PgConnection,
    ids: &[Uuid],
    filter: &RecordFilter,
) -> AppResult<Vec<SealedSummary>> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(SELECT_SUMMARY);
    sql.push(" WHERE contact_id = ANY(")
        .push_bind(ids)
        .push(")");
    push_filter(&mut sql, &CONTACTS, filter, true);
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

/// Ids of every contact matching the filter, oldest first (exports), at most `limit`.
pub async fn ids_filtered(
    conn: &mut PgConnection,
    filter: &RecordFilter,
    limit: i64,
) -> AppResult<Vec<Uuid>> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new("SELECT contact_id FROM contacts");
    push_filter(&mut sql, &CONTACTS, filter, false);
    sql.push(" ORDER BY created_at, contact_id LIMIT ")
        .push_bind(limit);
    Ok(sql.build_query_scalar().fetch_all(conn).await?)
}
