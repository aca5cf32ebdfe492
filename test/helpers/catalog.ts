/**
 * What the catalog suites read and check, as a client of FloxHub's private
 * catalog would: its queries (list, "pull", "install", pages, the audit log),
 * the actors a generation or version names, and the mutations they expect to
 * succeed or to be refused without changing anything.
 */
import { expect } from 'vitest';
import { expectPayload, expectRefusal, expectOk } from './expect.js';
import { ACTOR } from './operations.js';
import type { Person } from './seed.js';
import type { OrgraphUnderTest } from './use-orgraph.js';

export const ENV_LIST = `query($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    environments(first: $first, after: $after) {
      edges { cursor node { id name } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;
/** "pull": the current generation's manifest, with the generations and the history. */
export const ENV = `query($slug: String!, $name: String!) {
  organization(slug: $slug) {
    environment(name: $name) {
      id name owner { id subject }
      currentGeneration { number description manifest createdBy { ${ACTOR} } }
      generations(first: 100) { edges { node { number description manifest createdBy { ${ACTOR} } } } }
      history(first: 100) { edges { node { kind generation details actor { ${ACTOR} } } } }
    }
  }
}`;
export const GENERATIONS_PAGE = `query($slug: String!, $name: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    environment(name: $name) {
      generations(first: $first, after: $after) {
        edges { cursor node { number } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}`;
export const HISTORY_PAGE = `query($slug: String!, $name: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    environment(name: $name) {
      history(first: $first, after: $after) {
        edges { cursor node { kind generation } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;
export const PACKAGES = `query($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) { packages(first: $first, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }
}`;
/** "install": a package's versions and the systems each is built for. */
export const PACKAGE = `query($slug: String!, $name: String!) {
  organization(slug: $slug) {
    package(name: $name) { id name description versions { version systems description publishedBy { ${ACTOR} } } }
  }
}`;
export const NODE = `query($id: ID!) {
  node(id: $id) { __typename id ... on Environment { name } ... on Package { name } }
}`;
export const AUDIT = `query($slug: String!) {
  organization(slug: $slug) {
    auditLog(first: 100) {
      edges { node { operation actorKind targetId details actorUser { id subject } actorMachineClient { id clientId } } }
    }
  }
}`;

// ---------------------------------------------------------------------------
// Small local helpers.

export const userActor = (p: Person) => ({ __typename: 'User', id: p.id, subject: p.subject });
export const machineActor = (id: string, clientId: string) => ({ __typename: 'MachineClient', id, clientId });

export interface Refused {
  code: 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT';
  /** For BAD_USER_INPUT from a resolver: the exact `extensions.field`. */
  field?: string;
  /** HTTP status; 200 unless the request fails before execution (Apollo's 400). */
  status?: number;
}

/** The catalog suites' reads and checks against the suite's server. */
export function catalogChecks(t: OrgraphUnderTest) {
  /** A mutation that must succeed; returns its payload. */
  const mutate = async (token: string, query: string, input: Record<string, unknown>, label = ''): Promise<any> =>
    expectPayload(await t.server.graphql(token, query, { i: input }), label);

  /** A mutation that must fail: the status, exactly one error with the code (and field), no data, nothing changed. */
  const expectRefused = (token: string, query: string, input: Record<string, unknown>, { code, field, status }: Refused, label = '') =>
    expectRefusal(t.server, token, query, input, code, { field, status, what: label });

  async function readEnvironment(token: string, slug: string, name: string): Promise<any> {
    const data = expectOk(await t.server.graphql(token, ENV, { slug, name }), `environment(name: ${name})`);
    expect(data.organization, `${slug} is not visible`).not.toBeNull();
    return data.organization.environment;
  }

  async function environmentNames(token: string, slug: string): Promise<string[]> {
    const data = expectOk(await t.server.graphql(token, ENV_LIST, { slug, first: 100 }), 'environments');
    return data.organization.environments.edges.map((e: any) => e.node.name);
  }

  /** The audit rows (of changes) written since `before`, a snapshot, oldest first. */
  async function auditRowsSince(before: Record<string, unknown[]>): Promise<any[]> {
    const seen = new Set(before.audit_events!.map((r: any) => String(r.id)));
    return (await t.server.snapshot()).audit_events!.filter((r: any) => !seen.has(String(r.id)));
  }

  return { mutate, expectRefused, readEnvironment, environmentNames, auditRowsSince };
}
