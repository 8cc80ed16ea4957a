//! The counters behind sign-in throttling and API limits, in PostgreSQL as the
//! application role: parallel hits are counted exactly, a success takes its attempt
//! back, windows end.

use crate::helpers::TestDb;
use app::backend::auth::throttle::{LoginThrottle, ThrottleLimits};
use app::backend::rate_limit;
use app::AppError;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const OTHER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));

fn limits(per_account: u32, per_ip: u32, window: Duration) -> ThrottleLimits {
    ThrottleLimits {
        per_account,
        per_ip,
        window,
        ..ThrottleLimits::default()
    }
}

#[tokio::test]
async fn parallel_attempts_are_counted_when_admitted() {
    let db = TestDb::with_app_pool_size(10).await;
    let throttle = Arc::new(LoginThrottle::new(
        db.app.clone(),
        limits(5, 100, Duration::from_secs(60)),
    ));
    let attempts = (0..20).map(|_| {
        let throttle = throttle.clone();
        tokio::spawn(async move { throttle.admit(IP, "a").await.is_ok() })
    });
    let admitted = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .filter(|ok| *ok.as_ref().unwrap())
        .count();
    assert_eq!(admitted, 5);
}

#[tokio::test]
async fn a_success_resets_the_account_and_gives_the_network_its_attempt_back() {
    let db = TestDb::new().await;
    let throttle = LoginThrottle::new(db.app.clone(), limits(3, 4, Duration::from_secs(60)));
    for _ in 0..3 {
        throttle.admit(IP, "a").await.unwrap();
    }
    let Err(AppError::RateLimited { retry_after_secs }) = throttle.admit(IP, "a").await else {
        panic!("the account is full");
    };
    assert!((50..=60).contains(&retry_after_secs), "{retry_after_secs}");
    throttle.admit(IP, "b").await.unwrap();
    assert!(
        throttle.admit(IP, "c").await.is_err(),
        "the network is full"
    );
    throttle.admit(OTHER_IP, "c").await.unwrap();
    throttle.record_success(IP, "a").await.unwrap();
    throttle.admit(IP, "a").await.unwrap();
    // Nothing of what was counted is stored readable.
    let plain: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM rate_limits WHERE key_hash = convert_to('a', 'UTF8') OR key_hash = '\\x7f000001'",
    )
    .fetch_one(&db.superuser)
    .await
    .unwrap();
    assert_eq!(plain, 0);
}

#[tokio::test]
async fn a_window_ends_and_expired_counters_are_deleted() {
    let db = TestDb::new().await;
    let window = Duration::from_millis(1500);
    let throttle = LoginThrottle::new(db.app.clone(), limits(1, 100, window));
    throttle.admit(IP, "a").await.unwrap();
    assert!(throttle.admit(IP, "a").await.is_err());
    tokio::time::sleep(window + Duration::from_millis(200)).await;
    throttle.admit(IP, "a").await.unwrap();

    sqlx::query("UPDATE rate_limits SET window_start = now() - interval '2 hours'")
        .execute(&db.superuser)
        .await
        .unwrap();
    assert_eq!(rate_limit::delete_expired(&db.app).await.unwrap(), 2);
}
