-- Disabled and deleted accounts (domain::account::AccountState):
-- 0 active, 1 disabled, 2 deleted. A deleted account keeps its row (its
-- mid stays taken and its relations and messages stay), with its name
-- replaced by a reserved one and its password and profile forgotten.

ALTER TABLE users ADD COLUMN state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2));
ALTER TABLE users ADD COLUMN state_at INTEGER;  -- unix seconds of the last change; NULL: never

-- A user's QR-code logins, forgotten when the account is disabled.
CREATE INDEX qr_logins_by_mid ON qr_logins(mid) WHERE mid IS NOT NULL;
