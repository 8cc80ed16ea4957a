-- Second factors: an authenticator app's TOTP secret (sealed under the user's subject
-- key), the account's one-time recovery codes (keyed hashes only), and the roles a
-- tenant requires a second factor for (DPO and works council by default).
CREATE TABLE totp_factors (
    tenant_id    uuid NOT NULL,
    user_id      uuid NOT NULL,
    secret_ct    bytea NOT NULL,
    -- NULL while the enrolment waits for its first correct code.
    confirmed_at timestamptz,
    -- The newest time step accepted: a code of this step or an older one is a replay.
    last_step    bigint NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    CONSTRAINT totp_factors_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

CREATE TABLE recovery_codes (
    tenant_id  uuid NOT NULL,
    user_id    uuid NOT NULL,
    -- HMAC of the code under the tenant's index key: the database alone cannot test guesses.
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id, code_hash),
    CONSTRAINT recovery_codes_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

ALTER TABLE tenants ADD COLUMN second_factor_roles text[] NOT NULL DEFAULT '{dpo,works_council}';

ALTER TABLE totp_factors ENABLE ROW LEVEL SECURITY;
ALTER TABLE totp_factors FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON totp_factors USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON recovery_codes USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON totp_factors TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON recovery_codes TO tessera_app;
