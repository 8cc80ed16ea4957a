//! Limits failed logins per account and per client address.
//!
//! Counts attempts in a fixed window from the moment they are admitted (a success
//! takes its attempt back), and answers how long to wait. In memory: a restart
//! forgets, which is acceptable for one process; a cluster of servers would move
//! this into PostgreSQL.

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
struct Attempts {
    count: u32,
    since: Instant,
}

/// Attempts per key in the current window.
struct Counter<K> {
    limit: u32,
    entries: HashMap<K, Attempts>,
}

impl<K: Eq + Hash + Clone> Counter<K> {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            entries: HashMap::new(),
        }
    }

    fn retry_after(&self, key: &K, window: Duration, now: Instant) -> Option<Duration> {
        let attempts = self.entries.get(key)?;
        let elapsed = now.duration_since(attempts.since);
        (attempts.count >= self.limit && elapsed < window).then(|| window - elapsed)
    }

    fn count(&mut self, key: &K, window: Duration, now: Instant) {
        if self.entries.len() > 100_000 {
            self.entries
                .retain(|_, a| now.duration_since(a.since) < window);
        }
        let attempts = self.entries.entry(key.clone()).or_insert(Attempts {
            count: 0,
            since: now,
        });
        if now.duration_since(attempts.since) >= window {
            *attempts = Attempts {
                count: 0,
                since: now,
            };
        }
        attempts.count += 1;
    }

    fn uncount(&mut self, key: &K) {
        if let Some(attempts) = self.entries.get_mut(key) {
            attempts.count = attempts.count.saturating_sub(1);
        }
    }

    fn clear(&mut self, key: &K) {
        self.entries.remove(key);
    }
}

struct Counters {
    accounts: Counter<String>,
    ips: Counter<IpAddr>,
}

/// The address a limit applies to: an IPv6 client controls its whole /64 (one
/// customer's prefix), so it counts as one address.
fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(std::net::Ipv6Addr::from(bits))
        }
    }
}

/// Admission counts the attempt as failed at once, under one lock, so parallel
/// guesses cannot all pass before the first has failed; a success takes it back.
pub struct LoginThrottle {
    limits: ThrottleLimits,
    counters: Mutex<Counters>,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            counters: Mutex::new(Counters {
                accounts: Counter::new(limits.per_account),
                ips: Counter::new(limits.per_ip),
            }),
        }
    }

    /// Admits an attempt for `account` from `ip`, counted as failed until
    /// [`record_success`](Self::record_success); or `RateLimited` with the wait when
    /// either has used up its attempts.
    pub fn admit(&self, ip: IpAddr, account: &str) -> crate::AppResult<()> {
        self.admit_at(ip, account, Instant::now())
            .map_err(|wait| crate::AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            })
    }

    /// `admit` as of `now` (lets tests move the clock instead of sleeping).
    fn admit_at(&self, ip: IpAddr, account: &str, now: Instant) -> Result<(), Duration> {
        let ip = network_of(ip);
        let window = self.limits.window;
        let account = account.to_owned();
        let mut counters = self.counters.lock().expect("throttle lock");
        let wait = counters
            .accounts
            .retry_after(&account, window, now)
            .max(counters.ips.retry_after(&ip, window, now));
        if let Some(wait) = wait {
            return Err(wait);
        }
        counters.accounts.count(&account, window, now);
        counters.ips.count(&ip, window, now);
        Ok(())
    }

    /// The admitted attempt succeeded: the account starts afresh and the address
    /// gets its attempt back.
    pub fn record_success(&self, ip: IpAddr, account: &str) {
        let mut counters = self.counters.lock().expect("throttle lock");
        counters.accounts.clear(&account.to_owned());
        counters.ips.uncount(&network_of(ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER_IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));

    fn limits(per_account: u32, per_ip: u32) -> ThrottleLimits {
        ThrottleLimits {
            per_account,
            per_ip,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn an_account_gets_its_limit_of_attempts_and_success_resets() {
        let throttle = LoginThrottle::new(limits(3, 100));
        for _ in 0..3 {
            assert!(throttle.admit(IP, "a").is_ok());
        }
        let wait = throttle.admit_at(IP, "a", Instant::now()).unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(
            throttle.admit(IP, "b").is_ok(),
            "other accounts are unaffected"
        );
        throttle.record_success(IP, "a");
        assert!(throttle.admit(IP, "a").is_ok());
    }

    #[test]
    fn parallel_attempts_are_counted_when_admitted() {
        let throttle = std::sync::Arc::new(LoginThrottle::new(limits(5, 100)));
        let admitted: usize = (0..20)
            .map(|_| {
                let throttle = throttle.clone();
                std::thread::spawn(move || throttle.admit(IP, "a").is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| usize::from(t.join().unwrap()))
            .sum();
        assert_eq!(admitted, 5);
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let throttle = LoginThrottle::new(limits(100, 2));
        assert!(throttle.admit(IP, "a").is_ok());
        assert!(throttle.admit(IP, "b").is_ok());
        assert!(throttle.admit(IP, "c").is_err());
        assert!(throttle.admit(OTHER_IP, "c").is_ok());
        throttle.record_success(IP, "b");
        assert!(
            throttle.admit(IP, "c").is_ok(),
            "a success gives the attempt back"
        );
    }

    #[test]
    fn an_ipv6_prefix_counts_as_one_address() {
        let throttle = LoginThrottle::new(limits(100, 2));
        let host =
            |last: u16| IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0, 0, 0, last));
        assert!(throttle.admit(host(1), "a").is_ok());
        assert!(throttle.admit(host(2), "b").is_ok());
        assert!(throttle.admit(host(3), "c").is_err(), "same /64");
        let neighbour = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1));
        assert!(throttle.admit(neighbour, "c").is_ok(), "another /64");
    }

    #[test]
    fn the_window_expires() {
        let throttle = LoginThrottle::new(limits(1, 100));
        assert!(throttle.admit(IP, "a").is_ok());
        assert!(throttle.admit(IP, "a").is_err());
        let later = Instant::now() + Duration::from_secs(61);
        assert!(throttle.admit_at(IP, "a", later).is_ok());
    }
}
