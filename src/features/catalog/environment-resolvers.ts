import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { EnvironmentRow } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { present } from '../../lib/batch.js';
import { isNumberKey, isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../lib/connection.js';
import { expectGlobalId, toGlobalId } from '../../lib/global-id.js';
import { catalogName, description, jsonObject } from '../../lib/validate.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import type { Context } from '../context.js';
import { findMember } from '../organizations/member-queries.js';
import { actorOf, authorOf } from './actor.js';
import {
  appendEnvironmentEvent,
  findLiveEnvironment,
  generationExists,
  insertEnvironment,
  insertGeneration,
  latestGenerationNumber,
  liveEnvironmentNamed,
  updateEnvironment,
} from './environment-queries.js';

const isSequenceKey = (v: unknown): v is [number] => Array.isArray(v) && v.length === 1 && Number.isSafeInteger(v[0]) && v[0] >= 0;
const generationKeyOf = (g: { number: number; id: string }): SortKey => [g.number, g.id];
const eventKeyOf = (e: { id: number }): SortKey => [e.id];

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
    currentGeneration: (env, _args, ctx) =>
      present(
        ctx.loaders.generationByNumber.load({ organizationId: env.organizationId, environmentId: env.id, number: env.currentGeneration }),
        `generation ${env.currentGeneration} of environment ${env.id}`,
      ),
    generations: async (env, args, ctx) => {
      const page = readPage<SortKey>(args, isNumberKey);
      const rows = await ctx.loaders.generationsPage.load({ parentId: env.id, page, tenantId: env.organizationId });
      return toConnection(rows, page, generationKeyOf);
    },
    history: async (env, args, ctx) => {
      const page = readPage<SortKey>(args, isSequenceKey);
      const rows = await ctx.loaders.environmentEventsPage.load({ parentId: env.id, page, tenantId: env.organizationId });
      return toConnection(rows, page, eventKeyOf);
    },
    organization: (env, _args, ctx) => ctx.loaders.organizationById.load(env.organizationId),
  },
  EnvironmentGeneration: {
    manifest: async (generation, _args, ctx) =>
      generation.manifest ?? (await ctx.loaders.generationManifest.load({ id: generation.id, organizationId: generation.organizationId })).manifest,
    createdBy: (generation, _args, ctx) => actorOf(ctx, generation),
  },
  EnvironmentEvent: {
    actor: (event, _args, ctx) => actorOf(ctx, event),
  },
  DeleteEnvironmentPayload: {
    deletedEnvironmentId: (env) => toGlobalId('Environment', env.id),
    organization: (env, _args, ctx) => ctx.loaders.organizationById.load(env.organizationId),
  },
  Mutation: {
    createEnvironment: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const { organizationId } = scope;
      const name = catalogName(input.name);
      const firstManifest = input.manifest == null ? {} : jsonObject(input.manifest, 'manifest');
      if (await liveEnvironmentNamed(tx, organizationId, name)) throw conflict(`An environment named "${name}" already exists`);
      const author = authorOf(ctx.principal);
      const environment = await insertEnvironment(tx, { organizationId, name, ownerUserId: author.authorUserId });
      const placement = { organizationId, environmentId: environment.id };
      await insertGeneration(tx, { ...placement, number: 1, manifest: firstManifest, description: 'Created', ...author });
      await appendEnvironmentEvent(tx, { ...placement, kind: 'CREATED', generation: 1, details: { name }, ...author });
      Object.assign(audit, { targetId: toGlobalId('Environment', environment.id), details: { name } });
      return { environment };
    },
    pushEnvironmentGeneration: async (_parent, { input }, ctx) => {
      const { tx, audit, current } = await environmentInScope(ctx);
      const newManifest = jsonObject(input.manifest, 'manifest');
      const author = authorOf(ctx.principal);
      // The organization lock held by the mutation makes max + 1 safe from concurrent pushes.
      const number = (await latestGenerationNumber(tx, current)) + 1;
      const placement = { organizationId: current.organizationId, environmentId: current.id };
      const generation = await insertGeneration(tx, { ...placement, number, manifest: newManifest, description: description(input.description), ...author });
      const environment = await updateEnvironment(tx, current, { currentGeneration: number });
      await appendEnvironmentEvent(tx, { ...placement, kind: 'GENERATION_PUSHED', generation: number, ...author });
      Object.assign(audit, { targetId: toGlobalId('Environment', current.id), details: { generation: number } });
      return { generation, environment };
    },
    switchEnvironmentGeneration: async (_parent, { input }, ctx) => {
      const { tx, audit, current } = await environmentInScope(ctx);
      if (!(await generationExists(tx, current, input.generation))) throw notFound(`Generation ${input.generation}`);
      if (current.currentGeneration === input.generation) throw conflict(`Generation ${input.generation} is already current`);
      const environment = await updateEnvironment(tx, current, { currentGeneration: input.generation });
      await appendEnvironmentEvent(tx, {
        organizationId: current.organizationId,
        environmentId: current.id,
        kind: 'GENERATION_SWITCHED',
        generation: input.generation,
        details: { from: current.currentGeneration, to: input.generation },
        ...authorOf(ctx.principal),
      });
      Object.assign(audit, { targetId: toGlobalId('Environment', current.id), details: { from: current.currentGeneration, to: input.generation } });
      return { environment };
    },
    updateEnvironmentSettings: async (_parent, { input }, ctx) => {
      const { tx, audit, current } = await environmentInScope(ctx);
      if (input.name == null && input.ownerUserId == null) throw badInput('Give name or ownerUserId to change', 'input');
      const author = authorOf(ctx.principal);
      const placement = { organizationId: current.organizationId, environmentId: current.id, generation: current.currentGeneration };
      const patch: Partial<EnvironmentRow> = {};
      if (input.name != null && input.name !== current.name) {
        const name = catalogName(input.name);
        if (await liveEnvironmentNamed(tx, current.organizationId, name)) throw conflict(`An environment named "${name}" already exists`);
        patch.name = name;
        await appendEnvironmentEvent(tx, { ...placement, kind: 'RENAMED', details: { from: current.name, to: name }, ...author });
      }
      if (input.ownerUserId != null) {
        const ownerUserId = expectGlobalId(input.ownerUserId, 'User', 'ownerUserId');
        if (!(await findMember(tx, current.organizationId, ownerUserId))) {
          throw badInput('ownerUserId must be a member of the organization', 'ownerUserId');
        }
        if (ownerUserId !== current.ownerUserId) {
          patch.ownerUserId = ownerUserId;
          const from = current.ownerUserId && toGlobalId('User', current.ownerUserId);
          await appendEnvironmentEvent(tx, { ...placement, kind: 'OWNER_CHANGED', details: { from, to: toGlobalId('User', ownerUserId) }, ...author });
        }
      }
      const environment = Object.keys(patch).length > 0 ? await updateEnvironment(tx, current, patch) : current;
      Object.assign(audit, { targetId: toGlobalId('Environment', current.id), details: patch });
      return { environment };
    },
    deleteEnvironment: async (_parent, _args, ctx) => {
      const { tx, audit, current } = await environmentInScope(ctx);
      const environment = await updateEnvironment(tx, current, { deletedAt: new Date() });
      Object.assign(audit, { targetId: toGlobalId('Environment', current.id), details: { name: current.name } });
      return environment;
    },
  },
};

/** The environment the mutation's scope names, read under its organization's lock; deleted ones are gone. */
async function environmentInScope(ctx: Context) {
  const { tx, audit, scope } = scopedMutationOf(ctx);
  const current = await findLiveEnvironment(tx, scope);
  if (!current) throw notFound('Environment');
  return { tx, audit, current };
}
