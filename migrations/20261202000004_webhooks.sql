-- Webhooks: a workspace's subscriptions to events, and a durable outbox of
-- deliveries (each worked by a job, so retries survive restarts) with a log of
-- every attempt. A subscription's signing secret is sealed under the workspace's
-- own subject key; so is every payload, which may hold personal data when the
-- subscription asked for it.
CREATE TABLE webhooks (
    tenant_id            uuid NOT NULL,
    webhook_id           uuid NOT NULL,
    url                  text NOT NULL,
    events               text[] NOT NULL,
    with_personal_data   boolean NOT NULL DEFAULT false,
    secret_ct            bytea NOT NULL,
    -- The secret replaced by a rotation signs too until then, so receivers can switch.
    previous_secret_ct   bytea,
    previous_until       timestamptz,
    enabled              boolean NOT NULL DEFAULT true,
    -- Attempts that failed in a row, over all deliveries; a success resets it.
    failures_in_a_row    integer NOT NULL DEFAULT 0,
    disabled_at          timestamptz,
    created_by           uuid NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, webhook_id)
);

CREATE TABLE webhook_deliveries (
    tenant_id     uuid NOT NULL,
    delivery_id   uuid NOT NULL,
    webhook_id    uuid NOT NULL,
    event         text NOT NULL,
    record_id     uuid NOT NULL,
    -- Sealed under the record's own key when it carries the record's data (erasing
    -- the record makes it unreadable), else under the workspace's.
    payload_ct    bytea NOT NULL,
    with_data     boolean NOT NULL,
    -- pending (queued or retrying), delivered, failed (out of attempts or disabled)
    state         text NOT NULL DEFAULT 'pending',
    attempts      integer NOT NULL DEFAULT 0,
    job_id        uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    PRIMARY KEY (tenant_id, delivery_id),
    CONSTRAINT webhook_deliveries_webhook_fkey FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, webhook_id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (tenant_id, webhook_id, created_at DESC);

CREATE TABLE webhook_attempts (
    tenant_id     uuid NOT NULL,
    delivery_id   uuid NOT NULL,
    attempt       integer NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    -- The receiver's HTTP status, or none when it could not be reached.
    status_code   integer,
    -- A code (timeout, connect, status), never the receiver's text.
    error         text,
    duration_ms   integer NOT NULL,
    PRIMARY KEY (tenant_id, delivery_id, attempt),
    CONSTRAINT webhook_attempts_delivery_fkey FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, delivery_id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['webhooks', 'webhook_deliveries', 'webhook_attempts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO tessera_app', t);
    END LOOP;
END $$;
