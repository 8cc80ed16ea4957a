-- Entry format 2 (docs/audit.md, "Integrity"): the hash marks each optional field as
-- present or absent. Format 1 hashed a missing actor like the nil UUID and a missing
-- purpose like an empty one. Entries keep the format they were sealed with, so the
-- existing chain verifies unchanged; sealing writes format 2 from now on.
ALTER TABLE audit_log ADD COLUMN format smallint NOT NULL DEFAULT 1 CHECK (format IN (1, 2));

DROP FUNCTION audit_entry_hash(bytea, uuid, bigint, timestamptz, uuid, text, uuid[], text[], text, uuid);
CREATE FUNCTION audit_entry_hash(
    prev bytea, tenant uuid, seq bigint, at timestamptz, actor uuid, action text,
    subjects uuid[], fields text[], purpose text, via_token uuid, format smallint DEFAULT 1
) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    micros bigint := (extract(epoch FROM at) * 1000000)::bigint;
    marked boolean := format >= 2;
    content bytea;
    subject uuid;
    field text;
BEGIN
    content := int4send(16) || convert_to(CASE WHEN marked THEN 'tessera.audit.v2' ELSE 'tessera.audit.v1' END, 'UTF8')
        || int4send(16) || uuid_send(tenant)
        || int4send(8) || int8send(seq)
        -- Microseconds since 1970 as a 128-bit big-endian integer.
        || int4send(16)
        || CASE WHEN micros < 0 THEN '\xffffffffffffffff'::bytea ELSE '\x0000000000000000'::bytea END
        || int8send(micros);
    IF NOT marked THEN
        content := content || int4send(16) || coalesce(uuid_send(actor), '\x00000000000000000000000000000000'::bytea);
    ELSIF actor IS NULL THEN
        content := content || int4send(1) || '\x00'::bytea;
    ELSE
        content := content || int4send(17) || '\x01'::bytea || uuid_send(actor);
    END IF;
    content := content
        || int4send(octet_length(convert_to(action, 'UTF8'))) || convert_to(action, 'UTF8')
        || int4send(4) || int4send(coalesce(cardinality(subjects), 0));
    FOREACH subject IN ARRAY subjects LOOP
        content := content || int4send(16) || uuid_send(subject);
    END LOOP;
    content := content || int4send(4) || int4send(coalesce(cardinality(fields), 0));
    FOREACH field IN ARRAY fields LOOP
        content := content || int4send(octet_length(convert_to(field, 'UTF8'))) || convert_to(field, 'UTF8');
    END LOOP;
    IF NOT marked THEN
        content := content || int4send(octet_length(convert_to(coalesce(purpose, ''), 'UTF8')))
            || convert_to(coalesce(purpose, ''), 'UTF8');
    ELSIF purpose IS NULL THEN
        content := content || int4send(1) || '\x00'::bytea;
    ELSE
        content := content || int4send(1 + octet_length(convert_to(purpose, 'UTF8')))
            || '\x01'::bytea || convert_to(purpose, 'UTF8');
    END IF;
    IF via_token IS NOT NULL THEN
        content := content || int4send(9) || convert_to('via_token', 'UTF8')
            || int4send(16) || uuid_send(via_token);
    END IF;
    RETURN sha256(prev || content);
END
$$;

-- As before (owned by tessera_audit), sealing in format 2.
CREATE OR REPLACE FUNCTION audit_seal() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    t uuid := app_current_tenant();
    head_seq bigint;
    head_hash bytea;
    entry record;
    entry_hash bytea;
    sealed bigint[] := '{}';
BEGIN
    IF t IS NULL OR NOT EXISTS (SELECT 1 FROM audit_pending WHERE tenant_id = t) THEN
        RETURN 0;
    END IF;
    SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_heads h WHERE h.tenant_id = t FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant has no audit chain';
    END IF;
    FOR entry IN
        SELECT * FROM audit_pending p WHERE p.tenant_id = t ORDER BY p.pending_id LIMIT 10000
    LOOP
        head_seq := head_seq + 1;
        entry_hash := audit_entry_hash(head_hash, t, head_seq, entry.at, entry.actor_id,
            entry.action, entry.subject_ids, entry.fields, entry.purpose, entry.via_token, 2::smallint);
        INSERT INTO audit_log (tenant_id, seq, at, actor_id, action, subject_ids, fields,
                               purpose, prev_hash, hash, via_token, format)
        VALUES (t, head_seq, entry.at, entry.actor_id, entry.action, entry.subject_ids,
                entry.fields, entry.purpose, head_hash, entry_hash, entry.via_token, 2);
        head_hash := entry_hash;
        sealed := sealed || entry.pending_id;
    END LOOP;
    DELETE FROM audit_pending p WHERE p.tenant_id = t AND p.pending_id = ANY (sealed);
    UPDATE audit_heads h SET seq = head_seq, hash = head_hash WHERE h.tenant_id = t;
    RETURN cardinality(sealed);
END
$$;
