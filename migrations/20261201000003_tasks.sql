-- Tasks and appointments: follow-ups and the calendar, linked to customer records.

CREATE TABLE tasks (
    tenant_id       uuid NOT NULL REFERENCES tenants (tenant_id),
    task_id         uuid NOT NULL,
    -- Sealed under the task's own key: a title like "call Mrs Müller back" is personal.
    title_ct        bytea NOT NULL,
    notes_ct        bytea,
    due_at          timestamptz,
    -- Whether due_at carries a time of day (else: some time that day).
    due_has_time    boolean NOT NULL DEFAULT false,
    -- The list order of open tasks: undated ones last.
    due_sort        timestamptz NOT NULL GENERATED ALWAYS AS (COALESCE(due_at, timestamptz '9999-12-31 00:00:00+00')) STORED,
    priority        text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    reminder        text NOT NULL DEFAULT 'no_reminder',
    remind_at       timestamptz,
    reminder_dismissed_at timestamptz,
    assignee_id     uuid,
    contact_id      uuid,
    organisation_id uuid,
    interaction_id  uuid,
    completed_at    timestamptz,
    created_by      uuid NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, task_id),
    CONSTRAINT tasks_assignee_fkey FOREIGN KEY (tenant_id, assignee_id) REFERENCES users (tenant_id, user_id),
    CONSTRAINT tasks_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id),
    -- The service erases a contact's tasks (and their keys) first; the cascade is a net.
    CONSTRAINT tasks_contact_fkey FOREIGN KEY (tenant_id, contact_id)
        REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE,
    CONSTRAINT tasks_organisation_fkey FOREIGN KEY (tenant_id, organisation_id)
        REFERENCES organisations (tenant_id, organisation_id) ON DELETE SET NULL (organisation_id),
    CONSTRAINT tasks_interaction_fkey FOREIGN KEY (tenant_id, interaction_id)
        REFERENCES interactions (tenant_id, interaction_id) ON DELETE SET NULL (interaction_id)
);
-- "My tasks": open ones by due date; done ones by completion.
CREATE INDEX tasks_open_by_assignee ON tasks (tenant_id, assignee_id, due_sort, task_id) WHERE status = 'open';
CREATE INDEX tasks_open_by_due ON tasks (tenant_id, due_sort, task_id) WHERE status = 'open';
CREATE INDEX tasks_done ON tasks (tenant_id, completed_at, task_id) WHERE status = 'done';
CREATE INDEX tasks_by_contact ON tasks (tenant_id, contact_id);
CREATE INDEX tasks_by_organisation ON tasks (tenant_id, organisation_id);
CREATE INDEX tasks_reminders ON tasks (tenant_id, assignee_id, remind_at)
    WHERE status = 'open' AND reminder_dismissed_at IS NULL AND remind_at IS NOT NULL;

CREATE TABLE appointments (
    tenant_id       uuid NOT NULL REFERENCES tenants (tenant_id),
    appointment_id  uuid NOT NULL,
    -- Sealed under the appointment's own key.
    title_ct        bytea NOT NULL,
    location_ct     bytea,
    notes_ct        bytea,
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    all_day         boolean NOT NULL DEFAULT false,
    organisation_id uuid,
    created_by      uuid NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, appointment_id),
    CONSTRAINT appointments_ends_after_start CHECK (ends_at >= starts_at),
    CONSTRAINT appointments_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id),
    CONSTRAINT appointments_organisation_fkey FOREIGN KEY (tenant_id, organisation_id)
        REFERENCES organisations (tenant_id, organisation_id) ON DELETE SET NULL (organisation_id)
);
CREATE INDEX appointments_by_start ON appointments (tenant_id, starts_at, appointment_id);

-- Who takes part: employees (kind 0) and contacts (kind 1).
CREATE TABLE appointment_participants (
    tenant_id        uuid NOT NULL,
    appointment_id   uuid NOT NULL,
    participant_id   uuid NOT NULL,
    participant_kind smallint NOT NULL CHECK (participant_kind IN (0, 1)),
    PRIMARY KEY (tenant_id, appointment_id, participant_id),
    CONSTRAINT appointment_participants_appointment_fkey FOREIGN KEY (tenant_id, appointment_id)
        REFERENCES appointments (tenant_id, appointment_id) ON DELETE CASCADE
);
CREATE INDEX appointment_participants_by_participant ON appointment_participants (tenant_id, participant_id);

-- A user's calendar feed: the secret is in the URL, only its hash is stored.
CREATE TABLE calendar_feeds (
    tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id),
    token_hash bytea NOT NULL,
    user_id    uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (tenant_id, token_hash),
    CONSTRAINT calendar_feeds_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id)
);
CREATE INDEX calendar_feeds_by_user ON calendar_feeds (tenant_id, user_id);

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tasks
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE appointments ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON appointments
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE appointment_participants ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointment_participants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON appointment_participants
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE calendar_feeds ENABLE ROW LEVEL SECURITY;
ALTER TABLE calendar_feeds FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON calendar_feeds
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON tasks TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON appointments TO tessera_app;
GRANT SELECT, INSERT, DELETE ON appointment_participants TO tessera_app;
GRANT SELECT, INSERT, UPDATE ON calendar_feeds TO tessera_app;
