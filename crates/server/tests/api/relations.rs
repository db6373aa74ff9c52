//! Follows, quiet follows, blocks, fans and follow groups through HTTP.
