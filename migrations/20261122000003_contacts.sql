-- Contacts: every personal field is ciphertext under the contact's subject key.
CREATE TABLE contacts (
    tenant_id       uuid NOT NULL REFERENCES tenants (tenant_id),
    contact_id      uuid NOT NULL,
    first_name_ct   bytea NOT NULL,
    last_name_ct    bytea NOT NULL,
    email_ct        bytea,
    phone_ct        bytea,
    organisation_ct bytea,
    notes_ct        bytea,
    -- Keyed blind indexes for exact lookup and duplicate detection.
    email_bidx      bytea,
    phone_bidx      bytea,
    created_by      uuid NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, contact_id),
    CONSTRAINT contacts_email_key UNIQUE (tenant_id, email_bidx),
    CONSTRAINT contacts_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id)
);

CREATE INDEX contacts_by_created ON contacts (tenant_id, created_at, contact_id);
CREATE INDEX contacts_by_phone ON contacts (tenant_id, phone_bidx);

-- Type-ahead search: blind-index tokens of folded name words and their prefixes.
CREATE TABLE contact_search_tokens (
    tenant_id  uuid NOT NULL,
    token      bigint NOT NULL,
    contact_id uuid NOT NULL,
    -- A whole word (ranks higher) rather than a prefix.
    exact      boolean NOT NULL,
    PRIMARY KEY (tenant_id, token, contact_id),
    CONSTRAINT contact_search_tokens_contact_fkey FOREIGN KEY (tenant_id, contact_id)
        REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE
);
CREATE INDEX contact_search_tokens_by_contact ON contact_search_tokens (tenant_id, contact_id);

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contacts
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE contact_search_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_search_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contact_search_tokens
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO tessera_app;
GRANT SELECT, INSERT, DELETE ON contact_search_tokens TO tessera_app;
