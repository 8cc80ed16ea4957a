-- Field masks: which personal fields of contacts a role does not see. Codes only.
CREATE TABLE field_masks (
    tenant_id uuid NOT NULL REFERENCES tenants (tenant_id),
    role      text NOT NULL CHECK (role IN ('owner', 'admin', 'sales', 'service', 'marketing', 'member', 'dpo', 'works_council')),
    field     text NOT NULL CHECK (field IN ('birthday', 'private_emails', 'private_phones', 'address', 'notes')),
    PRIMARY KEY (tenant_id, role, field)
);

ALTER TABLE field_masks ENABLE ROW LEVEL SECURITY;
ALTER TABLE field_masks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON field_masks USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, DELETE ON field_masks TO tessera_app;
