-- Relay schema, version 4: status links.
--
-- A link's sealed snapshot and sealed documents, under the link's random id.
-- The relay cannot open them (the key is only in the link's fragment); it
-- knows which chamber put them, when, until when they are served, whether
-- the link was revoked, and how often the snapshot was fetched. Revoking
-- deletes the sealed bytes and keeps the row, so the page can say "revoked".
CREATE TABLE status_links (
    id         BLOB PRIMARY KEY,
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    sealed     BLOB,
    expires_at INTEGER,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    fetches    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX status_links_chamber ON status_links (chamber_id);

CREATE TABLE status_link_files (
    link_id BLOB NOT NULL REFERENCES status_links(id),
    file_id BLOB NOT NULL,
    sealed  BLOB NOT NULL,
    PRIMARY KEY (link_id, file_id)
) STRICT;
