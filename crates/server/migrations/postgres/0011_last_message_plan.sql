-- The message a session shows, read by the primary key backwards whatever
-- the plan: a SQL function's statement is planned once with its arguments
-- unknown, and for `seqno <= upto` the planner guessed a few rows and chose
-- a bitmap scan of the whole conversation plus a sort, so every send read
-- every message of its conversation twice (its two sessions move): a send
-- slowed down as the conversation grew (228 buffers at 300 messages
-- instead of 3). Turning off sort and bitmap scans for this one statement
-- leaves the backward index scan that stops at the first message shown.
-- Same body and result as in 0007.

CREATE OR REPLACE FUNCTION sixin_last_message(conv BIGINT, who BIGINT, upto BIGINT)
RETURNS JSONB LANGUAGE sql STABLE
SET enable_sort = off SET enable_bitmapscan = off AS $$
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
