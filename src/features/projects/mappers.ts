/** The rows behind the projects feature's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { BuildRow, ProcessInstanceRow, ProcessOperationRow, ProjectGrantRow, ProjectResourceRow, ProjectRow, ScheduledProcessRow } from '../../db/schema.js';

export type ProjectMapper = ProjectRow;
export type ProjectGrantMapper = ProjectGrantRow;
export type ProcessMapper = ProjectResourceRow;
export type TemplateMapper = ProjectResourceRow;
export type IntegrationMapper = ProjectResourceRow;
export type WorkflowMapper = ProjectResourceRow;
export type EnumerationMapper = ProjectResourceRow;
export type ProjectMediaMapper = ProjectResourceRow;
export type AiAgentMapper = ProjectResourceRow;
export type ReusableResourceMapper = ProjectResourceRow;
export type ProjectSettingMapper = ProjectResourceRow;
export type ConfigParameterMapper = ProjectResourceRow;
export type ScheduledProcessMapper = ScheduledProcessRow;
export type BuildMapper = BuildRow;
export type ProcessInstanceMapper = ProcessInstanceRow;
export type ProcessOperationMapper = ProcessOperationRow;
