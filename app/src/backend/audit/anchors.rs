//! Keyed anchors of the chain. The chain's hashes are unkeyed, so whoever may write
//! the tables could rewrite an entry and recompute every hash after it. Each sealing
//! round therefore ends with an anchor: the new head with an HMAC under a key derived
//! from the tenant's key, which only the server holds. A rewritten chain no longer
//! matches its anchors, and an anchor cannot be forged without the key.
//!
//! Whoever may write the tables can still delete the newest entries together with
//! their anchors. The sealer therefore also appends every anchor to a file per tenant
//! outside the database ([`AnchorDir`]), and `audit verify --anchors` checks the chain
//! against those: a missing tail or a rewritten entry no longer matches them.

use super::integrity::{chain_mac_key, checkpoint_signature};
use crate::backend::crypto::{DataKey, KeyStore};
use crate::AppResult;
use sqlx::PgConnection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use uuid::Uuid;

async fn anchor_key(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<DataKey> {
    chain_mac_key(conn, keys, tenant_id, "tessera.audit-anchor.v1").await
}

/// A chain head with its HMAC: kept in `audit_anchors`, and by the sealer also in a
/// file outside the database, one line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub tenant_id: Uuid,
    pub seq: i64,
    pub hash: Vec<u8>,
    pub mac: Vec<u8>,
}

impl Anchor {
    const TAG: &'static str = "tessera-audit-anchor-v1";

    pub fn to_line(&self) -> String {
        format!(
            "{} {} {} {} {}\n",
            Self::TAG,
            self.tenant_id,
            self.seq,
            hex::encode(&self.hash),
            hex::encode(&self.mac)
        )
    }

    /// One line of an anchor file; `None` for anything else.
    pub fn parse(line: &str) -> Option<Self> {
        let mut parts = line.split_ascii_whitespace();
        if parts.next()? != Self::TAG {
            return None;
        }
        let anchor = Self {
            tenant_id: parts.next()?.parse().ok()?,
            seq: parts.next()?.parse().ok()?,
            hash: hex::decode(parts.next()?).ok()?,
            mac: hex::decode(parts.next()?).ok()?,
        };
        parts.next().is_none().then_some(anchor)
    }
}

/// Anchors the current head, unless it is anchored already or the chain is empty;
/// returns the new anchor. Two sealers anchoring at once make one anchor.
pub async fn anchor_head(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<Option<Anchor>> {
    let head = sqlx::query!(
        "SELECT h.seq, h.hash FROM audit_heads h
         WHERE h.seq > coalesce((SELECT max(a.seq) FROM audit_anchors a), 0)"
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(head) = head else { return Ok(None) };
    let key = anchor_key(conn, keys, tenant_id).await?;
    let mac = checkpoint_signature(&key, tenant_id, head.seq, &head.hash);
    let inserted = sqlx::query_scalar!(
        "INSERT INTO audit_anchors (tenant_id, seq, hash, mac) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING seq",
        tenant_id,
        head.seq,
        &head.hash,
        &mac
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(inserted.map(|seq| Anchor {
        tenant_id,
        seq,
        hash: head.hash,
        mac,
    }))
}

/// The first entry not covered by the database's anchors after `after_seq` (see
/// [`first_uncovered_by`]); `None`: all hold.
pub async fn first_unanchored(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    after_seq: i64,
) -> AppResult<Option<i64>> {
    let anchors = sqlx::query_as!(
        Anchor,
        "SELECT tenant_id, seq, hash, mac FROM audit_anchors WHERE seq > $1",
        after_seq
    )
    .fetch_all(&mut *conn)
    .await?;
    first_uncovered_by(conn, keys, tenant_id, after_seq, &anchors).await
}

/// The first entry after `after_seq` that the tenant's anchors among `anchors` (from
/// the database or from outside it; others' are skipped) no longer cover: each anchor
/// must be genuine, and its entry must exist and still have its hash. `None`: all
/// hold. Anchors kept outside also find a truncated tail, which the database's own
/// cannot once they are deleted with it.
pub async fn first_uncovered_by(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    after_seq: i64,
    anchors: &[Anchor],
) -> AppResult<Option<i64>> {
    let mut ours: Vec<&Anchor> = anchors
        .iter()
        .filter(|a| a.tenant_id == tenant_id && a.seq > after_seq)
        .collect();
    if ours.is_empty() {
        return Ok(None);
    }
    ours.sort_by_key(|a| a.seq);
    let seqs: Vec<i64> = ours.iter().map(|a| a.seq).collect();
    let stored: HashMap<i64, Vec<u8>> =
        sqlx::query!("SELECT seq, hash FROM audit_log WHERE seq = ANY($1)", &seqs)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| (r.seq, r.hash))
            .collect();
    let head: i64 = sqlx::query_scalar!("SELECT seq FROM audit_heads")
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or(0);
    let key = anchor_key(conn, keys, tenant_id).await?;
    let mut good = after_seq;
    for anchor in ours {
        // Something at or before this anchor changed after the last good one.
        if checkpoint_signature(&key, tenant_id, anchor.seq, &anchor.hash) != anchor.mac {
            return Ok(Some(good + 1));
        }
        match stored.get(&anchor.seq) {
            Some(hash) if *hash == anchor.hash => good = anchor.seq,
            Some(_) => return Ok(Some(good + 1)),
            // Gone, though the chain before it verified: the tail was cut off.
            None => return Ok(Some(good.max(head) + 1)),
        }
    }
    Ok(None)
}

/// A directory outside the database with one anchor file per tenant, appended to by
/// the sealer. The operator keeps it on other storage (and may copy it elsewhere).
#[derive(Debug, Clone)]
pub struct AnchorDir(PathBuf);

impl AnchorDir {
    pub fn new(dir: PathBuf) -> Self {
        Self(dir)
    }

    pub fn file_of(&self, tenant_id: Uuid) -> PathBuf {
        self.0.join(format!("{tenant_id}.anchors"))
    }

    /// Appends one line; a single write, so lines of several processes do not mix.
    pub async fn append(&self, anchor: &Anchor) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        tokio::fs::create_dir_all(&self.0).await?;
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.file_of(anchor.tenant_id))
            .await?;
        file.write_all(anchor.to_line().as_bytes()).await?;
        file.sync_data().await
    }
}

/// The anchors in `path`: an anchor file, or a directory of them. Lines that are not
/// anchors (comments, blank lines) are skipped.
pub fn read_anchors(path: &Path) -> std::io::Result<Vec<Anchor>> {
    let files = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "anchors"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut anchors = Vec::new();
    for file in files {
        anchors.extend(
            std::fs::read_to_string(file)?
                .lines()
                .filter_map(Anchor::parse),
        );
    }
    Ok(anchors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_line_reads_back_as_itself_and_nothing_else_parses() {
        let anchor = Anchor {
            tenant_id: Uuid::now_v7(),
            seq: 42,
            hash: vec![1, 2, 255],
            mac: vec![9; 32],
        };
        assert_eq!(Anchor::parse(&anchor.to_line()), Some(anchor.clone()));
        let line = anchor.to_line();
        assert_eq!(Anchor::parse(&line.replace("v1", "v2")), None);
        assert_eq!(Anchor::parse(&format!("{} extra", line.trim_end())), None);
        assert_eq!(Anchor::parse("# kept by the operator"), None);
    }
}
