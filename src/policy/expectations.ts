/**
 * Checks one expectation through the request path a client takes, with the
 * principal's own token: a mutation's rule through the scope object's
 * `viewerCan` flag (decided as the mutation's own check is), a field's rule
 * by reading the field of the object through `node(id:)`. A mismatch comes
 * with the `explainAccess` sentence of the principal about itself.
 */
import { getNamedType, isCompositeType, isNonNullType, isObjectType, type GraphQLSchema } from 'graphql';
import type { GraphQLCall, World } from './fixtures.js';
import type { Expectation, ExpectedDecision } from './policy-file.js';

const TYPE_OF_PATH: Record<string, string> = {
  organization: 'Organization',
  environment: 'Environment',
  workspace: 'Workspace',
  group: 'Group',
  project: 'Project',
  processInstance: 'ProcessInstance',
};

export interface Outcome {
  expectation: Expectation;
  observed: ExpectedDecision | null;
  /** Why the expectation could not be checked, or the sentence explaining a mismatch. */
  note: string;
}

export async function check(schema: GraphQLSchema, world: World, call: GraphQLCall, expectation: Expectation): Promise<Outcome> {
  const { principal, action, resource } = expectation;
  const token = world.tokens.get(principal);
  const resourceId = world.resources.get(resource);
  const typeName = TYPE_OF_PATH[resource.split('/')[0]!];
  if (!token) return unchecked(expectation, `no principal named ${principal} in the fixtures`);
  if (!resourceId || !typeName) return unchecked(expectation, `no resource ${resource} in the fixtures`);
  const probe = probeOf(schema, action, typeName);
  if (typeof probe === 'string') return unchecked(expectation, probe);

  const res = await call(token, probe.query, { id: resourceId });
  const observed = probe.read(res);
  if (observed === null) return unchecked(expectation, `unexpected answer: ${JSON.stringify(res.errors ?? res.data)}`);
  if (observed === expectation.decision) return { expectation, observed, note: '' };
  const explained = await call(token, EXPLAIN, { p: world.principals.get(principal), a: action, r: resourceId });
  return { expectation, observed, note: explained.data?.explainAccess?.reason ?? JSON.stringify(explained.errors) };
}

const EXPLAIN = 'query($p: ID!, $a: String!, $r: ID!) { explainAccess(principalId: $p, action: $a, resourceId: $r) { reason } }';

const unchecked = (expectation: Expectation, note: string): Outcome => ({ expectation, observed: null, note });

interface Probe {
  query: string;
  read(res: Awaited<ReturnType<GraphQLCall>>): ExpectedDecision | null;
}

/** The request that exercises `action` on an object of `typeName`, or why there is none. */
function probeOf(schema: GraphQLSchema, action: string, typeName: string): Probe | string {
  const [owner, field] = action.split('.') as [string, string];
  if (owner === schema.getMutationType()?.name) {
    const flags = schema.getType(`${typeName}ViewerCan`);
    if (!isObjectType(flags) || !flags.getFields()[field]) return `${action} is not a mutation scoped to a ${typeName}`;
    return {
      query: `query($id: ID!) { node(id: $id) { ... on ${typeName} { viewerCan { ${field} } } } }`,
      read: (res) => (res.errors ? null : res.data?.node === null ? 'NOT_VISIBLE' : res.data?.node?.viewerCan?.[field] ? 'ALLOWED' : 'FORBIDDEN'),
    };
  }
  const type = schema.getType(owner);
  const definition = isObjectType(type) ? type.getFields()[field] : undefined;
  if (!definition) return `${action} is no field of the schema`;
  if (owner !== typeName) return `${action} is a field of ${owner}, and ${typeName}s have none`;
  if (definition.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) return `${action} takes required arguments`;
  const selection = isCompositeType(getNamedType(definition.type)) ? `${field} { __typename }` : field;
  return {
    query: `query($id: ID!) { node(id: $id) { ... on ${typeName} { ${selection} } } }`,
    read: (res) => {
      const [error, ...more] = res.errors ?? [];
      if (!error) return res.data?.node === null ? 'NOT_VISIBLE' : 'ALLOWED';
      if (more.length > 0 || error.path?.at(-1) !== field) return null;
      return error.extensions?.code === 'FORBIDDEN' ? 'FORBIDDEN' : error.extensions?.code === 'NOT_FOUND' ? 'NOT_VISIBLE' : null;
    },
  };
}
