-- Nextdate diary schema, version 10: status links.
--
-- * `status_links`: the links given to clients, from the case and client
--   documents (projection; the link's key stays in the document).
-- * `link_uploads`: what this laptop last sealed and sent to the relay for
--   each link (a hash of the snapshot), so a link is sealed again only when
--   what the client sees has changed. Local (never synced, never rebuilt).

CREATE TABLE status_links (
    id             TEXT PRIMARY KEY,
    owner_id       TEXT NOT NULL,
    owner_kind     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    expires_on     TEXT,
    revoked_at     TEXT,
    share_outcomes INTEGER NOT NULL,
    share_fees     INTEGER NOT NULL,
    language       TEXT NOT NULL
) STRICT;
CREATE INDEX status_links_owner ON status_links (owner_id);

CREATE TABLE link_uploads (
    link_id      TEXT PRIMARY KEY,
    content_hash BLOB NOT NULL,
    uploaded_at  TEXT NOT NULL
) STRICT;

INSERT INTO meta (key, value) VALUES ('projection.stale', '1')
  ON CONFLICT (key) DO UPDATE SET value = excluded.value;
