-- nextdate-relay storage on PostgreSQL, version 2: attachments in parts (as
-- the SQLite schema's version 6, migrations/relay/0006_blob_parts).
--
-- An attachment is now stored as parts of at most 1 MiB, numbered from 0, so
-- that the relay streams it in and out a part at a time instead of holding it
-- whole in memory. Its blobs row keeps its size and how many parts it has
-- (`parts`), with an empty `bytes`. Attachments stored before this version
-- keep their bytes in the blobs row (`parts` NULL) and are served as they are.
ALTER TABLE blobs ADD COLUMN parts INTEGER;

CREATE TABLE blob_parts (
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    id         BYTEA NOT NULL,
    part       INTEGER NOT NULL,
    bytes      BYTEA NOT NULL,
    PRIMARY KEY (chamber_id, id, part)
);
-- Parts are ciphertext: kept out of line without trying to compress them.
ALTER TABLE blob_parts ALTER COLUMN bytes SET STORAGE EXTERNAL;
