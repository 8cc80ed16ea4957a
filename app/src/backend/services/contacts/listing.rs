//! Contact lists: pages by name (in memory, names are sealed), by time (SQL keyset),
//! or ranked search results; one audit entry per page naming every contact shown.

use super::audited;
use super::storage::{self, SealedSummary, TABLE};
use crate::backend::crypto::fold;
use crate::backend::paging::{page_in_memory, Keyset, OffsetPage};
use crate::backend::search::{self, Lookup, RecordKind};
use crate::backend::services::organisations;
use crate::backend::Scope;
use crate::model::contacts::{
    ContactAudit, ContactField, ContactListQuery, ContactPage, ContactSort, ContactSummary,
};
use crate::model::paging::{count_limit, reported_total, Page, NAME_SORT_LIMIT, PAGE_SIZE};
use crate::model::permission::{Action, Area};
use crate::AppResult;
use std::collections::HashMap;
use uuid::Uuid;

/// A list page, logged as one audit entry naming every contact shown.
pub async fn list(scope: &mut Scope, query: &ContactListQuery) -> AppResult<ContactPage> {
    scope.require(Area::Contacts, Action::Read)?;
    let mut page = if query.q.trim().is_empty() {
        list_unranked(scope, query).await?
    } else {
        search(scope, query).await?
    };
    if !page.items.is_empty() {
        let shown: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
        // A search logs which contacts it showed, never what was searched for.
        let action = if page.ranked {
            ContactAudit::Search
        } else {
            ContactAudit::List
        };
        let fields = ContactField::SUMMARY.map(ContactField::name);
        let event = scope
            .event(audited(action))
            .subjects(&shown)
            .fields(&fields);
        scope.audit(event).await?;
        name_organisations(scope, &mut page.items).await?;
    }
    Ok(page)
}

/// Fills in the names of the rows' organisations (one audited lookup).
async fn name_organisations(scope: &mut Scope, rows: &mut [ContactSummary]) -> AppResult<()> {
    let ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|r| r.organisation.as_ref().map(|o| o.id))
        .collect();
    if ids.is_empty() || !scope.may(Area::Organisations, Action::Read) {
        return Ok(());
    }
    let names = organisations::names(scope, &ids).await?;
    for row in rows.iter_mut() {
        if let Some(org) = row.organisation.as_mut() {
            org.name = names.get(&org.id).cloned().unwrap_or_default();
        }
    }
    Ok(())
}

async fn list_unranked(scope: &mut Scope, query: &ContactListQuery) -> AppResult<ContactPage> {
    let by_name = matches!(query.sort, ContactSort::NameAsc | ContactSort::NameDesc);
    let counted =
        storage::count_filtered(scope.conn(), &query.filter, count_limit(by_name)).await?;
    let (page, sort) = if by_name && counted <= NAME_SORT_LIMIT {
        (list_by_name(scope, query).await?, query.sort)
    } else if by_name {
        // Too many to order ciphertext in memory: newest first, from the start.
        let fallback = ContactListQuery {
            sort: ContactSort::NewestFirst,
            after: None,
            before: None,
            ..query.clone()
        };
        (list_by_time(scope, &fallback).await?, fallback.sort)
    } else {
        (list_by_time(scope, query).await?, query.sort)
    };
    Ok(ContactPage::from_page(
        page,
        reported_total(counted),
        sort,
        false,
    ))
}

/// Opens sealed list rows in one batch of key lookups; erased contacts are skipped.
async fn open_summaries(
    scope: &mut Scope,
    rows: Vec<SealedSummary>,
) -> AppResult<Vec<ContactSummary>> {
    let mask = scope.field_mask.clone();
    scope
        .open_rows(
            TABLE,
            rows,
            |r| (r.contact_id, r.contact_id),
            |c, r| r.open(c, &mask),
        )
        .await
}

/// Names are ciphertext, so name order is made in memory (bounded by NAME_SORT_LIMIT).
async fn list_by_name(
    scope: &mut Scope,
    query: &ContactListQuery,
) -> AppResult<Page<ContactSummary>> {
    let rows = storage::all_summaries(scope.conn(), &query.filter).await?;
    let opened = open_summaries(scope, rows).await?;
    let name_key =
        |c: &ContactSummary| format!("{}\u{1f}{}", fold(&c.last_name), fold(&c.first_name));
    let mut sorted: Vec<(String, Uuid, ContactSummary)> = opened
        .into_iter()
        .map(|c| (name_key(&c), c.id, c))
        .collect();
    sorted.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
    if query.sort == ContactSort::NameDesc {
        // Descending order: re-key by position so keyset comparisons still ascend.
        sorted.reverse();
        for (i, entry) in sorted.iter_mut().enumerate() {
            entry.0 = format!("{i:012}");
        }
    }
    page_in_memory(sorted, &query.page_request())
}

async fn list_by_time(
    scope: &mut Scope,
    query: &ContactListQuery,
) -> AppResult<Page<ContactSummary>> {
    let keyset = Keyset::new(&query.page_request())?;
    let by_updated = query.sort == ContactSort::RecentlyChanged;
    let oldest_first = query.sort == ContactSort::OldestFirst;
    let rows = storage::summaries_by_time(
        scope.conn(),
        &query.filter,
        &keyset,
        by_updated,
        oldest_first,
    )
    .await?;
    let page = keyset.page(rows, |r| r.cursor(by_updated));
    let items = open_summaries(scope, page.items).await?;
    Ok(Page {
        items,
        next: page.next,
        prev: page.prev,
    })
}

/// Ranked search: every word must match a name or organisation word prefix; an
/// e-mail or phone number matches exactly.
async fn search(scope: &mut Scope, query: &ContactListQuery) -> AppResult<ContactPage> {
    let index = scope.index_key().await?;
    let offsets = OffsetPage::new(&query.page_request())?;
    let lookup = Lookup::classify(&index, &query.q);
    let (ids, total) = search::ranked_ids(
        scope.conn(),
        RecordKind::Contact,
        &lookup,
        offsets.offset,
        PAGE_SIZE,
    )
    .await?;
    let rows = storage::summaries_by_ids(scope.conn(), &ids, &query.filter).await?;
    let mut opened: HashMap<Uuid, ContactSummary> = open_summaries(scope, rows)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let items = ids.iter().filter_map(|id| opened.remove(id)).collect();
    Ok(ContactPage::from_page(
        offsets.page(items, total),
        total,
        query.sort,
        true,
    ))
}

/// List rows of `ids` (in no particular order) for another area that audits what it
/// shows (the command palette, duplicate groups).
pub async fn summaries_unaudited(
    scope: &mut Scope,
    ids: &[Uuid],
    query: &ContactListQuery,
) -> AppResult<Vec<ContactSummary>> {
    let rows = storage::summaries_by_ids(scope.conn(), ids, &query.filter).await?;
    open_summaries(scope, rows).await
}
