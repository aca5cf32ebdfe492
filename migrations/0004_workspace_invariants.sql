-- FlowX invariants, kept by the database itself so that every code path and
-- every server process sees them hold.

ALTER TABLE "projects" ADD CONSTRAINT "projects_active_build_id_builds_id_fk"
  FOREIGN KEY ("active_build_id") REFERENCES "public"."builds"("id") ON DELETE SET NULL;
--> statement-breakpoint
-- Every workspace has its "Everyone from <name>" group from its first moment.
CREATE FUNCTION orgraph_create_everyone_group() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO groups (organization_id, workspace_id, name, description, system)
  VALUES (NEW.organization_id, NEW.id, 'all_users_' || replace(NEW.slug, '-', '_'), 'Everyone from ' || NEW.name, true);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER workspaces_everyone_group
  AFTER INSERT ON workspaces
  FOR EACH ROW EXECUTE FUNCTION orgraph_create_everyone_group();
--> statement-breakpoint
-- The everyone group's members are exactly the workspace's members (users
-- with a workspace role of their own), in the same transaction as the change.
-- Leaving the workspace also means leaving its other groups.
CREATE FUNCTION orgraph_sync_everyone_group() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.user_id IS NOT NULL THEN
    INSERT INTO group_members (group_id, user_id, organization_id, workspace_id)
    SELECT g.id, NEW.user_id, NEW.organization_id, NEW.workspace_id
    FROM groups g WHERE g.workspace_id = NEW.workspace_id AND g.system
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'DELETE' AND OLD.user_id IS NOT NULL THEN
    DELETE FROM group_members WHERE workspace_id = OLD.workspace_id AND user_id = OLD.user_id;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER workspace_roles_sync_everyone_group
  AFTER INSERT OR DELETE ON workspace_roles
  FOR EACH ROW EXECUTE FUNCTION orgraph_sync_everyone_group();
--> statement-breakpoint
-- The everyone group is never deleted by hand (only with its workspace).
CREATE FUNCTION orgraph_keep_everyone_group() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.system AND pg_trigger_depth() <= 1 THEN
    RAISE EXCEPTION 'the everyone group of a workspace cannot be deleted' USING ERRCODE = 'OG004';
  END IF;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER groups_keep_everyone_group
  BEFORE DELETE ON groups
  FOR EACH ROW EXECUTE FUNCTION orgraph_keep_everyone_group();
--> statement-breakpoint
-- Exactly one project owner: the partial unique index forbids a second one,
-- and this deferred check forbids none at commit.
CREATE FUNCTION orgraph_assert_project_has_owner() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  project uuid;
BEGIN
  -- NEW and OLD have different columns on the two tables this guards.
  IF TG_TABLE_NAME = 'projects' THEN
    project := NEW.id;
  ELSE
    project := OLD.project_id;
  END IF;
  IF EXISTS (SELECT 1 FROM projects WHERE id = project)
     AND NOT EXISTS (SELECT 1 FROM project_grants WHERE project_id = project AND role = 'PROJECT_OWNER') THEN
    RAISE EXCEPTION 'project % would have no owner', project USING ERRCODE = 'OG003';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER project_grants_keep_an_owner
  AFTER UPDATE OR DELETE ON project_grants
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION orgraph_assert_project_has_owner();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER projects_start_with_an_owner
  AFTER INSERT ON projects
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION orgraph_assert_project_has_owner();
