import { it } from 'vitest';
import { UPDATE_ORGANIZATION as RENAME } from '../helpers/operations.js';
import { useOrgraph } from '../helpers/use-orgraph.js';
const t = useOrgraph({}, { timeout: 60_000 });
it('lat', async () => {
  const org = await t.seed.organization('lat', { owner: 'lat.owner' });
  for (let round = 0; round < 3; round++) {
    const s = performance.now();
    for (let i = 0; i < 20; i++) await t.server.graphql(org.owner.token, RENAME, { i: { organizationId: org.id, name: `n${i}` } });
    const m = performance.now();
    for (let i = 0; i < 20; i++) await t.server.graphql(org.owner.token, '{ organizations { edges { node { slug } } } }', { n: i });
    console.log('mutation ms', (m - s) / 20, 'query ms', (performance.now() - m) / 20);
  }
});
