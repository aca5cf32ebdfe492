/**
 * Access reviews: every principal with any access in an organization or a
 * workspace, each with all its grants and when it was last seen. A page
 * costs a fixed number of statements (the page, the page's grants, the
 * slugs they name; the principals and groups through the batched loaders),
 * however many principals it holds.
 */
import type { Scope } from '../../access/scopes.js';
import { toConnection, readPage, type PageArgs, type SortKey } from '../../lib/connection.js';
import type { MachineClientRow, OrganizationRole } from '../../db/schema.js';
import type { Context } from '../context.js';
import type { Grant } from './explanation.js';
import { grantsOfUsers, slugsOf, type GrantRow } from './grant-queries.js';
import { grantOf, machineGrant, ownerGrantsIn, scopeRowOf } from './grants.js';
import { isReviewKey, organizationPrincipals, reviewKeyOf, workspacePrincipals, type ReviewedPrincipal } from './review-queries.js';

export interface ReviewEntry {
  principal: ReviewedPrincipal;
  grants: (Omit<Grant, 'scope'> & { scope: ReturnType<typeof scopeRowOf> })[];
  lastSeenAt: Date | null;
}

export async function reviewOrganization(ctx: Context, organization: { id: string }, args: PageArgs) {
  const page = readPage<SortKey>(args, isReviewKey);
  const principals = await organizationPrincipals(ctx.db, organization.id, page);
  const machines = await machinesOf(ctx, principals);
  return toConnection(await entriesOf(ctx, { organizationId: organization.id }, principals, machines), page, (e) => reviewKeyOf(e.principal));
}

export async function reviewWorkspace(ctx: Context, workspace: { id: string; organizationId: string }, args: PageArgs) {
  const page = readPage<SortKey>(args, isReviewKey);
  const principals = await workspacePrincipals(ctx.db, workspace.organizationId, workspace.id, page);
  const scope = { organizationId: workspace.organizationId, workspaceId: workspace.id };
  return toConnection(await entriesOf(ctx, scope, principals, new Map()), page, (e) => reviewKeyOf(e.principal));
}

async function machinesOf(ctx: Context, principals: ReviewedPrincipal[]): Promise<Map<string, MachineClientRow>> {
  const rows = await Promise.all(
    principals.filter((p) => p.kind === 'machine').map((p) => ctx.loaders.machineClientById.load({ id: p.id, organizationId: p.organizationId })),
  );
  return new Map(rows.map((row) => [row.id, row]));
}

async function entriesOf(
  ctx: Context,
  scope: Scope,
  principals: ReviewedPrincipal[],
  machines: Map<string, MachineClientRow>,
): Promise<ReviewEntry[]> {
  const userIds = principals.filter((p) => p.kind === 'user').map((p) => p.id);
  const rows = userIds.length === 0 ? [] : await grantsOfUsers(ctx.db, { organizationId: scope.organizationId, userIds, ...(scope.workspaceId ? { workspaceId: scope.workspaceId } : {}) });
  const byUser = new Map<string, GrantRow[]>();
  for (const row of rows) {
    const held = byUser.get(row.userId);
    if (held) held.push(row);
    else byUser.set(row.userId, [row]);
  }
  const grantsOf = (p: ReviewedPrincipal): Grant[] => {
    if (p.kind === 'machine') return [machineGrant(scope.organizationId, machines.get(p.id)!.role as OrganizationRole)];
    const own = byUser.get(p.id) ?? [];
    // In a workspace the owners' roles inside are said once, for the workspace; in an organization, OWNER says it.
    return [...own.map((r) => grantOf(scope.organizationId, r)), ...(scope.workspaceId ? ownerGrantsIn(own, scope) : [])];
  };
  const grants = principals.map(grantsOf);
  const named = grants.flat().map((g) => g.scope);
  const slugs = await slugsOf(
    ctx.db,
    scope.organizationId,
    [...new Set(named.flatMap((s) => (s.workspaceId && !s.projectId ? [s.workspaceId] : [])))],
    [...new Set(named.flatMap((s) => (s.projectId ? [s.projectId] : [])))],
  );
  return principals.map((principal, i) => ({
    principal,
    lastSeenAt: principal.lastSeenAt,
    grants: grants[i]!.map((g) => ({ ...g, scope: scopeRowOf(g.scope, (id) => slugs.get(id)) })),
  }));
}
