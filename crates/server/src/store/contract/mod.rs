//! The storage contract suite (being written).
