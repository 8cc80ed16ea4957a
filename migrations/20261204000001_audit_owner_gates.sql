-- The audit log against the database owner (docs/audit.md, "Against the database
-- owner"). Until now the triggers let a DELETE through when the transaction announced
-- it in a setting, which any role can set. Now only functions owned by tessera_audit
-- delete: audit_seal() (pending entries it has chained) and audit_purge_expired()
-- (entries past the tenant's retention period, behind a checkpoint). A direct DELETE
-- is refused whoever sends it; what a superuser or the table owner can still do with
-- DDL is caught by the keyed anchors, which the sealer also keeps outside the database.
--
-- tessera_audit: owns the functions that may remove audit rows. Never logs in.
DO $$
BEGIN
    CREATE ROLE tessera_audit NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

-- The owner hands the functions over (which needs membership, as for tessera_auth).
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT tessera_audit TO %I', current_user);
    END IF;
EXCEPTION WHEN others THEN
    RAISE NOTICE 'could not grant tessera_audit to %: %', current_user, SQLERRM;
END
$$;

GRANT USAGE ON SCHEMA public TO tessera_audit;
GRANT SELECT, DELETE ON audit_pending TO tessera_audit;
GRANT SELECT, INSERT, DELETE ON audit_log TO tessera_audit;
GRANT SELECT, UPDATE ON audit_heads TO tessera_audit;
GRANT SELECT ON audit_checkpoints, audit_settings TO tessera_audit;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = 'tessera_audit' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION audit_pending_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = 'tessera_audit' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_pending is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- As before, without the setting: the function's owner is what lets its DELETE pass.
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
            entry.action, entry.subject_ids, entry.fields, entry.purpose, entry.via_token);
        INSERT INTO audit_log (tenant_id, seq, at, actor_id, action, subject_ids, fields,
                               purpose, prev_hash, hash, via_token)
        VALUES (t, head_seq, entry.at, entry.actor_id, entry.action, entry.subject_ids,
                entry.fields, entry.purpose, head_hash, entry_hash, entry.via_token);
        head_hash := entry_hash;
        sealed := sealed || entry.pending_id;
    END LOOP;
    DELETE FROM audit_pending p WHERE p.tenant_id = t AND p.pending_id = ANY (sealed);
    UPDATE audit_heads h SET seq = head_seq, hash = head_hash WHERE h.tenant_id = t;
    RETURN cardinality(sealed);
END
$$;

-- Deletes the current tenant's entries up to and including `through_seq`, which must
-- be past the tenant's retention period and have a checkpoint with its hash (the
-- server signs the checkpoint first; verification checks the signature).
CREATE FUNCTION audit_purge_expired(through_seq bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    t uuid := app_current_tenant();
    retention integer;
    last_at timestamptz;
    last_hash bytea;
    deleted bigint;
BEGIN
    IF t IS NULL THEN
        RAISE EXCEPTION 'no tenant' USING ERRCODE = 'insufficient_privilege';
    END IF;
    retention := coalesce((SELECT s.retention_days FROM audit_settings s WHERE s.tenant_id = t), 365);
    SELECT l.at, l.hash INTO last_at, last_hash FROM audit_log l WHERE l.tenant_id = t AND l.seq = through_seq;
    IF NOT FOUND OR last_at >= now() - make_interval(days => retention) THEN
        RAISE EXCEPTION 'audit entry % is not past the retention period', through_seq
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM audit_checkpoints c
                   WHERE c.tenant_id = t AND c.seq = through_seq AND c.hash = last_hash) THEN
        RAISE EXCEPTION 'audit entry % has no checkpoint', through_seq
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM audit_log l WHERE l.tenant_id = t AND l.seq <= through_seq;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION audit_purge_expired(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_purge_expired(bigint) TO CURRENT_USER;

GRANT CREATE ON SCHEMA public TO tessera_audit;
ALTER FUNCTION audit_seal() OWNER TO tessera_audit;
ALTER FUNCTION audit_purge_expired(bigint) OWNER TO tessera_audit;
REVOKE CREATE ON SCHEMA public FROM tessera_audit;

-- The sealer anchors every tenant whose head has moved past its newest anchor, also
-- when a reader sealed the entries; it finds them through this id-only function.
GRANT SELECT (tenant_id, seq) ON audit_heads, audit_anchors TO tessera_auth;
CREATE POLICY sealer_unanchored_heads ON audit_heads FOR SELECT TO tessera_auth USING (true);
CREATE POLICY sealer_unanchored_heads ON audit_anchors FOR SELECT TO tessera_auth USING (true);

CREATE FUNCTION audit_unanchored_tenants() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT h.tenant_id FROM public.audit_heads h
        WHERE h.seq > coalesce((SELECT max(a.seq) FROM public.audit_anchors a
                                WHERE a.tenant_id = h.tenant_id), 0)
    $$;

GRANT CREATE ON SCHEMA public TO tessera_auth;
ALTER FUNCTION audit_unanchored_tenants() OWNER TO tessera_auth;
REVOKE CREATE ON SCHEMA public FROM tessera_auth;
REVOKE ALL ON FUNCTION audit_unanchored_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_unanchored_tenants() TO tessera_app;
