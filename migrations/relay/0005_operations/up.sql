-- Relay schema, version 5: a relay that hosts many chambers.
--
-- Registering a chamber takes a one-time registration token from the relay's
-- operator (kept only as its SHA-256, like invite tokens), unless the relay
-- was started with --open-registration.
CREATE TABLE registration_tokens (
    token_hash BLOB PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_by    TEXT,
    used_at    INTEGER,
    revoked_at INTEGER
) STRICT;

-- What each chamber stores, kept up to date in the transaction that stores
-- it, so a quota is checked without counting: bytes of batches and
-- attachments (status links are summed when checked; they are few), and the
-- number of each. The quota columns override the relay's defaults for one
-- chamber (NULL: the default).
ALTER TABLE chambers ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chambers ADD COLUMN batch_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chambers ADD COLUMN blob_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chambers ADD COLUMN quota_bytes INTEGER;
ALTER TABLE chambers ADD COLUMN quota_batches INTEGER;
ALTER TABLE chambers ADD COLUMN quota_blobs INTEGER;

UPDATE chambers SET
    batch_count = (SELECT count(*) FROM batches WHERE chamber_id = chambers.id),
    blob_count = (SELECT count(*) FROM blobs WHERE chamber_id = chambers.id),
    stored_bytes = (SELECT coalesce(sum(length(envelope)), 0) FROM batches WHERE chamber_id = chambers.id)
                 + (SELECT coalesce(sum(size), 0) FROM blobs WHERE chamber_id = chambers.id);

-- The relay-wide quota of a chamber without its own (`nextdate-relay quota`);
-- rows quota_bytes, quota_batches, quota_blobs; a missing row: the built-in default.
CREATE TABLE relay_settings (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
