-- Master-key rotation must visit every tenant. This is the one other function that
-- runs before a tenant context exists; it returns ids only and may be executed by
-- the owner (the maintenance subcommands), never by the application role.
GRANT SELECT (tenant_id) ON tenants TO tessera_auth;

CREATE FUNCTION maintenance_tenant_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT tenant_id FROM public.tenants ORDER BY tenant_id $$;

GRANT CREATE ON SCHEMA public TO tessera_auth;
ALTER FUNCTION maintenance_tenant_ids() OWNER TO tessera_auth;
REVOKE CREATE ON SCHEMA public FROM tessera_auth;
REVOKE ALL ON FUNCTION maintenance_tenant_ids() FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION maintenance_tenant_ids() TO %I', current_user);
END
$$;
