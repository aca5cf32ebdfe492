/** Where organizations, their members and their machine clients sit in the access model. */
import { placed, type ObjectTypes } from '../../access/scopes.js';
import type { OrganizationRow } from '../../db/schema.js';
import type { Context } from '../context.js';

export const organizationObjects: ObjectTypes<Context> = {
  Organization: {
    scopeOf: (organization: OrganizationRow) => ({ organizationId: organization.id }),
    visibleById: (ctx, id) => ctx.loaders.visibleOrganizationById.load(id),
    // The principal's organization roles come with it: whether it sees an organization needs no look-up.
    visibleScopeById: (ctx, id) => (ctx.access.organizationRole(id) === null ? null : { organizationId: id }),
  },
  OrganizationMember: { scopeOf: placed },
  MachineClient: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleMachineClientById.load(id) },
};
