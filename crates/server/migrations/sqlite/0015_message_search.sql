-- Full-text search of one's own conversations (`/sixin/v1/messages/search`).
--
-- The text of every text message (msg_type 1) whose content row holds it,
-- cut into trigrams: Chinese has no spaces between words, so any part of
-- three characters or more is found (case-insensitively for Latin
-- letters). Shorter queries scan the caller's own messages instead
-- (store/sqlite/search.rs). Contentless: the text stays in `messages`;
-- the rowid is the message's msg_key, and which of the rows a user may see
-- is decided when searching, by joining `messages`.
--
-- Deliveries of the admin API (their content is shared, `content_ref`)
-- are notifications, not conversations: they are not indexed.

CREATE VIRTUAL TABLE message_text USING fts5(
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram'
);

INSERT INTO message_text (rowid, text)
SELECT msg_key, json_extract(content, '$.content')
FROM messages
WHERE msg_type = 1 AND json_valid(content) AND json_type(content, '$.content') = 'text';

CREATE TRIGGER messages_indexed AFTER INSERT ON messages
WHEN new.msg_type = 1 AND json_valid(new.content) AND json_type(new.content, '$.content') = 'text'
BEGIN
    INSERT INTO message_text (rowid, text)
    VALUES (new.msg_key, json_extract(new.content, '$.content'));
END;
