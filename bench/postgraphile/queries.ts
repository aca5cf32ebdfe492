/**
 * The benchmark's two queries in PostGraphile's generated schema, and its
 * answers mapped into Orgraph's response shape, so that the bench can check
 * that both return the same data.
 *
 * The slug has a unique index but no unique constraint, so PostGraphile 4
 * generates no `organizationBySlug`: the organization is the one row of a
 * condition. The lists are in Orgraph's order (environments by creation
 * time then id, live ones only; generations by number then id).
 */
import { BENCH_ORG } from '../queries.js';

const SCALAR = `query Scalar($slug: String!) { allOrganizations(condition: { slug: $slug }, first: 1) { nodes { slug } } }`;

const NESTED = `query Nested($slug: String!) {
  allOrganizations(condition: { slug: $slug }, first: 1) {
    nodes {
      slug
      environmentsByOrganizationId(first: 100, orderBy: [CREATED_AT_ASC, ID_ASC], condition: { deletedAt: null }) {
        nodes {
          name
          environmentGenerationsByEnvironmentId(first: 10, orderBy: [NUMBER_ASC, ID_ASC]) {
            nodes {
              number
              description
              userByAuthorUserId { subject }
              machineClientByAuthorMachineClientId { clientId }
            }
          }
        }
      }
    }
  }
}`;

export type PeerQueryName = 'scalar' | 'nested';

const PEER_QUERIES: Record<PeerQueryName, string> = { scalar: SCALAR, nested: NESTED };

export function peerBodyOf(query: PeerQueryName, slug: string = BENCH_ORG): string {
  return JSON.stringify({ query: PEER_QUERIES[query], variables: { slug } });
}

interface Generation {
  number: number;
  description: string | null;
  userByAuthorUserId: { subject: string } | null;
  machineClientByAuthorMachineClientId: { clientId: string } | null;
}
interface Organization {
  slug: string;
  environmentsByOrganizationId?: { nodes: { name: string; environmentGenerationsByEnvironmentId: { nodes: Generation[] } }[] };
}

const actor = (g: Generation) =>
  g.userByAuthorUserId
    ? { __typename: 'User', subject: g.userByAuthorUserId.subject }
    : g.machineClientByAuthorMachineClientId
      ? { __typename: 'MachineClient', clientId: g.machineClientByAuthorMachineClientId.clientId }
      : null;

/** PostGraphile's answer (text) as Orgraph would give it; an organization the viewer may not see is null in both. */
export function asOrgraphAnswer(query: PeerQueryName, text: string): unknown {
  const org: Organization | undefined = (JSON.parse(text) as { data: { allOrganizations: { nodes: Organization[] } } }).data.allOrganizations.nodes[0];
  if (!org) return { data: { organization: null } };
  if (query === 'scalar') return { data: { organization: { slug: org.slug } } };
  const environments = org.environmentsByOrganizationId!.nodes.map((e) => ({
    node: {
      name: e.name,
      generations: {
        edges: e.environmentGenerationsByEnvironmentId.nodes.map((g) => ({ node: { number: g.number, description: g.description, createdBy: actor(g) } })),
      },
    },
  }));
  return { data: { organization: { slug: org.slug, environments: { edges: environments } } } };
}
