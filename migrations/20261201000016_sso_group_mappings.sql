-- Provider groups that decide a person's role or team membership at each sign-in:
-- one `group = role` or `group = team:<name>` per line, as the team page edits them.
ALTER TABLE sso_providers ADD COLUMN group_mappings text NOT NULL DEFAULT '';
