-- Invariants the database enforces itself, so that no code path (and no
-- second server process) can break them.

-- An organization keeps at least one owner. Deferred to commit, so a single
-- transaction may reshuffle roles as long as it ends with an owner.
CREATE FUNCTION orgraph_assert_org_has_owner() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM organizations WHERE id = OLD.organization_id)
     AND NOT EXISTS (
       SELECT 1 FROM organization_members
       WHERE organization_id = OLD.organization_id AND role = 'OWNER'
     ) THEN
    RAISE EXCEPTION 'organization % would have no owner', OLD.organization_id
      USING ERRCODE = 'OG001';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER organization_members_keep_an_owner
  AFTER UPDATE OR DELETE ON organization_members
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION orgraph_assert_org_has_owner();
--> statement-breakpoint
-- The audit log is append-only: nobody edits or deletes audit events.
CREATE FUNCTION orgraph_reject_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'OG002';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION orgraph_reject_audit_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION orgraph_reject_audit_change();
