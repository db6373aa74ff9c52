//! Private messages through HTTP, by topic.

mod auth;
mod auto_reply;
mod block;
mod follows;
mod history;
mod intercept;
mod read_all;
mod recall;
mod search;
mod send;
mod sessions;
mod settings;
mod system;
mod unread;
mod unread_kept;
mod uploads;
