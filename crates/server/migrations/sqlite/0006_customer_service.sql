-- System accounts, customer-service files and presence.

-- Accounts that speak for the service: their sessions show
-- `system_msg_type` and `account_info {name, pic_url}`.
CREATE TABLE system_accounts (
    mid              INTEGER PRIMARY KEY REFERENCES users(mid),
    system_msg_type  INTEGER NOT NULL CHECK (system_msg_type IN (1, 5, 7, 8, 9)),
    name             TEXT    NOT NULL,
    pic_url          TEXT                   -- NULL: the default avatar
) STRICT;

-- Files uploaded through /x/custom/msg_svr/v1/upload; the bytes are in the
-- file store under custom/<key>.
CREATE TABLE customer_files (
    key         TEXT    PRIMARY KEY,        -- <32 hex>.<ext>
    owner       INTEGER NOT NULL,
    filename    TEXT    NOT NULL,           -- to download it as
    mime        TEXT    NOT NULL,
    bytes       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL            -- unix seconds
) STRICT;

-- Customer-service heartbeats: who is where, since when.
CREATE TABLE presence (
    mid             INTEGER NOT NULL,
    shop_id         INTEGER NOT NULL,
    shop_father_id  INTEGER NOT NULL,
    first_seen      INTEGER NOT NULL,       -- unix seconds, first heartbeat of this visit
    last_seen       INTEGER NOT NULL,       -- unix seconds
    PRIMARY KEY (mid, shop_id, shop_father_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX presence_by_time ON presence(last_seen);
