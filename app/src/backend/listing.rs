//! SQL for record lists, written once: the metadata filter (owner, tag, stage, class,
//! linked organisation, period) and the keyset condition and order on a timestamp.

use super::paging::Keyset;
use crate::model::contacts::RecordFilter;
use crate::{AppError, AppResult};
use sqlx::{Postgres, QueryBuilder};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A list's table in the terms the shared SQL needs.
pub struct ListTable {
    /// The id column, e.g. `contact_id`.
    pub id: &'static str,
    /// The column the "organisation" filter compares, if the list has one.
    pub organisation: Option<&'static str>,
    /// Whether rows have a lifecycle stage.
    pub has_stage: bool,
    /// A condition every listed row meets (e.g. not merged away), if any.
    pub always: Option<&'static str>,
}

/// How many rows of `from` match `filter`, counted up to `limit` + 1 (lists pass
/// [`crate::model::paging::count_limit`] and report
/// [`crate::model::paging::reported_total`]): the cost is bounded at any size.
pub async fn capped_count(
    conn: &mut sqlx::PgConnection,
    from: &'static str,
    table: &ListTable,
    filter: &RecordFilter,
    limit: i64,
) -> AppResult<i64> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM ");
    sql.push(from);
    push_filter(&mut sql, table, filter, false);
    sql.push(" LIMIT ").push_bind(limit + 1).push(") matches");
    Ok(sql.build_query_scalar().fetch_one(conn).await?)
}

/// Adds the filter's conditions, starting with `WHERE` unless `after_where`; returns
/// whether a `WHERE` is in place afterwards.
pub fn push_filter(
    sql: &mut QueryBuilder<'_, Postgres>,
    table: &ListTable,
    filter: &RecordFilter,
    after_where: bool,
) -> bool {
    let mut has_where = after_where;
    let mut and = |sql: &mut QueryBuilder<'_, Postgres>| {
        sql.push(if has_where { " AND " } else { " WHERE " });
        has_where = true;
    };
    if let Some(condition) = table.always {
        and(sql);
        sql.push(condition);
    }
    if let Some(owner) = filter.owner {
        and(sql);
        sql.push("owner_id = ").push_bind(owner);
    }
    if filter.tag.contains('\0') {
        // No stored tag has one (PostgreSQL text cannot hold it).
        and(sql);
        sql.push("false");
    } else if !filter.tag.trim().is_empty() {
        and(sql);
        sql.push("tags @> ARRAY[")
            .push_bind(filter.tag.trim().to_owned())
            .push("]::text[]");
    }
    if let (Some(stage), true) = (filter.stage, table.has_stage) {
        and(sql);
        sql.push("stage = ").push_bind(stage.code());
    }
    if let Some(class) = filter.classification {
        and(sql);
        sql.push("classification = ").push_bind(class.code());
    }
    if let (Some(org), Some(column)) = (filter.organisation, table.organisation) {
        and(sql);
        sql.push(column).push(" = ").push_bind(org);
    }
    let column = if filter.by_updated() {
        "updated_at"
    } else {
        "created_at"
    };
    let (from, to) = filter.period();
    if let Some(from) = from {
        and(sql);
        sql.push(column)
            .push(" >= ")
            .push_bind(from.midnight().assume_utc());
    }
    if let Some(to) = to {
        and(sql);
        let end = to.next_day().unwrap_or(to).midnight().assume_utc();
        sql.push(column).push(" < ").push_bind(end);
    }
    has_where
}

/// Adds the keyset condition, order and limit of a page on `time_column`
/// (`created_at` or `updated_at`), newest first unless `oldest_first`.
pub fn push_time_page(
    sql: &mut QueryBuilder<'_, Postgres>,
    table: &ListTable,
    keyset: &Keyset,
    time_column: &'static str,
    oldest_first: bool,
    has_where: bool,
) -> AppResult<()> {
    let ascending = keyset.sql_ascends(oldest_first);
    if let Some(cursor) = &keyset.cursor {
        let at = OffsetDateTime::parse(&cursor.k, &Rfc3339).map_err(|_| AppError::BadRequest)?;
        sql.push(if has_where { " AND (" } else { " WHERE (" })
            .push(time_column)
            .push(", ")
            .push(table.id)
            .push(if ascending { ") > (" } else { ") < (" })
            .push_bind(at)
            .push(", ")
            .push_bind(cursor.id)
            .push(")");
    }
    let direction = if ascending { " ASC" } else { " DESC" };
    sql.push(" ORDER BY ")
        .push(time_column)
        .push(direction)
        .push(", ")
        .push(table.id)
        .push(direction)
        .push(" LIMIT ")
        .push_bind(keyset.limit());
    Ok(())
}

/// The keyset cursor of a row at `at`.
pub fn time_cursor(at: OffsetDateTime, id: uuid::Uuid) -> super::paging::Cursor {
    super::paging::Cursor {
        k: at.format(&Rfc3339).expect("timestamps format"),
        id,
    }
}
