-- Nextdate diary schema, version 5: erasing a client's personal data.
--
-- An erasure replaces the client's document with a new one that has no
-- history. The outbox must say so, because other devices replace their copy
-- instead of merging it: `replaces` is 1 for such an entry.
ALTER TABLE outbox ADD COLUMN replaces INTEGER NOT NULL DEFAULT 0 CHECK (replaces IN (0, 1));
