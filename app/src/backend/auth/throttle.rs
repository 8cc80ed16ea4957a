//! Limits failed logins per account and per client address.
//!
//! Counts failures only (not attempts) in a fixed window, and answers how long to
//! wait. In memory: a restart forgets, which is acceptable for one process; a
//! cluster of servers would move this into PostgreSQL.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_account: u32,
    pub per_ip: u32,
    pub window: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 30,
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug)]
struct Failures {
    count: u32,
    since: Instant,
}

struct Counter<K> {
    limit: u32,
    entries: Mutex<HashMap<K, Failures>>,
}

impl<K: Eq + Hash + Clone> Counter<K> {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn retry_after(&self, key: &K, window: Duration, now: Instant) -> Option<Duration> {
        let entries = self.entries.lock().expect("throttle lock");
        let failures = entries.get(key)?;
        let elapsed = now.duration_since(failures.since);
        (failures.count >= self.limit && elapsed < window).then(|| window - elapsed)
    }

    fn record(&self, key: &K, window: Duration, now: Instant) {
        let mut entries = self.entries.lock().expect("throttle lock");
        if entries.len() > 100_000 {
            entries.retain(|_, f| now.duration_since(f.since) < window);
        }
        let failures = entries.entry(key.clone()).or_insert(Failures {
            count: 0,
            since: now,
        });
        if now.duration_since(failures.since) >= window {
            *failures = Failures {
                count: 0,
                since: now,
            };
        }
        failures.count += 1;
    }

    fn clear(&self, key: &K) {
        self.entries.lock().expect("throttle lock").remove(key);
    }
}

pub struct LoginThrottle {
    limits: ThrottleLimits,
    accounts: Counter<String>,
    ips: Counter<IpAddr>,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            accounts: Counter::new(limits.per_account),
            ips: Counter::new(limits.per_ip),
        }
    }

    /// `Err(wait)` if this account or address has failed too often recently.
    pub fn check(&self, ip: IpAddr, account: &str) -> Result<(), Duration> {
        self.check_at(ip, account, Instant::now())
    }

    /// [`check`](Self::check) as the error clients get: `RateLimited` with the wait.
    pub fn admit(&self, ip: IpAddr, account: &str) -> crate::AppResult<()> {
        self.check(ip, account)
            .map_err(|wait| crate::AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            })
    }

    /// `check` as of `now` (lets tests move the clock instead of sleeping).
    fn check_at(&self, ip: IpAddr, account: &str, now: Instant) -> Result<(), Duration> {
        let window = self.limits.window;
        let account = self.accounts.retry_after(&account.to_owned(), window, now);
        let ip = self.ips.retry_after(&ip, window, now);
        match account.max(ip) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, ip: IpAddr, account: &str) {
        let now = Instant::now();
        self.accounts
            .record(&account.to_owned(), self.limits.window, now);
        self.ips.record(&ip, self.limits.window, now);
    }

    pub fn record_success(&self, account: &str) {
        self.accounts.clear(&account.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn blocks_an_account_after_its_limit_and_success_resets() {
        let throttle = LoginThrottle::new(ThrottleLimits {
            per_account: 3,
            per_ip: 100,
            window: Duration::from_secs(60),
        });
        for _ in 0..3 {
            assert!(throttle.check(IP, "a").is_ok());
            throttle.record_failure(IP, "a");
        }
        let wait = throttle.check(IP, "a").unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(
            throttle.check(IP, "b").is_ok(),
            "other accounts are unaffected"
        );
        throttle.record_success("a");
        assert!(throttle.check(IP, "a").is_ok());
    }

    #[test]
    fn blocks_an_address_across_accounts() {
        let throttle = LoginThrottle::new(ThrottleLimits {
            per_account: 100,
            per_ip: 2,
            window: Duration::from_secs(60),
        });
        throttle.record_failure(IP, "a");
        throttle.record_failure(IP, "b");
        assert!(throttle.check(IP, "c").is_err());
    }

    #[test]
    fn the_window_expires() {
        let throttle = LoginThrottle::new(ThrottleLimits {
            per_account: 1,
            per_ip: 100,
            window: Duration::from_secs(60),
        });
        throttle.record_failure(IP, "a");
        let later = Instant::now() + Duration::from_secs(61);
        assert!(throttle.check_at(IP, "a", later).is_ok());
    }
}
