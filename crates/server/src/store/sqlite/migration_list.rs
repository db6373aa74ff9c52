//! The SQLite schema's migrations, in order.

use crate::store::migrations::Migration;

/// Migrations, by the number of their file (`store::migrations`: what a
/// database lacks is applied, in ascending order). Never edit one that has
/// shipped: add a new file.
pub(super) const MIGRATIONS: &[Migration] = &[
    Migration::new(
        1,
        include_str!("../../../migrations/sqlite/0001_accounts.sql"),
    ),
    Migration::new(
        2,
        include_str!("../../../migrations/sqlite/0002_relations.sql"),
    ),
    Migration::new(
        3,
        include_str!("../../../migrations/sqlite/0003_messages.sql"),
    ),
    Migration::new(
        4,
        include_str!("../../../migrations/sqlite/0004_fans_and_block_words.sql"),
    ),
    Migration::new(
        5,
        include_str!("../../../migrations/sqlite/0005_qr_logins.sql"),
    ),
    Migration::new(
        6,
        include_str!("../../../migrations/sqlite/0006_customer_service.sql"),
    ),
    Migration::new(
        7,
        include_str!("../../../migrations/sqlite/0007_send_rates.sql"),
    ),
    Migration::new(
        8,
        include_str!("../../../migrations/sqlite/0008_fan_groups.sql"),
    ),
    Migration::new(
        9,
        include_str!("../../../migrations/sqlite/0009_pushes.sql"),
    ),
    Migration::new(
        10,
        include_str!("../../../migrations/sqlite/0010_auto_replies.sql"),
    ),
    Migration::new(
        11,
        include_str!("../../../migrations/sqlite/0011_health_probe.sql"),
    ),
    Migration::new(
        12,
        include_str!("../../../migrations/sqlite/0012_private_versions.sql"),
    ),
    Migration::new(
        13,
        include_str!("../../../migrations/sqlite/0013_account_states.sql"),
    ),
    Migration::new(
        14,
        include_str!("../../../migrations/sqlite/0014_throttles.sql"),
    ),
    Migration::new(
        15,
        include_str!("../../../migrations/sqlite/0015_message_search.sql"),
    ),
    Migration::new(
        16,
        include_str!("../../../migrations/sqlite/0016_short_retry_fingerprints.sql"),
    ),
    // Unread totals kept per node, checked by version.
    Migration::new(
        17,
        include_str!("../../../migrations/sqlite/0017_unread_versions.sql"),
    ),
    // Where each page of a follower list starts.
    Migration::new(
        18,
        include_str!("../../../migrations/sqlite/0018_follower_buckets.sql"),
    ),
    // Message texts indexed once per transaction, not once per message.
    Migration::new(
        19,
        include_str!("../../../migrations/sqlite/0019_message_search_per_commit.sql"),
    ),
    // Session lists read in their order (time, then talker).
    Migration::new(
        20,
        include_str!("../../../migrations/sqlite/0020_session_lists_in_order.sql"),
    ),
];
