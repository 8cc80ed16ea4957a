CREATE TABLE contacts (
    tenant_id    uuid NOT NULL REFERENCES tenants (tenant_id),
    contact_id   uuid NOT NULL,
    first_name   text NOT NULL,
    last_name    text NOT NULL,
    email        text,
    phone        text,
    organisation text,
    notes        text,
    created_by   uuid NOT NULL,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- Keyset pagination by name walks (tenant_id, sort_name, contact_id).
    sort_name    text GENERATED ALWAYS AS (lower(last_name || ' ' || first_name)) STORED,
    PRIMARY KEY (tenant_id, contact_id),
    CONSTRAINT contacts_email_key UNIQUE (tenant_id, email),
    CONSTRAINT contacts_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id)
);

CREATE INDEX contacts_by_name ON contacts (tenant_id, sort_name, contact_id);
CREATE INDEX contacts_by_created ON contacts (tenant_id, created_at, contact_id);

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contacts
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO tessera_app;
