/**
 * The two operations every server in the benchmark answers, byte for byte
 * the same request bodies.
 */

/** One scalar field of one object: token, principal, organization, role check. */
export const SCALAR = `query Scalar($slug: String!) { organization(slug: $slug) { slug } }`;

/**
 * organization -> environments -> generations -> author: with the seeded
 * `bench` organization, 100 environments of one generation each, authored
 * alternately by a user and by a machine client.
 */
export const NESTED = `query Nested($slug: String!) {
  organization(slug: $slug) {
    slug
    environments(first: 100) {
      edges { node {
        name
        generations(first: 10) {
          edges { node {
            number
            description
            createdBy { __typename ... on User { subject } ... on MachineClient { clientId } }
          } }
        }
      } }
    }
  }
}`;

/** The nested query with each environment's `viewerCan` flags: answered from roles already loaded, so no statement more. */
export const NESTED_VIEWER_CAN = NESTED.replace('query Nested', 'query NestedViewerCan').replace(
  '        name\n',
  '        name\n        viewerCan { pushEnvironmentGeneration switchEnvironmentGeneration deleteEnvironment }\n',
);

export type QueryName = 'scalar' | 'nested' | 'nestedViewerCan';

export const QUERIES: Record<QueryName, string> = { scalar: SCALAR, nested: NESTED, nestedViewerCan: NESTED_VIEWER_CAN };

/** The organization the load runs against, and the two small ones for the statements check. */
export const BENCH_ORG = 'bench';
export const ROWS = 100;
export const STATEMENT_CHECK_SIZES = [3, 30] as const;

export function bodyOf(query: QueryName, slug: string = BENCH_ORG): string {
  return JSON.stringify({ query: QUERIES[query], variables: { slug } });
}

/** What `raw` and `bare Apollo` serve: the responses Orgraph gave for each query. */
export interface Fixture {
  scalar: unknown;
  nested: unknown;
}
