-- A session's last message (`last_msg`, migration 0007) and its owner's
-- unread version (`unread_versions`, migration 0009) are written by the
-- statements that move sessions and change messages, no longer by
-- triggers: Citus does not run a trigger that writes another distributed
-- table, and the triggers were most of PostgreSQL's work on a send (a
-- PL/pgSQL call per session row, each re-planning `sixin_last_message`,
-- and a scan of `sessions` after every message stored). The writers know
-- what they write: a send, a post or a delivery sets `last_msg` to the
-- message it has just stored, from its own parameters, and bumps the
-- versions of the owners whose counted columns it changes. Only the rare
-- paths that hide or change a shown message (a withdrawal, a recall
-- target's status), a member joining a group, and migrate-data's copy
-- still read `messages` for it, through `sixin_last_message` (kept, with
-- migration 0011's plan) called by their statements
-- (store/postgres/messages/last.rs lists every writer).
--
-- The relation-side triggers (relations, group_members, fan_groups,
-- system_accounts) went in migration 0012; after this one, no table of
-- sixin's has a trigger.

DROP TRIGGER sessions_made ON sessions;
DROP TRIGGER sessions_moved ON sessions;
DROP TRIGGER messages_stored ON messages;
DROP TRIGGER messages_changed ON messages;
DROP FUNCTION sixin_session_moved();
DROP FUNCTION sixin_message_changed();

DROP TRIGGER sessions_unread_version ON sessions;
DROP TRIGGER sessions_unread_version_update ON sessions;
DROP TRIGGER sessions_unread_truncated ON sessions;
DROP FUNCTION sixin_unread_sessions();
