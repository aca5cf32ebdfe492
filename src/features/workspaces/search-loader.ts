/** Searches of many workspaces in one request: one statement for members and one for groups per distinct query. */
import DataLoader from 'dataloader';
import type { Db } from '../../db/client.js';
import type { GroupRow, UserRow } from '../../db/schema.js';
import type { OnBatch } from '../../lib/batch.js';
import { usersByIds } from '../viewer/user-queries.js';
import { searchGroups, searchMembers } from './search-queries.js';

export interface SearchKey {
  workspaceId: string;
  organizationId: string;
  /** Lower case, trimmed. */
  query: string;
}

export function principalSearch(db: Db, onBatch: OnBatch) {
  return new DataLoader<SearchKey, (UserRow | GroupRow)[], string>(
    async (keys) => {
      onBatch('searchPrincipals');
      const found = new Map<string, (UserRow | GroupRow)[]>();
      const queries = new Map<string, SearchKey[]>();
      for (const key of keys) queries.set(key.query, [...(queries.get(key.query) ?? []), key]);
      await Promise.all(
        [...queries].map(async ([query, group]) => {
          const ids = group.map((k) => k.workspaceId);
          const tenants = [...new Set(group.map((k) => k.organizationId))];
          const [members, groups] = await Promise.all([searchMembers(db, ids, tenants, query), searchGroups(db, ids, tenants, query)]);
          const users = new Map((await (members.length ? usersByIds(db, members.map((m) => m.userId!)) : [])).map((u) => [u.id, u]));
          for (const id of ids) {
            const ofWorkspace = members.filter((m) => m.workspaceId === id).flatMap((m) => users.get(m.userId!) ?? []);
            found.set(`${id}/${query}`, [...ofWorkspace, ...groups.filter((g) => g.workspaceId === id)]);
          }
        }),
      );
      return keys.map((k) => found.get(`${k.workspaceId}/${k.query}`) ?? []);
    },
    { cacheKeyFn: (k) => `${k.workspaceId}/${k.query}` },
  );
}
