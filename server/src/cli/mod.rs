//! Subcommands of the `server` binary.

pub mod seed;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "server", about = "Tessera CRM server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Clone, Copy)]
pub enum Command {
    /// Migrate the database and serve HTTP (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create the demo tenant with German sample data (skipped if it exists).
    Seed,
}
