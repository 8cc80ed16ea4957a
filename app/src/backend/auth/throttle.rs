//! Limits failed sign-ins per account and per client network, and API requests per
//! token and per client network, with counters in PostgreSQL
//! ([`rate_limit`](crate::backend::rate_limit)): several server processes behind one
//! database enforce one limit.

use crate::backend::rate_limit::{self, network_of, Counter};
use crate::AppResult;
use sqlx::PgPool;
use std::net::IpAddr;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    /// Failed sign-ins per account in `window`.
    pub per_account: u32,
    /// Failed sign-ins per client network in `window`.
    pub per_ip: u32,
    pub window: Duration,
    /// API requests per token per minute.
    pub api_per_token: u32,
    /// API requests per client network per minute, whatever the token.
    pub api_per_ip: u32,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 30,
            window: Duration::from_secs(15 * 60),
            api_per_token: 600,
            api_per_ip: 1200,
        }
    }
}

const ACCOUNT: &str = "sign_in_account";
const SIGN_IN_NETWORK: &str = "sign_in_network";
const TOKEN: &str = "api_token";
const API_NETWORK: &str = "api_network";
const API_WINDOW: Duration = Duration::from_secs(60);

/// Admission counts a sign-in attempt as failed at once, so parallel guesses cannot
/// all pass before the first has failed; a success takes it back.
pub struct LoginThrottle {
    db: PgPool,
    pub limits: ThrottleLimits,
}

impl LoginThrottle {
    pub fn new(db: PgPool, limits: ThrottleLimits) -> Self {
        Self { db, limits }
    }

    /// Admits an attempt for `account` from `ip`, counted as failed until
    /// [`record_success`](Self::record_success); or `RateLimited` with the wait when
    /// either has used up its attempts.
    pub async fn admit(&self, ip: IpAddr, account: &str) -> AppResult<()> {
        let network = network_of(ip);
        rate_limit::hit(
            &self.db,
            self.limits.window,
            &[
                Counter {
                    bucket: ACCOUNT,
                    key: account.as_bytes(),
                    max: self.limits.per_account,
                },
                Counter {
                    bucket: SIGN_IN_NETWORK,
                    key: &network,
                    max: self.limits.per_ip,
                },
            ],
        )
        .await
    }

    /// The admitted attempt succeeded: the account starts afresh and the network
    /// gets its attempt back.
    pub async fn record_success(&self, ip: IpAddr, account: &str) -> AppResult<()> {
        rate_limit::take_back(&self.db, ACCOUNT, account.as_bytes(), u32::MAX).await?;
        rate_limit::take_back(&self.db, SIGN_IN_NETWORK, &network_of(ip), 1).await
    }

    /// Counts an API request from `ip` with the token whose hash is `token` (when
    /// it sent one). Counted before the token is looked up, so a limited client
    /// costs no transaction.
    pub async fn admit_api(&self, ip: IpAddr, token: Option<&[u8]>) -> AppResult<()> {
        let network = network_of(ip);
        let mut counters = vec![Counter {
            bucket: API_NETWORK,
            key: &network,
            max: self.limits.api_per_ip,
        }];
        if let Some(token) = token {
            counters.push(Counter {
                bucket: TOKEN,
                key: token,
                max: self.limits.api_per_token,
            });
        }
        rate_limit::hit(&self.db, API_WINDOW, &counters).await
    }
}
