//! Calls of the user-relation family.

#[allow(unused_imports)]
use crate::Client;
