-- The search index (`message_text`, migration 0015) is written once per
-- transaction instead of once per message.
--
-- FTS5 writes what it holds as a new segment whenever a savepoint begins
-- or ends, and the writer runs each operation of a group commit in its own
-- savepoint: indexing from the trigger made every message a segment of its
-- own, and merging them back together was most of the index's cost. The
-- trigger now queues the text here; whoever commits a transaction that
-- inserts messages (the writer before each COMMIT, bulk loads before each
-- of theirs: store/sqlite/search_index.rs) moves the queue into the index
-- with one statement and empties it, inside the same transaction. So the
-- index commits with its messages, and a savepoint rolled back takes its
-- queued texts with it. At rest the table is empty.

CREATE TABLE message_text_pending (
    msg_key  INTEGER PRIMARY KEY,
    text     TEXT    NOT NULL
) STRICT;

DROP TRIGGER messages_indexed;

CREATE TRIGGER messages_indexed AFTER INSERT ON messages
WHEN new.msg_type = 1 AND json_valid(new.content) AND json_type(new.content, '$.content') = 'text'
BEGIN
    INSERT INTO message_text_pending (msg_key, text)
    VALUES (new.msg_key, json_extract(new.content, '$.content'));
END;
