-- Passkeys (WebAuthn credentials): a second factor and a passwordless sign-in.
-- The credential (public key, signature counter) and the user's label are sealed
-- under the user's subject key, so erasing the account erases them; the
-- credential id stays plain because the browser names it when signing in.
CREATE TABLE passkeys (
    tenant_id     uuid NOT NULL,
    passkey_id    uuid NOT NULL,
    user_id       uuid NOT NULL,
    credential_id bytea NOT NULL,
    name_ct       bytea NOT NULL,
    credential_ct bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    PRIMARY KEY (tenant_id, passkey_id),
    -- One authenticator credential belongs to one account of a workspace.
    CONSTRAINT passkeys_credential_key UNIQUE (tenant_id, credential_id),
    CONSTRAINT passkeys_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX passkeys_user ON passkeys (tenant_id, user_id);

ALTER TABLE passkeys ENABLE ROW LEVEL SECURITY;
ALTER TABLE passkeys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON passkeys USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON passkeys TO tessera_app;
