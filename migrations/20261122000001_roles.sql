-- Roles the schema grants to. Created when missing, so these migrations apply to an
-- empty database with any PostgreSQL tool. Concurrent creation (parallel test
-- databases in one cluster) is tolerated.
--
-- tessera_app:  the role requests run as. Not superuser, no BYPASSRLS, owns nothing.
-- tessera_auth: owns the few SECURITY DEFINER functions that must run before the
--               tenant is known (sign-in by workspace slug). Never logs in.
DO $$
BEGIN
    CREATE ROLE tessera_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

DO $$
BEGIN
    CREATE ROLE tessera_auth NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

-- The owner (whoever runs migrations) must be able to SET ROLE tessera_app when the
-- server has no separate login for it, and to hand functions to tessera_auth.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT tessera_app, tessera_auth TO %I', current_user);
    END IF;
EXCEPTION WHEN others THEN
    RAISE NOTICE 'could not grant tessera roles to %: %', current_user, SQLERRM;
END
$$;

GRANT USAGE ON SCHEMA public TO tessera_app, tessera_auth;

-- The tenant of the current transaction, or NULL. Every RLS policy compares with it;
-- NULL matches nothing, so a missing tenant context fails closed.
CREATE FUNCTION app_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
