-- Nextdate diary schema, version 6: chamber roles enforced on every laptop.
--
-- A local change is judged, on every other laptop, against the chamber as its
-- author saw it when writing it: the outbox keeps the chamber document's heads
-- of that moment (`context`, 32-byte change hashes one after another; empty
-- for changes to the chamber document itself, judged by their own history).
ALTER TABLE outbox ADD COLUMN context BLOB NOT NULL DEFAULT x'';

-- Changes from other laptops that cannot be judged yet: the chamber state or
-- the earlier changes they build on have not arrived. Tried again after every
-- merge; kept encrypted with the rest of the diary.
CREATE TABLE parked_changes (
    id        INTEGER PRIMARY KEY,
    signer    BLOB NOT NULL,
    doc_id    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    bytes     BLOB NOT NULL,
    replaces  INTEGER NOT NULL DEFAULT 0,
    context   BLOB NOT NULL,
    parked_at TEXT NOT NULL
);

-- Changes refused because their author's role did not allow them, or their
-- author was not who they claimed: kept out of the documents, listed here so
-- the sync panel can say who and why, and so changes built on them are
-- refused too.
CREATE TABLE refused_changes (
    hash       TEXT PRIMARY KEY,
    doc_id     TEXT NOT NULL,
    signer     TEXT NOT NULL,
    who        TEXT NOT NULL,
    reason     TEXT NOT NULL,
    refused_at TEXT NOT NULL
);
