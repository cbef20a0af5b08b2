-- Relay schema, version 7: sessions and answered challenges in storage, so
-- that every relay instance on one database answers every request.
--
-- `relay_secrets` keeps the key that signs the relay's challenges (made once,
-- by whichever instance needs it first). A challenge is then checked by its
-- signature, by any instance, and nothing is kept for one until it is
-- answered: `spent_challenges` remembers each answered nonce until it
-- expires, so that no challenge works twice.
--
-- `sessions` keeps each open session under the SHA-256 hash of its bearer
-- token (the token itself is never stored), with its chamber, device and
-- expiry. What the device may do is read from `devices` at each lookup, so a
-- removed device's sessions end everywhere at once.
CREATE TABLE relay_secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE spent_challenges (
    nonce      BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX spent_challenges_expiry ON spent_challenges (expires_at);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    chamber_id TEXT NOT NULL,
    device     BLOB NOT NULL,
    opened_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_device ON sessions (chamber_id, device);
CREATE INDEX sessions_expiry ON sessions (expires_at);
