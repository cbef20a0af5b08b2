-- nextdate-relay storage, version 1. The relay stores opaque encrypted batches
-- and attachments; it knows only chamber ids, device public keys, hashed invite
-- tokens, sizes and times.

CREATE TABLE chambers (
    id         TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    device     BLOB NOT NULL,
    admin      INTEGER NOT NULL,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (chamber_id, device)
) STRICT;

-- One-time invite tokens, by SHA-256; the token itself is never stored.
CREATE TABLE invites (
    token_hash BLOB PRIMARY KEY,
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    created_by BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    used_by    BLOB,
    used_at    INTEGER
) STRICT;

-- The chamber's log: encrypted batches numbered 1, 2, 3 … per chamber.
CREATE TABLE batches (
    chamber_id  TEXT NOT NULL REFERENCES chambers(id),
    seq         INTEGER NOT NULL,
    batch_id    BLOB NOT NULL,
    device      BLOB NOT NULL,
    envelope    BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (chamber_id, seq),
    UNIQUE (chamber_id, batch_id)
) STRICT;

-- Encrypted attachments under their keyed ids.
CREATE TABLE blobs (
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    id         BLOB NOT NULL,
    size       INTEGER NOT NULL,
    bytes      BLOB NOT NULL,
    PRIMARY KEY (chamber_id, id)
) STRICT;
