-- QR-code logins waiting to be scanned, confirmed and redeemed. Only a
-- SHA-256 of the key is stored; a row is deleted when it is redeemed, and
-- expired rows are deleted whenever a new key is generated.

CREATE TABLE qr_logins (
    key_hash    BLOB    PRIMARY KEY,
    created_at  INTEGER NOT NULL,               -- unix seconds
    expires_at  INTEGER NOT NULL,               -- unix seconds
    state       INTEGER NOT NULL,               -- 0 pending, 1 scanned, 2 confirmed
    mid         INTEGER REFERENCES users(mid),  -- who scanned / confirmed; NULL while pending
    CHECK ((state = 0) = (mid IS NULL))
) STRICT, WITHOUT ROWID;

CREATE INDEX qr_logins_by_expiry ON qr_logins(expires_at);
