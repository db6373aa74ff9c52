-- Full-text search of one's own conversations (`/sixin/v1/messages/search`).
--
-- A search reads the caller's own conversations only, comparing the text
-- of their text messages (msg_type 1) with ILIKE (store/postgres/search.rs).
-- Where the pg_trgm extension is available (or can be created by the user
-- sixin connects as), a trigram index over that text lets PostgreSQL find
-- the matches without reading each message; without it, a search reads
-- the caller's messages, which is bounded by their own conversations.
--
-- Deliveries of the admin API (their content is shared, `content_ref`)
-- are notifications, not conversations: their rows hold no text.

-- The text of a message, or NULL: never fails on a content that is not a
-- JSON object, so that it may be indexed.
CREATE FUNCTION message_text(msg_type BIGINT, content TEXT) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF msg_type <> 1 OR left(content, 1) <> '{' THEN
        RETURN NULL;
    END IF;
    RETURN content::jsonb ->> 'content';
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
    EXCEPTION WHEN others THEN
        RAISE NOTICE 'pg_trgm is not available: message search reads each caller''s messages';
    END;
    BEGIN
        CREATE INDEX messages_text_trigrams ON messages
            USING gin (message_text(msg_type, content) public.gin_trgm_ops);
    EXCEPTION WHEN others THEN
        RAISE NOTICE 'no trigram index: message search reads each caller''s messages';
    END;
END
$$;
