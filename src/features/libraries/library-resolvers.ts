import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../lib/connection.js';
import { toGlobalId } from '../../lib/global-id.js';
import { description, packageVersion } from '../../lib/validate.js';
import type { Context } from '../context.js';
import { configurationOf, exportOf } from '../projects/configuration.js';
import { findProject } from '../projects/project-queries.js';
import { createProjectOfKind, projectResolvers } from '../projects/project-resolvers.js';
import { resourcesOfProjects } from '../projects/resource-queries.js';
import { placementOf, projectResourceResolvers, userIdOf } from '../projects/resource-resolvers.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import { insertLibraryVersion } from './library-queries.js';

const REUSABLE = [configurationOf('REUSABLE_RESOURCE')!];

/** A library reads as a project does (the same row, the same grants); only its own fields are its own. */
const asProject = projectResolvers.Project!;

export const libraryResolvers: Resolvers = {
  Workspace: {
    libraries: async (ws, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.librariesPage.load({ parentId: ws.id, page }), page, timeKeyOf);
    },
    library: (ws, { slug }, ctx) => ctx.loaders.libraryBySlug.load({ workspaceId: ws.id, slug }),
  },
  Library: {
    id: (library) => toGlobalId('Library', library.id),
    workspace: asProject.workspace as never,
    owner: asProject.owner as never,
    viewerRole: asProject.viewerRole as never,
    grants: asProject.grants as never,
    reusableResources: projectResourceResolvers.Project!.reusableResources as never,
    versions: (library, _args, ctx) => ctx.loaders.libraryVersions.load({ parentId: library.id, tenantId: library.organizationId }),
  },
  LibraryVersion: {
    id: (v) => toGlobalId('LibraryVersion', v.id),
    library: (v, _args, ctx) => ctx.loaders.projectById.load({ id: v.projectId, organizationId: v.organizationId }),
    publishedBy: (v, _args, ctx) => (v.createdByUserId ? ctx.loaders.userById.load(v.createdByUserId) : null),
  },
  Build: {
    libraryVersion: (build, _args, ctx) =>
      build.libraryVersionId ? ctx.loaders.libraryVersionById.load({ id: build.libraryVersionId, organizationId: build.organizationId }) : null,
  },
  Mutation: {
    createLibrary: async (_parent, { input }, ctx) => ({ library: await createProjectOfKind(ctx, input, 'LIBRARY') }),
    publishLibraryVersion: async (_parent, { input }, ctx) => {
      const { tx, audit, library } = await libraryInScope(ctx);
      const version = packageVersion(input.version);
      const rows = await resourcesOfProjects(tx, [library.id], [library.organizationId]);
      const libraryVersion = await insertLibraryVersion(tx, {
        ...placementOf(library),
        version,
        description: description(input.description),
        resources: exportOf(rows, REUSABLE),
        createdByUserId: userIdOf(ctx),
      });
      if (!libraryVersion) throw conflict(`Version ${version} of this library is already published`);
      Object.assign(audit, { targetId: toGlobalId('LibraryVersion', libraryVersion.id), details: { version } });
      return { libraryVersion };
    },
  },
};

/** The library the mutation's scope names, read under its organization's lock. */
async function libraryInScope(ctx: Context) {
  const { tx, audit, scope } = scopedMutationOf(ctx);
  const library = await findProject(tx, { organizationId: scope.organizationId, id: scope.id });
  if (!library) throw notFound('Library');
  if (library.kind !== 'LIBRARY') throw badInput('libraryId must name a library', 'libraryId');
  return { tx, audit, library };
}

