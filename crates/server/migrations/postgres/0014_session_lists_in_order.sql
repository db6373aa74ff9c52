-- Session lists are ordered by time and then talker (`ORDER BY session_ts
-- DESC, talker_id DESC`, and by `ack_ts` for `sort_rule` 3). With only
-- (owner, time) indexed, PostgreSQL joined every session of the owner
-- with its talker's rows and sorted them all to keep one page: a user
-- with 1,000 sessions cost about 5 ms a page (`sixin bench --scenarios
-- sessions`: 348 req/s). With the talker in the index the list is read
-- backwards in its order and stops at the page size
-- (store/postgres/messages/sessions.rs). Every reader of the old indexes
-- reads the new ones by the same prefix. Distribution: owner, as the
-- table.

CREATE INDEX sessions_in_time_order ON sessions(owner, session_ts, talker_id);
DROP INDEX sessions_by_time;
CREATE INDEX sessions_in_ack_order ON sessions(owner, ack_ts, talker_id);
DROP INDEX sessions_by_ack;
