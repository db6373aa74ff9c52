//! Private messages through HTTP, by topic.

mod auth;
mod follows;
mod history;
mod recall;
mod send;
mod sessions;
mod settings;
mod unread;
mod uploads;
