-- Relay schema, version 2: letting a new device into a chamber through its
-- admin device, and devices that may read but not push (viewers).
--
-- A device that redeemed an invite leaves a request sealed to the admin
-- device's key; the admin answers with the chamber key sealed to the new
-- device's key (or an empty answer: refused). The relay reads neither.
ALTER TABLE devices ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;

CREATE TABLE admissions (
    chamber_id   TEXT NOT NULL REFERENCES chambers(id),
    device       BLOB NOT NULL,
    request      BLOB NOT NULL,
    answer       BLOB,
    requested_at INTEGER NOT NULL,
    answered_at  INTEGER,
    PRIMARY KEY (chamber_id, device)
) STRICT;
