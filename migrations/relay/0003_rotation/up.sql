-- Relay schema, version 3: removing devices and rotating the chamber key.
--
-- A removed device is kept (so its batches stay attributable and it cannot
-- join again under the same key) but is refused everything. The chamber's
-- current key epoch is kept so that a batch sealed under an older key is
-- refused; each remaining device's copy of a new key, sealed to that device
-- (the relay cannot open it), waits in key_grants until the device fetches it.
ALTER TABLE devices ADD COLUMN removed_at INTEGER;
ALTER TABLE chambers ADD COLUMN epoch INTEGER NOT NULL DEFAULT 1;

CREATE TABLE key_grants (
    chamber_id TEXT NOT NULL REFERENCES chambers(id),
    epoch      INTEGER NOT NULL,
    device     BLOB NOT NULL,
    sealed     BLOB NOT NULL,
    PRIMARY KEY (chamber_id, device, epoch)
) STRICT;
