/**
 * Row-level security over Orgraph's own tables, as a PostGraphile user would
 * write it for the benchmark's queries: an organization, its members,
 * machine clients, environments and generations are visible to its members
 * (by the token's `sub`) and to its machine clients (by `azp`); a user row to
 * the members of an organization it belongs to, and to itself.
 *
 * Enabled, not forced: the table owner (Orgraph's own role) bypasses the
 * policies, so the Orgraph processes sharing the database are unaffected.
 * The policies name only the peer's role.
 */

/** Readable by the peer's role; PostGraphile (ignoreRBAC off) exposes these tables alone. */
export const PEER_TABLES = ['organizations', 'organization_members', 'users', 'machine_clients', 'environments', 'environment_generations'] as const;

const TENANT_TABLES = ['organization_members', 'machine_clients', 'environments', 'environment_generations'] as const;

/**
 * Wrapped in a scalar subquery, so that Postgres computes it once per statement rather than once per
 * row; the cast makes `= any (...)` read it as an array, not as a subquery of rows.
 */
const VISIBLE = '(select bench_rls.visible_organization_ids())::uuid[]';

export function policyStatements(role: string): string[] {
  return [
    // A schema of its own, so that PostGraphile (which exposes `public`) does not publish the helper.
    'create schema bench_rls',
    // Security definer: it reads memberships as the table owner, so the policies on those tables
    // do not recurse into themselves. A machine token's `sub` is `<client id>@clients`; requiring it
    // keeps a user token whose `azp` happens to name a client from passing as that client.
    `create function bench_rls.visible_organization_ids() returns uuid[]
       language sql stable security definer set search_path = public, pg_temp as $$
         select coalesce(array_agg(organization_id), '{}') from (
           select m.organization_id from organization_members m join users u on u.id = m.user_id
            where u.subject = current_setting('jwt.claims.sub', true)
           union all
           select c.organization_id from machine_clients c
            where c.client_id = current_setting('jwt.claims.azp', true)
              and current_setting('jwt.claims.sub', true) = c.client_id || '@clients'
              and c.revoked_at is null
         ) visible
       $$`,
    `grant usage on schema bench_rls to ${role}`,
    `grant execute on function bench_rls.visible_organization_ids() to ${role}`,
    ...PEER_TABLES.flatMap((table) => [`grant select on ${table} to ${role}`, `alter table ${table} enable row level security`]),
    `create policy bench_peer_read on organizations for select to ${role} using (id = any (${VISIBLE}))`,
    ...TENANT_TABLES.map((table) => `create policy bench_peer_read on ${table} for select to ${role} using (organization_id = any (${VISIBLE}))`),
    `create policy bench_peer_read on users for select to ${role} using (
       subject = current_setting('jwt.claims.sub', true)
       or exists (select 1 from organization_members m where m.user_id = users.id and m.organization_id = any (${VISIBLE})))`,
  ];
}
