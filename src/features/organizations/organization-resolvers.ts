import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { badInput, conflict, forbidden } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection } from '../../lib/connection.js';
import { toGlobalId } from '../../lib/global-id.js';
import { displayName, providerId, slug } from '../../lib/validate.js';
import { mutationOf, scopedMutationOf } from '../../mutations/runner.js';
import { userOf } from '../principals.js';
import { insertMember } from './member-queries.js';
import { visibleOrganizationBySlug } from '../../identity/principal.js';
import { insertOrganization, organizationExternalIdTaken, updateOrganization, visibleOrganizations } from './organization-queries.js';

export const organizationResolvers: Resolvers = {
  Query: {
    organizations: async (_parent, args, ctx) => {
      const page = readPage(args, isTimeKey);
      return toConnection(await visibleOrganizations(ctx.db, ctx.principal, page), page, timeKeyOf);
    },
    organization: (_parent, args, ctx) => visibleOrganizationBySlug(ctx.principal, args.slug),
  },
  Organization: {
    id: (org) => toGlobalId('Organization', org.id),
    // The type's rule let the caller see the organization: it holds a role there.
    viewerRole: (org, _args, ctx) => ctx.access.organizationRole(org.id)!,
  },
  Mutation: {
    createOrganization: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const user = userOf(ctx); // the rule admits users only
      if (user.organizationExternalId !== null) {
        throw forbidden('This token is scoped to one organization (org_id); use an unscoped token to create another');
      }
      const values = { slug: slug(input.slug), name: displayName(input.name) };
      const organization = await insertOrganization(tx, values);
      if (!organization) throw conflict(`An organization with slug "${values.slug}" already exists`);
      await insertMember(tx, { organizationId: organization.id, userId: user.userId, role: 'OWNER' });
      Object.assign(audit, { organizationId: organization.id, targetId: toGlobalId('Organization', organization.id), details: values });
      return { organization };
    },
    updateOrganization: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const patch: { name?: string; externalId?: string | null } = {};
      if (input.name != null) patch.name = displayName(input.name);
      if (input.externalId != null) {
        patch.externalId = input.externalId === '' ? null : providerId(input.externalId, 'externalId');
        if (patch.externalId && (await organizationExternalIdTaken(tx, patch.externalId, scope.id))) {
          throw conflict('Another organization already uses this externalId');
        }
      }
      if (Object.keys(patch).length === 0) throw badInput('Give name or externalId to change', 'input');
      const organization = await updateOrganization(tx, scope.id, patch);
      Object.assign(audit, { targetId: toGlobalId('Organization', scope.id), details: patch });
      return { organization };
    },
  },
};
