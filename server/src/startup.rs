//! Building and running the server: pools, migrations, state, router, listener.

use crate::config::Config;
use crate::db;
use crate::http::origin_check::OriginPolicy;
use crate::http::router::{self, EdgeSettings, SessionSettings};
use anyhow::Context as _;
use app::backend::account_mail::AccountMailer;
use app::backend::auth::throttle::{LoginThrottle, ThrottleLimits};
use app::backend::services::erasure::{self, EpochPolicy};
use app::backend::state::SessionPolicy;
use app::backend::{AppState, Backend};
use axum::serve::ListenerExt;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
    audit_seal_every: std::time::Duration,
    audit_anchors: Option<app::backend::audit::anchors::AnchorDir>,
    erasure_policy: EpochPolicy,
}

impl Application {
    /// Migrates the database and binds the listener (port 0 picks a free port).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let limits = ThrottleLimits {
            api_per_token: config.api_per_token,
            api_per_ip: config.api_per_ip,
            ..ThrottleLimits::default()
        };
        Self::build_with_throttle(config, limits).await
    }

    pub async fn build_with_throttle(
        config: Config,
        limits: ThrottleLimits,
    ) -> anyhow::Result<Self> {
        let keys = config.key_store()?;
        // Development migrates on start; production only checks (`server migrate`
        // runs as the owner beforehand), so serving never needs the owner's rights.
        let production = config.mode == crate::config::Mode::Production;
        let owner = match production {
            true => None,
            false => {
                let owner = db::owner_pool(&config.database_url).await?;
                db::run_migrations(&owner).await?;
                Some(owner)
            }
        };
        let pool = db::app_pool(
            &config.database_url,
            config.app_database_url.as_deref(),
            config.db_pool_size,
        )
        .await?;
        if production {
            db::require_migrated(&pool).await?;
        }

        let listener = TcpListener::bind(config.listen).await?;
        let mut leptos_options = leptos::config::get_configuration(None)?.leptos_options;
        leptos_options.site_addr = listener.local_addr()?;

        let state = AppState {
            leptos_options,
            backend: Arc::new(Backend {
                throttle: LoginThrottle::new(pool.clone(), limits),
                db: pool,
                keys,
                session_policy: SessionPolicy {
                    absolute_timeout: config.absolute_timeout,
                    idle_timeout: config.idle_timeout,
                },
                public_url: config.public_url.clone(),
                account_mail: config
                    .account_mail
                    .clone()
                    .map(AccountMailer::new)
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
                webhooks_to_private_networks: config.webhooks_to_private_networks,
            }),
        };
        if let Some(owner) = owner {
            db::upgrade_data(&state.backend, &owner).await?;
            owner.close().await;
        }
        prepare_erasure(&state.backend).await?;
        let router = router::build(
            state.clone(),
            SessionSettings {
                secure: config.secure_cookies(),
                idle_timeout: config.idle_timeout,
            },
            EdgeSettings {
                origins: OriginPolicy::new(
                    &config.public_url,
                    config.mode == crate::config::Mode::Development,
                ),
                proxies: config.trusted_proxies.clone(),
            },
        );
        Ok(Self {
            listener,
            router,
            state,
            audit_seal_every: config.audit_seal_every,
            audit_anchors: config
                .audit_anchor_dir
                .clone()
                .map(app::backend::audit::anchors::AnchorDir::new),
            erasure_policy: config.erasure_policy,
        })
    }

    /// Starts the background workers: jobs (imports, mail, webhooks; `every` is their
    /// idle poll), the erasure ledger and epoch roll, and the audit sealer.
    pub fn spawn_workers(&self, every: std::time::Duration) {
        app::backend::jobs::spawn_worker(self.state.backend.clone(), every);
        erasure::spawn(self.state.backend.clone(), every, self.erasure_policy);
        app::backend::audit::sealer::spawn(
            self.state.backend.clone(),
            self.audit_seal_every,
            self.audit_anchors.clone(),
        );
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        // Responses are streamed in several writes: without TCP_NODELAY, Nagle's
        // algorithm holds a small write until the client's delayed ACK (~40 ms).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::warn!(error = %err, "could not set TCP_NODELAY");
            }
        });
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok(())
    }
}

