/**
 * The lifecycle every HTTP suite shares: a real OAuth2 issuer on loopback,
 * an Orgraph on a database of its own, and the fluent seed, started before
 * the suite's tests and stopped after them, with any other server the suite
 * starts through the handle. The handle's fields are set once `beforeAll`
 * has run, so read them inside tests and hooks.
 */
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startIssuer, type TestIssuer } from './issuer.js';
import { startOrgraphOn, type IssuerEndpoints, type TestOrgraph } from './orgraph.js';
import { leakChecked } from './requests.js';
import { seedFor, type Seed } from './seed.js';

type Env = Record<string, string>;

export interface UseOrgraphOptions<I extends IssuerEndpoints> {
  /** Another issuer than the test one (a key server of the suite's own); the seed then cannot sign anyone in. */
  issuer?: () => I | Promise<I>;
  /** Another database than a fresh one of the project's engine (a Postgres of the suite's own). */
  database?: () => Promise<TestDatabase>;
  /** Every GraphQL answer of every server, the seed's included, checked for leaks (leaks.ts). */
  leakChecked?: boolean;
  /** Another SDL than the project's (its own plus extensions), for every server of the suite. */
  typeDefs?: string[];
  /** For the start-up hook, when it must be shorter than the project's. */
  timeout?: number;
}

export interface OrgraphUnderTest<I extends IssuerEndpoints = TestIssuer> {
  issuer: I;
  server: TestOrgraph;
  seed: Seed;
  /** Another Orgraph against the same issuer, on a database of its own, configured by `env` alone. */
  start(env?: Env): Promise<TestOrgraph>;
  /** Another Orgraph on `beside`'s database, configured by `env` alone: a second process's view of the same data. */
  startBeside(beside: TestOrgraph, env?: Env): Promise<TestOrgraph>;
  /** A seed that works through `server`. */
  seedOn(server: TestOrgraph): Seed;
}

export function useOrgraph(env?: Env, options?: Omit<UseOrgraphOptions<TestIssuer>, 'issuer'>): OrgraphUnderTest<TestIssuer>;
export function useOrgraph<I extends IssuerEndpoints>(env: Env, options: UseOrgraphOptions<I> & { issuer: () => I | Promise<I> }): OrgraphUnderTest<I>;
export function useOrgraph(env: Env = {}, options: UseOrgraphOptions<IssuerEndpoints> = {}): OrgraphUnderTest<IssuerEndpoints> {
  const started: TestOrgraph[] = [];
  let stopIssuer = async () => {};
  let seed: Seed | undefined;

  const launch = async (database: TestDatabase, serverEnv: Env) => {
    const server = await startOrgraphOn(handle.issuer, database.env, serverEnv, database.drop, options.typeDefs ? { typeDefs: options.typeDefs } : {});
    started.push(server);
    return options.leakChecked ? leakChecked(server) : server;
  };
  const seedOn = (server: TestOrgraph) => {
    if (!('userToken' in handle.issuer)) throw new Error('this suite has no issuer that signs people in');
    return seedFor(server, handle.issuer as TestIssuer);
  };

  const handle: OrgraphUnderTest<IssuerEndpoints> = {
    issuer: undefined as unknown as IssuerEndpoints,
    server: undefined as unknown as TestOrgraph,
    get seed() {
      return (seed ??= seedOn(handle.server));
    },
    start: async (extra = {}) => launch(await createTestDatabase(), extra),
    startBeside: (beside, extra = {}) => launch({ env: beside.databaseEnv, drop: async () => {} }, extra),
    seedOn,
  };

  beforeAll(async () => {
    if (options.issuer) {
      handle.issuer = await options.issuer();
    } else {
      const issuer = await startIssuer();
      handle.issuer = issuer;
      stopIssuer = () => issuer.stop();
    }
    handle.server = await launch(await (options.database ?? createTestDatabase)(), env);
  }, options.timeout);

  afterAll(async () => {
    // The last started first: a server beside another stops before the other drops their database.
    for (const server of started.reverse()) await server.stop();
    await stopIssuer();
  });
  return handle;
}
