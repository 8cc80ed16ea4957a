//! The hash chain: each entry's hash covers the previous hash and the entry's own
//! canonical content, so changing, removing or reordering any entry breaks every
//! hash after it.

use crate::model::audit::VerifyReport;
use crate::AppResult;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub const GENESIS: [u8; 32] = [0; 32];

/// How an entry's content is laid out for hashing (`audit_log.format`). Version 1
/// hashed a missing actor like the nil UUID and a missing purpose like an empty one;
/// version 2, which sealing writes since December 2026, marks each optional field
/// as present or absent. Old entries keep verifying as version 1.
pub const CURRENT_FORMAT: i16 = 2;

pub struct EntryContent<'a> {
    pub tenant_id: Uuid,
    pub seq: i64,
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub subject_ids: &'a [Uuid],
    pub fields: &'a [String],
    pub purpose: Option<&'a str>,
    pub via_token: Option<Uuid>,
    pub format: i16,
}

/// PostgreSQL keeps microseconds; hash exactly what is stored.
pub fn truncate_to_micros(at: OffsetDateTime) -> OffsetDateTime {
    let micros = at.microsecond();
    at.replace_microsecond(micros).expect("valid microsecond")
}

/// Length-prefixed fields: no two different entries share a byte string.
fn canonical(content: &EntryContent) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut put = |bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    };
    let marked = content.format >= 2;
    put(match marked {
        true => b"tessera.audit.v2",
        false => b"tessera.audit.v1",
    });
    put(content.tenant_id.as_bytes());
    put(&content.seq.to_be_bytes());
    put(&(content.at.unix_timestamp_nanos() / 1000).to_be_bytes());
    match (marked, content.actor_id) {
        (true, None) => put(&[0]),
        (true, Some(actor)) => put(&[&[1u8][..], actor.as_bytes()].concat()),
        (false, actor) => put(actor.map(|a| *a.as_bytes()).unwrap_or_default().as_slice()),
    }
    put(content.action.as_bytes());
    put(&(content.subject_ids.len() as u32).to_be_bytes());
    for id in content.subject_ids {
        put(id.as_bytes());
    }
    put(&(content.fields.len() as u32).to_be_bytes());
    for field in content.fields {
        put(field.as_bytes());
    }
    match (marked, content.purpose) {
        (true, None) => put(&[0]),
        (true, Some(purpose)) => put(&[&[1u8][..], purpose.as_bytes()].concat()),
        (false, purpose) => put(purpose.unwrap_or("").as_bytes()),
    }
    // Appended only when set, so entries written before tokens existed keep their
    // hashes; a tagged segment cannot be confused with the end of another entry.
    if let Some(token) = content.via_token {
        put(b"via_token");
        put(token.as_bytes());
    }
    out
}

pub fn entry_hash(prev_hash: &[u8], content: &EntryContent) -> [u8; 32] {
    Sha256::new()
        .chain_update(prev_hash)
        .chain_update(canonical(content))
        .finalize()
        .into()
}

