-- Throttles against guessing (domain::throttle): recent failures per key
-- of each kind (1 login account, 2 login address, 3 QR-code keys,
-- 4 QR-code polls, 5 admin tokens), stored so that they outlive a restart
-- (and, on a shared database, hold across nodes). A row is forgotten once
-- nothing is left to remember (`forget_at_ms`).
CREATE TABLE throttles (
    kind           INTEGER NOT NULL,
    key            BLOB    NOT NULL,
    count          INTEGER NOT NULL,
    at_ms          INTEGER NOT NULL,
    shut_until_ms  INTEGER NOT NULL,
    forget_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX throttles_by_age ON throttles(forget_at_ms);
