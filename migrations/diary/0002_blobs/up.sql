-- Attachments: content-addressed (SHA-256) blobs inside the encrypted database,
-- so no attachment ever sits on disk in plaintext.
CREATE TABLE blobs (
    id    TEXT PRIMARY KEY,
    size  INTEGER NOT NULL,
    bytes BLOB NOT NULL
) STRICT;
