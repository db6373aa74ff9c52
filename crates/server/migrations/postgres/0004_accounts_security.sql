-- Issue 11 for PostgreSQL: the SQLite migrations 0011 (private versions),
-- 0012 (account states) and 0013 (stored throttles).

-- Versions that reveal only what their reader may see.
--
-- `relation_stats.version` (the owner's own `re_version`) moved with
-- every change touching the user, from either side, so it showed quiet
-- follows and blocks of them. Now it moves with the user's own changes and
-- with the changes of others the user can see: an open follow of them
-- made, ended or refreshed. It still reaches the `made_seq` of every
-- follower, which `follower_views` relies on.
--
-- `public_version` is what everyone else is shown: a count of the changes
-- anyone can see in the user's followings and followers lists (open
-- follows made, ended or refreshed, by or of the user).
ALTER TABLE relation_stats ADD COLUMN public_version BIGINT NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION sixin_relations_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT := sixin_relation_version();
    -- Whether others see the change: an open follow starts, ends or moves
    -- (refreshed). Special marks, quiet follows and blocks are not seen.
    seen BOOLEAN;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO relation_stats (mid) VALUES (NEW.mid), (NEW.fid) ON CONFLICT (mid) DO NOTHING;
        seen := NEW.attribute = 2;
    ELSIF TG_OP = 'DELETE' THEN
        seen := OLD.attribute = 2;
    ELSE
        seen := (OLD.attribute = 2 OR NEW.attribute = 2)
            AND (OLD.attribute <> NEW.attribute OR OLD.seq <> NEW.seq);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE relation_stats SET
            following = following - (OLD.attribute = 2)::INT,
            whisper   = whisper   - (OLD.attribute = 1)::INT,
            black     = black     - (OLD.attribute = 128)::INT
        WHERE mid = OLD.mid;
        UPDATE relation_stats SET
            follower  = follower  - (OLD.attribute = 2)::INT
        WHERE mid = OLD.fid;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE relation_stats SET
            following = following + (NEW.attribute = 2)::INT,
            whisper   = whisper   + (NEW.attribute = 1)::INT,
            black     = black     + (NEW.attribute = 128)::INT
        WHERE mid = NEW.mid;
        UPDATE relation_stats SET
            follower  = follower  + (NEW.attribute = 2)::INT
        WHERE mid = NEW.fid;
    END IF;
    -- The actor always sees their own change; the other side only a seen one.
    UPDATE relation_stats SET
        version        = v,
        public_version = public_version + seen::INT
    WHERE mid = COALESCE(NEW.mid, OLD.mid);
    UPDATE relation_stats SET
        version        = CASE WHEN seen THEN v ELSE version END,
        public_version = public_version + seen::INT
    WHERE mid = COALESCE(NEW.fid, OLD.fid);
    -- Groups belong to the follow: gone with it, or when it stops being one.
    IF TG_OP = 'DELETE' THEN
        DELETE FROM relation_tag_members WHERE mid = OLD.mid AND fid = OLD.fid;
    ELSIF TG_OP = 'UPDATE' AND NEW.attribute <> 2 AND OLD.attribute IS DISTINCT FROM NEW.attribute THEN
        DELETE FROM relation_tag_members WHERE mid = NEW.mid AND fid = NEW.fid;
    END IF;
    RETURN NULL;
END
$$;

-- Disabled and deleted accounts (domain::account::AccountState):
-- 0 active, 1 disabled, 2 deleted. A deleted account keeps its row (its
-- mid stays taken and its relations and messages stay), with its name
-- replaced by a reserved one and its password and profile forgotten.
ALTER TABLE users ADD COLUMN state BIGINT NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2));
ALTER TABLE users ADD COLUMN state_at BIGINT;  -- unix seconds of the last change; NULL: never

-- A user's QR-code logins, forgotten when the account is disabled.
CREATE INDEX qr_logins_by_mid ON qr_logins(mid) WHERE mid IS NOT NULL;

-- Throttles against guessing (domain::throttle): recent failures per key
-- of each kind (1 login account, 2 login address, 3 QR-code keys,
-- 4 QR-code polls, 5 admin tokens), shared by every node. A row is
-- forgotten once nothing is left to remember (`forget_at`, milliseconds).
-- Distribution: key.
CREATE TABLE throttles (
    kind           BIGINT   NOT NULL,
    key            BYTEA    NOT NULL,
    count          BIGINT   NOT NULL,
    at_ms          BIGINT   NOT NULL,
    shut_until_ms  BIGINT   NOT NULL,
    forget_at_ms   BIGINT   NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX throttles_by_age ON throttles(forget_at_ms);
