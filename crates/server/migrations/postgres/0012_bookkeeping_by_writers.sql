-- The relation-side bookkeeping moves from triggers to the writers
-- (docs/scaling.md, "A schema designed to be split"): Citus does not run a
-- trigger that writes another distributed table, and these wrote tables
-- distributed by another key (a write to `relations`, by `mid`, wrote
-- `followers`, `follower_buckets` and the target's `relation_stats`, by
-- `fid`). Each writer now issues the statements in its own transaction,
-- one distribution key each (store/postgres/bookkeeping.rs): relation
-- writes, tag edits (special marks), fan-group changes, system accounts
-- and migrate-data's copy (which also empties `followers` and
-- `follower_buckets` and moves every unread version on itself).
--
-- Gone: `relations_counted` (0001/0004), `relations_reversed` and
-- `relations_truncated` (0006), `followers_bucketed` and
-- `followers_truncated` (0010), and of 0009 `relations_unread_version`,
-- `group_members_unread_version`, `fan_groups_unread_version`,
-- `system_accounts_unread_version` and `relations_unread_truncated`, with
-- the functions only they ran. The triggers on `sessions` and `messages`
-- and the functions they run (`sixin_unread_bump`, `sixin_unread_truncated`,
-- ...) are not this migration's: it neither needs nor touches them. What
-- the writers write is exactly what these functions derived; the contract
-- suite checks the derived tables against `relations` after every case.

DROP TRIGGER IF EXISTS relations_counted ON relations;
DROP TRIGGER IF EXISTS relations_reversed ON relations;
DROP TRIGGER IF EXISTS relations_truncated ON relations;
DROP TRIGGER IF EXISTS relations_unread_version ON relations;
DROP TRIGGER IF EXISTS relations_unread_truncated ON relations;
DROP TRIGGER IF EXISTS followers_bucketed ON followers;
DROP TRIGGER IF EXISTS followers_truncated ON followers;
DROP TRIGGER IF EXISTS group_members_unread_version ON group_members;
DROP TRIGGER IF EXISTS fan_groups_unread_version ON fan_groups;
DROP TRIGGER IF EXISTS system_accounts_unread_version ON system_accounts;

DROP FUNCTION IF EXISTS sixin_relations_counted();
DROP FUNCTION IF EXISTS sixin_relations_reversed();
DROP FUNCTION IF EXISTS sixin_relations_truncated();
DROP FUNCTION IF EXISTS sixin_follower_buckets();
DROP FUNCTION IF EXISTS sixin_followers_truncated();
DROP FUNCTION IF EXISTS sixin_unread_relations();
DROP FUNCTION IF EXISTS sixin_unread_members();
DROP FUNCTION IF EXISTS sixin_unread_groups();
DROP FUNCTION IF EXISTS sixin_unread_system_accounts();
