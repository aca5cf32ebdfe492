/** The rows behind the projects feature's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { BuildRow, ProcessInstanceRow, ProcessOperationRow, ProjectGrantRow, ProjectResourceRow, ProjectRow } from '../../db/schema.js';

export type ProjectMapper = ProjectRow;
export type ProjectGrantMapper = ProjectGrantRow;
export type ProcessMapper = ProjectResourceRow;
export type TemplateMapper = ProjectResourceRow;
export type IntegrationMapper = ProjectResourceRow;
export type ConfigParameterMapper = ProjectResourceRow;
export type BuildMapper = BuildRow;
export type ProcessInstanceMapper = ProcessInstanceRow;
export type ProcessOperationMapper = ProcessOperationRow;
