-- Single sign-on: a workspace's OpenID provider, and which provider accounts are
-- which users (by the provider's subject, never by e-mail alone).

CREATE TABLE sso_providers (
    tenant_id          uuid PRIMARY KEY REFERENCES tenants (tenant_id),
    issuer             text NOT NULL,
    client_id          text NOT NULL,
    -- Sealed under the tenant's own subject key (subject = tenant id), as the SMTP password.
    client_secret_ct   bytea NOT NULL,
    -- "Sign in with <label>" on the workspace's login page.
    label              text NOT NULL,
    -- Lower-case domains whose addresses may sign in; empty: any.
    allowed_domains    text[] NOT NULL DEFAULT '{}',
    -- Off: only owners sign in with a password (to repair a broken configuration).
    password_login     boolean NOT NULL DEFAULT true,
    provisioning       text NOT NULL DEFAULT 'invitation' CHECK (provisioning IN ('invitation', 'just_in_time')),
    default_role       text NOT NULL DEFAULT 'sales'
        CHECK (default_role IN ('admin', 'sales', 'service', 'marketing', 'member', 'dpo', 'works_council')),
    -- Whether the provider's own second factor (amr) counts as Tessera's.
    trust_provider_mfa boolean NOT NULL DEFAULT false,
    updated_by         uuid NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sso_providers_updated_by_fkey FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, user_id)
);

CREATE TABLE sso_identities (
    tenant_id  uuid NOT NULL,
    issuer     text NOT NULL,
    subject    text NOT NULL,
    user_id    uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, issuer, subject),
    CONSTRAINT sso_identities_user_fkey FOREIGN KEY (tenant_id, user_id)
        REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX sso_identities_by_user ON sso_identities (tenant_id, user_id);

ALTER TABLE sso_providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_providers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_providers USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE sso_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_identities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_identities USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_providers TO tessera_app;
GRANT SELECT, INSERT, DELETE ON sso_identities TO tessera_app;
