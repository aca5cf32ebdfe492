/**
 * The lifecycle every HTTP suite shares: a real OAuth2 issuer on loopback,
 * an Orgraph on a database of its own, and the fluent seed, started before
 * the suite's tests and stopped after them. The handle's fields are set once
 * `beforeAll` has run, so read them inside tests and hooks.
 */
import { afterAll, beforeAll } from 'vitest';
import { startIssuer, type TestIssuer } from './issuer.js';
import { startOrgraph, type TestOrgraph } from './orgraph.js';
import { seedFor } from './seed.js';

export interface OrgraphUnderTest {
  issuer: TestIssuer;
  server: TestOrgraph;
  seed: ReturnType<typeof seedFor>;
}

export function useOrgraph(env: Record<string, string> = {}): OrgraphUnderTest {
  const handle = {} as OrgraphUnderTest;
  beforeAll(async () => {
    handle.issuer = await startIssuer();
    handle.server = await startOrgraph(handle.issuer, env);
    handle.seed = seedFor(handle.server, handle.issuer);
  });
  afterAll(async () => {
    await handle.server?.stop();
    await handle.issuer?.stop();
  });
  return handle;
}
