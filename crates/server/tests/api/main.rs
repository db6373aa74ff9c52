//! The one integration-test binary: every test starts the real server on
//! 127.0.0.1:0 with a fresh data directory and talks HTTP to it.

mod helpers;

mod accounts;
mod admin;
mod envelope;
mod golden;
mod messages;
mod relations;
