-- Four-eyes re-identification as rules of the database (docs/audit.md,
-- "Re-identification"). Until now only "approver <> requester" was one; role pairing
-- and expiry were application code, and the application role could update a request
-- freely. An owner could invite an alias as works council, make themselves DPO, and
-- request and approve alone.
--
-- Now:
-- * a reviewer role (dpo, works_council) counts for re-identification only once it
--   has been held for seven days (`users.role_since`, kept by the database), so a
--   role given to an alias is visible to the real DPO and works council for a week
--   before it can be used;
-- * every change into or out of a reviewer role is recorded by the database in
--   `reviewer_role_changes`, which both reviewer roles see on their review page;
-- * a request must come from a holder of the role it names, may be approved once,
--   by a holder of the other role, within seven days; the approval lasts 24 hours.
--   Nothing else of a request can be changed.
-- Only an operator may set the dates: a superuser or the schema's owner (a DBA with
-- write access, whom docs/security.md does not claim to stop; a production server
-- never holds the owner's rights). The demo seed and the test suite use this.

ALTER TABLE users ADD COLUMN role_since timestamptz;
UPDATE users SET role_since = created_at;
ALTER TABLE users ALTER COLUMN role_since SET NOT NULL,
                  ALTER COLUMN role_since SET DEFAULT now();

CREATE FUNCTION app_is_operator() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
            OR current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.users'::regclass)
    $$;

CREATE TABLE reviewer_role_changes (
    tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id),
    change_seq bigint GENERATED ALWAYS AS IDENTITY,
    user_id    uuid NOT NULL,
    -- NULL: the account was created with, or removed while holding, the new role.
    old_role   text,
    new_role   text,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, change_seq)
);
CREATE INDEX reviewer_role_changes_recent ON reviewer_role_changes (tenant_id, changed_at);

ALTER TABLE reviewer_role_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE reviewer_role_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reviewer_role_changes
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
-- Appended by the trigger below (which runs as the caller); never changed or removed.
GRANT SELECT, INSERT ON reviewer_role_changes TO tessera_app;

CREATE FUNCTION users_reviewer_roles() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
    AS $$
DECLARE
    reviewer constant text[] := ARRAY['dpo', 'works_council'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.role = ANY (reviewer) THEN
            INSERT INTO reviewer_role_changes (tenant_id, user_id, old_role, new_role)
            VALUES (OLD.tenant_id, OLD.user_id, OLD.role, NULL);
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NOT app_is_operator() THEN
            NEW.role_since := now();
        END IF;
        IF NEW.role = ANY (reviewer) THEN
            INSERT INTO reviewer_role_changes (tenant_id, user_id, old_role, new_role)
            VALUES (NEW.tenant_id, NEW.user_id, NULL, NEW.role);
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.role IS DISTINCT FROM OLD.role THEN
        NEW.role_since := now();
        IF NEW.role = ANY (reviewer) OR OLD.role = ANY (reviewer) THEN
            INSERT INTO reviewer_role_changes (tenant_id, user_id, old_role, new_role)
            VALUES (NEW.tenant_id, NEW.user_id, OLD.role, NEW.role);
        END IF;
    ELSIF NEW.role_since IS DISTINCT FROM OLD.role_since AND NOT app_is_operator() THEN
        RAISE EXCEPTION 'users.role_since is kept by the database'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER users_reviewer_roles_row BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_reviewer_roles();
CREATE TRIGGER users_reviewer_roles_removed AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION users_reviewer_roles();

-- How long a reviewer role must be held before it counts for re-identification, and
-- how long a request waits for its approval.
CREATE FUNCTION reviewer_notice() RETURNS interval
    LANGUAGE sql IMMUTABLE AS $$ SELECT interval '7 days' $$;
CREATE FUNCTION reidentification_request_lifetime() RETURNS interval
    LANGUAGE sql IMMUTABLE AS $$ SELECT interval '7 days' $$;

-- The role whose holders approve a request of `role`.
CREATE FUNCTION reidentification_counterpart(role text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE role WHEN 'dpo' THEN 'works_council' WHEN 'works_council' THEN 'dpo' END $$;

-- True when `user_id` holds `role` and has held it for the notice period.
CREATE FUNCTION reviewer_role_in_force(tenant uuid, user_id uuid, role text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = public, pg_temp
    AS $$
        SELECT EXISTS (
            SELECT 1 FROM users u
            WHERE u.tenant_id = tenant AND u.user_id = reviewer_role_in_force.user_id
              AND u.role = reviewer_role_in_force.role
              AND u.role_since <= now() - reviewer_notice())
    $$;

CREATE FUNCTION reidentification_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
    AS $$
BEGIN
    IF app_is_operator() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        IF NEW.approved_by IS NOT NULL OR NEW.approved_at IS NOT NULL OR NEW.expires_at IS NOT NULL THEN
            RAISE EXCEPTION 'a re-identification request starts unapproved'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NOT reviewer_role_in_force(NEW.tenant_id, NEW.requested_by, NEW.requested_role) THEN
            RAISE EXCEPTION 'the requester does not hold % for seven days', NEW.requested_role
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.tenant_id, NEW.request_id, NEW.pseudonym, NEW.requested_by, NEW.requested_role, NEW.reason, NEW.created_at)
        IS DISTINCT FROM
       (OLD.tenant_id, OLD.request_id, OLD.pseudonym, OLD.requested_by, OLD.requested_role, OLD.reason, OLD.created_at) THEN
        RAISE EXCEPTION 'a re-identification request is only ever approved'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.approved_by IS NOT NULL OR NEW.approved_by IS NULL THEN
        RAISE EXCEPTION 'a re-identification request is approved once'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.created_at <= now() - reidentification_request_lifetime() THEN
        RAISE EXCEPTION 'the re-identification request has expired unapproved'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT reviewer_role_in_force(OLD.tenant_id, OLD.requested_by, OLD.requested_role)
       OR NOT reviewer_role_in_force(OLD.tenant_id, NEW.approved_by, reidentification_counterpart(OLD.requested_role)) THEN
        RAISE EXCEPTION 'approval needs the other reviewer role, held for seven days'
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.approved_at := now();
    NEW.expires_at := now() + interval '24 hours';
    RETURN NEW;
END
$$;
CREATE TRIGGER reidentification_rules BEFORE INSERT OR UPDATE ON reidentification_requests
    FOR EACH ROW EXECUTE FUNCTION reidentification_rules();
