-- Saved list views: a name and a list's query string, per user or shared with the
-- workspace. Both are sealed (a query can hold a searched name) under the tenant's
-- own subject key, so colleagues can open shared ones.
CREATE TABLE saved_views (
    tenant_id  uuid NOT NULL,
    view_id    uuid NOT NULL,
    user_id    uuid NOT NULL,
    area       text NOT NULL CHECK (area IN ('contacts', 'organisations')),
    name_ct    bytea NOT NULL,
    query_ct   bytea NOT NULL,
    shared     boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, view_id),
    CONSTRAINT saved_views_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id)
);
CREATE INDEX saved_views_by_area ON saved_views (tenant_id, area);

ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_views FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON saved_views USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, DELETE ON saved_views TO tessera_app;
