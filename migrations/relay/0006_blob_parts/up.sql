-- Relay schema, version 6: attachments in parts.
--
-- An attachment is now stored as parts of at most 1 MiB, numbered from 0, so
-- that the relay streams it in and out a part at a time instead of holding it
-- whole in memory. Its blobs row keeps its size and how many parts it has
-- (`parts`), with an empty `bytes`. Attachments stored before this version
-- keep their bytes in the blobs row (`parts` NULL) and are served as they are.
ALTER TABLE blobs ADD COLUMN parts INTEGER;

CREATE TABLE blob_parts (
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    id         BLOB NOT NULL,
    part       INTEGER NOT NULL,
    bytes      BLOB NOT NULL,
    PRIMARY KEY (chamber_id, id, part)
) STRICT;
