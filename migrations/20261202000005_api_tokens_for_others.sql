-- An owner or administrator may make a token for another user, e.g. an integration
-- user. Such a token does only what both its user and its creator may, at every
-- request; it goes with either of them.
ALTER TABLE api_tokens ADD COLUMN created_by uuid;
UPDATE api_tokens SET created_by = user_id;
ALTER TABLE api_tokens ALTER COLUMN created_by SET NOT NULL;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_creator_fkey
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE;
CREATE INDEX api_tokens_creator ON api_tokens (tenant_id, created_by);
