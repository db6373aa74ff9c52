//! Follows, quiet follows, blocks, fans and follow groups through HTTP, by
//! topic.

mod auth;
mod batch;
mod fans;
mod groups;
mod lists;
mod modify;
mod search;
