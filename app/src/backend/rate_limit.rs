//! Counters of attempts in fixed windows, kept in PostgreSQL so that every server
//! process behind one database counts together (sign-in throttling, API limits).
//! The clock is the database's, so processes need not agree on the time.

use crate::{AppError, AppResult};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::net::IpAddr;
use std::time::Duration;

/// One counter a hit is counted on: `max` hits per window for `key` in `bucket`.
pub struct Counter<'a> {
    pub bucket: &'static str,
    pub key: &'a [u8],
    pub max: u32,
}

fn key_hash(bucket: &str, key: &[u8]) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(bucket.as_bytes());
    hash.update([0]);
    hash.update(key);
    hash.finalize().to_vec()
}

/// Counts one hit on every counter, or none when any is full: then `RateLimited`
/// with the seconds until that counter's window ends.
pub async fn hit(db: &PgPool, window: Duration, counters: &[Counter<'_>]) -> AppResult<()> {
    let buckets: Vec<&str> = counters.iter().map(|c| c.bucket).collect();
    let keys: Vec<Vec<u8>> = counters.iter().map(|c| key_hash(c.bucket, c.key)).collect();
    let limits: Vec<i32> = counters
        .iter()
        .map(|c| i32::try_from(c.max).unwrap_or(i32::MAX))
        .collect();
    let wait: f64 = sqlx::query_scalar!(
        r#"SELECT rate_limit_hit($1, $2, $3, make_interval(secs => $4)) AS "wait!""#,
        &buckets as &[&str],
        &keys,
        &limits,
        window.as_secs_f64()
    )
    .fetch_one(db)
    .await?;
    if wait > 0.0 {
        return Err(AppError::RateLimited {
            retry_after_secs: wait.ceil() as u64,
        });
    }
    Ok(())
}

/// Takes back `hits` of a counter's hits (all of them with `u32::MAX`).
pub async fn take_back(db: &PgPool, bucket: &'static str, key: &[u8], hits: u32) -> AppResult<()> {
    let hits = i32::try_from(hits).unwrap_or(i32::MAX);
    sqlx::query!(
        "UPDATE rate_limits SET hits = greatest(hits - $3, 0) WHERE bucket = $1 AND key_hash = $2",
        bucket,
        key_hash(bucket, key),
        hits
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes counters whose window ended more than an hour ago (the longest window
/// is shorter); returns how many.
pub async fn delete_expired(db: &PgPool) -> AppResult<u64> {
    let done =
        sqlx::query!("DELETE FROM rate_limits WHERE window_start < now() - interval '1 hour'")
            .execute(db)
            .await?;
    Ok(done.rows_affected())
}

/// The address a limit applies to: an IPv6 client controls its whole /64 (one
/// customer's prefix), so it counts as one address.
pub fn network_of(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets()[..8].to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_prefix_is_one_network_and_buckets_key_apart() {
        let host =
            |last: u16| IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0, 0, 0, last));
        assert_eq!(network_of(host(1)), network_of(host(2)));
        let neighbour = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1));
        assert_ne!(network_of(host(1)), network_of(neighbour));
        assert_ne!(key_hash("a", b"x"), key_hash("b", b"x"));
    }
}
