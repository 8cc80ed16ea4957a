-- Sessions for tower-sessions' PostgresStore (its schema, created here so that the
-- application role needs no CREATE privilege). Holds ids only, no tenant data.
CREATE SCHEMA tower_sessions;
CREATE TABLE tower_sessions.session (
    id          text PRIMARY KEY NOT NULL,
    data        bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);
CREATE INDEX session_expiry ON tower_sessions.session (expiry_date);
GRANT USAGE ON SCHEMA tower_sessions TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tower_sessions.session TO tessera_app;
