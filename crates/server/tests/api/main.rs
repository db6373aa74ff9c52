//! The one integration-test binary: every test starts the real server on
//! 127.0.0.1:0 with a fresh data directory and talks HTTP to it.

mod helpers;

mod accounts;
mod admin;
mod browser;
mod bulk;
mod clients_guide;
mod cluster;
mod cluster_resume;
mod custom;
mod directory;
mod envelope;
mod formats;
mod golden;
mod groups;
mod messages;
mod ops;
mod push;
mod pushes;
mod qrlogin;
mod reference;
mod relations;
mod security;
mod startup;
