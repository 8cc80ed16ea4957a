-- Roles for the departments: sales, service and marketing beside owner, admin, DPO
-- and works council; "member" becomes read-mostly. Members so far could change every
-- record, as sales can now: they become sales, so nobody loses a right they had.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('owner', 'admin', 'sales', 'service', 'marketing', 'member', 'dpo', 'works_council'));
ALTER TABLE invitations DROP CONSTRAINT invitations_role_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_role_check
    CHECK (role IN ('owner', 'admin', 'sales', 'service', 'marketing', 'member', 'dpo', 'works_council'));
-- Across tenants, so row-level security is lifted for this transaction only (the
-- owner bypasses policies that are not forced).
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE invitations NO FORCE ROW LEVEL SECURITY;
UPDATE users SET role = 'sales' WHERE role = 'member';
UPDATE invitations SET role = 'sales' WHERE role = 'member' AND accepted_at IS NULL;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
