/**
 * `explainAccess`: the decision a principal's real request would get for
 * one rule on one object, with the grants behind it and a sentence a person
 * can act on. Decided by the enforcing `decide` over the roles the checks
 * would read (the union of the grants below), so an explanation cannot drift
 * from enforcement. Who may ask: the principal itself, the owners of the
 * object's organization (about anyone in it), the admins of its workspace
 * (about anyone in that workspace); anyone else gets null, as for an object
 * that does not exist.
 */
import type { GraphQLSchema } from 'graphql';
import { decide, ORGANIZATION_ADMIN, type Decision, type HeldRoles } from '../../access/roles.js';
import { readAccessRules, ruleAsWritten, type AccessRule } from '../../access/rules.js';
import { atLevel, levelOf, typeNameOfScope, type ObjectTypes, type Scope } from '../../access/scopes.js';
import type { OrganizationRole, ProjectRole, WorkspaceRole } from '../../db/schema.js';
import { badInput } from '../../errors.js';
import { parseGlobalId, toGlobalId } from '../../lib/global-id.js';
import type { Context } from '../context.js';
import { grantsOfUsers } from './grant-queries.js';
import { grantOf, machineGrant, ownerGrantsIn, scopeRowOf } from './grants.js';
import type { AccessDecision, Explanation, Grant } from './explanation.js';
import { reasonFor, unseenReason, type Names } from './reasons.js';
import { principalRowOf, scopeNamesOf, type Subject } from './subjects.js';

const DECISIONS: Record<Decision, AccessDecision> = { allow: 'ALLOWED', forbidden: 'FORBIDDEN', invisible: 'NOT_VISIBLE' };

const rulesBySchema = new WeakMap<GraphQLSchema, Map<string, AccessRule>>();

export async function explainAccess(
  ctx: Context,
  schema: GraphQLSchema,
  types: ObjectTypes<Context>,
  args: { principalId: string; action: string; resourceId: string },
): Promise<Explanation | null> {
  const rule = ruleOf(schema, types, args.action);
  const resource = parseGlobalId(args.resourceId);
  if (!resource) throw badInput('resourceId is not a valid ID', 'resourceId');
  const [typeName, fieldName] = args.action.split('.') as [string, string];
  const expected = rule.kind === 'role' && rule.scopePath ? typeNameOfScope(rule.scopePath) : isRoot(schema, typeName) ? null : typeName;
  if (expected !== null && resource.type !== expected) throw badInput(`resourceId must name a ${expected} for ${args.action}`, 'resourceId');

  // The object, as the asker sees it: what the asker cannot see does not exist for this question.
  const type = types[resource.type];
  const row = type?.visibleById ? await type.visibleById(ctx, resource.id) : null;
  if (!row || !type?.scopeOf) return isAsker(ctx, args.principalId) ? unseen(schema, rule, args.action, resource.type) : null;
  const placed = type.scopeOf(row as never);
  const scope = rule.kind === 'role' ? atLevel(placed, rule.at) : placed;

  const subject = await principalRowOf(ctx.db, args.principalId);
  if (!subject) return null;
  const grants = await grantsIn(ctx, subject, scope);
  if (!(await mayAsk(ctx, subject, scope, grants))) return null;

  const held = heldFrom(subject, scope, grants);
  const decision: Decision =
    rule.kind === 'role' ? decide(held, levelOf(scope), rule) : rule.kind === 'authenticated' && rule.principal !== null && subject.kind !== rule.principal.toLowerCase() ? 'forbidden' : 'allow';
  const names: Names = { subject: subject.label, scopes: await scopeNamesOf(ctx.db, scope), groups: new Map() };
  const explanation = { decision: DECISIONS[decision], ...asWritten(schema, rule, args.action) };
  const reason = await reasonFor(ctx.db, { ...explanation, grants, action: args.action, scope, rule, names });
  const slugs = new Map([[scope.organizationId, names.scopes.organization], [scope.workspaceId, names.scopes.workspace], [scope.projectId, names.scopes.project]]);
  return { ...explanation, reason, grants: grants.map((g) => ({ ...g, scope: scopeRowOf(g.scope, (id) => slugs.get(id)) })) };
}

/** What a principal learns about an object it cannot see: nothing that depends on whether it exists. */
function unseen(schema: GraphQLSchema, rule: AccessRule, action: string, typeName: string): Explanation {
  return {
    decision: 'NOT_VISIBLE',
    ...asWritten(schema, rule, action),
    grants: [],
    reason: unseenReason({ rule, action }, typeName),
  };
}

