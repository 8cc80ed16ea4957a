-- Governed mail capture: the workspace's own domains (mail among them is never
-- kept) and the works council's sign-off of the policy, which any change withdraws.
ALTER TABLE capture_policies
    ADD COLUMN own_domains text[] NOT NULL DEFAULT '{}',
    ADD COLUMN agreed_by uuid,
    ADD COLUMN agreed_at timestamptz,
    ADD CONSTRAINT capture_policies_agreed_by_fkey FOREIGN KEY (tenant_id, agreed_by) REFERENCES users (tenant_id, user_id);
ALTER TABLE capture_policies DROP COLUMN works_council_agreed;

-- The next sync of a mailbox is one job; a mailbox has at most one waiting.
ALTER TABLE mailboxes ADD COLUMN job_id uuid,
    ADD COLUMN imported bigint NOT NULL DEFAULT 0;
-- One connected mailbox per employee and account.
CREATE UNIQUE INDEX mailboxes_one_per_user ON mailboxes (tenant_id, user_id);
