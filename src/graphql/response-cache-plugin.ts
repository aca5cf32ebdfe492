/**
 * Answers a query from memory when the same principal asked the same thing
 * and nothing it depends on has been written since (see change-feed.ts: the
 * principal's organizations and user). The key holds the
 * principal (so no answer crosses from one caller to another, whatever their
 * roles), the document's hash, the operation name and the variables. Only
 * complete query results without errors are kept; mutations are never cached.
 * Parsing, validation and the limits still run for every request: the cache
 * sits where execution would start.
 */
import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { principalKey, principalTags } from '../identity/principal.js';
import type { Context } from '../features/context.js';
import type { Metrics } from '../metrics.js';
import type { ChangeFeed } from '../cache/change-feed.js';
import type { GenerationCache } from '../cache/generation-cache.js';

export type ResponseCache = GenerationCache<FormattedExecutionResult>;

export function responseCachePlugin(cache: ResponseCache, metrics: Metrics, changes: ChangeFeed): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let pending: { key: string; since: number; tags: string[] } | null = null;
      return {
        async responseForOperation({ operation, contextValue, queryHash, request }): Promise<GraphQLResponse | null> {
          if (operation?.operation !== 'query') return null; // absent when operationName names none: execution reports it
          const generation = cache.begin();
          if (generation === null) return null;
          // Read-your-writes: a token for a write this process may not have heard of yet bypasses the cache.
          const { requested, freshAsOf } = contextValue.consistency;
          if (requested !== null && !changes.covers(requested)) return null;
          const key = [principalKey(contextValue.principal), queryHash, request.operationName ?? '', JSON.stringify(request.variables ?? {})].join('\n');
          const hit = cache.get(key);
          metrics.responseCache.inc({ outcome: hit ? 'hit' : 'miss' });
          if (hit) return { http: { headers: new HeaderMap(), status: undefined }, body: { kind: 'single', singleResult: hit } };
          // Read from a replica, an answer is only as fresh as what the replica had replayed.
          const since = freshAsOf(generation);
          if (since !== null) pending = { key, since, tags: principalTags(contextValue.principal) };
          return null;
        },
        async willSendResponse({ response }) {
          if (!pending || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors || result.data === undefined || result.data === null) return;
          // Sized as sent; only misses pay for it.
          cache.set(pending.key, pending.since, result, JSON.stringify(result).length, pending.tags);
        },
      };
    },
  };
}