/// Before serving: the database's erasure epochs must fit the directory, the ledger
/// is re-applied (the database may be a restored backup), and the first epoch starts.
async fn prepare_erasure(backend: &Arc<Backend>) -> anyhow::Result<()> {
    let fail = |e: app::AppError| anyhow::anyhow!("erasure epochs: {e}");
    let in_use: Vec<i32> = {
        let mut epochs: Vec<i32> = erasure::epochs_in_use(&backend.db)
            .await
            .map_err(fail)?
            .into_iter()
            .filter(|e| *e > 0)
            .collect();
        epochs.sort_unstable();
        epochs
    };
    let Some(epochs) = backend.keys.erasure_epochs() else {
        if let Some(epoch) = in_use.last() {
            anyhow::bail!(
                "subject keys are wrapped under erasure epoch {epoch}, but TESSERA_ERASURE_DIR is not set"
            );
        }
        return Ok(());
    };
    let kept: Vec<i32> = epochs.kept().into_iter().map(|(e, _)| e).collect();
    let newest_kept = kept.last().copied().unwrap_or(0);
    if in_use.last().is_some_and(|e| *e > newest_kept) {
        anyhow::bail!(
            "the database uses erasure epochs up to {}, but {} holds keys only up to {newest_kept}: \
             is TESSERA_ERASURE_DIR the right directory?",
            in_use.last().unwrap_or(&0),
            epochs.dir().display()
        );
    }
    let destroyed: Vec<i32> = in_use
        .iter()
        .copied()
        .filter(|e| !kept.contains(e))
        .collect();
    if !destroyed.is_empty() {
        tracing::warn!(?destroyed, "subject keys under destroyed erasure epochs are unreadable (a backup older than the retention?)");
    }
    erasure::apply_ledger(&backend.db, &backend.keys)
        .await
        .map_err(fail)?;
    if kept.is_empty() {
        epochs
            .start_next(time::OffsetDateTime::now_utc().unix_timestamp())
            .context("cannot start the first erasure epoch")?;
    }
    // Keys from before the first epoch, or left behind by an interrupted roll.
    let backend = backend.clone();
    tokio::spawn(async move {
        match erasure::move_to_current_epoch(&backend.db, &backend.keys).await {
            Ok(0) => {}
            Ok(moved) => tracing::info!(moved, "subject keys moved into the current erasure epoch"),
            Err(err) => {
                tracing::error!(error = %err, "moving keys into the current erasure epoch failed")
            }
        }
    });
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    spawn_expired_session_cleanup(app.state.db.clone());
    spawn_expired_counter_cleanup(app.state.db.clone());
    app.spawn_workers(std::time::Duration::from_secs(1));
    tracing::info!(address = %app.local_addr(), "listening");
    app.run_until_stopped().await
}

fn spawn_expired_session_cleanup(pool: sqlx::PgPool) {
    use tower_sessions::session_store::ExpiredDeletion;
    let store = tower_sessions_sqlx_store::PostgresStore::new(pool);
    tokio::spawn(async move {
        if let Err(err) = store
            .continuously_delete_expired(tokio::time::Duration::from_secs(600))
            .await
        {
            tracing::error!(error = %err, "expired-session cleanup stopped");
        }
    });
}

/// Rate-limit counters of ended windows, every ten minutes.
fn spawn_expired_counter_cleanup(pool: sqlx::PgPool) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(err) = app::backend::rate_limit::delete_expired(&pool).await {
                tracing::error!(error = %err, "expired-counter cleanup failed");
            }
        }
    });
}
