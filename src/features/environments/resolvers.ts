import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { EnvironmentRow } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isNumberKey, isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../graphql/connection.js';
import { expectGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { mutationOf } from '../../graphql/run-mutation.js';
import { catalogName, description, jsonObject } from '../../graphql/validate.js';
import { actorOf, authorOf } from '../catalog-actor.js';
import { findMember } from '../members/queries.js';
import {
  appendEnvironmentEvent,
  findLiveEnvironment,
  generationExists,
  insertEnvironment,
  insertGeneration,
  latestGenerationNumber,
  liveEnvironmentNamed,
  updateEnvironment,
} from './queries.js';

const isSequenceKey = (v: unknown): v is [number] => Array.isArray(v) && v.length === 1 && Number.isSafeInteger(v[0]) && v[0] >= 0;

export const environmentResolvers: Resolvers = {
  Organization: {
    environments: async (org, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.environmentsPage.load({ parentId: org.id, page }), page, timeKeyOf);
    },
    environment: (org, { name }, ctx) => ctx.loaders.environmentByName.load({ organizationId: org.id, name }),
  },
  Environment: {
    id: (env) => toGlobalId('Environment', env.id),
    owner: (env, _args, ctx) => (env.ownerUserId ? ctx.loaders.userById.load(env.ownerUserId) : null),
    currentGeneration: async (env, _args, ctx) =>
      (await ctx.loaders.generationByNumber.load({ environmentId: env.id, number: env.currentGeneration }))!,
    generations: async (env, args, ctx) => {
      const page = readPage<SortKey>(args, isNumberKey);
      const rows = await ctx.loaders.generationsPage.load({ parentId: env.id, page, tenantId: env.organizationId });
      return toConnection(rows, page, (g) => [g.number, g.id]);
    },
    history: async (env, args, ctx) => {
      const page = readPage<SortKey>(args, isSequenceKey);
      const rows = await ctx.loaders.environmentEventsPage.load({ parentId: env.id, page, tenantId: env.organizationId });
      return toConnection(rows, page, (e) => [e.id]);
    },
    organization: async (env, _args, ctx) => (await ctx.loaders.visibleOrganizationById.load(env.organizationId))!,
  },
  EnvironmentGeneration: {
    createdBy: (generation, _args, ctx) => actorOf(ctx, generation),
  },
  EnvironmentEvent: {
    actor: (event, _args, ctx) => actorOf(ctx, event),
  },
  DeleteEnvironmentPayload: {
    deletedEnvironmentId: (env) => toGlobalId('Environment', env.id),
    organization: async (env, _args, ctx) => (await ctx.loaders.visibleOrganizationById.load(env.organizationId))!,
  },
  Mutation: {
    createEnvironment: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const organizationId = expectGlobalId(input.organizationId, 'Organization', 'organizationId');
      const name = catalogName(input.name);
      const firstManifest = input.manifest == null ? {} : jsonObject(input.manifest, 'manifest');
      if (await liveEnvironmentNamed(tx, organizationId, name)) throw conflict(`An environment named "${name}" already exists`);
      const author = authorOf(ctx.principal);
      const environment = await insertEnvironment(tx, { organizationId, name, ownerUserId: author.authorUserId });
      const scope = { organizationId, environmentId: environment.id };
      await insertGeneration(tx, { ...scope, number: 1, manifest: firstManifest, description: 'Created', ...author });
      await appendEnvironmentEvent(tx, { ...scope, kind: 'CREATED', generation: 1, details: { name }, ...author });
      Object.assign(audit, { targetId: toGlobalId('Environment', environment.id), details: { name } });
      return { environment };
    },
    pushEnvironmentGeneration: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const current = await liveEnvironment(ctx, input.environmentId);
      const newManifest = jsonObject(input.manifest, 'manifest');
      const author = authorOf(ctx.principal);
      // The organization lock held by the mutation makes max + 1 safe from concurrent pushes.
      const number = (await latestGenerationNumber(tx, current.id)) + 1;
      const scope = { organizationId: current.organizationId, environmentId: current.id };
      const generation = await insertGeneration(tx, { ...scope, number, manifest: newManifest, description: description(input.description), ...author });
      const environment = await updateEnvironment(tx, current.id, { currentGeneration: number });
      await appendEnvironmentEvent(tx, { ...scope, kind: 'GENERATION_PUSHED', generation: number, ...author });
      Object.assign(audit, { targetId: input.environmentId, details: { generation: number } });
      return { generation, environment };
    },
    switchEnvironmentGeneration: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const current = await liveEnvironment(ctx, input.environmentId);
      if (!(await generationExists(tx, current.id, input.generation))) throw notFound(`Generation ${input.generation}`);
      if (current.currentGeneration === input.generation) throw conflict(`Generation ${input.generation} is already current`);
      const environment = await updateEnvironment(tx, current.id, { currentGeneration: input.generation });
      await appendEnvironmentEvent(tx, {
        organizationId: current.organizationId,
        environmentId: current.id,
        kind: 'GENERATION_SWITCHED',
        generation: input.generation,
        details: { from: current.currentGeneration, to: input.generation },
        ...authorOf(ctx.principal),
      });
      Object.assign(audit, { targetId: input.environmentId, details: { from: current.currentGeneration, to: input.generation } });
      return { environment };
    },
    updateEnvironmentSettings: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const current = await liveEnvironment(ctx, input.environmentId);
      if (input.name == null && input.ownerUserId == null) throw badInput('Give name or ownerUserId to change', 'input');
      const author = authorOf(ctx.principal);
      const scope = { organizationId: current.organizationId, environmentId: current.id, generation: current.currentGeneration };
      const patch: Partial<EnvironmentRow> = {};
      if (input.name != null && input.name !== current.name) {
        const name = catalogName(input.name);
        if (await liveEnvironmentNamed(tx, current.organizationId, name)) throw conflict(`An environment named "${name}" already exists`);
        patch.name = name;
        await appendEnvironmentEvent(tx, { ...scope, kind: 'RENAMED', details: { from: current.name, to: name }, ...author });
      }
      if (input.ownerUserId != null) {
        const ownerUserId = expectGlobalId(input.ownerUserId, 'User', 'ownerUserId');
        if (!(await findMember(tx, current.organizationId, ownerUserId))) {
          throw badInput('ownerUserId must be a member of the organization', 'ownerUserId');
        }
        if (ownerUserId !== current.ownerUserId) {
          patch.ownerUserId = ownerUserId;
          const from = current.ownerUserId && toGlobalId('User', current.ownerUserId);
          await appendEnvironmentEvent(tx, { ...scope, kind: 'OWNER_CHANGED', details: { from, to: input.ownerUserId }, ...author });
        }
      }
      const environment = Object.keys(patch).length > 0 ? await updateEnvironment(tx, current.id, patch) : current;
      Object.assign(audit, { targetId: input.environmentId, details: patch });
      return { environment };
    },
    deleteEnvironment: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const current = await liveEnvironment(ctx, input.environmentId);
      const environment = await updateEnvironment(tx, current.id, { deletedAt: new Date() });
      Object.assign(audit, { targetId: input.environmentId, details: { name: current.name } });
      return environment;
    },
  },
};

/** The environment an input names, read under the mutation's lock; deleted ones are gone. */
async function liveEnvironment(ctx: Parameters<typeof mutationOf>[0], globalId: string): Promise<EnvironmentRow> {
  const environment = await findLiveEnvironment(mutationOf(ctx).tx, expectGlobalId(globalId, 'Environment', 'environmentId'));
  if (!environment) throw notFound('Environment');
  return environment;
}
