-- Every committed write tells the Orgraph processes that something changed,
-- so their response caches never serve what a write has made stale. NOTIFY is
-- transactional (delivered on commit, dropped on rollback) and one per
-- transaction however many statements fire it; writes made outside Orgraph
-- (psql, scripts) are caught too. A table created by a later migration needs
-- its own trigger: a test checks that every table has one.
CREATE FUNCTION orgraph_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('orgraph_changes', '');
  RETURN NULL;
END
$$;--> statement-breakpoint
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format(
      'CREATE TRIGGER orgraph_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_change()',
      t.tablename
    );
  END LOOP;
END
$$;
