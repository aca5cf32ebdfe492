/**
 * The path beyond one Postgres (docs/deployment.md, "Beyond one Postgres"):
 * on Citus, tenant tables are distributed by organization_id, which wants
 * every primary key and every foreign key between tenant tables to include
 * it. Today's schema mostly does not; this test keeps the document's list of
 * what would have to change equal to what the schema actually is, so a new
 * table or a fixed key cannot leave the document behind.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();

const documented = /<!-- citus-gaps:start -->\n```text\n([\s\S]*?)```\n<!-- citus-gaps:end -->/.exec(
  readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8'),
)![1]!
  .split('\n')
  .filter((line) => line.trim() !== '');

const documentedReference = /Reference tables \(replicated to every node\): ([^.]+)\./.exec(readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8'))![1]!;

describe('the Citus mapping in docs/deployment.md', () => {
  it("lists exactly the tenant tables' keys that do not include the organization", async () => {
    const { rows } = (await t.server.orgraph.database.db.execute(sql`
      with tables as (
        select c.oid, c.relname,
          exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'organization_id' and not a.attisdropped) as tenant
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
      ), keys as (
        select t.relname, k.contype, pg_get_constraintdef(k.oid) as definition,
          exists (select 1 from unnest(k.conkey) col join pg_attribute a on a.attrelid = k.conrelid and a.attnum = col where a.attname = 'organization_id') as has_org,
          target.tenant as to_tenant, target.relname as target
        from pg_constraint k join tables t on t.oid = k.conrelid left join tables target on target.oid = k.confrelid
        where t.tenant and k.contype in ('p', 'f') and t.relname <> 'organizations'
      )
      select relname || ': ' || definition as gap from keys
      where not has_org and (contype = 'p' or (contype = 'f' and to_tenant))
      order by 1`)) as unknown as { rows: { gap: string }[] };
    expect(rows.map((r) => r.gap).sort()).toEqual([...documented].sort());
  });

  it('names as reference tables exactly the tables without an organization, but organizations itself', async () => {
    const { rows } = (await t.server.orgraph.database.db.execute(sql`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and c.relname <> 'organizations'
        and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'organization_id' and not a.attisdropped)
      order by 1`)) as unknown as { rows: { relname: string }[] };
    expect(rows.map((r) => `\`${r.relname}\``).join(', ')).toBe(documentedReference);
  });
});
