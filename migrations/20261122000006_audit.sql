-- The audit trail: append-only and hash-chained per tenant (see docs/audit.md).
-- Entries hold ids, action codes and field names only, never personal data.

CREATE TABLE audit_heads (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (tenant_id),
    -- The last entry's sequence number and hash: writers lock this row, so numbers
    -- have no gaps and each entry chains to exactly one predecessor.
    seq       bigint NOT NULL,
    hash      bytea NOT NULL
);

CREATE TABLE audit_log (
    tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id),
    seq         bigint NOT NULL CHECK (seq > 0),
    at          timestamptz NOT NULL,
    -- The employee who acted; NULL when unknown (a failed sign-in for no account).
    actor_id    uuid,
    action      text NOT NULL,
    -- Data subjects whose personal data was read or changed (contact or user ids).
    subject_ids uuid[] NOT NULL DEFAULT '{}',
    -- Names of the fields read or changed, never their values.
    fields      text[] NOT NULL DEFAULT '{}',
    -- A purpose code for sensitive actions (export, bulk review).
    purpose     text,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_by_subject ON audit_log USING gin (subject_ids);
CREATE INDEX audit_log_by_actor ON audit_log (tenant_id, actor_id, seq);

-- After a retention purge, the chain restarts from a signed checkpoint.
CREATE TABLE audit_checkpoints (
    tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id),
    seq        bigint NOT NULL,
    hash       bytea NOT NULL,
    signature  bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seq)
);

CREATE TABLE audit_settings (
    tenant_id      uuid PRIMARY KEY REFERENCES tenants (tenant_id),
    retention_days integer NOT NULL DEFAULT 365 CHECK (retention_days BETWEEN 30 AND 3650),
    -- Whether owners and administrators may see the whole log (default: only
    -- administrative security events).
    admins_see_all boolean NOT NULL DEFAULT false
);

-- Re-identifying a works-council pseudonym needs two people from two roles.
CREATE TABLE reidentification_requests (
    tenant_id      uuid NOT NULL REFERENCES tenants (tenant_id),
    request_id     uuid NOT NULL,
    pseudonym      text NOT NULL,
    requested_by   uuid NOT NULL,
    requested_role text NOT NULL CHECK (requested_role IN ('dpo', 'works_council')),
    -- Sealed under the requester's subject key: a reason may mention people.
    reason         bytea NOT NULL,
    approved_by    uuid,
    approved_at    timestamptz,
    expires_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, request_id),
    CONSTRAINT reidentification_requested_by_fkey FOREIGN KEY (tenant_id, requested_by) REFERENCES users (tenant_id, user_id),
    CONSTRAINT reidentification_approved_by_fkey FOREIGN KEY (tenant_id, approved_by) REFERENCES users (tenant_id, user_id),
    CONSTRAINT four_eyes CHECK (approved_by IS NULL OR approved_by <> requested_by)
);

ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_heads
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_checkpoints
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE audit_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_settings
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE reidentification_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE reidentification_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reidentification_requests
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

-- The application may append and read, nothing else.
GRANT SELECT, INSERT ON audit_log TO tessera_app;
GRANT SELECT, INSERT, UPDATE ON audit_heads TO tessera_app;
GRANT SELECT, INSERT ON audit_checkpoints TO tessera_app;
GRANT SELECT, INSERT, UPDATE ON audit_settings TO tessera_app;
GRANT SELECT, INSERT, UPDATE ON reidentification_requests TO tessera_app;

-- Even the owner cannot change or remove entries, except the retention purge, which
-- deletes (never updates) and announces itself in a transaction-local setting.
CREATE FUNCTION audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tessera.audit_retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
