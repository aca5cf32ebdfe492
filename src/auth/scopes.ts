/**
 * Where each object sits in the access model. @requiresRole on a type's
 * fields takes its scope from the parent object through `parentScopes`; on a
 * root field it takes it from a global ID argument through `scopeOfId`.
 */
import type { Context } from '../context.js';
import type { OrganizationRow, ProjectRow, WorkspaceRow } from '../db/schema.js';
import { badInput } from '../errors.js';
import { parseGlobalId } from '../graphql/global-id.js';
import type { Scope } from './scope.js';

/** A row that carries its tenant columns (organization, and workspace and project where it lives in one). */
interface Placed {
  organizationId: string;
  workspaceId?: string | null;
  projectId?: string | null;
}

/** A row with its tenant columns is its own scope: checks run for every object of a response, so none allocates. */
const placed = (row: Placed): Scope => row;

export const parentScopes: Record<string, (parent: never) => Scope> = {
  Organization: (o: OrganizationRow) => ({ organizationId: o.id }),
  Workspace: (w: WorkspaceRow) => ({ organizationId: w.organizationId, workspaceId: w.id }),
  Project: (p: ProjectRow) => ({ organizationId: p.organizationId, workspaceId: p.workspaceId, projectId: p.id }),
  // Audit events of a project are read by the workspace's admins; the project itself does not narrow them.
  AuditEvent: (e: Placed) => ({ organizationId: e.organizationId, workspaceId: e.workspaceId }),
  ...Object.fromEntries(
    [
      'OrganizationMember',
      'MachineClient',
      'Environment',
      'EnvironmentGeneration',
      'EnvironmentEvent',
      'Package',
      'PackageVersion',
      'WorkspaceMember',
      'Group',
      'Theme',
      'Font',
      'ProjectGrant',
      'Process',
      'Template',
      'Integration',
      'ConfigParameter',
      'Build',
      'ProcessInstance',
      'ProcessOperation',
    ].map((type) => [type, placed]),
  ),
};

/** Each type's objects by id, those the principal can see only (visibility.ts): an invisible object is no object. */
export const visibleRowOf = {
  MachineClient: (ctx: Context, id: string) => ctx.loaders.visibleMachineClientById.load(id),
  Environment: (ctx: Context, id: string) => ctx.loaders.visibleEnvironmentById.load(id),
  Package: (ctx: Context, id: string) => ctx.loaders.visiblePackageById.load(id),
  Workspace: (ctx: Context, id: string) => ctx.loaders.visibleWorkspaceById.load(id),
  Project: (ctx: Context, id: string) => ctx.loaders.visibleProjectById.load(id),
  Group: (ctx: Context, id: string) => ctx.loaders.visibleGroupById.load(id),
  Build: (ctx: Context, id: string) => ctx.loaders.visibleBuildById.load(id),
  ProcessInstance: (ctx: Context, id: string) => ctx.loaders.visibleProcessInstanceById.load(id),
} satisfies Record<string, (ctx: Context, id: string) => Promise<object | null>>;

/**
 * The scope of the object a global ID names, or null when the principal
 * cannot see it or it does not exist: the caller answers NOT_FOUND to both,
 * after the same work (one look-up through the principal's visibility, none
 * for an organization, whose visibility comes with the principal).
 */
export async function scopeOfId(ctx: Context, globalId: unknown, field: string): Promise<Scope | null> {
  const parsed = typeof globalId === 'string' ? parseGlobalId(globalId) : null;
  if (!parsed) throw badInput(`${field} is not a valid ID`, field);
  if (parsed.type === 'Organization') return ctx.access.organizationRole(parsed.id) === null ? null : { organizationId: parsed.id };
  if (!(parsed.type in visibleRowOf)) throw badInput(`${field} must name an object inside an organization, not a ${parsed.type}`, field);
  const row = await visibleRowOf[parsed.type as keyof typeof visibleRowOf](ctx, parsed.id);
  return row && parentScopes[parsed.type]!(row as never);
}
