-- Mutations' Idempotency-Key records (src/db/tables/idempotency.ts), then the
-- change feed by tenant, which watches every table, this one included.
CREATE TABLE "idempotency_keys" (
	"principal" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"organization_id" uuid,
	"response" json,
	"status" integer,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp (3) with time zone,
	CONSTRAINT "idempotency_keys_principal_key_pk" PRIMARY KEY("principal","key")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
-- Every committed write now says what it touched, so that caches drop only
-- what depended on it (src/cache/change-feed.ts): the notification's payload
-- is space-separated tags, `o:<organization id>` for each organization whose
-- rows changed and `u:<user id>` for each user named by a changed row, or `*`
-- for everything. A statement that changed no row notifies nothing. The same
-- tags are collected for the transaction in the setting `orgraph.touched`, so
-- the process that commits knows at once what its own write touched.
--
-- - a tenant table (with organization_id): its organizations, and the users
--   of a user_id column (a membership changes that user's roles);
-- - organizations: the organization itself; a changed external_id moves
--   org_id narrowing, whoever's token names it: everything;
-- - users: the user, and the organizations it is a member of (their member
--   lists show its profile). A first sign-in touches only the new user;
-- - TRUNCATE, or a table that names neither: everything.
--
-- A table created by a later migration calls orgraph_watch_table('<table>').
CREATE OR REPLACE FUNCTION orgraph_record_touched(touched text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- NOTIFY's payload is limited (8000 bytes): a write that wide is everything.
  IF length(touched) > 7000 THEN
    touched := '*';
  END IF;
  PERFORM pg_notify('orgraph_changes', touched);
  PERFORM set_config('orgraph.touched', concat_ws(' ', nullif(current_setting('orgraph.touched', true), ''), touched), true);
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION orgraph_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM orgraph_record_touched('*');
  RETURN NULL;
END
$$;--> statement-breakpoint
-- Statement-level, over the transition tables; dynamic SQL because the same
-- function serves every table and operation (an INSERT has no old_rows).
CREATE FUNCTION orgraph_notify_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_rows text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
    ELSE 'SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows'
  END;
  organization_column text := TG_ARGV[0];
  user_column text := TG_ARGV[1];
  organizations_touched text;
  users_touched text;
  moved boolean := false;
  only_seen boolean := false;
BEGIN
  -- Recording when a principal was last seen (migration 0008) changes nothing a cache keeps.
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME IN ('users', 'machine_clients') THEN
    EXECUTE 'SELECT NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n USING (id) WHERE (to_jsonb(o) - ''last_seen_at'') IS DISTINCT FROM (to_jsonb(n) - ''last_seen_at''))'
      INTO only_seen;
    IF only_seen THEN
      RETURN NULL;
    END IF;
  END IF;
  IF organization_column = '' AND user_column = '' THEN
    PERFORM orgraph_record_touched('*');
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'organizations' AND TG_OP = 'UPDATE' THEN
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n USING (id) WHERE o.external_id IS DISTINCT FROM n.external_id)' INTO moved;
    IF moved THEN
      PERFORM orgraph_record_touched('*');
      RETURN NULL;
    END IF;
  END IF;
  IF organization_column <> '' THEN
    EXECUTE format('SELECT string_agg(DISTINCT ''o:'' || r.%I, '' '') FROM (%s) r WHERE r.%I IS NOT NULL', organization_column, changed_rows, organization_column)
      INTO organizations_touched;
  ELSIF TG_TABLE_NAME = 'users' THEN
    EXECUTE format('SELECT string_agg(DISTINCT ''o:'' || m.organization_id, '' '') FROM organization_members m WHERE m.user_id IN (SELECT r.id FROM (%s) r)', changed_rows)
      INTO organizations_touched;
  END IF;
  IF user_column <> '' THEN
    EXECUTE format('SELECT string_agg(DISTINCT ''u:'' || r.%I, '' '') FROM (%s) r WHERE r.%I IS NOT NULL', user_column, changed_rows, user_column)
      INTO users_touched;
  END IF;
  IF concat_ws(' ', organizations_touched, users_touched) <> '' THEN
    PERFORM orgraph_record_touched(concat_ws(' ', organizations_touched, users_touched));
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE FUNCTION orgraph_watch_table(target regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  name text := (SELECT relname FROM pg_class WHERE oid = target);
  has_organization boolean := EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = target AND attname = 'organization_id' AND NOT attisdropped);
  has_user boolean := EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = target AND attname = 'user_id' AND NOT attisdropped);
  organization_column text := CASE WHEN has_organization THEN 'organization_id' WHEN name = 'organizations' THEN 'id' ELSE '' END;
  user_column text := CASE WHEN has_user THEN 'user_id' WHEN name = 'users' THEN 'id' ELSE '' END;
BEGIN
  EXECUTE format('DROP TRIGGER IF EXISTS orgraph_notify_change ON %s', target);
  EXECUTE format('CREATE TRIGGER orgraph_notify_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_rows(%L, %L)', target, organization_column, user_column);
  EXECUTE format('CREATE TRIGGER orgraph_notify_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_rows(%L, %L)', target, organization_column, user_column);
  EXECUTE format('CREATE TRIGGER orgraph_notify_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_rows(%L, %L)', target, organization_column, user_column);
  EXECUTE format('CREATE TRIGGER orgraph_notify_truncate AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_change()', target);
END
$$;--> statement-breakpoint
-- The row triggers of migration 0008 give way to the tables' new triggers, which know last_seen_at.
DROP TRIGGER orgraph_notify_change_update ON users;--> statement-breakpoint
DROP TRIGGER orgraph_notify_change_update ON machine_clients;--> statement-breakpoint
DROP FUNCTION orgraph_notify_change_unless_seen();--> statement-breakpoint
SELECT orgraph_watch_table(format('%I', tablename)::regclass) FROM pg_tables WHERE schemaname = 'public';
