-- Guards on users (docs/security.md, "Rows a DBA cannot forge"): an HMAC over the
-- user's tenant, id, role and password hash under a key derived from the tenant's
-- key, which the database never holds. The server refuses a row without a genuine
-- guard; existing rows get theirs from `server keys guard-users`, once, by the
-- operator (never automatically, so a guard cleared behind the server's back stays
-- refused).
ALTER TABLE users ADD COLUMN guard bytea;
