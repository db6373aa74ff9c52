//! Wire types of the sixin API.
//!
//! Everything a client or the server puts on the wire lives here: the response
//! [`Envelope`], the numeric [`Code`]s with their documented messages, and the
//! request and response bodies of each API family. No HTTP framework and no
//! storage: the server, the typed client and the CLI all compile against this
//! crate, so a wire change is one edit.

pub mod account;
pub mod admin;
mod code;
pub mod conversations;
pub mod custom;
pub mod directory;
mod envelope;
pub mod form;
pub mod frontend;
pub mod json;
pub mod message;
pub mod ops;
pub mod passport;
pub mod push;
pub mod relation;

pub use code::Code;
pub use envelope::Envelope;
