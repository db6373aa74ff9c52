-- One row rewritten by every readiness check (start-up and /health), to
-- prove the database takes writes: a read-only file, directory or disk is
-- found before anyone's write fails.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    probes INTEGER NOT NULL
);
