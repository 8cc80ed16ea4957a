-- Teams and record visibility. A workspace either lets everyone see every record, or
-- lets sales, service, marketing and members see only the records they own, their
-- teams' records and records nobody owns. The scope decides per request what the
-- principal sees and puts it into `app.record_scope`; the policies below enforce it,
-- so every query of every adapter obeys it.

CREATE TABLE teams (
    tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id),
    team_id    uuid NOT NULL,
    -- A department's name ("Vertrieb Nord"), not personal data.
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, team_id)
);
CREATE UNIQUE INDEX teams_name_key ON teams (tenant_id, lower(name));

CREATE TABLE team_members (
    tenant_id uuid NOT NULL,
    team_id   uuid NOT NULL,
    user_id   uuid NOT NULL,
    PRIMARY KEY (tenant_id, team_id, user_id),
    CONSTRAINT team_members_team_fkey FOREIGN KEY (tenant_id, team_id)
        REFERENCES teams (tenant_id, team_id) ON DELETE CASCADE,
    CONSTRAINT team_members_user_fkey FOREIGN KEY (tenant_id, user_id)
        REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_by_user ON team_members (tenant_id, user_id);

ALTER TABLE tenants ADD COLUMN record_visibility text NOT NULL DEFAULT 'all'
    CHECK (record_visibility IN ('all', 'team'));

ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON teams USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE team_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON team_members USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON teams, team_members TO tessera_app;

-- `app.record_scope` is 'all' or an array of the owners whose records are visible.
-- Unset (a transaction that did not go through the tenant scope) sees only records
-- without an owner: missing context fails closed.
CREATE FUNCTION app_sees_all_records() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.record_scope', true) = 'all', false) $$;

CREATE FUNCTION app_visible_owners() RETURNS uuid[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN s LIKE '{%}' THEN s::uuid[] ELSE '{}'::uuid[] END
          FROM coalesce(current_setting('app.record_scope', true), '') AS s $$;

-- The sub-selects make both settings one init plan per query, not a call per row.
CREATE POLICY record_visibility ON contacts AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_sees_all_records()) OR owner_id IS NULL OR owner_id = ANY ((SELECT app_visible_owners())::uuid[]));
CREATE POLICY record_visibility_update ON contacts AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_sees_all_records()) OR owner_id IS NULL OR owner_id = ANY ((SELECT app_visible_owners())::uuid[]));
CREATE POLICY record_visibility_delete ON contacts AS RESTRICTIVE FOR DELETE
    USING ((SELECT app_sees_all_records()) OR owner_id IS NULL OR owner_id = ANY ((SELECT app_visible_owners())::uuid[]));
CREATE POLICY record_visibility ON organisations AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_sees_all_records()) OR owner_id IS NULL OR owner_id = ANY ((SELECT app_visible_owners())::uuid[]));
CREATE POLICY record_visibility_update ON organisations AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_sees_all_records()) OR owner_id IS NULL OR owner_id = ANY ((SELECT app_visible_owners())::uuid[]));
CREATE POLICY record_visibility_delete ON organisations AS RESTRICTIVE FOR DELETE
    USING ((SELECT app_sees_all_records()) OR owner_id IS NULL OR owner_id = ANY ((SELECT app_visible_owners())::uuid[]));

-- Whether the record of `kind` (1 contact, 2 organisation, as in search_tokens) is
-- visible; other kinds follow the records they belong to. Runs with the caller's
-- rights, so the policies above decide.
CREATE FUNCTION app_record_visible(kind smallint, id uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT CASE kind
            WHEN 1 THEN EXISTS (SELECT 1 FROM contacts c WHERE c.contact_id = id)
            WHEN 2 THEN EXISTS (SELECT 1 FROM organisations o WHERE o.organisation_id = id)
            ELSE true END $$;

-- What points at records: search tokens and fingerprints (lists, search, palette,
-- duplicates), timeline links, and tasks about a record.
CREATE POLICY record_visibility ON search_tokens AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_sees_all_records()) OR app_record_visible(record_kind, record_id));
CREATE POLICY record_visibility ON fingerprints AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_sees_all_records()) OR app_record_visible(record_kind, record_id));
CREATE POLICY record_visibility ON interaction_links AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_sees_all_records()) OR app_record_visible(record_kind, record_id));
CREATE POLICY record_visibility ON tasks AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_sees_all_records())
           OR ((contact_id IS NULL OR app_record_visible(1::smallint, contact_id))
               AND (organisation_id IS NULL OR app_record_visible(2::smallint, organisation_id))));
