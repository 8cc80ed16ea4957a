-- One interaction timeline per contact and organisation: notes, calls, meetings,
-- e-mails, messages from other channels, and the history of record changes.

CREATE TABLE interactions (
    tenant_id       uuid NOT NULL REFERENCES tenants (tenant_id),
    interaction_id  uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('note', 'call', 'meeting', 'email', 'message', 'history')),
    occurred_at     timestamptz NOT NULL,
    direction       text CHECK (direction IN ('inbound', 'outbound')),
    duration_secs   integer CHECK (duration_secs BETWEEN 0 AND 86400),
    -- Calls: reached, voicemail, no_answer, busy, wrong_number.
    outcome         text,
    -- Messages: whatsapp, sms, linkedin, other.
    channel         text,
    -- Sealed under the interaction's own key (subject = interaction id): its words are
    -- about everyone taking part, so it is erased with the last of them.
    subject_ct      bytea,
    body_ct         bytea,
    -- Sealed JSON: the participants' addresses (e-mail) as written.
    participants_ct bytea,
    -- History entries: what changed, as codes and ids only (never personal data).
    history         jsonb,
    -- E-mail: keyed fingerprint of the Message-ID (de-duplication across mailboxes)
    -- and the thread the message belongs to.
    message_bidx    bytea,
    thread_id       uuid,
    -- Captured mail stays private to the mailbox owner until shared.
    private_to      uuid,
    -- NULL for entries the system made (captured mail, inbound messages).
    created_by      uuid,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, interaction_id),
    CONSTRAINT interactions_message_key UNIQUE (tenant_id, message_bidx),
    CONSTRAINT interactions_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id),
    CONSTRAINT interactions_private_to_fkey FOREIGN KEY (tenant_id, private_to) REFERENCES users (tenant_id, user_id)
);
CREATE INDEX interactions_by_thread ON interactions (tenant_id, thread_id);

-- Which records an interaction appears on. The time and kind are repeated here so
-- that a timeline page is one index range scan.
CREATE TABLE interaction_links (
    tenant_id      uuid NOT NULL,
    record_id      uuid NOT NULL,
    interaction_id uuid NOT NULL,
    -- 1 contact, 2 organisation (as in search_tokens).
    record_kind    smallint NOT NULL,
    occurred_at    timestamptz NOT NULL,
    kind           text NOT NULL,
    PRIMARY KEY (tenant_id, record_id, interaction_id),
    CONSTRAINT interaction_links_interaction_fkey FOREIGN KEY (tenant_id, interaction_id)
        REFERENCES interactions (tenant_id, interaction_id) ON DELETE CASCADE
);
CREATE INDEX interaction_links_timeline ON interaction_links (tenant_id, record_id, occurred_at DESC, interaction_id DESC);
CREATE INDEX interaction_links_by_interaction ON interaction_links (tenant_id, interaction_id);

ALTER TABLE interactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE interactions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON interactions
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE interaction_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE interaction_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON interaction_links
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON interactions TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON interaction_links TO tessera_app;
