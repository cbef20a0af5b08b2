-- Nextdate diary schema, version 4: records can be corrected and removed.
--
-- * Every child row (hearing, task, note, fee, document) is keyed by the
--   document it belongs to as well as its own id, so a row of one case can
--   never overwrite or delete a row of another. `case_id` is the owning
--   document: a case, or the chamber for tasks that belong to no case.
-- * Fees can be voided (they stay in the ledger, struck out, and leave the
--   balance); cases carry the date and remark of their last status change.
-- * Removed records leave these tables and are listed in `removed_records`,
--   so "already removed" is a specific error and a case can list them.
--
-- All of these are projection tables: they are dropped, recreated and then
-- rebuilt from the Automerge documents at the next open.

DROP TABLE hearings;
CREATE TABLE hearings (
    case_id     TEXT NOT NULL,
    id          TEXT NOT NULL,
    date        TEXT NOT NULL,
    item        INTEGER,
    purpose     TEXT,
    outcome     TEXT,
    next_date   TEXT,
    disposed    INTEGER NOT NULL,
    attended_by TEXT,
    recorded_at TEXT,
    PRIMARY KEY (case_id, id)
) STRICT;
CREATE INDEX hearings_date ON hearings (date);
CREATE INDEX hearings_case_date ON hearings (case_id, date);
CREATE INDEX hearings_id ON hearings (id);

DROP TABLE tasks;
CREATE TABLE tasks (
    case_id    TEXT NOT NULL,
    id         TEXT NOT NULL,
    title      TEXT NOT NULL,
    due        TEXT,
    assignee   TEXT,
    done       INTEGER NOT NULL,
    done_at    TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, id)
) STRICT;
CREATE INDEX tasks_open_due ON tasks (done, due);
CREATE INDEX tasks_id ON tasks (id);

DROP TABLE notes;
CREATE TABLE notes (
    case_id        TEXT NOT NULL,
    id             TEXT NOT NULL,
    text           TEXT NOT NULL,
    client_visible INTEGER NOT NULL,
    author         TEXT NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (case_id, id)
) STRICT;
CREATE INDEX notes_id ON notes (id);

DROP TABLE fees;
CREATE TABLE fees (
    case_id      TEXT NOT NULL,
    id           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    date         TEXT NOT NULL,
    mode         TEXT,
    remark       TEXT,
    voided_at    TEXT,
    void_reason  TEXT,
    PRIMARY KEY (case_id, id)
) STRICT;
CREATE INDEX fees_id ON fees (id);

DROP TABLE documents;
CREATE TABLE documents (
    case_id        TEXT NOT NULL,
    id             TEXT NOT NULL,
    name           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    media_type     TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    blob_id        TEXT NOT NULL,
    client_visible INTEGER NOT NULL,
    added_at       TEXT NOT NULL,
    PRIMARY KEY (case_id, id)
) STRICT;
CREATE INDEX documents_id ON documents (id);
CREATE INDEX documents_blob ON documents (blob_id);

ALTER TABLE cases ADD COLUMN status_date TEXT;
ALTER TABLE cases ADD COLUMN status_remark TEXT;

-- Removed records, by the document that holds them (a case, or the client
-- itself for a removed client, or the chamber for a chamber task).
CREATE TABLE removed_records (
    owner_id   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('case', 'client', 'hearing', 'task', 'note', 'fee', 'document')),
    id         TEXT NOT NULL,
    label      TEXT NOT NULL,
    removed_at TEXT NOT NULL,
    PRIMARY KEY (owner_id, kind, id)
) STRICT;
CREATE INDEX removed_records_id ON removed_records (id);

-- This laptop's own changes, newest last, for "Undo": one action per write
-- transaction, one row per document it changed. Local only (never synced,
-- never rebuilt); an undo is itself a new change that syncs like any other.
CREATE TABLE undo_journal (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    action   INTEGER NOT NULL,
    doc_id   TEXT NOT NULL,
    hash     TEXT NOT NULL,
    message  TEXT NOT NULL,
    -- 'change' for an ordinary change, 'undo' for a change that undid another.
    role     TEXT NOT NULL CHECK (role IN ('change', 'undo')),
    undone   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX undo_journal_action ON undo_journal (action);

INSERT INTO meta (key, value) VALUES ('projection.stale', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
