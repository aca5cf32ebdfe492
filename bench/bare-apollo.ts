/**
 * Baseline (b): Apollo Server 5 with no database, no access rules and no
 * plugins, serving the same schema shape (the types and fields the two
 * benchmark queries touch, with the same names, arguments and connections)
 * from memory. The data is the response Orgraph gave, so both answer with
 * the same JSON. With `verify`, the context also verifies the bearer token
 * with Orgraph's own jose verifier (row "bare Apollo + token").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { TokenVerifier } from '../src/identity/token-verifier.js';
import type { Fixture } from './queries.js';

const typeDefs = /* GraphQL */ `
  union Actor = User | MachineClient
  type Query {
    organization(slug: String!): Organization
  }
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }
  type Organization {
    id: ID!
    slug: String!
    environments(first: Int, after: String): EnvironmentConnection!
  }
  type EnvironmentConnection {
    edges: [EnvironmentEdge!]!
    pageInfo: PageInfo!
  }
  type EnvironmentEdge {
    cursor: String!
    node: Environment!
  }
  type Environment {
    id: ID!
    name: String!
    generations(first: Int, after: String): EnvironmentGenerationConnection!
  }
  type EnvironmentGenerationConnection {
    edges: [EnvironmentGenerationEdge!]!
    pageInfo: PageInfo!
  }
  type EnvironmentGenerationEdge {
    cursor: String!
    node: EnvironmentGeneration!
  }
  type EnvironmentGeneration {
    number: Int!
    description: String
    createdBy: Actor!
  }
  type User {
    id: ID!
    subject: String!
  }
  type MachineClient {
    id: ID!
    clientId: String!
  }
`;

interface Generation {
  number: number;
  description: string | null;
  createdBy: { __typename: 'User' | 'MachineClient' };
}
interface Environment {
  id: string;
  name: string;
  generations: Generation[];
}
interface Organization {
  id: string;
  slug: string;
  environments: Environment[];
}

interface NestedResponse {
  data: {
    organization: {
      slug: string;
      environments: { edges: { node: { name: string; generations: { edges: { node: Generation }[] } } }[] };
    };
  };
}

/** The in-memory organization, rebuilt from Orgraph's answer to the nested query. */
function organizationsOf(fixture: Fixture): Map<string, Organization> {
  const org = (fixture.nested as NestedResponse).data.organization;
  const organization: Organization = {
    id: `org-${org.slug}`,
    slug: org.slug,
    environments: org.environments.edges.map(({ node }, i) => ({
      id: `env-${i}`,
      name: node.name,
      generations: node.generations.edges.map((edge) => edge.node),
    })),
  };
  return new Map([[organization.slug, organization]]);
}

function connection<T>(items: readonly T[], args: { first?: number | null; after?: string | null }) {
  const start = args.after ? Number(args.after) + 1 : 0;
  const first = Math.min(args.first ?? 20, 100);
  const slice = items.slice(start, start + first);
  return {
    edges: slice.map((node, i) => ({ cursor: String(start + i), node })),
    pageInfo: { hasNextPage: start + first < items.length, endCursor: slice.length ? String(start + slice.length - 1) : null },
  };
}

interface BareContext {
  subject: string | null;
}

export async function createBareApollo(fixture: Fixture, verify?: TokenVerifier) {
  const organizations = organizationsOf(fixture);
  const schema = makeExecutableSchema<BareContext>({
    typeDefs,
    resolvers: {
      Query: {
        organization: (_parent: unknown, args: { slug: string }) => organizations.get(args.slug) ?? null,
      },
      Organization: {
        environments: (org: Organization, args: { first?: number; after?: string }) => connection(org.environments, args),
      },
      Environment: {
        generations: (env: Environment, args: { first?: number; after?: string }) => connection(env.generations, args),
      },
    },
  });
  const apollo = new ApolloServer<BareContext>({ schema, allowBatchedHttpRequests: false, csrfPrevention: true });
  await apollo.start();

  async function contextOf(req: IncomingMessage): Promise<BareContext> {
    if (!verify) return { subject: null };
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new Error('no token');
    const claims = await verify(token);
    return { subject: claims.sub ?? null };
  }

  const handler = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'POST', headers, search: '', body: body === '' ? undefined : JSON.parse(body) },
      context: () => contextOf(req),
    });
    res.statusCode = response.status ?? 200;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    if (response.body.kind === 'complete') return void res.end(response.body.string);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return { handler, stop: () => apollo.stop() };
}
