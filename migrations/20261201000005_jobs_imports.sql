-- Background jobs (imports now; the mail outbox and mailbox capture next) and
-- imports of contacts from CSV files, which can be undone.

CREATE TABLE jobs (
    tenant_id        uuid NOT NULL REFERENCES tenants (tenant_id),
    job_id           uuid NOT NULL,
    kind             text NOT NULL,
    state            text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    -- The employee it runs for: it acts with their rights.
    created_by       uuid NOT NULL,
    run_after        timestamptz NOT NULL DEFAULT now(),
    -- A running job whose lease ran out (the worker died) is taken up again.
    locked_until     timestamptz,
    attempts         integer NOT NULL DEFAULT 0,
    progress_done    bigint NOT NULL DEFAULT 0,
    progress_total   bigint NOT NULL DEFAULT 0,
    cancel_requested boolean NOT NULL DEFAULT false,
    -- An error code (never text with data in it).
    error            text,
    -- Ids and counts only.
    payload          jsonb NOT NULL DEFAULT '{}',
    result           jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    PRIMARY KEY (tenant_id, job_id),
    CONSTRAINT jobs_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id)
);
CREATE INDEX jobs_due ON jobs (run_after) WHERE state IN ('queued', 'running');

CREATE TABLE imports (
    tenant_id     uuid NOT NULL REFERENCES tenants (tenant_id),
    import_id     uuid NOT NULL,
    -- The uploaded file and its header, sealed under the import's own key (subject =
    -- import id); the file is shredded when the import is finished or undone.
    file_ct       bytea,
    columns_ct    bytea NOT NULL,
    delimiter     text NOT NULL,
    encoding      text NOT NULL,
    row_count     integer NOT NULL,
    -- The chosen mapping and options (field codes and column numbers only).
    settings      jsonb,
    job_id        uuid,
    state         text NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'running', 'done', 'failed', 'cancelled', 'undone')),
    created_by    uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, import_id),
    CONSTRAINT imports_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id)
);

-- What an import did, for undo: created contacts, and updated ones with their
-- previous state sealed under the contact's key.
CREATE TABLE import_rows (
    tenant_id   uuid NOT NULL,
    import_id   uuid NOT NULL,
    contact_id  uuid NOT NULL,
    created     boolean NOT NULL,
    before_ct   bytea,
    PRIMARY KEY (tenant_id, import_id, contact_id),
    CONSTRAINT import_rows_import_fkey FOREIGN KEY (tenant_id, import_id)
        REFERENCES imports (tenant_id, import_id) ON DELETE CASCADE
);
CREATE INDEX import_rows_by_contact ON import_rows (tenant_id, contact_id);

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jobs
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE imports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON imports
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE import_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_rows FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_rows
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE ON jobs TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON imports TO tessera_app;
GRANT SELECT, INSERT, DELETE ON import_rows TO tessera_app;

-- The worker finds due jobs across tenants through one function that returns ids
-- only, owned by tessera_auth, which may read just these columns.
GRANT SELECT (tenant_id, job_id, state, run_after, locked_until) ON jobs TO tessera_auth;
CREATE POLICY worker_due_jobs ON jobs FOR SELECT TO tessera_auth USING (true);

CREATE FUNCTION worker_due_jobs(p_limit integer) RETURNS TABLE (tenant_id uuid, job_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT j.tenant_id, j.job_id FROM public.jobs j
        WHERE (j.state = 'queued' AND j.run_after <= now())
           OR (j.state = 'running' AND j.locked_until < now())
        ORDER BY j.run_after
        LIMIT p_limit
    $$;

GRANT CREATE ON SCHEMA public TO tessera_auth;
ALTER FUNCTION worker_due_jobs(integer) OWNER TO tessera_auth;
REVOKE CREATE ON SCHEMA public FROM tessera_auth;
REVOKE ALL ON FUNCTION worker_due_jobs(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION worker_due_jobs(integer) TO tessera_app;
