/**
 * The policy file format (docs/policy-tests.md): fixtures of organizations,
 * people, machine clients, workspaces, groups and projects, then
 * expectations of the form "this principal, this action, this resource: this
 * decision". Read from YAML and checked whole, every problem reported with
 * the file and the path of the value.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

const name = z.string().trim().min(1);
const organizationRole = z.enum(['OWNER', 'WRITER', 'READER']);
const workspaceRole = z.enum(['WORKSPACE_ADMIN', 'WORKSPACE_USER', 'THEME_EDITOR', 'RUNTIME_EDITOR', 'OPERATIONS_EDITOR']);
const projectRole = z.enum(['PROJECT_OWNER', 'PROJECT_EDITOR', 'PROJECT_VIEWER']);
const names = z.array(name).default([]);

const project = z.strictObject({
  slug: name,
  owner: name,
  /** People, or `group:<name>` for a group of the workspace. */
  editors: names,
  viewers: names,
  /** The everyone group's role; the API's default (PROJECT_VIEWER) when left out, none when null. */
  everyoneRole: projectRole.nullable().optional(),
  /** Processes saved and started once each by the owner, so that their instances can be named. */
  processInstances: names,
});

const group = z.strictObject({ name, members: names, role: workspaceRole.optional() });

const workspace = z.strictObject({
  slug: name,
  /** A workspace role by person; anyone named joins the organization as READER first if needed. */
  roles: z.record(name, workspaceRole).default({}),
  groups: z.array(group).default([]),
  projects: z.array(project).default([]),
});

const organization = z.strictObject({
  slug: name,
  owner: name,
  owners: names,
  writers: names,
  readers: names,
  machineClients: z.array(z.strictObject({ clientId: name, role: organizationRole })).default([]),
  /** Environments created by the owner. */
  environments: names,
  workspaces: z.array(workspace).default([]),
});

export const DECISIONS = ['ALLOWED', 'FORBIDDEN', 'NOT_VISIBLE'] as const;
export type ExpectedDecision = (typeof DECISIONS)[number];

const expectation = z.strictObject({
  /** A person's name or a machine client's id. */
  principal: name,
  /** A schema coordinate with a rule: `Mutation.saveProcess`, `Project.grants`. */
  action: z.string().regex(/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/, 'a schema coordinate such as Mutation.saveProcess'),
  /** `organization/<org>`, `environment/<org>/<name>`, `workspace/<org>/<ws>`, `group/<org>/<ws>/<name>`, `project/<org>/<ws>/<project>`, `processInstance/<org>/<ws>/<project>/<process>`. */
  resource: name,
  decision: z.enum(DECISIONS),
});

const policyFile = z.strictObject({
  description: z.string().optional(),
  /** People signed in who belong to no organization of the file unless named there. */
  people: names,
  organizations: z.array(organization).default([]),
  expectations: z.array(expectation).min(1),
});

export type PolicyFile = z.infer<typeof policyFile>;
export type Expectation = z.infer<typeof expectation>;
export type OrganizationFixture = z.infer<typeof organization>;
export type WorkspaceFixture = z.infer<typeof workspace>;

export class PolicyFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file} is not a valid policy file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyFileError';
  }
}

export async function readPolicyFile(file: string): Promise<PolicyFile> {
  let document: unknown;
  try {
    document = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new PolicyFileError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const parsed = policyFile.safeParse(document);
  if (!parsed.success) throw new PolicyFileError(file, parsed.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`));
  return parsed.data;
}
