import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection } from '../../graphql/connection.js';
import { expectGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { mutationOf } from '../../graphql/run-mutation.js';
import { displayName, providerId, slug } from '../../graphql/validate.js';
import { insertMember } from '../members/queries.js';
import {
  insertOrganization,
  organizationExternalIdTaken,
  updateOrganization,
  visibleOrganizationBySlug,
  visibleOrganizations,
} from './queries.js';

export const organizationResolvers: Resolvers = {
  Query: {
    organizations: async (_parent, args, ctx) => {
      const page = readPage(args, isTimeKey);
      return toConnection(await visibleOrganizations(ctx.db, ctx.principal, page), page, timeKeyOf);
    },
    organization: (_parent, args, ctx) => visibleOrganizationBySlug(ctx.db, ctx.principal, args.slug),
  },
  Organization: {
    id: (org) => toGlobalId('Organization', org.id),
    viewerRole: (org, _args, ctx) => ctx.access.organizationRole(org.id)!,
  },
  Mutation: {
    createOrganization: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      if (ctx.principal.kind !== 'user') throw forbidden();
      if (ctx.principal.organizationExternalId !== null) {
        throw forbidden('This token is scoped to one organization (org_id); use an unscoped token to create another');
      }
      const values = { slug: slug(input.slug), name: displayName(input.name) };
      const organization = await insertOrganization(tx, values);
      if (!organization) throw conflict(`An organization with slug "${values.slug}" already exists`);
      await insertMember(tx, { organizationId: organization.id, userId: ctx.principal.userId, role: 'OWNER' });
      Object.assign(audit, { organizationId: organization.id, targetId: toGlobalId('Organization', organization.id), details: values });
      return { organization };
    },
    updateOrganization: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const id = expectGlobalId(input.organizationId, 'Organization', 'organizationId');
      const patch: { name?: string; externalId?: string | null } = {};
      if (input.name != null) patch.name = displayName(input.name);
      if (input.externalId != null) {
        patch.externalId = input.externalId === '' ? null : providerId(input.externalId, 'externalId');
        if (patch.externalId && (await organizationExternalIdTaken(tx, patch.externalId, id))) {
          throw conflict('Another organization already uses this externalId');
        }
      }
      if (Object.keys(patch).length === 0) throw badInput('Give name or externalId to change', 'input');
      const organization = await updateOrganization(tx, id, patch);
      if (!organization) throw notFound('Organization');
      Object.assign(audit, { targetId: input.organizationId, details: patch });
      return { organization };
    },
  },
};