function asWritten(schema: GraphQLSchema, rule: AccessRule, action: string): Pick<Explanation, 'rule' | 'requiredRoles'> {
  const [owner, field] = action.split('.') as [string, string];
  return { rule: ruleAsWritten(schema, owner, field) ?? '', requiredRoles: rule.kind === 'role' ? [...rule.anyOf] : [] };
}

/** Whether `principalId` names the principal asking. */
function isAsker(ctx: Context, principalId: string): boolean {
  const asker = ctx.principal;
  if (asker.kind === 'user') return principalId === toGlobalId('User', asker.userId);
  return asker.kind === 'machine' && principalId === toGlobalId('MachineClient', asker.machineClientId);
}

function isRoot(schema: GraphQLSchema, typeName: string): boolean {
  return typeName === schema.getQueryType()?.name || typeName === schema.getMutationType()?.name;
}

function ruleOf(schema: GraphQLSchema, types: ObjectTypes<Context>, action: string): AccessRule {
  let rules = rulesBySchema.get(schema);
  if (!rules) {
    rules = readAccessRules(schema, new Set(Object.entries(types).flatMap(([name, t]) => (t.scopeOf ? [name] : [])))).rules;
    rulesBySchema.set(schema, rules);
  }
  const rule = /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(action) ? rules.get(action) : undefined;
  if (!rule) throw badInput('action must be the schema coordinate of a field with a rule, such as Mutation.saveProcess or Project.grants', 'action');
  return rule;
}

/** Every role the subject holds that bears on the scope: there, and in the scopes that hold it. */
async function grantsIn(ctx: Context, subject: Subject, scope: Scope): Promise<Grant[]> {
  if (subject.kind === 'machine') return subject.organizationId === scope.organizationId && subject.active ? [machineGrant(scope.organizationId, subject.role)] : [];
  const rows = await grantsOfUsers(ctx.db, {
    organizationId: scope.organizationId,
    userIds: [subject.userId],
    ...(scope.workspaceId ? { workspaceId: scope.workspaceId } : { organizationOnly: true }),
    ...(scope.projectId ? { projectId: scope.projectId } : {}),
  });
  const held = rows.filter((r) => r.level !== 'project' || scope.projectId).map((r) => grantOf(scope.organizationId, r));
  return [...held, ...ownerGrantsIn(rows, scope)];
}

/** What the checks would read: the union of the grants, as role-queries.ts reads it. */
function heldFrom(subject: Subject, scope: Scope, grants: Grant[]): HeldRoles {
  const direct = grants.filter((g) => g.via !== 'ORGANIZATION_OWNER');
  const organization = (direct.find((g) => !g.scope.workspaceId)?.role as OrganizationRole | undefined) ?? null;
  const workspace = scope.workspaceId ? direct.filter((g) => g.scope.workspaceId && !g.scope.projectId).map((g) => g.role as WorkspaceRole) : [];
  const project = scope.projectId ? direct.filter((g) => g.scope.projectId).map((g) => g.role as ProjectRole) : [];
  return { principal: subject.kind, organization, workspace, project };
}

async function mayAsk(ctx: Context, subject: Subject, scope: Scope, subjectGrants: Grant[]): Promise<boolean> {
  const asker = ctx.principal;
  if (asker.kind === 'user' && subject.kind === 'user' && asker.userId === subject.userId) return true;
  if (asker.kind === 'machine' && subject.kind === 'machine' && asker.machineClientId === subject.machineClientId) return true;
  if (asker.kind !== 'user') return false;
  const inOrganization = subjectGrants.some((g) => !g.scope.workspaceId) || (subject.kind === 'machine' && subject.organizationId === scope.organizationId);
  if (inOrganization && asker.organizationRoles.get(scope.organizationId) === ORGANIZATION_ADMIN) return true;
  if (!scope.workspaceId || subject.kind !== 'user') return false;
  const inWorkspace = subjectGrants.some((g) => g.scope.workspaceId === scope.workspaceId && !g.scope.projectId && g.via !== 'ORGANIZATION_OWNER');
  const held = await ctx.access.rolesIn({ organizationId: scope.organizationId, workspaceId: scope.workspaceId });
  return inWorkspace && held.workspace.includes('WORKSPACE_ADMIN');
}
