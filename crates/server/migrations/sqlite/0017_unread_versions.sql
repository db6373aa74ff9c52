-- Versions of what `single_unread` counts (plists), so that a node can
-- keep a user's unread totals and know, by one key lookup, whether they
-- still hold (`service::messages::sessions`, `Store::unread_if_changed`).
--
-- `version` of `owner` moves with every change to a row the unread query
-- reads for that owner: a session with unread messages (its counts, its
-- interception, made or removed), the owner's relation to the talker of
-- such a session, the owner's group memberships. Owner 0 (no user) is
-- the version of what every user's totals read: system accounts and
-- dissolved groups. The triggers are the one place this is kept, in the
-- same statement, hence the same transaction, as every write (sends,
-- acks, recalls, group posts, removals, dustbin moves, read_all, blocks,
-- bulk loads): no writer can forget it. Rows are never deleted, so a
-- version never comes back.
CREATE TABLE unread_versions (
    owner    INTEGER PRIMARY KEY,
    version  INTEGER NOT NULL
) STRICT;

CREATE TRIGGER unread_session_insert AFTER INSERT ON sessions
WHEN NEW.unread_count > 0
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (NEW.owner, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_session_delete AFTER DELETE ON sessions
WHEN OLD.unread_count > 0
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (OLD.owner, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_session_update AFTER UPDATE ON sessions
WHEN (OLD.unread_count > 0 OR NEW.unread_count > 0)
  AND (OLD.unread_count != NEW.unread_count OR OLD.push_unread != NEW.push_unread
       OR OLD.biz_unread != NEW.biz_unread OR OLD.is_intercept != NEW.is_intercept
       OR OLD.session_type != NEW.session_type OR OLD.talker_id != NEW.talker_id
       OR OLD.owner != NEW.owner)
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (OLD.owner, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
    INSERT INTO unread_versions (owner, version) SELECT NEW.owner, 1 WHERE NEW.owner != OLD.owner
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

-- A relation counts only for a session with unread messages: following
-- a million users bumps nothing.
CREATE TRIGGER unread_relation_insert AFTER INSERT ON relations
WHEN EXISTS (SELECT 1 FROM sessions WHERE owner = NEW.mid AND session_type = 1
             AND talker_id = NEW.fid AND unread_count > 0)
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (NEW.mid, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_relation_delete AFTER DELETE ON relations
WHEN EXISTS (SELECT 1 FROM sessions WHERE owner = OLD.mid AND session_type = 1
             AND talker_id = OLD.fid AND unread_count > 0)
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (OLD.mid, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_relation_update AFTER UPDATE ON relations
WHEN OLD.attribute != NEW.attribute OR OLD.mid != NEW.mid OR OLD.fid != NEW.fid
BEGIN
    INSERT INTO unread_versions (owner, version)
        SELECT OLD.mid, 1 WHERE EXISTS (
            SELECT 1 FROM sessions WHERE owner = OLD.mid AND session_type = 1
            AND talker_id = OLD.fid AND unread_count > 0)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
    INSERT INTO unread_versions (owner, version)
        SELECT NEW.mid, 1 WHERE (NEW.mid != OLD.mid OR NEW.fid != OLD.fid) AND EXISTS (
            SELECT 1 FROM sessions WHERE owner = NEW.mid AND session_type = 1
            AND talker_id = NEW.fid AND unread_count > 0)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_member_insert AFTER INSERT ON group_members
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (NEW.mid, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_member_delete AFTER DELETE ON group_members
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (OLD.mid, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_member_update AFTER UPDATE ON group_members
WHEN OLD.mid != NEW.mid OR OLD.group_id != NEW.group_id
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (OLD.mid, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
    INSERT INTO unread_versions (owner, version) VALUES (NEW.mid, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_group_update AFTER UPDATE ON fan_groups
WHEN OLD.dissolved != NEW.dissolved OR OLD.id != NEW.id
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (0, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_group_delete AFTER DELETE ON fan_groups
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (0, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_system_insert AFTER INSERT ON system_accounts
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (0, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_system_delete AFTER DELETE ON system_accounts
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (0, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER unread_system_update AFTER UPDATE ON system_accounts
WHEN OLD.mid != NEW.mid OR OLD.system_msg_type != NEW.system_msg_type
BEGIN
    INSERT INTO unread_versions (owner, version) VALUES (0, 1)
        ON CONFLICT (owner) DO UPDATE SET version = version + 1;
END;
