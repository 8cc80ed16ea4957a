//! Finding sealed records, written once for every area: keyed search tokens (word
//! prefixes and whole words) and exact fingerprints (e-mail, phone, folded name) in
//! two shared tables, each row naming the kind of record it points at.

use super::crypto::blind_index::SearchToken;
use super::crypto::IndexKey;
use crate::model::paging::reported_total;
use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

/// Which table a token or fingerprint points into (`record_kind` in the database).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i16)]
pub enum RecordKind {
    Contact = 1,
    Organisation = 2,
    Interaction = 3,
}

/// What a fingerprint is of (`kind` in the database).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i16)]
pub enum Fingerprint {
    Email = 1,
    Phone = 2,
    /// Folded full name (for contacts: together with their organisation).
    Name = 3,
    /// A customer number in another system.
    ExternalId = 4,
}

/// The part of a search text that is looked up; the rest adds no meaning, only
/// work (and a longer query string only lands in more logs).
pub const QUERY_MAX_CHARS: usize = 200;

/// How a search text is looked up.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Email(Vec<u8>),
    Phone(Vec<u8>),
    Words { prefixes: Vec<i64>, exact: Vec<i64> },
    Nothing,
}

impl Lookup {
    /// An `@` means an e-mail, digits and separators a phone, anything else words.
    pub fn classify(index: &IndexKey, q: &str) -> Lookup {
        let q = q.trim();
        let q = q
            .char_indices()
            .nth(QUERY_MAX_CHARS)
            .map_or(q, |(end, _)| &q[..end]);
        if q.contains('@') {
            return Lookup::Email(index.email(q));
        }
        let phone_like = q
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/().".contains(c));
        if phone_like {
            return match index.phone(q) {
                Some(bidx) => Lookup::Phone(bidx),
                None => Lookup::Nothing,
            };
        }
        let query = index.query(q);
        if query.is_empty() {
            Lookup::Nothing
        } else {
            Lookup::Words {
                prefixes: query.prefixes,
                exact: query.exact,
            }
        }
    }
}

