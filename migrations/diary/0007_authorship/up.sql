-- Nextdate diary schema, version 7: authorship that can be checked again.
--
-- Every Automerge change sent through a chamber carries its author laptop's
-- Ed25519 signature of the change's hash. Each laptop keeps the signatures
-- of the changes it has (its own, signed when sent, and everyone else's,
-- checked when they arrive), so `nextdate verify` can re-check every change
-- in the diary against the device keys the chamber lists, long after the
-- batches that carried them are gone.
CREATE TABLE change_signatures (
    hash      TEXT PRIMARY KEY,
    signer    TEXT NOT NULL,
    signature BLOB NOT NULL
) STRICT;

-- A change waiting to be judged keeps its signatures with it.
ALTER TABLE parked_changes ADD COLUMN signatures BLOB NOT NULL DEFAULT x'';
