/**
 * Packages of the catalog: details, supported systems and available
 * versions; publishing creates the package with its first version, a version
 * is published once, the description is the latest one's, and bad names,
 * versions and systems are refused without changing anything. Over HTTP with
 * real signed tokens, a user's and a machine client's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogChecks, machineActor, PACKAGE, PACKAGES, userActor } from '../helpers/catalog.js';
import { expectOk } from '../helpers/expect.js';
import { globalId, nodes } from '../helpers/ids.js';
import { PUBLISH_PACKAGE } from '../helpers/operations.js';
import type { SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { mutate, expectRefused } = catalogChecks(t);

describe('packages: details, supported systems and available versions', () => {
  const slug = 'packages';
  let org: SeededOrganization;
  let ci: string;
  let ciId: string;
  let packageId: string;

  beforeAll(async () => {
    org = await t.seed.organization(slug, { owner: 'paula', readers: ['pete'] });
    ({ id: ciId, token: ci } = await org.machineClient('packages-ci', 'WRITER'));
  });

  it('publishPackage creates the package with its first version', async () => {
    const published = await mutate(org.owner.token, PUBLISH_PACKAGE, {
      organizationId: org.id,
      name: 'hello',
      version: '1.0.0',
      systems: ['x86_64-linux', 'aarch64-darwin'],
      description: 'Says hello',
    });
    packageId = published.package.id;
    expect(published.package).toMatchObject({ name: 'hello', description: 'Says hello' });
    expect(published.package.versions.map((v: any) => v.version)).toEqual(['1.0.0']);
    expect([...published.version.systems].sort()).toEqual(['aarch64-darwin', 'x86_64-linux']);
    expect(published.version.publishedBy).toEqual(userActor(org.owner));
  });

  it('a second version is added; versions list their systems, oldest first, readable by a reader', async () => {
    const published = await mutate(ci, PUBLISH_PACKAGE, {
      organizationId: org.id,
      name: 'hello',
      version: '1.1.0',
      systems: ['x86_64-linux', 'aarch64-linux', 'x86_64-darwin', 'aarch64-darwin'],
      description: 'Says hello, louder',
    });
    expect(published.package.id).toBe(packageId);
    expect(published.version.publishedBy).toEqual(machineActor(ciId, 'packages-ci'));

    const res = await t.server.graphql(org.members.pete!.token, PACKAGE, { slug, name: 'hello' });
    expectOk(res);
    const pkg = res.data.organization.package;
    expect(pkg).toMatchObject({ id: packageId, name: 'hello', description: 'Says hello, louder' });
    expect(pkg.versions.map((v: any) => [v.version, [...v.systems].sort(), v.publishedBy.__typename])).toEqual([
      ['1.0.0', ['aarch64-darwin', 'x86_64-linux'], 'User'],
      ['1.1.0', ['aarch64-darwin', 'aarch64-linux', 'x86_64-darwin', 'x86_64-linux'], 'MachineClient'],
    ]);
    const list = await t.server.graphql(org.members.pete!.token, PACKAGES, { slug, first: 100 });
    expect(nodes(list.data.organization.packages)).toEqual([{ id: packageId, name: 'hello' }]);
  });

  it('republishing an existing version is CONFLICT and changes nothing, not even the package description', async () => {
    for (const token of [org.owner.token, ci]) {
      await expectRefused(
        token,
        PUBLISH_PACKAGE,
        { organizationId: org.id, name: 'hello', version: '1.0.0', systems: ['x86_64-linux'], description: 'Rewritten history' },
        { code: 'CONFLICT' },
        'republish 1.0.0',
      );
    }
    const res = await t.server.graphql(org.owner.token, PACKAGE, { slug, name: 'hello' });
    expect(res.data.organization.package.description).toBe('Says hello, louder');
    expect(res.data.organization.package.versions.map((v: any) => [v.version, v.description])).toEqual([
      ['1.0.0', 'Says hello'],
      ['1.1.0', 'Says hello, louder'],
    ]);
  });

  it('the package description is the description of the latest published version', async () => {
    await mutate(org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, name: 'described', version: '1', systems: ['x86_64-linux'], description: 'First words' });
    await mutate(org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, name: 'described', version: '2', systems: ['x86_64-linux'], description: 'Second words' });
    let res = await t.server.graphql(org.owner.token, PACKAGE, { slug, name: 'described' });
    expect(res.data.organization.package.description).toBe('Second words');
    // The latest version carries no description: neither does the package.
    await mutate(org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, name: 'described', version: '3', systems: ['x86_64-linux'] });
    res = await t.server.graphql(org.owner.token, PACKAGE, { slug, name: 'described' });
    const pkg = res.data.organization.package;
    expect(pkg.versions.at(-1)).toMatchObject({ version: '3', description: null });
    expect(pkg.description).toBe(pkg.versions.at(-1).description);
  });

  const publish = (fields: Record<string, unknown>) => ({ name: 'fresh', version: '1.0.0', systems: ['x86_64-linux'], ...fields });

  it.each([
    ['upper case', 'Hello'],
    ['empty', ''],
    ['a leading hyphen', '-hello'],
    ['a space', 'hel lo'],
    ['a slash', 'hel/lo'],
    ['101 characters', 'h'.repeat(101)],
  ])('refuses a package name with %s (%j): BAD_USER_INPUT on name, nothing changes', async (_label, name) => {
    await expectRefused(org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, ...publish({ name }) }, { code: 'BAD_USER_INPUT', field: 'name' }, `name ${name}`);
  });

  it.each([
    ['empty', ''],
    ['a leading dot', '.1'],
    ['a space', '1 0'],
    ['a slash', '1/0'],
    ['65 characters', '1'.repeat(65)],
  ])('refuses a version with %s (%j): BAD_USER_INPUT on version, nothing changes', async (_label, version) => {
    await expectRefused(org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, ...publish({ version }) }, { code: 'BAD_USER_INPUT', field: 'version' }, `version ${version}`);
    // Not even a new version of an existing package.
    await expectRefused(org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, ...publish({ name: 'hello', version }) }, { code: 'BAD_USER_INPUT', field: 'version' }, `hello ${version}`);
  });

  it.each([
    ['empty', []],
    ['an unknown system', ['x86_64-windows']],
    ['an unknown system beside known ones', ['x86_64-linux', 'riscv64-linux']],
    ['a duplicate system', ['x86_64-linux', 'x86_64-linux']],
    ['an empty string', ['']],
  ])('refuses systems that are %s: BAD_USER_INPUT on systems, nothing changes', async (_label, systems) => {
    await expectRefused(org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, ...publish({ systems }) }, { code: 'BAD_USER_INPUT', field: 'systems' }, `systems ${systems}`);
    await expectRefused(ci, PUBLISH_PACKAGE, { organizationId: org.id, ...publish({ name: 'hello', version: '2.0.0', systems }) }, { code: 'BAD_USER_INPUT', field: 'systems' }, `hello systems ${systems}`);
  });

  it('refuses a malformed organizationId: BAD_USER_INPUT on organizationId', async () => {
    for (const organizationId of ['nope', globalId('Organization', 'not-a-uuid')]) {
      await expectRefused(org.owner.token, PUBLISH_PACKAGE, { organizationId, ...publish({}) }, { code: 'BAD_USER_INPUT', field: 'organizationId' }, organizationId);
    }
  });
});
