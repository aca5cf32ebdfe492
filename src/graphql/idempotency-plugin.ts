/**
 * The `Idempotency-Key` header of mutations (src/mutations/idempotency.ts):
 * a retry with a key already used is answered with the first answer, and
 * nothing runs; the same key for another operation or other variables is
 * refused with IDEMPOTENCY_KEY_REUSED. Keys on queries are ignored: they
 * write nothing.
 */
import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { Context } from '../features/context.js';
import { findAnswer, IDEMPOTENCY_HEADER, idempotencyPrincipal, requestHashOf, storeAnswer, type StoredAnswer } from '../mutations/idempotency.js';

/** Printable ASCII, as long as a UUID or a CI job's own id needs and no longer. */
const KEY = /^[\x21-\x7e]{1,255}$/;
/** How long a retry waits for the first request's answer, between its commit and its answer. */
const WAIT_MS = 5000;

export function idempotencyPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ operation, contextValue: ctx, queryHash, request }): Promise<GraphQLResponse | null> {
          const key = request.http?.headers.get(IDEMPOTENCY_HEADER);
          if (operation?.operation !== 'mutation' || key === undefined) return null;
          if (!KEY.test(key)) return refusal(400, 'BAD_USER_INPUT', 'The Idempotency-Key header must be 1 to 255 printable ASCII characters');
          const principal = idempotencyPrincipal(ctx.principal);
          if (principal === null) return null; // anonymous: the mutation is refused anyway, and writes nothing
          const requestHash = requestHashOf(queryHash ?? request.query ?? '', request.operationName, request.variables);
          const stored = await answerOf(ctx, principal, key);
          if (!stored) {
            ctx.idempotency = { principal, key, requestHash, recorded: false };
            return null;
          }
          if (stored.requestHash !== requestHash) {
            return refusal(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another operation or other variables; use a new key for a new request');
          }
          if (stored.response === null) return refusal(409, 'CONFLICT', 'A request with this Idempotency-Key is still running; retry it in a moment for its answer');
          const headers = new HeaderMap([['idempotent-replayed', 'true']]);
          return { http: { status: stored.status ?? 200, headers }, body: { kind: 'single', singleResult: stored.response as FormattedExecutionResult } };
        },
        async willSendResponse({ contextValue: ctx, response }) {
          if (!ctx.idempotency?.recorded || response.body.kind !== 'single') return;
          await storeAnswer(ctx.primary, ctx.idempotency, response.http.status ?? 200, response.body.singleResult).catch((error: unknown) =>
            ctx.logger.error({ err: error, requestId: ctx.requestId }, 'the answer of an idempotent mutation could not be stored; its retries will be refused as still running'),
          );
        },
      };
    },
  };
}

/** The stored answer, waiting a little when the key is recorded but its answer not yet (the first request is between commit and answer). */
async function answerOf(ctx: Context, principal: string, key: string): Promise<StoredAnswer | null> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const stored = await findAnswer(ctx.primary, principal, key);
    if (!stored || stored.response !== null || Date.now() > until) return stored;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function refusal(status: number, code: string, message: string): GraphQLResponse {
  return { http: { status, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { errors: [{ message, extensions: { code } }] } } };
}
