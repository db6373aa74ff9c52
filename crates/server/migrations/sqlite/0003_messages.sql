-- Private messages.
--
-- A conversation holds the messages between two users (kind 1) or of a fan
-- group (kind 2). Messages are stored once per conversation, so both
-- participants see the same msg_seqno for the same message. Each participant
-- has a session row: their view of the conversation (read position, unread
-- count, pin, do-not-disturb, interception).

CREATE TABLE conversations (
    id         INTEGER PRIMARY KEY,
    kind       INTEGER NOT NULL,           -- 1 user pair, 2 fan group
    a          INTEGER NOT NULL,           -- the smaller mid, or the group id
    b          INTEGER NOT NULL,           -- the larger mid, or 0
    max_seqno  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, a, b)
) STRICT;

CREATE TABLE messages (
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id),
    seqno             INTEGER NOT NULL,
    msg_key           INTEGER NOT NULL,    -- the u64 key's bits
    sender_uid        INTEGER NOT NULL,
    receiver_type     INTEGER NOT NULL,
    receiver_id       INTEGER NOT NULL,
    msg_type          INTEGER NOT NULL,
    content           TEXT    NOT NULL,
    ts_us             INTEGER NOT NULL,    -- microseconds
    msg_status        INTEGER NOT NULL DEFAULT 0,
    notify_code       TEXT    NOT NULL DEFAULT '',
    new_face_version  INTEGER,             -- NULL: absent on the wire
    msg_source        INTEGER NOT NULL,
    at_uids           TEXT,                -- JSON array, or NULL
    visible_to        INTEGER NOT NULL DEFAULT 0,   -- 0: both sides; else only this mid
    PRIMARY KEY (conversation_id, seqno)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX messages_by_key ON messages(msg_key);

CREATE TABLE sessions (
    owner            INTEGER NOT NULL,
    session_type     INTEGER NOT NULL,     -- 1 user, 2 fan group
    talker_id        INTEGER NOT NULL,
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id),
    last_seqno       INTEGER NOT NULL DEFAULT 0,   -- last message visible to owner; 0: none yet
    session_ts       INTEGER NOT NULL DEFAULT 0,   -- microseconds of that message
    ack_seqno        INTEGER NOT NULL DEFAULT 0,
    ack_ts           INTEGER NOT NULL DEFAULT 0,   -- microseconds
    unread_count     INTEGER NOT NULL DEFAULT 0,   -- maintained on every write
    sent_count       INTEGER NOT NULL DEFAULT 0,   -- messages the owner sent here
    top_ts           INTEGER NOT NULL DEFAULT 0,   -- microseconds; 0: not pinned
    is_dnd           INTEGER NOT NULL DEFAULT 0,
    push_setting     INTEGER NOT NULL DEFAULT 0,
    is_intercept     INTEGER NOT NULL DEFAULT 0,
    is_trust         INTEGER NOT NULL DEFAULT 0,
    removed          INTEGER NOT NULL DEFAULT 0,   -- hidden by remove_session until the next message
    PRIMARY KEY (owner, session_type, talker_id)
) STRICT, WITHOUT ROWID;

-- Session lists: newest first, per owner.
CREATE INDEX sessions_by_time ON sessions(owner, session_ts);
CREATE INDEX sessions_by_ack ON sessions(owner, ack_ts);
-- Unread totals only visit sessions that have unread messages.
CREATE INDEX sessions_unread ON sessions(owner) WHERE unread_count > 0;

-- Retried sends: the same (sender, receiver, dev_id, timestamp, content)
-- within the window returns the first msg_key.
CREATE TABLE send_retries (
    sender       INTEGER NOT NULL,
    fingerprint  BLOB    NOT NULL,
    msg_key      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,         -- unix seconds
    PRIMARY KEY (sender, fingerprint)
) STRICT, WITHOUT ROWID;

CREATE INDEX send_retries_by_age ON send_retries(created_at);

