/**
 * The key that caches keep answers under: two principals whose access
 * decisions can differ never share one. Checked as a property over
 * principals built to collide (few ids, `org_id` values that print alike:
 * absent, empty, the string "null"), and against `decide` itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { principalKey, type Principal } from '../../src/identity/principal.js';
import { decide, type AccessRole, type HeldRoles } from '../../src/access/roles.js';
import type { OrganizationRole } from '../../src/db/schema.js';

const ids = fc.constantFrom('u1', 'u2', 'org1', 'org2', '');
const role = fc.constantFrom<OrganizationRole>('OWNER', 'WRITER', 'READER');
const externalId = fc.constantFrom(null, '', 'null', 'org_a', 'org_a ', '42');

const principal: fc.Arbitrary<Principal> = fc.oneof(
  fc.constant<Principal>({ kind: 'anonymous' }),
  fc.record({
    kind: fc.constant('user' as const),
    userId: ids,
    subject: fc.constantFrom('auth0|a', 'auth0|b'),
    organizationExternalId: externalId,
    organizationRoles: fc.array(fc.tuple(fc.constantFrom('org1', 'org2', 'org3'), role), { maxLength: 3 }).map((entries) => new Map(entries)),
    organizations: fc.constant(new Map()),
  }),
  fc.record({
    kind: fc.constant('machine' as const),
    machineClientId: ids,
    clientId: fc.constantFrom('ci', 'deploy'),
    organizationId: fc.constantFrom('org1', 'org2'),
    role,
  }).map((machine) => ({ ...machine, organization: { id: machine.organizationId, slug: machine.organizationId, name: machine.organizationId, externalId: null, createdAt: new Date(0) } })),
);

/** What a decision reads from a principal, in a form deep equality compares. */
function decisionInputs(p: Principal) {
  switch (p.kind) {
    case 'anonymous':
      return { kind: p.kind };
    case 'user':
      return { kind: p.kind, userId: p.userId, organizationExternalId: p.organizationExternalId, roles: Object.fromEntries(p.organizationRoles) };
    case 'machine':
      return { kind: p.kind, machineClientId: p.machineClientId, organizationId: p.organizationId, role: p.role };
  }
}

/** The roles an organization-level check sees, as the access layer builds them. */
function heldAt(p: Principal, organizationId: string): HeldRoles {
  const organization = p.kind === 'user' ? (p.organizationRoles.get(organizationId) ?? null) : p.kind === 'machine' && p.organizationId === organizationId ? p.role : null;
  return { principal: p.kind, organization, workspace: [], project: [] };
}

describe('principalKey', () => {
  it('gives two principals one key only when every input of a decision is the same', () => {
    fc.assert(
      fc.property(principal, principal, (a, b) => {
        if (principalKey(a) === principalKey(b)) expect(decisionInputs(a)).toEqual(decisionInputs(b));
      }),
      { numRuns: 5000 },
    );
  });

  it('never lets principals that decide differently share a key', () => {
    const rule = fc.record({
      anyOf: fc.subarray<AccessRole>(['OWNER', 'WRITER', 'READER'], { minLength: 1 }),
      principal: fc.constantFrom(null, 'USER' as const, 'MACHINE' as const),
    });
    fc.assert(
      fc.property(principal, principal, fc.constantFrom('org1', 'org2', 'org3'), rule, (a, b, organizationId, r) => {
        const differ = decide(heldAt(a, organizationId), 'organization', r) !== decide(heldAt(b, organizationId), 'organization', r);
        if (differ) expect(principalKey(a)).not.toBe(principalKey(b));
      }),
      { numRuns: 5000 },
    );
  });

  it('tells an org_id narrowed to nothing from no org_id at all', () => {
    const user = (organizationExternalId: string | null): Principal => ({ kind: 'user', userId: 'u1', subject: 's', organizationExternalId, organizationRoles: new Map(), organizations: new Map() });
    const keys = [null, '', 'null', '42'].map((id) => principalKey(user(id)));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
