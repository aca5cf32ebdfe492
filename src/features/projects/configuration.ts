/**
 * A project's configuration resources, one table for all of them: each kind's
 * list field on Project, its GraphQL type's content fields, its save
 * mutation and payload, and how its input is checked. Resolvers, the export
 * and the library's published versions are all made from this table, so a
 * new kind is one entry here (and its SDL).
 */
import type { ProjectResourceRow } from '../../db/schema.js';
import { catalogName, contentType, httpsUrl, jsonObject, jsonValue, key } from '../../lib/validate.js';

export type ResourceKind = ProjectResourceRow['kind'];

export interface ConfigurationKind {
  kind: ResourceKind;
  /** The list field on Project (and the key of the export). */
  list: string;
  /** Its GraphQL type. */
  type: string;
  /** The type's content fields: the keys of the row's body. */
  content: readonly string[];
  /** The field of the type that reads the row's name. */
  nameField: 'name' | 'key';
  mutation: string;
  /** The payload's field. */
  payload: string;
  /** The input's name and content, checked: the content's keys are the type's fields. */
  read(input: Record<string, unknown>): { name: string; body: Record<string, unknown> };
}

const named = (input: Record<string, unknown>) => catalogName(input.name as string);
const document = (field: string) => (input: Record<string, unknown>) => ({ name: named(input), body: { [field]: jsonObject(input[field], field) } });

export const CONFIGURATION: readonly ConfigurationKind[] = [
  { kind: 'PROCESS', list: 'processes', type: 'Process', nameField: 'name', content: ['definition'], mutation: 'saveProcess', payload: 'process', read: document('definition') },
  { kind: 'TEMPLATE', list: 'templates', type: 'Template', nameField: 'name', content: ['body'], mutation: 'saveTemplate', payload: 'template', read: document('body') },
  { kind: 'INTEGRATION', list: 'integrations', type: 'Integration', nameField: 'name', content: ['config'], mutation: 'saveIntegration', payload: 'integration', read: document('config') },
  { kind: 'WORKFLOW', list: 'workflows', type: 'Workflow', nameField: 'name', content: ['definition'], mutation: 'saveWorkflow', payload: 'workflow', read: document('definition') },
  { kind: 'ENUMERATION', list: 'enumerations', type: 'Enumeration', nameField: 'name', content: ['values'], mutation: 'saveEnumeration', payload: 'enumeration', read: document('values') },
  {
    kind: 'MEDIA',
    list: 'media',
    type: 'ProjectMedia',
    nameField: 'name',
    content: ['source', 'contentType'],
    mutation: 'saveProjectMedia',
    payload: 'media',
    read: (input) => ({ name: named(input), body: { source: httpsUrl(input.source as string), contentType: contentType(input.contentType as string) } }),
  },
  { kind: 'AI_AGENT', list: 'aiAgents', type: 'AiAgent', nameField: 'name', content: ['config'], mutation: 'saveAiAgent', payload: 'aiAgent', read: document('config') },
  {
    kind: 'REUSABLE_RESOURCE',
    list: 'reusableResources',
    type: 'ReusableResource',
    nameField: 'name',
    content: ['body'],
    mutation: 'saveReusableResource',
    payload: 'reusableResource',
    read: document('body'),
  },
  {
    kind: 'SETTING',
    list: 'settings',
    type: 'ProjectSetting',
    nameField: 'key',
    content: ['value'],
    mutation: 'saveProjectSetting',
    payload: 'setting',
    read: (input) => ({ name: key(input.key as string, 'key'), body: { value: jsonValue(input.value, 'value') } }),
  },
];

export const configurationOf = (kind: ResourceKind) => CONFIGURATION.find((c) => c.kind === kind);

/** One resource as the export and a library version write it: its name and its content fields. */
export const exported = (row: ProjectResourceRow, nameField: string) => ({ [nameField]: row.name, ...row.body });

/** A project's configuration, every kind by its list name, from all of its resource rows (in name order). */
export function exportOf(rows: readonly ProjectResourceRow[], kinds: readonly ConfigurationKind[] = CONFIGURATION): Record<string, unknown[]> {
  return Object.fromEntries(kinds.map((c) => [c.list, rows.filter((r) => r.kind === c.kind).map((r) => exported(r, c.nameField))]));
}
