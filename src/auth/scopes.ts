/**
 * Where an object sits in the access model. @requiresRole on a type's fields
 * takes its scope from the parent object through `parentScopes`; on a root
 * field it takes it from a global ID argument through `scopeOfId`.
 */
import type { Context } from '../context.js';
import type {
  AuditEventRow,
  EnvironmentEventRow,
  EnvironmentGenerationRow,
  EnvironmentRow,
  MachineClientRow,
  OrganizationMemberRow,
  OrganizationRow,
  PackageRow,
  PackageVersionRow,
} from '../db/schema.js';
import { badInput } from '../errors.js';
import { parseGlobalId } from '../graphql/global-id.js';

export interface Scope {
  organizationId: string;
}

export const parentScopes: Record<string, (parent: never) => Scope> = {
  Organization: (o: OrganizationRow) => ({ organizationId: o.id }),
  OrganizationMember: (m: OrganizationMemberRow) => ({ organizationId: m.organizationId }),
  MachineClient: (m: MachineClientRow) => ({ organizationId: m.organizationId }),
  AuditEvent: (e: AuditEventRow) => ({ organizationId: e.organizationId }),
  Environment: (e: EnvironmentRow) => ({ organizationId: e.organizationId }),
  EnvironmentGeneration: (g: EnvironmentGenerationRow) => ({ organizationId: g.organizationId }),
  EnvironmentEvent: (e: EnvironmentEventRow) => ({ organizationId: e.organizationId }),
  Package: (p: PackageRow) => ({ organizationId: p.organizationId }),
  PackageVersion: (v: PackageVersionRow) => ({ organizationId: v.organizationId }),
};

const rowOf = {
  MachineClient: (ctx: Context, id: string) => ctx.loaders.machineClientById.load(id),
  Environment: (ctx: Context, id: string) => ctx.loaders.environmentById.load(id),
  Package: (ctx: Context, id: string) => ctx.loaders.packageById.load(id),
};

/**
 * The scope of the object a global ID names, or null when no such object
 * exists (the caller answers NOT_FOUND, as for an object it may not see).
 */
export async function scopeOfId(ctx: Context, globalId: unknown, field: string): Promise<Scope | null> {
  const parsed = typeof globalId === 'string' ? parseGlobalId(globalId) : null;
  if (!parsed) throw badInput(`${field} is not a valid ID`, field);
  switch (parsed.type) {
    case 'Organization':
      return { organizationId: parsed.id };
    case 'MachineClient':
    case 'Environment':
    case 'Package': {
      const row = await rowOf[parsed.type](ctx, parsed.id);
      return row && { organizationId: row.organizationId };
    }
    default:
      throw badInput(`${field} must name an object inside an organization, not a ${parsed.type}`, field);
  }
}
