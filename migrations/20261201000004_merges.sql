-- Merging duplicate contacts, reversibly: the merged record is kept hidden (sealed,
-- with its key) so that the merge can be undone; everything it had moves to the
-- survivor, and what moved is remembered.

ALTER TABLE contacts ADD COLUMN merged_into uuid,
    ADD CONSTRAINT contacts_merged_into_fkey FOREIGN KEY (tenant_id, merged_into)
        REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE;
CREATE INDEX contacts_by_merged_into ON contacts (tenant_id, merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE merges (
    tenant_id          uuid NOT NULL REFERENCES tenants (tenant_id),
    merge_id           uuid NOT NULL,
    survivor_id        uuid NOT NULL,
    duplicate_id       uuid NOT NULL,
    -- The survivor as it was before, sealed under the survivor's key.
    survivor_before_ct bytea NOT NULL,
    -- The survivor's version right after the merge: undo is refused once it changed.
    survivor_version   integer NOT NULL,
    fields             text[] NOT NULL DEFAULT '{}',
    -- Entries that were only the duplicate's move to the survivor; entries both had
    -- just lose the duplicate. Undo needs to know which was which.
    moved_interactions  uuid[] NOT NULL DEFAULT '{}',
    shared_interactions uuid[] NOT NULL DEFAULT '{}',
    moved_tasks         uuid[] NOT NULL DEFAULT '{}',
    moved_appointments  uuid[] NOT NULL DEFAULT '{}',
    shared_appointments uuid[] NOT NULL DEFAULT '{}',
    merged_by          uuid NOT NULL,
    merged_at          timestamptz NOT NULL DEFAULT now(),
    undone_by          uuid,
    undone_at          timestamptz,
    PRIMARY KEY (tenant_id, merge_id),
    CONSTRAINT merges_survivor_fkey FOREIGN KEY (tenant_id, survivor_id)
        REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE,
    CONSTRAINT merges_duplicate_fkey FOREIGN KEY (tenant_id, duplicate_id)
        REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE,
    CONSTRAINT merges_merged_by_fkey FOREIGN KEY (tenant_id, merged_by) REFERENCES users (tenant_id, user_id)
);
CREATE INDEX merges_by_survivor ON merges (tenant_id, survivor_id, merged_at);

ALTER TABLE merges ENABLE ROW LEVEL SECURITY;
ALTER TABLE merges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON merges
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON merges TO tessera_app;
