//! The Tessera server process: typed config, database pools and migrations, the HTTP
//! stack (router, sessions, security layers) and subcommands.
#![recursion_limit = "256"]

pub mod cli;
pub mod config;
pub mod db;
pub mod http;
pub mod startup;
pub mod telemetry;
