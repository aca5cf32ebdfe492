/**
 * Introspection for signed-in principals only: schema tooling (codegen, IDEs,
 * registries) keeps working with a token, anonymous callers learn nothing.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Context } from '../features/context.js';

function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
    [Kind.FRAGMENT_DEFINITION]: () => undefined,
  });
  return found;
}

export function introspectionForPrincipalsPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (contextValue.principal.kind === 'anonymous' && introspects(document)) {
            throw new GraphQLError('Introspection needs a signed-in principal', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
      };
    },
  };
}
