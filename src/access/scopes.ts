/**
 * Where objects sit in the access model: organization > workspace > project.
 * Each feature declares its object types (`ObjectType`): how an object
 * gives its scope, and, for types that global IDs name, how to find one the
 * principal can see. @requiresRole on a type's fields takes its scope from
 * the parent object; on a root field, from the object a global ID argument
 * names (`scopeOfId`).
 */
import { badInput } from '../errors.js';
import { parseGlobalId } from '../lib/global-id.js';
import type { ScopeLevel } from './roles.js';

export interface Scope {
  organizationId: string;
  workspaceId?: string | null | undefined;
  projectId?: string | null | undefined;
}

export const levelOf = (scope: Scope): ScopeLevel => (scope.projectId ? 'project' : scope.workspaceId ? 'workspace' : 'organization');

/** A scope cut to a level (a rule with `at:` is decided there, whatever lower scope its object sits in). */
export function atLevel(scope: Scope, level: ScopeLevel | null): Scope {
  if (level === null || level === 'project') return scope;
  return level === 'workspace' ? { organizationId: scope.organizationId, workspaceId: scope.workspaceId } : { organizationId: scope.organizationId };
}

/** A row that carries its tenant columns (organization, and workspace and project where it lives in one). */
export interface Placed {
  organizationId: string;
  workspaceId?: string | null;
  projectId?: string | null;
}

/** A row with its tenant columns is its own scope: checks run for every object of a response, so none allocates. */
export const placed = (row: Placed): Scope => row;

/** What the access engine knows of one object type, as its feature declares it (C: the request context). */
export interface ObjectType<C> {
  /** Where an object of the type sits; absent for types outside every organization (users). */
  scopeOf?: (row: never) => Scope;
  /** The object with this row id, if the principal can see it. A type with it is a Node: global IDs name it, node(id:) finds it. */
  visibleById?: (ctx: C, id: string) => Promise<object | null>;
  /** Where an object sits, from its id alone, when the principal's own roles tell (an organization): no look-up at all. */
  visibleScopeById?: (ctx: C, id: string) => Scope | null;
  /**
   * The type whose scope arguments also take this type's IDs (a library is a
   * kind of project: `input.projectId` may name one), so the mutations of
   * that type serve this one under the same rules. Read from the type's
   * `@actsAs` in the SDL, where `viewerCan` reads it too.
   */
  actsAs?: string;
}

export type ObjectTypes<C> = Record<string, ObjectType<C>>;

/** What a global ID names, placed in the access model: its type and row id, with its organization, workspace and project. */
export interface NamedScope extends Scope {
  type: string;
  id: string;
}

/**
 * The object a global ID names and where it sits, or null when the principal
 * cannot see it or it does not exist: the caller answers NOT_FOUND to both,
 * after the same work (one look-up through the principal's visibility, or
 * none where the principal's own roles tell).
 */
export async function scopeOfId<C>(types: ObjectTypes<C>, ctx: C, globalId: unknown, field: string, expected: string): Promise<NamedScope | null> {
  const parsed = typeof globalId === 'string' ? parseGlobalId(globalId) : null;
  const candidate = parsed ? types[parsed.type] : undefined;
  const type = parsed && (parsed.type === expected || candidate?.actsAs === expected) ? candidate : undefined;
  if (!parsed || !type) throw badInput(`${field} is not a valid ${expected} ID`, field);
  const named = { type: parsed.type, id: parsed.id };
  if (type.visibleScopeById) {
    const scope = type.visibleScopeById(ctx, parsed.id);
    return scope && { ...scope, ...named };
  }
  if (!type.scopeOf || !type.visibleById) throw new Error(`${expected} is no type a scope argument can name: it sits in no organization`);
  const row = await type.visibleById(ctx, parsed.id);
  return row && { ...type.scopeOf(row as never), ...named };
}

/** `input.projectId` -> "Project": the type a scope argument names by its name. */
export function typeNameOfScope(path: readonly string[]): string {
  const field = path.at(-1)!.replace(/Id$/, '');
  return field.charAt(0).toUpperCase() + field.slice(1);
}