/// Replaces a record's search tokens.
pub async fn write_tokens(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    kind: RecordKind,
    record_id: Uuid,
    tokens: &[SearchToken],
) -> AppResult<()> {
    delete_tokens(conn, record_id).await?;
    let values: Vec<i64> = tokens.iter().map(|t| t.token).collect();
    sqlx::query!(
        "INSERT INTO search_tokens (tenant_id, token, record_kind, record_id)
         SELECT $1, t.token, $2, $3 FROM unnest($4::bigint[]) AS t(token)",
        tenant_id,
        kind as i16,
        record_id,
        &values
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replaces a record's fingerprints.
pub async fn write_fingerprints(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    kind: RecordKind,
    record_id: Uuid,
    fingerprints: &[(Fingerprint, Vec<u8>)],
) -> AppResult<()> {
    sqlx::query!("DELETE FROM fingerprints WHERE record_id = $1", record_id)
        .execute(&mut *conn)
        .await?;
    let kinds: Vec<i16> = fingerprints.iter().map(|(k, _)| *k as i16).collect();
    let values: Vec<Vec<u8>> = fingerprints.iter().map(|(_, v)| v.clone()).collect();
    sqlx::query!(
        "INSERT INTO fingerprints (tenant_id, kind, bidx, record_kind, record_id)
         SELECT $1, f.kind, f.bidx, $2, $3 FROM unnest($4::smallint[], $5::bytea[]) AS f(kind, bidx)
         ON CONFLICT DO NOTHING",
        tenant_id,
        kind as i16,
        record_id,
        &kinds,
        &values
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn delete_tokens(conn: &mut PgConnection, record_id: Uuid) -> AppResult<()> {
    sqlx::query!("DELETE FROM search_tokens WHERE record_id = $1", record_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes everything that finds a record (tokens and fingerprints), on deletion.
pub async fn forget(conn: &mut PgConnection, record_id: Uuid) -> AppResult<()> {
    delete_tokens(conn, record_id).await?;
    sqlx::query!("DELETE FROM fingerprints WHERE record_id = $1", record_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records of `kind` with the fingerprint, oldest first.
pub async fn by_fingerprint(
    conn: &mut PgConnection,
    kind: RecordKind,
    fingerprint: Fingerprint,
    bidx: &[u8],
) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT record_id FROM fingerprints WHERE kind = $1 AND bidx = $2 AND record_kind = $3
         ORDER BY record_id",
        fingerprint as i16,
        bidx,
        kind as i16
    )
    .fetch_all(conn)
    .await?)
}

/// Groups of records of `kind` sharing a fingerprint (duplicate candidates).
pub async fn shared_fingerprints(
    conn: &mut PgConnection,
    kind: RecordKind,
    limit: i64,
) -> AppResult<Vec<(Fingerprint, Vec<Uuid>)>> {
    let rows = sqlx::query!(
        r#"SELECT kind, array_agg(record_id ORDER BY record_id) AS "ids!"
         FROM fingerprints WHERE record_kind = $1
         GROUP BY kind, bidx HAVING count(*) > 1
         ORDER BY min(record_id::text) LIMIT $2"#,
        kind as i16,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let kind = match r.kind {
                1 => Fingerprint::Email,
                2 => Fingerprint::Phone,
                3 => Fingerprint::Name,
                4 => Fingerprint::ExternalId,
                _ => return None,
            };
            Some((kind, r.ids))
        })
        .collect())
}

/// One page of matching ids of `kind` in rank order, and how many match in all.
pub async fn ranked_ids(
    conn: &mut PgConnection,
    kind: RecordKind,
    lookup: &Lookup,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<Uuid>, i64)> {
    match lookup {
        Lookup::Nothing => Ok((Vec::new(), 0)),
        Lookup::Email(bidx) => exact(conn, kind, Fingerprint::Email, bidx, offset, limit).await,
        Lookup::Phone(bidx) => exact(conn, kind, Fingerprint::Phone, bidx, offset, limit).await,
        Lookup::Words { prefixes, exact } => {
            // Every word must match a prefix token; whole-word matches rank first.
            let ranked = sqlx::query!(
                r#"SELECT record_id, count(*) OVER () AS "total!"
                 FROM search_tokens
                 WHERE record_kind = $1 AND (token = ANY($2) OR token = ANY($3))
                 GROUP BY record_id
                 HAVING count(DISTINCT token) FILTER (WHERE token = ANY($2)) = cardinality($2)
                 ORDER BY count(*) FILTER (WHERE token = ANY($3)) DESC, record_id
                 OFFSET $4 LIMIT $5"#,
                kind as i16,
                prefixes,
                exact,
                offset,
                limit
            )
            .fetch_all(conn)
            .await?;
            // Counted exactly, but reported as lists report totals.
            let total = reported_total(ranked.first().map_or(0, |r| r.total));
            Ok((ranked.into_iter().map(|r| r.record_id).collect(), total))
        }
    }
}

/// Records the type-ahead ranks per query token: it wants the best few at once, and
/// ranking every match of a short prefix costs hundreds of milliseconds at a million
/// contacts. Lists rank every match ([`ranked_ids`]).
pub const TYPE_AHEAD_CANDIDATES: i64 = 500;

/// The best `limit` records for the command palette: ranked as [`ranked_ids`] ranks,
/// among the first [`TYPE_AHEAD_CANDIDATES`] records of each query token. A query of
/// several words whose candidates do not meet falls back to ranking every match.
pub async fn top_ids(
    conn: &mut PgConnection,
    kind: RecordKind,
    lookup: &Lookup,
    limit: i64,
) -> AppResult<Vec<Uuid>> {
    let Lookup::Words { prefixes, exact } = lookup else {
        return Ok(ranked_ids(conn, kind, lookup, 0, limit).await?.0);
    };
    // Each candidate is checked against each query token by a probe of the primary
    // key, never by reading every record of a token: a short prefix can have tens
    // of thousands (at a million contacts, reading them took 100–200 ms).
    let ids = sqlx::query_scalar!(
        r#"WITH candidates AS (
               SELECT DISTINCT c.record_id
               FROM unnest($2::bigint[] || $3::bigint[]) AS q(token)
               CROSS JOIN LATERAL (
                   SELECT s.record_id FROM search_tokens s
                   WHERE s.token = q.token AND s.record_kind = $1
                   LIMIT $5) c
           ),
           wanted AS (
               SELECT token, true AS prefix FROM unnest($2::bigint[]) AS token
               UNION
               SELECT token, false FROM unnest($3::bigint[]) AS token
           )
           SELECT c.record_id AS "record_id!"
           FROM candidates c CROSS JOIN wanted w
           WHERE EXISTS (SELECT 1 FROM search_tokens t
                         WHERE t.token = w.token AND t.record_kind = $1 AND t.record_id = c.record_id)
           GROUP BY c.record_id
           HAVING count(DISTINCT w.token) FILTER (WHERE w.prefix) = cardinality($2)
           ORDER BY count(*) FILTER (WHERE NOT w.prefix) DESC, c.record_id
           LIMIT $4"#,
        kind as i16,
        prefixes,
        exact,
        limit,
        TYPE_AHEAD_CANDIDATES
    )
    .fetch_all(&mut *conn)
    .await?;
    if (ids.len() as i64) < limit && prefixes.len() > 1 {
        return Ok(ranked_ids(conn, kind, lookup, 0, limit).await?.0);
    }
    Ok(ids)
}

async fn exact(
    conn: &mut PgConnection,
    kind: RecordKind,
    fingerprint: Fingerprint,
    bidx: &[u8],
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<Uuid>, i64)> {
    let ids = by_fingerprint(conn, kind, fingerprint, bidx).await?;
    let total = reported_total(ids.len() as i64);
    let page = ids
        .into_iter()
        .skip(offset.max(0) as usize)
        .take(limit.max(0) as usize)
        .collect();
    Ok((page, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::crypto::DataKey;

    #[test]
    fn a_long_search_is_cut_to_its_first_characters() {
        let index = IndexKey::derive_from(&DataKey::generate());
        let words = "Müller Schmidt ".repeat(100);
        let cut: String = words.trim().chars().take(QUERY_MAX_CHARS).collect();
        assert_eq!(
            Lookup::classify(&index, &words),
            Lookup::classify(&index, &cut)
        );
        assert_ne!(
            Lookup::classify(&index, &words),
            Lookup::classify(&index, "Müller")
        );
    }
}
