-- The owner's wider view of the log needs the DPO's and the works council's approval
-- (docs/audit.md, "Who sees what"). Until now the owner alone could switch
-- `admins_see_all` on. Now the owner asks, a DPO and a works council member approve
-- (each holding the role past its notice period, neither being the one who asked),
-- and only the second approval switches the view on. Anyone of the three roles
-- switches it off at once. These are rules of the database: the application role
-- cannot set the flag without both approvals.

ALTER TABLE audit_settings
    ADD COLUMN widening_requested_by  uuid,
    ADD COLUMN widening_requested_at  timestamptz,
    ADD COLUMN widening_dpo_approved_by uuid,
    ADD COLUMN widening_wc_approved_by  uuid;

CREATE FUNCTION audit_settings_wider_view() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
    AS $$
DECLARE
    was_on boolean := TG_OP = 'UPDATE' AND OLD.admins_see_all;
BEGIN
    IF app_is_operator() THEN
        RETURN NEW;
    END IF;
    -- A new request starts without approvals, stamped by the database.
    IF NEW.widening_requested_by IS NOT NULL
       AND (TG_OP = 'INSERT' OR OLD.widening_requested_by IS DISTINCT FROM NEW.widening_requested_by
            OR OLD.widening_requested_at IS DISTINCT FROM NEW.widening_requested_at) THEN
        IF NEW.widening_dpo_approved_by IS NOT NULL OR NEW.widening_wc_approved_by IS NOT NULL THEN
            RAISE EXCEPTION 'a request for the wider view starts unapproved'
                USING ERRCODE = 'check_violation';
        END IF;
        NEW.widening_requested_at := now();
    END IF;
    IF NEW.widening_dpo_approved_by IS NOT NULL
       AND (TG_OP = 'INSERT' OR OLD.widening_dpo_approved_by IS DISTINCT FROM NEW.widening_dpo_approved_by) THEN
        IF NEW.widening_requested_by IS NULL OR NEW.widening_dpo_approved_by = NEW.widening_requested_by
           OR NOT reviewer_role_in_force(NEW.tenant_id, NEW.widening_dpo_approved_by, 'dpo') THEN
            RAISE EXCEPTION 'the wider view is approved by a data protection officer of seven days'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF NEW.widening_wc_approved_by IS NOT NULL
       AND (TG_OP = 'INSERT' OR OLD.widening_wc_approved_by IS DISTINCT FROM NEW.widening_wc_approved_by) THEN
        IF NEW.widening_requested_by IS NULL OR NEW.widening_wc_approved_by = NEW.widening_requested_by
           OR NOT reviewer_role_in_force(NEW.tenant_id, NEW.widening_wc_approved_by, 'works_council') THEN
            RAISE EXCEPTION 'the wider view is approved by a works council member of seven days'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF NEW.admins_see_all AND NOT was_on THEN
        IF NEW.widening_dpo_approved_by IS NULL OR NEW.widening_wc_approved_by IS NULL
           OR NEW.widening_requested_at <= now() - reidentification_request_lifetime() THEN
            RAISE EXCEPTION 'the wider view needs the approval of the DPO and the works council'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_settings_wider_view BEFORE INSERT OR UPDATE ON audit_settings
    FOR EACH ROW EXECUTE FUNCTION audit_settings_wider_view();

-- Tenants that switched the view on alone keep it only until someone reviews: it is
-- switched off, and the owner asks again.
UPDATE audit_settings SET admins_see_all = false WHERE admins_see_all;
