-- Tenants, users and invitations, each isolated by forced row-level security.

CREATE TABLE tenants (
    tenant_id  uuid PRIMARY KEY,
    -- The workspace address in URLs and at sign-in. Globally unique by design: it is
    -- how a tenant is found before its context exists (the one non-tenant-scoped key).
    slug       text NOT NULL CONSTRAINT tenants_slug_key UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Envelope encryption (see docs/security.md): each tenant's data keys, wrapped by the
-- master key; each data subject's key, wrapped by a tenant key. Only wrapped keys are
-- ever stored.
CREATE TABLE tenant_keys (
    tenant_id     uuid NOT NULL REFERENCES tenants (tenant_id),
    version       integer NOT NULL CHECK (version > 0),
    master_key_id text NOT NULL,
    wrapped_key   bytea NOT NULL,
    -- Subject keys wrapped under this version; a new version starts well before 2^32.
    wraps         bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, version)
);

CREATE TABLE subject_keys (
    tenant_id          uuid NOT NULL,
    -- A contact, user or invitation id. Deleting the row crypto-shreds the subject.
    subject_id         uuid NOT NULL,
    tenant_key_version integer NOT NULL,
    wrapped_key        bytea NOT NULL,
    encryptions        bigint NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, subject_id),
    CONSTRAINT subject_keys_tenant_key_fkey FOREIGN KEY (tenant_id, tenant_key_version) REFERENCES tenant_keys (tenant_id, version)
);

-- Personal data is stored as AES-256-GCM ciphertext (`*_ct`) under the person's
-- subject key; `*_bidx` are keyed blind indexes for exact lookup.
CREATE TABLE users (
    tenant_id       uuid NOT NULL REFERENCES tenants (tenant_id),
    user_id         uuid NOT NULL,
    email_ct        bytea NOT NULL,
    email_bidx      bytea NOT NULL,
    display_name_ct bytea NOT NULL,
    password_hash   text NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'dpo', 'works_council')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    CONSTRAINT users_email_key UNIQUE (tenant_id, email_bidx)
);

CREATE TABLE invitations (
    tenant_id     uuid NOT NULL REFERENCES tenants (tenant_id),
    invitation_id uuid NOT NULL,
    email_ct      bytea NOT NULL,
    email_bidx    bytea NOT NULL,
    role          text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'dpo', 'works_council')),
    -- SHA-256 of the one-time token; the token itself is only in the link.
    token_hash    bytea NOT NULL,
    invited_by    uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    accepted_at   timestamptz,
    PRIMARY KEY (tenant_id, invitation_id),
    CONSTRAINT invitations_token_key UNIQUE (tenant_id, token_hash),
    CONSTRAINT invitations_invited_by_fkey FOREIGN KEY (tenant_id, invited_by) REFERENCES users (tenant_id, user_id)
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE tenant_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_keys
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE subject_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE subject_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON subject_keys
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE ON tenants TO tessera_app;
GRANT SELECT, INSERT, UPDATE ON users TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO tessera_app;
-- Tenant keys are never deleted by the application (only versions are added).
GRANT SELECT, INSERT, UPDATE ON tenant_keys TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON subject_keys TO tessera_app;

-- The allowlist of lookups before the tenant is known: one function, owned by
-- tessera_auth, which may read only the slug-to-id mapping across tenants.
GRANT SELECT (tenant_id, slug) ON tenants TO tessera_auth;
CREATE POLICY auth_slug_lookup ON tenants FOR SELECT TO tessera_auth USING (true);

CREATE FUNCTION auth_tenant_id_for_slug(p_slug text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT tenant_id FROM public.tenants WHERE slug = p_slug $$;

-- Changing a function's owner needs CREATE on its schema for the new owner.
GRANT CREATE ON SCHEMA public TO tessera_auth;
ALTER FUNCTION auth_tenant_id_for_slug(text) OWNER TO tessera_auth;
REVOKE CREATE ON SCHEMA public FROM tessera_auth;
REVOKE ALL ON FUNCTION auth_tenant_id_for_slug(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_tenant_id_for_slug(text) TO tessera_app;
