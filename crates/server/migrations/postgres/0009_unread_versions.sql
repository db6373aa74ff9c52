-- Versions of what `single_unread` counts (plists), as on SQLite
-- (migrations/sqlite/0016_unread_versions.sql says why): `version` of
-- `owner` moves with every change to a row the unread query reads for that
-- owner; owner 0 is the version of system accounts and dissolved groups.
-- Kept by the triggers below in the same statement, hence the same
-- transaction, as every write. Rows are never deleted. Distribution: owner.
CREATE TABLE unread_versions (
    owner    BIGINT PRIMARY KEY,
    version  BIGINT NOT NULL
);

CREATE FUNCTION sixin_unread_bump(who BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO unread_versions (owner, version) VALUES (who, 1)
        ON CONFLICT (owner) DO UPDATE SET version = unread_versions.version + 1;
$$;

CREATE FUNCTION sixin_unread_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.unread_count > 0 THEN PERFORM sixin_unread_bump(NEW.owner); END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.unread_count > 0 THEN PERFORM sixin_unread_bump(OLD.owner); END IF;
    ELSIF (OLD.unread_count > 0 OR NEW.unread_count > 0)
      AND (OLD.unread_count, OLD.push_unread, OLD.biz_unread, OLD.is_intercept,
           OLD.session_type, OLD.talker_id, OLD.owner)
          IS DISTINCT FROM
          (NEW.unread_count, NEW.push_unread, NEW.biz_unread, NEW.is_intercept,
           NEW.session_type, NEW.talker_id, NEW.owner) THEN
        PERFORM sixin_unread_bump(OLD.owner);
        IF NEW.owner <> OLD.owner THEN PERFORM sixin_unread_bump(NEW.owner); END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_unread_version AFTER INSERT OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sixin_unread_sessions();
-- Most updates (the sender's own session, settings) change nothing counted:
-- the condition keeps them from calling the function at all.
CREATE TRIGGER sessions_unread_version_update AFTER UPDATE ON sessions
    FOR EACH ROW WHEN ((OLD.unread_count > 0 OR NEW.unread_count > 0)
      AND (OLD.unread_count, OLD.push_unread, OLD.biz_unread, OLD.is_intercept,
           OLD.session_type, OLD.talker_id, OLD.owner)
          IS DISTINCT FROM
          (NEW.unread_count, NEW.push_unread, NEW.biz_unread, NEW.is_intercept,
           NEW.session_type, NEW.talker_id, NEW.owner))
    EXECUTE FUNCTION sixin_unread_sessions();

-- A relation counts only for a session with unread messages.
CREATE FUNCTION sixin_unread_relations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.attribute, OLD.mid, OLD.fid)
                            IS NOT DISTINCT FROM (NEW.attribute, NEW.mid, NEW.fid) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') AND EXISTS (
        SELECT 1 FROM sessions WHERE owner = OLD.mid AND session_type = 1
        AND talker_id = OLD.fid AND unread_count > 0) THEN
        PERFORM sixin_unread_bump(OLD.mid);
    END IF;
    IF (TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD.mid, OLD.fid) <> (NEW.mid, NEW.fid)))
       AND EXISTS (
        SELECT 1 FROM sessions WHERE owner = NEW.mid AND session_type = 1
        AND talker_id = NEW.fid AND unread_count > 0) THEN
        PERFORM sixin_unread_bump(NEW.mid);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER relations_unread_version AFTER INSERT OR UPDATE OR DELETE ON relations
    FOR EACH ROW EXECUTE FUNCTION sixin_unread_relations();

CREATE FUNCTION sixin_unread_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.mid, OLD.group_id) = (NEW.mid, NEW.group_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN PERFORM sixin_unread_bump(OLD.mid); END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM sixin_unread_bump(NEW.mid); END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER group_members_unread_version AFTER INSERT OR UPDATE OR DELETE ON group_members
    FOR EACH ROW EXECUTE FUNCTION sixin_unread_members();

-- What every user's totals read: one version for all (owner 0). One
-- function per table: a condition naming another table's column would not
-- compile for this one.
CREATE FUNCTION sixin_unread_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (OLD.dissolved, OLD.id) IS NOT DISTINCT FROM (NEW.dissolved, NEW.id) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM sixin_unread_bump(0);
    RETURN NULL;
END
$$;

CREATE FUNCTION sixin_unread_system_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (OLD.mid, OLD.system_msg_type) IS NOT DISTINCT FROM (NEW.mid, NEW.system_msg_type) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM sixin_unread_bump(0);
    RETURN NULL;
END
$$;

CREATE TRIGGER fan_groups_unread_version AFTER UPDATE OR DELETE ON fan_groups
    FOR EACH ROW EXECUTE FUNCTION sixin_unread_groups();
CREATE TRIGGER system_accounts_unread_version AFTER INSERT OR UPDATE OR DELETE ON system_accounts
    FOR EACH ROW EXECUTE FUNCTION sixin_unread_system_accounts();

-- migrate-data empties its targets with TRUNCATE, which fires no row
-- trigger: every version moves on.
CREATE FUNCTION sixin_unread_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE unread_versions SET version = version + 1;
    PERFORM sixin_unread_bump(0);
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_unread_truncated AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION sixin_unread_truncated();
CREATE TRIGGER relations_unread_truncated AFTER TRUNCATE ON relations
    FOR EACH STATEMENT EXECUTE FUNCTION sixin_unread_truncated();
