-- Tenant key rotation retires the versions it has moved every subject key away from
-- (docs/security.md, "Rotation"): their rows are deleted, which the foreign key from
-- subject_keys refuses while any key still uses one. Version 1 is the root from which
-- the index, pseudonym and chain keys derive, and the newest version wraps new keys:
-- neither is ever deleted.
GRANT DELETE ON tenant_keys TO tessera_app;

CREATE FUNCTION tenant_keys_keep_root_and_current() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.version = 1 OR OLD.version >= (SELECT max(k.version) FROM tenant_keys k WHERE k.tenant_id = OLD.tenant_id) THEN
        RAISE EXCEPTION 'tenant key version % is the root or the current one', OLD.version
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER tenant_keys_keep_root_and_current BEFORE DELETE ON tenant_keys
    FOR EACH ROW EXECUTE FUNCTION tenant_keys_keep_root_and_current();
