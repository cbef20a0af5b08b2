-- Nextdate diary schema, version 9: client updates.
--
-- * The language a client's updates are written in (`en`, `hi`), kept in the
--   client's document and projected here. Projection: rebuilt from the
--   documents at the next open.

ALTER TABLE clients ADD COLUMN update_language TEXT NOT NULL DEFAULT 'en';

INSERT INTO meta (key, value) VALUES ('projection.stale', '1')
  ON CONFLICT (key) DO UPDATE SET value = excluded.value;
