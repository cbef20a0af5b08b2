-- Nextdate diary schema, version 8: accounts.
--
-- * Fee terms per case (fixed, per appearance, non-effective appearance,
--   hourly), time entries per case, a hearing counted as a non-effective
--   appearance, and the receipt number a payment was given. All projection:
--   rebuilt from the documents at the next open.
-- * `issued_numbers`: the last receipt or bill number this laptop issued in
--   each financial year and series. Local (never synced, never rebuilt): it
--   keeps a number from being given twice even if the record that carried it
--   were lost, e.g. after restoring an older backup.
-- * `running_timer`: the time being recorded on this laptop, if any, so it
--   survives the app being closed. Local.

ALTER TABLE hearings ADD COLUMN non_effective INTEGER NOT NULL DEFAULT 0;

ALTER TABLE fees ADD COLUMN receipt_series TEXT;
ALTER TABLE fees ADD COLUMN receipt_year TEXT;
ALTER TABLE fees ADD COLUMN receipt_seq INTEGER;
CREATE INDEX fees_receipt ON fees (receipt_year, receipt_series, receipt_seq);

CREATE TABLE fee_terms (
    case_id             TEXT PRIMARY KEY,
    currency            TEXT NOT NULL,
    fixed_minor         INTEGER,
    per_appearance_minor INTEGER,
    non_effective_minor INTEGER,
    hourly_minor        INTEGER
) STRICT;

CREATE TABLE time_entries (
    case_id    TEXT NOT NULL,
    id         TEXT NOT NULL,
    date       TEXT NOT NULL,
    minutes    INTEGER NOT NULL,
    member_id  TEXT NOT NULL,
    note       TEXT,
    billable   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, id)
) STRICT;
CREATE INDEX time_entries_id ON time_entries (id);
CREATE INDEX time_entries_date ON time_entries (date);

-- Bills issued, for a case (`scope` = 'case', `owner_id` the case) or for
-- all of a client's cases (`scope` = 'client', `owner_id` the client).
CREATE TABLE bills (
    owner_id    TEXT NOT NULL,
    id          TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('case', 'client')),
    series      TEXT NOT NULL,
    year        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    from_date   TEXT NOT NULL,
    to_date     TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    currency    TEXT NOT NULL,
    tax_label   TEXT,
    tax_minor   INTEGER NOT NULL,
    due_minor   INTEGER NOT NULL,
    voided_at   TEXT,
    void_reason TEXT,
    PRIMARY KEY (owner_id, id)
) STRICT;
CREATE INDEX bills_number ON bills (year, series, seq);
CREATE INDEX bills_id ON bills (id);

-- Removed time entries are listed like other removed records.
DROP TABLE removed_records;
CREATE TABLE removed_records (
    owner_id   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('case', 'client', 'hearing', 'task', 'note', 'fee', 'document', 'time')),
    id         TEXT NOT NULL,
    label      TEXT NOT NULL,
    removed_at TEXT NOT NULL,
    PRIMARY KEY (owner_id, kind, id)
) STRICT;
CREATE INDEX removed_records_id ON removed_records (id);

CREATE TABLE issued_numbers (
    kind     TEXT NOT NULL CHECK (kind IN ('receipt', 'bill')),
    year     TEXT NOT NULL,
    series   TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (kind, year, series)
) STRICT;

CREATE TABLE running_timer (
    only       INTEGER PRIMARY KEY CHECK (only = 1),
    case_id    TEXT NOT NULL,
    member_id  TEXT NOT NULL,
    started_at TEXT NOT NULL,
    note       TEXT
) STRICT;

INSERT INTO meta (key, value) VALUES ('projection.stale', '1')
  ON CONFLICT (key) DO UPDATE SET value = excluded.value;
