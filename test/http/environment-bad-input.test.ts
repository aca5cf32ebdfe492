/**
 * Bad input to the environment mutations and the catalog's pages, from an
 * owner who would otherwise be allowed: unknown and malformed IDs, taken and
 * malformed names, manifests that are not objects or too big, owners who are
 * not members, page sizes out of range. Each is refused with its code and
 * field and changes nothing: every table, the audit log included, reads the
 * same before and after.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogChecks, ENV_LIST, GENERATIONS_PAGE, HISTORY_PAGE, PACKAGES } from '../helpers/catalog.js';
import { codes, expectUnchanged, fieldOf } from '../helpers/expect.js';
import { globalId, missingId } from '../helpers/ids.js';
import { CREATE_ENVIRONMENT, PUSH_GENERATION, SWITCH_GENERATION, UPDATE_ENVIRONMENT_SETTINGS, DELETE_ENVIRONMENT, PUBLISH_PACKAGE } from '../helpers/operations.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { mutate, expectRefused } = catalogChecks(t);

describe('bad input for environments is refused and changes nothing', () => {
  const slug = 'env-bad-input';
  let org: SeededOrganization;
  let bea: Person;
  let stranger: Person;
  let oneId: string;
  let twoId: string;
  let packageId: string;

  beforeAll(async () => {
    org = await t.seed.organization(slug, { owner: 'bea', writers: ['ben-w'] });
    bea = org.owner;
    stranger = await t.seed.person('stranger');
    await t.seed.organization('stranger-org', { owner: 'stranger' });
    oneId = (await mutate(bea.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'one' })).environment.id;
    twoId = (await mutate(bea.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'two' })).environment.id;
    packageId = (await mutate(bea.token, PUBLISH_PACKAGE, { organizationId: org.id, name: 'pkg', version: '1', systems: ['x86_64-linux'] })).package.id;
  });

  const envMutations = (environmentId: string): [string, string, Record<string, unknown>][] => [
    ['pushEnvironmentGeneration', PUSH_GENERATION, { environmentId, manifest: { a: 1 } }],
    ['switchEnvironmentGeneration', SWITCH_GENERATION, { environmentId, generation: 1 }],
    ['updateEnvironmentSettings', UPDATE_ENVIRONMENT_SETTINGS, { environmentId, name: 'renamed' }],
    ['deleteEnvironment', DELETE_ENVIRONMENT, { environmentId }],
  ];

  it('an unknown (well-formed) environmentId is NOT_FOUND', async () => {
    for (const [name, query, input] of envMutations(missingId('Environment'))) {
      await expectRefused(bea.token, query, input, { code: 'NOT_FOUND' }, name);
    }
  });

  it.each([
    ['a word', () => 'nope'],
    ['base64 garbage', () => Buffer.from('\x00\xff garbage').toString('base64')],
    ['an Environment ID whose uuid is not one', () => globalId('Environment', '1234')],
    ['a User ID', () => bea.id],
    ['an Organization ID', () => org.id],
    ['a Package ID', () => packageId],
  ])('a malformed environmentId (%s) is BAD_USER_INPUT on environmentId', async (_label, id) => {
    for (const [name, query, input] of envMutations(id())) {
      await expectRefused(bea.token, query, input, { code: 'BAD_USER_INPUT', field: 'environmentId' }, name);
    }
  });

  it('a duplicate name is CONFLICT, on create and on rename', async () => {
    await expectRefused(bea.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'one' }, { code: 'CONFLICT' }, 'create duplicate');
    await expectRefused(org.members['ben-w']!.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'two', manifest: { x: 1 } }, { code: 'CONFLICT' }, 'create duplicate');
    await expectRefused(bea.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: twoId, name: 'one' }, { code: 'CONFLICT' }, 'rename onto another');
  });

  it.each([
    ['empty', ''],
    ['a leading hyphen', '-env'],
    ['a space', 'my env'],
    ['a slash', 'my/env'],
    ['65 characters', 'e'.repeat(65)],
  ])('a name with %s (%j) is BAD_USER_INPUT on name, on create and on rename', async (_label, name) => {
    await expectRefused(bea.token, CREATE_ENVIRONMENT, { organizationId: org.id, name }, { code: 'BAD_USER_INPUT', field: 'name' }, 'create');
    await expectRefused(bea.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: oneId, name }, { code: 'BAD_USER_INPUT', field: 'name' }, 'rename');
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', 'not a manifest'],
    ['a number', 42],
    ['a boolean', true],
  ])('a manifest that is %s is BAD_USER_INPUT on manifest, on push and on create', async (_label, manifest) => {
    await expectRefused(bea.token, PUSH_GENERATION, { environmentId: oneId, manifest }, { code: 'BAD_USER_INPUT', field: 'manifest' }, 'push');
    await expectRefused(bea.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'three', manifest }, { code: 'BAD_USER_INPUT', field: 'manifest' }, 'create');
  });

  it('a manifest over 256 KiB is BAD_USER_INPUT on manifest', async () => {
    const manifest = { blob: 'x'.repeat(260 * 1024) };
    await expectRefused(bea.token, PUSH_GENERATION, { environmentId: oneId, manifest }, { code: 'BAD_USER_INPUT', field: 'manifest' }, 'push big');
    await expectRefused(bea.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'big', manifest }, { code: 'BAD_USER_INPUT', field: 'manifest' }, 'create big');
  });

  it('a null manifest on push is refused by the schema: HTTP 400 BAD_USER_INPUT', async () => {
    await expectRefused(bea.token, PUSH_GENERATION, { environmentId: oneId, manifest: null }, { code: 'BAD_USER_INPUT', status: 400 }, 'push null');
  });

  it('an ownerUserId that is not a member is BAD_USER_INPUT on ownerUserId', async () => {
    for (const ownerUserId of [stranger.id, globalId('User', randomUUID())]) {
      await expectRefused(bea.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: oneId, ownerUserId }, { code: 'BAD_USER_INPUT', field: 'ownerUserId' }, ownerUserId);
    }
    // Not even together with a valid rename.
    await expectRefused(bea.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: oneId, name: 'one-renamed', ownerUserId: stranger.id }, { code: 'BAD_USER_INPUT', field: 'ownerUserId' }, 'rename + stranger');
    await expectRefused(bea.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: oneId, ownerUserId: 'nope' }, { code: 'BAD_USER_INPUT', field: 'ownerUserId' }, 'malformed');
  });

  it('updateEnvironmentSettings with nothing to change is BAD_USER_INPUT', async () => {
    await expectRefused(bea.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: oneId }, { code: 'BAD_USER_INPUT' }, 'nothing');
  });

  it.each([
    ['environments', ENV_LIST, { slug }],
    ['generations', GENERATIONS_PAGE, { slug, name: 'one' }],
    ['history', HISTORY_PAGE, { slug, name: 'one' }],
    ['packages', PACKAGES, { slug }],
  ])('%s(first: 101) is BAD_USER_INPUT on first', async (label, query, variables) => {
    for (const first of [101, -1]) {
      const res = await expectUnchanged(t.server, () => t.server.graphql(bea.token, query, { ...variables, first }), `${label}(first: ${first})`);
      expect(res.status, res.raw).toBe(200);
      expect(codes(res), res.raw).toEqual(['BAD_USER_INPUT']);
      expect(fieldOf(res), res.raw).toBe('first');
      expect(res.errors![0]!.message).toContain('100');
    }
  });
});

const CATALOG_TABLES = ['environments', 'environment_generations', 'environment_events', 'packages', 'package_versions', 'audit_events'] as const;

describe('the database snapshot this file compares', () => {
  it('reads every catalog table (so "changes nothing" is not vacuous)', async () => {
    const tables = await t.server.snapshot();
    for (const table of CATALOG_TABLES) expect(tables[table]!.length, table).toBeGreaterThan(0);
    const first = tables.environments![0] as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['id', 'organization_id', 'name', 'current_generation', 'deleted_at']));
  });
});
