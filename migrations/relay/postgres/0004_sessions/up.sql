-- Sessions and answered challenges in the database, so that every relay
-- instance answers every request (no load balancer needs to keep a laptop
-- on one instance). As SQLite's `0007_sessions`:
--
-- `relay_secrets` keeps the key that signs the relay's challenges (made once,
-- by whichever instance needs it first); a challenge is checked by its
-- signature on any instance, and `spent_challenges` remembers each answered
-- nonce until it expires, so that none works twice. `sessions` keeps each
-- open session under the SHA-256 hash of its bearer token (never the token),
-- with its chamber, device and expiry; what the device may do is read from
-- `devices` at each lookup.
CREATE TABLE relay_secrets (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE spent_challenges (
    nonce      BYTEA PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX spent_challenges_expiry ON spent_challenges (expires_at);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    chamber_id TEXT NOT NULL,
    device     BYTEA NOT NULL,
    opened_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_device ON sessions (chamber_id, device);
CREATE INDEX sessions_expiry ON sessions (expires_at);
