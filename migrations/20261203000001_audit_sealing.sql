-- Audit without a tenant-wide lock (docs/audit.md, "Sealing"). A request appends its
-- entry to audit_pending in its own transaction, without waiting on other requests;
-- audit_seal() numbers and chains pending entries into audit_log under the chain
-- head's lock, within about a second (the sealer) or at once before the log is read.

CREATE TABLE audit_pending (
    tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id),
    -- Allocation order only: gaps from rolled-back requests are harmless, because
    -- entries get their gapless sequence number when sealed.
    pending_id  bigint GENERATED ALWAYS AS IDENTITY,
    at          timestamptz NOT NULL,
    actor_id    uuid,
    action      text NOT NULL,
    subject_ids uuid[] NOT NULL DEFAULT '{}',
    fields      text[] NOT NULL DEFAULT '{}',
    purpose     text,
    via_token   uuid,
    PRIMARY KEY (tenant_id, pending_id)
);

ALTER TABLE audit_pending ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_pending FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_pending
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

-- The application may only append. It no longer writes the chain itself: entries
-- and the head are written by audit_seal() alone.
GRANT INSERT ON audit_pending TO tessera_app;
REVOKE INSERT ON audit_log FROM tessera_app;
REVOKE UPDATE ON audit_heads FROM tessera_app;

-- Pending entries are as unchangeable as sealed ones; only sealing removes them.
CREATE FUNCTION audit_pending_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tessera.audit_sealing', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_pending is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_pending_append_only BEFORE UPDATE OR DELETE ON audit_pending
    FOR EACH ROW EXECUTE FUNCTION audit_pending_append_only();
CREATE TRIGGER audit_pending_no_truncate BEFORE TRUNCATE ON audit_pending
    FOR EACH STATEMENT EXECUTE FUNCTION audit_pending_append_only();

-- The entry hash, byte for byte as app/src/backend/audit/chain.rs computes it (which
-- verification uses): SHA-256 over the previous hash and length-prefixed fields.
CREATE FUNCTION audit_entry_hash(
    prev bytea, tenant uuid, seq bigint, at timestamptz, actor uuid, action text,
    subjects uuid[], fields text[], purpose text, via_token uuid
) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    micros bigint := (extract(epoch FROM at) * 1000000)::bigint;
    content bytea;
    subject uuid;
    field text;
BEGIN
    content := int4send(16) || convert_to('tessera.audit.v1', 'UTF8')
        || int4send(16) || uuid_send(tenant)
        || int4send(8) || int8send(seq)
        -- Microseconds since 1970 as a 128-bit big-endian integer.
        || int4send(16)
        || CASE WHEN micros < 0 THEN '\xffffffffffffffff'::bytea ELSE '\x0000000000000000'::bytea END
        || int8send(micros)
        || int4send(16) || coalesce(uuid_send(actor), '\x00000000000000000000000000000000'::bytea)
        || int4send(octet_length(convert_to(action, 'UTF8'))) || convert_to(action, 'UTF8')
        || int4send(4) || int4send(coalesce(cardinality(subjects), 0));
    FOREACH subject IN ARRAY subjects LOOP
        content := content || int4send(16) || uuid_send(subject);
    END LOOP;
    content := content || int4send(4) || int4send(coalesce(cardinality(fields), 0));
    FOREACH field IN ARRAY fields LOOP
        content := content || int4send(octet_length(convert_to(field, 'UTF8'))) || convert_to(field, 'UTF8');
    END LOOP;
    content := content || int4send(octet_length(convert_to(coalesce(purpose, ''), 'UTF8')))
        || convert_to(coalesce(purpose, ''), 'UTF8');
    IF via_token IS NOT NULL THEN
        content := content || int4send(9) || convert_to('via_token', 'UTF8')
            || int4send(16) || uuid_send(via_token);
    END IF;
    RETURN sha256(prev || content);
END
$$;

-- Seals the current tenant's pending entries (up to 10,000 per call) into the chain,
-- in the order they were appended, and returns how many. Callers run concurrently
-- without harm: the head's row lock orders them, and each seals only what the
-- others have not. Any tenant's request may call it; it can only seal.
CREATE FUNCTION audit_seal() RETURNS integer
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
            entry.action, entry.subject_ids, entry.fields, entry.purpose, entry.via_token);
        INSERT INTO audit_log (tenant_id, seq, at, actor_id, action, subject_ids, fields,
                               purpose, prev_hash, hash, via_token)
        VALUES (t, head_seq, entry.at, entry.actor_id, entry.action, entry.subject_ids,
                entry.fields, entry.purpose, head_hash, entry_hash, entry.via_token);
        head_hash := entry_hash;
        sealed := sealed || entry.pending_id;
    END LOOP;
    PERFORM set_config('tessera.audit_sealing', 'on', true);
    DELETE FROM audit_pending p WHERE p.tenant_id = t AND p.pending_id = ANY (sealed);
    PERFORM set_config('tessera.audit_sealing', 'off', true);
    UPDATE audit_heads h SET seq = head_seq, hash = head_hash WHERE h.tenant_id = t;
    RETURN cardinality(sealed);
END
$$;
REVOKE ALL ON FUNCTION audit_seal() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_seal() TO tessera_app;

-- The sealer finds tenants with pending entries through one id-only function owned
-- by tessera_auth, which may read just that column (as worker_due_jobs does).
GRANT SELECT (tenant_id) ON audit_pending TO tessera_auth;
CREATE POLICY sealer_unsealed_tenants ON audit_pending FOR SELECT TO tessera_auth USING (true);

CREATE FUNCTION audit_unsealed_tenants() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT DISTINCT p.tenant_id FROM public.audit_pending p $$;

GRANT CREATE ON SCHEMA public TO tessera_auth;
ALTER FUNCTION audit_unsealed_tenants() OWNER TO tessera_auth;
REVOKE CREATE ON SCHEMA public FROM tessera_auth;
REVOKE ALL ON FUNCTION audit_unsealed_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_unsealed_tenants() TO tessera_app;
