/**
 * Each environment of the catalog has numbered generations, a current one and
 * a history of changes (pushes, switches, renames, owner changes), also under
 * concurrent requests; a deleted environment reads as absent on every path
 * while its audit trail stays and its name is free again. Over HTTP with real
 * signed tokens, users' and a machine client's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT, catalogChecks, ENV, machineActor, NODE, userActor } from '../helpers/catalog.js';
import { codes, expectOk } from '../helpers/expect.js';
import { nodes } from '../helpers/ids.js';
import { CREATE_ENVIRONMENT, PUSH_GENERATION, SWITCH_GENERATION, UPDATE_ENVIRONMENT_SETTINGS, DELETE_ENVIRONMENT } from '../helpers/operations.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { mutate, expectRefused, readEnvironment, environmentNames } = catalogChecks(t);

describe('each environment has a current generation and a history of changes', () => {
  const slug = 'history';
  let org: SeededOrganization;
  let hope: Person, will: Person;
  let ciId: string;
  let ci: string;
  let envId: string;

  beforeAll(async () => {
    org = await t.seed.organization(slug, { owner: 'hope', writers: ['will'] });
    [hope, will] = [org.owner, org.members.will!];
    ({ id: ciId, token: ci } = await org.machineClient('history-ci', 'WRITER'));
  });

  it('createEnvironment makes generation 1, current, with the given manifest ({} when omitted)', async () => {
    const created = await mutate(hope.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'app', manifest: { install: { a: 1 } } });
    envId = created.environment.id;
    expect(created.environment).toMatchObject({
      name: 'app',
      owner: { id: hope.id },
      currentGeneration: { number: 1, manifest: { install: { a: 1 } }, createdBy: userActor(hope) },
    });
    const bare = await mutate(will.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'bare' });
    expect(bare.environment.currentGeneration).toMatchObject({ number: 1, manifest: {}, createdBy: userActor(will) });
    const byNull = await mutate(will.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'bare-null', manifest: null });
    expect(byNull.environment.currentGeneration).toMatchObject({ number: 1, manifest: {} });
    const byMachine = await mutate(ci, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'robot-made', manifest: { r: 1 } });
    expect(byMachine.environment).toMatchObject({ owner: null, currentGeneration: { number: 1, createdBy: machineActor(ciId, 'history-ci') } });
  });

  it('each push makes generation N+1 and current, with its description and author (a User, or the MachineClient for a machine token)', async () => {
    const second = await mutate(will.token, PUSH_GENERATION, { environmentId: envId, manifest: { install: { a: 2 } }, description: 'second' });
    expect(second.generation).toEqual({ number: 2, description: 'second', manifest: { install: { a: 2 } }, createdBy: userActor(will) });
    expect(second.environment.currentGeneration).toEqual({ number: 2, manifest: { install: { a: 2 } } });

    const third = await mutate(ci, PUSH_GENERATION, { environmentId: envId, manifest: { install: { a: 3 } }, description: 'third, from CI' });
    expect(third.generation).toEqual({ number: 3, description: 'third, from CI', manifest: { install: { a: 3 } }, createdBy: machineActor(ciId, 'history-ci') });

    const env = await readEnvironment(hope.token, slug, 'app');
    expect(env.currentGeneration).toMatchObject({ number: 3, description: 'third, from CI', manifest: { install: { a: 3 } }, createdBy: machineActor(ciId, 'history-ci') });
    expect(nodes(env.generations).map((g: any) => [g.number, g.description, g.createdBy.__typename])).toEqual([
      [1, expect.anything(), 'User'],
      [2, 'second', 'User'],
      [3, 'third, from CI', 'MachineClient'],
    ]);
  });

  it('switching back to an earlier generation makes it current, is recorded in history, and makes no new generation', async () => {
    const before = await t.server.snapshot();
    const switched = await mutate(hope.token, SWITCH_GENERATION, { environmentId: envId, generation: 1 });
    expect(switched.environment.currentGeneration).toMatchObject({ number: 1, manifest: { install: { a: 1 } } });
    const after = await t.server.snapshot();
    expect(after.environment_generations).toEqual(before.environment_generations);

    const env = await readEnvironment(will.token, slug, 'app');
    expect(env.currentGeneration).toMatchObject({ number: 1, manifest: { install: { a: 1 } } });
    expect(nodes(env.generations).map((g: any) => g.number)).toEqual([1, 2, 3]);
    const last = nodes(env.history).at(-1);
    expect(last).toEqual({ kind: 'GENERATION_SWITCHED', generation: 1, details: { from: 3, to: 1 }, actor: userActor(hope) });

    // The next push is N+1 after the newest generation, not after the current one.
    const pushed = await mutate(will.token, PUSH_GENERATION, { environmentId: envId, manifest: { install: { a: 4 } } });
    expect(pushed.generation).toMatchObject({ number: 4, description: null, manifest: { install: { a: 4 } } });
    expect(pushed.environment.currentGeneration.number).toBe(4);
  });

  it('renames and owner changes appear in the history, in order, with their details', async () => {
    const renamed = await mutate(will.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: envId, name: 'app-2' });
    expect(renamed.environment).toMatchObject({ id: envId, name: 'app-2', owner: { id: hope.id } });
    const reowned = await mutate(ci, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: envId, ownerUserId: will.id });
    expect(reowned.environment).toMatchObject({ id: envId, name: 'app-2', owner: { id: will.id } });

    const old = await t.server.graphql(hope.token, ENV, { slug, name: 'app' });
    expectOk(old);
    expect(old.data.organization.environment).toBeNull();

    const env = await readEnvironment(hope.token, slug, 'app-2');
    expect(env).toMatchObject({ id: envId, name: 'app-2', owner: { id: will.id, subject: will.subject } });
    const robot = machineActor(ciId, 'history-ci');
    expect(nodes(env.history)).toEqual([
      { kind: 'CREATED', generation: 1, details: expect.anything(), actor: userActor(hope) },
      { kind: 'GENERATION_PUSHED', generation: 2, details: expect.anything(), actor: userActor(will) },
      { kind: 'GENERATION_PUSHED', generation: 3, details: expect.anything(), actor: robot },
      { kind: 'GENERATION_SWITCHED', generation: 1, details: { from: 3, to: 1 }, actor: userActor(hope) },
      { kind: 'GENERATION_PUSHED', generation: 4, details: expect.anything(), actor: userActor(will) },
      { kind: 'RENAMED', generation: 4, details: { from: 'app', to: 'app-2' }, actor: userActor(will) },
      { kind: 'OWNER_CHANGED', generation: 4, details: { from: hope.id, to: will.id }, actor: robot },
    ]);
  });

  it('one call can rename and change the owner: both appear in history', async () => {
    const both = await mutate(hope.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: envId, name: 'app-3', ownerUserId: hope.id });
    expect(both.environment).toMatchObject({ name: 'app-3', owner: { id: hope.id } });
    const env = await readEnvironment(hope.token, slug, 'app-3');
    expect(nodes(env.history).slice(-2).map((h: any) => [h.kind, h.details])).toEqual([
      ['RENAMED', { from: 'app-2', to: 'app-3' }],
      ['OWNER_CHANGED', { from: will.id, to: hope.id }],
    ]);
  });

  it('concurrent pushes each get their own generation number: N+1, N+2, ... with none lost or repeated', async () => {
    const created = await mutate(hope.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'busy' });
    const tokens = [hope.token, will.token, ci];
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, i) => t.server.graphql(tokens[i % 3]!, PUSH_GENERATION, { i: { environmentId: created.environment.id, manifest: { push: i } } })),
    );
    for (const res of results) expectOk(res, 'concurrent push');
    const numbers = results.map((r) => r.data.pushEnvironmentGeneration.generation.number).sort((a: number, b: number) => a - b);
    expect(numbers).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const env = await readEnvironment(hope.token, slug, 'busy');
    expect(env.currentGeneration.number).toBe(10);
    expect(nodes(env.generations).map((g: any) => g.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The current generation is the last push to commit: its manifest is that push's.
    const last = results.find((r) => r.data.pushEnvironmentGeneration.generation.number === 10)!;
    expect(env.currentGeneration.manifest).toEqual(last.data.pushEnvironmentGeneration.generation.manifest);
  });

  it('concurrent creates of one name: exactly one succeeds, the others are CONFLICT', async () => {
    const results = await Promise.all(
      [hope.token, will.token, ci, hope.token].map((token) => t.server.graphql(token, CREATE_ENVIRONMENT, { i: { organizationId: org.id, name: 'raced' } })),
    );
    const ok = results.filter((r) => r.errors === undefined);
    const refused = results.filter((r) => r.errors !== undefined);
    expect(ok, results.map((r) => r.raw).join('\n')).toHaveLength(1);
    for (const r of refused) expect(codes(r), r.raw).toEqual(['CONFLICT']);
    expect((await environmentNames(hope.token, slug)).filter((n) => n === 'raced')).toHaveLength(1);
  });

  it('switching to the current generation is CONFLICT; to a generation that does not exist, NOT_FOUND; both change nothing', async () => {
    const env = await readEnvironment(hope.token, slug, 'app-3');
    expect(env.currentGeneration.number).toBe(4);
    await expectRefused(hope.token, SWITCH_GENERATION, { environmentId: envId, generation: 4 }, { code: 'CONFLICT' }, 'switch to current');
    await expectRefused(ci, SWITCH_GENERATION, { environmentId: envId, generation: 4 }, { code: 'CONFLICT' }, 'machine switch to current');
    for (const generation of [5, 99, 0, -1]) {
      await expectRefused(hope.token, SWITCH_GENERATION, { environmentId: envId, generation }, { code: 'NOT_FOUND' }, `switch to ${generation}`);
    }
  });
});

describe('deleting an environment', () => {
  const slug = 'deletions';
  let org: SeededOrganization;
  let envId: string;

  beforeAll(async () => {
    org = await t.seed.organization(slug, { owner: 'dora', writers: ['dan'] });
    envId = (await mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'doomed', manifest: { v: 1 } })).environment.id;
    await mutate(org.owner.token, PUSH_GENERATION, { environmentId: envId, manifest: { v: 2 }, description: 'v2' });
    await mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'survivor' });
  });

  it('removes it from every path: environment(name:) and node(id:) read null, environments no longer lists it', async () => {
    const deleted = await mutate(org.members.dan!.token, DELETE_ENVIRONMENT, { environmentId: envId });
    expect(deleted).toEqual({ deletedEnvironmentId: envId, organization: { slug } });
    for (const token of [org.owner.token, org.members.dan!.token]) {
      const res = await t.server.graphql(token, `query($id: ID!) {
        organization(slug: "deletions") { environment(name: "doomed") { id } environments(first: 100) { edges { node { name } } } }
        node(id: $id) { id }
      }`, { id: envId });
      expectOk(res);
      expect(res.data).toEqual({ organization: { environment: null, environments: { edges: [{ node: { name: 'survivor' } }] } }, node: null });
    }
  });

  it('mutations on its id answer NOT_FOUND and change nothing', async () => {
    const token = org.owner.token;
    await expectRefused(token, PUSH_GENERATION, { environmentId: envId, manifest: { v: 3 } }, { code: 'NOT_FOUND' }, 'push');
    await expectRefused(token, SWITCH_GENERATION, { environmentId: envId, generation: 1 }, { code: 'NOT_FOUND' }, 'switch');
    await expectRefused(token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: envId, name: 'revived' }, { code: 'NOT_FOUND' }, 'rename');
    await expectRefused(token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: envId, ownerUserId: org.owner.id }, { code: 'NOT_FOUND' }, 'owner change');
    await expectRefused(token, DELETE_ENVIRONMENT, { environmentId: envId }, { code: 'NOT_FOUND' }, 'delete again');
  });

  it('its audit events remain in the organization’s audit log', async () => {
    const res = await t.server.graphql(org.owner.token, AUDIT, { slug });
    expectOk(res);
    const ofIt = nodes(res.data.organization.auditLog)
      .filter((e: any) => e.targetId === envId)
      .map((e: any) => e.operation);
    expect(ofIt).toEqual(['deleteEnvironment', 'pushEnvironmentGeneration', 'createEnvironment']);
  });

  it('its name can be reused by a new environment, which starts afresh at generation 1', async () => {
    const created = await mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'doomed', manifest: { fresh: true } });
    expect(created.environment.id).not.toBe(envId);
    const env = await readEnvironment(org.owner.token, slug, 'doomed');
    expect(env.id).toBe(created.environment.id);
    expect(env.currentGeneration).toMatchObject({ number: 1, manifest: { fresh: true } });
    expect(nodes(env.generations).map((g: any) => g.number)).toEqual([1]);
    expect(nodes(env.history).map((h: any) => h.kind)).toEqual(['CREATED']);
    // The deleted one stays deleted.
    const node = await t.server.graphql(org.owner.token, NODE, { id: envId });
    expect(node.data.node).toBeNull();
    // And a rename onto a deleted environment's old name is fine too.
    expectOk(await t.server.graphql(org.owner.token, DELETE_ENVIRONMENT, { i: { environmentId: created.environment.id } }));
    const survivor = await readEnvironment(org.owner.token, slug, 'survivor');
    const renamed = await mutate(org.owner.token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: survivor.id, name: 'doomed' });
    expect(renamed.environment.name).toBe('doomed');
  });
});
