-- In production the server does not migrate (`server migrate` does, as the owner,
-- before a new version starts); it only checks that the database is at its schema
-- version, through the application role, which therefore reads the list of applied
-- migrations. Versions and descriptions only. (The table exists when sqlx applies
-- this; a schema built by psql alone, as for the offline query cache, has none.)
DO $$
BEGIN
    IF to_regclass('_sqlx_migrations') IS NOT NULL THEN
        GRANT SELECT (version, success) ON _sqlx_migrations TO tessera_app;
    END IF;
END
$$;
