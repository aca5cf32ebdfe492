/**
 * Checks once per object (src/access/object-checks.ts): an object of a type
 * whose rule is "may see it" is checked where it enters the response, through
 * whichever field hands it out (directly, in a list, behind an edge or a
 * connection, as an interface or a union member), so its plain fields need no
 * resolver. The
 * resolvers here deliberately hand out an object of another organization, the
 * bug the check is there to stop; the shipped resolvers are tested over HTTP.
 */
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse, type ExecutionResult, type GraphQLObjectType } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { describe, expect, it } from 'vitest';
import { createAccess } from '../../src/access/held-roles.js';
import { applyAccessRules } from '../../src/access/directives.js';
import { placed } from '../../src/access/scopes.js';
import type { Principal } from '../../src/identity/principal.js';
import type { Db } from '../../src/db/client.js';

const BASE = readFileSync(new URL('../../schema/base.graphql', import.meta.url), 'utf8');
const SDL = `
  type Organization implements Node @requiresRole(role: READER) {
    id: ID!
    slug: String!
    environments: EnvironmentConnection!
    computed: ComputedConnection!
    mixed: [Environment!]!
    later: Environment
    actors: [Actor!]!
  }
  type Environment implements Node @requiresRole(role: READER) { id: ID! organizationId: ID! name: String! }
  type User @authenticated { subject: String! }
  union Actor = Environment | User
  type EnvironmentConnection @public { edges: [EnvironmentEdge!]! }
  type EnvironmentEdge @public { node: Environment! }
  type ComputedConnection @public { edges: [EnvironmentEdge!]! }
  extend type Query { home: Organization @authenticated node(id: ID!): Node @authenticated }
  extend type Mutation { noop: Boolean @public }
`;

const MINE = 'a0000000-0000-4000-8000-000000000001';
const THEIRS = 'b0000000-0000-4000-8000-000000000002';
const env = (id: string, organizationId: string) => ({ id, organizationId, name: `env of ${organizationId}` });

const schema = applyAccessRules(
  makeExecutableSchema({
    typeDefs: [BASE, SDL],
    resolvers: {
      Query: {
        home: () => ({ id: MINE, slug: 'mine' }),
        node: (_: unknown, { id }: { id: string }) => ({ __typename: 'Environment', ...env(id, THEIRS) }),
      },
      Organization: {
        environments: () => ({ edges: [{ node: env('e1', MINE) }, { node: env('e2', THEIRS) }] }),
        computed: () => ({ rows: [env('e1', MINE), env('e2', THEIRS)] }),
        mixed: async () => [env('e1', MINE), Promise.resolve(env('e2', THEIRS))],
        later: async () => env('e2', THEIRS),
        actors: () => [{ __typename: 'User', subject: 'auth0|someone' }, { __typename: 'Environment', ...env('e2', THEIRS) }],
      },
      ComputedConnection: { edges: ({ rows }: { rows: unknown[] }) => rows.map((node) => ({ node })) },
      Mutation: { noop: () => true },
    },
  }),
  {
    types: { Organization: { scopeOf: (o: { id: string }) => ({ organizationId: o.id }) }, Environment: { scopeOf: placed } },
    runMutation: (_ctx, _guard, resolve) => resolve(),
  },
);

const principal: Principal = {
  kind: 'user',
  userId: 'u1',
  subject: 'auth0|me',
  organizationExternalId: null,
  organizationRoles: new Map([[MINE, 'READER']]),
  organizations: new Map(),
};

/** Both executors Orgraph runs: they consume a field's pending value differently. */
const executors = {
  'graphql-js': (query: string, contextValue: object) => execute({ schema, document: parse(query), contextValue }),
  'graphql-jit': async (query: string, contextValue: object) => {
    const compiled = compileQuery(schema, parse(query));
    if (!isCompiledQuery(compiled)) throw new Error(JSON.stringify(compiled));
    return (await compiled.query(undefined, contextValue, {})) as ExecutionResult;
  },
};

describe.each(Object.entries(executors))('checks once per object, executed by %s', (_name, executeWith) => {
  async function run(query: string, who: Principal = principal) {
    const contextValue = { principal: who, access: createAccess(null as unknown as Db, who, () => {}), deadline: Date.now() + 10_000 };
    const result = await executeWith(query, contextValue);
    return { data: result.data, errors: result.errors?.map((e) => ({ code: e.extensions?.code, path: e.path?.join('.') })) };
  }

  it('leaves plain fields of a checked type without a resolver, and checks where objects enter', () => {
    const fields = (type: string) => (schema.getType(type) as GraphQLObjectType).getFields();
    expect(fields('Environment').name!.resolve).toBeUndefined();
    expect(fields('User').subject!.resolve).toBeUndefined();
    expect(fields('EnvironmentEdge').node!.resolve).toBeUndefined();
    expect(fields('EnvironmentConnection').edges!.resolve).toBeUndefined();
    expect(fields('Organization').environments!.resolve).toBeDefined();
    expect(fields('Query').home!.resolve).toBeDefined();
  });

  it('serves objects the caller may see', async () => {
    expect(await run('{ home { slug } }')).toEqual({ data: { home: { slug: 'mine' } }, errors: undefined });
  });

  it('refuses an object of another organization behind an edge, where its connection is handed out', async () => {
    const { data, errors } = await run('{ home { environments { edges { node { name } } } } }');
    expect(errors).toEqual([{ code: 'FORBIDDEN', path: 'home.environments' }]);
    expect(data).toEqual({ home: null });
  });

  it('checks the edges themselves where a connection computes them', async () => {
    expect((schema.getType('ComputedConnection') as GraphQLObjectType).getFields().edges!.resolve).toBeDefined();
    const { errors } = await run('{ home { computed { edges { node { name } } } } }');
    expect(errors).toEqual([{ code: 'FORBIDDEN', path: 'home.computed.edges' }]);
  });

  it('refuses it when it arrives later, alone or in a list', async () => {
    expect(await run('{ home { later { name } } }')).toEqual({ data: { home: { later: null } }, errors: [{ code: 'FORBIDDEN', path: 'home.later' }] });
    expect((await run('{ home { mixed { name } } }')).errors).toEqual([{ code: 'FORBIDDEN', path: 'home.mixed' }]);
  });

  it('refuses it as an interface or union member', async () => {
    expect((await run('{ node(id: "x") { id } }')).errors).toEqual([{ code: 'FORBIDDEN', path: 'node' }]);
    expect((await run('{ home { actors { __typename } } }')).errors).toEqual([{ code: 'FORBIDDEN', path: 'home.actors' }]);
  });

  it('refuses every checked object to anonymous callers', async () => {
    expect((await run('{ node(id: "x") { id } }', { kind: 'anonymous' })).errors?.[0]?.code).toBe('UNAUTHENTICATED');
  });
});
