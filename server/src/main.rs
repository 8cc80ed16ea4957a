#![recursion_limit = "256"]
use clap::Parser;
use server::cli::{Cli, Command};
use server::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let cli = Cli::parse();
    let config = Config::from_env()?;
    #[cfg(feature = "bench-switches")]
    if std::env::var("TESSERA_BENCH_SKIP_AUDIT").as_deref() == Ok("1") {
        app::backend::audit::bench::SKIP_AUDIT.store(true, std::sync::atomic::Ordering::Relaxed);
        tracing::warn!("benchmark build: auditing is switched off");
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => server::startup::serve(config).await,
        Command::Migrate => server::db::migrate(&config).await,
        Command::Seed {
            contacts,
            tenants,
            plaintext_names,
        } => server::cli::seed::run(&config, contacts, tenants, plaintext_names).await,
        Command::Keys(command) => server::cli::keys::run(&config, command).await,
        Command::Audit(command) => server::cli::audit::run(&config, command).await,
    }
}
