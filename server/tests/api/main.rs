//! Integration tests against a real PostgreSQL: each test gets a fresh database.
//! `./dev test` starts the cluster and sets TESSERA_TEST_DATABASE_URL.
#![recursion_limit = "256"]

mod audit;
mod calendar;
mod capture;
mod contacts;
mod duplicates;
mod encryption;
mod erasure_backups;
mod exports;
mod field_masks;
mod guards;
mod helpers;
mod identity;
mod imports;
mod mail;
mod organisations;
mod outage;
mod palette;
mod passkeys;
mod production;
mod rate_limits;
mod recovery;
mod rest;
mod rls;
mod roles;
mod rotation;
mod second_factor;
mod security;
mod sso;
mod subjects;
mod tasks;
mod team;
mod timeline;
mod views;
mod visibility;
mod webhooks;
