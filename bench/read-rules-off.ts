/**
 * `node --import tsx --import ./bench/read-rules-off.ts src/main.ts`: the
 * real Orgraph, with one module swapped (see read-rules-off-hooks.mjs and
 * without-read-rules.ts): the @requiresRole transformer leaves the resolvers
 * of queries unwrapped. Everything else (server, context, loaders, SQL,
 * plugins, mutations) is the code `npm start` runs.
 */
import { register } from 'node:module';

register('./read-rules-off-hooks.mjs', import.meta.url);
