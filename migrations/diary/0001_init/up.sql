-- Nextdate diary schema, version 1.
-- Source of truth: the Automerge documents (docs + doc_chunks).
-- Everything under "projection" is derived from them and can be rebuilt.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE docs (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('chamber', 'client', 'case')),
    created_at TEXT NOT NULL
) STRICT;

-- A document is the concatenation of its chunks in seq order: one full save
-- followed by incremental saves, compacted now and then.
CREATE TABLE doc_chunks (
    doc_id TEXT NOT NULL REFERENCES docs(id),
    seq    INTEGER NOT NULL,
    bytes  BLOB NOT NULL,
    PRIMARY KEY (doc_id, seq)
) STRICT;

-- Local changes waiting to be sent to the chamber's relay.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- ---------------------------------------------------------------- projection

CREATE TABLE members (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL
) STRICT;

CREATE TABLE devices (
    actor     TEXT PRIMARY KEY,
    label     TEXT NOT NULL,
    member_id TEXT NOT NULL
) STRICT;

CREATE TABLE clients (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    phones     TEXT NOT NULL,
    email      TEXT,
    address    TEXT,
    notes      TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE cases (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    number     TEXT NOT NULL,
    number_key TEXT NOT NULL,
    cnr        TEXT,
    court      TEXT NOT NULL,
    bench      TEXT,
    case_type  TEXT,
    status     TEXT NOT NULL,
    stage      TEXT,
    created_at TEXT NOT NULL,
    -- The latest hearing date on record: the next date when it is today or later;
    -- a pending case whose latest date is past (or absent) is undated.
    latest_date TEXT
) STRICT;
CREATE INDEX cases_court_number ON cases (court, number_key);
CREATE INDEX cases_status ON cases (status, latest_date);

CREATE TABLE case_parties (
    case_id  TEXT NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    side     TEXT NOT NULL,
    counsel  TEXT,
    PRIMARY KEY (case_id, position)
) STRICT;

CREATE TABLE case_clients (
    case_id   TEXT NOT NULL,
    client_id TEXT NOT NULL,
    PRIMARY KEY (case_id, client_id)
) STRICT;
CREATE INDEX case_clients_client ON case_clients (client_id);

CREATE TABLE hearings (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL,
    date        TEXT NOT NULL,
    item        INTEGER,
    purpose     TEXT,
    outcome     TEXT,
    next_date   TEXT,
    disposed    INTEGER NOT NULL,
    attended_by TEXT,
    recorded_at TEXT
) STRICT;
CREATE INDEX hearings_date ON hearings (date);
CREATE INDEX hearings_case_date ON hearings (case_id, date);

CREATE TABLE tasks (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    title      TEXT NOT NULL,
    due        TEXT,
    assignee   TEXT,
    done       INTEGER NOT NULL,
    done_at    TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX tasks_open_due ON tasks (done, due);
CREATE INDEX tasks_case ON tasks (case_id);

CREATE TABLE notes (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL,
    text           TEXT NOT NULL,
    client_visible INTEGER NOT NULL,
    author         TEXT NOT NULL,
    at             TEXT NOT NULL
) STRICT;
CREATE INDEX notes_case ON notes (case_id);

CREATE TABLE fees (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    date         TEXT NOT NULL,
    mode         TEXT,
    remark       TEXT
) STRICT;
CREATE INDEX fees_case ON fees (case_id);

CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL,
    name           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    media_type     TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    blob_id        TEXT NOT NULL,
    client_visible INTEGER NOT NULL,
    added_at       TEXT NOT NULL
) STRICT;
CREATE INDEX documents_case ON documents (case_id);

-- Automerge change history, one row per change, for "who changed what, when".
CREATE TABLE history (
    doc_id  TEXT NOT NULL,
    hash    TEXT NOT NULL,
    actor   TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    time    INTEGER NOT NULL,
    message TEXT,
    PRIMARY KEY (doc_id, hash)
) STRICT;
CREATE INDEX history_doc_time ON history (doc_id, time);

-- Full-text search over cases (title, numbers, court, parties, notes) and clients.
-- Marks (M*) are token characters so Devanagari vowel signs stay inside words.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    kind UNINDEXED,
    id UNINDEXED,
    body,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co Mc Mn Me'"
);
