-- Customer records: organisations as records of their own, complete contacts, and
-- the search machinery every searchable area shares.

-- Keyed search tokens of any sealed text (see docs/security.md). record_kind:
-- 1 contact, 2 organisation, 3 interaction (app/src/backend/search/mod.rs).
CREATE TABLE search_tokens (
    tenant_id   uuid NOT NULL,
    token       bigint NOT NULL,
    record_kind smallint NOT NULL,
    record_id   uuid NOT NULL,
    -- A whole word (ranks higher) rather than a prefix.
    exact       boolean NOT NULL,
    PRIMARY KEY (tenant_id, token, record_kind, record_id)
);
CREATE INDEX search_tokens_by_record ON search_tokens (tenant_id, record_id);

INSERT INTO search_tokens (tenant_id, token, record_kind, record_id, exact)
    SELECT tenant_id, token, 1, contact_id, exact FROM contact_search_tokens;
DROP TABLE contact_search_tokens;

-- Exact keyed fingerprints for lookup and duplicate detection. kind: 1 e-mail,
-- 2 phone, 3 folded name (contacts: with their organisation).
CREATE TABLE fingerprints (
    tenant_id   uuid NOT NULL,
    kind        smallint NOT NULL,
    bidx        bytea NOT NULL,
    record_kind smallint NOT NULL,
    record_id   uuid NOT NULL,
    PRIMARY KEY (tenant_id, kind, bidx, record_kind, record_id)
);
CREATE INDEX fingerprints_by_record ON fingerprints (tenant_id, record_id);

INSERT INTO fingerprints (tenant_id, kind, bidx, record_kind, record_id)
    SELECT tenant_id, 1, email_bidx, 1, contact_id FROM contacts WHERE email_bidx IS NOT NULL;
INSERT INTO fingerprints (tenant_id, kind, bidx, record_kind, record_id)
    SELECT tenant_id, 2, phone_bidx, 1, contact_id FROM contacts WHERE phone_bidx IS NOT NULL;

-- The customers' companies. Name, contact details and notes are sealed under the
-- organisation's own key (a sole trader's company data is personal data).
CREATE TABLE organisations (
    tenant_id       uuid NOT NULL REFERENCES tenants (tenant_id),
    organisation_id uuid NOT NULL,
    name_ct         bytea NOT NULL,
    -- Sealed JSON: website, e-mail, phone, VAT id, billing and delivery address.
    details_ct      bytea,
    notes_ct        bytea,
    legal_form      text NOT NULL DEFAULT '',
    industry        text NOT NULL DEFAULT '',
    size_class      text CHECK (size_class IN ('micro', 'small', 'medium', 'large')),
    owner_id        uuid,
    parent_id       uuid,
    tags            text[] NOT NULL DEFAULT '{}',
    classification  text CHECK (classification IN ('a', 'b', 'c')),
    created_by      uuid NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, organisation_id),
    CONSTRAINT organisations_owner_fkey FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, user_id),
    CONSTRAINT organisations_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id),
    CONSTRAINT organisations_parent_fkey FOREIGN KEY (tenant_id, parent_id)
        REFERENCES organisations (tenant_id, organisation_id) ON DELETE SET NULL (parent_id),
    CONSTRAINT organisations_not_own_parent CHECK (parent_id IS DISTINCT FROM organisation_id)
);
CREATE INDEX organisations_by_created ON organisations (tenant_id, created_at, organisation_id);
CREATE INDEX organisations_by_updated ON organisations (tenant_id, updated_at, organisation_id);
CREATE INDEX organisations_by_owner ON organisations (tenant_id, owner_id);
CREATE INDEX organisations_by_parent ON organisations (tenant_id, parent_id);
CREATE INDEX organisations_by_tag ON organisations USING gin (tags);

-- Contacts, complete. The single e-mail, phone and free-text organisation of the
-- first version stay as legacy columns until the server's data upgrade has moved
-- them (it decrypts, so it cannot be SQL): see app/src/backend/upgrade.rs.
ALTER TABLE contacts RENAME COLUMN email_ct TO legacy_email_ct;
ALTER TABLE contacts RENAME COLUMN phone_ct TO legacy_phone_ct;
ALTER TABLE contacts RENAME COLUMN organisation_ct TO legacy_organisation_ct;
-- Several people may share an address (and duplicates are warned about, not refused).
ALTER TABLE contacts DROP CONSTRAINT contacts_email_key;
DROP INDEX contacts_by_phone;
ALTER TABLE contacts DROP COLUMN email_bidx, DROP COLUMN phone_bidx;

ALTER TABLE contacts
    -- Sealed JSON lists of typed e-mails and phones.
    ADD COLUMN emails_ct          bytea,
    ADD COLUMN phones_ct          bytea,
    -- Sealed JSON: salutation, title, position, birthday, postal address.
    ADD COLUMN profile_ct         bytea,
    ADD COLUMN organisation_id    uuid,
    ADD COLUMN owner_id           uuid,
    ADD COLUMN tags               text[] NOT NULL DEFAULT '{}',
    ADD COLUMN classification     text CHECK (classification IN ('a', 'b', 'c')),
    ADD COLUMN stage              text NOT NULL DEFAULT 'lead'
        CHECK (stage IN ('lead', 'prospect', 'customer', 'at_risk', 'churned', 'won_back')),
    ADD COLUMN preferred_language text NOT NULL DEFAULT '',
    -- Channels the person agreed to be contacted on.
    ADD COLUMN channels           text[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT contacts_organisation_fkey FOREIGN KEY (tenant_id, organisation_id)
        REFERENCES organisations (tenant_id, organisation_id) ON DELETE SET NULL (organisation_id),
    ADD CONSTRAINT contacts_owner_fkey FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, user_id);

CREATE INDEX contacts_by_updated ON contacts (tenant_id, updated_at, contact_id);
CREATE INDEX contacts_by_organisation ON contacts (tenant_id, organisation_id);
CREATE INDEX contacts_by_owner ON contacts (tenant_id, owner_id);
CREATE INDEX contacts_by_stage ON contacts (tenant_id, stage);
CREATE INDEX contacts_by_tag ON contacts USING gin (tags);

-- When a contact entered each lifecycle stage, and who moved it there.
CREATE TABLE contact_stages (
    tenant_id  uuid NOT NULL,
    contact_id uuid NOT NULL,
    entry_id   uuid NOT NULL,
    stage      text NOT NULL,
    entered_at timestamptz NOT NULL DEFAULT now(),
    changed_by uuid NOT NULL,
    PRIMARY KEY (tenant_id, contact_id, entry_id),
    CONSTRAINT contact_stages_contact_fkey FOREIGN KEY (tenant_id, contact_id)
        REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE,
    CONSTRAINT contact_stages_changed_by_fkey FOREIGN KEY (tenant_id, changed_by) REFERENCES users (tenant_id, user_id)
);
INSERT INTO contact_stages (tenant_id, contact_id, entry_id, stage, entered_at, changed_by)
    SELECT tenant_id, contact_id, gen_random_uuid(), 'lead', created_at, created_by FROM contacts;

ALTER TABLE search_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_tokens
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE fingerprints ENABLE ROW LEVEL SECURITY;
ALTER TABLE fingerprints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fingerprints
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE organisations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organisations
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE contact_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_stages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contact_stages
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, DELETE ON search_tokens TO tessera_app;
GRANT SELECT, INSERT, DELETE ON fingerprints TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON organisations TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON contact_stages TO tessera_app;
