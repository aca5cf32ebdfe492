/**
 * docs/api.md, generated from the schema: every Query and Mutation field with
 * its arguments, description and access rule (read from the directives the
 * way the server reads them, and said in words), the error codes each
 * mutation may answer, and every input type and enum the arguments use.
 */
import { fileURLToPath } from 'node:url';
import { getDirective } from '@graphql-tools/utils';
import {
  astFromValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  print,
  type GraphQLArgument,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { readAccessRules, type AccessRule } from '../src/access/rules.js';
import type { AccessRole } from '../src/access/roles.js';
import { buildSchema, scopedTypes } from '../src/graphql/schema.js';

export const API_DOC_PATH = fileURLToPath(new URL('../docs/api.md', import.meta.url));

type RoleRule = Extract<AccessRule, { kind: 'role' }>;
type Level = 'organization' | 'workspace' | 'project';

/** Who holds each role, the roles that include it counted in (src/access/roles.ts), without the place. */
const ROLE_HOLDERS: Record<AccessRole, { level: Level; holders: string[] }> = {
  OWNER: { level: 'organization', holders: ['owners'] },
  WRITER: { level: 'organization', holders: ['writers', 'owners'] },
  READER: { level: 'organization', holders: ['readers', 'writers', 'owners'] },
  WORKSPACE_ADMIN: { level: 'workspace', holders: ['admins'] },
  WORKSPACE_USER: { level: 'workspace', holders: ['members (any workspace role)'] },
  THEME_EDITOR: { level: 'workspace', holders: ['theme editors', 'admins'] },
  RUNTIME_EDITOR: { level: 'workspace', holders: ['runtime editors', 'admins'] },
  OPERATIONS_EDITOR: { level: 'workspace', holders: ['operations editors', 'admins'] },
  PROJECT_OWNER: { level: 'project', holders: ['the owner'] },
  PROJECT_EDITOR: { level: 'project', holders: ['editors', 'the owner'] },
  PROJECT_VIEWER: { level: 'project', holders: ['viewers', 'editors', 'the owner'] },
};

/** The order holders are named in, lowest role first. */
const HOLDER_ORDER = [
  'readers', 'writers', 'owners',
  'members (any workspace role)', 'theme editors', 'runtime editors', 'operations editors', 'admins',
  'viewers', 'editors', 'the owner',
];

/** "a", "a or b", "a, b or c". */
function either(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

const LEVELS: Level[] = ['organization', 'workspace', 'project'];

/** `input.projectId` -> "Project", as the server names it in NOT_FOUND. */
function scopeTypeName(path: string[]): string {
  const field = path.at(-1)!.replace(/Id$/, '');
  return field.charAt(0).toUpperCase() + field.slice(1);
}

const code = (text: string) => `\`${text}\``;

/** One line of a Markdown table cell: no line breaks, no stray pipes. */
const cell = (text: string | null | undefined) => (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();

/** Who may call a root field, in words. */
export function whoMayCall(rule: AccessRule, { short = false } = {}): string {
  if (rule.kind === 'public') return 'Anyone, anonymous callers included.';
  const refused = short ? '' : rule.principal === 'USER' ? ' (machine clients are refused with FORBIDDEN)' : ' (users are refused with FORBIDDEN)';
  const principal = rule.principal === 'USER' ? `Users only${refused}. ` : rule.principal === 'MACHINE' ? `Machine clients only${refused}. ` : '';
  if (rule.kind === 'authenticated') {
    if (rule.principal === 'USER') return `Any signed-in user${short ? '' : '; machine clients are refused with FORBIDDEN'}.`;
    if (rule.principal === 'MACHINE') return `Any machine client${short ? '' : '; users are refused with FORBIDDEN'}.`;
    return 'Any signed-in principal: a user or a machine client.';
  }
  return `${principal}${roleSentence(rule, short)}`;
}

function roleSentence(rule: RoleRule, short: boolean): string {
  const byLevel = new Map<Level, Set<string>>();
  for (const role of rule.anyOf) {
    const { level, holders } = ROLE_HOLDERS[role];
    byLevel.set(level, new Set([...(byLevel.get(level) ?? []), ...holders]));
  }
  const holdersAt = (level: Level) => either(HOLDER_ORDER.filter((h) => byLevel.get(level)!.has(h)));
  const levels = LEVELS.filter((level) => byLevel.has(level));
  const type = rule.scopePath ? scopeTypeName(rule.scopePath) : null;
  const place = (level: Level) => (!type ? `the ${level}` : type.toLowerCase() === level ? `that ${level}` : `its ${level}`);
  const who = levels.map((level) => `${holdersAt(level)} of ${place(level)}`).join(', or ');
  const sentences = [rule.scopePath ? `For the ${type} named by ${code(rule.scopePath.join('.'))}: ${who}.` : `${capitalize(who)}.`];
  if (short) return sentences[0]!;
  const namesOrganizationRole = levels.includes('organization');
  const namesInnerRole = levels.some((level) => level !== 'organization');
  if (namesInnerRole && rule.principal !== 'MACHINE') {
    sentences.push("The organization's owners (users) qualify too: they hold every workspace and project role in it.");
  }
  if (rule.principal === null) {
    if (namesOrganizationRole && !namesInnerRole) sentences.push('A machine client qualifies through the role it was registered with.');
    else if (namesOrganizationRole) sentences.push('A machine client qualifies only through its organization role.');
    else sentences.push('Machine clients hold no workspace or project role, so they never qualify (to them the object reads as not found).');
  }
  return sentences.join(' ');
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The error codes a mutation may answer, each with when, from its rule. */
function mutationErrors(rule: AccessRule): [string, string][] {
  const errors: [string, string][] = [];
  if (rule.kind !== 'public') errors.push(['UNAUTHENTICATED', 'the caller is anonymous (no token); a bad, expired or revoked token is HTTP 401 for the whole request']);
  if (rule.kind === 'role') {
    const kind = rule.principal === 'USER' ? ', or is not a user' : rule.principal === 'MACHINE' ? ', or is not a machine client' : '';
    const scope = rule.scopePath ? `the ${scopeTypeName(rule.scopePath)}` : 'the scope';
    errors.push(['FORBIDDEN', `the caller sees ${scope} but lacks the role${kind}`]);
  } else if (rule.kind === 'authenticated' && rule.principal) {
    errors.push(['FORBIDDEN', `the caller is not a ${rule.principal === 'USER' ? 'user' : 'machine client'}, or its token may not do this`]);
  }
  if (rule.kind === 'role' && rule.scopePath) {
    errors.push(['NOT_FOUND', `the ${scopeTypeName(rule.scopePath)} named by ${code(rule.scopePath.join('.'))} (or another object the input names) does not exist or is invisible to the caller`]);
  }
  errors.push(['BAD_USER_INPUT', 'the input is invalid: a malformed or mistyped ID, or a value outside its format']);
  errors.push(['CONFLICT', 'the change would break an invariant or duplicate an existing object']);
  return errors;
}

function defaultOf(value: GraphQLArgument | GraphQLInputField): string {
  if (value.defaultValue === undefined) return '';
  const ast = astFromValue(value.defaultValue, value.type);
  return ast ? ` = ${print(ast)}` : '';
}

function signature(field: GraphQLField<unknown, unknown>): string {
  const args = field.args.map((arg) => `${arg.name}: ${String(arg.type)}${defaultOf(arg)}`).join(', ');
  return `${field.name}${args ? `(${args})` : ''}: ${String(field.type)}`;
}

function argumentTable(field: GraphQLField<unknown, unknown>): string[] {
  if (field.args.length === 0) return ['No arguments.'];
  return [
    '| argument | type | description |',
    '| --- | --- | --- |',
    ...field.args.map((arg) => `| ${code(arg.name)} | ${typeCell(arg)} | ${cell(arg.description)} |`),
  ];
}

/** An argument's or input field's type, linked to its section below when the doc lists it, and its default. */
function typeCell(value: GraphQLArgument | GraphQLInputField): string {
  const named = getNamedType(value.type);
  const type = code(String(value.type));
  const linked = isInputObjectType(named) || isEnumType(named) ? `[${type}](#${named.name.toLowerCase()})` : type;
  const fallback = defaultOf(value);
  return fallback ? `${linked} (default ${code(fallback.slice(' = '.length))})` : linked;
}

/** Input types and enums the root fields' arguments use, in order of first use. */
function inputTypesOf(roots: GraphQLObjectType[]): (GraphQLInputObjectType | GraphQLEnumType)[] {
  const seen = new Map<string, GraphQLInputObjectType | GraphQLEnumType>();
  const visit = (type: GraphQLInputType) => {
    const named = getNamedType(type);
    if (seen.has(named.name)) return;
    if (isEnumType(named)) seen.set(named.name, named);
    if (isInputObjectType(named)) {
      seen.set(named.name, named);
      Object.values(named.getFields()).forEach((f) => visit(f.type));
    }
  };
  for (const root of roots) for (const field of Object.values(root.getFields())) field.args.forEach((arg) => visit(arg.type));
  return [...seen.values()];
}

function fieldSection(schema: GraphQLSchema, root: GraphQLObjectType, field: GraphQLField<unknown, unknown>, rule: AccessRule): string[] {
  const lines = [`### ${field.name}`, '', '```graphql', signature(field), '```', ''];
  if (field.description) lines.push(field.description.replace(/\s*\n\s*/g, ' '), '');
  lines.push(`**Who may call it:** ${whoMayCall(rule)}`, '');
  const [capability] = getDirective(schema, field, 'capability') ?? [];
  if (capability) lines.push(`FlowX capability: "${capability.name as string}" (see [permissions.md](permissions.md)).`, '');
  lines.push(...argumentTable(field), '');
  if (root === schema.getMutationType()) {
    lines.push('**Errors:**', '', ...mutationErrors(rule).map(([c, when]) => `- ${code(c)}: ${when}.`), '');
  }
  return lines;
}

export function renderApiDoc(schema: GraphQLSchema = buildSchema()): string {
  const { rules } = readAccessRules(schema, scopedTypes());
  const roots = [schema.getQueryType()!, schema.getMutationType()!];
  const ruleOf = (root: GraphQLObjectType, field: string) => {
    const rule = rules.get(`${root.name}.${field}`);
    if (!rule) throw new Error(`${root.name}.${field} has no access rule`);
    return rule;
  };
  const summary = (root: GraphQLObjectType) => [
    '| field | who may call it |',
    '| --- | --- |',
    ...Object.values(root.getFields()).map((f) => `| [${code(f.name)}](#${f.name.toLowerCase()}) | ${cell(whoMayCall(ruleOf(root, f.name), { short: true }))} |`),
  ];

  const lines = [
    '# API reference',
    '',
    "<!-- Generated by `npm run docs:api` from the schema and its directives. Do not edit; the tests fail when it is stale. -->",
    '',
    'One endpoint, `POST /graphql` (JSON), with `Authorization: Bearer <access token>`; without',
    'the header the caller is anonymous. Every field below says who may call it, read from its',
    '`@public`, `@authenticated` or `@requiresRole` rule, the same rule the server enforces.',
    'Roles include the lower ones: OWNER > WRITER > READER in an organization; WORKSPACE_ADMIN',
    'includes every workspace role, and each workspace role includes WORKSPACE_USER;',
    'PROJECT_OWNER > PROJECT_EDITOR > PROJECT_VIEWER. A user who owns the organization holds every',
    'workspace and project role in it. A machine client acts as its organization with the role it was',
    'registered with, and holds no workspace or project role. Workspace and project roles count',
    'whether given to the user directly or through a group. The full matrix is in',
    '[permissions.md](permissions.md); how a request becomes a decision, in',
    '[access-model.md](access-model.md); the SDL, in [schema.graphql](schema.graphql).',
    '',
    '## Errors',
    '',
    'Every error carries `extensions.code`, one of:',
    '',
    '| code | when |',
    '| --- | --- |',
    '| `UNAUTHENTICATED` | An anonymous caller reached a field that is not `@public`. A token that is malformed, expired, badly signed, or of a revoked machine client makes the whole request HTTP 401 with this code, before any field runs. |',
    '| `FORBIDDEN` | The caller can see the scope (the organization, workspace or project the field acts in) but lacks the role the rule requires, or is the wrong kind of principal (a machine client calling a users-only mutation). A few mutations also refuse an action on the caller itself (an owner changing their own role). |',
    "| `NOT_FOUND` | The object named by the scope argument (or another object the input names) is missing or invisible to the caller. Both answers are the same, so nothing about another tenant leaks. |",
    '| `BAD_USER_INPUT` | The input is invalid: a malformed global ID or one of the wrong type, or a value outside its format (see the input fields below). Raised by a resolver, it comes with HTTP 200, the field reads as `null`, and `extensions.field` names the offending argument or input field. A variable that does not match the schema\'s types is refused before anything runs, with HTTP 400. |',
    '| `CONFLICT` | The change would break an invariant (an organization keeps at least one owner, a project exactly one owner, a system group is not edited) or duplicate an existing object (a slug, name, client id or version already taken). |',
    '| `INTERNAL_SERVER_ERROR` | Anything else, masked: no detail leaves the server. |',
    '',
    'A field read that is refused is `null` with the error at its path, and the rest of the response is',
    'served. A mutation runs in one transaction: when it fails, nothing changed.',
    '',
    '## Queries',
    '',
    ...summary(schema.getQueryType()!),
    '',
    ...Object.values(schema.getQueryType()!.getFields()).flatMap((f) => fieldSection(schema, schema.getQueryType()!, f, ruleOf(schema.getQueryType()!, f.name))),
    '## Mutations',
    '',
    ...summary(schema.getMutationType()!),
    '',
    ...Object.values(schema.getMutationType()!.getFields()).flatMap((f) =>
      fieldSection(schema, schema.getMutationType()!, f, ruleOf(schema.getMutationType()!, f.name)),
    ),
    '## Input types',
    '',
  ];
  const types = inputTypesOf(roots);
  for (const type of types.filter(isInputObjectType)) {
    lines.push(`### ${type.name}`, '');
    if (type.description) lines.push(type.description.replace(/\s*\n\s*/g, ' '), '');
    lines.push(
      '| field | type | description |',
      '| --- | --- | --- |',
      ...Object.values(type.getFields()).map((f) => `| ${code(f.name)} | ${typeCell(f)} | ${cell(f.description)} |`),
      '',
    );
  }
  lines.push('## Enums', '');
  for (const type of types.filter(isEnumType)) {
    lines.push(`### ${type.name}`, '');
    if (type.description) lines.push(type.description.replace(/\s*\n\s*/g, ' '), '');
    lines.push(...type.getValues().map((v) => `- ${code(v.name)}${v.description ? `: ${cell(v.description)}` : ''}`), '');
  }
  const headings = lines.filter((l) => l.startsWith('#')).map((l) => l.replace(/^#+ /, '').toLowerCase());
  const twice = headings.filter((h, i) => headings.indexOf(h) !== i);
  if (twice.length > 0) throw new Error(`docs/api.md would have ambiguous anchors: ${twice.join(', ')}`);
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
