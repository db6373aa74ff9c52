-- Session lists are ordered by time and then talker (`ORDER BY session_ts
-- DESC, talker_id DESC`, and by `ack_ts` for `sort_rule` 3): with the
-- talker in the index the list is read in its order and stops at the page
-- size, instead of sorting each run of equal times in a temporary B-tree
-- (store/sqlite/messages/sessions.rs). Every reader of the old indexes
-- (owner, time) reads the new ones by the same prefix.

CREATE INDEX sessions_in_time_order ON sessions(owner, session_ts, talker_id);
DROP INDEX sessions_by_time;
CREATE INDEX sessions_in_ack_order ON sessions(owner, ack_ts, talker_id);
DROP INDEX sessions_by_ack;
