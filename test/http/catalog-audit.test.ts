/**
 * The audit of the catalog: each catalog mutation writes one audit event
 * naming the operation, its target and its actor, the machine client when
 * one acted.
 */
import { describe, expect, it } from 'vitest';
import { AUDIT, catalogChecks, userActor } from '../helpers/catalog.js';
import { expectOk } from '../helpers/expect.js';
import { nodes } from '../helpers/ids.js';
import { CREATE_ENVIRONMENT, PUSH_GENERATION, SWITCH_GENERATION, UPDATE_ENVIRONMENT_SETTINGS, DELETE_ENVIRONMENT, PUBLISH_PACKAGE } from '../helpers/operations.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { mutate, auditRowsSince } = catalogChecks(t);

describe('audit of the catalog', () => {
  it('each catalog mutation writes one audit event naming the operation, with actorMachineClient when a machine client acted', async () => {
    const slug = 'catalog-audit';
    const org = await t.seed.organization(slug, { owner: 'ada', writers: ['abe'] });
    const ada = org.owner;
    const abe = org.members.abe!;
    const { id: ciId, token: ci } = await org.machineClient('catalog-audit-ci', 'WRITER');

    const steps: [operation: string, who: string, target: string][] = [];
    let envId = '';
    const before = await t.server.snapshot();
    const created = await mutate(ada.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'audited' });
    envId = created.environment.id;
    steps.push(['createEnvironment', 'ada', envId]);
    await mutate(ci, PUSH_GENERATION, { environmentId: envId, manifest: { a: 2 } });
    steps.push(['pushEnvironmentGeneration', 'ci', envId]);
    await mutate(abe.token, SWITCH_GENERATION, { environmentId: envId, generation: 1 });
    steps.push(['switchEnvironmentGeneration', 'abe', envId]);
    await mutate(ci, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: envId, name: 'audited-2', ownerUserId: abe.id });
    steps.push(['updateEnvironmentSettings', 'ci', envId]);
    const published = await mutate(ci, PUBLISH_PACKAGE, { organizationId: org.id, name: 'audited-pkg', version: '1.0', systems: ['aarch64-linux'] });
    steps.push(['publishPackage', 'ci', published.package.id]);
    await mutate(abe.token, DELETE_ENVIRONMENT, { environmentId: envId });
    steps.push(['deleteEnvironment', 'abe', envId]);

    const rows = await auditRowsSince(before);
    expect(rows.map((r) => r.operation)).toEqual(steps.map((s) => s[0]));

    const res = await t.server.graphql(ada.token, AUDIT, { slug });
    expectOk(res);
    const events = nodes(res.data.organization.auditLog).slice(0, steps.length).reverse();
    const actorOf = (who: string) =>
      who === 'ci'
        ? { actorKind: 'MACHINE', actorUser: null, actorMachineClient: { id: ciId, clientId: 'catalog-audit-ci' } }
        : { actorKind: 'USER', actorUser: userActor(who === 'ada' ? ada : abe), actorMachineClient: null };
    expect(events.map((e: any) => [e.operation, e.targetId, e.actorKind, e.actorUser && { id: e.actorUser.id, subject: e.actorUser.subject }, e.actorMachineClient])).toEqual(
      steps.map(([operation, who, target]) => {
        const a = actorOf(who);
        return [operation, target, a.actorKind, a.actorUser && { id: a.actorUser.id, subject: a.actorUser.subject }, a.actorMachineClient];
      }),
    );
    // The log's older entries are the organization's own set-up.
    expect(nodes(res.data.organization.auditLog).slice(steps.length).map((e: any) => e.operation)).toEqual([
      'createMachineClient',
      'addOrganizationMember',
      'createOrganization',
    ]);
  });
});
