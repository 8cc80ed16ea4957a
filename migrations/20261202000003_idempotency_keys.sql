-- A POST's Idempotency-Key: claimed in the transaction of the create it guards, so
-- a retry either waits for the first attempt and answers with what it created, or
-- (the first attempt failed and rolled back) creates. Only the created record's id
-- is kept, never the response: an erased record is not kept alive here. The key is
-- the client's and stored as a hash; a key is remembered for 24 hours.
CREATE TABLE idempotency_keys (
    tenant_id   uuid NOT NULL,
    token_id    uuid NOT NULL,
    key_hash    bytea NOT NULL,
    -- The operation and a hash of its parsed request body: the same key with
    -- another request is the client's mistake, not a retry.
    operation   text NOT NULL,
    fingerprint bytea NOT NULL,
    record_id   uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, token_id, key_hash),
    CONSTRAINT idempotency_keys_token_fkey FOREIGN KEY (tenant_id, token_id) REFERENCES api_tokens (tenant_id, token_id) ON DELETE CASCADE
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (tenant_id, created_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO tessera_app;