-- 24-hour sending stops after sustained abuse (21046).
CREATE TABLE send_bans (
    mid    INTEGER PRIMARY KEY,
    until  INTEGER NOT NULL                -- unix seconds
) STRICT;

-- Per-user message preferences; absent row: the defaults.
CREATE TABLE message_settings (
    mid       INTEGER PRIMARY KEY,
    settings  TEXT NOT NULL                -- JSON object of the changed fields
) STRICT;

-- Images uploaded through upload_bfs, served under /bfs/im/.
CREATE TABLE uploads (
    name        TEXT    PRIMARY KEY,       -- <sha256>.<ext>
    owner       INTEGER NOT NULL,
    mime        TEXT    NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- The emoji catalogue: [text] tokens that produce e_infos.
CREATE TABLE emotes (
    text     TEXT    PRIMARY KEY,          -- including the brackets, e.g. [tv_doge]
    uri      TEXT    NOT NULL,             -- absolute, or a path on this server
    size     INTEGER NOT NULL DEFAULT 1,
    gif_url  TEXT
) STRICT;

-- Keyword rules that attach key_hit_infos to text messages.
CREATE TABLE keyword_rules (
    rule_id   INTEGER PRIMARY KEY,
    keywords  TEXT NOT NULL,               -- JSON array of strings
    toast     TEXT NOT NULL
) STRICT;

INSERT INTO keyword_rules (rule_id, keywords, toast) VALUES (
    2,
    '["支付宝","微信转账","银行卡","转账","汇款","付款码","收款码"]',
    '【温馨提示】为保障消费者权益，根据平台规则，如创作者在与消费者沟通中进行发布要求非法转账、欺诈转账等违规行为，平台有权对此进行处罚，感谢您的理解。'
);
-- The built-in emoji catalogue; the images are served by this server.
INSERT INTO emotes (text, uri, size) VALUES
    ('[微笑]', '/bfs/emote/e01.png', 1),
    ('[口罩]', '/bfs/emote/e02.png', 1),
    ('[doge]', '/bfs/emote/e03.png', 1),
    ('[妙啊]', '/bfs/emote/e04.png', 1),
    ('[OK]', '/bfs/emote/e05.png', 1),
    ('[星星眼]', '/bfs/emote/e06.png', 1),
    ('[辣眼睛]', '/bfs/emote/e07.png', 1),
    ('[吃瓜]', '/bfs/emote/e08.png', 1),
    ('[滑稽]', '/bfs/emote/e09.png', 1),
    ('[呲牙]', '/bfs/emote/e10.png', 1),
    ('[打call]', '/bfs/emote/e11.png', 1),
    ('[歪嘴]', '/bfs/emote/e12.png', 1),
    ('[调皮]', '/bfs/emote/e13.png', 1),
    ('[笑哭]', '/bfs/emote/e14.png', 1),
    ('[大哭]', '/bfs/emote/e15.png', 1),
    ('[生气]', '/bfs/emote/e16.png', 1),
    ('[疑惑]', '/bfs/emote/e17.png', 1),
    ('[捂脸]', '/bfs/emote/e18.png', 1),
    ('[点赞]', '/bfs/emote/e19.png', 1),
    ('[鼓掌]', '/bfs/emote/e20.png', 1),
    ('[抱拳]', '/bfs/emote/e21.png', 1),
    ('[害羞]', '/bfs/emote/e22.png', 1),
    ('[酸了]', '/bfs/emote/e23.png', 1),
    ('[脱单doge]', '/bfs/emote/e24.png', 1),
    ('[tv_doge]', '/bfs/emote/e25.png', 1),
    ('[tv_微笑]', '/bfs/emote/e26.png', 1),
    ('[tv_大哭]', '/bfs/emote/e27.png', 1),
    ('[tv_偷笑]', '/bfs/emote/e28.png', 1),
    ('[tv_鼓掌]', '/bfs/emote/e29.png', 1),
    ('[偷笑]', '/bfs/emote/e30.png', 1);
