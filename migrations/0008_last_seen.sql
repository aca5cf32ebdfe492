ALTER TABLE "machine_clients" ADD COLUMN "last_seen_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "last_seen_at" timestamp (3) with time zone;--> statement-breakpoint
-- Recording when a principal was last seen changes nothing a cache keeps, so
-- those writes (one per principal every few minutes, on every instance) must
-- not empty every cache: on the two tables that carry last_seen_at, an update
-- is heard only when it changes another column.
CREATE FUNCTION orgraph_notify_change_unless_seen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(OLD) - 'last_seen_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_seen_at') THEN
    PERFORM pg_notify('orgraph_changes', '');
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
DROP TRIGGER orgraph_notify_change ON users;--> statement-breakpoint
CREATE TRIGGER orgraph_notify_change AFTER INSERT OR DELETE OR TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_change();--> statement-breakpoint
CREATE TRIGGER orgraph_notify_change_update AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION orgraph_notify_change_unless_seen();--> statement-breakpoint
DROP TRIGGER orgraph_notify_change ON machine_clients;--> statement-breakpoint
CREATE TRIGGER orgraph_notify_change AFTER INSERT OR DELETE OR TRUNCATE ON machine_clients FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_change();--> statement-breakpoint
CREATE TRIGGER orgraph_notify_change_update AFTER UPDATE ON machine_clients FOR EACH ROW EXECUTE FUNCTION orgraph_notify_change_unless_seen();
