import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { conflict } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../lib/connection.js';
import { toGlobalId } from '../../lib/global-id.js';
import { description, packageName, packageVersion, systems } from '../../lib/validate.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import { actorOf, authorOf, resolveActorType } from './actor.js';
import { insertPackageVersion, upsertPackage } from './package-queries.js';

export const packageResolvers: Resolvers = {
  Organization: {
    packages: async (org, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.packagesPage.load({ parentId: org.id, page }), page, timeKeyOf);
    },
    package: (org, { name }, ctx) => ctx.loaders.packageByName.load({ organizationId: org.id, name }),
  },
  Package: {
    id: (pkg) => toGlobalId('Package', pkg.id),
    versions: (pkg, _args, ctx) => ctx.loaders.packageVersions.load({ parentId: pkg.id, tenantId: pkg.organizationId }),
    organization: (pkg, _args, ctx) => ctx.loaders.organizationById.load(pkg.organizationId),
  },
  PackageVersion: {
    publishedAt: (version) => version.createdAt,
    publishedBy: (version, _args, ctx) => actorOf(ctx, version),
  },
  Actor: {
    __resolveType: resolveActorType,
  },
  Mutation: {
    publishPackage: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const { organizationId } = scope;
      const name = packageName(input.name);
      const version = packageVersion(input.version);
      const builtFor = systems(input.systems);
      const text = description(input.description);
      const pkg = await upsertPackage(tx, { organizationId, name, description: text });
      const published = await insertPackageVersion(tx, {
        organizationId,
        packageId: pkg.id,
        version,
        systems: builtFor,
        description: text,
        ...authorOf(ctx.principal),
      });
      // Rolled back with the package row: a republish changes nothing.
      if (!published) throw conflict(`${name} ${version} is already published; publish a new version instead`);
      Object.assign(audit, { targetId: toGlobalId('Package', pkg.id), details: { name, version, systems: builtFor } });
      return { package: pkg, version: published };
    },
  },
};
