/**
 * FlowX's "Quick capability comparison" table (seeds/003), the one both the
 * HTTP matrix suite and the unit test of `decide` go through cell by cell:
 * 15 capabilities x 9 roles, copied verbatim from the seed. Where its prose
 * is more restrictive than its table, the restrictive reading wins
 * (RESTRICTIONS); a ✅* cell (workspace roles on project configuration) is
 * allowed only with a PROJECT_EDITOR grant on the project; N/A cells are left out.
 */

export const SEED_TABLE = `
| Create workspace          | ✅          | ❌                | ❌               | ❌             | ❌               | ❌                  | ❌              | ❌               | ❌               |
| Manage workspace users    | ✅          | ✅                | ❌               | ❌             | ❌               | ❌                  | ❌              | ❌               | ❌               |
| Create projects           | ✅          | ✅                | ✅               | ✅             | ✅               | ✅                  | N/A            | N/A             | N/A             |
| Edit themes               | ✅          | ✅                | ❌               | ✅             | ❌               | ❌                  | N/A            | N/A             | N/A             |
| Manage fonts              | ✅          | ✅                | ❌               | ✅             | ❌               | ❌                  | N/A            | N/A             | N/A             |
| Create builds             | ✅          | ✅                | ❌               | ❌             | ✅               | ❌                  | ✅              | ✅               | ❌               |
| Edit active policy        | ✅          | ✅                | ❌               | ❌             | ✅               | ❌                  | ✅              | ✅               | ❌               |
| Manage config parameters  | ✅          | ✅                | ❌               | ❌             | ✅               | ❌                  | ✅              | ✅               | ❌               |
| Manage operations         | ✅          | ✅                | ❌               | ❌             | ✅               | ✅                  | N/A            | N/A             | N/A             |
| Edit process variables    | ✅          | ✅                | ✅               | ❌             | ✅               | ✅                  | N/A            | N/A             | N/A             |
| Edit processes            | ✅          | ✅\\*              | ✅\\*             | ✅\\*           | ✅\\*             | ✅\\*                | ✅              | ✅               | ❌               |
| Manage templates          | ✅          | ✅\\*              | ✅\\*             | ✅\\*           | ✅\\*             | ✅\\*                | ✅              | ✅               | ❌               |
| Configure integrations    | ✅          | ✅\\*              | ✅\\*             | ✅\\*           | ✅\\*             | ✅\\*                | ✅              | ✅               | ❌               |
| Grant project access      | ✅          | ✅                | ❌               | ❌             | ❌               | ❌                  | ✅              | ❌               | ❌               |
| Manage workspace access   | ✅          | ✅                | ❌               | ❌             | ❌               | ❌                  | ❌              | ❌               | ❌               |
`;

export const ROLES = [
  'org_admin',
  'workspace_admin',
  'workspace_user',
  'theme_editor',
  'runtime_editor',
  'operations_editor',
  'project_owner',
  'project_editor',
  'project_viewer',
] as const;
export type Role = (typeof ROLES)[number];

/** Cells where the seed's prose is more restrictive than its table: denied. */
export const RESTRICTIONS: [capability: string, role: Role, why: string][] = [
  ['Edit process variables', 'workspace_user', "the prose gives workspace_user read-only runtime access"],
];

export type Cell = 'allow' | 'deny' | 'allow-with-grant' | 'n/a';

export function parseTable(): { capability: string; cells: Record<Role, Cell> }[] {
  return SEED_TABLE.trim()
    .split('\n')
    .map((line) => {
      const [capability, ...marks] = line.split('|').slice(1, -1).map((c) => c.trim());
      const cells = Object.fromEntries(
        ROLES.map((role, i) => {
          const mark = marks[i]!;
          const restricted = RESTRICTIONS.some(([c, r]) => c === capability && r === role);
          const cell: Cell = mark === 'N/A' ? 'n/a' : restricted || mark === '❌' ? 'deny' : mark.includes('*') ? 'allow-with-grant' : 'allow';
          return [role, cell];
        }),
      ) as Record<Role, Cell>;
      return { capability: capability!, cells };
    });
}

/** The rows of the table. */
export const MATRIX = parseTable();

/** Every cell that is not N/A: [capability, role, cell]. */
export const CELLS = MATRIX.flatMap(({ capability, cells }) =>
  ROLES.filter((role) => cells[role] !== 'n/a').map((role) => [capability, role, cells[role]] as const),
);

/** The ✅* cells: allowed once the role holds PROJECT_EDITOR on the project. */
export const STARRED = CELLS.filter(([, , cell]) => cell === 'allow-with-grant');
