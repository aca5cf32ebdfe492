/**
 * Pagination of the catalog's connections (environments, generations,
 * history) following endCursor: each item seen once, in order, and cursors
 * that stay stable while items are added between pages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogChecks, ENV_LIST, GENERATIONS_PAGE, HISTORY_PAGE } from '../helpers/catalog.js';
import { expectOk } from '../helpers/expect.js';
import { CREATE_ENVIRONMENT, PUSH_GENERATION } from '../helpers/operations.js';
import type { GraphQLResponse } from '../helpers/orgraph.js';
import type { SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { mutate, readEnvironment, environmentNames } = catalogChecks(t);

describe('pagination of environments and generations', () => {
  const slug = 'paging-catalog';
  let org: SeededOrganization;

  beforeAll(async () => {
    org = await t.seed.organization(slug, { owner: 'pia' });
    for (let i = 1; i <= 5; i++) await mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: `env-${i}` });
    const many = (await mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'many', manifest: { g: 1 } })).environment.id;
    for (let g = 2; g <= 7; g++) await mutate(org.owner.token, PUSH_GENERATION, { environmentId: many, manifest: { g }, description: `g${g}` });
  });

  /** Pages through a connection with first: 2; `between` runs after the first page. */
  async function pageThrough(query: string, variables: Record<string, unknown>, pick: (data: any) => any, between?: () => Promise<void>) {
    const seen: unknown[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      expect(page, 'paging did not end').toBeLessThan(10);
      const res: GraphQLResponse = await t.server.graphql(org.owner.token, query, { ...variables, first: 2, after });
      expectOk(res, `page ${page}`);
      const { edges, pageInfo } = pick(res.data);
      sizes.push(edges.length);
      seen.push(...edges.map((e: any) => e.node.name ?? e.node.number));
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      if (page === 0 && between) await between();
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    return { seen, sizes };
  }

  it('pages through 6 environments with first: 2 following endCursor, each seen once, in order', async () => {
    const all = await environmentNames(org.owner.token, slug);
    expect(all).toEqual(['env-1', 'env-2', 'env-3', 'env-4', 'env-5', 'many']);
    const { seen, sizes } = await pageThrough(ENV_LIST, { slug }, (d) => d.organization.environments);
    expect(seen).toEqual(all);
    expect(sizes).toEqual([2, 2, 2]);
  });

  it('pages through 7 generations with first: 2, each seen once, oldest first', async () => {
    const { seen, sizes } = await pageThrough(GENERATIONS_PAGE, { slug, name: 'many' }, (d) => d.organization.environment.generations);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([2, 2, 2, 1]);
  });

  it('pages through the history with first: 2 too', async () => {
    const res = await t.server.graphql(org.owner.token, HISTORY_PAGE, { slug, name: 'many', first: 100 });
    const all = res.data.organization.environment.history.edges.map((e: any) => [e.node.kind, e.node.generation]);
    expect(all).toEqual([['CREATED', 1], ...[2, 3, 4, 5, 6, 7].map((g) => ['GENERATION_PUSHED', g])]);
    const seen: unknown[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r: GraphQLResponse = await t.server.graphql(org.owner.token, HISTORY_PAGE, { slug, name: 'many', first: 2, after });
      expectOk(r);
      const { edges, pageInfo } = r.data.organization.environment.history;
      seen.push(...edges.map((e: any) => [e.node.kind, e.node.generation]));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('cursors are stable: an environment created between pages shows up at the end, nothing repeats', async () => {
    const before = await environmentNames(org.owner.token, slug);
    const { seen } = await pageThrough(ENV_LIST, { slug }, (d) => d.organization.environments, async () => {
      await mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'late-comer' });
    });
    expect(seen).toEqual([...before, 'late-comer']);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('cursors are stable: a generation pushed between pages shows up at the end, nothing repeats', async () => {
    const env = await readEnvironment(org.owner.token, slug, 'many');
    const { seen } = await pageThrough(GENERATIONS_PAGE, { slug, name: 'many' }, (d) => d.organization.environment.generations, async () => {
      await mutate(org.owner.token, PUSH_GENERATION, { environmentId: env.id, manifest: { g: 8 } });
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
