-- E-mail: the workspace's SMTP server, templates, signatures, the outbox; and the
-- governed capture of mail from connected mailboxes.

CREATE TABLE smtp_settings (
    tenant_id    uuid PRIMARY KEY REFERENCES tenants (tenant_id),
    host         text NOT NULL,
    port         integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security     text NOT NULL CHECK (security IN ('start_tls', 'tls', 'plain')),
    username     text NOT NULL DEFAULT '',
    -- Sealed under the tenant's own subject key (subject = tenant id).
    password_ct  bytea,
    from_address text NOT NULL,
    from_name    text NOT NULL DEFAULT '',
    updated_by   uuid NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT smtp_settings_updated_by_fkey FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, user_id)
);

CREATE TABLE mail_templates (
    tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id),
    template_id uuid NOT NULL,
    name        text NOT NULL,
    language    text NOT NULL CHECK (language IN ('de', 'en')),
    subject     text NOT NULL DEFAULT '',
    body        text NOT NULL,
    created_by  uuid NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, template_id),
    CONSTRAINT mail_templates_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id)
);

-- What each employee sets for themselves; the signature is sealed under their key.
CREATE TABLE user_profiles (
    tenant_id    uuid NOT NULL,
    user_id      uuid NOT NULL,
    signature_ct bytea,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    CONSTRAINT user_profiles_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id)
);

-- Mail sent from Tessera: the message is its timeline entry (sealed there); this is
-- its delivery.
CREATE TABLE outbound_mails (
    tenant_id      uuid NOT NULL,
    interaction_id uuid NOT NULL,
    status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts       integer NOT NULL DEFAULT 0,
    -- A code such as smtp_unreachable, never server text.
    error          text,
    job_id         uuid,
    sent_at        timestamptz,
    PRIMARY KEY (tenant_id, interaction_id),
    CONSTRAINT outbound_mails_interaction_fkey FOREIGN KEY (tenant_id, interaction_id)
        REFERENCES interactions (tenant_id, interaction_id) ON DELETE CASCADE
);

-- What the workspace keeps of captured mail; off until someone with the right to
-- decide (the owner, after the works council agreed where there is one) turns it on.
CREATE TABLE capture_policies (
    tenant_id      uuid PRIMARY KEY REFERENCES tenants (tenant_id),
    keeps          text NOT NULL DEFAULT 'nothing' CHECK (keeps IN ('nothing', 'metadata', 'subject', 'full')),
    retention_days integer NOT NULL DEFAULT 365 CHECK (retention_days BETWEEN 7 AND 3650),
    works_council_agreed boolean NOT NULL DEFAULT false,
    updated_by     uuid NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT capture_policies_updated_by_fkey FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, user_id)
);

-- A mailbox an employee connected; its password is sealed under the mailbox's key.
CREATE TABLE mailboxes (
    tenant_id     uuid NOT NULL,
    mailbox_id    uuid NOT NULL,
    user_id       uuid NOT NULL,
    host          text NOT NULL,
    port          integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security      text NOT NULL CHECK (security IN ('tls', 'start_tls', 'plain')),
    username_ct   bytea NOT NULL,
    password_ct   bytea NOT NULL,
    -- Folders read (inbox and sent), and per folder the last UID seen.
    folders       text[] NOT NULL,
    seen          jsonb NOT NULL DEFAULT '{}',
    enabled       boolean NOT NULL DEFAULT true,
    last_sync_at  timestamptz,
    -- A code such as imap_unreachable, imap_login_failed.
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, mailbox_id),
    CONSTRAINT mailboxes_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id)
);

-- Captured mail is a timeline entry that remembers the mailbox it came from (for the
-- retention period) and when it was captured.
ALTER TABLE interactions ADD COLUMN captured_from uuid,
    ADD COLUMN captured_at timestamptz;
CREATE INDEX interactions_captured ON interactions (tenant_id, captured_at) WHERE captured_from IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['smtp_settings', 'mail_templates', 'user_profiles', 'outbound_mails',
                             'capture_policies', 'mailboxes'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO tessera_app', t);
    END LOOP;
END
$$;
