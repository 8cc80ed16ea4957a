-- A change of one's e-mail address waits for a one-time link mailed to the new
-- address (only the link's SHA-256 here). The new address is sealed under the user's
-- key until then; its blind index lets the confirmation check it is still free.
CREATE TABLE email_changes (
    tenant_id      uuid NOT NULL,
    change_id      uuid NOT NULL,
    user_id        uuid NOT NULL,
    token_hash     bytea NOT NULL,
    new_email_ct   bytea NOT NULL,
    new_email_bidx bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    PRIMARY KEY (tenant_id, change_id),
    CONSTRAINT email_changes_token_key UNIQUE (tenant_id, token_hash),
    CONSTRAINT email_changes_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

ALTER TABLE email_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON email_changes USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON email_changes TO tessera_app;
