/** The rows behind the workspaces feature's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { GroupRow, WorkspaceResourceRow, WorkspaceRow } from '../../db/schema.js';
import type { WorkspaceMemberRow } from './workspace-queries.js';

export type WorkspaceMapper = WorkspaceRow;
export type WorkspaceMemberMapper = WorkspaceMemberRow;
export type GroupMapper = GroupRow;
export type ThemeMapper = WorkspaceResourceRow;
export type FontMapper = WorkspaceResourceRow;
export type WorkspaceMediaMapper = WorkspaceResourceRow;
