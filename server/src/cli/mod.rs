//! Subcommands of the `server` binary.

pub mod audit;
pub mod keys;
pub mod seed;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "server", about = "Tessera CRM server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Clone)]
pub enum Command {
    /// Migrate the database and serve HTTP (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create the demo tenant with German sample data (skipped if it exists).
    Seed,
    /// Key management.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Audit trail maintenance.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand, Clone)]
pub enum AuditCommand {
    /// Recompute a tenant's hash chain: "N entries, intact" or the first broken entry.
    Verify {
        #[arg(long)]
        tenant: String,
    },
    /// Delete entries past each tenant's retention period, leaving signed checkpoints.
    Purge,
}

#[derive(Subcommand, Clone)]
pub enum KeysCommand {
    /// Rotate one tenant's data key online (re-wraps its subject keys; no data rows change).
    RotateTenant {
        /// The tenant's workspace slug.
        #[arg(long)]
        tenant: String,
    },
    /// Re-wrap every tenant key under TESSERA_MASTER_KEY; the old master key goes in
    /// TESSERA_MASTER_KEY_PREVIOUS while this runs.
    RotateMaster,
}
