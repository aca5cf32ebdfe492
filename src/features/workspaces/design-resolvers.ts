import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { notFound } from '../../errors.js';
import { toGlobalId } from '../../lib/global-id.js';
import { contentType, displayName, httpsUrl, jsonObject } from '../../lib/validate.js';
import { deleteWorkspaceResource, findWorkspace, findWorkspaceResource, putThemeSection, updateWorkspaceRow } from './workspace-queries.js';
import { inWorkspace, saveWorkspaceResource, workspaceInScope } from './workspace-resolvers.js';

type Sections = Record<string, Record<string, unknown>>;

/** The workspace's design resources beyond themes and fonts: the global media library, the default theme, theme sections. */
export const designResolvers: Resolvers = {
  Workspace: {
    media: (ws, _args, ctx) => ctx.loaders.workspaceMedia.load({ parentId: ws.id, tenantId: ws.organizationId }),
    defaultTheme: (ws, _args, ctx) =>
      ws.defaultThemeId ? ctx.loaders.workspaceResourceById.load({ id: ws.defaultThemeId, organizationId: ws.organizationId }) : null,
  },
  Theme: {
    sections: (theme) => Object.entries((theme.body.sections ?? {}) as Sections).map(([name, tokens]) => ({ name, tokens })),
  },
  WorkspaceMedia: {
    id: (media) => toGlobalId('WorkspaceMedia', media.id),
    source: (media) => media.body.source as string,
    contentType: (media) => media.body.contentType as string,
  },
  Mutation: {
    saveWorkspaceMedia: async (_parent, { input }, ctx) => {
      const body = { source: httpsUrl(input.source), contentType: contentType(input.contentType) };
      return { media: await saveWorkspaceResource(ctx, 'MEDIA', displayName(input.name), body) };
    },
    setDefaultTheme: async (_parent, { input }, ctx) => {
      const { tx, audit, workspace } = await workspaceInScope(ctx);
      const theme = await findWorkspaceResource(tx, inWorkspace(workspace), 'THEME', input.themeName);
      if (!theme) throw notFound(`Theme "${input.themeName}"`);
      Object.assign(audit, { targetId: toGlobalId('Workspace', workspace.id), details: { defaultTheme: theme.name } });
      return { workspace: await updateWorkspaceRow(tx, workspace, { defaultThemeId: theme.id }) };
    },
    deleteTheme: async (_parent, { input }, ctx) => {
      const { tx, audit, workspace } = await workspaceInScope(ctx);
      // A default theme deleted leaves the workspace without one (the foreign key sets it to null).
      if (!(await deleteWorkspaceResource(tx, inWorkspace(workspace), 'THEME', input.name))) throw notFound(`Theme "${input.name}"`);
      Object.assign(audit, { targetId: toGlobalId('Workspace', workspace.id), details: { kind: 'THEME', name: input.name } });
      return { workspace: (await findWorkspace(tx, { organizationId: workspace.organizationId, id: workspace.id }))! };
    },
    saveThemeSection: async (_parent, { input }, ctx) => {
      const { tx, audit, workspace } = await workspaceInScope(ctx);
      const section = displayName(input.section, 'section');
      const theme = await putThemeSection(tx, inWorkspace(workspace), input.themeName, section, jsonObject(input.tokens, 'tokens'));
      if (!theme) throw notFound(`Theme "${input.themeName}"`);
      Object.assign(audit, { targetId: toGlobalId('Workspace', workspace.id), details: { theme: theme.name, section } });
      return { theme };
    },
  },
};
