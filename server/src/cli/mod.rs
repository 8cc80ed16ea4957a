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
    /// Create the demo tenant with German sample data (skipped if it exists); with
    /// `--contacts N`, a new tenant of that size for benchmarks instead.
    Seed {
        /// Contacts in one new large tenant (with organisations and timeline entries).
        #[arg(long)]
        contacts: Option<usize>,
        /// Small tenants (20 contacts each) created beside it.
        #[arg(long, default_value_t = 0)]
        tenants: usize,
        /// Also write the large tenant's names in plaintext to `bench_plaintext_names`,
        /// the benchmark's pg_trgm reference (`./dev bench` only: never on real data).
        #[arg(long)]
        plaintext_names: bool,
    },
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
        /// Also check against anchors kept outside the database: the sealer's
        /// directory (TESSERA_AUDIT_ANCHOR_DIR) or a copy of one tenant's file.
        #[arg(long)]
        anchors: Option<std::path::PathBuf>,
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
    /// Guard every user row that has no guard yet (role and password hash under an
    /// HMAC the server checks). Run once after upgrading to guards; rows without one
    /// are refused until then.
    GuardUsers,
    /// Start a new erasure epoch now, move every subject key into it and destroy the
    /// epochs whose backup retention has passed (the server does this daily).
    RollEpoch,
    /// Re-apply the erasure ledger: destroy the keys of everyone erased since the
    /// database's state (run after restoring a backup; the server also does at start).
    ApplyErasures,
}
