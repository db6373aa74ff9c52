-- Retry fingerprints are the first 8 bytes of their SHA-256 (they were
-- all 32): a retry row, written for every send and kept for the retry
-- window, shrinks by 24 bytes in the table and 24 in its age index.
-- Rows stored before keep working: their first 8 bytes are what a retry
-- of them now presents. Two rows of one sender that shared their first
-- 8 bytes would leave one (about 2^-64 per pair).
UPDATE OR REPLACE send_retries SET fingerprint = substr(fingerprint, 1, 8)
WHERE length(fingerprint) > 8;
