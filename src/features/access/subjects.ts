/** Who an explanation is about, and the names a sentence about it uses. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Scope } from '../../access/scopes.js';
import type { Db } from '../../db/client.js';
import { groups, machineClients, organizations, projects, users, workspaces, type OrganizationRole } from '../../db/schema.js';
import { badInput } from '../../errors.js';
import { parseGlobalId } from '../../lib/global-id.js';

export type Subject =
  | { kind: 'user'; userId: string; label: string }
  | { kind: 'machine'; machineClientId: string; organizationId: string; role: OrganizationRole; active: boolean; label: string };

/** The user or machine client a global ID names, or null when there is none. */
export async function principalRowOf(db: Db, principalId: string): Promise<Subject | null> {
  const parsed = parseGlobalId(principalId);
  if (parsed?.type === 'User') {
    const [user] = await db.select().from(users).where(eq(users.id, parsed.id));
    return user ? { kind: 'user', userId: user.id, label: user.name ?? user.email ?? user.subject } : null;
  }
  if (parsed?.type === 'MachineClient') {
    const [client] = await db.select().from(machineClients).where(eq(machineClients.id, parsed.id));
    return client
      ? { kind: 'machine', machineClientId: client.id, organizationId: client.organizationId, role: client.role, active: client.revokedAt === null, label: `machine client ${client.clientId}` }
      : null;
  }
  throw badInput('principalId must name a User or a MachineClient', 'principalId');
}

export interface ScopeNames {
  organization: string;
  workspace?: string;
  project?: string;
}

/** The slugs of a scope's organization, workspace and project, in one statement. */
export async function scopeNamesOf(db: Db, scope: Scope): Promise<ScopeNames> {
  const [row] = await db
    .select({ organization: organizations.slug, workspace: workspaces.slug, project: projects.slug })
    .from(organizations)
    .leftJoin(workspaces, and(eq(workspaces.organizationId, organizations.id), eq(workspaces.id, scope.workspaceId ?? organizations.id)))
    .leftJoin(projects, and(eq(projects.organizationId, organizations.id), eq(projects.id, scope.projectId ?? organizations.id)))
    .where(eq(organizations.id, scope.organizationId));
  return { organization: row?.organization ?? '?', ...(row?.workspace ? { workspace: row.workspace } : {}), ...(row?.project ? { project: row.project } : {}) };
}

/** Group names by id, for sentences about the roles they carry. */
export async function groupNamesOf(db: Db, organizationId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(and(eq(groups.organizationId, organizationId), inArray(groups.id, [...ids])));
  return new Map(rows.map((r) => [r.id, r.name]));
}
