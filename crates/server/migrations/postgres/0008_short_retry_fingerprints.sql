-- Retry fingerprints are the first 8 bytes of their SHA-256 (they were
-- all 32), as on SQLite (see its migration 0016). Rows stored before keep
-- working: their first 8 bytes are what a retry of them now presents. Of
-- two rows of one sender sharing their first 8 bytes (about 2^-64 per
-- pair) one is kept.
DELETE FROM send_retries a USING send_retries b
WHERE a.sender = b.sender
  AND substring(a.fingerprint FROM 1 FOR 8) = substring(b.fingerprint FROM 1 FOR 8)
  AND a.fingerprint > b.fingerprint;
UPDATE send_retries SET fingerprint = substring(fingerprint FROM 1 FOR 8)
WHERE length(fingerprint) > 8;
