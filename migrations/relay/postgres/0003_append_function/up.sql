-- Appending a batch in one round trip. Every push runs this, and on
-- PostgreSQL the cost of an append was its round trips and statement
-- planning (about ten statements, each prepared anew), not its work. The
-- function does what `append_batch` did statement by statement, in the
-- same order and under the same lock, as a single statement (so in its own
-- transaction):
--
-- 1. lock the chamber's row (every append to a chamber, on any instance,
--    waits for the one before to commit), or answer 'missing';
-- 2. refuse a batch sealed under an older key epoch ('old_key', with the
--    chamber's epoch);
-- 3. answer a batch already stored with its number ('duplicate');
-- 4. refuse a batch that would take the chamber over its quota ('over',
--    with what the chamber would hold and its quota, so the relay words the
--    refusal exactly as for SQLite); the chamber's own quota, else the
--    relay's setting, else the default the relay passes in;
-- 5. number it one past the chamber's last batch, store it, count it, and
--    announce it to the other instances ('b INSTANCE SEQ CHAMBER' on
--    CHANNEL, sent when the statement commits) — 'stored'.
CREATE FUNCTION relay_append(
    p_chamber        TEXT,
    p_batch          BYTEA,
    p_device         BYTEA,
    p_envelope       BYTEA,
    p_epoch          BIGINT,
    p_now            BIGINT,
    p_channel        TEXT,
    p_instance       TEXT,
    p_default_bytes   BIGINT,
    p_default_batches BIGINT,
    p_default_blobs   BIGINT
) RETURNS TABLE (
    outcome       TEXT,
    out_seq       BIGINT,
    out_epoch     BIGINT,
    out_bytes     BIGINT,
    out_batches   BIGINT,
    out_blobs     BIGINT,
    quota_bytes   BIGINT,
    quota_batches BIGINT,
    quota_blobs   BIGINT
) LANGUAGE plpgsql AS $$
DECLARE
    c        chambers%ROWTYPE;
    n        BIGINT;
    links    BIGINT;
    q_bytes   BIGINT;
    q_batches BIGINT;
    q_blobs   BIGINT;
BEGIN
    SELECT * INTO c FROM chambers WHERE id = p_chamber FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'missing'::TEXT, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT,
                            NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT;
        RETURN;
    END IF;
    IF p_epoch < c.epoch THEN
        RETURN QUERY SELECT 'old_key'::TEXT, NULL::BIGINT, c.epoch, NULL::BIGINT, NULL::BIGINT,
                            NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT;
        RETURN;
    END IF;
    SELECT b.seq INTO n FROM batches b WHERE b.chamber_id = p_chamber AND b.batch_id = p_batch;
    IF FOUND THEN
        RETURN QUERY SELECT 'duplicate'::TEXT, n, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT,
                            NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT;
        RETURN;
    END IF;
    links := coalesce((SELECT sum(octet_length(l.sealed)) FROM status_links l WHERE l.chamber_id = p_chamber), 0)
           + coalesce((SELECT sum(octet_length(f.sealed)) FROM status_link_files f
                       JOIN status_links l ON l.id = f.link_id WHERE l.chamber_id = p_chamber), 0);
    q_bytes := coalesce(c.quota_bytes,
                        (SELECT s.value FROM relay_settings s WHERE s.name = 'quota_bytes'), p_default_bytes);
    q_batches := coalesce(c.quota_batches,
                          (SELECT s.value FROM relay_settings s WHERE s.name = 'quota_batches'), p_default_batches);
    q_blobs := coalesce(c.quota_blobs,
                        (SELECT s.value FROM relay_settings s WHERE s.name = 'quota_blobs'), p_default_blobs);
    IF c.stored_bytes + links + octet_length(p_envelope) > q_bytes
       OR c.batch_count + 1 > q_batches
       OR c.blob_count > q_blobs THEN
        RETURN QUERY SELECT 'over'::TEXT, NULL::BIGINT, NULL::BIGINT,
                            c.stored_bytes + links + octet_length(p_envelope), c.batch_count + 1, c.blob_count,
                            q_bytes, q_batches, q_blobs;
        RETURN;
    END IF;
    SELECT coalesce(max(b.seq), 0) + 1 INTO n FROM batches b WHERE b.chamber_id = p_chamber;
    INSERT INTO batches (chamber_id, seq, batch_id, device, envelope, received_at)
        VALUES (p_chamber, n, p_batch, p_device, p_envelope, p_now);
    UPDATE chambers SET stored_bytes = stored_bytes + octet_length(p_envelope), batch_count = batch_count + 1
        WHERE id = p_chamber;
    PERFORM pg_notify(p_channel, 'b ' || p_instance || ' ' || n || ' ' || p_chamber);
    RETURN QUERY SELECT 'stored'::TEXT, n, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT,
                        NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT;
END
$$;
