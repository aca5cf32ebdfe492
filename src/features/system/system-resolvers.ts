import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { sql } from 'drizzle-orm';
import { displayName, httpsUrl, jsonObject } from '../../lib/validate.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import { toGlobalId } from '../../lib/global-id.js';
import type { Context } from '../context.js';
import { appliedMigrationCount, knownMigrationCount, upsertOrganizationResource } from './system-queries.js';
import type { OrganizationResourceRow } from '../../db/schema.js';

export const systemResolvers: Resolvers = {
  Organization: {
    fonts: (org, _args, ctx) => ctx.loaders.globalFonts.load({ parentId: org.id, tenantId: org.id }),
    outOfOfficePolicies: (org, _args, ctx) => ctx.loaders.outOfOfficePolicies.load({ parentId: org.id, tenantId: org.id }),
    platformStatus: async (_org, _args, ctx) => {
      const started = performance.now();
      // Each part says what it found; a database that does not answer is a status, not an error.
      const ok = await ctx.db.execute(sql`select 1`).then(
        () => true,
        () => false,
      );
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      const applied = ok ? await appliedMigrationCount(ctx.db).catch(() => 0) : 0;
      const known = knownMigrationCount();
      return {
        database: { ok, latencyMs },
        changeFeed: { alive: ctx.changes.health().healthy },
        migrations: { applied, known, upToDate: applied >= known },
      };
    },
  },
  GlobalFont: {
    family: (font) => font.name,
    source: (font) => font.body.source as string,
  },
  OutOfOfficePolicy: {
    rules: (policy) => policy.body.rules,
  },
  Mutation: {
    saveGlobalFont: async (_parent, { input }, ctx) => ({
      font: await saveOrganizationResource(ctx, 'FONT', displayName(input.family, 'family'), { source: httpsUrl(input.source) }),
    }),
    saveOutOfOfficePolicy: async (_parent, { input }, ctx) => ({
      policy: await saveOrganizationResource(ctx, 'OUT_OF_OFFICE_POLICY', displayName(input.name), { rules: jsonObject(input.rules, 'rules') }),
    }),
  },
};

async function saveOrganizationResource(ctx: Context, kind: OrganizationResourceRow['kind'], name: string, body: Record<string, unknown>) {
  const { tx, audit, scope } = scopedMutationOf(ctx);
  const row = await upsertOrganizationResource(tx, { organizationId: scope.id, kind, name, body });
  Object.assign(audit, { targetId: toGlobalId('Organization', scope.id), details: { kind, name } });
  return row;
}
