-- Nextdate diary schema, version 3: which members a case is assigned to, so a
-- hearing list can be printed for one advocate instead of the whole chamber.
CREATE TABLE case_members (
    case_id   TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (case_id, member_id)
) STRICT;
CREATE INDEX case_members_member ON case_members (member_id);

-- The new table is part of the projection: rebuild it from the documents at
-- the next open (cheap, and the only way to read the assignments).
INSERT INTO meta (key, value) VALUES ('projection.stale', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
