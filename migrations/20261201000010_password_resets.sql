-- Password resets by e-mail: a one-time token (only its SHA-256 here; the token is only
-- in the mailed link), valid for a short while.
CREATE TABLE password_resets (
    tenant_id  uuid NOT NULL,
    reset_id   uuid NOT NULL,
    user_id    uuid NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (tenant_id, reset_id),
    CONSTRAINT password_resets_token_key UNIQUE (tenant_id, token_hash),
    CONSTRAINT password_resets_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON password_resets USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON password_resets TO tessera_app;

-- Sessions signed in before this moment are over (set when the password is reset, so
-- whoever knew the old one is signed out everywhere).
ALTER TABLE users ADD COLUMN sessions_valid_from timestamptz;
