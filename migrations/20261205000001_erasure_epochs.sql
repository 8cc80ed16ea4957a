-- Erasure that survives backups (docs/security.md §7).
--
-- Subject keys are wrapped under the tenant key *and* an erasure-epoch key kept
-- outside the database. Epoch 0 means no epoch key (as before this migration); the
-- epoch roll moves every key to the current epoch, and an old epoch's key is
-- destroyed once the backup retention has passed, so a backup older than that no
-- longer opens.
ALTER TABLE subject_keys ADD COLUMN erasure_epoch integer NOT NULL DEFAULT 0;
CREATE INDEX subject_keys_erasure_epoch ON subject_keys (tenant_id, erasure_epoch);

-- Every destroyed subject key waits here until the server has written it to the
-- erasure ledger outside the database, which is re-applied to a restored backup.
-- Subject ids only: nothing about the person.
CREATE TABLE erasures_pending (
    tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id),
    pending_id bigint GENERATED ALWAYS AS IDENTITY,
    subject_id uuid NOT NULL,
    erased_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, pending_id)
);

ALTER TABLE erasures_pending ENABLE ROW LEVEL SECURITY;
ALTER TABLE erasures_pending FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON erasures_pending
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, DELETE ON erasures_pending TO tessera_app;

-- Recorded by the database, so no code path that destroys a key can forget it;
-- re-applying the ledger itself is not recorded again.
CREATE FUNCTION subject_key_erased() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF coalesce(current_setting('tessera.replaying_erasures', true), '') <> 'on' THEN
        INSERT INTO erasures_pending (tenant_id, subject_id) VALUES (OLD.tenant_id, OLD.subject_id);
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER subject_key_erased AFTER DELETE ON subject_keys
    FOR EACH ROW EXECUTE FUNCTION subject_key_erased();

-- The worker finds tenants with erasures to write out, and the epoch roll the tenants
-- with keys outside the current epoch and the epochs still in use, before a tenant
-- context exists: ids and epoch numbers only.
GRANT SELECT (tenant_id) ON erasures_pending TO tessera_auth;
CREATE POLICY ledger_pending_tenants ON erasures_pending FOR SELECT TO tessera_auth USING (true);
GRANT SELECT (tenant_id, erasure_epoch) ON subject_keys TO tessera_auth;
CREATE POLICY epoch_roll_tenants ON subject_keys FOR SELECT TO tessera_auth USING (true);

CREATE FUNCTION erasure_pending_tenants() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT DISTINCT p.tenant_id FROM public.erasures_pending p $$;

CREATE FUNCTION erasure_epoch_stale_tenants(current_epoch integer) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT DISTINCT k.tenant_id FROM public.subject_keys k WHERE k.erasure_epoch <> current_epoch $$;

CREATE FUNCTION erasure_epochs_in_use() RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT DISTINCT k.erasure_epoch FROM public.subject_keys k $$;

GRANT CREATE ON SCHEMA public TO tessera_auth;
ALTER FUNCTION erasure_pending_tenants() OWNER TO tessera_auth;
ALTER FUNCTION erasure_epoch_stale_tenants(integer) OWNER TO tessera_auth;
ALTER FUNCTION erasure_epochs_in_use() OWNER TO tessera_auth;
REVOKE CREATE ON SCHEMA public FROM tessera_auth;
REVOKE ALL ON FUNCTION erasure_pending_tenants() FROM PUBLIC;
REVOKE ALL ON FUNCTION erasure_epoch_stale_tenants(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION erasure_epochs_in_use() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erasure_pending_tenants() TO tessera_app;
GRANT EXECUTE ON FUNCTION erasure_epoch_stale_tenants(integer) TO tessera_app;
GRANT EXECUTE ON FUNCTION erasure_epochs_in_use() TO tessera_app;
