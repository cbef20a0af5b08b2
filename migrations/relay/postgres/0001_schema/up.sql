-- nextdate-relay storage on PostgreSQL, version 1: the same tables as the
-- SQLite schema at its version 5 (migrations/relay/0001_init … 0005_operations),
-- made in one step. The relay stores opaque encrypted batches, attachments and
-- status links; it knows only chamber ids, device public keys, hashed tokens,
-- sizes and times.
--
-- Times are Unix seconds (BIGINT), flags BOOLEAN, keys, hashes and sealed
-- bytes BYTEA. The version applied is kept in relay_schema_version, which the
-- relay makes itself before it applies this file (see src/postgres/migrate.rs).

-- A chamber, with its current key epoch, what it stores (kept up to date in
-- the transaction that stores it, so a quota is checked without counting:
-- bytes of batches and attachments; status links are summed when checked) and
-- its own quota (NULL: the relay's default).
CREATE TABLE chambers (
    id            TEXT PRIMARY KEY,
    created_at    BIGINT NOT NULL,
    epoch         BIGINT NOT NULL DEFAULT 1,
    stored_bytes  BIGINT NOT NULL DEFAULT 0,
    batch_count   BIGINT NOT NULL DEFAULT 0,
    blob_count    BIGINT NOT NULL DEFAULT 0,
    quota_bytes   BIGINT,
    quota_batches BIGINT,
    quota_blobs   BIGINT
);

-- The devices of a chamber. A removed device is kept (its batches stay
-- attributable and it cannot join again under the same key) but is refused
-- everything; a read-only one (a viewer's) may read but not push.
CREATE TABLE devices (
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    device     BYTEA NOT NULL,
    admin      BOOLEAN NOT NULL,
    added_at   BIGINT NOT NULL,
    read_only  BOOLEAN NOT NULL DEFAULT FALSE,
    removed_at BIGINT,
    PRIMARY KEY (chamber_id, device)
);

-- One-time invite tokens, by SHA-256; the token itself is never stored.
CREATE TABLE invites (
    token_hash BYTEA PRIMARY KEY,
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    created_by BYTEA NOT NULL,
    expires_at BIGINT NOT NULL,
    used_by    BYTEA,
    used_at    BIGINT
);
CREATE INDEX invites_chamber ON invites (chamber_id);

-- A new device's request to be let in, sealed to the admin device's key, and
-- the admin's answer (the chamber key sealed to the new device, or empty:
-- refused). The relay reads neither.
CREATE TABLE admissions (
    chamber_id   TEXT NOT NULL REFERENCES chambers(id),
    device       BYTEA NOT NULL,
    request      BYTEA NOT NULL,
    answer       BYTEA,
    requested_at BIGINT NOT NULL,
    answered_at  BIGINT,
    PRIMARY KEY (chamber_id, device)
);

-- Each remaining device's copy of a rotated chamber key, sealed to it.
CREATE TABLE key_grants (
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    epoch      BIGINT NOT NULL,
    device     BYTEA NOT NULL,
    sealed     BYTEA NOT NULL,
    PRIMARY KEY (chamber_id, device, epoch)
);

-- The chamber's log: encrypted batches numbered 1, 2, 3 … per chamber, with
-- no gap (an append locks its chamber's row before it numbers the batch).
CREATE TABLE batches (
    chamber_id  TEXT NOT NULL REFERENCES chambers(id),
    seq         BIGINT NOT NULL,
    batch_id    BYTEA NOT NULL,
    device      BYTEA NOT NULL,
    envelope    BYTEA NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (chamber_id, seq),
    UNIQUE (chamber_id, batch_id)
);

-- Encrypted attachments under their keyed ids.
CREATE TABLE blobs (
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    id         BYTEA NOT NULL,
    size       BIGINT NOT NULL,
    bytes      BYTEA NOT NULL,
    PRIMARY KEY (chamber_id, id)
);

-- Status links: a link's sealed snapshot and sealed documents, under the
-- link's random id. Revoking deletes the sealed bytes and keeps the row, so
-- the page can say "revoked".
CREATE TABLE status_links (
    id         BYTEA PRIMARY KEY,
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    sealed     BYTEA,
    expires_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    fetches    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX status_links_chamber ON status_links (chamber_id);

CREATE TABLE status_link_files (
    link_id BYTEA NOT NULL REFERENCES status_links(id),
    file_id BYTEA NOT NULL,
    sealed  BYTEA NOT NULL,
    PRIMARY KEY (link_id, file_id)
);

-- One-time registration tokens from the relay's operator, by SHA-256.
CREATE TABLE registration_tokens (
    token_hash BYTEA PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_by    TEXT,
    used_at    BIGINT,
    revoked_at BIGINT
);

-- The relay-wide quota of a chamber without its own (`nextdate-relay quota`);
-- rows quota_bytes, quota_batches, quota_blobs; a missing row: the built-in default.
CREATE TABLE relay_settings (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