struct StoredEntry {
    seq: i64,
    at: OffsetDateTime,
    actor_id: Option<Uuid>,
    action: String,
    subject_ids: Vec<Uuid>,
    fields: Vec<String>,
    purpose: Option<String>,
    via_token: Option<Uuid>,
    format: i16,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

/// Recomputes the tenant's chain from its start (or its latest retention
/// checkpoint) and reports the first entry that does not match.
pub async fn verify(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    checkpoint: Option<(i64, Vec<u8>)>,
) -> AppResult<VerifyReport> {
    let (mut expected_seq, mut prev) = match checkpoint {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_vec()),
    };
    let mut entries = 0;
    let mut last_seq = expected_seq - 1;
    loop {
        let batch = sqlx::query_as!(
            StoredEntry,
            "SELECT seq, at, actor_id, action, subject_ids, fields, purpose, via_token, format, prev_hash, hash
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000",
            last_seq
        )
        .fetch_all(&mut *conn)
        .await?;
        if batch.is_empty() {
            break;
        }
        for entry in batch {
            let content = EntryContent {
                tenant_id,
                seq: entry.seq,
                at: entry.at,
                actor_id: entry.actor_id,
                action: &entry.action,
                subject_ids: &entry.subject_ids,
                fields: &entry.fields,
                purpose: entry.purpose.as_deref(),
                via_token: entry.via_token,
                format: entry.format,
            };
            let recomputed = entry_hash(&prev, &content);
            if entry.seq != expected_seq || entry.prev_hash != prev || entry.hash != recomputed {
                return Ok(VerifyReport {
                    entries,
                    first_broken: Some(expected_seq),
                });
            }
            prev = entry.hash;
            expected_seq += 1;
            last_seq = entry.seq;
            entries += 1;
        }
    }
    // The head must point at the last entry: a truncated tail is a break too.
    let head: Option<(i64, Vec<u8>)> = sqlx::query!("SELECT seq, hash FROM audit_heads")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.seq, r.hash));
    match head {
        Some((seq, hash)) if seq == last_seq && hash == prev => Ok(VerifyReport {
            entries,
            first_broken: None,
        }),
        Some((seq, _)) if seq > last_seq => Ok(VerifyReport {
            entries,
            first_broken: Some(last_seq + 1),
        }),
        None if entries == 0 => Ok(VerifyReport {
            entries,
            first_broken: None,
        }),
        _ => Ok(VerifyReport {
            entries,
            first_broken: Some(last_seq),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content<'a>(fields: &'a [String], subjects: &'a [Uuid]) -> EntryContent<'a> {
        EntryContent {
            tenant_id: Uuid::nil(),
            seq: 1,
            at: truncate_to_micros(OffsetDateTime::now_utc()),
            actor_id: None,
            action: "contact.read",
            subject_ids: subjects,
            fields,
            purpose: None,
            via_token: None,
            format: CURRENT_FORMAT,
        }
    }

    #[test]
    fn any_change_changes_the_hash() {
        let fields = vec!["email".to_string()];
        let subjects = vec![Uuid::now_v7()];
        let base = content(&fields, &subjects);
        let h = entry_hash(&GENESIS, &base);
        assert_ne!(h, entry_hash(&[1; 32], &base), "previous hash");
        assert_ne!(
            h,
            entry_hash(
                &GENESIS,
                &EntryContent {
                    seq: 2,
                    ..content(&fields, &subjects)
                }
            )
        );
        assert_ne!(
            h,
            entry_hash(
                &GENESIS,
                &EntryContent {
                    action: "contact.list",
                    ..content(&fields, &subjects)
                }
            )
        );
        assert_ne!(
            h,
            entry_hash(
                &GENESIS,
                &EntryContent {
                    actor_id: Some(Uuid::now_v7()),
                    ..content(&fields, &subjects)
                }
            )
        );
        assert_ne!(
            h,
            entry_hash(
                &GENESIS,
                &EntryContent {
                    via_token: Some(Uuid::now_v7()),
                    ..content(&fields, &subjects)
                }
            ),
            "the token an entry was made through"
        );
        // Absent is not empty: no actor differs from the nil UUID, no purpose from "".
        assert_ne!(
            h,
            entry_hash(
                &GENESIS,
                &EntryContent {
                    actor_id: Some(Uuid::nil()),
                    ..content(&fields, &subjects)
                }
            )
        );
        assert_ne!(
            h,
            entry_hash(
                &GENESIS,
                &EntryContent {
                    purpose: Some(""),
                    ..content(&fields, &subjects)
                }
            )
        );
        assert_ne!(
            h,
            entry_hash(
                &GENESIS,
                &EntryContent {
                    format: 1,
                    ..content(&fields, &subjects)
                }
            ),
            "the format"
        );
        let other_fields = vec!["phone".to_string()];
        assert_ne!(h, entry_hash(&GENESIS, &content(&other_fields, &subjects)));
        // Field boundaries are unambiguous.
        let a = vec!["ab".to_string(), "c".to_string()];
        let b = vec!["a".to_string(), "bc".to_string()];
        assert_ne!(
            entry_hash(&GENESIS, &content(&a, &[])),
            entry_hash(&GENESIS, &content(&b, &[]))
        );
    }
}
