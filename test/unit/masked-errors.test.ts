/**
 * An error that is not one of ours is masked, whether it happened in a
 * resolver (with a path) or around the operation (without one): the client
 * gets "Internal server error" with the request id, and the log gets the
 * real cause under that same id.
 */
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFormatError } from '../../src/graphql/format-error.js';
import { loggingPlugin } from '../../src/graphql/logging-plugin.js';

interface Line {
  requestId?: string;
  err?: { message: string };
  msg: string;
}

function serverWith(plugin: ApolloServerPlugin<{ requestId: string }>) {
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const apollo = new ApolloServer<{ requestId: string }>({
    typeDefs: 'type Query { ok: String broken: String }',
    resolvers: { Query: { ok: () => 'ok', broken: () => Promise.reject(new Error('connection to 10.0.0.5 refused: select * from secrets')) } },
    formatError: createFormatError({ hideSuggestions: false }),
    plugins: [loggingPlugin(logger), plugin],
  });
  const ask = async (query: string, requestId: string) => {
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query } },
      context: async () => ({ requestId }),
    });
    return { status: response.status, body: response.body.kind === 'complete' ? JSON.parse(response.body.string) : null };
  };
  return { apollo, lines, ask };
}

const throwsAroundTheOperation: ApolloServerPlugin<{ requestId: string }> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request }) {
        if (request.query?.includes('around')) throw new Error('cache backend at 10.0.0.9 is down');
      },
    };
  },
};

describe('masked internal errors', () => {
  it('without a path: masked for the client, logged with the request id and the cause', async () => {
    const { apollo, lines, ask } = serverWith(throwsAroundTheOperation);
    await apollo.start();
    const res = await ask('query around { ok }', 'req-around');
    expect(res.body.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-around' } }]);
    expect(JSON.stringify(res.body)).not.toContain('10.0.0.9');
    expect(lines).toContainEqual(expect.objectContaining({ requestId: 'req-around', msg: 'internal error', err: expect.objectContaining({ message: 'cache backend at 10.0.0.9 is down' }) }));
    await apollo.stop();
  });

  it('with a path: the same', async () => {
    const { apollo, lines, ask } = serverWith(throwsAroundTheOperation);
    await apollo.start();
    const res = await ask('{ ok broken }', 'req-path');
    expect(res.body.data).toEqual({ ok: 'ok', broken: null });
    expect(res.body.errors[0]).toMatchObject({ message: 'Internal server error', path: ['broken'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-path' } });
    expect(lines).toContainEqual(expect.objectContaining({ requestId: 'req-path', err: expect.objectContaining({ message: expect.stringContaining('10.0.0.5') }) }));
    await apollo.stop();
  });

  it("leaves Apollo's own request errors as they are: a client error is not masked", async () => {
    const { apollo, lines, ask } = serverWith(throwsAroundTheOperation);
    await apollo.start();
    const res = await ask('{ nope }', 'req-invalid');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(lines.filter((l) => l.requestId === 'req-invalid')).toEqual([]);
    await apollo.stop();
  });
});
