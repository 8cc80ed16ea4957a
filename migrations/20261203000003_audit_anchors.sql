-- Keyed anchors of the audit chain (docs/audit.md, "Anchors"). The chain's hashes are
-- unkeyed: whoever may write the tables could rewrite every entry and recompute every
-- hash after it. An anchor is the chain head at some moment with an HMAC under a key
-- derived from the tenant's key, which the database never holds; a rewritten chain
-- no longer matches its anchors.
CREATE TABLE audit_anchors (
    tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id),
    seq        bigint NOT NULL,
    hash       bytea NOT NULL,
    mac        bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seq)
);

ALTER TABLE audit_anchors ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_anchors FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_anchors
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT ON audit_anchors TO tessera_app;

CREATE FUNCTION audit_anchors_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'audit_anchors is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_anchors_append_only();
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
    FOR EACH STATEMENT EXECUTE FUNCTION audit_anchors_append_only();
