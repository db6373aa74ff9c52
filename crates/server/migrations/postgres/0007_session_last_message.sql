-- A session's last message kept in its `sessions` row, so that a session
-- list reads one table on its owner's shard (docs/scaling.md, plan step 3)
-- instead of joining `messages`, which is distributed by conversation.
--
-- `last_msg` is the message the list shows: the newest of the
-- conversation up to the session's `last_seqno` that the owner sees
-- (`visible_to` 0 or the owner) and the system did not withdraw
-- (`msg_status` 2), with a delivery's shared content in place, as one
-- JSON object (the columns `store/postgres/messages/sessions.rs` reads);
-- NULL when there is none.
--
-- It is written by the triggers below inside the statement, hence the
-- transaction, that moves a session (sends, group posts, deliveries,
-- automatic replies, migrate-data's copy) or changes a message shown
-- (recalls, withdrawals), whatever the order of the two in a transaction:
-- no writer can forget it.

ALTER TABLE sessions ADD COLUMN last_msg JSONB;

-- The message a session of `who` up to `upto` shows. Reads the
-- conversation's own rows (its shard): the primary key backwards.
CREATE FUNCTION sixin_last_message(conv BIGINT, who BIGINT, upto BIGINT)
RETURNS JSONB LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'sender_uid', m.sender_uid,
        'receiver_type', m.receiver_type,
        'receiver_id', m.receiver_id,
        'msg_type', m.msg_type,
        'content', CASE WHEN m.content_ref IS NULL THEN m.content
                        ELSE (SELECT sc.content FROM shared_contents sc
                              WHERE sc.id = m.content_ref) END,
        'seqno', m.seqno,
        'ts_us', m.ts_us,
        'at_uids', m.at_uids,
        'msg_key', m.msg_key,
        'msg_status', m.msg_status,
        'notify_code', m.notify_code,
        'new_face_version', m.new_face_version,
        'msg_source', m.msg_source)
    FROM messages m
    WHERE m.conversation_id = conv AND m.seqno <= upto
      AND m.msg_status <> 2 AND (m.visible_to = 0 OR m.visible_to = who)
    ORDER BY m.seqno DESC LIMIT 1
$$;

-- A session made or moved: what it shows now. A send makes both sessions
-- with `INSERT ... ON CONFLICT DO NOTHING` and no seqno yet, which fires
-- this even when they exist: nothing to read then.
CREATE FUNCTION sixin_session_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.last_seqno > 0 THEN
        NEW.last_msg := sixin_last_message(NEW.conversation_id, NEW.owner, NEW.last_seqno);
    ELSE
        NEW.last_msg := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER sessions_made BEFORE INSERT ON sessions
    FOR EACH ROW EXECUTE FUNCTION sixin_session_moved();
CREATE TRIGGER sessions_moved BEFORE UPDATE ON sessions
    FOR EACH ROW
    WHEN (OLD.last_seqno IS DISTINCT FROM NEW.last_seqno
          OR OLD.conversation_id IS DISTINCT FROM NEW.conversation_id)
    EXECUTE FUNCTION sixin_session_moved();

-- A message stored or changed: the sessions that reach it (`last_seqno`
-- at or past it) and show it or an older one look again. A message
-- stored before its sessions move matches none (they move afterwards and
-- look then); one stored after them (or recalled, withdrawn) is found on
-- `sessions_by_conversation` without reading the sessions that are
-- behind it.
CREATE FUNCTION sixin_message_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions
    SET last_msg = sixin_last_message(conversation_id, owner, last_seqno)
    WHERE conversation_id = NEW.conversation_id AND last_seqno >= NEW.seqno
      AND COALESCE((last_msg->>'seqno')::BIGINT, 0) <= NEW.seqno;
    RETURN NULL;
END
$$;

-- (It was on conversation_id alone, migration 0002; its readers use the
-- prefix.)
DROP INDEX sessions_by_conversation;
CREATE INDEX sessions_by_conversation ON sessions(conversation_id, last_seqno);

CREATE TRIGGER messages_stored AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION sixin_message_changed();
CREATE TRIGGER messages_changed AFTER UPDATE ON messages
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION sixin_message_changed();

-- What existed before this migration.
UPDATE sessions SET last_msg = sixin_last_message(conversation_id, owner, last_seqno);
