-- API tokens: a user's scoped, expiring and revocable access for an integration.
-- A token carries its user's rights at the moment of each request, narrowed to its
-- scopes, never more. Only a SHA-256 of the secret is kept (the secret is 256 random
-- bits, so no slow hash is needed); the first characters of the secret stay plain,
-- so users recognise a token. The label is sealed under the user's subject key like
-- a passkey's.
CREATE TABLE api_tokens (
    tenant_id    uuid NOT NULL,
    token_id     uuid NOT NULL,
    user_id      uuid NOT NULL,
    name_ct      bytea NOT NULL,
    prefix       text NOT NULL,
    secret_hash  bytea NOT NULL,
    scopes       text[] NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, token_id),
    CONSTRAINT api_tokens_secret_key UNIQUE (tenant_id, secret_hash),
    CONSTRAINT api_tokens_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (tenant_id, user_id);

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_tokens USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON api_tokens TO tessera_app;

-- An entry made through an API token names the token (hashed into the chain when set).
ALTER TABLE audit_log ADD COLUMN via_token uuid;
