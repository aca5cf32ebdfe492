/**
 * Candidate rules in shadow mode: a schema whose saveProcess gets a stricter
 * candidate (owners only) and whose Organization.auditLog a looser one
 * (writers too). Live, every response is the live rule's, and each request
 * where the candidate would decide otherwise is counted by coordinate and
 * both decisions; with ACCESS_RULES=candidate the candidates decide.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import { codeOf, expectOk } from '../helpers/expect.js';
import { SAVE_PROCESS } from '../helpers/operations.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

/** The project's SDL with a candidate beside two live rules. */
function withCandidates(): string[] {
  const edits: [RegExp, string][] = [
    [/(saveProcess\(input: SaveProcessInput!\): ProcessPayload!\s*@requiresRole\(role: PROJECT_EDITOR, scope: "input.projectId"\))/, '$1 @candidateRule(role: PROJECT_OWNER)'],
    [/(auditLog\(first: Int, after: String\): AuditEventConnection @requiresRole\(role: OWNER\))/, '$1 @candidateRule(role: WRITER)'],
  ];
  const typeDefs = loadTypeDefs();
  for (const [pattern, replacement] of edits) {
    const index = typeDefs.findIndex((sdl) => pattern.test(sdl));
    expect(index, String(pattern)).toBeGreaterThanOrEqual(0);
    typeDefs[index] = typeDefs[index]!.replace(pattern, replacement);
  }
  return typeDefs;
}

// Each divergence logs a warning: this suite means them.
const t = useOrgraph({ RATE_LIMIT: 'off', LOG_LEVEL: 'error' }, { typeDefs: withCandidates() });

const AUDIT_LOG = 'query($slug: String!) { organization(slug: $slug) { auditLog(first: 1) { edges { node { operation } } } } }';
const divergences = (coordinate: string, live: string, candidate: string) =>
  t.server.metric(`orgraph_candidate_rule_divergence_total{coordinate="${coordinate}",live="${live}",candidate="${candidate}"}`);

let org: SeededOrganization;
let owner: Person;
let editor: Person;
let writer: Person;
let projectId: string;

beforeAll(async () => {
  org = await t.seed.organization('shadowed', { owner: 'sowner', writers: ['swriter'] });
  owner = org.owner;
  writer = org.members.swriter!;
  const ws = await org.workspace('shadow-ws', { users: ['seditor'] });
  editor = ws.members.seditor!;
  projectId = (await ws.project('shadow', { owner, editors: [editor] })).id;
});

const save = (who: Person, name: string) => t.server.graphql(who.token, SAVE_PROCESS, { i: { projectId, name, definition: { nodes: [] } } });

describe('a candidate rule in shadow mode', () => {
  it('leaves every response to the live rule and counts where the candidate differs', async () => {
    // The editor's save: allowed live, refused by the candidate.
    expect(expectOk(await save(editor, 'by-editor')).saveProcess.process.name).toBe('by-editor');
    expect(await divergences('Mutation.saveProcess', 'allow', 'forbidden')).toBe(1);
    // The owner's: both allow, nothing counted.
    expectOk(await save(owner, 'by-owner'));
    expect(await divergences('Mutation.saveProcess', 'allow', 'forbidden')).toBe(1);

    // The writer's audit log: refused live, allowed by the candidate.
    const res = await t.server.graphql(writer.token, AUDIT_LOG, { slug: org.slug });
    expect(codeOf(res), res.raw).toBe('FORBIDDEN');
    expect(res.data.organization.auditLog).toBeNull();
    expect(await divergences('Organization.auditLog', 'forbidden', 'allow')).toBe(1);
    expect(expectOk(await t.server.graphql(owner.token, AUDIT_LOG, { slug: org.slug })).organization.auditLog.edges).toHaveLength(1);
    expect(await divergences('Organization.auditLog', 'allow', 'allow')).toBe(0);
  });

  it('decides by the candidates with ACCESS_RULES=candidate', async () => {
    const trial = await t.start({ ACCESS_RULES: 'candidate', RATE_LIMIT: 'off', LOG_LEVEL: 'error' });
    const seed = t.seedOn(trial);
    const trialOrg = await seed.organization('trial', { owner: 'towner', writers: ['twriter'] });
    const ws = await trialOrg.workspace('trial-ws', { users: ['teditor'] });
    const trialEditor = ws.members.teditor!;
    const trialProject = await ws.project('trial', { owner: trialOrg.owner, editors: [trialEditor] });
    const res = await trial.graphql(trialEditor.token, SAVE_PROCESS, { i: { projectId: trialProject.id, name: 'refused', definition: { nodes: [] } } });
    expect(codeOf(res), res.raw).toBe('FORBIDDEN');
    expect(res.errors![0]!.extensions).toMatchObject({ requiredRoles: ['PROJECT_OWNER'] });
    // The log itself, not its events: those of the workspace have rules of their own.
    const log = await trial.graphql(trialOrg.members.twriter!.token, 'query { organization(slug: "trial") { auditLog(first: 1) { pageInfo { hasNextPage } } } }');
    expect(expectOk(log).organization.auditLog.pageInfo.hasNextPage).toBe(true);
    expect(await trial.metric('orgraph_candidate_rule_divergence_total')).toBe(0);
  });
});
